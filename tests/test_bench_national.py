"""Smoke run of benchmarks/bench_national.py --quick: it runs both models and writes the JSON shape."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmark_writes_results(tmp_path):
    out = tmp_path / "bench.json"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "bench_national.py"), "--quick", "--solver", "highs"]
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
