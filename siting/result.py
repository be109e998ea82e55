"""What a solve returns: :class:`SitingResult`, its tables, summary, comparison and files.

The tables are plain GeoDataFrames in EPSG:4326 so that they can be checked,
mapped and written without the model: ``sites``, ``substations``, ``lines``.
Money columns carry their unit in the name (``..._krw_bn``: KRW billion).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from ._errors import SitingError
from ._log import logger
from ._utils import atomic_path
from .constants import COST_TERMS, HEADROOM, LINES, SUPPLY, Status
from .settings import GEOGRAPHIC_CRS

if TYPE_CHECKING:
    import folium

    from .candidates import Candidates
    from .data import SitingData
    from .families import Family
    from .model import Solution
    from .scenario import Scenario
    from .solvers import SolveReport

__all__ = ["Status", "SitingResult", "Diagnosis", "OverbuildWarning", "assemble", "compare"]

LIMIT_COLUMNS = ["family", "id", "name", "province", "over_mw", "text"]
UPGRADE_COLUMNS = ["kind", "id", "name", "mw_per_mw"]

#: The sites table's cost columns (KRW billion; incentives negative), by the cost each holds.
SITE_COST_COLUMNS = {
    "connection_cost": "connection_cost_krw_bn",
    "site_cost": "site_cost_krw_bn",
    "renewable_incentive": "renewable_incentive_krw_bn",
    "subsidy": "subsidy_krw_bn",
}

#: Limits whose ``over_mw`` is not in MW (``hosts``: provinces short).
_NOT_MW = {"hosts": "provinces"}


class OverbuildWarning(UserWarning):
    """A plan places more than the target by at least one campus, and why (see ``overbuild_note``)."""


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
    upgrades : DataFrame
        Where upgrades close the gap: with the plan of the relaxed model
        fixed, MW of relaxation saved per MW added to each limit
        (``mw_per_mw``, from :meth:`siting.model.SitingModel.prices`):
        ``kind`` (headroom, line, supply), ``id``, ``name``; largest first,
        only the limits worth something.
    """

    necessary: list[str] = field(default_factory=list)
    limits: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LIMIT_COLUMNS))
    max_achievable_mw: float | None = None
    max_achievable_bound_mw: float | None = None
    cut_short: str = ""
    upgrades: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=UPGRADE_COLUMNS))

    def table(self, by: Literal["limit", "family", "province"] = "limit") -> pd.DataFrame:
        """The limits that must give, one row each or summed, largest first.

        Parameters
        ----------
        by : {"limit", "family", "province"}, default "limit"
            ``"limit"``: :attr:`limits` (one row per limit). ``"family"``: per
            kind of limit (headroom, lines, supply, ...): ``limits`` (how
            many), ``over`` (their sum) and ``unit`` (MW; provinces for
            ``hosts``). ``"province"``: per province (``"A/B"`` for a line
            across a border): ``limits`` and ``over_mw``, MW limits only.

        Returns
        -------
        DataFrame

        Examples
        --------
        >>> d = Diagnosis(limits=pd.DataFrame({"family": ["headroom", "lines", "headroom"],
        ...     "id": ["a", "l", "b"], "name": ["A", "L", "B"], "province": ["KR-47", "KR-47", "KR-42"],
        ...     "over_mw": [30.0, 20.0, 5.0],
        ...     "text": ["", "", ""]}))
        >>> d.table("family")[["limits", "over"]].to_dict("index")
        {'headroom': {'limits': 2, 'over': 35.0}, 'lines': {'limits': 1, 'over': 20.0}}
        >>> d.table("province")["over_mw"].to_dict()
        {'KR-47': 50.0, 'KR-42': 5.0}
        """
        lim = self.limits if "province" in self.limits else self.limits.assign(province="")
        if by == "limit":
            return lim.copy()
        if by == "family":
            g = lim.groupby("family", sort=False).agg(limits=("id", "size"), over=("over_mw", "sum"))
            g["unit"] = [_NOT_MW.get(str(f), "MW") for f in g.index]
            return g.sort_values("over", ascending=False, kind="stable")
        if by == "province":
            mw = lim[~lim["family"].isin(list(_NOT_MW)) & lim["province"].astype(bool)]
            g = mw.groupby("province", sort=False).agg(limits=("id", "size"), over_mw=("over_mw", "sum"))
            return g.sort_values("over_mw", ascending=False, kind="stable")
        raise SitingError(f"Diagnosis.table(by={by!r}): fix: by is one of 'limit', 'family', 'province'.")

    def describe(self, *, names: Mapping[str, str] | None = None, top: int = 8) -> str:
        """The diagnosis in words: sums by kind and by province first, then the ``top`` largest limits.

        Parameters
        ----------
        names : mapping of str to str, optional
            Province code to the label to print (``SitingResult.summary``
            passes "Name (code)").
        top : int, default 8
            How many single limits to list; the rest are counted.
        """
        names = names or {}
        out = [f"- {n}" for n in self.necessary]
        if self.cut_short:
            out.append(f"- diagnosis cut short by the time limit: {self.cut_short}")
        if self.max_achievable_mw is not None:
            most = f"- {self.max_achievable_mw:,.0f} MW can be placed within every limit"
            bound = self.max_achievable_bound_mw
            if bound is not None and bound > self.max_achievable_mw + 0.5:
                most += f" (the solver proved at most {bound:,.0f} MW)"
            out.append(most)
        if len(self.limits):
            fam = self.table("family")
            out.append(
                "- limits that must give, by kind: "
                + "; ".join(
                    f"{f} {r.over:,.0f} {r.unit} ({int(r.limits)} limit{'s' if r.limits != 1 else ''})"
                    for f, r in fam.iterrows()
                )
            )
            prov = self.table("province")
            if len(prov):

                def label(code: str) -> str:
                    return "/".join(names.get(c, c) for c in str(code).split("/"))

                shown = ", ".join(f"{label(p)} {r.over_mw:,.0f} MW" for p, r in prov.head(top).iterrows())
                more = f" and {len(prov) - top} more" if len(prov) > top else ""
                out.append(f"- by province: {shown}{more}")
            out.append(f"- largest {min(top, len(self.limits))} of {len(self.limits)}:")
            out += [f"    {text}" for text in self.limits["text"].head(top)]
            if len(self.limits) > top:
                out.append(f"    ... {len(self.limits) - top} more: Diagnosis.table()")
        return "\n".join(out) if out else "(no diagnosis)"

    def __str__(self) -> str:
        return self.describe()


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
        connection_kv, renewable_avg_mw (average renewable output within the
        radius of the site, for information), the cost terms in KRW bn
        (connection_cost_krw_bn, site_cost_krw_bn, renewable_incentive_krw_bn:
        the site's share of its substation's, pro rata by MW, subsidy_krw_bn),
        geometry.
    substations : GeoDataFrame
        Every substation: substation_id, name, province, voltage_kv, load_mw,
        headroom_mw, utilization, supply_mw, supply_used_mw,
        renewable_credit_mw (average MW of renewable output credited to the
        campuses there, each renewable site's output at most once,
        :mod:`siting.families.renewable_credit`), renewable_incentive_krw_bn,
        headroom_value_bn_per_mw, supply_value_bn_per_mw, geometry.
    lines : GeoDataFrame
        Every line: line_id, from_id, to_id, name, kind, flow_mw (signed, from
        -> to), capacity_mw, residual_mw, loading (|flow| / residual),
        renewable_flow_mw, capacity_value_bn_per_mw, geometry.

        The ``*_value_bn_per_mw`` columns are what one more MW of that limit
        would save, KRW bn per MW, with this plan's campuses fixed: the LP
        re-solved with the limit 1 MW higher (:meth:`siting.model.SitingModel.prices`,
        see :func:`siting.upgrade_values`);
        NaN when there is no plan.
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
    dropped_candidates : DataFrame
        Candidates that could not host a campus: ``site_id`` and ``reason``
        (see :data:`siting.candidates.DROP_REASONS`).
    candidates_given : int or None
        How many candidates the caller passed (None: the regular grid).
    security : dict of str to int
        With ``Scenario(n_minus_1=True)``: outages checked, outages skipped
        because they island the network, post-outage rows added, rounds
        (:mod:`siting.families.security`); empty otherwise.
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
    dropped_candidates: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["site_id", "reason"])
    )
    candidates_given: int | None = None
    security: dict[str, int] = field(default_factory=dict)

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
        """Campuses, MW, share and the province's name by province code, largest first.

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
        g["name"] = g.index.map(dict(zip(self.provinces["code"], self.provinces["name"], strict=True)))
        return g.sort_values(["capacity_mw", "campuses"], ascending=False)

    def province_labels(self) -> dict[str, str]:
        """Province code to "Name (code)", for printing."""
        return {
            str(c): f"{n} ({c})" if n and n != c else str(c)
            for c, n in zip(self.provinces["code"], self.provinces["name"], strict=True)
        }

    @property
    def renewable_share(self) -> float:
        """Share of the campuses' average energy that renewables can deliver to them (0 without a plan).

        A property of the plan: the most renewable energy deliverable with the
        plan's campuses fixed, so the same plan always reports the same share.
        """
        energy = self.scenario.load_factor * self.total_mw
        return self.renewable_delivered_mw / energy if energy > 0 else 0.0

    def dropped_summary(self) -> str | None:
        """One sentence counting the candidates left out, by reason; None when none was.

        Examples
        --------
        >>> import siting, geopandas as gpd, shapely
        >>> pts = gpd.GeoDataFrame(geometry=[shapely.Point(127.0, 37.5), shapely.Point(128.6, 35.9)],
        ...                        crs=4326)
        >>> res = siting.solve(siting.load_korea(), siting.Scenario(target_mw=50, min_host_provinces=1),
        ...                    candidates=pts)
        >>> res.dropped_summary()
        'Candidates: 2 given, 1 usable; 1 left out: 1 in an excluded province (see res.dropped_candidates)'
        """
        from .candidates import DROP_REASONS

        n = len(self.dropped_candidates)
        if not n:
            return None
        counts = self.dropped_candidates["reason"].value_counts()
        why = ", ".join(f"{v} {DROP_REASONS.get(str(k), str(k))}" for k, v in counts.items())
        usable = self.model_size.get("candidates", 0) - int(counts.get("no_substation", 0))
        given = f"{self.candidates_given:,} given" if self.candidates_given is not None else "grid"
        return f"Candidates: {given}, {usable:,} usable; {n:,} left out: {why} (see res.dropped_candidates)"

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
        own = self.sites[list(SITE_COST_COLUMNS.values())].sum(axis=1)
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
            labels = self.province_labels()
            out.append(f"  {'province':22s} campuses        MW   share")
            for code, r in bp.iterrows():
                out.append(
                    f"  {labels.get(str(code), str(code)):22s} {int(r.campuses):8d} {r.capacity_mw:9,.0f} "
                    f"{r.share:7.1%}"
                )
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
            out.append(
                f"Renewable energy deliverable: {self.renewable_delivered_mw:,.0f} MW average "
                f"({self.renewable_share:.0%} of campus energy)"
            )
            out.append(
                "Costs (KRW bn): "
                + ", ".join(f"{k} {v:,.1f}" for k, v in self.costs.items())
                + f"; total {self.objective:,.1f}"
            )
        if self.diagnosis is not None:
            out.append("Diagnosis:")
            out.append(self.diagnosis.describe(names=self.province_labels()))
        dropped = self.dropped_summary()
        if dropped:
            out.append(dropped)
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

    def upgrades(self) -> pd.DataFrame:
        """Where upgrades pay, most valuable first: see :func:`siting.upgrade_values`."""
        from .upgrades import upgrade_values

        return upgrade_values(self)

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

    def compare(self, *others: SitingResult, names: Sequence[str] | None = None) -> pd.DataFrame:
        """Compare this result with others, side by side with differences: see :func:`siting.compare`.

        Examples
        --------
        >>> import siting
        >>> data = siting.load_korea()
        >>> sc = siting.Scenario(target_mw=100, min_host_provinces=1, grid_spacing_km=20)
        >>> a = siting.solve(data, sc)
        >>> t = a.compare(a, names=["one", "again"])
        >>> list(t.columns), t.loc["total_mw", "difference"]
        (['one', 'again', 'difference'], 0.0)
        """
        return compare([self, *others], names=names)

    def diagnosis_table(self) -> pd.DataFrame:
        """The diagnosis as rows: failing necessary conditions, the most MW placeable, then each limit.

        Columns are :data:`LIMIT_COLUMNS`; ``family`` is "necessary",
        "max_achievable" or the limit's family; ``id`` is text. Empty when
        there is no diagnosis.
        """
        d = self.diagnosis
        if d is None:
            return pd.DataFrame(
                {c: pd.Series(dtype=float if c == "over_mw" else object) for c in LIMIT_COLUMNS}
            )
        rows = [
            {"family": "necessary", "id": str(i), "name": "", "province": "", "over_mw": np.nan, "text": t}
            for i, t in enumerate(d.necessary)
        ]
        if d.max_achievable_mw is not None:
            rows.append(
                {
                    "family": "max_achievable",
                    "id": "total",
                    "name": "most MW within every limit",
                    "province": "",
                    "over_mw": d.max_achievable_mw,
                    "text": f"{d.max_achievable_mw:,.0f} MW can be placed within every limit",
                }
            )
        limits = d.table().assign(id=lambda f: f["id"].astype(str))
        out = pd.concat([pd.DataFrame(rows, columns=LIMIT_COLUMNS), limits], ignore_index=True)
        return out.astype({"over_mw": float})

    def tables(self) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
        """The result's tables by name.

        provinces, sites, substations, lines; costs (``term``, ``krw_bn``,
        ``status``); scenario (``key``, ``value``: every scenario field, as
        text, costs as ``costs.<field>``); diagnosis
        (:meth:`diagnosis_table`); dropped_candidates (``site_id``,
        ``reason``).
        """
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
            "scenario": scenario_rows(self.scenario),
            "diagnosis": self.diagnosis_table(),
            "dropped_candidates": self.dropped_candidates.astype({"site_id": str, "reason": str}),
        }

    def to_file(self, path: str | os.PathLike[str], *, table: str | None = None) -> Path:
        """Write the result where ``path`` says, each file atomically.

        - ``*.gpkg``: every table of :meth:`tables` as a layer of one
          GeoPackage, the scenario and the diagnosis included;
        - ``*.geojson`` or ``*.csv``: the one table named by ``table``
          (CSV: geometry as WKT, points also as ``lon``/``lat``);
        - a path without a suffix: a folder with one GeoJSON per spatial table
          and one CSV per other table (costs, scenario, diagnosis,
          dropped_candidates).

        Each file is written under a temporary name in its folder and renamed
        into place, so a crash never leaves a half-written file.

        Parameters
        ----------
        path : path
            Target file or folder; parent folders are created.
        table : str, optional
            One of the keys of :meth:`tables`.
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
        >>> sorted(pyogrio.list_layers(p)[:, 0].tolist())  # doctest: +NORMALIZE_WHITESPACE
        ['costs', 'diagnosis', 'dropped_candidates', 'lines', 'provinces', 'scenario', 'sites',
         'substations']
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


def _plain(value: Any) -> Any:
    """A scenario value as JSON-friendly data (mappings with text keys, inf as "inf")."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def scenario_rows(scenario: Scenario) -> pd.DataFrame:
    """Every field of ``scenario`` as a ``key``/``value`` row (JSON text; costs as ``costs.<field>``).

    Examples
    --------
    >>> from siting import Scenario
    >>> rows = scenario_rows(Scenario(target_mw=100)).set_index("key")["value"]
    >>> rows["target_mw"], rows["max_connection_km"], rows["costs.site_per_mw"]
    ('100', '{"154": 20.0, "345": 40.0}', '0.5')
    """
    rows = []
    for f in dataclasses.fields(scenario):
        value = getattr(scenario, f.name)
        if dataclasses.is_dataclass(value):
            rows += [(f"{f.name}.{c.name}", getattr(value, c.name)) for c in dataclasses.fields(value)]
        else:
            rows.append((f.name, value))
    return pd.DataFrame(
        [(k, json.dumps(_plain(v), ensure_ascii=False)) for k, v in rows], columns=["key", "value"]
    )


def compare(
    results: Sequence[SitingResult] | Mapping[str, SitingResult], *, names: Sequence[str] | None = None
) -> pd.DataFrame:
    """Compare results side by side: one column per result, then the differences from the first.

    Rows: status, target and placed MW, campuses, host provinces (how many
    and which), objective and each cost term (KRW bn), renewable energy
    deliverable (MW and share), substations used, and MW in each province
    that hosts a campus in any result (``mw <Name (code)>``). Differences
    are numeric (result minus the first); text rows read "differs" where
    they differ.

    Parameters
    ----------
    results : sequence of SitingResult, or mapping of name to SitingResult
    names : sequence of str, optional
        Column names; default the mapping's keys or each scenario's name
        (made unique with "#2", "#3").

    Returns
    -------
    DataFrame
        Index ``metric``; columns the names, then ``difference`` (two
        results) or ``<name> - <first>`` (more).

    Examples
    --------
    >>> import siting
    >>> data = siting.load_korea()
    >>> runs = {f"{mw} MW": siting.solve(data, siting.Scenario(target_mw=mw, min_host_provinces=1,
    ...                                                          grid_spacing_km=20))
    ...         for mw in (100, 200)}
    >>> t = siting.compare(runs)
    >>> t.loc["target_mw"].tolist()
    [100, 200, 100]
    """
    if isinstance(results, Mapping):
        names = list(results) if names is None else names
        results = list(results.values())
    results = list(results)
    if len(results) < 2:
        raise SitingError(
            f"compare() needs two results or more, got {len(results)}; fix: pass a list of results."
        )
    if names is None:
        names = []
        seen: dict[str, int] = {}
        for r in results:
            seen[r.scenario.name] = seen.get(r.scenario.name, 0) + 1
            n = seen[r.scenario.name]
            names.append(r.scenario.name if n == 1 else f"{r.scenario.name} #{n}")
    names = [str(n) for n in names]
    if len(names) != len(results) or len(set(names)) != len(names):
        raise SitingError(f"compare(names={names}): fix: give one distinct name per result.")
    labels: dict[str, str] = {}
    for r in results:
        labels.update(r.province_labels())
    hosts = sorted({str(p) for r in results for p in r.sites["province"]})

    def column(r: SitingResult) -> dict[str, Any]:
        bp = r.by_province()["capacity_mw"] if len(r.sites) else pd.Series(dtype=float)
        col: dict[str, Any] = {
            "status": str(r.status),
            "target_mw": r.scenario.target_mw,
            "total_mw": r.total_mw,
            "campuses": len(r.sites),
            "host_provinces": int(r.sites["province"].nunique()),
            "provinces": ", ".join(labels[p] for p in sorted(map(str, r.sites["province"].unique()))),
            "objective_krw_bn": r.objective,
        }
        col |= {f"{k}_krw_bn": v if r.status.has_solution else None for k, v in r.costs.items()}
        col |= {
            "renewable_delivered_mw": r.renewable_delivered_mw,
            "renewable_share": r.renewable_share,
            "substations_used": int((r.substations["load_mw"] > 0).sum()),
        }
        col |= {f"mw {labels[p]}": float(bp.get(p, 0.0)) for p in hosts}
        return col

    table = pd.DataFrame({n: column(r) for n, r in zip(names, results, strict=True)}, dtype=object)
    table.index.name = "metric"

    def diff(a: Any, b: Any) -> Any:
        if isinstance(a, str) or isinstance(b, str):
            return "differs" if a != b else ""
        return None if a is None or b is None else b - a

    first = names[0]
    for other in names[1:]:
        key = "difference" if len(names) == 2 else f"{other} - {first}"
        table[key] = [diff(a, b) for a, b in zip(table[first], table[other], strict=True)]
    return table


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
    at, tier = sel["substation"].to_numpy(), sel["tier_mw"].to_numpy()
    load = np.zeros(len(subs))
    np.add.at(load, at, tier)
    credit = np.zeros(len(subs))
    for n, mw in (solution.renewable_credit_mw if solution is not None and solved else {}).items():
        credit[n] = mw
    incentive = -scenario.costs.renewable_incentive_per_mw * credit + 0.0  # no -0.0
    per_mw = np.divide(incentive, load, out=np.zeros_like(load), where=load > 0)
    # each site's own cost terms; the renewable incentive is its substation's, shared pro rata by MW
    own = {c: sel[c].to_numpy() for c in ("connection_cost", "site_cost", "subsidy")}
    own["renewable_incentive"] = per_mw[at] * tier + 0.0
    sites = gpd.GeoDataFrame(
        {
            "site_id": sites_m["site_id"].to_numpy(),
            "province": sel["province"].to_numpy(),
            "capacity_mw": sel["tier_mw"].to_numpy(),
            "substation_id": subs["substation_id"].to_numpy()[sel["substation"].to_numpy()],
            "connection_km": sel["distance_km"].to_numpy(),
            "connection_kv": sel["kv"].to_numpy(),
            "renewable_avg_mw": sites_m["renewable_avg_mw"].to_numpy(),
            **{col: own[term] for term, col in SITE_COST_COLUMNS.items()},
        },
        geometry=sites_m["footprint"].to_numpy(),
        crs=cand.sites.crs,
    ).to_crs(GEOGRAPHIC_CRS)
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
            "renewable_credit_mw": credit,
            "renewable_incentive_krw_bn": incentive,
            "headroom_value_bn_per_mw": _prices(
                solution if solved else None, HEADROOM, subs["substation_id"]
            ),
            "supply_value_bn_per_mw": _prices(solution if solved else None, SUPPLY, subs["substation_id"]),
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
            "capacity_value_bn_per_mw": _prices(solution if solved else None, LINES, lines["line_id"]),
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
    result = SitingResult(
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
        dropped_candidates=cand.dropped,
        candidates_given=cand.given,
        security=dict(solution.security) if solution is not None and solved else {},
    )
    note = result.overbuild_note()
    if note and solved and result.total_mw - scenario.target_mw >= min(scenario.tiers_mw) - 1e-6:
        warnings.warn(f"scenario {scenario.name!r}: {note}", OverbuildWarning, stacklevel=4)
    elif note:
        logger.info("scenario %r: %s", scenario.name, note)
    return result


def _prices(solution: Solution | None, limit: str, ids: pd.Series) -> np.ndarray:
    """Per id, the value per MW of ``limit`` from the solution's prices (0 where it has no row; NaN: none)."""
    if solution is None or not solution.prices:
        return np.full(len(ids), np.nan)
    return np.array([solution.prices.get((limit, i), 0.0) for i in ids], dtype=float)
