"""Draw the README's picture: the map of the default Korean scenario, ``docs/korea_default.png``.

Solves ``scenarios/korea_default.toml`` as ``make demo`` does (``siting run`` on the
bundled data with the scenario's own solver, threads, gap and time limit; nothing
overridden) and writes the map at a modest size, checking that the file stays under
``--max-kb``. It prints the plan by province, as ``make demo``'s summary does, to be
checked against the README's text.

A plan is drawn only when it is proven optimal: a plan stopped by the time limit
depends on how fast and how busy the machine was, so ``make demo`` elsewhere can
give another (issue 22: the README's figure and ``make demo`` placed different MW in
Gyeongbuk, Jeonnam and Jeonbuk). ``--allow-unproven`` draws it anyway; ``--grid-km``
(a draft at another candidate spacing) is not the demo's scenario and says so.

Usage: ``python scripts/make_readme_figure.py [--grid-km KM] [--out docs/korea_default.png]``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import siting  # noqa: E402
from siting._utils import atomic_path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "korea_default.toml"))
    parser.add_argument("--grid-km", type=float, help="candidate spacing, km (default: the scenario's)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "korea_default.png"))
    parser.add_argument("--dpi", type=int, default=100)
    parser.add_argument("--max-kb", type=float, default=300.0)
    parser.add_argument(
        "--allow-unproven", action="store_true", help="draw a plan the time limit stopped (not reproducible)"
    )
    args = parser.parse_args(argv)
    scenario = siting.Scenario.from_toml(args.scenario)
    if args.grid_km:
        scenario = scenario.replace(grid_spacing_km=args.grid_km)
        print(f"--grid-km {args.grid_km:g}: a draft, not the plan make demo gives")
    print(
        f"{scenario.name}: {scenario.grid_spacing_km:g} km, solver {scenario.solver}, "
        f"threads {scenario.threads}, gap {scenario.mip_gap:g}, time limit {scenario.time_limit_s:g} s"
    )
    t0 = time.perf_counter()
    result = siting.solve(siting.load_korea(), scenario)  # what `siting run` calls: no override
    print(f"{result!r} in {time.perf_counter() - t0:.0f} s")
    if not result.status.has_solution:
        print("no plan to draw (see the summary above); nothing written")
        return 1
    print(result.by_province()[["name", "capacity_mw"]].to_string())
    if result.status != "optimal" and not args.allow_unproven:
        print(
            f"status {result.status}: stopped by the time limit, so the plan depends on this machine's speed "
            "and load and make demo may give another; nothing written (rerun on an idle machine, or pass "
            "--allow-unproven)"
        )
        return 1
    fig, ax = plt.subplots(figsize=(8, 9.5), dpi=args.dpi)
    siting.plot_siting(result, ax=ax)
    out = Path(args.out)
    with atomic_path(out) as tmp:
        fig.savefig(tmp, bbox_inches="tight", dpi=args.dpi)
    kb = out.stat().st_size / 1024
    print(f"Wrote {out} ({kb:.0f} KB)")
    if kb > args.max_kb:
        print(f"larger than {args.max_kb:.0f} KB: lower --dpi")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
