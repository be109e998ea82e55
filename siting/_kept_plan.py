"""The best plan that meets every row, kept across the rounds of :class:`siting.model.SitingModel`.

Each round of a lazy model solves a relaxation of the whole model; its plan
may break rows added afterwards. A plan that breaks only site rows still
counts once its campuses are moved onto whole sites. The best such plan is
kept (:func:`keep`), returned when the time ends first (:func:`restore`),
and returned as the optimum as soon as it is within the gap of the best
bound of any round (:func:`within_gap`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Protocol

import numpy as np
import pulp

from . import postsolve
from ._log import logger
from .constants import Status
from .families._base import value
from .solvers import Deadline, SolveReport

__all__ = ["Kept", "RoundModel", "keep", "put", "restore", "within_gap"]

#: A kept plan: every variable's value by name, and its report (its cost as the objective).
Kept = tuple[dict[str, float | None], SolveReport]


class RoundModel(postsolve.SolvedModel, Protocol):
    """What keeping a plan reads of a lazy model (:class:`siting.model.SitingModel`)."""

    _objective: pulp.LpAffineExpression

    def _shared_sites(self) -> list[int]:
        """The sites (by number) that the solved values give more than one campus."""
        ...

    def separate_sites(self) -> int:
        """Add the site rows the solved values break; returns how many."""
        ...


def keep(
    m: RoundModel,
    report: SolveReport,
    kept: Kept | None,
    deadline: Deadline,
) -> tuple[int, Kept | None]:
    """Add the rows the plan breaks; keep it instead of ``kept`` if it meets every row and costs less.

    Returns the number of rows added and the plan kept. A plan that breaks
    only site rows meets every row once its counts are moved onto whole
    sites (:func:`siting.postsolve.assign_sites`, when they can be), at
    the cost of the moves; that plan is what is kept, and it is left in
    the variables (so that the restricted start's plan, moved so, can
    start round one).
    """
    shared = bool(m._shared_sites())
    plan = postsolve.assign_sites(m, time_limit_s=max(deadline.remaining(), 1.0)) if shared else None
    sites = m.separate_sites()
    rows = sum(f.separate(m) for f in m.families)
    logger.debug("rows added after a solve: %d (%d sites)", sites + rows, sites)
    if rows or (shared and plan is None) or report.objective is None:
        return sites + rows, kept
    objective = float(report.objective)
    if plan is not None:
        x = np.fromiter((value(v) for v in m.x), float, len(m.x))
        objective += float(np.dot(m.objective_cost, plan - x))
        for v, on in zip(m.x, plan, strict=True):
            v.varValue = float(on)
    before = None if kept is None else kept[1].objective
    if before is None or float(m.prob.sense) * (objective - before) < 0:
        logger.debug("plan meeting every row kept: %.6f", objective)
        kept = ({v.name: v.varValue for v in m.prob.variables()}, replace(report, objective=objective))
    return sites + rows, kept


def within_gap(
    m: RoundModel,
    values: dict[str, float | None],
    report: SolveReport,
    *,
    bound: float,
    mip_gap: float,
    **_: Any,
) -> SolveReport | None:
    """The kept plan as the optimum when its cost is within ``mip_gap`` of ``bound``; else None.

    The kept plan meets every row of the complete model (:func:`keep`),
    and each round's bound is a bound of it (the rounds solve relaxations
    of it). When the two are within the gap the next round cannot prove
    more, so the plan is put in the variables and returned as optimal.
    Only for the model's own cost (not a settling stage's, a frontier's
    or an elastic model's slack).
    """
    own = m.prob.objective is m._objective and m.prob.sense == pulp.LpMinimize
    cost = report.objective
    if m.elastic or not own or cost is None:
        return None
    if not np.isfinite(bound) or cost - bound > mip_gap * max(abs(cost), 1e-9):
        logger.debug("kept plan %.6f, bound %.6f: another round", cost, bound)
        return None
    put(m, values)
    bound = min(bound, cost)
    return replace(
        report,
        status=Status.OPTIMAL,
        bound=bound,
        gap=(cost - bound) / max(abs(cost), 1e-9),
    )


def put(m: RoundModel, values: dict[str, float | None]) -> None:
    """Put a kept plan's values in the variables (columns added since, at 0)."""
    for v in m.prob.variables():
        v.varValue = values.get(v.name, 0.0)


def restore(
    m: RoundModel, values: dict[str, float | None], report: SolveReport, *, bound: float
) -> SolveReport:
    """Put a kept plan's values back (columns added since read 0); its report, gap against ``bound``."""
    put(m, values)
    objective = report.objective
    if objective is None or not np.isfinite(bound):
        return replace(report, status=Status.FEASIBLE)
    bound = min(bound, objective) if m.prob.sense == pulp.LpMinimize else max(bound, objective)
    gap = abs(objective - bound) / max(abs(objective), 1e-9)
    return replace(report, status=Status.FEASIBLE, bound=bound, gap=gap)
