"""Candidate campus sites: where a campus may go and what it could connect to.

Candidates are a regular grid over the allowed land, or the user's own points
or polygons. Everything here is vectorised over candidates (Shapely 2 STRtree
queries, NumPy arrays); distances are in the data's metric CRS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import _validate as V
from .data import PROVINCE_SNAP_KM, SitingData
from .io import read_layer
from .scenario import Scenario
from .settings import RENEWABLE_ENERGY_TECHNOLOGIES

__all__ = [
    "Candidates",
    "build_candidates",
    "allowed_area",
    "excluded_codes",
    "excluded_core",
    "outside_buffer",
    "DROP_REASONS",
]


@dataclass(frozen=True)
class Candidates:
    """Candidate sites and their eligible connections.

    Attributes
    ----------
    sites : GeoDataFrame
        One row per site in the metric CRS: ``site_id``, ``province``,
        ``renewable_avg_mw`` (average renewable output within the scenario's
        radius), ``geometry`` (the point used for distances) and ``footprint``
        (the user's polygon, or the point).
    pairs : DataFrame
        Site-substation pairs within the longest connection distance:
        ``site`` (row position in ``sites``), ``substation`` (row position in
        ``data.substations``), ``distance_km``.
    dropped : DataFrame
        Candidates that cannot host a campus, one row each: ``site_id`` and
        ``reason``, one of :data:`DROP_REASONS` (user candidates are removed
        when they lie in an excluded province, within the buffer, in an
        exclusion area or off the provinces' land; any candidate with no
        substation within the longest connection stays in ``sites`` with no
        pair, and is listed here too).
    given : int or None
        How many candidates the caller passed; None for the regular grid.
    """

    sites: gpd.GeoDataFrame
    pairs: pd.DataFrame
    dropped: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["site_id", "reason"]))
    given: int | None = None

    @property
    def dropped_counts(self) -> dict[str, int]:
        """How many candidates each reason left out, most first."""
        return {str(k): int(v) for k, v in self.dropped["reason"].value_counts().items()}


#: Why a candidate cannot host a campus (``Candidates.dropped``).
DROP_REASONS: Final[dict[str, str]] = {
    "excluded_province": "in an excluded province",
    "buffer": "within exclude_buffer_km of an excluded province",
    "exclusion_area": "in an exclusion area (exclusion_files or exclusions=)",
    "off_land": "off the provinces' land (more than PROVINCE_SNAP_KM from every province)",
    "no_substation": "no substation within the longest max_connection_km",
}


def excluded_codes(data: SitingData, scenario: Scenario) -> list[str]:
    """Province codes excluded: the capital region (unless switched off) and ``exclude_provinces``.

    Examples
    --------
    >>> import siting
    >>> excluded_codes(siting.load_korea(), siting.Scenario(target_mw=1))
    ['KR-11', 'KR-28', 'KR-41']
    >>> excluded_codes(siting.load_korea(), siting.Scenario(target_mw=1, exclude_provinces=("Busan",)))
    ['KR-11', 'KR-26', 'KR-28', 'KR-41']
    >>> sc = siting.Scenario(target_mw=1, exclude_provinces=("KR-26",), exclude_capital_region=False)
    >>> excluded_codes(siting.load_korea(), sc)
    ['KR-26']
    """
    codes = set(V.province_codes(scenario.exclude_provinces, data.provinces, field="exclude_provinces"))
    if scenario.exclude_capital_region:
        codes |= set(data.provinces.loc[data.provinces["capital_region"], "code"])
    return sorted(codes)


def allowed_area(
    data: SitingData, scenario: Scenario, *, exclusions: gpd.GeoDataFrame | None = None
) -> tuple[gpd.GeoDataFrame, shapely.Geometry]:
    """Allowed provinces (metric CRS) and the excluded area (with its buffer).

    The buffer here is a polygon (Shapely's arcs are chords), slightly
    smaller than the true one; :func:`build_candidates` checks each candidate's
    exact distance with :func:`outside_buffer`.

    Returns
    -------
    provinces : GeoDataFrame
        Provinces not excluded, in the metric CRS.
    excluded : shapely geometry
        Union of the excluded provinces buffered by ``exclude_buffer_km``,
        the scenario's exclusion files and ``exclusions``.
    """
    prov = data.provinces.to_crs(data.metric_crs)
    codes = excluded_codes(data, scenario)
    parts = [excluded_core(data, scenario).buffer(scenario.exclude_buffer_km * 1000.0)]
    layers = [read_layer(p, name="exclusions") for p in scenario.exclusion_files]
    if exclusions is not None:
        layers.append(exclusions)
    for i, layer in enumerate(layers):
        if not isinstance(layer, gpd.GeoDataFrame) or layer.crs is None:
            V.raise_if(
                [
                    f"layer 'exclusions' #{i}: needs polygons with a CRS; fix: give a spatial file or "
                    "set_crs()."
                ]
            )
        parts.append(layer.to_crs(data.metric_crs).union_all())
    return prov.loc[~prov["code"].isin(codes)], shapely.union_all(parts)


def excluded_core(data: SitingData, scenario: Scenario) -> shapely.Geometry:
    """The excluded provinces' union, unbuffered, in the metric CRS."""
    prov = data.provinces.to_crs(data.metric_crs)
    return prov.loc[prov["code"].isin(excluded_codes(data, scenario)), "geometry"].union_all()


def outside_buffer(core: shapely.Geometry, geoms: np.ndarray, buffer_m: float) -> np.ndarray:
    """Whether each geometry's true distance to ``core`` is at least ``buffer_m``.

    An STRtree over the core's parts finds the geometries within the buffer
    (``dwithin``, on the exact geometry, not a buffered polygon); those at
    exactly the buffer distance are kept.

    Examples
    --------
    >>> sq = shapely.box(0, 0, 10, 10)
    >>> pts = shapely.points([[15, 5], [40, 5], [39.99, 5]])
    >>> outside_buffer(sq, pts, 30.0).tolist()
    [False, True, False]
    """
    keep = np.ones(len(geoms), dtype=bool)
    if core is None or core.is_empty or len(geoms) == 0:
        return keep
    parts = shapely.get_parts(core)
    tree = shapely.STRtree(parts)
    if buffer_m <= 0:
        hit, _ = tree.query(geoms, predicate="intersects")
        keep[hit] = False
        return keep
    i_geom, i_part = tree.query(geoms, predicate="dwithin", distance=buffer_m)
    near = shapely.distance(geoms[i_geom], parts[i_part]) < buffer_m
    keep[i_geom[near]] = False
    return keep


def _grid_points(area: shapely.Geometry, spacing_m: float) -> np.ndarray:
    """Regular grid aligned to multiples of the spacing (deterministic), inside ``area``."""
    if area.is_empty:
        return np.empty((0, 2))
    x0, y0, x1, y1 = area.bounds
    xs = np.arange(np.ceil(x0 / spacing_m), np.floor(x1 / spacing_m) + 1) * spacing_m
    ys = np.arange(np.ceil(y0 / spacing_m), np.floor(y1 / spacing_m) + 1) * spacing_m
    mx, my = np.meshgrid(xs, ys)
    gx, gy = mx.ravel(), my.ravel()
    shapely.prepare(area)
    keep = shapely.contains_xy(area, gx, gy)
    return np.column_stack([gx[keep], gy[keep]])


def build_candidates(
    data: SitingData,
    scenario: Scenario,
    *,
    candidates: gpd.GeoDataFrame | None = None,
    exclusions: gpd.GeoDataFrame | None = None,
) -> Candidates:
    """Candidate sites with province, renewable proximity and eligible substations.

    Parameters
    ----------
    data : SitingData
    scenario : Scenario
    candidates : GeoDataFrame, optional
        The user's own points or polygons (a polygon is placed at its
        representative point); an optional ``site_id`` column names them.
        Default: a grid with ``scenario.grid_spacing_km`` over allowed land.
    exclusions : GeoDataFrame, optional
        Further no-go polygons.

    Returns
    -------
    Candidates

    Examples
    --------
    >>> import siting
    >>> c = build_candidates(siting.load_korea(), siting.Scenario(target_mw=100, grid_spacing_km=20))
    >>> bool(c.sites.province.isin(["KR-11", "KR-28", "KR-41"]).any())
    False
    """
    provinces, excluded = allowed_area(data, scenario, exclusions=exclusions)
    core, buffer_m = excluded_core(data, scenario), scenario.exclude_buffer_km * 1000.0
    crs = data.metric_crs
    dropped: list[pd.DataFrame] = []
    if candidates is None:
        land = shapely.difference(provinces.union_all(), excluded)
        xy = _grid_points(land, scenario.grid_spacing_km * 1000.0)
        pts = shapely.points(xy)
        # the buffer polygon's chords lie inside the true buffer: check the exact distance
        exact = outside_buffer(core, pts, buffer_m)
        xy, pts = xy[exact], pts[exact]
        # the grid point's coordinates in metres: unique and stable at any spacing
        ids = [f"g{x:.0f}_{y:.0f}" for x, y in xy]
        sites = gpd.GeoDataFrame({"site_id": ids}, geometry=pts, crs=crs)
        sites["footprint"] = sites.geometry
    else:
        sites = _user_candidates(candidates, crs)
        foot = sites["footprint"].values
        # the first reason that applies, in this order
        reason = pd.Series("", index=sites.index, dtype=object)
        checks = [
            ("excluded_province", shapely.intersects(core, foot)),
            ("buffer", ~outside_buffer(core, foot, buffer_m)),
            ("exclusion_area", shapely.intersects(excluded, foot)),
            ("off_land", shapely.distance(provinces.union_all(), foot) > PROVINCE_SNAP_KM * 1000.0),
        ]
        for why, hit in checks:
            reason[(reason == "") & np.asarray(hit, dtype=bool)] = why
        out = reason != ""
        dropped.append(pd.DataFrame({"site_id": sites.loc[out, "site_id"], "reason": reason[out]}))
        sites = sites.loc[~out]
    # province: the allowed province containing the point, else the nearest
    joined = gpd.sjoin_nearest(sites[["geometry"]], provinces[["code", "geometry"]], how="left")
    sites["province"] = joined.loc[~joined.index.duplicated(), "code"]
    sites = sites.reset_index(drop=True)
    sites["renewable_avg_mw"] = _renewable_within(data, scenario, sites)
    pairs = _pairs(data, scenario, sites)
    alone = ~np.isin(np.arange(len(sites)), pairs["site"].to_numpy())
    dropped.append(pd.DataFrame({"site_id": sites.loc[alone, "site_id"], "reason": "no_substation"}))
    return Candidates(
        sites=sites,
        pairs=pairs,
        dropped=pd.concat(dropped, ignore_index=True),
        given=None if candidates is None else len(candidates),
    )


def _user_candidates(candidates: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    problems = []
    if not isinstance(candidates, gpd.GeoDataFrame) or candidates.crs is None:
        V.raise_if(
            ["layer 'candidates': needs a GeoDataFrame with a CRS; fix: gpd.GeoDataFrame(..., crs=...)."]
        )
    geom = candidates.geometry
    bad = geom.isna() | geom.is_empty | ~geom.geom_type.isin(["Point", "Polygon", "MultiPolygon"])
    if bad.any():
        problems.append(
            "layer 'candidates', column 'geometry': empty or not point/polygon in rows "
            f"{V.show_ids(np.flatnonzero(bad.values))}; fix: drop them."
        )
    if "site_id" in candidates.columns and candidates["site_id"].duplicated().any():
        dup = candidates.loc[candidates["site_id"].duplicated(keep=False), "site_id"]
        problems.append(
            "layer 'candidates', column 'site_id': duplicate ids "
            f"{V.show_ids(sorted(set(dup.astype(str))))}; fix: make them unique."
        )
    V.raise_if(problems)
    metric = candidates.to_crs(crs)
    ids = (
        metric["site_id"].astype(str).values
        if "site_id" in metric.columns
        else [f"c{i}" for i in range(len(metric))]
    )
    out = gpd.GeoDataFrame({"site_id": ids}, geometry=metric.geometry.representative_point().values, crs=crs)
    out["footprint"] = metric.geometry.values
    return out


def _renewable_within(data: SitingData, scenario: Scenario, sites: gpd.GeoDataFrame) -> np.ndarray:
    """Average renewable output (MW) within the scenario's radius of each site."""
    ren = data.renewables
    ren = ren[
        ren["status"].isin(scenario.renewable_status) & ren["technology"].isin(RENEWABLE_ENERGY_TECHNOLOGIES)
    ]
    out = np.zeros(len(sites))
    if ren.empty or sites.empty or scenario.renewable_radius_km == 0:
        return out
    pts = ren.to_crs(data.metric_crs).geometry.values
    avg = (ren["capacity_mw"] * ren["capacity_factor"]).to_numpy()
    tree = shapely.STRtree(pts)
    i_site, i_ren = tree.query(
        sites.geometry.values, predicate="dwithin", distance=scenario.renewable_radius_km * 1000.0
    )
    np.add.at(out, i_site, avg[i_ren])
    return out


def _pairs(data: SitingData, scenario: Scenario, sites: gpd.GeoDataFrame) -> pd.DataFrame:
    """Site-substation pairs within the longest allowed connection, with distances."""
    subs = data.substations.to_crs(data.metric_crs).geometry.values
    tree = shapely.STRtree(subs)
    dmax = max(scenario.max_connection_km.values()) * 1000.0
    i_site, i_sub = tree.query(sites.geometry.values, predicate="dwithin", distance=dmax)
    dist = shapely.distance(sites.geometry.values[i_site], subs[i_sub]) / 1000.0
    pairs = pd.DataFrame({"site": i_site, "substation": i_sub, "distance_km": dist})
    return pairs.sort_values(["site", "substation"], kind="stable").reset_index(drop=True)
