"""``siting.solve``: candidates -> options -> model -> result, with timings."""

from __future__ import annotations

import time

import geopandas as gpd

from .candidates import build_candidates, excluded_codes
from .data import SitingData
from .diagnose import diagnose, necessary_conditions
from .grid import build_grid, check_connected
from .model import SitingModel, build_options, reduce_options
from .result import Diagnosis, SitingResult, extract
from .scenario import Scenario

__all__ = ["solve"]


def solve(
    data: SitingData,
    scenario: Scenario,
    *,
    candidates: gpd.GeoDataFrame | None = None,
    exclusions: gpd.GeoDataFrame | None = None,
    reduce: bool = True,
) -> SitingResult:
    """Place campuses for ``scenario`` on ``data`` and return the checked-out plan.

    Parameters
    ----------
    data : SitingData
        From :func:`siting.load_korea` or :meth:`SitingData.from_files`.
    scenario : Scenario
    candidates : GeoDataFrame, optional
        Your own candidate points or polygons (optional ``site_id``); default a
        grid of ``scenario.grid_spacing_km`` over the allowed land.
    exclusions : GeoDataFrame, optional
        More no-go polygons, on top of the scenario's.
    reduce : bool, default True
        Apply the exact option reduction (:func:`siting.model.reduce_options`);
        ``False`` builds the model over every option, for comparison.

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
    """
    timings = {}
    t0 = time.perf_counter()
    cand = build_candidates(data, scenario, candidates=candidates, exclusions=exclusions)
    excluded = excluded_codes(data, scenario)
    timings["candidates"] = time.perf_counter() - t0
    t = time.perf_counter()
    G = build_grid(data, scenario)
    check_connected(G)
    timings["grid"] = time.perf_counter() - t
    t = time.perf_counter()
    all_opts = build_options(data, scenario, cand)
    opts = reduce_options(all_opts, data, scenario) if reduce else all_opts
    size = {"candidates": len(cand.sites), "options_all": len(all_opts), "options": len(opts)}
    necessary = necessary_conditions(data, scenario, cand, all_opts)
    if necessary:
        model = SitingModel.build(data, scenario, cand, opts.iloc[:0], graph=G)
        outcome = {"status": "infeasible", "gap": None}
        timings["total"] = time.perf_counter() - t0
        return extract(model, data, scenario, cand, outcome, G, excluded=excluded, diagnosis=Diagnosis(necessary=necessary), size=size, timings=timings)
    model = SitingModel.build(data, scenario, cand, opts, graph=G)
    size.update(model.size())
    timings["build"] = time.perf_counter() - t
    outcome = model.solve(scenario)
    timings["solve"] = outcome["seconds"]
    diagnosis = None
    if outcome["status"] == "infeasible":
        t = time.perf_counter()
        diagnosis = diagnose(data, scenario, cand, opts, G)
        timings["diagnose"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    return extract(model, data, scenario, cand, outcome, G, excluded=excluded, diagnosis=diagnosis, size=size, timings=timings)
