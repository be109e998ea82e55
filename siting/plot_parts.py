"""Parts every static map is made of: the Axes and its frame, colour bars, labels, notes, legend entries.

:mod:`siting.plot` and :mod:`siting.upgrade_map` build their maps from these;
colours come from :mod:`siting.style`. Everything is drawn on the Axes given
(colour bars are inset axes of it), so a map fits any grid of subplots.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd
import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
import numpy as np
import pyproj
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colors import Colormap, Normalize
from matplotlib.lines import Line2D
from matplotlib.text import Annotation
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar  # type: ignore[import-untyped]

from . import style

if TYPE_CHECKING:
    from ._result_types import ResultLike

__all__ = [
    "GIDS",
    "HALO",
    "Labels",
    "colorbar",
    "diagnosis_note",
    "dot",
    "frame",
    "label_text",
    "marked_lines",
    "marker_boxes",
    "new_axes",
    "note_box",
    "place_labels",
    "scale_bar",
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
    "upgrade_label": "siting-upgrade-label",
    "scale_bar": "siting-scale-bar",
    "exclusion_buffer": "siting-exclusion-buffer",
    "reinforcement_lines": "siting-reinforcement-lines",
    "reinforcement_uprates": "siting-reinforcement-uprates",
    "reinforcement_substations": "siting-reinforcement-substations",
    "reinforcement_candidates": "siting-reinforcement-candidates",
    "reinforcement_label": "siting-reinforcement-label",
}
#: A box on the screen: (left, bottom, right, top), pixels.
Box = tuple[float, ...]
#: Where a label may sit: offset in points and alignment.
Corner = tuple[int, int, str, str]
#: Where a label may sit beside its point, in order of preference: the four corners next to it, then
#: four further out (written with a leader line back to the point).
CORNERS: Final[tuple[Corner, ...]] = tuple(
    (sx * dx, sy * dy, "left" if sx > 0 else "right", "bottom" if sy > 0 else "top")
    for dx, dy in ((5, 4), (14, 12))
    for sx, sy in ((1, 1), (-1, 1), (1, -1), (-1, -1))
)
#: Scatter layers that labels keep clear of (keys of :data:`GIDS`).
MARKERS: Final = (
    "campuses",
    "used_substations",
    "full_substations",
    "renewable_build",
    "renewable_surplus",
    "bottleneck_marks",
    "binding_substations",
    "binding_marks",
    "reinforcement_substations",
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


def _overlaps(a: Box, b: Box) -> bool:
    """Whether boxes ``(left, bottom, right, top)`` ``a`` and ``b`` overlap."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def marker_boxes(ax: Axes, gids: Sequence[str] = ()) -> list[Box]:
    """The pixel boxes of the markers of ``ax``'s scatter layers whose ``gid`` is in ``gids``.

    Default :data:`MARKERS`: the layers that carry the answer, which labels keep clear of.
    """
    fig = ax.get_figure()
    assert fig is not None
    wanted = set(gids) or {GIDS[k] for k in MARKERS}
    out: list[Box] = []
    for layer in ax.collections:
        if not isinstance(layer, PathCollection) or layer.get_gid() not in wanted:
            continue
        centres = ax.transData.transform(np.asarray(layer.get_offsets(), dtype=float).reshape(-1, 2))
        radius = np.sqrt(np.broadcast_to(layer.get_sizes(), len(centres))) / 2 * fig.dpi / 72.0
        out += [(x - r, y - r, x + r, y + r) for (x, y), r in zip(centres, radius, strict=True)]
    return out


def furniture_boxes(ax: Axes) -> list[Box]:
    """The pixel boxes of what ``ax`` shows over the map: its legend, boxed notes and colour bars.

    Labels keep clear of them (:meth:`Labels.place`); a label under the legend was cut in two on the
    README's figure.
    """
    fig = ax.get_figure()
    assert fig is not None
    legend = ax.get_legend()
    parts = [] if legend is None else [legend.get_window_extent()]
    parts += [b for b in (c.get_tightbbox() for c in ax.child_axes) if b is not None]
    out = [tuple(b.extents) for b in parts]
    for note in ax.texts:
        patch = note.get_bbox_patch()  # laid out only when drawn: its text's box and the patch's pad
        if patch is not None:
            size = note.get_fontproperties().get_size_in_points()  # the box's pad is a share of it
            pad = getattr(patch.get_boxstyle(), "pad", 0.0) * size * fig.dpi / 72.0
            x0, y0, x1, y1 = note.get_window_extent().extents
            out.append((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
    return out


def _fits(box: Box, centre: tuple[float, float], placed: list[Box], obstacles: Sequence[Box]) -> bool:
    """Whether ``box`` keeps a gap from every label in ``placed`` and clear of every marker but its own."""
    gap = 3.0  # pixels between labels, room for the halo
    padded = (box[0] - gap, box[1] - gap, box[2] + gap, box[3] + gap)
    if any(_overlaps(padded, other) for other in placed):
        return False
    cx, cy = centre  # markers over the point itself are its own: its ring, or a campus beside its substation
    return not any(_overlaps(box, o) for o in obstacles if not (o[0] < cx < o[2] and o[1] < cy < o[3]))


def _label(ax: Axes, x: float, y: float, text: str, corner: Corner, *, gid: str, color: str) -> Annotation:
    """``text`` written at ``corner`` of ``(x, y)``; a leader line back to the point from a far corner."""
    dx, dy, ha, va = corner
    far = max(abs(dx), abs(dy)) > 6
    arrow = {"arrowstyle": "-", "color": color, "lw": 0.5, "shrinkA": 0, "shrinkB": 2} if far else None
    return ax.annotate(
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
        arrowprops=arrow,
    )


def place_labels(
    ax: Axes,
    items: Sequence[tuple[float, float, str]],
    *,
    gid: str,
    color: str = style.INK,
    placed: list[Box] | None = None,
    obstacles: Sequence[Box] = (),
    furniture: Sequence[Box] = (),
    over_furniture: bool = False,
    over_markers: bool = False,
) -> None:
    """Write each ``(x, y, text)`` at the first of :data:`CORNERS` where it overlaps nothing written before.

    Labels are tried in the order given, so put the important ones first; one
    that fits nowhere is left out (its marker stays), or, with
    ``over_furniture``, written at the first corner clear of the markers even if
    it covers the ``furniture`` (:func:`furniture_boxes`: the legend, notes, colour
    bars), or with ``over_markers`` at the first corner clear of the other labels
    even if it covers a marker or the furniture (where every label is the answer,
    e.g. the upgrades map's most valuable limits). Each is measured as
    rendered (its window extent). ``placed`` holds the boxes (pixels) of labels
    written before, by another call: pass one list to calls whose labels must
    keep apart; the boxes written here are added. ``obstacles`` are marker
    boxes (:func:`marker_boxes`) that labels must not cover, but for the
    marker at their own point.
    """
    if not items:
        return
    ax.apply_aspect()
    placed = [] if placed is None else placed
    clear = [*obstacles, *furniture]
    passes = [clear, *([obstacles] if over_furniture else []), *([()] if over_markers else [])]
    for x, y, text in items:
        centre = tuple(ax.transData.transform((x, y)))
        for corner, avoid in ((c, a) for a in passes for c in CORNERS):
            note = _label(ax, x, y, text, corner, gid=gid, color=color)
            box = tuple(note.get_window_extent().extents)
            if _fits(box, (centre[0], centre[1]), placed, avoid):
                placed.append(box)
                break
            note.remove()


class Labels:
    """Labels kept back until every marker is drawn, then written clear of the markers and of each other.

    Groups are written in the order added (the first have the first choice of place).
    """

    def __init__(self) -> None:
        self.groups: list[tuple[list[tuple[float, float, str]], str, str, bool]] = []

    def add(
        self,
        items: Sequence[tuple[float, float, str]],
        *,
        gid: str,
        color: str = style.INK,
        over_furniture: bool = False,
    ) -> None:
        """Keep ``items`` back, for ``gid`` and ``color`` (``over_furniture``: :func:`place_labels`)."""
        self.groups.append((list(items), gid, color, over_furniture))

    def place(self, ax: Axes) -> None:
        """Write every group (:func:`place_labels`), clear of the markers and of the furniture.

        The markers are :func:`marker_boxes`', the furniture :func:`furniture_boxes`' (legend,
        notes, colour bars): draw those first.
        """
        ax.apply_aspect()
        obstacles, furniture, placed = marker_boxes(ax), furniture_boxes(ax), list[Box]()
        for items, gid, color, over in self.groups:
            place_labels(
                ax, items, gid=gid, color=color, placed=placed, obstacles=obstacles, furniture=furniture,
                over_furniture=over,
            )  # fmt: skip


def scale_bar(ax: Axes, crs: str, *, loc: str = "upper left") -> None:
    """A scale bar in km of about a fifth of the map's width (1, 2 or 5 times a power of ten).

    Drawn only in a projected ``crs`` (its axis unit gives the metres).
    """
    unit = pyproj.CRS(crs)
    if not unit.is_projected:
        return
    per_unit = unit.axis_info[0].unit_conversion_factor  # metres
    x0, x1 = ax.get_xlim()
    rough = abs(x1 - x0) * per_unit / 1000.0 / 5.0
    power = 10.0 ** np.floor(np.log10(rough))
    km = max(m * power for m in (1.0, 2.0, 5.0) if m * power <= rough)
    bar = AnchoredSizeBar(
        ax.transData,
        km * 1000.0 / per_unit,
        f"{km:,.0f} km" if km >= 1 else f"{km:g} km",
        loc,
        pad=0.4,
        borderpad=0.6,
        sep=3,
        frameon=False,
        color=style.INK,
        size_vertical=0.0,
        fontproperties={"size": 7},
    )
    bar.set_gid(GIDS["scale_bar"])
    bar.set_zorder(11)
    ax.add_artist(bar)


def label_text(name: object, fallback: object, detail: str) -> str:
    """``name`` (or ``fallback`` when it is not a non-empty string) wrapped, then ``detail`` below."""
    text = str(name) if isinstance(name, str) and name else str(fallback)
    return textwrap.fill(text, 26) + "\n" + detail


def diagnosis_note(result: ResultLike) -> str:
    """The diagnosis in a few lines: failed conditions, the most that fits, each kind of limit in total."""
    diag = result.diagnosis
    if diag is None:
        return ""
    out = [f"No plan for {style.mw(result.scenario.target_mw)}."]
    out += [textwrap.fill(text, 44, subsequent_indent="  ") for text in diag.necessary]
    if diag.max_achievable_mw is not None:
        out.append(f"Most that fits every limit: {diag.max_achievable_mw:,.0f} MW")
    if len(diag.limits):
        out.append("What must give:")
        for family, part in diag.limits.groupby("family", sort=False):
            if len(part) == 1:
                out.append(
                    textwrap.fill(
                        str(part["text"].iloc[0]), 44, initial_indent="  ", subsequent_indent="    "
                    )
                )
            else:
                out.append(f"  {family}: {len(part)} limits, {part['over_mw'].sum():,.0f} MW in all")
    if diag.cut_short:
        out.append(textwrap.fill(f"cut short: {diag.cut_short}", 44, subsequent_indent="  "))
    out.append("In full: print(res.diagnosis)")
    return "\n".join(out)


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
