"""Parts every static map is made of: the Axes and its frame, colour bars, labels, notes, legend entries.

:mod:`siting.plot` and :mod:`siting.upgrade_map` build their maps from these;
colours come from :mod:`siting.style`. Everything is drawn on the Axes given
(colour bars are inset axes of it), so a map fits any grid of subplots.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any, Final

import geopandas as gpd
import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, Normalize
from matplotlib.lines import Line2D

from . import style

__all__ = [
    "GIDS",
    "HALO",
    "colorbar",
    "dot",
    "frame",
    "label_text",
    "marked_lines",
    "new_axes",
    "note_box",
    "place_labels",
]

#: White outline that keeps text readable on any fill.
HALO: Final = [pe.withStroke(linewidth=2.5, foreground="white")]
#: ``gid`` of the artists that carry the answer (for styling, SVG ids and tests).
GIDS: Final = {
    "bottleneck_lines": "siting-bottleneck-lines",
    "bottleneck_marks": "siting-bottleneck-marks",
    "full_substations": "siting-full-substations",
    "used_substations": "siting-used-substations",
    "campuses": "siting-campuses",
    "substation_label": "siting-substation-label",
    "binding_lines": "siting-binding-lines",
    "binding_marks": "siting-binding-marks",
    "binding_substations": "siting-binding-substations",
    "binding_provinces": "siting-binding-provinces",
    "binding_label": "siting-binding-label",
    "headroom": "siting-headroom",
    "renewable_build": "siting-renewable-build",
    "renewable_surplus": "siting-renewable-surplus",
    "renewable_label": "siting-renewable-label",
    "mw_colorbar": "siting-mw-colorbar",
    "loading_colorbar": "siting-loading-colorbar",
    "province_table": "siting-province-table",
    "diagnosis_box": "siting-diagnosis",
}
#: Where a label may sit beside its point: offset in points and alignment, in order of preference.
CORNERS: Final = (
    (5, 4, "left", "bottom"),
    (-5, 4, "right", "bottom"),
    (5, -4, "left", "top"),
    (-5, -4, "right", "top"),
)
LABEL_SIZE: Final = 6.0


def new_axes(ax: Axes | None) -> Axes:
    """``ax`` without its axis lines, or a new map-sized figure's Axes when it is None."""
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 11), dpi=110)
    ax.set_axis_off()
    return ax


def frame(ax: Axes, bounds: Sequence[float], *, pad: float = 0.03) -> None:
    """Fix the extent to ``bounds`` (plus ``pad`` of its size) at equal aspect; later layers keep it."""
    x0, y0, x1, y1 = bounds
    dx, dy = (x1 - x0) * pad, (y1 - y0) * pad
    ax.set_xlim(x0 - dx, x1 + dx)
    ax.set_ylim(y0 - dy, y1 + dy)
    ax.set_aspect("equal")
    ax.set_autoscale_on(False)


def colorbar(ax: Axes, cmap: Colormap, norm: Normalize, *, label: str, at: float, gid: str) -> None:
    """A small horizontal colour bar in the lower left of ``ax``, ``at`` inches from its bottom.

    An inset axes of ``ax``: it takes no room from neighbouring subplots. Sizes are
    in inches so that bars keep apart on wide, short maps too.
    """
    fig = ax.get_figure()
    assert fig is not None
    ax.apply_aspect()
    width, height = ax.bbox.width / fig.dpi, ax.bbox.height / fig.dpi  # inches
    cax = ax.inset_axes((0.03, at / height, min(1.6 / width, 0.4), 0.11 / height))
    cb = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), cax=cax, orientation="horizontal")
    cb.ax.tick_params(labelsize=6, length=2, pad=1)
    cb.outline.set_linewidth(0.4)
    cax.set_title(label, fontsize=7, pad=2, loc="left")
    cax.set_gid(gid)


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Whether boxes ``(left, bottom, right, top)`` ``a`` and ``b`` overlap."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _free_corner(
    ax: Axes, x: float, y: float, text: str, placed: list[tuple[float, ...]]
) -> tuple[int, int, str, str] | None:
    """The first of :data:`CORNERS` where ``text`` at ``(x, y)`` overlaps no box in ``placed`` (then added).

    Sizes are estimated from the character count, which is enough to keep small
    labels apart; None when no corner is free.
    """
    fig = ax.get_figure()
    assert fig is not None
    px = fig.dpi / 72.0
    gap = 2.0 * px  # room between labels, pixels
    rows = text.split("\n")
    w = 0.62 * LABEL_SIZE * max(map(len, rows)) * px
    h = 1.25 * LABEL_SIZE * len(rows) * px
    cx, cy = ax.transData.transform((x, y))
    for dx, dy, ha, va in CORNERS:
        left = cx + dx * px - (w if ha == "right" else 0.0)
        bottom = cy + dy * px - (h if va == "top" else 0.0)
        box = (left - gap, bottom - gap, left + w + gap, bottom + h + gap)
        if not any(_overlaps(box, other) for other in placed):
            placed.append(box)
            return dx, dy, ha, va
    return None


def place_labels(
    ax: Axes,
    items: Sequence[tuple[float, float, str]],
    *,
    gid: str,
    color: str = style.INK,
    placed: list[tuple[float, ...]] | None = None,
) -> None:
    """Write each ``(x, y, text)`` beside its point, in the first corner where it overlaps no label before it.

    Labels are tried in the order given, so put the important ones first; one
    that fits nowhere is left out (its marker stays). ``placed`` holds the
    boxes (pixels) of labels written before, by another call: pass one list
    to calls whose labels must keep apart; the boxes written here are added.
    """
    if not items:
        return
    ax.apply_aspect()
    placed = [] if placed is None else placed
    for x, y, text in items:
        corner = _free_corner(ax, x, y, text, placed)
        if corner is None:
            continue
        dx, dy, ha, va = corner
        ax.annotate(
            text,
            (x, y),
            xytext=(dx, dy),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=LABEL_SIZE,
            color=color,
            zorder=10,
            path_effects=HALO,
            gid=gid,
        )


def label_text(name: object, fallback: object, detail: str) -> str:
    """``name`` (or ``fallback`` when it is not a non-empty string) wrapped, then ``detail`` below."""
    text = str(name) if isinstance(name, str) and name else str(fallback)
    return textwrap.fill(text, 26) + "\n" + detail


def note_box(ax: Axes, text: str, *, gid: str, color: str) -> None:
    """A boxed note in the top right corner of the map."""
    ax.text(
        0.99,
        0.99,
        text,
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=7,
        family="monospace",
        color=color,
        bbox={"facecolor": "white", "edgecolor": style.PANEL_EDGE, "alpha": 0.9},
        multialignment="left",
        zorder=11,
        gid=gid,
    )


def dot(label: str, **kwargs: Any) -> Line2D:
    """A legend entry for a marker without a line (``kwargs`` style the marker; default a circle)."""
    return Line2D([], [], ls="", label=label, **{"marker": "o", **kwargs})


def marked_lines(
    ax: Axes, lines: gpd.GeoDataFrame, *, color: str, label: str, gids: tuple[str, str]
) -> tuple[Line2D, gpd.GeoSeries]:
    """Lines that must show at any scale: thick, haloed, on top, with a diamond at their middle.

    Returns the legend handle and the middles (for labels); ``gids`` are keys of
    :data:`GIDS` for the lines and the diamonds.
    """
    halo = [pe.withStroke(linewidth=5.5, foreground="white")]
    lines.plot(ax=ax, color=color, linewidth=3.0, zorder=8, path_effects=halo, gid=GIDS[gids[0]])
    mid = lines.geometry.interpolate(0.5, normalized=True)
    ax.scatter(
        mid.x,
        mid.y,
        marker="D",
        s=28,
        color=color,
        edgecolor="white",
        linewidth=0.9,
        zorder=8.5,
        gid=GIDS[gids[1]],
    )
    handle = Line2D(
        [],
        [],
        color=color,
        lw=3,
        marker="D",
        markersize=5,
        markeredgecolor="white",
        path_effects=halo,
        label=label,
    )
    return handle, mid
