"""The network: flows on residual line capacity balance supply for new load against campus load.

One capacity per line: the campus supply flow and the renewable-energy flow
(:mod:`siting.families.renewable`) share each line's residual capacity, and
the renewable family adds the joint row ``|flow| + |renewable flow| <=
residual`` on the flow variables this family leaves in
``SitingModel.line_flows``. This is conservative: flows in opposite
directions do not cancel, and the renewable flow (an average) is reserved on
top of the peak campus flow.

Transport model by default (flows limited by capacity, node balance); with
``flow_model = "dc"`` AC flows follow the PTDFs of each synchronous area and
HVDC links stay controllable. The family also owns the transmission cost
term (MW x km of new flow).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import pulp

from .._utils import safe_name
from ..constants import LINES, NETWORK, SUPPLY
from ..grid import islands, ptdf
from ._base import Family, linear, value

if TYPE_CHECKING:
    from ..data import SitingData
    from ..model import SitingModel, Solution
    from ..result import SitingResult

__all__ = ["Network", "sorted_edges"]


def sorted_edges(G: nx.MultiGraph) -> list[tuple[str, dict[str, Any]]]:
    """The network's lines as (line_id, attributes), in line_id order (deterministic models)."""
    return sorted(((k, d) for _, _, k, d in G.edges(keys=True, data=True)), key=lambda e: e[0])


class Network(Family):
    """Flows ``fp - fm`` per line, |flow| ≤ residual; node balance (transport) or PTDFs (DC).

    Limits: ``lines`` (a line's residual capacity) and ``supply`` (supply for
    new load at a substation: an unserved-load slack).
    """

    name = NETWORK
    limits = {
        LINES: "line {name}: residual capacity exceeded by {mw:,.1f} MW",
        SUPPLY: "substation {name}: {mw:,.1f} MW more supply for new load needed there",
    }

    def add(self, m: SitingModel) -> None:
        """Add line capacities, supplies, and the balance or DC power-flow rows."""
        prob, G = m.prob, m.graph
        ids = m.data.substations["substation_id"].tolist()
        pos = {sid: i for i, sid in enumerate(ids)}
        c_tx = m.scenario.costs.transmission_per_mw_km
        self.flow: dict[str, tuple[pulp.LpVariable, pulp.LpVariable]] = {}
        self.supply: dict[int, pulp.LpVariable] = {}
        tx = []
        ac_in = {n: pulp.LpAffineExpression() for n in range(len(ids))}  # net AC inflow
        dc_in = {n: pulp.LpAffineExpression() for n in range(len(ids))}  # net HVDC inflow
        for lid, e in sorted_edges(G):
            # lines without residual capacity get a row too (|flow| <= 0): its dual prices the first MW
            r = max(float(e["residual_mw"]), 0.0)
            key = safe_name(lid)
            fp = pulp.LpVariable(f"fp_{key}", lowBound=0)
            fm = pulp.LpVariable(f"fm_{key}", lowBound=0)
            prob += fp + fm <= r + m.slack(LINES, lid), f"line_{key}"
            m.on_rhs(LINES, lid, f"line_{key}")
            self.flow[lid] = (fp, fm)
            m.line_flows[lid] = (fp, fm, e["length_km"])
            tx += [(fp, c_tx * e["length_km"]), (fm, c_tx * e["length_km"])]
            into = dc_in if e["kind"] == "hvdc" else ac_in
            into[pos[e["from_id"]]] -= fp - fm
            into[pos[e["to_id"]]] += fp - fm
        m.terms["transmission"] = linear(tx)
        inj = {}  # supply - load (+ unserved slack) at each node
        for n, sid in enumerate(ids):
            s = float(G.nodes[sid]["supply_mw"])
            expr = pulp.LpAffineExpression()
            if s > 0:
                self.supply[n] = pulp.LpVariable(f"sup{n}", lowBound=0, upBound=s)
                m.on_rhs(SUPPLY, sid, f"sup{n}")
                expr += self.supply[n]
            if n in m.load:
                expr += m.slack(SUPPLY, sid) - m.load[n]
            inj[n] = expr
        if m.scenario.flow_model == "transport":
            for n in range(len(ids)):
                expr = inj[n] + ac_in[n] + dc_in[n]
                if len(expr):
                    prob += expr == 0, f"balance_{n}"
        else:
            self._dc_flow(m, pos, {n: inj[n] + dc_in[n] for n in inj})

    def _dc_flow(self, m: SitingModel, pos: dict[str, int], p: dict[int, pulp.LpAffineExpression]) -> None:
        """DC power flow: in each synchronous area, AC flows = PTDF x injections ``p``."""
        for part in islands(m.graph, ac_only=True):
            idx = [pos[s] for s in part]
            area = pulp.lpSum(p[i] for i in idx)
            if len(area):
                m.prob += area == 0, f"area_balance_{safe_name(part[0])}"
            ids, M = ptdf(m.graph, part)
            for r, lid in enumerate(ids):
                expr = pulp.lpSum(
                    float(M[r, j]) * p[i] for j, i in enumerate(idx) if abs(M[r, j]) > 1e-9 and len(p[i])
                )
                fp, fm = self.flow[lid]
                m.prob += fp - fm == expr, f"ptdf_{safe_name(lid)}"

    def read(self, m: SitingModel, sol: Solution) -> None:
        """Signed flows by line and supply used by substation."""
        sol.line_flow_mw = {lid: value(fp) - value(fm) for lid, (fp, fm) in self.flow.items()}
        for n, v in self.supply.items():
            sol.supply_used_mw[n] = value(v)

    @classmethod
    def limit_names(cls, data: SitingData) -> dict[tuple[str, Hashable], str]:
        """Lines and substations by name."""
        names: dict[tuple[str, Hashable], str] = {}
        for r in data.substations.itertuples():
            names[(SUPPLY, r.substation_id)] = r.name or r.substation_id
        for r in data.lines.itertuples():
            names[(LINES, r.line_id)] = r.name or r.line_id
        return names

    @classmethod
    def check(cls, result: SitingResult, data: SitingData, tol: float) -> None:
        """Check supply, line capacities, node balance and, for DC power flow, Kirchhoff's voltage law.

        Supply used within supply; |flow| + |renewable flow| within residual
        capacity (one capacity per line, shared); balance at
        every substation; with ``flow_model = "dc"``, the reactance-weighted
        flow around every AC cycle is zero (from a cycle basis, not the PTDFs).
        """
        s = result.substations.set_index("substation_id")
        assert (s["supply_used_mw"] <= s["supply_mw"] + tol).all(), "supply used above supply"
        assert (s["supply_used_mw"] >= -tol).all(), "negative supply used"
        flow = result.lines.set_index("line_id")["flow_mw"]
        dl = data.lines.set_index("line_id")
        ren = result.lines.set_index("line_id")["renewable_flow_mw"].abs()
        bad = flow.index[flow.abs() + ren > dl.loc[flow.index, "residual_mw"] + tol]
        assert len(bad) == 0, f"lines over residual capacity (flow + renewable flow): {list(bad)}"
        inflow = np.zeros(len(s))
        np.add.at(inflow, s.index.get_indexer(dl.loc[flow.index, "to_id"]), flow.to_numpy())
        np.subtract.at(inflow, s.index.get_indexer(dl.loc[flow.index, "from_id"]), flow.to_numpy())
        balance = s["supply_used_mw"] - s["load_mw"] + inflow
        assert (balance.abs() < tol * 10).all(), (
            f"node balance broken at {list(balance.index[balance.abs() >= tol * 10])[:5]}"
        )
        if result.scenario.flow_model == "dc":
            for resid, scale, cycle in kvl_residuals(data, flow.to_dict()):
                assert abs(resid) <= 1e-6 + 1e-5 * scale, (
                    f"Kirchhoff's voltage law broken around {cycle}: {resid:.3g}"
                )


def kvl_residuals(data: SitingData, flow: dict[str, float]) -> list[tuple[float, float, list[str]]]:
    """Per independent AC cycle: (Σ ± reactance x flow, Σ |reactance x flow|, line ids).

    Each line becomes a node between its endpoints, so parallel lines form
    cycles too and the cycle basis of a simple graph applies.
    """
    ac = data.lines[data.lines["kind"] == "ac"]
    H = nx.Graph()
    ends = {}
    for r in ac.itertuples():
        ends[r.line_id] = (r.from_id, r.to_id)
        H.add_edge(("sub", r.from_id), ("line", r.line_id))
        H.add_edge(("line", r.line_id), ("sub", r.to_id))
    x = dict(zip(ac["line_id"], ac["reactance"], strict=True))
    out = []
    for cyc in nx.cycle_basis(H):
        terms, lids = [], []
        for i, node in enumerate(cyc):
            if node[0] != "line":
                continue
            before, after = cyc[i - 1][1], cyc[(i + 1) % len(cyc)][1]
            sign = 1.0 if (before, after) == ends[node[1]] else -1.0
            terms.append(sign * x[node[1]] * flow.get(node[1], 0.0))
            lids.append(node[1])
        out.append((float(sum(terms)), float(sum(abs(t) for t in terms)), lids))
    return out
