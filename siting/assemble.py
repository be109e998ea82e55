"""From a solution to a result: the plain tables of :class:`siting.result.SitingResult`.

:func:`assemble` reads the solved values (:class:`siting.model.Solution`) and
the inputs, and builds each table in its own step: sites, substations, lines,
provinces. The tables are GeoDataFrames in EPSG:4326; money in KRW billion.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from ._log import logger
from ._result_types import RENEWABLE_SUPPLY_COLUMNS, SITE_COST_COLUMNS
from .constants import COST_TERMS, HEADROOM, LINES, SUPPLY, Status
from .exclusions import buffer_ring
from .result import Diagnosis, OverbuildWarning, SitingResult
from .settings import GEOGRAPHIC_CRS

if TYPE_CHECKING:
    from .candidates import Candidates
    from .data import SitingData
    from .families import Family
    from .model import Solution
    from .scenario import Scenario
    from .solvers import SolveReport

__all__ = ["assemble"]


def assemble(
    data: SitingData,
    scenario: Scenario,
    cand: Candidates,
    opts: pd.DataFrame,
    solution: Solution | None,
    graph: nx.MultiGraph,
    *,
    status: Status,
    excluded: Sequence[str],
    report: SolveReport | None = None,
    families: Sequence[type[Family]] = (),
    diagnosis: Diagnosis | None = None,
    size: dict[str, int] | None = None,
    timings: dict[str, float] | None = None,
) -> SitingResult:
    """Turn solved values (a :class:`~siting.model.Solution`; None: no plan) into a result."""
    sol = solution if solution is not None and status.has_solution else None
    sel = opts.loc[sol.chosen if sol is not None else np.zeros(len(opts), dtype=bool)]
    substations = _substations(
        data.substations,
        graph,
        sel,
        sol,
        incentive_per_mw=scenario.costs.renewable_incentive_per_mw,
        added=_added(sol, "substation", "substation_id"),
        exported=_exported(sol),
    )
    renewable_supply = _renewable_supply(data, graph, sol)
    sites = _sites(cand, sel, substations)
    costs: dict[str, float] = dict(sol.costs) if sol is not None else dict.fromkeys(COST_TERMS, 0.0)
    result = SitingResult(
        status=status,
        objective=sum(costs.values()) if sol is not None else None,
        gap=report.gap if report is not None else None,
        costs=costs,
        provinces=_provinces(data.provinces, sites, excluded),
        sites=sites,
        substations=substations,
        lines=_lines(data.lines, sol, added=_added(sol, "uprate", "line_id")),
        scenario=scenario,
        diagnosis=diagnosis,
        renewables=data.renewables,
        renewable_supply=renewable_supply,
        renewable_delivered_mw=sol.renewable_delivered_mw if sol is not None else 0.0,
        model_size=size or {},
        timings=timings or {},
        metric_crs=data.metric_crs,
        report=report,
        families=tuple(families),
        dropped_candidates=cand.dropped,
        candidates_given=cand.given,
        security=dict(sol.security) if sol is not None else {},
        exclusion_buffer=_exclusion_buffer(data, scenario),
        reinforcements=_reinforcements(data, sol),
    )
    _note_overbuild(result)
    return result


def _exclusion_buffer(data: SitingData, scenario: Scenario) -> gpd.GeoSeries | None:
    """The buffer ring around the excluded provinces (in the data's CRS, EPSG:4326), or None without one."""
    ring = buffer_ring(data, scenario)
    if ring.is_empty:
        return None
    return gpd.GeoSeries([ring], index=["buffer"], crs=data.metric_crs).to_crs(data.provinces.crs)


def _reinforcements(data: SitingData, sol: Solution | None) -> gpd.GeoDataFrame | None:
    """The solution's reinforcements table with geometry: an uprate's line, a straight new line, a point."""
    if sol is None or sol.reinforcements is None:
        return None
    table = sol.reinforcements
    points = data.substations.set_index("substation_id").geometry
    routes = data.lines.set_index("line_id").geometry
    geoms = [
        routes[r.line_id]
        if r.kind == "uprate"
        else points[r.substation_id]
        if r.kind == "substation"
        else shapely.LineString([points[r.from_id], points[r.to_id]])
        for r in table.itertuples()
    ]
    return gpd.GeoDataFrame(table, geometry=geoms, crs=data.substations.crs).to_crs(GEOGRAPHIC_CRS)


def _added(sol: Solution | None, kind: str, at: str) -> pd.Series:
    """MW the projects of ``kind`` built add, summed by ``at`` (``line_id``, ``substation_id``)."""
    table = sol.reinforcements if sol is not None else None
    if table is None:
        return pd.Series(dtype=float)
    rows = table[table["kind"] == kind]
    return (rows["added_mw"] * rows["units_built"]).groupby(rows[at]).sum()


def _exported(sol: Solution | None) -> pd.Series:
    """MW the links built carry out of the problem (``export_mw`` as built), summed by ``from_id``."""
    table = sol.reinforcements if sol is not None else None
    if table is None:
        return pd.Series(dtype=float)
    return table["export_mw"].groupby(table["from_id"]).sum()


def _by_node(sol: Solution | None, key: str, n: int) -> np.ndarray:
    """One of the renewable family's per-substation figures (``delivered``, ``surplus``, ``build``)."""
    out = np.zeros(n)
    for i, mw in (sol.renewable_by_node.get(key, {}) if sol is not None else {}).items():
        out[i] = mw
    return out


def _built(graph: nx.MultiGraph, sol: Solution | None) -> np.ndarray:
    """MW built per new-build option (zeros without a plan or the family)."""
    builds = graph.graph["renewable_supply"].builds
    got = sol.renewable_build_mw if sol is not None else np.zeros(0)
    return got if len(got) == len(builds) else np.zeros(len(builds))


def _centre(points: gpd.GeoSeries, weights: np.ndarray) -> object:
    """The weighted centre of ``points`` (EPSG:4326 in and out, averaged in the metric CRS)."""
    metric = points.to_crs(points.estimate_utm_crs())
    x = float(np.average(metric.x, weights=weights))
    y = float(np.average(metric.y, weights=weights))
    return gpd.GeoSeries(gpd.points_from_xy([x], [y]), crs=metric.crs).to_crs(GEOGRAPHIC_CRS).iat[0]


def _renewable_supply(data: SitingData, graph: nx.MultiGraph, sol: Solution | None) -> gpd.GeoDataFrame:
    """The renewables that serve the plan: surplus used by province, new build by province and technology.

    Surplus used at a substation is attributed to the provinces whose surplus
    is stranded there, in proportion. Each row sits at the weighted centre
    of the substations where it connects.
    """
    sup = graph.graph["renewable_supply"]
    subs = data.substations
    codes = data.provinces["code"].astype(str).tolist()
    stated = data.provinces["renewable_surplus_mw"].to_numpy(dtype=float)
    used = _by_node(sol, "surplus", len(subs))
    rows = []
    if stated.sum() > 0:
        W = sup.surplus_weights.toarray() * stated[:, None]  # province x node, MW: the model's spread
        share = np.divide(W, W.sum(axis=0), out=np.zeros_like(W), where=W.sum(axis=0) > 0)
        for p in np.flatnonzero(stated > 0).tolist():
            at = np.flatnonzero(W[p] > 0)
            rows.append(
                {
                    "source": "surplus",
                    "province": codes[p],
                    "technology": "surplus",
                    "capacity_mw": np.nan,
                    "energy_mw": float((share[p] * used).sum()),
                    "max_mw": float(stated[p]),
                    "cost_krw_bn": 0.0,
                    "annual_krw_bn": 0.0,
                    "geometry": _centre(subs.geometry.iloc[at], W[p, at]),
                }
            )
    built = _built(graph, sol)
    Wb = sup.weights.tocsr()
    for k, r in enumerate(sup.builds.itertuples()):
        if built[k] <= 1e-6:
            continue
        at = Wb.indices[Wb.indptr[k] : Wb.indptr[k + 1]]
        rows.append(
            {
                "source": "new build",
                "province": r.province,
                "technology": r.technology,
                "capacity_mw": float(built[k]),
                "energy_mw": float(built[k] * r.capacity_factor),
                "max_mw": float(r.max_mw),
                "cost_krw_bn": float(built[k] * r.cost_per_mw),
                "annual_krw_bn": float(built[k] * r.annual_per_mw),
                "geometry": _centre(subs.geometry.iloc[at], Wb.data[Wb.indptr[k] : Wb.indptr[k + 1]]),
            }
        )
    frame = pd.DataFrame(rows, columns=[*RENEWABLE_SUPPLY_COLUMNS, "geometry"])
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=GEOGRAPHIC_CRS)


def _per_mw(values: np.ndarray, mw: np.ndarray) -> np.ndarray:
    """``values`` per MW of ``mw``, elementwise (0 where ``mw`` is not positive)."""
    return np.divide(values, mw, out=np.zeros(len(mw)), where=mw > 0)


def _sites(cand: Candidates, sel: pd.DataFrame, substations: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The chosen options as campuses, each with its own cost terms (:data:`SITE_COST_COLUMNS`)."""
    sites_m = cand.sites.iloc[sel["site"].to_numpy()]
    at, tier = sel["substation"].to_numpy(), sel["tier_mw"].to_numpy()
    # each site's own cost terms; the renewable incentive is its substation's, shared pro rata by MW
    own = {c: sel[c].to_numpy() for c in ("connection_cost", "site_cost", "subsidy")}
    incentive = substations["renewable_incentive_krw_bn"].to_numpy()
    own["renewable_incentive"] = _per_mw(incentive, substations["load_mw"].to_numpy())[at] * tier + 0.0
    return gpd.GeoDataFrame(
        {
            "site_id": sites_m["site_id"].to_numpy(),
            "province": sel["province"].to_numpy(),
            "capacity_mw": tier,
            "substation_id": substations["substation_id"].to_numpy()[at],
            "connection_km": sel["distance_km"].to_numpy(),
            "connection_kv": sel["kv"].to_numpy(),
            **{col: own[term] for term, col in SITE_COST_COLUMNS.items()},
        },
        geometry=sites_m["footprint"].to_numpy(),
        crs=cand.sites.crs,
    ).to_crs(GEOGRAPHIC_CRS)


def _substations(
    subs: gpd.GeoDataFrame,
    graph: nx.MultiGraph,
    sel: pd.DataFrame,
    sol: Solution | None,
    *,
    incentive_per_mw: float,
    added: pd.Series,
    exported: pd.Series,
) -> gpd.GeoDataFrame:
    """Every substation: campus load, supply used, renewable energy and its sources, values of its limits.

    ``added``: headroom the substation projects built add, by substation id (utilization reads it too);
    ``exported``: held-back generation the links built carry out from there, by substation id.
    """
    load = np.zeros(len(subs))
    np.add.at(load, sel["substation"].to_numpy(), sel["tier_mw"].to_numpy())
    delivered = _by_node(sol, "delivered", len(subs))
    sup = graph.graph["renewable_supply"]
    build_peak = sup.at_substations(_built(graph, sol) * sup.builds["peak_credit"].to_numpy(dtype=float))
    ids = subs["substation_id"]
    head = subs["headroom_mw"].to_numpy()
    extra = ids.map(added).fillna(0.0).to_numpy(dtype=float)
    return gpd.GeoDataFrame(
        {
            "substation_id": ids,
            "name": subs["name"],
            "province": subs["province"],
            "voltage_kv": subs["voltage_kv"],
            "load_mw": load,
            "headroom_mw": head,
            "headroom_added_mw": extra,
            "utilization": _per_mw(load, head + extra),
            "supply_mw": np.array([graph.nodes[s]["supply_mw"] for s in ids]),
            "supply_used_mw": sol.supply_used_mw if sol is not None else 0.0,
            "export_mw": ids.map(exported).fillna(0.0).to_numpy(dtype=float),
            "build_peak_mw": build_peak,
            "surplus_mw": sup.surplus_mw,
            "surplus_used_mw": _by_node(sol, "surplus", len(subs)),
            "build_energy_mw": _by_node(sol, "build", len(subs)),
            "renewable_delivered_mw": delivered,
            "renewable_incentive_krw_bn": -incentive_per_mw * delivered + 0.0,  # + 0.0: no -0.0
            "headroom_value_bn_per_mw": _prices(sol, HEADROOM, ids),
            "supply_value_bn_per_mw": _prices(sol, SUPPLY, ids),
        },
        geometry=subs.geometry,
        crs=subs.crs,
    )


def _lines(lines: gpd.GeoDataFrame, sol: Solution | None, *, added: pd.Series) -> gpd.GeoDataFrame:
    """Every line with its new flow (signed, from -> to), loading and its value per MW.

    ``added``: MW the uprates built add, by line id; loading is of the residual plus that.
    """
    flow = lines["line_id"].map(sol.line_flow_mw if sol is not None else {}).fillna(0.0).to_numpy()
    ren = lines["line_id"].map(sol.renewable_flow_mw if sol is not None else {}).fillna(0.0).to_numpy()
    uprated = lines["line_id"].map(added).fillna(0.0).to_numpy(dtype=float)
    res_mw = lines["residual_mw"].to_numpy() + uprated
    return gpd.GeoDataFrame(
        {
            "line_id": lines["line_id"],
            "from_id": lines["from_id"],
            "to_id": lines["to_id"],
            "name": lines["name"],
            "kind": lines["kind"],
            "voltage_kv": lines["voltage_kv"],
            "length_km": lines["length_km"],
            "flow_mw": flow,
            "capacity_mw": lines["capacity_mw"],
            "residual_mw": lines["residual_mw"],
            "uprated_mw": uprated,
            "loading": np.divide(
                np.abs(flow), res_mw, out=np.where(np.abs(flow) > 1e-6, np.inf, 0.0), where=res_mw > 0
            ),
            "renewable_flow_mw": ren,
            "capacity_value_bn_per_mw": _prices(sol, LINES, lines["line_id"]),
        },
        geometry=lines.geometry,
        crs=lines.crs,
    )


def _provinces(
    provinces: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, excluded: Sequence[str]
) -> gpd.GeoDataFrame:
    """Every province: excluded or not, and the campuses and MW it hosts."""
    prov = provinces[["code", "name", "name_ko", "geometry"]].copy()
    prov["excluded"] = prov["code"].isin(list(excluded))
    per = sites.groupby("province")["capacity_mw"].agg(["size", "sum"])
    prov["campuses"] = prov["code"].map(per["size"]).fillna(0).astype(int)
    prov["capacity_mw"] = prov["code"].map(per["sum"]).fillna(0.0)
    return prov


def _note_overbuild(result: SitingResult) -> None:
    """Say why the plan exceeds the target: a warning when by a whole campus or more, else a log line."""
    note = result.overbuild_note()
    sc = result.scenario
    if note and result.total_mw - sc.target_mw >= min(sc.tiers_mw) - 1e-6:
        # stacklevel: this step, assemble, the pipeline's finish, solve, then the caller of solve
        warnings.warn(f"scenario {sc.name!r}: {note}", OverbuildWarning, stacklevel=5)
    elif note:
        logger.info("scenario %r: %s", sc.name, note)


def _prices(sol: Solution | None, limit: str, ids: pd.Series) -> np.ndarray:
    """Per id, the value per MW of ``limit`` from the solution's prices (0 where it has no row; NaN: none)."""
    if sol is None or not sol.prices:
        return np.full(len(ids), np.nan)
    return np.array([sol.prices.get((limit, i), 0.0) for i in ids], dtype=float)
