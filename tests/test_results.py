"""results.json has a typed contract (nablab.results): RunDir checks it field by field where it is
written and where the report reads it, and the report reads attributes."""

import json

import pytest

import nablab as nl
from nablab.cli import main
from nablab.results import KINDS, Results, Variant, parse
from nablab.rundir import RunDir

HEADER = {"experiment": "toy", "title": "A toy", "kind": "classify", "seeds": 1, "dataset": {
    "name": "mnist", "source": "somewhere", "n_train": 10, "n_test": 5, "majority_share": 0.2}}
VARIANT = {"label": "L", "key": "k", "seeds": 1, "iters": 10, "test_acc": 0.5, "test_acc_std": 0.0,
           "train_acc": 0.6, "train_acc_std": 0.0, "final_loss": 1.0, "wall_time_s": 0.1, "course": [0.4, 0.6],
           "grad_norms_start": {"iteration": 1, "norms": [1e-3, 1.0]}}


def test_a_classify_result_reads_as_typed_records():
    r = parse({**HEADER, "variants": [VARIANT]}, "results.json")
    assert isinstance(r, Results) and isinstance(r.numbers.variants[0], Variant)
    v = r.numbers.variants[0]
    assert v.course == (0.4, 0.6) and v.grad_norms_start.norms == (1e-3, 1.0) and v.n_train is None
    assert r.dataset.majority_share == 0.2 and r.overrides == ()


@pytest.mark.parametrize("change, message", [
    (lambda d: d["variants"][0].update(test_acc="high"), r"variants\[0\]\.test_acc must be .*; got 'high'"),
    (lambda d: d["variants"][0].pop("iters"), "iters"),
    (lambda d: d["variants"][0].update(speed=3), r"variants\[0\]\.speed is not a known field"),
    (lambda d: d["dataset"].update(n_train="ten"), r"dataset\.n_train must be an integer"),
    (lambda d: d.update(seeds=True), "seeds must be an integer"),
])
def test_a_wrong_field_is_named_with_its_file(change, message):
    data = json.loads(json.dumps({**HEADER, "variants": [VARIANT]}))
    change(data)
    with pytest.raises(nl.DataError, match=f"results.json: .*{message}"):
        parse(data, "runs/x/results.json")


def test_rundir_refuses_to_write_a_result_of_the_wrong_type(tmp_path):
    run = RunDir(tmp_path / "r")
    bad = {**HEADER, "variants": [{**VARIANT, "seeds": "one"}]}
    with pytest.raises(nl.DataError, match=r"variants\[0\]\.seeds must be an integer"):
        run.write_results(bad)
    assert not run.results_file.exists()


def test_every_catalogue_kind_has_a_record():
    from nablab.experiments import KINDS as REGISTERED
    assert set(KINDS) == set(REGISTERED)


def test_a_run_reads_back_typed_and_a_damaged_field_is_one_clear_error(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "two-layer-net", "--quick", "--quiet", "--set", "train.iters=20", "--out", str(out)]) == 0
    run = RunDir(out)
    typed = run.typed_results()
    v = typed.numbers.variants[0]
    assert v.key == "two-layer" and typed.versions["nablab"] == nl.__version__
    assert len(v.test_acc_seeds) == 1 and v.test_acc_seeds[0] == v.test_acc and v.n_train == 1000
    data = json.loads(run.results_file.read_text())
    data["variants"][0]["test_acc"] = "0.9"
    run.results_file.write_text(json.dumps(data))
    with pytest.raises(nl.DataError, match=r"variants\[0\]\.test_acc must be .*; delete it and run"):
        run.typed_results()
