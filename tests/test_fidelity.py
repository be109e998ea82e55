"""Model fidelity (issue 12): derived columns, overbuild, one capacity per line, determined reports."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import siting
from siting.families import Target
from siting.settings import RESIDUAL_FRACTION
from siting.testing import assert_result_valid
from tests import toy


def _ruled() -> siting.SitingData:
    """Toy data whose residual capacity and headroom come from the rules."""
    layers = toy.layers()
    layers["lines"] = layers["lines"].drop(columns="residual_mw")
    layers["substations"] = layers["substations"].drop(columns="headroom_mw")
    return siting.SitingData(**layers)


def test_replace_rederives_rule_columns():
    """Tripling capacity through replace() moves a rule-derived residual; a value you set is kept."""
    data = _ruled()
    assert data.derived["lines"]["residual_mw"] == frozenset(data.lines.line_id)
    lines = data.lines.assign(capacity_mw=data.lines.capacity_mw * 3)
    tripled = data.replace(lines=lines)
    assert np.allclose(tripled.lines.residual_mw, 3 * data.lines.residual_mw)
    assert np.allclose(tripled.lines.residual_mw, tripled.lines.capacity_mw * RESIDUAL_FRACTION)
    # a residual set by the user is given from then on, and survives later replacements
    own = tripled.lines.assign(residual_mw=7.0)
    mine = tripled.replace(lines=own)
    assert (mine.lines.residual_mw == 7.0).all() and not mine.derived["lines"]["residual_mw"]
    again = mine.replace(lines=mine.lines.assign(capacity_mw=mine.lines.capacity_mw / 3))
    assert (again.lines.residual_mw == 7.0).all()
    # headroom by voltage class follows a new voltage
    subs = data.substations.assign(voltage_kv=345)
    assert (data.replace(substations=subs).substations.headroom_mw == 600.0).all()
    # the result shows the residual the model used, beside the capacity it came from
    res = siting.solve(tripled, siting.Scenario(target_mw=300, grid_spacing_km=10, min_host_provinces=2))
    shown = res.lines.set_index("line_id")
    assert np.allclose(shown.residual_mw, shown.capacity_mw * RESIDUAL_FRACTION)


def test_load_korea_headroom_is_derived(korea):
    """The default headroom rule stays derived outside the capital region, whose zero is given."""
    subs = korea.substations
    capital = set(subs.loc[subs.province.isin(["KR-11", "KR-28", "KR-41"]), "substation_id"])
    derived = korea.derived["substations"]["headroom_mw"]
    head = subs.set_index("substation_id")["headroom_mw"]
    assert derived and (head.loc[sorted(derived & capital)] == 0).all()
    assert (head.loc[sorted(capital)] == 0).all()


def test_connection_cost_grows_with_circuits(toy_data):
    """With 172 MW circuits a 400 MW campus at 154 kV needs three; a 50 MW one needs one."""
    from siting.candidates import build_candidates
    from siting.options import build_options

    costs = siting.Costs(connection_circuit_mw={154: 172.0, 345: 1542.0})
    sc = siting.Scenario(target_mw=100, grid_spacing_km=10, tiers_mw=(50, 150, 400), costs=costs)
    opts = build_options(toy_data, sc, build_candidates(toy_data, sc))
    pair = opts[opts.kv == 154].groupby(["site", "substation"]).filter(lambda g: len(g) == 3)
    first = pair.groupby(["site", "substation"]).head(3).iloc[:3].set_index("tier_mw")
    assert first["circuits"].to_dict() == {50.0: 1, 150.0: 1, 400.0: 3}
    c, km = sc.costs, float(first["distance_km"].iloc[0])
    assert first.loc[400.0, "connection_cost"] == pytest.approx(c.connection_fixed[154] + 3 * 3.0 * km)
    assert first.loc[400.0, "connection_cost"] > first.loc[50.0, "connection_cost"]


def test_incentives_do_not_overbuild(toy_data):
    """Incentives above every campus's cost build up to the cap, which the summary explains."""
    kw = dict(target_mw=100, grid_spacing_km=10, min_host_provinces=1, renewable_share=0.0)
    rich = siting.Costs(renewable_incentive_per_mw=3.0, subsidy_per_mw=1.0)
    free = siting.solve(toy_data, siting.Scenario(**kw, costs=rich, max_overbuild_mw=None))
    capped = siting.solve(toy_data, siting.Scenario(**kw, costs=rich))
    plain = siting.solve(toy_data, siting.Scenario(**kw))
    assert free.total_mw > 500  # without a cap the incentive builds everything it can
    assert capped.total_mw == 100 + 400  # the default cap: the largest tier
    assert plain.total_mw == 100
    assert "earn more in incentives than they cost" in capped.summary()
    assert plain.overbuild_note() is None
    for res in (free, capped, plain):
        assert_result_valid(res, toy_data)
    broken = dataclasses.replace(capped, scenario=capped.scenario.replace(max_overbuild_mw=10))
    with pytest.raises(AssertionError, match="overbuild"):
        Target.check(broken, toy_data, 1e-6)


def test_overbuild_infeasibility_is_diagnosed(toy_data):
    """Two provinces of 50 MW campuses make 100 MW; a 60 MW target allowing 20 MW more cannot be met."""
    sc = siting.Scenario(
        target_mw=60,
        tiers_mw=(50,),
        province_share_cap=0.5,
        min_host_provinces=1,
        max_overbuild_mw=20,
        renewable_share=0.0,
        grid_spacing_km=10,
    )
    res = siting.solve(toy_data, sc)
    assert res.status == "infeasible"
    limits = res.diagnosis.limits.set_index("family")
    assert limits.loc["overbuild", "over_mw"] == pytest.approx(20.0)
    assert "more than max_overbuild_mw allows" in str(res.diagnosis)
    hosts = siting.solve(toy_data, sc.replace(min_host_provinces=3, province_share_cap=1.0))
    assert "more than the target plus max_overbuild_mw" in str(hosts.diagnosis)


def test_default_connection_circuit_is_the_rated_conductor():
    """The default connection circuit is one circuit of the table that rates the grid's lines."""
    table = siting.settings.LINE_RATINGS[siting.settings.DEFAULT_LINE_RATINGS]
    got = siting.Costs().connection_circuit_mw
    for kv in (154, 345):
        assert got[kv] == pytest.approx(table.rating_mw(float(kv), "ac"), abs=0.05)
    assert got[154] == pytest.approx(3**0.5 * 154 * 848 * 2 / 1000 * 0.95, abs=0.05)  # KOREA_FACTS, pf 0.95
