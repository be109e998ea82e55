"""Sweeps on a real two-process Dask cluster equal the serial run; grids of scenarios; the CLI."""

from __future__ import annotations

import math
import os
import pickle

import pandas as pd
import pytest

import siting
from siting.cli import main
from siting.testing import assert_result_valid
from tests import toy

# CI installs the dask extra (Makefile), so the real-cluster test must run there, not skip
distributed = pytest.importorskip("distributed") if not os.environ.get("CI") else __import__("distributed")

BASE = siting.Scenario(target_mw=300, name="toy", grid_spacing_km=5, min_host_provinces=1, **toy.EXACT)


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as c,
        distributed.Client(c) as cl,
    ):
        yield cl


def _scenarios():
    grid = siting.scenario_grid(
        BASE, target_mw=[300, 450], renewable_share=[0.1, 0.3], province_share_cap=[0.6, 1.0]
    )
    bad = BASE.replace(name="bad-province", exclude_provinces=("KR-XX",))  # raises ScenarioError in solve
    too_big = BASE.replace(name="too-big", target_mw=50_000)  # infeasible
    return [*grid, bad, too_big]


def test_sweep_on_a_two_process_cluster_equals_the_serial_run(toy_data, client):
    scenarios = _scenarios()
    out = siting.sweep(toy_data, scenarios, client=client, progress=False)
    assert out.table["name"].tolist() == [s.name for s in scenarios]
    assert len(client.scheduler_info()["workers"]) == 2
    for sc in scenarios:
        row = out.table.set_index("name").loc[sc.name]
        try:
            serial = siting.solve(toy_data, sc)
        except siting.ScenarioError as exc:
            assert row["status"] == "error" and "KR-XX" in row["error"] and str(exc) in row["error"]
            with pytest.raises(KeyError, match="KR-XX"):
                out.result(sc.name)
            continue
        assert row["status"] == str(serial.status)
        res = out.result(sc.name)
        assert res.status == serial.status
        if serial.objective is None:
            assert res.objective is None and math.isnan(row["objective"])
            continue
        assert row["objective"] == pytest.approx(serial.objective, abs=1e-6)
        assert res.objective == pytest.approx(serial.objective, abs=1e-6)
        assert_result_valid(res, toy_data)
        # the row's figures from the result's own tables
        by_p = res.sites.groupby("province")["capacity_mw"].sum()
        for p in toy_data.provinces["code"]:
            assert row[f"mw_{p}"] == pytest.approx(by_p.get(p, 0.0))
        assert row["host_provinces"] == res.sites["province"].nunique()
        assert row["top_line_loading"] == pytest.approx(res.lines["loading"].max())
        assert row["renewable_share"] >= sc.renewable_share - 1e-6
    assert out.table.set_index("name").loc["too-big", "status"] == "infeasible"
    assert not out.ok


def test_results_pickle():
    data = siting.SitingData(**toy.layers())
    res = siting.solve(data, BASE)
    back = pickle.loads(pickle.dumps(res))
    assert back.objective == res.objective and back.sites.equals(res.sites)


def test_scenario_grid_names_and_values():
    grid = siting.scenario_grid(BASE, target_mw=[300, 600], costs__site_per_mw=[0.5, 1.0])
    assert [(s.target_mw, s.costs.site_per_mw) for s in grid] == [
        (300, 0.5),
        (300, 1.0),
        (600, 0.5),
        (600, 1.0),
    ]
    assert len({s.name for s in grid}) == 4 and grid[1].name == "toy-target_mw=300-costs.site_per_mw=1"
    with pytest.raises(siting.ScenarioError, match="did you mean 'target_mw'"):
        siting.scenario_grid(BASE, target_mv=[1])
    with pytest.raises(siting.ScenarioError, match="list of values"):
        siting.scenario_grid(BASE, target_mw=300)
    with pytest.raises(siting.ScenarioError, match="renewable_share"):
        siting.scenario_grid(BASE, renewable_share=[2.0])


def test_repeated_names_are_refused(toy_data):
    with pytest.raises(siting.ScenarioError, match="distinct"):
        siting.sweep(toy_data, [BASE, BASE.replace(target_mw=400)])


def test_cli_sweep_writes_the_table_and_exit_codes(tmp_path, capsys):
    f = tmp_path / "s.toml"
    f.write_text(
        'name = "kr"\ntarget_mw = 100\ngrid_spacing_km = 50\nmin_host_provinces = 1\nrenewable_share = 0\n'
        "[sweep]\ntarget_mw = [100, 10000000]\n"
    )
    assert main(["sweep", str(f), "--out", str(tmp_path / "out"), "--workers", "1"]) == 1
    table = pd.read_csv(tmp_path / "out" / "s_sweep.csv")
    assert table["status"].tolist() == ["optimal", "infeasible"]
    assert table["name"].tolist() == ["kr-target_mw=100", "kr-target_mw=10000000"]
    (tmp_path / "n.toml").write_text("target_mw = 200\n")
    assert main(["sweep", str(tmp_path / "n.toml")]) == 2
    assert "[sweep]" in capsys.readouterr().err


def test_own_candidates_go_to_every_scenario(toy_data, client):
    """``candidates=`` is a solve option like any other (it used to clash with the sweep's stages)."""
    import geopandas as gpd

    subs = toy_data.substations
    cand = gpd.GeoDataFrame(
        {"site_id": [f"c-{s}" for s in subs["substation_id"]]}, geometry=subs.geometry.values
    )
    grid = siting.scenario_grid(BASE, target_mw=[100, 200])
    out = siting.sweep(toy_data, grid, client=client, progress=False, candidates=cand)
    for name in out.table["name"]:
        res = out.result(name)
        assert res.status.has_solution and set(res.sites["site_id"]) <= set(cand["site_id"])
