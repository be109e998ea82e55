"""Infeasible scenarios: necessary conditions and the elastic diagnosis, in words and MW."""

import pytest

import siting
from tests import toy


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
    data, sc = toy.line_limited()
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
