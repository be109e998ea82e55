"""The solver adapter: run CBC or HiGHS on a PuLP problem and report what happened.

Like spopt's ``.solve(solver)`` and linopy's ``Result``, solving is apart
from modelling: :func:`solve_problem` takes any :class:`pulp.LpProblem` and
returns a :class:`SolveReport`; nothing here knows what the variables mean.
"""

from __future__ import annotations

import math
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pulp

from ._errors import ScenarioError
from .constants import SOLVERS, SolverName, Status

__all__ = ["SolveReport", "solve_problem"]


@dataclass(frozen=True)
class SolveReport:
    """What one solver run reports.

    Attributes
    ----------
    status : Status
    objective : float or None
        The solver's objective value (slack first when the model is elastic).
    bound : float or None
        Best proven bound, when the solver prints or returns it.
    gap : float or None
        Relative gap between ``objective`` and ``bound``; 0 when optimal.
    seconds : float
        Wall time of the solve.
    solver : {"cbc", "highs"}
    """

    status: Status
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    solver: SolverName


def _make_solver(
    solver: SolverName, time_limit_s: float, mip_gap: float, threads: int, log: Path
) -> pulp.LpSolver:
    if solver not in SOLVERS:
        raise ScenarioError(f"solver = {solver!r}: must be one of {list(SOLVERS)}.")
    if solver == "highs":
        made = pulp.HiGHS(msg=False, timeLimit=time_limit_s, gapRel=mip_gap, threads=threads)
    else:
        made = pulp.PULP_CBC_CMD(
            msg=False, timeLimit=time_limit_s, gapRel=mip_gap, threads=threads, logPath=str(log)
        )
    if not made.available():
        raise ScenarioError(
            f"scenario field 'solver' = {solver!r}: not available here; "
            "fix: pip install highspy (a dependency of siting) or use solver='cbc'."
        )
    return made


def solve_problem(
    prob: pulp.LpProblem,
    *,
    solver: SolverName = "cbc",
    time_limit_s: float = 300.0,
    mip_gap: float = 1e-4,
    threads: int = 1,
) -> SolveReport:
    """Solve ``prob`` in place with CBC or HiGHS.

    Parameters
    ----------
    prob : pulp.LpProblem
    solver : {"cbc", "highs"}, default "cbc"
    time_limit_s : float, default 300
        A run stopped by it reports ``feasible`` (with the gap) or ``no_solution``.
    mip_gap : float, default 1e-4
        Relative gap at which the solver may stop.
    threads : int, default 1

    Returns
    -------
    SolveReport

    Examples
    --------
    >>> p = pulp.LpProblem("p", pulp.LpMinimize)
    >>> x = pulp.LpVariable("x", cat=pulp.LpBinary)
    >>> p += -x
    >>> r = solve_problem(p)
    >>> r.status, r.objective, r.gap
    (<Status.OPTIMAL: 'optimal'>, -1.0, 0.0)
    """
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "solver.log"
        prob.solve(_make_solver(solver, time_limit_s, mip_gap, threads, log))
        bound = None
        if solver == "highs":
            bound = prob.solverModel.getInfo().mip_dual_bound
        elif log.exists():
            bound = _cbc_bound(log.read_text(errors="replace"))
    seconds = time.perf_counter() - t0
    sol = prob.sol_status
    objective = float(pulp.value(prob.objective)) if sol in (1, 2) else None
    if sol == pulp.LpSolutionOptimal:
        status = Status.OPTIMAL
    elif sol == pulp.LpSolutionIntegerFeasible:
        status = Status.FEASIBLE
    elif sol == pulp.LpSolutionInfeasible or prob.status == pulp.LpStatusInfeasible:
        status = Status.INFEASIBLE
    else:
        status = Status.NO_SOLUTION
    gap = None
    if objective is not None:
        if status == Status.OPTIMAL:
            gap = 0.0
        elif bound is not None and math.isfinite(bound):
            gap = abs(objective - bound) / max(abs(objective), 1e-9)
    return SolveReport(
        status=status, objective=objective, bound=bound, gap=gap, seconds=seconds, solver=solver
    )


def _cbc_bound(text: str) -> float | None:
    r"""Best bound from CBC's final summary ("Lower bound: ..."), if printed.

    Examples
    --------
    >>> _cbc_bound("Result - Stopped on time limit\nLower bound:  12.5\n")
    12.5
    """
    m = re.findall(r"Lower bound:\s*([-+0-9.eE]+)", text)
    return float(m[-1]) if m else None
