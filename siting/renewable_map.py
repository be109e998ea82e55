"""The renewables that serve a plan, on the maps: surplus used and new build by province and technology.

Both maps draw the rows of ``SitingResult.renewable_supply`` that deliver
energy (:func:`serving`) at their point, the weighted centre of the
substations where each connects, coloured by technology
(:func:`siting.style.supply_color`) and sized by the average MW they deliver
on the campuses' scale, so that the energy matched over the year compares
with the load it serves. :func:`draw` puts them on a static map (new build as
triangles, surplus as hexagons, each labelled with :func:`label`);
:mod:`siting.webmap` draws them as circles with :func:`popup`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import numpy as np
from matplotlib.colors import to_rgba

from . import style
from .plot_parts import GIDS, Labels, dot

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

    from ._result_types import ResultLike

__all__ = ["MARKERS", "draw", "kind", "label", "popup", "serving"]

#: Average MW below which a source serves nothing (the solvers' tolerance).
SERVES_MW: Final = 1e-6
#: Each source on the static map: marker, ``gid`` (a key of :data:`siting.plot_parts.GIDS`), fill
#: opacity and z-order. Surplus is a light hexagon with a bold rim, drawn over new build, which it
#: shares a point with where a province's new build connects where its surplus is stranded.
MARKERS: Final = {
    "new build": ("^", "renewable_build", 1.0, 4.2),
    "surplus": ("h", "renewable_surplus", 0.3, 4.3),
}
#: Smallest marker area on the static map, points squared, so that a few MW still show (the campuses').
MIN_AREA: Final = style.MIN_MARKER_AREA


def serving(result: ResultLike) -> gpd.GeoDataFrame:
    """The rows of ``result.renewable_supply`` that deliver energy to the plan, largest first.

    A province's stated surplus that the plan does not use has a row there
    (``energy_mw`` 0); it is left out here.

    Parameters
    ----------
    result : SitingResult

    Returns
    -------
    GeoDataFrame
        The rows with ``energy_mw`` above :data:`SERVES_MW`, by ``energy_mw``, descending.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> sup = pd.DataFrame({"source": ["surplus", "new build", "new build"],
    ...                     "province": ["KR-49", "KR-46", "KR-31"],
    ...                     "technology": ["surplus", "solar", "onshore_wind"],
    ...                     "energy_mw": [0.0, 80.0, 120.0]})
    >>> serving(SimpleNamespace(renewable_supply=sup))["province"].tolist()  # Jeju's surplus is not used
    ['KR-31', 'KR-46']
    """
    sup = result.renewable_supply
    return sup[sup["energy_mw"] > SERVES_MW].sort_values("energy_mw", ascending=False, kind="stable")


def _technology(row: Any) -> str:
    """The row's technology in words ("onshore wind")."""
    return str(row.technology).replace("_", " ")


def label(row: Any, names: Mapping[str, str]) -> str:
    """A source in a few words: province, technology and MW built, or the surplus used (average MW).

    Parameters
    ----------
    row : namedtuple
        A row of ``renewable_supply`` (from ``itertuples``).
    names : mapping of str to str
        Province code to name.

    Returns
    -------
    str

    Examples
    --------
    >>> from types import SimpleNamespace as Row
    >>> row = Row(source="new build", province="KR-46", technology="solar", capacity_mw=3210.0)
    >>> label(row, {"KR-46": "Jeonnam"})
    'Jeonnam solar 3.2 GW'
    >>> label(Row(source="surplus", province="KR-49", technology="surplus", energy_mw=30.0), {})
    'KR-49 surplus 30 MW avg'
    """
    where = names.get(row.province, row.province)
    if row.source == "surplus":
        return f"{where} surplus {style.mw(row.energy_mw)} avg"
    return f"{where} {_technology(row)} {style.power(row.capacity_mw)}"


def popup(row: Any, names: Mapping[str, str], *, currency: str = "KRW bn") -> str:
    """A source's figures with units, as HTML: what it is, MW built and average, cost, potential.

    Parameters
    ----------
    row, names
        As for :func:`label`.
    currency : str, default "KRW bn"
        The unit of the costs (the scenario's ``costs.currency``).

    Returns
    -------
    str
        The popup's HTML (province names escaped).

    Examples
    --------
    >>> from types import SimpleNamespace as Row
    >>> text = popup(Row(source="new build", province="KR-46", technology="solar", capacity_mw=3210.0,
    ...     energy_mw=449.4, max_mw=float("inf"), cost_krw_bn=5200.0, annual_krw_bn=351.0), {})
    >>> "Built: 3,210 MW" in text, "Potential: no limit stated" in text
    (True, True)
    """
    where = html.escape(f"{names.get(row.province, row.province)} ({row.province})")
    cap = "no limit stated" if not np.isfinite(row.max_mw) else style.mw(row.max_mw)
    if row.source == "surplus":
        return (
            f"<b>Renewable surplus used: {where}</b><br>Source: surplus (energy curtailed or held back "
            f"today)<br>Province: {where}<br>Average: {style.mw(row.energy_mw)} used of {cap} stated<br>"
            "Built: none; cost: none"
        )
    return (
        f"<b>New {html.escape(_technology(row))}: {where}</b><br>Source: new build<br>Province: {where}<br>"
        f"Technology: {html.escape(_technology(row))}<br>Built: {style.mw(row.capacity_mw)}<br>"
        f"Average: {style.mw(row.energy_mw)} (energy over the year)<br>"
        f"Cost: {style.krw_bn(row.cost_krw_bn, currency=currency)}; "
        f"annual: {style.krw_bn(row.annual_krw_bn, currency=currency)}/yr<br>"
        f"Potential: {cap}"
    )


def kind(source: str, technology: str) -> str:
    """A source's kind in words, for legends.

    Examples
    --------
    >>> kind("new build", "offshore_wind"), kind("surplus", "surplus")
    ('new offshore wind built', 'renewable surplus used')
    """
    return "renewable surplus used" if source == "surplus" else f"new {technology.replace('_', ' ')} built"


def _rim(source: str, color: str) -> tuple[str, float]:
    """Edge colour and width (points) of a source's marker: surplus bold in its own colour, new build dark."""
    return (color, 1.8) if source == "surplus" else (style.INK, 0.7)


def draw(ax: Axes, result: ResultLike, crs: str, *, labels: Labels) -> list[Artist]:
    """Draw the sources serving the plan on ``ax``, their labels added to ``labels``; the legend handles.

    Markers sit below the campuses, connections and used substations and
    above lines and the grid's substation dots; area is the average MW on the
    campuses' scale (:func:`siting.style.campus_area`, at least
    :data:`MIN_AREA`). No handles without any source.
    """
    rows = serving(result).to_crs(crs)
    if not len(rows):
        return []
    handles: list[Artist] = []
    for source, part in rows.groupby("source", sort=False):
        marker, gid, alpha, zorder = MARKERS.get(str(source), MARKERS["new build"])
        colors = [style.supply_color(t) for t in part["technology"]]
        ax.scatter(
            part.geometry.x,
            part.geometry.y,
            s=style.campus_area(part["energy_mw"].to_numpy()),
            marker=marker,
            facecolor=[to_rgba(c, alpha) for c in colors],
            edgecolor=[_rim(str(source), c)[0] for c in colors],
            linewidth=_rim(str(source), style.INK)[1],
            zorder=zorder,
            gid=GIDS[gid],
        )
        for t in part["technology"].unique():
            color = style.supply_color(t)
            edge, width = _rim(str(source), color)
            handles.append(
                dot(
                    f"{kind(str(source), t)} (area ~ average MW)",
                    marker=marker,
                    markerfacecolor=to_rgba(color, alpha),
                    markeredgecolor=edge,
                    markeredgewidth=width,
                    markersize=8,
                )
            )
    names = dict(zip(result.provinces["code"], result.provinces["name"], strict=True))
    items = [(r.geometry.x, r.geometry.y, label(r, names)) for r in rows.itertuples()]
    labels.add(items, gid=GIDS["renewable_label"])
    return handles
