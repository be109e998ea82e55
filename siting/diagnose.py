"""Why a scenario is infeasible: necessary conditions first, then elastic relaxation.

Necessary conditions are checked from the inputs alone (fast, exact when they
fail); each constraint family lists its own. When they all hold the model is
rebuilt with slacks on the families' limits: once to find the most MW that
fits within every limit, and once to find which limits must give, and by how
many MW, to reach the target. Each family names its limits in words.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Final

import networkx as nx
import pandas as pd

from ._log import Stages
from .candidates import DROP_REASONS, Candidates
from .constants import HEADROOM, LINES, PROVINCE_CAP, SUPPLY, TARGET
from .data import SitingData
from .families import DEFAULT_FAMILIES, Family
from .model import SitingModel
from .result import LIMIT_COLUMNS, Diagnosis
from .scenario import Scenario
from .solvers import Deadline, OutOfTime

__all__ = ["necessary_conditions", "diagnose", "limit_provinces"]

#: Time limit for each elastic solve, seconds (capped by the scenario's). The
#: most-MW solve can be slow to prove; its incumbent and bound are reported.
ELASTIC_TIME_LIMIT_S: Final[float] = 30.0


def _enabled(scenario: Scenario, families: Sequence[type[Family]] | None) -> list[type[Family]]:
    return [f for f in (DEFAULT_FAMILIES if families is None else families) if f.enabled(scenario)]


def limit_provinces(data: SitingData) -> dict[tuple[str, Hashable], str]:
    """The province code of each limit that lies in one, keyed like the slacks: ``(limit, key)``.

    Substation headroom and supply: the substation's province; a line: its
    ends' province, or both codes joined by "/" when it crosses a border; a
    share cap: its province. Limits with no place (target, hosts, renewable,
    custom families) are absent.

    Examples
    --------
    >>> import siting
    >>> where = limit_provinces(siting.load_korea())
    >>> where[("province_cap", "KR-47")]
    'KR-47'
    """
    subs = data.substations
    at = dict(zip(subs["substation_id"], subs["province"], strict=True))
    out: dict[tuple[str, Hashable], str] = {}
    for sid, code in at.items():
        out[(HEADROOM, sid)] = out[(SUPPLY, sid)] = code
    for lid, a, b in zip(data.lines["line_id"], data.lines["from_id"], data.lines["to_id"], strict=True):
        ends = sorted({at[a], at[b]})
        out[(LINES, lid)] = "/".join(ends)
    for code in data.provinces["code"]:
        out[(PROVINCE_CAP, code)] = code
    return out


def necessary_conditions(
    data: SitingData,
    scenario: Scenario,
    cand: Candidates,
    opts: pd.DataFrame,
    *,
    families: Sequence[type[Family]] | None = None,
) -> list[str]:
    """Failing necessary conditions, each as a sentence; empty when none fails.

    Examples
    --------
    >>> import siting
    >>> from siting.candidates import build_candidates
    >>> from siting.options import build_options
    >>> d, s = siting.load_korea(), siting.Scenario(target_mw=10_000_000)
    >>> c = build_candidates(d, s)
    >>> necessary_conditions(d, s, c, build_options(d, s, c))[0].startswith("target")
    True
    """
    if cand.given == 0:
        return [
            "the candidates frame is empty (no rows); "
            "fix: pass points or polygons, or candidates=None for a grid"
        ]
    if len(cand.sites) == 0 and cand.given:
        counts = cand.dropped["reason"].value_counts()
        why = ", ".join(f"{v} {DROP_REASONS.get(str(k), str(k))}" for k, v in counts.items())
        return [f"none of the {cand.given} candidates given can host a campus: {why}"]
    if len(cand.sites) == 0:
        return ["no candidate site is left outside the excluded region and exclusion layers"]
    if opts.empty:
        return [
            "no candidate site is within reach of a substation with enough headroom for the smallest tier "
            f"({min(scenario.tiers_mw):g} MW within {dict(scenario.max_connection_km)} km)"
        ]
    return [text for f in _enabled(scenario, families) for text in f.necessary(data, scenario, opts)]


def diagnose(
    data: SitingData,
    scenario: Scenario,
    cand: Candidates,
    opts: pd.DataFrame,
    graph: nx.MultiGraph,
    *,
    families: Sequence[type[Family]] | None = None,
    deadline: Deadline | None = None,
    progress: bool | None = None,
) -> Diagnosis:
    """Diagnose an infeasible scenario.

    Parameters
    ----------
    data, scenario, cand, opts, graph
        As for :class:`siting.model.SitingModel`.
    families : sequence of Family subclasses, optional
    deadline : Deadline, optional
        Wall-clock budget; each elastic solve gets what is left of it (at most
        :data:`ELASTIC_TIME_LIMIT_S`). Past it the diagnosis stops and says
        so in ``cut_short``.
    progress : bool, optional
        Show a progress bar over the two elastic solves (needs tqdm);
        default :data:`siting.settings.PROGRESS`. Both are logged under the
        ``siting`` logger.

    Returns
    -------
    Diagnosis
        ``necessary`` conditions that fail; otherwise ``max_achievable_mw``
        and ``limits``, the limits that must give to meet the target, in MW
        (``hosts``: number of provinces).
    """
    necessary = necessary_conditions(data, scenario, cand, opts, families=families)
    if necessary:
        return Diagnosis(necessary=necessary)
    enabled = _enabled(scenario, families)
    gap = max(scenario.mip_gap, 1e-3)
    budget = deadline if deadline is not None else Deadline(scenario.time_limit_s)

    def limit_s() -> float:
        return min(budget.remaining(), ELASTIC_TIME_LIMIT_S)

    cut: list[str] = []
    max_mw = max_bound = None
    rows = []
    stages = Stages("diagnosis", total=2, progress=progress)
    try:
        stages.start("most MW within every limit")
        if budget.expired:
            raise OutOfTime("the most MW within every limit was not computed")
        most = SitingModel.build(
            data,
            scenario,
            cand,
            opts,
            elastic=(TARGET,),
            tie_break=False,
            graph=graph,
            families=enabled,
            deadline=budget,
        )
        done = most.solve(time_limit_s=limit_s(), mip_gap=gap)
        if done.status.has_solution:
            max_mw = scenario.target_mw - most.read(time_limit_s=limit_s()).slacks[(TARGET, "total")]
            max_bound = max_mw if done.status == "optimal" else None
            if done.bound is not None and done.status == "feasible":
                max_bound = scenario.target_mw - max(done.bound, 0.0)
        elif done.status == "no_solution":
            cut.append("the most MW within every limit was not found")
        stages.done("most MW within every limit", detail=f"{max_mw or 0:,.0f} MW")
        stages.start("limits that must give")
        owner = {limit: f for f in enabled for limit in f.limits}
        relax = tuple(limit for limit in owner if limit != TARGET)
        if budget.expired:
            raise OutOfTime("the limits that must give were not computed")
        relaxed = SitingModel.build(
            data, scenario, cand, opts, elastic=relax, graph=graph, families=enabled, deadline=budget
        )
        done = relaxed.solve(time_limit_s=limit_s(), mip_gap=gap)
        if done.status == "no_solution":
            cut.append("the limits that must give were not found")
        if done.status.has_solution:
            names: dict[tuple[str, Hashable], str] = {}
            for f in enabled:
                names.update(f.limit_names(data))
            where = limit_provinces(data)
            for (limit, key), slack in relaxed.read(time_limit_s=limit_s()).slacks.items():
                if slack > 1e-6:
                    family = owner[limit]
                    over = family.over(limit, slack, scenario)
                    name = names.get((limit, key), str(key))
                    text = family.limits[limit].format(name=name or key, mw=over)
                    rows.append(
                        {
                            "family": limit,
                            "id": key,
                            "name": name,
                            "province": where.get((limit, key), ""),
                            "over_mw": over,
                            "text": text,
                        }
                    )
        stages.done("limits that must give", detail=f"{len(rows)} limits")
    except OutOfTime as exc:
        cut.append(str(exc))
    finally:
        stages.close()
    limits = pd.DataFrame(rows, columns=LIMIT_COLUMNS).sort_values("over_mw", ascending=False, kind="stable")
    return Diagnosis(
        necessary=[],
        limits=limits.reset_index(drop=True),
        max_achievable_mw=max_mw,
        max_achievable_bound_mw=max_bound,
        cut_short="; ".join(cut),
    )
