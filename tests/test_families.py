"""The constraint families' own checks: each catches a result that breaks its limit."""

import dataclasses

import pytest
import shapely

import siting
from siting.candidates import build_candidates
from siting.families import (
    DEFAULT_FAMILIES,
    Family,
    FamilyOrderError,
    Headroom,
    Hosts,
    LineLoading,
    Network,
    ProvinceCap,
    Reinforcement,
    Renewable,
    RenewableBuild,
    Security,
    Spacing,
    Target,
    resolve_order,
)
from siting.model import SitingModel
from siting.options import build_options
from siting.testing import assert_result_valid


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


@pytest.fixture(scope="module")
def solved(toy_data):
    sc = siting.Scenario(
        target_mw=500,
        grid_spacing_km=5,
        min_host_provinces=2,
        min_spacing_km=10.0,
        flow_model="dc",
        n_minus_1=True,
        max_line_loading=0.9,
    )
    res = siting.solve(toy_data, sc)
    assert res.status == "optimal"
    # every built-in family is on here but reinforcement (it needs a reinforcements layer)
    assert set(res.families) == set(DEFAULT_FAMILIES) - {Reinforcement}
    return res


def _with(res, **changes):
    return dataclasses.replace(res, **changes)


def test_every_family_check_passes_on_a_solved_result(solved, toy_data):
    for family in DEFAULT_FAMILIES:
        family.check(solved, toy_data, 1e-6)


def test_line_loading_check(solved, toy_data):
    lines = solved.lines.copy()
    top = lines["residual_mw"].idxmax()
    lines.loc[top, "flow_mw"] = 0.95 * lines.loc[top, "residual_mw"]  # within capacity, above the 0.9 cap
    with pytest.raises(AssertionError, match="max_line_loading"):
        LineLoading.check(_with(solved, lines=lines), toy_data, 1e-6)


def test_target_check(solved, toy_data):
    with pytest.raises(AssertionError, match="target"):
        Target.check(_with(solved, sites=solved.sites.iloc[1:]), toy_data, 1e-6)


def test_headroom_check(solved, toy_data):
    with pytest.raises(AssertionError, match="differs from the sites"):
        Headroom.check(_with(solved, sites=solved.sites.iloc[1:]), toy_data, 1e-6)
    tight = toy_data.replace(substations=toy_data.substations.assign(headroom_mw=10.0))
    with pytest.raises(AssertionError, match="over headroom"):
        Headroom.check(solved, tight, 1e-6)


def test_network_check_supply_and_lines(solved, toy_data):
    subs = solved.substations.assign(supply_used_mw=solved.substations.supply_mw + 1.0)
    with pytest.raises(AssertionError, match="supply used above supply"):
        Network.check(_with(solved, substations=subs), toy_data, 1e-6)
    lines = solved.lines.assign(flow_mw=solved.lines.residual_mw + 1.0)
    with pytest.raises(AssertionError, match="over residual capacity"):
        Network.check(_with(solved, lines=lines), toy_data, 1e-6)


def test_province_cap_check(solved, toy_data):
    with pytest.raises(AssertionError, match="province cap"):
        ProvinceCap.check(
            _with(solved, scenario=solved.scenario.replace(province_share_cap=0.2)), toy_data, 1e-6
        )


def test_hosts_check(solved, toy_data):
    with pytest.raises(AssertionError, match="host provinces"):
        Hosts.check(_with(solved, scenario=solved.scenario.replace(min_host_provinces=4)), toy_data, 1e-6)


def test_renewable_check(solved, toy_data):
    with pytest.raises(AssertionError, match="renewable"):
        Renewable.check(_with(solved, renewable_delivered_mw=0.0), toy_data, 1e-6)


def test_spacing_check(solved, toy_data):
    with pytest.raises(AssertionError, match="apart"):
        Spacing.check(_with(solved, scenario=solved.scenario.replace(min_spacing_km=400.0)), toy_data, 1e-6)


def test_families_name_their_limits(toy_data):
    """Every relaxable limit has words with {mw}, and the families' names are distinct."""
    assert len({f.name for f in DEFAULT_FAMILIES}) == len(DEFAULT_FAMILIES)
    for family in DEFAULT_FAMILIES:
        for limit, words in family.limits.items():
            assert "{mw" in words, (family.name, limit)
    names = Network.limit_names(toy_data)
    assert names[("lines", "L1")] == "L1" and names[("supply", "s-west")] == "West"


def _model(data, sc, families):
    cand = build_candidates(data, sc)
    return SitingModel.build(data, sc, cand, build_options(data, sc, cand), families=families)


def test_the_model_orders_families_by_what_they_read_not_by_the_order_given(toy_data):
    """Families listed before the network, whose flows they read, are added after it and find the flows;
    elsewhere the given order stands (here reversed), and the built-in order is already a valid one."""
    sc = siting.Scenario(
        target_mw=500, grid_spacing_km=5, max_line_loading=0.9, n_minus_1=True, flow_model="dc"
    )
    m = _model(toy_data, sc, tuple(reversed(DEFAULT_FAMILIES)))
    assert [type(f) for f in m.families] == [
        *(Hosts, ProvinceCap, RenewableBuild, Network),
        *(Security, Renewable, LineLoading, Headroom, Target),
    ]
    rows = list(m.prob.constraints)
    assert any(r.startswith("loading_") for r in rows)  # LineLoading found the flows
    assert any(r.startswith("line_shared_") for r in rows)  # Renewable shares the lines with them
    assert resolve_order(DEFAULT_FAMILIES, given=SitingModel.holds) == list(DEFAULT_FAMILIES)
    assert all(hasattr(m, name) for name in SitingModel.holds)


def test_a_family_that_reads_what_no_family_provides_is_refused(toy_data):
    sc = siting.Scenario(target_mw=500, grid_spacing_km=5, max_line_loading=0.9)
    with pytest.raises(FamilyOrderError, match="family LineLoading reads 'line_flows', which neither"):
        _model(toy_data, sc, (Target, Headroom, LineLoading))
    assert issubclass(FamilyOrderError, siting.SitingError)


def _declaring(name, *, reads, provides):
    """A family that adds nothing and declares ``reads`` and ``provides``."""
    return type(
        name, (Family,), {"name": name, "reads": reads, "provides": provides, "add": lambda self, m: None}
    )


def test_families_that_read_each_other_in_a_circle_are_refused(toy_data):
    ahead = _declaring("Ahead", reads=("behind_mw",), provides=("ahead_mw",))
    behind = _declaring("Behind", reads=("ahead_mw",), provides=("behind_mw",))
    sc = siting.Scenario(target_mw=500, grid_spacing_km=5)
    with pytest.raises(
        FamilyOrderError, match=r"in a circle \((Ahead -> Behind -> Ahead|Behind -> Ahead -> Behind)"
    ):
        _model(toy_data, sc, (*DEFAULT_FAMILIES, ahead, behind))
