"""Many scenarios on Dask: :func:`sweep`, and grids of scenarios from Python or TOML.

The data and the stages that do not depend on the swept fields
(:class:`siting.prepared.Prepared`) are built once in the calling process and
scattered to every worker; each worker solves whole scenarios. Without a
client the call starts a local cluster of processes (one per core, one
thread each) and closes it; with a :class:`dask.distributed.Client` it runs
on that cluster unchanged. Dask is imported only here, on first use
(``pip install siting[dask]``).
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import math
import os
import threading
import time
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._checks import did_you_mean
from ._errors import NoResultError, ScenarioError
from .constants import Status
from .data import SitingData
from .pipeline import solve
from .prepared import Prepared, prepared_for
from .result import SitingResult
from .scenario import Costs, Scenario

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["SweepResult", "scenario_grid", "scenarios_from_toml", "sweep", "sweep_inputs", "summary_row"]

log = logging.getLogger("siting.sweep")

#: Status of a scenario whose solve raised an exception (its ``error`` says which).
ERROR = "error"

# one solve at a time per process: the solver keeps per-process state ("Solver is already
# running" from HiGHS), so a worker with several threads runs its scenarios one after another
_SOLVE_LOCK = threading.Lock()


@dataclass
class SweepResult:
    """What :func:`sweep` returns.

    Attributes
    ----------
    table : DataFrame
        One row per scenario, in the order given: ``name``, ``status``
        ("optimal", "feasible", "infeasible", "no_solution" or "error"),
        ``objective`` (KRW bn), ``total_mw``, ``mw_<code>`` per province,
        ``renewable_share`` (renewable energy deliverable / campus energy),
        ``host_provinces``, ``top_line`` and ``top_line_loading`` (the most
        loaded line, |flow| / residual), ``top_substation`` and
        ``top_substation_utilization``, ``seconds`` (the solve's wall time)
        and ``error`` (empty unless the solve raised).
    results : dict of str to SitingResult
        Every full result by scenario name (absent for "error" rows).
    """

    table: pd.DataFrame
    results: dict[str, SitingResult]

    def result(self, name: str) -> SitingResult:
        """The full result of scenario ``name``."""
        if name not in self.results:
            row = self.table.loc[self.table["name"] == name]
            why = f": {row['error'].iat[0]}" if len(row) and row["error"].iat[0] else ""
            fix = "fix: mend that scenario" if why else f"fix: use one of {sorted(self.results)}"
            raise NoResultError(f"no result for scenario {name!r}{why}; {fix}.")
        return self.results[name]

    @property
    def ok(self) -> bool:
        """Whether every scenario found a plan (optimal or feasible)."""
        return bool(self.table["status"].isin([Status.OPTIMAL.value, Status.FEASIBLE.value]).all())


def summary_row(
    result: SitingResult | None,
    *,
    name: str,
    provinces: Sequence[str],
    seconds: float,
    error: str = "",
) -> dict[str, Any]:
    """One row of a sweep's table from a result (None: the solve raised ``error``).

    Examples
    --------
    >>> summary_row(None, name="a", provinces=["KR-26"], seconds=0.5, error="boom")["status"]
    'error'
    """
    row: dict[str, Any] = {"name": name, "status": ERROR, "objective": np.nan, "total_mw": 0.0}
    row.update({f"mw_{p}": 0.0 for p in provinces})
    row.update(
        renewable_share=np.nan,
        host_provinces=0,
        top_line=None,
        top_line_loading=np.nan,
        top_substation=None,
        top_substation_utilization=np.nan,
        seconds=seconds,
        error=error,
    )
    if result is None:
        return row
    row["status"] = str(result.status)
    row["objective"] = np.nan if result.objective is None else result.objective
    if result.status.has_solution and len(result.sites):
        sc = result.scenario
        row["total_mw"] = result.total_mw
        for p, mw in result.sites.groupby("province")["capacity_mw"].sum().items():
            row[f"mw_{p}"] = float(mw)
        row["renewable_share"] = result.renewable_delivered_mw / (sc.load_factor * result.total_mw)
        row["host_provinces"] = int(result.sites["province"].nunique())
        lines = result.lines.sort_values(["loading", "line_id"], ascending=[False, True], kind="stable")
        row["top_line"], row["top_line_loading"] = lines["line_id"].iat[0], float(lines["loading"].iat[0])
        subs = result.substations.sort_values(
            ["utilization", "substation_id"], ascending=[False, True], kind="stable"
        )
        row["top_substation"] = subs["substation_id"].iat[0]
        row["top_substation_utilization"] = float(subs["utilization"].iat[0])
    return row


def _axis_value(base: Scenario, key: str, value: Any) -> dict[str, Any]:
    """``{field: value}`` for :meth:`Scenario.replace`; ``costs.X`` replaces a field of the costs."""
    if key.startswith("costs."):
        return {"costs": dataclasses.replace(base.costs, **{key.removeprefix("costs."): value})}
    return {key: value}


def _label(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def scenario_grid(base: Scenario, **axes: Iterable[Any]) -> list[Scenario]:
    """Every combination of the values given per field, over ``base``, each with its own name.

    Parameters
    ----------
    base : Scenario
        The fields not swept.
    **axes : iterable
        Values per :class:`~siting.Scenario` field (``costs__X`` or, from a
        mapping, ``"costs.X"`` for a :class:`~siting.Costs` field). The last
        axis varies fastest.

    Returns
    -------
    list of Scenario
        Named ``<base name>-<field>=<value>-...``.

    Raises
    ------
    ScenarioError
        An unknown field, an axis that is not a list of values, or a value
        the field does not accept.

    Examples
    --------
    >>> base = Scenario(target_mw=1000, name="kr")
    >>> grid = scenario_grid(base, target_mw=[1000, 2000], renewable_share=[0.1, 0.3])
    >>> [s.name for s in grid][:2]
    ['kr-target_mw=1000-renewable_share=0.1', 'kr-target_mw=1000-renewable_share=0.3']
    >>> grid[3].target_mw, grid[3].renewable_share
    (2000, 0.3)
    """
    axes = {k.replace("__", "."): v for k, v in axes.items()}
    known = [f.name for f in dataclasses.fields(Scenario) if f.name not in ("name", "costs")]
    known += [f"costs.{f.name}" for f in dataclasses.fields(Costs)]
    unknown = [k for k in axes if k not in known]
    if unknown:
        raise ScenarioError(did_you_mean("scenario_grid", unknown, known))
    values = {}
    for key, vals in axes.items():
        if isinstance(vals, str | bytes | Mapping) or not isinstance(vals, Iterable):
            raise ScenarioError(f"scenario_grid: axis '{key}' = {vals!r} must be a list of values.")
        values[key] = list(vals)
        if not values[key]:
            raise ScenarioError(f"scenario_grid: axis '{key}' has no values.")
    out = []
    for combo in itertools.product(*values.values()):
        changes: dict[str, Any] = {}
        for key, v in zip(values, combo, strict=True):
            changes.update(_axis_value(base.replace(**changes), key, v))
        label = "-".join(f"{k}={_label(v)}" for k, v in zip(values, combo, strict=True))
        out.append(base.replace(**changes, name=f"{base.name}-{label}" if label else base.name))
    return out


def scenarios_from_toml(path: str | os.PathLike[str]) -> list[Scenario]:
    r"""Scenarios from a sweep file: a scenario file plus a ``[sweep]`` table of axes.

    The top-level keys and ``[costs]`` are the base scenario
    (:meth:`Scenario.from_toml`); each key of ``[sweep]`` is a field and a
    list of values (``"costs.site_per_mw" = [...]`` for a cost).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "sweep.toml"
    >>> _ = p.write_text('name = "s"\ntarget_mw = 100\n[sweep]\ntarget_mw = [100, 200]\n')
    >>> [s.name for s in scenarios_from_toml(p)]
    ['s-target_mw=100', 's-target_mw=200']
    """
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ScenarioError(f"cannot read sweep file {path}: {exc}") from exc
    axes = raw.get("sweep")
    if not isinstance(axes, dict) or not axes:
        raise ScenarioError(
            f"sweep file {path}: needs a [sweep] table of fields and value lists; fix: add e.g. "
            "[sweep] target_mw = [1000, 2000]."
        )
    base = {k: v for k, v in raw.items() if k != "sweep"}
    return scenario_grid(Scenario.from_dict(base, where=f"sweep file {path}", base=path.parent), **axes)


def _run(prepared: Prepared, scenario: Scenario, options: dict[str, Any]) -> tuple[dict, SitingResult | None]:
    """Solve one scenario on a worker: its table row and result; an exception becomes the row's error."""
    provinces = sorted(prepared.data.provinces["code"])
    with _SOLVE_LOCK:
        t = time.perf_counter()
        try:
            res = solve(prepared.data, scenario, prepared=prepared, **options)
        except Exception as exc:  # noqa: BLE001 - a failing scenario is a row, not the end of the sweep
            err = f"{type(exc).__name__}: {exc}"
            seconds = time.perf_counter() - t
            return summary_row(
                None, name=scenario.name, provinces=provinces, seconds=seconds, error=err
            ), None
        seconds = time.perf_counter() - t
    return summary_row(res, name=scenario.name, provinces=provinces, seconds=seconds), res


def sweep(
    data: SitingData,
    scenarios: Iterable[Scenario],
    *,
    client: Client | None = None,
    n_workers: int | None = None,
    prepared: Prepared | None = None,
    progress: bool = True,
    **solve_options: Any,
) -> SweepResult:
    """Solve many scenarios in parallel on Dask, sharing the data and the prepared stages.

    Parameters
    ----------
    data : SitingData
    scenarios : iterable of Scenario
        Distinct names (:func:`scenario_grid` makes them).
    client : dask.distributed.Client, optional
        Run on this cluster, as it is (a worker with several threads still
        solves one scenario at a time: use one thread per worker and more
        workers). Default: a local cluster of
        ``n_workers`` processes with one thread each, started and closed here.
    n_workers : int, optional
        Workers of the local cluster; default the machine's cores.
    prepared : Prepared, optional
        From :func:`siting.prepare` on ``data`` (e.g. with your own
        candidates); default a new one. The stages every scenario needs are
        built here, once per distinct set of the fields they read, and
        scattered to every worker with the data.
    progress : bool, default True
        Show Dask's progress bar; each finished scenario is also logged
        (``siting.sweep`` logger, INFO).
    **solve_options
        Passed to :func:`siting.solve` (``solver``, ``time_limit_s``, ...);
        ``candidates=`` and ``exclusions=`` go into the stages built here
        (without ``prepared=``).

    Returns
    -------
    SweepResult
        A row per scenario, in the order given; a scenario that is
        infeasible or raised is a row with its status or error.

    Examples
    --------
    >>> import siting
    >>> from dask.distributed import Client, LocalCluster
    >>> data = siting.load_korea()
    >>> base = siting.Scenario(target_mw=200, grid_spacing_km=40, min_host_provinces=1)
    >>> grid = siting.scenario_grid(base, target_mw=[200, 400])
    >>> with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cl, Client(cl) as c:
    ...     out = siting.sweep(data, grid, client=c, progress=False)
    >>> out.table["status"].tolist(), out.result(out.table["name"][1]).total_mw >= 400
    (['optimal', 'optimal'], True)
    """
    scenarios = list(scenarios)
    _check_names(scenarios)
    own = {k: solve_options.pop(k) for k in ("candidates", "exclusions") if k in solve_options}
    prepared = prepared_for(data, prepared, maxsize=None, **own)
    _prepare_stages(prepared, scenarios, reduce=solve_options.get("reduce", True))
    return _run_tasks([(prepared, sc) for sc in scenarios], client, n_workers, progress, solve_options)


def sweep_inputs(
    tasks: Iterable[tuple[SitingData, Scenario]],
    *,
    client: Client | None = None,
    n_workers: int | None = None,
    progress: bool = True,
    **solve_options: Any,
) -> SweepResult:
    """Solve (data, scenario) pairs in parallel on Dask: :func:`sweep` with data that differs per task.

    Tasks that share a data object (the same object, ``is``) share one
    :class:`~siting.prepared.Prepared`, built here and scattered to every
    worker; a data object of one task only is sent with it and prepared on
    its worker.

    Parameters
    ----------
    tasks : iterable of (SitingData, Scenario)
        Scenarios with distinct names.
    client, n_workers, progress, **solve_options
        As for :func:`sweep`.

    Returns
    -------
    SweepResult
        A row per task, in the order given.

    Examples
    --------
    >>> import siting
    >>> from dask.distributed import Client, LocalCluster
    >>> data = siting.load_korea()
    >>> sc = siting.Scenario(target_mw=200, grid_spacing_km=40, min_host_provinces=1)
    >>> more = data.replace(substations=data.substations.assign(headroom_mw=data.substations.headroom_mw * 2))
    >>> with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cl, Client(cl) as c:
    ...     out = sweep_inputs([(data, sc), (more, sc.replace(name="more"))], client=c, progress=False)
    >>> out.table["status"].tolist()
    ['optimal', 'optimal']
    """
    tasks = list(tasks)
    _check_names([sc for _, sc in tasks])
    prepared: dict[int, Prepared] = {}
    uses: dict[int, list[Scenario]] = {}
    for data, sc in tasks:
        if id(data) not in prepared:
            prepared[id(data)] = Prepared(data, maxsize=None)
        uses.setdefault(id(data), []).append(sc)
    for key, scenarios in uses.items():
        if len(scenarios) > 1:
            _prepare_stages(prepared[key], scenarios, reduce=solve_options.get("reduce", True))
    return _run_tasks([(prepared[id(d)], sc) for d, sc in tasks], client, n_workers, progress, solve_options)


def _check_names(scenarios: Sequence[Scenario]) -> None:
    """Scenario names must be distinct: they name the rows and the results."""
    names = [s.name for s in scenarios]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ScenarioError(
            f"sweep: scenario names must be distinct; repeated: {dup}; fix: scenario_grid names them."
        )


def _run_tasks(
    tasks: list[tuple[Prepared, Scenario]],
    client: Client | None,
    n_workers: int | None,
    progress: bool,
    options: dict[str, Any],
) -> SweepResult:
    """The tasks on ``client``, or on a local cluster of ``n_workers`` (default: the cores)."""
    if client is None:
        return _sweep_local(n_workers or os.cpu_count() or 1, tasks, progress, options)
    return _sweep_on(client, tasks, progress, options)


def _prepare_stages(prepared: Prepared, scenarios: list[Scenario], *, reduce: bool) -> None:
    """Build each distinct stage once, here; a failure is reported by its scenario's row."""
    for sc in scenarios:
        try:
            prepared.stages(sc, reduce=reduce)
        except Exception as exc:  # noqa: BLE001
            log.debug("preparing %s failed (%s); its row will say why", sc.name, exc)


def _sweep_local(
    workers: int, tasks: list[tuple[Prepared, Scenario]], progress: bool, options: dict[str, Any]
) -> SweepResult:
    """:func:`_sweep_on` a local cluster of ``workers`` one-thread processes, started and closed here."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as own,
    ):
        return _sweep_on(own, tasks, progress, options)


def _scatter(client: Client, tasks: list[tuple[Prepared, Scenario]]) -> dict[int, Any]:
    """Each distinct :class:`Prepared` on the cluster: on every worker when tasks share it."""
    distinct: dict[int, Prepared] = {id(p): p for p, _ in tasks}
    uses = Counter(id(p) for p, _ in tasks)
    out: dict[int, Any] = {}
    for shared in (True, False):
        keys = [k for k in distinct if (uses[k] > 1) == shared]
        if keys:
            futures = client.scatter([distinct[k] for k in keys], broadcast=shared)
            out.update(zip(keys, futures, strict=True))
    return out


def _sweep_on(
    client: Client, tasks: list[tuple[Prepared, Scenario]], progress: bool, options: dict[str, Any]
) -> SweepResult:
    from distributed import as_completed
    from distributed import progress as show_progress

    t0 = time.perf_counter()
    scattered = _scatter(client, tasks)
    scenarios = [sc for _, sc in tasks]
    futures = [
        client.submit(_run, scattered[id(p)], sc, options, key=f"siting-sweep-{i}-{sc.name}", pure=False)
        for i, (p, sc) in enumerate(tasks)
    ]
    index = {f.key: i for i, f in enumerate(futures)}
    log.info("sweep: %d scenarios on %d workers", len(scenarios), len(client.scheduler_info()["workers"]))
    if progress:
        show_progress(futures)
    rows: list[dict[str, Any] | None] = [None] * len(scenarios)
    results: dict[str, SitingResult] = {}
    for done, future in enumerate(as_completed(futures), start=1):
        i = index[future.key]
        name = scenarios[i].name
        try:
            row, res = future.result()
        except Exception as exc:  # noqa: BLE001 - e.g. a worker lost: still a row
            provinces = sorted(tasks[i][0].data.provinces["code"])
            row, res = (
                summary_row(None, name=name, provinces=provinces, seconds=math.nan, error=repr(exc)),
                None,
            )
        rows[i] = row
        if res is not None:
            results[name] = res
        log.info("sweep [%d/%d] %s: %s (%.1f s)", done, len(scenarios), name, row["status"], row["seconds"])
    log.info("sweep done in %.1f s", time.perf_counter() - t0)
    return SweepResult(table=pd.DataFrame(rows), results=results)
