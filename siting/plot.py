"""Static maps with matplotlib: the input data, and a siting result.

Maps are drawn in the data's metric CRS (carried by the data and the result) so that
distances look right; both functions return the Axes for further styling.
"""

from __future__ import annotations

import geopandas as gpd
import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
import numpy as np
import shapely
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from .data import SitingData
from .result import SitingResult

__all__ = ["plot_data", "plot_siting"]

HALO = [pe.withStroke(linewidth=2.5, foreground="white")]
VOLTAGE_STYLE = {765: ("#7b1fa2", 2.2), 345: ("#c62828", 1.2), 154: ("#ef6c00", 0.5)}
TECH_COLOR = {
    "solar": "#f9a825",
    "onshore_wind": "#0277bd",
    "offshore_wind": "#01579b",
    "hydro": "#00838f",
    "pumped_storage": "#4db6ac",
    "tidal": "#26a69a",
}


def _style(kv: float) -> tuple[str, float]:
    for v in sorted(VOLTAGE_STYLE, reverse=True):
        if kv >= v:
            return VOLTAGE_STYLE[v]
    return ("#9e9e9e", 0.4)


def _axes(ax: Axes | None) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 11), dpi=110)
    ax.set_axis_off()
    return ax


def _draw_lines(ax: Axes, lines: gpd.GeoDataFrame, crs: str, *, alpha: float = 0.8) -> None:
    lines = lines.to_crs(crs)
    for kv, part in lines.groupby(lines["voltage_kv"].where(lines["kind"] == "ac", -1)):
        color, width = ("#37474f", 1.2) if kv == -1 else _style(kv)
        part.plot(
            ax=ax, color=color, linewidth=width, alpha=alpha, linestyle="--" if kv == -1 else "-", zorder=2
        )


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
    ax = _axes(ax)
    crs = data.metric_crs
    prov = data.provinces.to_crs(crs)
    prov.plot(
        ax=ax,
        color=np.where(prov["capital_region"], "#e0e0e0", "#f5f5f0"),
        edgecolor="#9e9e9e",
        linewidth=0.6,
        zorder=1,
    )
    _draw_lines(ax, data.lines, crs)
    subs = data.substations.to_crs(crs)
    for kv, part in subs.groupby("voltage_kv"):
        color, width = _style(kv)
        part.plot(ax=ax, color=color, markersize=8 + 6 * width, edgecolor="white", linewidth=0.4, zorder=4)
    ren = data.renewables.to_crs(crs)
    for tech, part in ren.groupby("technology"):
        part.plot(
            ax=ax,
            marker="^",
            color=TECH_COLOR.get(tech, "green"),
            markersize=np.sqrt(part["capacity_mw"].to_numpy()) * 1.5,
            alpha=0.7,
            zorder=3,
        )
    handles = [Line2D([], [], color=c, lw=w * 1.5, label=f"{kv} kV") for kv, (c, w) in VOLTAGE_STYLE.items()]
    handles.append(Line2D([], [], color="#37474f", lw=1.2, ls="--", label="HVDC"))
    handles += [
        Line2D([], [], marker="^", ls="", color=c, label=t.replace("_", " ")) for t, c in TECH_COLOR.items()
    ]
    ax.legend(handles=handles, loc="lower right", fontsize=8, frameon=True)
    if title:
        ax.set_title(title)
    return ax


def plot_siting(
    result: SitingResult, *, ax: Axes | None = None, crs: str | None = None, title: str | None = None
) -> Axes:
    """Map a siting result: campuses by size, used substations, loaded lines, excluded region.

    Parameters
    ----------
    result : SitingResult
    ax : matplotlib Axes, optional
    crs : str, optional
        Projected CRS to draw in; default the result's ``metric_crs``.
    title : str, optional
        Default: scenario name, status and MW placed.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import siting
    >>> res = siting.solve(siting.load_korea(), siting.Scenario(target_mw=400, min_host_provinces=1))
    >>> ax = siting.plot_siting(res)
    >>> ax.get_title().startswith("scenario")
    True
    """
    ax = _axes(ax)
    crs = crs or result.metric_crs
    prov = result.provinces.to_crs(crs)
    face = np.where(prov["excluded"], "#e0e0e0", "#f7f7f2")
    prov.plot(ax=ax, color=face, edgecolor="#9e9e9e", linewidth=0.6, zorder=1)
    if prov["excluded"].any():
        prov[prov["excluded"]].plot(
            ax=ax, facecolor="none", edgecolor="#757575", hatch="///", linewidth=0.0, zorder=1
        )
    host = prov[prov["capacity_mw"] > 0]
    if len(host):
        host.plot(
            ax=ax,
            column=host["capacity_mw"].to_numpy(),
            cmap="Blues",
            vmin=0,
            vmax=host["capacity_mw"].max() * 1.8,
            zorder=1,
        )
    lines = result.lines.to_crs(crs)
    lines.plot(ax=ax, color="#bdbdbd", linewidth=0.6, zorder=2)
    busy = lines[lines["flow_mw"].abs() > 1e-6]
    if len(busy):
        load = busy["loading"].clip(upper=1.0)
        busy.plot(
            ax=ax,
            column=load.to_numpy(),
            cmap="YlOrRd",
            vmin=0,
            vmax=1,
            linewidth=(1 + 3 * load).to_numpy(),
            zorder=3,
        )
        sm = plt.cm.ScalarMappable(cmap="YlOrRd", norm=plt.Normalize(0, 1))
        cb = plt.colorbar(sm, ax=ax, shrink=0.35, pad=0.01)
        cb.set_label("line loading (new flow / residual capacity)")
    subs = result.substations.to_crs(crs)
    subs.plot(ax=ax, color="#616161", markersize=4, zorder=4)
    used = subs[subs["load_mw"] > 0]
    if len(used):
        used.plot(ax=ax, color="white", edgecolor="#212121", markersize=40, linewidth=1.0, zorder=5)
    sites = result.sites.copy()
    if len(sites):
        pts = sites.to_crs(crs)
        pts["geometry"] = pts.geometry.representative_point()
        at = subs.set_index("substation_id").geometry.loc[pts["substation_id"]].to_numpy()
        links = shapely.linestrings(
            np.stack([shapely.get_coordinates(pts.geometry.values), shapely.get_coordinates(at)], axis=1)
        )
        gpd.GeoSeries(links, crs=crs).plot(ax=ax, color="#0d47a1", linewidth=1.0, zorder=5)
        pts.plot(
            ax=ax,
            color="#1565c0",
            edgecolor="white",
            markersize=pts["capacity_mw"].to_numpy() * 0.6,
            alpha=0.8,
            linewidth=0.8,
            zorder=6,
        )
        for r in pts.itertuples():
            ax.annotate(
                f"{r.capacity_mw:.0f}",
                (r.geometry.x, r.geometry.y),
                xytext=(5, 5),
                textcoords="offset points",
                fontsize=7,
                zorder=7,
                path_effects=HALO,
            )
    if len(host):
        rows = host.sort_values("capacity_mw", ascending=False)
        table = "\n".join(f"{r.name:<11s}{r.capacity_mw:>7,.0f}" for r in rows.itertuples())
        ax.text(
            0.99,
            0.99,
            "MW by province\n" + table,
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=8,
            family="monospace",
            color="#0d47a1",
            bbox={"facecolor": "white", "edgecolor": "#90a4ae", "alpha": 0.9},
            zorder=9,
        )
    sizes = sorted(set(result.scenario.tiers_mw))
    handles: list[Artist] = [
        Line2D(
            [], [], marker="o", ls="", color="#1565c0", markersize=np.sqrt(s * 0.6), label=f"campus {s:g} MW"
        )
        for s in sizes
    ]
    handles += [
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            markerfacecolor="white",
            markeredgecolor="#212121",
            markersize=7,
            label="substation used",
        ),
        Line2D([], [], color="#0d47a1", lw=1, label="connection"),
        Line2D([], [], color="#bdbdbd", lw=1, label="line, no new flow"),
    ]
    if prov["excluded"].any():
        from matplotlib.patches import Patch

        handles.append(Patch(facecolor="#e0e0e0", edgecolor="#757575", hatch="///", label="excluded region"))
    ax.legend(handles=handles, loc="lower right", fontsize=8, frameon=True, labelspacing=1.2)
    sc = result.scenario
    ax.set_title(
        title
        or (
            f"{sc.name}: {result.status}, {result.total_mw:,.0f} MW of {sc.target_mw:,.0f} MW target in "
            f"{len(result.sites)} campuses"
        )
    )
    return ax
