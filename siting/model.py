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
incentive - outside-capital subsidy, each term kept apart for reporting.

Every limit can be made *elastic* (a non-negative slack in MW, minimised) for
the infeasibility diagnosis. Solving is :mod:`siting.solvers`' job; reading a
solution back (:meth:`SitingModel.read`) is here, beside the variables, so
that results never touch PuLP.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pulp

from ._errors import UsageError
from ._log import logger
from ._utils import safe_name
from .candidates import Candidates
from .constants import COST_TERMS, HEADROOM, SolverName, Status
from .data import SitingData
from .families import DEFAULT_FAMILIES, Family
from .families._base import linear, value
from .grid import build_grid
from .options import OPTION_COST_COLUMNS
from .scenario import Scenario
from .solvers import Deadline, OutOfTime, SolveReport, solve_lp_duals, solve_problem

__all__ = ["PRICE_STEP_MW", "SitingModel", "Solution"]

#: Step by which :meth:`SitingModel.prices` raises each limit, MW: a value is the saving per MW over it.
PRICE_STEP_MW = 1.0


def _variable_maker(prob: pulp.LpProblem) -> Callable[[str, float, float, str], pulp.LpVariable]:
    """``(name, low, up, cat) -> variable``: ``prob.add_variable`` where PuLP has it, else ``LpVariable``.

    PuLP 3.3 warns (DeprecationWarning, PuLP 4 migration) on every direct
    ``LpVariable(...)``; on the 127,000 site variables of the 1 km Korean
    model the warning machinery was a third of their creation time.
    """
    add = getattr(prob, "add_variable", None)
    if add is not None:
        return add
    return lambda name, low, up, cat: pulp.LpVariable(name, lowBound=low, upBound=up, cat=cat)


@dataclass
class Solution:
    """A solved model's values as plain numbers: what :mod:`siting.result` reads.

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
        Renewable energy deliverable to the campuses, average MW.
    renewable_credit_mw : dict of int to float
        Renewable-proximity credit by substation position, average MW
        (:mod:`siting.families.renewable_credit`).
    slacks : dict
        ``(limit, key) -> MW`` for elastic models.
    prices : dict
        ``(limit, key) -> value per MW`` of raising that limit with the plan
        fixed (:meth:`SitingModel.prices`); empty when not computed.
    security : dict of str to int
        What the N-1 family checked (:mod:`siting.families.security`).
    """

    chosen: np.ndarray
    costs: dict[str, float]
    supply_used_mw: np.ndarray
    line_flow_mw: dict[str, float] = field(default_factory=dict)
    renewable_flow_mw: dict[str, float] = field(default_factory=dict)
    renewable_delivered_mw: float = 0.0
    renewable_credit_mw: dict[int, float] = field(default_factory=dict)
    slacks: dict[tuple[str, Hashable], float] = field(default_factory=dict)
    prices: dict[tuple[str, Hashable], float] = field(default_factory=dict)
    security: dict[str, int] = field(default_factory=dict)

    @classmethod
    def empty(cls, n_options: int, n_substations: int) -> Solution:
        """No plan: nothing chosen, every value zero."""
        return cls(
            chosen=np.zeros(n_options, dtype=bool),
            costs=dict.fromkeys(COST_TERMS, 0.0),
            supply_used_mw=np.zeros(n_substations),
        )


def _refuse_site_rows(family_cls: type[Family], rows: list[tuple[str, Any]], absent: set[int]) -> None:
    """Raise when a family's new ``rows`` hold site columns (by ``id``) that a lazy model left out."""
    bad = [name for name, c in rows if any(id(v) in absent for v in c.keys())] if absent else []
    if bad:
        raise UsageError(
            f"family {family_cls.__name__} adds rows on the site choice m.x ({bad[:3]}), which a lazy "
            "model holds only in part; fix: read the counts m.y, or set reads_sites = True on the "
            "family so that the model holds every site"
        )


class SitingModel:
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
        Whole number of campuses per group (bounded by the headroom it has).
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
    fixed_with_plan : list of pulp.LpVariable
        Continuous variables that :meth:`settle` fixes at their solved values
        together with the plan: they carry cost terms its stages do not
        price (the renewable credit), which must not move.
    limit_rows : dict of (str, key) to list of str
        Where each limit's value sits on a right-hand side: constraint names,
        or names of variables whose upper bound is the limit. Families record
        them for :meth:`prices`: ``(headroom, substation_id)``,
        ``(lines, line_id)``, ``(supply, substation_id)``.
    """

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
    ) -> None:
        self.data, self.scenario, self.cand, self.opts, self.graph = data, scenario, cand, opts, graph
        self.elastic = frozenset(elastic)
        nominal = data.substations["headroom_mw"].to_numpy(dtype=float)
        self.headroom = nominal if headroom is None else np.asarray(headroom, dtype=float)
        self._groups: dict[str, dict[Any, np.ndarray]] = {}
        self.deadline: Deadline | None = None
        self.prob = pulp.LpProblem("siting", pulp.LpMinimize)
        self.spaced = scenario.min_spacing_km > 0
        self.lazy = lazy and not self.spaced
        cat = pulp.LpBinary if self.spaced else pulp.LpContinuous
        new = _variable_maker(self.prob)
        self.x = [new(f"x{k}", 0, 1, cat) for k in range(len(opts))]
        self.mw = opts["tier_mw"].to_numpy()
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
        self._ranked = np.lexsort((opts["site"].to_numpy(), opts["cost"].to_numpy(), self._group))
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
        self.fixed_with_plan: list[pulp.LpVariable] = []
        self.limit_rows: dict[tuple[str, Hashable], list[str]] = {}
        self.site_rows: set[Hashable] = set()

    def on_rhs(self, limit: str, key: Hashable, name: str) -> None:
        """Record that constraint (or variable upper bound) ``name`` has ``(limit, key)`` on its right."""
        self.limit_rows.setdefault((limit, key), []).append(name)

    def options_by(self, column: str) -> dict[Any, np.ndarray]:
        """Option row positions grouped by a column of the options table (cached)."""
        if column not in self._groups:
            self._groups[column] = dict(self.opts.groupby(column).indices.items())
        return self._groups[column]

    def groups_by(self, column: str) -> dict[Any, np.ndarray]:
        """Group positions (of ``groups`` and ``y``) by ``substation``, ``province`` or ``tier_mw``."""
        return dict(self.groups.groupby(column).indices.items())

    def check_time(self, where: str) -> None:
        """Raise :class:`siting.solvers.OutOfTime` when the build's deadline has passed.

        Families that add many rows call it now and then, so that a time
        limit also bounds the model build.
        """
        if self.deadline is not None and self.deadline.expired:
            raise OutOfTime(where)

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
            scenario enables is added, in order.
        headroom : ndarray, optional
            Headroom rows' right-hand side per substation, MW; default the
            data's. :func:`siting.options.effective_headroom` is exact only
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
        lazy = lazy and not any(f.reads_sites for f in enabled)
        m = cls(data, scenario, cand, opts, G, elastic=elastic, headroom=headroom, lazy=lazy)
        m.deadline = deadline
        relaxable = {limit for f in enabled for limit in f.limits}
        if m.elastic - relaxable:
            raise UsageError(
                f"elastic names unknown limits {sorted(m.elastic - relaxable)}; "
                f"fix: name limits of the enabled families, {sorted(relaxable)}"
            )
        m.active = m._wanted()
        if not m.lazy:  # with spacing the sites are binary: a row added later would cut off branches
            m.add_site_rows(m.options_by("site").keys())
        for g, idx in enumerate(m.group_options):
            kept = idx[m.active[idx]]
            m.prob += linear([(m.x[k], 1) for k in kept] + [(m.y[g], -1)]) == 0, f"count_{g}"
        absent = {id(m.x[k]) for k in np.flatnonzero(~m.active).tolist()} if m.lazy else set()
        for family_cls in enabled:
            m.check_time(f"building the model ({family_cls.__name__})")
            family = family_cls()
            before = len(m.prob.constraints)
            family.add(m)
            _refuse_site_rows(family_cls, list(m.prob.constraints.items())[before:], absent)
            m.families.append(family)
        on = np.flatnonzero(m.active)
        for term, col in OPTION_COST_COLUMNS.items():
            m.terms[term] = linear((m.x[k], c) for k, c in zip(on, opts[col].to_numpy()[on], strict=True))
        own = [(m.x[k], c) for k, c in zip(on, opts["cost"].to_numpy()[on], strict=True)]
        extra = [item for t, e in m.terms.items() if t not in OPTION_COST_COLUMNS for item in e.items()]
        cost = linear(own + extra)
        if m.elastic:
            m._cost_weight = 1e-6 if tie_break else 0.0
            m.prob += linear((v, 1.0) for v in m.slacks.values()) + (1e-6 * cost if tie_break else 0)
        else:
            m.prob += cost
        m._objective = m.prob.objective
        return m

    def solve(
        self,
        *,
        solver: SolverName | None = None,
        time_limit_s: float | None = None,
        mip_gap: float | None = None,
        threads: int | None = None,
    ) -> SolveReport:
        """Solve with :func:`siting.solvers.solve_problem`; unset options come from the scenario.

        Families that generate their rows lazily (:meth:`Family.separate`)
        add the rows the solution breaks, and the model is solved again until
        none is broken; when the time limit ends first, the status is
        ``no_solution`` (the last plan breaks a limit).
        """
        sc = self.scenario
        return self._solve_separated(
            Deadline(sc.time_limit_s if time_limit_s is None else time_limit_s),
            solver=sc.solver if solver is None else solver,
            mip_gap=sc.mip_gap if mip_gap is None else mip_gap,
            threads=sc.threads if threads is None else threads,
        )

    def add_site_rows(self, sites: Iterable[Hashable]) -> int:
        """Add the row "at most one campus" for each of ``sites`` that has none yet; returns how many.

        The rows hold the sites' options in the model; :meth:`activate` then
        brings in the options that the new rows make necessary.
        """
        by_site, added = self.options_by("site"), 0
        for site in sites:
            idx = by_site[site]
            if site in self.site_rows or len(idx) < 2:
                continue
            self.prob += linear((self.x[k], 1) for k in idx[self.active[idx]]) <= 1, f"one_per_site_{site}"
            self.site_rows.add(site)
            added += 1
        if added:
            self.activate()
        return added

    def _wanted(self) -> np.ndarray:
        """Which options the model needs: each group's cheapest, up to its count bound on sites without a row.

        Without spacing, a group never holds more campuses than its count's
        upper bound, and a site without a site row can take a campus of the
        group whatever else it holds; so an option ranked after that many
        such sites of its group can always be exchanged for one of them, at
        no higher cost and with the same counts (every limit reads only the
        counts). Leaving those options out changes no optimum of the model
        as it stands; a new site row can make more of them necessary.
        A model that is not lazy needs every option.
        """
        if not self.lazy:
            return np.ones(len(self.opts), dtype=bool)
        order = self._ranked
        grp = self._group[order]
        site = self.opts["site"].to_numpy()[order]
        free = ~np.isin(site, np.fromiter(self.site_rows, dtype=site.dtype, count=len(self.site_rows)))
        # free options ranked before each, counted from the first option of all groups, then of its group
        seen: np.ndarray = np.cumsum(free) - free
        start = np.r_[0, np.flatnonzero(grp[1:] != grp[:-1]) + 1]
        first = np.repeat(start, np.diff(np.r_[start, len(grp)]))
        seen = seen - seen[first]
        out = np.zeros(len(self.opts), dtype=bool)
        out[order[seen < self._upper[grp]]] = True
        return out

    def activate(self) -> int:
        """Put the columns :meth:`_wanted` names that the model lacks into it; returns how many.

        Each new option joins its group's count row, its site's row (when the
        site has one), the cost terms and the model's own objective (not one
        set in its place, e.g. by :func:`siting.pareto`, which does not price
        sites).
        """
        new = np.flatnonzero(self._wanted() & ~self.active)
        if not len(new):
            return 0
        self.active[new] = True
        site, cost = self.opts["site"].to_numpy(), self.opts["cost"].to_numpy()
        term_cost = {term: self.opts[col].to_numpy() for term, col in OPTION_COST_COLUMNS.items()}
        for k in new.tolist():
            x = self.x[k]
            self.prob.constraints[f"count_{self._group[k]}"].addInPlace(x)
            if site[k] in self.site_rows:
                self.prob.constraints[f"one_per_site_{site[k]}"].addInPlace(x)
            if self._cost_weight:
                self._objective.addterm(x, self._cost_weight * cost[k])
            for term, c in term_cost.items():
                self.terms[term].addterm(x, float(c[k]))
        return len(new)

    def separate_sites(self) -> int:
        """Add the site rows the solved values break (more than one campus on a site); returns how many.

        In a lazy model the rows "at most one campus per site" are left out
        until a solution breaks them: on the default Korean scenario few
        sites are wanted by two groups at once (none at 1-10 km, one at
        20 km), and with the rows go the columns they would need, so the
        model's size no longer grows with the grid (``benchmarks/README.md``).
        Each round adds the broken rows and solves again, so the plan is
        exact when none is broken.
        """
        x = np.fromiter((value(v) for v in self.x), float, len(self.x))
        return self.add_site_rows(np.flatnonzero(self._campuses_per_site(x) > 1 + 1e-6).tolist())

    def _campuses_per_site(self, x: np.ndarray) -> np.ndarray:
        """Campuses on each site (by site number) for option values ``x``."""
        site = self.opts["site"].to_numpy()
        return np.bincount(site, weights=x) if len(site) else np.zeros(0)

    def _solve_separated(self, deadline: Deadline, *, relaxation: bool = True, **options: Any) -> SolveReport:
        """Solve, add the rows the solution breaks (sites, families); repeat until none is or time is up.

        Rows a family generates lazily are first separated on the LP
        relaxation (:meth:`_separate_relaxation`; ``relaxation=False`` skips
        it where the plan is fixed and the model is an LP already), so that
        few integer solves are needed. When the time ends on a plan that
        breaks a family's row, the last plan that broke none (only site
        rows, which :meth:`read` settles) is restored and returned as
        ``feasible``, its gap taken against the best bound of any round
        (each round's model is a relaxation of the whole one); without such
        a plan the status is ``no_solution``.
        """
        t0 = time.perf_counter()
        if relaxation:
            self._separate_relaxation(deadline)
        kept: tuple[dict[str, float | None], SolveReport] | None = None  # the last plan meeting every row
        sense = float(self.prob.sense)  # +1 minimise, -1 maximise
        bound = -np.inf  # the best bound of any round, times sense (the highest, when minimising)
        while True:
            report = solve_problem(self.prob, time_limit_s=max(deadline.remaining(), 0.0), **options)
            if report.bound is not None:
                bound = max(bound, sense * report.bound)
            if not report.status.has_solution:
                break
            sites = self.separate_sites()
            rows = sum(f.separate(self) for f in self.families)
            logger.debug("rows added after a solve: %d (%d sites)", sites + rows, sites)
            if not rows:
                kept = ({v.name: v.varValue for v in self.prob.variables()}, report)
            if not sites + rows:
                break
            if deadline.expired:
                # only site rows broken: the counts keep every limit and read() assigns whole sites
                report = replace(report, status=Status.FEASIBLE if not rows else Status.NO_SOLUTION)
                break
        if kept is not None and report.status in (Status.NO_SOLUTION, Status.FEASIBLE):
            report = self._restore(*kept, bound=sense * bound)
        elif report.status == Status.NO_SOLUTION:
            report = replace(report, objective=None, bound=None, gap=None)
        return replace(report, seconds=time.perf_counter() - t0)

    def _separate_relaxation(self, deadline: Deadline) -> None:
        """Add the lazily generated rows that the LP relaxation breaks, until it breaks none or time is up.

        Only for families that generate rows (:attr:`Family.separates`, the
        N-1 family): each row added here is one of the family's own rows,
        so the model stays exact; it only saves integer solves later (a
        relaxation's flows break many of the pairs a plan would).
        """
        if not any(f.separates for f in self.families):
            return
        while deadline.remaining() > 0:
            lp = solve_lp_duals(self.prob, time_limit_s=deadline.remaining())
            if lp.status != Status.OPTIMAL:
                return
            added = sum(f.separate(self) for f in self.families)
            logger.debug("rows added after the LP relaxation: %d", added)
            if not added:
                return

    def _restore(self, values: dict[str, float | None], report: SolveReport, *, bound: float) -> SolveReport:
        """Put a kept plan's values back (columns added since read 0); its report, gap against ``bound``."""
        for v in self.prob.variables():
            v.varValue = values.get(v.name, 0.0)
        objective = report.objective
        if objective is None or not np.isfinite(bound):
            return replace(report, status=Status.FEASIBLE)
        bound = min(bound, objective) if self.prob.sense == pulp.LpMinimize else max(bound, objective)
        gap = abs(objective - bound) / max(abs(objective), 1e-9)
        return replace(report, status=Status.FEASIBLE, bound=bound, gap=gap)

    def fix_plan(self) -> dict[str, tuple[float | None, float | None]]:
        """Fix every count and site at its solved value (bounds); returns the bounds it replaced."""
        before = {}
        for v in [*self.x, *self.y, *self.fixed_with_plan]:
            before[v.name] = (v.lowBound, v.upBound)
            val = round(value(v)) if v.cat == pulp.LpInteger or self.spaced else value(v)
            v.lowBound = v.upBound = val
        return before

    def prices(self, *, time_limit_s: float = 60.0) -> dict[tuple[str, Hashable], float]:
        """What one more MW of each limit is worth with the plan fixed (call after a solve).

        Every count and site is fixed at the solved plan and the rest (flows,
        supplies, renewable flows, slacks) is solved again as an LP with
        HiGHS. The value of a limit is how much that LP's optimum falls per
        MW when the limit is raised by :data:`PRICE_STEP_MW` on every row
        (and variable bound) that carries it (:attr:`limit_rows`), solved
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
        """
        deadline = Deadline(time_limit_s)
        saved = {v.name: v.varValue for v in self.prob.variables()}
        bounds = self.fix_plan()
        objective, sense = self.prob.objective, self.prob.sense
        if self.elastic:
            self.prob.setObjective(linear((v, 1.0) for v in self.slacks.values()))
        try:
            while True:
                left = max(deadline.remaining(), 0.0)
                duals = solve_lp_duals(
                    self.prob, time_limit_s=left, limits=self.limit_rows, step=PRICE_STEP_MW
                )
                if duals.status != Status.OPTIMAL or not sum(f.separate(self) for f in self.families):
                    break
                if deadline.expired:
                    return {}
            if duals.status != Status.OPTIMAL:
                return {}
            return dict(duals.saving)
        finally:
            self.prob.setObjective(objective)
            self.prob.sense = sense
            for v in [*self.x, *self.y, *self.fixed_with_plan]:
                v.lowBound, v.upBound = bounds[v.name]
            for v in self.prob.variables():
                v.varValue = saved.get(v.name)

    def settle(self, *, time_limit_s: float = 60.0) -> None:
        """Make the reported flows and renewable figure depend on the plan alone (call after a solve).

        Equal optima differ in flows the objective does not price: renewable
        flows cost nothing, so a solver may return any of many, with
        circulating flow and a renewable figure anywhere between the share
        needed and the most deliverable. With the plan (every count and site)
        fixed, three lexicographic LP stages pick one answer:

        1. least transmission cost (the plan's own, so the objective never rises);
        2. the most renewable energy the plan can receive at that cost;
        3. least MW x km of campus and renewable flow at both (no circulation).

        Stages that cannot change anything are skipped (without renewables
        and with a positive transmission cost, the optimum already has least
        flow). Afterwards the model's variables hold the settled values and
        the plan is fixed in the model. The stages share ``time_limit_s``;
        when it runs out, the values found so far are kept.
        """
        deadline = time.perf_counter() + time_limit_s
        if self.elastic or not self.line_flows:
            return
        c_tx = self.scenario.costs.transmission_per_mw_km
        ren = self.renewable_delivered
        if ren is None and c_tx > 0:
            return
        self.fix_plan()
        tx = self.terms.get("transmission", pulp.LpAffineExpression())
        f_len = linear((v, ln) for fp, fm, ln in self.line_flows.values() for v in (fp, fm))
        g_len = linear((v, ln) for gp, gm, ln in self.renewable_flows.values() for v in (gp, gm))
        stages: list[tuple[str, pulp.LpAffineExpression, int]] = []
        if ren is not None and c_tx > 0:
            stages.append(("settle_tx", tx, pulp.LpMinimize))
        if ren is not None:
            stages.append(("settle_ren", ren, pulp.LpMaximize))
        stages.append(("settle_len", f_len + g_len, pulp.LpMinimize))
        for name, expr, sense in stages:
            saved = {v.name: v.varValue for v in self.prob.variables()}
            left = deadline - time.perf_counter()
            if left <= 0:
                return
            self.prob.sense = sense
            self.prob.setObjective(expr)
            report = self._solve_separated(
                Deadline(left), relaxation=False, solver=self.scenario.solver, mip_gap=0.0, threads=1
            )
            if report.status != "optimal":  # keep the values found so far
                for v in self.prob.variables():
                    v.varValue = saved.get(v.name)
                return
            best = value(expr)
            tol = 1e-7 * max(1.0, abs(best))
            if sense == pulp.LpMinimize:
                self.prob += expr <= best + tol, name
            else:
                self.prob += expr >= best - tol, name

    def read(self, *, time_limit_s: float = 60.0) -> Solution:
        """The solved values as a :class:`Solution` (call after a solve that found a plan).

        ``time_limit_s`` bounds the small LP that picks whole sites for the
        solved counts when the solver returned a fractional choice among
        equally good ones, or, when the time limit ended before the lazy
        site rows were all added, a plan that puts two campuses on one site
        (its cost terms are then those of the sites assigned, which may cost
        more than the solver's objective said).
        """
        x = np.array([value(v) for v in self.x])
        shared = self._campuses_per_site(x).max(initial=0) > 1 + 1e-6
        if shared or ((x > 1e-6) & (x < 1 - 1e-6)).any():
            x = self._assign_sites(time_limit_s)
        chosen = x > 0.5
        costs = {
            t: value(self.terms.get(t, 0))
            for t in [*COST_TERMS, *(t for t in self.terms if t not in COST_TERMS)]
        }
        for term, col in OPTION_COST_COLUMNS.items():  # from the sites chosen, whole
            costs[term] = float(self.opts[col].to_numpy()[chosen].sum())
        sol = Solution(
            chosen=chosen,
            costs=costs,
            supply_used_mw=np.zeros(len(self.data.substations)),
            slacks={k: value(v) for k, v in self.slacks.items()},
        )
        for family in self.families:
            family.read(self, sol)
        return sol

    def _assign_sites(self, time_limit_s: float) -> np.ndarray:
        """Whole sites for the solved counts: the transportation problem, solved as an LP.

        The solver may return a fractional choice of sites among equally good
        ones; with the counts fixed, choosing the sites (one campus per site,
        each group its count, least cost) has whole vertices, which the
        simplex method returns.
        """
        counts = [round(value(v)) for v in self.y]
        lp = pulp.LpProblem("sites", pulp.LpMinimize)
        x = [pulp.LpVariable(f"a{k}", lowBound=0, upBound=1) for k in range(len(self.opts))]
        for site, idx in self.options_by("site").items():
            if len(idx) > 1:
                lp += linear((x[k], 1) for k in idx) <= 1, f"site_{site}"
        for g, idx in enumerate(self.group_options):
            lp += linear((x[k], 1) for k in idx) == counts[g], f"count_{g}"
        lp += linear(zip(x, self.opts["cost"].to_numpy(), strict=True))
        done = solve_problem(
            lp, solver=self.scenario.solver, time_limit_s=max(time_limit_s, 1.0), mip_gap=0.0, threads=1
        )
        if done.status != "optimal":
            raise OutOfTime("choosing whole sites for the solved counts")
        out = np.array([value(v) for v in x])
        if ((out > 1e-6) & (out < 1 - 1e-6)).any():
            raise RuntimeError("site assignment is not whole; report this with the scenario")
        return out

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
