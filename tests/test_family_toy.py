"""A constraint family added from outside the package: one file, one scenario field.

This is the worked example of README "Adding a constraint family": the family
caps the number of campuses. It adds its constraint with an elastic slack,
names its limit in words for the diagnosis and re-checks results; the model,
the diagnosis and ``assert_result_valid`` pick it up without other changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

import siting
from siting.families import DEFAULT_FAMILIES, linear
from siting.testing import assert_result_valid


@dataclass(frozen=True, kw_only=True)
class CappedScenario(siting.Scenario):
    """The scenario field that switches the family on (0 = off)."""

    max_campuses: int = 0


class MaxCampuses(siting.Family):
    """At most ``max_campuses`` campuses; the slack counts campuses in smallest-tier MW."""

    name = "max_campuses"
    limits = {"max_campuses": "campus count: {mw:,.0f} campus(es) more than allowed needed"}

    @classmethod
    def enabled(cls, scenario):
        return getattr(scenario, "max_campuses", 0) > 0

    def add(self, m):
        extra = m.slack("max_campuses", "count") * (1.0 / min(m.scenario.tiers_mw))
        m.prob += linear((y, 1) for y in m.y) <= m.scenario.max_campuses + extra, "max_campuses"

    @classmethod
    def over(cls, limit, slack, scenario):
        return slack / min(scenario.tiers_mw)

    @classmethod
    def check(cls, result, data, tol):
        n, most = len(result.sites), result.scenario.max_campuses
        assert n <= most, f"{n} campuses > max_campuses {most}"


FAMILIES = (*DEFAULT_FAMILIES, MaxCampuses)
BASE = dict(target_mw=500, grid_spacing_km=5, min_host_provinces=1, renewable_share=0.0, mip_gap=1e-9)


def test_family_enabled_by_its_field_and_checked(toy_data):
    sc = CappedScenario(**BASE, province_share_cap=1.0)
    free = siting.solve(toy_data, sc, families=FAMILIES)
    capped = siting.solve(toy_data, sc.replace(max_campuses=2), families=FAMILIES)
    assert MaxCampuses not in free.families and MaxCampuses in capped.families
    assert capped.status == "optimal" and len(capped.sites) <= 2
    assert capped.objective == pytest.approx(free.objective)  # 400 + 100 MW fits in two campuses
    assert_result_valid(capped, toy_data)  # runs MaxCampuses.check too
    capped.sites = capped.sites.iloc[[0, 0, 0]].assign(site_id=["a", "b", "c"])
    with pytest.raises(AssertionError, match="max_campuses"):
        MaxCampuses.check(capped, toy_data, 1e-6)


def test_family_limit_in_the_diagnosis(toy_data):
    """With the default 50% province cap, 500 MW needs three campuses; two are allowed."""
    free = siting.solve(toy_data, CappedScenario(**BASE), families=FAMILIES)
    assert len(free.sites) >= 3  # the share cap needs three; a fourth may be cheaper (circuits)
    res = siting.solve(toy_data, CappedScenario(**BASE, max_campuses=2), families=FAMILIES)
    assert res.status == "infeasible"
    row = res.diagnosis.limits.set_index("family").loc["max_campuses"]
    assert row.over_mw == pytest.approx(1.0)
    assert "campus count: 1 campus(es) more than allowed needed" in str(res.diagnosis)
    assert res.diagnosis.max_achievable_mw == pytest.approx(400.0)  # two campuses of 200 MW
