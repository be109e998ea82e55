"""The siting integer program: options, the exact reduction, the PuLP model, solving.

Decision: ``x[o]`` in {0, 1} for each *option* o = (candidate site, substation,
size tier). Constraints (see ``DESIGN.md``): one option per site; total MW >=
target; substation headroom; network flows on residual line capacities with
node balance against supply for new load (transport model, or DC power flow
through PTDFs with controllable HVDC links); per-province share cap; minimum
number of host provinces; renewable energy deliverable over the residual
network >= share x campus energy; minimum spacing between campuses.
Objective: connection + transmission use + site - renewable incentive -
outside-capital subsidy, each term kept apart for reporting.

Every family of constraints can be made *elastic* (a non-negative slack in MW
added to it, minimised) for the infeasibility diagnosis.
"""

from __future__ import annotations

import math
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pulp
import shapely

from ._errors import ScenarioError
from .candidates import Candidates
from .data import SitingData
from .grid import build_grid, islands, ptdf
from .scenario import Scenario

__all__ = ["build_options", "reduce_options", "SitingModel", "ELASTIC_FAMILIES"]

#: Constraint families that the diagnosis can relax.
ELASTIC_FAMILIES = ("target", "headroom", "lines", "supply", "province_cap", "hosts", "renewable")

COST_TERMS = ("connection", "site", "transmission", "renewable_incentive", "subsidy")
#: Cost terms carried by each option (transmission comes from the flows), by term.
OPTION_COST_COLUMNS = {
    "connection": "connection_cost",
    "site": "site_cost",
    "renewable_incentive": "renewable_incentive",
    "subsidy": "subsidy",
}


def build_options(data: SitingData, scenario: Scenario, cand: Candidates) -> pd.DataFrame:
    """Every eligible (site, substation, tier) with its cost terms.

    A substation is eligible for a tier when its voltage is at least the
    tier's connection voltage, its headroom is at least the tier's MW, and it
    lies within ``max_connection_km`` for that voltage.

    Returns
    -------
    DataFrame
        ``site``, ``substation`` (row positions), ``tier_mw``, ``kv``,
        ``distance_km``, ``province``, the columns of ``OPTION_COST_COLUMNS``
        (KRW bn) and their sum ``cost``; sorted deterministically.
    """
    subs = data.substations
    pairs = cand.pairs
    kv_sub = subs["voltage_kv"].to_numpy()[pairs["substation"].to_numpy()]
    head = subs["headroom_mw"].to_numpy()[pairs["substation"].to_numpy()]
    frames = []
    for tier in scenario.tiers_mw:
        kv = scenario.connection_kv_for(tier)
        ok = (kv_sub >= kv) & (head >= tier - 1e-9) & (pairs["distance_km"].to_numpy() <= scenario.max_connection_km[kv])
        f = pairs.loc[ok].copy()
        f["tier_mw"], f["kv"] = tier, kv
        frames.append(f)
    opts = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*pairs.columns, "tier_mw", "kv"])
    sites = cand.sites
    opts["province"] = sites["province"].to_numpy()[opts["site"].to_numpy()]
    c = scenario.costs
    unknown = sorted(set(c.site_per_mw_by_province) - set(data.provinces["code"]))
    if unknown:
        raise ScenarioError(
            f"scenario field 'costs.site_per_mw_by_province' names unknown province codes {unknown}; "
            f"known: {sorted(data.provinces['code'])}."
        )
    kv = opts["kv"].astype(int)
    opts["connection_cost"] = kv.map(c.connection_fixed) + kv.map(c.connection_per_km) * opts["distance_km"]
    rate = opts["province"].map(c.site_per_mw_by_province).fillna(c.site_per_mw)
    opts["site_cost"] = rate * opts["tier_mw"]
    ren = sites["renewable_avg_mw"].to_numpy()[opts["site"].to_numpy()]
    opts["renewable_incentive"] = -c.renewable_incentive_per_mw * np.minimum(opts["tier_mw"].to_numpy(), ren)
    capital = set(data.provinces.loc[data.provinces["capital_region"], "code"])
    opts["subsidy"] = -c.subsidy_per_mw * opts["tier_mw"] * (~opts["province"].isin(capital))
    opts["cost"] = opts[list(OPTION_COST_COLUMNS.values())].sum(axis=1)
    return opts.sort_values(["site", "substation", "tier_mw"], kind="stable").reset_index(drop=True)


def reduce_options(opts: pd.DataFrame, data: SitingData, scenario: Scenario) -> pd.DataFrame:
    """Drop options that cannot be in any optimal solution (exact without spacing).

    Options of one group g = (substation n, province p, tier t) differ only in
    their own cost. Take the K cheapest sites T of g. Besides a campus of g,
    substation n hosts at most ``base = floor((headroom_n - t) / smallest
    tier)`` other campuses, and another substation n' can place at most
    ``min(cap_n', |T reachable from n'|)`` campuses on sites of T, with
    ``cap_n' = floor(headroom_n' / smallest tier)``. Once
    ``K > base + sum over n' of min(cap_n', |T reachable from n'|)``, some
    site of T is always free, so any solution that uses a costlier option of g
    can move that campus to it: same substation, province and tier, so every
    other constraint is unchanged and the cost does not rise. Each group keeps
    its cheapest K options for the smallest such K. With ``min_spacing_km > 0``
    sites are no longer interchangeable and nothing is dropped.

    Examples
    --------
    >>> import siting
    >>> from siting.candidates import build_candidates
    >>> d, s = siting.load_korea(), siting.Scenario(target_mw=500, grid_spacing_km=5)
    >>> o = build_options(d, s, build_candidates(d, s))
    >>> len(reduce_options(o, d, s)) < len(o)
    True
    """
    if scenario.min_spacing_km > 0 or opts.empty:
        return opts
    min_tier = min(scenario.tiers_mw)
    head = data.substations["headroom_mw"].to_numpy()
    cap = np.floor(head / min_tier + 1e-9)
    group = ["substation", "province", "tier_mw"]
    order = opts.sort_values([*group, "cost", "site"], kind="stable").reset_index(drop=True)
    order["rank"] = order.groupby(group).cumcount()
    # for each option, the other substations its site can serve (any tier)
    reach = opts[["site", "substation"]].drop_duplicates().rename(columns={"substation": "other"})
    ex = order[[*group, "rank", "site"]].merge(reach, on="site")
    ex = ex.loc[ex["other"] != ex["substation"]].sort_values([*group, "rank"], kind="stable")
    # min(cap_n', count) grows by one while the count of reachable sites is below cap_n'
    seen = ex.groupby([*group, "other"]).cumcount().to_numpy()
    ex["occ"] = (seen < cap[ex["other"].to_numpy()]).astype(int)
    occ = ex.groupby([*group, "rank"])["occ"].sum()
    order["occ"] = occ.reindex(pd.MultiIndex.from_frame(order[[*group, "rank"]]), fill_value=0).to_numpy()
    order["occ"] = order.groupby(group)["occ"].cumsum()
    base = np.floor((head[order["substation"].to_numpy()] - order["tier_mw"].to_numpy()) / min_tier + 1e-9)
    stop = (order["rank"].to_numpy() + 1) > base + order["occ"].to_numpy()
    order["stop"] = stop.astype(int)
    before = order.groupby(group)["stop"].cumsum() - order["stop"]
    kept = order.loc[before.to_numpy() == 0].drop(columns=["rank", "occ", "stop"])
    return kept.sort_values(["site", "substation", "tier_mw"], kind="stable").reset_index(drop=True)


def _edges(G: nx.MultiGraph) -> list[tuple[str, dict]]:
    """The network's lines as (line_id, attributes), in line_id order (deterministic models)."""
    return sorted(((k, d) for _, _, k, d in G.edges(keys=True, data=True)), key=lambda e: e[0])


def _sum(pairs) -> pulp.LpAffineExpression:
    return pulp.LpAffineExpression(list(pairs))


@dataclass
class SitingModel:
    """The PuLP problem and the variables needed to read a solution back.

    Build it with :meth:`build`; :meth:`solve` runs CBC or HiGHS.
    """

    prob: pulp.LpProblem
    opts: pd.DataFrame
    x: list
    flow: dict = field(default_factory=dict)  # line_id -> (plus, minus) flow variables
    supply: dict = field(default_factory=dict)  # substation position -> var
    ren_flow: dict = field(default_factory=dict)
    ren_delivered: dict = field(default_factory=dict)
    slacks: dict = field(default_factory=dict)  # (family, key) -> var
    terms: dict = field(default_factory=dict)  # cost term -> expression
    hosts: dict = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        data: SitingData,
        scenario: Scenario,
        cand: Candidates,
        opts: pd.DataFrame,
        *,
        elastic: tuple[str, ...] = (),
        tie_break: bool = True,
        graph: nx.MultiGraph | None = None,
    ) -> "SitingModel":
        """Build the MILP from the options table.

        Parameters
        ----------
        elastic : tuple of str
            Families from :data:`ELASTIC_FAMILIES` to relax with slacks; the
            objective then minimises total slack (MW) first and cost second.
        tie_break : bool, default True
            With ``elastic``, add the cost (weighted 1e-6) to break ties;
            ``False`` minimises slack alone, which solves faster.
        graph : networkx.MultiGraph, optional
            From :func:`siting.grid.build_grid`, built when not given.
        """
        G = graph if graph is not None else build_grid(data, scenario)
        prob = pulp.LpProblem("siting", pulp.LpMinimize)
        x = [pulp.LpVariable(f"x{k}", cat=pulp.LpBinary) for k in range(len(opts))]
        m = cls(prob=prob, opts=opts, x=x)
        mw = opts["tier_mw"].to_numpy()
        subs = data.substations
        sub_ids = subs["substation_id"].tolist()

        def slack(family: str, key) -> pulp.LpVariable | int:
            if family not in elastic:
                return 0
            v = pulp.LpVariable(f"s_{family}_{re.sub(r'[^A-Za-z0-9]', '_', str(key))}", lowBound=0)
            m.slacks[(family, key)] = v
            return v

        total = _sum(zip(x, mw))
        # one option per site
        for site, idx in opts.groupby("site").indices.items():
            if len(idx) > 1:
                prob += _sum((x[k], 1) for k in idx) <= 1, f"one_per_site_{site}"
        prob += total + slack("target", "total") >= scenario.target_mw, "target"
        # substation headroom and loads
        load = {}
        for n, idx in opts.groupby("substation").indices.items():
            load[n] = _sum((x[k], mw[k]) for k in idx)
            prob += load[n] <= float(subs["headroom_mw"].iat[n]) + slack("headroom", sub_ids[n]), f"headroom_{n}"
        m._network(G, data, scenario, load, slack, elastic)
        # regional balance
        min_tier = min(scenario.tiers_mw)
        for p, idx in opts.groupby("province").indices.items():
            in_p = _sum((x[k], mw[k]) for k in idx)
            prob += in_p <= scenario.province_share_cap * total + slack("province_cap", p), f"share_cap_{p}"
            if scenario.min_host_provinces > 0:
                y = pulp.LpVariable(f"host_{re.sub(r'[^A-Za-z0-9]', '_', p)}", cat=pulp.LpBinary)
                m.hosts[p] = y
                prob += y <= _sum((x[k], 1) for k in idx), f"host_{p}"
        if scenario.min_host_provinces > 0:
            # the slack is in MW-equivalents (one missing host = one smallest campus)
            short = slack("hosts", "count") * (1.0 / min_tier)
            prob += _sum((y, 1) for y in m.hosts.values()) + short >= scenario.min_host_provinces, "min_hosts"
        if scenario.min_spacing_km > 0:
            m._spacing(cand, scenario)
        # objective
        for term, col in OPTION_COST_COLUMNS.items():
            m.terms[term] = _sum(zip(x, opts[col].to_numpy()))
        cost = _sum(
            [(v, c) for v, c in zip(x, opts["cost"].to_numpy())]
            + list(m.terms["transmission"].items())
        )
        if elastic:
            prob += _sum((v, 1.0) for v in m.slacks.values()) + (1e-6 * cost if tie_break else 0)
        else:
            prob += cost
        return m

    def _network(self, G, data, scenario, load, slack, elastic) -> None:
        """Flows on residual line capacity balancing supply for new load against campus load."""
        prob = self.prob
        subs = data.substations
        ids = subs["substation_id"].tolist()
        pos = {sid: i for i, sid in enumerate(ids)}
        c_tx = scenario.costs.transmission_per_mw_km
        tx = []
        ac_in = {n: pulp.LpAffineExpression() for n in range(len(subs))}  # net AC inflow
        dc_in = {n: pulp.LpAffineExpression() for n in range(len(subs))}  # net HVDC inflow
        for lid, e in _edges(G):
            r = float(e["residual_mw"])
            if r <= 0 and "lines" not in elastic:
                continue
            key = re.sub(r"[^A-Za-z0-9]", "_", lid)
            fp = pulp.LpVariable(f"fp_{key}", lowBound=0)
            fm = pulp.LpVariable(f"fm_{key}", lowBound=0)
            prob += fp + fm <= r + slack("lines", lid), f"line_{key}"
            self.flow[lid] = (fp, fm)
            tx += [(fp, c_tx * e["length_km"]), (fm, c_tx * e["length_km"])]
            into = dc_in if e["kind"] == "hvdc" else ac_in
            into[pos[e["from_id"]]] -= fp - fm
            into[pos[e["to_id"]]] += fp - fm
        self.terms["transmission"] = _sum(tx)
        inj = {}  # supply - load (+ unserved slack) at each node
        for n, sid in enumerate(ids):
            s = float(G.nodes[sid]["supply_mw"])
            e = pulp.LpAffineExpression()
            if s > 0:
                self.supply[n] = pulp.LpVariable(f"sup{n}", lowBound=0, upBound=s)
                e += self.supply[n]
            if n in load:
                e += slack("supply", sid) - load[n]
            inj[n] = e
        if scenario.flow_model == "transport":
            for n in range(len(subs)):
                expr = inj[n] + ac_in[n] + dc_in[n]
                if len(expr):
                    prob += expr == 0, f"balance_{n}"
        else:
            self._dc_flow(G, pos, {n: inj[n] + dc_in[n] for n in inj})
        if scenario.renewable_share > 0:
            self._renewable(G, data, scenario, load, slack)

    def _dc_flow(self, G, pos, p) -> None:
        """DC power flow: in each synchronous area, AC flows = PTDF x injections ``p``."""
        prob = self.prob
        for part in islands(G, ac_only=True):
            idx = [pos[s] for s in part]
            key = re.sub(r"[^A-Za-z0-9]", "_", part[0])
            area = pulp.lpSum(p[i] for i in idx)
            if len(area):
                prob += area == 0, f"area_balance_{key}"
            ids, M = ptdf(G, part)
            for r, lid in enumerate(ids):
                expr = pulp.lpSum(float(M[r, j]) * p[i] for j, i in enumerate(idx) if abs(M[r, j]) > 1e-9 and len(p[i]))
                lkey = re.sub(r"[^A-Za-z0-9]", "_", lid)
                if lid in self.flow:
                    fp, fm = self.flow[lid]
                    prob += fp - fm == expr, f"ptdf_{lkey}"
                elif len(expr):
                    prob += expr == 0, f"ptdf_{lkey}"

    def _renewable(self, G, data, scenario, load, slack) -> None:
        """Renewable energy (average MW) deliverable to campus nodes over residual capacity."""
        prob = self.prob
        subs = data.substations
        pos = {sid: i for i, sid in enumerate(subs["substation_id"])}
        net = {n: pulp.LpAffineExpression() for n in range(len(subs))}
        for lid, e in _edges(G):
            r = float(e["residual_mw"])
            if r <= 0:
                continue
            key = re.sub(r"[^A-Za-z0-9]", "_", lid)
            g = pulp.LpVariable(f"g_{key}", lowBound=-r, upBound=r)
            self.ren_flow[lid] = g
            net[pos[e["from_id"]]] -= g
            net[pos[e["to_id"]]] += g
        lf = scenario.load_factor
        delivered = []
        for n in range(len(subs)):
            avail = float(G.nodes[subs["substation_id"].iat[n]]["renewable_avg_mw"])
            u = pulp.LpVariable(f"ru{n}", lowBound=0, upBound=avail) if avail > 0 else 0
            d = 0
            if n in load:
                d = pulp.LpVariable(f"rd{n}", lowBound=0)
                prob += d <= lf * load[n], f"ren_cap_{n}"
                self.ren_delivered[n] = d
                delivered.append((d, 1))
            expr = net[n] + u - d
            if isinstance(expr, pulp.LpAffineExpression) and len(expr) == 0:
                continue
            prob += expr == 0, f"ren_balance_{n}"
        total = _sum(zip(self.x, self.opts["tier_mw"].to_numpy()))
        prob += _sum(delivered) + slack("renewable", "share") >= scenario.renewable_share * lf * total, "renewable_share"

    def _spacing(self, cand: Candidates, scenario: Scenario) -> None:
        """No two campuses closer than ``min_spacing_km``: pairwise conflicts from an STRtree."""
        used = np.unique(self.opts["site"].to_numpy())
        pts = cand.sites.geometry.values[used]
        tree = shapely.STRtree(pts)
        a, b = tree.query(pts, predicate="dwithin", distance=scenario.min_spacing_km * 1000.0 - 1e-6)
        keep = a < b
        by_site = self.opts.groupby("site").indices
        for i, j in zip(used[a[keep]], used[b[keep]]):
            self.prob += _sum([(self.x[k], 1) for k in by_site[i]] + [(self.x[k], 1) for k in by_site[j]]) <= 1, f"spacing_{i}_{j}"

    # -- solving ------------------------------------------------------------------
    def solve(self, scenario: Scenario) -> dict:
        """Run the solver; returns status, objective, gap and wall time.

        Returns
        -------
        dict
            ``status`` ("optimal", "feasible", "infeasible", "no_solution"),
            ``objective``, ``bound``, ``gap``, ``seconds``, ``solver``.
        """
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            log = Path(tmp) / "solver.log"
            if scenario.solver == "highs":
                solver = pulp.HiGHS(msg=False, timeLimit=scenario.time_limit_s, gapRel=scenario.mip_gap, threads=1)
            else:
                solver = pulp.PULP_CBC_CMD(
                    msg=False, timeLimit=scenario.time_limit_s, gapRel=scenario.mip_gap, threads=1, logPath=str(log)
                )
            if not solver.available():
                raise ScenarioError(
                    f"scenario field 'solver' = {scenario.solver!r}: not available here; "
                    "fix: pip install 'siting[highs]' or use solver='cbc'."
                )
            self.prob.solve(solver)
            bound = None
            if scenario.solver == "highs":
                info = self.prob.solverModel.getInfo()
                bound = info.mip_dual_bound
            elif log.exists():
                bound = _cbc_bound(log.read_text(errors="replace"))
        seconds = time.perf_counter() - t0
        sol = self.prob.sol_status
        objective = pulp.value(self.prob.objective) if sol in (1, 2) else None
        if sol == pulp.LpSolutionOptimal:
            status = "optimal"
        elif sol == pulp.LpSolutionIntegerFeasible:
            status = "feasible"
        elif sol == pulp.LpSolutionInfeasible or self.prob.status == pulp.LpStatusInfeasible:
            status = "infeasible"
        else:
            status = "no_solution"
        gap = None
        if objective is not None:
            if bound is None or not math.isfinite(bound) or status == "optimal":
                gap = 0.0 if status == "optimal" else None
            else:
                gap = abs(objective - bound) / max(abs(objective), 1e-9)
        return {"status": status, "objective": objective, "bound": bound, "gap": gap, "seconds": seconds, "solver": scenario.solver}

    def size(self) -> dict:
        """Model size: variables, binaries, constraints, options."""
        vs = self.prob.variables()
        return {
            "variables": len(vs),
            "binaries": sum(v.cat == pulp.LpBinary or (v.cat == pulp.LpInteger and v.lowBound == 0 and v.upBound == 1) for v in vs),
            "constraints": len(self.prob.constraints),
            "options": len(self.opts),
        }


def _cbc_bound(text: str) -> float | None:
    """Best bound from CBC's final summary ("Lower bound: ..."), if printed."""
    m = re.findall(r"Lower bound:\s*([-+0-9.eE]+)", text)
    return float(m[-1]) if m else None
