"""N-1 security: every single outage re-checked from the result's own tables, with a DC flow written here."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import siting
from siting.grid import build_grid, islands, lodf
from siting.testing import assert_result_valid
from tests.toy import EXACT


def _dc_flows(lines, nodes: list[str], injection: dict[str, float]) -> dict[str, float]:
    """DC power flow, dense: B theta = p on each connected part, flow = (theta_a - theta_b) / x."""
    G = nx.MultiGraph()
    G.add_nodes_from(nodes)
    for r in lines.itertuples():
        G.add_edge(r.from_id, r.to_id, key=r.line_id)
    x = dict(zip(lines["line_id"], lines["reactance"], strict=True))
    flows = {}
    for part in nx.connected_components(G):
        part = sorted(part)
        idx = {n: i for i, n in enumerate(part)}
        B = np.zeros((len(part), len(part)))
        edges = [(u, v, k) for u, v, k in G.edges(part, keys=True)]
        for u, v, k in edges:
            b = 1.0 / x[k]
            B[idx[u], idx[u]] += b
            B[idx[v], idx[v]] += b
            B[idx[u], idx[v]] -= b
            B[idx[v], idx[u]] -= b
        p = np.array([injection[n] for n in part])
        assert abs(p.sum()) < 1e-6, "an island must balance on its own"
        theta = np.zeros(len(part))
        theta[1:] = np.linalg.solve(B[1:, 1:], p[1:]) if len(part) > 1 else []
        ends = lines.set_index("line_id")
        for _, _, k in edges:
            a, b_ = ends.at[k, "from_id"], ends.at[k, "to_id"]
            flows[k] = (theta[idx[a]] - theta[idx[b_]]) / x[k]
    return flows


def _outage_overloads(res: siting.SitingResult, data: siting.SitingData) -> tuple[dict, int]:
    """(outage -> {line: MW over residual}) for outages that keep the network connected; islanding count."""
    lines = res.lines.merge(data.lines[["line_id", "reactance"]], on="line_id")
    subs = res.substations.set_index("substation_id")
    p = (subs["supply_used_mw"] - subs["load_mw"]).to_dict()
    for r in lines[lines["kind"] == "hvdc"].itertuples():
        p[r.from_id] -= r.flow_mw
        p[r.to_id] += r.flow_mw
    ac = lines[lines["kind"] == "ac"]
    base_parts = nx.number_connected_components(
        nx.MultiGraph([(r.from_id, r.to_id) for r in ac.itertuples()])
    )
    base = _dc_flows(ac, list(subs.index), p)
    # the result's own flows are a DC flow of its injections
    for lid, f in base.items():
        assert f == pytest.approx(lines.set_index("line_id").at[lid, "flow_mw"], abs=1e-5)
    out, islanding = {}, 0
    for k in lines.itertuples():
        inj = dict(p)
        rest = ac[ac["line_id"] != k.line_id]
        if k.kind == "hvdc":  # its flow now goes over the AC lines
            inj[k.from_id] += k.flow_mw
            inj[k.to_id] -= k.flow_mw
            rest = ac
        H = nx.MultiGraph([(r.from_id, r.to_id) for r in rest.itertuples()])
        H.add_nodes_from(ac["from_id"])
        H.add_nodes_from(ac["to_id"])
        if nx.number_connected_components(H) > base_parts or (
            k.kind == "hvdc" and not nx.has_path(H, k.from_id, k.to_id)
        ):
            islanding += 1
            continue
        flows = _dc_flows(rest, list(subs.index), inj)
        over = {}
        for r in rest.itertuples():
            mw = abs(flows[r.line_id]) + abs(r.renewable_flow_mw) - max(r.residual_mw, 0.0)
            if mw > 1e-4:
                over[r.line_id] = mw
        if over:
            out[k.line_id] = over
    return out, islanding


def test_n_minus_1_needs_the_dc_model():
    with pytest.raises(siting.ScenarioError, match="flow_model='dc'"):
        siting.Scenario(target_mw=100, n_minus_1=True)
    with pytest.raises(siting.ScenarioError, match="n_minus_1"):
        siting.Scenario(target_mw=100, flow_model="dc", n_minus_1="yes")


def test_n_minus_1_plan_survives_every_outage(toy_hvdc_data):
    """Without N-1 losing L3 or L6 overloads L5 (30 MW residual); with it no outage overloads any line."""
    sc = siting.Scenario(target_mw=600, flow_model="dc", **EXACT)
    plain = siting.solve(toy_hvdc_data, sc)
    over, _ = _outage_overloads(plain, toy_hvdc_data)
    assert "L5" in over.get("L3", {}), "the check must be able to fail: losing L3 overloads L5"
    secure = siting.solve(toy_hvdc_data, sc.replace(n_minus_1=True))
    assert secure.status == "optimal"
    over, islanding = _outage_overloads(secure, toy_hvdc_data)
    assert over == {}
    assert secure.objective >= plain.objective - 1e-9
    assert secure.objective > plain.objective + 1.0  # security costs something here
    # L1 (to the capital) and L4 (to Middle Two) are radial: left out and counted
    assert islanding == 2
    assert secure.security["islanding_outages"] == islanding
    assert secure.security["outages"] == len(toy_hvdc_data.lines) - islanding
    assert_result_valid(secure, toy_hvdc_data)


def test_family_check_catches_an_insecure_plan(toy_hvdc_data):
    """The family's own re-check (used by assert_result_valid) rejects the plain plan."""
    from siting.families import Security

    plain = siting.solve(toy_hvdc_data, siting.Scenario(target_mw=600, flow_model="dc", **EXACT))
    with pytest.raises(AssertionError, match="N-1"):
        Security.check(plain, toy_hvdc_data, 1e-6)


def test_lodf_matches_outaged_dc_flows(toy_hvdc_data):
    """Post-outage flows from the factors equal a DC flow solved on the network without the line."""
    G = build_grid(toy_hvdc_data)
    (area,) = islands(G, ac_only=True)
    rows, cols, D, isl = lodf(G, area)
    lines = toy_hvdc_data.lines
    ac = lines[lines["kind"] == "ac"]
    rng = np.random.default_rng(0)
    p = dict(zip(area, rng.normal(size=len(area)), strict=True))
    p[area[0]] -= sum(p.values())
    base = _dc_flows(ac, area, p)
    assert sorted(cols[j] for j in np.flatnonzero(isl)) == ["L1", "L4"]
    for j, k in enumerate(cols):
        if isl[j]:
            continue
        inj, rest = dict(p), ac[ac["line_id"] != k]
        if k == "H1":  # 10 MW on the HVDC link, lost
            inj["s-east"] += 10.0
            inj["s-mid2"] -= 10.0
            rest, fk = ac, 10.0
        else:
            fk = base[k]
        after = _dc_flows(rest, area, inj)
        for i, e in enumerate(rows):
            expect = after.get(e, 0.0) if e != k else 0.0
            assert base[e] + D[i, j] * fk == pytest.approx(expect, abs=1e-9)


def test_n_minus_1_elastic_diagnosis(toy_hvdc_data):
    """A target beyond the supply: the diagnosis solves its elastic models with post-outage rows too."""
    sc = siting.Scenario(
        target_mw=900, flow_model="dc", n_minus_1=True, renewable_share=0.0, renewable_build=()
    )  # no new build: its peak credit would supply the target
    res = siting.solve(toy_hvdc_data, sc)
    assert res.status == "infeasible"
    d = res.diagnosis
    assert d.necessary == [] and d.cut_short == ""
    assert set(d.limits["family"]) <= {"supply", "lines", "renewable"} and len(d.limits)
    assert (d.upgrades["mw_per_mw"] > 0).all() and len(d.upgrades)


def test_korea_islanding_outages_are_the_bridges(korea):
    """The outages the factors call islanding are exactly the AC bridges that networkx finds."""
    ac = korea.lines[korea.lines["kind"] == "ac"]
    S = nx.Graph()
    for r in ac.itertuples():
        if S.has_edge(r.from_id, r.to_id):
            S[r.from_id][r.to_id]["lines"].append(r.line_id)
        else:
            S.add_edge(r.from_id, r.to_id, lines=[r.line_id])
    bridges = {S[u][v]["lines"][0] for u, v in nx.bridges(S) if len(S[u][v]["lines"]) == 1}
    G = build_grid(korea)
    found = set()
    for part in islands(G, ac_only=True):
        _, cols, D, isl = lodf(G, part)
        found |= {cols[j] for j in np.flatnonzero(isl)}
        assert np.isfinite(D[:, ~isl]).all()
    assert found == bridges


def test_rows_from_the_relaxation_change_the_rounds_not_the_plan(toy_hvdc_data, monkeypatch):
    """Post-outage rows separated on the LP relaxation are in the model before the first integer solve;
    the optimum is the one found with rows from integer solves only."""
    import siting.model
    from siting.families import Security

    real = siting.model.solve_problem
    rows_at_first_solve: list[int] = []

    def spy(prob, **kw):
        if not rows_at_first_solve:
            rows_at_first_solve.append(sum(name.startswith("n1_") for name in prob.constraints))
        return real(prob, **kw)

    monkeypatch.setattr(siting.model, "solve_problem", spy)
    sc = siting.Scenario(target_mw=600, flow_model="dc", n_minus_1=True, **EXACT)
    with_relaxation = siting.solve(toy_hvdc_data, sc)
    assert rows_at_first_solve[0] > 0
    rows_at_first_solve.clear()
    monkeypatch.setattr(Security, "separates", False)
    without = siting.solve(toy_hvdc_data, sc)
    assert rows_at_first_solve == [0]
    assert with_relaxation.status == without.status == "optimal"
    assert with_relaxation.objective == pytest.approx(without.objective, rel=1e-9)
    assert _outage_overloads(with_relaxation, toy_hvdc_data)[0] == {}
