"""The network family: DC power-flow physics (Kirchhoff, node balance, HVDC) against the transport model."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import siting
from siting.families import Network
from siting.testing import assert_result_valid
from tests.toy import EXACT


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
    # no renewable share: solar built for one would supply the load locally, and the link would idle
    "toy_hvdc_dc": ("toy_hvdc", dict(target_mw=700, flow_model="dc", renewable_share=0.0)),
    "toy_hvdc_dc_hosts": (
        "toy_hvdc",
        dict(target_mw=600, flow_model="dc", min_host_provinces=3, province_share_cap=0.34),
    ),
}


@pytest.mark.parametrize("case", list(DC_CASES))
def test_dc_flow_kirchhoff(request, case):
    data_name, kw = DC_CASES[case]
    data = request.getfixturevalue(f"{data_name}_data")
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
    assert (subs["supply_used_mw"] <= subs["supply_mw"] + subs["build_peak_mw"] + 1e-6).all()
    assert (subs["supply_used_mw"] >= -1e-6).all()
    assert load.sum() >= kw["target_mw"] - 1e-6
    if data_name == "toy_hvdc":  # premise: the HVDC link is in use, so its flow enters the balance
        assert (res.lines.loc[res.lines["kind"] == "hvdc", "flow_mw"].abs() > 1.0).any()


def test_dc_never_cheaper_than_transport(toy_data):
    """The DC optimum can never beat the transport optimum (its flows are a special case)."""
    data = toy_data
    for kw in (dict(target_mw=750), dict(target_mw=700, min_host_provinces=3, province_share_cap=0.34)):
        tr = siting.solve(data, siting.Scenario(grid_spacing_km=5, **EXACT, **kw))
        dc = siting.solve(data, siting.Scenario(grid_spacing_km=5, flow_model="dc", **EXACT, **kw))
        assert str(tr.status) == "optimal" and str(dc.status) == "optimal"
        assert dc.objective >= tr.objective - 1e-6 * abs(tr.objective)


def test_network_check_catches_a_circulating_flow(toy_data):
    """The family's KVL check (a cycle basis, not the PTDFs) rejects a loop flow transport allows."""
    res = siting.solve(toy_data, siting.Scenario(target_mw=750, grid_spacing_km=5, flow_model="dc", **EXACT))
    assert_result_valid(res, toy_data)
    loop = _ac_cycles(toy_data.lines)[0]
    for lid, sign in loop:  # a circulation keeps node balance and (here) line limits
        res.lines.loc[res.lines.line_id == lid, "flow_mw"] += sign * 1.0
    with pytest.raises(AssertionError, match="Kirchhoff"):
        Network.check(res, toy_data, 1e-3)
