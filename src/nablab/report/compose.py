"""Compose the Day 2 report (a list of doc blocks) from run directories and computed checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..experiments.common import data_for, read_json
from ..experiments.spec import DataSpec
from ..experiments.validate import build
from .text import TEXT


class Run:
    """One experiment's run directory: results, spec and figures."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.results = read_json(self.path / "results.json")
        self.meta = read_json(self.path / "spec.json")

    def variant(self, label: str) -> dict:
        return next(v for v in self.results["variants"] if v["label"] == label)

    def acc(self, label: str, key: str = "test_acc") -> float:
        value = self.variant(label)[key]
        return float("nan") if value is None else value

    def figure(self, name: str) -> Path:
        return self.path / "figures" / f"{name}.png"

    def wall_time(self) -> float:
        return sum(self.meta.get("wall_time_s", [0.0]))

    def majority_share(self) -> float:
        """The share of the most frequent class in this run's test set (the 'no learning' accuracy)."""
        data = build(DataSpec, self.meta["spec"]["runs"][0]["data"], "spec.json")
        y = data_for(data).y_test
        return float(np.bincount(y).max() / len(y))


def fmt_range(values: dict, missing: str) -> str:
    """'std 1 0.556, std 0.1 0.836, ...'; ``missing`` (e.g. "diverged") where a run has no number."""
    return ", ".join(f"{k} {missing if v is None or v != v else f'{v:.3f}'}" for k, v in values.items())


def compose(lang: str, runs: dict[str, Run], checks: dict) -> list:
    T = TEXT[lang]
    blocks = [("h1", T["title"]), ("p", T["intro"])]
    blocks += learning_flow(T, runs)
    blocks += section1(T, runs, checks)
    blocks += section2(T, runs, checks)
    blocks += section3(T, runs, checks)
    blocks += section4(T, runs, checks)
    blocks += section5(T, runs)
    blocks += quirks(T, runs)
    blocks += provenance(T, runs)
    return blocks


def points(T, key):
    return [("h3", T["key_points"]), ("list", T[key])]


def variant_table(T, run: Run, course: dict | None = None) -> tuple:
    header = [T["variant"], T["test_acc"], T["train_acc"], T["seconds"]]
    if course:
        header.append(T["course"])
    rows = []
    for v in run.results["variants"]:
        test = "—" if v["test_acc"] is None else f"{v['test_acc']:.4f}"
        train = "—" if v["train_acc"] is None else f"{v['train_acc']:.4f}"
        if v.get("diverged_at"):
            test = f"{T['diverged']} ({v['diverged_at'][0]})"
        row = [v["label"], test, train, f"{v['wall_time_s']:.1f}"]
        if course:
            row.append(course.get(v["label"], ""))
        rows.append(row)
    return ("table", header, rows)


def qa(T, q, a, c=None):
    items = [("p", f"**{T['question']}** {q}"), ("p", f"**{T['answer']}** {a}")]
    if c:
        items.append(("p", f"{T['computed']} {c}"))
    return items


def learning_flow(T, runs):
    reg, two = runs["sgd-regression"], runs["two-layer-net"]
    losses = reg.results["final_loss"]
    correct, quirk = list(losses.values())[:2]
    label = two.results["variants"][0]["label"]
    return [("h2", T["flow_h"]), *points(T, "flow_points"), ("h3", T["results"]),
            ("figure", reg.figure("loss"), T["regression_caption"]),
            ("figure", two.figure("accuracy"), T["twolayer_caption"]),
            ("h3", T["discussion"]),
            ("p", T["regression_disc"].format(correct=correct, quirk=quirk, ratio=quirk / correct)),
            ("p", T["twolayer_disc"].format(test=two.acc(label), train=two.acc(label, "train_acc"),
                                             iters=two.variant(label)["iters"]))]


def bn_sweep(T, bn: Run) -> tuple[str, str]:
    scales = ["std 1", "std 0.1", "std 0.01", "std 0.001"]
    with_bn = {s: bn.variant(f"{s}, BN")["test_acc"] for s in scales}
    without = {s: bn.variant(f"{s}, no BN")["test_acc"] for s in scales}
    return fmt_range(with_bn, T["diverged"]), fmt_range(without, T["diverged"])


def grad_ratio(run: Run, label: str, iteration: int = 1) -> float:
    from ..experiments.common import slug
    h = read_json(run.path / "history" / slug(label) / "seed0.json")
    norms = [r["norm"] for r in h["probes"] if r["probe"] == "grad_norms" and r["iteration"] == iteration]
    return norms[0] / norms[-1]


def section1(T, runs, checks):
    vg, ih, dg, bn = (runs[k] for k in ("vanishing-gradient", "init-histograms", "depth-gradients",
                                          "batch-norm"))
    share = vg.majority_share()
    sg = vg.acc("sigmoid-gauss")
    best = max(vg.results["variants"], key=lambda v: v["test_acc"] or 0)
    course = {"sigmoid-gauss": "0.1135", "ReLU-gauss": "≈ 0.91–0.92", "sigmoid-Xavier": "≈ 0.79–0.88",
              "ReLU-He": "≈ 0.92–0.956", "sigmoid-He": "0.8884", "ReLU-Xavier": "0.9545"}
    panels = {(p["activation"], str(p["init"])): p for p in ih.results["panels"]}
    sig1, sig001 = panels[("sigmoid", "1.0")], panels[("sigmoid", "0.01")]
    sigx = panels[("sigmoid", "xavier")]
    nets = {(n["activation"], str(n["init"]), n["batchnorm"]): n for n in dg.results["nets"]}
    s, s_bn = nets[("sigmoid", "0.01", False)], nets[("sigmoid", "0.01", True)]
    bn_range, nobn_range = bn_sweep(T, bn)
    share_note = T["share_note"].format(share=share) if abs(sg - share) < 0.005 else ""
    c = checks
    return [
        ("h2", T["s1_h"]), *points(T, "s1_points"),
        ("h3", T["s1_1_h"]), ("list", T["s1_1_points"]),
        ("h3", T["s1_2_h"]), ("list", T["s1_2_points"]),
        ("h3", T["s1_3_h"]), ("list", T["s1_3_points"]),
        ("h3", T["results"]), variant_table(T, vg, course),
        ("figure", vg.figure("accuracy"), T["vg_caption_acc"]),
        ("figure", vg.figure("grad_norms"), T["vg_caption_grad"]),
        ("figure", ih.figure("init_histograms"), T["init_caption"]),
        ("figure", dg.figure("depth_gradients"), T["depth_caption"]),
        variant_table(T, bn), ("figure", bn.figure("comparison"), T["bn_caption"]),
        ("h3", T["discussion"]),
        ("p", T["vg_disc"].format(
            sg=sg, share_note=share_note, rg=vg.acc("ReLU-gauss"), sx=vg.acc("sigmoid-Xavier"),
            rh=vg.acc("ReLU-He"), best=best["label"], best_acc=best["test_acc"],
            sg_ratio=grad_ratio(vg, "sigmoid-gauss"),
            deep_course=vg.acc("ReLU-Xavier, 10 layers, W1–W3 only (course code)"),
            deep_all=vg.acc("ReLU-Xavier, 10 layers, all layers"))),
        ("p", T["init_disc"].format(sat=sig1["layers"][-1]["saturated"],
                                    small_std=sig001["layers"][-1]["std"],
                                    xavier_std=sigx["layers"][-1]["std"])),
        ("p", T["depth_disc"].format(
            sig_ratio=s["grad_norm_init"][0] / s["grad_norm_init"][-1], sig_acc=s["test_acc"],
            sig_bn_ratio=s_bn["grad_norm_init"][0] / s_bn["grad_norm_init"][-1],
            sig_bn_acc=s_bn["test_acc"])),
        ("p", T["bn_disc"].format(course=bn.acc("BN, W1–W3 only (course code)"),
                                  all=bn.acc("BN, all parameters"), nobn=bn.acc("no BN"),
                                  iters=bn.variant("no BN")["iters"], bn_range=bn_range,
                                  nobn_range=nobn_range)),
        ("h3", T["tests"]),
        *qa(T, T["ct1_q"], T["ct1_a"], T["ct1_c"].format(**c["chain_rule"])),
        ("code", c["chain_rule"]["code"]),
        *qa(T, T["ct2_q"], T["ct2_a"], T["ct2_c"].format(**c["sigmoid"])),
        *qa(T, T["ct3_q"], T["ct3_a"], T["ct3_c"].format(**c["zero_init"])),
        ("code", c["zero_init"]["code"]),
        *qa(T, T["ct4_q"], T["ct4_a"], T["ct4_c"].format(bn_range=bn_range, nobn_range=nobn_range)),
        ("h3", T["challenges"]),
        *qa(T, T["ex_s1_q"], T["ex_s1_a"], T["ex_s1_c"].format(
            batches=" | ".join(str(b[1]) for b in c["minibatch"]["batches"]))),
        ("code", c["minibatch"]["code"]),
    ]


def section2(T, runs, checks):
    opt, paths = runs["optimizers"], runs["optimizer-paths"]
    nums = {"sgd": opt.acc("SGD"), "mom": opt.acc("Momentum"), "rms": opt.acc("RMSProp"),
            "adam": opt.acc("Adam"), "mom_after": opt.acc("Momentum (after: lr 0.3)"),
            "ada_after": opt.acc("AdaGrad (after: lr 0.1, h0 1e-4)")}
    steps = len(next(iter(paths.results["paths"].values()))) - 1
    final = ", ".join(f"{k} {v:.3g}" for k, v in paths.results["final_f"].items())
    course = {"SGD": "0.1135", "Momentum": "0.1135", "RMSProp": "≈ 0.94", "Adam": "≈ 0.945",
              "Momentum (after: lr 0.3)": "≈ 0.93", "AdaGrad (after: lr 0.1, h0 1e-4)": "≈ 0.93"}
    return [("h2", T["s2_h"]), *points(T, "s2_points"), ("h3", T["results"]),
            variant_table(T, opt, course), ("figure", opt.figure("comparison"), T["opt_caption"]),
            ("figure", paths.figure("optimizer_paths"), T["paths_caption"]),
            ("h3", T["discussion"]), ("p", T["opt_disc"].format(**nums, steps=steps, paths=final)),
            ("h3", T["tests"]), *qa(T, T["ct5_q"], T["ct5_a"], T["ct5_c"].format(**nums))]


def section3(T, runs, checks):
    of = runs["overfitting"]
    labels = {"none": "no regularization", "l2": "L2 λ=0.1", "l1": "L1 λ=0.005",
              "do": "dropout 0.15 (+ L2 0.005 left over)", "dl": "dropout 0.08 + L1 λ=0.004"}
    nums = {}
    for key, label in labels.items():
        nums[f"{key}_train"], nums[f"{key}_test"] = of.acc(label, "train_acc"), of.acc(label)
        nums[f"{key}_gap"] = nums[f"{key}_train"] - nums[f"{key}_test"]
    c = checks
    rows = "; ".join(f"λ={lam:g}: ‖w‖={norm:.3f}" for lam, _, norm in c["ridge"]["rows"])
    lasso = {k: "(" + ", ".join(f"{x:.3f}" for x in v) + ")" for k, v in c["lasso"].items()}
    grads = c["reg_grads"]
    return [("h2", T["s3_h"]), *points(T, "s3_points"), ("h3", T["results"]),
            variant_table(T, of), ("figure", of.figure("accuracy"), T["of_caption"]),
            ("h3", T["discussion"]), ("p", T["of_disc"].format(**nums)),
            ("h3", T["tests"]), *qa(T, T["ct6_q"], T["ct6_a"], T["ct6_c"].format(rows=rows)),
            *qa(T, T["ct7_q"], T["ct7_a"], T["ct7_c"].format(l1=lasso["L1 (Lasso)"], l2=lasso["L2 (Ridge)"])),
            ("h3", T["challenges"]), *qa(T, T["ex_s3_q1"], T["ex_s3_a1"]), *qa(T, T["ex_s3_q2"], T["ex_s3_a2"]),
            ("p", T["ex_s3_c"].format(l2=grads["L2"]["equal"], l1=grads["L1"]["equal"])),
            ("code", "grad_l2 = rate * param\ngrad_l1 = rate * np.sign(param)\n"
                     "nl.optim.L2(rate).add_gradient([p]); nl.optim.L1(rate).add_gradient([p])")]


def section4(T, runs, checks):
    demo, speed, filt, simple = (runs[k] for k in ("im2col-demo", "conv-speed", "filters", "simple-cnn"))
    r = demo.results
    rows = speed.results["rows"]
    shape = max({tuple(x["shape"]) for x in rows}, key=lambda s: s[1])
    by = {x["method"]: x for x in rows if tuple(x["shape"]) == shape}
    label = simple.results["variants"][0]["label"]
    v = simple.variant(label)
    return [("h2", T["s4_h"]), *points(T, "s4_points"), ("h3", T["results"]),
            ("figure", demo.figure("im2col"), T["im2col_caption"]),
            ("figure", speed.figure("conv_speed"), T["speed_caption"]),
            ("figure", filt.figure("filters_before"), T["filters_caption_before"]),
            ("figure", filt.figure("filters_after"), T["filters_caption_after"]),
            ("figure", filt.figure("feature_maps"), T["maps_caption"]),
            variant_table(T, simple), ("figure", simple.figure("accuracy"), T["simple_caption"]),
            ("h3", T["discussion"]),
            ("p", T["im2col_disc"].format(shape=tuple(r["col_shape"]), centre=overlap(demo))),
            ("p", T["speed_disc"].format(shape=shape, naive=by["naive loops"]["seconds"] * 1e3,
                                         book=by["book (kernel-offset loop)"]["seconds"] * 1e3,
                                         fast=by["sliding windows"]["seconds"] * 1e3,
                                         equal=all(x["equal"] for x in rows))),
            ("p", T["simple_disc"].format(test=v["test_acc"], train=v["train_acc"], iters=v["iters"],
                                          seconds=v["wall_time_s"])),
            ("h3", T["tests"]),
            *qa(T, T["ct8_q"], T["ct8_a"], T["ct8_c"].format(**checks["conv_size"])),
            ("code", checks["conv_size"]["code"])]


def overlap(demo: Run) -> int:
    """The most windows covering one pixel in the im2col demo (the centre cells)."""
    return int(max(map(max, demo.results["counts"])))


def param_count(run: Run, label: str) -> int:
    from ..experiments.kinds.classify import build_model
    from ..experiments.spec import ModelSpec
    spec = next(r for r in run.meta["spec"]["runs"] if r["label"] == label)
    model = build_model(build(ModelSpec, spec["model"], "spec.json"), (1, 28, 28), 10, np.random.default_rng(0))
    return sum(p.data.size for p in model.parameters())


def section5(T, runs):
    double, deep, lenet, alex = (runs[k] for k in ("double-cnn", "deep-cnn", "lenet", "alexnet-style"))
    flat, gap = (v["label"] for v in alex.results["variants"])
    d = deep.results["variants"][0]
    return [("h2", T["s5_h"]), *points(T, "s5_points"), ("h3", T["results"]),
            variant_table(T, double), ("figure", double.figure("accuracy"), T["double_caption"]),
            variant_table(T, deep), ("figure", deep.figure("accuracy"), T["deep_caption"]),
            variant_table(T, lenet), ("figure", lenet.figure("accuracy"), T["lenet_caption"]),
            variant_table(T, alex), ("figure", alex.figure("comparison"), T["alex_caption"]),
            ("h3", T["discussion"]),
            ("p", T["s5_disc"].format(
                double=double.acc(double.results["variants"][0]["label"]),
                arranged=double.acc(double.results["variants"][1]["label"]),
                deep=d["test_acc"], deep_iters=d["iters"], deep_seconds=d["wall_time_s"],
                lenet=lenet.acc(lenet.results["variants"][0]["label"]),
                flat=alex.acc(flat), flat_params=param_count(alex, flat),
                gap=alex.acc(gap), gap_params=param_count(alex, gap)))]


def quirks(T, runs):
    vg, bn, reg, demo = (runs[k] for k in ("vanishing-gradient", "batch-norm", "sgd-regression", "im2col-demo"))
    correct, quirk = list(reg.results["final_loss"].values())[:2]
    nums = {"deep_course": vg.acc("ReLU-Xavier, 10 layers, W1–W3 only (course code)"),
            "deep_all": vg.acc("ReLU-Xavier, 10 layers, all layers"),
            "bn_course": bn.acc("BN, W1–W3 only (course code)"), "bn_all": bn.acc("BN, all parameters"),
            "correct": correct, "quirk": quirk,
            "centre": overlap(demo)}
    return [("h2", T["quirks_h"]), ("list", [q.format(**nums) for q in T["quirks"]])]


def provenance(T, runs):
    any_run = next(iter(runs.values()))
    versions = any_run.meta["versions"]
    quick = any(r.meta.get("quick") for r in runs.values())
    total = sum(r.wall_time() for r in runs.values())
    rows, sources = [], []
    for name, r in runs.items():
        ds = r.meta.get("dataset")
        if ds:
            source = ds["source"].split(" from ", 1)[-1].split("; ")[0]
            if source not in sources:
                sources.append(source)
        rows.append([name, ds["name"] if ds else "—", f"{ds['n_train']} / {ds['n_test']}" if ds else "—",
                     str(r.results.get("seeds", 1)), f"{r.wall_time():.1f}", f"`{r.path.name}`"])
    return [("h2", T["prov_h"]),
            ("p", T["prov_intro"].format(nablab=versions["nablab"], numpy=versions["numpy"],
                                         python=versions["python"], machine=versions["machine"],
                                         total=total, quick=T["prov_quick"] if quick else "")),
            ("table", T["prov_header"], rows), ("p", T["prov_sources"]), ("list", sources)]
