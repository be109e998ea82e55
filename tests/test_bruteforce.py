"""Brute-force check of ``siting.solve`` on small instances of the toy region.

Everything the model optimises is re-implemented here from the raw layers
(EPSG:5179 geometry with shapely; per plan, one linear programme solved with
SciPy's linprog for the campus supply flow, the renewable energy flow on the
same lines, the surplus and the new build) and every assignment of the few
user candidates is enumerated. The only things taken from the library are
``SitingData`` (for its documented column defaults), the ``Scenario``'s own
fields and the documented tables of ``siting.settings``
(``RENEWABLE_PEAK_CREDIT``, ``RENEWABLE_ENERGY_TECHNOLOGIES``); the library's
plans are also re-checked by ``siting.testing.assert_result_valid``.

The renewable rules, as issue 20 states them and re-derived here: existing
renewables count only through their peak credit (supply at their nearest
substation) and through a province's stated surplus (``renewable_surplus_mw``,
average MW), stranded at the nearest substations of the province's solar and
wind plants, by capacity (all its renewables where it has no solar or wind).
New build is continuous MW per (province, technology of
``renewable_build``), at most the province's ``<technology>_max_mw`` (no
limit where empty), connecting where that province's plants of the
technology connect (else its solar and wind, else all its renewables; a
province without any gets none); it costs capital plus the present value of
fixed O&M per MW and adds capacity factor x MW of energy and peak credit x MW
of supply there. Renewable energy reaches the campuses over the capacity
the campus flow leaves on each line (unpriced: only the campus flow pays
``transmission_per_mw_km``); a substation takes at most load factor
x its load; the total covers ``renewable_share`` x load factor x the plan's
MW; the incentive credits the total. Build and the renewable flow exist only
when renewables are accounted (a share or an incentive).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

import geopandas as gpd
import numpy as np
import pytest
from scipy.optimize import linprog

import siting
from siting.settings import RENEWABLE_ENERGY_TECHNOLOGIES, RENEWABLE_PEAK_CREDIT
from siting.testing import assert_result_valid

from . import toy
from .toy import SOLAR_EAST, WIND_WEST

METRIC = "EPSG:5179"

#: Solar and wind: where a province's surplus is stranded, and where new build falls back to.
VARIABLE = ("solar", "onshore_wind", "offshore_wind")

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
    "J": (127.28, 36.19),  # KR-T3, 7 km from s-mid, 10 km from s-mid2
}

FAST = dict(mip_gap=1e-9, time_limit_s=60)

#: No renewable accounting: no share, no incentive (so no build and no renewable flow).
NO_RENEWABLES = dict(renewable_share=0.0, costs=siting.Costs(renewable_incentive_per_mw=0.0))


@dataclass(frozen=True)
class Instance:
    """A small problem, and what it is meant to exercise (checked, so that the case can fail).

    ``binds`` and ``needs`` are checked on the reference: each relaxation in
    ``binds`` (scenario fields, :func:`toy.renewable_layers` keywords) lowers the
    brute-force optimum (the constraint binds); each restriction in ``needs``
    raises it or makes the case infeasible (the plan needs what it removes).
    The rest is checked on the library's plans: exactly the (province,
    technology) pairs of ``built`` are built, those of ``at_potential`` at
    their ``<technology>_max_mw``; ``surplus`` says whether surplus is used;
    ``delivered`` is the energy delivered over load factor x the plan's MW;
    ``peak``: some substation uses more supply than it had, new build's peak
    credit making up the difference.
    """

    points: str
    scenario: dict
    layers: dict = field(default_factory=dict)
    binds: dict[str, tuple[dict, dict]] = field(default_factory=dict)
    needs: dict[str, tuple[dict, dict]] = field(default_factory=dict)
    built: frozenset[tuple[str, str]] | None = None
    at_potential: frozenset[tuple[str, str]] = frozenset()
    surplus: bool | None = None
    delivered: float | None = None
    peak: bool = False

    def inputs(self, scenario: dict | None = None, layers: dict | None = None):
        """(data, scenario, candidates), with changes to the scenario fields and layer keywords."""
        kw = {**self.layers, **(layers or {})}
        data = siting.SitingData(**toy.renewable_layers(**kw), metric_crs=METRIC)
        sc = siting.Scenario(**FAST, **{**self.scenario, **(scenario or {})})
        lon = [POINTS[n][0] for n in self.points]
        lat = [POINTS[n][1] for n in self.points]
        cand = gpd.GeoDataFrame(
            {"site_id": list(self.points)}, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326"
        )
        return data, sc, cand


#: Potentials where only KR-T3 may build solar (300 MW) and only KR-T2 onshore wind.
SOLAR_T3_WIND_T2 = {
    "solar": {"KR-T2": 0.0, "KR-T3": 300.0, "KR-T4": 0.0},
    "onshore_wind": {"KR-T3": 0.0, "KR-T4": 0.0},
}

#: No incentive: renewable energy is delivered for the share only.
NO_INCENTIVE = siting.Costs(renewable_incentive_per_mw=0.0)

#: Only KR-T3 hosts (sites within 12 km of s-mid or s-mid2), 100 MW, no incentive.
T3_ONLY = dict(
    target_mw=100,
    tiers_mw=(50, 100),
    exclude_provinces=("KR-T2", "KR-T4"),
    province_share_cap=1.0,
    min_host_provinces=1,
    max_connection_km={154: 12, 345: 12},
    costs=NO_INCENTIVE,
)

#: Two host provinces, at most half in each, campuses of 50 and 100 MW, no incentive.
TWO_HOSTS = dict(tiers_mw=(50, 100), province_share_cap=0.5, min_host_provinces=2, costs=NO_INCENTIVE)

#: name -> Instance. ``binds`` and ``needs`` name what each case exercises (checked on the
#: reference by relaxing or removing it); ``renewable_share=0`` with the default incentive
#: still accounts renewables (the incentive), with nothing to deliver unless a case states a
#: surplus.
INSTANCES = {
    # three tiers, two hosts; the share cap binds; the capital-region point G is dropped
    "base": Instance(
        "ACEG",
        dict(
            target_mw=250,
            tiers_mw=(50, 100, 200),
            province_share_cap=0.5,
            min_host_provinces=2,
            renewable_share=0.0,
        ),
        binds={"share cap": (dict(province_share_cap=1.0), {})},
    ),
    # minimum spacing and share cap bind; a dearer site rate in KR-T2
    "spacing": Instance(
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
        binds={"spacing": (dict(min_spacing_km=0.0), {}), "share cap": (dict(province_share_cap=1.0), {})},
    ),
    # the share binds and the surplus meets it: 60 MW stranded at s-east2 (KR-T4's wind farm),
    # lines L6 and L7 cut, so a campus moves to s-east2 rather than build
    "surplus": Instance(
        "ABCEF",
        dict(TWO_HOSTS, target_mw=150, renewable_share=0.5),
        layers=dict(surplus_mw={"KR-T4": 60.0}, residual_mw={"L6": 40.0, "L7": 0.0}),
        binds={"share": (dict(renewable_share=0.0), {})},
        needs={"surplus": ({}, dict(surplus_mw={}))},
        built=frozenset(),
        surplus=True,
        delivered=0.5,
    ),
    # the share needs new build: solar only in KR-T4, cut off from the campuses (L5, L7 at 0),
    # so onshore wind in KR-T3 rather than offshore wind
    "build_choice": Instance(
        "ABCD",
        dict(TWO_HOSTS, target_mw=200, renewable_share=0.5),
        layers=dict(max_mw={"solar": {"KR-T3": 0.0}}, residual_mw={"L5": 0.0, "L7": 0.0}),
        binds={"share": (dict(renewable_share=0.0), {}), "lines L5, L7": ({}, dict(residual_mw={}))},
        needs={"onshore wind": (dict(renewable_build=("solar", "offshore_wind")), {})},
        built=frozenset({("KR-T3", "onshore_wind")}),
        surplus=False,
        delivered=0.5,
    ),
    # KR-T3's 300 MW of solar potential binds; the rest of the share is onshore wind in KR-T2
    "potential": Instance(
        "ABCD",
        dict(TWO_HOSTS, target_mw=200, renewable_share=0.6),
        layers=dict(renewables=[WIND_WEST], max_mw=SOLAR_T3_WIND_T2),
        binds={
            "share": (dict(renewable_share=0.0), {}),
            "solar potential": ({}, dict(max_mw={**SOLAR_T3_WIND_T2, "solar": {"KR-T2": 0.0, "KR-T4": 0.0}})),
        },
        needs={"onshore wind": (dict(renewable_build=("solar", "offshore_wind")), {})},
        built=frozenset({("KR-T3", "solar"), ("KR-T2", "onshore_wind")}),
        at_potential=frozenset({("KR-T3", "solar")}),
        surplus=False,
        delivered=0.6,
    ),
    # only KR-T3 may host and line L3 limits its supply (20 MW of peak credit + 50 MW over L3,
    # L5 at 0): the peak credit of new solar there makes 100 MW possible (far more than the share needs)
    "build_peak": Instance(
        "CDJ",
        dict(T3_ONLY, renewable_share=0.1),
        layers=dict(residual_mw={"L3": 50.0, "L5": 0.0}),
        binds={"line L3": ({}, dict(residual_mw={"L5": 0.0}))},
        needs={"new build": (dict(renewable_build=()), {})},
        built=frozenset({("KR-T3", "solar")}),
        peak=True,
    ),
    # one capacity per line: only KR-T3 may host, its supply and KR-T4's surplus both come over
    # L5 (100 MW; L3 and L7 at 0), so part of the share is new solar in KR-T3 instead
    "shared_line": Instance(
        "CDJ",
        dict(T3_ONLY, renewable_share=0.5),
        layers=dict(surplus_mw={"KR-T4": 40.0}, residual_mw={"L3": 0.0, "L5": 100.0, "L7": 0.0}),
        binds={"line L5": ({}, dict(residual_mw={"L3": 0.0, "L7": 0.0}))},
        needs={"surplus": ({}, dict(surplus_mw={}))},
        built=frozenset({("KR-T3", "solar")}),
        surplus=True,
        delivered=0.5,
    ),
    # where surplus and new build connect: KR-T4 has wind at s-east2 (cut off: L6, L7 at 0) and
    # solar at s-east, so 40 % of its 100 MW surplus (by capacity) and its new solar reach the
    # campuses, its new wind would not
    "where": Instance(
        "CDEI",
        dict(TWO_HOSTS, target_mw=200, renewable_share=0.5),
        layers=dict(
            renewables=[SOLAR_EAST],
            surplus_mw={"KR-T4": 100.0},
            max_mw={"solar": {"KR-T3": 0.0}},
            residual_mw={"L6": 0.0, "L7": 0.0},
        ),
        binds={"share": (dict(renewable_share=0.0), {})},
        needs={"surplus": ({}, dict(surplus_mw={}))},
        built=frozenset({("KR-T4", "solar")}),
        surplus=True,
        delivered=0.5,
    ),
    # large target with 345 kV tiers: share cap binds, transmission and supply matter, new build for the share
    "network": Instance(
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
        binds={"share cap": (dict(province_share_cap=1.0), {}), "share": (dict(renewable_share=0.0), {})},
    ),
    # congested corridors (L3, L5 cut to 40 MW, shared by the supply flow and the new solar's
    # energy) change the optimum against the plain toy grid
    "congested": Instance(
        "ABCDEI",
        dict(
            target_mw=400,
            tiers_mw=(50, 100, 200),
            province_share_cap=0.4,
            min_host_provinces=3,
            renewable_share=0.2,
            costs=siting.Costs(transmission_per_mw_km=0.05),
        ),
        layers=dict(residual_mw={"L3": 40.0, "L5": 40.0}),
        binds={"lines L3, L5": ({}, dict(residual_mw={}))},
    ),
    # capital region allowed (no subsidy there), KR-T4 excluded instead; planned hydro counts
    # (supply, and where KR-T2 would build); min hosts bind (the share cap does not)
    "exclude_other": Instance(
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
        binds={"hosts": (dict(min_host_provinces=1), {})},
    ),
    # spacing (binding) plus renewable share (new build) plus three hosts together
    "mixed": Instance(
        "ABCDFH",
        dict(
            target_mw=350,
            tiers_mw=(50, 100),
            max_connection_km={154: 25, 345: 40},
            province_share_cap=0.45,
            min_host_provinces=3,
            min_spacing_km=16.0,
            renewable_share=0.3,
        ),
        binds={"spacing": (dict(min_spacing_km=0.0), {}), "share": (dict(renewable_share=0.0), {})},
    ),
    # a surplus and an incentive above every campus's cost: building more always pays
    # (each MW earns the incentive on its average load), the overbuild cap binds
    "overbuild": Instance(
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
        layers=dict(surplus_mw={"KR-T3": 250.0}),
        binds={"overbuild": (dict(max_overbuild_mw=None), {})},
        built=frozenset(),
        surplus=True,
        delivered=1.0,
    ),
    # no share, but an incentive above the cost of solar's energy (15 x 0.14 > 1.62 per MW): new
    # solar in KR-T3 (its only solar potential) up to the campuses' average load, overbuild binds
    "incentive": Instance(
        "ACEH",
        dict(
            target_mw=100,
            tiers_mw=(50, 100),
            province_share_cap=1.0,
            min_host_provinces=1,
            max_overbuild_mw=100,
            renewable_share=0.0,
            costs=siting.Costs(renewable_incentive_per_mw=15.0),
        ),
        layers=dict(max_mw={"solar": {"KR-T4": 0.0}}),
        binds={"overbuild": (dict(max_overbuild_mw=None), {})},
        needs={"solar": (dict(renewable_build=("onshore_wind", "offshore_wind")), {})},
        built=frozenset({("KR-T3", "solar")}),
        surplus=False,
        delivered=1.0,
    ),
    # infeasible: supply reachable over the residual network (800 MW) is below the target; without a
    # share or an incentive renewables are not accounted, so no new build adds its peak credit
    "infeasible_supply": Instance(
        "ABCDEI",
        dict(
            target_mw=900,
            tiers_mw=(100, 200, 300),
            connection_kv={200: 154, math.inf: 345},
            max_connection_km={154: 25, 345: 40},
            province_share_cap=0.5,
            min_host_provinces=2,
            **NO_RENEWABLES,
        ),
    ),
    # infeasible: every pair of sites in different provinces is closer than 60 km
    "infeasible_spacing": Instance(
        "ABCD",
        dict(
            target_mw=100,
            tiers_mw=(50, 100),
            province_share_cap=1.0,
            min_host_provinces=2,
            min_spacing_km=60.0,
            renewable_share=0.0,
        ),
    ),
}
# "base" with the overbuild cap leaving no province room for a whole 200 MW campus (0.5 x 300 MW): the
# model bounds each count by it (ProvinceCap.count_bound), which must not cut off the optimum
INSTANCES["tier_cap"] = replace(
    INSTANCES["base"], points="ACEH", scenario={**INSTANCES["base"].scenario, "max_overbuild_mw": 50}
)


# -- the reference ------------------------------------------------------------------


@dataclass
class Option:
    sub: int
    tier: int
    cost: float


@dataclass
class Build:
    """New build of one technology in one province."""

    province: str
    technology: str
    at: np.ndarray  # share of its capacity at each substation
    max_mw: float
    cost_per_mw: float
    capacity_factor: float
    peak_credit: float


def present_cost(tech, rate: float) -> float:
    """Capital cost plus the present value of fixed O&M over the life, per MW."""
    annuity = 1.0 / tech.life_years if rate == 0 else rate / (1.0 - (1.0 + rate) ** -tech.life_years)
    return tech.capex_per_mw + tech.om_per_mw_year / annuity


@dataclass
class PlanLP:
    """The least cost of flows, new build and incentive for one load vector, and what it uses."""

    cost: float
    transmission: float
    built_mw: np.ndarray
    delivered_mw: float
    surplus_used_mw: float


class _LP:
    """A linear programme written term by term, solved with SciPy's HiGHS."""

    def __init__(self) -> None:
        self.cost: list[float] = []
        self.bounds: list[tuple[float, float | None]] = []
        self.rows: list[tuple[list[tuple[int, float]], str, float]] = []

    def var(self, cost: float = 0.0, hi: float | None = None) -> int:
        self.cost.append(cost)
        self.bounds.append((0.0, None if hi is None or math.isinf(hi) else hi))
        return len(self.cost) - 1

    def row(self, terms: list[tuple[int, float]], sense: str, rhs: float) -> None:
        self.rows.append((terms, sense, rhs))

    def solve(self) -> np.ndarray | None:
        mats = {"==": ([], []), "<=": ([], [])}
        for terms, sense, rhs in self.rows:
            a = np.zeros(len(self.cost))
            for i, v in terms:
                a[i] += v
            mats[sense][0].append(a)
            mats[sense][1].append(rhs)
        args = {}
        for sense, (a_name, b_name) in (("==", ("A_eq", "b_eq")), ("<=", ("A_ub", "b_ub"))):
            if mats[sense][0]:
                args[a_name], args[b_name] = np.array(mats[sense][0]), np.array(mats[sense][1])
        out = linprog(np.array(self.cost), bounds=self.bounds, method="highs", **args)
        return out.x if out.status == 0 else None


class Reference:
    """Independent re-implementation of the siting problem for a handful of candidates."""

    def __init__(self, data: siting.SitingData, sc: siting.Scenario, cand: gpd.GeoDataFrame):
        self.sc = sc
        c = sc.costs
        prov = data.provinces.to_crs(METRIC)
        self.prov = prov
        capital = set(prov.loc[prov["capital_region"].astype(bool), "code"])
        excluded = set(sc.exclude_provinces) | (capital if sc.exclude_capital_region else set())

        # candidates: province by containment in the metric CRS, excluded ones dropped
        pts = cand.to_crs(METRIC)
        self.site_ids, self.site_xy, self.site_prov = [], [], []
        for sid, p in zip(pts["site_id"], pts.geometry, strict=True):
            code = self.province_of(p)
            if code in excluded:
                continue
            self.site_ids.append(sid)
            self.site_xy.append(p)
            self.site_prov.append(code)

        subs = data.substations.to_crs(METRIC)
        self.sub_ids = list(subs["substation_id"])
        self.sub_pos = {s: i for i, s in enumerate(self.sub_ids)}
        self.headroom = subs["headroom_mw"].to_numpy(dtype=float)
        kv_sub = subs["voltage_kv"].to_numpy(dtype=float)
        self.sub_pts = list(subs.geometry)

        self._renewables(data)

        # lines: lengths recomputed from the endpoints (straight segments)
        self.lines = []
        for r in data.lines.itertuples():
            u, v = self.sub_pos[r.from_id], self.sub_pos[r.to_id]
            length = self.sub_pts[u].distance(self.sub_pts[v]) / 1000.0
            assert abs(length - r.length_km) < 1e-6 * length + 1e-9
            self.lines.append((r.line_id, u, v, float(r.residual_mw), length))

        # options
        self.options: list[list[Option]] = []
        for p, code in zip(self.site_xy, self.site_prov, strict=True):
            rate = c.site_per_mw_by_province.get(code, c.site_per_mw)
            opts = []
            for n, q in enumerate(self.sub_pts):
                dist = p.distance(q) / 1000.0
                for t in sc.tiers_mw:
                    kv = sc.connection_kv_for(t)
                    if kv_sub[n] >= kv and self.headroom[n] >= t and dist <= sc.max_connection_km[kv]:
                        circuits = math.ceil(t / c.connection_circuit_mw[kv] - 1e-9)
                        cost = c.connection_fixed[kv] + circuits * c.connection_per_km[kv] * dist + rate * t
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

        self.network = lru_cache(maxsize=None)(self._network)

    def province_of(self, p) -> str:
        inside = [
            code for code, poly in zip(self.prov["code"], self.prov.geometry, strict=True) if poly.contains(p)
        ]
        assert len(inside) == 1, f"test point {p} must lie inside exactly one province"
        return inside[0]

    def nearest_sub(self, p) -> int:
        return int(np.argmin([p.distance(q) for q in self.sub_pts]))

    def _renewables(self, data: siting.SitingData) -> None:
        """Supply for new load, the surplus by substation and the new-build options."""
        sc, c = self.sc, self.sc.costs
        nodes = len(self.sub_ids)
        ren = data.renewables.to_crs(METRIC)
        ren = ren[ren["status"].isin(sc.renewable_status)]
        self.supply = np.zeros(nodes)  # S_n: plants' supply and renewables' peak credit
        for r in ren.itertuples():
            self.supply[self.nearest_sub(r.geometry)] += r.capacity_mw * RENEWABLE_PEAK_CREDIT.get(
                r.technology, 0.0
            )
        if data.plants is not None:
            plants = data.plants.to_crs(METRIC)
            for r in plants[plants["status"].isin(sc.renewable_status)].itertuples():
                self.supply[self.nearest_sub(r.geometry)] += r.supply_mw
        fleet = [
            (self.province_of(r.geometry), r.technology, r.capacity_mw, self.nearest_sub(r.geometry))
            for r in ren.itertuples()
            if r.technology in RENEWABLE_ENERGY_TECHNOLOGIES and r.capacity_mw > 0
        ]

        def where(code: str, *choices: tuple[str, ...]) -> np.ndarray | None:
            """Capacity shares at the substations of the first technologies the province has plants of."""
            for techs in choices:
                w = np.zeros(nodes)
                for p, t, cap, n in fleet:
                    if p == code and t in techs:
                        w[n] += cap
                if w.sum() > 0:
                    return w / w.sum()
            return None

        prov = self.prov.set_index("code")
        self.surplus = np.zeros(nodes)  # average MW stranded at each substation
        for code, mw in prov["renewable_surplus_mw"].items():
            if mw > 0:
                w = where(code, VARIABLE, RENEWABLE_ENERGY_TECHNOLOGIES)
                assert w is not None, f"surplus in {code} without renewables"
                self.surplus += mw * w
        self.accounts = sc.renewable_share > 0 or c.renewable_incentive_per_mw > 0
        self.builds: list[Build] = []
        for tech in sc.renewable_build if self.accounts else ():
            t = c.renewable_technologies[tech]
            col = f"{tech}_max_mw"
            for code in prov.index:
                cap = float(prov.at[code, col]) if col in prov else math.nan
                cap = math.inf if math.isnan(cap) else cap
                w = where(code, (tech,), VARIABLE, RENEWABLE_ENERGY_TECHNOLOGIES)
                if cap > 0 and w is not None:
                    cost = present_cost(t, c.discount_rate)
                    self.builds.append(Build(code, tech, w, cap, cost, t.capacity_factor, t.peak_credit))

    # -- flows, surplus and build for a load vector (tuple of integer MW per substation) --
    def _network(self, load: tuple) -> PlanLP | None:
        """Least cost of campus flow + renewable flow + new build - incentive; None if infeasible.

        Variables: campus flow fp, fm and renewable flow gp, gm per line with
        residual capacity (fp + fm + gp + gm <= residual: one capacity per line,
        both directions counted in full; the campus flow priced per MW-km); per substation
        supply used s, surplus used u, new-build energy taken e and energy
        delivered d; MW built per option.
        """
        sc, c = self.sc, self.sc.costs
        nodes = len(self.sub_ids)
        lp = _LP()
        campus_in = [[] for _ in range(nodes)]
        energy_in = [[] for _ in range(nodes)]
        tx = []
        for _, u, v, resid, length in self.lines:
            if resid <= 0:
                continue
            fp, fm = lp.var(c.transmission_per_mw_km * length), lp.var(c.transmission_per_mw_km * length)
            tx += [(fp, length), (fm, length)]
            shared = [(fp, 1.0), (fm, 1.0)]
            campus_in[u] += [(fp, -1.0), (fm, 1.0)]
            campus_in[v] += [(fp, 1.0), (fm, -1.0)]
            if self.accounts:  # renewable energy shares the line, unpriced
                gp, gm = lp.var(0.0), lp.var(0.0)
                shared += [(gp, 1.0), (gm, 1.0)]
                energy_in[u] += [(gp, -1.0), (gm, 1.0)]
                energy_in[v] += [(gp, 1.0), (gm, -1.0)]
            lp.row(shared, "<=", resid)
        b = [lp.var(k.cost_per_mw, k.max_mw) for k in self.builds]
        delivered, surplus = [], []
        for n in range(nodes):
            s = lp.var()
            peak = [(b[k], -o.peak_credit * o.at[n]) for k, o in enumerate(self.builds) if o.at[n] > 0]
            lp.row([(s, 1.0), *peak], "<=", self.supply[n])
            lp.row([(s, 1.0), *campus_in[n]], "==", load[n])
            if self.accounts:
                u = lp.var(0.0, self.surplus[n])
                e = lp.var()
                d = lp.var(-c.renewable_incentive_per_mw, sc.load_factor * load[n])
                energy = [
                    (b[k], -o.capacity_factor * o.at[n]) for k, o in enumerate(self.builds) if o.at[n] > 0
                ]
                lp.row([(e, 1.0), *energy], "<=", 0.0)
                lp.row([*energy_in[n], (u, 1.0), (e, 1.0), (d, -1.0)], "==", 0.0)
                delivered.append(d)
                surplus.append(u)
        if sc.renewable_share > 0:
            lp.row([(d, -1.0) for d in delivered], "<=", -sc.renewable_share * sc.load_factor * sum(load))
        x = lp.solve()
        if x is None:
            return None
        return PlanLP(
            cost=float(np.dot(lp.cost, x)),
            transmission=c.transmission_per_mw_km * sum(x[i] * ln for i, ln in tx),
            built_mw=np.array([x[i] for i in b]),
            delivered_mw=float(sum(x[d] for d in delivered)),
            surplus_used_mw=float(sum(x[u] for u in surplus)),
        )

    # -- one plan --------------------------------------------------------------
    def load_of(self, choice: tuple) -> tuple:
        load = [0] * len(self.sub_ids)
        for o in choice:
            if o is not None:
                load[o.sub] += o.tier
        return tuple(load)

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
        load = self.load_of(choice)
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
        net = self.network(load)
        if net is None:
            return None
        return sum(o.cost for _, o in chosen) + net.cost

    def brute_force(self) -> tuple[float | None, tuple | None, int]:
        """The least cost over every assignment (None: none feasible), a best plan, how many were tried."""
        best, arg = None, None
        count = 0
        credit = self.sc.costs.renewable_incentive_per_mw * self.sc.load_factor if self.accounts else 0.0
        for choice in itertools.product(*[[None, *opts] for opts in self.options]):
            count += 1
            # cheap lower bound: flows and build cost nothing or more; the incentive is at most
            # its price x the plan's average load
            own = sum(o.cost - credit * o.tier for o in choice if o is not None)
            if best is not None and own >= best:
                continue
            cost = self.evaluate(choice)
            if cost is not None and (best is None or cost < best):
                best, arg = cost, choice
        return best, arg, count

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


@cache
def _brute_force(name: str) -> tuple[Reference, float | None, tuple | None]:
    data, sc, cand = INSTANCES[name].inputs()
    ref = Reference(data, sc, cand)
    assert sum(bool(o) for o in ref.options) >= 3, "the instance should have a real choice"
    best, arg, count = ref.brute_force()
    assert count > 20
    return ref, best, arg


def _check_claims(inst: Instance, r, ref: Reference) -> None:
    """What the instance says the library's plan does: builds, potentials, surplus, delivered, peak."""
    table = r.renewable_supply
    built = table[table["source"] == "new build"]
    pairs = set(zip(built["province"], built["technology"], strict=True))
    if inst.built is not None:
        assert pairs == set(inst.built), (
            f"built {sorted(pairs)}, the case is meant to build {sorted(inst.built)}"
        )
    for p, t in inst.at_potential:
        row = built[(built["province"] == p) & (built["technology"] == t)]
        limit = ref.prov.set_index("code").at[p, f"{t}_max_mw"]
        assert float(row["capacity_mw"].sum()) == pytest.approx(limit, rel=1e-6), (
            f"{t} in {p} below its potential"
        )
    used = float(r.substations["surplus_used_mw"].sum())
    if inst.surplus is not None:
        assert (used > 1e-6) == inst.surplus, f"surplus used {used} MW"
    if inst.delivered is not None:
        full = ref.sc.load_factor * r.total_mw
        assert r.renewable_delivered_mw == pytest.approx(inst.delivered * full, rel=1e-6)
    if inst.peak:
        s = r.substations
        assert (s["supply_used_mw"] > s["supply_mw"] + 1e-6).any(), (
            "no substation needs new build's peak credit"
        )


@pytest.mark.parametrize("name", list(INSTANCES))
def test_bruteforce_optimum(name):
    inst = INSTANCES[name]
    data, sc, cand = inst.inputs()
    ref, best, _ = _brute_force(name)

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

    # the library's own plan, re-priced by the reference, is feasible and costs what it reports
    for r in (res, full):
        assert r.objective == pytest.approx(sum(r.costs.values()), rel=1e-9, abs=1e-9)
        plan = ref.plan_of(r)
        cost = ref.evaluate(plan)
        assert cost is not None, (
            "the library's plan violates a constraint: "
            f"{r.sites[['site_id', 'substation_id', 'capacity_mw']]}"
        )
        assert cost == pytest.approx(r.objective, rel=1e-4, abs=1e-6)
        # flows, new build and incentive together cost what the reference's LP says for this plan
        net = ref.network(ref.load_of(plan))
        terms = sum(r.costs.get(k, 0.0) for k in ("transmission", "renewable_build", "renewable_incentive"))
        assert terms == pytest.approx(net.cost, rel=1e-4, abs=1e-6)
        # one capacity per line: campus and renewable flows share the residual
        shared = r.lines.flow_mw.abs() + r.lines.renewable_flow_mw.abs()
        assert (shared <= r.lines.residual_mw + 1e-6).all()
        assert_result_valid(r, data)
        _check_claims(inst, r, ref)


@pytest.mark.parametrize("name", [n for n, i in INSTANCES.items() if i.binds or i.needs])
def test_instance_exercises_its_constraints(name):
    """Each relaxation in ``binds`` lowers the brute-force optimum; each removal in ``needs`` raises it."""
    inst = INSTANCES[name]
    _, best, _ = _brute_force(name)
    assert best is not None
    for what, (changes, layers) in inst.binds.items():
        other, _, _ = Reference(*inst.inputs(changes, layers)).brute_force()
        assert other is not None and other < best - 1e-6 * max(1.0, abs(best)), (
            f"{what} does not bind: {other}"
        )
    for what, (changes, layers) in inst.needs.items():
        other, _, _ = Reference(*inst.inputs(changes, layers)).brute_force()
        assert other is None or other > best + 1e-6 * max(1.0, abs(best)), f"{what} is not needed: {other}"
