"""How far each assumption moves the answer: the assumptions, siting.sensitivity and its tornado."""

from __future__ import annotations

import dataclasses
import math
import os

import pandas as pd
import pytest

import siting
from siting.assumptions import Assumption, default_assumptions, in_force
from siting.datasets import KOREA_HELD_BACK_MW
from siting.settings import HEADROOM_MW_BY_KV, LINE_RATINGS, RESIDUAL_FRACTION
from tests import toy

distributed = pytest.importorskip("distributed") if not os.environ.get("CI") else __import__("distributed")

# renewable_share=0 leaves the renewable flows out: the same plan here, at half the solve time
KOREA = siting.Scenario(target_mw=1000, grid_spacing_km=40, min_host_provinces=1, renewable_share=0.0)
TOY = siting.Scenario(target_mw=300, name="toy", grid_spacing_km=5, min_host_provinces=1, **toy.EXACT)


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as c,
        distributed.Client(c) as cl,
    ):
        yield cl


def _same_inputs(
    a: tuple[siting.SitingData, siting.Scenario], b: tuple[siting.SitingData, siting.Scenario]
) -> bool:
    """Whether two (data, scenario) pairs hold the same layers and the same scenario."""
    (da, sa), (db, sb) = a, b
    if sa != sb:
        return False
    for name, frame in da.layers().items():
        try:
            pd.testing.assert_frame_equal(frame, db.layers()[name])
        except AssertionError:
            return False
    return True


# --- (c) the assumptions: values in force, sources, and ends that change the inputs ----------------


def test_each_assumption_value_reproduces_the_default(korea):
    sc = siting.Scenario.from_toml("scenarios/korea_default.toml")
    items = default_assumptions(korea, sc)
    assert len({a.name for a in items}) == len(items) >= 20
    for a in items:
        assert _same_inputs(a.apply(korea, sc, a.value), (korea, sc)), a.name
        assert a.low <= a.value <= a.high and a.low < a.high, a.name
        assert a.source, a.name
        end = a.low if a.low != a.value else a.high  # an end of the range really changes the inputs
        assert not _same_inputs(a.apply(korea, sc, end), (korea, sc)), a.name


def test_korean_values_are_the_documented_ones(korea):
    a = {x.name: x for x in default_assumptions(korea, KOREA)}
    for kv in (154, 345, 765):
        r = a[f"line_rating_{kv}kv"]
        assert r.value == pytest.approx(LINE_RATINGS["kepco"].rating_mw(kv, "ac"))
        assert r.low == pytest.approx(LINE_RATINGS["pypsa_earth"].rating_mw(kv, "ac"))
        assert r.high == pytest.approx(LINE_RATINGS["kepco"].rating_mw(kv, "ac") / 0.95)
    assert a["residual_fraction"].value == RESIDUAL_FRACTION
    assert a["headroom_154kv"].value == HEADROOM_MW_BY_KV[154]
    assert a["headroom_345kv"].value == HEADROOM_MW_BY_KV[345]
    assert a["held_back_east"].value == pytest.approx(KOREA_HELD_BACK_MW["east_coast"], abs=0.01)
    assert a["held_back_west"].value == pytest.approx(KOREA_HELD_BACK_MW["west_coast"], abs=0.01)
    assert a["cost_site_per_mw"].value == KOREA.costs.site_per_mw
    assert all(x.source.startswith(("ASSUMPTION", "low:")) for x in a.values())


def test_a_range_must_hold_the_value():
    with pytest.raises(siting.ScenarioError, match=r"low 2.0 <= value 1.0"):
        Assumption("x", "x", "MW", 1.0, 2.0, 3.0, "ASSUMPTION", lambda d, s, v: (d, s))


def test_the_summary_names_the_assumptions_in_force(korea):
    line = in_force(korea, KOREA)
    assert line.startswith(
        "Assumptions: lines kepco (pf 0.95), line rating 154/345/765 kV 430/2,064/6,926 MW"
    )
    assert "headroom 154/345 kV 150/600 MW" in line and "held back east/west 7,000/3,200 MW" in line
    assert "\n" not in line and len(line) < 400


# --- (a) the table against plain re-solves, Korea at 40 km ------------------------------------------


@pytest.mark.slow  # 38 s; in the quick tier the toy tests below check the table by hand and by a solve
def test_table_objectives_equal_plain_resolves_on_korea(korea, korea_generic_154, client):
    a = {x.name: x for x in default_assumptions(korea, KOREA)}
    # the low end of each (the high end is set to the value: the base, not solved again)
    picked = [dataclasses.replace(a[n], high=a[n].value) for n in ("line_rating_154kv", "residual_fraction")]
    out = siting.sensitivity(korea, KOREA, assumptions=picked, client=client, progress=False)
    t = out.table.set_index("assumption")
    # by hand: 154 kV circuits at PyPSA-Earth's rating (conftest); 15 % residual outside the corridors
    lines, weak = korea.lines, korea_generic_154
    assert weak.lines["residual_mw"].sum() < korea.lines["residual_mw"].sum()
    plain = lines["corridor"].fillna("").eq("")
    thin = korea.replace(
        lines=lines.assign(residual_mw=lines.residual_mw.where(~plain, lines.capacity_mw * 0.15))
    )
    for name, data in (("line_rating_154kv", weak), ("residual_fraction", thin)):
        again = siting.solve(data, KOREA)
        assert t.at[name, "status_low"] == str(again.status) == "optimal"
        assert t.at[name, "objective_low"] == pytest.approx(again.objective, rel=2 * KOREA.mip_gap)
        # less line capacity never makes the plan cheaper
        assert t.at[name, "objective_low"] >= t.at[name, "objective_base"] * (1 - 2 * KOREA.mip_gap)
        assert t.at[name, "objective_high"] == t.at[name, "objective_base"]  # the base, reused
        assert t.at[name, "moved_mw_high"] == 0 and t.at[name, "kept_high"] == 1
    assert out.base.summary().splitlines()[-1] == in_force(korea, KOREA)


# --- (b) the table's shape, plan distance, order and an infeasible end, on the toy data -------------


def _scale_headroom(data, sc, v):
    return data.replace(substations=data.substations.assign(headroom_mw=data.substations.headroom_mw * v)), sc


def _west_site_cost(data, sc, v):
    return data, sc.replace(costs=dataclasses.replace(sc.costs, site_per_mw_by_province={"KR-T2": v}))


@pytest.fixture(scope="module")
def toy_run(toy_data, client):
    items = [
        Assumption("subsidy", "subsidy", "KRW bn/MW", 0.1, 0.05, 0.2, "ASSUMPTION: test", _subsidy),
        Assumption(
            "west_site", "West site cost", "KRW bn/MW", 0.5, 0.5, 50.0, "ASSUMPTION: test", _west_site_cost
        ),
        Assumption("headroom", "headroom scale", "x", 1.0, 0.01, 1.0, "ASSUMPTION: test", _scale_headroom),
    ]
    return siting.sensitivity(toy_data, TOY, assumptions=items, client=client, progress=False)


def _subsidy(data, sc, v):
    return data, sc.replace(costs=dataclasses.replace(sc.costs, subsidy_per_mw=v))


def test_toy_table_shape_order_and_infeasible_end(toy_run, toy_data):
    t = toy_run.table
    assert t.columns.tolist() == [
        "assumption", "description", "unit", "low", "value", "high", "source",
        "objective_low", "objective_base", "objective_high", "status_low", "status_high", "swing",
        "moved_mw_low", "moved_mw_high", "kept_low", "kept_high", "error",
    ]  # fmt: skip
    # the end without a plan first, then the larger swing
    assert t["assumption"].iat[0] == "headroom" and set(t["assumption"]) == {
        "headroom",
        "west_site",
        "subsidy",
    }
    h = t.iloc[0]
    assert h["status_low"] == "infeasible" and math.isnan(h["objective_low"]) and math.isnan(h["swing"])
    assert math.isnan(h["moved_mw_low"]) and math.isnan(h["kept_low"])
    assert t.iloc[1]["swing"] >= t.iloc[2]["swing"] > 0
    mw = toy_run.mw_by_province
    assert mw.columns.tolist() == sorted(toy_data.provinces["code"])
    assert len(mw) == 1 + 2 * 3 and mw.loc[("headroom", "low")].isna().all()
    base = siting.solve(toy_data, TOY)
    assert t.iloc[0]["objective_base"] == pytest.approx(base.objective, rel=1e-6)
    # the subsidy moves the cost by target x change, and no campus
    s = t.set_index("assumption").loc["subsidy"]
    assert s["swing"] == pytest.approx(base.total_mw * (0.2 - 0.05), rel=1e-6)
    assert s["moved_mw_low"] == s["moved_mw_high"] == 0 and s["kept_low"] == s["kept_high"] == 1


def test_toy_plan_distance_by_hand(toy_run):
    base = toy_run.base
    dear = toy_run.result("west_site", "high")
    b = base.sites.groupby("province")["capacity_mw"].sum()
    d = dear.sites.groupby("province")["capacity_mw"].sum()
    assert b.get("KR-T2", 0) > 0 and d.get("KR-T2", 0) == 0  # dear land empties the West
    moved = 0.5 * sum(abs(d.get(p, 0) - b.get(p, 0)) for p in set(b.index) | set(d.index))
    keys = lambda r: {(s, m) for s, m in zip(r.sites["site_id"], r.sites["capacity_mw"], strict=True)}  # noqa: E731
    kept = len(keys(base) & keys(dear)) / len(keys(base))
    row = toy_run.table.set_index("assumption").loc["west_site"]
    assert row["moved_mw_high"] == pytest.approx(moved) and moved >= b["KR-T2"]
    assert row["kept_high"] == pytest.approx(kept) and kept < 1
    assert row["moved_mw_low"] == 0 and row["objective_low"] == row["objective_base"]


# --- (d) the tornado ----------------------------------------------------------------------------


def test_tornado_draws_a_bar_pair_per_assumption(toy_run):
    ax = siting.plot_tornado(toy_run)
    t = toy_run.table
    for end in ("low", "high"):
        bars = [p for p in ax.patches if p.get_gid() == f"siting-tornado-{end}"]
        assert len(bars) == len(t)
    labels = ax.get_yticklabels()
    assert [lab.get_text() for lab in labels] == t["description"].tolist()
    assert labels[0].get_position()[1] == max(lab.get_position()[1] for lab in labels)  # the largest on top
    texts = [x.get_text() for x in ax.texts]
    assert "0.01x: infeasible" in texts and "50 KRW bn/MW" in texts
    lost = next(p for p in ax.patches if p.get_gid() == "siting-tornado-low" and p.get_hatch())
    assert lost.get_width() > 0
    assert len(toy_run.plot(top=2).patches) == 4
    import matplotlib.pyplot as plt

    plt.close("all")


def test_sensitivity_rejects_repeated_names(toy_data):
    a = default_assumptions(toy_data, TOY)[0]
    with pytest.raises(siting.UsageError, match="distinct"):
        siting.sensitivity(toy_data, TOY, assumptions=[a, a])
