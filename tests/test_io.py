"""Writing results: the GeoPackage (atomic) and the text summary."""

import os

import geopandas as gpd
import pyogrio
import pytest

import siting
from siting.cli import main


def test_to_file_layers_and_roundtrip(toy_data, tmp_path):
    res = siting.solve(toy_data, siting.Scenario(target_mw=500, grid_spacing_km=5, min_host_provinces=2))
    path = res.to_file(tmp_path / "sub" / "r.gpkg")
    assert sorted(pyogrio.list_layers(path)[:, 0]) == [
        "costs",
        "diagnosis",
        "dropped_candidates",
        "lines",
        "provinces",
        "scenario",
        "sites",
        "substations",
    ]
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


@pytest.fixture(scope="module")
def toy_result(toy_data):
    return siting.solve(toy_data, siting.Scenario(target_mw=500, grid_spacing_km=5, min_host_provinces=2))


def test_to_file_csv_and_geojson_follow_the_extension(toy_result, tmp_path):
    import pandas as pd

    csv = pd.read_csv(toy_result.to_file(tmp_path / "sites.csv", table="sites"))
    assert len(csv) == len(toy_result.sites) and csv.capacity_mw.sum() == toy_result.total_mw
    assert {"lon", "lat", "geometry_wkt"} <= set(csv.columns)
    assert csv.lon.to_numpy() == pytest.approx(toy_result.sites.geometry.x.to_numpy())
    lines = gpd.read_file(toy_result.to_file(tmp_path / "lines.geojson", table="lines"))
    assert len(lines) == len(toy_result.lines) and set(lines.geom_type) == {"LineString"}
    costs = pd.read_csv(toy_result.to_file(tmp_path / "costs.csv", table="costs")).set_index("term")
    assert costs.loc["total", "krw_bn"] == pytest.approx(toy_result.objective)


def test_to_file_folder_writes_every_table(toy_result, tmp_path):
    out = toy_result.to_file(tmp_path / "plan")
    assert sorted(p.name for p in out.iterdir()) == [
        "costs.csv",
        "diagnosis.csv",
        "dropped_candidates.csv",
        "lines.geojson",
        "provinces.geojson",
        "scenario.csv",
        "sites.geojson",
        "substations.geojson",
    ]


@pytest.mark.parametrize(
    ("name", "table", "words"),
    [("plan.csv", None, "table="), ("plan.geojson", "nope", "table="), ("plan.xlsx", None, "'.xlsx'")],
)
def test_to_file_refuses_clearly(toy_result, tmp_path, name, table, words):
    with pytest.raises(siting.SitingError, match="fix:") as exc:
        toy_result.to_file(tmp_path / name, table=table)
    assert words in str(exc.value)
    assert not (tmp_path / name).exists()


def test_cli_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"siting {siting.__version__}"
