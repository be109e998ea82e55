"""scripts/make_readme_figure.py solves the scenario as make demo does and draws only a proven plan."""

import dataclasses
import importlib.util
from pathlib import Path

import pytest

import siting
from siting.constants import Status
from tests import toy

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def script(monkeypatch):
    spec = importlib.util.spec_from_file_location(
        "make_readme_figure", ROOT / "scripts" / "make_readme_figure.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(siting, "load_korea", lambda: siting.SitingData(**toy.layers()))
    return module


@pytest.fixture()
def scenario(tmp_path):
    sc = siting.Scenario(target_mw=300, grid_spacing_km=5, min_host_provinces=2, threads=2, name="toy_demo")
    sc.to_toml(tmp_path / "toy.toml")
    return tmp_path / "toy.toml"


def test_draws_the_scenario_as_given(script, scenario, tmp_path, monkeypatch, capsys):
    calls = []
    real = siting.solve
    monkeypatch.setattr(
        siting, "solve", lambda data, sc, **kw: calls.append((sc, kw)) or real(data, sc, **kw)
    )
    out = tmp_path / "fig.png"
    assert script.main(["--scenario", str(scenario), "--out", str(out)]) == 0
    assert out.exists()
    ((sc, kw),) = calls
    assert sc == siting.Scenario.from_toml(scenario) and kw == {}  # threads 2, gap, time limit: the file's
    assert "threads 2" in capsys.readouterr().out


def test_refuses_a_plan_the_time_limit_stopped(script, scenario, tmp_path, monkeypatch, capsys):
    real = siting.solve
    monkeypatch.setattr(
        siting,
        "solve",
        lambda data, sc, **kw: dataclasses.replace(real(data, sc, **kw), status=Status.FEASIBLE),
    )
    out = tmp_path / "fig.png"
    assert script.main(["--scenario", str(scenario), "--out", str(out)]) == 1
    assert not out.exists() and "make demo may give another" in capsys.readouterr().out
    assert script.main(["--scenario", str(scenario), "--out", str(out), "--allow-unproven"]) == 0
    assert out.exists()
