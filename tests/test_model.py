"""End-to-end solves, every result re-checked from its own tables (siting.testing)."""

import os

import geopandas as gpd
import pyogrio
import pytest
import shapely

import siting
from siting.testing import assert_result_valid
from tests import toy

TOY_CASES = {
    "default": {},
    "dc_flow": {"flow_model": "dc"},
    "spacing": {"min_spacing_km": 20},
    "buffer": {"exclude_buffer_km": 15},
    "tight_cap": {"province_share_cap": 0.34, "min_host_provinces": 3},
    "renewable_heavy": {"renewable_share": 0.3},
    "big": {"target_mw": 750, "renewable_share": 0.0},
    "highs": {"solver": "highs"},
}


@pytest.mark.parametrize("case", sorted(TOY_CASES))
def test_toy_results_verify(toy_data, case):
    sc = siting.Scenario(
        **{"target_mw": 500, "grid_spacing_km": 5, "min_host_provinces": 2, **TOY_CASES[case]}
    )
    res = siting.solve(toy_data, sc)
    assert res.status == "optimal", res.summary()
    assert_result_valid(res, toy_data)


def test_verifier_catches_broken_results(toy_data):
    """The checker is not a rubber stamp: corrupt a table and it fails."""
    res = siting.solve(toy_data, siting.Scenario(target_mw=500, grid_spacing_km=5, min_host_provinces=2))
    res.sites.loc[0, "capacity_mw"] = 50.0
    with pytest.raises(AssertionError):
        assert_result_valid(res, toy_data)
    res = siting.solve(toy_data, siting.Scenario(target_mw=500, grid_spacing_km=5, min_host_provinces=2))
    res.lines.loc[res.lines.flow_mw.abs().idxmax(), "flow_mw"] *= 2
    with pytest.raises(AssertionError):
        assert_result_valid(res, toy_data)
    res = siting.solve(toy_data, siting.Scenario(target_mw=500, grid_spacing_km=5, min_host_provinces=2))
    res.sites.loc[0, "geometry"] = shapely.Point(126.25, 36.25)  # into the capital region
    with pytest.raises(AssertionError, match="excluded region"):
        assert_result_valid(res, toy_data)


def test_korea_default_scenario_verifies(korea):
    from pathlib import Path

    sc = siting.Scenario.from_toml(Path(__file__).parent.parent / "scenarios" / "korea_default.toml")
    res = siting.solve(korea, sc.replace(grid_spacing_km=10))
    assert res.status == "optimal"
    assert_result_valid(res, korea)
    assert not res.sites.province.isin(["KR-11", "KR-28", "KR-41"]).any()
    assert res.sites.province.nunique() >= sc.min_host_provinces
    assert set(res.costs) == {"connection", "site", "transmission", "renewable_incentive", "subsidy"}


def test_from_gpus_small_build(korea):
    sc = siting.Scenario.from_gpus(50_000, min_host_provinces=1)
    res = siting.solve(korea, sc)
    assert res.status == "optimal"
    assert_result_valid(res, korea)
    assert sc.target_mw <= res.total_mw < sc.target_mw + max(sc.tiers_mw)


def test_user_candidates_points_and_polygons(toy_data):
    pts = gpd.GeoDataFrame(
        {"site_id": ["a", "b", "c", "inside-capital"]},
        geometry=[
            shapely.Point(126.72, 36.27),
            shapely.box(127.2, 36.2, 127.28, 36.3),
            shapely.Point(127.77, 36.27),
            shapely.Point(126.2, 36.2),
        ],
        crs="EPSG:4326",
    )
    sc = siting.Scenario(target_mw=300, min_host_provinces=2, renewable_share=0.0)
    res = siting.solve(toy_data, sc, candidates=pts)
    assert res.status == "optimal"
    assert_result_valid(res, toy_data)
    assert set(res.sites.site_id) <= {"a", "b", "c"}
    polygon_site = res.sites[res.sites.site_id == "b"]
    if len(polygon_site):
        assert polygon_site.geometry.iloc[0].geom_type == "Polygon"


def test_exclusion_layer_respected(toy_data):
    no_go = gpd.GeoDataFrame(geometry=[shapely.box(127.5, 36.0, 128.0, 36.5)], crs="EPSG:4326")
    res = siting.solve(
        toy_data, siting.Scenario(target_mw=300, grid_spacing_km=5, min_host_provinces=2), exclusions=no_go
    )
    assert res.status == "optimal"
    assert not res.sites.to_crs(4326).geometry.intersects(no_go.geometry.iloc[0]).any()
    assert (res.sites.province != "KR-T4").all()


def test_infeasible_necessary_condition(toy_data):
    res = siting.solve(toy_data, siting.Scenario(target_mw=5000, grid_spacing_km=5))
    assert res.status == "infeasible"
    assert "headroom" in res.diagnosis.necessary[0] and "5,000" in res.diagnosis.necessary[0]
    assert len(res.sites) == 0


def test_infeasible_min_hosts_necessary(toy_data):
    res = siting.solve(toy_data, siting.Scenario(target_mw=100, grid_spacing_km=5, min_host_provinces=4))
    assert res.status == "infeasible"
    assert any("min_host_provinces = 4" in s for s in res.diagnosis.necessary)


def test_infeasible_line_limit_named_with_mw():
    """Only the middle province is allowed; its imports are limited by line L3."""
    layers = toy.layers()
    lines = layers["lines"]
    lines.loc[lines.line_id == "L3", "residual_mw"] = 50.0
    lines.loc[lines.line_id == "L5", "residual_mw"] = 0.0
    data = siting.SitingData(**layers)
    sc = siting.Scenario(
        target_mw=200,
        grid_spacing_km=5,
        exclude_provinces=("KR-T1", "KR-T2", "KR-T4"),
        min_host_provinces=1,
        province_share_cap=1.0,
        renewable_share=0.0,
        tiers_mw=(50, 100),
        max_connection_km={154: 5, 345: 5},  # only s-mid and s-mid2 are in reach
    )
    res = siting.solve(data, sc)
    assert res.status == "infeasible"
    d = res.diagnosis
    assert d.necessary == []
    # local supply is 20 MW (400 MW solar x 0.05 peak credit) plus 50 MW through L3: 70 MW,
    # and tiers come in 50 MW steps
    assert d.max_achievable_mw == pytest.approx(50.0)
    assert set(d.limits.family) <= {"lines", "supply"}
    assert d.limits.over_mw.sum() == pytest.approx(200.0 - 70.0, abs=1e-3)
    assert d.max_achievable_bound_mw == pytest.approx(50.0)  # proven: the small solve is optimal
    text = str(d)
    assert "50 MW can be placed" in text
    assert any(w in text for w in ("residual capacity exceeded by", "more supply for new load needed"))


def test_network_islands_are_named(toy_data):
    layers = toy.layers()
    layers["lines"] = layers["lines"][layers["lines"].line_id != "L6"]
    layers["lines"] = layers["lines"][layers["lines"].line_id != "L7"]
    data = siting.SitingData(**layers)
    with pytest.warns(UserWarning, match="island of 1 substation\\(s\\): East Two"):
        siting.solve(data, siting.Scenario(target_mw=100, grid_spacing_km=10, min_host_provinces=1))


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


def test_plot_siting_draws_campuses(toy_data):
    res = siting.solve(toy_data, siting.Scenario(target_mw=500, grid_spacing_km=5, min_host_provinces=2))
    ax = siting.plot_siting(res)
    assert "optimal" in ax.get_title()
    labels = [t.get_text() for t in ax.texts]
    assert sum(t.isdigit() for t in labels) == len(res.sites)
    table = next(t for t in labels if t.startswith("MW by province"))
    for name in res.provinces.loc[res.provinces.capacity_mw > 0, "name"]:
        assert name in table


def test_time_limit_reports_gap(korea):
    """A fine grid stopped by a short time limit returns the incumbent with its gap."""
    from pathlib import Path

    sc = siting.Scenario.from_toml(Path(__file__).parent.parent / "scenarios" / "korea_default.toml")
    res = siting.solve(korea, sc.replace(grid_spacing_km=2, time_limit_s=2, mip_gap=0.0))
    assert res.status in ("feasible", "optimal", "no_solution")
    if res.status == "feasible":
        assert res.gap is not None and 0 < res.gap < 1
        assert "gap" in res.summary()
    if res.status != "no_solution":
        assert_result_valid(res, korea)
    else:
        assert res.objective is None and len(res.sites) == 0


def test_unknown_province_codes_in_scenario(toy_data):
    with pytest.raises(siting.ScenarioError, match="exclude_provinces.*KR-99"):
        siting.solve(toy_data, siting.Scenario(target_mw=100, exclude_provinces=("KR-99",)))
    costs = siting.Costs(site_per_mw_by_province={"KR-98": 1.0})
    with pytest.raises(siting.ScenarioError, match="site_per_mw_by_province.*KR-98"):
        siting.solve(toy_data, siting.Scenario(target_mw=100, costs=costs))


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"target_mw": 750, "renewable_share": 0.0},
        {"min_host_provinces": 3, "province_share_cap": 0.34, "tiers_mw": (50, 150)},
    ],
    ids=["default", "big", "three_hosts"],
)
def test_reduction_exact_on_fine_grid(toy_data, kw):
    """On a 2 km grid the reduction drops almost every option and keeps the optimum.

    The naive model is solved with HiGHS, which proves these optima in seconds
    where CBC can take minutes.
    """
    sc = siting.Scenario(
        **{"target_mw": 500, "grid_spacing_km": 2, "min_host_provinces": 2, "mip_gap": 0.0, **kw}
    )
    reduced = siting.solve(toy_data, sc)
    naive = siting.solve(toy_data, sc.replace(solver="highs"), reduce=False)
    assert reduced.status == naive.status == "optimal"
    assert reduced.objective == pytest.approx(naive.objective, rel=1e-9)
    assert reduced.model_size["options"] < 0.1 * naive.model_size["options"]
    assert_result_valid(reduced, toy_data)
