"""Renewable share: surplus and new-build energy delivered to the campuses over the residual network.

Annual energy matching (what RE100 accepts today): average MW, not hours.
Sources are the stated surplus at each substation (``surplus_mw`` on the
graph, from the provinces layer) and the energy of new build
(``build_energy``, :mod:`siting.families.renewable_build`); existing
renewables' output is not a source (today's load uses it). A time dimension
would index the flows, sources and delivered energy by period and keep one
share row over their sum.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pulp

from ..constants import LINES, RENEWABLE
from ..renewable_supply import counts_renewables
from ._base import Family, Settling, Stage, linear, value
from .network import flow_paths
from .reinforcement import new_line_flows

if TYPE_CHECKING:
    from .._result_types import ResultLike
    from .._types import ModelLike, SolutionLike
    from ..data import SitingData
    from ..scenario import Scenario

__all__ = ["Renewable"]


class Renewable(Family):
    """Energy flows ``g = gp - gm`` (average MW) from surplus and new build to campus nodes.

    At each substation: inflow + surplus used (≤ its surplus) + new-build
    energy taken (≤ ``build_energy`` there) = delivered (≤ load factor x
    load there). Σ delivered ≥ share x load factor x total (one slack: the
    average MW short); the incentive credits Σ delivered.

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
    reads = ("line_flows", "build_energy", "added_capacity", "new_lines")
    provides = ("renewable_flows", "renewable_delivered", "renewable_incentive")
    limits = {RENEWABLE: "renewable share: {mw:,.1f} MW (average) short"}

    @classmethod
    def enabled(cls, scenario: Scenario) -> bool:
        """On when renewable energy is accounted: ``renewable_share > 0`` or an incentive for it."""
        return counts_renewables(scenario)

    def add(self, m: ModelLike) -> None:
        """Add the renewable flow network and the share row."""
        prob, G = m.prob, m.graph
        subs = m.data.substations
        pos = {sid: i for i, sid in enumerate(subs["substation_id"])}
        net = {n: pulp.LpAffineExpression() for n in range(len(subs))}
        self.flow: dict[str, tuple[pulp.LpVariable, pulp.LpVariable]] = {}
        self.delivered: dict[int, pulp.LpVariable] = {}
        for p in flow_paths(m):
            # a full line too: its price counts the first MW's energy
            lid, key = p.line_id, p.key
            gp = pulp.LpVariable(f"gp_{key}", lowBound=0, upBound=p.most)
            gm = pulp.LpVariable(f"gm_{key}", lowBound=0, upBound=p.most)
            self.flow[lid] = (gp, gm)
            m.renewable_flows[lid] = (gp, gm, p.length_km)
            extra = 0 if p.new else m.slacks.get((LINES, lid), 0)
            if lid in m.line_flows:  # one capacity per line: shared with the campus supply flow
                fp, fm, _ = m.line_flows[lid]
                prob += fp + fm + gp + gm <= p.capacity + extra, f"line_shared_{key}"
            else:
                prob += gp + gm <= p.capacity + extra, f"ren_line_{key}"
            if not p.new:
                m.on_rhs(LINES, lid, f"line_shared_{key}" if lid in m.line_flows else f"ren_line_{key}")
                m.on_rhs(LINES, lid, f"gp_{key}")
                m.on_rhs(LINES, lid, f"gm_{key}")
            net[pos[p.from_id]] -= gp - gm
            net[pos[p.to_id]] += gp - gm
        lf, ids = m.scenario.load_factor, subs["substation_id"].tolist()
        self.surplus: dict[int, pulp.LpVariable] = {}
        self.taken: dict[int, pulp.LpVariable] = {}
        for n in range(len(subs)):
            expr = net[n]
            avail = float(G.nodes[ids[n]]["surplus_mw"])
            if avail > 0:
                self.surplus[n] = pulp.LpVariable(f"ru{n}", lowBound=0, upBound=avail)
                expr = expr + self.surplus[n]
            if n in m.build_energy:
                self.taken[n] = pulp.LpVariable(f"re{n}", lowBound=0)
                prob += self.taken[n] <= m.build_energy[n], f"ren_build_{n}"
                expr = expr + self.taken[n]
            if n in m.load:
                d = pulp.LpVariable(f"rd{n}", lowBound=0)
                prob += d <= lf * m.load[n], f"ren_cap_{n}"
                self.delivered[n] = d
                expr = expr - d
            if isinstance(expr, pulp.LpAffineExpression) and len(expr) > 0:
                prob += expr == 0, f"ren_balance_{n}"
        self.total_delivered = m.renewable_delivered = linear((d, 1) for d in self.delivered.values())
        if m.scenario.renewable_share > 0:
            need = m.scenario.renewable_share * lf * m.total
            prob += self.total_delivered + m.slack(RENEWABLE, "share") >= need, "renewable_share"
        price = m.scenario.costs.renewable_incentive_per_mw
        m.terms["renewable_incentive"] = linear((d, -price) for d in self.delivered.values())

    def settling(self, m: ModelLike) -> Settling:
        """The incentive (priced); the most energy delivered, then most from surplus; the flows' length."""
        most = Stage("settle_ren", self.total_delivered, pulp.LpMaximize)
        surplus = Stage("settle_surplus", linear((u, 1) for u in self.surplus.values()), pulp.LpMaximize)
        length = linear((v, ln) for gp, gm, ln in m.renewable_flows.values() for v in (gp, gm))
        preferred = (most, surplus) if self.surplus else (most,)  # an empty stage has nothing to settle
        priced: tuple[Stage, ...] = ()
        if m.scenario.costs.renewable_incentive_per_mw > 0:
            priced = (Stage("settle_incentive", m.terms["renewable_incentive"], pulp.LpMinimize),)
        return Settling(priced=priced, preferred=preferred, length=length if self.flow else None)

    def read(self, m: ModelLike, sol: SolutionLike) -> None:
        """Renewable flows by line, the total delivered, and delivered, surplus and build energy by node."""
        sol.renewable_flow_mw = {lid: value(gp) - value(gm) for lid, (gp, gm) in self.flow.items()}
        sol.renewable_delivered_mw = float(sum(value(d) for d in self.delivered.values()))
        sol.renewable_by_node = {
            key: {n: value(v) for n, v in vars_.items()}
            for key, vars_ in (
                ("delivered", self.delivered),
                ("surplus", self.surplus),
                ("build", self.taken),
            )
        }

    @classmethod
    def limit_names(cls, data: SitingData) -> dict[tuple[str, Hashable], str]:
        """The one slack reads "renewable share"."""
        return {(RENEWABLE, "share"): "renewable share"}

    @classmethod
    def check(cls, result: ResultLike, data: SitingData, tol: float) -> None:
        """Delivered energy is surplus used plus new-build energy, and covers the share.

        From the tables and the inputs: each substation's delivered energy is
        at most its campuses' average load; surplus used per province is at
        most the provinces layer's ``renewable_surplus_mw`` (existing
        renewables' output counts for nothing else); new-build energy taken
        is at most the MW built x capacity factor; at every substation the
        renewable flow balances (inflow, over new lines built too, + surplus
        + build = delivered); the
        total delivered covers the share; the incentive is the price x the
        total delivered.
        """
        sc = result.scenario
        s = result.substations
        delivered = s["renewable_delivered_mw"].to_numpy(dtype=float)
        load = s["load_mw"].to_numpy(dtype=float)
        assert (delivered >= -tol).all(), "negative renewable energy delivered"
        over = s["substation_id"][delivered > sc.load_factor * load + tol]
        assert len(over) == 0, f"renewable energy delivered above the campuses' average load at {list(over)}"
        # surplus: by the province it comes from (the table), at most what the provinces layer states;
        # by substation, at most what is stranded there; the two accounts agree
        stated = data.provinces.set_index("code")["renewable_surplus_mw"]
        rows = result.renewable_supply[result.renewable_supply["source"] == "surplus"]
        beyond = "existing renewables' output credited beyond the stated surplus"
        for p, mw in rows.groupby("province")["energy_mw"].sum().items():
            limit = float(stated.get(p, 0.0))
            assert mw <= limit + tol, (
                f"{mw:.3f} MW of surplus from {p} used, above the {limit:.3f} MW: {beyond}"
            )
        used = s["surplus_used_mw"].to_numpy(dtype=float)
        over = s["substation_id"][used > s["surplus_mw"].to_numpy(dtype=float) + tol]
        assert len(over) == 0, f"surplus used above the surplus stranded at {list(over)[:5]}: {beyond}"
        assert abs(float(s["surplus_mw"].sum()) - float(stated.sum())) <= tol * 10 + 1e-9 * float(
            stated.sum()
        ), "the substations' surplus does not add up to the provinces' stated surplus"
        assert abs(float(used.sum()) - float(rows["energy_mw"].sum())) <= tol * 10, (
            "surplus used at the substations != surplus used by province"
        )
        techs = sc.costs.renewable_technologies
        table = result.renewable_supply
        built = table[table["source"] == "new build"]
        cf = built["technology"].map(lambda t: techs[t].capacity_factor).to_numpy(dtype=float)
        produced = float((built["capacity_mw"].to_numpy(dtype=float) * cf).sum())
        taken = float(s["build_energy_mw"].sum())
        assert taken <= produced + tol * 10, (
            f"new-build energy taken {taken:.3f} MW > produced {produced:.3f} MW"
        )
        inflow = np.zeros(len(s))
        flow = result.lines.set_index("line_id")["renewable_flow_mw"]
        new = new_line_flows(result, data)  # on new lines and links built too
        dl = pd.concat(
            [data.lines.set_index("line_id").loc[flow.index, ["from_id", "to_id"]], new[["from_id", "to_id"]]]
        )
        f = np.r_[flow.to_numpy(dtype=float), new["renewable_flow_mw"].to_numpy(dtype=float)]
        index = pd.Index(s["substation_id"])
        np.add.at(inflow, index.get_indexer(dl["to_id"]), f)
        np.subtract.at(inflow, index.get_indexer(dl["from_id"]), f)
        balance = inflow + s["surplus_used_mw"].to_numpy() + s["build_energy_mw"].to_numpy() - delivered
        bad = s["substation_id"][np.abs(balance) > tol * 10]
        assert len(bad) == 0, f"renewable energy does not balance at {list(bad)[:5]}"
        total = float(delivered.sum())
        assert abs(total - result.renewable_delivered_mw) <= tol * 10, (
            "renewable_delivered_mw != the substations'"
        )
        need = sc.renewable_share * sc.load_factor * float(result.sites["capacity_mw"].sum())
        assert total >= need - tol, f"renewable {total} MW < {need} MW"
        term = result.costs.get("renewable_incentive", 0.0)
        price = sc.costs.renewable_incentive_per_mw
        assert abs(term + price * total) <= 1e-6 * max(1.0, abs(term)) + 1e-6, (
            f"renewable_incentive {term} != -{price} x {total} MW delivered"
        )
