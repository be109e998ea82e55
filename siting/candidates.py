"""Candidate campus sites: where a campus may go and what it could connect to.

Candidates are a regular grid over the allowed land, or the user's own points
or polygons. Everything here is vectorised over candidates (Shapely 2 STRtree
queries, NumPy arrays); distances are in the data's metric CRS.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import _validate as V
from .data import PROVINCE_SNAP_KM, SitingData
from .exclusions import (  # re-exported: where they were first
    allowed_area,
    buffer_km_by_province,
    buffer_zones,
    clear_of,
    excluded_codes,
    excluded_core,
    exclusion_area,
    exclusion_text,
    outside_buffer,
    outside_buffers,
)
from .scenario import Scenario

__all__ = [
    "CandidateGrid",
    "Candidates",
    "build_candidates",
    "no_candidates",
    "allowed_area",
    "excluded_codes",
    "excluded_core",
    "exclusion_area",
    "exclusion_text",
    "buffer_km_by_province",
    "outside_buffers",
    "grid_ids",
    "outside_buffer",
    "substation_pairs",
    "DROP_REASONS",
]


@dataclass(frozen=True)
class Candidates:
    """Candidate sites and their eligible connections.

    Attributes
    ----------
    sites : GeoDataFrame
        One row per site in the metric CRS: ``site_id``, ``province``, ``geometry``
        (the point used for distances) and ``footprint`` (the user's
        polygon, or the point).
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
    considered : int or None
        Candidate sites looked at, when ``sites`` holds only some of them
        (:func:`siting.options.stream_options` keeps the sites of the kept
        options); None when ``sites`` holds them all.
    """

    sites: gpd.GeoDataFrame
    pairs: pd.DataFrame
    dropped: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["site_id", "reason"]))
    given: int | None = None
    considered: int | None = None

    @property
    def count(self) -> int:
        """Candidate sites looked at (``considered``, else the rows of ``sites``)."""
        return len(self.sites) if self.considered is None else self.considered

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


#: Grid cells (of the allowed land's bounding box) generated and processed at a time: bounds the
#: memory that fine grids need (about 1 KB per cell of a block, whatever the spacing) and the time
#: between two looks at the deadline. Korea at 500 m with a 1 s limit, six calls, idle machine:
#: blocks of 200,000 cells returned after 1.3-3.6 s, of 50,000 after 1.3-1.4 s; the whole 500 m
#: stage took 6.8 s with either.
BLOCK_CELLS: Final[int] = 50_000


def _grid_blocks(
    area: shapely.Geometry, spacing_m: float, *, max_cells: int = BLOCK_CELLS
) -> Iterator[np.ndarray]:
    """Grid points inside ``area`` in blocks of whole rows, south to north, each row west to east.

    The grid is aligned to multiples of the spacing (deterministic); a block
    holds the points of at most ``max_cells`` cells of the bounding box.
    """
    if area.is_empty:
        return
    x0, y0, x1, y1 = area.bounds
    xs = np.arange(np.ceil(x0 / spacing_m), np.floor(x1 / spacing_m) + 1) * spacing_m
    ys = np.arange(np.ceil(y0 / spacing_m), np.floor(y1 / spacing_m) + 1) * spacing_m
    shapely.prepare(area)
    rows = max(1, max_cells // max(len(xs), 1))
    for i in range(0, len(ys), rows):
        mx, my = np.meshgrid(xs, ys[i : i + rows])
        gx, gy = mx.ravel(), my.ravel()
        keep = shapely.contains_xy(area, gx, gy)
        yield np.column_stack([gx[keep], gy[keep]])


def _grid_points(area: shapely.Geometry, spacing_m: float) -> np.ndarray:
    """Regular grid aligned to multiples of the spacing (deterministic), inside ``area``."""
    return np.concatenate([np.empty((0, 2)), *_grid_blocks(area, spacing_m)])


class CandidateGrid:
    """The default candidate grid of a scenario, generated a block of rows at a time.

    Holds what every block needs (the allowed provinces, the excluded area and
    core, the allowed land, a province locator), so that a fine grid is
    streamed without holding all its cells.

    Examples
    --------
    >>> import siting
    >>> grid = CandidateGrid(siting.load_korea(), siting.Scenario(target_mw=100, grid_spacing_km=20))
    >>> blocks = list(grid.blocks(max_cells=500))
    >>> len(blocks) > 1, sum(len(b.sites) for b in blocks) == len(grid.candidates(grid.points()).sites)
    (True, True)
    """

    def __init__(
        self, data: SitingData, scenario: Scenario, *, exclusions: gpd.GeoDataFrame | None = None
    ) -> None:
        self.data, self.scenario = data, scenario
        self.provinces, self.excluded = allowed_area(data, scenario, exclusions=exclusions)
        self.core = excluded_core(data, scenario)
        self.zones = buffer_zones(data, scenario)
        self.locate = _ProvinceLocator(self.provinces)

    @functools.cached_property
    def land(self) -> shapely.Geometry:
        """The allowed provinces less the excluded area (polygon buffer; the exact check is per point)."""
        return shapely.difference(self.provinces.union_all(), self.excluded)

    def blocks(
        self, *, max_cells: int = BLOCK_CELLS, reach_km: np.ndarray | None = None
    ) -> Iterator[Candidates]:
        """Candidates of each block of rows: what :func:`build_candidates` gives for those rows.

        Without site ids (:func:`grid_ids` gives them), and pairs with the
        pairs within ``reach_km`` (see :func:`substation_pairs`).
        """
        for xy in _grid_blocks(self.land, self.scenario.grid_spacing_km * 1000.0, max_cells=max_cells):
            yield self.candidates(xy, ids=False, reach_km=reach_km)

    def points(self) -> np.ndarray:
        """Every grid point (x, y) in the metric CRS, before the exact buffer check."""
        return _grid_points(self.land, self.scenario.grid_spacing_km * 1000.0)

    def reasons(self, geoms: np.ndarray) -> np.ndarray:
        """Why each geometry (metric CRS) cannot host a campus: a key of :data:`DROP_REASONS`, or "".

        The first reason that applies, in the order of :data:`DROP_REASONS`.
        """
        reason = np.full(len(geoms), "", dtype=object)
        checks: list[tuple[str, Callable[[np.ndarray], np.ndarray]]] = [
            ("excluded_province", lambda g: shapely.intersects(self.core, g)),
            ("buffer", lambda g: ~clear_of(self.zones, g)),
            ("exclusion_area", lambda g: shapely.intersects(self.excluded, g)),
            (
                "off_land",
                lambda g: ~shapely.dwithin(self.provinces.union_all(), g, PROVINCE_SNAP_KM * 1000.0),
            ),
        ]
        for why, hit in checks:  # each check only on the geometries no earlier one named
            todo = np.flatnonzero(reason == "")
            if len(todo):
                reason[todo[np.asarray(hit(geoms[todo]), dtype=bool)]] = why
        return reason

    def excluded_points(self) -> pd.DataFrame:
        """The grid points on the provinces' land that the excluded area holds: ``site_id``, ``reason``."""
        land = self.data.provinces.to_crs(self.data.metric_crs).union_all()
        xy = _grid_points(shapely.intersection(land, self.excluded), self.scenario.grid_spacing_km * 1000.0)
        return pd.DataFrame({"site_id": grid_ids(xy), "reason": self.reasons(shapely.points(xy))})

    def candidates(
        self, xy: np.ndarray, *, ids: bool = True, reach_km: np.ndarray | None = None
    ) -> Candidates:
        """Candidates at grid points ``xy``: the exact buffer check, ids, provinces, pairs."""
        pts = shapely.points(xy)
        # the buffer polygon's chords lie inside the true buffer: check the exact distance
        exact = clear_of(self.zones, pts)
        far = xy[~exact]
        near = pd.DataFrame({"site_id": grid_ids(far) if ids else [None] * len(far), "reason": "buffer"})
        xy, pts = xy[exact], pts[exact]
        sites = gpd.GeoDataFrame(
            {"site_id": grid_ids(xy) if ids else [None] * len(xy)}, geometry=pts, crs=self.data.metric_crs
        )
        sites["footprint"] = sites.geometry
        sites["province"] = pd.Series(self.locate(xy[:, 0], xy[:, 1]), dtype=object)
        return _finish(self.data, self.scenario, sites, dropped=near, reach_km=reach_km)


class _ProvinceLocator:
    """The allowed province containing each point, else (outside all, or on a border) the nearest.

    Point-in-polygon on prepared province polygons; the few points no
    polygon contains alone go to ``sjoin_nearest``, so the answer is the one
    ``sjoin_nearest`` gives for every point.
    """

    def __init__(self, provinces: gpd.GeoDataFrame) -> None:
        self.provinces = provinces[["code", "geometry"]].reset_index(drop=True)
        self.geoms = self.provinces.geometry.values
        self.bounds = shapely.bounds(self.geoms)
        shapely.prepare(self.geoms)

    def __call__(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        hits = np.zeros(len(x), dtype=np.int64)
        which = np.full(len(x), -1, dtype=np.int64)
        for j, (g, (bx0, by0, bx1, by1)) in enumerate(zip(self.geoms, self.bounds, strict=True)):
            near = np.flatnonzero((x >= bx0) & (x <= bx1) & (y >= by0) & (y <= by1))
            inside = near[shapely.contains_xy(g, x[near], y[near])]
            hits[inside] += 1
            which[inside] = j
        codes = self.provinces["code"].to_numpy(dtype=object)
        out = np.empty(len(x), dtype=object)
        one = hits == 1
        out[one] = codes[which[one]]
        rest = np.flatnonzero(~one)
        if len(rest):
            pts = gpd.GeoDataFrame(geometry=shapely.points(x[rest], y[rest]), crs=self.provinces.crs)
            joined = gpd.sjoin_nearest(pts, self.provinces, how="left")
            out[rest] = joined.loc[~joined.index.duplicated(), "code"].to_numpy()
        return out


def grid_ids(xy: np.ndarray) -> list[str]:
    """Grid site ids: the point's coordinates in metres, ``g{x}_{y}``, unique and stable at any spacing.

    Examples
    --------
    >>> grid_ids(np.array([[885000.0, 1470000.0]]))
    ['g885000_1470000']
    """
    return [f"g{x:.0f}_{y:.0f}" for x, y in xy]


def _finish(
    data: SitingData,
    scenario: Scenario,
    sites: gpd.GeoDataFrame,
    *,
    dropped: pd.DataFrame | None = None,
    given: int | None = None,
    reach_km: np.ndarray | None = None,
) -> Candidates:
    """Substation pairs for sites that have their province.

    Sites with no substation in reach stay in ``sites`` (without a pair) and
    are added to ``dropped`` with the reason ``no_substation``.
    """
    sites = sites.reset_index(drop=True)
    pairs = substation_pairs(data, scenario, sites, reach_km=reach_km)
    alone = ~np.isin(np.arange(len(sites)), pairs["site"].to_numpy())
    frames = [] if dropped is None else [dropped]
    frames.append(pd.DataFrame({"site_id": sites.loc[alone, "site_id"], "reason": "no_substation"}))
    return Candidates(sites=sites, pairs=pairs, dropped=pd.concat(frames, ignore_index=True), given=given)


def no_candidates(data: SitingData, scenario: Scenario) -> Candidates:
    """No candidate sites, with the columns of :func:`build_candidates` (a stage the time limit stopped).

    Examples
    --------
    >>> import siting
    >>> c = no_candidates(siting.load_korea(), siting.Scenario(target_mw=100))
    >>> c.count, list(c.pairs.columns)
    (0, ['site', 'substation', 'distance_km'])
    """
    sites = gpd.GeoDataFrame(
        {"site_id": pd.Series(dtype=object), "province": pd.Series(dtype=object)},
        geometry=gpd.GeoSeries([], crs=data.metric_crs),
    )
    sites["footprint"] = sites.geometry
    return _finish(data, scenario, sites)


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
        Default: a grid with ``scenario.grid_spacing_km`` over allowed land
        (for fine grids without spacing rules,
        :func:`siting.options.stream_options` builds the reduced options a
        block of rows at a time instead).
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
    grid = CandidateGrid(data, scenario, exclusions=exclusions)
    if candidates is None:
        found = grid.candidates(grid.points())
        dropped = pd.concat([grid.excluded_points(), found.dropped], ignore_index=True)
        return dataclasses.replace(found, dropped=dropped)
    sites = _user_candidates(candidates, data.metric_crs)
    reason = pd.Series(grid.reasons(sites["footprint"].values), index=sites.index, dtype=object)
    out = reason != ""
    dropped = pd.DataFrame({"site_id": sites.loc[out, "site_id"], "reason": reason[out]})
    sites = sites.loc[~out]
    xy = shapely.get_coordinates(sites.geometry.values)
    sites["province"] = pd.Series(grid.locate(xy[:, 0], xy[:, 1]), index=sites.index, dtype=object)
    return _finish(data, scenario, sites, dropped=dropped, given=len(candidates))


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


def substation_pairs(
    data: SitingData, scenario: Scenario, sites: gpd.GeoDataFrame, *, reach_km: np.ndarray | None = None
) -> pd.DataFrame:
    """Site-substation pairs within the longest allowed connection, with distances.

    ``reach_km`` (per substation; NaN for none) narrows the distance to what
    each substation can use, e.g. 20 km for one that only takes 154 kV tiers.
    Sorted by site, then substation; ``site`` and ``substation`` are row
    positions, ``distance_km`` the straight-line distance.

    Examples
    --------
    >>> import siting
    >>> d, s = siting.load_korea(), siting.Scenario(target_mw=100, grid_spacing_km=20)
    >>> c = build_candidates(d, s)
    >>> p = substation_pairs(d, s, c.sites)
    >>> bool((p.distance_km <= max(s.max_connection_km.values())).all()), len(p) == len(c.pairs)
    (True, True)
    """
    subs = data.substations.to_crs(data.metric_crs).geometry.values
    if reach_km is None:
        reach_km = np.full(len(subs), max(scenario.max_connection_km.values()))
    found = []
    for km in np.unique(reach_km[~np.isnan(reach_km)]):
        numbers = np.flatnonzero(reach_km == km)
        i_site, i_sub = shapely.STRtree(subs[numbers]).query(
            sites.geometry.values, predicate="dwithin", distance=km * 1000.0
        )
        found.append((i_site, numbers[i_sub]))
    i_site = np.concatenate([np.zeros(0, dtype=np.int64), *(f[0] for f in found)])
    i_sub = np.concatenate([np.zeros(0, dtype=np.int64), *(f[1] for f in found)])
    order = np.lexsort((i_sub, i_site))
    i_site, i_sub = i_site[order], i_sub[order]
    # point to point, as GEOS computes it (sqrt(dx * dx + dy * dy)), without a geometry per pair
    d = shapely.get_coordinates(sites.geometry.values)[i_site] - shapely.get_coordinates(subs)[i_sub]
    dist = np.sqrt(d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1]) / 1000.0
    return pd.DataFrame({"site": i_site, "substation": i_sub, "distance_km": dist})
