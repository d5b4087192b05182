"""Figure layout checks from matplotlib's own bounding boxes, and the one repair made on save.

``problems(fig)`` lists what makes a figure hard to read: two texts whose boxes overlap (titles,
labels, tick labels, legend entries, annotations), a text cut off at the figure's edge, and a
legend drawn over data points (line vertices, scatter points, bars). ``clear_legends(fig)``
moves every legend that covers data to the right of its axes (plotting.save calls it), so a
curve is never hidden under its own key. All boxes are in display pixels after a draw.
"""

from __future__ import annotations

import numpy as np

TOLERANCE = 1.0          # pixels: boxes that merely touch do not overlap


def renderer(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def visible_texts(fig) -> list:
    """Every drawn text with something in it (tick labels outside the view are not drawn)."""
    import matplotlib
    out = []
    for t in fig.findobj(matplotlib.text.Text):
        if not (t.get_visible() and t.get_text().strip()) or t.figure is None:
            continue
        axes = t.axes
        if axes is not None and not axes.get_visible():
            continue
        out.append(t)
    return out


def boxes_overlap(a, b) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > TOLERANCE and
            min(a.y1, b.y1) - max(a.y0, b.y0) > TOLERANCE)


def drawn_ticklabels(ax) -> set[int]:
    """ids of the tick labels the axes actually draws (inside the view limits)."""
    ids = set()
    for axis in (ax.xaxis, ax.yaxis):
        lo, hi = sorted(axis.get_view_interval())
        for tick in axis.get_major_ticks() + axis.get_minor_ticks():
            if lo - 1e-9 * max(1.0, abs(hi - lo)) <= tick.get_loc() <= hi + 1e-9 * max(1.0, abs(hi - lo)):
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
    """How many data points of ``ax`` lie under its legend."""
    legend = ax.get_legend()
    if legend is None or not legend.get_visible():
        return 0
    box = legend.get_window_extent(rend)
    pts = data_points(ax)
    return int(((pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1)).sum())


def problems(fig) -> list[str]:
    """Overlapping texts, texts cut off by the figure's edge, legends over data points."""
    rend = renderer(fig)
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


def clear_legends(fig) -> None:
    """Move each legend that covers data points outside its axes, on the right, and lay the figure
    out again (the axes narrow to make room)."""
    import warnings
    rend = renderer(fig)
    moved = False
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None or not ax.get_visible() or not legend_covers(ax, rend):
            continue
        handles, labels = legend.legend_handles, [t.get_text() for t in legend.get_texts()]
        size = legend.get_texts()[0].get_fontsize() if legend.get_texts() else None
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
                  fontsize=size, title=legend.get_title().get_text() or None)
        moved = True
    if moved and fig.get_layout_engine() is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fig.tight_layout()
