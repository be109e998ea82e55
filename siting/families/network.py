"""The network: flows on residual line capacity balance supply for new load against campus load.

One capacity per line: the campus supply flow and the renewable-energy flow
(:mod:`siting.families.renewable`) share each line's residual capacity, and
the renewable family adds the joint row ``|flow| + |renewable flow| <=
residual`` on the flow variables this family leaves in
``SitingModel.line_flows``. This is conservative: flows in opposite
directions do not cancel, and the renewable flow (an average) is reserved on
top of the peak campus flow.

Transport model by default (flows limited by capacity, node balance); with
``flow_model = "dc"`` AC flows also keep Kirchhoff's voltage law around every
cycle (the flows of the PTDFs of each synchronous area) and HVDC links stay
controllable. The family also owns the transmission cost
term (MW x km of new flow).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

import networkx as nx
import numpy as np
import pandas as pd
import pulp

from .._utils import safe_name
from ..constants import LINES, NETWORK, SUPPLY
from ._base import Family, Settling, Stage, linear, upper_value, value
from .reinforcement import NEW_LINE_KEY, NewLine, added_line_mw, exported_mw, new_line_flows

if TYPE_CHECKING:
    from .._result_types import ResultLike
    from .._types import ModelLike, SolutionLike
    from ..data import SitingData

__all__ = ["FlowPath", "Network", "ac_cycles", "flow_paths", "kvl_residuals", "sorted_edges"]


def sorted_edges(G: nx.MultiGraph) -> list[tuple[str, dict[str, Any]]]:
    """The network's lines as (line_id, attributes), in line_id order (deterministic models)."""
    return sorted(((k, d) for _, _, k, d in G.edges(keys=True, data=True)), key=lambda e: e[0])


class FlowPath(NamedTuple):
    """A path flows may take, with its capacity: one of today's lines, or a new line the model may build."""

    #: Key of its flows in ``SitingModel.line_flows``: the line id, or a new line's ``NEW_LINE_KEY``.
    line_id: str
    #: Its name in rows and variables.
    key: str
    from_id: str
    to_id: str
    kind: str
    length_km: float
    #: MW it may carry: the residual (at least 0) plus what the reinforcements built add.
    capacity: float | pulp.LpAffineExpression
    #: MW it may carry at most, every reinforcement built.
    most: float
    #: A new line (its capacity is its build decision's; no limit of today's grid to relax).
    new: bool


def flow_paths(m: ModelLike) -> list[FlowPath]:
    """Every path a flow may take and its capacity: today's lines in ``line_id`` order, then new lines.

    The one place a line's capacity is written: the residual capacity, plus
    ``SitingModel.added_capacity`` (uprates built), and the new lines of
    ``SitingModel.new_lines`` (:mod:`siting.families.reinforcement`). The
    network's line rows and the renewable family's shared rows both read it.
    """
    out = []
    for lid, e in sorted_edges(m.graph):
        r = max(float(e["residual_mw"]), 0.0)
        add = m.added_capacity.get(lid)
        cap, most = (r, r) if add is None else (r + add, r + upper_value(add))
        out.append(FlowPath(lid, safe_name(lid), e["from_id"], e["to_id"], e["kind"], float(e["length_km"]),
                            cap, most, new=False))  # fmt: skip
    for line in m.new_lines:
        key = NEW_LINE_KEY.format(line.id)
        out.append(FlowPath(key, f"new_{safe_name(line.id)}", line.from_id, line.to_id, line.kind,
                            line.length_km, line.capacity, line.most, new=True))  # fmt: skip
    return out


class Network(Family):
    """Flows ``fp - fm`` per line, |flow| ≤ residual, node balance; with DC flow, Kirchhoff's voltage law.

    Limits: ``lines`` (a line's residual capacity) and ``supply`` (supply for
    new load at a substation, plus the peak credit of renewables built there
    (``build_peak``): an unserved-load slack). The held-back generation that
    export links built carry out (``exports``) is a draw in the balance at
    their ``from_id``, served like the campuses' load. Provides the campus
    supply flows (``SitingModel.line_flows``) and the ``transmission`` cost
    term.
    """

    name = NETWORK
    reads = ("build_peak", "added_capacity", "new_lines", "exports")
    provides = ("line_flows", "transmission")
    limits = {
        LINES: "line {name}: residual capacity exceeded by {mw:,.1f} MW",
        SUPPLY: "substation {name}: {mw:,.1f} MW more supply for new load needed there",
    }

    def add(self, m: ModelLike) -> None:
        """Add line capacities, supplies, and the balance or DC power-flow rows."""
        prob = m.prob
        ids = m.data.substations["substation_id"].tolist()
        pos = {sid: i for i, sid in enumerate(ids)}
        c_tx = m.scenario.costs.transmission_per_mw_km
        self.flow: dict[str, tuple[pulp.LpVariable, pulp.LpVariable]] = {}
        self.supply: dict[int, pulp.LpVariable] = {}
        tx = []
        ac_in = {n: pulp.LpAffineExpression() for n in range(len(ids))}  # net AC inflow
        dc_in = {n: pulp.LpAffineExpression() for n in range(len(ids))}  # net HVDC inflow
        for p in flow_paths(m):
            # lines without residual capacity get a row too (|flow| <= 0): its dual prices the first MW
            fp = pulp.LpVariable(f"fp_{p.key}", lowBound=0)
            fm = pulp.LpVariable(f"fm_{p.key}", lowBound=0)
            if p.new:  # a new line's capacity is its build decision's, never relaxed
                prob += fp + fm <= p.capacity, f"line_{p.key}"
            else:
                prob += fp + fm <= p.capacity + m.slack(LINES, p.line_id), f"line_{p.key}"
                m.on_rhs(LINES, p.line_id, f"line_{p.key}")
            self.flow[p.line_id] = (fp, fm)
            m.line_flows[p.line_id] = (fp, fm, p.length_km)
            tx += [(fp, c_tx * p.length_km), (fm, c_tx * p.length_km)]
            into = dc_in if p.kind == "hvdc" else ac_in
            into[pos[p.from_id]] -= fp - fm
            into[pos[p.to_id]] += fp - fm
        m.terms["transmission"] = linear(tx)
        inj = {}  # supply - load (+ unserved slack) at each node
        for n, sid in enumerate(ids):
            s = float(m.graph.nodes[sid]["supply_mw"])
            expr = pulp.LpAffineExpression()
            if n in m.build_peak:  # new renewables add their peak credit to the supply here
                self.supply[n] = pulp.LpVariable(f"sup{n}", lowBound=0)
                prob += self.supply[n] - m.build_peak[n] <= s, f"supply_{n}"
                m.on_rhs(SUPPLY, sid, f"supply_{n}")
                expr += self.supply[n]
            elif s > 0:
                self.supply[n] = pulp.LpVariable(f"sup{n}", lowBound=0, upBound=s)
                m.on_rhs(SUPPLY, sid, f"sup{n}")
                expr += self.supply[n]
            if n in m.load:
                expr += m.slack(SUPPLY, sid) - m.load[n]
            if n in m.exports:  # held-back generation a link built carries out of the problem
                expr -= m.exports[n]
            inj[n] = expr
        for n in range(len(ids)):
            expr = inj[n] + ac_in[n] + dc_in[n]
            if len(expr):
                prob += expr == 0, f"balance_{n}"
        if m.scenario.flow_model == "dc":
            self._kirchhoff(m)

    def _kirchhoff(self, m: ModelLike) -> None:
        """DC power flow: around every independent AC cycle, Σ ± reactance x flow = 0.

        With the node balance, this is Kirchhoff's voltage law, and the AC
        flows are those of the PTDFs of each synchronous area (HVDC links stay
        controllable): the cycle formulation of Hörsch et al. (2018), which
        PyPSA uses. One row per cycle with the cycle's lines only, where the
        PTDF rows hold a coefficient for almost every node of the area
        (1.3 million nonzeros on Korea against a few thousand).
        """
        ac = {lid: e for lid, e in sorted_edges(m.graph) if e["kind"] == "ac"}
        x = {lid: float(e["reactance"]) for lid, e in ac.items()}
        for c, cycle in enumerate(ac_cycles((lid, e["from_id"], e["to_id"]) for lid, e in ac.items())):
            terms = []
            for lid, sign in cycle:
                fp, fm = self.flow[lid]
                terms += [(fp, sign * x[lid]), (fm, -sign * x[lid])]
            m.prob += linear(terms) == 0, f"kvl_{c}"
        for line in m.new_lines:
            if line.on is not None:
                self._kirchhoff_new(m, line, line.on, x)

    def _kirchhoff_new(self, m: ModelLike, line: NewLine, on: pulp.LpVariable, x: dict[str, float]) -> None:
        """A new AC circuit's disjunctive rows: |Σ path ± x f - x_c f_c| <= M (1 - on) (reinforcement)."""
        terms = []
        for lid, sign in line.path:
            fp, fm = self.flow[lid]
            terms += [(fp, sign * x[lid]), (fm, -sign * x[lid])]
        fp, fm = self.flow[NEW_LINE_KEY.format(line.id)]
        gap = linear([*terms, (fp, -line.reactance), (fm, line.reactance)])
        key = safe_name(line.id)
        m.prob += gap + line.big_m * on <= line.big_m, f"kvl_new_{key}_p"
        m.prob += -gap + line.big_m * on <= line.big_m, f"kvl_new_{key}_m"

    def settling(self, m: ModelLike) -> Settling:
        """The flows' length; their transmission cost, which prices that length when positive."""
        if not self.flow:
            return Settling()
        c_tx = m.scenario.costs.transmission_per_mw_km
        priced = (Stage("settle_tx", m.terms["transmission"], pulp.LpMinimize),) if c_tx > 0 else ()
        length = linear((v, ln) for fp, fm, ln in m.line_flows.values() for v in (fp, fm))
        return Settling(priced=priced, length=length)

    def read(self, m: ModelLike, sol: SolutionLike) -> None:
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
    def check(cls, result: ResultLike, data: SitingData, tol: float) -> None:
        """Check supply, line capacities, node balance and, for DC power flow, Kirchhoff's voltage law.

        Supply used within supply (with the peak credit of new build there);
        |flow| + |renewable flow| within residual capacity plus the uprates
        built (one capacity per line, shared); balance at every substation,
        with the flows of the new lines built and the exports drawn at their
        ``from_id`` (the data's ``export_mw`` x units built); with ``flow_model = "dc"``,
        the reactance-weighted flow around every AC cycle is zero (from a
        cycle basis of today's AC lines and the new ones built, not the PTDFs).
        """
        s = result.substations.set_index("substation_id")
        assert (s["supply_used_mw"] <= s["supply_mw"] + s["build_peak_mw"] + tol).all(), (
            "supply used above supply"
        )
        assert (s["supply_used_mw"] >= -tol).all(), "negative supply used"
        flow = result.lines.set_index("line_id")["flow_mw"]
        dl = data.lines.set_index("line_id")
        ren = result.lines.set_index("line_id")["renewable_flow_mw"].abs()
        cap = dl.loc[flow.index, "residual_mw"].clip(lower=0.0)
        cap = cap + added_line_mw(result, data).reindex(flow.index, fill_value=0.0)  # uprates built
        bad = flow.index[flow.abs() + ren > cap + tol]
        assert len(bad) == 0, (
            f"lines over residual capacity (+ uprates built; flow + renewable flow): {list(bad)}"
        )
        new = new_line_flows(
            result, data
        )  # new lines and links: their own capacity, by the reinforcement check
        ends = pd.concat([dl.loc[flow.index, ["from_id", "to_id"]], new[["from_id", "to_id"]]])
        f = np.r_[flow.to_numpy(dtype=float), new["line_flow_mw"].to_numpy(dtype=float)]
        inflow = np.zeros(len(s))
        np.add.at(inflow, s.index.get_indexer(ends["to_id"]), f)
        np.subtract.at(inflow, s.index.get_indexer(ends["from_id"]), f)
        export = exported_mw(result, data).reindex(s.index, fill_value=0.0)
        if "export_mw" in s.columns:
            assert np.allclose(s["export_mw"].to_numpy(dtype=float), export.to_numpy(), atol=tol), (
                "substations' export_mw differs from the export links built (export_mw x units)"
            )
        balance = s["supply_used_mw"] - s["load_mw"] - export + inflow
        assert (balance.abs() < tol * 10).all(), (
            f"node balance broken at {list(balance.index[balance.abs() >= tol * 10])[:5]}"
        )
        if result.scenario.flow_model == "dc":
            built = new[(new["kind"] == "ac_line") & (new["units"] > 0)]
            lines = [(pid, r.from_id, r.to_id, r.reactance / r.units) for pid, r in built.iterrows()]
            flows = {**flow.to_dict(), **built["line_flow_mw"].to_dict()}
            for resid, scale, cycle in kvl_residuals(data, flows, built=lines):
                assert abs(resid) <= 1e-6 + 1e-5 * scale, (
                    f"Kirchhoff's voltage law broken around {cycle}: {resid:.3g}"
                )


def ac_cycles(lines: Iterable[tuple[str, str, str]]) -> list[list[tuple[str, float]]]:
    """An independent set of cycles of the AC lines, each as ``(line_id, sign)`` pairs.

    ``lines`` are ``(line_id, from_id, to_id)``; the sign is +1 where the cycle
    runs from ``from_id`` to ``to_id``. Each line becomes a node between its
    endpoints, so parallel lines form cycles too and the cycle basis of a
    simple graph (:func:`networkx.cycle_basis`) applies.

    Examples
    --------
    >>> ac_cycles([("a", "1", "2"), ("b", "2", "3"), ("c", "1", "3"), ("d", "1", "3")])
    [[('c', 1.0), ('d', -1.0)], [('a', 1.0), ('b', 1.0), ('d', -1.0)]]
    """
    H = nx.Graph()
    ends = {}
    for lid, a, b in lines:
        ends[lid] = (a, b)
        H.add_edge(("sub", a), ("line", lid))
        H.add_edge(("line", lid), ("sub", b))
    out = []
    for cyc in nx.cycle_basis(H):
        terms = []
        for i, node in enumerate(cyc):
            if node[0] == "line":
                before, after = cyc[i - 1][1], cyc[(i + 1) % len(cyc)][1]
                terms.append((node[1], 1.0 if (before, after) == ends[node[1]] else -1.0))
        out.append(terms)
    return out


def kvl_residuals(
    data: SitingData, flow: dict[str, float], *, built: Iterable[tuple[str, str, str, float]] = ()
) -> list[tuple[float, float, list[str]]]:
    """Per independent AC cycle: (Σ ± reactance x flow, Σ |reactance x flow|, line ids).

    ``built`` adds new AC lines to the data's as ``(id, from_id, to_id,
    reactance)`` (units of one project as one line: the unit's reactance /
    units), their flows in ``flow`` by that id.
    """
    ac = data.lines[data.lines["kind"] == "ac"]
    x = dict(zip(ac["line_id"], ac["reactance"], strict=True))
    ends = list(zip(ac["line_id"], ac["from_id"], ac["to_id"], strict=True))
    for lid, a, b, reactance in built:
        x[lid] = reactance
        ends.append((lid, a, b))
    out = []
    for cycle in ac_cycles(ends):
        terms = [sign * x[lid] * flow.get(lid, 0.0) for lid, sign in cycle]
        out.append((float(sum(terms)), float(sum(abs(t) for t in terms)), [lid for lid, _ in cycle]))
    return out
