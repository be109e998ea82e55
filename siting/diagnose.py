"""Why a scenario is infeasible: necessary conditions first, then elastic relaxation.

Necessary conditions are checked from the inputs alone (fast, exact when they
fail); each constraint family lists its own. When they all hold the model is
rebuilt with slacks on the families' limits: once to find the most MW that
fits within every limit, and once to find which limits must give, and by how
many MW, to reach the target. Each family names its limits in words. With the
second model's plan fixed, raising each headroom, line and supply limit by
1 MW says how many MW of relaxation that MW saves (``upgrades``), and the
reinforcement projects it concerns are named: those the least relaxation
builds, and those that would act on a limit that must give but are not built,
with why (``projects``, :mod:`siting.diagnose_projects`).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Final

import networkx as nx
import pandas as pd

from ._log import Stages
from .candidates import DROP_REASONS, Candidates
from .constants import HEADROOM, LINES, PROVINCE_CAP, SPACING, SUPPLY, TARGET
from .data import SitingData
from .diagnose_projects import project_findings
from .families import DEFAULT_FAMILIES, Family
from .model import SitingModel
from .result import LIMIT_COLUMNS, PROJECT_FINDING_COLUMNS, UPGRADE_COLUMNS, Diagnosis
from .scenario import Scenario
from .solvers import Deadline, OutOfTime, SolveReport

__all__ = ["necessary_conditions", "diagnose", "limit_provinces"]

#: Time limit for each elastic solve, seconds (capped by the scenario's). The
#: most-MW solve can be slow to prove; its incumbent and bound are reported.
ELASTIC_TIME_LIMIT_S: Final[float] = 30.0
#: The limits :attr:`Diagnosis.upgrades` prices, by the kind of upgrade they name.
UPGRADE_KINDS: Final[dict[str, str]] = {HEADROOM: "headroom", LINES: "line", SUPPLY: "supply"}

#: The ``family`` of a diagnosis row for one campus per site, a limit never relaxed.
SITES: Final = "sites"


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
    if cand.count == 0:
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
        As for :class:`siting.model.SitingModel`. ``opts`` should be every
        option under the nominal headroom (:func:`siting.options.build_options`
        without ``headroom=``, not reduced): the elastic model relaxes the
        headroom and the network, which the exchange argument of
        :func:`siting.options.reduce_options` and the effective headroom
        both assume hard, so on reduced options the minimum relaxation can
        differ (and advise the wrong fix).
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
        (``hosts``: number of provinces). When no relaxation of the
        families' limits reaches the target (the minimum spacing and one
        campus per site are never relaxed), the target is relaxed too and
        its shortfall is named after the limit that is not relaxed (family
        ``spacing`` or ``sites``). Unless ``cut_short``, the diagnosis names
        at least one cause: as a last resort, the target's shortfall.
    """
    necessary = necessary_conditions(data, scenario, cand, opts, families=families)
    if necessary:
        return Diagnosis(necessary=necessary)
    budget = deadline if deadline is not None else Deadline(scenario.time_limit_s)
    run = _Elastic(data, scenario, cand, opts, graph, _enabled(scenario, families), budget)
    found = _Findings()
    stages = Stages("diagnosis", total=2, progress=progress)
    try:
        stages.start("most MW within every limit")
        _most_mw(run, found)
        stages.done("most MW within every limit", detail=f"{found.max_mw or 0:,.0f} MW")
        stages.start("limits that must give")
        _limits_that_give(run, found)
        stages.done("limits that must give", detail=f"{len(found.limits)} limits")
    except OutOfTime as exc:
        found.cut.append(str(exc))
    finally:
        stages.close()
    return found.diagnosis(scenario)


@dataclass(frozen=True)
class _Elastic:
    """The inputs every elastic model of one diagnosis is built from, and its time budget."""

    data: SitingData
    scenario: Scenario
    cand: Candidates
    opts: pd.DataFrame
    graph: nx.MultiGraph
    enabled: list[type[Family]]
    budget: Deadline

    def limit_s(self) -> float:
        """Seconds for the next elastic solve: what is left, at most :data:`ELASTIC_TIME_LIMIT_S`."""
        return min(self.budget.remaining(), ELASTIC_TIME_LIMIT_S)

    def solve(self, elastic: tuple[str, ...], *, tie_break: bool = True) -> tuple[SitingModel, SolveReport]:
        """The model with slacks on the ``elastic`` limits, and its solve."""
        m = SitingModel.build(
            self.data,
            self.scenario,
            self.cand,
            self.opts,
            elastic=elastic,
            tie_break=tie_break,
            graph=self.graph,
            families=self.enabled,
            deadline=self.budget,
        )
        return m, m.solve(time_limit_s=self.limit_s(), mip_gap=max(self.scenario.mip_gap, 1e-3))


@dataclass
class _Findings:
    """What a diagnosis has found so far; kept as it is when the diagnosis is cut short."""

    max_mw: float | None = None
    max_bound: float | None = None
    limits: list[dict[str, object]] = field(default_factory=list)
    upgrades: list[dict[str, object]] = field(default_factory=list)
    projects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROJECT_FINDING_COLUMNS))
    cut: list[str] = field(default_factory=list)

    def diagnosis(self, scenario: Scenario) -> Diagnosis:
        """The :class:`Diagnosis`; with no limit found and nothing cut short, the target's shortfall."""
        rows = self.limits if self.limits or self.cut else [_unexplained(scenario, self.max_mw)]
        limits = pd.DataFrame(rows, columns=LIMIT_COLUMNS).sort_values(
            "over_mw", ascending=False, kind="stable"
        )
        return Diagnosis(
            necessary=[],
            limits=limits.reset_index(drop=True),
            max_achievable_mw=self.max_mw,
            max_achievable_bound_mw=self.max_bound,
            cut_short="; ".join(self.cut),
            upgrades=pd.DataFrame(self.upgrades, columns=UPGRADE_COLUMNS)
            .sort_values(["mw_per_mw", "kind"], ascending=[False, True], kind="stable")
            .reset_index(drop=True),
            projects=self.projects,
        )


def _most_mw(run: _Elastic, found: _Findings) -> None:
    """The most MW within every limit (the target elastic), and a bound on it when not proven."""
    if run.budget.expired:
        raise OutOfTime("the most MW within every limit was not computed")
    target_mw = run.scenario.target_mw
    most, done = run.solve((TARGET,), tie_break=False)
    if done.status.has_solution:
        found.max_mw = target_mw - most.read(time_limit_s=run.limit_s()).slacks[(TARGET, "total")]
        found.max_bound = found.max_mw if done.status == "optimal" else None
        if done.bound is not None and done.status == "feasible":
            found.max_bound = target_mw - max(done.bound, 0.0)
    elif done.status == "no_solution":
        found.cut.append("the most MW within every limit was not found")


def _limits_that_give(run: _Elastic, found: _Findings) -> None:
    """The limits that must give to reach the target, and the MW each 1 MW of upgrade saves."""
    limits = dict.fromkeys(limit for f in run.enabled for limit in f.limits)
    relax = tuple(limit for limit in limits if limit != TARGET)
    if run.budget.expired:
        raise OutOfTime("the limits that must give were not computed")
    relaxed, done = run.solve(relax)
    if done.status == "infeasible":
        # what no relaxation can give (spacing, one campus per site): the target is elastic too
        if run.budget.expired:
            raise OutOfTime("the limits that must give were not computed")
        relaxed, done = run.solve((*relax, TARGET))
    if done.status == "no_solution":
        found.cut.append("the limits that must give were not found")
    if done.status.has_solution:
        names = _limit_names(run.data, run.enabled)
        # MW of relaxation saved per MW added to each limit, the relaxed plan fixed
        for (limit, key), mw in relaxed.prices(time_limit_s=run.limit_s()).items():
            if mw > 1e-9:
                kind = UPGRADE_KINDS.get(limit, limit)
                found.upgrades.append(
                    {"kind": kind, "id": key, "name": names.get((limit, key), str(key)), "mw_per_mw": mw}
                )
        sol = relaxed.read(time_limit_s=run.limit_s())
        found.limits = _relaxations(run.data, run.scenario, run.enabled, sol.slacks)
        limits = pd.DataFrame(found.limits, columns=LIMIT_COLUMNS)
        found.projects = project_findings(run.data, relaxed, limits, built=sol.reinforcements)


def _limit_names(data: SitingData, enabled: Sequence[type[Family]]) -> dict[tuple[str, Hashable], str]:
    """Every enabled family's limits in words, keyed ``(limit, key)``."""
    names: dict[tuple[str, Hashable], str] = {}
    for f in enabled:
        names.update(f.limit_names(data))
    return names


def _relaxations(
    data: SitingData,
    scenario: Scenario,
    enabled: Sequence[type[Family]],
    slacks: dict[tuple[str, Hashable], float],
) -> list[dict[str, object]]:
    """The limits a relaxed solution exceeds, as rows of :data:`siting.result.LIMIT_COLUMNS`.

    A slack on the target itself (only when no relaxation of the families'
    limits reaches it) is what no relaxation can give: it is named after
    the limits that are never relaxed, the minimum spacing or one campus
    per site.
    """
    owner = {limit: f for f in enabled for limit in f.limits}
    names = _limit_names(data, enabled)
    where = limit_provinces(data)
    rows: list[dict[str, object]] = []
    for (limit, key), slack in slacks.items():
        if slack <= 1e-6:
            continue
        if limit == TARGET:
            rows.append(_unrelaxable(scenario, slack))
            continue
        family = owner[limit]
        over = family.over(limit, slack, scenario)
        name = names.get((limit, key), str(key))
        text = family.limits[limit].format(name=name or key, mw=over)
        province = where.get((limit, key), "")
        rows.append(
            {"family": limit, "id": key, "name": name, "province": province, "over_mw": over, "text": text}
        )
    return rows


def _unrelaxable(scenario: Scenario, short: float) -> dict[str, object]:
    """The target's shortfall that relaxing every limit cannot close, named after what causes it."""
    if scenario.min_spacing_km > 0:
        return {
            "family": SPACING,
            "id": "min_spacing_km",
            "name": "minimum spacing",
            "province": "",
            "over_mw": short,
            "text": (
                f"minimum spacing ({scenario.min_spacing_km:g} km, never relaxed): with every other limit "
                f"relaxed, sites that far apart still fall {short:,.1f} MW short of the target"
            ),
        }
    return {
        "family": SITES,
        "id": "one_per_site",
        "name": "candidate sites",
        "province": "",
        "over_mw": short,
        "text": (
            f"candidate sites (one campus per site, never relaxed): with every other limit relaxed, "
            f"the sites still fall {short:,.1f} MW short of the target"
        ),
    }


def _unexplained(scenario: Scenario, max_mw: float | None) -> dict[str, object]:
    """The last resort: the target's shortfall against the most MW found (all of it when none was)."""
    most = 0.0 if max_mw is None else max_mw
    short = scenario.target_mw - most
    return {
        "family": TARGET,
        "id": "total",
        "name": "target",
        "province": "",
        "over_mw": short,
        "text": (
            f"target: at most {most:,.0f} MW fit within every limit, {short:,.1f} MW short; the relaxed "
            "solve named no single limit"
        ),
    }
