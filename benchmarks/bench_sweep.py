"""Sweeps: cached stages in a loop of solves, and 32 scenarios serial against a 2-worker Dask cluster.

Not a test: it measures. Two parts:

``loop``  8 targets solved one after another, each from scratch (``siting.solve``
          as before) and with the stages prepared once (``prepared=``); seconds
          per solve split into stages (candidates, grid, options), model build
          and solver (solve + settle).
``sweep`` 32 scenarios (4 targets x 4 renewable shares x 2 province caps) over the
          default Korean scenario, serial (one process, stages prepared once)
          against ``siting.sweep`` on a LocalCluster of ``--workers`` processes
          (started and closed inside the timing); the same objectives are checked.

Usage::

    python benchmarks/bench_sweep.py --spacing 10 --loop-spacing 1 --repeat 1
    python benchmarks/bench_sweep.py --quick      # a minute or two: 8 scenarios, 20 km
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import siting

ROOT = Path(__file__).resolve().parents[1]


def _split(res: siting.SitingResult) -> dict[str, float]:
    t = res.timings
    return {
        "stages_s": t.get("candidates", 0.0) + t.get("grid", 0.0) + t.get("options", 0.0),
        "build_s": t.get("build", 0.0),
        "solver_s": t.get("solve", 0.0) + t.get("settle", 0.0),
        "total_s": t.get("total", 0.0),
    }


def bench_loop(data: siting.SitingData, base: siting.Scenario, targets: list[float]) -> dict:
    """The same targets from scratch and with prepared stages: seconds per solve, by part."""
    out: dict = {}
    for mode in ("before", "after"):
        prepared = siting.prepare(data) if mode == "after" else None
        rows = []
        t0 = time.perf_counter()
        for mw in targets:
            res = siting.solve(data, base.replace(target_mw=mw), prepared=prepared)
            rows.append(
                {"target_mw": mw, "status": str(res.status), "objective": res.objective, **_split(res)}
            )
        out[mode] = {"loop_s": time.perf_counter() - t0, "solves": rows}
        parts = {k: sum(r[k] for r in rows) for k in ("stages_s", "build_s", "solver_s", "total_s")}
        print(
            f"loop {mode}: {out[mode]['loop_s']:.1f} s for {len(targets)} solves; "
            + ", ".join(f"{k} {v:.1f}" for k, v in parts.items())
        )
    return out


def bench_sweep(data: siting.SitingData, scenarios: list[siting.Scenario], workers: int) -> dict:
    """Serial loop (stages prepared once) against siting.sweep on a local cluster."""
    t0 = time.perf_counter()
    prepared = siting.prepare(data)
    serial = {sc.name: siting.solve(data, sc, prepared=prepared) for sc in scenarios}
    serial_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    swept = siting.sweep(data, scenarios, n_workers=workers, progress=False)
    parallel_s = time.perf_counter() - t0
    table = swept.table.set_index("name")
    same = all(
        str(r.status) == table.loc[n, "status"]
        and (
            r.objective is None
            or abs(r.objective - table.loc[n, "objective"]) <= 1e-6 * max(1, abs(r.objective))
        )
        for n, r in serial.items()
    )
    statuses = table["status"].value_counts().to_dict()
    print(
        f"sweep: serial {serial_s:.1f} s, {workers} workers {parallel_s:.1f} s, "
        f"speed-up {serial_s / parallel_s:.2f}x; "
        f"same results: {same}; statuses {statuses}"
    )
    return {"serial_s": serial_s, "parallel_s": parallel_s, "same": same, "statuses": statuses}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spacing", type=float, default=10.0, help="km, for the 32-scenario sweep")
    ap.add_argument("--loop-spacing", type=float, default=1.0, help="km, for the 8-target loop")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1, help="runs of each part; medians reported")
    ap.add_argument("--parts", nargs="+", default=["loop", "sweep"], choices=["loop", "sweep"])
    ap.add_argument("--time-limit", type=float, default=300.0, help="per solve, s")
    ap.add_argument("--quick", action="store_true", help="8 scenarios and the loop at 20 km")
    ap.add_argument("--json", type=Path, help="write the measurements here")
    args = ap.parse_args(argv)
    data = siting.load_korea()
    base = siting.Scenario.from_toml(ROOT / "scenarios" / "korea_default.toml").replace(
        time_limit_s=args.time_limit
    )
    targets = [500.0 * k for k in range(1, 9)]
    axes = {
        "target_mw": [1000, 2000, 3000, 4000],
        "renewable_share": [0.0, 0.1, 0.2, 0.3],
        "province_share_cap": [0.35, 0.5],
    }
    if args.quick:
        args.spacing = args.loop_spacing = 20.0
        targets = targets[:4]
        axes = {"target_mw": [1000, 2000], "renewable_share": [0.0, 0.2], "province_share_cap": [0.35, 0.5]}
    report: dict = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_at_start": os.getloadavg(),
    }
    if "loop" in args.parts:
        runs = [
            bench_loop(data, base.replace(grid_spacing_km=args.loop_spacing), targets)
            for _ in range(args.repeat)
        ]
        report["loop"] = {
            "spacing_km": args.loop_spacing,
            "runs": runs,
            "median_before_s": statistics.median(r["before"]["loop_s"] for r in runs),
            "median_after_s": statistics.median(r["after"]["loop_s"] for r in runs),
        }
    if "sweep" in args.parts:
        scenarios = siting.scenario_grid(base.replace(grid_spacing_km=args.spacing), **axes)
        runs = [bench_sweep(data, scenarios, args.workers) for _ in range(args.repeat)]
        serial = statistics.median(r["serial_s"] for r in runs)
        parallel = statistics.median(r["parallel_s"] for r in runs)
        report["sweep"] = {
            "spacing_km": args.spacing,
            "scenarios": len(scenarios),
            "workers": args.workers,
            "runs": runs,
            "median_serial_s": serial,
            "median_parallel_s": parallel,
            "speed_up": serial / parallel,
        }
    report["load_average_at_end"] = os.getloadavg()
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=str))


if __name__ == "__main__":
    main()
