"""Reinforcements chosen with the campuses (issue 23): brute force over every build, on toys.

The brute force shares nothing with the family's formulation: for each
number of units of each project it writes the projects into the data
themselves (an uprate raises its line's ``residual_mw``, a substation
project its ``headroom_mw``, a new AC line or HVDC link becomes a row of the
lines layer with its reactance divided by the units built, so that DC power
flow treats it as one more line), solves the plan with ``reinforce=False``,
and adds the projects' cost. The least total over every build must be the
optimum of one solve with ``reinforce=True``.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pandas as pd
import pytest
import shapely

import siting
from siting.families import Network, Reinforcement
from siting.reinforcements import projects
from siting.testing import assert_result_valid

from . import toy
from .toy import EXACT, MIDDLE_ONLY

KINDS = {"ac_line": "ac", "hvdc": "hvdc"}


def candidates(rows: list[dict]) -> pd.DataFrame:
    """A reinforcements layer from partial rows (every project a toy ASSUMPTION)."""
    cols = ["project_id", "name", "kind", "source", "line_id", "from_id", "to_id", "substation_id",
            "capacity_mw", "uprate_factor", "cost_krw_bn", "cost_per_km_krw_bn", "voltage_kv",
            "reactance", "max_units", "export_mw", "earliest_year"]  # fmt: skip
    out = pd.DataFrame(
        [{"name": r["project_id"], "source": "ASSUMPTION: toy", **r} for r in rows], columns=cols
    )
    out["max_units"] = out["max_units"].fillna(1).astype(int)
    return out


def with_units(data: siting.SitingData, units: dict[str, int]) -> siting.SitingData:
    """``data`` with each project built ``units[project_id]`` times, written into its layers."""
    table = projects(data).set_index("project_id")
    lines = data.lines.copy()
    subs = data.substations.copy()
    points = subs.set_index("substation_id").geometry
    new = []
    for pid, k in units.items():
        p = table.loc[pid]
        if k == 0:
            continue
        if p.kind == "uprate":
            lines.loc[lines.line_id == p.line_id, "residual_mw"] += p.added_mw * k
        elif p.kind == "substation":
            subs.loc[subs.substation_id == p.substation_id, "headroom_mw"] += p.added_mw * k
        else:
            new.append(
                {
                    "line_id": f"built_{pid}",
                    "from_id": p.from_id,
                    "to_id": p.to_id,
                    "voltage_kv": 345,
                    "circuits": k,
                    "residual_mw": p.added_mw * k,
                    "capacity_mw": p.added_mw * k,
                    "kind": KINDS[p.kind],
                    "name": pid,
                    "length_km": p.length_km,
                    "reactance": p.reactance / k if p.kind == "ac_line" else np.nan,
                    "geometry": shapely.LineString([points[p.from_id], points[p.to_id]]),
                }
            )
    if new:
        lines = pd.concat([lines, pd.DataFrame(new)], ignore_index=True)
    return data.replace(lines=lines, substations=subs, reinforcements=None)


def brute_force(
    data: siting.SitingData, sc: siting.Scenario, *, build=None, forced: tuple[str, ...] = ()
) -> tuple[float | None, dict[str, int] | None]:
    """The least plan + project cost over every number of units of every project (None: none feasible).

    ``build(data, units)`` writes the projects into the data (default :func:`with_units`); the
    projects of ``forced`` are built at least once.
    """
    table = projects(data)
    build = build or with_units
    best: tuple[float | None, dict[str, int] | None] = (None, None)
    ranges = [
        range(1 if p in forced else 0, int(k) + 1)
        for p, k in zip(table.project_id, table.max_units, strict=True)
    ]
    for combo in itertools.product(*ranges):
        units = dict(zip(table["project_id"], combo, strict=True))
        res = siting.solve(build(data, units), sc.replace(reinforce=False, build_projects=()))
        if res.status != "optimal":
            continue
        total = res.objective + float((table["cost_krw_bn"] * np.array(combo)).sum())
        if best[0] is None or total < best[0] - 1e-9:
            best = (total, units)
    return best


def solve_both(data, sc):
    """The reinforcing solve (checked) and the brute force."""
    res = siting.solve(data, sc.replace(reinforce=True))
    if res.status == "optimal":
        assert_result_valid(res, data)
    return res, brute_force(data, sc)


def assert_agree(res, brute):
    total, units = brute
    if total is None:
        assert res.status == "infeasible"
        return
    assert res.status == "optimal"
    assert res.objective == pytest.approx(total, rel=1e-7, abs=1e-6)
    return units


def middle(headroom=None, surplus_mw=None, **changes):
    """The toy with only the middle province open (s-mid, s-mid2 in reach), L3 cut to 50 MW, L5 to 40.

    ``headroom`` replaces substations' ``headroom_mw`` (by id), ``surplus_mw`` gives provinces a
    renewable surplus (by code; see ``toy.renewable_layers``); ``changes`` scenario fields.
    """
    layers = (
        toy.renewable_layers(surplus_mw=surplus_mw, renewables=[toy.WIND_WEST])
        if surplus_mw
        else toy.layers()
    )
    subs = layers["substations"]
    for sid, mw in (headroom or {}).items():
        subs.loc[subs.substation_id == sid, "headroom_mw"] = mw
    lines = layers["lines"]
    lines.loc[lines.line_id == "L3", "residual_mw"] = 50.0
    lines.loc[lines.line_id == "L5", "residual_mw"] = 40.0
    return siting.SitingData(**layers), siting.Scenario(**MIDDLE_ONLY, **EXACT).replace(**changes)


#: An uprate of L3 (x 1.1: +206 MW), an HVDC link west -> mid2, a 2-unit AC line west -> mid2,
#: more headroom at s-mid2 (2 units of 50 MW).
PROJECTS = [
    dict(project_id="up3", kind="uprate", line_id="L3", uprate_factor=1.1, cost_per_km_krw_bn=0.5),
    dict(project_id="hv", kind="hvdc", from_id="s-west", to_id="s-mid2", capacity_mw=100.0, cost_krw_bn=40.0),
    dict(project_id="ac", kind="ac_line", from_id="s-west", to_id="s-mid2", capacity_mw=60.0, cost_krw_bn=12,
         voltage_kv=154, max_units=2),
    dict(project_id="sub", kind="substation", substation_id="s-mid2", capacity_mw=50.0, cost_krw_bn=3.0,
         max_units=2),
]  # fmt: skip


def cheap(pid: str, cost: float = 0.01) -> list[dict]:
    """:data:`PROJECTS` with project ``pid`` costing ``cost``."""
    return [{**p, "cost_krw_bn": cost} if p["project_id"] == pid else p for p in PROJECTS]


#: The cases, each for both flow models: (target, headroom, projects, what the optimum does).
BUILD_CASES = [
    (100, None, PROJECTS, "not built"),  # today's grid serves it: no project is worth its cost
    # s-mid full: the campus goes to s-mid2; feasible without, but the cheap link west -> mid2
    # is shorter than L3 + L4 and saves more transmission than it costs
    (100, {"s-mid": 0}, cheap("hv"), "built"),
    (200, None, PROJECTS, "needed"),  # infeasible without any project
    (400, None, PROJECTS, "infeasible"),  # beyond the headroom with every expansion built
    ("renewable", None, PROJECTS, "needed"),  # the renewable energy shares the lines, new and uprated
    ("loading", None, PROJECTS, "needed"),  # lines loaded to 90 % of their capacity, uprates included
]
#: The quick tier keeps one case a project is built in per flow model; the rest run in the slow tier.
QUICK_BUILDS = {("transport", 100, "built"), ("dc", 200, "needed")}


@pytest.mark.parametrize(
    ("flow_model", "target_mw", "headroom", "rows", "expect"),
    [
        pytest.param(flow, *case, marks=() if (flow, case[0], case[3]) in QUICK_BUILDS else pytest.mark.slow)
        for case in BUILD_CASES
        for flow in ("transport", "dc")
    ],
)
def test_brute_force_over_every_build(flow_model, target_mw, headroom, rows, expect):
    if target_mw == "renewable":  # 60 MW average must come from the West's surplus, over L3 and new lines
        surplus = {"KR-T2": 300.0}
        data, sc = middle(headroom, surplus, target_mw=200, flow_model=flow_model, renewable_share=0.375)
    elif target_mw == "loading":
        data, sc = middle(headroom, target_mw=200, flow_model=flow_model, max_line_loading=0.9)
    else:
        data, sc = middle(headroom, target_mw=target_mw, flow_model=flow_model)
    data = data.replace(reinforcements=candidates(rows))
    res, brute = solve_both(data, sc)
    units = assert_agree(res, brute)
    if expect == "infeasible":
        assert units is None
        return
    built = res.reinforcements.set_index("project_id")["units_built"].to_dict()
    assert units is not None and (sum(units.values()) > 0) == (expect != "not built")
    assert (sum(built.values()) > 0) == (expect != "not built")
    today = siting.solve(data, sc)
    assert today.status == ("infeasible" if expect == "needed" else "optimal")
    if expect == "built":  # worth building although today's grid serves it
        assert res.objective < today.objective - 1e-6


def kirchhoff_case(l3_mw: float, target_mw: float, flow_model: str = "dc"):
    """Only the modular AC line west -> mid2 as a candidate; L3 at ``l3_mw``, L5 at 40 MW."""
    layers = toy.layers()
    lines = layers["lines"]
    lines.loc[lines.line_id == "L3", "residual_mw"] = l3_mw
    lines.loc[lines.line_id == "L5", "residual_mw"] = 40.0
    data = siting.SitingData(**layers).replace(reinforcements=candidates([PROJECTS[2]]))
    return data, siting.Scenario(**MIDDLE_ONLY, **EXACT).replace(target_mw=target_mw, flow_model=flow_model)


@pytest.mark.parametrize(("l3_mw", "target_mw", "units"), [(50, 150, 2), (120, 200, 1)])
def test_new_ac_line_follows_kirchhoff(l3_mw, target_mw, units):
    """In the DC model the new line takes the share of flow its reactance gives it, moving L3's and L4's."""
    data, sc = kirchhoff_case(l3_mw, target_mw)
    res, brute = solve_both(data, sc)
    assert assert_agree(res, brute) == {"ac": units}
    row = res.reinforcements.set_index("project_id").loc["ac"]
    assert row.units_built == units and abs(row.line_flow_mw) > 1.0
    # the angle difference west -> mid2 read on the new line (units in parallel) and on L3 + L4
    x = data.lines.set_index("line_id")["reactance"]
    f = res.lines.set_index("line_id")["flow_mw"]
    x_new = projects(data).set_index("project_id").at["ac", "reactance"] / units
    assert x_new * row.line_flow_mw == pytest.approx(x["L3"] * f["L3"] + x["L4"] * f["L4"], abs=1e-6)
    # the physics costs something: the transport model, where flows go where they are cheapest, does better
    transport = siting.solve(data, sc.replace(reinforce=True, flow_model="transport"))
    assert transport.objective < res.objective - 1e-6


def test_reduced_equals_naive_with_reinforcements():
    """The exact reduction and the effective headroom, taken with every project built, keep the optimum.

    s-mid2 has no headroom today and L3 no residual: bounds taken on today's grid would leave no option
    at s-mid2 and 50 MW at s-mid (L5's 40 MW and 20 MW of solar); the projects make 200 MW possible.
    """
    data, sc = middle({"s-mid2": 0}, target_mw=200, flow_model="dc", grid_spacing_km=3)
    lines = data.lines.assign(residual_mw=data.lines["residual_mw"].where(data.lines.line_id != "L3", 0.0))
    data = data.replace(lines=lines, reinforcements=candidates(PROJECTS))
    sc = sc.replace(reinforce=True)
    reduced = siting.solve(data, sc)
    naive = siting.solve(data, sc, reduce=False)
    assert reduced.status == naive.status == "optimal"
    assert reduced.objective == pytest.approx(naive.objective, rel=1e-9)
    assert reduced.model_size["options"] < naive.model_size["options"]
    assert reduced.reinforcements["units_built"].sum() > 0
    for res in (reduced, naive):
        assert_result_valid(res, data)


def test_cbc_agrees_with_highs():
    data, sc = middle(target_mw=200, flow_model="dc")
    data = data.replace(reinforcements=candidates(PROJECTS))
    highs = siting.solve(data, sc.replace(reinforce=True, solver="highs"))
    cbc = siting.solve(data, sc.replace(reinforce=True, solver="cbc"))
    assert highs.status == cbc.status == "optimal"
    assert cbc.objective == pytest.approx(highs.objective, rel=1e-6)
    assert_result_valid(cbc, data)


@pytest.fixture(scope="module")
def built_plan():
    """A DC plan that builds an uprate of L3 (x 1.02: +41 MW) and both units of the AC line west -> mid2."""
    data, sc = kirchhoff_case(50, 200)
    data = data.replace(reinforcements=candidates([{**PROJECTS[0], "uprate_factor": 1.02}, PROJECTS[2]]))
    res = siting.solve(data, sc.replace(reinforce=True))
    assert res.status == "optimal"
    assert (res.reinforcements["units_built"] > 0).all()
    return data, res


def corrupt(res, **units):
    """A copy of ``res`` whose reinforcements table says other units were built (costs consistent)."""
    table = res.reinforcements.copy()
    for pid, k in units.items():
        table.loc[table.project_id == pid, "units_built"] = k
    table["built"] = table["units_built"] > 0
    table["cost_krw_bn"] = table["unit_cost_krw_bn"] * table["units_built"]
    costs = {**res.costs, "reinforcement": float(table["cost_krw_bn"].sum())}
    return dataclasses.replace(res, reinforcements=table, costs=costs, objective=sum(costs.values()))


def test_checks_pass_on_the_plan(built_plan):
    data, res = built_plan
    assert_result_valid(res, data)
    assert_result_valid(corrupt(res), data)  # the corruption alone changes nothing
    assert "Reinforcements built: up3" in res.summary()
    l3 = res.lines.set_index("line_id").loc["L3"]  # the uprate lets L3 carry more than today's residual
    assert l3.uprated_mw == pytest.approx(0.02 * l3.capacity_mw)
    assert abs(l3.flow_mw) > l3.residual_mw + 1.0 and l3.loading <= 1 + 1e-9


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ({"up3": 0}, "lines over residual capacity"),  # L3's flow above today's residual: not built
        (
            {"ac": 0},
            "new lines carry more than \\(added_mw - export_mw\\) x units",
        ),  # flow on a line not built
        ({"ac": 1}, "new lines carry more|Kirchhoff"),  # one unit: 60 MW, and twice the reactance
        ({"ac": 3}, "outside 0..max_units"),
    ],
)
def test_check_fails_on_a_corrupted_result(built_plan, units, message):
    data, res = built_plan
    with pytest.raises(AssertionError, match=message):
        assert_result_valid(corrupt(res, **units), data)


def test_check_fails_on_a_wrong_cost(built_plan):
    data, res = built_plan
    bad = corrupt(res)
    bad = dataclasses.replace(bad, costs={**bad.costs, "reinforcement": bad.costs["reinforcement"] + 1.0})
    with pytest.raises(AssertionError, match="reinforcement cost term"):
        Reinforcement.check(bad, data, 1e-6)


def test_kirchhoff_check_sees_the_new_line(built_plan):
    """1 MW round the cycle the new line closes (west -> mid2, back over L4 and L3), and the circulation
    round today's cycle that keeps its law: balanced, within every capacity, today's cycle right, and
    still against Kirchhoff's voltage law around the new one."""
    from siting.families.network import ac_cycles

    data, res = built_plan
    x = data.lines.set_index("line_id")["reactance"]
    ac = data.lines[data.lines.kind == "ac"]
    (today,) = ac_cycles(zip(ac.line_id, ac.from_id, ac.to_id, strict=True))  # the toy has one
    sign = dict(today)
    eps = sign["L3"] * x["L3"] / float(sum(x[lid] for lid in sign))  # today's cycle: -x3 + eps sum x = 0
    flow = res.lines.set_index("line_id")["flow_mw"].copy()
    flow[["L3", "L4"]] -= 1.0
    for lid, s in sign.items():
        flow[lid] += s * eps
    table = res.reinforcements.copy()
    table.loc[table.project_id == "ac", "line_flow_mw"] += 1.0
    lines = res.lines.assign(flow_mw=flow.reindex(res.lines.line_id).to_numpy())
    bad = dataclasses.replace(res, reinforcements=table, lines=lines)
    with pytest.raises(AssertionError, match="Kirchhoff's voltage law broken around .*'ac'"):
        Network.check(bad, data, 1e-6)
    transport = dataclasses.replace(bad, scenario=res.scenario.replace(flow_model="transport"))
    Network.check(transport, data, 1e-6)  # the same flows break nothing else


def test_reinforce_needs_projects(toy_data):
    with pytest.raises(siting.ScenarioError, match="no reinforcement projects.*fix:"):
        siting.solve(toy_data, siting.Scenario(target_mw=100, grid_spacing_km=5, reinforce=True))


def test_reinforce_round_trips():
    sc = siting.Scenario(target_mw=100, reinforce=True, flow_model="dc", n_minus_1=True)
    assert siting.Scenario.from_dict(sc.to_dict()) == sc
    assert "reinforce = true" in sc.to_toml()
    with pytest.raises(siting.ScenarioError, match="'reinforce'"):
        siting.Scenario(target_mw=100, reinforce="yes")


@pytest.mark.parametrize(
    "target_mw", [pytest.param(100, marks=pytest.mark.slow), 150, pytest.param(200, marks=pytest.mark.slow)]
)
def test_brute_force_with_n_minus_1(target_mw):
    """N-1 with an uprate, an HVDC link (an outage too) and a substation project; today's grid fails all."""
    data, sc = middle(target_mw=target_mw, flow_model="dc", n_minus_1=True)
    data = data.replace(reinforcements=candidates([PROJECTS[0], PROJECTS[1], PROJECTS[3]]))
    res, brute = solve_both(data, sc)
    units = assert_agree(res, brute)
    assert (units is None) == (target_mw == 200)
    assert siting.solve(data, sc).status == "infeasible"
    if units is not None:
        assert res.reinforcements.set_index("project_id").at["hv", "units_built"] == units["hv"] == 1


def test_n_minus_1_refuses_new_ac_lines():
    data, sc = middle(target_mw=100, flow_model="dc", n_minus_1=True)
    data = data.replace(reinforcements=candidates([PROJECTS[2]]))
    with pytest.raises(siting.ScenarioError, match="'n_minus_1'.*new AC line.*fix:"):
        siting.solve(data, sc.replace(reinforce=True))


def test_diagnosis_works_with_reinforcements():
    """Infeasible even with every project: the elastic diagnosis runs with the family on (DC model).

    s-mid2 has no headroom today and there is no uprate: the most within every limit (200 MW) needs
    the expansion at s-mid2 and the new lines into it, so the diagnosis's models must offer them.
    """
    data, sc = middle({"s-mid2": 0}, target_mw=240, flow_model="dc")
    data = data.replace(reinforcements=candidates(PROJECTS[1:]))
    res = siting.solve(data, sc.replace(reinforce=True))
    assert res.status == "infeasible" and res.reinforcements is None
    assert not res.diagnosis.necessary and len(res.diagnosis.limits)
    assert res.diagnosis.max_achievable_mw == pytest.approx(200.0)
    today = siting.solve(data, sc.replace(target_mw=150))  # today's grid: at most 110 MW of supply
    assert today.status == "infeasible" and today.diagnosis.max_achievable_mw <= 110.0


def test_geopackage_has_the_reinforcements_layer(built_plan, tmp_path):
    import pyogrio

    data, res = built_plan
    path = res.to_file(tmp_path / "plan.gpkg")
    layers = dict(pyogrio.list_layers(path))
    assert "reinforcements" in layers
    import geopandas as gpd

    back = gpd.read_file(path, layer="reinforcements")
    assert back.set_index("project_id")["units_built"].to_dict() == {"up3": 1, "ac": 2}


def test_dc_refuses_a_new_ac_line_between_ac_islands():
    """s-mid2 reached by HVDC alone (L4 dropped): a new AC line to it closes no cycle of today's AC lines."""
    layers = toy.hvdc_layers()
    layers["lines"] = layers["lines"][layers["lines"].line_id != "L4"]
    data = siting.SitingData(**layers).replace(reinforcements=candidates([PROJECTS[2]]))
    sc = siting.Scenario(**MIDDLE_ONLY, **EXACT).replace(target_mw=100, reinforce=True)
    assert siting.solve(data, sc).status == "optimal"  # the transport model takes it
    with pytest.raises(siting.ScenarioError, match="'ac'.*do not connect.*fix: make it an 'hvdc'"):
        siting.solve(data, sc.replace(flow_model="dc"))


def test_project_values_against_the_brute_force():
    """What each project built saves: the least plan + project cost over every build without it."""
    data, sc = middle(target_mw=200, flow_model="dc")
    data = data.replace(reinforcements=candidates(PROJECTS))
    res = siting.solve(data, sc.replace(reinforce=True))
    values = siting.project_values(data, res).set_index("project_id")
    assert list(values.index) == list(res.reinforcements.loc[res.reinforcements.built, "project_id"])
    table = projects(data)
    for pid, row in values.iterrows():
        ranges = [
            range(1) if p == pid else range(int(k) + 1)
            for p, k in zip(table.project_id, table.max_units, strict=True)
        ]
        best = None
        for combo in itertools.product(*ranges):
            plan = siting.solve(with_units(data, dict(zip(table.project_id, combo, strict=True))), sc)
            if plan.status == "optimal":
                total = plan.objective + float((table.cost_krw_bn * np.array(combo)).sum())
                best = total if best is None else min(best, total)
        if best is None:
            assert row.status_without == "infeasible" and row.saves_krw_bn == np.inf
            assert row.campuses_moved == len(res.sites)
        else:
            assert row.objective_without_krw_bn == pytest.approx(best, rel=1e-7)
            assert row.saves_krw_bn == pytest.approx(best - res.objective, rel=1e-7, abs=1e-6)
            assert row.saves_krw_bn >= -1e-6  # holding a project back never makes the optimum cheaper


def test_project_values_needs_a_reinforcing_plan(toy_data):
    res = siting.solve(toy_data, siting.Scenario(target_mw=100, grid_spacing_km=5, min_host_provinces=1))
    with pytest.raises(siting.UsageError, match="reinforce=True"):
        siting.project_values(toy_data, res)


def test_project_values_of_the_projects_asked_for():
    """``only`` values the projects named, as the full call values them, and refuses one not built."""
    from tests.test_reinforcement_maps import reinforced_case

    data, sc = reinforced_case()  # builds up3, hv and sub (2 units); not ac
    res = siting.solve(data, sc)
    every = siting.project_values(data, res).set_index("project_id")
    assert sorted(every.index) == ["hv", "sub", "up3"]
    some = siting.project_values(data, res, only=["sub", "hv"]).set_index("project_id")
    assert sorted(some.index) == ["hv", "sub"]
    pd.testing.assert_frame_equal(some.sort_index(), every.loc[["hv", "sub"]].sort_index())
    with pytest.raises(siting.UsageError, match=r"only=\['ac'\].*fix:"):
        siting.project_values(data, res, only=["ac"])
