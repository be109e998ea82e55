"""Korean supply layers for ``data/geo/``: what the plants and renewables builds share, and the report.

Imported by ``scripts/build_korea.py`` (with :mod:`korea_plants` and
:mod:`korea_renewables`, which build the two layers); nothing in the library
imports it.

* :func:`to_metric`, :func:`assign_province`, :func:`nearest`, :func:`split_kw`,
  :func:`check_inputs`, :func:`add_note`, :func:`chain_within` - the steps the
  builds take.
* :func:`describe` - a text report of both layers for the build log and the
  data README.

Every number in these scripts comes from the files in ``../shared/realdata/``
or from ``../shared/KOREA_FACTS.md`` (cited where used); everything else is
marked ASSUMPTION.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from siting.datasets import KOREA_HELD_BACK_MW as HELD_BACK_MW
from siting.settings import KOREA_METRIC_CRS
from siting.testing import KPX_RENEWABLES_MW

__all__ = [
    "to_metric",
    "assign_province",
    "nearest",
    "split_kw",
    "check_inputs",
    "add_note",
    "chain_within",
    "describe",
    "KPX_RENEWABLES_MW",
]

#: East-coast generation reported by KBS (2025-06-20), MW, to judge the
#: geographic region rule against.
KBS_EAST_COAST_MW: Final[float] = 18000.0

#: The KPX groups, in the order of the report.
KPX_GROUPS: Final[tuple[str, ...]] = ("solar", "wind", "hydro")


# --------------------------------------------------------------------------
# Shared steps
# --------------------------------------------------------------------------


def to_metric(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``gdf`` in EPSG:5179."""
    return gdf.to_crs(KOREA_METRIC_CRS)


def _geoms(gdf: gpd.GeoDataFrame, *columns: str) -> gpd.GeoDataFrame:
    """``columns`` and the geometry (named ``geometry``) of ``gdf``, same index, in EPSG:5179."""
    out = gpd.GeoDataFrame(
        {c: gdf[c] for c in columns}, geometry=gdf.geometry.values, index=gdf.index, crs=gdf.crs
    )
    return to_metric(out)


def nearest(points: gpd.GeoDataFrame, targets: gpd.GeoDataFrame, key: str) -> pd.DataFrame:
    """The nearest target of each point in EPSG:5179: its ``key`` and ``distance_km``.

    Indexed like ``points``; ties go to the lowest ``key``.
    """
    pts = _geoms(points)
    tgt = _geoms(targets, key).sort_values(key).reset_index(drop=True)
    near = gpd.sjoin_nearest(pts, tgt, how="left", distance_col="_d")
    near = near.reset_index().sort_values(["index", "_d", key]).drop_duplicates("index").set_index("index")
    near.index.name = None
    return pd.DataFrame(
        {key: near[key].astype(str), "distance_km": (near["_d"] / 1000.0).round(3)}, index=points.index
    )


def assign_province(points: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame) -> pd.DataFrame:
    """Province code by point-in-polygon; nearest polygon (distance recorded) outside all.

    Returns a frame indexed like ``points`` with ``province`` and
    ``province_distance_km`` (0 inside a polygon). Ties (a point on a shared
    border) go to the lowest code.
    """
    near = nearest(points, provinces, "code")
    return near.rename(columns={"code": "province", "distance_km": "province_distance_km"})


def split_kw(total_mw: float, weights: np.ndarray) -> np.ndarray:
    """Split ``total_mw`` in proportion to ``weights`` in whole kW (largest remainder), in MW.

    The parts sum to ``total_mw`` rounded to the kW, so per-province totals
    stay exact in the written CSV.
    """
    total_kw = int(round(total_mw * 1000))
    w = np.asarray(weights, dtype=float)
    share = total_kw * w / w.sum()
    base = np.floor(share).astype(np.int64)
    left = total_kw - int(base.sum())
    order = np.lexsort((np.arange(len(w)), -(share - base)))  # largest remainder, stable
    base[order[:left]] += 1
    return base / 1000.0


def check_inputs(buses: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame) -> None:
    """Raise ValueError unless the buses and provinces have what both builds read."""
    problems = []
    for col in ("substation_id", "takes_load"):
        if col not in buses.columns:
            problems.append(f"buses: missing column '{col}'")
    if "code" not in provinces.columns:
        problems.append("provinces: missing column 'code'")
    else:
        missing = sorted(set(KPX_RENEWABLES_MW) - set(provinces["code"].astype(str)))
        if missing:
            problems.append(f"provinces: no polygon for KPX provinces {missing}")
    if buses.crs is None or provinces.crs is None:
        problems.append("buses and provinces need a CRS")
    if problems:
        raise ValueError("; ".join(problems))


def add_note(note: str, text: str) -> str:
    """``text`` appended to a row's ``note`` (``;``-separated)."""
    return f"{note}; {text}" if note else text


def chain_within(
    points: np.ndarray,
    km: float,
    *,
    allow: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    join: list[tuple[int, int]] | None = None,
) -> list[list[int]]:
    """Groups of ``points`` (metric) chained within ``km`` of each other: connected components.

    ``allow(a, b)`` (positions of point pairs within ``km``) may veto pairs;
    ``join`` adds pairs joined whatever their distance. Each group is sorted;
    groups come in the order of their first member.
    """
    a, b = shapely.STRtree(points).query(points, predicate="dwithin", distance=km * 1000)
    if allow is not None:
        ok = allow(a, b)
        a, b = a[ok], b[ok]
    graph = nx.Graph()
    graph.add_nodes_from(range(len(points)))
    graph.add_edges_from(zip(a.tolist(), b.tolist(), strict=True))
    graph.add_edges_from(join or [])
    return sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: c[0])


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def describe(plants: gpd.GeoDataFrame, renewables: gpd.GeoDataFrame) -> str:
    """A short text report of both layers, for the build log and the data README.

    Parameters
    ----------
    plants, renewables : GeoDataFrame
        Outputs of :func:`korea_plants.build_plants` and
        :func:`korea_renewables.build_renewables`.

    Returns
    -------
    str
        Counts and MW by fuel and technology, export-region totals against
        KBS, the KPX check per province and group, placed against remainder,
        and the renewables build log (dedupe, clusters, overshoots) when the
        frame still carries it.
    """
    lines = _describe_plants(plants) + _describe_renewables(renewables) + _kpx_check(renewables)
    lines += renewables.attrs.get("build_log", [])
    return "\n".join(lines)


def _describe_plants(plants: gpd.GeoDataFrame) -> list[str]:
    """Plants by fuel and technology, the export regions, the build log and the notes."""
    lines = [
        f"plants: {len(plants)} rows, {plants['capacity_mw'].sum():,.0f} MW; "
        f"supply for new load {plants['supply_mw'].sum():,.0f} MW"
    ]
    by_fuel = plants.groupby(["fuel", "technology"]).agg(
        n=("plant_id", "count"), mw=("capacity_mw", "sum"), supply=("supply_mw", "sum")
    )
    for (fuel, tech), n, mw, sup in by_fuel.itertuples():
        lines.append(f"  {fuel:<15} {tech:<15} {n:>3}  {mw:>9,.1f} MW  supply {sup:>8,.1f} MW")
    lines.append("export regions (ASSUMPTION, geographic; capacity of the plants in each):")
    for region, held in HELD_BACK_MW.items():
        sel = plants[plants["export_region"] == region]
        ref = (
            f" against KBS's about {KBS_EAST_COAST_MW / 1000:g} GW generated there"
            if region == "east_coast"
            else ""
        )
        lines.append(
            f"  {region}: {len(sel)} plants, {sel['capacity_mw'].sum():,.0f} MW{ref}; "
            f"held back {held:,.0f} MW shared as supply ({sel['supply_mw'].sum():,.0f} MW)"
        )
        lines.append(
            "    "
            + ", ".join(f"{n} ({c:,.0f})" for n, c in zip(sel["name"], sel["capacity_mw"], strict=False))
        )
    lines += [f"  {line}" for line in plants.attrs.get("build_log", [])]
    noted = plants[plants["note"] != ""]
    for _, r in noted.iterrows():
        lines.append(f"  note {r['plant_id']} {r['name']}: {r['note']}")
    return lines


def _describe_renewables(renewables: gpd.GeoDataFrame) -> list[str]:
    """Renewables by technology, placed against remainder, and placed sites by source."""
    lines = [
        f"renewables: {len(renewables)} rows, {renewables['capacity_mw'].sum():,.0f} MW "
        f"({int((~renewables['aggregate']).sum())} placed sites, "
        f"{int(renewables['aggregate'].sum())} remainder rows)"
    ]
    by_tech = renewables.groupby(["technology", "aggregate"]).agg(
        n=("site_id", "size"), mw=("capacity_mw", "sum")
    )
    for (tech, agg), n, mw in by_tech.itertuples():
        lines.append(f"  {tech:<15} {'remainder' if agg else 'placed':<9} {n:>4}  {mw:>9,.1f} MW")
    src = renewables.loc[~renewables["aggregate"], "source"].str.split().str[0].value_counts().sort_index()
    lines.append("  placed sites by source: " + ", ".join(f"{k} {v}" for k, v in src.items()))
    return lines


def _kpx_check(renewables: gpd.GeoDataFrame) -> list[str]:
    """The KPX table per province and group against the layer's total and placed capacity."""
    lines = ["KPX check (MW, operating capacity per province and group; placed + remainder = KPX):"]
    counted = renewables[renewables["kpx_group"] != ""]
    got = counted.pivot_table(
        index="province", columns="kpx_group", values="capacity_mw", aggfunc="sum", fill_value=0.0
    )
    placed = counted[~counted["aggregate"]].pivot_table(
        index="province", columns="kpx_group", values="capacity_mw", aggfunc="sum", fill_value=0.0
    )
    worst = 0.0
    lines.append(f"  {'province':<8} " + " ".join(f"{g + ' kpx/placed':>20}" for g in KPX_GROUPS))
    for code in sorted(KPX_RENEWABLES_MW):
        cells = []
        for g in KPX_GROUPS:
            k = KPX_RENEWABLES_MW[code][g]
            total = float(got.get(g, pd.Series(dtype=float)).get(code, 0.0))
            p = float(placed.get(g, pd.Series(dtype=float)).get(code, 0.0))
            worst = max(worst, abs(total - k))
            cells.append(f"{k:>9,.0f}/{p:>10,.1f}")
        lines.append(f"  {code:<8} " + " ".join(f"{c:>20}" for c in cells))
    totals = {g: sum(v[g] for v in KPX_RENEWABLES_MW.values()) for g in KPX_GROUPS}
    lines.append(
        "  national KPX: "
        + ", ".join(f"{g} {v:,.0f} MW" for g, v in totals.items())
        + f"; largest |layer - KPX| per cell: {worst:.6f} MW"
    )
    return lines
