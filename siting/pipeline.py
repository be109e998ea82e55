"""``siting.solve``: candidates -> options -> model -> solver -> result, with timings.

The stages before the model come from a :class:`siting.prepared.Prepared`
(built here, or passed in to reuse them across scenarios).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import geopandas as gpd

from ._errors import UsageError
from ._log import Stages, logger
from .constants import SolverName, Status
from .data import SitingData
from .diagnose import diagnose, necessary_conditions
from .families import DEFAULT_FAMILIES, Family
from .model import SitingModel, Solution
from .prepared import Prepared
from .result import Diagnosis, SitingResult, assemble
from .scenario import Scenario
from .solvers import TIME_LIMIT_MARGIN_S, Deadline, OutOfTime

__all__ = ["solve"]


def solve(
    data: SitingData,
    scenario: Scenario,
    *,
    solver: SolverName | None = None,
    time_limit_s: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    candidates: gpd.GeoDataFrame | None = None,
    exclusions: gpd.GeoDataFrame | None = None,
    reduce: bool = True,
    families: Sequence[type[Family]] | None = None,
    prepared: Prepared | None = None,
    progress: bool | None = None,
) -> SitingResult:
    """Place campuses for ``scenario`` on ``data`` and return the checked-out plan.

    Parameters
    ----------
    data : SitingData
        From :func:`siting.load_korea` or :meth:`SitingData.from_files`.
    scenario : Scenario
    solver : {"cbc", "highs"}, optional
        Default ``scenario.solver``.
    time_limit_s, mip_gap, threads : optional
        Default the scenario's fields of the same names. The result's
        ``scenario`` records the values used. ``time_limit_s`` is a wall-clock
        budget for the whole call (candidates, model build, solver,
        diagnosis): it returns within the limit plus
        :data:`siting.solvers.TIME_LIMIT_MARGIN_S`, with ``status``
        "feasible" and the gap, "no_solution" (out of time before any plan,
        ``timings["cut_short"]`` set), or "infeasible" with a diagnosis
        whose ``cut_short`` says what was left out.
    candidates : GeoDataFrame, optional
        Your own candidate points or polygons (optional ``site_id``); default a
        grid of ``scenario.grid_spacing_km`` over the allowed land.
    exclusions : GeoDataFrame, optional
        More no-go polygons, on top of the scenario's.
    reduce : bool, default True
        Apply the exact option reduction (:func:`siting.options.reduce_options`);
        ``False`` builds the model over every option, for comparison.
    families : sequence of Family subclasses, optional
        Constraint families to apply where the scenario enables them; default
        :data:`siting.families.DEFAULT_FAMILIES`.
    prepared : Prepared, optional
        From :func:`siting.prepare` on the same ``data``: the candidates,
        grid, options and reduction are reused where the scenario's fields
        they read match (:data:`siting.prepared.STAGE_FIELDS`), and built
        and kept in it otherwise. Its ``candidates`` and ``exclusions`` apply
        (do not pass them here too).
    progress : bool, optional
        Show a progress bar over the stages (needs tqdm); default
        :data:`siting.settings.PROGRESS`. Each stage is also logged with its
        time under the ``siting`` logger (nothing is printed by default).

    Returns
    -------
    SitingResult
        ``status`` "infeasible" comes with a ``diagnosis``; no exception.

    Examples
    --------
    >>> import siting
    >>> res = siting.solve(siting.load_korea(), siting.Scenario(target_mw=500))
    >>> res.status, res.total_mw >= 500
    (<Status.OPTIMAL: 'optimal'>, True)
    >>> siting.solve(siting.load_korea(), siting.Scenario(target_mw=500), solver="highs").report.solver
    'highs'
    """
    if prepared is None:
        prepared = Prepared(data, candidates=candidates, exclusions=exclusions)
    elif prepared.data is not data:
        raise UsageError("prepared= was made for other data; fix: siting.prepare(data) with this data")
    elif candidates is not None or exclusions is not None:
        raise UsageError(
            "candidates= and exclusions= do not go with prepared=; "
            "fix: siting.prepare(data, candidates=..., exclusions=...)"
        )
    overrides = {"solver": solver, "time_limit_s": time_limit_s, "mip_gap": mip_gap, "threads": threads}
    scenario = scenario.replace(**{k: v for k, v in overrides.items() if v is not None})
    families = tuple(DEFAULT_FAMILIES if families is None else families)
    enabled = tuple(f for f in families if f.enabled(scenario))
    timings: dict[str, float] = {}
    budget = Deadline(scenario.time_limit_s)
    t0 = budget.start
    steps = Stages(f"solve {scenario.name!r}", total=6, progress=progress)
    stages = prepared.stages(scenario, reduce=reduce)
    cand, excluded, G, head = stages.candidates, stages.excluded, stages.graph, stages.headroom
    opts = stages.options
    # seconds spent on each stage in this call: 0 where ``prepared`` already held it
    timings["grid"] = stages.seconds["grid"] + stages.seconds["headroom"]
    timings["candidates"] = stages.seconds["candidates"]
    timings["options"] = sum(stages.seconds.get(k, 0.0) for k in ("options", "reduction"))
    steps.done("grid", seconds=timings["grid"])
    steps.done(
        "candidates", seconds=timings["candidates"] + timings["options"], detail=f"{cand.count:,} sites"
    )
    t = time.perf_counter()
    size = {"candidates": cand.count, "options_all": stages.options_all, "options": len(opts)}

    def finish(status: Status, solution: Solution | None = None, **extra: Any) -> SitingResult:
        timings["total"] = time.perf_counter() - t0
        steps.close()
        logger.info("solve %r: %s in %.2f s", scenario.name, status, timings["total"])
        return assemble(
            data,
            scenario,
            cand,
            opts,
            solution,
            G,
            status=status,
            excluded=excluded,
            families=enabled,
            size=size,
            timings=timings,
            **extra,
        )

    def out_of_time() -> SitingResult:
        timings["cut_short"] = time.perf_counter() - t0
        return finish(Status.NO_SOLUTION)

    # the reduction keeps an option of every (substation, province, tier) that has one, so the
    # necessary conditions (substations and provinces within reach) read the same from the kept;
    # the site count reads every option's figures from the kept options' attrs (options.site_reach)
    necessary = necessary_conditions(data, scenario, cand, opts, families=enabled)
    if necessary:
        return finish(Status.INFEASIBLE, diagnosis=Diagnosis(necessary=necessary))
    if budget.expired:
        return out_of_time()
    try:
        model = SitingModel.build(
            data, scenario, cand, opts, graph=G, families=enabled, headroom=head, deadline=budget
        )
    except OutOfTime:
        return out_of_time()
    size.update(model.size())
    timings["build"] = time.perf_counter() - t
    steps.done("build", seconds=timings["build"], detail=f"{size.get('variables', 0):,} variables")
    if budget.expired:
        return out_of_time()
    report = model.solve(time_limit_s=budget.remaining())
    timings["solve"] = report.seconds
    steps.done("solve", seconds=report.seconds, detail=str(report.status))
    solution = None
    if report.status.has_solution:
        t = time.perf_counter()
        # what one more MW of each limit is worth with this plan (the LP re-solved, plan fixed)
        prices = model.prices(time_limit_s=max(budget.remaining(), 0.0))
        timings["prices"] = time.perf_counter() - t
        t = time.perf_counter()
        # flows and the renewable figure determined by the plan, not the solver
        model.settle(time_limit_s=max(budget.remaining(), 0.0))
        timings["settle"] = time.perf_counter() - t
        steps.done("settle", seconds=timings["settle"])
        try:
            solution = model.read(time_limit_s=budget.remaining() + TIME_LIMIT_MARGIN_S / 2)
        except OutOfTime:
            return out_of_time()
        solution.prices = prices
        total, said, bound = sum(solution.costs.values()), report.objective, report.bound
        # whole sites assigned after the limit cut the lazy site rows short: the plan may cost more
        if report.status == Status.FEASIBLE and said is not None and bound is not None:
            if total > said + 1e-9:
                report = replace(report, objective=total, gap=(total - bound) / max(abs(total), 1e-9))
    diagnosis: Diagnosis | None = None
    if report.status == Status.INFEASIBLE:
        t = time.perf_counter()
        if budget.expired:
            diagnosis = Diagnosis(cut_short="the time limit ended before the diagnosis could start")
        else:
            # the diagnosis relaxes network limits and headroom, so it needs every candidate's options
            # under the nominal headroom, unreduced (the reduction's argument assumes hard headroom)
            nominal_cand, nominal = prepared.nominal_options(scenario)
            diagnosis = diagnose(
                data, scenario, nominal_cand, nominal, G, families=enabled, deadline=budget, progress=progress
            )
        timings["diagnose"] = time.perf_counter() - t
        steps.done("diagnose", seconds=timings["diagnose"])
    return finish(report.status, solution, report=report, diagnosis=diagnosis)
