"""The siting integer program: decisions, the constraint families, the objective, the solution.

Decisions: ``y[g]``, a whole number of campuses for each *group* g =
(substation, province, size tier), and ``x[o]`` for each *option* o =
(candidate site, substation, tier) from :mod:`siting.options`: at most one
option per site, and the options of a group add up to its count. Every limit
reads the counts: sites of one group differ only in their own cost, so once
the counts are whole numbers, choosing the sites is a transportation problem
whose optimum is whole (its matrix is totally unimodular). ``x`` is therefore
continuous, and the solver branches on the few counts instead of the many
sites; with a minimum spacing between campuses the sites interact, and ``x``
is binary. Without spacing the model is *lazy*: a group only ever needs its
cheapest options up to its count's bound, and few sites are wanted by two
groups at once, so the model starts with those options and no site rows,
and adds the rows a solution breaks, with the options they make necessary,
solving again until none is broken (on the default Korean scenario at 1 km,
23,000 columns instead of 135,000). Everything else is added by the
constraint families the scenario enables (:mod:`siting.families`): target,
substation headroom, network flows (transport or DC), province share cap,
host provinces, renewable share, spacing. Objective: connection + transmission use + site - renewable
incentive - outside-capital subsidy, each term kept apart for reporting, and, at a tight ``mip_gap``,
a tiny tie-break per option that makes plans of equal cost one plan (:mod:`siting._tie_break`).

Every limit can be made *elastic* (a non-negative slack in MW, minimised) for
the infeasibility diagnosis. Solving is :mod:`siting.solvers`' job; this
module builds the model and solves it round by round, adding the rows each
solution breaks. What follows a solve (the value of each limit, settling the
flows, reading the values back as a :class:`~siting.postsolve.Solution`) is
:mod:`siting.postsolve`'s, which :class:`SitingModel`'s methods of those
names call.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import replace
from typing import Any, ClassVar

import networkx as nx
import numpy as np
import pandas as pd
import pulp

from . import _kept_plan, postsolve
from ._errors import UsageError
from ._lazy_sites import LazySites
from ._log import logger
from ._restricted_start import restricted_start
from ._tie_break import TIE_BREAK_MAX_GAP, tie_break, untie
from ._types import NewLine
from ._utils import safe_name
from .build_out import headroom_bound
from .candidates import Candidates
from .constants import HEADROOM, SolverName, Status
from .data import SitingData
from .families import DEFAULT_FAMILIES, Family, resolve_order
from .families._base import linear, value
from .grid import build_grid
from .options import OPTION_COST_COLUMNS
from .postsolve import PRICE_STEP_MW, Solution
from .scenario import Scenario
from .solvers import (
    Deadline,
    SolveReport,
    check_deadline,
    solve_lp_duals,
    solve_problem,
    variable_maker,
)

__all__ = ["PRICE_STEP_MW", "SitingModel", "Solution"]

#: Option columns made between two looks at the build's deadline (about a second's work).
COLUMN_BLOCK = 100_000


def _refuse_site_rows(family_cls: type[Family], rows: list[tuple[str, Any]], absent: set[int]) -> None:
    """Raise when a family's new ``rows`` hold site columns (by ``id``) that a lazy model left out."""
    bad = [name for name, c in rows if any(id(v) in absent for v in c.keys())] if absent else []
    if bad:
        raise UsageError(
            f"family {family_cls.__name__} adds rows on the site choice m.x ({bad[:3]}), which a lazy "
            "model holds only in part; fix: read the counts m.y, or set reads_sites = True on the "
            "family so that the model holds every site"
        )


class SitingModel(LazySites):
    """The PuLP problem, its decision variables and the families that constrain them.

    Build it with :meth:`build`, solve it with :meth:`solve`, read the values
    with :meth:`read`. Families use the attributes below to add constraints.

    Attributes
    ----------
    prob : pulp.LpProblem
    data, scenario, cand, opts, graph
        The inputs (``opts`` from :func:`siting.options.build_options`).
    x : list of pulp.LpVariable
        One per option: continuous in [0, 1], binary when campuses need spacing.
    mw : ndarray
        Each option's tier, MW.
    groups : DataFrame
        ``substation``, ``province``, ``tier_mw``, ``options``: one row per group.
    y : list of pulp.LpVariable
        Whole number of campuses per group (bounded by the headroom it has and by
        the families' :meth:`Family.count_bound`).
    group_mw : ndarray
        Each group's tier, MW.
    group_options : list of ndarray
        Option positions of each group, aligned with ``groups`` and ``y``.
    total : pulp.LpAffineExpression
        Total MW placed.
    load : dict of int to pulp.LpAffineExpression
        MW connected at each substation position that some option reaches.
    terms : dict of str to pulp.LpAffineExpression
        Cost terms; families may add their own (the network adds transmission).
    slacks : dict
        ``(limit, key) -> variable`` for the elastic limits.
    families : list of Family
        The families built into this model, in order.
    line_flows : dict of str to (LpVariable, LpVariable, float)
        ``line_id -> (fp, fm, length_km)``: the campus supply flow ``fp - fm``
        (set by the network family). Families that also move power over a
        line share its residual capacity with these.
    renewable_flows : dict of str to (LpVariable, LpVariable, float)
        ``line_id -> (gp, gm, length_km)``: the renewable energy flow (set by
        the renewable family).
    renewable_delivered : pulp.LpAffineExpression or None
        Renewable energy delivered to the campuses, average MW (renewable family).
    build_peak, build_energy : dict of int to pulp.LpAffineExpression
        Per substation position, the peak supply (MW) and the average energy
        (MW) of the renewables built for the campuses (set by the
        renewable-build family; empty without it).
    added_capacity, new_lines, added_headroom, exports
        What reinforcements built add (:mod:`siting.families.reinforcement`): MW by line id,
        new flow paths (:class:`siting._types.NewLine`), headroom by substation position, and
        the held-back generation export links carry out, MW by substation position (a draw
        the network balances there).
    fixed_with_plan : list of pulp.LpVariable
        Variables that :meth:`settle` fixes at their solved values with the plan: they carry
        cost terms its stages do not price (renewables, reinforcements built), which must not move.
    limit_rows : dict of (str, key) to list of str
        Where each limit's value sits on a right-hand side: constraint names,
        or names of variables whose upper bound is the limit. Families record
        them for :meth:`prices`: ``(headroom, substation_id)``,
        ``(lines, line_id)``, ``(supply, substation_id)``.
    """

    #: What the model holds itself: families read these without declaring them (``Family.reads``).
    holds: ClassVar[frozenset[str]] = frozenset(
        "prob data scenario cand opts graph headroom elastic x mw groups y group_mw group_options total load "
        "terms slacks fixed_with_plan limit_rows slack on_rhs options_by groups_by check_time "
        "build_peak build_energy added_capacity new_lines added_headroom exports".split()
    )

    def __init__(
        self,
        data: SitingData,
        scenario: Scenario,
        cand: Candidates,
        opts: pd.DataFrame,
        graph: nx.MultiGraph,
        *,
        elastic: Iterable[str] = (),
        headroom: np.ndarray | None = None,
        lazy: bool = True,
        deadline: Deadline | None = None,
    ) -> None:
        self.data, self.scenario, self.cand, self.opts, self.graph = data, scenario, cand, opts, graph
        self.elastic = frozenset(elastic)
        nominal = headroom_bound(data, scenario)  # the data's, plus every expansion when reinforcing
        self.headroom = nominal if headroom is None else np.asarray(headroom, dtype=float)
        self._groups: dict[str, dict[Any, np.ndarray]] = {}
        self.deadline = deadline
        self.prob = pulp.LpProblem("siting", pulp.LpMinimize)
        self.spaced = scenario.min_spacing_km > 0
        self.lazy = lazy and not self.spaced
        cat = pulp.LpBinary if self.spaced else pulp.LpContinuous
        new = variable_maker(self.prob)
        self.x = self._option_columns(new, cat)
        self.mw = opts["tier_mw"].to_numpy()
        tied = scenario.mip_gap <= TIE_BREAK_MAX_GAP  # looser, it cannot decide (_tie_break)
        self.tie = tie_break(opts, cand.sites["site_id"], data.substations["substation_id"]) * tied
        self.objective_cost = opts["cost"].to_numpy(dtype=float) + self.tie  # each option's, in the objective
        keys = ["substation", "province", "tier_mw"]
        by_group = opts.groupby(keys, sort=True)
        # option positions of each group, in the groups' (sorted) order
        self.group_options = list(
            pd.Series(np.arange(len(opts))).groupby(by_group.ngroup().to_numpy()).indices.values()
        )
        self.groups = by_group.size().rename("options").reset_index()
        cap = np.floor(
            self.headroom[self.groups["substation"].to_numpy()] / self.groups["tier_mw"].to_numpy() + 1e-9
        )
        upper = (
            self.groups["options"].to_numpy()
            if HEADROOM in self.elastic
            else np.minimum(cap, self.groups["options"])
        )
        self.y = [new(f"y{g}", 0, int(u), pulp.LpInteger) for g, u in enumerate(upper)]
        self._upper = np.asarray(upper, dtype=float)
        # each option's group, and the options by group, cheapest first (ties by site)
        self._group = np.empty(len(opts), dtype=np.int64)
        for g, idx in enumerate(self.group_options):
            self._group[idx] = g
        self._ranked = np.lexsort((opts["site"].to_numpy(), self.objective_cost, self._group))
        #: Options whose column is in the model (all with spacing; see :meth:`activate`).
        self.active = np.zeros(len(opts), dtype=bool)
        self._cost_weight = 1.0
        #: The model's own objective; new columns join it even while another is set (frontier, settle).
        self._objective = pulp.LpAffineExpression()
        self.group_mw = self.groups["tier_mw"].to_numpy(dtype=float)
        self.total = linear(zip(self.y, self.group_mw, strict=True))
        self.load = {
            n: linear((self.y[g], self.group_mw[g]) for g in idx)
            for n, idx in self.groups_by("substation").items()
        }
        self.terms: dict[str, pulp.LpAffineExpression] = {}
        self.slacks: dict[tuple[str, Hashable], pulp.LpVariable] = {}
        self.families: list[Family] = []
        self.line_flows: dict[str, tuple[pulp.LpVariable, pulp.LpVariable, float]] = {}
        self.renewable_flows: dict[str, tuple[pulp.LpVariable, pulp.LpVariable, float]] = {}
        self.renewable_delivered: pulp.LpAffineExpression | None = None
        self.build_peak: dict[int, pulp.LpAffineExpression] = {}
        self.build_energy: dict[int, pulp.LpAffineExpression] = {}
        self.added_capacity: dict[str, pulp.LpAffineExpression] = {}
        self.new_lines: list[NewLine] = []
        self.added_headroom: dict[int, pulp.LpAffineExpression] = {}
        self.exports: dict[int, pulp.LpAffineExpression] = {}
        self.fixed_with_plan: list[pulp.LpVariable] = []
        self.limit_rows: dict[tuple[str, Hashable], list[str]] = {}
        self.site_rows: set[Hashable] = set()

    def _option_columns(self, new: Callable[..., pulp.LpVariable], cat: str) -> list[pulp.LpVariable]:
        """One column per option, in blocks with a look at the deadline between them (a million: seconds)."""
        n, out = len(self.opts), []
        for start in range(0, n, COLUMN_BLOCK):
            self.check_time("building the model (a column per option)")
            out += [new(f"x{k}", 0, 1, cat) for k in range(start, min(start + COLUMN_BLOCK, n))]
        return out

    def on_rhs(self, limit: str, key: Hashable, name: str) -> None:
        """Record that constraint (or variable upper bound) ``name`` has ``(limit, key)`` on its right."""
        self.limit_rows.setdefault((limit, key), []).append(name)

    def groups_by(self, column: str) -> dict[Any, np.ndarray]:
        """Group positions (of ``groups`` and ``y``) by ``substation``, ``province`` or ``tier_mw``."""
        return dict(self.groups.groupby(column).indices.items())

    def check_time(self, where: str) -> None:
        """Raise :class:`siting.solvers.OutOfTime` when the build's deadline has passed.

        Families that add many rows call it now and then, so that a time
        limit also bounds the model build.
        """
        check_deadline(self.deadline, where)

    def slack(self, limit: str, key: Hashable) -> pulp.LpVariable | int:
        """A non-negative slack on ``(limit, key)`` when ``limit`` is elastic, else 0."""
        if limit not in self.elastic:
            return 0
        v = pulp.LpVariable(f"s_{limit}_{safe_name(key)}", lowBound=0)
        self.slacks[(limit, key)] = v
        return v

    @classmethod
    def build(
        cls,
        data: SitingData,
        scenario: Scenario,
        cand: Candidates,
        opts: pd.DataFrame,
        *,
        elastic: Sequence[str] = (),
        tie_break: bool = True,
        graph: nx.MultiGraph | None = None,
        families: Sequence[type[Family]] | None = None,
        headroom: np.ndarray | None = None,
        deadline: Deadline | None = None,
        lazy: bool = True,
    ) -> SitingModel:
        """Build the MILP from the options table.

        Parameters
        ----------
        data, scenario, cand, opts
            Inputs; ``opts`` from :func:`siting.options.build_options` (and
            possibly :func:`siting.options.reduce_options`).
        elastic : sequence of str
            Limits to relax with slacks (names from the families' ``limits``);
            the objective then minimises total slack (MW) first and cost second.
        tie_break : bool, default True
            With ``elastic``, add the cost (weighted 1e-6) to break ties;
            ``False`` minimises slack alone, which solves faster.
        graph : networkx.MultiGraph, optional
            From :func:`siting.grid.build_grid`, built when not given.
        families : sequence of Family subclasses, optional
            Default :data:`siting.families.DEFAULT_FAMILIES`; each one the
            scenario enables is added, in order, except that a family comes
            after those that provide what it reads
            (:func:`siting.families.resolve_order`).
        headroom : ndarray, optional
            Headroom rows' right-hand side per substation, MW; default the
            data's (with every substation project built when the scenario
            reinforces). :func:`siting.options.effective_headroom` is exact only
            while network limits are hard.
        deadline : Deadline, optional
            Checked between blocks of constraints; past it the build stops
            with :class:`siting.solvers.OutOfTime`.
        lazy : bool, default True
            Leave out the site rows and the option columns that no solution
            needs yet, adding them as solutions ask for them
            (:meth:`separate_sites`, :meth:`activate`): the same optimum, in a
            much smaller model. ``False`` puts every row and column in up
            front: the complete problem, e.g. to write it to a file. With
            spacing, or any family whose rows read the sites
            (``Family.reads_sites``), the model is always complete.

        Returns
        -------
        SitingModel
        """
        G = graph if graph is not None else build_grid(data, scenario)
        enabled = [f for f in (DEFAULT_FAMILIES if families is None else families) if f.enabled(scenario)]
        enabled = resolve_order(enabled, given=cls.holds)
        lazy = lazy and not any(f.reads_sites for f in enabled)
        m = cls(
            data, scenario, cand, opts, G, elastic=elastic, headroom=headroom, lazy=lazy, deadline=deadline
        )
        for f in enabled:
            m._bound_counts(f.count_bound(scenario, m.group_mw, m.elastic))
        relaxable = {limit for f in enabled for limit in f.limits}
        if m.elastic - relaxable:
            raise UsageError(
                f"elastic names unknown limits {sorted(m.elastic - relaxable)}; "
                f"fix: name limits of the enabled families, {sorted(relaxable)}"
            )
        m._add_counts()
        m.check_time("building the model (the count rows)")
        m._add_families(enabled)
        m._set_objective(tie_break=tie_break)
        m.check_time("building the model (the objective)")
        return m

    def _bound_counts(self, bound: np.ndarray | None) -> None:
        """Cap each group's count by ``bound`` (a family's :meth:`Family.count_bound`), before any column."""
        if bound is None:
            return
        self._upper = np.minimum(self._upper, bound)
        for v, u in zip(self.y, self._upper, strict=True):
            v.upBound = int(u)

    def _add_counts(self) -> None:
        """Bring in the options needed from the start, and the rows tying each group's count to them."""
        self.active = self._wanted()
        if not self.lazy:  # with spacing the sites are binary: a row added later would cut off branches
            self.add_site_rows(self.options_by("site").keys())
        for g, idx in enumerate(self.group_options):
            kept = idx[self.active[idx]]
            self.prob += linear([(self.x[k], 1) for k in kept] + [(self.y[g], -1)]) == 0, f"count_{g}"

    def _add_families(self, enabled: Sequence[type[Family]]) -> None:
        """Add each family, in order; a lazy model refuses rows on the site columns it left out."""
        absent = {id(self.x[k]) for k in np.flatnonzero(~self.active).tolist()} if self.lazy else set()
        for family_cls in enabled:
            self.check_time(f"building the model ({family_cls.__name__})")
            family = family_cls()
            before = len(self.prob.constraints)
            family.add(self)
            _refuse_site_rows(family_cls, list(self.prob.constraints.items())[before:], absent)
            self.families.append(family)

    def _set_objective(self, *, tie_break: bool) -> None:
        """The options' cost terms, and the objective: the cost, or the total slack (then the cost x 1e-6)."""
        on = np.flatnonzero(self.active)
        for term, col in OPTION_COST_COLUMNS.items():
            self.check_time("building the model (the objective)")
            self.terms[term] = linear(
                (self.x[k], c) for k, c in zip(on, self.opts[col].to_numpy()[on], strict=True)
            )
        own = [(self.x[k], c) for k, c in zip(on, self.objective_cost[on], strict=True)]
        extra = [item for t, e in self.terms.items() if t not in OPTION_COST_COLUMNS for item in e.items()]
        cost = linear(own + extra)
        if self.elastic:
            self._cost_weight = 1e-6 if tie_break else 0.0
            self.prob += linear((v, 1.0) for v in self.slacks.values()) + (1e-6 * cost if tie_break else 0)
        else:
            self.prob += cost
        self._objective = self.prob.objective

    def solve(
        self,
        *,
        solver: SolverName | None = None,
        time_limit_s: float | None = None,
        mip_gap: float | None = None,
        threads: int | None = None,
        relaxation: bool = True,
    ) -> SolveReport:
        """Solve with :func:`siting.solvers.solve_problem`; unset options come from the scenario.

        Families that generate their rows lazily (:meth:`Family.separate`)
        add the rows the solution breaks, and the model is solved again until
        none is broken; when the time limit ends first, the status is
        ``no_solution`` (the last plan breaks a limit). ``relaxation=False``
        skips separating those rows on the LP relaxation first (where the
        plan is fixed and the model is an LP already).
        """
        sc = self.scenario
        return self._solve_separated(
            Deadline(sc.time_limit_s if time_limit_s is None else time_limit_s),
            relaxation=relaxation,
            solver=sc.solver if solver is None else solver,
            mip_gap=sc.mip_gap if mip_gap is None else mip_gap,
            threads=sc.threads if threads is None else threads,
        )

    def _solve_separated(self, deadline: Deadline, *, relaxation: bool = True, **options: Any) -> SolveReport:
        """Solve, add the rows the solution breaks (sites, families); repeat until none is or time is up.

        Lazy rows (sites, and rows a family generates) are first separated
        on the LP relaxation (:meth:`_separate_relaxation`;
        ``relaxation=False`` skips it where the plan is fixed and the model
        is an LP already), so that few integer solves are needed. HiGHS
        stops a round at its first plan that shares a site without a row
        (``one_each``): the row is added and the next round starts (should
        HiGHS end on a later plan that shares none, the next round starts
        from that plan and runs to its end). The best plan that meets every
        row (one that breaks only site rows counts, its counts moved onto
        whole sites) is kept across rounds (:func:`siting._kept_plan.keep`);
        the first round starts from the restricted start's plan, later ones
        cold. When the time ends on a plan that breaks a row, the kept plan
        is returned as ``feasible``, its gap taken against the best bound of
        any round (each round's model is a relaxation of the whole one);
        without one the status is ``no_solution``. The kept plan ends the
        search as ``optimal`` when it is within ``mip_gap`` of the best bound
        (:func:`siting._kept_plan.within_gap`). The report's objective and
        bound leave the tie-break out (:func:`siting._tie_break.untie`).
        """
        t0 = time.perf_counter()
        relaxed = relaxation and self._separate_relaxation(deadline)
        kept: _kept_plan.Kept | None = None  # the best plan meeting every row
        # with restricted_start, a plan from the groups the relaxation uses: the first incumbent
        if (
            relaxation
            and self.scenario.restricted_start
            and restricted_start(self, deadline, relaxed=relaxed, **options)
        ):
            planned = SolveReport(
                status=Status.FEASIBLE,
                objective=value(self.prob.objective),
                bound=None,
                gap=None,
                seconds=0.0,
                solver=options["solver"],
            )
            kept = _kept_plan.keep(self, planned, kept, deadline)[1]
        sense = float(self.prob.sense)  # +1 minimise, -1 maximise
        bound = -np.inf  # the best bound of any round, times sense (the highest, when minimising)
        start = kept is not None  # the first round starts from the restricted start's plan
        stop_on_shared = True
        while True:
            # no time left, no solve: nor the site keys (a second on the diagnosis's million columns)
            shared_stops = stop_on_shared and not deadline.expired
            report = solve_problem(
                self.prob,
                time_limit_s=max(deadline.remaining(), 0.0),
                warm_start=start,
                one_each=self.sites_without_row() if shared_stops else None,
                **options,
            )
            # later rounds start cold: from the kept plan they took longer (benchmarks/README.md)
            start = False
            if report.bound is not None:
                bound = max(bound, sense * report.bound)
            if not report.status.has_solution:
                break
            added, kept = _kept_plan.keep(self, report, kept, deadline)
            if not added and (report.status == Status.OPTIMAL or deadline.expired):
                break
            if not added:  # stopped at a plan sharing a site, HiGHS kept a later one that breaks no row:
                start, stop_on_shared = True, False  # go on from it (kept) without stopping again
            done = (
                None if kept is None else _kept_plan.within_gap(self, *kept, bound=sense * bound, **options)
            )
            if done is not None:
                report = done
                break
            if deadline.expired:
                report = replace(report, status=Status.NO_SOLUTION)
                break
        if kept is not None and report.status in (Status.NO_SOLUTION, Status.FEASIBLE):
            report = _kept_plan.restore(self, *kept, bound=sense * bound)
        elif report.status == Status.NO_SOLUTION:
            report = replace(report, objective=None, bound=None, gap=None)
        own = self.prob.objective is self._objective  # the cost, not a settling stage's or a frontier's
        return untie(replace(report, seconds=time.perf_counter() - t0), self, own=own)

    def _separate_relaxation(self, deadline: Deadline) -> bool:
        """Add the lazy rows that the LP relaxation breaks, until it breaks none or time is up.

        Returns whether the variables hold the relaxation's optimum with
        every lazy row it breaks added (then solved once more).

        The site rows of a lazy model and the rows of families that generate
        them (:attr:`Family.separates`, the N-1 family): each row added here
        is one of the model's own rows, so the model stays exact; it only
        saves integer solves later. On the default Korean scenario at 5 km
        the relaxation breaks the same three site rows as the plans of
        three integer rounds did, so one integer solve is left (63 s
        instead of 141 s end to end, 2 cores; ``benchmarks/README.md``).
        """
        if not (self.lazy or any(f.separates for f in self.families)):
            return False
        while not deadline.expired:
            lp = solve_lp_duals(self.prob, time_limit_s=deadline.remaining())
            if lp.status != Status.OPTIMAL or deadline.expired:  # no time left to use the rows
                return False
            added = self.separate_sites() + sum(f.separate(self) for f in self.families if f.separates)
            logger.debug("rows added after the LP relaxation: %d", added)
            if not added:
                return True
        return False

    def fix_plan(self) -> dict[str, tuple[float | None, float | None]]:
        """Fix every count and site at its solved value: :func:`siting.postsolve.fix_plan`."""
        return postsolve.fix_plan(self)

    def prices(self, *, time_limit_s: float = 60.0) -> dict[tuple[str, Hashable], float]:
        """What one more MW of each limit is worth with the plan fixed: :func:`siting.postsolve.prices`."""
        return postsolve.prices(self, time_limit_s=time_limit_s)

    def settle(self, *, time_limit_s: float = 60.0) -> None:
        """Make the reported flows depend on the plan alone: :func:`siting.postsolve.settle`."""
        postsolve.settle(self, time_limit_s=time_limit_s)

    def read(self, *, time_limit_s: float = 60.0) -> Solution:
        """The solved values as a :class:`~siting.postsolve.Solution`: :func:`siting.postsolve.read`."""
        return postsolve.read(self, time_limit_s=time_limit_s)

    def size(self) -> dict[str, int]:
        """Model size: variables, binaries, constraints, options."""
        vs = self.prob.variables()
        binary = sum(
            v.cat == pulp.LpBinary or (v.cat == pulp.LpInteger and v.lowBound == 0 and v.upBound == 1)
            for v in vs
        )
        return {
            "variables": len(vs),
            "binaries": binary,
            "constraints": len(self.prob.constraints),
            "options": len(self.opts),
        }
