"""Ids of any dtype (int, str, mixed) in every layer and in columns= mappings."""

import geopandas as gpd
import pandas as pd
import pytest

import siting
from siting.io import read_layer
from tests import toy

NUMBER = {"s-cap": 1, "s-west": 2, "s-west2": 3, "s-mid": 4, "s-mid2": 5, "s-east": 6, "s-east2": 7}


def _matpower_like(tmp_path):
    """bus.csv and branch.csv as tables derived from a MATPOWER case: integer bus ids, no line id."""
    subs = toy.substations()
    bus = pd.DataFrame(
        {
            "bus_i": subs["substation_id"].map(NUMBER),
            "baseKV": subs["voltage_kv"],
            "lon": subs.geometry.x,
            "lat": subs.geometry.y,
            "headroom": subs["headroom_mw"],
        }
    )
    lines = toy.lines()
    branch = pd.DataFrame(
        {
            "idx": range(1, len(lines) + 1),
            "fbus": lines["from_id"].map(NUMBER),
            "tbus": lines["to_id"].map(NUMBER),
            "baseKV": lines["voltage_kv"],
            "residual_mw": lines["residual_mw"],
        }
    )
    paths = {"substations": tmp_path / "bus.csv", "lines": tmp_path / "branch.csv"}
    bus.to_csv(paths["substations"], index=False)
    branch.to_csv(paths["lines"], index=False)
    return paths


def test_matpower_like_csv_with_integer_bus_ids(tmp_path):
    paths = _matpower_like(tmp_path)
    data = siting.SitingData.from_files(
        provinces=toy.provinces(),
        substations=paths["substations"],
        lines=paths["lines"],
        renewables=toy.renewables(),
        plants=toy.plants(),
        columns={
            "substations": {"bus_i": "substation_id", "baseKV": "voltage_kv", "headroom": "headroom_mw"},
            "lines": {"idx": "line_id", "fbus": "from_id", "tbus": "to_id", "baseKV": "voltage_kv"},
        },
    )
    assert sorted(data.substations.substation_id) == [str(i) for i in range(1, 8)]
    assert set(data.lines.from_id) | set(data.lines.to_id) <= set(data.substations.substation_id)
    res = siting.solve(data, siting.Scenario(target_mw=300, grid_spacing_km=5, min_host_provinces=2))
    assert res.status == "optimal"


def test_float_bus_ids_match_integer_endpoints():
    """A CSV column with a gap reads as float (7.0): it still matches endpoint 7."""
    layers = toy.layers()
    subs = layers["substations"]
    subs["substation_id"] = subs["substation_id"].map(NUMBER).astype(float)
    lines = layers["lines"]
    for end in ("from_id", "to_id"):
        lines[end] = lines[end].map(NUMBER)
    lines["line_id"] = range(len(lines))
    data = siting.SitingData(**layers)
    assert data.lines.from_id.tolist()[0] == "1" and data.substations.substation_id.tolist()[-1] == "7"


def test_mixed_ids_in_every_layer():
    layers = toy.layers()
    layers["provinces"]["code"] = [11, "KR-T2", 33, "KR-T4"]
    layers["renewables"]["site_id"] = [1, "r-wind", 3.0]
    layers["plants"]["plant_id"] = [10, 20, "p-east"]
    subs = layers["substations"]
    subs["substation_id"] = ["s-cap", 2, "s-west2", 4, "s-mid2", 6, "s-east2"]
    lines = layers["lines"]
    lines["from_id"] = lines["from_id"].replace({"s-west": 2, "s-mid": 4, "s-east": 6})
    lines["to_id"] = lines["to_id"].replace({"s-west": 2, "s-mid": 4, "s-east": 6})
    data = siting.SitingData(**layers)
    assert data.provinces.code.tolist() == ["11", "KR-T2", "33", "KR-T4"]
    assert data.renewables.site_id.tolist() == ["1", "r-wind", "3"]
    sc = siting.Scenario(target_mw=300, grid_spacing_km=5, min_host_provinces=2, exclude_provinces=["11"])
    assert siting.solve(data, sc).status == "optimal"


def test_integer_column_names_in_columns_mapping():
    subs = toy.substations()
    frame = gpd.GeoDataFrame(
        {0: subs["substation_id"], 1: subs["voltage_kv"], "headroom_mw": subs["headroom_mw"]},
        geometry=subs.geometry,
        crs=subs.crs,
    )
    out = read_layer(frame, name="substations", columns={0: "substation_id", 1: "voltage_kv"})
    assert {"substation_id", "voltage_kv"} <= set(out.columns)


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda s: s.assign(substation_id=[1, 2, None, 4, 5, 6, 7]), "empty ids"),
        (lambda s: s.assign(substation_id=[1, "1", 3, 4, 5, 6, 7]), "duplicate ids ['1'] in rows ['0', '1']"),
        (lambda s: s.assign(substation_id=[1.0, 1, 3, 4, 5, 6, 7]), "duplicate ids ['1']"),
    ],
)
def test_bad_ids_are_data_errors_naming_rows(change, words):
    layers = toy.layers()
    layers["substations"] = change(layers["substations"])
    with pytest.raises(siting.DataError) as exc:
        siting.SitingData(**layers)
    assert words in str(exc.value)


def test_unknown_column_in_mapping_is_named():
    with pytest.raises(siting.DataError, match=r"columns= names \['bus'\]"):
        read_layer(toy.substations(), name="substations", columns={"bus": "substation_id"})
