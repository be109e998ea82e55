"""benchmarks/bench_national.py: its --quick smoke run writes the JSON shape, and its naive model
(every option, written by hand) reaches the library's optimum on toy cases of the renewable rules."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

import siting
from siting.candidates import build_candidates
from siting.constants import BUILD_TECHNOLOGIES
from siting.grid import build_grid
from siting.options import build_options
from siting.solvers import solve_problem

from . import toy

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks" / "bench_national.py"


@pytest.mark.slow  # 23 s: the script end to end on Korea
def test_quick_benchmark_writes_results(tmp_path):
    out = tmp_path / "bench.json"
    cmd = [sys.executable, str(BENCH), "--quick", "--solver", "highs"]
    subprocess.run([*cmd, "--json", str(out)], check=True, capture_output=True, timeout=600)
    results = json.loads(out.read_text())["results"]
    assert [(r["km"], r["solver"]) for r in results] == [(10.0, "highs")]
    row = results[0]
    for model in ("library", "naive"):
        run = row[model]
        assert run["status"] in {"optimal", "feasible", "no_solution"}, run
        assert run["total_s"] > 0 and run["peak_mb"] > 0
        assert "objective" in run and "gap" in run
        assert run["cells"] == row["library"]["cells"] > 0
        assert set(run["stages_s"]) >= {"load", "candidates", "build", "solve"}
    # the naive model reads every option; the library keeps at most those
    assert row["library"]["options_kept"] <= row["library"]["options"] <= row["naive"]["options"]
    if row["library"]["status"] == row["naive"]["status"] == "optimal":
        assert abs(row["library"]["objective"] - row["naive"]["objective"]) <= 1e-4 * abs(
            row["naive"]["objective"]
        )


def _bench():
    spec = importlib.util.spec_from_file_location("bench_national", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _toy_renewables():
    """The toy region with surplus in the Middle and East and potentials that bind at a 60 % share."""
    layers = toy.layers()
    layers["provinces"] = layers["provinces"].assign(
        renewable_surplus_mw=[0.0, 0.0, 10.0, 20.0],
        solar_max_mw=[0.0, 100.0, 300.0, 500.0],
        onshore_wind_max_mw=[0.0, 0.0, 50.0, 100.0],
    )
    return siting.SitingData(**layers)


BASE = dict(target_mw=400, grid_spacing_km=5, min_host_provinces=2, mip_gap=1e-9)
CASES = {
    "share needs new build": lambda: (_toy_renewables(), siting.Scenario(**BASE, renewable_share=0.6)),
    "incentive only": lambda: (_toy_renewables(), siting.Scenario(**BASE, renewable_share=0.0)),
    "surplus only": lambda: (
        _toy_renewables(),
        siting.Scenario(**BASE, renewable_share=0.05, renewable_build=()),
    ),
    "no renewables": lambda: (
        _toy_renewables(),
        siting.Scenario(**BASE, renewable_share=0.0, costs=siting.Costs(renewable_incentive_per_mw=0.0)),
    ),
    # new build's peak credit supplies the middle province beyond line L3 (infeasible without it)
    "peak credit supplies": lambda: toy.line_limited(
        renewable_share=0.2, renewable_build=BUILD_TECHNOLOGIES, mip_gap=1e-9
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_naive_model_reaches_the_library_optimum(case):
    data, sc = CASES[case]()
    res = siting.solve(data, sc)
    opts = build_options(data, sc, build_candidates(data, sc))
    prob = _bench().naive_model(data, sc, opts, build_grid(data, sc))
    report = solve_problem(prob, solver="highs", time_limit_s=120, mip_gap=1e-9, threads=1)
    assert str(res.status) == str(report.status) == "optimal", (res.status, report.status)
    assert prob.objective.value() == pytest.approx(res.objective, rel=1e-6, abs=1e-6)
    if case == "share needs new build":  # the potentials bind: the naive model respects them too
        built = res.renewable_supply[res.renewable_supply["source"] == "new build"]
        assert (built["capacity_mw"] >= built["max_mw"] - 1e-6).any()
