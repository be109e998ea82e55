"""The cost of N-1 security on the default Korean scenario, and what the LP-relaxation rows save.

Solves ``scenarios/korea_default.toml`` (optionally at another ``--spacing``) four ways, each in its
own process, two at a time (one solver thread each):

- ``transport``: the scenario as shipped (transport model);
- ``dc``: the same with ``flow_model = "dc"`` (Kirchhoff's law, no outage rows);
- ``dc_n1``: ``dc`` with ``n_minus_1 = True`` (post-outage rows separated on the LP relaxation
  first, then after each integer solve), re-checked outage by outage from the result's tables by
  ``siting.testing.assert_result_valid`` (a DC power flow per outage, no outage factors);
- ``dc_n1_mip_rows_only``: the same without the relaxation stage (rows only after integer solves),
  for the side-by-side time.

The cost of security is ``dc_n1 - dc`` and the cost over the plan as shipped ``dc_n1 - transport``.
When a run stops at its time limit, its objective and bound make the cost an interval
(``[dc_n1 - dc objective, dc_n1 - dc bound]``), written as such.

    python benchmarks/bench_security.py --time-limit 3000 --json benchmarks/security.json
    python benchmarks/bench_security.py --spacing 20 --target-mw 2000 --time-limit 60   # quick
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "korea_default.toml"
RUNS = {
    "transport": {},
    "dc": {"flow_model": "dc"},
    "dc_n1": {"flow_model": "dc", "n_minus_1": True},
    "dc_n1_mip_rows_only": {"flow_model": "dc", "n_minus_1": True},
}


def run(name: str, spacing: float | None, target_mw: float | None, time_limit: float) -> dict[str, Any]:
    """One solve in this (child) process; the N-1 runs are re-checked independently."""
    import siting
    from siting.families.security import Security
    from siting.testing import assert_result_valid

    if name == "dc_n1_mip_rows_only":
        Security.separates = False  # this process only: no rows from the LP relaxation
    data = siting.load_korea()
    sc = siting.Scenario.from_toml(SCENARIO).replace(time_limit_s=time_limit, **RUNS[name])
    if spacing is not None:
        sc = sc.replace(grid_spacing_km=spacing)
    if target_mw is not None:
        sc = sc.replace(target_mw=target_mw)
    t = time.perf_counter()
    res = siting.solve(data, sc)
    out: dict[str, Any] = {
        "run": name,
        "seconds": time.perf_counter() - t,
        "status": str(res.status),
        "objective": res.objective,
        "bound": None if res.report is None else res.report.bound,
        "gap": res.gap,
        "timings_s": res.timings,
        "security": res.security or None,
    }
    if res.status.has_solution:
        out["campuses"] = int(len(res.sites))
        out["mw_by_province"] = res.by_province()["capacity_mw"].to_dict()
    if sc.n_minus_1 and res.status.has_solution:
        t = time.perf_counter()
        assert_result_valid(res, data)  # raises if any outage overloads a line
        out["recheck_s"] = time.perf_counter() - t
        out["recheck"] = "every outage re-solved from the result's tables: no line over its residual"
    return out


def interval(hi: dict[str, Any], lo: dict[str, Any]) -> list[float] | None:
    """``hi - lo`` as [least, most] from each run's objective and bound (None without both plans)."""
    if hi.get("objective") is None or lo.get("objective") is None:
        return None
    hi_lo = hi["bound"] if hi["bound"] is not None else hi["objective"]
    lo_lo = lo["bound"] if lo["bound"] is not None else lo["objective"]
    return [hi_lo - lo["objective"], hi["objective"] - lo_lo]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spacing", type=float, help="km (default: the scenario's)")
    ap.add_argument("--target-mw", type=float, help="MW (default: the scenario's)")
    ap.add_argument("--time-limit", type=float, default=600.0, help="seconds per solve")
    ap.add_argument("--runs", nargs="+", default=list(RUNS), choices=list(RUNS))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path, help="write the measurements here")
    args = ap.parse_args(argv)
    report: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_average_at_start": os.getloadavg(),
        "spacing_km": args.spacing,
        "target_mw": args.target_mw,
        "time_limit_s": args.time_limit,
    }
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        jobs = {n: pool.submit(run, n, args.spacing, args.target_mw, args.time_limit) for n in args.runs}
        runs = {n: j.result() for n, j in jobs.items()}
    for r in runs.values():
        print(f"{r['run']:20} {r['status']:12} {r['objective']} bound {r['bound']} {r['seconds']:.1f} s")
    report["runs"] = runs
    if {"dc", "dc_n1"} <= runs.keys():
        report["cost_of_security"] = interval(runs["dc_n1"], runs["dc"])
    if {"transport", "dc_n1"} <= runs.keys():
        report["cost_over_transport_plan"] = interval(runs["dc_n1"], runs["transport"])
    if {"transport", "dc"} <= runs.keys():
        report["cost_of_dc_physics"] = interval(runs["dc"], runs["transport"])
    report["load_average_at_end"] = os.getloadavg()
    print({k: v for k, v in report.items() if k.startswith("cost")})
    if args.json:
        tmp = args.json.with_suffix(".tmp")
        tmp.write_text(json.dumps(report, indent=1, default=str))
        tmp.replace(args.json)


if __name__ == "__main__":
    main()
