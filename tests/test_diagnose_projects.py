"""The diagnosis names reinforcement projects (issue 23): built by the least relaxation, or why not built.

Each case is a toy where one status fires, and the words are checked against what the
projects do when they are built (another solve), not against the code that names them.
"""

from __future__ import annotations

import pytest

import siting
from siting.export import diagnosis_table

from .test_reinforcement import PROJECTS, candidates, middle

#: An uprate of L2 (West - West Two), a line the campuses' supply does not need.
UP2 = dict(project_id="up2", kind="uprate", line_id="L2", uprate_factor=2.0, cost_per_km_krw_bn=0.5)
#: More headroom at s-mid, from 2032.
SUB_MID = dict(project_id="subm", kind="substation", substation_id="s-mid", capacity_mw=20.0, cost_krw_bn=1.0,
               earliest_year=2032)  # fmt: skip


def most_mw(data: siting.SitingData, sc: siting.Scenario) -> float:
    """The most MW within every limit: the target when feasible, else the diagnosis's."""
    res = siting.solve(data, sc)
    return sc.target_mw if res.status == "optimal" else res.diagnosis.max_achievable_mw


def test_supply_shortage_names_the_projects_across_the_cut():
    """L3 and L5 are full: the supply Middle Two lacks must cross them, or come by a new link.

    Named: the uprate of L3 and both links into s-mid2, each of which alone raises the most MW
    within every limit when built; not named: the uprate of L2 (it raises nothing) and the
    headroom project at s-mid2 (headroom does not bind).
    """
    data, sc = middle(target_mw=200)
    data = data.replace(reinforcements=candidates([*PROJECTS, UP2]))
    res = siting.solve(data, sc)
    assert res.status == "infeasible" and set(res.diagnosis.limits["family"]) == {"supply"}
    found = res.diagnosis.projects.set_index("project_id")
    assert sorted(found.index) == ["ac", "hv", "up3"]
    assert set(found["status"]) == {"not offered"}
    assert found["text"].str.contains("fix: Scenario\\(reinforce=True\\)").all()
    assert (found["limits"] == "supply Middle Two").all()
    today = res.diagnosis.max_achievable_mw
    for pid in ["ac", "hv", "up3", "up2", "sub"]:
        alone = data.replace(
            reinforcements=candidates([p for p in [*PROJECTS, UP2] if p["project_id"] == pid])
        )
        gain = most_mw(alone, sc.replace(reinforce=True, build_projects=(pid,))) - today
        assert (gain > 1.0) == (pid in found.index), (pid, gain)
    assert "reinforcement projects that would act on these limits, not built (3)" in str(res.diagnosis)
    rows = diagnosis_table(res.diagnosis)
    assert sorted(rows.loc[rows["family"] == "project", "id"]) == ["ac", "hv", "up3"]
    assert siting.solve(data.replace(reinforcements=None), sc).diagnosis.projects.empty


def test_dc_diagnosis_names_what_it_builds_and_the_ac_line_it_holds():
    """240 MW in the DC model: infeasible even with the link and both headroom units built.

    The relaxed DC model cannot offer the new AC line (no big-M is valid with the line limits
    relaxed), so it is named as held, with the fix; the transport model, which builds it, meets
    the target.
    """
    data, sc = middle({"s-mid2": 0}, target_mw=240, flow_model="dc")
    data = data.replace(reinforcements=candidates(PROJECTS[1:]))
    res = siting.solve(data, sc.replace(reinforce=True))
    assert res.status == "infeasible"
    found = res.diagnosis.projects.set_index("project_id")
    assert list(found["status"]) == ["built", "built", "held"]
    assert found.loc[["hv", "sub"], "units_built"].tolist() == [1, 2]
    assert found.loc["sub", "cost_krw_bn"] == pytest.approx(6.0)
    assert "flow_model='transport'" in found.loc["ac", "text"]
    words = str(res.diagnosis)
    assert (
        "reinforcement hv (hv; hvdc, +100 MW per unit) is built by the least relaxation: 1 of 1 unit" in words
    )
    assert siting.solve(data, sc.replace(reinforce=True, flow_model="transport")).status == "optimal"


def test_headroom_names_the_project_the_year_leaves_out():
    """Two 50 MW campuses fit at s-mid's 90 MW only with 10 MW more headroom, which s-mid's project adds."""
    data, sc = middle({"s-mid": 90, "s-mid2": 70}, target_mw=150)
    lines = data.lines.assign(residual_mw=1000.0)
    data = data.replace(lines=lines, reinforcements=candidates([SUB_MID]))
    off = siting.solve(data, sc).diagnosis.projects
    assert off[["project_id", "status", "limits"]].values.tolist() == [
        ["subm", "not offered", "headroom Middle"]
    ]
    early = siting.solve(data, sc.replace(reinforce=True, year=2030))
    assert early.status == "infeasible"
    [text] = early.diagnosis.projects.loc[early.diagnosis.projects["status"] == "not available", "text"]
    assert "earliest_year 2032 is after the scenario's year 2030; fix: a later year" in text
    late = siting.solve(data, sc.replace(reinforce=True, year=2032))
    assert late.status == "optimal" and late.reinforcements.set_index("project_id").at["subm", "built"]


def test_headroom_short_before_any_solve_says_what_unoffered_projects_add():
    """The target exceeds the headroom in reach (a necessary condition, no relaxation solved): the
    words add what the substation projects the scenario does not offer would add, and the fix."""
    data, sc = middle({"s-mid": 100, "s-mid2": 0}, target_mw=150)
    sub = {**SUB_MID, "capacity_mw": 50.0}
    data = data.replace(lines=data.lines.assign(residual_mw=1000.0), reinforcements=candidates([sub]))
    [off] = siting.solve(data, sc).diagnosis.necessary
    assert off.endswith("would add 50 MW there; fix: Scenario(reinforce=True)")
    [early] = siting.solve(data, sc.replace(reinforce=True, year=2030)).diagnosis.necessary
    assert "earliest_year after the scenario's year 2030" in early
    assert siting.solve(data, sc.replace(reinforce=True, year=2032)).status == "optimal"
    [bare] = siting.solve(data.replace(reinforcements=None), sc).diagnosis.necessary
    assert bare.endswith("reachable from allowed sites")
