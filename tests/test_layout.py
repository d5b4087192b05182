"""nablab.layout: the figure checks can fail, and save's legend repair works."""

import numpy as np

from nablab import layout
from nablab.plotting import pyplot


def test_a_legend_over_data_and_overlapping_texts_are_found_and_a_clean_figure_passes():
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(4, 3))
    x = np.linspace(0, 1, 200)
    ax.plot(x, np.full_like(x, 0.95), label="a curve along the top")
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left")                              # right on the curve
    ax.text(0.5, 0.5, "first label")
    ax.text(0.5, 0.5, "second label")                        # on top of the first
    ax.set_title("a title far too long to fit in a figure four inches wide, surely cut off")
    found = layout.problems(fig)
    assert any("covers" in p for p in found)
    assert any("'first label' overlaps 'second label'" in p for p in found)
    assert any("cut off" in p for p in found)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot(x, x, label="rising")
    ax.legend(loc="lower right")
    ax.set_title("fine")
    fig.tight_layout()
    assert layout.problems(fig) == []
    plt.close(fig)


def test_clear_legends_moves_a_covering_legend_to_a_free_corner():
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(4, 3))
    x = np.linspace(0, 1, 100)
    ax.plot(x, 0.9 - 0.8 * x, label="falling")              # upper left to lower right: two corners free
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left")
    fig.tight_layout()
    assert layout.legend_covers(ax, layout.renderer(fig)) > 0
    assert layout.clear_legends(fig)
    assert layout.legend_covers(ax, layout.renderer(fig)) == 0 and layout.problems(fig) == []
    plt.close(fig)


def test_a_figure_just_saved_is_audited_without_laying_it_out_again(tmp_path):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(4, 3))
    x = np.linspace(0, 1, 100)
    ax.plot(x, np.full_like(x, 0.95), label="along the top")
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left")
    fig.savefig(tmp_path / "f.png", dpi=110)                  # drawn at another dpi than the figure's
    assert any("covers" in p for p in layout.problems(fig, drawn_at=110))
    plt.close(fig)


def test_with_no_free_corner_a_legend_beside_another_axes_goes_where_it_covers_fewest():
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(6, 3))
    rng = np.random.default_rng(0)
    left.plot(rng.random(3000), rng.random(3000), ".", label="points everywhere")
    left.set(xlim=(0, 1), ylim=(0, 1))
    left.legend(loc="lower left")
    right.plot([0, 1], [0, 1])
    fig.tight_layout()
    rend = layout.renderer(fig)
    before = layout.legend_covers(left, rend)
    assert before > 0 and layout.clear_legends(fig)
    after = layout.legend_covers(left, layout.renderer(fig))
    assert after < before and left.get_legend().get_bbox_to_anchor().x0 == left.bbox.x0   # still inside
    plt.close(fig)
