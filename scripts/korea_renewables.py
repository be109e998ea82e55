"""Korean ``renewables`` layer for ``data/geo/``: real sites plus KPX remainder rows.

Imported by ``scripts/build_korea.py``; nothing in the library imports it.
:func:`build_renewables` places real renewable sites (GPPD rows, and
OpenStreetMap ``power=generator`` objects clustered into farms, ODbL) and adds
*remainder* rows, so that operating capacity per province and group (solar;
wind = onshore + offshore; hydro) equals the KPX/EPSIS table of September
2025.

Rules, in brief (details at each constant): GPPD rows keep the technology
:mod:`korea_plants` gave them (pumped storage and offshore wind from WRI's
raw source); an OSM wind cluster is offshore when every turbine lies more
than :data:`OFFSHORE_KM` outside the province polygons; an OSM cluster
within :data:`DEDUPE_KM` of a GPPD row of the same group is that row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from korea_supply import (
    KPX_RENEWABLES_MW,
    add_note,
    assign_province,
    chain_within,
    check_inputs,
    split_kw,
    to_metric,
)

from siting.settings import GEOGRAPHIC_CRS, KOREA_METRIC_CRS

__all__ = ["build_renewables", "CAPACITY_FACTOR", "RENEWABLE_COLUMNS"]

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

#: The KPX group of each OSM generator ``source`` used.
OSM_GROUP: Final[dict[str, str]] = {"wind": "wind", "hydro": "hydro", "solar": "solar"}

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
        Output of :func:`korea_plants.build_plants` (its ``technology``
        already tells pumped storage and offshore wind apart).
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
        ``attrs["build_log"]`` and ``attrs["kpx_overshoots"]`` say what was
        deduplicated, dropped and scaled.
    """
    check_inputs(buses, provinces)
    log: list[str] = []
    gppd_rows = _gppd_rows(gppd_plants)
    clusters = _osm_sites(osm_generators_csv, provinces=provinces, log=log)
    keep = _dedupe(clusters, gppd_rows, log)
    placed = _placed(gppd_rows, _osm_rows(keep), provinces)
    kpx = pd.DataFrame(KPX_RENEWABLES_MW).T.stack().rename("kpx_mw")
    kpx.index.names = ["province", "kpx_group"]
    placed, overshoots = _scale_to_kpx(placed, kpx, log)
    rem = _remainder(placed, kpx, buses=buses, provinces=provinces, log=log)
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


def _gppd_rows(gppd_plants: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The GPPD plants of a renewable technology, as placed sites (EPSG:4326)."""
    g = gppd_plants[gppd_plants["technology"].isin(list(KPX_GROUP))].copy()
    rows = gpd.GeoDataFrame(
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
    rows["kpx_group"] = rows["technology"].map(KPX_GROUP)
    return rows


def _osm_sites(csv: Path, *, provinces: gpd.GeoDataFrame, log: list[str]) -> gpd.GeoDataFrame:
    """The OSM renewable generators clustered into farms, each with its KPX group."""
    osm = pd.read_csv(csv, dtype={"osm_id": str})
    osm = osm[osm["source"].isin(list(OSM_GROUP))]
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
    clusters["kpx_group"] = clusters["source_kind"].map(OSM_GROUP)
    log.append(
        f"OSM clusters (generators within {CLUSTER_KM:g} km, chained): "
        + ", ".join(f"{k} {v}" for k, v in clusters["source_kind"].value_counts().sort_index().items())
    )
    return clusters


def _osm_clusters(osm: pd.DataFrame, *, provinces: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Group OSM generators of one ``source`` into farms (connected components within CLUSTER_KM)."""
    pts = gpd.GeoDataFrame(osm, geometry=gpd.points_from_xy(osm["lon"], osm["lat"]), crs=GEOGRAPHIC_CRS)
    pts = to_metric(pts).sort_values("osm_id").reset_index(drop=True)
    land = shapely.union_all(to_metric(provinces).geometry.values)
    pts["offshore"] = pts.distance(land) > OFFSHORE_KM * 1000
    rows = []
    for source, grp in pts.groupby("source", sort=True):
        for comp in chain_within(grp.geometry.values, CLUSTER_KM):
            members = grp.iloc[comp]
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


def _dedupe(clusters: gpd.GeoDataFrame, gppd_rows: gpd.GeoDataFrame, log: list[str]) -> gpd.GeoDataFrame:
    """The OSM clusters to keep as sites: not a GPPD row (noted on the row instead), some MW tagged."""
    gm = to_metric(gppd_rows)
    dup = _merge_into_gppd(clusters, gppd_rows, gm, log)
    empty = clusters["mw"] <= 0
    for _, c in clusters[empty & ~dup].iterrows():
        log.append(
            f"  dropped: OSM {c['source_kind']} cluster {c['osm_ids']} has no capacity tagged (all 0 MW)"
        )
    keep = clusters[~dup & ~empty].copy()
    _report_possible_duplicates(keep, gppd_rows, gm, log)
    log.append(
        f"OSM clusters kept as sites: {len(keep)} ({keep['mw'].sum():,.0f} MW); "
        f"duplicates of GPPD: {int(dup.sum())}; "
        f"without capacity: {int((empty & ~dup).sum())}"
    )
    return keep


def _merge_into_gppd(
    clusters: gpd.GeoDataFrame, gppd_rows: gpd.GeoDataFrame, gm: gpd.GeoDataFrame, log: list[str]
) -> np.ndarray:
    """Mark the clusters with a generator within DEDUPE_KM of a GPPD row of their group.

    The GPPD row notes the cluster and takes its OSM ids. ``gm`` is
    ``gppd_rows`` in EPSG:5179.
    """
    members = gpd.GeoDataFrame(
        clusters[["kpx_group"]], geometry=clusters["members"].values, crs=KOREA_METRIC_CRS
    )
    hits = gpd.sjoin(
        members, gm[["site_id", "kpx_group", "geometry"]], predicate="dwithin", distance=DEDUPE_KM * 1000
    )
    hits = hits[hits["kpx_group_left"] == hits["kpx_group_right"]]
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
            gppd_rows.loc[i, "note"] = add_note(gppd_rows.loc[i, "note"], text)
            gppd_rows.loc[i, "osm_ids"] = ";".join(
                x for x in (gppd_rows.loc[i, "osm_ids"], c["osm_ids"]) if x
            )
        log.append(
            f"  dedupe: OSM {c['source_kind']} cluster of {c['n']} ({c['mw']:g} MW) = "
            f"{', '.join(sorted(grp['site_id']))}"
        )
    return clusters.index.isin(hits.index)


def _report_possible_duplicates(
    keep: gpd.GeoDataFrame, gppd_rows: gpd.GeoDataFrame, gm: gpd.GeoDataFrame, log: list[str]
) -> None:
    """Log (do not merge) kept clusters that may still be a GPPD site placed farther away."""
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


def _osm_rows(keep: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The kept OSM clusters as placed sites (EPSG:4326)."""
    tech = np.where(
        keep["source_kind"] == "wind",
        np.where(keep["offshore"], "offshore_wind", "onshore_wind"),
        keep["source_kind"],
    )
    return gpd.GeoDataFrame(
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


def _placed(
    gppd_rows: gpd.GeoDataFrame, osm_rows: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Every placed site with its province (noted when outside every polygon), at source capacity."""
    placed = pd.concat([gppd_rows, osm_rows], ignore_index=True)
    placed = gpd.GeoDataFrame(placed, geometry="geometry", crs=GEOGRAPHIC_CRS)
    prov = assign_province(placed, provinces)
    placed["province"] = prov["province"]
    outside = prov["province_distance_km"] > 0
    for i in placed.index[outside]:
        text = (
            "outside every province polygon; "
            f"nearest province at {prov.loc[i, 'province_distance_km']:.1f} km"
        )
        placed.loc[i, "note"] = add_note(placed.loc[i, "note"], text)
    placed["capacity_mw"] = placed["source_capacity_mw"]
    placed["aggregate"] = False
    return placed


def _scale_to_kpx(
    placed: gpd.GeoDataFrame, kpx: pd.Series, log: list[str]
) -> tuple[gpd.GeoDataFrame, list[tuple]]:
    """Scale placed rows down where they exceed the KPX figure; drop rows scaled to 0 MW.

    Returns the rows and the overshoots (province, group, placed MW, KPX MW, site ids).
    """
    counted = placed[placed["kpx_group"].notna()]
    placed_sum = counted.groupby(["province", "kpx_group"])["capacity_mw"].sum()
    over = placed_sum[placed_sum > kpx.reindex(placed_sum.index).fillna(0) + 1e-9]
    overshoots = []
    for (code, group), mw in over.items():
        target = float(kpx.get((code, group), 0.0))
        rows = counted.index[(counted["province"] == code) & (counted["kpx_group"] == group)]
        weights = placed.loc[rows, "source_capacity_mw"].to_numpy()
        placed.loc[rows, "capacity_mw"] = split_kw(target, weights) if target > 0 else 0.0
        text = (
            f"capacity scaled by {target / mw:.3f} so that {code} {group} matches KPX "
            f"({target:g} MW; placed sites {mw:g} MW)"
        )
        for i in rows:
            placed.loc[i, "note"] = add_note(placed.loc[i, "note"], text)
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
    return placed, overshoots


def _remainder(
    placed: gpd.GeoDataFrame,
    kpx: pd.Series,
    *,
    buses: gpd.GeoDataFrame,
    provinces: gpd.GeoDataFrame,
    log: list[str],
) -> gpd.GeoDataFrame:
    """KPX minus placed per province and group, split evenly over the province's load buses."""
    bus = buses.to_crs(GEOGRAPHIC_CRS).copy()
    bus["province"] = _bus_provinces(bus, provinces)
    bus = bus[bus["takes_load"].astype(bool)].sort_values("substation_id")
    placed_sum = placed[placed["kpx_group"].notna()].groupby(["province", "kpx_group"])["capacity_mw"].sum()
    rep = (
        provinces.set_index(provinces["code"].astype(str))
        .to_crs(GEOGRAPHIC_CRS)
        .geometry.representative_point()
    )
    rem_rows: list[dict] = []
    for (code, group), target in kpx.sort_index().items():
        left = float(target) - float(placed_sum.get((code, group), 0.0))
        if left <= 1e-9:
            continue
        here = bus[bus["province"] == code]
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
        rem_rows += _remainder_rows(code, group, left, ids, geoms, note)
    return gpd.GeoDataFrame(rem_rows, geometry="geometry", crs=GEOGRAPHIC_CRS)


def _bus_provinces(buses: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame) -> pd.Series:
    """Province of each bus: an explicit ``province`` column wins, else by location."""
    located = assign_province(buses, provinces)["province"]
    if "province" in buses.columns:
        given = buses["province"].astype("string")
        return given.where(given.notna() & (given != ""), located).astype(str)
    return located


def _remainder_rows(code: str, group: str, left: float, ids: list[str], geoms: list, note: str) -> list[dict]:
    """The remainder rows of one province and group: ``left`` MW split evenly (to the kW) over ``ids``."""
    technology = "onshore_wind" if group == "wind" else group
    parts = split_kw(left, np.ones(len(ids)))
    return [
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
        for sid, geom, mw in zip(ids, geoms, parts, strict=False)
    ]
