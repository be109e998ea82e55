"""siting.read_gppd: GPPD CSV → plants schema, and errors that name layer, column and rows."""

import math

import pandas as pd
import pytest

import siting
from siting.gppd import GPPD_TECHNOLOGY

COLUMNS = [
    "country",
    "name",
    "gppd_idnr",
    "capacity_mw",
    "latitude",
    "longitude",
    "primary_fuel",
    "other_fuel1",
    "commissioning_year",
    "owner",
]


def rows():
    """A tiny GPPD-like table: four Korean plants and one Japanese."""
    return [
        ["KOR", "Coal A", "KOR001", 500.0, 36.9, 126.2, "Coal", "", 2004.5, "Owner A"],
        ["KOR", "Wind B", "KOR002", 30.0, 33.4, 126.2, "Wind", "", "", ""],
        ["KOR", "Tide C", "KOR003", 254.0, 37.3, 126.6, "Wave and Tidal", "", 2011, "Owner C"],
        ["KOR", "Dam D", "KOR004", 90.0, 36.5, 128.8, "Hydro", "", "", "Owner D"],
        ["JPN", "Far E", "JPN001", 10.0, 35.0, 139.0, "Solar", "", 2015, "Owner E"],
    ]


def write(tmp_path, data, columns=COLUMNS):
    path = tmp_path / "gppd.csv"
    pd.DataFrame(data, columns=columns).to_csv(path, index=False)
    return path


def error_of(tmp_path, data, **kwargs) -> str:
    with pytest.raises(siting.DataError) as info:
        siting.read_gppd(write(tmp_path, data), **kwargs)
    msg = str(info.value)
    assert "plants (GPPD)" in msg
    return msg


def test_happy_path(tmp_path):
    plants = siting.read_gppd(write(tmp_path, rows()))
    assert plants.crs.to_string() == "EPSG:4326"
    assert plants["plant_id"].tolist() == ["KOR001", "KOR002", "KOR003", "KOR004"]  # sorted, JPN dropped
    assert list(plants.columns) == [
        "plant_id",
        "name",
        "fuel",
        "technology",
        "capacity_mw",
        "commissioning_year",
        "owner",
        "status",
        "geometry",
    ]
    first = plants.iloc[0]
    assert (first["name"], first["fuel"], first["capacity_mw"]) == ("Coal A", "coal", 500.0)
    assert (first.geometry.x, first.geometry.y) == (126.2, 36.9)
    assert first["commissioning_year"] == 2004.5 and first["owner"] == "Owner A"
    assert math.isnan(plants.loc[1, "commissioning_year"])
    assert set(plants["status"]) == {"operating"}
    assert plants["commissioning_year"].dtype == float


def test_fuel_mapping(tmp_path):
    plants = siting.read_gppd(write(tmp_path, rows()), country=None).set_index("plant_id")
    assert plants.loc["KOR002", "technology"] == "onshore_wind"
    assert plants.loc["KOR003", ["fuel", "technology"]].tolist() == ["wave and tidal", "tidal"]
    assert plants.loc["KOR004", "technology"] == "hydro"
    assert plants.loc["JPN001", "technology"] == "solar"
    assert GPPD_TECHNOLOGY["storage"] == "storage"


def test_country_filter(tmp_path):
    path = write(tmp_path, rows())
    assert siting.read_gppd(path, country="jpn")["plant_id"].tolist() == ["JPN001"]
    assert len(siting.read_gppd(path, country=None)) == 5


def test_no_country_column_skips_filter_and_optional_columns(tmp_path):
    data = [r[1:8] for r in rows()]
    plants = siting.read_gppd(write(tmp_path, data, COLUMNS[1:8]), country="KOR")
    assert len(plants) == 5  # no 'country' column: nothing to filter on
    assert "owner" not in plants.columns
    assert plants["commissioning_year"].isna().all()


def test_reads_a_dataframe():
    df = pd.DataFrame(rows(), columns=COLUMNS)
    assert len(siting.read_gppd(df)) == 4


def test_no_rows_for_country(tmp_path):
    msg = error_of(tmp_path, rows(), country="USA")
    assert "'country'" in msg and "USA" in msg and "KOR" in msg


def test_missing_column(tmp_path):
    data = [r[:3] + r[4:] for r in rows()]
    columns = COLUMNS[:3] + COLUMNS[4:]
    with pytest.raises(siting.DataError, match=r"plants \(GPPD\).*missing column 'capacity_mw'"):
        siting.read_gppd(write(tmp_path, data, columns))


@pytest.mark.parametrize("value", ["lots", "", -5.0])
def test_bad_capacity(tmp_path, value):
    data = rows()
    data[1][3] = value
    msg = error_of(tmp_path, data)
    assert "'capacity_mw'" in msg and "KOR002" in msg
    assert "KOR001" not in msg


@pytest.mark.parametrize(("col", "value"), [(4, ""), (4, 95.0), (5, "east"), (5, -200.0)])
def test_bad_coordinates(tmp_path, col, value):
    data = rows()
    data[2][col] = value
    msg = error_of(tmp_path, data)
    assert f"'{COLUMNS[col]}'" in msg and "KOR003" in msg


def test_duplicate_id(tmp_path):
    data = rows()
    data[3][2] = "KOR001"
    msg = error_of(tmp_path, data)
    assert "'gppd_idnr'" in msg and "duplicate" in msg and "KOR001" in msg


def test_empty_id_named_by_row(tmp_path):
    data = rows()
    data[0][2] = ""
    msg = error_of(tmp_path, data)
    assert "'gppd_idnr'" in msg and "row 0" in msg


def test_unknown_fuel(tmp_path):
    data = rows()
    data[0][6] = "Cogeneration"
    msg = error_of(tmp_path, data)
    assert "'primary_fuel'" in msg and "Cogeneration" in msg and "KOR001" in msg


def test_problems_in_other_countries_are_ignored(tmp_path):
    data = rows()
    data[4][3] = "lots"  # the Japanese row is filtered out before checking
    assert len(siting.read_gppd(write(tmp_path, data))) == 4


def test_all_problems_in_one_error(tmp_path):
    data = rows()
    data[0][3] = -1.0
    data[1][4] = ""
    data[2][6] = "Geothermal"
    with pytest.raises(siting.DataError) as info:
        siting.read_gppd(write(tmp_path, data))
    problems = info.value.problems
    assert len(problems) == 3
    assert any("KOR001" in p and "capacity_mw" in p for p in problems)
    assert any("KOR002" in p and "latitude" in p for p in problems)
    assert any("KOR003" in p and "primary_fuel" in p for p in problems)


def test_missing_file(tmp_path):
    with pytest.raises(siting.DataError, match="file not found"):
        siting.read_gppd(tmp_path / "nope.csv")
