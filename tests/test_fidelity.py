"""Model fidelity (issue 12): derived columns, overbuild, one capacity per line, determined reports."""

from __future__ import annotations

import numpy as np
import pytest

import siting
from siting.settings import RESIDUAL_FRACTION
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
    """A 400 MW campus at 154 kV needs three 172 MW circuits; a 50 MW one needs one."""
    from siting.candidates import build_candidates
    from siting.options import build_options

    sc = siting.Scenario(target_mw=100, grid_spacing_km=10, tiers_mw=(50, 150, 400))
    opts = build_options(toy_data, sc, build_candidates(toy_data, sc))
    pair = opts[opts.kv == 154].groupby(["site", "substation"]).filter(lambda g: len(g) == 3)
    first = pair.groupby(["site", "substation"]).head(3).iloc[:3].set_index("tier_mw")
    assert first["circuits"].to_dict() == {50.0: 1, 150.0: 1, 400.0: 3}
    c, km = sc.costs, float(first["distance_km"].iloc[0])
    assert first.loc[400.0, "connection_cost"] == pytest.approx(c.connection_fixed[154] + 3 * 3.0 * km)
    assert first.loc[400.0, "connection_cost"] > first.loc[50.0, "connection_cost"]
