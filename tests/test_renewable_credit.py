"""The renewable-proximity credit is a shared budget: each renewable site's output credited once.

Toy region: one solar farm (400 MW x 0.15 = 60 MW average) within 30 km of
both s-mid and s-mid2, and a wind farm (300 MW x 0.25 = 75 MW) by s-east and
s-east2. The brute-force reference (tests/test_bruteforce.py) re-derives the
optimum with the credit as a maximum flow; here the tables and the check.
"""

from __future__ import annotations

import geopandas as gpd
import pytest

import siting
from siting.families import RenewableCredit
from siting.testing import assert_result_valid

from . import toy

METRIC = "EPSG:5179"


def _near_solar() -> tuple[siting.SitingData, siting.Scenario, gpd.GeoDataFrame]:
    """Two campuses, one at s-mid and one at s-mid2, both within 30 km of the solar farm only."""
    data = siting.SitingData(**toy.layers(), metric_crs=METRIC)
    cand = gpd.GeoDataFrame(
        {"site_id": ["C", "D"]},
        geometry=gpd.points_from_xy([127.20, 127.35], [36.20, 36.15]),
        crs="EPSG:4326",
    )
    sc = siting.Scenario(
        target_mw=200,
        tiers_mw=(100,),
        max_connection_km={154: 10, 345: 10},
        province_share_cap=1.0,
        min_host_provinces=1,
        renewable_share=0.0,
        costs=siting.Costs(renewable_incentive_per_mw=2.0),
        mip_gap=1e-9,
    )
    return data, sc, cand


def test_one_renewable_credited_once_across_campuses():
    data, sc, cand = _near_solar()
    res = siting.solve(data, sc, candidates=cand)
    assert str(res.status) == "optimal"
    s = res.substations.set_index("substation_id")
    assert s.loc[["s-mid", "s-mid2"], "load_mw"].tolist() == [100.0, 100.0]
    # 60 MW of solar output, shared: not 60 MW for each campus
    assert s["renewable_credit_mw"].sum() == pytest.approx(60.0)
    assert res.costs["renewable_incentive"] == pytest.approx(-2.0 * 60.0)
    assert res.sites["renewable_incentive_krw_bn"].sum() == pytest.approx(res.costs["renewable_incentive"])
    assert (s["renewable_incentive_krw_bn"] == -2.0 * s["renewable_credit_mw"]).all()
    assert_result_valid(res, data)


def test_credit_capped_by_average_load():
    """A 50 MW campus runs 40 MW on average: that, not its capacity, caps its credit."""
    data, sc, cand = _near_solar()
    sc = sc.replace(target_mw=50, tiers_mw=(50,))
    res = siting.solve(data, sc, candidates=cand.iloc[:1])
    assert str(res.status) == "optimal"
    assert res.substations["renewable_credit_mw"].sum() == pytest.approx(sc.load_factor * 50.0)


def test_check_rejects_a_renewable_credited_twice():
    """The family's check re-derives the budget from the raw layers: 60 MW twice over is caught."""
    data, sc, cand = _near_solar()
    res = siting.solve(data, sc, candidates=cand)
    s = res.substations
    s.loc[s.substation_id.isin(["s-mid", "s-mid2"]), "renewable_credit_mw"] = 60.0
    res.costs["renewable_incentive"] = -2.0 * 120.0
    with pytest.raises(AssertionError, match="credited more than once"):
        RenewableCredit.check(res, data, 1e-6)


def test_check_rejects_credit_above_average_load():
    data, sc, cand = _near_solar()
    res = siting.solve(data, sc.replace(target_mw=100), candidates=cand)
    s = res.substations
    s.loc[s.load_mw > 0, "renewable_credit_mw"] = 90.0  # above 0.8 x 100 MW
    with pytest.raises(AssertionError, match="average load"):
        RenewableCredit.check(res, data, 1e-6)


def test_no_incentive_no_credit():
    data, sc, cand = _near_solar()
    sc = sc.replace(costs=siting.Costs(renewable_incentive_per_mw=0.0))
    res = siting.solve(data, sc, candidates=cand)
    assert RenewableCredit not in res.families
    assert res.costs["renewable_incentive"] == 0.0
    assert (res.substations["renewable_credit_mw"] == 0).all()
