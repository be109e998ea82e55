"""The time limit is a wall-clock budget for the whole solve() call, kept within a documented margin."""

import time
from pathlib import Path

import pytest

import siting
from siting.solvers import TIME_LIMIT_MARGIN_S

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def _timed(data, sc, **kw):
    t = time.perf_counter()
    res = siting.solve(data, sc, **kw)
    return res, time.perf_counter() - t


def test_hard_model_returns_in_time(korea):
    """Korea's default scenario, unreduced at 5 km: HiGHS cannot prove it in 6 s; the call returns by then."""
    sc = siting.Scenario.from_toml(SCENARIOS / "korea_default.toml").replace(grid_spacing_km=5)
    res, seconds = _timed(korea, sc, reduce=False, time_limit_s=6.0)
    assert seconds <= 6.0 + TIME_LIMIT_MARGIN_S, seconds
    assert res.model_size["options"] > 30_000
    assert res.status in ("feasible", "no_solution")
    if res.status == "feasible":
        assert res.gap is not None


def test_model_build_stops_at_the_limit(toy_data):
    """Spacing on a 1 km grid adds 650,000 conflict rows (13 s to build): the build is cut."""
    sc = siting.Scenario(target_mw=500, grid_spacing_km=1.0, min_spacing_km=10.0, min_host_provinces=3)
    res, seconds = _timed(toy_data, sc, reduce=False, time_limit_s=1.5)
    assert seconds <= 1.5 + TIME_LIMIT_MARGIN_S, seconds
    assert res.status == "no_solution" and "cut_short" in res.timings
    assert len(res.sites) == 0


def test_diagnosis_is_marked_cut_short(toy_data, monkeypatch):
    """When the budget ends before the diagnosis, the result says so instead of running on."""
    from siting import diagnose as diagnose_module

    real = diagnose_module.SitingModel.build

    def slow_build(*args, **kw):
        deadline = kw.get("deadline")
        # spend the rest of the budget, as a huge elastic model would
        if deadline is not None and kw.get("elastic"):
            while not deadline.expired:
                time.sleep(0.01)
        return real(*args, **kw)

    monkeypatch.setattr(diagnose_module.SitingModel, "build", slow_build)
    # no new build: its peak credit would supply 900 MW
    sc = siting.Scenario(
        target_mw=900, grid_spacing_km=5, min_host_provinces=3, renewable_share=0.0, renewable_build=()
    )
    res, seconds = _timed(toy_data, sc, time_limit_s=3.0)
    assert res.status == "infeasible"
    assert seconds <= 3.0 + TIME_LIMIT_MARGIN_S
    assert res.diagnosis.cut_short and "cut short" in str(res.diagnosis)


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_small_model_unaffected(toy_data, solver):
    res = siting.solve(
        toy_data, siting.Scenario(target_mw=300, grid_spacing_km=5, min_host_provinces=2), solver=solver
    )
    assert res.status == "optimal" and res.report.gap == 0.0


def test_candidate_stage_stops_at_the_limit(korea):
    """At 500 m the streamed candidate stage alone takes seconds; the limit stops it between blocks."""
    sc = siting.Scenario.from_toml(SCENARIOS / "korea_default.toml").replace(grid_spacing_km=0.5)
    res, seconds = _timed(korea, sc, time_limit_s=1.0)
    assert seconds <= 1.0 + TIME_LIMIT_MARGIN_S, seconds
    assert res.status == "no_solution" and "cut_short" in res.timings
    assert len(res.sites) == 0 and res.model_size["options"] == 0


@pytest.mark.slow
def test_diagnosis_of_a_fine_grid_keeps_the_limit(korea):
    """Infeasible at 1 km (no new build for a 90 % share): the diagnosis's elastic models hold every
    option (about a million columns); building them, the LP rounds and the hand-over to the solver
    all keep to the limit (65-81 s for 40-60 s before)."""
    sc = siting.Scenario.from_toml(SCENARIOS / "korea_default.toml").replace(
        grid_spacing_km=1.0, renewable_share=0.9, renewable_build=()
    )
    res, seconds = _timed(korea, sc, time_limit_s=40.0)
    assert seconds <= 40.0 + TIME_LIMIT_MARGIN_S, seconds
    assert res.status == "infeasible" and res.diagnosis is not None
    assert res.diagnosis.cut_short or len(res.diagnosis.limits)
