"""Static map of where upgrades pay: lines and substations coloured by their value per MW.

The values are the result's ``capacity_value_bn_per_mw`` (lines) and
``supply_value_bn_per_mw`` (substations): see :mod:`siting.upgrades` for
what they mean. Drawn in the result's metric CRS, like :mod:`siting.plot`.
"""

from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import Normalize

from . import style
from ._result_types import ResultLike
from .plot_parts import GIDS, label_text, marker_boxes, new_axes, place_labels, scale_bar
from .upgrades import upgrade_values

__all__ = ["plot_upgrades"]


def _labels(
    ax: Axes, table: pd.DataFrame, subs: gpd.GeoDataFrame, lines: gpd.GeoDataFrame, *, money: str
) -> None:
    """Name the limits in ``table`` (:func:`siting.upgrade_values`), clear of each other and used substations.

    Called once the colour bar has taken its room: the boxes are measured on screen.
    """
    where = dict(zip(subs["substation_id"], subs.geometry, strict=True))
    where.update(zip(lines["line_id"], lines.geometry.interpolate(0.5, normalized=True), strict=True))
    items = [
        (where[r.id].x, where[r.id].y, label_text(r.name, r.id, f"{r.value_bn_per_mw:.3g} {money} per MW"))
        for r in table.itertuples()
    ]
    used = marker_boxes(ax, [GIDS["used_substations"]])
    place_labels(ax, items, gid=GIDS["upgrade_label"], obstacles=used, over_markers=True)


def plot_upgrades(
    result: ResultLike,
    *,
    ax: Axes | None = None,
    crs: str | None = None,
    label_top: int = 8,
    title: str | None = None,
) -> Axes:
    """Map the upgrade values of a result: priced lines thick and dark, priced substations as dots.

    Parameters
    ----------
    result : SitingResult
    ax : matplotlib Axes, optional
    crs : str, optional
        Projected CRS to draw in; default the result's ``metric_crs``.
    label_top : int, default 8
        Label this many of the most valuable limits (:func:`siting.upgrade_values`), the most
        valuable first; a label that would overlap one before it or a used substation moves to
        another corner of its point, and covers a used substation only where no corner is clear.
    title : str, optional
        Default: the scenario's name and "where upgrades pay".

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import siting
    >>> sc = siting.Scenario(target_mw=500, min_host_provinces=1, grid_spacing_km=40)
    >>> res = siting.solve(siting.load_korea(), sc)
    >>> siting.plot_upgrades(res).get_title().endswith("where upgrades pay (KRW bn per MW, plan fixed)")
    True
    """
    ax = new_axes(ax)
    crs = crs or result.metric_crs
    prov = result.provinces.to_crs(crs)
    prov.plot(
        ax=ax,
        color=np.where(prov["excluded"], style.EXCLUDED, style.NO_MW),
        edgecolor=style.PROVINCE_EDGE,
        linewidth=0.6,
    )
    lines = result.lines.to_crs(crs)
    lines.plot(ax=ax, color=style.IDLE_LINE, linewidth=0.5, zorder=2)
    subs = result.substations.to_crs(crs)
    table = upgrade_values(result)
    top = float(table["value_bn_per_mw"].max()) if len(table) else 1.0
    norm = Normalize(0.0, top)
    cmap = style.UPGRADE_CMAP
    priced = lines[lines["capacity_value_bn_per_mw"].fillna(0.0) > 1e-9]
    if len(priced):
        v = priced["capacity_value_bn_per_mw"].to_numpy()
        priced.plot(ax=ax, color=cmap(norm(v)), linewidth=1.5 + 4.0 * v / top, zorder=3)
    dots = subs[subs["supply_value_bn_per_mw"].fillna(0.0) > 1e-9]
    if len(dots):
        v = dots["supply_value_bn_per_mw"].to_numpy()
        dots.plot(ax=ax, color=cmap(norm(v)), edgecolor=style.INK, markersize=20 + 120 * v / top, zorder=4)
    used = subs[subs["load_mw"] > 0]
    if len(used):
        used.plot(
            ax=ax,
            marker="s",
            color="white",
            edgecolor=style.CONNECTION,
            markersize=18,
            zorder=5,
            gid=GIDS["used_substations"],
        )
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=norm)
    cb = plt.colorbar(sm, ax=ax, shrink=0.35, pad=0.01)
    money = result.scenario.costs.currency
    cb.set_label(f"value of one more MW, {money} (lines: residual capacity; dots: supply)")
    scale_bar(ax, crs)
    _labels(ax, table.head(label_top), subs, lines, money=money)
    ax.set_title(title or f"{result.scenario.name}: where upgrades pay ({money} per MW, plan fixed)")
    return ax
