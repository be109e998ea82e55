"""Korean supply layers for ``data/geo/``: conventional plants and renewable sites.

Imported by ``scripts/build_korea.py``; nothing in the library imports it.

* :func:`build_plants` - every plant of the WRI Global Power Plant Database
  (GPPD v1.3, CC BY 4.0) for Korea, read with :func:`siting.read_gppd`, with a
  province, an export region, the nearest grid bus and ``supply_mw`` (MW
  available to new load; rule below).
* :func:`build_renewables` - real renewable sites (GPPD rows, and OpenStreetMap
  ``power=generator`` objects clustered into farms, ODbL) plus *remainder*
  rows, so that operating capacity per province and group (solar; wind =
  onshore + offshore; hydro) equals the KPX/EPSIS table of September 2025.
* :func:`describe` - a text report for the build log and the data README.

Every number below comes from the files in ``../shared/realdata/`` or from
``../shared/KOREA_FACTS.md`` (cited where used); everything else is marked
ASSUMPTION.

Rules, in brief (details at each constant):

* Pumped storage: a GPPD ``Hydro`` row is ``pumped_storage`` when WRI's raw
  country source (``kor_wri_raw_source_South_Korea.csv``, same plant id without
  the ``WRI`` prefix) gives ``Generator Technology = "Pumped Storage"``. The
  OSM extract has no ``method=pumped`` generator, so it adds nothing here.
* Offshore wind: a GPPD ``Wind`` row is ``offshore_wind`` when the raw source
  says ``"Offshore Wind"``; an OSM wind cluster is offshore when every turbine
  lies more than :data:`OFFSHORE_KM` outside the province polygons.
* ``supply_mw`` of plants: 0 for renewable fuels (they are in the renewables
  layer); conventional plants in an export region share that region's
  held-back generation (KBS 2025-06-20) in proportion to capacity; other
  conventional plants get ``settings.PLANT_SPARE_FRACTION`` of capacity.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

import siting
from siting.datasets import KOREA_HELD_BACK_MW as HELD_BACK_MW
from siting.settings import GEOGRAPHIC_CRS, KOREA_METRIC_CRS, PLANT_SPARE_FRACTION
from siting.testing import KPX_RENEWABLES_MW

__all__ = ["build_plants", "build_renewables", "describe", "KPX_RENEWABLES_MW", "CAPACITY_FACTOR"]

# --------------------------------------------------------------------------
# Sourced facts
# --------------------------------------------------------------------------

#: East-coast generation reported by KBS (2025-06-20), MW, to judge the
#: geographic region rule against.
KBS_EAST_COAST_MW: Final[float] = 18000.0

# --------------------------------------------------------------------------
# Assumptions
# --------------------------------------------------------------------------

#: Capacity factor by technology (ASSUMPTION: one national value each, kept
#: from the previous bundled data; pumped storage is generation only and a net
#: consumer; tidal from Sihwa's reported output).
CAPACITY_FACTOR: Final[dict[str, float]] = {  # ASSUMPTION
    "solar": 0.14,
    "onshore_wind": 0.22,
    "offshore_wind": 0.30,
    "hydro": 0.20,
    "pumped_storage": 0.08,
    "tidal": 0.25,
}

#: Export regions (ASSUMPTION, defined geographically, not by a list of plant
#: names): ``east_coast`` = conventional plants in Gangwon (KR-42), or in
#: Gyeongbuk (KR-47) north of 36.5 N; ``west_coast`` = conventional plants in
#: Chungnam (KR-44) west of 126.75 E.
EAST_COAST_GYEONGBUK_MIN_LAT: Final[float] = 36.5
WEST_COAST_CHUNGNAM_MAX_LON: Final[float] = 126.75

#: GPPD fuels that are conventional generation (supply for new load at nodes).
CONVENTIONAL_FUELS: Final[tuple[str, ...]] = ("coal", "gas", "oil", "nuclear", "biomass", "waste")

#: Renewable technologies, and the KPX group each counts towards (``None``:
#: not part of the KPX table - pumped storage is excluded from KPX hydro, and
#: the table has no tidal column).
KPX_GROUP: Final[dict[str, str | None]] = {
    "solar": "solar",
    "onshore_wind": "wind",
    "offshore_wind": "wind",
    "hydro": "hydro",
    "pumped_storage": None,
    "tidal": None,
}

#: OSM generators of one source that lie within this distance of each other
#: (chained: connected components of the "within" graph) form one farm
#: (ASSUMPTION: turbines of one farm stand a few hundred metres apart; 2 km
#: joins a farm's strings but not neighbouring valleys).
CLUSTER_KM: Final[float] = 2.0

#: An OSM cluster is the same site as a GPPD row of the same group when any of
#: its generators lies within this distance of the GPPD point (ASSUMPTION:
#: GPPD points are plant locations to about a kilometre). The GPPD row is then
#: kept (named, capacity from the database) and the OSM cluster dropped.
DEDUPE_KM: Final[float] = 3.0

#: Kept OSM clusters within this distance of a GPPD row of the same group and
#: with a capacity within 10 % of it are *reported* as possible duplicates (not
#: merged: the distance is beyond what GPPD's precision explains).
POSSIBLE_DUPLICATE_KM: Final[float] = 25.0

#: An OSM wind cluster is offshore when every turbine lies farther than this
#: outside the province polygons (ASSUMPTION; depends on the precision of the
#: boundaries given).
OFFSHORE_KM: Final[float] = 1.0

#: Two GPPD rows of the same fuel closer than this share a location; one of
#: them is probably misplaced (noted, not moved).
COINCIDENT_M: Final[float] = 50.0

#: Known GPPD quirks (``../shared/realdata/README.md``), checked against the
#: data at build time: plant id -> province code the *name* points to.
#: "Shinan" is a county of Jeonnam; GPPD places the point in Gangwon.
NAME_PROVINCE_QUIRKS: Final[dict[str, str]] = {"WRI1029932": "KR-46"}

RAW_SOURCE_NAME: Final[str] = "kor_wri_raw_source_South_Korea.csv"

PLANT_COLUMNS: Final[list[str]] = [
    "plant_id",
    "name",
    "fuel",
    "technology",
    "capacity_mw",
    "commissioning_year",
    "owner",
    "status",
    "province",
    "province_distance_km",
    "export_region",
    "substation_id",
    "bus_distance_km",
    "supply_mw",
    "note",
    "geometry",
]
RENEWABLE_COLUMNS: Final[list[str]] = [
    "site_id",
    "name",
    "technology",
    "capacity_mw",
    "capacity_factor",
    "status",
    "aggregate",
    "source",
    "province",
    "kpx_group",
    "source_capacity_mw",
    "osm_ids",
    "note",
    "geometry",
]


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _metric(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gdf.to_crs(KOREA_METRIC_CRS)


def _geoms(gdf: gpd.GeoDataFrame, *columns: str) -> gpd.GeoDataFrame:
    """``columns`` and the geometry (named ``geometry``) of ``gdf``, same index, in EPSG:5179."""
    out = gpd.GeoDataFrame(
        {c: gdf[c] for c in columns}, geometry=gdf.geometry.values, index=gdf.index, crs=gdf.crs
    )
    return _metric(out)


def _assign_province(points: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame) -> pd.DataFrame:
    """Province code by point-in-polygon; nearest polygon (distance recorded) outside all.

    Returns a frame indexed like ``points`` with ``province`` and
    ``province_distance_km`` (0 inside a polygon). Ties (a point on a shared
    border) go to the lowest code.
    """
    pts = _geoms(points)
    prov = _geoms(provinces, "code")
    prov = prov.sort_values("code").reset_index(drop=True)
    near = gpd.sjoin_nearest(pts, prov, how="left", distance_col="_d")
    near = near.reset_index().sort_values(["index", "_d", "code"]).drop_duplicates("index").set_index("index")
    near.index.name = None
    return pd.DataFrame(
        {"province": near["code"].astype(str), "province_distance_km": (near["_d"] / 1000.0).round(3)},
        index=points.index,
    )


def _bus_provinces(buses: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame) -> pd.Series:
    """Province of each bus: an explicit ``province`` column wins, else by location."""
    located = _assign_province(buses, provinces)["province"]
    if "province" in buses.columns:
        given = buses["province"].astype("string")
        return given.where(given.notna() & (given != ""), located).astype(str)
    return located


def _nearest_bus(points: gpd.GeoDataFrame, buses: gpd.GeoDataFrame) -> pd.DataFrame:
    """Nearest bus (any bus) in EPSG:5179.

    Gives ``substation_id`` and ``bus_distance_km``; ties go to the lowest id.
    """
    pts = _geoms(points)
    bus = _geoms(buses, "substation_id")
    bus = bus.sort_values("substation_id").reset_index(drop=True)
    near = gpd.sjoin_nearest(pts, bus, how="left", distance_col="_d")
    near = (
        near.reset_index()
        .sort_values(["index", "_d", "substation_id"])
        .drop_duplicates("index")
        .set_index("index")
    )
    near.index.name = None
    return pd.DataFrame(
        {
            "substation_id": near["substation_id"].astype(str),
            "bus_distance_km": (near["_d"] / 1000.0).round(3),
        },
        index=points.index,
    )


def _split_kw(total_mw: float, weights: np.ndarray) -> np.ndarray:
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


def _check_inputs(buses: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame) -> None:
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


# --------------------------------------------------------------------------
# Plants
# --------------------------------------------------------------------------


def _raw_source(path: Path) -> pd.DataFrame:
    """WRI's raw country source, keyed by ``WRI`` + Power Plant ID (the GPPD id scheme)."""
    raw = pd.read_csv(path, dtype={"Power Plant ID": str})
    raw["plant_id"] = "WRI" + raw["Power Plant ID"].str.strip()
    if raw["plant_id"].duplicated().any():
        raise ValueError(
            f"{path}: duplicate Power Plant ID {sorted(raw.loc[raw['plant_id'].duplicated(), 'plant_id'])}"
        )
    return raw.set_index("plant_id")


def _single_year(text: pd.Series) -> pd.Series:
    """A commissioning year only where the source gives one 4-digit year (ranges stay NaN)."""
    s = text.astype("string").str.strip()
    return pd.to_numeric(s.where(s.str.fullmatch(r"\d{4}")), errors="coerce").astype(float)


def build_plants(
    gppd_csv: Path,
    *,
    buses: gpd.GeoDataFrame,
    provinces: gpd.GeoDataFrame,
    raw_source_csv: Path | None = None,
) -> gpd.GeoDataFrame:
    """Build the ``plants`` layer: every Korean GPPD plant, with supply for new load.

    Parameters
    ----------
    gppd_csv : Path
        The Korean GPPD extract (``kor_power_plants_gppd.csv``).
    buses : GeoDataFrame
        Grid buses: ``substation_id``, ``takes_load`` (bool), points.
    provinces : GeoDataFrame
        ``code`` (ISO 3166-2), polygons.
    raw_source_csv : Path, optional
        WRI's raw country source; default ``kor_wri_raw_source_South_Korea.csv``
        next to ``gppd_csv``. Used, matched by plant id and checked by name,
        for: pumped storage and offshore wind (``Generator Technology``),
        ``owner``, and ``commissioning_year`` where the source gives a single
        year (GPPD's own column is absent from the extract; ranges such as
        ``1997-2008`` are left NaN rather than averaged without unit sizes).

    Returns
    -------
    GeoDataFrame
        EPSG:4326, sorted by ``plant_id``; columns :data:`PLANT_COLUMNS`.
        ``province``: point in polygon, else the nearest polygon with
        ``province_distance_km`` > 0. ``substation_id``/``bus_distance_km``:
        nearest bus of any kind, in EPSG:5179. ``supply_mw``: see the module
        docstring. ``note``: quirks found in the sources (points are never
        moved without a second source).
    """
    _check_inputs(buses, provinces)
    gppd_csv = Path(gppd_csv)
    raw_path = Path(raw_source_csv) if raw_source_csv is not None else gppd_csv.with_name(RAW_SOURCE_NAME)
    plants = siting.read_gppd(gppd_csv, country="KOR")
    raw = _raw_source(raw_path)

    # ---- enrich from WRI's raw source (matched by id, confirmed by name)
    matched = raw.reindex(plants["plant_id"])
    matched.index = plants.index
    same_name = matched["Name"].fillna("").str.strip().str.lower() == plants["name"].str.strip().str.lower()
    matched = matched.where(same_name, np.nan)
    tech = matched["Generator Technology"].fillna("").str.strip().str.lower()
    plants.loc[(plants["fuel"] == "hydro") & (tech == "pumped storage"), "technology"] = "pumped_storage"
    plants.loc[(plants["fuel"] == "wind") & (tech == "offshore wind"), "technology"] = "offshore_wind"
    plants["owner"] = matched["Owner"].fillna("").astype(str).str.strip()
    plants["commissioning_year"] = plants["commissioning_year"].fillna(
        _single_year(matched["Commissioning Date"])
    )
    ps = plants["technology"] == "pumped_storage"
    log = [
        f"WRI raw source: {int(same_name.sum())} of {len(plants)} GPPD rows matched by id and name; "
        f"single commissioning years taken for {int(plants['commissioning_year'].notna().sum())}",
        f"pumped storage (raw 'Generator Technology' = Pumped Storage): {int(ps.sum())} rows, "
        f"{plants.loc[ps, 'capacity_mw'].sum():,.0f} MW: " + ", ".join(plants.loc[ps, "name"]),
        "offshore wind (raw 'Generator Technology' = Offshore Wind): "
        + (", ".join(plants.loc[plants["technology"] == "offshore_wind", "name"]) or "none"),
    ]

    # ---- location: province, nearest bus
    plants = plants.join(_assign_province(plants, provinces))
    plants = plants.join(_nearest_bus(plants, buses))

    # ---- export regions (ASSUMPTION, geographic)
    conventional = plants["fuel"].isin(CONVENTIONAL_FUELS)
    x, y = plants.geometry.x, plants.geometry.y
    east = conventional & (
        (plants["province"] == "KR-42")
        | ((plants["province"] == "KR-47") & (y > EAST_COAST_GYEONGBUK_MIN_LAT))
    )
    west = conventional & (plants["province"] == "KR-44") & (x < WEST_COAST_CHUNGNAM_MAX_LON)
    plants["export_region"] = np.select([east, west], ["east_coast", "west_coast"], default="")

    # ---- supply for new load
    supply = np.where(conventional, plants["capacity_mw"] * PLANT_SPARE_FRACTION, 0.0)
    for region, held in HELD_BACK_MW.items():
        members = (plants["export_region"] == region).to_numpy()
        cap = plants.loc[members, "capacity_mw"].to_numpy()
        if cap.sum() > 0:
            supply[members] = _split_kw(held, cap)
    plants["supply_mw"] = np.round(supply, 3)

    # ---- quirks: noted, not corrected
    notes = pd.Series("", index=plants.index, dtype=object)
    for pid, named in NAME_PROVINCE_QUIRKS.items():
        hit = (plants["plant_id"] == pid) & (plants["province"] != named)
        notes[hit] = (
            f"name points to {named} but the GPPD point lies in "
            + plants.loc[hit, "province"]
            + "; point kept: no second source in realdata places it elsewhere "
            "(the renewables build checks OSM at the point)"
        )
    m = _metric(plants)
    pairs = gpd.sjoin(
        m[["plant_id", "fuel", "geometry"]],
        m[["plant_id", "fuel", "geometry"]],
        predicate="dwithin",
        distance=COINCIDENT_M,
    )
    pairs = pairs[
        (pairs["plant_id_left"] != pairs["plant_id_right"]) & (pairs["fuel_left"] == pairs["fuel_right"])
    ]
    for idx, grp in pairs.groupby(level=0):
        others = ", ".join(sorted(grp["plant_id_right"]))
        text = (
            f"same point as {others} (within {COINCIDENT_M:g} m, same fuel): "
            "one of them is probably misplaced"
        )
        notes[idx] = f"{notes[idx]}; {text}" if notes[idx] else text
    plants["note"] = notes

    plants = plants.sort_values("plant_id", kind="stable").reset_index(drop=True)
    out = gpd.GeoDataFrame(plants[PLANT_COLUMNS], geometry="geometry", crs=GEOGRAPHIC_CRS)
    out.attrs["build_log"] = log
    return out


# --------------------------------------------------------------------------
# Renewables
# --------------------------------------------------------------------------


def _osm_clusters(osm: pd.DataFrame, *, provinces: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Group OSM generators of one ``source`` into farms (connected components within CLUSTER_KM)."""
    pts = gpd.GeoDataFrame(osm, geometry=gpd.points_from_xy(osm["lon"], osm["lat"]), crs=GEOGRAPHIC_CRS)
    pts = _metric(pts).sort_values("osm_id").reset_index(drop=True)
    land = shapely.union_all(_metric(provinces).geometry.values)
    pts["offshore"] = pts.distance(land) > OFFSHORE_KM * 1000
    rows = []
    for source, grp in pts.groupby("source", sort=True):
        tree = shapely.STRtree(grp.geometry.values)
        a, b = tree.query(grp.geometry.values, predicate="dwithin", distance=CLUSTER_KM * 1000)
        graph = nx.Graph()
        graph.add_nodes_from(range(len(grp)))
        graph.add_edges_from(zip(a.tolist(), b.tolist(), strict=False))
        for comp in nx.connected_components(graph):
            members = grp.iloc[sorted(comp)]
            ids = members["osm_id"].astype(np.int64).sort_values()
            centre = shapely.Point(members.geometry.x.mean(), members.geometry.y.mean())
            rows.append(
                {
                    "source_kind": source,
                    "osm_ids": ";".join(
                        f"{t}/{i}" for t, i in zip(members.loc[ids.index, "osm_type"], ids, strict=False)
                    ),
                    "first_id": int(ids.iloc[0]),
                    "n": len(members),
                    "mw": float(pd.to_numeric(members["power_output_MW"], errors="coerce").fillna(0).sum()),
                    "n_untagged": int(
                        (pd.to_numeric(members["power_output_MW"], errors="coerce").fillna(0) <= 0).sum()
                    ),
                    "offshore": bool(members["offshore"].all()),
                    "members": shapely.MultiPoint(list(members.geometry.values)),
                    "geometry": centre,
                }
            )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=KOREA_METRIC_CRS)


def build_renewables(
    gppd_plants: gpd.GeoDataFrame,
    osm_generators_csv: Path,
    *,
    buses: gpd.GeoDataFrame,
    provinces: gpd.GeoDataFrame,
) -> gpd.GeoDataFrame:
    """Build the ``renewables`` layer: real sites plus KPX remainder rows.

    Parameters
    ----------
    gppd_plants : GeoDataFrame
        Output of :func:`build_plants` (its ``technology`` already tells
        pumped storage and offshore wind apart).
    osm_generators_csv : Path
        ``kr_osm_generators.csv`` (OSM ``power=generator``; ODbL).
    buses : GeoDataFrame
        Grid buses: ``substation_id``, ``takes_load`` (bool), points.
    provinces : GeoDataFrame
        ``code`` (ISO 3166-2), polygons; optional explicit ``province`` on buses wins.

    Returns
    -------
    GeoDataFrame
        EPSG:4326; columns :data:`RENEWABLE_COLUMNS`; sorted by ``aggregate``,
        ``province``, ``site_id``. Placed rows: GPPD solar, wind, hydro,
        pumped-storage and tidal plants (``gppd-<id>``), and OSM wind/hydro/solar
        generators clustered into farms (``osm-<source>-<first osm id>``) that no
        GPPD row of the same group lies within :data:`DEDUPE_KM` of. Where the
        placed capacity of a province and KPX group exceeds the KPX figure,
        the placed rows' ``capacity_mw`` is scaled down to it
        (``source_capacity_mw`` keeps the source value, ``note`` says so;
        rows scaled to 0 MW are dropped, and every case is in the build log).
        Remainder rows (``aggregate``): KPX minus placed, split evenly (to the
        kW) over the province's buses with ``takes_load`` (ASSUMPTION:
        distributed generation connects throughout the province; a province
        with no such bus gets one row at its representative point), wind
        remainder as ``onshore_wind``. Every row is ``operating``: GPPD and OSM
        map existing plants, the KPX table is installed capacity.
    """
    _check_inputs(buses, provinces)
    log: list[str] = []

    # ---- GPPD renewable rows
    g = gppd_plants[gppd_plants["technology"].isin(list(KPX_GROUP))].copy()
    gppd_rows = gpd.GeoDataFrame(
        {
            "site_id": "gppd-" + g["plant_id"],
            "name": g["name"],
            "technology": g["technology"],
            "source_capacity_mw": g["capacity_mw"].astype(float),
            "source": "GPPD " + g["plant_id"],
            "osm_ids": "",
            "note": g["note"].fillna("") if "note" in g.columns else "",
        },
        geometry=g.geometry.values,
        crs=gppd_plants.crs,
    ).to_crs(GEOGRAPHIC_CRS)
    gppd_rows["kpx_group"] = gppd_rows["technology"].map(KPX_GROUP)

    # ---- OSM renewable generators, clustered, deduplicated against GPPD
    osm = pd.read_csv(osm_generators_csv, dtype={"osm_id": str})
    osm_group = {"wind": "wind", "hydro": "hydro", "solar": "solar"}
    osm = osm[osm["source"].isin(list(osm_group))]
    log.append(
        f"OSM generators used: {len(osm)} "
        f"({', '.join(f'{k} {v}' for k, v in osm['source'].value_counts().sort_index().items())}); "
        "each is one unit (wind: method=wind_turbine); tagged power_output_MW (whole MW) sums to "
        + ", ".join(
            f"{k} {v:,.0f} MW"
            for k, v in pd.to_numeric(osm["power_output_MW"], errors="coerce")
            .groupby(osm["source"])
            .sum()
            .sort_index()
            .items()
        )
    )
    clusters = _osm_clusters(osm, provinces=provinces)
    clusters["kpx_group"] = clusters["source_kind"].map(osm_group)
    log.append(
        f"OSM clusters (generators within {CLUSTER_KM:g} km, chained): "
        + ", ".join(f"{k} {v}" for k, v in clusters["source_kind"].value_counts().sort_index().items())
    )
    # dedupe: any generator of the cluster within DEDUPE_KM of a GPPD row of the same group
    gm = _metric(gppd_rows)
    members = gpd.GeoDataFrame(
        clusters[["kpx_group"]], geometry=clusters["members"].values, crs=KOREA_METRIC_CRS
    )
    hits = gpd.sjoin(
        members, gm[["site_id", "kpx_group", "geometry"]], predicate="dwithin", distance=DEDUPE_KM * 1000
    )
    hits = hits[hits["kpx_group_left"] == hits["kpx_group_right"]]
    dup = clusters.index.isin(hits.index)
    for cidx, grp in hits.groupby(level=0):
        c = clusters.loc[cidx]
        for sid in sorted(grp["site_id"]):
            i = gppd_rows.index[gppd_rows["site_id"] == sid][0]
            d = float(clusters.loc[[cidx], "members"].iloc[0].distance(gm.loc[i, "geometry"])) / 1000
            text = (
                f"OSM maps {c['n']} {c['source_kind']} generator(s), {c['mw']:g} MW tagged, "
                f"{d:.1f} km from this point "
                "(same site; OSM cluster dropped)"
            )
            gppd_rows.loc[i, "note"] = (
                f"{gppd_rows.loc[i, 'note']}; {text}" if gppd_rows.loc[i, "note"] else text
            )
            gppd_rows.loc[i, "osm_ids"] = ";".join(
                x for x in (gppd_rows.loc[i, "osm_ids"], c["osm_ids"]) if x
            )
        log.append(
            f"  dedupe: OSM {c['source_kind']} cluster of {c['n']} ({c['mw']:g} MW) = "
            f"{', '.join(sorted(grp['site_id']))}"
        )
    empty = clusters["mw"] <= 0
    for _, c in clusters[empty & ~dup].iterrows():
        log.append(
            f"  dropped: OSM {c['source_kind']} cluster {c['osm_ids']} has no capacity tagged (all 0 MW)"
        )
    keep = clusters[~dup & ~empty].copy()
    # report (do not merge) kept clusters that may still be a GPPD site placed farther away
    for _, c in keep.iterrows():
        same = gm[gm["kpx_group"] == c["kpx_group"]]
        if same.empty:
            continue
        dist = same.distance(c["members"]) / 1000
        j = dist.idxmin()
        cap = gppd_rows.loc[j, "source_capacity_mw"]
        if dist[j] <= POSSIBLE_DUPLICATE_KM and abs(cap - c["mw"]) <= 0.1 * max(cap, c["mw"]):
            log.append(
                f"  possible duplicate, kept apart: OSM {c['source_kind']} cluster of {c['n']} "
                f"({c['mw']:g} MW) is {dist[j]:.1f} km from "
                f"{gppd_rows.loc[j, 'site_id']} {gppd_rows.loc[j, 'name']} ({cap:g} MW)"
            )
    log.append(
        f"OSM clusters kept as sites: {len(keep)} ({keep['mw'].sum():,.0f} MW); "
        f"duplicates of GPPD: {int(dup.sum())}; "
        f"without capacity: {int((empty & ~dup).sum())}"
    )
    tech = np.where(
        keep["source_kind"] == "wind",
        np.where(keep["offshore"], "offshore_wind", "onshore_wind"),
        keep["source_kind"],
    )
    osm_rows = gpd.GeoDataFrame(
        {
            "site_id": [f"osm-{s}-{i}" for s, i in zip(keep["source_kind"], keep["first_id"], strict=False)],
            "name": [
                f"OSM {s} cluster ({n} generator{'s' if n > 1 else ''})"
                for s, n in zip(keep["source_kind"], keep["n"], strict=False)
            ],
            "technology": tech,
            "source_capacity_mw": keep["mw"].to_numpy(),
            "source": [
                f"OSM {i} and {n - 1} more" if n > 1 else f"OSM {i}"
                for i, n in zip(keep["osm_ids"].str.split(";").str[0], keep["n"], strict=False)
            ],
            "osm_ids": keep["osm_ids"].to_numpy(),
            "note": [
                f"{u} of {n} generators tagged 0 MW" if u else ""
                for u, n in zip(keep["n_untagged"], keep["n"], strict=False)
            ],
            "kpx_group": keep["kpx_group"].to_numpy(),
        },
        geometry=keep.geometry.values,
        crs=KOREA_METRIC_CRS,
    ).to_crs(GEOGRAPHIC_CRS)

    placed = pd.concat([gppd_rows, osm_rows], ignore_index=True)
    placed = gpd.GeoDataFrame(placed, geometry="geometry", crs=GEOGRAPHIC_CRS)
    prov = _assign_province(placed, provinces)
    placed["province"] = prov["province"]
    outside = prov["province_distance_km"] > 0
    for i in placed.index[outside]:
        text = (
            "outside every province polygon; "
            f"nearest province at {prov.loc[i, 'province_distance_km']:.1f} km"
        )
        placed.loc[i, "note"] = f"{placed.loc[i, 'note']}; {text}" if placed.loc[i, "note"] else text
    placed["capacity_mw"] = placed["source_capacity_mw"]
    placed["aggregate"] = False

    # ---- KPX check: scale placed rows down where they exceed the official figure
    kpx = pd.DataFrame(KPX_RENEWABLES_MW).T.stack().rename("kpx_mw")
    kpx.index.names = ["province", "kpx_group"]
    counted = placed[placed["kpx_group"].notna()]
    placed_sum = counted.groupby(["province", "kpx_group"])["capacity_mw"].sum()
    over = placed_sum[placed_sum > kpx.reindex(placed_sum.index).fillna(0) + 1e-9]
    overshoots = []
    for (code, group), mw in over.items():
        target = float(kpx.get((code, group), 0.0))
        rows = counted.index[(counted["province"] == code) & (counted["kpx_group"] == group)]
        weights = placed.loc[rows, "source_capacity_mw"].to_numpy()
        placed.loc[rows, "capacity_mw"] = _split_kw(target, weights) if target > 0 else 0.0
        text = (
            f"capacity scaled by {target / mw:.3f} so that {code} {group} matches KPX "
            f"({target:g} MW; placed sites {mw:g} MW)"
        )
        for i in rows:
            placed.loc[i, "note"] = f"{placed.loc[i, 'note']}; {text}" if placed.loc[i, "note"] else text
        overshoots.append((code, group, mw, target, list(placed.loc[rows, "site_id"])))
        log.append(
            f"KPX overshoot: {code} {group}: placed {mw:,.2f} MW > KPX {target:g} MW; scaled "
            f"{', '.join(placed.loc[rows, 'site_id'])}"
        )
    if not overshoots:
        log.append("KPX overshoot: none")
    zero = placed["kpx_group"].notna() & (placed["capacity_mw"] <= 0)
    if zero.any():
        log.append(f"  dropped after scaling to 0 MW: {', '.join(placed.loc[zero, 'site_id'])}")
        placed = placed[~zero].copy()

    # ---- remainder rows at the province's load buses
    bus = buses.to_crs(GEOGRAPHIC_CRS).copy()
    bus["province"] = _bus_provinces(bus, provinces)
    bus = bus[bus["takes_load"].astype(bool)].sort_values("substation_id")
    placed_sum = placed[placed["kpx_group"].notna()].groupby(["province", "kpx_group"])["capacity_mw"].sum()
    rep = (
        provinces.set_index(provinces["code"].astype(str))
        .to_crs(GEOGRAPHIC_CRS)
        .geometry.representative_point()
    )
    rem_rows = []
    for (code, group), target in kpx.sort_index().items():
        left = float(target) - float(placed_sum.get((code, group), 0.0))
        if left <= 1e-9:
            continue
        here = bus[bus["province"] == code]
        technology = "onshore_wind" if group == "wind" else group
        if here.empty:
            ids, geoms, note = (
                ["rep"],
                [rep[code]],
                "no load bus in the province: placed at its representative point",
            )
            log.append(
                f"remainder {code} {group}: no bus with takes_load; one row at the representative point"
            )
        else:
            ids, geoms, note = list(here["substation_id"]), list(here.geometry), ""
        parts = _split_kw(left, np.ones(len(ids)))
        for sid, geom, mw in zip(ids, geoms, parts, strict=False):
            rem_rows.append(
                {
                    "site_id": f"rem-{code}-{group}-{sid}",
                    "name": f"{group} remainder, {code}, at {sid}",
                    "technology": technology,
                    "capacity_mw": mw,
                    "source_capacity_mw": np.nan,
                    "source": "KPX remainder",
                    "osm_ids": "",
                    "note": note,
                    "kpx_group": group,
                    "province": code,
                    "aggregate": True,
                    "geometry": geom,
                }
            )
    rem = gpd.GeoDataFrame(rem_rows, geometry="geometry", crs=GEOGRAPHIC_CRS)

    out = pd.concat([placed, rem], ignore_index=True)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=GEOGRAPHIC_CRS)
    out["capacity_factor"] = out["technology"].map(CAPACITY_FACTOR)
    out["status"] = "operating"
    out["aggregate"] = out["aggregate"].astype(bool)
    out["kpx_group"] = out["kpx_group"].fillna("")
    out["note"] = out["note"].fillna("")
    out = out.sort_values(["aggregate", "province", "site_id"], kind="stable").reset_index(drop=True)
    out = out[RENEWABLE_COLUMNS]
    if out["site_id"].duplicated().any():
        raise RuntimeError(f"duplicate site ids: {sorted(out.loc[out['site_id'].duplicated(), 'site_id'])}")
    out.attrs["build_log"] = log
    out.attrs["kpx_overshoots"] = overshoots
    return out


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def describe(plants: gpd.GeoDataFrame, renewables: gpd.GeoDataFrame) -> str:
    """A short text report of both layers, for the build log and the data README.

    Parameters
    ----------
    plants, renewables : GeoDataFrame
        Outputs of :func:`build_plants` and :func:`build_renewables`.

    Returns
    -------
    str
        Counts and MW by fuel and technology, export-region totals against
        KBS, the KPX check per province and group, placed against remainder,
        and the renewables build log (dedupe, clusters, overshoots) when the
        frame still carries it.
    """
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

    lines.append(
        f"renewables: {len(renewables)} rows, {renewables['capacity_mw'].sum():,.0f} MW "
        f"({int((~renewables['aggregate']).sum())} placed sites, "
        f"{int(renewables['aggregate'].sum())} remainder rows)"
    )
    by_tech = renewables.groupby(["technology", "aggregate"]).agg(
        n=("site_id", "size"), mw=("capacity_mw", "sum")
    )
    for (tech, agg), n, mw in by_tech.itertuples():
        lines.append(f"  {tech:<15} {'remainder' if agg else 'placed':<9} {n:>4}  {mw:>9,.1f} MW")
    src = renewables.loc[~renewables["aggregate"], "source"].str.split().str[0].value_counts().sort_index()
    lines.append("  placed sites by source: " + ", ".join(f"{k} {v}" for k, v in src.items()))

    lines.append("KPX check (MW, operating capacity per province and group; placed + remainder = KPX):")
    counted = renewables[renewables["kpx_group"] != ""]
    got = counted.pivot_table(
        index="province", columns="kpx_group", values="capacity_mw", aggfunc="sum", fill_value=0.0
    )
    placed = counted[~counted["aggregate"]].pivot_table(
        index="province", columns="kpx_group", values="capacity_mw", aggfunc="sum", fill_value=0.0
    )
    worst = 0.0
    lines.append(
        f"  {'province':<8} " + " ".join(f"{g + ' kpx/placed':>20}" for g in ("solar", "wind", "hydro"))
    )
    for code in sorted(KPX_RENEWABLES_MW):
        cells = []
        for g in ("solar", "wind", "hydro"):
            k = KPX_RENEWABLES_MW[code][g]
            total = float(got.get(g, pd.Series(dtype=float)).get(code, 0.0))
            p = float(placed.get(g, pd.Series(dtype=float)).get(code, 0.0))
            worst = max(worst, abs(total - k))
            cells.append(f"{k:>9,.0f}/{p:>10,.1f}")
        lines.append(f"  {code:<8} " + " ".join(f"{c:>20}" for c in cells))
    totals = {g: sum(v[g] for v in KPX_RENEWABLES_MW.values()) for g in ("solar", "wind", "hydro")}
    lines.append(
        "  national KPX: "
        + ", ".join(f"{g} {v:,.0f} MW" for g, v in totals.items())
        + f"; largest |layer - KPX| per cell: {worst:.6f} MW"
    )
    for line in renewables.attrs.get("build_log", []):
        lines.append(line)
    return "\n".join(lines)
