"""Classification experiments: each variant × seed trained with nl.fit, then summarised."""

from __future__ import annotations

import numpy as np

from ... import models, optim
from ...layers import Linear, SoftmaxCrossEntropy
from ...train import History, TrainingDiverged, fit
from ..common import data_for, slug

CHECKPOINTS = (100, 300, 500, 1000, 2000)       # CURRICULUM.md §7b


def build_model(m, input_shape: tuple, n_out: int, rng):
    """The network of a ModelSpec for inputs of ``input_shape`` (without the batch axis)."""
    if m.arch == "mlp":
        return models.mlp(int(np.prod(input_shape)), m.hidden, n_out, activation=m.activation,
                          init=m.init, batchnorm=m.batchnorm, dropout=m.dropout,
                          dropout_inverted=m.dropout_inverted, rng=rng)
    kw = {"input_shape": tuple(input_shape), "n_classes": n_out, "init": m.init, "rng": rng}
    if m.arch in ("simple_convnet", "double_convnet", "deep_convnet"):
        kw["hidden"] = m.hidden[0]
    if m.arch == "double_convnet":
        kw["arranged"] = m.arranged
    if m.arch in ("deep_convnet", "alexnet_small"):
        kw["dropout"] = m.dropout
    if m.arch == "deep_convnet":
        kw["dropout_inverted"] = m.dropout_inverted
    if m.arch == "alexnet_small":
        kw["global_pool"] = m.global_pool
    return models.BUILDERS[m.arch](**kw)


def build(run, input_shape: tuple, n_out: int, seed: int):
    """Model, optimizer and regularizer of a RunSpec."""
    net = build_model(run.model, input_shape, n_out, np.random.default_rng(seed))
    params = net.parameters()
    if run.train.trainable == "course-keys":
        # the notebooks update only W1..W3, b1..b3: later layers and BN's γ, β stay as initialised
        linears = [layer for layer in net if isinstance(layer, Linear)][:3]
        params = [p for layer in linears for p in layer.parameters()]
    opt = optim.create(run.optimizer.name, params, **run.optimizer.kwargs())
    reg = {"l1": optim.L1, "l2": optim.L2}[run.train.regularizer](run.train.lam) \
        if run.train.regularizer else None
    return net, opt, reg


def tasks(spec) -> list[tuple[str, int]]:
    return [(run.label, seed) for run in spec.runs for seed in range(spec.seeds)]


def history_path(out, label: str, seed: int):
    return out / "history" / slug(label) / f"seed{seed}.json"


def run_task(spec, task, out, progress: bool = False) -> str:
    label, seed = task
    run = next(r for r in spec.runs if r.label == label)
    ds = data_for(run.data)
    net, opt, reg = build(run, ds.x_train.shape[1:], len(ds.classes), seed)
    t = run.train
    try:
        history = fit(net, SoftmaxCrossEntropy(), opt, ds, iters=t.iters, batch_size=t.batch_size,
                      sampler=t.sampler, eval_every=t.eval_every, train_acc_on=t.train_acc_on,
                      regularizer=reg, probes=t.probes, probe_at=t.probe_at, seed=seed,
                      progress=progress,
                      checkpoint_dir=out / "checkpoints" / slug(label) / f"seed{seed}")
    except TrainingDiverged as e:       # a result too: e.g. no BN with weight std 1
        history = e.history
        history.info["diverged_at"] = e.iteration
    history.info.update(label=label, seed=seed)
    history.save(history_path(out, label, seed))
    return history.status


def done(spec, task, out) -> bool:
    path = history_path(out, *task)
    return path.exists() and History.load(path).status in ("finished", "diverged")


def number(x) -> float | None:
    """A float for JSON, or None where training diverged (JSON has no NaN)."""
    return float(x) if np.isfinite(x) else None


def summarize(spec, out) -> dict:
    """Means (and standard deviations) over seeds of each variant's final numbers."""
    variants = []
    for run in spec.runs:
        hs = [History.load(history_path(out, run.label, s)) for s in range(spec.seeds)]
        finals = [h.final or {"train_acc": np.nan, "test_acc": np.nan, "time_s": 0.0} for h in hs]
        tail = max(1, len(hs[0].losses) // 10)

        def stat(key):
            values = np.array([f[key] for f in finals], dtype=float)
            return number(values.mean()), number(values.std())

        test, test_std = stat("test_acc")
        train, train_std = stat("train_acc")
        curve = {}
        for it in CHECKPOINTS:
            pts = [next((p for p in h.points if p["iteration"] == it), None) for h in hs]
            if all(pts):
                curve[str(it)] = {"train_acc": float(np.mean([p["train_acc"] for p in pts])),
                                  "test_acc": float(np.mean([p["test_acc"] for p in pts]))}
        variants.append({
            "label": run.label, "note": run.note, "test_acc": test, "test_acc_std": test_std,
            "train_acc": train, "train_acc_std": train_std,
            "final_loss": number(np.mean([np.mean(h.losses[-tail:]) for h in hs])),
            "diverged_at": [h.info.get("diverged_at") for h in hs if h.status == "diverged"],
            "seeds": spec.seeds, "iters": run.train.iters,
            "wall_time_s": float(np.mean([f["time_s"] for f in finals])), "at": curve})
    return {"variants": variants}

