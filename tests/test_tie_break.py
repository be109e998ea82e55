"""Plans of equal cost: the same plan for the same inputs, whatever their row order or the thread count.

On the toy grid with connection distance and transmission unpriced, every site in reach of a
substation costs the same, and substations alike for every limit tie: many plans cost exactly
the same. Proven optimal (``toy.EXACT``'s gap), the plan must not depend on the order of the input
rows (which orders the model's columns) nor on HiGHS's threads; the reported costs stay those of
the plan, without the tie-break.
"""

import numpy as np
import pytest

import siting
from tests import toy

COSTS = siting.Costs(
    connection_per_km={154: 0.0, 345: 0.0}, transmission_per_mw_km=0.0, renewable_incentive_per_mw=0.0
)
SCENARIO = siting.Scenario(
    target_mw=300,
    tiers_mw=(100,),
    grid_spacing_km=5,
    min_host_provinces=2,
    renewable_share=0.0,
    costs=COSTS,
    **toy.EXACT,
)
#: What any plan of three 100 MW campuses at 154 kV costs here, KRW bn.
PLAN_COST = 3 * (COSTS.connection_fixed[154] + 100 * (COSTS.site_per_mw - COSTS.subsidy_per_mw))


def _plan(res):
    return sorted(zip(res.sites.site_id, res.sites.substation_id, res.sites.capacity_mw, strict=True))


def _shuffled(seed):
    rng = np.random.default_rng(seed)
    return siting.SitingData(**{k: v.iloc[rng.permutation(len(v))] for k, v in toy.layers().items()})


@pytest.fixture(scope="module")
def base():
    res = siting.solve(siting.SitingData(**toy.layers()), SCENARIO, threads=1)
    assert res.status == "optimal" and len(res.sites) == 3
    return res


def test_equal_cost_plans_do_not_depend_on_threads(base):
    two = siting.solve(siting.SitingData(**toy.layers()), SCENARIO, threads=2)
    assert _plan(two) == _plan(base)


@pytest.mark.parametrize("seed", range(8))
def test_equal_cost_plans_do_not_depend_on_the_row_order(base, seed):
    res = siting.solve(_shuffled(seed), SCENARIO, threads=1)
    assert _plan(res) == _plan(base)


def test_the_reported_cost_leaves_the_tie_break_out(base):
    assert base.objective == PLAN_COST == sum(base.costs.values())
    assert base.report.objective == pytest.approx(PLAN_COST, rel=1e-12)  # the solver's, tie-break taken off
    assert base.sites["capacity_mw"].sum() == 300


def test_no_tie_break_at_a_gap_it_cannot_decide():
    """At the default gap (1e-4) the solver stops at any plan within it: the tie-break stays out of the
    objective (it only slowed the solve); at the toy's exact gap it is in."""
    from siting._tie_break import TIE_BREAK_MAX_GAP
    from siting.candidates import build_candidates
    from siting.model import SitingModel
    from siting.options import build_options

    data = siting.SitingData(**toy.layers())
    for gap, tied in ((1e-4, False), (TIE_BREAK_MAX_GAP, True), (SCENARIO.mip_gap, True)):
        sc = SCENARIO.replace(mip_gap=gap)
        cand = build_candidates(data, sc)
        m = SitingModel.build(data, sc, cand, build_options(data, sc, cand))
        assert bool((m.tie > 0).all()) is tied and bool((m.tie == 0).all()) is not tied
