"""Static maps with matplotlib: the input data, a siting result, and results side by side.

Maps are drawn in the data's metric CRS (carried by the data and the result) so that
distances look right. :func:`plot_siting` draws only on the Axes it is given (its
colour bars are inset axes of that Axes), so it fits any grid of subplots;
:func:`plot_comparison` lays several results side by side on one scale. Save a
map as PNG, SVG or PDF with ``ax.figure.savefig(path)``. Colours and sizes come
from :mod:`siting.style`, which the web map (:mod:`siting.webmap`) shares.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Final

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import shapely
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import plot_reinforcements, renewable_map, style
from ._result_types import LIMIT_COLUMNS, ResultLike
from .comparison import named_results
from .data import SitingData
from .plot_parts import (
    GIDS,
    Labels,
    colorbar,
    diagnosis_note,
    dot,
    frame,
    label_text,
    marked_lines,
    new_axes,
    note_box,
    scale_bar,
)
from .report import line_label

__all__ = ["plot_data", "plot_siting", "plot_comparison", "binding_limits"]

#: Loading (new flow / residual capacity) at which a line counts as a bottleneck.
BOTTLENECK_LOADING: Final = 0.99
#: Utilization (load / headroom) at which a used substation counts as full.
FULL_UTILIZATION: Final = 0.99
#: Diagnosis families drawn on the map, and the result table their ids name.
BINDING_LAYERS: Final = {
    "lines": "lines",
    "headroom": "substations",
    "supply": "substations",
    "province_cap": "provinces",
}


def binding_limits(result: ResultLike) -> dict[str, pd.DataFrame]:
    """The diagnosis' limits that have a place on a map, by the result table their ids name.

    Parameters
    ----------
    result : SitingResult

    Returns
    -------
    dict of str to DataFrame
        ``lines``, ``substations`` and ``provinces``: the rows of
        ``result.diagnosis.limits`` (``family``, ``id``, ``name``, ``over_mw``,
        ``text``) whose family (:data:`BINDING_LAYERS`) names an id in that
        table, largest first; empty frames for a result without a diagnosis.
        One id can appear twice (a substation short of headroom and supply).

    Examples
    --------
    >>> import pandas as pd, siting
    >>> from types import SimpleNamespace
    >>> limits = pd.DataFrame({"family": ["supply", "renewable", "lines"], "id": ["s1", "share", "L4"],
    ...     "name": "", "over_mw": [80.0, 9.0, 20.0], "text": ["...", "...", "..."]})
    >>> found = binding_limits(SimpleNamespace(diagnosis=siting.Diagnosis(limits=limits)))
    >>> {table: rows["id"].tolist() for table, rows in found.items()}  # the renewable share has no place
    {'lines': ['L4'], 'substations': ['s1'], 'provinces': []}
    """
    limits = result.diagnosis.limits if result.diagnosis is not None else pd.DataFrame(columns=LIMIT_COLUMNS)
    table = limits["family"].map(BINDING_LAYERS)
    return {
        name: limits[table == name]
        .sort_values("over_mw", ascending=False, kind="stable")
        .reset_index(drop=True)
        for name in ("lines", "substations", "provinces")
    }


def _draw_lines(ax: Axes, lines: gpd.GeoDataFrame, crs: str, *, alpha: float = 0.8) -> None:
    """Lines by voltage (colour and width), HVDC links dashed."""
    lines = lines.to_crs(crs)
    for kv, part in lines.groupby(lines["voltage_kv"].where(lines["kind"] == "ac", -1)):
        color, width = (style.HVDC, style.HVDC_WIDTH) if kv == -1 else style.voltage_style(kv)
        part.plot(
            ax=ax, color=color, linewidth=width, alpha=alpha, linestyle="--" if kv == -1 else "-", zorder=2
        )


def _buffer(ax: Axes, result: ResultLike, crs: str) -> list[Artist]:
    """The exclusion buffer around the excluded provinces, hatched lightly with a dashed edge."""
    ring = result.exclusion_buffer
    if ring is None or ring.is_empty.all():
        return []
    edge = style.EXCLUDED_EDGE
    ring.to_crs(crs).plot(
        ax=ax,
        facecolor="none",
        edgecolor=edge,
        hatch="..",
        linewidth=0.6,
        linestyle="--",
        zorder=1.5,
        gid=GIDS["exclusion_buffer"],
    )
    km = result.scenario.exclude_buffer_km
    say = f"{km:g} km" if isinstance(km, int | float) else "by province"
    label = f"exclusion buffer ({say})"
    return [Patch(facecolor="none", edgecolor=edge, hatch="..", linestyle="--", label=label)]


def _provinces(ax: Axes, prov: gpd.GeoDataFrame, top: float, *, shade: bool) -> list[Artist]:
    """Provinces shaded by MW hosted (with a colour bar), the excluded region hatched."""
    face = [
        style.EXCLUDED if ex else style.mw_color(mw, top)
        for ex, mw in zip(prov["excluded"], prov["capacity_mw"], strict=True)
    ]
    prov.plot(ax=ax, color=face, edgecolor=style.PROVINCE_EDGE, linewidth=0.6, zorder=1)
    handles: list[Artist] = []
    if prov["excluded"].any():
        edge = style.EXCLUDED_EDGE
        prov[prov["excluded"]].plot(
            ax=ax, facecolor="none", edgecolor=edge, hatch="///", linewidth=0.0, zorder=1
        )
        handles.append(Patch(facecolor=style.EXCLUDED, edgecolor=edge, hatch="///", label="excluded region"))
    if shade:
        norm = Normalize(0.0, top)
        colorbar(ax, style.MW_CMAP, norm, label="MW hosted by province", at=0.78, gid=GIDS["mw_colorbar"])
    return handles


def _flows(ax: Axes, lines: gpd.GeoDataFrame) -> list[Artist]:
    """Every line thin and blue-grey, lines with new flow by loading, bottlenecks on top with a mark."""
    lines.plot(ax=ax, color=style.IDLE_LINE, linewidth=0.5, zorder=2)
    busy = lines[lines["flow_mw"].abs() > 1e-6]
    if not len(busy):
        return []
    load = busy["loading"].clip(upper=1.0).to_numpy()
    order = np.argsort(load, kind="stable")  # most loaded drawn last
    busy.iloc[order].plot(
        ax=ax,
        color=[style.loading_color(v) for v in load[order]],
        linewidth=0.8 + 2.0 * load[order],
        zorder=3,
    )
    colorbar(
        ax,
        style.LOADING_CMAP,
        Normalize(0.0, 1.0),
        label="line loading:\nnew flow / residual capacity",
        at=0.22,
        gid=GIDS["loading_colorbar"],
    )
    neck = busy[busy["loading"] >= BOTTLENECK_LOADING]
    if not len(neck):
        return []
    label = f"bottleneck: line at >= {BOTTLENECK_LOADING:.0%} of residual ({len(neck)})"
    handle, _ = marked_lines(
        ax, neck, color=style.BOTTLENECK, label=label, gids=("bottleneck_lines", "bottleneck_marks")
    )
    return [handle]


def _campuses(
    ax: Axes, sites: gpd.GeoDataFrame, subs: gpd.GeoDataFrame, tiers: Sequence[float]
) -> list[Artist]:
    """Campuses sized by MW (:func:`siting.style.campus_area`) on top, each joined to its substation."""
    if not len(sites):
        return []
    pts = sites.geometry.representative_point()
    at = subs.set_index("substation_id").geometry.loc[sites["substation_id"]].to_numpy()
    links = shapely.linestrings(
        np.stack([shapely.get_coordinates(pts.to_numpy()), shapely.get_coordinates(at)], axis=1)
    )
    gpd.GeoSeries(links, crs=sites.crs).plot(ax=ax, color=style.CONNECTION, linewidth=0.9, zorder=4.5)
    ax.scatter(  # above the substations' rings (6, 7), so that a campus beside its substation shows
        pts.x,
        pts.y,
        s=style.campus_area(sites["capacity_mw"].to_numpy()),
        color=style.CAMPUS,
        edgecolor="white",
        alpha=0.75,
        linewidth=0.8,
        zorder=7.5,
        gid=GIDS["campuses"],
    )
    handles: list[Artist] = [
        dot(
            f"campus {s:g} MW",
            color=style.CAMPUS,
            alpha=0.75,
            markeredgecolor="white",
            markersize=float(np.sqrt(style.campus_area(s))),
        )
        for s in sorted(set(tiers))
    ]
    handles.append(Line2D([], [], color=style.CONNECTION, lw=1, label="connection to its substation"))
    return handles


def _substations(ax: Axes, subs: gpd.GeoDataFrame, *, max_labels: int, labels: Labels) -> list[Artist]:
    """Every substation as a dot; used ones ringed, full ones red; the busiest named (added to ``labels``)."""
    ax.scatter(subs.geometry.x, subs.geometry.y, s=3, color=style.SUBSTATION, linewidth=0, zorder=4)
    used = subs[subs["load_mw"] > 0]
    if not len(used):
        return []
    full = used["utilization"] >= FULL_UTILIZATION
    handles: list[Artist] = []
    for part, face, gid, label in (
        (used[~full], "white", GIDS["used_substations"], "substation used"),
        (used[full], style.BOTTLENECK, GIDS["full_substations"], "substation full (load = headroom)"),
    ):
        if len(part):
            ax.scatter(
                part.geometry.x,
                part.geometry.y,
                s=42,
                color=face,
                edgecolor=style.INK,
                linewidth=1.0,
                zorder=6 if face == "white" else 7,
                gid=gid,
            )
            handles.append(dot(label, markerfacecolor=face, markeredgecolor=style.INK, markersize=7))
    first = used.assign(full=full).sort_values(["full", "load_mw"], ascending=False, kind="stable")
    labels.add(
        [
            (
                r.geometry.x,
                r.geometry.y,
                label_text(r.name, r.substation_id, f"{r.load_mw:,.0f} / {r.headroom_mw:,.0f} MW"),
            )
            for r in first.head(max_labels).itertuples()
        ],
        gid=GIDS["substation_label"],
    )
    return handles


def plot_data(data: SitingData, *, ax: Axes | None = None, title: str | None = "Grid and renewables") -> Axes:
    """Map provinces, substations, lines and renewables.

    Parameters
    ----------
    data : SitingData
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import siting
    >>> ax = siting.plot_data(siting.load_korea())
    >>> len(ax.collections) > 3
    True
    """
    ax = new_axes(ax)
    crs = data.metric_crs
    prov = data.provinces.to_crs(crs)
    frame(ax, prov.total_bounds)
    scale_bar(ax, crs)
    prov.plot(
        ax=ax,
        color=np.where(prov["capital_region"], style.CAPITAL_REGION, style.NO_MW),
        edgecolor=style.PROVINCE_EDGE,
        linewidth=0.6,
        zorder=1,
    )
    _draw_lines(ax, data.lines, crs)
    subs = data.substations.to_crs(crs)
    for kv, part in subs.groupby("voltage_kv"):
        color, width = style.voltage_style(kv)
        part.plot(ax=ax, color=color, markersize=8 + 6 * width, edgecolor="white", linewidth=0.4, zorder=4)
    ren = data.renewables.to_crs(crs)
    for tech, part in ren.groupby("technology"):
        part.plot(
            ax=ax,
            marker="^",
            color=style.TECH_COLOR.get(tech, style.OTHER_TECH),
            markersize=np.sqrt(part["capacity_mw"].to_numpy()) * 1.5,
            alpha=0.7,
            zorder=3,
        )
    handles = [
        Line2D([], [], color=c, lw=w * 1.5, label=f"{kv} kV") for kv, (c, w) in style.VOLTAGE_STYLE.items()
    ]
    handles.append(Line2D([], [], color=style.HVDC, lw=style.HVDC_WIDTH, ls="--", label="HVDC"))
    handles += [dot(t.replace("_", " "), marker="^", color=c) for t, c in style.TECH_COLOR.items()]
    ax.legend(handles=handles, loc="lower right", fontsize=8, frameon=True)
    if title:
        ax.set_title(title)
    return ax


def _binding_provinces(
    ax: Axes, part: gpd.GeoDataFrame, over: pd.Series, labels: list[tuple[float, float, float, str]]
) -> list[Artist]:
    """Provinces whose cap binds, outlined; their labels added to ``labels`` as (MW, x, y, text)."""
    part.boundary.plot(ax=ax, color=style.BINDS, linewidth=2.2, zorder=7, gid=GIDS["binding_provinces"])
    for r, pt in zip(part.itertuples(), part.geometry.representative_point(), strict=True):
        mw = float(over[r.code])
        labels.append((mw, pt.x, pt.y, label_text(r.name, r.code, f"over its cap by {mw:,.0f} MW")))
    return [Patch(facecolor="none", edgecolor=style.BINDS, linewidth=2, label="province cap that binds")]


def _binding_lines(
    ax: Axes, part: gpd.GeoDataFrame, over: pd.Series, labels: list[tuple[float, float, float, str]]
) -> list[Artist]:
    """Lines that bind, thick and marked; their labels added to ``labels`` as (MW, x, y, text)."""
    handle, mid = marked_lines(
        ax,
        part,
        color=style.BINDS,
        label=f"line that binds ({len(part)})",
        gids=("binding_lines", "binding_marks"),
    )
    for r, pt in zip(part.itertuples(), mid, strict=True):
        mw = float(over[r.line_id])
        name = line_label(r.name, r.line_id, r.length_km)
        labels.append((mw, pt.x, pt.y, label_text(name, r.line_id, f"over by {mw:,.0f} MW")))
    return [handle]


def _binding_substations(
    ax: Axes, part: gpd.GeoDataFrame, over: pd.Series, labels: list[tuple[float, float, float, str]]
) -> list[Artist]:
    """Substations that bind, ringed by the MW they are short; their labels added to ``labels``."""
    mw_at = part["substation_id"].map(over).to_numpy(dtype=float)
    ax.scatter(
        part.geometry.x,
        part.geometry.y,
        s=30 + 60 * np.sqrt(mw_at / max(mw_at.max(), 1e-9)),
        facecolor="none",
        edgecolor=style.BINDS,
        linewidth=1.8,
        zorder=8,
        gid=GIDS["binding_substations"],
    )
    for r, mw in zip(part.itertuples(), mw_at, strict=True):
        text = label_text(r.name, r.substation_id, f"+{mw:,.0f} MW needed")
        labels.append((float(mw), r.geometry.x, r.geometry.y, text))
    label = f"substation that binds ({len(part)}; ring ~ MW short)"
    ring = {"markerfacecolor": "none", "markeredgecolor": style.BINDS, "markeredgewidth": 1.8}
    return [dot(label, markersize=8, **ring)]


def _binding(
    ax: Axes,
    binding: dict[str, pd.DataFrame],
    *,
    prov: gpd.GeoDataFrame,
    subs: gpd.GeoDataFrame,
    lines: gpd.GeoDataFrame,
    max_labels: int,
    names: Labels,
) -> list[Artist]:
    """The limits the diagnosis names: provinces outlined, lines and substations magenta, largest named."""
    over = {name: rows.groupby("id", sort=False)["over_mw"].sum() for name, rows in binding.items()}
    labels: list[tuple[float, float, float, str]] = []  # (MW, x, y, text)
    handles: list[Artist] = []
    for draw, table, key, name in (
        (_binding_provinces, prov, "code", "provinces"),
        (_binding_lines, lines, "line_id", "lines"),
        (_binding_substations, subs, "substation_id", "substations"),
    ):
        part = table[table[key].isin(over[name].index)]
        if len(part):
            handles += draw(ax, part, over[name], labels)
    labels.sort(key=lambda t: -t[0])
    top = [(x, y, text) for _, x, y, text in labels[:max_labels]]
    names.add(top, gid=GIDS["binding_label"], color=style.BINDS_TEXT, over_furniture=True)  # the answer
    return handles


def _headroom(ax: Axes, subs: gpd.GeoDataFrame, excluded: Sequence[str]) -> list[Artist]:
    """Where there is room: headroom for new load outside the excluded region, area ~ MW."""
    room = subs[(subs["headroom_mw"] > 0) & ~subs["province"].isin(list(excluded))]
    if not len(room):
        return []
    ax.scatter(
        room.geometry.x,
        room.geometry.y,
        s=room["headroom_mw"].to_numpy() * 0.15,
        color=style.HEADROOM,
        alpha=0.35,
        linewidth=0,
        zorder=3.5,
        gid=GIDS["headroom"],
    )
    label = "headroom outside the excluded region (area ~ MW)"
    return [dot(label, color=style.HEADROOM, alpha=0.5, markersize=6)]


def _title(result: ResultLike, label: str | None = None) -> str:
    """Scenario name (or ``label``), status and MW placed of the target."""
    sc = result.scenario
    name = label or sc.name
    if result.status.has_solution:
        return (
            f"{name}: {result.status}, {style.mw(result.total_mw)} of {style.mw(sc.target_mw)} target in "
            f"{len(result.sites)} campuses"
        )
    return f"{name}: {result.status}, no plan for the {style.mw(sc.target_mw)} target"


def _layers(
    ax: Axes, result: ResultLike, prov: gpd.GeoDataFrame, crs: str, *, max_labels: int, unbuilt: bool
) -> tuple[list[Artist], Labels]:
    """Campuses, projects, renewables, substations, flows and limits, above the provinces.

    Returns the legend handles and the labels, to be placed once the legend and notes are drawn.
    """
    lines = result.lines.to_crs(crs)
    subs = result.substations.to_crs(crs)
    labels = Labels()  # written last, clear of every marker: the projects', renewables', substations'
    handles = _campuses(ax, result.sites.to_crs(crs), subs, result.scenario.tiers_mw)
    handles += plot_reinforcements.draw(ax, result, crs, labels=labels, unbuilt=unbuilt)
    handles += renewable_map.draw(ax, result, crs, labels=labels)
    handles += _substations(ax, subs, max_labels=max_labels, labels=labels)
    handles += _flows(ax, lines)
    if not result.status.has_solution:
        handles += _headroom(ax, subs, prov.loc[prov["excluded"], "code"].tolist())
    limits = binding_limits(result)
    handles += _binding(ax, limits, prov=prov, subs=subs, lines=lines, max_labels=max_labels, names=labels)
    return handles, labels


def _note(ax: Axes, result: ResultLike, prov: gpd.GeoDataFrame, *, table: bool) -> None:
    """MW by province in the top right corner when ``table``, else the diagnosis if there is one."""
    if table:
        rows = prov[prov["capacity_mw"] > 0].sort_values("capacity_mw", ascending=False)
        body = "\n".join(f"{str(r.name)[:11]:<11s}{r.capacity_mw:>7,.0f}" for r in rows.itertuples())
        note_box(ax, "MW by province\n" + body, gid=GIDS["province_table"], color=style.CONNECTION)
    elif result.diagnosis is not None:
        note_box(ax, diagnosis_note(result), gid=GIDS["diagnosis_box"], color=style.BINDS_TEXT)


def plot_siting(
    result: ResultLike,
    *,
    ax: Axes | None = None,
    crs: str | None = None,
    title: str | None = None,
    max_labels: int = 10,
    mw_max: float | None = None,
    table: bool = True,
    unbuilt: bool = True,
) -> Axes:
    """Map a siting result: what was built, and what binds.

    Drawn, bottom to top: provinces shaded by MW hosted (colour bar) with the excluded region
    hatched; every line in blue-grey, lines that carry new flow coloured and widened by their
    loading (colour bar); the renewables that serve the plan (new build as triangles by technology,
    surplus used as hexagons, area ~ average MW on the campuses' scale, each labelled:
    :mod:`siting.renewable_map`); campuses' connections; substations (used ones ringed, full ones
    filled red); campuses sized by MW (the smallest tiers at :data:`siting.style.MIN_MARKER_AREA`),
    over their substations; bottleneck lines, loaded to at least :data:`BOTTLENECK_LOADING` of their
    residual capacity, thick and dark red with a white halo and a diamond at their middle, so that 3
    km lines show at national scale; and the busiest substations named with their load and headroom;
    the grid projects built, in cyan (:mod:`siting.plot_reinforcements`). A result without a plan
    maps what binds instead: the substations, lines and provinces its diagnosis names (magenta, the
    largest named with the MW they are short), the headroom there is, and the diagnosis in a box.
    Everything is drawn on ``ax`` alone (colour bars are inset axes of it), so the map fits a grid
    of subplots. Artists that carry the answer have the ``gid`` listed in :data:`GIDS` (they become
    element ids in SVG).

    Parameters
    ----------
    result : SitingResult
    ax : matplotlib Axes, optional
        Axes to draw on; default a new figure.
    crs : str, optional
        Projected CRS to draw in; default the result's ``metric_crs``.
    title : str, optional
        Default: scenario name, status and MW placed.
    max_labels : int, default 10
        Most substations (or binding limits) named; the busiest first, and a
        label that would overlap an earlier one is left out.
    mw_max : float, optional
        Top of the province shading scale, MW; default the largest province
        total (:func:`plot_comparison` shares one scale).
    table : bool, default True
        Show MW by province in the top right corner.
    unbuilt : bool, default True
        Draw the candidate reinforcements not built, faint.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import siting
    >>> sc = siting.Scenario(target_mw=400, min_host_provinces=1, grid_spacing_km=40)
    >>> res = siting.solve(siting.load_korea(), sc)
    >>> ax = siting.plot_siting(res)
    >>> ax.get_title().startswith("scenario")
    True
    >>> ax.figure.savefig("plan.svg")  # doctest: +SKIP
    """
    ax = new_axes(ax)
    crs = crs or result.metric_crs
    prov = result.provinces.to_crs(crs)
    placed = float(prov["capacity_mw"].max()) if len(prov) else 0.0
    top = float(mw_max) if mw_max else max(placed, 1.0)
    frame(ax, prov.total_bounds)
    scale_bar(ax, crs)
    excluded = _provinces(ax, prov, top, shade=placed > 0 or mw_max is not None) + _buffer(ax, result, crs)
    handles, labels = _layers(ax, result, prov, crs, max_labels=max_labels, unbuilt=unbuilt)
    _note(ax, result, prov, table=table and placed > 0)
    if handles + excluded:
        ax.legend(handles=handles + excluded, loc="lower right", fontsize=7, framealpha=0.9, labelspacing=0.9)
    labels.place(ax)  # clear of the markers, the legend, the note and the colour bars
    ax.set_title(textwrap.fill(title or _title(result), 70), fontsize=10)
    return ax


def plot_comparison(
    results: Sequence[ResultLike] | Mapping[str, ResultLike],
    *,
    names: Sequence[str] | None = None,
    crs: str | None = None,
    max_labels: int = 6,
    panel_size: tuple[float, float] = (6.0, 7.5),
) -> Figure:
    """Map scenarios side by side on one extent and one province shading scale.

    Parameters
    ----------
    results : sequence of SitingResult, or mapping of name to SitingResult
        One panel each, left to right (as :func:`siting.compare` takes them).
    names : sequence of str, optional
        Panel labels; default the mapping's keys or each scenario's name
        (made unique with "#2", "#3").
    crs : str, optional
        Projected CRS; default the first result's ``metric_crs``.
    max_labels : int, default 6
        Most substations named per panel.
    panel_size : (float, float), default (6.0, 7.5)
        Inches per panel.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.axes`` has one map per result; ``fig.savefig`` writes PNG, SVG or PDF.

    Raises
    ------
    SitingError
        With no result, or names that are not one distinct name per result.

    Examples
    --------
    >>> import siting
    >>> data = siting.load_korea()
    >>> small = siting.solve(data, siting.Scenario(target_mw=300, min_host_provinces=1, grid_spacing_km=40))
    >>> large = siting.solve(data, siting.Scenario(target_mw=600, min_host_provinces=1, grid_spacing_km=40))
    >>> fig = siting.plot_comparison([small, large], names=["300 MW", "600 MW"])
    >>> [ax.get_title().split(":")[0] for ax in fig.axes]
    ['300 MW', '600 MW']
    """
    results, labels = named_results(results, names, caller="plot_comparison", least=1)
    crs = crs or results[0].metric_crs
    provs = [r.provinces.to_crs(crs) for r in results]
    bounds = np.array([p.total_bounds for p in provs])
    extent = (*bounds[:, :2].min(axis=0), *bounds[:, 2:].max(axis=0))
    top = max(max(float(p["capacity_mw"].max()), 1.0) for p in provs)
    w, h = panel_size
    fig, axes = plt.subplots(
        1, len(results), figsize=(w * len(results), h), dpi=110, squeeze=False, layout="constrained"
    )
    for ax, res, label in zip(axes[0], results, labels, strict=True):
        plot_siting(res, ax=ax, crs=crs, title=_title(res, label), max_labels=max_labels, mw_max=top)
        frame(ax, extent)
    return fig
