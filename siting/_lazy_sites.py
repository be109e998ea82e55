"""The lazy site rows of :class:`siting.model.SitingModel`: "at most one campus per site", added when broken.

Without spacing a group only ever needs its cheapest options up to its
count's bound, and few sites are wanted by two groups at once, so the model
starts with those options and no site rows, and adds the rows a solution
breaks, with the options they make necessary (:meth:`LazySites.separate_sites`,
:meth:`LazySites.activate`). A mixin: the model holds the state it reads.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

import numpy as np
import pandas as pd
import pulp

from .families._base import linear, value
from .options import OPTION_COST_COLUMNS

__all__ = ["LazySites"]


class LazySites:
    """Site rows and option columns brought into a model as solutions need them."""

    lazy: bool
    opts: pd.DataFrame
    prob: pulp.LpProblem
    x: list[pulp.LpVariable]
    active: np.ndarray
    site_rows: set[Hashable]
    objective_cost: np.ndarray
    terms: dict[str, pulp.LpAffineExpression]
    _ranked: np.ndarray
    _group: np.ndarray
    _upper: np.ndarray
    _cost_weight: float
    _objective: pulp.LpAffineExpression
    _groups: dict[str, dict[Any, np.ndarray]]

    def options_by(self, column: str) -> dict[Any, np.ndarray]:
        """Option row positions grouped by a column of the options table (cached)."""
        if column not in self._groups:
            self._groups[column] = dict(self.opts.groupby(column).indices.items())
        return self._groups[column]

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
        free = ~self._on_rowed_site()[order]
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
        site, cost = self.opts["site"].to_numpy(), self.objective_cost
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
        sites are wanted by two groups at once (three at 5 km), and with the
        rows go the columns they would need, so the model's size no longer
        grows with the grid (``benchmarks/README.md``). Each round adds the
        broken rows and solves again, so the plan is exact when none is
        broken; most are found on the LP relaxation before the first
        integer solve (:meth:`_separate_relaxation`).
        """
        return self.add_site_rows(self._shared_sites())

    def sites_without_row(self) -> dict[str, int]:
        """The site (by number) of each option in the model whose site has no row yet, by column name.

        What :func:`siting.solvers.solve_problem` takes as ``one_each``: HiGHS
        stops at a plan that shares one of these sites, which the next round
        adds as a row anyway. Empty for a model that is not lazy.
        """
        if not self.lazy:
            return {}
        site = self.opts["site"].to_numpy()
        free = np.flatnonzero(self.active & ~self._on_rowed_site())
        return {self.x[k].name: int(site[k]) for k in free.tolist()}

    def _on_rowed_site(self) -> np.ndarray:
        """Whether each option's site has a row "at most one campus" (one bool per option)."""
        site = self.opts["site"].to_numpy()
        return np.isin(site, np.fromiter(self.site_rows, dtype=site.dtype, count=len(self.site_rows)))

    def _shared_sites(self) -> list[int]:
        """The sites (by number) that the solved values give more than one campus."""
        x = np.fromiter((value(v) for v in self.x), float, len(self.x))
        return np.flatnonzero(self.campuses_per_site(x) > 1 + 1e-6).tolist()

    def campuses_per_site(self, x: np.ndarray) -> np.ndarray:
        """Campuses on each site (by site number) for option values ``x``."""
        site = self.opts["site"].to_numpy()
        return np.bincount(site, weights=x) if len(site) else np.zeros(0)
