"""Solver agreement, DC power-flow physics and exactness of the option reduction."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import siting

from . import toy

pytest.importorskip("highspy")

#: Tight gap so that two solvers' optima are comparable at 1e-6.
EXACT = dict(mip_gap=1e-9, time_limit_s=120)


def _toy() -> siting.SitingData:
    return siting.SitingData(**toy.layers())


def _toy_hvdc() -> siting.SitingData:
    """Toy grid with corridor L5 cut to 30 MW and an HVDC link s-east -> s-mid2 around it."""
    layers = toy.layers()
    lines = layers["lines"]
    lines["residual_mw"] = [
        30.0 if lid == "L5" else r for lid, r in zip(lines["line_id"], lines["residual_mw"], strict=True)
    ]
    hvdc = pd.DataFrame(
        [
            dict(
                line_id="H1",
                from_id="s-east",
                to_id="s-mid2",
                voltage_kv=154,
                circuits=1,
                kind="hvdc",
                capacity_mw=200.0,
                residual_mw=100.0,
            )
        ]
    )
    layers["lines"] = pd.concat([lines, hvdc], ignore_index=True)
    return siting.SitingData(**layers)


DATA = {"toy": _toy, "toy_hvdc": _toy_hvdc}


@pytest.fixture(scope="module")
def korea() -> siting.SitingData:
    return siting.load_korea()


def _both(data, **kw):
    cbc = siting.solve(data, siting.Scenario(solver="cbc", **EXACT, **kw))
    highs = siting.solve(data, siting.Scenario(solver="highs", **EXACT, **kw))
    return cbc, highs


def _assert_same_optimum(cbc, highs):
    assert str(cbc.status) == "optimal" and str(highs.status) == "optimal", (cbc.status, highs.status)
    assert cbc.objective == pytest.approx(highs.objective, rel=1e-6, abs=1e-6)
    for r in (cbc, highs):
        assert r.total_mw >= r.scenario.target_mw - 1e-6
        assert r.objective == pytest.approx(sum(r.costs.values()), rel=1e-9, abs=1e-9)


# -- CBC and HiGHS -------------------------------------------------------------------

TOY_SCENARIOS = {
    "transport": dict(target_mw=300),
    "transport_spacing_renewable": dict(target_mw=300, min_spacing_km=10.0, renewable_share=0.4),
    "transport_hosts": dict(
        target_mw=600, tiers_mw=(100, 200, 300), min_host_provinces=3, province_share_cap=0.34
    ),
    "dc": dict(target_mw=750, flow_model="dc"),
    "dc_hosts": dict(target_mw=600, flow_model="dc", min_host_provinces=3, province_share_cap=0.34),
}


@pytest.mark.parametrize("data_name", list(DATA))
@pytest.mark.parametrize("name", list(TOY_SCENARIOS))
def test_cbc_highs_agree_toy(data_name, name):
    data = DATA[data_name]()
    cbc, highs = _both(data, grid_spacing_km=5, **TOY_SCENARIOS[name])
    assert cbc.model_size["candidates"] > 50  # a real grid of candidates
    _assert_same_optimum(cbc, highs)


def test_cbc_highs_agree_korea(korea):
    cbc, highs = _both(korea, target_mw=2000, grid_spacing_km=10)
    _assert_same_optimum(cbc, highs)


# -- DC power flow ---------------------------------------------------------------------


def _ac_cycles(lines: pd.DataFrame) -> list[list[tuple[str, int]]]:
    """Cycle basis of the AC network as lists of (line_id, +1/-1 orientation along the cycle).

    Every line becomes its own node between its endpoints, so parallel lines
    form cycles too and the cycle basis of a simple graph applies.
    """
    ac = lines[lines["kind"] == "ac"]
    H = nx.Graph()
    ends = {}
    for r in ac.itertuples():
        ln = ("line", r.line_id)
        ends[r.line_id] = (r.from_id, r.to_id)
        H.add_edge(("sub", r.from_id), ln)
        H.add_edge(ln, ("sub", r.to_id))
    cycles = []
    for cyc in nx.cycle_basis(H):
        k = len(cyc)
        out = []
        for i, node in enumerate(cyc):
            if node[0] != "line":
                continue
            prev, nxt = cyc[i - 1][1], cyc[(i + 1) % k][1]
            a, b = ends[node[1]]
            assert {prev, nxt} == {a, b}
            out.append((node[1], 1 if (prev, nxt) == (a, b) else -1))
        cycles.append(out)
    return cycles


def _kvl_residuals(cycles, flow: dict, reactance: dict) -> list[tuple[float, float]]:
    """Per cycle: (signed sum of reactance x flow, sum of |reactance x flow|)."""
    out = []
    for cyc in cycles:
        terms = [sign * reactance[lid] * flow[lid] for lid, sign in cyc]
        out.append((float(sum(terms)), float(sum(abs(t) for t in terms))))
    return out


DC_CASES = {
    "toy_dc": ("toy", dict(target_mw=750, flow_model="dc")),
    "toy_dc_hosts": (
        "toy",
        dict(target_mw=700, flow_model="dc", min_host_provinces=3, province_share_cap=0.34),
    ),
    "toy_hvdc_dc": ("toy_hvdc", dict(target_mw=700, flow_model="dc")),
    "toy_hvdc_dc_hosts": (
        "toy_hvdc",
        dict(target_mw=600, flow_model="dc", min_host_provinces=3, province_share_cap=0.34),
    ),
}


@pytest.mark.parametrize("case", list(DC_CASES))
def test_dc_flow_kirchhoff(case):
    data_name, kw = DC_CASES[case]
    data = DATA[data_name]()
    res = siting.solve(data, siting.Scenario(grid_spacing_km=5, **EXACT, **kw))
    assert str(res.status) == "optimal"

    flow = dict(zip(res.lines["line_id"], res.lines["flow_mw"], strict=True))
    reactance = dict(zip(data.lines["line_id"], data.lines["reactance"], strict=True))
    cycles = _ac_cycles(data.lines)
    assert cycles, "the toy AC grid has a loop"

    # Kirchhoff's voltage law around every independent AC cycle
    kvl = _kvl_residuals(cycles, flow, reactance)
    for (resid, scale), cyc in zip(kvl, cycles, strict=True):
        assert abs(resid) <= 1e-7 + 1e-6 * scale, f"KVL broken on cycle {cyc}: {resid} (scale {scale})"
    # the check is not vacuous: some loop carries flow, and a circulating flow would be caught
    assert max(scale for _, scale in kvl) > 0.1
    loop = cycles[0]
    circ = dict(flow)
    for lid, sign in loop:
        circ[lid] += sign * 5.0
    resid, scale = _kvl_residuals([loop], circ, reactance)[0]
    assert abs(resid) > 1e-3

    # node balance at every substation, HVDC included, from the result tables alone
    subs = res.substations.set_index("substation_id")
    load = res.sites.groupby("substation_id")["capacity_mw"].sum().reindex(subs.index, fill_value=0.0)
    assert np.allclose(subs["load_mw"], load)
    net_in = pd.Series(0.0, index=subs.index)
    for r in res.lines.itertuples():
        net_in[r.to_id] += r.flow_mw
        net_in[r.from_id] -= r.flow_mw
        assert abs(r.flow_mw) <= r.residual_mw + 1e-5, f"line {r.line_id} over its residual capacity"
    balance = subs["supply_used_mw"] - load + net_in
    tol = 1e-5  # MW: the solvers' primal feasibility tolerance
    assert (balance.abs() < tol).all(), balance[balance.abs() >= tol].to_dict()
    assert (subs["supply_used_mw"] <= subs["supply_mw"] + 1e-6).all()
    assert (subs["supply_used_mw"] >= -1e-6).all()
    assert load.sum() >= kw["target_mw"] - 1e-6
    if data_name == "toy_hvdc":  # premise: the HVDC link is in use, so its flow enters the balance
        assert (res.lines.loc[res.lines["kind"] == "hvdc", "flow_mw"].abs() > 1.0).any()


def test_dc_never_cheaper_than_transport():
    """The DC optimum can never beat the transport optimum (its flows are a special case)."""
    data = _toy()
    for kw in (dict(target_mw=750), dict(target_mw=700, min_host_provinces=3, province_share_cap=0.34)):
        tr = siting.solve(data, siting.Scenario(grid_spacing_km=5, **EXACT, **kw))
        dc = siting.solve(data, siting.Scenario(grid_spacing_km=5, flow_model="dc", **EXACT, **kw))
        assert str(tr.status) == "optimal" and str(dc.status) == "optimal"
        assert dc.objective >= tr.objective - 1e-6 * abs(tr.objective)


# -- the option reduction ----------------------------------------------------------------


def test_reduction_exact_korea(korea):
    sc = siting.Scenario(target_mw=1500, grid_spacing_km=10, **EXACT)
    reduced = siting.solve(korea, sc)
    full = siting.solve(korea, sc, reduce=False)
    assert str(reduced.status) == "optimal" and str(full.status) == "optimal"
    # the reduction did drop options, and the full model kept all of them
    assert reduced.model_size["options"] < reduced.model_size["options_all"]
    assert full.model_size["options"] == full.model_size["options_all"]
    assert reduced.objective == pytest.approx(full.objective, rel=1e-6, abs=1e-6)
