"""GeoParquet in and out: results written as one Parquet file per table, layers read from .parquet."""

import importlib.util

import geopandas as gpd
import pandas as pd
import pytest

import siting
from siting.io import read_layer
from tests import toy


@pytest.fixture(scope="module")
def result(toy_data):
    return siting.solve(toy_data, siting.Scenario(target_mw=500, grid_spacing_km=5, min_host_provinces=2))


def test_a_result_as_parquet_files_one_per_table(result, tmp_path):
    out = result.to_file(tmp_path / "plan.parquet")
    assert out == tmp_path
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(f"plan.{t}.parquet" for t in result.tables())
    sites = gpd.read_parquet(tmp_path / "plan.sites.parquet")
    assert sites.crs == result.sites.crs and sites.capacity_mw.sum() == result.total_mw
    assert sites.geometry.geom_equals(result.sites.geometry.reset_index(drop=True)).all()
    costs = pd.read_parquet(tmp_path / "plan.costs.parquet").set_index("term")
    assert costs.loc["total", "krw_bn"] == pytest.approx(result.objective)
    rows = pd.read_parquet(tmp_path / "plan.scenario.parquet")
    assert "costs.site_per_mw" in set(rows["key"])


def test_one_table_as_parquet(result, tmp_path):
    path = result.to_file(tmp_path / "lines.parquet", table="lines")
    assert path == tmp_path / "lines.parquet" and len(gpd.read_parquet(path)) == len(result.lines)
    with pytest.raises(siting.SitingError, match="table="):
        result.to_file(tmp_path / "x.parquet", table="nope")


def test_layers_read_from_parquet(toy_data, tmp_path):
    """Every toy layer as GeoParquet in a folder (the lines as plain Parquet, by endpoint ids)."""
    for name, frame in toy.layers().items():
        assert isinstance(frame, gpd.GeoDataFrame) != (name == "lines")
        frame.to_parquet(tmp_path / f"{name}.parquet")
    data = siting.SitingData.from_folder(tmp_path)
    assert sorted(data.substations.substation_id) == sorted(toy_data.substations.substation_id)
    assert len(data.lines) == len(toy_data.lines)
    assert data.provinces.crs == toy_data.provinces.crs


def test_a_plain_parquet_with_lon_lat_reads_as_points(tmp_path):
    pd.DataFrame({"id": ["a"], "lon": [127.0], "lat": [36.0]}).to_parquet(tmp_path / "s.parquet")
    frame = read_layer(tmp_path / "s.parquet", name="substations")
    assert frame.crs == "EPSG:4326" and frame.geometry.iloc[0].x == 127.0


def test_parquet_without_pyarrow_names_the_extra(result, tmp_path, monkeypatch):
    pd.DataFrame({"id": ["a"], "lon": [127.0], "lat": [36.0]}).to_parquet(tmp_path / "s.parquet")
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None if n == "pyarrow" else real(n, *a))
    with pytest.raises(siting.SitingError, match=r"siting\[parquet\]"):
        result.to_file(tmp_path / "plan.parquet")
    with pytest.raises(siting.SitingError, match=r"layer 'substations'.*siting\[parquet\]"):
        read_layer(tmp_path / "s.parquet", name="substations")
    assert [p.name for p in tmp_path.iterdir()] == ["s.parquet"]
