"""Reading user files and rejecting bad input with errors that name layer, column, rows and fix."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import siting
from tests import toy


def write_all(tmp_path, layers=None, *, fmt="geojson"):
    layers = layers or toy.layers()
    paths = {}
    for name, frame in layers.items():
        if isinstance(frame, gpd.GeoDataFrame) and fmt == "csv" and name != "provinces":
            df = pd.DataFrame(frame.drop(columns="geometry"))
            df["lon"], df["lat"] = frame.geometry.x, frame.geometry.y
            p = tmp_path / f"{name}.csv"
            df.to_csv(p, index=False)
        elif isinstance(frame, gpd.GeoDataFrame):
            ext = {"geojson": ".geojson", "gpkg": ".gpkg", "shp": ".shp", "csv": ".geojson"}[fmt]
            p = tmp_path / f"{name}{ext}"
            frame.to_file(p)
        else:
            p = tmp_path / f"{name}.csv"
            frame.to_csv(p, index=False)
        paths[name] = p
    return paths


#: Shapefiles cut column names to 10 characters; the column map restores them.
SHP_COLUMNS = {
    "provinces": {"capital_re": "capital_region"},
    "substations": {"substation": "substation_id", "headroom_m": "headroom_mw"},
    "renewables": {"capacity_m": "capacity_mw", "capacity_f": "capacity_factor"},
    "plants": {"capacity_m": "capacity_mw"},
}


@pytest.mark.filterwarnings("ignore:Column names longer", "ignore:Normalized/laundered")
@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp", "csv"])
def test_from_files_formats_agree(tmp_path, toy_data, fmt):
    columns = SHP_COLUMNS if fmt == "shp" else None
    data = siting.SitingData.from_files(**write_all(tmp_path, fmt=fmt), columns=columns)
    for name in ("substations", "lines", "renewables", "plants"):
        a, b = getattr(data, name), getattr(toy_data, name)
        assert len(a) == len(b), name
    assert np.allclose(data.lines.length_km, toy_data.lines.length_km)
    assert list(data.substations.province) == list(toy_data.substations.province)
    assert list(data.provinces.capital_region) == list(toy_data.provinces.capital_region)


@pytest.mark.filterwarnings("ignore:Column names longer", "ignore:Normalized/laundered")
def test_truncated_shapefile_columns_explained(tmp_path):
    with pytest.raises(siting.DataError) as exc:
        siting.SitingData.from_files(**write_all(tmp_path, fmt="shp"))
    msg = str(exc.value)
    assert "layer 'substations': missing column 'substation_id'" in msg
    assert "columns={'substations': {'your_column': 'substation_id'}}" in msg


def test_lines_by_endpoints_get_straight_geometry(toy_data):
    line = toy_data.lines.set_index("line_id").loc["L3"]
    subs = toy_data.substations.set_index("substation_id")
    coords = shapely.get_coordinates(line.geometry)
    assert np.allclose(coords[0], shapely.get_coordinates(subs.geometry["s-west"])[0])
    assert np.allclose(coords[-1], shapely.get_coordinates(subs.geometry["s-mid"])[0])


def test_lines_with_own_geometry_keep_it(tmp_path):
    layers = toy.layers()
    subs = layers["substations"].set_index("substation_id").geometry
    bent = []
    for r in layers["lines"].itertuples():
        a, b = subs[r.from_id], subs[r.to_id]
        bent.append(shapely.LineString([(a.x, a.y), ((a.x + b.x) / 2, (a.y + b.y) / 2 + 0.05), (b.x, b.y)]))
    layers["lines"] = gpd.GeoDataFrame(layers["lines"], geometry=bent, crs="EPSG:4326")
    straight = siting.SitingData(**toy.layers())
    data = siting.SitingData(**layers)
    assert (data.lines.length_km > straight.lines.length_km).all()


def test_column_mapping(tmp_path):
    layers = toy.layers()
    layers["substations"] = layers["substations"].rename(columns={"substation_id": "id", "voltage_kv": "kv"})
    layers["lines"] = layers["lines"].rename(columns={"from_id": "a", "to_id": "b"})
    paths = write_all(tmp_path, layers)
    data = siting.SitingData.from_files(
        **paths,
        columns={
            "substations": {"id": "substation_id", "kv": "voltage_kv"},
            "lines": {"a": "from_id", "b": "to_id"},
        },
    )
    assert set(data.substations.substation_id) == {
        "s-cap",
        "s-west",
        "s-west2",
        "s-mid",
        "s-mid2",
        "s-east",
        "s-east2",
    }


def test_csv_with_projected_coordinates_and_crs(tmp_path):
    subs = toy.substations().to_crs(5179)
    df = pd.DataFrame(subs.drop(columns="geometry"))
    df["x"], df["y"] = subs.geometry.x, subs.geometry.y
    p = tmp_path / "subs.csv"
    df.to_csv(p, index=False)
    paths = write_all(tmp_path)
    paths["substations"] = p
    data = siting.SitingData.from_files(**paths, crs={"substations": "EPSG:5179"})
    assert np.allclose(data.substations.geometry.x, toy.substations().geometry.x, atol=1e-7)


def test_defaults_filled_by_documented_rules(toy_data):
    layers = toy.layers()
    layers["substations"] = layers["substations"].drop(columns="headroom_mw")
    layers["lines"] = layers["lines"].drop(columns="residual_mw")
    data = siting.SitingData(**layers)
    rule = siting.settings.HEADROOM_MW_BY_KV
    assert list(data.substations.headroom_mw) == [rule[int(v)] for v in data.substations.voltage_kv]
    # KEPCO's standard conductors (KOREA_FACTS "Line ratings"): sqrt(3) x kV x A x bundle x pf per circuit
    kepco = {154: (848, 2), 345: (909, 4), 765: (917, 6)}
    want = [
        3**0.5 * v * kepco[int(v)][0] * kepco[int(v)][1] / 1000 * 0.95 * c
        for v, c in zip(data.lines.voltage_kv, data.lines.circuits, strict=False)
    ]
    assert np.allclose(data.lines.capacity_mw, want)
    assert data.lines.rating_source.str.startswith("kepco: ACSR").all()
    assert np.allclose(data.lines.residual_mw, data.lines.capacity_mw * siting.settings.RESIDUAL_FRACTION)
    # PyPSA-Earth's rule, the named alternative: the type of the nearest voltage key, MVA as MW
    generic = siting.SitingData(**layers, line_ratings="pypsa_earth")
    i_nom = {154: 0.645, 345: 2.58, 765: 4.16}  # 243-AL1/39-ST1A; Al/St 240/40 and 560/50 4-bundles
    kvs, circuits = data.lines.voltage_kv, data.lines.circuits
    want = [3**0.5 * i_nom[int(v)] * v * c for v, c in zip(kvs, circuits, strict=False)]
    assert np.allclose(generic.lines.capacity_mw, want)
    assert generic.lines.rating_source.str.startswith("pypsa_earth: ").all()


def _error(**changes):
    layers = toy.layers()
    layers.update(changes)
    with pytest.raises(siting.DataError) as exc:
        siting.SitingData(**layers)
    return str(exc.value)


def test_missing_column_names_layer_column_and_fix():
    msg = _error(substations=toy.substations().drop(columns="voltage_kv"))
    assert "layer 'substations'" in msg and "'voltage_kv'" in msg and "columns=" in msg


def test_wrong_type_names_rows():
    subs = toy.substations()
    subs["voltage_kv"] = subs["voltage_kv"].astype(object)
    subs.loc[2, "voltage_kv"] = "high"
    msg = _error(substations=subs)
    assert "not a number" in msg and "s-west2" in msg


def test_missing_crs():
    subs = toy.substations()
    subs = subs.set_crs(None, allow_override=True)
    msg = _error(substations=subs)
    assert "no CRS" in msg and "set_crs" in msg


def test_mismatched_crs_projected_coordinates_labelled_as_degrees():
    subs = toy.substations().to_crs(5179).set_crs(4326, allow_override=True)
    msg = _error(substations=subs)
    assert "outside -180..180" in msg and "crs=" in msg


def test_invalid_and_empty_geometry():
    prov = toy.provinces()
    prov.loc[1, "geometry"] = shapely.Polygon([(126.5, 36), (127, 36.5), (127, 36), (126.5, 36.5)])  # bow-tie
    ren = toy.renewables()
    ren.loc[0, "geometry"] = shapely.Point()
    msg = _error(provinces=prov, renewables=ren)
    assert "invalid geometry in ['KR-T2']" in msg and "make_valid" in msg
    assert "empty geometry in ['r-solar']" in msg


def test_duplicate_ids():
    subs = toy.substations()
    subs.loc[3, "substation_id"] = "s-west"
    msg = _error(substations=subs)
    assert "duplicate ids ['s-west']" in msg


def test_line_endpoints_not_substations():
    lines = toy.lines()
    lines.loc[0, "to_id"] = "nowhere"
    msg = _error(lines=lines)
    assert "'nowhere'" in msg and "L1" in msg and "not substations" in msg


def test_negative_and_nan_capacities():
    ren = toy.renewables()
    ren.loc[1, "capacity_mw"] = -5
    ren.loc[2, "capacity_mw"] = np.nan
    msg = _error(renewables=ren)
    assert "column 'capacity_mw'" in msg and "r-wind" in msg and "r-hydro" in msg


def test_all_problems_reported_together():
    subs = toy.substations()
    subs.loc[3, "substation_id"] = "s-west"
    ren = toy.renewables()
    ren.loc[0, "technology"] = "fusion"
    with pytest.raises(siting.DataError) as exc:
        siting.SitingData(**{**toy.layers(), "substations": subs, "renewables": ren})
    assert len(exc.value.problems) == 2
    assert isinstance(exc.value, ValueError)


def test_hvdc_without_rating():
    lines = toy.lines()
    lines["kind"] = "ac"
    lines.loc[6, "kind"] = "hvdc"
    msg = _error(lines=lines)
    assert "HVDC links ['L7']" in msg


def test_point_far_outside_provinces():
    subs = toy.substations()
    subs.loc[6, "geometry"] = shapely.Point(129.5, 36.3)
    msg = _error(substations=subs)
    assert "s-east2" in msg and "outside" in msg


def test_missing_file(tmp_path):
    paths = write_all(tmp_path)
    paths["lines"] = tmp_path / "nope.csv"
    with pytest.raises(siting.DataError, match="file not found"):
        siting.SitingData.from_files(**paths)


def test_explicit_province_column_wins_and_is_checked():
    subs = toy.substations()
    subs["province"] = ["KR-T1", "KR-T3", "", None, "KR-T3", "KR-T4", "KR-T4"]
    data = siting.SitingData(**{**toy.layers(), "substations": subs})
    assert list(data.substations.province) == ["KR-T1", "KR-T3", "KR-T2", "KR-T3", "KR-T3", "KR-T4", "KR-T4"]
    subs["province"] = "Middle"
    msg = _error(substations=subs)
    assert "column 'province': unknown codes ['Middle']" in msg and "KR-T1" in msg
