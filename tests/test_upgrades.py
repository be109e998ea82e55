"""Upgrade values (fixed-plan LP duals) against finite differences: re-solve with a limit raised."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

import siting
from siting.upgrades import UPGRADE_TABLE_COLUMNS
from tests import toy
from tests.toy import EXACT

#: Toy residuals that make L5 (middle <-> east) bind.
TIGHT = {"L3": 40.0, "L5": 60.0}


def _no_build(layers: dict) -> dict:
    """The toy without new build and with surplus where its solar and wind are (60 and 75 MW average).

    New build's peak credit would supply any load, so no line or supply limit would bind.
    """
    prov = layers["provinces"]
    prov["renewable_surplus_mw"] = [0.0, 0.0, 60.0, 75.0]
    for tech in ("solar", "onshore_wind", "offshore_wind"):
        prov[f"{tech}_max_mw"] = 0.0
    return layers


def _toy(residual: dict[str, float], *, plant_at: tuple[float, float] | None = None, plant_mw: float = 0.0):
    """Toy data (no new build) with some line residuals changed and, optionally, one more small plant."""
    layers = _no_build(toy.layers())
    lines = layers["lines"]
    lines["residual_mw"] = [
        residual.get(lid, r) for lid, r in zip(lines["line_id"], lines["residual_mw"], strict=True)
    ]
    if plant_at is not None:
        extra = layers["plants"].iloc[[0]].copy()
        extra["plant_id"], extra["supply_mw"] = "p-extra", plant_mw
        extra["geometry"] = shapely.Point(*plant_at)
        layers["plants"] = pd.concat([layers["plants"], extra], ignore_index=True)
    return siting.SitingData(**layers)


def _fd(base: siting.SitingResult, bumped: siting.SitingResult, eps: float) -> float:
    """Objective saved per MW, asserting the plan did not change (else the dual does not apply)."""
    assert sorted(bumped.sites["site_id"]) == sorted(base.sites["site_id"]), (
        "plan changed: pick a smaller eps"
    )
    return (base.objective - bumped.objective) / eps


@pytest.mark.parametrize("flow_model", ["transport", "dc"])
def test_line_price_matches_finite_difference(flow_model):
    sc = siting.Scenario(target_mw=600, flow_model=flow_model, **EXACT)
    res = siting.solve(_toy(TIGHT), sc)
    lines = res.lines.set_index("line_id")
    binding = lines.index[
        (lines["flow_mw"].abs() + lines["renewable_flow_mw"].abs()) >= lines["residual_mw"] - 1e-6
    ]
    priced = [lid for lid in binding if lines.at[lid, "capacity_value_bn_per_mw"] > 1e-6]
    assert priced, "the toy should have a binding line that is worth something"
    for lid in priced:
        for eps in (1.0, 0.25):
            bumped = siting.solve(_toy({**TIGHT, lid: lines.at[lid, "residual_mw"] + eps}), sc)
            assert _fd(res, bumped, eps) == pytest.approx(lines.at[lid, "capacity_value_bn_per_mw"], rel=1e-6)
    # a line with slack is worth nothing, and raising it changes nothing
    idle = lines.index[lines["flow_mw"].abs() + lines["renewable_flow_mw"].abs() < lines["residual_mw"] - 1]
    assert (lines.loc[idle, "capacity_value_bn_per_mw"].abs() < 1e-9).all()
    lid = idle[0]
    bumped = siting.solve(_toy({**TIGHT, lid: lines.at[lid, "residual_mw"] + 1.0}), sc)
    assert _fd(res, bumped, 1.0) == pytest.approx(0.0, abs=1e-9)


def test_supply_price_matches_finite_difference():
    """One more MW of supply at the middle substation (a 1 MW plant next to it)."""
    sc = siting.Scenario(target_mw=600, **EXACT)
    res = siting.solve(_toy(TIGHT), sc)
    subs = res.substations.set_index("substation_id")
    price = subs.at["s-mid", "supply_value_bn_per_mw"]
    assert subs.at["s-mid", "supply_used_mw"] == pytest.approx(subs.at["s-mid", "supply_mw"])
    assert price > 1e-6
    bumped = siting.solve(_toy(TIGHT, plant_at=(127.251, 36.251), plant_mw=0.5), sc)
    assert _fd(res, bumped, 0.5) == pytest.approx(price, rel=1e-6)


def test_headroom_price_is_zero_for_a_fixed_plan():
    """Headroom bounds the counts only: with the plan fixed, one more MW saves nothing (and none is built)."""
    sc = siting.Scenario(target_mw=600, **EXACT)
    res = siting.solve(_toy(TIGHT), sc)
    subs = res.substations.set_index("substation_id")
    full = subs.index[(subs["load_mw"] > 0) & (subs["load_mw"] >= subs["headroom_mw"] - 1e-6)]
    assert len(full), "the toy should fill some substation's headroom"
    assert (subs["headroom_value_bn_per_mw"].abs() < 1e-9).all()
    layers = _no_build(toy.layers())
    sid = full[0]
    layers["substations"].loc[layers["substations"]["substation_id"] == sid, "headroom_mw"] += 1.0
    lines = layers["lines"]
    lines["residual_mw"] = [
        TIGHT.get(lid, r) for lid, r in zip(lines["line_id"], lines["residual_mw"], strict=True)
    ]
    bumped = siting.solve(siting.SitingData(**layers), sc)
    assert _fd(res, bumped, 1.0) == pytest.approx(0.0, abs=1e-9)


def test_upgrade_table_ranks_the_priced_limits():
    res = siting.solve(_toy(TIGHT), siting.Scenario(target_mw=600, **EXACT))
    t = res.upgrades()
    assert list(t.columns) == UPGRADE_TABLE_COLUMNS
    assert t["value_bn_per_mw"].is_monotonic_decreasing
    lines = res.lines.set_index("line_id")
    subs = res.substations.set_index("substation_id")
    expected = {("line", i) for i in lines.index[lines["capacity_value_bn_per_mw"] > 1e-9]} | {
        ("supply", i) for i in subs.index[subs["supply_value_bn_per_mw"] > 1e-9]
    }
    assert set(zip(t["kind"], t["id"], strict=True)) == expected
    row = t[t["id"] == "L5"].iloc[0]
    assert row["limit_mw"] == lines.at["L5", "residual_mw"] and row["province"] == "KR-T3/KR-T4"


def test_no_plan_has_no_prices(toy_data):
    res = siting.solve(toy_data, siting.Scenario(target_mw=100_000))
    assert res.status == "infeasible"
    assert res.lines["capacity_value_bn_per_mw"].isna().all()
    assert res.upgrades().empty


def _middle_only(l3: float, l5: float) -> siting.Diagnosis:
    """tests/test_diagnose.py's case: only the middle province, imports limited by L3 and L5."""
    res = siting.solve(_toy({"L3": l3, "L5": l5}), siting.Scenario(**toy.MIDDLE_ONLY))
    assert res.status == "infeasible"
    return res.diagnosis


def test_elastic_upgrade_values_match_finite_difference():
    """Infeasible target: MW of relaxation saved per MW of line upgrade, against re-diagnosing."""
    d = _middle_only(50.0, 0.0)
    up = d.upgrades.set_index("id")
    assert {"L3", "L5"} <= set(up.index)
    base = d.limits["over_mw"].sum()
    for lid, (l3, l5) in {"L3": (51.0, 0.0), "L5": (50.0, 1.0)}.items():
        gained = base - _middle_only(l3, l5).limits["over_mw"].sum()
        assert gained == pytest.approx(up.at[lid, "mw_per_mw"], abs=1e-6)


@pytest.mark.slow  # the quick tier checks the toy's prices (test_line_price_matches_finite_difference)
@pytest.mark.parametrize("spacing_km", [40, 10], ids=["40km", "10km"])
def test_korea_line_price_matches_finite_difference(korea_generic_154, spacing_km):
    """Korea: the most valuable line, raised by 1 MW, saves what its price says.

    On the 154 kV lines' generic rating, where lines bind (with KEPCO's ratings no line binds
    a 500 MW plan at 10 km).
    """
    korea = korea_generic_154
    sc = siting.Scenario(
        target_mw=500,
        min_host_provinces=1,
        grid_spacing_km=spacing_km,
        renewable_share=0.0,
        renewable_build=(),
    )
    res = siting.solve(korea, sc)  # without new build: its peak credit would take the load off the lines
    lines = res.lines.set_index("line_id")
    lid = lines["capacity_value_bn_per_mw"].idxmax()
    price = lines.at[lid, "capacity_value_bn_per_mw"]
    assert price > 1e-6, "some Korean line should bind"
    raised = np.where(
        korea.lines["line_id"] == lid, korea.lines["residual_mw"] + 1.0, korea.lines["residual_mw"]
    )
    bumped = siting.solve(korea.replace(lines=korea.lines.assign(residual_mw=raised)), sc)
    assert _fd(res, bumped, 1.0) == pytest.approx(price, rel=1e-4)


def test_upgrade_maps_show_the_priced_limits():
    """The static map draws and labels the priced line; the web map has a layer, off until turned on."""
    import matplotlib.pyplot as plt

    res = siting.solve(_toy(TIGHT), siting.Scenario(target_mw=600, **EXACT))
    ax = siting.plot_upgrades(res)
    labels = [t.get_text() for t in ax.texts]
    assert any(t.startswith("L5\n") for t in labels)  # the line's id (it has no name), then its value
    assert len(labels) == min(8, len(res.upgrades()))
    plt.close(ax.figure)
    m = res.explore()
    page = m.get_root().render()
    assert "One more MW of residual capacity saves" in page
    (group,) = [c for c in m._children.values() if getattr(c, "layer_name", None) == "Upgrades: value per MW"]
    assert group.show is False


def test_prices_under_n_minus_1_match_finite_difference(toy_hvdc_data):
    """With post-outage rows (degenerate duals), each line's value is still what 1 MW more saves.

    L1 has no residual capacity: its rows bind with zero flow, where a dual
    alone can claim a saving that does not exist.
    """
    sc = siting.Scenario(target_mw=600, flow_model="dc", n_minus_1=True, **EXACT)
    toy_hvdc_data = siting.SitingData(**_no_build(toy.hvdc_layers()))
    res = siting.solve(toy_hvdc_data, sc)
    lines = res.lines.set_index("line_id")
    top = lines["capacity_value_bn_per_mw"].idxmax()
    assert lines.at[top, "capacity_value_bn_per_mw"] > 1e-6
    for lid in sorted({top, "L1"}):
        raised = toy_hvdc_data.lines.assign(
            residual_mw=np.where(
                toy_hvdc_data.lines["line_id"] == lid,
                toy_hvdc_data.lines["residual_mw"] + 1.0,
                toy_hvdc_data.lines["residual_mw"],
            )
        )
        bumped = siting.solve(toy_hvdc_data.replace(lines=raised), sc)
        assert _fd(res, bumped, 1.0) == pytest.approx(
            lines.at[lid, "capacity_value_bn_per_mw"], rel=1e-6, abs=1e-9
        )
