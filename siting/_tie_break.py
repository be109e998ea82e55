"""A tiny cost per option that makes plans of equal cost unequal, the same way on every run.

Many plans can cost exactly the same (sites of one group with equal costs,
substations alike for every limit). Which of them a solver returns depends on
the order of the columns (the order of the input rows) and on its search
(threads): on the toy grid with unpriced distances, two of eight row orders
gave another plan of the same cost. Each option therefore joins the objective
at its cost plus :data:`TIE_BREAK_KRW_BN` x a number in [1, 2) drawn from its
site, substation and tier by a fixed hash, so that the cheapest plan is one
plan, whatever the order. The reported cost terms and objective leave it out
(:func:`untie`).
It is far below any cost that matters (100,000 KRW per campus; a plan of 40
campuses moves by at most 0.008 KRW bn).

It decides only where the solve tells the plans apart: a solve proven to a
gap below the tie-break (``mip_gap=1e-9``: every row order gave the one
plan), or one whose LP relaxation settles the choice. At the default
``mip_gap=1e-4`` a solver may stop at any plan within 1e-4 of the optimum,
tied or not (toy: four of eight row orders gave another plan of the same
cost), and a plan stopped by the time limit depends on the machine's speed;
so the model adds it only at a ``mip_gap`` of :data:`TIE_BREAK_MAX_GAP` or
tighter (looser, it only slowed the solve: twice as long on the default).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Final, Protocol

import numpy as np
import pandas as pd

from .families._base import value

if TYPE_CHECKING:
    import pulp

    from .solvers import SolveReport

__all__ = ["TIE_BREAK_KRW_BN", "TIE_BREAK_MAX_GAP", "tie_break", "untie"]

#: The tie-break per option, KRW bn: from 1x to 2x this (see the module's docstring).
TIE_BREAK_KRW_BN: Final[float] = 1e-4
#: The loosest ``mip_gap`` at which the tie-break joins the objective. At a looser gap it could
#: not decide (the solver stops at any plan within the gap, tied or not) and it made the solve
#: slower: the default scenario at 5 km (gap 1e-4) took 95.0 s with it against 47.7 s without
#: (one run each, idle, 2026-12-05; ``benchmarks/README.md``).
TIE_BREAK_MAX_GAP: Final[float] = 1e-6


def tie_break(opts: pd.DataFrame, site_ids: pd.Series, substation_ids: pd.Series) -> np.ndarray:
    """Each option's tie-break cost, KRW bn: the same for the same (site, substation, tier) on every run.

    Parameters
    ----------
    opts : DataFrame
        The options: ``site`` and ``substation`` (row positions), ``tier_mw``.
    site_ids, substation_ids : Series
        The candidate sites' ``site_id`` and the substations' ``substation_id``, by row position.

    Returns
    -------
    ndarray
        In [``TIE_BREAK_KRW_BN``, 2 x ``TIE_BREAK_KRW_BN``).

    Examples
    --------
    >>> opts = pd.DataFrame({"site": [0, 1], "substation": [0, 0], "tier_mw": [100.0, 100.0]})
    >>> a = tie_break(opts, pd.Series(["g1", "g2"]), pd.Series(["s1"]))
    >>> b = tie_break(opts, pd.Series(["g2", "g1"]), pd.Series(["s1"]))
    >>> bool(a[0] == b[1] and a[1] == b[0] and a[0] != a[1]), bool((a >= 1e-4).all() and (a < 2e-4).all())
    (True, True)
    """
    sites = site_ids.to_numpy()[opts["site"].to_numpy()]
    subs = substation_ids.to_numpy()[opts["substation"].to_numpy()]
    keys = [f"{s}|{n}|{t:g}" for s, n, t in zip(sites, subs, opts["tier_mw"], strict=True)]
    hashed = pd.util.hash_array(np.asarray(keys, dtype=object))  # siphash with pandas' fixed key
    return TIE_BREAK_KRW_BN * (1.0 + hashed.astype(np.float64) / 2.0**64)


def untie(report: SolveReport, m: Tied, *, own: bool) -> SolveReport:
    """``report`` with the plan's tie-break taken off its objective and bound: the plan's cost.

    Only when the model solved its ``own`` objective, the cost (not a
    settling stage's or a frontier's), and is not elastic (whose objective
    is the slack). The gap stays the solver's.
    """
    if report.objective is None or not own or m.elastic:
        return report
    off = float(np.dot(m.tie, [value(v) for v in m.x]))
    bound = None if report.bound is None else report.bound - off
    return dataclasses.replace(report, objective=report.objective - off, bound=bound)


class Tied(Protocol):
    """What :func:`untie` reads of a model: its option columns, their tie-breaks, whether it is elastic."""

    x: list[pulp.LpVariable]
    tie: np.ndarray
    elastic: frozenset[str]
