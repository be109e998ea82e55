"""National siting benchmark: the library against the naive model, side by side, per spacing and solver.

For each candidate-grid spacing (``--resolutions``, km) and solver (``--solver``), solves the default
Korean scenario (``scenarios/korea_default.toml``) twice, each in its own child process so that peak
memory is per run:

- **library**: ``siting.solve`` (candidates streamed, exact reduction, count formulation);
- **naive**: what a user would write by hand with PuLP from the same, unreduced options table
  (``build_options`` over every candidate): one binary per option, one ``pulp.lpSum`` row per site,
  substation, line, node, province, the target and the renewable share, and the same
  transport-model network and costs; renewable energy from each substation's surplus and from new
  build per (province, technology) (its peak credit adds supply) flows on every line beside the
  campus supply. It shares the library's inputs (options, grid graph with its surplus and
  new-build options) and its solver call (``siting.solvers.solve_problem``, for the same time
  limit and status/gap reading), nothing of its formulation.

Per run: cells, options, variables, constraints, seconds per stage, total, peak MB, objective,
status, gap; one run per ``--seeds`` seed (HiGHS's ``random_seed``, :func:`seed_highs`; CBC runs
simply repeat), medians and each seed's run. Runs stop at ``--time-limit`` (the status and gap say
where they stood), and a child that outlives it by far is killed and reported as such.

Per spacing, the model the library's first integer solve gets is also written once to an MPS
file and solved per seed by HiGHS and, with ``--solver scip`` and pyscipopt installed, by SCIP
(``solver_progress.py``): the LP-relaxation bound, the root gap, the bound after the root, the
times to 1 % and 0.1 % gap, nodes. The JSON lists issue 21's goals (:data:`GOALS`) with the
medians measured, and the machine's load at the start and the end.

    python benchmarks/bench_national.py                      # 5 2 1 0.5 0.25 km, cbc and highs, seeds 0 1 2
    python benchmarks/bench_national.py --resolutions 1 --solver highs,scip --seeds 0 --json out.json
    python benchmarks/bench_national.py --quick              # 10 km, 1 GW, seed 0: a smoke run
    python benchmarks/bench_national.py --resolutions 0.25 --no-naive --no-progress   # library only
    python benchmarks/bench_national.py --resolutions 5 --solver highs --flow-model dc   # the DC goal
    python benchmarks/bench_national.py --resolutions 5 --solver highs --reinforce   # with the candidates

``--reinforce`` offers every bundled candidate reinforcement (``Scenario(reinforce=True)``, issue
23): its rows say ``"reinforce": true`` and its library runs the projects built and their cost; the
naive model has no reinforcements (no naive runs), and issue 21's goals are not read from its rows.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "korea_default.toml"
#: Seconds a child may run past its time limit (data load, model build, reading) before it is killed.
GRACE_S = 600.0


def _peak_mb() -> float:
    """Peak resident memory of this process and of the solver processes it ran (CBC), MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024.0


def scenario(
    km: float, solver: str, target_mw: float | None, flow_model: str | None = None, *, reinforce: bool = False
) -> Any:
    """The benchmark scenario at one spacing and solver (optionally another target and flow model, and
    every bundled candidate reinforcement offered)."""
    import siting

    sc = siting.Scenario.from_toml(SCENARIO).replace(grid_spacing_km=km, solver=solver, reinforce=reinforce)
    sc = sc if target_mw is None else sc.replace(target_mw=target_mw)
    return sc if flow_model is None else sc.replace(flow_model=flow_model)


def seed_highs(seed: int) -> None:
    """Give HiGHS ``random_seed = seed`` in every solve of this (child) process.

    The library has no seed option: the benchmark adds one to ``siting._highs.HIGHS_MIP_OPTIONS``
    (read at each solve) and keeps every HiGHS solve in this process, since the library's HiGHS
    child process (from 20,000 columns) would not see it. Seed 0 is HiGHS's default.
    """
    from siting import _highs

    _highs.HIGHS_MIP_OPTIONS["random_seed"] = seed  # type: ignore[index]
    _highs.HIGHS_SUBPROCESS_MIN_COLUMNS = math.inf  # type: ignore[misc]


def run_library(
    km: float,
    solver: str,
    time_limit: float,
    target_mw: float | None,
    flow_model: str | None = None,
    *,
    reinforce: bool = False,
) -> dict[str, Any]:
    """One library solve, from data load to result (with ``reinforce``: the projects built and their cost)."""
    t0 = time.perf_counter()
    import siting

    t_import = time.perf_counter() - t0
    t = time.perf_counter()
    data = siting.load_korea()
    sc = scenario(km, solver, target_mw, flow_model, reinforce=reinforce)
    t_load = time.perf_counter() - t
    res = siting.solve(data, sc, time_limit_s=time_limit)
    stages = {"import": t_import, "load": t_load, **{k: v for k, v in res.timings.items() if k != "total"}}
    size = res.model_size
    built = None if res.reinforcements is None else res.reinforcements["units_built"].gt(0)
    return {
        "cells": size.get("candidates", 0),
        "options": size.get("options_all", 0),
        "options_kept": size.get("options", 0),
        "variables": size.get("variables", 0),
        "constraints": size.get("constraints", 0),
        "stages_s": stages,
        "total_s": t_load + res.timings["total"],
        "objective": res.objective,
        "status": str(res.status),
        "gap": res.gap,
        **(
            {}
            if built is None
            else {"projects_built": int(built.sum()), "reinforcement_krw_bn": res.costs.get("reinforcement")}
        ),
    }


def naive_model(data: Any, sc: Any, opts: Any, graph: Any) -> Any:
    """The siting MILP written by hand over every option (transport network model)."""
    import pulp

    if sc.flow_model != "transport" or sc.min_spacing_km > 0:
        raise SystemExit("the naive model covers the transport network model without spacing")
    prob = pulp.LpProblem("naive", pulp.LpMinimize)
    z = [pulp.LpVariable(f"z{i}", cat=pulp.LpBinary) for i in range(len(opts))]
    mw = opts["tier_mw"].to_numpy()
    for _, idx in opts.groupby("site").indices.items():
        prob += pulp.lpSum(z[i] for i in idx) <= 1
    total = pulp.lpSum(mw[i] * z[i] for i in range(len(z)))
    prob += total >= sc.target_mw
    if math.isfinite(sc.overbuild_mw):
        prob += total <= sc.target_mw + sc.overbuild_mw
    load = {n: pulp.lpSum(mw[i] * z[i] for i in idx) for n, idx in opts.groupby("substation").indices.items()}
    head = data.substations["headroom_mw"].to_numpy(dtype=float)
    for n, expr in load.items():
        prob += expr <= head[n]
    renewables = sc.renewable_share > 0 or sc.costs.renewable_incentive_per_mw > 0
    build_cost, peak, energy = _new_build(sc, graph) if renewables else (0, {}, {})
    subs = data.substations["substation_id"].tolist()
    inflow, ren_in, transmission = _lines(prob, sc, graph, subs, renewables)
    for n, sid in enumerate(subs):  # supply for new load (with new build's peak credit) meets load
        s = float(graph.nodes[sid]["supply_mw"])
        supply = pulp.LpVariable(f"sup{n}", lowBound=0, upBound=None if n in peak else s)
        if n in peak:
            prob += supply <= s + peak[n]
        prob += supply + inflow[n] - load.get(n, 0) == 0
    delivered = _renewable_nodes(prob, sc, graph, subs, load, energy, ren_in) if renewables else []
    if sc.renewable_share > 0:
        prob += pulp.lpSum(delivered) >= sc.renewable_share * sc.load_factor * total
    # province share cap and minimum number of host provinces
    hosts = []
    for k, (_, idx) in enumerate(opts.groupby("province").indices.items()):
        prob += pulp.lpSum(mw[i] * z[i] for i in idx) <= sc.province_share_cap * total
        h = pulp.LpVariable(f"host{k}", cat=pulp.LpBinary)
        prob += h <= pulp.lpSum(z[i] for i in idx)
        hosts.append(h)
    if sc.min_host_provinces > 0:
        prob += pulp.lpSum(hosts) >= sc.min_host_provinces
    cost = opts["cost"].to_numpy()
    prob += (
        pulp.lpSum(cost[i] * z[i] for i in range(len(z)))
        + transmission
        + build_cost
        - sc.costs.renewable_incentive_per_mw * pulp.lpSum(delivered)
    )
    return prob


def _lines(
    prob: Any, sc: Any, graph: Any, subs: list[str], renewables: bool
) -> tuple[list[Any], list[Any], Any]:
    """Transport network: campus supply flows f and renewable energy flows g share each line's residual.

    Returns the net inflow of f and of g at each substation (by position) and the transmission cost
    of f (per MW-km; renewable energy is not priced); every line gets its flows, a full one bounded at 0.
    """
    import pulp

    pos = {sid: n for n, sid in enumerate(subs)}
    inflow = [pulp.LpAffineExpression() for _ in pos]
    ren_in = [pulp.LpAffineExpression() for _ in pos]
    transmission = []
    edges = sorted(graph.edges(keys=True, data=True), key=lambda e: e[2])
    for k, (_, _, _, e) in enumerate(edges):
        r = max(float(e["residual_mw"]), 0.0)
        a, b = pos[e["from_id"]], pos[e["to_id"]]
        fp, fm = pulp.LpVariable(f"fp{k}", lowBound=0), pulp.LpVariable(f"fm{k}", lowBound=0)
        used = fp + fm
        transmission.append(sc.costs.transmission_per_mw_km * e["length_km"] * used)
        inflow[a] -= fp - fm
        inflow[b] += fp - fm
        if renewables:
            gp = pulp.LpVariable(f"gp{k}", lowBound=0, upBound=r)
            gm = pulp.LpVariable(f"gm{k}", lowBound=0, upBound=r)
            used += gp + gm
            ren_in[a] -= gp - gm
            ren_in[b] += gp - gm
        prob += used <= r
    return inflow, ren_in, pulp.lpSum(transmission)


def _new_build(sc: Any, graph: Any) -> tuple[Any, dict[int, Any], dict[int, Any]]:
    """New renewables: MW b_k per (province, technology) option, 0 <= b_k <= its potential.

    Returns their cost and, per substation (by position) where an option connects with weight
    w_kn, the peak supply Σ_k w_kn · peak_credit_k · b_k and the energy Σ_k w_kn · capacity_factor_k · b_k
    they add there. No options without ``Scenario.renewable_build``.
    """
    import pulp

    if not sc.renewable_build:
        return 0, {}, {}
    supply = graph.graph["renewable_supply"]
    builds = supply.builds.reset_index(drop=True)
    b = [
        pulp.LpVariable(f"b{k}", lowBound=0, upBound=float(r.max_mw) if math.isfinite(r.max_mw) else None)
        for k, r in enumerate(builds.itertuples())
    ]
    peak: dict[int, Any] = {}
    energy: dict[int, Any] = {}
    w = supply.weights.tocoo()
    for k, n, wkn in zip(w.row.tolist(), w.col.tolist(), w.data.tolist(), strict=True):
        peak[n] = peak.get(n, 0) + wkn * float(builds["peak_credit"][k]) * b[k]
        energy[n] = energy.get(n, 0) + wkn * float(builds["capacity_factor"][k]) * b[k]
    return pulp.lpSum(float(c) * v for c, v in zip(builds["cost_per_mw"], b, strict=True)), peak, energy


def _renewable_nodes(
    prob: Any,
    sc: Any,
    graph: Any,
    subs: list[str],
    load: dict[int, Any],
    energy: dict[int, Any],
    ren_in: list[Any],
) -> list[Any]:
    """Renewable energy at each substation: inflow + surplus used + new-build energy taken = delivered.

    Surplus used is at most the node's ``surplus_mw``, energy taken at most what new build yields
    there, delivered at most the campuses' average load there. Returns the delivered variables.
    """
    import pulp

    delivered = []
    for n, sid in enumerate(subs):
        used = pulp.LpVariable(f"ru{n}", lowBound=0, upBound=float(graph.nodes[sid]["surplus_mw"]))
        got = pulp.LpVariable(f"rd{n}", lowBound=0)
        prob += got <= sc.load_factor * load.get(n, 0)
        taken = pulp.LpVariable(f"re{n}", lowBound=0)
        prob += taken <= energy.get(n, 0)
        prob += ren_in[n] + used + taken - got == 0
        delivered.append(got)
    return delivered


def run_naive(
    km: float, solver: str, time_limit: float, target_mw: float | None, flow_model: str | None = None
) -> dict[str, Any]:
    """One naive solve over every option, from data load to objective."""
    t0 = time.perf_counter()
    import siting
    from siting.candidates import build_candidates
    from siting.grid import build_grid
    from siting.options import build_options
    from siting.solvers import solve_problem

    stages = {"import": time.perf_counter() - t0}
    t = time.perf_counter()
    data = siting.load_korea()
    sc = scenario(km, solver, target_mw, flow_model)
    stages["load"] = time.perf_counter() - t
    start = time.perf_counter()
    cand = build_candidates(data, sc)
    opts = build_options(data, sc, cand)
    graph = build_grid(data, sc)
    stages["candidates"] = time.perf_counter() - start
    t = time.perf_counter()
    prob = naive_model(data, sc, opts, graph)
    stages["build"] = time.perf_counter() - t
    left = max(time_limit - (time.perf_counter() - start), 1.0)
    report = solve_problem(prob, solver=solver, time_limit_s=left, mip_gap=sc.mip_gap, threads=sc.threads)
    stages["solve"] = report.seconds
    objective = prob.objective.value() if report.status.has_solution else None
    return {
        "cells": len(cand.sites),
        "options": len(opts),
        "variables": prob.numVariables(),
        "constraints": prob.numConstraints(),
        "stages_s": stages,
        "total_s": stages["load"] + time.perf_counter() - start,
        "objective": objective,
        "status": str(report.status),
        "gap": report.gap,
    }


def child(spec: dict[str, Any]) -> None:
    """Run one solve (``spec``: model, km, solver, time_limit, target_mw, flow_model, seed, optionally
    reinforce: the library's only); one JSON line."""
    if spec["solver"] == "highs":
        seed_highs(spec["seed"])
    args = (spec["km"], spec["solver"], spec["time_limit"], spec["target_mw"], spec["flow_model"])
    if spec["model"] == "library":
        out = run_library(*args, reinforce=spec.get("reinforce", False))
    else:
        out = run_naive(*args)
    out["peak_mb"] = _peak_mb()
    out["seed"] = spec["seed"]
    print(json.dumps(out))


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """One run in a child process (peak memory per run); a child that hangs is killed."""
    cmd = [sys.executable, __file__, "--child", json.dumps(spec)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=spec["time_limit"] + GRACE_S)
    except subprocess.TimeoutExpired:
        return {"status": "killed", "total_s": None, "objective": None, "seed": spec["seed"]}
    if done.returncode != 0:
        return {"status": "error", "error": done.stderr[-2000:], "total_s": None, "objective": None}
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The first finished run's record, every timing and the peak memory its median; each seed's run.

    ``seeds`` lists each run's seed, total, status, objective and gap (a run that failed, its status).
    """
    done = [r for r in runs if "stages_s" in r]
    out = dict(done[0] if done else runs[0])
    out["seeds"] = [{k: r.get(k) for k in ("seed", "total_s", "status", "objective", "gap")} for r in runs]
    if not done:
        return out
    for key in ("total_s", "peak_mb"):
        out[key] = statistics.median(r[key] for r in done)
    out["stages_s"] = {k: statistics.median(r["stages_s"].get(k, 0.0) for r in done) for k in out["stages_s"]}
    out["repeats"] = len(runs)
    return out


#: Issue 21's goals on the default scenario (4 GW), medians over seeds: (goal, km, flow model,
#: what is measured, target seconds). ``total_s`` is the library's end to end (data load to
#: result), proven optimal in every seed; ``time_to_1pct_s`` HiGHS's on the exported model.
GOALS: list[tuple[str, float, str, str, float]] = [
    ("5 km end to end, proven optimal", 5.0, "transport", "total_s", 10.0),
    ("1 km end to end, proven optimal", 1.0, "transport", "total_s", 30.0),
    ("10 km end to end, proven optimal", 10.0, "transport", "total_s", 5.0),
    ("1 km: time to 1 % gap (HiGHS on the exported model)", 1.0, "transport", "time_to_1pct_s", 5.0),
    ("5 km DC without N-1 end to end, proven optimal", 5.0, "dc", "total_s", 120.0),
]


def goals(results: list[dict[str, Any]], *, target_mw: float | None, flow_model: str) -> list[dict[str, Any]]:
    """Each of :data:`GOALS` with the median measured (None where it was not run) and whether it is met.

    Only HiGHS rows of the default scenario count: the default target (``target_mw`` None), no
    reinforcements offered (a row of ``--reinforce`` says ``"reinforce": true``). An end-to-end goal is met
    when its median is within the target and every seed proved optimality; the time to 1 %
    when its median is within the target (a seed that never reached it counts as never).

    Examples
    --------
    >>> runs = [{"status": "optimal", "total_s": t} for t in (4.0, 6.0, 4.5)]
    >>> row = {"km": 10.0, "solver": "highs", "library": {"total_s": 4.5, "seeds": runs}}
    >>> [(g["measured_median_s"], g["met"]) for g in goals([row], target_mw=None, flow_model="transport")]
    [(None, None), (None, None), (4.5, True), (None, None), (None, None)]
    """
    out = []
    for goal, km, flow, key, target_s in GOALS:
        found: dict[str, Any] = {"goal": goal, "target_s": target_s, "measured_median_s": None, "met": None}
        row = next(
            (r for r in results if r["km"] == km and r["solver"] == "highs" and not r.get("reinforce")), None
        )
        if row is not None and target_mw is None and flow_model == flow:
            if key == "total_s" and "library" in row:
                lib = row["library"]
                found["measured_median_s"] = lib.get("total_s")
                proven = all(r["status"] == "optimal" for r in lib["seeds"])
                found["met"] = proven and lib.get("total_s") is not None and lib["total_s"] <= target_s
            elif key != "total_s" and "progress" in row:
                found["measured_median_s"] = measured = row["progress"].get(key)
                found["met"] = measured is not None and measured <= target_s
        out.append(found)
    return out


def _fmt(r: dict[str, Any]) -> str:
    if "stages_s" not in r:
        return f"{r['status']}"
    obj = "n/a" if r["objective"] is None else f"{r['objective']:,.3f}"
    gap = "" if not r.get("gap") else f" gap {r['gap']:.2%}"
    stages = " ".join(f"{k} {v:.2f}" for k, v in r["stages_s"].items())
    return (
        f"{r['cells']:>9,} cells {r['options']:>10,} options {r['variables']:>9,} vars "
        f"{r['constraints']:>8,} rows | total {r['total_s']:7.2f} s peak {r['peak_mb']:6.0f} MB | "
        f"{r['status']}{gap} {obj} | {stages}"
    )


def _fmt_progress(solver: str, model: dict[str, Any], p: dict[str, Any]) -> str:
    """One line of a solver's progress on the exported model (medians over seeds)."""
    if "seeds" not in p:
        return f"{solver}: {p.get('status', model.get('status'))} {model.get('error', '')}".rstrip()

    def s(v: float | None) -> str:
        return "never" if v is None else f"{v:.2f} s"

    def pct(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.2%}"

    return (
        f"{solver}: {model['columns']:,} columns, {model['integers']:,} integers, "
        f"LP bound {model['lp_bound']:,.3f} ({pct(model['root_gap_to_best'])} below the best plan) | "
        f"root gap {pct(p['root_gap'])}, after the root {pct(p['root_cut_gap'])} | "
        f"to 1 % {s(p['time_to_1pct_s'])}, to 0.1 % {s(p['time_to_0.1pct_s'])} | "
        f"{s(p['seconds'])}, gap {pct(p['gap'])}, {p['statuses']}"
    )


def parse_args() -> argparse.Namespace:
    """The command line (``--quick`` filled in as 10 km, 1 GW, 10 s; no naive run where it has no model)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--resolutions", type=float, nargs="+", default=[5.0, 2.0, 1.0, 0.5, 0.25], help="km")
    ap.add_argument(
        "--solver",
        default="cbc,highs",
        help="comma-separated: cbc, highs, and for the exported model only scip and highs-cold (no start)",
    )
    ap.add_argument("--seeds", type=int, nargs="+", help="HiGHS random seeds, one run each (default 0 1 2)")
    ap.add_argument("--time-limit", type=float, default=600.0, help="seconds per run (each model)")
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--target-mw", type=float, help="another target than the scenario's 4,000 MW")
    ap.add_argument("--flow-model", choices=["transport", "dc"], help="another flow model (dc: no naive run)")
    ap.add_argument("--quick", action="store_true", help="10 km, 1,000 MW, seed 0, 10 s limit: a smoke run")
    ap.add_argument("--reinforce", action="store_true", help="every bundled candidate offered (no naive run)")
    ap.add_argument("--no-naive", action="store_true", help="library runs only")
    ap.add_argument("--no-progress", action="store_true", help="no solves of the exported model")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.seeds = args.seeds or ([0] if args.quick else [0, 1, 2])
    if args.quick:
        args.resolutions, args.time_limit = [10.0], min(args.time_limit, 10.0)
        args.target_mw = args.target_mw or 1000.0
    if args.flow_model == "dc" and not args.no_naive:
        print("the naive model covers the transport model only: no naive runs")
        args.no_naive = True
    if args.reinforce and not args.no_naive:
        print("the naive model has no reinforcements: no naive runs")
        args.no_naive = True
    return args


def main() -> None:
    args = parse_args()
    if args.child:
        child(json.loads(args.child))
        return
    seeds = args.seeds
    solvers = [s.strip() for s in args.solver.split(",") if s.strip()]
    machine = {
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_avg_1min": os.getloadavg()[0],
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    target = "" if args.target_mw is None else f", target {args.target_mw:g} MW"
    target += ", every bundled reinforcement offered" if args.reinforce else ""
    print(f"machine: {machine}; scenario {SCENARIO.name}{target}; time limit {args.time_limit:g} s per run")
    from solver_progress import measure as measure_progress  # beside this script

    results = []
    for km in args.resolutions:
        traced = [s for s in ("highs", "highs-cold", "scip") if s in solvers and not args.no_progress]
        progress = (
            measure_progress(
                km,
                target_mw=args.target_mw,
                flow_model=args.flow_model,
                time_limit=args.time_limit,
                seeds=seeds,
                solvers=traced,
                reinforce=args.reinforce,
            )
            if traced
            else {}
        )
        for solver in solvers:
            row: dict[str, Any] = {"km": km, "solver": solver, "reinforce": args.reinforce}
            library = solver in ("cbc", "highs")  # scip and highs-cold solve the exported model only
            for model in ("library", *(() if args.no_naive else ("naive",))) if library else ():
                spec = {"model": model, "km": km, "solver": solver, "time_limit": args.time_limit}
                spec |= {"target_mw": args.target_mw, "flow_model": args.flow_model}
                spec |= {"reinforce": args.reinforce}
                row[model] = median_run([measure({**spec, "seed": seed}) for seed in seeds])
                print(f"{km:5g} km {solver:5} {model:7} {_fmt(row[model])}", flush=True)
            lib, naive = row.get("library"), row.get("naive")
            if lib and naive and lib.get("objective") is not None and naive.get("objective") is not None:
                row["same_objective"] = math.isclose(lib["objective"], naive["objective"], rel_tol=1e-4)
            if solver in traced:
                row["model"] = progress["model"]
                row["progress"] = progress.get(solver, {"status": "not run: the export failed"})
                print(f"{km:5g} km {_fmt_progress(solver, row['model'], row['progress'])}", flush=True)
            results.append(row)
    machine["load_avg_1min_end"] = os.getloadavg()[0]
    flow = args.flow_model or "transport"  # the default scenario's
    found = goals(results, target_mw=args.target_mw, flow_model=flow)  # not from --reinforce rows
    for g in found:
        print(f"goal: {g['goal']} <= {g['target_s']:g} s: measured {g['measured_median_s']}, met {g['met']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.json.with_suffix(args.json.suffix + ".tmp")
        meta = {"machine": machine, "target_mw": args.target_mw, "time_limit_s": args.time_limit}
        meta |= {"flow_model": flow, "reinforce": args.reinforce, "seeds": seeds}
        tmp.write_text(json.dumps({**meta, "results": results, "goals": found}, indent=2))
        tmp.replace(args.json)


if __name__ == "__main__":
    main()
