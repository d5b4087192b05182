"""A new experiment kind is one module and one TOML file: a toy kind, defined here, runs
through `nablab run` with its own parameters, quick settings, summary and figure."""

import json
from dataclasses import dataclass

import pytest

import nablab as nl
from nablab.cli import main
from nablab.document import Table
from nablab.experiments import KINDS, SingleRun, register
from nablab.experiments.kinds import get
from nablab.checks import require
from nablab.validate import at
from nablab.plotting import pyplot, save


@dataclass(frozen=True)
class PowersParams:
    base: float = 2.0
    count: int = 10

    def check(self, where):
        require(self.count >= 1, at(where, "count"), ">= 1", self.count)


class Powers(SingleRun):
    """base**k for k < count: the smallest kind there is."""
    name = "toy-powers"
    Params = PowersParams
    quick = {"count": 3}

    def compute(self, p, progress):
        return {"powers": [p.base ** k for k in range(p.count)]}

    def summary(self, results):
        return [Table(("k", "value"), [(k, v) for k, v in enumerate(results["powers"])])]

    def figures(self, results, run):
        fig, ax = pyplot().subplots()
        ax.plot(results["powers"])
        return [save(fig, run.figures_dir, "powers")]


TOML = """[experiment]
name = "toy"
title = "Powers of a base"
kind = "toy-powers"

[params]
base = 3.0
count = 5
"""


@pytest.fixture
def toy(tmp_path):
    register(Powers())
    path = tmp_path / "toy.toml"
    path.write_text(TOML)
    yield path
    KINDS.pop("toy-powers")


def test_a_toy_kind_runs_through_the_cli(toy, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", str(toy), "--out", str(out), "--set", "count=4"]) == 0
    results = json.loads((out / "results.json").read_text())
    assert results["kind"] == "toy-powers" and results["powers"] == [1.0, 3.0, 9.0, 27.0]
    assert results["overrides"] == ["count=4"]
    summary = (out / "summary.md").read_text()
    assert "| 3 | 27.0 |" in summary and "figures/powers.png" in summary
    assert (out / "figures" / "powers.svg").exists()
    quick = tmp_path / "quick"
    assert main(["run", str(toy), "--quick", "--out", str(quick)]) == 0
    assert json.loads((quick / "results.json").read_text())["powers"] == [1.0, 3.0, 9.0]
    assert main(["run", str(toy), "--set", "count=0", "--out", str(tmp_path / "bad")]) == 2
    assert "--set count must be >= 1; got 0" in capsys.readouterr().err


def test_every_catalogue_kind_is_registered():
    from nablab.experiments import names, resolve
    assert {resolve(n).kind for n in names()} <= set(KINDS)
    with pytest.raises(nl.ConfigError, match=r"unknown experiment kind 'gan'; expected one of \["):
        get("gan")
    with pytest.raises(nl.ConfigError, match="register expects a Kind"):
        register(object())


def test_unknown_variant_key_lists_the_known_ones(tmp_path):
    from nablab.report.runs import Run
    out = tmp_path / "r"
    assert main(["run", "two-layer-net", "--quick", "--quiet", "--out", str(out)]) == 0
    run = Run(out)
    assert run.variant("two-layer").label == "TwoLayerNet 784-40-10"
    from nablab.experiments import resolve
    from nablab.experiments.datasets import data_for
    y = data_for(resolve("two-layer-net", quick=True).params.runs[0].data).y_test
    assert run.majority_share() == max(sum(y == c) for c in set(y.tolist())) / len(y)
    assert run.variant("two-layer").parameters == 784 * 40 + 40 + 40 * 10 + 10
    with pytest.raises(nl.ConfigError, match=r"no variant with key 'twolayer'; the run has \['two-layer'\]"):
        run.variant("twolayer")


@pytest.mark.parametrize("seeds, n_test, course, verdict, source", [
    ([0.1135] * 3, 10_000, 0.1135, "inside", "test set"),
    ([0.1135 * 3 / 3] * 3, 10_000, 0.1135, "inside", "test set"),          # float rounding is not a verdict
    ([0.91, 0.92, 0.93], 10_000, [0.91, 0.93], "inside", "seeds"),
    # simple-cnn's case: 2 of 1,000 images below the course, seeds agree: the test set's σ = 0.0063 decides
    ([0.9577, 0.9572, 0.9582], 1_000, [0.96, 0.966], "within noise", "test set"),
    # 0.01 above one published run on 10,000 images: σ = max(0.0020 seeds, 0.0022 test set), 2σ ≈ 0.0044
    ([0.948, 0.95, 0.952], 10_000, 0.94, "above", "test set"),
    ([0.948, 0.95, 0.952], 10_000, [0.91, 0.94], "within noise", "course"),  # a 0.03-wide range: 2σ = 0.03
    # the course's own spread: a range 0.0077 wide allows 2σ = 0.0077 (momentum-after's case)
    ([0.9403] * 3, 10_000, [0.9261, 0.9338], "within noise", "course"),
    # L1's unstable seeds: σ is the seeds' spread
    ([0.36, 0.45, 0.73], 10_000, [0.64, 0.70], "within noise", "seeds"),
    ([0.85] * 3, 10_000, 0.8884, "below", "test set"),
    ([0.85], 10_000, 0.8884, "one seed", "test set"),                       # never below on one seed
    ([0.885], 10_000, 0.8884, "within noise", "test set"),
    ([None, 0.5], 10_000, 0.5, "inside", "test set"),                        # a diverged seed is left out
])
def test_verdict_against_the_course(seeds, n_test, course, verdict, source):
    from nablab.verdict import versus_course
    v = versus_course(seeds, tuple(course) if isinstance(course, list) else course, n_test)
    assert (v.verdict, v.noise_from) == (verdict, source)
    values = [s for s in seeds if s is not None]
    assert v.noise >= 2 * ((sum(values) / len(values)) * (1 - sum(values) / len(values)) / n_test) ** 0.5 - 1e-12


@pytest.mark.parametrize("seeds, course", [([None, None], 0.5), ([0.9], None)])
def test_no_verdict_without_a_course_or_a_result(seeds, course):
    from nablab.verdict import versus_course
    assert versus_course(seeds, course, 1000) is None


def test_quick_previews_use_one_seed_unless_asked():
    from nablab.experiments import resolve
    assert resolve("vanishing-gradient").seeds == 3
    assert resolve("vanishing-gradient", quick=True).seeds == 1
    assert resolve("vanishing-gradient", quick=True, seeds=2).seeds == 2


def test_quick_previews_leave_out_the_variants_marked_preview_false(tmp_path):
    from nablab.experiments.registry import from_dict
    doc = {"experiment": {"name": "p", "title": "p", "kind": "classify"},
           "variants": [{"label": "a"}, {"label": "b", "preview": False}]}
    assert [r.key for r in from_dict(doc, "p.toml").params.runs] == ["a", "b"]
    assert [r.key for r in from_dict(doc, "p.toml", quick=True).params.runs] == ["a"]
    doc["variants"][1]["preview"] = "no"
    with pytest.raises(nl.ConfigError, match=r"variants\[1\]\.preview must be true or false; got 'no'"):
        from_dict(doc, "p.toml")
