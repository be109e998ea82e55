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

import itertools

import numpy as np
import pandas as pd
import pytest
import shapely

import siting
from siting.families import Reinforcement
from siting.reinforcements import projects
from siting.testing import assert_result_valid

from . import toy
from .toy import EXACT, MIDDLE_ONLY

KINDS = {"ac_line": "ac", "hvdc": "hvdc"}


def candidates(rows: list[dict]) -> pd.DataFrame:
    """A reinforcements layer from partial rows (every project a toy ASSUMPTION)."""
    cols = ["project_id", "name", "kind", "source", "line_id", "from_id", "to_id", "substation_id",
            "capacity_mw", "uprate_factor", "cost_krw_bn", "cost_per_km_krw_bn", "voltage_kv",
            "reactance", "max_units"]  # fmt: skip
    out = pd.DataFrame([{"name": r["project_id"], "source": "ASSUMPTION: toy", **r} for r in rows], columns=cols)
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


def brute_force(data: siting.SitingData, sc: siting.Scenario) -> tuple[float | None, dict[str, int] | None]:
    """The least plan + project cost over every number of units of every project (None: none feasible)."""
    table = projects(data)
    best: tuple[float | None, dict[str, int] | None] = (None, None)
    for combo in itertools.product(*(range(int(k) + 1) for k in table["max_units"])):
        units = dict(zip(table["project_id"], combo, strict=True))
        res = siting.solve(with_units(data, units), sc.replace(reinforce=False))
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


def middle(headroom=None, **changes):
    """The toy with only the middle province open (s-mid, s-mid2 in reach), L3 cut to 50 MW, L5 to 40.

    ``headroom`` replaces substations' ``headroom_mw`` (by id); ``changes`` scenario fields.
    """
    layers = toy.layers()
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
    dict(project_id="ac", kind="ac_line", from_id="s-west", to_id="s-mid2", capacity_mw=60.0, cost_krw_bn=12.0,
         voltage_kv=154, max_units=2),
    dict(project_id="sub", kind="substation", substation_id="s-mid2", capacity_mw=50.0, cost_krw_bn=3.0,
         max_units=2),
]  # fmt: skip


def cheap(pid: str, cost: float = 0.01) -> list[dict]:
    """:data:`PROJECTS` with project ``pid`` costing ``cost``."""
    return [{**p, "cost_krw_bn": cost} if p["project_id"] == pid else p for p in PROJECTS]


@pytest.mark.parametrize("flow_model", ["transport", "dc"])
@pytest.mark.parametrize(
    ("target_mw", "headroom", "rows", "expect"),
    [
        (100, None, PROJECTS, "not built"),  # today's grid serves it: no project is worth its cost
        # s-mid full: the campus goes to s-mid2; feasible without, but the cheap link west -> mid2
        # is shorter than L3 + L4 and saves more transmission than it costs
        (100, {"s-mid": 0}, cheap("hv"), "built"),
        (200, None, PROJECTS, "needed"),  # infeasible without any project
        (400, None, PROJECTS, "infeasible"),  # beyond the headroom with every expansion built
    ],
)
def test_brute_force_over_every_build(flow_model, target_mw, headroom, rows, expect):
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
