"""Every infeasible plan names a cause, and each suggested relaxation, applied, makes the plan feasible.

Random small instances of the toy region (fixed seed): random headroom,
residual capacities and candidate points, and random scenario limits. The
relaxations are applied to the inputs by hand (raise that headroom, line or
cap by the MW named), independently of the model, and the scenario solved
again.
"""

from __future__ import annotations

import dataclasses
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import siting
from siting.diagnose import diagnose

from . import toy

METRIC = "EPSG:5179"
FAST = dict(mip_gap=1e-9, time_limit_s=60)
SEED = 20261130
N_INSTANCES = 80


def _instance(rng: np.random.Generator) -> tuple[siting.SitingData, siting.Scenario, gpd.GeoDataFrame]:
    layers = toy.layers()
    # surplus where the toy's solar and wind are, and no new build: its peak credit would supply any
    # load, and the battery is about limits that bind
    layers["provinces"]["renewable_surplus_mw"] = [0.0, 0.0, 60.0, 75.0]
    subs = layers["substations"]
    subs["headroom_mw"] = rng.choice(
        [0.0, 50.0, 100.0, 150.0, 200.0, 300.0], size=len(subs), p=[0.1, 0.2, 0.2, 0.2, 0.2, 0.1]
    )
    lines = layers["lines"]
    lines["residual_mw"] = rng.choice([0.0, 50.0, 100.0, 200.0], size=len(lines), p=[0.3, 0.3, 0.2, 0.2])
    k = int(rng.integers(5, 13))
    lon = rng.uniform(126.55, 127.95, size=k)
    lat = rng.uniform(36.03, 36.47, size=k)
    cand = gpd.GeoDataFrame(
        {"site_id": [f"c{i}" for i in range(k)]}, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326"
    )
    sc = siting.Scenario(
        target_mw=float(rng.choice([100, 200, 300, 400])),
        tiers_mw=[(50.0, 100.0), (100.0,), (100.0, 200.0)][int(rng.integers(3))],
        max_connection_km={154: 25.0, 345: 40.0},
        province_share_cap=float(rng.choice([0.5, 0.6, 1.0, 1.0])),
        min_host_provinces=int(rng.choice([0, 1, 2, 2, 3])),
        min_spacing_km=float(rng.choice([0.0, 0.0, 0.0, 15.0])),
        renewable_share=float(rng.choice([0.0, 0.0, 0.2, 0.6])),
        renewable_build=(),
        **FAST,
    )
    return siting.SitingData(**layers, metric_crs=METRIC), sc, cand


def _instances() -> list[tuple[siting.SitingData, siting.Scenario, gpd.GeoDataFrame]]:
    rng = np.random.default_rng(SEED)
    return [_instance(rng) for _ in range(N_INSTANCES)]


def _apply(
    data: siting.SitingData, sc: siting.Scenario, limits: pd.DataFrame
) -> tuple[siting.SitingData, siting.Scenario]:
    """The inputs with every relaxation a diagnosis names applied (plus 1e-4 MW against rounding)."""
    subs, lines = data.substations.copy(), data.lines.copy()
    plants = data.plants.copy() if data.plants is not None else None
    fields: dict = {}
    target, overbuild = sc.target_mw, sc.overbuild_mw
    share, cap, hosts = sc.renewable_share, sc.province_share_cap, sc.min_host_provinces
    for r in limits.itertuples():
        mw = float(r.over_mw) + 1e-4
        if r.family == "headroom":
            subs.loc[subs.substation_id == r.id, "headroom_mw"] += mw
        elif r.family == "lines":
            lines.loc[lines.line_id == r.id, "residual_mw"] += mw
        elif r.family == "supply":  # a plant with that much supply for new load at the substation
            at = subs.loc[subs.substation_id == r.id].geometry.iloc[0]
            new = gpd.GeoDataFrame(
                {"plant_id": [f"extra-{r.id}"], "fuel": ["lng"], "capacity_mw": [mw], "supply_mw": [mw]},
                geometry=[at],
                crs=subs.crs,
            )
            plants = new if plants is None else pd.concat([plants, new.to_crs(plants.crs)], ignore_index=True)
        elif r.family == "province_cap":  # MW_p <= cap x total + s, and total >= target
            cap = min(1.0, cap + mw / sc.target_mw)
        elif r.family == "hosts":
            hosts -= math.ceil(float(r.over_mw) - 1e-6)
        elif r.family == "renewable":  # delivered >= share x lf x total - s, and total >= target
            share = max(0.0, share - mw / (sc.load_factor * sc.target_mw))
        elif r.family == "overbuild":
            overbuild += mw
        elif r.family in ("spacing", "sites", "target"):  # the target must come down; keep the ceiling
            target -= float(r.over_mw)
            overbuild += float(r.over_mw)
        else:
            raise AssertionError(f"unknown limit family {r.family}")
    fields.update(
        target_mw=max(target, 1e-3),
        max_overbuild_mw=overbuild if math.isfinite(overbuild) else None,
        renewable_share=share,
        province_share_cap=cap,
        min_host_provinces=max(hosts, 0),
    )
    relaxed = data.replace(
        substations=subs, lines=lines, **({"plants": plants} if plants is not None else {})
    )
    return relaxed, sc.replace(**fields)


@pytest.fixture(scope="module")
def infeasible_runs():
    runs = []
    for data, sc, cand in _instances():
        res = siting.solve(data, sc, candidates=cand)
        if str(res.status) == "infeasible":
            runs.append((data, sc, cand, res))
    return runs


def test_random_battery_every_infeasible_names_a_cause(infeasible_runs):
    assert len(infeasible_runs) >= 15, "the battery should exercise the diagnosis"
    kinds = set()
    for _, sc, _, res in infeasible_runs:
        d = res.diagnosis
        assert d is not None and not d.cut_short
        assert d.necessary or len(d.limits), f"no cause named for {sc}"
        assert (d.limits["over_mw"] > 0).all()
        assert str(d) != "(no diagnosis)"
        kinds |= set(d.limits["family"]) | ({"necessary"} if d.necessary else set())
    assert len(kinds) >= 3, f"the battery should reach several kinds of cause, got {kinds}"


def test_applying_each_suggested_relaxation_makes_the_plan_feasible(infeasible_runs):
    applied = 0
    for data, sc, cand, res in infeasible_runs:
        d = res.diagnosis
        if d.necessary:
            continue
        relaxed_data, relaxed_sc = _apply(data, sc, d.limits)
        again = siting.solve(relaxed_data, relaxed_sc, candidates=cand)
        assert str(again.status) == "optimal", (
            f"applying {d.limits[['family', 'id', 'over_mw']].to_dict('records')} to {sc}: {again.status}"
        )
        applied += 1
    assert applied >= 10


def test_reduced_and_unreduced_runs_give_the_same_minimum_relaxation(infeasible_runs):
    for data, sc, cand, res in infeasible_runs:
        full = siting.solve(data, sc, candidates=cand, reduce=False)
        assert full.diagnosis.necessary == res.diagnosis.necessary
        assert full.diagnosis.limits["over_mw"].sum() == pytest.approx(
            res.diagnosis.limits["over_mw"].sum(), abs=1e-4
        )


def _five_and_one() -> tuple[siting.SitingData, siting.Scenario, gpd.GeoDataFrame]:
    """Five sites at a substation with 100 MW headroom, one at a substation with 200 MW; 300 MW in 100s."""
    layers = toy.layers()
    subs = layers["substations"]
    subs["headroom_mw"] = [0.0, 100.0, 0.0, 0.0, 0.0, 200.0, 0.0]  # s-west 100, s-east 200
    west, east = (126.70, 36.25), (127.75, 36.25)
    pts = [
        shapely.Point(west[0] + 0.02 * dx, west[1] + 0.02 * dy)
        for dx, dy in [(1, 0), (0, 1), (-1, 0), (0, -1), (1, 1)]
    ]
    pts.append(shapely.Point(east[0] + 0.02, east[1]))
    cand = gpd.GeoDataFrame({"site_id": [f"w{i}" for i in range(5)] + ["e0"]}, geometry=pts, crs="EPSG:4326")
    sc = siting.Scenario(
        target_mw=300,
        tiers_mw=(100,),
        max_connection_km={154: 10.0, 345: 10.0},
        province_share_cap=1.0,
        min_host_provinces=0,
        renewable_share=0.0,
        **FAST,
    )
    return siting.SitingData(**layers, metric_crs=METRIC), sc, cand


@pytest.mark.parametrize("reduce", [True, False])
def test_five_sites_at_100_mw_one_at_200_mw(reduce):
    """The fix is +100 MW of headroom at the substation with five sites, not at the one with one site."""
    data, sc, cand = _five_and_one()
    res = siting.solve(data, sc, candidates=cand, reduce=reduce)
    assert str(res.status) == "infeasible"
    d = res.diagnosis
    assert d.max_achievable_mw == pytest.approx(200.0)
    assert d.limits[["family", "id"]].values.tolist() == [["headroom", "s-west"]]
    assert d.limits["over_mw"].iloc[0] == pytest.approx(100.0)


def test_too_few_sites_is_a_necessary_condition():
    """Two sites, one campus each, at most 200 MW: 300 MW needs more sites, whatever the headroom."""
    data, sc, cand = _five_and_one()
    res = siting.solve(data, sc, candidates=cand.iloc[[0, 5]])
    assert str(res.status) == "infeasible"
    assert any("2 candidate sites" in s and "200 MW" in s for s in res.diagnosis.necessary)


def test_spacing_shortfall_is_named_when_no_relaxation_reaches_the_target():
    """Five sites within a few km of each other and a 50 km spacing: one campus, and spacing is named."""
    data, sc, cand = _five_and_one()
    sc = sc.replace(min_spacing_km=50.0)
    cand = cand.iloc[:5]
    subs = data.substations.assign(headroom_mw=[0.0, 1000.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    data = data.replace(substations=subs)
    res = siting.solve(data, sc, candidates=cand)
    assert str(res.status) == "infeasible"
    d = res.diagnosis
    assert d.necessary == []
    row = d.limits.set_index("family").loc["spacing"]
    assert row["over_mw"] == pytest.approx(200.0)
    assert "50 km" in row["text"]


def test_diagnosis_is_never_empty_when_the_relaxed_solves_find_nothing(monkeypatch):
    """Should both elastic solves fail, the target's shortfall is still named."""
    from siting import diagnose as diag

    data, sc, cand = _five_and_one()
    real = diag.SitingModel.solve

    def failing(self, **kw):
        report = real(self, **kw)
        return dataclasses.replace(report, status=siting.Status.INFEASIBLE)

    monkeypatch.setattr(diag.SitingModel, "solve", failing)
    from siting.candidates import build_candidates
    from siting.grid import build_grid
    from siting.options import build_options

    c = build_candidates(data, sc, candidates=cand)
    d = diagnose(data, sc, c, build_options(data, sc, c), build_grid(data, sc))
    assert d.limits["family"].tolist() == ["target"]
    assert d.limits["over_mw"].iloc[0] == pytest.approx(300.0)
