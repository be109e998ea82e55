"""What a solve returns: :class:`SitingResult`, its tables, summary and GeoPackage.

The tables are plain GeoDataFrames in EPSG:4326 so that they can be checked,
mapped and written without the model: ``sites``, ``substations``, ``lines``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from ._errors import SitingError
from ._utils import atomic_path
from .constants import COST_TERMS, Status
from .settings import GEOGRAPHIC_CRS

if TYPE_CHECKING:
    import folium

    from .candidates import Candidates
    from .data import SitingData
    from .families import Family
    from .model import Solution
    from .scenario import Scenario
    from .solvers import SolveReport

__all__ = ["Status", "SitingResult", "Diagnosis", "assemble"]

LIMIT_COLUMNS = ["family", "id", "name", "over_mw", "text"]


@dataclass
class Diagnosis:
    """Why a scenario is infeasible.

    Attributes
    ----------
    necessary : list of str
        Necessary conditions that fail, found without solving (e.g. the target
        against all headroom reachable outside the excluded region).
    limits : DataFrame
        From the elastic relaxation: ``family`` (the limit: target, headroom,
        lines, supply, province_cap, hosts, renewable, or a custom family's),
        ``id``, ``name``, ``over_mw``, the MW by which that limit must give to
        meet the target (``hosts``: provinces), and ``text``, the limit in
        words; largest first.
    max_achievable_mw : float or None
        The most MW found that can be placed with every limit kept.
    max_achievable_bound_mw : float or None
        Proven upper bound on that (equal to it when the solve was optimal).
    cut_short : str
        Empty when the diagnosis ran to the end; otherwise what the time
        limit left out (the diagnosis above it is then incomplete).
    """

    necessary: list[str] = field(default_factory=list)
    limits: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LIMIT_COLUMNS))
    max_achievable_mw: float | None = None
    max_achievable_bound_mw: float | None = None
    cut_short: str = ""

    def __str__(self) -> str:
        out = [f"- {n}" for n in self.necessary]
        if self.cut_short:
            out.append(f"- diagnosis cut short by the time limit: {self.cut_short}")
        if self.max_achievable_mw is not None:
            most = f"- {self.max_achievable_mw:,.0f} MW can be placed within every limit"
            bound = self.max_achievable_bound_mw
            if bound is not None and bound > self.max_achievable_mw + 0.5:
                most += f" (the solver proved at most {bound:,.0f} MW)"
            out.append(most)
        out += [f"- {text}" for text in self.limits["text"]]
        return "\n".join(out) if out else "(no diagnosis)"


@dataclass(repr=False)
class SitingResult:
    """The answer to one scenario.

    Attributes
    ----------
    status : Status
    objective : float or None
        Total cost, KRW bn (sum of ``costs``).
    gap : float or None
        Relative MIP gap when ``status == "feasible"``; 0 when optimal.
    costs : dict of str to float
        connection, site, transmission, renewable_incentive, subsidy (KRW bn;
        incentives negative).
    provinces : GeoDataFrame
        code, name, excluded, campuses, capacity_mw, geometry.
    sites : GeoDataFrame
        site_id, province, capacity_mw, substation_id, connection_km,
        connection_kv, renewable_avg_mw, cost terms, geometry.
    substations : GeoDataFrame
        Every substation: substation_id, name, province, voltage_kv, load_mw,
        headroom_mw, utilization, supply_mw, supply_used_mw, geometry.
    lines : GeoDataFrame
        Every line: line_id, from_id, to_id, name, kind, flow_mw (signed, from
        -> to), capacity_mw, residual_mw, loading (|flow| / residual),
        renewable_flow_mw, geometry.
    diagnosis : Diagnosis or None
        For infeasible runs.
    renewables : GeoDataFrame or None
        The input renewables (for maps): site_id, technology, capacity_mw,
        capacity_factor, status, geometry.
    scenario : Scenario
    renewable_delivered_mw : float
        Average renewable MW deliverable to the campuses.
    model_size : dict
        variables, binaries, constraints, options, candidates.
    timings : dict
        Seconds per stage (candidates, grid, options: headroom, options and
        reduction, 0 for stages reused from ``prepared=``; build: the model;
        solve, settle, total).
    metric_crs : str
        The data's projected CRS, for distances and maps.
    report : SolveReport or None
        What the solver reported (None when no model was solved).
    families : tuple of Family subclasses
        The constraint families the model applied (what
        :func:`siting.testing.assert_result_valid` re-checks).
    """

    status: Status
    objective: float | None
    gap: float | None
    costs: dict[str, float]
    provinces: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    substations: gpd.GeoDataFrame
    lines: gpd.GeoDataFrame
    scenario: Scenario
    diagnosis: Diagnosis | None = None
    renewables: gpd.GeoDataFrame | None = None
    renewable_delivered_mw: float = 0.0
    model_size: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    metric_crs: str = GEOGRAPHIC_CRS
    report: SolveReport | None = None
    families: tuple[type[Family], ...] = ()

    def __repr__(self) -> str:
        obj = "n/a" if self.objective is None else f"{self.objective:,.1f} KRW bn"
        return (
            f"SitingResult(status={str(self.status)!r}, campuses={len(self.sites)}, "
            f"total_mw={self.total_mw:,.0f}, "
            f"target_mw={self.scenario.target_mw:,.0f}, objective={obj})"
        )

    @property
    def total_mw(self) -> float:
        """Total campus capacity placed, MW."""
        return float(self.sites["capacity_mw"].sum()) if len(self.sites) else 0.0

    def by_province(self) -> pd.DataFrame:
        """Campuses and MW by province, largest first.

        Examples
        --------
        >>> import siting
        >>> res = siting.solve(siting.load_korea(), siting.Scenario(target_mw=300, min_host_provinces=1))
        >>> int(res.by_province()["capacity_mw"].sum()) >= 300
        True
        """
        g = self.sites.groupby("province").agg(
            campuses=("site_id", "size"), capacity_mw=("capacity_mw", "sum")
        )
        g["share"] = g["capacity_mw"] / max(self.total_mw, 1e-9)
        return g.sort_values(["capacity_mw", "campuses"], ascending=False)

    def overbuild_note(self) -> str | None:
        """Why the plan exceeds the target, in one sentence; None when it does not.

        Costs alone keep a plan at the target only while every campus costs
        more than its incentives. The note names the likely reason: whole
        campuses (dropping any one would fall short), campuses whose
        incentives exceed their own costs (the overbuild cap then binds), or
        the cheapest plan within the limits (tiers, host provinces, share cap).

        Examples
        --------
        >>> import siting
        >>> res = siting.solve(siting.load_korea(), siting.Scenario(target_mw=330, min_host_provinces=1))
        >>> res.overbuild_note().startswith("20 MW above the target")
        True
        """
        sc = self.scenario
        over = self.total_mw - sc.target_mw
        if over <= 1e-6 or not len(self.sites):
            return None
        allowed = "any" if math.isinf(sc.overbuild_mw) else f"up to {sc.overbuild_mw:,.0f} MW"
        own = self.sites[["connection_cost", "site_cost", "renewable_incentive", "subsidy"]].sum(axis=1)
        if (own < 0).any():
            cap = (
                "set max_overbuild_mw to cap it"
                if math.isinf(sc.overbuild_mw)
                else "max_overbuild_mw caps it"
            )
            why = (
                f"{int((own < 0).sum())} campus(es) earn more in incentives than they cost, so building more "
                f"lowers the objective; {cap}"
            )
        elif over < float(self.sites["capacity_mw"].min()) - 1e-6:
            why = "campuses come in whole tiers, and dropping any one would fall short of the target"
        else:
            why = (
                "the cheapest plan within the limits (tiers, minimum host provinces, province share cap, "
                "headroom) is larger than the target"
            )
        return f"{over:,.0f} MW above the target (max_overbuild_mw allows {allowed}): {why}"

    def summary(self) -> str:
        """A readable multi-line summary: status, MW by province, substations, lines, costs, time."""
        sc = self.scenario
        out = [
            f"Scenario '{sc.name}': target {sc.target_mw:,.0f} MW"
            + (f" ({sc.gpus:,} GPUs)" if sc.gpus else "")
        ]
        status = f"Status: {self.status}"
        if self.status == Status.FEASIBLE and self.gap is not None:
            status += f" (gap {self.gap:.2%})"
        out.append(status)
        if self.status in (Status.OPTIMAL, Status.FEASIBLE):
            out.append(
                f"Placed {self.total_mw:,.0f} MW in {len(self.sites)} campuses, "
                f"{self.sites.province.nunique()} provinces"
            )
            note = self.overbuild_note()
            if note:
                out.append(note)
            bp = self.by_province()
            out.append("  province     campuses        MW   share")
            for code, r in bp.iterrows():
                out.append(f"  {code:10s} {int(r.campuses):9d} {r.capacity_mw:9,.0f} {r.share:7.1%}")
            used = self.substations[self.substations["load_mw"] > 0].sort_values("load_mw", ascending=False)
            out.append(f"Substations used: {len(used)}")
            for r in used.head(10).itertuples():
                out.append(
                    f"  {r.name:22s} {r.voltage_kv:4.0f} kV {r.load_mw:7,.0f} / {r.headroom_mw:5,.0f} MW "
                    f"({r.utilization:.0%})"
                )
            busy = self.lines[self.lines["flow_mw"].abs() > 1e-6].sort_values("loading", ascending=False)
            out.append(f"Most loaded lines (of {len(busy)} carrying new flow):")
            for r in busy.head(5).itertuples():
                out.append(
                    f"  {r.name or r.line_id:36s} {abs(r.flow_mw):7,.0f} / {r.residual_mw:6,.0f} MW "
                    f"residual ({r.loading:.0%})"
                )
            share = self.renewable_delivered_mw / max(sc.load_factor * self.total_mw, 1e-9)
            out.append(
                f"Renewable energy deliverable: {self.renewable_delivered_mw:,.0f} MW average ({share:.0%} "
                "of campus energy)"
            )
            out.append(
                "Costs (KRW bn): "
                + ", ".join(f"{k} {v:,.1f}" for k, v in self.costs.items())
                + f"; total {self.objective:,.1f}"
            )
        if self.diagnosis is not None:
            out.append("Diagnosis:")
            out.append(str(self.diagnosis))
        ms = self.model_size
        if ms:
            out.append(
                f"Model: {ms.get('candidates', 0):,} candidate sites, {ms.get('options_all', 0):,} options "
                f"-> {ms.get('options', 0):,} after reduction; {ms.get('variables', 0):,} variables "
                f"({ms.get('binaries', 0):,} binary), {ms.get('constraints', 0):,} constraints"
            )
        if self.timings:
            out.append("Time (s): " + ", ".join(f"{k} {v:.2f}" for k, v in self.timings.items()))
        return "\n".join(out)

    def explore(self, *, tiles: str | None = None, **kwargs: Any) -> folium.Map:
        """Interactive map (folium): see :func:`siting.explore`; ``.save(path)`` writes offline HTML.

        Examples
        --------
        >>> import siting
        >>> sc = siting.Scenario(target_mw=300, min_host_provinces=1, grid_spacing_km=20)
        >>> res = siting.solve(siting.load_korea(), sc)
        >>> type(res.explore()).__name__
        'Map'
        """
        from .webmap import explore

        return explore(self, tiles=tiles, **kwargs)

    def tables(self) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
        """The result's tables by name: provinces, sites, substations, lines and costs (KRW bn)."""
        costs = pd.DataFrame(
            {"term": [*self.costs, "total"], "krw_bn": [*self.costs.values(), self.objective or 0.0]}
        )
        costs["status"] = str(self.status)
        return {
            "provinces": self.provinces,
            "sites": self.sites,
            "substations": self.substations,
            "lines": self.lines,
            "costs": costs,
        }

    def to_file(self, path: str | os.PathLike[str], *, table: str | None = None) -> Path:
        """Write the result where ``path`` says, each file atomically.

        - ``*.gpkg``: every table as a layer of one GeoPackage;
        - ``*.geojson`` or ``*.csv``: the one table named by ``table``
          (CSV: geometry as WKT, points also as ``lon``/``lat``);
        - a path without a suffix: a folder with one GeoJSON per spatial table
          and ``costs.csv``.

        Each file is written under a temporary name in its folder and renamed
        into place, so a crash never leaves a half-written file.

        Parameters
        ----------
        path : path
            Target file or folder; parent folders are created.
        table : {"provinces", "sites", "substations", "lines", "costs"}, optional
            Required for ``.geojson`` and ``.csv``.

        Returns
        -------
        Path

        Raises
        ------
        SitingError
            For another suffix, or a single-table format without ``table``.

        Examples
        --------
        >>> import siting, tempfile, pyogrio
        >>> res = siting.solve(siting.load_korea(), siting.Scenario(target_mw=300, min_host_provinces=1))
        >>> p = res.to_file(tempfile.mkdtemp() + "/r.gpkg")
        >>> sorted(pyogrio.list_layers(p)[:, 0].tolist())
        ['costs', 'lines', 'provinces', 'sites', 'substations']
        >>> res.to_file(tempfile.mkdtemp() + "/sites.csv", table="sites").suffix
        '.csv'
        """
        path = Path(path)
        tables = self.tables()
        suffix = path.suffix.lower()
        if suffix == ".gpkg":
            with atomic_path(path) as tmp:
                for name, frame in tables.items():
                    _geo(frame).to_file(tmp, layer=name, driver="GPKG")
            return path
        if suffix in (".geojson", ".csv"):
            if table not in tables:
                raise SitingError(
                    f"to_file({str(path)!r}) writes one table, and table={table!r} names none; "
                    f"fix: pass table= one of {sorted(tables)}, or give a .gpkg file or a folder for all."
                )
            _write_table(tables[table], path)
            return path
        if suffix:
            raise SitingError(
                f"to_file({str(path)!r}): cannot write {suffix!r} files; "
                "fix: use .gpkg (all tables), .geojson or .csv with table=..., or a folder (no suffix)."
            )
        path.mkdir(parents=True, exist_ok=True)
        for name, frame in tables.items():
            spatial = isinstance(frame, gpd.GeoDataFrame)
            _write_table(frame, path / f"{name}.{'geojson' if spatial else 'csv'}")
        return path


def _geo(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """A table as a GeoDataFrame (an empty geometry for plain tables, which GeoPackage stores)."""
    if isinstance(frame, gpd.GeoDataFrame):
        return frame
    return gpd.GeoDataFrame(frame, geometry=[None] * len(frame), crs=GEOGRAPHIC_CRS)


def _write_table(frame: pd.DataFrame, path: Path) -> None:
    """One table as GeoJSON or CSV (geometry as WKT; points also as lon/lat), atomically."""
    with atomic_path(path) as tmp:
        if path.suffix.lower() == ".geojson":
            _geo(frame).to_file(tmp, driver="GeoJSON")
            return
        out = pd.DataFrame(frame)
        if isinstance(frame, gpd.GeoDataFrame):
            geom = frame.geometry
            out = out.drop(columns=geom.name)
            if len(geom) and (geom.geom_type == "Point").all():
                out["lon"], out["lat"] = geom.x, geom.y
            out["geometry_wkt"] = geom.to_wkt()
        out.to_csv(tmp, index=False)


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
    solved = solution is not None and status.has_solution
    subs = data.substations
    chosen = solution.chosen if solution is not None and solved else np.zeros(len(opts), dtype=bool)
    sel = opts.loc[chosen]
    sites_m = cand.sites.iloc[sel["site"].to_numpy()]
    sites = gpd.GeoDataFrame(
        {
            "site_id": sites_m["site_id"].to_numpy(),
            "province": sel["province"].to_numpy(),
            "capacity_mw": sel["tier_mw"].to_numpy(),
            "substation_id": subs["substation_id"].to_numpy()[sel["substation"].to_numpy()],
            "connection_km": sel["distance_km"].to_numpy(),
            "connection_kv": sel["kv"].to_numpy(),
            "renewable_avg_mw": sites_m["renewable_avg_mw"].to_numpy(),
            "connection_cost": sel["connection_cost"].to_numpy(),
            "site_cost": sel["site_cost"].to_numpy(),
            "renewable_incentive": sel["renewable_incentive"].to_numpy(),
            "subsidy": sel["subsidy"].to_numpy(),
        },
        geometry=sites_m["footprint"].to_numpy(),
        crs=cand.sites.crs,
    ).to_crs(GEOGRAPHIC_CRS)
    load = np.zeros(len(subs))
    np.add.at(load, sel["substation"].to_numpy(), sel["tier_mw"].to_numpy())
    supply_cap = np.array([graph.nodes[s]["supply_mw"] for s in subs["substation_id"]])
    head = subs["headroom_mw"].to_numpy()
    st = gpd.GeoDataFrame(
        {
            "substation_id": subs["substation_id"],
            "name": subs["name"],
            "province": subs["province"],
            "voltage_kv": subs["voltage_kv"],
            "load_mw": load,
            "headroom_mw": head,
            "utilization": np.divide(load, head, out=np.zeros_like(load), where=head > 0),
            "supply_mw": supply_cap,
            "supply_used_mw": solution.supply_used_mw if solution is not None and solved else 0.0,
        },
        geometry=subs.geometry,
        crs=subs.crs,
    )
    lines = data.lines
    flows: dict[str, float] = solution.line_flow_mw if solution is not None and solved else {}
    ren_flows: dict[str, float] = solution.renewable_flow_mw if solution is not None and solved else {}
    flow = lines["line_id"].map(flows).fillna(0.0).to_numpy()
    ren = lines["line_id"].map(ren_flows).fillna(0.0).to_numpy()
    res_mw = lines["residual_mw"].to_numpy()
    ln = gpd.GeoDataFrame(
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
            "residual_mw": res_mw,
            "loading": np.divide(
                np.abs(flow), res_mw, out=np.where(np.abs(flow) > 1e-6, np.inf, 0.0), where=res_mw > 0
            ),
            "renewable_flow_mw": ren,
        },
        geometry=lines.geometry,
        crs=lines.crs,
    )
    prov = data.provinces[["code", "name", "name_ko", "geometry"]].copy()
    prov["excluded"] = prov["code"].isin(list(excluded))
    per = sites.groupby("province")["capacity_mw"].agg(["size", "sum"])
    prov["campuses"] = prov["code"].map(per["size"]).fillna(0).astype(int)
    prov["capacity_mw"] = prov["code"].map(per["sum"]).fillna(0.0)
    costs: dict[str, float] = (
        dict(solution.costs) if solution is not None and solved else dict.fromkeys(COST_TERMS, 0.0)
    )
    return SitingResult(
        status=status,
        objective=sum(costs.values()) if solved else None,
        gap=report.gap if report is not None else None,
        costs=costs,
        provinces=prov,
        sites=sites,
        substations=st,
        lines=ln,
        scenario=scenario,
        diagnosis=diagnosis,
        renewables=data.renewables,
        renewable_delivered_mw=solution.renewable_delivered_mw if solution is not None and solved else 0.0,
        model_size=size or {},
        timings=timings or {},
        metric_crs=data.metric_crs,
        report=report,
        families=tuple(families),
    )
