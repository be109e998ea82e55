"""After the solve: what each limit is worth, flows that depend on the plan alone, the values read back.

Each stage takes a solved model (:class:`siting.model.SitingModel`, which
calls them as its methods :meth:`~siting.model.SitingModel.prices`,
:meth:`~siting.model.SitingModel.settle` and
:meth:`~siting.model.SitingModel.read`): :func:`prices` values one more MW
of each limit with the plan fixed, :func:`settle` picks one answer among
equal optima for the flows the objective does not price, and :func:`read`
copies the solved values into a :class:`Solution` of plain numbers, so that
results never touch PuLP. The stages read the model through
:class:`SolvedModel` and never import :mod:`siting.model`.

Examples
--------
>>> import siting
>>> from siting.model import SitingModel
>>> from siting.postsolve import prices, read, settle
>>> data = siting.load_korea()
>>> sc = siting.Scenario(target_mw=800, grid_spacing_km=40, renewable_share=0.0, min_host_provinces=1)
>>> st = siting.prepare(data, sc).stages(sc)
>>> m = SitingModel.build(data, sc, st.candidates, st.options, graph=st.graph, headroom=st.headroom)
>>> str(m.solve().status)
'optimal'
>>> values = prices(m)  # (limit, key) -> KRW bn per MW
>>> min(values.values()) > -1e-6
True
>>> settle(m)
>>> sol = read(m)
>>> float(m.mw[sol.chosen].sum()) >= 800
True
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd
import pulp

from ._types import ModelLike
from .constants import COST_TERMS, Status
from .families._base import Stage, linear, value
from .options import OPTION_COST_COLUMNS
from .solvers import Deadline, OutOfTime, solve_lp_duals, solve_problem

if TYPE_CHECKING:
    from .families._base import Family
    from .solvers import SolveReport

__all__ = ["PRICE_STEP_MW", "Solution", "SolvedModel", "fix_plan", "prices", "read", "settle"]

#: Step by which :func:`prices` raises each limit, MW: a value is the saving per MW over it.
PRICE_STEP_MW = 1.0


@dataclass
class Solution:
    """A solved model's values as plain numbers: what :mod:`siting.assemble` reads.

    Attributes
    ----------
    chosen : ndarray of bool
        Per option (row of the options table).
    costs : dict of str to float
        Per cost term, KRW bn.
    supply_used_mw : ndarray
        Per substation (row of ``data.substations``).
    line_flow_mw : dict of str to float
        Signed flow by ``line_id`` (from -> to); lines absent carry none.
    renewable_flow_mw : dict of str to float
        Signed renewable energy flow by ``line_id``, average MW.
    renewable_delivered_mw : float
        Renewable energy delivered to the campuses, average MW.
    renewable_by_node : dict of str to dict of int to float
        Average MW by substation position: ``delivered`` (to its campuses),
        ``surplus`` (surplus used there), ``build`` (new-build energy taken
        there) (:mod:`siting.families.renewable`).
    renewable_build_mw : ndarray
        MW built per new-build option (:mod:`siting.families.renewable_build`).
    slacks : dict
        ``(limit, key) -> MW`` for elastic models.
    prices : dict
        ``(limit, key) -> value per MW`` of raising that limit with the plan
        fixed (:func:`prices`); empty when not computed.
    security : dict of str to int
        What the N-1 family checked (:mod:`siting.families.security`).
    reinforcements : DataFrame or None
        Per project: units built, cost, MW carried
        (:mod:`siting.families.reinforcement`); None without the family.

    Examples
    --------
    >>> sol = Solution.empty(n_options=3, n_substations=2)
    >>> sol.chosen.tolist(), sol.costs["connection"]
    ([False, False, False], 0.0)
    """

    chosen: np.ndarray
    costs: dict[str, float]
    supply_used_mw: np.ndarray
    line_flow_mw: dict[str, float] = field(default_factory=dict)
    renewable_flow_mw: dict[str, float] = field(default_factory=dict)
    renewable_delivered_mw: float = 0.0
    renewable_by_node: dict[str, dict[int, float]] = field(default_factory=dict)
    renewable_build_mw: np.ndarray = field(default_factory=lambda: np.zeros(0))
    slacks: dict[tuple[str, Hashable], float] = field(default_factory=dict)
    prices: dict[tuple[str, Hashable], float] = field(default_factory=dict)
    security: dict[str, int] = field(default_factory=dict)
    reinforcements: pd.DataFrame | None = None

    @classmethod
    def empty(cls, n_options: int, n_substations: int) -> Solution:
        """No plan: nothing chosen, every value zero."""
        return cls(
            chosen=np.zeros(n_options, dtype=bool),
            costs=dict.fromkeys(COST_TERMS, 0.0),
            supply_used_mw=np.zeros(n_substations),
        )


class SolvedModel(ModelLike, Protocol):
    """What the stages read of a solved model (:class:`siting.model.SitingModel`) beyond a family's view."""

    elastic: frozenset[str]
    spaced: bool
    #: Each option's cost in the objective, with its tie-break (:mod:`siting._tie_break`).
    objective_cost: np.ndarray

    @property
    def families(self) -> Sequence[Family]:
        """The families built into the model, in order."""
        ...

    def campuses_per_site(self, x: np.ndarray) -> np.ndarray:
        """Campuses on each site (by site number) for option values ``x``."""
        ...

    def solve(
        self,
        *,
        time_limit_s: float | None = None,
        mip_gap: float | None = None,
        threads: int | None = None,
        relaxation: bool = True,
    ) -> SolveReport:
        """Solve, adding the rows the solutions break, until none is or time is up."""
        ...


def fix_plan(m: SolvedModel) -> dict[str, tuple[float | None, float | None]]:
    """Fix every count and site at its solved value (bounds); returns the bounds it replaced.

    The continuous variables the families fix with the plan
    (``fixed_with_plan``) are fixed too.

    Examples
    --------
    See the module's example; ``prices`` and ``settle`` call it.
    """
    before = {}
    for v in [*m.x, *m.y, *m.fixed_with_plan]:
        before[v.name] = (v.lowBound, v.upBound)
        val = round(value(v)) if v.cat == pulp.LpInteger or m.spaced else value(v)
        v.lowBound = v.upBound = val
    return before


def prices(m: SolvedModel, *, time_limit_s: float = 60.0) -> dict[tuple[str, Hashable], float]:
    """What one more MW of each limit is worth with the plan fixed (call after a solve).

    Every count and site is fixed at the solved plan and the rest (flows,
    supplies, renewable flows, slacks) is solved again as an LP with
    HiGHS. The value of a limit is how much that LP's optimum falls per
    MW when the limit is raised by :data:`PRICE_STEP_MW` on every row
    (and variable bound) that carries it (``m.limit_rows``), solved
    again from the optimal basis; only limits whose duals allow a saving
    are re-solved (a dual bounds the saving; the duals themselves are not
    unique at degenerate optima and can overstate it). Where no
    breakpoint lies within the step this is the derivative, the shadow
    price. For a plan, the objective is the cost (KRW bn per MW; only the
    transmission term can change); for an elastic model, it is the total
    slack alone (MW of relaxation saved per MW). Headroom rows hold only
    the fixed counts, so a plan's headroom is worth 0 here: what more
    headroom buys is a different plan (a MILP question, not a dual).
    With N-1, the raised LP keeps the post-outage rows generated so far
    (those that bind the plan): a raise that makes other outage pairs
    bind can make the value an overstatement.

    The plan's bounds and the solved values are restored afterwards.

    Returns
    -------
    dict
        ``(limit, key) -> value per MW`` (>= 0 up to solver tolerance);
        empty when the LP did not solve to optimality in time.

    Examples
    --------
    See the module's example.
    """
    deadline = Deadline(time_limit_s)
    saved = {v.name: v.varValue for v in m.prob.variables()}
    bounds = fix_plan(m)
    objective, sense = m.prob.objective, m.prob.sense
    if m.elastic:
        m.prob.setObjective(linear((v, 1.0) for v in m.slacks.values()))
    try:
        return _savings(m, deadline)
    finally:
        m.prob.setObjective(objective)
        m.prob.sense = sense
        for v in [*m.x, *m.y, *m.fixed_with_plan]:
            v.lowBound, v.upBound = bounds[v.name]
        for v in m.prob.variables():
            v.varValue = saved.get(v.name)


def _savings(m: SolvedModel, deadline: Deadline) -> dict[tuple[str, Hashable], float]:
    """Solve the fixed plan's LP, adding the rows families separate, then each limit's saving per MW."""
    while True:
        left = max(deadline.remaining(), 0.0)
        duals = solve_lp_duals(m.prob, time_limit_s=left, limits=m.limit_rows, step=PRICE_STEP_MW)
        if duals.status != Status.OPTIMAL or not sum(f.separate(m) for f in m.families):
            break
        if deadline.expired:
            return {}
    if duals.status != Status.OPTIMAL:
        return {}
    return dict(duals.saving)


def settle(m: SolvedModel, *, time_limit_s: float = 60.0) -> None:
    """Make the reported flows and renewable figure depend on the plan alone (call after a solve).

    Equal optima differ in flows the objective does not price: renewable
    flows cost nothing, so a solver may return any of many, with
    circulating flow and a renewable figure anywhere between the share
    needed and the most deliverable. With the plan (every count and site)
    fixed, lexicographic LP stages pick one answer, from what each family
    says of its flows (:meth:`siting.families.Family.settling`):

    1. least priced cost of the flows (the network's transmission cost, the
       renewables built and the incentive on renewable energy, summed: the
       plan's own, so the objective never rises);
    2. each figure a family prefers (the most renewable energy the plan can
       receive at that cost);
    3. least MW x km of every family's flows at all of those (no circulation).

    Stages that cannot change anything are skipped (without a preferred
    figure and with every flow priced, the optimum already has least flow;
    stage 1 only guards stage 2). Afterwards the model's variables hold the
    settled values and the plan is fixed in the model. The stages share
    ``time_limit_s``; when it runs out, the values found so far are kept.

    Examples
    --------
    See the module's example.
    """
    deadline = time.perf_counter() + time_limit_s
    stages = [] if m.elastic else _settling_stages(m)
    if not stages:
        return
    fix_plan(m)
    for k, stage in enumerate(stages):
        left = deadline - time.perf_counter()
        if left <= 0:
            return
        if not _settle_stage(m, stage, left):
            # a solver that prints values to 8 digits (CBC) can leave a build a hair short of the share
            # it meets: give the continuous values fixed with the plan that hair upward, once
            if k > 0 or not _loosen_fixed(m) or not _settle_stage(m, stage, deadline - time.perf_counter()):
                return


def _loosen_fixed(m: SolvedModel) -> bool:
    """Let each continuous value fixed with the plan rise by 1e-6 of itself (False: there is none)."""
    loose = [v for v in m.fixed_with_plan if v.cat != pulp.LpInteger and v.lowBound is not None]
    for v in loose:
        v.upBound = v.lowBound + 1e-6 * max(1.0, abs(v.lowBound))
    return bool(loose)


def _settling_stages(m: SolvedModel) -> list[Stage]:
    """The stages the families' flows ask for, in order; empty when none can change anything."""
    parts = [f.settling(m) for f in m.families]
    lengths = [p.length for p in parts if p.length is not None]
    preferred = [s for p in parts for s in p.preferred]
    if not lengths or not preferred and all(p.priced for p in parts if p.length is not None):
        return []
    priced = [s for p in parts for s in p.priced] if preferred else []
    if len(priced) > 1:  # one stage: their sum held at its least, as the objective weighs them
        priced = [Stage("settle_cost", pulp.lpSum(s.expr for s in priced), pulp.LpMinimize)]
    return [*priced, *preferred, Stage("settle_len", pulp.lpSum(lengths), pulp.LpMinimize)]


def _settle_stage(m: SolvedModel, stage: Stage, left: float) -> bool:
    """Optimise one stage and hold its optimum with a row; False (values kept as before) when not optimal."""
    saved = {v.name: v.varValue for v in m.prob.variables()}
    m.prob.sense = stage.sense
    m.prob.setObjective(stage.expr)
    report = m.solve(time_limit_s=left, mip_gap=0.0, threads=1, relaxation=False)
    if report.status != "optimal":  # keep the values found so far
        for v in m.prob.variables():
            v.varValue = saved.get(v.name)
        return False
    best = value(stage.expr)
    tol = 1e-7 * max(1.0, abs(best))
    if stage.sense == pulp.LpMinimize:
        m.prob += stage.expr <= best + tol, stage.name
    else:
        m.prob += stage.expr >= best - tol, stage.name
    return True


def read(m: SolvedModel, *, time_limit_s: float = 60.0) -> Solution:
    """The solved values as a :class:`Solution` (call after a solve that found a plan).

    ``time_limit_s`` bounds the small LP that picks whole sites for the
    solved counts when the solver returned a fractional choice among
    equally good ones, or, when the time limit ended before the lazy
    site rows were all added, a plan that puts two campuses on one site
    (its cost terms are then those of the sites assigned, which may cost
    more than the solver's objective said).

    Examples
    --------
    See the module's example.
    """
    x = np.array([value(v) for v in m.x])
    shared = m.campuses_per_site(x).max(initial=0) > 1 + 1e-6
    if shared or ((x > 1e-6) & (x < 1 - 1e-6)).any():
        assigned = assign_sites(m, time_limit_s=time_limit_s)
        if assigned is None:
            raise RuntimeError("the solved counts have no whole sites; report this with the scenario")
        x = assigned
    chosen = x > 0.5
    costs = {t: value(m.terms.get(t, 0)) for t in [*COST_TERMS, *(t for t in m.terms if t not in COST_TERMS)]}
    for term, col in OPTION_COST_COLUMNS.items():  # from the sites chosen, whole
        costs[term] = float(m.opts[col].to_numpy()[chosen].sum())
    sol = Solution(
        chosen=chosen,
        costs=costs,
        supply_used_mw=np.zeros(len(m.data.substations)),
        slacks={k: value(v) for k, v in m.slacks.items()},
    )
    for family in m.families:
        family.read(m, sol)
    return sol


def assign_sites(m: SolvedModel, *, time_limit_s: float) -> np.ndarray | None:
    """Whole sites for the solved counts (the transportation problem, solved as an LP), or None.

    The solver may return a fractional choice of sites among equally good
    ones; with the counts fixed, choosing the sites (one campus per site,
    each group its count, least cost) has whole vertices, which the
    simplex method returns. None when no choice exists: a lazy model's plan
    that puts more campuses on a group's sites than it has free ones is
    not a plan. Only the options of groups holding a campus
    enter it (a few hundred of the tens of thousands at 5 km: the LP is
    built and solved in well under a second, inside the time-limit margin).
    """
    counts = np.array([round(value(v)) for v in m.y], dtype=int)
    held = np.flatnonzero(counts > 0).tolist()
    used = np.sort(np.concatenate([m.group_options[g] for g in held])) if held else np.zeros(0, dtype=int)
    lp = pulp.LpProblem("sites", pulp.LpMinimize)
    x = {k: pulp.LpVariable(f"a{k}", lowBound=0, upBound=1) for k in used.tolist()}
    site = m.opts["site"].to_numpy()[used]
    names, times = np.unique(site, return_counts=True)
    for s in names[times > 1].tolist():
        lp += linear((x[k], 1) for k in used[site == s].tolist()) <= 1, f"site_{s}"
    for g in held:
        lp += linear((x[k], 1) for k in m.group_options[g].tolist()) == int(counts[g]), f"count_{g}"
    cost = m.objective_cost
    lp += linear((v, float(cost[k])) for k, v in x.items())
    done = solve_problem(
        lp, solver=m.scenario.solver, time_limit_s=max(time_limit_s, 1.0), mip_gap=0.0, threads=1
    )
    if done.status == "infeasible":
        return None
    if done.status != "optimal":
        raise OutOfTime("choosing whole sites for the solved counts")
    out = np.zeros(len(m.opts))
    out[used] = [value(v) for v in x.values()]
    if ((out > 1e-6) & (out < 1 - 1e-6)).any():
        raise RuntimeError("site assignment is not whole; report this with the scenario")
    return out
