"""The lazy model: site rows and option columns added when a solution needs them, same optimum.

The reference is the complete model (``lazy=False``: every site row and
every option column up front), solved by the same solver; the brute-force
tests (``test_bruteforce``) check both against an independent enumeration.
"""

import time
from dataclasses import replace

import numpy as np
import pytest

import siting
from siting.candidates import build_candidates
from siting.constants import Status
from siting.grid import build_grid
from siting.model import SitingModel
from siting.options import build_options, reduce_options
from siting.solvers import solve_problem
from siting.testing import assert_result_valid

pytest.importorskip("highspy")

#: Toy scenarios on a fine grid where the first lazy solve puts two campuses on one site
#: (checked below: each must add site rows, or it tests nothing).
CONFLICTS = {
    "two_tiers": dict(target_mw=450, tiers_mw=(50, 100), min_host_provinces=2),
    "three_tiers": dict(target_mw=600, tiers_mw=(50, 100, 200), min_host_provinces=3),
}


def _models(data, sc, **kw):
    cand = build_candidates(data, sc)
    opts = reduce_options(build_options(data, sc, cand), data, sc)
    G = build_grid(data, sc)
    return [SitingModel.build(data, sc, cand, opts, graph=G, lazy=lazy, **kw) for lazy in (True, False)]


def _site_rows_at_each_solve(model, monkeypatch) -> list[int]:
    """The number of site rows ``model`` holds at each integer solve from now on (filled as it solves)."""
    import siting.model

    rows: list[int] = []

    def counted(prob, **kw):
        rows.append(len(model.site_rows))
        return solve_problem(prob, **kw)

    monkeypatch.setattr(siting.model, "solve_problem", counted)
    return rows


@pytest.mark.parametrize("name", sorted(CONFLICTS))
def test_lazy_model_equals_complete_model(toy_data, name):
    sc = siting.Scenario(
        grid_spacing_km=3, solver="highs", mip_gap=0.0, renewable_share=0.0, **CONFLICTS[name]
    )
    lazy, full = _models(toy_data, sc)
    assert not lazy.site_rows and lazy.active.sum() < len(lazy.opts)
    assert full.active.all() and len(full.site_rows) > 0
    done_lazy, done_full = lazy.solve(), full.solve()
    assert done_lazy.status == done_full.status == "optimal"
    assert done_lazy.objective == pytest.approx(done_full.objective, rel=1e-9, abs=1e-9)
    # the conflict happened: rows were added, and with them columns beyond the first ones
    assert lazy.site_rows
    x = np.array([v.varValue or 0.0 for v in lazy.x])
    assert (x[~lazy.active] == 0).all()
    per_site = np.bincount(lazy.opts["site"].to_numpy(), weights=x)
    assert per_site.max() <= 1 + 1e-6


def test_new_site_row_brings_in_the_next_option(toy_data):
    """A row on a group's site makes the group's next-cheapest option a column, in its count row."""
    sc = siting.Scenario(target_mw=300, grid_spacing_km=3, tiers_mw=(50, 100), min_host_provinces=1)
    (m, _) = _models(toy_data, sc)
    opts = m.opts
    g = int(np.argmax([len(idx) for idx in m.group_options]))
    idx = m.group_options[g]
    ranked = idx[np.lexsort((opts["site"].to_numpy()[idx], opts["cost"].to_numpy()[idx]))]
    bound = int(m.y[g].upBound)
    assert len(ranked) > bound  # the group has options the model leaves out
    assert m.active[ranked[:bound]].all() and not m.active[ranked[bound:]].any()
    cheapest_site = int(opts["site"].iat[ranked[0]])
    assert m.add_site_rows([cheapest_site]) == 1
    assert m.active[ranked[bound]]
    assert m.x[ranked[bound]] in m.prob.constraints[f"count_{g}"].keys()
    assert m.add_site_rows([cheapest_site]) == 0  # once only


@pytest.mark.slow  # 38 s (the complete model at 30 km): the quick tier compares the two on the toy grid
def test_lazy_model_on_korea(korea):
    """Default families on Korea: the lazy and complete models reach the same optimum; the plan checks out."""
    sc = siting.Scenario(target_mw=1000, grid_spacing_km=30, solver="highs", mip_gap=0.0)
    lazy, full = _models(korea, sc)
    assert lazy.active.sum() < len(lazy.opts)
    assert lazy.solve().objective == pytest.approx(full.solve().objective, rel=1e-9)
    assert_result_valid(siting.solve(korea, sc), korea)


def test_site_rows_the_relaxation_breaks_come_before_the_first_integer_solve(toy_data, monkeypatch):
    """Tiers sharing a site in the LP relaxation: its site rows come before any integer solve; exact."""
    import siting.model

    sc = siting.Scenario(
        target_mw=450,
        tiers_mw=(50, 100, 200),
        min_host_provinces=1,
        grid_spacing_km=2,
        solver="highs",
        mip_gap=0.0,
        renewable_share=0.0,
    )
    lazy, full = _models(toy_data, sc)
    best = full.solve().objective
    rows_at_solve = _site_rows_at_each_solve(lazy, monkeypatch)
    report = lazy.solve()
    assert rows_at_solve[0] > 0  # site rows before the first integer solve: from the relaxation
    assert report.objective == pytest.approx(best, rel=1e-9)


class _EndsAfterFirstSolve:
    """A deadline with time for one solve that has expired when the solve returns."""

    def remaining(self):
        return 60.0

    expired = True


def test_limit_before_the_site_rows_are_complete_still_gives_whole_sites(toy_data):
    """Cut off after the first lazy solve: the counts keep every limit, so read() assigns each site once."""
    sc = siting.Scenario(
        grid_spacing_km=3, solver="highs", mip_gap=0.0, renewable_share=0.0, **CONFLICTS["two_tiers"]
    )
    lazy, full = _models(toy_data, sc)
    report = lazy._solve_separated(
        _EndsAfterFirstSolve(), relaxation=False, solver="highs", mip_gap=0.0, threads=1
    )
    assert lazy.site_rows  # the first solve shared a site, and the limit came before solving again
    assert report.status == "feasible"
    sol = lazy.read()
    assert np.bincount(lazy.opts["site"].to_numpy()[sol.chosen]).max() == 1
    chosen_mw = lazy.opts["tier_mw"].to_numpy()[sol.chosen].sum()
    assert chosen_mw == pytest.approx(
        sum(v.varValue * mw for v, mw in zip(lazy.y, lazy.group_mw, strict=True))
    )
    best = full.solve().objective
    assert sum(sol.costs.values()) >= best - 1e-6


def test_a_family_that_reads_sites_gets_the_complete_model(toy_data):
    """Rows on the site choice need every option column and site row from the start."""
    from siting.families import DEFAULT_FAMILIES, Family

    class NoSiteAbove(Family):
        name = "no_site_above"
        reads_sites = True

        def add(self, m):
            for k in range(len(m.x)):
                m.prob += m.x[k] <= 1, f"x_at_most_one_{k}"

    sc = siting.Scenario(grid_spacing_km=3, **CONFLICTS["two_tiers"])
    plain, _ = _models(toy_data, sc)
    custom, _ = _models(toy_data, sc, families=[*DEFAULT_FAMILIES, NoSiteAbove])
    assert plain.lazy and not plain.active.all()
    assert not custom.lazy and custom.active.all() and custom.site_rows


def test_a_family_on_sites_without_reads_sites_is_refused(toy_data):
    """Rows on options the lazy model left out would let the solver pick them for free: a clear error."""
    from siting.families import DEFAULT_FAMILIES, Family

    class AtLeastTwoSites(Family):
        name = "at_least_two_sites"

        def add(self, m):
            m.prob += sum(m.x) >= 2, "two_sites"

    sc = siting.Scenario(grid_spacing_km=3, **CONFLICTS["two_tiers"])
    with pytest.raises(ValueError, match=r"AtLeastTwoSites.*m\.x.*reads_sites = True"):
        _models(toy_data, sc, families=[*DEFAULT_FAMILIES, AtLeastTwoSites])


def test_new_columns_join_the_models_objective_not_one_set_in_its_place(toy_data):
    """A frontier maximises the host count on the model: activated sites must not be priced into that."""
    sc = siting.Scenario(target_mw=300, grid_spacing_km=3, tiers_mw=(50, 100), min_host_provinces=1)
    m, _ = _models(toy_data, sc)
    own = m.prob.objective
    other = m.total + 0  # what another caller optimises instead
    m.prob.setObjective(other)
    g = int(np.argmax([len(idx) for idx in m.group_options]))
    idx = m.group_options[g]
    cheapest = idx[np.lexsort((m.opts["site"].to_numpy()[idx], m.opts["cost"].to_numpy()[idx]))][0]
    before = set(m.active.nonzero()[0])
    assert m.add_site_rows([int(m.opts["site"].iat[cheapest])]) == 1
    new = [m.x[k] for k in set(m.active.nonzero()[0]) - before]
    assert new
    assert all(v not in m.prob.objective.keys() for v in new)
    assert all(v in own.keys() for v in new)


@pytest.mark.parametrize("sense", [1, -1], ids=["minimise", "maximise"])
def test_time_limit_on_a_plan_that_breaks_a_row_keeps_the_plan_that_broke_none(toy_data, monkeypatch, sense):
    """Round 1's plan breaks only a site row (read() settles those), round 2's breaks a family's row
    and the time is up: round 1's plan comes back as feasible, its gap against the best bound of both
    (the highest when minimising, the lowest when maximising, e.g. pareto's host count)."""
    import siting.model
    from siting.solvers import Deadline

    sc = siting.Scenario(target_mw=300, grid_spacing_km=10, min_host_provinces=1, solver="highs")
    m, _ = _models(toy_data, sc)
    solved = m.solve()
    plan = {v.name: v.varValue for v in m.prob.variables()}
    obj = solved.objective
    m.prob.sense = sense
    deadline = Deadline(3600.0)
    script = iter(
        [
            replace(solved, status=Status.FEASIBLE, bound=(1 - sense * 0.10) * obj),
            replace(solved, status=Status.FEASIBLE, objective=0.95 * obj, bound=(1 - sense * 0.07) * obj),
        ]
    )

    def scripted_solve(prob, **kw):
        report = next(script)
        if report.objective != obj:  # round 2: another plan, and the time runs out during it
            for v in prob.variables():
                v.varValue = 0.0
            deadline.end = time.perf_counter()
        return report

    sites, rows = iter([1, 0]), iter([0, 1])

    class Scripted:
        separates = False

        def separate(self, model):
            return next(rows)

    monkeypatch.setattr(siting.model, "solve_problem", scripted_solve)
    monkeypatch.setattr(m, "separate_sites", lambda: next(sites))
    monkeypatch.setattr(m, "families", [*m.families, Scripted()])
    report = m._solve_separated(deadline, relaxation=False, solver="highs", mip_gap=1e-4, threads=1)
    assert report.status == Status.FEASIBLE
    assert report.objective == pytest.approx(obj)
    assert report.bound == pytest.approx((1 - sense * 0.07) * obj)
    assert report.gap == pytest.approx(0.07)
    assert {v.name: v.varValue for v in m.prob.variables()} == plan


def test_the_best_plan_meeting_every_row_comes_back_not_the_last(toy_data, monkeypatch):
    """Each plan breaks a site row (scripted) and nothing else, so each counts on whole sites. Round 2's
    costs 5 % more than round 1's, and the time runs out: round 1's comes back, with the best bound."""
    import siting.model
    from siting.solvers import Deadline

    sc = siting.Scenario(target_mw=300, grid_spacing_km=10, min_host_provinces=1, solver="highs")
    m, _ = _models(toy_data, sc)
    solved = m.solve()
    plan = {v.name: v.varValue for v in m.prob.variables()}
    obj = solved.objective
    deadline = Deadline(3600.0)
    script = iter(
        [
            replace(solved, status=Status.FEASIBLE, bound=0.90 * obj),
            replace(solved, status=Status.FEASIBLE, objective=1.05 * obj, bound=0.93 * obj),
        ]
    )

    def scripted_solve(prob, **kw):
        report = next(script)
        if report.objective != obj:  # round 2: a dearer plan, and the time runs out during it
            for v in prob.variables():
                v.varValue = 0.0
            deadline.end = time.perf_counter()
        return report

    monkeypatch.setattr(siting.model, "solve_problem", scripted_solve)
    monkeypatch.setattr(m, "separate_sites", lambda: 1)
    report = m._solve_separated(deadline, relaxation=False, solver="highs", mip_gap=1e-4, threads=1)
    assert report.status == Status.FEASIBLE
    assert report.objective == pytest.approx(obj) and report.bound == pytest.approx(0.93 * obj)
    assert {v.name: v.varValue for v in m.prob.variables()} == plan


def test_a_round_stopped_at_a_shared_site_whose_last_plan_breaks_nothing_goes_on_from_it(
    toy_data, monkeypatch
):
    """HiGHS stops at a plan that shares a site, but ends on a later one that breaks no row (scripted):
    the next round starts from that plan and is not stopped again; it proves the optimum."""
    import siting.model
    from siting.solvers import Deadline

    sc = siting.Scenario(target_mw=300, grid_spacing_km=10, min_host_provinces=1, solver="highs")
    m, _ = _models(toy_data, sc)
    solved = m.solve()
    script = iter([replace(solved, status=Status.FEASIBLE, bound=0.9 * solved.objective), solved])
    calls = []

    def scripted_solve(prob, **kw):
        calls.append((kw["warm_start"], bool(kw["one_each"])))
        return next(script)

    monkeypatch.setattr(siting.model, "solve_problem", scripted_solve)
    report = m._solve_separated(Deadline(3600.0), relaxation=False, solver="highs", mip_gap=1e-4, threads=1)
    assert report.status == Status.OPTIMAL and report.objective == pytest.approx(solved.objective)
    assert calls == [(False, True), (True, False)]


def test_time_limit_on_a_plan_that_breaks_a_row_without_an_earlier_plan_is_no_solution(toy_data, monkeypatch):
    import siting.model
    from siting.solvers import Deadline

    sc = siting.Scenario(target_mw=300, grid_spacing_km=10, min_host_provinces=1, solver="highs")
    m, _ = _models(toy_data, sc)
    solved = m.solve()
    deadline = Deadline(3600.0)

    def scripted_solve(prob, **kw):
        deadline.end = time.perf_counter()
        return replace(solved, status=Status.FEASIBLE)

    class Breaks:
        separates = False

        def separate(self, model):
            return 1

    monkeypatch.setattr(siting.model, "solve_problem", scripted_solve)
    monkeypatch.setattr(m, "families", [*m.families, Breaks()])
    report = m._solve_separated(deadline, relaxation=False, solver="highs", mip_gap=1e-4, threads=1)
    assert report.status == Status.NO_SOLUTION
    assert report.objective is None and report.bound is None


def test_a_plan_whose_counts_have_no_whole_sites_is_not_kept(toy_data, monkeypatch):
    """Cut off on a plan with more campuses in a group than the group has sites: no site choice
    makes it a plan, so the status is no_solution (it was "feasible", and reading it failed)."""
    import siting.model
    from siting import postsolve
    from siting.solvers import Deadline

    sc = siting.Scenario(target_mw=300, grid_spacing_km=10, min_host_provinces=1, solver="highs")
    m, _ = _models(toy_data, sc)
    solved = m.solve()
    g = next(g for g, v in enumerate(m.y) if v.varValue > 0.5)
    too_many = len(m.group_options[g]) + 1
    assert postsolve.assign_sites(m, time_limit_s=10) is not None  # the solved plan has whole sites
    deadline = Deadline(3600.0)

    def scripted_solve(prob, **kw):
        deadline.end = time.perf_counter()
        m.y[g].varValue = too_many
        m.x[m.group_options[g][0]].varValue = too_many  # all on one site: a site row is broken
        return replace(solved, status=Status.FEASIBLE)

    monkeypatch.setattr(siting.model, "solve_problem", scripted_solve)
    report = m._solve_separated(deadline, relaxation=False, solver="highs", mip_gap=1e-4, threads=1)
    assert m.site_rows  # the plan broke a site row
    assert postsolve.assign_sites(m, time_limit_s=10) is None
    assert report.status == Status.NO_SOLUTION


@pytest.mark.parametrize("gap", [0.0, 0.5])
def test_a_shared_site_plan_within_the_gap_on_whole_sites_ends_the_search(toy_data, monkeypatch, gap):
    """The first lazy plan shares a site. Moved onto whole sites it meets every row; when its cost is
    within the gap of the round's bound it is the answer (one solve), else a second round proves more.
    Either way the reported cost is what the plan read back costs, and within the gap of the optimum."""
    import siting.model

    sc = siting.Scenario(
        grid_spacing_km=3, solver="highs", mip_gap=0.0, renewable_share=0.0, **CONFLICTS["two_tiers"]
    )
    lazy, full = _models(toy_data, sc)
    best = full.solve().objective
    solves = _site_rows_at_each_solve(lazy, monkeypatch)
    report = lazy.solve(mip_gap=gap, relaxation=False)
    assert report.status == "optimal" and lazy.site_rows  # the first plan shared a site
    assert len(solves) == 1 if gap else len(solves) >= 2
    sol = lazy.read()
    assert np.bincount(lazy.opts["site"].to_numpy()[sol.chosen]).max() == 1
    assert report.objective == pytest.approx(sum(sol.costs.values()), rel=1e-9)
    assert best - 1e-6 <= report.objective <= best / (1 - gap) + 1e-6
    assert report.bound <= best + 1e-6
