"""nablab sweep: the search space checked first, trials scored on validation data only, the
study in a real SQLite database (shared by two processes, resumed with more trials), pruning,
failed trials recorded, and the hyperparameter-search catalogue sweep."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import optuna
import pytest

from nablab.cli import main
from nablab.experiments.sweep import trial as trial_module
from nablab.experiments.sweep.trial import run_trial

LR = "optimizer.lr=loguniform:0.01:1"
QUICK = ["--quick", "--quiet", "--set", "train.iters=40", "--set", "train.eval_every=10"]


def sweep(*args) -> int:
    return main(["sweep", "two-layer-net", *QUICK, *args])


def data(out) -> dict:
    return json.loads((out / "results.json").read_text())


@pytest.mark.parametrize("item, says", [
    ("optimizer.lrr=loguniform:1e-3:1", "lrr"),                  # not a key of the experiment
    ("optimizer.lr=loguniform:-1:1", "0 < LOW"),
    ("optimizer.lr=uniform:1", "uniform:LOW:HIGH"),
    ("optimizer.lr=gauss:0:1", "distribution of the form"),
    ("train.batch_size=int:0:4", "batch_size"),                   # an end the experiment refuses
    ("train.batch_size=int:50:100000", "training images a trial trains on"),   # every trial would fail
    ("optimizer.name=choice:sgd,nadam", "nadam"),
    ("optimizer.name=choice:sgd", "two or more"),
    ("lr", "KEY=DIST"),
])
def test_a_bad_param_is_a_config_error_before_anything_runs(tmp_path, capsys, item, says):
    out = tmp_path / "s"
    assert sweep("--param", item, "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert "error" in err and says in err, err
    assert not out.exists()


def test_other_bad_sweeps_are_refused_clearly(tmp_path, capsys):
    assert main(["sweep", "im2col-demo", "--param", LR, "--out", str(tmp_path / "a")]) == 2
    assert "classify experiment" in capsys.readouterr().err
    assert sweep("--param", LR, "--param", "optimizer.lr=uniform:0.1:0.2", "--out", str(tmp_path / "b")) == 2
    assert "twice" in capsys.readouterr().err
    assert sweep("--param", LR, "--sampler", "grid", "--out", str(tmp_path / "c")) == 2
    assert "grid needs choice" in capsys.readouterr().err
    assert sweep("--param", LR, "--storage", "nosuchdb://x", "--out", str(tmp_path / "d")) == 2
    assert "--storage nosuchdb://x: Optuna cannot open it" in capsys.readouterr().err
    assert sweep("--param", LR, "--variant", "nope", "--out", str(tmp_path / "e")) == 2
    assert "no variant 'nope'" in capsys.readouterr().err
    assert main(["sweep", "--quiet"]) == 2


def test_a_sweep_writes_its_study_table_figures_and_summary(tmp_path):
    out = tmp_path / "s"
    assert sweep("--param", LR, "--param", "train.batch_size=int:20:100", "--trials", "7", "--out", str(out)) == 0
    r = data(out)
    assert len(r["trials"]) == 7 and sum(r["counts"].values()) == 7
    assert r["counts"]["complete"] >= 5                       # the pruner waits for 5 finished trials
    for t in r["trials"]:
        assert 0.01 <= t["params"]["optimizer.lr"] <= 1 and 20 <= t["params"]["train.batch_size"] <= 100
        assert t["curve"] and all(0 <= a <= 1 for _, a in t["curve"])
    best = max((t for t in r["trials"] if t["state"] == "complete"), key=lambda t: t["value"])
    assert r["best"]["number"] == best["number"] and 0 <= r["best"]["test_acc"] <= 1
    assert set(r["importance"]) == {"optimizer.lr", "train.batch_size"}
    assert sum(r["importance"].values()) == pytest.approx(1, abs=1e-3)
    assert (out / "study.db").exists() and {p.name for p in (out / "figures").glob("*.png")} == \
        {"metric_vs_params.png", "best_curves.png"}
    summary = (out / "summary.md").read_text()
    assert "measured once after the search" in summary and f"{r['best']['test_acc']:.4f}" in summary
    study = optuna.load_study(study_name="two-layer-net-sweep", storage=f"sqlite:///{out / 'study.db'}")
    assert [t.number for t in study.trials] == list(range(7))


def test_a_trial_never_looks_at_the_test_set(monkeypatch):
    """Scrambling the test labels changes nothing a trial is scored on; only test_acc moves."""
    config = {"base": "two-layer-net", "sets": ["train.iters=30", "train.eval_every=10"], "quick": True,
              "val_fraction": 0.2, "seed": 0, "metric": "val_acc"}
    values = {"optimizer.lr": 0.5}
    first = run_trial(config, values, test=True)
    real = trial_module.data_for

    def scrambled(spec):
        ds = real(spec)
        ds = type(ds)(**{**ds.__dict__, "y_test": (ds.y_test + 1) % len(ds.classes)})
        return ds
    monkeypatch.setattr(trial_module, "data_for", scrambled)
    second = run_trial(config, values, test=True)
    assert first["value"] == second["value"] and first["curve"] == second["curve"]
    assert second["test_acc"] != first["test_acc"]


def test_resume_adds_trials_with_new_values(tmp_path):
    out = tmp_path / "s"
    assert sweep("--param", LR, "--trials", "3", "--out", str(out)) == 0
    before = data(out)["trials"]
    assert main(["sweep", "--resume", str(out), "--trials", "2", "--quiet"]) == 0
    after = data(out)["trials"]
    assert len(after) == 5 and after[:3] == before
    assert {t["params"]["optimizer.lr"] for t in after[3:]}.isdisjoint(t["params"]["optimizer.lr"] for t in before)
    sessions = json.loads((out / "sessions.json").read_text())
    assert [s["ended"] for s in sessions] == ["finished", "finished"]


def test_a_sweep_whose_trials_all_fail_is_an_error(tmp_path, capsys):
    """Every trial diverges: each is recorded FAIL with its reason, and the sweep exits 2 saying so (it
    used to exit 0 with nothing found; issue 27, class 3)."""
    out = tmp_path / "s"
    assert sweep("--param", "model.init=loguniform:1e25:1e30", "--trials", "2", "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert "all 2 trial(s) of the study failed: diverged at iteration" in err and "Traceback" not in err, err
    study = optuna.load_study(study_name="two-layer-net-sweep", storage=f"sqlite:///{out / 'study.db'}")
    assert [t.state.name for t in study.trials] == ["FAIL", "FAIL"]
    assert not (out / "results.json").exists()


def test_ctrl_c_stops_a_sweep_in_this_process_and_no_trial_keeps_a_cut_short_value(tmp_path):
    """`nablab sweep` (trials in the main process) with Ctrl-C after its first trials: it stops at
    once (it used to run on through every trial), the trial cut short is FAIL "interrupted" — never
    COMPLETE with its partial value, never left RUNNING — and a resume runs a trial in its place."""
    import signal
    import time
    out = tmp_path / "s"
    proc = subprocess.Popen([str(Path(sys.executable).with_name("nablab")), "sweep", "two-layer-net", "--quick",
                             "--param", LR, "--trials", "4", "--set", "train.iters=400", "--set",
                             "train.eval_every=10", "--out", str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ, NABLAB_OFFLINE="1", PYTHONUNBUFFERED="1"),
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        for line in proc.stdout:                       # the first trial has ended: the second trains
            if "trial 0:" in line:
                break
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        sent = time.time()
        err = proc.communicate(timeout=60)[1]
    finally:
        proc.kill()
    assert time.time() - sent < 8 and proc.returncode == 130 and "Traceback" not in err, err
    study = optuna.load_study(study_name="two-layer-net-sweep", storage=f"sqlite:///{out / 'study.db'}")
    states = [t.state.name for t in study.trials]
    assert "RUNNING" not in states and len(states) < 4, states
    cut = [t for t in study.trials if t.state.name == "FAIL"]
    assert cut and all(t.user_attrs["note"].startswith("interrupted") for t in cut)
    assert main(["sweep", "--resume", str(out), "--quiet"]) == 0
    states = [t.state.name for t in optuna.load_study(study_name="two-layer-net-sweep",
                                                       storage=f"sqlite:///{out / 'study.db'}").trials]
    assert states.count("COMPLETE") + states.count("PRUNED") == 4, states


def test_a_sweep_can_minimise_the_training_loss(tmp_path):
    out = tmp_path / "s"
    assert sweep("--param", LR, "--metric", "train_loss", "--sampler", "random", "--trials", "3", "--out", str(out)) == 0
    r = data(out)
    assert r["direction"] == "minimize"
    done = [t for t in r["trials"] if t["state"] == "complete"]
    assert r["best"]["value"] == min(t["value"] for t in done) and all(0 < t["value"] < 5 for t in done)


def test_the_grid_sampler_visits_each_point_once(tmp_path):
    out = tmp_path / "s"
    assert sweep("--param", "train.batch_size=int:50:51", "--param", "optimizer.name=choice:sgd,momentum",
                  "--sampler", "grid", "--trials", "10", "--out", str(out)) == 0
    points = [tuple(t["params"].values()) for t in data(out)["trials"]]
    assert sorted(points) == sorted({(b, n) for b in (50, 51) for n in ("sgd", "momentum")})


def test_a_huge_grid_queues_only_the_trials_asked_for(tmp_path):
    """Three int:1:1000 ranges are 10⁹ points: --trials 2 queues 2 (the grid is never listed whole)."""
    import time
    from nablab.experiments.sweep.space import parse_space
    from nablab.experiments.sweep.study import enqueue_grid
    optuna = pytest.importorskip("optuna")
    study = optuna.create_study(storage=f"sqlite:///{tmp_path / 's.db'}", study_name="g")
    dists = parse_space(["train.iters=int:1:1000", "train.batch_size=int:1:1000", "train.eval_every=int:1:1000"])
    start = time.perf_counter()
    assert enqueue_grid(study, dists, seed=0, limit=2) == 2
    assert time.perf_counter() - start < 10
    queued = [t.params for t in study.get_trials(states=(optuna.trial.TrialState.WAITING,))]
    assert len(queued) == 2 and all(1 <= v <= 1000 for p in queued for v in p.values())


def test_two_processes_share_one_sqlite_study_and_no_trial_is_lost(tmp_path):
    """Two `nablab sweep` workers on one SQLite study (the RDB pattern of several machines)."""
    db = tmp_path / "shared.db"
    cmd = [sys.executable, "-m", "nablab.cli", "sweep", "two-layer-net", *QUICK, "--param", LR,
           "--trials", "4", "--storage", f"sqlite:///{db}"]
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    procs = [subprocess.Popen([*cmd, "--out", str(tmp_path / f"w{k}")], env=env, stderr=subprocess.PIPE,
                              text=True) for k in range(2)]
    try:
        errors = [p.communicate(timeout=240)[1] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=30)
    assert [p.returncode for p in procs] == [0, 0], errors
    study = optuna.load_study(study_name="two-layer-net-sweep", storage=f"sqlite:///{db}")
    assert sorted(t.number for t in study.trials) == list(range(8))
    assert all(t.state.is_finished() for t in study.trials)
    # each worker's table is the study as it stood when that worker finished: its own 4 and more
    for w in ("w0", "w1"):
        assert 4 <= len(data(tmp_path / w)["trials"]) <= 8
    assert data(tmp_path / "w0")["storage"] == f"sqlite:///{db}"


def test_the_median_rule_prunes_a_trial_below_the_earlier_ones(tmp_path):
    """Five finished trials at 0.9 on every evaluation; a trial with lr 1e-6 learns nothing and
    is stopped at its first evaluation past the warm-up, by Optuna's pruner, in the worker."""
    url = f"sqlite:///{tmp_path / 'p.db'}"
    study = optuna.create_study(storage=url, study_name="p", direction="maximize")
    dist = {"optimizer.lr": optuna.distributions.FloatDistribution(1e-6, 1, log=True)}
    for k in range(5):
        study.add_trial(optuna.trial.create_trial(params={"optimizer.lr": 0.5}, distributions=dist, value=0.9,
                                                  intermediate_values={i: 0.9 for i in range(10, 50, 10)}))
    trial = study.ask(dist)
    config = {"base": "two-layer-net", "sets": ["train.iters=40", "train.eval_every=10"], "quick": True,
              "val_fraction": 0.2, "seed": 0, "metric": "val_acc"}
    result = run_trial(config, {"optimizer.lr": 1e-6},
                       {"storage": url, "study": "p", "trial_number": trial.number, "warmup": 15})
    assert result["state"] == "pruned" and result["note"] == "pruned at iteration 20", result
    assert [i for i, _ in result["curve"]] == [10, 20]
    assert study.trials[-1].intermediate_values == dict(map(tuple, result["curve"]))


def test_the_catalogue_sweep_runs_quick(tmp_path):
    out = tmp_path / "hs"
    assert main(["run", "hyperparameter-search", "--quick", "--quiet", "--out", str(out)]) == 0
    r = data(out)
    assert r["kind"] == "sweep" and len(r["trials"]) == 8 and r["iters"] == 40
    assert r["n_train"] == 400 and r["n_val"] == 100
    assert r["space"] == ["optimizer.lr=loguniform:1e-06:0.01", "train.lam=loguniform:1e-08:0.0001"]
    assert np.isfinite(r["best"]["test_acc"])


def test_storages_are_checked_before_anything_is_written(tmp_path, capsys):
    """An in-memory SQLite storage (every trial used to fail, exit 0) and a second search on a study
    that holds another (it used to report the first's best, then KeyError on every resume) are refused
    before the run directory exists (issue 27, classes 3 and 7)."""
    assert sweep("--param", LR, "--trials", "1", "--storage", "sqlite://", "--out", str(tmp_path / "a")) == 2
    assert "in-memory SQLite" in capsys.readouterr().err and not (tmp_path / "a").exists()
    shared = f"sqlite:///{tmp_path / 'shared.db'}"
    assert sweep("--param", LR, "--trials", "1", "--storage", shared, "--out", str(tmp_path / "b")) == 0
    capsys.readouterr()
    assert sweep("--param", "optimizer.lr=uniform:0.1:0.2", "--trials", "1", "--storage", shared,
                 "--out", str(tmp_path / "c")) == 2
    err = capsys.readouterr().err
    assert "a study holds one search" in err and "Traceback" not in err, err
    assert not (tmp_path / "c").exists()


def test_a_storage_password_is_never_written_or_printed(tmp_path, capsys, monkeypatch):
    """`--storage postgresql://u:secretpw@…`: the password reaches the database (here a stand-in that
    records the URL it is given and keeps the study in SQLite) but no file of the run, no message and
    not .lock while the run holds it (issue 27, class 4)."""
    from nablab.credentials import PASSWORD_ENV
    from nablab.experiments.sweep import study as study_module
    monkeypatch.delenv(PASSWORD_ENV, raising=False)          # restored (absent) after the test
    given, locks, db = [], [], f"sqlite:///{tmp_path / 'stand-in.db'}"
    real = trial_module.storage_for
    out, url = tmp_path / "s", "postgresql://u:secretpw@db.example/sweeps"

    def stand_in(url):
        from nablab.credentials import with_password
        given.append(with_password(url))
        locks.append((out / ".lock").read_bytes() if (out / ".lock").exists() else b"")
        return real(db)
    monkeypatch.setattr(trial_module, "storage_for", stand_in)
    monkeypatch.setattr(study_module, "storage_for", stand_in)
    assert sweep("--param", LR, "--trials", "2", "--storage", url, "--out", str(out)) == 0
    assert given and set(given) == {url}
    assert any(b"u:***@db.example" in lock for lock in locks) and not any(b"secretpw" in lock for lock in locks)
    printed = capsys.readouterr()
    files = [p for p in out.rglob("*") if p.is_file() and p.name != "study.db"]
    assert files and not any(b"secretpw" in p.read_bytes() for p in files)
    assert "secretpw" not in printed.out + printed.err
    spec = json.loads((out / "spec.json").read_text())
    assert spec["spec"]["params"]["storage"] == "postgresql://u@db.example/sweeps"
    assert "u:***@db.example" in spec["command"]
