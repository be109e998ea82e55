"""A result in words: the summary, the diagnosis, and the notes on overbuild and dropped candidates.

Each function reads a result (or its diagnosis) and returns text;
:class:`siting.result.SitingResult` calls them for ``res.summary()``,
``res.overbuild_note()`` and ``res.dropped_summary()``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ._result_types import SITE_COST_COLUMNS, DiagnosisLike, ResultLike
from .candidates import DROP_REASONS
from .constants import Status
from .exclusions import exclusion_text
from .reinforcements import grouped

__all__ = ["summary", "describe", "dropped_summary", "line_label", "overbuild_note", "renewable_line"]

#: How many used substations and loaded lines the summary lists (it says how many there are in all).
LISTED_SUBSTATIONS = 10
LISTED_LINES = 5


def summary(result: ResultLike) -> str:
    """A readable multi-line summary: status, MW by province, substations, lines, costs, time, assumptions.

    Parameters
    ----------
    result : SitingResult

    Returns
    -------
    str

    Examples
    --------
    >>> import siting
    >>> sc = siting.Scenario(target_mw=100, min_host_provinces=1, grid_spacing_km=40)
    >>> print(summary(siting.solve(siting.load_korea(), sc)).splitlines()[1])
    Status: optimal
    """
    sc = result.scenario
    out = [
        f"Scenario '{sc.name}': target {sc.target_mw:,.0f} MW" + (f" ({sc.gpus:,} GPUs)" if sc.gpus else "")
    ]
    status = f"Status: {result.status}"
    if result.status == Status.FEASIBLE and result.gap is not None:
        status += f" (gap {result.gap:.2%})"
    out.append(status)
    out.append(exclusion_text(sc, result.provinces))
    if result.status in (Status.OPTIMAL, Status.FEASIBLE):
        out += _plan(result)
    if result.diagnosis is not None:
        out += ["Diagnosis:", describe(result.diagnosis, names=result.province_labels())]
    dropped = dropped_summary(result)
    if dropped:
        out.append(dropped)
    if result.model_size:
        out.append(_model_size(result.model_size))
    if result.timings:
        out.append("Time (s): " + ", ".join(f"{k} {v:.2f}" for k, v in result.timings.items()))
    if result.assumptions:
        out.append(result.assumptions)
    return "\n".join(out)


def _plan(result: ResultLike) -> list[str]:
    """The plan's lines of the summary: MW placed and where, busiest substations and lines, costs."""
    out = [
        f"Placed {result.total_mw:,.0f} MW in {len(result.sites)} campuses, "
        f"{result.sites.province.nunique()} provinces"
    ]
    note = overbuild_note(result)
    if note:
        out.append(note)
    labels = result.province_labels()
    out.append(f"  {'province':22s} campuses        MW   share")
    for code, r in result.by_province().iterrows():
        out.append(
            f"  {labels.get(str(code), str(code)):22s} {int(r.campuses):8d} {r.capacity_mw:9,.0f} "
            f"{r.share:7.1%}"
        )
    out += _busiest(result)
    out.append(renewable_line(result))
    if result.reinforcements is not None:
        out.append(reinforcement_line(result))
    out.append(
        f"Costs ({result.scenario.costs.currency}): "
        + ", ".join(f"{k} {v:,.1f}" for k, v in result.costs.items())
        + f"; total {result.objective:,.1f}"
    )
    return out


def reinforcement_line(result: ResultLike) -> str:
    """The reinforcements built, each with its units, cost, MW carried and exported, or "none".

    A project the scenario forces (``build_projects``) says so. The lines of
    a generic uprate built are counted under its name, with their total
    cost and MW (:func:`siting.reinforcements.grouped`, as in
    :func:`siting.compare`).

    Examples
    --------
    >>> import pandas as pd, siting
    >>> from types import SimpleNamespace
    >>> t = pd.DataFrame({"project_id": ["a", "b"], "name": ["HVDC east", "Uprate L3"],
    ...     "kind": ["hvdc", "uprate"], "line_id": [None, "L3"], "units_built": [1, 0], "max_units": [1, 1],
    ...     "cost_krw_bn": [400.0, 0.0], "flow_mw": [950.0, 0.0], "export_mw": [0.0, 0.0]})
    >>> reinforcement_line(SimpleNamespace(reinforcements=t, scenario=siting.Scenario(target_mw=1)))
    'Reinforcements built: HVDC east (1/1 units, 400.0 KRW bn, carries 950 MW); 1 of 2 candidates'
    >>> t["export_mw"] = [2000.0, 0.0]
    >>> sc = siting.Scenario(target_mw=1, reinforce=True, build_projects=("a",))
    >>> print(reinforcement_line(SimpleNamespace(reinforcements=t, scenario=sc)))
    ... # doctest: +NORMALIZE_WHITESPACE
    Reinforcements built: HVDC east (1/1 units, 400.0 KRW bn, carries 950 MW, exports 2,000 MW of
    today's held-back generation, forced); 1 of 2 candidates
    >>> up = pd.DataFrame({"project_id": ["U:L1", "U:L2"], "name": "Reconductor 154 kV", "kind": "uprate",
    ...     "line_id": ["L1", "L2"], "units_built": 1, "max_units": 1, "cost_krw_bn": [1.5, 2.0],
    ...     "flow_mw": [30.0, 45.0], "export_mw": 0.0})
    >>> reinforcement_line(SimpleNamespace(reinforcements=up, scenario=siting.Scenario(target_mw=1)))
    'Reinforcements built: Reconductor 154 kV ×2 lines (3.5 KRW bn, carry 75 MW in all); 2 of 2 candidates'
    """
    table = result.reinforcements
    if table is None:
        return "Reinforcements built: none (reinforce is off)"
    built = table[table["units_built"] > 0]
    if built.empty:
        return f"Reinforcements built: none of {len(table):,} candidates"
    cur = result.scenario.costs.currency
    items = grouped(
        built.assign(forced=built["project_id"].isin(set(result.scenario.build_projects))),
        sums=("cost_krw_bn", "flow_mw", "export_mw", "forced"),
    )
    parts = [_built_item(r, cur) for r in items.itertuples()]
    return f"Reinforcements built: {'; '.join(parts)}; {len(built):,} of {len(table):,} candidates"


def _built_item(r: Any, cur: str) -> str:
    """One project built, or the lines of one generic uprate built, for :func:`reinforcement_line`."""
    if r.lines:
        forced = f", {r.forced} forced" if r.forced else ""
        return (
            f"{r.name} ×{r.lines} line{'' if r.lines == 1 else 's'} ({r.cost_krw_bn:,.1f} {cur}, "
            f"carry {r.flow_mw:,.0f} MW in all{forced})"
        )
    return (
        f"{r.name or r.project_id} ({r.units_built}/{r.max_units} units, {r.cost_krw_bn:,.1f} {cur}, "
        f"carries {r.flow_mw:,.0f} MW"
        + (f", exports {r.export_mw:,.0f} MW of today's held-back generation" if r.export_mw > 0 else "")
        + (", forced" if r.forced else "")
        + ")"
    )


def renewable_line(result: ResultLike) -> str:
    """The renewable share required and achieved, and where the energy comes from.

    Examples
    --------
    >>> import siting
    >>> r = siting.solve(siting.load_korea(), siting.Scenario(target_mw=200, grid_spacing_km=40))
    >>> renewable_line(r).startswith("Renewable share: required 20.0%, achieved 20.0% (surplus ")
    True
    """
    sc, table = result.scenario, result.renewable_supply
    surplus = float(table.loc[table["source"] == "surplus", "energy_mw"].sum())
    built = table[table["source"] == "new build"].groupby("technology")
    mw, cost = built["capacity_mw"].sum(), float(table["cost_krw_bn"].sum())
    techs = [t for t in sc.costs.renewable_technologies if t in sc.renewable_build]
    build = ", ".join(f"{mw.get(t, 0.0):,.0f} MW {t.replace('_', ' ')}" for t in techs) or "none allowed"
    return (
        f"Renewable share: required {sc.renewable_share:.1%}, achieved {result.renewable_share:.1%} "
        f"(surplus {surplus:,.1f} MW avg, new build {build}; {cost:,.1f} {sc.costs.currency}; "
        "annual matching)"
    )


def line_label(name: object, line_id: object, length_km: float) -> str:
    """A line in words: its name (endpoints, when generated), then its id and length.

    Parameters
    ----------
    name : str
        The line's name; empty (or not a string) for none.
    line_id : str
    length_km : float

    Returns
    -------
    str

    Examples
    --------
    >>> line_label("Sin-Ulsan – Hyomun", "143756695-1", 18.24)
    'Sin-Ulsan – Hyomun (143756695-1, 18.2 km)'
    >>> line_label("", "L5", 44.93)
    'L5 (44.9 km)'
    """
    if isinstance(name, str) and name and name != str(line_id):
        return f"{name} ({line_id}, {length_km:,.1f} km)"
    return f"{line_id} ({length_km:,.1f} km)"


def _busiest(result: ResultLike) -> list[str]:
    """The substations used (the :data:`LISTED_SUBSTATIONS` largest by load) and the most loaded lines."""
    subs = result.substations
    used = subs[subs["load_mw"] > 0].sort_values("load_mw", ascending=False, kind="stable")
    more = f" ({LISTED_SUBSTATIONS} largest listed)" if len(used) > LISTED_SUBSTATIONS else ""
    out = [f"Substations used: {len(used)}{more}"]
    out += [
        f"  {r.voltage_kv:4.0f} kV {r.load_mw:7,.0f} / {r.headroom_mw + r.headroom_added_mw:5,.0f} MW "
        f"({r.utilization:4.0%})  "
        f"{r.name or r.substation_id} ({r.substation_id})"
        for r in used.head(LISTED_SUBSTATIONS).itertuples()
    ]
    lines = result.lines
    busy = lines[lines["flow_mw"].abs() > 1e-6].sort_values("loading", ascending=False, kind="stable")
    out.append(f"Most loaded lines ({min(len(busy), LISTED_LINES)} of {len(busy)} carrying new flow):")
    out += [
        f"  {line_label(r.name, r.line_id, r.length_km)}: {abs(r.flow_mw):,.0f} / "
        f"{r.residual_mw + r.uprated_mw:,.0f} MW "
        f"residual ({r.loading:.0%})"
        for r in busy.head(LISTED_LINES).itertuples()
    ]
    return out


def _model_size(ms: Mapping[str, int]) -> str:
    """The model's size in one line: candidates, options before and after reduction, rows and columns."""
    return (
        f"Model: {ms.get('candidates', 0):,} candidate sites, {ms.get('options_all', 0):,} options "
        f"-> {ms.get('options', 0):,} after reduction; {ms.get('variables', 0):,} variables "
        f"({ms.get('binaries', 0):,} binary), {ms.get('constraints', 0):,} constraints"
    )


def describe(diagnosis: DiagnosisLike, *, names: Mapping[str, str] | None = None, top: int = 8) -> str:
    """A diagnosis in words: sums by kind and by province first, then the ``top`` largest limits.

    Parameters
    ----------
    diagnosis : Diagnosis
    names : mapping of str to str, optional
        Province code to the label to print (:func:`summary` passes
        "Name (code)").
    top : int, default 8
        How many single limits to list; the rest are counted.

    Returns
    -------
    str
        One line per item, each starting with "- "; "(no diagnosis)" when empty.

    Examples
    --------
    >>> import pandas as pd
    >>> from siting.result import Diagnosis
    >>> d = Diagnosis(necessary=["the target exceeds all headroom"], limits=pd.DataFrame({
    ...     "family": ["headroom"], "id": ["a"], "name": ["A"], "province": ["KR-47"],
    ...     "over_mw": [30.0], "text": ["headroom at A: 30 MW short"]}))
    >>> print(describe(d, names={"KR-47": "Gyeongbuk (KR-47)"}))
    - the target exceeds all headroom
    - limits that must give, by kind: headroom 30 MW (1 limit)
    - by province: Gyeongbuk (KR-47) 30 MW
    - largest 1 of 1:
        headroom at A: 30 MW short
    """
    d = diagnosis
    out = [f"- {n}" for n in d.necessary]
    if d.cut_short:
        out.append(f"- diagnosis cut short by the time limit: {d.cut_short}")
    if d.max_achievable_mw is not None:
        most = f"- {d.max_achievable_mw:,.0f} MW can be placed within every limit"
        bound = d.max_achievable_bound_mw
        if bound is not None and bound > d.max_achievable_mw + 0.5:
            most += f" (the solver proved at most {bound:,.0f} MW)"
        out.append(most)
    if len(d.limits):
        out += _limits(d, names=names or {}, top=top)
    if len(d.projects):
        out += _projects(d.projects, top=top)
    return "\n".join(out) if out else "(no diagnosis)"


def _projects(table: pd.DataFrame, *, top: int) -> list[str]:
    """The reinforcement projects the diagnosis concerns: built ones first, then the ``top`` unbuilt."""
    out = [f"- reinforcement {t}" for t in table.loc[table["status"] == "built", "text"]]
    rest = table[table["status"] != "built"]
    if len(rest):
        out.append(f"- reinforcement projects that would act on these limits, not built ({len(rest)}):")
        out += [f"    {t}" for t in rest["text"].head(top)]
        if len(rest) > top:
            out.append(f"    ... {len(rest) - top} more: Diagnosis.projects")
    return out


def _limits(d: DiagnosisLike, *, names: Mapping[str, str], top: int) -> list[str]:
    """The limits that must give: sums by kind, by province (the ``top`` largest), then the largest."""
    kinds = "; ".join(
        f"{f} {r.over:,.0f} {r.unit} ({int(r.limits)} limit{'s' if r.limits != 1 else ''})"
        for f, r in d.table("family").iterrows()
    )
    out = [f"- limits that must give, by kind: {kinds}"]
    prov = d.table("province")
    if len(prov):

        def label(code: str) -> str:
            return "/".join(names.get(c, c) for c in str(code).split("/"))

        shown = ", ".join(f"{label(p)} {r.over_mw:,.0f} MW" for p, r in prov.head(top).iterrows())
        more = f" and {len(prov) - top} more" if len(prov) > top else ""
        out.append(f"- by province: {shown}{more}")
    out.append(f"- largest {min(top, len(d.limits))} of {len(d.limits)}:")
    out += [f"    {text}" for text in d.limits["text"].head(top)]
    if len(d.limits) > top:
        out.append(f"    ... {len(d.limits) - top} more: Diagnosis.table()")
    return out


def dropped_summary(result: ResultLike) -> str | None:
    """One sentence counting the candidates left out, by reason; None when none was.

    Parameters
    ----------
    result : SitingResult
        What it reads: ``dropped_candidates``, ``candidates_given``, ``model_size``.

    Returns
    -------
    str or None
        "Candidates: <n> given (or grid), <n> usable; <n> left out: <count> <reason>, ...".

    Examples
    --------
    >>> import siting, geopandas as gpd, shapely
    >>> pts = gpd.GeoDataFrame(geometry=[shapely.Point(127.0, 37.5), shapely.Point(128.6, 35.9)],
    ...                        crs=4326)
    >>> res = siting.solve(siting.load_korea(), siting.Scenario(target_mw=50, min_host_provinces=1),
    ...                    candidates=pts)
    >>> dropped_summary(res)
    'Candidates: 2 given, 1 usable; 1 left out: 1 in an excluded province (see res.dropped_candidates)'
    """
    n = len(result.dropped_candidates)
    if not n:
        return None
    counts = result.dropped_candidates["reason"].value_counts()
    why = ", ".join(f"{v} {DROP_REASONS.get(str(k), str(k))}" for k, v in counts.items())
    usable = result.model_size.get("candidates", 0) - int(counts.get("no_substation", 0))
    given = f"{result.candidates_given:,} given" if result.candidates_given is not None else "grid"
    return f"Candidates: {given}, {usable:,} usable; {n:,} left out: {why} (see res.dropped_candidates)"


def overbuild_note(result: ResultLike) -> str | None:
    """Why the plan exceeds the target, in one sentence; None when it does not.

    Costs alone keep a plan at the target only while every campus costs
    more than its incentives. The note names the likely reason: whole
    campuses (dropping any one would fall short), campuses whose
    incentives exceed their own costs (the overbuild cap then binds), or
    the cheapest plan within the limits (tiers, host provinces, share cap).

    Parameters
    ----------
    result : SitingResult
        What it reads: the scenario's target and overbuild cap, the sites and their costs.

    Returns
    -------
    str or None
        "<MW> MW above the target (max_overbuild_mw allows ...): <why>".

    Examples
    --------
    >>> import siting
    >>> sc = siting.Scenario(target_mw=330, min_host_provinces=1, grid_spacing_km=40)
    >>> res = siting.solve(siting.load_korea(), sc)
    >>> overbuild_note(res).startswith("20 MW above the target")
    True
    """
    sc = result.scenario
    over = result.total_mw - sc.target_mw
    if over <= 1e-6 or not len(result.sites):
        return None
    allowed = "any" if math.isinf(sc.overbuild_mw) else f"up to {sc.overbuild_mw:,.0f} MW"
    own = result.sites[list(SITE_COST_COLUMNS.values())].sum(axis=1)
    if (own < 0).any():
        cap = "set max_overbuild_mw to cap it" if math.isinf(sc.overbuild_mw) else "max_overbuild_mw caps it"
        why = (
            f"{int((own < 0).sum())} campus(es) earn more in incentives than they cost, so building more "
            f"lowers the objective; {cap}"
        )
    elif over < float(result.sites["capacity_mw"].min()) - 1e-6:
        why = "campuses come in whole tiers, and dropping any one would fall short of the target"
    else:
        why = (
            "the cheapest plan within the limits (tiers, minimum host provinces, province share cap, "
            "headroom) is larger than the target"
        )
    return f"{over:,.0f} MW above the target (max_overbuild_mw allows {allowed}): {why}"
