"""Figure layout checks from matplotlib's own bounding boxes, and the one repair made on save.

``problems(fig)`` lists what makes a figure hard to read: two texts whose boxes overlap (titles,
labels, tick labels, legend entries, annotations), a text cut off at the figure's edge, and a
legend drawn over data points (line vertices, scatter points, bars). ``clear_legends(fig)``
moves every legend that covers data to a corner of its axes where it covers none, or outside
on the right (plotting.save calls it), so a curve is never hidden under its own key. All boxes
are in display pixels after a draw.
"""

from __future__ import annotations

import warnings

import numpy as np

TOLERANCE = 1.0          # pixels: boxes that merely touch do not overlap


def renderer(fig, lay_out: bool = True):
    """The canvas's renderer after laying the figure out (positions, text sizes) without painting
    a pixel. ``lay_out=False`` skips that where the positions are already final (a figure without
    a layout engine after tight_layout): text and legend boxes are measured on demand."""
    if lay_out:
        fig.draw_without_rendering()
    return fig.canvas.get_renderer()


def visible_texts(fig) -> list:
    """Every drawn text with something in it: not in a hidden axes (a grid's unused cells), not
    empty (tick labels outside the view are left out by ``problems``)."""
    import matplotlib
    hidden = {id(t) for ax in fig.axes if not ax.get_visible() for t in ax.findobj(matplotlib.text.Text)}
    return [t for t in fig.findobj(matplotlib.text.Text)
            if t.get_visible() and t.get_text().strip() and id(t) not in hidden]


def boxes_overlap(a, b) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > TOLERANCE and
            min(a.y1, b.y1) - max(a.y0, b.y0) > TOLERANCE)


def drawn_ticklabels(ax) -> set[int]:
    """ids of the tick labels the axes actually draws (inside the view limits)."""
    ids = set()
    for axis in (ax.xaxis, ax.yaxis):
        scale = axis.get_transform()                # compared where they are drawn: log axes too
        lo, hi = sorted(np.ravel(scale.transform(np.asarray(axis.get_view_interval(), float))))
        slack = 1e-9 * max(1.0, hi - lo)
        for tick in axis.get_major_ticks() + axis.get_minor_ticks():
            loc = tick.get_loc()
            if loc is None or (axis.get_scale() == "log" and loc <= 0):
                continue
            at = float(np.ravel(scale.transform(np.asarray([loc], float)))[0])
            if lo - slack <= at <= hi + slack:
                ids.update((id(tick.label1), id(tick.label2)))
    return ids


def data_points(ax) -> np.ndarray:
    """The display coordinates (n, 2) of the axes' data: line vertices, scatter offsets, bar tops."""
    pts = []
    for line in ax.get_lines():
        if line.get_visible():
            xy = np.column_stack([np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)])
            pts.append(line.get_transform().transform(xy[np.isfinite(xy).all(axis=1)]))
    for coll in ax.collections:
        offsets = np.asarray(coll.get_offsets(), float)
        if coll.get_visible() and offsets.size and offsets.ndim == 2:
            pts.append(coll.get_offset_transform().transform(offsets))
    for patch in ax.patches:
        if patch.get_visible() and hasattr(patch, "get_height"):
            x, y, w, h = patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height()
            corners = np.array([[x, y + h], [x + w, y + h], [x + w / 2, y + h], [x + w / 2, y + h / 2]])
            pts.append(patch.get_data_transform().transform(corners))
    pts = [p for p in pts if len(p)]
    if not pts:
        return np.zeros((0, 2))
    allp = np.vstack(pts)
    box = ax.get_window_extent()                     # points outside the axes are not shown
    inside = ((allp[:, 0] >= box.x0) & (allp[:, 0] <= box.x1) & (allp[:, 1] >= box.y0) & (allp[:, 1] <= box.y1))
    return allp[inside]


def legend_covers(ax, rend) -> int:
    """How many data points of ``ax`` lie under its legend (a legend of the figure: none)."""
    legend = ax.get_legend()
    if legend is None or not legend.get_visible():
        return 0
    return points_under(legend.get_window_extent(rend), data_points(ax))


def problems(fig, drawn_at: float | None = None) -> list[str]:
    """Overlapping texts, texts cut off by the figure's edge, legends over data points.
    ``drawn_at``: the figure was just drawn (saved) at this dpi — its positions are current there,
    so it is measured at that dpi instead of being laid out again."""
    if drawn_at is None:
        return found_problems(fig, renderer(fig))
    dpi = fig.dpi
    fig.set_dpi(drawn_at)
    try:
        return found_problems(fig, fig.canvas.get_renderer())
    finally:
        fig.set_dpi(dpi)


def found_problems(fig, rend) -> list[str]:
    shown = set().union(*(drawn_ticklabels(ax) for ax in fig.axes)) if fig.axes else set()
    ticks = {id(t) for ax in fig.axes for t in ax.get_xticklabels(which="both") + ax.get_yticklabels(which="both")}
    texts = [t for t in visible_texts(fig) if id(t) not in ticks or id(t) in shown]
    boxes = [(t, t.get_window_extent(rend)) for t in texts]
    found = []
    page = fig.bbox
    for t, b in boxes:
        if b.x0 < page.x0 - TOLERANCE or b.x1 > page.x1 + TOLERANCE or b.y0 < page.y0 - TOLERANCE \
                or b.y1 > page.y1 + TOLERANCE:
            found.append(f"{t.get_text()[:30]!r} is cut off at the figure's edge")
    for i, (t, b) in enumerate(boxes):
        for u, c in boxes[i + 1:]:
            if boxes_overlap(b, c):
                found.append(f"{t.get_text()[:30]!r} overlaps {u.get_text()[:30]!r}")
    for ax in fig.axes:
        n = legend_covers(ax, rend) if ax.get_visible() else 0
        if n:
            found.append(f"the legend of {ax.get_title()[:30]!r} covers {n} data point(s)")
    return found


LOCATIONS = ("upper right", "upper left", "lower right", "lower left", "center right", "center left",
             "upper center", "lower center", "center")


def points_under(box, pts: np.ndarray) -> int:
    return int(((pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1)).sum())


def covered_at(legend, loc: str, rend, pts: np.ndarray) -> int:
    """Put ``legend`` at ``loc``; how many of the data points ``pts`` it covers there."""
    legend.set_loc(loc)
    return points_under(legend.get_window_extent(rend), pts)


def rightmost(ax) -> bool:
    spec = ax.get_subplotspec() if hasattr(ax, "get_subplotspec") else None
    return spec is None or spec.is_last_col()


def clear_legends(fig) -> bool:
    """Put each legend that covers data points where it covers none: another corner or side of its
    axes, else — for an axes with nothing to its right — outside on the right (the axes narrow to
    make room, so every legend is looked at again). Returns whether a legend moved."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine
    if not any(ax.get_legend() is not None and ax.get_visible() for ax in fig.axes):
        return False
    constrained = isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)
    moved = False
    for _ in range(3):                          # a legend moved outside re-lays the figure out
        # constrained layout places the axes at draw time; after tight_layout they are placed already
        rend = renderer(fig, lay_out=constrained)
        changed, outside = place_legends(fig, rend)
        moved |= changed
        if not outside:
            break
        if not constrained:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fig.tight_layout()
    return moved


def place_legends(fig, rend) -> tuple[bool, bool]:
    """One pass of clear_legends: (whether a legend moved, whether one moved outside its axes)."""
    moved = outside = False
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None or not ax.get_visible() or not legend_covers(ax, rend):
            continue
        pts = data_points(ax)
        covered = {}
        for loc in LOCATIONS:
            covered[loc] = covered_at(legend, loc, rend, pts)
            if not covered[loc]:
                moved = True
                break
        else:
            if rightmost(ax):
                legend.set_loc("upper left")
                legend.set_bbox_to_anchor((1.02, 1.0), transform=ax.transAxes)
                legend.borderaxespad = 0.0
                moved = outside = True
            else:                                   # nowhere clear: where it covers fewest
                legend.set_loc(min(covered, key=covered.get))
                moved = True
    return moved, outside
