"""A small synthetic region for tests: four provinces in a row, seven substations.

Province KR-T1 is the 'capital region' (excluded by default). Coordinates are
near 36 N, 127 E so the Korean metric CRS applies. Everything is written by
the tests; nothing is downloaded.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import pandas as pd
import shapely


def provinces() -> gpd.GeoDataFrame:
    boxes = [shapely.box(126.0 + 0.5 * i, 36.0, 126.5 + 0.5 * i, 36.5) for i in range(4)]
    return gpd.GeoDataFrame(
        {
            "code": ["KR-T1", "KR-T2", "KR-T3", "KR-T4"],
            "name": ["Capital", "West", "Middle", "East"],
            "name_ko": ["수도", "서", "중", "동"],
            "capital_region": [True, False, False, False],
        },
        geometry=boxes,
        crs="EPSG:4326",
    )


def substations() -> gpd.GeoDataFrame:
    rows = [
        ("s-cap", "Capital", 345, 126.25, 36.25),
        ("s-west", "West", 345, 126.70, 36.25),
        ("s-west2", "West Two", 154, 126.85, 36.40),
        ("s-mid", "Middle", 154, 127.25, 36.25),
        ("s-mid2", "Middle Two", 154, 127.30, 36.10),
        ("s-east", "East", 345, 127.75, 36.25),
        ("s-east2", "East Two", 154, 127.90, 36.40),
    ]
    df = pd.DataFrame(rows, columns=["substation_id", "name", "voltage_kv", "lon", "lat"])
    df["headroom_mw"] = [0, 300, 100, 150, 100, 400, 100]
    return gpd.GeoDataFrame(
        df.drop(columns=["lon", "lat"]), geometry=gpd.points_from_xy(df.lon, df.lat), crs="EPSG:4326"
    )


def lines() -> pd.DataFrame:
    rows = [
        ("L1", "s-cap", "s-west", 345, 2, 0.0),
        ("L2", "s-west", "s-west2", 154, 1, 200.0),
        ("L3", "s-west", "s-mid", 345, 1, 250.0),
        ("L4", "s-mid", "s-mid2", 154, 1, 100.0),
        ("L5", "s-mid", "s-east", 345, 1, 300.0),
        ("L6", "s-east", "s-east2", 154, 1, 150.0),
        ("L7", "s-west2", "s-east2", 154, 1, 80.0),
    ]
    return pd.DataFrame(
        rows, columns=["line_id", "from_id", "to_id", "voltage_kv", "circuits", "residual_mw"]
    )


def renewables() -> gpd.GeoDataFrame:
    rows = [
        ("r-solar", "solar", 400.0, 0.15, "operating", 127.2, 36.3),
        ("r-wind", "onshore_wind", 300.0, 0.25, "operating", 127.85, 36.35),
        ("r-hydro", "hydro", 50.0, 0.2, "planned", 126.8, 36.2),
    ]
    df = pd.DataFrame(
        rows, columns=["site_id", "technology", "capacity_mw", "capacity_factor", "status", "lon", "lat"]
    )
    return gpd.GeoDataFrame(
        df.drop(columns=["lon", "lat"]), geometry=gpd.points_from_xy(df.lon, df.lat), crs="EPSG:4326"
    )


def plants() -> gpd.GeoDataFrame:
    rows = [
        ("p-cap", "lng", 2000.0, 500.0, 126.26, 36.26),
        ("p-west", "coal", 1000.0, 350.0, 126.71, 36.26),
        ("p-east", "nuclear", 2000.0, 400.0, 127.76, 36.26),
    ]
    df = pd.DataFrame(rows, columns=["plant_id", "fuel", "capacity_mw", "supply_mw", "lon", "lat"])
    return gpd.GeoDataFrame(
        df.drop(columns=["lon", "lat"]), geometry=gpd.points_from_xy(df.lon, df.lat), crs="EPSG:4326"
    )


#: Scenario fields where only the middle province may host (s-mid, s-mid2 in reach), imports over L3/L5.
MIDDLE_ONLY = dict(
    target_mw=200,
    grid_spacing_km=5,
    exclude_provinces=("KR-T1", "KR-T2", "KR-T4"),
    min_host_provinces=1,
    province_share_cap=1.0,
    renewable_share=0.0,
    renewable_build=(),  # no new build: its peak credit would add supply
    tiers_mw=(50, 100),
    max_connection_km={154: 5, 345: 5},  # only s-mid and s-mid2 are in reach
)

#: Solver settings tight enough that two optima compare at 1e-6.
EXACT = dict(mip_gap=1e-9, time_limit_s=120)


def hvdc_layers() -> dict:
    """Toy layers with corridor L5 cut to 30 MW and an HVDC link s-east -> s-mid2 around it."""
    out = layers()
    lines = out["lines"]
    lines["residual_mw"] = [
        30.0 if lid == "L5" else r for lid, r in zip(lines["line_id"], lines["residual_mw"], strict=True)
    ]
    hvdc = pd.DataFrame(
        [
            dict(
                line_id="H1",
                from_id="s-east",
                to_id="s-mid2",
                voltage_kv=154,
                circuits=1,
                kind="hvdc",
                capacity_mw=200.0,
                residual_mw=100.0,
            )
        ]
    )
    out["lines"] = pd.concat([lines, hvdc], ignore_index=True)
    return out


def layers() -> dict:
    return {
        "provinces": provinces(),
        "substations": substations(),
        "lines": lines(),
        "renewables": renewables(),
        "plants": plants(),
    }


def line_limited(**changes):
    """Infeasible at 200 MW: only the middle province is in reach and line L3 limits its imports.

    Local supply is 20 MW (400 MW solar x 0.05 peak credit) plus 50 MW through L3. Returns
    ``(data, scenario)``; ``changes`` replace scenario fields.
    """
    import siting

    layers_ = layers()
    lines_ = layers_["lines"]
    lines_.loc[lines_.line_id == "L3", "residual_mw"] = 50.0
    lines_.loc[lines_.line_id == "L5", "residual_mw"] = 0.0
    return siting.SitingData(**layers_), siting.Scenario(**MIDDLE_ONLY).replace(**changes)


#: Extra renewables for :func:`renewable_layers` (``renewables=[...]``):
#: a solar farm in the east province (KR-T4) at s-east (its wind farm is at s-east2),
SOLAR_EAST = ("r-solar-east", "solar", 200.0, 0.14, "operating", 127.72, 36.22)
#: an onshore wind farm in the west province (KR-T2) at s-west2.
WIND_WEST = ("r-wind-west", "onshore_wind", 100.0, 0.2, "operating", 126.95, 36.45)


def renewable_layers(
    *,
    surplus_mw: dict[str, float] | None = None,
    max_mw: dict[str, dict[str, float]] | None = None,
    renewables: Sequence[tuple] = (),
    residual_mw: dict[str, float] | None = None,
) -> dict:
    """Toy layers with a stated renewable surplus and new-build potentials by province.

    Parameters
    ----------
    surplus_mw : dict, optional
        Province code -> ``renewable_surplus_mw`` (average MW; 0 elsewhere).
    max_mw : dict, optional
        Technology -> {province code -> MW}: the provinces' ``<technology>_max_mw``
        (empty elsewhere: no limit).
    renewables : list of tuple
        Extra renewables ``(site_id, technology, capacity_mw, capacity_factor, status, lon, lat)``
        (as in :func:`renewables`).
    residual_mw : dict, optional
        Line id -> residual capacity, replacing the toy's.
    """
    out = layers()
    prov = out["provinces"]
    prov["renewable_surplus_mw"] = prov["code"].map(surplus_mw or {}).fillna(0.0)
    for tech, by_code in (max_mw or {}).items():
        prov[f"{tech}_max_mw"] = prov["code"].map(by_code)
    if renewables:
        cols = ["site_id", "technology", "capacity_mw", "capacity_factor", "status", "lon", "lat"]
        extra = pd.DataFrame(list(renewables), columns=cols)
        extra = gpd.GeoDataFrame(
            extra.drop(columns=["lon", "lat"]),
            geometry=gpd.points_from_xy(extra.lon, extra.lat),
            crs="EPSG:4326",
        )
        out["renewables"] = pd.concat([out["renewables"], extra], ignore_index=True)
    lines_ = out["lines"]
    lines_["residual_mw"] = [
        (residual_mw or {}).get(lid, r)
        for lid, r in zip(lines_["line_id"], lines_["residual_mw"], strict=True)
    ]
    return out
