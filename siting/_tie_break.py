"""A tiny cost per option that makes plans of equal cost unequal, the same way on every run.

Many plans can cost exactly the same (sites of one group with equal costs,
substations alike for every limit). Which of them a solver returns depends on
the order of the columns (the order of the input rows) and on its search
(threads): on the toy grid with unpriced distances, two of eight row orders
gave another plan of the same cost. Each option therefore joins the objective
at its cost plus :data:`TIE_BREAK_KRW_BN` x a number in [1, 2) drawn from its
site, substation and tier by a fixed hash, so that the cheapest plan is one
plan, whatever the order. The reported cost terms and objective leave it out.
It is far below any cost that matters (100,000 KRW per campus; a plan of 40
campuses moves by at most 0.008 KRW bn).

It decides only where the solve tells the plans apart: a solve proven to a
gap below the tie-break (``mip_gap=1e-9``: every row order gave the one
plan), or one whose LP relaxation settles the choice. At the default
``mip_gap=1e-4`` a solver may stop at any plan within 1e-4 of the optimum,
tied or not (toy: four of eight row orders gave another plan of the same
cost), and a plan stopped by the time limit depends on the machine's speed.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

__all__ = ["TIE_BREAK_KRW_BN", "tie_break"]

#: The tie-break per option, KRW bn: from 1x to 2x this (see the module's docstring).
TIE_BREAK_KRW_BN: Final[float] = 1e-4


def tie_break(site_ids: np.ndarray, substation_ids: np.ndarray, tiers_mw: np.ndarray) -> np.ndarray:
    """Each option's tie-break cost, KRW bn: the same for the same (site, substation, tier) on every run.

    Parameters
    ----------
    site_ids, substation_ids, tiers_mw : array
        Per option: its site's ``site_id``, its substation's
        ``substation_id`` and its tier.

    Returns
    -------
    ndarray
        In [``TIE_BREAK_KRW_BN``, 2 x ``TIE_BREAK_KRW_BN``).

    Examples
    --------
    >>> a = tie_break(np.array(["g1", "g2"]), np.array(["s1", "s1"]), np.array([100.0, 100.0]))
    >>> b = tie_break(np.array(["g2", "g1"]), np.array(["s1", "s1"]), np.array([100.0, 100.0]))
    >>> bool(a[0] == b[1] and a[1] == b[0] and a[0] != a[1]), bool((a >= 1e-4).all() and (a < 2e-4).all())
    (True, True)
    """
    keys = [f"{s}|{n}|{t:g}" for s, n, t in zip(site_ids, substation_ids, tiers_mw, strict=True)]
    hashed = pd.util.hash_array(np.asarray(keys, dtype=object))  # siphash with pandas' fixed key
    return TIE_BREAK_KRW_BN * (1.0 + hashed.astype(np.float64) / 2.0**64)
