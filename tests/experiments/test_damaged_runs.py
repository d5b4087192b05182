"""Damaged files in a run directory (issue 11, item 6): `nablab run --resume` and reusing a finished
run (`nablab report --reuse`, or a finished folder under `nablab report --out`) meet a corrupt
spec.json, history, checkpoint, sessions.json or results.json. Each is a DataError or ConfigError
that names the file and says what to do, never a traceback; nothing is run on top of it."""

import json
import re
import shutil

import pytest

from nablab.cli import main
from nablab.errors import NablabError
from nablab.experiments.runner import ensure_runs

H = "history/two-layer/seed0.json"
CK = "checkpoints/two-layer/seed0/checkpoint.npz"


def copy_of(finished, tmp_path, *, unfinished: bool):
    run = tmp_path / "run"
    shutil.copytree(finished, run)
    (run / ".lock").unlink()
    if unfinished:                                  # stopped before its results were written
        (run / "results.json").unlink()
    return run


def text(content):
    return lambda run, rel: (run / rel).write_text(content)


def half(run, rel):
    data = (run / rel).read_bytes()
    (run / rel).write_bytes(data[: len(data) // 2])


def flipped(run, rel):
    data = bytearray((run / rel).read_bytes())
    data[200:400] = bytes(b ^ 0xFF for b in data[200:400])
    (run / rel).write_bytes(bytes(data))


def spec_edit(change):
    def damage(run, rel):
        meta = json.loads((run / rel).read_text())
        change(meta)
        (run / rel).write_text(json.dumps(meta))
    return damage


def interrupted(then):
    """The task stopped mid-way (so --resume reads its checkpoint), and then ``then``."""
    def damage(run, rel):
        history = json.loads((run / H).read_text())
        history["status"] = "interrupted"
        (run / H).write_text(json.dumps(history))
        then(run, rel)
    return damage


RESUME = {   # case: (file, damage, message)
    "spec truncated": ("spec.json", half, "spec.json: not readable JSON"),
    "spec empty": ("spec.json", text(""), "spec.json: not readable JSON"),
    "spec a list": ("spec.json", text("[1, 2]"), "spec.json: expected a JSON object; got list"),
    "spec nested 3,000 deep": ("spec.json", text("[" * 3000 + "]" * 3000), "nested too deeply"),
    "unknown kind": ("spec.json", spec_edit(lambda m: m["spec"].update(kind="nope")),
                     "unknown experiment kind 'nope'"),
    "extra field": ("spec.json", spec_edit(lambda m: m["spec"].update(colour="red")),
                    "spec.json: colour is not a field of an experiment spec"),
    "no spec inside": ("spec.json", spec_edit(lambda m: m.pop("spec")),
                       "spec.json: spec must be a JSON object"),
    "meta missing keys": ("spec.json", spec_edit(lambda m: m.pop("versions")),
                          "spec.json: versions must be a JSON object"),
    "versions incomplete": ("spec.json", spec_edit(lambda m: m["versions"].pop("numpy")),
                            r"spec.json: versions lacks \['numpy'\]"),
    "wrong params": ("spec.json", spec_edit(lambda m: m["spec"]["params"].update(runs="x")),
                     "spec.json: params.runs must be a list"),
    "spec deleted": ("spec.json", lambda run, rel: (run / rel).unlink(), "no spec.json here"),
    "history truncated": (H, half, "seed0.json: not readable JSON"),
    "history empty": (H, text(""), "seed0.json: not readable JSON"),
    "history a list": (H, text("[]"), "seed0.json: not a training history"),
    "history missing keys": (H, text('{"points": 3}'), "seed0.json: not a training history"),
    "checkpoint truncated": (CK, interrupted(half), "checkpoint.npz: unreadable checkpoint"),
    "checkpoint empty": (CK, interrupted(text("")), "checkpoint.npz: unreadable checkpoint"),
    "checkpoint bit-flipped": (CK, interrupted(flipped), "checkpoint.npz: unreadable checkpoint"),
    "sessions not a list": ("sessions.json", text('{"a": 1}'), "sessions.json: not a list of sessions"),
    "sessions of text": ("sessions.json", text('["a"]'), "sessions.json: not a list of sessions"),
}


@pytest.mark.parametrize("case", RESUME, ids=list(RESUME))
def test_resume_of_a_damaged_run_is_one_clear_error(case, finished, tmp_path, capsys):
    rel, damage, message = RESUME[case]
    run = copy_of(finished, tmp_path, unfinished=True)
    damage(run, rel)
    assert main(["run", "--resume", str(run)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert re.search(message, err), err
    assert not (run / "results.json").exists()                  # nothing was run on top of it


REUSE = {
    "results garbage": ("results.json", text("garbage"), "results.json: not readable JSON"),
    "results a list": ("results.json", text("[]"), "results.json: expected a JSON object; got list"),
    "results empty object": ("results.json", text("{}"), "results.json: experiment must be text"),
    "results tampered": ("results.json", lambda run, rel: (run / rel).write_text(
        re.sub(r'"test_acc": 0\.', '"test_acc": 0.9', (run / rel).read_text())),
        r"results.json: does not match the run's own files \(variants\); delete it and run "
        r"`nablab run --resume"),
    "results of another experiment": ("results.json", lambda run, rel: (run / rel).write_text(
        (run / rel).read_text().replace('"experiment": "two-layer-net"', '"experiment": "x"')),
        r"results.json: does not match the run.s own files \(experiment"),
    "spec deleted": ("spec.json", lambda run, rel: (run / rel).unlink(), "no spec.json here"),
    "spec garbage": ("spec.json", text("{"), "spec.json: not readable JSON"),
    "history garbage": (H, text("{"), "seed0.json: not readable JSON"),
}


@pytest.mark.parametrize("where", ["--reuse", "--out"])
@pytest.mark.parametrize("case", REUSE, ids=list(REUSE))
def test_reusing_a_damaged_run_is_one_clear_error(case, where, finished, tmp_path):
    rel, damage, message = REUSE[case]
    run = copy_of(finished, tmp_path, unfinished=False)
    (run / "summary.md").unlink()
    damage(run, rel)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    with pytest.raises(NablabError, match=message):
        if where == "--reuse":
            runs = ensure_runs(["two-layer-net"], tmp_path / "new", reuse=[run], log=lambda *a: None)
            assert "two-layer-net" in runs, "not reused"
        else:                                               # the report's own folder of runs
            shutil.move(run, tmp_path / "two-layer-net")
            ensure_runs(["two-layer-net"], tmp_path, log=lambda *a: None)
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.name != ".lock")
    assert after == [p for p in before if p.name != ".lock"] or where == "--out"


def test_an_intact_run_is_reused_as_it_is(finished, tmp_path):
    run = copy_of(finished, tmp_path, unfinished=False)
    runs = ensure_runs(["two-layer-net"], tmp_path / "new", reuse=[run], log=lambda *a: None)
    assert runs["two-layer-net"].path == run and not (tmp_path / "new").exists()
