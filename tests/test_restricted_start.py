"""The restricted start: a plan from the groups the LP relaxation uses; it never changes the optimum."""

from __future__ import annotations

import numpy as np
import pulp
import pytest

import siting
import siting.model
from siting._restricted_start import restricted_start
from siting.candidates import build_candidates
from siting.grid import build_grid
from siting.model import SitingModel
from siting.options import build_options, reduce_options
from siting.solvers import Deadline, solve_lp_duals, solve_problem

pytest.importorskip("highspy")

#: Several hosts and tiers: the relaxation uses some groups, not all (checked below).
SCENARIO = dict(target_mw=450, tiers_mw=(50, 100, 200), min_host_provinces=2, grid_spacing_km=3)


def _model(data, **kw):
    sc = siting.Scenario(mip_gap=0.0, renewable_share=0.0, **{**SCENARIO, **kw})
    cand = build_candidates(data, sc)
    opts = reduce_options(build_options(data, sc, cand), data, sc)
    return SitingModel.build(data, sc, cand, opts, graph=build_grid(data, sc), lazy=False)


def _broken_rows(prob: pulp.LpProblem, tol: float = 1e-6) -> list[str]:
    """Rows the variables' values break, evaluated from the values alone."""
    out = []
    for name, c in prob.constraints.items():
        lhs = sum(coef * (v.varValue or 0.0) for v, coef in c.items()) + c.constant
        if (c.sense == pulp.LpConstraintLE and lhs > tol) or (c.sense == pulp.LpConstraintGE and lhs < -tol):
            out.append(name)
        elif c.sense == pulp.LpConstraintEQ and abs(lhs) > tol:
            out.append(name)
    return out


def test_the_start_uses_only_the_relaxations_groups_meets_every_row_and_restores_every_bound(toy_data):
    m = _model(toy_data)
    bounds = [(v.name, v.lowBound, v.upBound) for v in m.prob.variables()]
    assert solve_lp_duals(m.prob).status == "optimal"
    used = np.array([(v.varValue or 0.0) > 1e-6 for v in m.y])
    assert 0 < used.sum() < len(m.y)  # something to restrict: else this tests nothing
    assert restricted_start(m, Deadline(60), solver="highs", mip_gap=0.0, threads=1, relaxed=True)
    y = np.array([v.varValue or 0.0 for v in m.y])
    assert (y[~used] == 0).all() and y.sum() > 0
    assert float(y @ m.group_mw) >= SCENARIO["target_mw"] - 1e-6
    assert _broken_rows(m.prob) == []
    for v in m.prob.variables():  # and the plan is whole where it must be
        if v.cat == pulp.LpInteger:
            assert abs(v.varValue - round(v.varValue)) < 1e-6, v.name
    assert bounds == [(v.name, v.lowBound, v.upBound) for v in m.prob.variables()]


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_with_the_option_the_first_solve_starts_from_it_and_the_optimum_is_the_cold_one(
    toy_data, monkeypatch, solver
):
    starts = []

    def watched(prob, **kw):
        starts.append(kw["warm_start"])
        return solve_problem(prob, **kw)

    monkeypatch.setattr(siting.model, "solve_problem", watched)
    cold = _model(toy_data, solver=solver).solve()  # the default: no restricted start
    report = _model(toy_data, solver=solver, restricted_start=True).solve()
    assert starts == [False, True]
    assert report.status == cold.status == "optimal"
    assert report.objective == pytest.approx(cold.objective, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_a_start_that_breaks_a_row_is_ignored(solver):
    p = pulp.LpProblem("p", pulp.LpMinimize)
    x = [pulp.LpVariable(f"x{i}", 0, 3, pulp.LpInteger) for i in range(3)]
    p += 3 * x[0] + 2 * x[1] + 4 * x[2]
    p += x[0] + x[1] + x[2] >= 4, "need"
    p += x[1] <= 2, "cap"
    for v, value in zip(x, (0, 3, 3), strict=True):  # breaks "cap"
        v.varValue = value
    assert _broken_rows(p) == ["cap"]
    report = solve_problem(p, solver=solver, warm_start=True, mip_gap=0.0)
    assert report.status == "optimal"
    assert report.objective == pytest.approx(10.0)  # x = (2, 2, 0)


def test_the_restricted_solve_takes_its_share_of_the_time_left_and_at_most_the_cap(toy_data, monkeypatch):
    """A quarter of a long budget, at most the cap; more than a quarter of a short one, at most 60 %."""
    import siting._restricted_start as rs

    limits = []

    def watched(prob, **kw):
        limits.append(kw["time_limit_s"])
        return solve_problem(prob, **kw)

    monkeypatch.setattr(rs, "solve_problem", watched)
    for seconds in (8.0, 600.0):
        assert restricted_start(_model(toy_data), Deadline(seconds), solver="highs", mip_gap=0.0, threads=1)
    assert 8.0 * rs.START_SHARE < limits[0] <= 8.0 * rs.START_SHORT_SHARE
    assert limits[1] == rs.START_MOST_S < 600.0 * rs.START_SHARE
