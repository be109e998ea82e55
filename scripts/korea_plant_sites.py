"""Where the Korean GPPD plants stand: moved to the OpenStreetMap plant they match, or kept.

Imported by :mod:`korea_plants`; nothing in the library imports it.
:func:`osm_plants` groups the OSM ``power=generator`` units of
``kr_osm_generators.csv`` (ODbL) into plants; :func:`relocate` matches every
GPPD row to one of them and moves the row's point there when the match lies
farther than :data:`MOVE_KM`.

The rule, in order (details at each constant):

1. *Name*: the GPPD name and the OSM plant's name stem agree after
   normalisation (:func:`name_key`, :data:`NAME_ALIASES`).
2. *On site*: an OSM unit of the same fuel (:data:`FUEL_TO_OSM`) lies within
   :data:`MOVE_KM` of the GPPD point. The row is confirmed and claims its
   capacity at that plant; several rows may share one OSM plant.
3. *Capacity*: the nearest OSM plant of the fuel within :data:`MATCH_KM`
   that no row matched by rules 1-2 and whose capacity is within
   :data:`CAPACITY_TOLERANCE` of the row's (closest pairs first, each OSM
   plant taken once). Only whole unmatched plants count: capacity an OSM
   plant has beyond its GPPD rows is mostly units newer than GPPD (Dangjin
   and Taean 9-10), not a misplaced row.

A matched row farther than :data:`MOVE_KM` from its plant moves to the
capacity-weighted centre of the plant's units. A GPPD row that covers units
OSM places at two sites stays whole at its point (it is "on site" at one of
them): splitting it would need a plant id and a unit capacity GPPD does not
give; the build log names the unmatched OSM plant next to it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from korea_renewables import CLUSTER_KM
from korea_supply import assign_province, chain_within, to_metric

from siting.settings import GEOGRAPHIC_CRS, KOREA_METRIC_CRS

__all__ = ["osm_plants", "relocate", "name_key", "similar", "MOVE_KM", "REPORT_KM"]

#: GPPD fuel (lower case) -> OSM ``source`` of the same fuel. GPPD's solar,
#: waste and wave-and-tidal rows have no counterpart: the extract has no such
#: generators.
FUEL_TO_OSM: Final[dict[str, str]] = {
    f: f for f in ("coal", "gas", "oil", "nuclear", "hydro", "wind", "biomass")
}

#: OSM units of one source chained within this distance form one plant, km
#: (ASSUMPTION, read off the extract: the widest gap between units of one plant
#: is 0.58 km (Incheon gas), the narrowest between two plants 0.63 km (Taean
#: IGCC beside Taean's coal units; then Donghae beside Bukpyeong, 0.64 km, and
#: Kori 1-4 beside Shin-Kori 1-2, 0.79 km). Range 0.58-1 km gives the same
#: moves; below 0.58 km a lone 450 MW unit of the Incheon site becomes a plant
#: of its own and Bucheon Power (473 MW, Gyeonggi) would move 12.7 km onto it,
#: into Incheon.
#: Units with one name stem are one plant whatever the gap; units with
#: different stems never join.
UNIT_KM: Final[float] = 0.6

#: Wind turbines stand farther apart than thermal units: wind farms chain
#: within the renewables build's cluster distance (``korea_renewables.CLUSTER_KM``).
UNIT_KM_BY_SOURCE: Final[dict[str, float]] = {"wind": CLUSTER_KM}

#: A GPPD row within this distance of an OSM unit of its fuel is on that plant;
#: a matched row farther than this from its plant is moved, km (ASSUMPTION:
#: a large station spans about a kilometre; range 0.5-2 km gives the same
#: moves in this data).
MOVE_KM: Final[float] = 1.0

#: Rule 3 looks this far for a free OSM plant of similar capacity, km
#: (ASSUMPTION: some GPPD points stand at a county seat or a project office
#: rather than at the plant; Taegisan wind is 16.4 km from the nearest turbine
#: of the only 40 MW wind farm OSM maps near it. Range 10-50 km: below 16.4 km
#: that move is not made; no other move appears up to 50 km).
MATCH_KM: Final[float] = 25.0

#: Capacities are similar when they differ by at most this share of the
#: larger, |a - b| <= tol * max(a, b) (ASSUMPTION: GPPD is of 2017-2019, OSM
#: tags gross unit ratings and newer units; range 0.1-0.3: 0.1-0.25 give the
#: same moves; at 0.3 Jeju Self-Governing wind, 15 MW, would move 7 km onto a
#: 21 MW OSM farm).
CAPACITY_TOLERANCE: Final[float] = 0.25

#: Every GPPD row farther than this from a same-fuel OSM plant of similar
#: capacity is moved or listed with the reason it stays, km (issue 19).
REPORT_KM: Final[float] = 5.0

#: Romanisations of one name (word -> the spelling GPPD uses).
NAME_ALIASES: Final[dict[str, str]] = {
    "gori": "kori",
    "wolseong": "wolsong",
    "yeonggwang": "hanbit",
    "yonggwang": "hanbit",
    "uljin": "hanul",
}

#: A unit number at the end of a name ("WOLSONG-2", "Unit 3").
UNIT_SUFFIX: Final[str] = r"[\s_#-]*\d+$"

#: Words that do not name a plant.
GENERIC_WORDS: Final[frozenset[str]] = frozenset({"power", "station", "plant", "unit", "units", "npp"})


def name_key(name: str) -> str:
    """A plant name reduced for comparison: lower case, words only, aliases applied.

    Parenthesised parts, unit numbers and generic words go.

    Examples
    --------
    >>> name_key("WOLSONG-2"), name_key("Wolseong"), name_key("Shin-Gori")
    ('wolsong', 'wolsong', 'shinkori')
    """
    text = re.sub(r"\(.*?\)", " ", str(name).lower())
    text = re.sub(UNIT_SUFFIX, "", text.strip())
    words = [NAME_ALIASES.get(w, w) for w in re.findall(r"[a-z]+", text) if w not in GENERIC_WORDS]
    return "".join(words)


def similar(a: float | np.ndarray, b: float | np.ndarray) -> np.ndarray:
    """Whether capacities ``a`` and ``b`` agree within :data:`CAPACITY_TOLERANCE` (both > 0)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return (a > 0) & (b > 0) & (np.abs(a - b) <= CAPACITY_TOLERANCE * np.maximum(a, b))


def osm_plants(csv: Path) -> gpd.GeoDataFrame:
    """The OSM generator units of ``csv`` grouped into plants (EPSG:5179).

    Columns: ``source``, ``osm_ids`` (``type/id;...``), ``n``, ``mw`` (tagged
    MW summed; untagged units count 0), ``name`` (the name stem, "" when
    unnamed), ``key`` (:func:`name_key` of it), ``members`` (MultiPoint of
    the units) and the capacity-weighted centre as geometry (plain mean when
    nothing is tagged).
    """
    osm = pd.read_csv(csv, dtype={"osm_id": str})
    osm["mw"] = pd.to_numeric(osm["power_output_MW"], errors="coerce").fillna(0.0)
    osm["stem"] = osm["name"].fillna("").astype(str).str.replace(UNIT_SUFFIX, "", regex=True).str.strip()
    pts = gpd.GeoDataFrame(osm, geometry=gpd.points_from_xy(osm["lon"], osm["lat"]), crs=GEOGRAPHIC_CRS)
    pts = to_metric(pts)
    pts = pts.assign(_id=pts["osm_id"].astype(np.int64)).sort_values("_id").reset_index(drop=True)
    rows = []
    for source, grp in pts.groupby("source", sort=True):
        stem = grp["stem"].to_numpy()
        same = [(i, j) for i in range(len(grp)) for j in range(i) if stem[i] and stem[i] == stem[j]]
        groups = chain_within(
            grp.geometry.values,
            UNIT_KM_BY_SOURCE.get(str(source), UNIT_KM),
            allow=lambda a, b, s=stem: (s[a] == s[b]) | (s[a] == "") | (s[b] == ""),
            join=same,
        )
        rows += [_plant_row(str(source), grp.iloc[g]) for g in groups]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=KOREA_METRIC_CRS)


def _plant_row(source: str, units: gpd.GeoDataFrame) -> dict:
    """One OSM plant from its units."""
    w = units["mw"].to_numpy() if units["mw"].sum() > 0 else np.ones(len(units))
    x, y = units.geometry.x.to_numpy(), units.geometry.y.to_numpy()
    name = next((s for s in units["stem"] if s), "")
    return {
        "source": source,
        "osm_ids": ";".join(f"{t}/{i}" for t, i in zip(units["osm_type"], units["_id"], strict=True)),
        "n": len(units),
        "mw": float(units["mw"].sum()),
        "name": name,
        "key": name_key(name) if name else "",
        "members": shapely.MultiPoint(list(units.geometry.values)),
        "geometry": shapely.Point(float(np.average(x, weights=w)), float(np.average(y, weights=w))),
    }


def unit_km(points: gpd.GeoDataFrame, fuels: pd.Series, plants: gpd.GeoDataFrame) -> np.ndarray:
    """km from each point to the nearest unit of each OSM plant of its fuel (inf for other fuels).

    Rows follow ``points``, columns ``plants`` (both in any CRS).
    """
    pts = np.asarray(to_metric(points).geometry.values)
    members = np.asarray(gpd.GeoSeries(plants["members"], crs=plants.crs).to_crs(KOREA_METRIC_CRS).values)
    km = shapely.distance(pts[:, None], members[None, :]) / 1000.0
    same = fuels.map(FUEL_TO_OSM).to_numpy()[:, None] == plants["source"].to_numpy()[None, :]
    return np.where(same, km, np.inf)


def match(gppd: gpd.GeoDataFrame, plants: gpd.GeoDataFrame) -> pd.DataFrame:
    """The OSM plant each GPPD row matches (rules 1-3 of the module docstring).

    Returns, indexed like ``gppd``: ``osm`` (position in ``plants``, -1 when
    none), ``how`` ("name", "site", "capacity" or "") and ``km`` (to the
    nearest unit of the match; else to the nearest OSM plant of the fuel,
    inf when there is none).
    """
    km = unit_km(gppd, gppd["fuel"], plants)
    keys = gppd["name"].map(name_key).to_numpy()
    osm = np.full(len(gppd), -1)
    how = np.full(len(gppd), "", dtype=object)
    for i in range(len(gppd)):
        named = np.flatnonzero((plants["key"].to_numpy() == keys[i]) & np.isfinite(km[i]) & (keys[i] != ""))
        near = int(np.argmin(km[i])) if np.isfinite(km[i]).any() else -1
        if len(named):
            osm[i], how[i] = named[np.argmin(km[i, named])], "name"
        elif near >= 0 and km[i, near] <= MOVE_KM:
            osm[i], how[i] = near, "site"
    cap = gppd["capacity_mw"].to_numpy(dtype=float)
    mw = plants["mw"].to_numpy(dtype=float)
    rows, cols = np.nonzero((km <= MATCH_KM) & (osm[:, None] < 0) & similar(cap[:, None], mw[None, :]))
    taken = set(osm[osm >= 0].tolist())
    for k in np.lexsort((cols, rows, km[rows, cols])):
        i, j = int(rows[k]), int(cols[k])
        if osm[i] < 0 and j not in taken:
            osm[i], how[i] = j, "capacity"
            taken.add(j)
    dist = np.where(osm >= 0, km[np.arange(len(gppd)), np.maximum(osm, 0)], km.min(axis=1, initial=np.inf))
    return pd.DataFrame({"osm": osm, "how": how, "km": dist}, index=gppd.index)


def relocate(
    plants: gpd.GeoDataFrame, osm_csv: Path, *, provinces: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Move GPPD rows to their OSM plant; say where every point came from.

    Parameters
    ----------
    plants : GeoDataFrame
        GPPD rows: ``plant_id``, ``name``, ``fuel``, ``capacity_mw``, points.
    osm_csv : Path
        ``kr_osm_generators.csv``.
    provinces : GeoDataFrame
        ``code``, polygons (for the report's from/to province).

    Returns
    -------
    (GeoDataFrame, DataFrame)
        ``plants`` (same CRS) with ``location_source`` ("gppd" or
        "osm:<osm ids>") and ``moved_km`` (0 when not moved); the report of
        every row (:func:`site_report`, plus ``from_province``,
        ``to_province`` and ``moved_km``), whose ``attrs["log"]`` holds the
        build-log lines.
    """
    osm = osm_plants(osm_csv)
    m = match(plants, osm)
    moved = (m["osm"] >= 0) & (m["km"] > MOVE_KM)
    target = gpd.GeoSeries(osm.geometry.iloc[m.loc[moved, "osm"]].values, index=m.index[moved], crs=osm.crs)
    out = plants.copy()
    out["location_source"] = "gppd"
    out["moved_km"] = 0.0
    out.loc[moved, "moved_km"] = (to_metric(plants.loc[moved]).distance(target) / 1000.0).round(3)
    out.loc[moved, "location_source"] = "osm:" + osm["osm_ids"].iloc[m.loc[moved, "osm"]].to_numpy()
    geom = out.geometry.copy()
    geom.loc[moved] = target.to_crs(plants.crs)
    out = out.set_geometry(geom)
    report = site_report(plants, osm, m)
    report["from_province"] = assign_province(plants, provinces)["province"]
    report["to_province"] = assign_province(out, provinces)["province"]
    report["moved_km"] = out["moved_km"]
    report.attrs["log"] = _log(osm, m, report) + _unmatched(osm, m, report, provinces)
    return out, report


def site_report(gppd: gpd.GeoDataFrame, osm: gpd.GeoDataFrame, m: pd.DataFrame) -> pd.DataFrame:
    """Each GPPD row's match, and why a row far from any similar OSM plant stays.

    A GeoDataFrame at the GPPD points with ``plant_id``, ``name``, ``fuel``,
    ``capacity_mw``, ``how``, ``osm_ids``, ``osm_mw`` (of the match), ``km``
    (see :func:`match`), ``similar_km`` (km to the nearest unit of a same-fuel
    OSM plant of similar capacity, inf when none), ``listed`` (not moved and
    ``similar_km`` > :data:`REPORT_KM`) and ``reason`` (for listed rows).
    """
    km = unit_km(gppd, gppd["fuel"], osm)
    sim = np.where(
        similar(gppd["capacity_mw"].to_numpy(float)[:, None], osm["mw"].to_numpy()[None, :]), km, np.inf
    )
    rep = gppd[["plant_id", "name", "fuel", "capacity_mw", gppd.geometry.name]].copy()
    rep["how"] = m["how"]
    rep["osm_ids"] = np.where(m["osm"] >= 0, osm["osm_ids"].to_numpy()[np.maximum(m["osm"], 0)], "")
    rep["osm_mw"] = np.where(m["osm"] >= 0, osm["mw"].to_numpy()[np.maximum(m["osm"], 0)], np.nan)
    rep["km"] = m["km"].round(3)
    rep["similar_km"] = sim.min(axis=1, initial=np.inf).round(3)
    rep["listed"] = ~((m["osm"] >= 0) & (m["km"] > MOVE_KM)) & (rep["similar_km"] > REPORT_KM)
    rep["reason"] = ""
    for i in rep.index[rep["listed"]]:
        rep.loc[i, "reason"] = _reason(rep, i, osm, m, km[rep.index.get_loc(i)])
    return rep


def _reason(rep: pd.DataFrame, i: object, osm: gpd.GeoDataFrame, m: pd.DataFrame, km: np.ndarray) -> str:
    """Why row ``i`` stays at its GPPD point; ``km`` is its row of :func:`unit_km`."""
    fuel, cap = rep.loc[i, "fuel"], float(rep.loc[i, "capacity_mw"])
    if fuel not in FUEL_TO_OSM:
        return f"no counterpart: the OSM extract has no {fuel} generators"
    if not np.isfinite(km).any() or km.min() > MATCH_KM:
        return f"no counterpart: no OSM {fuel} plant within {MATCH_KM:g} km (nearest {km.min():.0f} km)"
    j = int(m.loc[i, "osm"]) if m.loc[i, "osm"] >= 0 else int(np.argmin(km))
    others = rep.loc[(m["osm"] == j) & (rep.index != i), "name"].tolist()
    shared = f", shared with GPPD {', '.join(others)}" if others else ""
    plant = f"OSM {fuel} plant of {osm.loc[j, 'mw']:,.0f} MW tagged ({osm.loc[j, 'n']} units){shared}"
    if m.loc[i, "osm"] < 0:
        return (
            f"capacity mismatch: nearest {plant}, {km[j]:.1f} km; "
            f"no unmatched OSM {fuel} plant within {MATCH_KM:g} km of similar capacity"
        )
    return f"on site: on an {plant}, {km[j]:.2f} km: the point is confirmed, GPPD's {cap:,.0f} MW differs"


def _log(osm: gpd.GeoDataFrame, m: pd.DataFrame, rep: pd.DataFrame) -> list[str]:
    """Build-log lines: counts, then every move and every listed row as Markdown table rows."""
    moved = rep["moved_km"] > 0
    log = [
        f"OSM plants (units within {UNIT_KM:g} km, wind {CLUSTER_KM:g} km, or one name stem): "
        + ", ".join(f"{k} {v}" for k, v in osm["source"].value_counts().sort_index().items()),
        "GPPD rows matched to an OSM plant: "
        + ", ".join(
            f"by {k} {v}" for k, v in rep["how"].replace("", "none").value_counts().sort_index().items()
        )
        + f"; moved (match farther than {MOVE_KM:g} km): {int(moved.sum())}",
        "moves (| plant | name | fuel | MW | from -> to | km | OSM match |):",
    ]
    for _, r in rep[moved].sort_values("plant_id").iterrows():
        log.append(
            f"| {r['plant_id']} | {r['name']} | {r['fuel']} | {r['capacity_mw']:,.1f} | "
            f"{r['from_province']} → {r['to_province']} | {r['moved_km']:.2f} | "
            f"{r['how']}: {_short(r['osm_ids'])} ({r['osm_mw']:,.0f} MW tagged) |"
        )
    log.append(
        f"kept farther than {REPORT_KM:g} km from a same-fuel OSM plant of similar capacity "
        "(| plant | name | fuel | MW | province | km to nearest OSM plant of the fuel | reason |):"
    )
    for _, r in rep[rep["listed"]].sort_values(["fuel", "plant_id"]).iterrows():
        near = "–" if not np.isfinite(r["km"]) else f"{r['km']:.1f}"
        log.append(
            f"| {r['plant_id']} | {r['name']} | {r['fuel']} | {r['capacity_mw']:,.1f} | "
            f"{r['from_province']} | {near} | {r['reason']} |"
        )
    return log


def _short(osm_ids: str) -> str:
    """``type/id;...`` as the first id and the count of the others."""
    ids = osm_ids.split(";")
    return ids[0] + (f" and {len(ids) - 1} more" if len(ids) > 1 else "")


def _unmatched(
    osm: gpd.GeoDataFrame, m: pd.DataFrame, rep: pd.DataFrame, provinces: gpd.GeoDataFrame
) -> list[str]:
    """Log lines for the OSM plants (not wind: those are renewables sites) that no GPPD row matches.

    Each names the nearest GPPD row of its fuel within :data:`REPORT_KM` that
    is on another OSM plant of less capacity than GPPD gives it: that row
    probably covers units of both (kept whole, see the module docstring).
    """
    free = osm[~np.isin(np.arange(len(osm)), m["osm"]) & (osm["source"] != "wind")]
    prov = assign_province(gpd.GeoDataFrame(geometry=free.geometry, crs=osm.crs), provinces)["province"]
    lines = []
    for j, p in free.iterrows():
        text = (
            f"OSM {p['source']} plant without a GPPD row: {p['mw']:,.0f} MW, {p['n']} units, "
            f"{prov[j]}, {p['osm_ids']}"
        )
        on = rep[(rep["fuel"].map(FUEL_TO_OSM) == p["source"]) & (m["osm"] >= 0)]
        d = to_metric(on).distance(p["members"]) / 1000
        over = on["capacity_mw"] > on["osm_mw"]
        if (over & (d <= REPORT_KM)).any():
            i = d[over & (d <= REPORT_KM)].idxmin()
            text += (
                f"; GPPD {on.loc[i, 'name']} ({on.loc[i, 'plant_id']}, {on.loc[i, 'capacity_mw']:,.0f} MW), "
                f"{d[i]:.1f} km away, is on an OSM plant of {on.loc[i, 'osm_mw']:,.0f} MW: "
                "it probably covers units of both; kept whole at its point"
            )
        lines.append(text)
    return lines
