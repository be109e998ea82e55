"""Renewable share: renewable energy deliverable to the campuses over the residual network."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

import pulp

from .._utils import safe_name
from ..constants import RENEWABLE
from ._base import Family, linear, value
from .network import sorted_edges

if TYPE_CHECKING:
    from ..data import SitingData
    from ..model import SitingModel, Solution
    from ..result import SitingResult
    from ..scenario import Scenario

__all__ = ["Renewable"]


class Renewable(Family):
    """Energy flows ``g`` (average MW) within residual capacity from renewable nodes to campus nodes.

    Delivered at n ≤ load factor x load at n; Σ delivered ≥ share x load
    factor x total. One slack: the average MW short.
    """

    name = RENEWABLE
    limits = {RENEWABLE: "renewable share: {mw:,.1f} MW (average) short"}

    @classmethod
    def enabled(cls, scenario: Scenario) -> bool:
        """On when ``renewable_share > 0``."""
        return scenario.renewable_share > 0

    def add(self, m: SitingModel) -> None:
        """Add the renewable flow network and the share row."""
        prob, G = m.prob, m.graph
        subs = m.data.substations
        pos = {sid: i for i, sid in enumerate(subs["substation_id"])}
        net = {n: pulp.LpAffineExpression() for n in range(len(subs))}
        self.flow: dict[str, pulp.LpVariable] = {}
        self.delivered: dict[int, pulp.LpVariable] = {}
        for lid, e in sorted_edges(G):
            r = float(e["residual_mw"])
            if r <= 0:
                continue
            g = pulp.LpVariable(f"g_{safe_name(lid)}", lowBound=-r, upBound=r)
            self.flow[lid] = g
            net[pos[e["from_id"]]] -= g
            net[pos[e["to_id"]]] += g
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
        prob += (
            linear((d, 1) for d in self.delivered.values()) + m.slack(RENEWABLE, "share") >= need,
            "renewable_share",
        )

    def read(self, m: SitingModel, sol: Solution) -> None:
        """Renewable flows by line and the total delivered."""
        sol.renewable_flow_mw = {lid: value(g) for lid, g in self.flow.items()}
        sol.renewable_delivered_mw = float(sum(value(d) for d in self.delivered.values()))

    @classmethod
    def limit_names(cls, data: SitingData) -> dict[tuple[str, Hashable], str]:
        """The one slack reads "renewable share"."""
        return {(RENEWABLE, "share"): "renewable share"}

    @classmethod
    def check(cls, result: SitingResult, data: SitingData, tol: float) -> None:
        """The reported deliverable renewable energy covers the share of campus energy."""
        sc = result.scenario
        need = sc.renewable_share * sc.load_factor * float(result.sites["capacity_mw"].sum())
        assert result.renewable_delivered_mw >= need - tol, (
            f"renewable {result.renewable_delivered_mw} MW < {need} MW"
        )
