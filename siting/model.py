"""The siting integer program: decisions, the constraint families, the objective, the solution.

Decision: ``x[o]`` in {0, 1} for each *option* o = (candidate site,
substation, size tier) from :mod:`siting.options`; at most one option per
site. Everything else is added by the constraint families the scenario
enables (:mod:`siting.families`): target, substation headroom, network flows
(transport or DC), province share cap, host provinces, renewable share,
spacing. Objective: connection + transmission use + site - renewable
incentive - outside-capital subsidy, each term kept apart for reporting.

Every limit can be made *elastic* (a non-negative slack in MW, minimised) for
the infeasibility diagnosis. Solving is :mod:`siting.solvers`' job; reading a
solution back (:meth:`SitingModel.read`) is here, beside the variables, so
that results never touch PuLP.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pulp

from ._utils import safe_name
from .candidates import Candidates
from .constants import COST_TERMS, SolverName
from .data import SitingData
from .families import DEFAULT_FAMILIES, Family
from .families._base import linear, value
from .grid import build_grid
from .options import OPTION_COST_COLUMNS
from .scenario import Scenario
from .solvers import SolveReport, solve_problem

__all__ = ["SitingModel", "Solution"]


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
    slacks : dict
        ``(limit, key) -> MW`` for elastic models.
    """

    chosen: np.ndarray
    costs: dict[str, float]
    supply_used_mw: np.ndarray
    line_flow_mw: dict[str, float] = field(default_factory=dict)
    renewable_flow_mw: dict[str, float] = field(default_factory=dict)
    renewable_delivered_mw: float = 0.0
    slacks: dict[tuple[str, Hashable], float] = field(default_factory=dict)

    @classmethod
    def empty(cls, n_options: int, n_substations: int) -> Solution:
        """No plan: nothing chosen, every value zero."""
        return cls(
            chosen=np.zeros(n_options, dtype=bool),
            costs=dict.fromkeys(COST_TERMS, 0.0),
            supply_used_mw=np.zeros(n_substations),
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
        One binary per option.
    mw : ndarray
        Each option's tier, MW.
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
    ) -> None:
        self.data, self.scenario, self.cand, self.opts, self.graph = data, scenario, cand, opts, graph
        self.elastic = frozenset(elastic)
        self._groups: dict[str, dict[Any, np.ndarray]] = {}
        self.prob = pulp.LpProblem("siting", pulp.LpMinimize)
        self.x = [pulp.LpVariable(f"x{k}", cat=pulp.LpBinary) for k in range(len(opts))]
        self.mw = opts["tier_mw"].to_numpy()
        self.total = linear(zip(self.x, self.mw, strict=True))
        self.load = {
            n: linear((self.x[k], self.mw[k]) for k in idx)
            for n, idx in self.options_by("substation").items()
        }
        self.terms: dict[str, pulp.LpAffineExpression] = {}
        self.slacks: dict[tuple[str, Hashable], pulp.LpVariable] = {}
        self.families: list[Family] = []

    def options_by(self, column: str) -> dict[Any, np.ndarray]:
        """Option row positions grouped by a column of the options table (cached)."""
        if column not in self._groups:
            self._groups[column] = dict(self.opts.groupby(column).indices.items())
        return self._groups[column]

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

        Returns
        -------
        SitingModel
        """
        G = graph if graph is not None else build_grid(data, scenario)
        m = cls(data, scenario, cand, opts, G, elastic=elastic)
        enabled = [f for f in (DEFAULT_FAMILIES if families is None else families) if f.enabled(scenario)]
        relaxable = {limit for f in enabled for limit in f.limits}
        if m.elastic - relaxable:
            raise ValueError(
                f"elastic names unknown limits {sorted(m.elastic - relaxable)}; known: {sorted(relaxable)}"
            )
        for site, idx in m.options_by("site").items():
            if len(idx) > 1:
                m.prob += linear((m.x[k], 1) for k in idx) <= 1, f"one_per_site_{site}"
        for family_cls in enabled:
            family = family_cls()
            family.add(m)
            m.families.append(family)
        for term, col in OPTION_COST_COLUMNS.items():
            m.terms[term] = linear(zip(m.x, opts[col].to_numpy(), strict=True))
        own = [(v, c) for v, c in zip(m.x, opts["cost"].to_numpy(), strict=True)]
        extra = [item for t, e in m.terms.items() if t not in OPTION_COST_COLUMNS for item in e.items()]
        cost = linear(own + extra)
        if m.elastic:
            m.prob += linear((v, 1.0) for v in m.slacks.values()) + (1e-6 * cost if tie_break else 0)
        else:
            m.prob += cost
        return m

    def solve(
        self,
        *,
        solver: SolverName | None = None,
        time_limit_s: float | None = None,
        mip_gap: float | None = None,
        threads: int | None = None,
    ) -> SolveReport:
        """Solve with :func:`siting.solvers.solve_problem`; unset options come from the scenario."""
        sc = self.scenario
        return solve_problem(
            self.prob,
            solver=sc.solver if solver is None else solver,
            time_limit_s=sc.time_limit_s if time_limit_s is None else time_limit_s,
            mip_gap=sc.mip_gap if mip_gap is None else mip_gap,
            threads=sc.threads if threads is None else threads,
        )

    def read(self) -> Solution:
        """The solved values as a :class:`Solution` (call after a solve that found a plan)."""
        sol = Solution(
            chosen=np.array([value(v) > 0.5 for v in self.x], dtype=bool),
            costs={
                t: value(self.terms.get(t, 0))
                for t in [*COST_TERMS, *(t for t in self.terms if t not in COST_TERMS)]
            },
            supply_used_mw=np.zeros(len(self.data.substations)),
            slacks={k: value(v) for k, v in self.slacks.items()},
        )
        for family in self.families:
            family.read(self, sol)
        return sol

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
