"""Renewable share: renewable energy deliverable to the campuses over the residual network."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

import pulp

from .._utils import safe_name
from ..constants import LINES, RENEWABLE
from ._base import Family, Settling, Stage, linear, value
from .network import sorted_edges

if TYPE_CHECKING:
    from .._result_types import ResultLike
    from .._types import ModelLike, SolutionLike
    from ..data import SitingData
    from ..scenario import Scenario

__all__ = ["Renewable"]


class Renewable(Family):
    """Energy flows ``g = gp - gm`` (average MW) from renewable nodes to campus nodes.

    Delivered at n ≤ load factor x load at n; Σ delivered ≥ share x load
    factor x total. One slack: the average MW short.

    One capacity per line: where the network family has flows ``fp - fm`` on
    a line, ``fp + fm + gp + gm <= residual`` (the network's line slack, when
    elastic, relaxes this row too), so the campus supply flow and the
    renewable flow never use the same residual capacity twice; elsewhere
    ``gp + gm <= residual``. Counting both directions in full is
    conservative (opposite flows do not net) and keeps the row linear.
    Reads the network's flows (``line_flows``); provides its own
    (``renewable_flows``) and the energy delivered (``renewable_delivered``).
    """

    name = RENEWABLE
    reads = ("line_flows",)
    provides = ("renewable_flows", "renewable_delivered")
    limits = {RENEWABLE: "renewable share: {mw:,.1f} MW (average) short"}

    @classmethod
    def enabled(cls, scenario: Scenario) -> bool:
        """On when ``renewable_share > 0``."""
        return scenario.renewable_share > 0

    def add(self, m: ModelLike) -> None:
        """Add the renewable flow network and the share row."""
        prob, G = m.prob, m.graph
        subs = m.data.substations
        pos = {sid: i for i, sid in enumerate(subs["substation_id"])}
        net = {n: pulp.LpAffineExpression() for n in range(len(subs))}
        self.flow: dict[str, tuple[pulp.LpVariable, pulp.LpVariable]] = {}
        self.delivered: dict[int, pulp.LpVariable] = {}
        for lid, e in sorted_edges(G):
            r = float(e["residual_mw"])
            if r <= 0:
                continue
            key = safe_name(lid)
            gp = pulp.LpVariable(f"gp_{key}", lowBound=0, upBound=r)
            gm = pulp.LpVariable(f"gm_{key}", lowBound=0, upBound=r)
            self.flow[lid] = (gp, gm)
            m.renewable_flows[lid] = (gp, gm, e["length_km"])
            if lid in m.line_flows:  # one capacity per line: shared with the campus supply flow
                fp, fm, _ = m.line_flows[lid]
                extra = m.slacks.get((LINES, lid), 0)
                prob += fp + fm + gp + gm <= r + extra, f"line_shared_{key}"
                m.on_rhs(LINES, lid, f"line_shared_{key}")
            else:
                prob += gp + gm <= r, f"ren_line_{key}"
                m.on_rhs(LINES, lid, f"ren_line_{key}")
            m.on_rhs(LINES, lid, f"gp_{key}")
            m.on_rhs(LINES, lid, f"gm_{key}")
            net[pos[e["from_id"]]] -= gp - gm
            net[pos[e["to_id"]]] += gp - gm
        lf = m.scenario.load_factor
        for n in range(len(subs)):
            avail = float(G.nodes[subs["substation_id"].iat[n]]["renewable_avg_mw"])
            u = pulp.LpVariable(f"ru{n}", lowBound=0, upBound=avail) if avail > 0 else 0
            d: pulp.LpVariable | int = 0
            if n in m.load:
                d = pulp.LpVariable(f"rd{n}", lowBound=0)
                prob += d <= lf * m.load[n], f"ren_cap_{n}"
                self.delivered[n] = d
            expr = net[n] + u - d
            if isinstance(expr, pulp.LpAffineExpression) and len(expr) == 0:
                continue
            prob += expr == 0, f"ren_balance_{n}"
        need = m.scenario.renewable_share * lf * m.total
        self.total_delivered = m.renewable_delivered = linear((d, 1) for d in self.delivered.values())
        prob += self.total_delivered + m.slack(RENEWABLE, "share") >= need, "renewable_share"

    def settling(self, m: ModelLike) -> Settling:
        """The most energy delivered (the objective does not price it), then the flows' length."""
        most = Stage("settle_ren", self.total_delivered, pulp.LpMaximize)
        length = linear((v, ln) for gp, gm, ln in m.renewable_flows.values() for v in (gp, gm))
        return Settling(preferred=(most,), length=length if self.flow else None)

    def read(self, m: ModelLike, sol: SolutionLike) -> None:
        """Renewable flows by line and the total delivered."""
        sol.renewable_flow_mw = {lid: value(gp) - value(gm) for lid, (gp, gm) in self.flow.items()}
        sol.renewable_delivered_mw = float(sum(value(d) for d in self.delivered.values()))

    @classmethod
    def limit_names(cls, data: SitingData) -> dict[tuple[str, Hashable], str]:
        """The one slack reads "renewable share"."""
        return {(RENEWABLE, "share"): "renewable share"}

    @classmethod
    def check(cls, result: ResultLike, data: SitingData, tol: float) -> None:
        """The reported deliverable renewable energy covers the share of campus energy."""
        sc = result.scenario
        need = sc.renewable_share * sc.load_factor * float(result.sites["capacity_mw"].sum())
        assert result.renewable_delivered_mw >= need - tol, (
            f"renewable {result.renewable_delivered_mw} MW < {need} MW"
        )
