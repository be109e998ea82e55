"""Brute-force check of ``siting.solve`` on small instances of the toy region.

Everything the model optimises is re-implemented here from the raw layers
(EPSG:5179 geometry with shapely, flows with networkx, and SciPy's linprog where
campus and renewable flows share line capacity) and every assignment of
the few user candidates is enumerated. The only things taken from the
library are ``SitingData`` (for its documented column defaults), the
``Scenario``'s own fields and ``settings.RENEWABLE_PEAK_CREDIT`` (the
documented peak-credit table).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest

import siting
from siting.settings import RENEWABLE_PEAK_CREDIT

from . import toy

METRIC = "EPSG:5179"

#: User candidate points (lon, lat): two per non-capital province plus extras
#: between provinces' substations, and one in the capital province.
POINTS = {
    "A": (126.75, 36.30),  # KR-T2, 7 km from s-west
    "B": (126.90, 36.35),  # KR-T2, 7 km from s-west2, 14.6 km from A
    "C": (127.20, 36.20),  # KR-T3, 7 km from s-mid, solar nearby
    "D": (127.35, 36.15),  # KR-T3, 7 km from s-mid2, 14.6 km from C
    "E": (127.70, 36.30),  # KR-T4, 7 km from s-east, wind nearby
    "F": (127.85, 36.45),  # KR-T4, 7 km from s-east2
    "G": (126.30, 36.30),  # KR-T1 (capital region): dropped by default
    "H": (127.10, 36.40),  # KR-T3, ~22 km from s-west2 and s-mid
    "I": (127.60, 36.15),  # KR-T4, 17.5 km from s-east, 27.6 km from s-mid2
}

FAST = dict(mip_gap=1e-9, time_limit_s=60)

#: name -> (candidate points, Scenario fields, residual_mw overrides of toy lines).
#: Comments name the constraints that were checked (by relaxing them in the
#: reference) to change the optimum, so each instance exercises them.
INSTANCES = {
    # three tiers, two hosts; the share cap binds; the capital-region point G is dropped
    "base": (
        "ACEG",
        dict(
            target_mw=250,
            tiers_mw=(50, 100, 200),
            province_share_cap=0.5,
            min_host_provinces=2,
            renewable_share=0.0,
        ),
        {},
    ),
    # minimum spacing and share cap bind; a dearer site rate in KR-T2
    "spacing": (
        "ABCDEFI",
        dict(
            target_mw=300,
            tiers_mw=(50, 100),
            province_share_cap=0.5,
            min_host_provinces=2,
            min_spacing_km=20.0,
            renewable_share=0.0,
            costs=siting.Costs(site_per_mw_by_province={"KR-T2": 1.0}),
        ),
        {},
    ),
    # renewable share binds: 100+100 MW would need 144 MW of the 135 MW renewables, so 3 x 50 MW
    "renewable": (
        "ABCEH",
        dict(
            target_mw=150,
            tiers_mw=(50, 100),
            province_share_cap=0.5,
            min_host_provinces=2,
            renewable_share=0.9,
        ),
        {},
    ),
    # large target with 345 kV tiers: share cap binds, transmission and supply matter
    "network": (
        "ABCDEI",
        dict(
            target_mw=700,
            tiers_mw=(100, 200, 300),
            connection_kv={200: 154, math.inf: 345},
            max_connection_km={154: 25, 345: 40},
            province_share_cap=0.5,
            min_host_provinces=2,
            renewable_share=0.1,
            costs=siting.Costs(transmission_per_mw_km=0.05),
        ),
        {},
    ),
    # congested corridors (L3, L5 cut to 60 MW) change the optimum against the plain toy grid
    "congested": (
        "ABCDEI",
        dict(
            target_mw=400,
            tiers_mw=(50, 100, 200),
            province_share_cap=0.4,
            min_host_provinces=3,
            renewable_share=0.2,
            costs=siting.Costs(transmission_per_mw_km=0.05),
        ),
        {"L3": 60.0, "L5": 60.0},
    ),
    # capital region allowed (no subsidy there), KR-T4 excluded instead; planned hydro counts;
    # min hosts and share cap bind
    "exclude_other": (
        "ABGHE",
        dict(
            target_mw=150,
            tiers_mw=(50, 100),
            exclude_provinces=("KR-T4",),
            exclude_capital_region=False,
            max_connection_km={154: 40, 345: 40},
            province_share_cap=0.5,
            min_host_provinces=3,
            renewable_share=0.0,
            renewable_status=("operating", "planned"),
            costs=siting.Costs(
                subsidy_per_mw=2.0, site_per_mw_by_province={"KR-T2": 1.5}, connection_fixed={154: 5, 345: 20}
            ),
        ),
        {},
    ),
    # spacing (binding) plus renewable share plus three hosts together
    "mixed": (
        "ABCDFH",
        dict(
            target_mw=350,
            tiers_mw=(50, 100),
            max_connection_km={154: 25, 345: 40},
            province_share_cap=0.45,
            min_host_provinces=3,
            min_spacing_km=16.0,
            renewable_share=0.3,
            renewable_radius_km=20.0,
        ),
        {},
    ),
    # incentives above every campus's cost: building more always pays, the overbuild cap binds
    "overbuild": (
        "ACEH",
        dict(
            target_mw=100,
            tiers_mw=(50, 100),
            province_share_cap=1.0,
            min_host_provinces=1,
            max_overbuild_mw=150,
            renewable_share=0.0,
            costs=siting.Costs(renewable_incentive_per_mw=3.0, subsidy_per_mw=1.0),
        ),
        {},
    ),
    # infeasible: supply reachable over the residual network (800 MW) is below the target
    "infeasible_supply": (
        "ABCDEI",
        dict(
            target_mw=900,
            tiers_mw=(100, 200, 300),
            connection_kv={200: 154, math.inf: 345},
            max_connection_km={154: 25, 345: 40},
            province_share_cap=0.5,
            min_host_provinces=2,
            renewable_share=0.0,
        ),
        {},
    ),
    # infeasible: every pair of sites in different provinces is closer than 60 km
    "infeasible_spacing": (
        "ABCD",
        dict(
            target_mw=100,
            tiers_mw=(50, 100),
            province_share_cap=1.0,
            min_host_provinces=2,
            min_spacing_km=60.0,
            renewable_share=0.0,
        ),
        {},
    ),
}


def _data(residual: dict) -> siting.SitingData:
    layers = toy.layers()
    if residual:
        lines = layers["lines"]
        lines["residual_mw"] = [
            residual.get(lid, r) for lid, r in zip(lines["line_id"], lines["residual_mw"], strict=True)
        ]
    return siting.SitingData(**layers, metric_crs=METRIC)


def _candidates(names: str) -> gpd.GeoDataFrame:
    lon = [POINTS[n][0] for n in names]
    lat = [POINTS[n][1] for n in names]
    return gpd.GeoDataFrame({"site_id": list(names)}, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def _scenario(kw: dict) -> siting.Scenario:
    return siting.Scenario(**FAST, **kw)


# -- the reference ------------------------------------------------------------------


@dataclass
class Option:
    sub: int
    tier: int
    cost: float


class Reference:
    """Independent re-implementation of the siting problem for a handful of candidates."""

    def __init__(self, data: siting.SitingData, sc: siting.Scenario, cand: gpd.GeoDataFrame):
        self.sc = sc
        c = sc.costs
        prov = data.provinces.to_crs(METRIC)
        capital = set(prov.loc[prov["capital_region"].astype(bool), "code"])
        excluded = set(sc.exclude_provinces) | (capital if sc.exclude_capital_region else set())

        # candidates: province by containment in the metric CRS, excluded ones dropped
        pts = cand.to_crs(METRIC)
        self.site_ids, self.site_xy, self.site_prov = [], [], []
        for sid, p in zip(pts["site_id"], pts.geometry, strict=True):
            inside = [
                code for code, poly in zip(prov["code"], prov.geometry, strict=True) if poly.contains(p)
            ]
            assert len(inside) == 1, f"test point {sid} must lie inside exactly one province"
            if inside[0] in excluded:
                continue
            self.site_ids.append(sid)
            self.site_xy.append(p)
            self.site_prov.append(inside[0])

        subs = data.substations.to_crs(METRIC)
        self.sub_ids = list(subs["substation_id"])
        self.sub_pos = {s: i for i, s in enumerate(self.sub_ids)}
        self.headroom = subs["headroom_mw"].to_numpy(dtype=float)
        kv_sub = subs["voltage_kv"].to_numpy(dtype=float)
        sub_pts = list(subs.geometry)

        def nearest_sub(p) -> int:
            return int(np.argmin([p.distance(q) for q in sub_pts]))

        # renewables and plants that count
        ren = data.renewables.to_crs(METRIC)
        ren = ren[ren["status"].isin(sc.renewable_status)]
        energy = ren[ren["technology"] != "pumped_storage"]
        self.supply = np.zeros(len(subs))  # S_n
        self.ren_avail = np.zeros(len(subs))  # renewable average MW at n
        for r in ren.itertuples():
            self.supply[nearest_sub(r.geometry)] += r.capacity_mw * RENEWABLE_PEAK_CREDIT.get(
                r.technology, 0.0
            )
        for r in energy.itertuples():
            self.ren_avail[nearest_sub(r.geometry)] += r.capacity_mw * r.capacity_factor
        if data.plants is not None:
            plants = data.plants.to_crs(METRIC)
            for r in plants[plants["status"].isin(sc.renewable_status)].itertuples():
                self.supply[nearest_sub(r.geometry)] += r.supply_mw

        # lines: lengths recomputed from the endpoints (straight segments)
        self.lines = []
        for r in data.lines.itertuples():
            u, v = self.sub_pos[r.from_id], self.sub_pos[r.to_id]
            length = sub_pts[u].distance(sub_pts[v]) / 1000.0
            assert abs(length - r.length_km) < 1e-6 * length + 1e-9
            self.lines.append((r.line_id, u, v, float(r.residual_mw), length))

        # options
        self.options: list[list[Option]] = []
        for p, code in zip(self.site_xy, self.site_prov, strict=True):
            e = [o for o in energy.itertuples() if p.distance(o.geometry) <= sc.renewable_radius_km * 1000.0]
            r_i = sum(o.capacity_mw * o.capacity_factor for o in e)
            rate = c.site_per_mw_by_province.get(code, c.site_per_mw)
            opts = []
            for n, q in enumerate(sub_pts):
                dist = p.distance(q) / 1000.0
                for t in sc.tiers_mw:
                    kv = sc.connection_kv_for(t)
                    if kv_sub[n] >= kv and self.headroom[n] >= t and dist <= sc.max_connection_km[kv]:
                        circuits = math.ceil(t / c.connection_circuit_mw[kv] - 1e-9)
                        cost = c.connection_fixed[kv] + circuits * c.connection_per_km[kv] * dist + rate * t
                        cost -= c.renewable_incentive_per_mw * min(t, r_i)
                        if code not in capital:
                            cost -= c.subsidy_per_mw * t
                        assert float(t).is_integer()
                        opts.append(Option(n, int(t), cost))
            self.options.append(opts)

        self.conflicts = set()
        if sc.min_spacing_km > 0:
            for i, j in itertools.combinations(range(len(self.site_xy)), 2):
                if self.site_xy[i].distance(self.site_xy[j]) / 1000.0 < sc.min_spacing_km:
                    self.conflicts.add((i, j))

        self.transmission = lru_cache(maxsize=None)(self._transmission)
        self.renewable_ok = lru_cache(maxsize=None)(self._renewable_ok)
        self.joint = lru_cache(maxsize=None)(self._joint)

    # -- network checks on a load vector (tuple of integer MW per substation) --
    def _transmission(self, load: tuple) -> float:
        """Least transmission cost serving ``load`` from the node supplies; inf if impossible."""
        total = sum(load)
        if total == 0:
            return 0.0
        G = nx.MultiDiGraph()
        G.add_node("SRC", demand=-total)
        for n, sid in enumerate(self.sub_ids):
            G.add_node(sid, demand=load[n])
            cap = math.floor(self.supply[n] + 1e-7)
            if cap > 0:
                G.add_edge("SRC", sid, capacity=cap, weight=0)
        for lid, u, v, resid, length in self.lines:
            if resid > 0:
                assert float(resid).is_integer()
                w = round(length * 1000)
                G.add_edge(
                    self.sub_ids[u], self.sub_ids[v], key=lid, capacity=int(resid), weight=w, length=length
                )
                G.add_edge(
                    self.sub_ids[v], self.sub_ids[u], key=lid, capacity=int(resid), weight=w, length=length
                )
        try:
            _, flow = nx.network_simplex(G)
        except nx.NetworkXUnfeasible:
            return math.inf
        mw_km = 0.0
        for u, v, k, d in G.edges(keys=True, data=True):
            if u != "SRC":
                mw_km += flow[u][v][k] * d["length"]
        return self.sc.costs.transmission_per_mw_km * mw_km

    def _joint(self, load: tuple) -> float:
        """Least transmission cost when campus supply flow and renewable flow share each line; inf if none.

        One capacity per line: |campus flow| + |renewable flow| <= residual,
        both directions counted in full. Two commodities on shared capacity are
        no single network flow, so this is an LP (SciPy's linprog) in the
        variables fp, fm, gp, gm per line and supply, renewable output and
        renewable delivered per node.
        """
        from scipy.optimize import linprog

        sc = self.sc
        nodes = len(self.sub_ids)
        lines = [(u, v, resid, length) for _, u, v, resid, length in self.lines if resid > 0]
        L = len(lines)
        nvar = 4 * L + 3 * nodes  # fp fm gp gm per line; s u d per node
        s0, u0, d0 = 4 * L, 4 * L + nodes, 4 * L + 2 * nodes
        cost = np.zeros(nvar)
        a_eq = np.zeros((2 * nodes, nvar))
        b_eq = np.zeros(2 * nodes)
        a_ub = np.zeros((L + 1, nvar))
        b_ub = np.zeros(L + 1)
        for k, (u, v, resid, length) in enumerate(lines):
            cost[4 * k] = cost[4 * k + 1] = sc.costs.transmission_per_mw_km * length
            for sign, node in ((-1.0, u), (1.0, v)):
                a_eq[node, 4 * k] += sign
                a_eq[node, 4 * k + 1] -= sign
                a_eq[nodes + node, 4 * k + 2] += sign
                a_eq[nodes + node, 4 * k + 3] -= sign
            a_ub[k, 4 * k : 4 * k + 4] = 1.0
            b_ub[k] = resid
        for n in range(nodes):
            a_eq[n, s0 + n] = 1.0
            b_eq[n] = load[n]
            a_eq[nodes + n, u0 + n] = 1.0
            a_eq[nodes + n, d0 + n] = -1.0
        a_ub[L, d0:] = -1.0
        b_ub[L] = -sc.renewable_share * sc.load_factor * sum(load)
        bounds = [(0, None)] * (4 * L)
        bounds += [(0, self.supply[n]) for n in range(nodes)]
        bounds += [(0, self.ren_avail[n]) for n in range(nodes)]
        bounds += [(0, sc.load_factor * load[n]) for n in range(nodes)]
        out = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        return float(out.fun) if out.status == 0 else math.inf

    def _renewable_ok(self, load: tuple) -> bool:
        sc = self.sc
        if sc.renewable_share <= 0:
            return True
        scale = 1000  # kW, integral capacities
        G = nx.DiGraph()
        for n, sid in enumerate(self.sub_ids):
            G.add_node(sid)
            if self.ren_avail[n] > 0:
                G.add_edge("SRC", sid, capacity=round(self.ren_avail[n] * scale))
            if load[n] > 0:
                G.add_edge(sid, "SNK", capacity=round(sc.load_factor * load[n] * scale))
        for _, u, v, resid, _ in self.lines:
            if resid > 0:
                for a, b in ((u, v), (v, u)):
                    key = (self.sub_ids[a], self.sub_ids[b])
                    cap = round(resid * scale)
                    if G.has_edge(*key):
                        G.edges[key]["capacity"] += cap
                    else:
                        G.add_edge(*key, capacity=cap)
        if "SRC" not in G or "SNK" not in G:
            delivered = 0.0
        else:
            delivered = nx.maximum_flow_value(G, "SRC", "SNK") / scale
        need = sc.renewable_share * sc.load_factor * sum(load)
        return delivered >= need - 1e-6

    # -- one plan --------------------------------------------------------------
    def evaluate(self, choice: tuple) -> float | None:
        """Cost of a plan (per candidate: None or an Option); None when infeasible."""
        sc = self.sc
        chosen = [(i, o) for i, o in enumerate(choice) if o is not None]
        total = sum(o.tier for _, o in chosen)
        if total < sc.target_mw - 1e-9:
            return None
        most = sc.max_overbuild_mw
        most = max(sc.tiers_mw) if most == "largest_tier" else (math.inf if most is None else most)
        if total > sc.target_mw + most + 1e-9:
            return None
        load = [0] * len(self.sub_ids)
        for _, o in chosen:
            load[o.sub] += o.tier
        if any(load[n] > self.headroom[n] + 1e-9 for n in range(len(load))):
            return None
        by_prov = {}
        for i, o in chosen:
            by_prov[self.site_prov[i]] = by_prov.get(self.site_prov[i], 0) + o.tier
        if any(mw > sc.province_share_cap * total + 1e-9 for mw in by_prov.values()):
            return None
        if len(by_prov) < sc.min_host_provinces:
            return None
        idx = [i for i, _ in chosen]
        if any((a, b) in self.conflicts for a, b in itertools.combinations(idx, 2)):
            return None
        load = tuple(load)
        if not self.renewable_ok(load):  # each flow alone (a necessary condition, fast)
            return None
        tx = self.transmission(load) if sc.renewable_share <= 0 else self.joint(load)
        if math.isinf(tx):
            return None
        return sum(o.cost for _, o in chosen) + tx

    def brute_force(self) -> tuple[float | None, int]:
        """Optimal cost over every assignment (None if none is feasible), and the number enumerated."""
        best = None
        count = 0
        for choice in itertools.product(*[[None, *opts] for opts in self.options]):
            count += 1
            # cheap lower bound: transmission cost is never negative
            if best is not None and sum(o.cost for o in choice if o is not None) >= best:
                continue
            cost = self.evaluate(choice)
            if cost is not None and (best is None or cost < best):
                best = cost
        return best, count

    def plan_of(self, res) -> tuple:
        """The library's chosen plan as a choice tuple of this reference's options."""
        choice = [None] * len(self.site_ids)
        for r in res.sites.itertuples():
            i = self.site_ids.index(r.site_id)
            n = self.sub_pos[r.substation_id]
            match = [o for o in self.options[i] if o.sub == n and o.tier == round(r.capacity_mw)]
            assert len(match) == 1, f"library chose an option the reference does not consider eligible: {r}"
            assert choice[i] is None, f"site {r.site_id} chosen twice"
            choice[i] = match[0]
        return tuple(choice)


# -- tests -------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(INSTANCES))
def test_bruteforce_optimum(name):
    names, kw, residual = INSTANCES[name]
    data = _data(residual)
    sc = _scenario(kw)
    cand = _candidates(names)
    ref = Reference(data, sc, cand)
    assert sum(bool(o) for o in ref.options) >= 3, "the instance should have a real choice"
    best, count = ref.brute_force()
    assert count > 20

    res = siting.solve(data, sc, candidates=cand)
    full = siting.solve(data, sc, candidates=cand, reduce=False)

    if best is None:
        assert str(res.status) == "infeasible", (
            f"brute force finds no plan but siting says {res.status} {res.objective}"
        )
        assert str(full.status) == "infeasible"
        assert res.objective is None and full.objective is None
        return

    assert str(res.status) == "optimal", f"brute force optimum {best} but siting says {res.status}"
    assert str(full.status) == "optimal"
    assert res.objective == pytest.approx(best, rel=1e-4, abs=1e-6)
    assert full.objective == pytest.approx(best, rel=1e-4, abs=1e-6)
    assert res.objective == pytest.approx(sum(res.costs.values()), rel=1e-9, abs=1e-9)

    # the library's own plan, re-priced by the reference, is feasible and costs what it reports
    for r in (res, full):
        plan = ref.plan_of(r)
        cost = ref.evaluate(plan)
        assert cost is not None, (
            "the library's plan violates a constraint: "
            f"{r.sites[['site_id', 'substation_id', 'capacity_mw']]}"
        )
        assert cost == pytest.approx(r.objective, rel=1e-4, abs=1e-6)
        load = [0] * len(ref.sub_ids)
        for o in plan:
            if o is not None:
                load[o.sub] += o.tier
        least = ref.transmission(tuple(load)) if sc.renewable_share <= 0 else ref.joint(tuple(load))
        assert r.costs["transmission"] == pytest.approx(least, rel=1e-4, abs=1e-6)
        # one capacity per line: campus and renewable flows share the residual
        shared = r.lines.flow_mw.abs() + r.lines.renewable_flow_mw.abs()
        assert (shared <= r.lines.residual_mw + 1e-6).all()
