"""Command line: ``siting run SCENARIO.toml``, ``siting sweep SWEEP.toml`` and ``siting data``.

``run`` solves a scenario on the bundled Korean data and writes a PNG map, a
GeoPackage and a text summary under ``--out`` (``--html``: an interactive map
too); ``sweep`` solves every scenario of a sweep file
(:func:`siting.scenarios_from_toml`) on a local Dask cluster and writes the
table as CSV; ``data`` maps and summarises the bundled data alone.

Exit codes: 0 a plan was found (optimal or feasible; ``sweep``: for every
scenario), 1 no plan (infeasible, with the diagnosis printed, or no solution
within the time limit; ``sweep``: for some scenario, or one failed), 2 a usage
or input error (bad arguments, an unreadable or invalid scenario or data file).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ._utils import atomic_path, write_text_atomic
from .constants import SOLVERS

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .data import SitingData

__all__ = ["main", "EXIT_PLAN", "EXIT_NO_PLAN", "EXIT_USAGE"]

#: Exit code: a plan was found.
EXIT_PLAN = 0
#: Exit code: no plan (infeasible, or no solution within the time limit).
EXIT_NO_PLAN = 1
#: Exit code: bad arguments or input (argparse uses 2 as well).
EXIT_USAGE = 2


def _save_figure(ax: Axes, path: Path) -> None:
    """Save a figure atomically and close it."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    fig = ax.figure
    assert isinstance(fig, Figure), "draw on a top-level figure"
    try:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, bbox_inches="tight")
    finally:
        plt.close(fig)


def _data_summary(data: SitingData) -> str:
    out = ["Bundled data:"]
    for name, frame in data.layers().items():
        out.append(f"  {name:12s} {len(frame):5d} rows")
    subs = data.substations.groupby("voltage_kv").size()
    out.append(
        "  substations by kV: "
        + ", ".join(f"{int(k)} kV: {v}" for k, v in subs.sort_index(ascending=False).items())
    )
    lines = data.lines.groupby(["kind", "voltage_kv"])["length_km"].agg(["size", "sum"])
    out.append(
        "  lines: "
        + ", ".join(
            f"{k} {int(v)} kV: {int(r['size'])} ({r['sum']:,.0f} km)" for (k, v), r in lines.iterrows()
        )
    )
    ren = data.renewables[data.renewables["status"] == "operating"].groupby("technology")["capacity_mw"].sum()
    out.append("  operating renewables MW: " + ", ".join(f"{t} {v:,.0f}" for t, v in ren.items()))
    return "\n".join(out)


def _cmd_data(args: argparse.Namespace) -> int:
    import siting

    data = siting.load_korea()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    text = _data_summary(data)
    _save_figure(
        siting.plot_data(data, title="South Korea: grid and renewables (bundled data)"),
        out / "korea_data.png",
    )
    write_text_atomic(out / "korea_data.txt", text + "\n")
    print(text)
    print(f"Wrote {out / 'korea_data.png'}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    import siting

    t0 = time.perf_counter()
    scenario = siting.Scenario.from_toml(args.scenario)
    data = siting.load_korea()
    result = siting.solve(data, scenario, solver=args.solver)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = scenario.name.replace(" ", "_")
    gpkg = result.to_file(out / f"{stem}.gpkg")
    png = out / f"{stem}.png"
    _save_figure(siting.plot_siting(result), png)
    text = (
        result.summary()
        + f"\nWall time including data loading and outputs: {time.perf_counter() - t0:.1f} s\n"
    )
    write_text_atomic(out / f"{stem}_summary.txt", text)
    written = [gpkg, png]
    if args.html:
        written.append(write_text_atomic(out / f"{stem}.html", siting.explore(result).get_root().render()))
    print(text)
    print(f"Wrote {', '.join(map(str, written))} and {out / (stem + '_summary.txt')}")
    return EXIT_PLAN if result.status in ("optimal", "feasible") else EXIT_NO_PLAN


def _cmd_sweep(args: argparse.Namespace) -> int:
    import siting

    if args.workers is not None and args.workers < 1:
        raise siting.ScenarioError(f"--workers {args.workers}: must be at least 1.")
    scenarios = siting.scenarios_from_toml(args.sweep)
    data = siting.load_korea()
    out = siting.sweep(data, scenarios, n_workers=args.workers, solver=args.solver)
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{Path(args.sweep).stem}_sweep.csv"
    with atomic_path(path) as tmp:
        out.table.to_csv(tmp, index=False)
    cols = [
        "name",
        "status",
        "objective",
        "total_mw",
        "renewable_share",
        "host_provinces",
        "seconds",
        "error",
    ]
    print(out.table[cols].to_string(index=False))
    print(f"Wrote {path}")
    return EXIT_PLAN if out.ok else EXIT_NO_PLAN


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``siting`` command.

    Examples
    --------
    >>> import tempfile
    >>> main(["data", "--out", tempfile.mkdtemp()])  # doctest: +ELLIPSIS
    Bundled data:
    ...
    0
    """
    from . import __version__

    parser = argparse.ArgumentParser(prog="siting", description="Site data centres where the grid has room.")
    parser.add_argument("--version", action="version", version=f"siting {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="solve a scenario on the bundled Korean data")
    run.add_argument("scenario", help="scenario TOML file")
    run.add_argument("--out", default="out", help="output folder (default: out)")
    run.add_argument("--solver", choices=list(SOLVERS), help="override the scenario's solver")
    run.add_argument(
        "--html",
        action="store_true",
        help="also write OUT/<name>.html, an interactive map that works offline",
    )
    run.set_defaults(func=_cmd_run)
    sw = sub.add_parser("sweep", help="solve every scenario of a sweep file on a local Dask cluster")
    sw.add_argument("sweep", help="scenario TOML file with a [sweep] table of fields and value lists")
    sw.add_argument("--out", default="out", help="output folder for <file>_sweep.csv (default: out)")
    sw.add_argument("--workers", type=int, help="worker processes (default: the machine's cores)")
    sw.add_argument("--solver", choices=list(SOLVERS), help="override the scenarios' solver")
    sw.set_defaults(func=_cmd_sweep)
    data = sub.add_parser("data", help="map and summarise the bundled data")
    data.add_argument("--out", default="out")
    data.set_defaults(func=_cmd_data)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ValueError as exc:  # SitingError and friends: show the message, not a traceback
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
