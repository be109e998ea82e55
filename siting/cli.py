"""Command line: ``siting run``, ``siting validate``, ``siting sweep`` and ``siting data``.

``run`` solves a scenario (a TOML file, and/or ``--target-mw``/``--gpus`` and
``--set key=value``) on the bundled Korean data or your own (``--data DIR``)
and writes a map (PNG; ``--format png,svg,pdf`` for more), a GeoPackage and a
text summary under ``--out`` (``--html``: an interactive map too), each named
``--out-name``, else the scenario's ``name``, else the TOML file's stem (a
rerun under the same name replaces them, and says so); ``validate``
checks data files and prints every problem; ``sweep`` solves every scenario
of a sweep file (:func:`siting.scenarios_from_toml`) on a local Dask cluster
and writes the table as CSV; ``data`` maps and summarises the bundled data
alone.

Exit codes: 0 a plan was found (optimal or feasible; ``sweep``: for every
scenario), 1 no plan (infeasible, with the diagnosis printed, or no solution
within the time limit; ``sweep``: for some scenario, or one failed), 2 a usage
or input error (bad arguments, an unreadable or invalid scenario or data file:
a :class:`~siting.SitingError`, or an :class:`OSError`). Any other exception
is a bug and shows its traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import ScenarioError, SitingError
from ._utils import atomic_path, write_text_atomic
from .constants import SOLVERS

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .data import SitingData
    from .scenario import Scenario

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


def _value(text: str) -> Any:
    """A ``--set`` value read as TOML, else kept as text."""
    try:
        return tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        return text.strip()


def _setting(text: str) -> tuple[list[str], Any]:
    """``key=value`` from ``--set``: the key split at dots, the value read as TOML (else kept as text).

    A field that takes several values (:data:`siting.scenario.LIST_FIELDS`)
    also takes them comma-separated, or one alone.

    Examples
    --------
    >>> _setting("min_host_provinces=2"), _setting("costs.site_per_mw=0.7"), _setting("name=my run")
    ((['min_host_provinces'], 2), (['costs', 'site_per_mw'], 0.7), (['name'], 'my run'))
    >>> _setting('exclude_provinces=["Busan", "KR-27"]'), _setting("exclude_provinces=Busan, Ulsan")
    ((['exclude_provinces'], ['Busan', 'KR-27']), (['exclude_provinces'], ['Busan', 'Ulsan']))
    >>> _setting("tiers_mw=100,200"), _setting("exclude_provinces=Busan")
    ((['tiers_mw'], [100, 200]), (['exclude_provinces'], ['Busan']))
    """
    from .scenario import LIST_FIELDS

    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ScenarioError(f"--set {text!r}: fix: write --set key=value (e.g. --set min_host_provinces=2).")
    keys, parsed = key.strip().split("."), _value(value)
    if keys[-1] in LIST_FIELDS and len(keys) == 1 and not isinstance(parsed, list):
        parsed = [_value(part) for part in value.split(",") if part.strip()]
    return keys, parsed


def _scenario(args: argparse.Namespace) -> Scenario:
    """The scenario from the TOML file (if any), then ``--set``, ``--target-mw`` and ``--gpus``."""
    from .scenario import Scenario

    raw: dict[str, Any] = {}
    base = None
    if args.scenario:
        path = Path(args.scenario)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ScenarioError(f"cannot read scenario file {path}: {exc}") from exc
        base = path.parent
        raw.setdefault("name", path.stem)  # outputs named after the file, not "scenario"
    for text in args.set or []:
        keys, value = _setting(text)
        node = raw
        for k in keys[:-1]:
            node = node.setdefault(k, {})
            if not isinstance(node, dict):
                raise ScenarioError(f"--set {text!r}: {k!r} is not a table.")
        node[keys[-1]] = value
    if args.target_mw is not None:
        raw["target_mw"] = args.target_mw
        raw.pop("gpus", None)
    if args.gpus is not None:
        raw["gpus"] = args.gpus
        raw.pop("target_mw", None)
    if "target_mw" not in raw and "gpus" not in raw:
        raise ScenarioError(
            "no target: fix: give a scenario TOML file with target_mw or gpus, or --target-mw MW or --gpus N."
        )
    where = f"scenario file {args.scenario}" if args.scenario else "command line"
    return Scenario.from_dict(
        raw, where=where + (" with --set/--target-mw/--gpus" if args.scenario else ""), base=base
    )


def _cmd_run(args: argparse.Namespace) -> int:
    import siting

    t0 = time.perf_counter()
    scenario = _scenario(args)
    data = siting.SitingData.from_folder(args.data) if args.data else siting.load_korea()
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    result = siting.solve(
        data,
        scenario,
        solver=args.solver,
        time_limit_s=args.time_limit,
        threads=args.threads,
        progress=progress,
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = (args.out_name or scenario.name).replace(" ", "_")
    maps = [out / f"{stem}.{fmt}" for fmt in args.format]
    ends = [".gpkg", *(p.suffix for p in maps), "_summary.txt"] + ([".html"] if args.html else [])
    replaced = [out / f"{stem}{end}" for end in ends if (out / f"{stem}{end}").exists()]
    gpkg = result.to_file(out / f"{stem}.gpkg")
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
    if replaced:
        print(
            f"Replaced the earlier {', '.join(p.name for p in replaced)} (--out-name NAME keeps runs apart)"
        )
    return EXIT_PLAN if result.status in ("optimal", "feasible") else EXIT_NO_PLAN


def _layer_of(path: Path) -> str | None:
    """The layer a file holds, from its name (``substations.csv`` -> substations)."""
    from ._validate import SPECS

    return next((name for name in SPECS if path.stem.lower().startswith(name)), None)


def _validate_sources(args: argparse.Namespace) -> tuple[dict[str, Any], list[str]]:
    """The layers to check, from ``--data``, files named after their layer and ``--<layer> FILE``."""
    from ._validate import SPECS
    from .io import find_layers

    sources: dict[str, Any] = {"columns": {}, "layers": {}, "crs": {}}
    problems: list[str] = []
    if args.data:
        sources, problems = find_layers(args.data)
        given = {n for n in SPECS if getattr(args, n)}  # --<layer> FILE stands in for the folder's file
        problems = [p for p in problems if not any(p.startswith(f"layer '{n}': no file") for n in given)]
    for f in args.files:
        path = Path(f)
        layer = _layer_of(path)
        if layer is None:
            raise SitingError(
                f"{path}: cannot tell which layer it holds; fix: name the file after its layer "
                f"({', '.join(SPECS)}), e.g. substations.csv, or say it: --substations {path} "
                "(or use --data DIR with siting-data.toml)."
            )
        sources[layer] = path
    for name in SPECS:
        if getattr(args, name):
            sources[name] = Path(getattr(args, name))
    return sources, problems


def _validate_problems(args: argparse.Namespace) -> tuple[list[str], str]:
    """Every problem in the layers given and the links between them, and a line saying what was checked."""
    from ._validate import SPECS
    from ._validate_files import REQUIRED_LAYERS, every_problem

    sources, problems = _validate_sources(args)
    layers = [n for n in SPECS if n in sources]
    what = f"{len(layers)} layer(s): " + ", ".join(f"{n} ({sources[n]})" for n in layers)
    missing = [n for n in REQUIRED_LAYERS if n not in sources]
    if missing and not args.data:
        what += (
            f" (without {', '.join(missing)}: the layers given are checked each on its own and against "
            "each other; give every required layer for the full check)"
        )
    return problems + every_problem(sources), what


def _cmd_validate(args: argparse.Namespace) -> int:
    from ._validate import SPECS

    if args.files and args.data:
        print("error: give data files or --data DIR (not both)", file=sys.stderr)
        return EXIT_USAGE
    if not (args.files or args.data or any(getattr(args, n) for n in SPECS)):
        print("error: give data files, --data DIR or --<layer> FILE", file=sys.stderr)
        return EXIT_USAGE
    problems, what = _validate_problems(args)
    print(f"Checked {what}")
    for p in problems:
        print(f"- {p}")
    print(
        f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found"
        if problems
        else "No problems found"
    )
    return EXIT_NO_PLAN if problems else EXIT_PLAN


def _cmd_sweep(args: argparse.Namespace) -> int:
    import siting

    if args.workers is not None and args.workers < 1:
        raise ScenarioError(f"--workers {args.workers}: must be at least 1.")
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

    A :class:`~siting.SitingError` (bad input, with its fix) or an
    :class:`OSError` (a file or folder the system refuses) prints its message
    and returns :data:`EXIT_USAGE`; any other exception is a bug and
    propagates with its traceback.

    Examples
    --------
    >>> import tempfile
    >>> main(["data", "--out", tempfile.mkdtemp()])  # doctest: +ELLIPSIS
    Bundled data:
    ...
    0
    """
    args = _parser().parse_args(argv)
    if args.verbose:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s", "%H:%M:%S"))
        logging.getLogger("siting").addHandler(handler)
        logging.getLogger("siting").setLevel(logging.INFO)
    try:
        return args.func(args)
    except (SitingError, OSError) as exc:  # the user's to fix: the message, not a traceback
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _parser() -> argparse.ArgumentParser:
    """The command's arguments: ``run``, ``validate``, ``sweep`` and ``data``, each calling its ``_cmd_``."""
    from . import __version__
    from ._validate import SPECS

    parser = argparse.ArgumentParser(prog="siting", description="Site data centres where the grid has room.")
    parser.add_argument("--version", action="version", version=f"siting {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_run(sub)
    check = sub.add_parser(
        "validate",
        help="check data files and print every problem",
        description="Check data layers; print every problem, one per line. Exit 0: none; 1: problems; "
        "2: bad arguments.",
    )
    check.add_argument(
        "files", nargs="*", help="layer files named after their layer (substations.csv, lines.geojson, ...)"
    )
    check.add_argument("--data", metavar="DIR", help="a data folder, as for siting run --data")
    for layer in SPECS:
        check.add_argument(
            f"--{layer}", metavar="FILE", help=f"the {layer} layer, whatever its file is called"
        )
    check.set_defaults(func=_cmd_validate, verbose=False)
    sw = sub.add_parser("sweep", help="solve every scenario of a sweep file on a local Dask cluster")
    sw.add_argument("sweep", help="scenario TOML file with a [sweep] table of fields and value lists")
    sw.add_argument("--out", default="out", help="output folder for <file>_sweep.csv (default: out)")
    sw.add_argument("--workers", type=int, help="worker processes (default: the machine's cores)")
    sw.add_argument("--solver", choices=list(SOLVERS), help="override the scenarios' solver")
    sw.set_defaults(func=_cmd_sweep, verbose=False)
    data = sub.add_parser("data", help="map and summarise the bundled data")
    data.add_argument("--out", default="out")
    data.set_defaults(func=_cmd_data, verbose=False)
    return parser


def _add_run(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``run`` command's arguments."""
    run = sub.add_parser(
        "run",
        help="solve a scenario (bundled Korean data, or --data DIR)",
        description="Solve a scenario. Exit 0: a plan; 1: no plan (infeasible, diagnosis printed); "
        "2: bad arguments or input.",
    )
    run.add_argument("scenario", nargs="?", help="scenario TOML file (optional with --target-mw or --gpus)")
    target = run.add_mutually_exclusive_group()
    target.add_argument("--target-mw", type=float, metavar="MW", help="campus capacity to place, MW")
    target.add_argument(
        "--gpus", type=int, metavar="N", help="size the target by GPU count (Scenario.from_gpus)"
    )
    run.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="set a scenario field, value written as in the TOML file (repeatable): "
        "--set min_host_provinces=2 --set exclude_provinces=Busan,Ulsan --set costs.site_per_mw=0.7; "
        "lists also comma-separated",
    )
    run.add_argument(
        "--data",
        metavar="DIR",
        help="your own layers: provinces.*, substations.*, lines.*, renewables.* (plants.* optional, but "
        "without plants only the renewables' peak credit supplies new load) in DIR, "
        "or as DIR/siting-data.toml says (paths, layer, crs, columns= maps); default the bundled Korean data",
    )
    run.add_argument("--out", default="out", help="output folder (default: out)")
    run.add_argument(
        "--out-name",
        metavar="NAME",
        help="name of the outputs, OUT/NAME.gpkg ... (default: the scenario's name, else the TOML file's "
        "stem, else 'scenario'); a rerun under the same name replaces them",
    )
    run.add_argument("--solver", choices=list(SOLVERS), help="override the scenario's solver")
    run.add_argument(
        "--time-limit",
        type=float,
        metavar="SECONDS",
        help="wall-clock budget of the solve (overrides time_limit_s; a plan found by then is reported "
        "with its gap)",
    )
    run.add_argument(
        "--threads", type=int, metavar="N", help="solver threads (overrides threads; 1 is deterministic)"
    )
    run.add_argument(
        "--html",
        action="store_true",
        help="also write OUT/<name>.html, an interactive map that works offline",
    )
    run.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on standard error (needs tqdm; default: on in a terminal)",
    )
    run.add_argument("-v", "--verbose", action="store_true", help="log each stage with its time")
    run.add_argument(
        "--format",
        type=_formats,
        default=("png",),
        metavar="png,svg,pdf",
        help="map formats, comma-separated (default: png)",
    )
    run.set_defaults(func=_cmd_run)


if __name__ == "__main__":
    raise SystemExit(main())
