"""ε-constraint frontiers: monotone, every point valid, the extremes checked by re-solving."""

from __future__ import annotations

import geopandas as gpd
import pytest

import siting
from siting.testing import assert_result_valid
from tests import toy

BASE = siting.Scenario(target_mw=300, name="toy", grid_spacing_km=5, min_host_provinces=1, **toy.EXACT)


def _check_frontier(f, data, *, more_is_better):
    t = f.table
    assert (t["status"] == "optimal").all()
    # from the loosest to the tightest requirement: the cost never falls
    assert (t["objective"].diff().dropna() >= -1e-6).all(), t[["epsilon", "objective"]]
    eps = t["epsilon"].to_numpy()
    assert (eps[1:] > eps[:-1]).all() if more_is_better else (eps[1:] < eps[:-1]).all()
    for res, e, got in zip(t["result"], t["epsilon"], t["achieved"], strict=True):
        assert_result_valid(res, data)
        assert got >= e - 1e-6 if more_is_better else got <= e + 1e-6


def test_peak_line_loading_frontier(toy_data):
    f = siting.pareto(toy_data, BASE, y="peak_line_loading", n=4)
    _check_frontier(f, toy_data, more_is_better=False)
    t = f.table
    assert len(t) == 4 and t["objective"].iat[-1] > t["objective"].iat[0] + 1
    # the loosest point is the cheapest plan with no cap, the tightest reaches the best loading
    free = siting.solve(toy_data, BASE)
    assert t["objective"].iat[0] == pytest.approx(free.objective, abs=1e-6)
    assert t["epsilon"].iat[0] == pytest.approx(free.lines["loading"].max())
    assert t["achieved"].iat[-1] <= f.best + 1e-5
    if f.best > 1e-3:  # no plan is loaded less than the extreme
        assert siting.solve(toy_data, BASE.replace(max_line_loading=f.best * 0.95)).status == "infeasible"


def test_renewable_share_frontier_and_its_extreme(toy_data):
    """With 60 MW of surplus and 100 MW of solar to build in the middle, the share has a ceiling."""
    prov = toy_data.provinces.assign(renewable_surplus_mw=[0.0, 0.0, 60.0, 0.0], solar_max_mw=100.0)
    data = toy_data.replace(provinces=prov.assign(onshore_wind_max_mw=0.0, offshore_wind_max_mw=0.0))
    f = siting.pareto(data, BASE, y="renewable_share", n=3)
    _check_frontier(f, data, more_is_better=True)
    assert 0 < f.best < 1
    # the best share is reachable, and a little more is not
    assert siting.solve(data, BASE.replace(renewable_share=f.best * (1 - 1e-6))).status == "optimal"
    assert siting.solve(data, BASE.replace(renewable_share=min(f.best * 1.02, 1.0))).status == "infeasible"
    # the share costs money: the frontier's dearest point builds solar, the cheapest does not
    t = f.table
    assert t["objective"].iat[-1] > t["objective"].iat[0] + 1
    assert t["result"].iat[-1].costs["renewable_build"] > t["result"].iat[0].costs["renewable_build"]


def test_host_provinces_frontier(toy_data):
    f = siting.pareto(toy_data, BASE, y="host_provinces", n=5)
    _check_frontier(f, toy_data, more_is_better=True)
    hostable = siting.solve(toy_data, BASE).provinces.query("not excluded")["code"].nunique()
    assert f.best == hostable
    assert siting.solve(toy_data, BASE.replace(min_host_provinces=hostable + 1)).status == "infeasible"


def test_plot_and_bad_arguments(toy_data):
    f = siting.pareto(toy_data, BASE, y="peak_line_loading", n=2)
    ax = f.plot()
    assert len(ax.lines[0].get_xdata()) == len(f.table)
    with pytest.raises(siting.ScenarioError, match="peak_line_loading"):
        siting.pareto(toy_data, BASE, y="nonsense")
    with pytest.raises(siting.ScenarioError, match="cost"):
        siting.pareto(toy_data, BASE, x="emissions")


def test_own_candidates_go_to_every_point(toy_data):
    """``candidates=`` is a solve option like any other (it used to clash with the frontier's stages)."""
    subs = toy_data.substations
    cand = gpd.GeoDataFrame(
        {"site_id": [f"c-{s}" for s in subs["substation_id"]]}, geometry=subs.geometry.values
    )
    f = siting.pareto(toy_data, BASE, y="host_provinces", n=2, candidates=cand)
    assert len(f.table) >= 1
    for res in f.table["result"]:
        assert res.status.has_solution
        assert set(res.sites["site_id"]) <= set(cand["site_id"])
    with pytest.raises(siting.SitingError, match="do not go with prepared="):
        siting.pareto(toy_data, BASE, n=2, candidates=cand, prepared=siting.prepare(toy_data))
