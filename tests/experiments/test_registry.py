"""The catalogue: every experiment resolves; bad settings are refused naming file and field."""

import pytest

import nablab as nl
from nablab.experiments import names, resolve
from nablab.experiments.registry import from_dict

EXPECTED = {"sgd-regression", "two-layer-net", "vanishing-gradient", "init-histograms",
            "depth-gradients", "batch-norm", "optimizers", "optimizer-paths", "overfitting"}


def test_catalogue_has_the_course_experiments():
    assert EXPECTED <= set(names())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_experiment_resolves(name):
    spec = resolve(name)
    assert spec.title and spec.kind
    assert spec.params is not None


def test_course_settings_of_vanishing_gradient():
    spec = resolve("vanishing-gradient")
    run = {r.key: r for r in spec.params.runs}["sigmoid-gauss"]
    assert run.label == "sigmoid-gauss" and run.course == 0.1135
    assert run.model.hidden == (40, 20) and run.model.init == 0.01
    assert run.optimizer.name == "sgd" and run.optimizer.lr == 0.1
    assert run.train.iters == 2000 and run.train.sampler == "replacement"
    assert run.train.train_acc_on == "batch"


def test_quick_shrinks_and_set_overrides():
    spec = resolve("overfitting", ["optimizer.lr=0.05", "train.iters=30"], quick=True, seeds=2)
    assert spec.seeds == 2
    for run in spec.params.runs:
        assert run.optimizer.lr == 0.05 and run.train.iters == 30
        assert run.data.n_train == 300 and run.data.subset == "first"     # course subset kept
    assert resolve("depth-gradients", ["params.train_iters=5"]).params.train_iters == 5


DOC = {"experiment": {"name": "x", "title": "t", "kind": "classify"},
       "defaults": {"optimizer": {"name": "sgd", "lr": 0.1}}, "variants": [{"label": "a"}]}


def with_variant(**over):
    return {**DOC, "variants": [{"label": "a", **over}]}


@pytest.mark.parametrize("doc, message", [
    (with_variant(optimizer={"lr": -0.1}),
     r"catalog/x.toml: variants\[0\].optimizer.lr must be > 0; got -0.1"),
    (with_variant(model={"activaton": "relu"}),
     r"catalog/x.toml: variants\[0\].model.activaton is not a known field; expected one of"),
    (with_variant(train={"iters": "many"}),
     r"catalog/x.toml: variants\[0\].train.iters must be an integer; got 'many'"),
    (with_variant(model={"dropout": 1.5}), r"variants\[0\].model.dropout must be in \[0, 1\)"),
    (with_variant(model={"activation": "swish"}), r"model.activation must be one of"),
    (with_variant(model={"init": "lecun"}), r"model.init"),
    (with_variant(data={"name": "cifar"}), r"data.name must be one of"),
    (with_variant(optimizer={"name": "adamax"}), r"optimizer.name must be one of"),
    (with_variant(train={"probes": ["weights"]}), r"train.probes must be some of"),
    ({**DOC, "variants": [{"label": "a"}, {"label": "a"}]}, r"variants\[1\].key must be unique"),
    ({**DOC, "variants": [{"label": "L2 0.1"}, {"label": "l2-0.1"}]}, r"as a folder name 'l2-0-1'"),
    ({**DOC, "variants": [{"label": "a", "key": "k"}, {"label": "b", "key": "k"}]},
     r"variants\[1\].key must be unique .*repeats variants\[0\]"),
    (with_variant(course=[0.9, 0.8]), r"variants\[0\].course must be \[low, high\] within \[0, 1\]"),
    ({**DOC, "extra": {}}, r"catalog/x.toml: extra is not a known table"),
    ({**DOC, "experiment": {"name": "x", "title": "t", "kind": "gan"}}, r"experiment.kind must be one of"),
    ({"experiment": {"name": "x", "title": "t", "kind": "regression"}, "params": {"lr": 0}},
     r"catalog/x.toml: params.lr must be > 0; got 0.0"),
])
def test_bad_catalogue_entries(doc, message):
    with pytest.raises(nl.ConfigError, match=message):
        from_dict(doc, "catalog/x.toml")


@pytest.mark.parametrize("item, message", [
    ("optimizer.lr=-1", r"--set optimizer.lr must be > 0; got -1.0"),
    ("optimizer.lr=inf", r"--set optimizer.lr must be > 0; got inf"),
    ("train.itres=5", r"--set train.itres is not a known field"),
    ("train.iters=abc", r"--set train.iters must be an integer; got 'abc'"),
    ("optimizer..lr=1", r"--set expects a dotted key such as optimizer.lr"),
    ("lr", r"--set expects key=value"),
    ("seeds=0", r"seeds must be an integer from 1 to 1,000"),
])
def test_bad_set_values(item, message):
    with pytest.raises(nl.ConfigError, match=message):
        resolve("vanishing-gradient", [item])


def test_unknown_experiment_lists_the_catalogue():
    with pytest.raises(nl.ConfigError, match=r"unknown experiment 'gans'; expected one of \["):
        resolve("gans")


def test_params_set_is_named_as_typed():
    with pytest.raises(nl.ConfigError, match=r"--set lr must be > 0; got -1.0"):
        resolve("sgd-regression", ["params.lr=-1"])


def test_a_toml_file_of_your_own_resolves(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('[experiment]\nname = "mine"\ntitle = "t"\nkind = "optimizer-paths"\n'
                    '[params]\nsteps = 3\n[[params.optimizers]]\nlabel = "SGD"\n'
                    'optimizer = { name = "sgd", lr = 0.5 }\n')
    spec = resolve(str(path))
    assert spec.name == "mine" and spec.params.steps == 3 and spec.source == str(path)
    with pytest.raises(nl.ConfigError, match="cannot read"):
        resolve(str(tmp_path / "missing.toml"))
