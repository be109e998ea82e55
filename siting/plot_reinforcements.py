"""Transmission reinforcements on the static map: the projects a plan builds, and the candidates it leaves.

A result of ``Scenario(reinforce=True)`` lists every candidate project
(``SitingResult.reinforcements``); :func:`siting.plot_siting` draws them with
:func:`draw`, in :data:`siting.style.REINFORCEMENT`:

- a new AC line or HVDC link built: a thick dashed line between its buses,
  with a white halo, above the lines and their flows;
- an uprated line: a wide translucent band along the line, under its flow
  (the line keeps its loading colour on top);
- a substation expansion: a wide ring round the substation.

Candidates not built are drawn faint in :data:`siting.style.CANDIDATE` (new
lines and links thin and dotted, substation projects as thin rings), or not
at all with ``unbuilt=False``; an uprate not built is its line, drawn already.
Projects built from a named row are labelled with their name, units, cost and
MW carried; the lines of a generic uprate (ids ``"<row>:<line_id>"``, see
:func:`siting.reinforcements.generic`) are counted in the legend instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import geopandas as gpd
import matplotlib.patheffects as pe
from matplotlib.artist import Artist
from matplotlib.lines import Line2D

from . import style
from .plot_parts import GIDS, Labels, dot, label_text
from .reinforcements import generic

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ._result_types import ResultLike

__all__ = ["draw", "project_label"]

#: Kinds drawn as a line between two buses.
NEW_LINES = ("ac_line", "hvdc")
#: Width of a new line or link built, points (an HVDC link of today is :data:`siting.style.HVDC_WIDTH`).
NEW_LINE_WIDTH = 3.2
#: Width of the band along an uprated line, points.
UPRATE_WIDTH = 7.0
#: Area of the ring round an expanded substation, points squared (a used substation's ring is 42).
RING_AREA = 170.0


def project_label(row: Any, *, currency: str = "KRW bn") -> str:
    """A built project's label: its name (wrapped), then units, cost and MW carried.

    Parameters
    ----------
    row : namedtuple
        A row of ``SitingResult.reinforcements`` (``itertuples``).
    currency : str, default "KRW bn"

    Returns
    -------
    str

    Examples
    --------
    >>> from types import SimpleNamespace as Row
    >>> print(project_label(Row(name="West Sea HVDC", project_id="WS", units_built=1, max_units=1,
    ...                         cost_krw_bn=2800.0, flow_mw=1650.0)))
    West Sea HVDC
    2,800.0 KRW bn, carries 1.6 GW
    """
    units = f"{row.units_built} units, " if row.max_units > 1 else ""
    detail = f"{units}{style.krw_bn(row.cost_krw_bn, currency=currency)}, carries {style.power(row.flow_mw)}"
    return label_text(row.name, row.project_id, detail)


def _built(ax: Axes, built: gpd.GeoDataFrame) -> list[Artist]:
    """The projects built, by kind; a legend entry for each kind there is."""
    color, handles = style.REINFORCEMENT, list[Artist]()
    halo = [pe.withStroke(linewidth=NEW_LINE_WIDTH + 2.5, foreground="white")]
    new = built[built["kind"].isin(NEW_LINES)]
    if len(new):
        new.plot(
            ax=ax,
            color=color,
            linewidth=NEW_LINE_WIDTH,
            linestyle=(0, (4, 2)),
            path_effects=halo,
            zorder=5.5,
            gid=GIDS["reinforcement_lines"],
        )
        label = f"new line or HVDC link built ({len(new)})"
        handles.append(Line2D([], [], color=color, lw=NEW_LINE_WIDTH, ls=(0, (4, 2)), label=label))
    up = built[built["kind"] == "uprate"]
    if len(up):
        up.plot(
            ax=ax,
            color=color,
            linewidth=UPRATE_WIDTH,
            alpha=0.45,
            zorder=2.5,
            gid=GIDS["reinforcement_uprates"],
        )
        handles.append(
            Line2D([], [], color=color, lw=UPRATE_WIDTH, alpha=0.45, label=f"line uprated ({len(up)})")
        )
    sub = built[built["kind"] == "substation"]
    if len(sub):
        ax.scatter(
            sub.geometry.x,
            sub.geometry.y,
            s=RING_AREA,
            facecolor="none",
            edgecolor=color,
            linewidth=2.4,
            zorder=6.5,
            gid=GIDS["reinforcement_substations"],
        )
        ring = {"markerfacecolor": "none", "markeredgecolor": color, "markeredgewidth": 2.4}
        handles.append(dot(f"substation expanded ({len(sub)})", markersize=11, **ring))
    return handles


def _candidates(ax: Axes, left: gpd.GeoDataFrame) -> list[Artist]:
    """New lines, links and substation projects not built, faint; one legend entry."""
    new = left[left["kind"].isin(NEW_LINES)]
    sub = left[left["kind"] == "substation"]
    faint = style.CANDIDATE
    if len(new):
        new.plot(
            ax=ax,
            color=faint,
            linewidth=2.0,
            linestyle=(0, (1, 1.5)),
            zorder=3.2,
            gid=GIDS["reinforcement_candidates"],
        )
    if len(sub):
        ax.scatter(
            sub.geometry.x,
            sub.geometry.y,
            s=RING_AREA * 0.6,
            facecolor="none",
            edgecolor=faint,
            linewidth=1.0,
            zorder=2.2,
            gid=GIDS["reinforcement_candidates"],
        )
    if not len(new) + len(sub):
        return []
    label = f"candidate not built ({len(new) + len(sub)})"
    return [Line2D([], [], color=faint, lw=2.0, ls=(0, (1, 1.5)), label=label)]


def draw(ax: Axes, result: ResultLike, crs: str, *, labels: Labels, unbuilt: bool = True) -> list[Artist]:
    """Draw the result's reinforcements on ``ax`` (module docstring); the legend handles.

    Parameters
    ----------
    ax : matplotlib Axes
    result : SitingResult
        Nothing is drawn when its ``reinforcements`` is None (the scenario
        does not reinforce, or there is no plan).
    crs : str
        The map's projected CRS.
    labels : Labels
        The map's labels: the built named projects are added, costliest first.
    unbuilt : bool, default True
        Draw the candidates not built, faint.

    Returns
    -------
    list of matplotlib Artist
        Legend handles: one per kind built, and the candidates not built.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, pandas as pd, geopandas as gpd, shapely
    >>> from siting.plot_parts import Labels
    >>> t = gpd.GeoDataFrame({"project_id": ["HV"], "name": ["Link"], "kind": ["hvdc"], "line_id": [None],
    ...     "units_built": [1], "max_units": [1], "cost_krw_bn": [90.0], "flow_mw": [300.0]},
    ...     geometry=[shapely.LineString([(127, 36), (128, 37)])], crs="EPSG:4326")
    >>> _, ax = plt.subplots()
    >>> res = type("R", (), {"reinforcements": t, "scenario": type("S", (), {"costs": type("C", (),
    ...     {"currency": "KRW bn"})})})
    >>> [h.get_label() for h in draw(ax, res, "EPSG:5179", labels=Labels())]
    ['new line or HVDC link built (1)']
    """
    table = result.reinforcements
    if table is None or table.empty:
        return []
    table = table.to_crs(crs)
    built = table[table["units_built"] > 0]
    handles = _built(ax, built)
    if unbuilt:
        handles += _candidates(ax, table[table["units_built"] <= 0])
    named = built[~generic(built)].sort_values("cost_krw_bn", ascending=False, kind="stable")
    at = [g if g.geom_type == "Point" else g.interpolate(0.5, normalized=True) for g in named.geometry]
    currency = result.scenario.costs.currency
    labels.add(
        [
            (p.x, p.y, project_label(r, currency=currency))
            for r, p in zip(named.itertuples(), at, strict=True)
        ],
        gid=GIDS["reinforcement_label"],
        color=style.INK,
    )
    return handles
