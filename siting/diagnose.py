"""Why a scenario is infeasible: necessary conditions first, then elastic relaxation.

Necessary conditions are checked from the inputs alone (fast, exact when they
fail). When they all hold the model is rebuilt with slacks (see
:data:`siting.model.ELASTIC_FAMILIES`): once to find the most MW that fits
within every limit, and once to find which limits must give, and by how many
MW, to reach the target.
"""

from __future__ import annotations

import pandas as pd

from .candidates import Candidates
from .data import SitingData
from .model import ELASTIC_FAMILIES, SitingModel
from .result import Diagnosis, _value
from .scenario import Scenario

__all__ = ["necessary_conditions", "diagnose"]

#: Time limit for each elastic solve, seconds (capped by the scenario's). The
#: most-MW solve can be slow to prove; its incumbent and bound are reported.
ELASTIC_TIME_LIMIT_S = 30.0


def necessary_conditions(data: SitingData, scenario: Scenario, cand: Candidates, opts: pd.DataFrame) -> list[str]:
    """Failing necessary conditions, each as a sentence; empty when none fails.

    Examples
    --------
    >>> import siting
    >>> from siting.candidates import build_candidates
    >>> from siting.model import build_options
    >>> d, s = siting.load_korea(), siting.Scenario(target_mw=10_000_000)
    >>> c = build_candidates(d, s)
    >>> necessary_conditions(d, s, c, build_options(d, s, c))[0].startswith("target")
    True
    """
    out = []
    if len(cand.sites) == 0:
        return ["no candidate site is left outside the excluded region and exclusion layers"]
    if opts.empty:
        return [
            "no candidate site is within reach of a substation with enough headroom for the smallest tier "
            f"({min(scenario.tiers_mw):g} MW within {dict(scenario.max_connection_km)} km)"
        ]
    reach = data.substations.iloc[sorted(opts["substation"].unique())]
    headroom = float(reach["headroom_mw"].sum())
    if headroom < scenario.target_mw:
        out.append(
            f"target {scenario.target_mw:,.0f} MW exceeds the {headroom:,.0f} MW of headroom at the "
            f"{len(reach)} substations reachable from allowed sites"
        )
    hostable = opts["province"].nunique()
    if hostable < scenario.min_host_provinces:
        out.append(
            f"min_host_provinces = {scenario.min_host_provinces} but only {hostable} provinces have a "
            "site within reach of a substation with headroom"
        )
    if scenario.province_share_cap * hostable < 1 - 1e-9:
        out.append(
            f"province_share_cap = {scenario.province_share_cap:g} x {hostable} hostable provinces "
            "< 100%: the total cannot be split within the cap"
        )
    return out


def _names(data: SitingData) -> dict[tuple[str, str], str]:
    names = {}
    for r in data.substations.itertuples():
        names[("headroom", r.substation_id)] = names[("supply", r.substation_id)] = r.name or r.substation_id
    for r in data.lines.itertuples():
        names[("lines", r.line_id)] = r.name or r.line_id
    for r in data.provinces.itertuples():
        names[("province_cap", r.code)] = f"{r.name} ({r.code}) share cap"
    names[("renewable", "share")] = "renewable share"
    names[("hosts", "count")] = "minimum host provinces"
    names[("target", "total")] = "target"
    return names


def diagnose(data: SitingData, scenario: Scenario, cand: Candidates, opts: pd.DataFrame, graph) -> Diagnosis:
    """Diagnose an infeasible scenario.

    Returns
    -------
    Diagnosis
        ``necessary`` conditions that fail; otherwise ``max_achievable_mw``
        and ``limits``, the limits that must give to meet the target, in MW
        (``hosts``: number of provinces).
    """
    necessary = necessary_conditions(data, scenario, cand, opts)
    if necessary:
        return Diagnosis(necessary=necessary)
    quick = scenario.replace(time_limit_s=min(scenario.time_limit_s, ELASTIC_TIME_LIMIT_S), mip_gap=max(scenario.mip_gap, 1e-3))
    most = SitingModel.build(data, quick, cand, opts, elastic=("target",), tie_break=False, graph=graph)
    done = most.solve(quick)
    max_mw = max_bound = None
    if done["status"] in ("optimal", "feasible"):
        max_mw = scenario.target_mw - _value(most.slacks[("target", "total")])
        max_bound = max_mw if done["status"] == "optimal" else None
        if done["bound"] is not None and done["status"] == "feasible":
            max_bound = scenario.target_mw - max(done["bound"], 0.0)
    relaxed = SitingModel.build(data, quick, cand, opts, elastic=tuple(f for f in ELASTIC_FAMILIES if f != "target"), graph=graph)
    done = relaxed.solve(quick)
    rows = []
    if done["status"] in ("optimal", "feasible"):
        names = _names(data)
        min_tier = min(scenario.tiers_mw)
        for (family, key), var in relaxed.slacks.items():
            over = _value(var)
            if over > 1e-6:
                if family == "hosts":
                    over /= min_tier
                rows.append({"family": family, "id": key, "name": names.get((family, key), str(key)), "over_mw": over})
    limits = pd.DataFrame(rows, columns=["family", "id", "name", "over_mw"]).sort_values("over_mw", ascending=False, kind="stable")
    return Diagnosis(necessary=[], limits=limits.reset_index(drop=True), max_achievable_mw=max_mw, max_achievable_bound_mw=max_bound)
