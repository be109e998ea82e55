"""Where the bundled plants stand: the OSM site rule of ``scripts/korea_plant_sites.py``.

Toy cases check the rule itself; the bundled ``plants.csv`` and its README
section are checked against each other, and, where the raw OSM extract is
present (``../shared/realdata``), against the issue's acceptance: every plant
farther than 5 km from a same-fuel OSM plant of similar capacity is moved or
listed in the README with its reason.
"""

import re
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from siting.datasets import bundled_path
from siting.settings import GEOGRAPHIC_CRS, KOREA_METRIC_CRS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import korea_plant_sites as sites  # noqa: E402

OSM_CSV = ROOT.parent / "shared" / "realdata" / "osm_pypsa_kr" / "kr_osm_generators.csv"
KM_LAT = 1 / 111.0  # degrees of latitude per km, near enough for toy layouts
#: plants.csv keeps 5 decimals of lon/lat (build_korea's COORD_DECIMALS): about 1 m
CSV_PRECISION_M = 2.0
PLANT_ID = re.compile(r"^\| (W[A-Z]{2}\d+) \|", re.MULTILINE)


def _osm(tmp_path: Path, units: list[tuple[int, str, str, float, float, float]]) -> Path:
    """A toy ``kr_osm_generators.csv``: (osm_id, name, source, MW, lon, lat) per unit."""
    rows = [
        {"osm_id": i, "osm_type": "node", "name": n, "source": s, "power_output_MW": mw, "lon": x, "lat": y}
        for i, n, s, mw, x, y in units
    ]
    path = tmp_path / "osm.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _gppd(rows: list[tuple[str, str, str, float, float, float]]) -> gpd.GeoDataFrame:
    """Toy GPPD rows: (plant_id, name, fuel, MW, lon, lat)."""
    df = pd.DataFrame(rows, columns=["plant_id", "name", "fuel", "capacity_mw", "lon", "lat"])
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df.lon, df.lat), crs=GEOGRAPHIC_CRS)


@pytest.fixture
def toy(tmp_path):
    """Two provinces split at 127.5 E; OSM coal, nuclear (named), wind and gas; six GPPD rows."""
    provinces = gpd.GeoDataFrame(
        {"code": ["KR-W", "KR-E"]},
        geometry=[shapely.box(126, 35, 127.5, 37), shapely.box(127.5, 35, 129, 37)],
        crs=GEOGRAPHIC_CRS,
    )
    osm = _osm(
        tmp_path,
        [
            (1, "", "coal", 500, 127.0, 36.0),
            (2, "", "coal", 500, 127.0, 36.0 + 0.3 * KM_LAT),  # same plant: 0.3 km apart
            (3, "GORI-1", "nuclear", 1000, 127.6, 36.0),
            (4, "GORI-2", "nuclear", 1000, 127.6, 36.0 + 1.5 * KM_LAT),  # joined by name, not distance
            *[(10 + k, "", "wind", 2, 127.2 + 0.005 * k, 36.5) for k in range(20)],  # a 40 MW farm
            (40, "", "gas", 450, 126.2, 35.2),
        ],
    )
    gppd = _gppd(
        [
            ("C1", "Coal X", "coal", 1000, 127.0, 36.0 + 0.2 * KM_LAT),  # on site
            ("N1", "Kori", "nuclear", 2000, 127.4, 36.0),  # by name, across the border
            ("W1", "Wind Y", "wind", 40, 127.25, 36.5 - 15 * KM_LAT),  # by capacity, 15 km
            ("W2", "Wind Z", "wind", 10, 127.25, 36.5 + 15 * KM_LAT),  # farm too big, and taken
            ("G1", "Gas G", "gas", 450, 126.2, 35.2 + 40 * KM_LAT),  # beyond MATCH_KM
            ("S1", "Solar S", "solar", 5, 127.1, 36.1),  # no OSM solar
        ]
    )
    moved, report = sites.relocate(gppd, osm, provinces=provinces)
    return moved.set_index("plant_id"), report.set_index("plant_id")


def test_toy_moves_by_name_and_capacity_only(toy):
    moved, report = toy
    assert report["how"].to_dict() == {
        "C1": "site",
        "N1": "name",
        "W1": "capacity",
        "W2": "",
        "G1": "",
        "S1": "",
    }
    assert set(moved.index[moved["location_source"] != "gppd"]) == {"N1", "W1"}
    assert moved.loc["N1", "location_source"] == "osm:node/3;node/4"
    assert (moved.loc[["C1", "W2", "G1", "S1"], "moved_km"] == 0).all()
    # Kori goes to the capacity-weighted centre of GORI-1 and GORI-2, into the other province
    centre = shapely.Point(127.6, 36.0 + 0.75 * KM_LAT)
    assert moved.loc["N1", "geometry"].distance(centre) < 1e-6
    assert report.loc["N1", ["from_province", "to_province"]].tolist() == ["KR-W", "KR-E"]
    assert 17 < moved.loc["N1", "moved_km"] < 19
    assert 14 < moved.loc["W1", "moved_km"] < 16


def test_toy_kept_rows_are_listed_with_their_reason(toy):
    _, report = toy
    listed = report[report["listed"]]
    assert set(listed.index) == {"W2", "G1", "S1"}
    assert listed.loc["W2", "reason"].startswith("capacity mismatch")
    assert listed.loc["G1", "reason"].startswith("no counterpart: no OSM gas plant within 25 km")
    assert listed.loc["S1", "reason"] == "no counterpart: the OSM extract has no solar generators"


def test_name_key_joins_romanisations():
    assert sites.name_key("WOLSONG-3") == sites.name_key("Wolseong") == "wolsong"
    assert sites.name_key("Shin-Gori") == sites.name_key("Shin-Kori") != sites.name_key("Kori")
    assert sites.name_key("Yeonggwang") == sites.name_key("Hanbit")
    assert sites.name_key("Taean IGCC") != sites.name_key("Taean")


def _plants_section() -> str:
    text = bundled_path("README").read_text(encoding="utf-8")
    return text[text.index("## plants.csv") : text.index("## renewables.csv")]


@pytest.fixture(scope="module")
def plants() -> pd.DataFrame:
    return pd.read_csv(bundled_path("plants"))


def test_every_move_recorded_and_in_the_readme(plants):
    from_osm = plants["location_source"].str.startswith("osm:")
    assert set(plants["location_source"][~from_osm]) == {"gppd"}
    assert ((plants["moved_km"] > sites.MOVE_KM) == from_osm).all()
    assert plants.loc[from_osm, "note"].str.contains("moved").all()
    section = _plants_section()
    moves_table = section[: section.index("<details>")]
    assert set(PLANT_ID.findall(moves_table)) == set(plants.loc[from_osm, "plant_id"])


def test_saeul_and_shinan_are_explained(plants):
    p = plants.set_index("plant_id")
    section = _plants_section()
    # Saeul has no GPPD row: the Shin-Kori row holds part of it and the README says why it stays in Busan
    saeul = p[p["name"].str.contains("Saeul", case=False)]
    assert (saeul["province"] == "KR-31").all()
    if saeul.empty:
        assert "**Saeul**" in section and "WRI1000214" in section and "KR-31" in section
    # Shinan wind stays where OSM maps turbines on the GPPD point; the row and the README say so
    assert p.loc["WRI1029932", "province"] == "KR-42"
    assert p.loc["WRI1029932", "location_source"] == "gppd"
    assert "OSM wind plant stands on it" in p.loc["WRI1029932", "note"]
    assert "**Shinan wind**" in section


@pytest.mark.skipif(not OSM_CSV.exists(), reason="raw OSM extract not present (../shared/realdata)")
def test_every_plant_far_from_a_similar_osm_plant_is_moved_or_listed(plants):
    """Issue 19: no plant kept at its GPPD point lies > 5 km from a same-fuel OSM plant of similar MW
    unless the README lists it; and every moved plant stands on its OSM plant's centre."""
    osm = sites.osm_plants(OSM_CSV)
    pts = gpd.GeoDataFrame(plants, geometry=gpd.points_from_xy(plants.lon, plants.lat), crs=GEOGRAPHIC_CRS)
    km = sites.unit_km(pts, pts["fuel"], osm)
    similar = sites.similar(plants["capacity_mw"].to_numpy()[:, None], osm["mw"].to_numpy()[None, :])
    far = np.where(similar, km, np.inf).min(axis=1) > sites.REPORT_KM
    kept = plants["location_source"] == "gppd"
    section = _plants_section()
    listed = set(PLANT_ID.findall(section[section.index("<details>") :]))
    assert set(plants.loc[far & kept, "plant_id"]) == listed
    moved = pts[~kept].to_crs(KOREA_METRIC_CRS)
    for i, row in moved.iterrows():
        ids = row["location_source"].removeprefix("osm:")
        centre = osm.loc[osm["osm_ids"] == ids, "geometry"]
        assert len(centre) == 1, plants.loc[i, "plant_id"]
        assert centre.iloc[0].distance(row.geometry) < CSV_PRECISION_M, plants.loc[i, "plant_id"]
