"""End-to-end solves on the toy region and Korea, every result re-checked (siting.testing)."""

import geopandas as gpd
import pytest
import shapely

import siting
from siting.constants import COST_TERMS
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


# Korea end to end runs in the quick tier through the notebooks and the CLI tests; these in the slow one
@pytest.mark.slow
@pytest.mark.parametrize("spacing_km", [50, 10], ids=["50km", "10km"])
def test_korea_default_scenario_verifies(korea, spacing_km):
    from pathlib import Path

    sc = siting.Scenario.from_toml(Path(__file__).parent.parent / "scenarios" / "korea_default.toml")
    res = siting.solve(korea, sc.replace(grid_spacing_km=spacing_km))
    assert res.status.has_solution  # within the file's 600 s limit: optimal or not, the plan must verify
    assert_result_valid(res, korea)
    assert not res.sites.province.isin(["KR-11", "KR-28", "KR-41"]).any()
    assert res.sites.province.nunique() >= sc.min_host_provinces
    assert set(res.costs) == set(COST_TERMS)  # every term reported, the renewables built too


@pytest.mark.parametrize("spacing_km", [40, pytest.param(10, marks=pytest.mark.slow)], ids=["40km", "10km"])
def test_from_gpus_small_build(korea, spacing_km):
    sc = siting.Scenario.from_gpus(50_000, min_host_provinces=1, grid_spacing_km=spacing_km)
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


def test_network_islands_are_named(toy_data):
    layers = toy.layers()
    layers["lines"] = layers["lines"][layers["lines"].line_id != "L6"]
    layers["lines"] = layers["lines"][layers["lines"].line_id != "L7"]
    data = siting.SitingData(**layers)
    with pytest.warns(UserWarning, match="island of 1 substation\\(s\\): East Two"):
        siting.solve(data, siting.Scenario(target_mw=100, grid_spacing_km=10, min_host_provinces=1))


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
