"""``Scenario.year``: projects whose ``earliest_year`` is later are not offered (issue 23).

On the toy of ``tests/test_reinforcement.py`` where a cheap HVDC link west ->
mid2 is worth building (s-mid full, the link shorter than L3 + L4), the link
becomes available only in :data:`LATE`. Before it, the solve must equal the
brute force over the projects available then (the link left out); from it,
the brute force over all of them, which builds the link.
"""

from __future__ import annotations

import dataclasses

import pytest

import siting
from siting.testing import assert_result_valid

from .test_reinforcement import assert_agree, brute_force, candidates, cheap, middle

#: The year the link may first be built.
LATE = 2030


def case(year: int | None, **changes) -> tuple[siting.SitingData, siting.Scenario]:
    """The uprate of L3 and the cheap link (available from :data:`LATE`) as candidates, for ``year``."""
    data, sc = middle({"s-mid": 0}, target_mw=100, flow_model="transport")
    rows = [{**p, "earliest_year": LATE} if p["project_id"] == "hv" else p for p in cheap("hv")[:2]]
    return data.replace(reinforcements=candidates(rows)), sc.replace(reinforce=True, year=year, **changes)


def available(data: siting.SitingData, year: int | None) -> siting.SitingData:
    """``data`` with only the candidates that may be built by ``year``, written from the layer itself."""
    layer = data.reinforcements
    keep = layer["earliest_year"].isna() | (layer["earliest_year"] <= (year if year is not None else 10**6))
    return data.replace(reinforcements=layer[keep.to_numpy(dtype=bool)])


@pytest.mark.parametrize("year", [LATE - 1, LATE, None])
def test_a_project_available_later_is_not_built_before(year):
    data, sc = case(year)
    res = siting.solve(data, sc)
    assert_agree(res, brute_force(available(data, year), sc))
    assert_result_valid(res, data)
    built = res.reinforcements.set_index("project_id")["units_built"]
    if year == LATE - 1:
        assert "hv" not in built.index  # not offered: not among the candidates at all
    else:
        assert built["hv"] == 1  # worth building once it may be
    if year == LATE - 1:  # the link was worth something: the plan without it costs more
        later = siting.solve(data, sc.replace(year=LATE))
        assert res.objective > later.objective + 1e-6


def test_forcing_a_project_before_its_year_is_refused():
    data, sc = case(LATE - 1, build_projects=("hv",))
    with pytest.raises(
        siting.ScenarioError,
        match=r"'build_projects'.*'year' = 2029.*'earliest_year' of layer 'reinforcements': hv 2030.*"
        r"fix: set year to 2030 or later",
    ):
        siting.solve(data, sc)
    res = siting.solve(data, sc.replace(year=LATE))
    assert res.status == "optimal" and res.reinforcements.set_index("project_id").at["hv", "units_built"] == 1


def test_check_reads_the_year():
    """A plan for 2029 lists no link; read as a plan for any year, its table misses a project."""
    data, sc = case(LATE - 1)
    res = siting.solve(data, sc)
    assert_result_valid(res, data)
    with pytest.raises(AssertionError, match="does not list every project"):
        assert_result_valid(dataclasses.replace(res, scenario=res.scenario.replace(year=None)), data)


@pytest.mark.parametrize("bad", [2030.5, "2030", True, 1800])
def test_year_must_be_a_whole_calendar_year(bad):
    with pytest.raises(siting.ScenarioError, match=r"scenario field 'year' = .*whole number >= 1900"):
        siting.Scenario(target_mw=100, year=bad)


def test_year_reads_back_from_toml():
    sc = siting.Scenario(target_mw=100, reinforce=True, year=LATE)
    assert "year = 2030" in sc.to_toml()
    assert siting.Scenario.from_dict(sc.to_dict()) == sc
    assert "\nyear =" not in siting.Scenario(target_mw=100).to_toml()  # None: left out, the default
