"""Writing results: the GeoPackage (atomic) and the text summary."""

import os

import geopandas as gpd
import pyogrio
import pytest

import siting


def test_to_file_layers_and_roundtrip(toy_data, tmp_path):
    res = siting.solve(toy_data, siting.Scenario(target_mw=500, grid_spacing_km=5, min_host_provinces=2))
    path = res.to_file(tmp_path / "sub" / "r.gpkg")
    assert sorted(pyogrio.list_layers(path)[:, 0]) == ["costs", "lines", "provinces", "sites", "substations"]
    back = gpd.read_file(path, layer="sites")
    assert back.capacity_mw.sum() == res.total_mw
    costs = gpd.read_file(path, layer="costs").set_index("term")
    assert costs.loc["total", "krw_bn"] == pytest.approx(res.objective)


def test_to_file_is_atomic(toy_data, tmp_path, monkeypatch):
    res = siting.solve(toy_data, siting.Scenario(target_mw=500, grid_spacing_km=5, min_host_provinces=2))
    target = tmp_path / "r.gpkg"
    res.to_file(target)
    before = target.read_bytes()
    real = gpd.GeoDataFrame.to_file

    def failing(self, filename, *args, layer=None, **kw):
        if layer == "lines":
            raise OSError("disk full")
        return real(self, filename, *args, layer=layer, **kw)

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", failing)
    with pytest.raises(OSError, match="disk full"):
        res.to_file(target)
    assert target.read_bytes() == before  # old file untouched
    assert os.listdir(tmp_path) == ["r.gpkg"]  # no temporary left behind


def test_summary_mentions_everything(toy_data):
    res = siting.solve(toy_data, siting.Scenario(target_mw=500, grid_spacing_km=5, min_host_provinces=2))
    text = res.summary()
    for words in (
        "Status: optimal",
        "KR-T",
        "Substations used",
        "Most loaded lines",
        "Costs (KRW bn)",
        "Model:",
        "Time (s)",
    ):
        assert words in text
