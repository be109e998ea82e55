"""Command line: ``siting run SCENARIO.toml`` and ``siting data``.

``run`` solves a scenario on the bundled Korean data and writes a map (PNG;
``--format png,svg,pdf`` for more), a GeoPackage and a text summary under
``--out`` (``--html``: an interactive map too); ``data`` maps and summarises
the bundled data alone.

Exit codes: 0 a plan was found (optimal or feasible), 1 no plan (infeasible,
with the diagnosis printed, or no solution within the time limit), 2 a usage
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

#: Map formats ``siting run --format`` writes (matplotlib picks the writer from the suffix).
MAP_FORMATS = ("png", "svg", "pdf")
#: Exit code: a plan was found.
EXIT_PLAN = 0
#: Exit code: no plan (infeasible, or no solution within the time limit).
EXIT_NO_PLAN = 1
#: Exit code: bad arguments or input (argparse uses 2 as well).
EXIT_USAGE = 2


def _save_figure(ax: Axes, *paths: Path) -> None:
    """Save a figure atomically to each path (the format follows its suffix) and close it."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    fig = ax.figure
    assert isinstance(fig, Figure), "draw on a top-level figure"
    try:
        for path in paths:
            with atomic_path(path) as tmp:
                fig.savefig(tmp, bbox_inches="tight")
    finally:
        plt.close(fig)


def _formats(text: str) -> tuple[str, ...]:
    """``--format png,svg,pdf`` as a tuple of suffixes; argparse reports anything else as a usage error."""
    formats = tuple(dict.fromkeys(f.strip().lower().lstrip(".") for f in text.split(",") if f.strip()))
    bad = sorted(set(formats) - set(MAP_FORMATS))
    if bad or not formats:
        raise argparse.ArgumentTypeError(f"{text!r}: choose from {', '.join(MAP_FORMATS)}, comma-separated")
    return formats


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
    maps = [out / f"{stem}.{fmt}" for fmt in args.format]
    _save_figure(siting.plot_siting(result), *maps)
    text = (
        result.summary()
        + f"\nWall time including data loading and outputs: {time.perf_counter() - t0:.1f} s\n"
    )
    write_text_atomic(out / f"{stem}_summary.txt", text)
    written = [gpkg, *maps]
    if args.html:
        written.append(write_text_atomic(out / f"{stem}.html", siting.explore(result).get_root().render()))
    print(text)
    print(f"Wrote {', '.join(map(str, written))} and {out / (stem + '_summary.txt')}")
    return EXIT_PLAN if result.status in ("optimal", "feasible") else EXIT_NO_PLAN


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
    run.add_argument(
        "--format",
        type=_formats,
        default=("png",),
        metavar="png,svg,pdf",
        help="map formats, comma-separated (default: png)",
    )
    run.set_defaults(func=_cmd_run)
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
