"""Export links (issue 23): a link built carries held-back generation out, so it can hurt campuses.

A project's ``export_mw`` is a fixed draw at its ``from_id`` when built and
leaves ``added_mw - export_mw`` per unit for the campuses' flows. The brute
force here models it in the data alone, sharing nothing with the families:
the plant at ``from_id`` offers ``export_mw x units`` less supply and the
link becomes a line of ``(added_mw - export_mw) x units``. In the transport
model that is exact whenever the plant covers the export (any plan drawing
part of the export over lines can take it from the plant instead, with less
flow and no dearer), so the least total over every build must equal the
optimum of one reinforcing solve.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import siting
from siting.families import Network, Reinforcement
from siting.reinforcements import projects
from siting.testing import assert_result_valid

from .test_reinforcement import PROJECTS, brute_force, candidates, middle, with_units

#: The toy's plants by the substation they supply (tests/toy.py): s-west 350 MW, s-east 400 MW.
PLANT_AT = {"s-west": "p-west", "s-east": "p-east"}

#: A link west -> mid2 whose 100 MW carry 60 MW of the West's held-back generation out, 40 for campuses.
EXPORT = dict(project_id="exp", kind="hvdc", from_id="s-west", to_id="s-mid2", capacity_mw=100.0,
              cost_krw_bn=5.0, export_mw=60.0)  # fmt: skip


def built(data: siting.SitingData, units: dict[str, int]) -> siting.SitingData:
    """``data`` with the projects built into its layers, the exports as less supply at ``from_id``."""
    table = projects(data).set_index("project_id")
    out = with_units(data, units)
    lines, plants = out.lines.copy(), out.plants.copy()
    for pid, k in units.items():
        p = table.loc[pid]
        if k == 0 or p.export_mw == 0:
            continue
        row = lines.line_id == f"built_{pid}"
        lines.loc[row, ["residual_mw", "capacity_mw"]] = (p.added_mw - p.export_mw) * k
        at = plants.plant_id == PLANT_AT[p.from_id]
        assert float(plants.loc[at, "supply_mw"].iloc[0]) >= p.export_mw * k  # the brute force's premise
        plants.loc[at, "supply_mw"] -= p.export_mw * k
    return out.replace(lines=lines, plants=plants)


def units_of(res) -> dict[str, int]:
    return res.reinforcements.set_index("project_id")["units_built"].to_dict()


@pytest.mark.parametrize(
    ("target_mw", "headroom", "cost", "forced"),
    [
        # the link's 40 MW for campuses vs its 60 MW taken from the West
        pytest.param(100, {"s-mid": 0}, 5.0, (), marks=pytest.mark.slow),
        (100, {"s-mid": 0}, 0.01, ()),  # cheap: built, its 40 MW shorter than L3 + L4
        (200, None, 5.0, ()),  # infeasible without a project
        (200, None, 5.0, ("exp",)),  # the export link built whatever it does
    ],
)
def test_brute_force_with_an_export_link(target_mw, headroom, cost, forced):
    data, sc = middle(headroom, target_mw=target_mw)
    data = data.replace(
        reinforcements=candidates([PROJECTS[0], {**EXPORT, "cost_krw_bn": cost}, PROJECTS[3]])
    )
    res = siting.solve(data, sc.replace(reinforce=True, build_projects=forced))
    best, _ = brute_force(data, sc, build=built, forced=forced)
    if best is None:
        assert res.status == "infeasible"
        return
    assert res.status == "optimal"
    assert res.objective == pytest.approx(best, rel=1e-7, abs=1e-6)
    assert_result_valid(res, data)
    row = res.reinforcements.set_index("project_id").loc["exp"]
    assert row.export_mw == pytest.approx(60.0 * row.units_built)
    assert abs(row.line_flow_mw) <= 40.0 * row.units_built + 1e-6


def hungry(export_mw: float):
    """80 MW at s-mid2 (s-mid full), fed over L3 from the West (350 MW) or L5 from the East (400 MW).

    Candidates: a link from the West to the capital region carrying ``export_mw`` of the West's
    generation out (useless to campuses: no campus may sit in the capital region).
    """
    data, sc = middle({"s-mid": 0}, target_mw=80)
    link = dict(project_id="ec", kind="hvdc", from_id="s-west", to_id="s-cap", capacity_mw=340.0,
                cost_krw_bn=50.0, export_mw=export_mw)  # fmt: skip
    return data.replace(reinforcements=candidates([link])), sc.replace(reinforce=True)


def test_forcing_an_export_link_makes_the_plan_dearer():
    """The West's supply is used up by the export, so the campus draws on supply farther away."""
    data, sc = hungry(330.0)
    free = siting.solve(data, sc)
    forced = siting.solve(data, sc.replace(build_projects=("ec",)))
    assert free.status == forced.status == "optimal"
    assert units_of(free) == {"ec": 0} and units_of(forced) == {"ec": 1}  # the optimum would not build it
    for res in (free, forced):
        assert_result_valid(res, data)
    plan = forced.objective - forced.costs["reinforcement"]
    assert plan > free.objective + 1e-6  # dearer beyond the link's own cost
    west = forced.substations.set_index("substation_id").loc["s-west"]
    assert west.export_mw == pytest.approx(330.0)
    assert west.supply_used_mw == pytest.approx(west.supply_mw)  # used up: 330 out, 20 to the campus
    assert forced.reinforcements.set_index("project_id").at["ec", "export_mw"] == pytest.approx(330.0)
    assert "exports 330 MW of today's held-back generation, forced" in forced.summary()
    used = free.substations.set_index("substation_id")["supply_used_mw"]
    assert west.supply_used_mw - west.export_mw < used["s-west"] - 1.0  # less of the West for the campus
    # the same link without its export hurts nothing: the plan stays as cheap
    plain = siting.solve(hungry(0.0)[0], sc.replace(build_projects=("ec",)))
    assert plain.objective - plain.costs["reinforcement"] == pytest.approx(free.objective, rel=1e-9)


def test_forcing_an_export_link_can_make_the_plan_infeasible():
    """100 MW at s-mid2, L7 cut: L5's 40 MW from the East, s-mid's 20 and 40 from the West over L3.

    The export leaves the West 10 MW (and the link 10 MW from the capital region): 80 MW in all.
    """
    data, sc = hungry(340.0)
    lines = data.lines.assign(residual_mw=data.lines.residual_mw.where(data.lines.line_id != "L7", 0.0))
    data, sc = data.replace(lines=lines), sc.replace(target_mw=100)
    free = siting.solve(data, sc)
    assert free.status == "optimal" and units_of(free) == {"ec": 0}
    res = siting.solve(data, sc.replace(build_projects=("ec",)))
    assert res.status == "infeasible"
    assert res.diagnosis.max_achievable_mw < 100.0
    assert set(res.diagnosis.limits["family"]) == {"supply"}


def test_export_link_in_the_dc_model():
    """DC power flow: 320 MW out of the West costs the plan more, 330 MW leaves no plan (the flows
    follow the reactances, so less of the remaining supply reaches s-mid2 than in the transport model)."""
    data, sc = hungry(0.0)
    sc = sc.replace(flow_model="dc", build_projects=("ec",))
    plain = siting.solve(data, sc)
    assert_result_valid(plain, data)
    data, _ = hungry(320.0)
    res = siting.solve(data, sc)
    assert_result_valid(res, data)
    assert res.objective > plain.objective + 1e-6
    assert res.substations.set_index("substation_id").at["s-west", "export_mw"] == pytest.approx(320.0)
    assert siting.solve(hungry(330.0)[0], sc).status == "infeasible"


@pytest.fixture(scope="module")
def exporting():
    data, sc = hungry(330.0)
    res = siting.solve(data, sc.replace(build_projects=("ec",)))
    assert res.status == "optimal"
    return data, res


def test_check_fails_when_the_export_is_dropped(exporting):
    data, res = exporting
    assert_result_valid(res, data)
    table = res.reinforcements.assign(export_mw=0.0)
    with pytest.raises(AssertionError, match="export_mw is not the project's export_mw x units"):
        Reinforcement.check(dataclasses.replace(res, reinforcements=table), data, 1e-6)
    subs = res.substations.copy()
    west = subs.substation_id == "s-west"
    subs.loc[west, "supply_used_mw"] -= subs.loc[west, "export_mw"]  # supply used without the export
    with pytest.raises(AssertionError, match="node balance broken at \\['s-west'\\]"):
        Network.check(dataclasses.replace(res, substations=subs), data, 1e-6)
    subs = res.substations.assign(export_mw=0.0)
    with pytest.raises(AssertionError, match="substations' export_mw differs"):
        Network.check(dataclasses.replace(res, substations=subs), data, 1e-6)
    free = dataclasses.replace(res, scenario=res.scenario.replace(build_projects=()))
    unbuilt = res.reinforcements.assign(units_built=0, built=False, cost_krw_bn=0.0, export_mw=0.0)
    with pytest.raises(AssertionError, match="build_projects not built: \\['ec'\\]"):
        Reinforcement.check(dataclasses.replace(res, reinforcements=unbuilt), data, 1e-6)
    Reinforcement.check(dataclasses.replace(free, reinforcements=res.reinforcements), data, 1e-6)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"export_mw": -1.0}, "column 'export_mw': outside 0..capacity_mw in \\['ec'\\]; fix:"),
        ({"export_mw": 341.0}, "column 'export_mw': outside 0..capacity_mw in \\['ec'\\]; fix:"),
        ({"export_mw": np.inf}, "column 'export_mw': outside 0..capacity_mw in \\['ec'\\]; fix:"),
        ({"kind": "substation", "substation_id": "s-west"}, "column 'export_mw': given in \\['ec'\\].*fix:"),
    ],
)
def test_bad_export_mw_is_refused(changes, message):
    data, _ = hungry(330.0)
    layer = data.reinforcements.drop(columns="geometry").assign(**changes)
    with pytest.raises(siting.DataError, match="layer 'reinforcements', " + message):
        data.replace(reinforcements=layer)


def test_build_projects_is_validated():
    data, sc = hungry(330.0)
    with pytest.raises(siting.ScenarioError, match="'build_projects': \\['nope'\\] are not projects.*fix:"):
        siting.solve(data, sc.replace(build_projects=("ec", "nope")))
    with pytest.raises(siting.ScenarioError, match="'build_projects'.*needs reinforce=True.*fix:"):
        sc.replace(reinforce=False, build_projects=("ec",))
    with pytest.raises(siting.ScenarioError, match="'build_projects'.*fix:"):
        sc.replace(build_projects="ec")
    forced = sc.replace(build_projects=["ec"])
    assert forced.build_projects == ("ec",)
    assert siting.Scenario.from_dict(forced.to_dict()) == forced
    assert 'build_projects = ["ec"]' in forced.to_toml()


def test_project_values_release_a_forced_project(exporting):
    """Re-solved without the forced export link, the plan is the free optimum: the link costs the campuses."""
    data, res = exporting
    values = siting.project_values(data, res).set_index("project_id")
    free = siting.solve(data, res.scenario.replace(build_projects=()))
    assert values.at["ec", "objective_without_krw_bn"] == pytest.approx(free.objective, rel=1e-9)
    assert values.at["ec", "saves_krw_bn"] < 0


def test_pypsa_export_draws_the_export(exporting):
    """The PyPSA network balances: supply used (with the export) against campuses and the export load."""
    data, res = exporting
    n = res.to_pypsa(data=data)
    loads = n.loads.set_index("bus")["p_set"].groupby(level=0).sum()
    campus = res.substations.set_index("substation_id")["load_mw"]
    assert loads["s-west"] - campus.get("s-west", 0.0) == pytest.approx(330.0)
    assert n.generators["p_set"].sum() == pytest.approx(n.loads["p_set"].sum())


def test_bundled_exports_fit_the_held_back_generation():
    """The East Coast stages together carry out no more than the east coast's supply for new load."""
    data = siting.load_korea()
    table = projects(data).set_index("project_id")
    assert (table["export_mw"] <= table["added_mw"]).all()
    east = data.plants.loc[data.plants["export_region"] == "east_coast", "supply_mw"].sum()
    stages = table.loc[["KR-HVDC-EC1", "KR-HVDC-EC2"], "export_mw"]
    assert (stages > 0).all() and stages.sum() <= east + 0.01  # plants.csv rounds each share to 1 kW
    assert table.at["KR-HVDC-WS1", "export_mw"] == 0.0  # Honam solar is not supply for new load


def test_east_coast_stages_start_where_their_export_can_reach(korea):
    """Each East Coast stage leaves from the bus where plants.csv attaches Hanul, and the network can
    bring that bus its export over residual capacities (a max-flow from every supply for new load):
    a larger export than the bus can ever receive would make any plan that builds the stage infeasible."""
    from siting.grid import build_grid, deliverable_mw

    table = projects(korea).set_index("project_id")
    hanul = korea.plants.loc[korea.plants["name"].eq("Hanul"), "substation_id"]
    nodes = korea.substations["substation_id"].tolist()
    G = build_grid(korea, siting.Scenario.korea_default())
    for stage in ("KR-HVDC-EC1", "KR-HVDC-EC2"):
        start = table.at[stage, "from_id"]
        reach = deliverable_mw(G, nodes, only=np.array([n == start for n in nodes]))[nodes.index(start)]
        assert reach >= table.at[stage, "export_mw"], (stage, reach)
        assert hanul.tolist() == [start], stage


def test_forcing_the_first_east_coast_stage_is_feasible(korea):
    """Forced with its bundled 4,000 MW export, stage 1 leaves a 1 GW plan feasible (from the 765 kV
    Sin-Hanul bus it was infeasible: the ties inside the Hanul complex could not carry the export).

    Only stage 1 is offered and the renewable rules are off, so the solve stays a few seconds."""
    layer = korea.reinforcements
    data = korea.replace(reinforcements=layer[layer["project_id"].eq("KR-HVDC-EC1")])
    sc = siting.Scenario(target_mw=1000, grid_spacing_km=30, renewable_share=0.0, renewable_build=(),
                         reinforce=True, build_projects=("KR-HVDC-EC1",))  # fmt: skip
    res = siting.solve(data, sc)
    assert res.status == "optimal", str(res.diagnosis)
    row = res.reinforcements.set_index("project_id").loc["KR-HVDC-EC1"]
    assert row["built"] and row["units_built"] == 1
    assert_result_valid(res, data)
