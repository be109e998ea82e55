"""The solver adapter: run CBC or HiGHS on a PuLP problem and report what happened.

Like spopt's ``.solve(solver)`` and linopy's ``Result``, solving is apart
from modelling: :func:`solve_problem` takes any :class:`pulp.LpProblem` and
returns a :class:`SolveReport`; nothing here knows what the variables mean.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pulp

from ._errors import ScenarioError
from .constants import SOLVERS, SolverName, Status

__all__ = ["Deadline", "OutOfTime", "SolveReport", "solve_problem", "TIME_LIMIT_MARGIN_S"]

#: How far past its time limit :func:`siting.solve` may return, seconds: the
#: step running when the budget runs out (a block of model rows, the site
#: grid, reading the solver's answer) finishes before the call returns.
#: Measured: 1.7 s over 40 s on the naive Korean model at 2 km (256,000
#: variables, 2 shared cores; 31 s over before the budget covered the whole
#: call), 0.1-0.2 s on the toy region's naive 0.5 km model.
TIME_LIMIT_MARGIN_S: Final[float] = 3.0
#: Grace after HiGHS's own time limit before the watchdog interrupts it, seconds.
HIGHS_CANCEL_GRACE_S: Final[float] = 0.5
#: Shortest time limit given to a solver, seconds: with less left, no solve starts.
MIN_SOLVE_S: Final[float] = 0.05


class OutOfTime(Exception):
    """The wall-clock budget ended during a stage (internal: :func:`siting.solve` turns it into a status)."""


class Deadline:
    """A wall-clock budget: when it ends and how much of it is left.

    Parameters
    ----------
    seconds : float
        Budget from now, in seconds of wall time (``time.perf_counter``).

    Examples
    --------
    >>> d = Deadline(60.0)
    >>> 59.0 < d.remaining() <= 60.0, d.expired
    (True, False)
    >>> Deadline(0.0).expired
    True
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = float(seconds)
        self.start = time.perf_counter()
        self.end = self.start + self.seconds

    def remaining(self) -> float:
        """Seconds left (negative once past the end)."""
        return self.end - time.perf_counter()

    def elapsed(self) -> float:
        """Seconds since the budget started."""
        return time.perf_counter() - self.start

    @property
    def expired(self) -> bool:
        """Whether less than :data:`MIN_SOLVE_S` is left."""
        return self.remaining() < MIN_SOLVE_S


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
        # PuLP passes "-sec" with "timeMode elapsed": CBC counts wall time
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
    if solver not in SOLVERS:
        raise ScenarioError(f"solver = {solver!r}: must be one of {list(SOLVERS)}.")
    if solver == "highs":
        status, objective, bound = _solve_highs(
            prob, time_limit_s=time_limit_s, mip_gap=mip_gap, threads=threads
        )
    else:
        status, objective, bound = _solve_cbc(
            prob, time_limit_s=time_limit_s, mip_gap=mip_gap, threads=threads
        )
    seconds = time.perf_counter() - t0
    gap = None
    if objective is not None:
        if status == Status.OPTIMAL:
            gap = 0.0
        elif bound is not None and math.isfinite(bound):
            gap = abs(objective - bound) / max(abs(objective), 1e-9)
    return SolveReport(
        status=status, objective=objective, bound=bound, gap=gap, seconds=seconds, solver=solver
    )


def _solve_cbc(
    prob: pulp.LpProblem, *, time_limit_s: float, mip_gap: float, threads: int
) -> tuple[Status, float | None, float | None]:
    """CBC through PuLP (a subprocess that PuLP waits for; ``-sec`` counts wall time)."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "solver.log"
        prob.solve(_make_solver("cbc", time_limit_s, mip_gap, threads, log))
        bound = _cbc_bound(log.read_text(errors="replace")) if log.exists() else None
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
    return status, objective, bound


def _arrays(
    prob: pulp.LpProblem, *, time_limit_s: float = math.inf
) -> tuple[list[pulp.LpVariable], dict[str, np.ndarray]]:
    """The problem as arrays: column costs, bounds and integrality; rows in compressed sparse form.

    Raises :class:`OutOfTime` when it takes longer than ``time_limit_s``.
    """
    t0 = time.perf_counter()
    variables = prob.variables()
    pos = {v.name: i for i, v in enumerate(variables)}
    inf = math.inf
    cost = np.zeros(len(variables))
    objective = prob.objective if prob.objective is not None else pulp.LpAffineExpression()
    sign = -1.0 if prob.sense == pulp.LpMaximize else 1.0  # HiGHS minimises here: maximise -c
    for v, c in objective.items():
        cost[pos[v.name]] = sign * c
    col_lo = np.array([-inf if v.lowBound is None else v.lowBound for v in variables], dtype=float)
    col_hi = np.array([inf if v.upBound is None else v.upBound for v in variables], dtype=float)
    integer = np.array([v.cat == pulp.LpInteger for v in variables], dtype=bool)
    starts: list[int] = [0]
    index: list[int] = []
    value: list[float] = []
    row_lo: list[float] = []
    row_hi: list[float] = []
    for r, c in enumerate(prob.constraints.values()):
        if r % 5000 == 0 and time.perf_counter() - t0 > time_limit_s:
            raise OutOfTime("passing the model to the solver")
        items = [(pos[v.name], a) for v, a in c.items() if a != 0]
        index.extend(i for i, _ in items)
        value.extend(a for _, a in items)
        starts.append(len(index))
        rhs = -c.constant
        row_lo.append(rhs if c.sense in (pulp.LpConstraintGE, pulp.LpConstraintEQ) else -inf)
        row_hi.append(rhs if c.sense in (pulp.LpConstraintLE, pulp.LpConstraintEQ) else inf)
    return variables, {
        "cost": cost,
        "offset": np.array(sign * float(objective.constant)),
        "sign": np.array(sign),
        "col_lo": col_lo,
        "col_hi": col_hi,
        "integer": integer,
        "starts": np.array(starts, dtype=np.int32),
        "index": np.array(index, dtype=np.int32),
        "value": np.array(value, dtype=float),
        "row_lo": np.array(row_lo, dtype=float),
        "row_hi": np.array(row_hi, dtype=float),
    }


#: Columns from which HiGHS runs in a child process that can be killed: its
#: presolve does not look at the clock, and on large models it can outlast
#: the limit by many seconds. Smaller models run in this process (no start-up cost).
HIGHS_SUBPROCESS_MIN_COLUMNS: Final[int] = 20_000

#: The child process: read the arrays, solve, write status and solution. Only
#: NumPy and highspy are imported, so it starts in a fraction of a second.
_HIGHS_WORKER = """
import sys, numpy as np, highspy
import time
a = dict(np.load(sys.argv[1]))
h = highspy.Highs()
h.setOptionValue("output_flag", False)
h.setOptionValue("mip_rel_gap", float(a["mip_rel_gap"]))
h.setOptionValue("threads", int(a["threads"]))
n = len(a["cost"])
e = np.array([], np.int32)
h.addCols(n, a["cost"], a["col_lo"], a["col_hi"], 0, e, e, [])
h.changeObjectiveOffset(float(a["offset"]))
idx = np.flatnonzero(a["integer"]).astype(np.int32)
if len(idx):
    h.changeColsIntegrality(len(idx), idx, np.full(len(idx), highspy.HighsVarType.kInteger))
if len(a["row_lo"]):
    m, nz = len(a["row_lo"]), len(a["index"])
    h.addRows(m, a["row_lo"], a["row_hi"], nz, a["starts"][:-1], a["index"], a["value"])
# the budget is a wall-clock end (epoch seconds): start-up and loading count against it
h.setOptionValue("time_limit", max(float(a["end"]) - time.time(), 0.01))
h.run()
info = h.getInfo()
has = info.primal_solution_status == 2
col = np.asarray(h.getSolution().col_value, dtype=float) if has else np.zeros(0)
np.savez(sys.argv[2], status=int(h.getModelStatus()), has=has, col=col,
         objective=float(info.objective_function_value), bound=float(info.mip_dual_bound))
"""


def _status(model_status: int, has_solution: bool) -> Status:
    import highspy

    S = highspy.HighsModelStatus
    if model_status == int(S.kOptimal):
        return Status.OPTIMAL
    if model_status in (int(S.kInfeasible), int(S.kUnboundedOrInfeasible)):
        return Status.INFEASIBLE
    return Status.FEASIBLE if has_solution else Status.NO_SOLUTION


def _solve_highs(
    prob: pulp.LpProblem, *, time_limit_s: float, mip_gap: float, threads: int
) -> tuple[Status, float | None, float | None]:
    """HiGHS through highspy directly, within ``time_limit_s`` of wall time.

    The model goes to HiGHS as arrays (PuLP's HiGHS adapter adds columns and
    rows one call at a time, outside the time limit: 14 s on a 250,000-option
    model). HiGHS's ``time_limit`` counts from the start of its run, but its
    presolve does not look at the clock; so a large model (at least
    :data:`HIGHS_SUBPROCESS_MIN_COLUMNS` columns) is solved in a child process,
    killed :data:`HIGHS_CANCEL_GRACE_S` after the limit. Smaller models are
    solved here, under a watchdog that interrupts HiGHS at the same moment.
    """
    t0 = time.perf_counter()
    try:
        variables, a = _arrays(prob, time_limit_s=time_limit_s)
    except OutOfTime:
        return Status.NO_SOLUTION, None, None
    left = max(time_limit_s - (time.perf_counter() - t0), MIN_SOLVE_S)
    if len(variables) >= HIGHS_SUBPROCESS_MIN_COLUMNS:
        out = _highs_child(a, left=left, mip_gap=mip_gap, threads=threads)
    else:
        out = _highs_here(a, left=left, mip_gap=mip_gap, threads=threads)
    if out is None:
        return Status.NO_SOLUTION, None, None
    status = _status(int(out["status"]), bool(out["has"]))
    objective = bound = None
    if status.has_solution:
        for v, x in zip(variables, out["col"], strict=True):
            v.varValue = float(x)
        sign = float(a["sign"])  # back to the problem's own sense
        objective = sign * float(out["objective"])
        bound = sign * float(out["bound"]) if a["integer"].any() else objective
    return status, objective, bound


def _highs_child(
    a: dict[str, np.ndarray], *, left: float, mip_gap: float, threads: int
) -> dict[str, np.ndarray] | None:
    """Solve in a child Python process; kill it when it outlasts the limit (then None)."""
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "model.npz", Path(tmp) / "solution.npz"
        end = time.time() + left
        arrays: dict[str, Any] = {**a, "mip_rel_gap": mip_gap, "end": end, "threads": threads}
        np.savez(src, **arrays)
        proc = subprocess.Popen(
            [sys.executable, "-c", _HIGHS_WORKER, str(src), str(dst)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _, err = proc.communicate(timeout=left + HIGHS_CANCEL_GRACE_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return None
        if proc.returncode != 0 or not dst.exists():
            raise RuntimeError(f"HiGHS child process failed: {err.decode(errors='replace')[-2000:]}")
        with np.load(dst) as sol:
            return {k: sol[k] for k in sol.files}


@contextmanager
def _quiet_stdout_fd() -> Iterator[None]:
    """Send this process's C-level standard output to the null device for a moment.

    ``highspy.Highs()`` prints the HiGHS banner from C++ while it is built,
    before ``output_flag`` can be turned off; Python's ``sys.stdout`` does
    not see it, so only the file descriptor can silence it.
    """
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):  # no usable descriptor 1 (some embedded interpreters)
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def _highs_here(
    a: dict[str, np.ndarray], *, left: float, mip_gap: float, threads: int
) -> dict[str, np.ndarray]:
    """Solve in this process; a watchdog interrupts HiGHS shortly after the limit."""
    import highspy

    with _quiet_stdout_fd():  # no banner: the solver says nothing unless the caller asks
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("time_limit", float(left))
    empty = np.array([], np.int32)
    h.addCols(len(a["cost"]), a["cost"], a["col_lo"], a["col_hi"], 0, empty, empty, [])
    h.changeObjectiveOffset(float(a["offset"]))
    idx = np.flatnonzero(a["integer"]).astype(np.int32)
    if len(idx):
        h.changeColsIntegrality(len(idx), idx, np.full(len(idx), highspy.HighsVarType.kInteger))
    if len(a["row_lo"]):
        h.addRows(
            len(a["row_lo"]),
            a["row_lo"],
            a["row_hi"],
            len(a["index"]),
            a["starts"][:-1],
            a["index"],
            a["value"],
        )
    h.HandleUserInterrupt = True
    h.startSolve()
    done, _ = h.wait(left + HIGHS_CANCEL_GRACE_S)
    if not done:
        h.cancelSolve()
        h.wait()
    info = h.getInfo()
    has = info.primal_solution_status == 2  # kSolutionStatusFeasible
    return {
        "status": np.array(int(h.getModelStatus())),
        "has": np.array(has),
        "col": np.asarray(h.getSolution().col_value, dtype=float) if has else np.zeros(0),
        "objective": np.array(float(info.objective_function_value)),
        "bound": np.array(float(info.mip_dual_bound)),
    }


def _cbc_bound(text: str) -> float | None:
    r"""Best bound from CBC's final summary ("Lower bound: ..."), if printed.

    Examples
    --------
    >>> _cbc_bound("Result - Stopped on time limit\nLower bound:  12.5\n")
    12.5
    """
    m = re.findall(r"Lower bound:\s*([-+0-9.eE]+)", text)
    return float(m[-1]) if m else None
