"""Symbolic links in a run directory (issue 11, item 10): a run whose figures, checkpoints, history
or spec link to files elsewhere is refused — by --resume, by reuse in a report, by the report's
reader — before anything is read through the link or written through it."""

import shutil

import pytest

from nablab.cli import main
from nablab.errors import NablabError
from nablab.experiments.runner import ensure_runs
from nablab.report.runs import Run


@pytest.fixture
def outside(tmp_path):
    """A folder outside the run with a file a link may point at ("secret")."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.png").write_bytes(b"\x89PNG not yours")
    return folder


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def link_file(run, rel, outside):
    (run / rel).unlink()
    (run / rel).symlink_to(outside / "secret.png")


def link_folder(run, rel, outside):
    target = outside / rel.replace("/", "-")
    shutil.move(run / rel, target)               # the folder's content now lives outside
    (run / rel).symlink_to(target, target_is_directory=True)


CASES = {
    "a figure": ("figures/accuracy.png", link_file),
    "the figures folder": ("figures", link_folder),
    "the checkpoints folder": ("checkpoints", link_folder),
    "a checkpoint folder": ("checkpoints/two-layer/seed0", link_folder),
    "the history folder": ("history", link_folder),
    "spec.json": ("spec.json", link_file),
}


def prepared(finished, tmp_path, outside, case, *, unfinished):
    run = tmp_path / "run"
    shutil.copytree(finished, run, symlinks=True)
    if unfinished:
        (run / "results.json").unlink()
    rel, make = CASES[case]
    make(run, rel, outside)
    return run, rel


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_resume_refuses_links_and_touches_nothing_outside(case, finished, tmp_path, outside, capsys):
    run, rel = prepared(finished, tmp_path, outside, case, unfinished=True)
    before = snapshot(outside)
    assert main(["run", "--resume", str(run)]) == 2
    err = capsys.readouterr().err
    assert f"{run / rel} is a symbolic link" in err and "Traceback" not in err, err
    assert snapshot(outside) == before
    assert not (run / "results.json").exists()


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_reuse_and_the_report_refuse_links(case, finished, tmp_path, outside):
    run, rel = prepared(finished, tmp_path, outside, case, unfinished=False)
    before = snapshot(outside)
    with pytest.raises(NablabError, match=f"{run / rel} is a symbolic link"):
        ensure_runs(["two-layer-net"], tmp_path / "new", reuse=[run], log=lambda *a: None)
    with pytest.raises(NablabError, match="is a symbolic link"):
        Run(run)
    assert snapshot(outside) == before and not (tmp_path / "new").exists()


def test_a_run_directory_reached_through_a_link_is_fine(finished, tmp_path):
    """Only links inside a run are refused; --out itself may be a link (a user's choice)."""
    real = tmp_path / "real"
    shutil.copytree(finished, real)
    (tmp_path / "alias").symlink_to(real, target_is_directory=True)
    assert Run(tmp_path / "alias").results.experiment == "two-layer-net"


def test_a_lock_file_linked_elsewhere_is_never_opened(finished, tmp_path, outside, capsys):
    run = tmp_path / "run"
    shutil.copytree(finished, run)
    (run / "results.json").unlink()
    (run / ".lock").unlink()
    (run / ".lock").symlink_to(outside / "secret.png")
    before = snapshot(outside)
    assert main(["run", "--resume", str(run)]) == 2
    assert f"{run / '.lock'} is a symbolic link" in capsys.readouterr().err
    assert snapshot(outside) == before


@pytest.mark.parametrize("rel", ["index.html", "figures", "computed"])
def test_the_reports_folder_refuses_links_before_any_run(tmp_path, outside, capsys, rel):
    """`nablab report --out R` with R/index.html, R/figures or R/computed linked elsewhere is refused
    at once (before hours of runs), and nothing outside is written (issue 27, class 4)."""
    out = tmp_path / "report"
    out.mkdir()
    (out / rel).symlink_to(outside / "secret.png" if rel == "index.html" else outside,
                           target_is_directory=rel != "index.html")
    before = snapshot(outside)
    assert main(["report", "--quick", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{out / rel} is a symbolic link" in err and "Traceback" not in err, err
    assert snapshot(outside) == before and not (out / "runs-quick").exists()


def test_a_folder_that_is_no_run_is_named_so_before_it_is_searched(tmp_path, outside, capsys):
    """`--resume` of a folder without spec.json says so at once; its tree is not walked first (a folder
    of 300,000 files used to be searched for links before the answer; issue 27, class 8)."""
    folder = tmp_path / "photos"
    (folder / "deep").mkdir(parents=True)
    (folder / "deep" / "link").symlink_to(outside)
    assert main(["run", "--resume", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "no spec.json here" in err and "symbolic link" not in err, err
