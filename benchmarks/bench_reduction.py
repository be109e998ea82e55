"""Exact option reduction vs the naive model over every option, side by side.

Solves the default Korean scenario at several candidate-grid spacings, once
with ``reduce=True`` and once with ``reduce=False``, ``--repeats`` times each,
and prints medians, the ratio naive/reduced and whether the optima agree.

    python benchmarks/bench_reduction.py --spacings 10 5 3 2 1 --repeats 3 --naive-down-to 3

The naive model is only solved down to ``--naive-down-to`` km: below that it
takes CBC many minutes (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
from pathlib import Path

import siting

ROOT = Path(__file__).resolve().parent.parent


def run(data, sc, reduce: bool) -> dict:
    res = siting.solve(data, sc, reduce=reduce)
    t = res.timings
    return {
        "objective": res.objective,
        "status": str(res.status),
        "options": res.model_size.get("options", 0),
        "binaries": res.model_size.get("binaries", 0),
        "build": t.get("build", 0.0),
        "solve": t.get("solve", 0.0),
        "total": t.get("total", 0.0),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spacings", type=float, nargs="+", default=[10.0, 5.0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--solver", default="highs", choices=["highs", "cbc"])
    ap.add_argument(
        "--naive-down-to",
        type=float,
        default=3.0,
        help="finest spacing (km) at which the naive model is solved too",
    )
    args = ap.parse_args()
    data = siting.load_korea()
    base = siting.Scenario.from_toml(ROOT / "scenarios" / "korea_default.toml").replace(solver=args.solver)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"solver {args.solver}, 1 thread"
    )
    print(
        f"{'km':>5} {'model':8} {'options':>8} {'binaries':>8} {'build s':>8} {'solve s':>8} "
        f"{'total s':>8} {'objective':>12}"
    )
    for km in args.spacings:
        sc = base.replace(grid_spacing_km=km)
        rows = {}
        for reduce in (True, False) if km >= args.naive_down_to else (True,):
            runs = [run(data, sc, reduce) for _ in range(args.repeats)]
            med = {k: statistics.median(r[k] for r in runs) for k in ("build", "solve", "total")}
            rows[reduce] = {**runs[0], **med}
            r = rows[reduce]
            print(
                f"{km:5g} {'reduced' if reduce else 'naive':8} {r['options']:8,d} {r['binaries']:8,d} "
                f"{r['build']:8.2f} {r['solve']:8.2f} {r['total']:8.2f} {r['objective']:12.3f}"
            )
        if False not in rows:
            continue
        a, b = rows[True], rows[False]
        # both solves stop within the relative MIP gap, so agree to within it
        same = abs(a["objective"] - b["objective"]) <= sc.mip_gap * abs(b["objective"])
        print(
            f"      naive/reduced: options x{b['options'] / a['options']:.1f}, total time "
            f"x{b['total'] / a['total']:.1f}; "
            f"same optimum (within mip_gap {sc.mip_gap:g}): {same}"
        )


if __name__ == "__main__":
    main()
