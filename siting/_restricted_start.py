"""A first plan from the LP relaxation: the integer model on the groups the relaxation uses.

On the Korean default the LP relaxation is within 0.6-0.8 % of the optimum,
but HiGHS takes about 20 s to find a plan within 1 % on its own
(``benchmarks/README.md``). The relaxation spreads its campuses over some
70-80 groups (substation and tier) of 2,100-2,500; the integer model with
every other group held at zero is small, and solved to a loose gap it gives
a plan within 0.04-0.25 % of the optimum in 2-3 s. That plan is the full
solve's first incumbent, and the time limit's answer when the full solve
finds nothing better. It restricts, never changes, the model: the full solve
still proves the optimum over every group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from .constants import Status
from .solvers import Deadline, solve_lp_duals, solve_problem

if TYPE_CHECKING:
    from ._types import ModelLike
    from .constants import SolverName

__all__ = [
    "START_GAP",
    "START_LEAST_S",
    "START_MOST_S",
    "START_SHARE",
    "START_SHORT_SHARE",
    "restricted_start",
    "start_seconds",
]

#: Relative gap to which the restricted model is solved: a start, not a proof.
START_GAP: Final[float] = 5e-3
#: Share of the time left that the restricted solve may take; the rest is the full solve's.
START_SHARE: Final[float] = 0.25
#: Most seconds the restricted solve may take: a start is worth having early or not at all. It
#: takes 2.2-2.4 s on the Korean default at 1-10 km and 6.3 s on a 1 GW build-out at 30 km; on
#: the DC model at 5 km it ran to its 30 s share for a plan 3.5 % above the LP bound, and the
#: full solve from it was slower (``benchmarks/README.md``).
START_MOST_S: Final[float] = 15.0
#: With little time left (under 20 s), the restricted solve may take up to this many seconds, and
#: at most :data:`START_SHORT_SHARE` of what is left: a plan within 1 % needs it (2.2-2.4 s on the
#: Korean default), where the full solve alone takes about 20 s to reach 1 %.
START_LEAST_S: Final[float] = 5.0
#: The most of a short budget the restricted solve may take (see :data:`START_LEAST_S`).
START_SHORT_SHARE: Final[float] = 0.6
#: A group whose count the relaxation leaves at or below this is held at zero.
UNUSED: Final[float] = 1e-6


def restricted_start(
    m: ModelLike,
    deadline: Deadline,
    *,
    solver: SolverName,
    mip_gap: float,
    threads: int,
    relaxed: bool = False,
) -> bool:
    """Solve ``m`` with the groups its LP relaxation leaves unused held at zero; the plan stays in ``m``.

    Parameters
    ----------
    m : ModelLike
        A built model.
    deadline : Deadline
        The call's budget; the restricted solve takes at most :func:`start_seconds` of what
        is left.
    solver, mip_gap, threads
        As for the full solve; the gap is at least :data:`START_GAP`.
    relaxed : bool, default False
        The variables already hold the LP relaxation's solution (after
        ``SitingModel._separate_relaxation``); otherwise it is solved here.

    Returns
    -------
    bool
        Whether a plan was found: then the variables hold it, ready for a
        warm start (:func:`siting.solvers.solve_problem`, ``warm_start=True``).
        Every bound it changed is restored either way.

    Examples
    --------
    >>> import siting
    >>> from siting.model import SitingModel
    >>> data = siting.load_korea()
    >>> sc = siting.Scenario(target_mw=800, grid_spacing_km=40, renewable_share=0.0, min_host_provinces=1)
    >>> st = siting.prepare(data, sc).stages(sc)
    >>> m = SitingModel.build(data, sc, st.candidates, st.options, graph=st.graph, headroom=st.headroom)
    >>> restricted_start(m, Deadline(60), solver="highs", mip_gap=1e-4, threads=1)
    True
    >>> float(sum(v.varValue * mw for v, mw in zip(m.y, m.group_mw))) >= 800
    True
    """
    if not relaxed and solve_lp_duals(m.prob, time_limit_s=deadline.remaining()).status != Status.OPTIMAL:
        return False
    unused = [v for v in m.y if (v.varValue or 0.0) <= UNUSED and (v.upBound is None or v.upBound > 0)]
    if not unused or len(unused) == len(m.y):
        return False  # nothing to restrict (the full model itself), or nothing left to place
    kept = [v.upBound for v in unused]
    try:
        for v in unused:
            v.upBound = 0
        report = solve_problem(
            m.prob,
            solver=solver,
            time_limit_s=start_seconds(deadline.remaining()),
            mip_gap=max(mip_gap, START_GAP),
            threads=threads,
        )
    finally:
        for v, upper in zip(unused, kept, strict=True):
            v.upBound = upper
    return report.status.has_solution


def start_seconds(left: float) -> float:
    """Seconds the restricted solve may take when ``left`` seconds are left.

    :data:`START_SHARE` of them, at most :data:`START_MOST_S`; but with
    little left, up to :data:`START_LEAST_S` and at most
    :data:`START_SHORT_SHARE` of them.

    Examples
    --------
    >>> [round(start_seconds(s), 2) for s in (4.0, 8.0, 20.0, 40.0, 600.0)]
    [2.4, 4.8, 5.0, 10.0, 15.0]
    """
    return min(START_MOST_S, max(START_SHARE * left, min(START_LEAST_S, START_SHORT_SHARE * left)))
