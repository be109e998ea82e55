"""Korean ``plants`` layer for ``data/geo/``: every GPPD plant, with supply for new load.

Imported by ``scripts/build_korea.py``; nothing in the library imports it.
:func:`build_plants` reads every plant of the WRI Global Power Plant Database
(GPPD v1.3, CC BY 4.0) for Korea with :func:`siting.read_gppd` and adds a
province, an export region, the nearest grid bus and ``supply_mw`` (MW
available to new load).

Rules, in brief (details at each constant):

* Pumped storage: a GPPD ``Hydro`` row is ``pumped_storage`` when WRI's raw
  country source (``kor_wri_raw_source_South_Korea.csv``, same plant id without
  the ``WRI`` prefix) gives ``Generator Technology = "Pumped Storage"``. The
  OSM extract has no ``method=pumped`` generator, so it adds nothing here.
* Offshore wind: a GPPD ``Wind`` row is ``offshore_wind`` when the raw source
  says ``"Offshore Wind"`` (OSM wind farms: see :mod:`korea_renewables`).
* Location: a GPPD point moves to the OpenStreetMap plant of the same fuel
  that it matches by name, or by capacity within a few km, when that plant
  lies farther than a kilometre (:mod:`korea_plant_sites`);
  ``location_source`` and ``moved_km`` say where each point came from.
* ``supply_mw``: 0 for renewable fuels (they are in the renewables layer);
  conventional plants in an export region share that region's held-back
  generation (KBS 2025-06-20) in proportion to capacity; other conventional
  plants get ``settings.PLANT_SPARE_FRACTION`` of capacity.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
from korea_plant_sites import relocate
from korea_supply import add_note, assign_province, check_inputs, nearest, split_kw, to_metric

import siting
from siting.datasets import KOREA_HELD_BACK_MW as HELD_BACK_MW
from siting.settings import GEOGRAPHIC_CRS, PLANT_SPARE_FRACTION

__all__ = ["build_plants", "PLANT_COLUMNS"]

#: Export regions (ASSUMPTION, defined geographically, not by a list of plant
#: names): ``east_coast`` = conventional plants in Gangwon (KR-42), or in
#: Gyeongbuk (KR-47) north of 36.5 N; ``west_coast`` = conventional plants in
#: Chungnam (KR-44) west of 126.75 E.
EAST_COAST_GYEONGBUK_MIN_LAT: Final[float] = 36.5
WEST_COAST_CHUNGNAM_MAX_LON: Final[float] = 126.75

#: GPPD fuels that are conventional generation (supply for new load at nodes).
CONVENTIONAL_FUELS: Final[tuple[str, ...]] = ("coal", "gas", "oil", "nuclear", "biomass", "waste")

#: Two GPPD rows of the same fuel closer than this share a location; one of
#: them is probably misplaced (noted, not moved).
COINCIDENT_M: Final[float] = 50.0

#: Known GPPD quirks (``../shared/realdata/README.md``), checked against the
#: data at build time: plant id -> province code the *name* points to.
#: "Shinan" is a county of Jeonnam; GPPD places the point in Gangwon, where
#: OSM maps two wind turbines on it (so the site rule keeps it there).
NAME_PROVINCE_QUIRKS: Final[dict[str, str]] = {"WRI1029932": "KR-46"}

RAW_SOURCE_NAME: Final[str] = "kor_wri_raw_source_South_Korea.csv"

#: The OSM generators, relative to the GPPD file's folder.
OSM_GENERATORS_RELATIVE: Final[Path] = Path("..") / "osm_pypsa_kr" / "kr_osm_generators.csv"

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
    "location_source",
    "moved_km",
    "geometry",
]


def build_plants(
    gppd_csv: Path,
    *,
    buses: gpd.GeoDataFrame,
    provinces: gpd.GeoDataFrame,
    raw_source_csv: Path | None = None,
    osm_generators_csv: Path | None = None,
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
    osm_generators_csv : Path, optional
        OSM ``power=generator`` units (ODbL); default
        ``../osm_pypsa_kr/kr_osm_generators.csv`` from ``gppd_csv``'s folder.
        A point moves to the OSM plant it matches (:mod:`korea_plant_sites`).

    Returns
    -------
    GeoDataFrame
        EPSG:4326, sorted by ``plant_id``; columns :data:`PLANT_COLUMNS`.
        ``province``: point in polygon, else the nearest polygon with
        ``province_distance_km`` > 0. ``substation_id``/``bus_distance_km``:
        nearest bus of any kind, in EPSG:5179. ``supply_mw``: see the module
        docstring. ``location_source``: "gppd", or "osm:<osm ids>" for a
        point moved to its OSM plant (``moved_km`` from the GPPD point, 0 when
        not moved). ``note``: quirks found in the sources, and the GPPD point
        of a moved row. ``attrs["build_log"]``: what the raw source added,
        every move and every row kept far from OSM, with its reason;
        ``attrs["sites"]``: the site report of
        :func:`korea_plant_sites.site_report`.
    """
    check_inputs(buses, provinces)
    gppd_csv = Path(gppd_csv)
    raw_path = Path(raw_source_csv) if raw_source_csv is not None else gppd_csv.with_name(RAW_SOURCE_NAME)
    osm_path = (
        Path(osm_generators_csv)
        if osm_generators_csv is not None
        else gppd_csv.parent / OSM_GENERATORS_RELATIVE
    )
    plants, log = _enrich(siting.read_gppd(gppd_csv, country="KOR"), _raw_source(raw_path))
    plants, sites = relocate(plants, osm_path, provinces=provinces)
    log += sites.attrs["log"]
    plants = plants.join(assign_province(plants, provinces))
    bus = nearest(plants, buses, "substation_id").rename(columns={"distance_km": "bus_distance_km"})
    plants = plants.join(bus)
    plants["export_region"] = _export_regions(plants)
    plants["supply_mw"] = _supply(plants)
    plants["note"] = _notes(plants, sites)
    plants = plants.sort_values("plant_id", kind="stable").reset_index(drop=True)
    out = gpd.GeoDataFrame(plants[PLANT_COLUMNS], geometry="geometry", crs=GEOGRAPHIC_CRS)
    out.attrs["build_log"] = log
    out.attrs["sites"] = sites
    return out


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


def _enrich(plants: gpd.GeoDataFrame, raw: pd.DataFrame) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Technology, owner and commissioning year from WRI's raw source (matched by id, confirmed by name)."""
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
    return plants, log


def _export_regions(plants: gpd.GeoDataFrame) -> np.ndarray:
    """``east_coast``, ``west_coast`` or empty for each plant (ASSUMPTION, geographic)."""
    conventional = plants["fuel"].isin(CONVENTIONAL_FUELS)
    x, y = plants.geometry.x, plants.geometry.y
    east = conventional & (
        (plants["province"] == "KR-42")
        | ((plants["province"] == "KR-47") & (y > EAST_COAST_GYEONGBUK_MIN_LAT))
    )
    west = conventional & (plants["province"] == "KR-44") & (x < WEST_COAST_CHUNGNAM_MAX_LON)
    return np.select([east, west], ["east_coast", "west_coast"], default="")


def _supply(plants: gpd.GeoDataFrame) -> np.ndarray:
    """MW available to new load (see the module docstring)."""
    conventional = plants["fuel"].isin(CONVENTIONAL_FUELS)
    supply = np.where(conventional, plants["capacity_mw"] * PLANT_SPARE_FRACTION, 0.0)
    for region, held in HELD_BACK_MW.items():
        members = (plants["export_region"] == region).to_numpy()
        cap = plants.loc[members, "capacity_mw"].to_numpy()
        if cap.sum() > 0:
            supply[members] = split_kw(held, cap)
    return np.round(supply, 3)


def _notes(plants: gpd.GeoDataFrame, sites: pd.DataFrame) -> pd.Series:
    """Moves, and quirks of the sources noted and not corrected: names that point elsewhere, shared points."""
    notes = pd.Series("", index=plants.index, dtype=object)
    for i in plants.index[plants["moved_km"] > 0]:
        r = sites.loc[i]
        notes[i] = (
            f"moved {r['moved_km']:.2f} km from the GPPD point ({r['from_province']}) to the OSM "
            f"{r['fuel']} plant it matches by {r['how']} ({r['osm_mw']:,.0f} MW tagged)"
        )
    for pid, named in NAME_PROVINCE_QUIRKS.items():
        for i in plants.index[(plants["plant_id"] == pid) & (plants["province"] != named)]:
            r = sites.loc[i]
            why = (
                f"an OSM {r['fuel']} plant stands on it ({r['osm_mw']:,.0f} MW tagged, {r['km']:.2f} km) "
                "and OSM names none after the place"
                if r["how"] == "site"
                else "no OSM plant of the fuel matches elsewhere"
            )
            text = f"name points to {named} but the point lies in {plants.loc[i, 'province']}; kept: {why}"
            notes[i] = add_note(notes[i], text)
    m = to_metric(plants)
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
        notes[idx] = add_note(notes[idx], text)
    return notes
