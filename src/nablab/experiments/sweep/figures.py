"""A sweep's figures, drawn from data.json alone (the caller saves them).

    metric_vs_params   the metric against each searched value: finished trials as dots, pruned
                       trials at their last validation accuracy, failed ones along the bottom
    best_curves        validation accuracy against iteration of the best 20 finished trials
                       (the book's §6.5 figure): the best 5 named in colour, the rest light blue,
                       pruned curves grey behind them
"""

from __future__ import annotations

from ...plotting import grid, pyplot, series_style, tight

LABEL = {"val_acc": "validation accuracy", "train_loss": "training loss (last tenth)"}
# a searched setting by its name in words (the axis labels): the config key where none is known
WORDS = {"optimizer.lr": "learning rate", "train.lam": "λ (weight decay)", "train.batch_size": "batch size",
         "optimizer.momentum": "momentum μ", "model.dropout": "dropout ratio"}
SHOWN = 5                    # best_curves names the best few in colour; the rest are drawn faint, unnamed


def words(key: str) -> str:
    return WORDS.get(key, key)


def log_scale(data: dict, key: str) -> bool:
    return any(s.startswith(f"{key}=loguniform:") for s in data["space"])


def metric_vs_params(data: dict):
    keys = [s.split("=", 1)[0] for s in data["space"]]
    fig, axes = grid(len(keys), width=4.3, height=3.6, cols=min(len(keys), 3))
    trials, best = data["trials"], data.get("best") or {}
    done = [t for t in trials if t["state"] == "complete"]
    pruned = [t for t in trials if t["state"] == "pruned" and t["curve"]]
    failed = [t for t in trials if t["state"] == "fail"]
    values = [t["value"] for t in done] + [t["curve"][-1][1] for t in pruned]
    floor = min(values) if values else 0.0
    for ax, key in zip(axes, keys):
        def xs(ts):
            return [t["params"][key] for t in ts]
        ax.plot(xs(done), [t["value"] for t in done], "o", color="C0", alpha=0.8,
                label=f"finished ({len(done)})")
        if pruned:
            ax.plot(xs(pruned), [t["curve"][-1][1] for t in pruned], "x", color="0.45",
                    label=f"pruned ({len(pruned)}), at its last value")
        if failed:
            ax.plot(xs(failed), [floor] * len(failed), "v", color="C3", label=f"failed / diverged ({len(failed)})")
        if best:
            ax.plot([best["params"][key]], [best["value"]], "*", color="C1", ms=16, label="best")
        if log_scale(data, key):
            ax.set_xscale("log")
        ax.set(xlabel=words(key), ylabel=LABEL[data["metric"]], title=f"{LABEL[data['metric']]} vs {words(key)}")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=9, loc="best")
    tight(fig)
    return fig


def best_curves(data: dict, n: int = 20):
    """The best ``n`` finished trials' validation curves, ranked (1 = best), in the book's style."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8.5, 4.8))
    reverse = data["direction"] == "maximize"
    done = sorted((t for t in data["trials"] if t["state"] == "complete"),
                  key=lambda t: t["value"], reverse=reverse)[:n]
    for t in (t for t in data["trials"] if t["state"] == "pruned" and t["curve"]):
        its, acc = zip(*t["curve"])
        ax.plot(its, acc, color="0.8", lw=0.8, label="_pruned")
    for k, t in reversed(list(enumerate(done))):        # the best drawn last, on top
        its, acc = zip(*t["curve"])
        if k >= SHOWN:
            ax.plot(its, acc, color="#9bb3c9", lw=0.9, label="_rest")
            continue
        params = ", ".join(f"{key.split('.')[-1]} {v:.2g}" if isinstance(v, float) else f"{key.split('.')[-1]} {v}"
                           for key, v in t["params"].items())
        ax.plot(its, acc, lw=1.6 if k == 0 else 1.1, **series_style(k), label=f"#{k + 1} {params}")
    rest = f", #{SHOWN + 1}–{len(done)} in light blue" if len(done) > SHOWN else ""
    ax.set(xlabel="iteration", ylabel="validation accuracy",
           title=f"Best {len(done)} of {len(data['trials'])} trials{rest} (pruned in grey)")
    if done:
        handles, labels = ax.get_legend_handles_labels()
        order = sorted(range(len(labels)), key=lambda i: int(labels[i].split()[0][1:]))
        ax.legend([handles[i] for i in order], [labels[i] for i in order], fontsize=9, loc="upper left",
                  bbox_to_anchor=(1.01, 1.0))
    ax.grid(alpha=0.3)
    ax.set_ylim(0, min(1.0, max([max(a for _, a in t["curve"]) for t in done] or [1.0]) + 0.05))
    tight(fig)
    return fig


def summary_rows(data: dict, n: int = 10) -> list[list]:
    """The table of summary.md: the best ``n`` finished trials with their values."""
    reverse = data["direction"] == "maximize"
    done = sorted((t for t in data["trials"] if t["state"] == "complete"), key=lambda t: t["value"],
                  reverse=reverse)[:n]
    return [[t["number"], *(fmt(t["params"][k]) for k in keys_of(data)), f"{t['value']:.4f}",
             f"{t['seconds'] or 0:.1f}"] for t in done]


def keys_of(data: dict) -> list[str]:
    return [s.split("=", 1)[0] for s in data["space"]]


def fmt(v) -> str:
    return f"{v:.3g}" if isinstance(v, float) else str(v)

