"""The HiGHS adapter: a model given as arrays, solved by highspy here or in a child process.

The arrays are those :func:`siting.solvers._arrays` makes of a PuLP problem
(column costs, bounds and integrality; rows in compressed sparse form); this
module knows HiGHS and NumPy, not PuLP. One set-up serves both places: a
model is solved in this process (:func:`solve_here`, with the duals on
request), or, when large, in a child process that can be killed
(:func:`solve_in_child`). The child runs this module,
``python -m siting._highs MODEL.npz SOLUTION.npz``: it imports NumPy, highspy
and the light top of ``siting`` only, so it starts in a fraction of a second.
"""

from __future__ import annotations

import math
import os
import site
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from .constants import Status

if TYPE_CHECKING:
    import highspy

__all__ = [
    "HIGHS_CANCEL_GRACE_S",
    "HIGHS_MIP_OPTIONS",
    "HIGHS_SUBPROCESS_MIN_COLUMNS",
    "solve",
    "solve_here",
    "solve_in_child",
]

#: Grace after HiGHS's own time limit before the watchdog interrupts it (or,
#: in a child process, the parent kills it), seconds.
HIGHS_CANCEL_GRACE_S: Final[float] = 0.5
#: Columns from which HiGHS runs in a child process that can be killed: its
#: presolve does not look at the clock, and on large models it can outlast
#: the limit by many seconds. Smaller models run in this process (no start-up cost).
HIGHS_SUBPROCESS_MIN_COLUMNS: Final[int] = 20_000

#: HiGHS options set on every integer model. The root reduced-cost heuristic
#: (a sub-MIP on the columns the root's reduced costs leave free) spent up to
#: half of the solve on Korean models; without it, HiGHS 1.16 on one thread,
#: medians of seeds 0-2 (``benchmarks/README.md``, 2026-12-05): the default 5 km
#: model 73.6 -> 65.7 s, a 1 GW build-out at 50 km 67.0 -> 41.8 s, 1 GW at
#: 40 km 17.1 -> 16.2 s, same optima. An option this HiGHS lacks is skipped.
HIGHS_MIP_OPTIONS: Final[dict[str, bool | int | float]] = {"mip_heuristic_run_root_reduced_cost": False}

#: A model or a solution as named arrays (what ``np.savez`` writes).
Arrays = dict[str, np.ndarray]


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


def build(a: Arrays, *, mip_gap: float, threads: int) -> highspy.Highs:
    """A silent HiGHS instance holding the model ``a`` (integrality where ``a["integer"]``).

    ``a["start"]``, when given, is a plan to start from (one value per column).
    """
    import highspy

    with _quiet_stdout_fd():  # no banner: the solver says nothing unless the caller asks
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    h.setOptionValue("threads", int(threads))
    for name, value in HIGHS_MIP_OPTIONS.items():
        h.setOptionValue(name, value)  # an unknown option returns an error status: HiGHS keeps its default
    empty = np.array([], np.int32)
    h.addCols(len(a["cost"]), a["cost"], a["col_lo"], a["col_hi"], 0, empty, empty, [])
    h.changeObjectiveOffset(float(a["offset"]))
    idx = np.flatnonzero(a["integer"]).astype(np.int32)
    if len(idx):
        h.changeColsIntegrality(len(idx), idx, np.full(len(idx), highspy.HighsVarType.kInteger))
    if len(a["row_lo"]):
        m, nz = len(a["row_lo"]), len(a["index"])
        h.addRows(m, a["row_lo"], a["row_hi"], nz, a["starts"][:-1], a["index"], a["value"])
    if "start" in a:  # a plan to start from (HiGHS ignores it unless it meets every row)
        start = highspy.HighsSolution()
        start.col_value = a["start"].tolist()
        start.value_valid = True
        h.setSolution(start)
    return h


def run(h: highspy.Highs, *, left: float, one_each: np.ndarray | None = None) -> None:
    """Solve within HiGHS's ``time_limit`` of ``left`` s; a watchdog interrupts it the grace after.

    ``one_each`` (one key per column, -1 for none): rows "at most one in
    total per key" that the model leaves out; HiGHS is interrupted at its
    first improving plan that breaks one (:func:`stop_on_broken`).
    """
    h.setOptionValue("time_limit", float(left))
    h.HandleUserInterrupt = True
    if one_each is not None:
        stop_on_broken(h, one_each)
    h.startSolve()
    done, _ = h.wait(left + HIGHS_CANCEL_GRACE_S)
    if not done:
        h.cancelSolve()
        h.wait()


def stop_on_broken(h: highspy.Highs, one_each: np.ndarray) -> None:
    """Interrupt ``h`` at its first improving plan in which some key's columns sum to more than one.

    The rows "at most one per key" (a lazy model's sites) are left out of
    the model and added when a plan breaks them; proving such a plan optimal
    is wasted, since the caller adds the row and solves again. HiGHS 1.16's
    callbacks cannot add a row (no lazy-constraint callback), so the solve
    stops there with the plan and its bound (``tests/test_solvers.py``).
    """
    on = np.flatnonzero(one_each >= 0)
    keys = np.unique(one_each[on], return_inverse=True)[1]

    def check(event: Any) -> None:
        x = np.asarray(event.data_out.mip_solution)
        if len(x) and (np.bincount(keys, weights=x[on]) > 1 + 1e-6).any():
            h.cancelSolve()

    if len(on):
        h.cbMipImprovingSolution.subscribe(check)


def solution(h: highspy.Highs, *, duals: bool = False) -> Arrays:
    """What the solve left: status, solution (``col``), objective, bound; the duals when asked."""
    info = h.getInfo()
    has = info.primal_solution_status == 2  # kSolutionStatusFeasible
    sol = h.getSolution()
    out = {
        "status": np.array(int(h.getModelStatus())),
        "has": np.array(has),
        "col": np.asarray(sol.col_value, dtype=float) if has else np.zeros(0),
        "objective": np.array(float(info.objective_function_value)),
        "bound": np.array(float(info.mip_dual_bound)),
    }
    if duals:
        out["has_dual"] = np.array(info.dual_solution_status == 2)
        out["row_dual"] = np.asarray(sol.row_dual, dtype=float) if has else np.zeros(0)
        out["col_dual"] = np.asarray(sol.col_dual, dtype=float) if has else np.zeros(0)
    return out


def status(out: Arrays) -> Status:
    """The solve's :class:`~siting.constants.Status` from a :func:`solution`."""
    import highspy

    S = highspy.HighsModelStatus
    model_status = int(out["status"])
    if model_status == int(S.kOptimal):
        return Status.OPTIMAL
    if model_status in (int(S.kInfeasible), int(S.kUnboundedOrInfeasible)):
        return Status.INFEASIBLE
    return Status.FEASIBLE if bool(out["has"]) else Status.NO_SOLUTION


def objective_raised(
    h: highspy.Highs, a: Arrays, rows: np.ndarray, cols: np.ndarray, *, step: float, left: float
) -> float:
    """The optimum with ``rows``' upper limits and ``cols``' upper bounds raised by ``step``.

    Solved again from ``h``'s current (optimal) basis within ``left``
    seconds; NaN unless optimal. The limits are restored afterwards.
    """
    import highspy

    _raise_limits(h, a, rows, cols, step)
    h.setOptionValue("time_limit", float(left))
    h.run()
    optimal = int(h.getModelStatus()) == int(highspy.HighsModelStatus.kOptimal)
    value = float(h.getInfo().objective_function_value) if optimal else math.nan
    _raise_limits(h, a, rows, cols, 0.0)
    return value


def _raise_limits(h: highspy.Highs, a: Arrays, rows: np.ndarray, cols: np.ndarray, step: float) -> None:
    """Set ``rows``' upper limits and ``cols``' upper bounds to the model's plus ``step``."""
    for r in rows.tolist():
        h.changeRowBounds(r, a["row_lo"][r], a["row_hi"][r] + step)
    for c in cols.tolist():
        h.changeColBounds(c, a["col_lo"][c], a["col_hi"][c] + step)


def solve_here(a: Arrays, *, left: float, mip_gap: float, threads: int, duals: bool = False) -> Arrays:
    """Solve ``a`` in this process within ``left`` seconds (see :func:`run`); the :func:`solution`."""
    h = build(a, mip_gap=mip_gap, threads=threads)
    run(h, left=left, one_each=a.get("one_each"))
    return solution(h, duals=duals)


def solve_in_child(a: Arrays, *, left: float, mip_gap: float, threads: int) -> Arrays | None:
    """Solve ``a`` in a child process; kill it :data:`HIGHS_CANCEL_GRACE_S` after ``left`` s (then None)."""
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "model.npz", Path(tmp) / "solution.npz"
        end = time.time() + left
        arrays: dict[str, Any] = {**a, "mip_rel_gap": mip_gap, "end": end, "threads": threads}
        np.savez(src, **arrays)
        proc = subprocess.Popen(
            # -P: no working folder first on the child's path, where another `siting` could stand
            [sys.executable, "-P", "-m", __name__, str(src), str(dst)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=_child_env(),
        )
        try:
            _, err = proc.communicate(timeout=left + HIGHS_CANCEL_GRACE_S)
        except subprocess.TimeoutExpired:
            return None
        finally:  # out of time, or interrupted: the child does not outlive the call
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        if proc.returncode != 0 or not dst.exists():
            raise RuntimeError(f"HiGHS child process failed: {err.decode(errors='replace')[-2000:]}")
        with np.load(dst) as sol:
            return {k: sol[k] for k in sol.files}


def _child_env() -> dict[str, str]:
    """The child's environment: this very package first on its path, unless it is in site-packages."""
    here = str(Path(__file__).resolve().parents[1])
    if here in {str(Path(p).resolve()) for p in site.getsitepackages()}:
        return dict(os.environ)  # found there anyway; on PYTHONPATH it would stand before the stdlib
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)}


def solve(a: Arrays, *, left: float, mip_gap: float, threads: int) -> Arrays | None:
    """Solve ``a`` within ``left`` s: here, or from :data:`HIGHS_SUBPROCESS_MIN_COLUMNS` columns in a child.

    HiGHS's ``time_limit`` counts from the start of its run, but its
    presolve does not look at the clock; so a large model is solved in a
    child process, killed :data:`HIGHS_CANCEL_GRACE_S` after the limit (then
    None). Smaller models are solved here, under a watchdog that interrupts
    HiGHS at the same moment.
    """
    if len(a["cost"]) >= HIGHS_SUBPROCESS_MIN_COLUMNS:
        return solve_in_child(a, left=left, mip_gap=mip_gap, threads=threads)
    return solve_here(a, left=left, mip_gap=mip_gap, threads=threads)


def main(argv: Sequence[str] | None = None) -> None:
    """The child process: solve the model in file ``argv[0]`` by its end; the solution to ``argv[1]``."""
    src, dst = sys.argv[1:3] if argv is None else argv
    a = dict(np.load(src))
    h = build(a, mip_gap=float(a["mip_rel_gap"]), threads=int(a["threads"]))
    # the budget is a wall-clock end (epoch seconds): start-up and loading count against it
    run(h, left=max(float(a["end"]) - time.time(), 0.01), one_each=a.get("one_each"))
    out: dict[str, Any] = solution(h)
    np.savez(dst, **out)


if __name__ == "__main__":
    main()
