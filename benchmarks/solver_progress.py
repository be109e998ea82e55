"""How a solver closes the gap on the library's model: LP bound, root gap, time to 1 % and 0.1 %.

The model is the one :func:`siting.solve` hands HiGHS first for a scenario: the prepared stages,
``SitingModel.build``, then the lazy rows the LP relaxation breaks
(``SitingModel._separate_relaxation``, as ``_solve_separated`` does before its first integer
solve), passed to HiGHS as the library's arrays (``siting.solvers._arrays``,
``siting._highs.build``) and written once to an MPS file. That file is then solved by HiGHS
(highspy, the library's options: ``siting._highs.HIGHS_MIP_OPTIONS``, one thread, the scenario's
gap, a ``random_seed``) or by SCIP (pyscipopt, when installed; one thread, same gap and limit,
``randomization/randomseedshift``), each run recording (seconds, primal bound, dual bound, nodes)
whenever a bound moves: HiGHS through its MIP callbacks, SCIP through an event handler on new
best solutions and solved nodes. When that first plan breaks a lazy row the library solves again;
this measures the first (on the default Korean scenario, usually the only) integer solve.

Run by ``bench_national.py``, one child process per export and per solve::

    python benchmarks/solver_progress.py export KM TARGET_MW FLOW_MODEL LIMIT_S FILE.mps [REINFORCE]
    python benchmarks/solver_progress.py solve {highs,highs-cold,scip} FILE.mps SEED MIP_GAP LIMIT_S

each printing one JSON line (``REINFORCE`` ``True``: every bundled candidate reinforcement offered).
The export also runs the library's restricted start (:mod:`siting._restricted_start`) and keeps its
plan beside the file: ``highs`` starts from it, as the library does, its times counted from the
start's own solve (the start's gap against the LP bound is the first point of the trace);
``highs-cold`` solves the same file without it; SCIP runs without it.
"""

from __future__ import annotations

import importlib.util
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "korea_default.toml"
#: Gaps whose first time is reported (``time_to_1pct_s``, ``time_to_0.1pct_s``).
GAP_MARKS = {"time_to_1pct_s": 1e-2, "time_to_0.1pct_s": 1e-3}
#: A dual bound that rose by less than this (relative) is not a new trace point.
BOUND_STEP = 1e-5
#: SCIP's infinity: bounds at or beyond it are infinite.
SCIP_INFINITY = 1e20
#: Seconds a child may run past its time limit (data load, model build) before it is killed.
GRACE_S = 600.0
#: What :func:`medians` reports the median of over seeds (None, never reached, counts as infinite).
MEDIAN_KEYS = ("seconds", *GAP_MARKS, "gap", "root_gap", "root_cut_gap", "objective", "nodes")


def scenario(
    km: float, target_mw: float | None, flow_model: str | None, time_limit: float, *, reinforce: bool = False
) -> Any:
    """The default Korean scenario at ``km``, optionally with another target and flow model, and every
    bundled candidate reinforcement offered."""
    import siting

    sc = siting.Scenario.from_toml(SCENARIO).replace(grid_spacing_km=km, time_limit_s=time_limit)
    sc = sc.replace(reinforce=reinforce)
    if target_mw is not None:
        sc = sc.replace(target_mw=target_mw)
    return sc if flow_model is None else sc.replace(flow_model=flow_model)


def export(sc: Any, path: Path) -> dict[str, Any]:
    """Build ``sc``'s model as :func:`siting.solve` does, write it to ``path`` (MPS); its size and LP bound.

    The LP bound is the relaxation of the written file (HiGHS, ``solve_relaxation``); ``mip_gap``
    is the scenario's, for the solves of the file.
    """
    import siting
    from siting import _highs
    from siting._restricted_start import restricted_start
    from siting.pipeline import _Run
    from siting.prepared import Prepared
    from siting.solvers import Deadline, _arrays

    t0 = time.perf_counter()
    data = siting.load_korea()
    run = _Run(data, sc, Prepared(data), families=None, reduce=True, progress=False)
    if run.necessary():
        raise SystemExit(f"the scenario fails a necessary condition: {run.necessary()}")
    model = run.build()
    relaxed = model._separate_relaxation(Deadline(sc.time_limit_s))
    variables, a = _arrays(model.prob)
    h = _highs.build(a, mip_gap=sc.mip_gap, threads=1)
    h.writeModel(str(path))
    seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    limits = dict(solver="highs", mip_gap=sc.mip_gap, threads=1, relaxed=relaxed)
    started = restricted_start(model, Deadline(sc.time_limit_s), **limits)
    start_s = time.perf_counter() - t1
    start = None
    if started:
        plan = np.array([v.varValue or 0.0 for v in variables])
        start = float(np.dot(a["cost"], plan) + a["offset"])
        np.save(_start_file(path), plan)
    lp = lp_bound(path)
    return {
        "start_s": start_s,
        "start_objective": start,
        "start_gap_to_lp": None if start is None or lp["lp_bound"] is None else gap(start, lp["lp_bound"]),
        "columns": len(a["cost"]),
        "integers": int(a["integer"].sum()),
        "rows": len(a["row_lo"]),
        "mip_gap": sc.mip_gap,
        "flow_model": sc.flow_model,
        "export_s": seconds,
        **lp,
    }


def _start_file(path: Path) -> Path:
    """Where :func:`export` keeps the restricted start's plan for the model in ``path``."""
    return path.with_suffix(".start.npy")


def _highs_on(path: Path, options: dict[str, Any]) -> Any:
    """A silent HiGHS holding the model in ``path``, with ``options`` set."""
    import highspy

    from siting._highs import _quiet_stdout_fd

    with _quiet_stdout_fd():
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
    h.readModel(str(path))
    for name, value in options.items():
        h.setOptionValue(name, value)
    return h


def lp_bound(path: Path) -> dict[str, Any]:
    """The LP relaxation of the model in ``path``: its optimum (``lp_bound``) and seconds."""
    import highspy

    h = _highs_on(path, {"solve_relaxation": True, "threads": 1})
    t = time.perf_counter()
    h.run()
    optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    bound = float(h.getInfo().objective_function_value) if optimal else None
    return {"lp_bound": bound, "lp_s": time.perf_counter() - t}


class Trace:
    """(seconds, primal bound, dual bound, nodes) points, one each time a bound moves.

    Examples
    --------
    >>> t = Trace()
    >>> inf = math.inf
    >>> points = [(0.1, inf, 90.0, 0), (0.2, 120.0, 90.0, 0), (0.3, 120.0, 90.0, 1), (0.5, 100.0, 99.5, 3)]
    >>> for point in points:
    ...     t.add(*point)
    >>> len(t.points), t.root_bound
    (3, 90.0)
    >>> summary(t, lp=80.0, final=(100.0, 99.95), seconds=0.6)["time_to_1pct_s"]
    0.5
    """

    def __init__(self) -> None:
        self.points: list[tuple[float, float, float, int]] = []
        #: The dual bound at the last call before the first node after the root (None before it).
        self.root_bound: float | None = None
        self._root_dual = -math.inf

    def add(self, seconds: float, primal: float, dual: float, nodes: int) -> None:
        """Record the point when a bound moved (or the root's bound, at the first node after it)."""
        if nodes == 0:
            self._root_dual = dual
        elif self.root_bound is None and math.isfinite(self._root_dual):
            self.root_bound = self._root_dual
        if self.points:
            _, p, d, _ = self.points[-1]
            moved = dual - d > BOUND_STEP * max(abs(dual), 1.0) if math.isfinite(d) else math.isfinite(dual)
            if primal == p and not moved:
                return
        self.points.append((seconds, primal, dual, nodes))


def gap(primal: float, dual: float) -> float:
    """Relative gap as the library reports it: (primal − dual) / |primal|; inf without a plan or a bound."""
    if not (math.isfinite(primal) and math.isfinite(dual)):
        return math.inf
    return max(primal - dual, 0.0) / max(abs(primal), 1e-9)


def summary(trace: Trace, *, lp: float | None, final: tuple[float, float], seconds: float) -> dict[str, Any]:
    """Times to each of :data:`GAP_MARKS`, the root gap and the final gap from a solve's ``trace``.

    ``final`` is the solve's (primal, dual) at its end, ``seconds`` its running time: a mark
    reached only at the end is reached at ``seconds``. The root gap is that of the LP bound
    ``lp`` against the final primal (None without either); the root bound is the dual bound when
    the tree search started (the last one when it never did), ``root_cut_gap`` its gap.
    """
    out: dict[str, Any] = {}
    points = [*trace.points, (seconds, *final, -1)]
    for key, mark in GAP_MARKS.items():
        out[key] = next((t for t, p, d, _ in points if gap(p, d) <= mark), None)
    primal, dual = final
    finite = math.isfinite(primal)
    out["objective"] = primal if finite else None
    out["bound"] = dual if math.isfinite(dual) else None
    out["gap"] = gap(primal, dual) if finite else None
    out["root_gap"] = gap(primal, lp) if finite and lp is not None else None
    # the tree search never started: the root's bound is the last one
    root = trace.root_bound if trace.root_bound is not None else out["bound"]
    out["root_bound"] = root
    out["root_cut_gap"] = gap(primal, root) if finite and root is not None else None
    out["trace"] = [
        [round(t, 3), p if math.isfinite(p) else None, d if math.isfinite(d) else None, n]
        for t, p, d, n in trace.points
    ]
    return out


def solve_highs(
    path: Path,
    *,
    seed: int,
    mip_gap: float,
    time_limit: float,
    lp: float | None,
    start: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """Solve the MPS ``path`` with HiGHS (the library's options, one thread, ``seed``), traced.

    ``start``: (seconds, objective) of the restricted start kept beside the file, which the solve
    starts from; every time then counts from the start's own solve.
    """
    from siting._highs import HIGHS_MIP_OPTIONS

    options = {
        "mip_rel_gap": mip_gap,
        "threads": 1,
        **HIGHS_MIP_OPTIONS,
        "random_seed": seed,
        "time_limit": time_limit,
    }
    h = _highs_on(path, options)
    trace = Trace()
    offset, known_plan, known_bound = 0.0, math.inf, -math.inf  # with a start: its plan, the LP bound
    if start is not None:
        import highspy

        offset, objective = start
        h.setOptionValue("time_limit", max(time_limit - offset, 0.0))  # the limit counts the start's solve
        plan = highspy.HighsSolution()
        plan.col_value = np.load(_start_file(path)).tolist()
        plan.value_valid = True
        h.setSolution(plan)
        known_plan, known_bound = objective, -math.inf if lp is None else lp
        trace.add(offset, known_plan, known_bound, 0)

    def record(e: Any) -> None:
        d = e.data_out
        trace.add(
            offset + float(d.running_time),
            min(float(d.mip_primal_bound), known_plan),  # before HiGHS reads the start it knows no plan
            max(float(d.mip_dual_bound), known_bound),  # nor, before its root LP, a bound
            int(d.mip_node_count),
        )

    h.cbMipInterrupt += record
    h.cbMipImprovingSolution += record
    h.cbMipLogging += record
    t = time.perf_counter()
    h.run()
    seconds = offset + time.perf_counter() - t
    info = h.getInfo()
    primal = float(info.objective_function_value) if info.primal_solution_status == 2 else math.inf
    out = summary(trace, lp=lp, final=(primal, float(info.mip_dual_bound)), seconds=seconds)
    status = h.modelStatusToString(h.getModelStatus())
    return {
        "solver": "highs" if start is not None else "highs-cold",
        "start_s": offset,
        "seed": seed,
        "status": status,
        "seconds": seconds,
        "nodes": int(info.mip_node_count),
        **out,
    }


def scip_installed() -> bool:
    """Whether pyscipopt can be imported here."""
    return importlib.util.find_spec("pyscipopt") is not None


def solve_scip(
    path: Path, *, seed: int, mip_gap: float, time_limit: float, lp: float | None
) -> dict[str, Any]:
    """Solve the MPS ``path`` with SCIP (1 thread, same gap and limit, ``seed``), traced; or not installed."""
    if not scip_installed():
        return {
            "solver": "scip",
            "seed": seed,
            "status": "not installed (pip install pyscipopt, extra 'scip')",
        }
    import pyscipopt
    from pyscipopt import SCIP_EVENTTYPE

    events = SCIP_EVENTTYPE.BESTSOLFOUND | SCIP_EVENTTYPE.NODESOLVED
    trace = Trace()

    def finite(v: float) -> float:
        return math.inf if v >= SCIP_INFINITY else -math.inf if v <= -SCIP_INFINITY else v

    class Recorder(pyscipopt.Eventhdlr):  # type: ignore[misc]
        def eventinit(self) -> None:
            self.model.catchEvent(events, self)

        def eventexit(self) -> None:
            self.model.dropEvent(events, self)

        def eventexec(self, event: Any) -> None:
            m = self.model
            trace.add(m.getSolvingTime(), finite(m.getPrimalbound()), finite(m.getDualbound()), m.getNNodes())

    m = pyscipopt.Model()
    m.hideOutput()
    m.readProblem(str(path))
    m.setParam("limits/time", float(time_limit))
    m.setParam("limits/gap", float(mip_gap))
    m.setParam("parallel/maxnthreads", 1)
    m.setParam("randomization/randomseedshift", int(seed))
    m.includeEventhdlr(Recorder(), "progress", "bounds over time")
    t = time.perf_counter()
    m.optimize()
    seconds = time.perf_counter() - t
    primal = float(m.getObjVal()) if m.getNSols() else math.inf
    out = summary(trace, lp=lp, final=(primal, finite(m.getDualbound())), seconds=seconds)
    root = finite(m.getDualboundRoot())  # SCIP keeps it (infinite when presolve solved the model)
    if math.isfinite(root):
        out["root_bound"] = root
        out["root_cut_gap"] = gap(primal, root) if math.isfinite(primal) else None
    return {
        "solver": "scip",
        "seed": seed,
        "status": m.getStatus(),
        "seconds": seconds,
        "nodes": m.getNNodes(),
        "primal_dual_integral": m.getPrimalDualIntegral(),
        **out,
    }


def _child(args: list[str], time_limit: float) -> dict[str, Any]:
    """Run this script with ``args`` in a child process; its JSON line, or what went wrong."""
    cmd = [sys.executable, __file__, *map(str, args)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=time_limit + GRACE_S)
    except subprocess.TimeoutExpired:
        return {"status": "killed"}
    if done.returncode != 0:
        return {"status": "error", "error": done.stderr[-2000:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _median(values: list[float | None]) -> float | None:
    """Median with None as never (infinite); None when that is the median."""
    m = statistics.median(math.inf if v is None else v for v in values) if values else math.inf
    return None if math.isinf(m) else m


def medians(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per solver: the medians over seeds of :data:`MEDIAN_KEYS`, the statuses, and every seed's run."""
    done = [r for r in runs if "seconds" in r]
    out: dict[str, Any] = {k: _median([r.get(k) for r in done]) for k in MEDIAN_KEYS}
    out["statuses"] = [r["status"] for r in runs]
    out["seeds"] = runs
    return out


def measure(
    km: float,
    *,
    target_mw: float | None,
    flow_model: str | None,
    time_limit: float,
    seeds: list[int],
    solvers: list[str],
    reinforce: bool = False,
) -> dict[str, Any]:
    """Export the model at ``km`` once, then solve the file with each of ``solvers`` per seed.

    Returns ``model`` (the export's size, LP bound and seconds, the best objective of any run and
    the LP bound's gap to it, ``root_gap_to_best``) and per solver the :func:`medians` of its
    runs; a solver not installed is reported so, not run.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"siting_{km:g}km.mps"
        model = _child(["export", km, target_mw, flow_model, time_limit, path, reinforce], time_limit)
        out: dict[str, Any] = {"model": model}
        if "lp_bound" not in model:
            return out
        for solver in solvers:
            if solver == "scip" and not scip_installed():
                out[solver] = {"status": "not installed (pip install pyscipopt, extra 'scip')"}
                continue
            start = [model["start_s"], model["start_objective"]] if solver == "highs" else [None, None]
            runs = [
                _child(
                    ["solve", solver, path, seed, model["mip_gap"], time_limit, model["lp_bound"], *start],
                    time_limit,
                )
                for seed in seeds
            ]
            out[solver] = medians(runs)
    found = [
        r["objective"] for p in out.values() for r in p.get("seeds", []) if r.get("objective") is not None
    ]
    model["best_objective"] = min(found, default=None)  # of every run on the file
    model["root_gap_to_best"] = None if not found else gap(min(found), model["lp_bound"])
    return out


def main(argv: list[str]) -> None:
    """``export ...`` or ``solve ...`` (see the module docstring); one JSON line on standard output."""
    if argv[0] == "export":
        km, target, flow, limit, file = argv[1:6]
        sc = scenario(
            float(km),
            None if target == "None" else float(target),
            None if flow == "None" else flow,
            float(limit),
            reinforce=argv[6:7] == ["True"],
        )
        out = export(sc, Path(file))
    else:
        solver, file, seed, mip_gap, limit, lp, start_s, start_objective = argv[1:9]
        bound = None if lp == "None" else float(lp)
        common = dict(seed=int(seed), mip_gap=float(mip_gap), time_limit=float(limit), lp=bound)
        if solver == "scip":
            out = solve_scip(Path(file), **common)
        else:
            start = None if start_objective == "None" else (float(start_s), float(start_objective))
            out = solve_highs(Path(file), start=start if solver == "highs" else None, **common)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
