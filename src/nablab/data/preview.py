"""A grid of sample images with their labels (``nablab data info NAME --show grid.png``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def save_grid(ds, path: str | Path, per_class: int = 8) -> Path:
    """One row per class, ``per_class`` training images each, labelled with the class name."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    side = int(round(np.sqrt(ds.x_train[0].size)))
    fig, axes = plt.subplots(len(ds.classes), per_class,
                             figsize=(per_class * 0.9, len(ds.classes) * 0.95))
    for c, row in enumerate(axes):
        picks = np.flatnonzero(ds.y_train == c)[:per_class]
        for ax, i in zip(row, picks):
            ax.imshow(ds.x_train[i].reshape(side, side), cmap="gray_r")
        for ax in row:
            ax.set_xticks([])
            ax.set_yticks([])
        row[0].set_ylabel(ds.classes[c], rotation=0, ha="right", va="center", fontsize=8)
    fig.suptitle(ds.name, fontsize=10)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
