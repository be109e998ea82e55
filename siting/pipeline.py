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

from ._log import Stages, logger
from .assemble import assemble
from .assumptions import in_force
from .constants import NETWORK, SolverName, Status
from .data import SitingData
from .diagnose import diagnose, necessary_conditions
from .families import DEFAULT_FAMILIES, Family
from .grid import supply_shortfall
from .model import SitingModel, Solution
from .prepared import Prepared, prepared_for
from .result import Diagnosis, SitingResult
from .scenario import Scenario
from .solvers import TIME_LIMIT_MARGIN_S, Deadline, OutOfTime, SolveReport

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
    solver, time_limit_s, mip_gap, threads : optional
        Override the scenario's fields of the same names (the result's
        ``scenario`` records the values used). ``time_limit_s`` is a
        wall-clock budget for the whole call (candidates, model, solver,
        diagnosis): it returns within it plus
        :data:`siting.solvers.TIME_LIMIT_MARGIN_S`, with ``status`` "feasible"
        and the gap, "no_solution" (no plan in time, ``timings["cut_short"]``
        set), or "infeasible" with a diagnosis whose ``cut_short`` says what
        was left out.
    candidates, exclusions : GeoDataFrame, optional
        Your own candidate points or polygons (optional ``site_id``; default a
        grid of ``scenario.grid_spacing_km`` over the allowed land), and more
        no-go polygons on top of the scenario's.
    reduce : bool, default True
        Apply the exact option reduction (:func:`siting.options.reduce_options`);
        ``False`` builds the model over every option, for comparison.
    families : sequence of Family subclasses, optional
        Constraint families applied where the scenario enables them; default
        :data:`siting.families.DEFAULT_FAMILIES`.
    prepared : Prepared, optional
        From :func:`siting.prepare` on the same ``data``, with its own
        ``candidates`` and ``exclusions`` (not passed here too): stages whose
        fields match (:data:`siting.prepared.STAGE_FIELDS`) are reused, others
        built and kept in it.
    progress : bool, optional
        Progress bar over the stages (needs tqdm); default :data:`siting.settings.PROGRESS`.
        Each stage is logged with its time under the ``siting`` logger (silent by default).

    Returns
    -------
    SitingResult
        ``status`` "infeasible" comes with a ``diagnosis``; no exception.

    Examples
    --------
    >>> import siting
    >>> sc = siting.Scenario(target_mw=500, grid_spacing_km=40)
    >>> res = siting.solve(siting.load_korea(), sc, solver="highs")
    >>> res.status, res.total_mw >= 500, res.report.solver
    (<Status.OPTIMAL: 'optimal'>, True, 'highs')
    """
    prepared = prepared_for(data, prepared, candidates=candidates, exclusions=exclusions)
    overrides = {"solver": solver, "time_limit_s": time_limit_s, "mip_gap": mip_gap, "threads": threads}
    scenario = scenario.replace(**{k: v for k, v in overrides.items() if v is not None})
    run = _Run(data, scenario, prepared, families=families, reduce=reduce, progress=progress)
    if run.stages.cut_short:
        return run.out_of_time()
    necessary = run.necessary()
    if necessary:
        return run.finish(Status.INFEASIBLE, diagnosis=Diagnosis(necessary=necessary))
    try:
        model = run.build()
        report = run.solve(model)
        solution, report = run.settle(model, report) if report.status.has_solution else (None, report)
    except OutOfTime:
        return run.out_of_time()
    diagnosis = run.diagnose() if report.status == Status.INFEASIBLE else None
    return run.finish(report.status, solution, report=report, diagnosis=diagnosis)


class _Run:
    """One :func:`solve` call: its budget, timings and progress, and its stages after the prepared ones."""

    def __init__(
        self,
        data: SitingData,
        scenario: Scenario,
        prepared: Prepared,
        *,
        families: Sequence[type[Family]] | None,
        reduce: bool,
        progress: bool | None,
    ) -> None:
        self.data, self.scenario, self.prepared, self.progress = data, scenario, prepared, progress
        self.enabled = tuple(
            f for f in (DEFAULT_FAMILIES if families is None else families) if f.enabled(scenario)
        )
        self.timings: dict[str, float] = {}
        self.budget = Deadline(scenario.time_limit_s)
        self.steps = Stages(f"solve {scenario.name!r}", total=6, progress=progress)
        self.stages = prepared.stages(scenario, reduce=reduce, deadline=self.budget)
        self.cand, self.opts = self.stages.candidates, self.stages.options
        self.size = {
            "candidates": self.cand.count,
            "options_all": self.stages.options_all,
            "options": len(self.opts),
        }
        self._prepared_done()
        self.t = time.perf_counter()

    def _prepared_done(self) -> None:
        """Record and log the prepared stages' seconds in this call (0 where ``prepared`` held them)."""
        seconds = self.stages.seconds
        self.timings["grid"] = seconds["grid"] + seconds["headroom"]
        self.timings["candidates"] = seconds["candidates"]
        self.timings["options"] = sum(seconds.get(k, 0.0) for k in ("options", "reduction"))
        self.steps.done("grid", seconds=self.timings["grid"])
        done = self.timings["candidates"] + self.timings["options"]
        self.steps.done("candidates", seconds=done, detail=f"{self.cand.count:,} sites")

    def necessary(self) -> list[str]:
        """The necessary conditions the scenario fails (:func:`siting.diagnose.necessary_conditions`)."""
        # the reduction keeps an option of every (substation, province, tier) that has one, so the
        # necessary conditions (substations and provinces within reach) read the same from the kept;
        # the site count reads every option's figures from the kept options' attrs (options.site_reach)
        found = necessary_conditions(self.data, self.scenario, self.cand, self.opts, families=self.enabled)
        # supply limits campus load only where the network family balances the two
        short = supply_shortfall(self.stages.graph, self.scenario, self.data)
        return ([short] if short and any(f.name == NETWORK for f in self.enabled) else []) + found

    def finish(self, status: Status, solution: Solution | None = None, **extra: Any) -> SitingResult:
        """The result, with the call's timings and model size."""
        self.timings["total"] = time.perf_counter() - self.budget.start
        self.steps.close()
        logger.info("solve %r: %s in %.2f s", self.scenario.name, status, self.timings["total"])
        result = assemble(
            self.data,
            self.scenario,
            self.cand,
            self.opts,
            solution,
            self.stages.graph,
            status=status,
            excluded=self.stages.excluded,
            families=self.enabled,
            size=self.size,
            timings=self.timings,
            **extra,
        )
        result.assumptions = in_force(self.data, self.scenario)
        return result

    def out_of_time(self) -> SitingResult:
        """The result when the budget ended before a plan: "no_solution", ``timings["cut_short"]`` set."""
        self.timings["cut_short"] = time.perf_counter() - self.budget.start
        return self.finish(Status.NO_SOLUTION)

    def build(self) -> SitingModel:
        """The model, within the budget (else :class:`OutOfTime`)."""
        if self.budget.expired:
            raise OutOfTime("before building the model")
        model = SitingModel.build(
            self.data,
            self.scenario,
            self.cand,
            self.opts,
            graph=self.stages.graph,
            families=self.enabled,
            headroom=self.stages.headroom,
            deadline=self.budget,
        )
        self.size.update(model.size())
        self.timings["build"] = time.perf_counter() - self.t
        self.steps.done(
            "build", seconds=self.timings["build"], detail=f"{self.size.get('variables', 0):,} variables"
        )
        if self.budget.expired:
            raise OutOfTime("before the solver")
        return model

    def solve(self, model: SitingModel) -> SolveReport:
        """The solver's run on ``model`` in the time left."""
        report = model.solve(time_limit_s=self.budget.remaining())
        self.timings["solve"] = report.seconds
        self.steps.done("solve", seconds=report.seconds, detail=str(report.status))
        return report

    def settle(self, model: SitingModel, report: SolveReport) -> tuple[Solution, SolveReport]:
        """The plan's prices, flows and values; the report's objective and gap those of the plan read."""
        t = time.perf_counter()
        # what one more MW of each limit is worth with this plan (the LP re-solved, plan fixed)
        prices = model.prices(time_limit_s=max(self.budget.remaining(), 0.0))
        self.timings["prices"] = time.perf_counter() - t
        t = time.perf_counter()
        # flows and the renewable figure determined by the plan, not the solver
        model.settle(time_limit_s=max(self.budget.remaining(), 0.0))
        self.timings["settle"] = time.perf_counter() - t
        self.steps.done("settle", seconds=self.timings["settle"])
        solution = model.read(time_limit_s=self.budget.remaining() + TIME_LIMIT_MARGIN_S / 2)
        solution.prices = prices
        total, said, bound = sum(solution.costs.values()), report.objective, report.bound
        # whole sites assigned after the limit cut the lazy site rows short: the plan may cost more
        if (
            report.status == Status.FEASIBLE
            and said is not None
            and bound is not None
            and total > said + 1e-9 * max(1.0, abs(said))
        ):
            report = replace(report, objective=total, gap=(total - bound) / max(abs(total), 1e-9))
        return solution, report

    def diagnose(self) -> Diagnosis:
        """Why the scenario is infeasible, in the time left."""
        t = time.perf_counter()
        if self.budget.expired:
            diagnosis = Diagnosis(cut_short="the time limit ended before the diagnosis could start")
        else:
            try:
                diagnosis = self._diagnosis()
            except OutOfTime as stop:  # while building every candidate's options
                diagnosis = Diagnosis(cut_short=f"the time limit ended {stop}")
        self.timings["diagnose"] = time.perf_counter() - t
        self.steps.done("diagnose", seconds=self.timings["diagnose"])
        return diagnosis

    def _diagnosis(self) -> Diagnosis:
        """:func:`siting.diagnose.diagnose` on every candidate's options, in the time left."""
        # the diagnosis relaxes network limits and headroom, so it needs every candidate's options
        # under the nominal headroom, unreduced (the reduction's argument assumes hard headroom)
        nominal_cand, nominal = self.prepared.nominal_options(self.scenario, deadline=self.budget)
        return diagnose(
            self.data,
            self.scenario,
            nominal_cand,
            nominal,
            self.stages.graph,
            families=self.enabled,
            deadline=self.budget,
            progress=self.progress,
        )
