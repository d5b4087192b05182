"""summary.md of a run directory: what ran, on what data, what came out, with its figures."""

from __future__ import annotations

from pathlib import Path

from ..experiments.common import read_json


def fmt(x, digits: int = 4) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def write_summary(out: Path, figures: list[Path]) -> Path:
    r = read_json(out / "results.json")
    meta = read_json(out / "spec.json")
    lines = [f"# {r['experiment']}: {r['title']}", ""]
    if r.get("notebook"):
        lines.append(f"Course notebook: `{r['notebook']}` (section {r.get('section', '')})  ")
    if r.get("expect"):
        lines.append(f"Course result: {r['expect']}  ")
    if r.get("dataset"):
        lines.append(f"Data: {r['dataset']['source']}  ")
    lines += [f"Seeds: {r['seeds']}{' (quick run)' if r.get('quick') else ''}; "
              f"nablab {meta['versions']['nablab']}, numpy {meta['versions']['numpy']}, "
              f"{meta['versions']['machine']}", ""]
    if r["kind"] == "classify":
        lines += ["| variant | test acc | train acc | final loss | iterations | seconds |",
                  "|---|---:|---:|---:|---:|---:|"]
        for v in r["variants"]:
            std = f" ± {fmt(v['test_acc_std'])}" if v["seeds"] > 1 else ""
            lines.append(f"| {v['label']} | {fmt(v['test_acc'])}{std} | {fmt(v['train_acc'])} | "
                         f"{fmt(v['final_loss'])} | {v['iters']} | {v['wall_time_s']:.1f} |")
            if v.get("diverged_at"):
                lines[-1] = lines[-1].replace(f"| {v['iters']} |",
                                              f"| diverged at {v['diverged_at'][0]} |")
        notes = [f"- **{v['label']}**: {v['note']}" for v in r["variants"] if v.get("note")]
        if notes:
            lines += ["", *notes]
    elif r["kind"] in ("regression", "optimizer-paths"):
        key = "final_loss" if r["kind"] == "regression" else "final_f"
        lines += ["| run | final value |", "|---|---:|"]
        lines += [f"| {k} | {v:.4g} |" for k, v in r[key].items()]
    elif r["kind"] == "depth-gradients":
        lines += ["| activation | init | BN | ‖∂L/∂W₁‖ / ‖∂L/∂W_last‖ at init | test acc |",
                  "|---|---|---|---:|---:|"]
        for n in r["nets"]:
            g = n["grad_norm_init"]
            ratio = g[0] / g[-1] if g[-1] else float("nan")
            lines.append(f"| {n['activation']} | {n['init']} | {'yes' if n['batchnorm'] else 'no'} | "
                         f"{ratio:.3g} | {n['test_acc']:.4f} |")
    elif r["kind"] == "conv-speed":
        lines += ["| input | method | ms per call | peak MiB | equal to sliding windows |",
                  "|---|---|---:|---:|---|"]
        for row in r["rows"]:
            note = f" (timed on {row['scaled_from']}, scaled)" if row["scaled_from"] != row["shape"][0] else ""
            lines.append(f"| {tuple(row['shape'])} | {row['method']}{note} | {row['seconds'] * 1e3:.2f} | "
                         f"{row['peak_mib']:.1f} | {'yes' if row['equal'] else 'NO'} |")
    elif r["kind"] == "im2col-demo":
        lines += [f"Input {tuple(r['input_shape'])}, {r['kernel']}×{r['kernel']} filter, stride "
                  f"{r['stride']}, padding {r['padding']} → col {tuple(r['col_shape'])}. "
                  f"col2im(im2col(x)) = x × (number of windows covering each pixel): "
                  f"{'yes' if r['col2im_equals_input_times_counts'] else 'no'}."]
    elif r["kind"] == "filters":
        lines += [f"SimpleConvNet after {r['iters']} Adam steps: test accuracy {r['test_acc']:.4f}."]
    lines += [""] + [f"![{f.stem}](figures/{f.name})" for f in figures]
    path = out / "summary.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
