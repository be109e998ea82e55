"""The solver adapter: run CBC or HiGHS on a PuLP problem and report what happened.

Like spopt's ``.solve(solver)`` and linopy's ``Result``, solving is apart
from modelling: :func:`solve_problem` takes any :class:`pulp.LpProblem` and
returns a :class:`SolveReport`; nothing here knows what the variables mean.
HiGHS receives the problem as arrays (:func:`_arrays`) through
:mod:`siting._highs`, in this process or in a child process.
"""

from __future__ import annotations

import math
import re
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pulp

from . import _highs
from ._errors import ScenarioError
from .constants import SOLVERS, SolverName, Status

if TYPE_CHECKING:
    import highspy

__all__ = [
    "Deadline",
    "LpDuals",
    "check_deadline",
    "OutOfTime",
    "SolveReport",
    "solve_lp_duals",
    "solve_problem",
    "variable_maker",
    "TIME_LIMIT_MARGIN_S",
]

#: How far past its time limit :func:`siting.solve` may return, seconds: the
#: step running when the budget runs out (a block of model rows, the site
#: grid, reading the solver's answer) finishes before the call returns.
#: Measured: 1.7 s over 40 s on the naive Korean model at 2 km (256,000
#: variables, 2 shared cores; 31 s over before the budget covered the whole
#: call), 0.1-0.2 s on the toy region's naive 0.5 km model; 0.7-1.4 s over
#: 40 s on the diagnosis of an infeasible 1 km scenario (1.3 million columns;
#: two runs at once on 2 cores), 1.9-3.1 s before the hand-over to the
#: solver looked at the clock (:data:`HAND_OVER_CHECK_NONZEROS`).
TIME_LIMIT_MARGIN_S: Final[float] = 3.0
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


def check_deadline(deadline: Deadline | None, where: str) -> None:
    """Raise :class:`OutOfTime` (saying ``where``) once ``deadline`` has passed; no deadline, no check.

    Examples
    --------
    >>> check_deadline(None, "anywhere"), check_deadline(Deadline(60.0), "here")
    (None, None)
    >>> check_deadline(Deadline(0.0), "building the model")
    Traceback (most recent call last):
    ...
    siting.solvers.OutOfTime: building the model
    """
    if deadline is not None and deadline.expired:
        raise OutOfTime(where)


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
    solver: SolverName,
    time_limit_s: float,
    mip_gap: float,
    threads: int,
    log: Path,
    *,
    warm_start: bool = False,
) -> pulp.LpSolver:
    if solver not in SOLVERS:
        raise ScenarioError(f"solver = {solver!r}: must be one of {list(SOLVERS)}.")
    if solver == "highs":
        made = pulp.HiGHS(msg=False, timeLimit=time_limit_s, gapRel=mip_gap, threads=threads)
    else:
        # PuLP passes "-sec" with "timeMode elapsed": CBC counts wall time
        made = pulp.PULP_CBC_CMD(
            msg=False,
            timeLimit=time_limit_s,
            gapRel=mip_gap,
            threads=threads,
            logPath=str(log),
            warmStart=warm_start,
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
    warm_start: bool = False,
    one_each: Mapping[str, int] | None = None,
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
    warm_start : bool, default False
        Start from the variables' values (``varValue``; ``None`` counts as 0),
        as PuLP's ``warmStart`` does: a plan that meets every row is the
        solver's first incumbent; one that does not is ignored.
    one_each : mapping of str to int, optional
        Rows the caller leaves out and adds when a plan breaks them: the
        columns named here (by variable name) hold at most one in total per
        key. HiGHS stops at its first improving plan that breaks one (status
        ``feasible``, with its bound), since a plan the caller rejects is not
        worth proving; CBC, which has no such callback, solves to the end.

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
    if time_limit_s < MIN_SOLVE_S:  # not even the model's hand-over to the solver fits
        return SolveReport(
            status=Status.NO_SOLUTION, objective=None, bound=None, gap=None, seconds=0.0, solver=solver
        )
    if solver == "highs":
        status, objective, bound = _solve_highs(
            prob,
            time_limit_s=time_limit_s,
            mip_gap=mip_gap,
            threads=threads,
            warm_start=warm_start,
            one_each=one_each,
        )
    else:
        status, objective, bound = _solve_cbc(
            prob, time_limit_s=time_limit_s, mip_gap=mip_gap, threads=threads, warm_start=warm_start
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
    prob: pulp.LpProblem, *, time_limit_s: float, mip_gap: float, threads: int, warm_start: bool = False
) -> tuple[Status, float | None, float | None]:
    """CBC through PuLP (a subprocess that PuLP waits for; ``-sec`` counts wall time)."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "solver.log"
        prob.solve(_make_solver("cbc", time_limit_s, mip_gap, threads, log, warm_start=warm_start))
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


#: Nonzeros handed to the solver between two looks at the clock (a few hundredths of a second).
HAND_OVER_CHECK_NONZEROS: Final[int] = 50_000


class _HandOverClock:
    """Counts the nonzeros handed over and raises :class:`OutOfTime` past ``time_limit_s``."""

    def __init__(self, time_limit_s: float) -> None:
        self.end = time.perf_counter() + time_limit_s
        self.since_look = 0

    def look(self) -> None:
        """Raise :class:`OutOfTime` once the time is up."""
        self.since_look = 0
        if time.perf_counter() > self.end:
            raise OutOfTime("passing the model to the solver")

    def count(self, nonzeros: int) -> None:
        """Add ``nonzeros``; :meth:`look` once :data:`HAND_OVER_CHECK_NONZEROS` have passed."""
        self.since_look += nonzeros
        if self.since_look >= HAND_OVER_CHECK_NONZEROS:
            self.look()


def _columns(prob: pulp.LpProblem, clock: _HandOverClock) -> list[pulp.LpVariable]:
    """The variables of the objective and the rows, by name, as :meth:`pulp.LpProblem.variables` lists them.

    PuLP's own walk cannot be stopped (1.3 s on a 1.3-million-column
    model, the diagnosis's elastic model at 1 km); this one looks at
    ``clock`` as it goes. A variable in neither the objective nor a row is
    left out: it does not change the solve, and keeps its value.
    """
    found: dict[int, pulp.LpVariable] = {}
    objective = prob.objective if prob.objective is not None else ()
    for expr in (objective, *prob.constraints.values()):
        terms = iter(expr)
        while chunk := list(islice(terms, HAND_OVER_CHECK_NONZEROS)):
            found.update(zip(map(id, chunk), chunk, strict=True))
            clock.count(len(chunk))
    return sorted(found.values(), key=attrgetter("name"))


def _arrays(
    prob: pulp.LpProblem, *, time_limit_s: float = math.inf
) -> tuple[list[pulp.LpVariable], dict[str, np.ndarray]]:
    """The problem as arrays: column costs, bounds and integrality; rows in compressed sparse form.

    Raises :class:`OutOfTime` when it takes longer than ``time_limit_s``
    (a look at the clock every :data:`HAND_OVER_CHECK_NONZEROS` nonzeros).
    """
    clock = _HandOverClock(time_limit_s)
    clock.look()
    variables = _columns(prob, clock)
    pos = {id(v): i for i, v in enumerate(variables)}  # by identity: no name lookups per nonzero
    inf = math.inf
    cost = np.zeros(len(variables))
    objective = prob.objective if prob.objective is not None else pulp.LpAffineExpression()
    sign = -1.0 if prob.sense == pulp.LpMaximize else 1.0  # HiGHS minimises here: maximise -c
    if len(objective):
        cost[[pos[id(v)] for v in objective]] = sign * np.fromiter(objective.values(), float, len(objective))
    col_lo = np.array([-inf if v.lowBound is None else v.lowBound for v in variables], dtype=float)
    col_hi = np.array([inf if v.upBound is None else v.upBound for v in variables], dtype=float)
    integer = np.array([v.cat == pulp.LpInteger for v in variables], dtype=bool)
    lengths: list[int] = []
    index: list[int] = []
    value: list[float] = []
    rhs: list[float] = []
    senses: list[int] = []
    for c in prob.constraints.values():
        clock.count(len(c) + 1)
        index.extend([pos[id(v)] for v in c])
        value.extend(c.values())
        lengths.append(len(c))
        rhs.append(-c.constant)
        senses.append(c.sense)
    vals = np.array(value, dtype=float)
    keep = vals != 0
    row_of = np.repeat(np.arange(len(lengths)), lengths)[keep]
    starts = np.zeros(len(lengths) + 1, dtype=np.int32)
    np.cumsum(np.bincount(row_of, minlength=len(lengths)), out=starts[1:])
    b = np.array(rhs, dtype=float)
    sense = np.array(senses, dtype=int)
    row_lo = np.where(sense == pulp.LpConstraintLE, -inf, b)
    row_hi = np.where(sense == pulp.LpConstraintGE, inf, b)
    return variables, {
        "cost": cost,
        "offset": np.array(sign * float(objective.constant)),
        "sign": np.array(sign),
        "col_lo": col_lo,
        "col_hi": col_hi,
        "integer": integer,
        "starts": starts,
        "index": np.array(index, dtype=np.int32)[keep],
        "value": vals[keep],
        "row_lo": row_lo,
        "row_hi": row_hi,
    }


def _solve_highs(
    prob: pulp.LpProblem,
    *,
    time_limit_s: float,
    mip_gap: float,
    threads: int,
    warm_start: bool = False,
    one_each: Mapping[str, int] | None = None,
) -> tuple[Status, float | None, float | None]:
    """HiGHS through highspy directly (:mod:`siting._highs`), within ``time_limit_s`` of wall time.

    The model goes to HiGHS as arrays (PuLP's HiGHS adapter adds columns and
    rows one call at a time, outside the time limit: 14 s on a 250,000-option
    model). A large model is solved in a child process that is killed when it
    outlasts the limit (:func:`siting._highs.solve`).
    """
    t0 = time.perf_counter()
    try:
        variables, a = _arrays(prob, time_limit_s=time_limit_s)
    except OutOfTime:
        return Status.NO_SOLUTION, None, None
    if warm_start:  # HiGHS checks the plan and keeps it as its first incumbent only when it is one
        a["start"] = np.array([0.0 if v.varValue is None else v.varValue for v in variables], dtype=float)
    if one_each:  # HiGHS stops at a plan that breaks one of these rows (:func:`siting._highs.run`)
        a["one_each"] = np.array([one_each.get(v.name, -1) for v in variables], dtype=np.int64)
    left = max(time_limit_s - (time.perf_counter() - t0), MIN_SOLVE_S)
    out = _highs.solve(a, left=left, mip_gap=mip_gap, threads=threads)
    if out is None:
        return Status.NO_SOLUTION, None, None
    status = _highs.status(out)
    objective = bound = None
    if status.has_solution:
        _set_values(variables, out["col"])
        sign = float(a["sign"])  # back to the problem's own sense
        objective = sign * float(out["objective"])
        bound = sign * float(out["bound"]) if a["integer"].any() else objective
    return status, objective, bound


def _set_values(variables: list[pulp.LpVariable], col: np.ndarray) -> None:
    """Give each variable its value in the solution ``col`` (by position)."""
    for v, x in zip(variables, col, strict=True):
        v.varValue = float(x)


@dataclass(frozen=True)
class LpDuals:
    """An LP's optimum and its dual values, in the problem's own objective sense.

    Attributes
    ----------
    status : Status
    objective : float or None
    row : dict of str to float
        By constraint name: d objective / d right-hand side (for the problem's
        own sense: a binding ``<=`` row of a minimisation has a value <= 0).
    saving : dict
        By limit (the keys of ``limits``): how much the objective falls per
        unit when the limit is raised by ``step``, from re-solving.
    """

    status: Status
    objective: float | None
    row: dict[str, float]
    saving: dict[Any, float] = field(default_factory=dict)


def solve_lp_duals(
    prob: pulp.LpProblem,
    *,
    time_limit_s: float = 60.0,
    limits: Mapping[Any, Sequence[str]] | None = None,
    step: float = 1.0,
) -> LpDuals:
    """Solve ``prob`` as an LP with HiGHS (integrality dropped) and return its duals.

    Callers fix the integer variables first (equal bounds); whatever
    integrality is left is ignored. The variables' values are set as by
    :func:`solve_problem`.

    ``limits`` names, per limit, the ``<=`` constraints whose right-hand
    side it is and the variables whose upper bound it is. For each, the
    fall of the objective per unit when all of them are raised together by
    ``step`` is measured by solving again from the optimal basis
    (``saving``). Duals alone do not give it: at a degenerate optimum (a
    line with no residual capacity, post-outage rows) they are not unique,
    and the one a solver returns can overstate the saving without bound.
    A dual does bound it (the optimum is convex in the right-hand side), so
    only the limits whose duals allow a saving are re-solved; the others
    save 0. Limits left when the time runs out are NaN.

    Examples
    --------
    >>> p = pulp.LpProblem("p", pulp.LpMinimize)
    >>> x, y = pulp.LpVariable("x", 0, 10), pulp.LpVariable("y", 0, 10)
    >>> p += x + 2 * y
    >>> p += x + y >= 3, "need"
    >>> p += x <= 1, "cap"
    >>> d = solve_lp_duals(p, limits={"cap": ["cap"], "x top": ["x"]})
    >>> d.objective, d.row["need"], d.row["cap"]  # one more unit of cap saves 1
    (5.0, 2.0, -1.0)
    >>> d.saving
    {'cap': 1.0, 'x top': 0.0}
    """
    end = time.perf_counter() + time_limit_s
    if time_limit_s < MIN_SOLVE_S:
        return LpDuals(Status.NO_SOLUTION, None, {})
    try:
        variables, a = _arrays(prob, time_limit_s=time_limit_s)
    except OutOfTime:
        return LpDuals(Status.NO_SOLUTION, None, {})
    a = {**a, "integer": np.zeros_like(a["integer"])}
    h = _highs.build(a, mip_gap=0.0, threads=1)
    _highs.run(h, left=max(end - time.perf_counter(), MIN_SOLVE_S))  # what is left after the hand-over
    out = _highs.solution(h, duals=True)
    status = _highs.status(out)
    if status != Status.OPTIMAL or not bool(out["has_dual"]):
        return LpDuals(status if status != Status.OPTIMAL else Status.NO_SOLUTION, None, {})
    may_save = _limits_that_may_save(prob, variables, a, out, limits or {})
    saving = dict.fromkeys(limits or {}, 0.0) | _savings(h, a, out, may_save, step=step, end=end)
    _set_values(variables, out["col"])
    sign = float(a["sign"])
    return LpDuals(
        status=status,
        objective=sign * float(out["objective"]),
        row=dict(zip(prob.constraints, (sign * out["row_dual"]).tolist(), strict=True)),
        saving=saving,
    )


def _limits_that_may_save(
    prob: pulp.LpProblem,
    variables: list[pulp.LpVariable],
    a: _highs.Arrays,
    out: _highs.Arrays,
    limits: Mapping[Any, Sequence[str]],
) -> dict[Any, tuple[np.ndarray, np.ndarray]]:
    """The limits whose duals allow a saving: each one's finite rows and columns, by position."""
    row_at = {name: i for i, name in enumerate(prob.constraints)}
    col_at = {v.name: j for j, v in enumerate(variables)}
    at_ub = out["col"] >= a["col_hi"] - 1e-7
    found = {}
    for key, names in limits.items():
        rows = np.array(
            [row_at[n] for n in names if n in row_at and np.isfinite(a["row_hi"][row_at[n]])], int
        )
        cols = np.array(
            [col_at[n] for n in names if n in col_at and np.isfinite(a["col_hi"][col_at[n]])], int
        )
        bound = -(out["row_dual"][rows].sum() + out["col_dual"][cols[at_ub[cols]]].sum())  # HiGHS minimises
        if bound > 1e-9:
            found[key] = (rows, cols)
    return found


def _savings(
    h: highspy.Highs,
    a: _highs.Arrays,
    out: _highs.Arrays,
    raised: Mapping[Any, tuple[np.ndarray, np.ndarray]],
    *,
    step: float,
    end: float,
) -> dict[Any, float]:
    """By limit: the fall of the objective per unit with its rows and columns raised by ``step``.

    Each is re-solved from ``h``'s optimal basis; NaN once ``end``
    (``time.perf_counter``) has passed.
    """
    sign, base = float(a["sign"]), float(out["objective"])
    noise = 1e-9 * max(1.0, abs(base))  # re-solves agree to about this
    saving: dict[Any, float] = {}
    for key, (rows, cols) in raised.items():
        left = end - time.perf_counter()
        obj = (
            math.nan
            if left < MIN_SOLVE_S
            else _highs.objective_raised(h, a, rows, cols, step=step, left=left)
        )
        fall = sign * (base - obj)
        saving[key] = 0.0 if abs(fall) < noise else fall / step
    return saving


def _cbc_bound(text: str) -> float | None:
    r"""Best bound from CBC's final summary ("Lower bound: ..."), if printed.

    Examples
    --------
    >>> _cbc_bound("Result - Stopped on time limit\nLower bound:  12.5\n")
    12.5
    """
    m = re.findall(r"Lower bound:\s*([-+0-9.eE]+)", text)
    return float(m[-1]) if m else None


def variable_maker(prob: pulp.LpProblem) -> Callable[[str, float, float, str], pulp.LpVariable]:
    """``(name, low, up, cat) -> variable``: ``prob.add_variable`` where PuLP has it, else ``LpVariable``.

    PuLP 3.3 warns (DeprecationWarning, PuLP 4 migration) on every direct
    ``LpVariable(...)``; on the 127,000 site variables of the 1 km Korean
    model the warning machinery was a third of their creation time.
    """
    add = getattr(prob, "add_variable", None)
    if add is not None:
        return add
    return lambda name, low, up, cat: pulp.LpVariable(name, lowBound=low, upBound=up, cat=cat)
