"""What a solve returns: :class:`SitingResult` and :class:`Diagnosis`, the container and its accessors.

The tables are plain GeoDataFrames in EPSG:4326 so that they can be checked,
mapped and written without the model: ``sites``, ``substations``, ``lines``.
Money columns carry their unit in the name (``..._krw_bn``: KRW billion).
Text, files and comparisons are their own modules, which the methods here
call: :mod:`siting.report`, :mod:`siting.export`, :mod:`siting.comparison`;
:mod:`siting.assemble` builds a result from a solution.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import pandas as pd

from . import export
from . import report as text
from ._errors import SitingError
from ._result_types import LIMIT_COLUMNS, PROJECT_FINDING_COLUMNS, RENEWABLE_SUPPLY_COLUMNS, UPGRADE_COLUMNS
from .comparison import compare
from .constants import Status
from .settings import GEOGRAPHIC_CRS

if TYPE_CHECKING:
    import folium

    from .data import SitingData
    from .scenario import Scenario
    from .solvers import SolveReport

__all__ = ["Status", "SitingResult", "Diagnosis", "OverbuildWarning", "LIMIT_COLUMNS", "UPGRADE_COLUMNS"]

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
    projects : DataFrame
        Reinforcement projects the relaxation concerns
        (:func:`siting.diagnose_projects.project_findings`): those the least
        relaxation builds (``status`` "built": the limits must give even with
        them), and those that would act on a limit that must give but are
        left unbuilt ("not offered" with ``reinforce`` off, "not available"
        by ``Scenario.year``, "held" new AC lines of the DC diagnosis, "not
        built"), each with ``text`` and the fix. Empty without a
        reinforcements layer.
    """

    necessary: list[str] = field(default_factory=list)
    limits: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LIMIT_COLUMNS))
    max_achievable_mw: float | None = None
    max_achievable_bound_mw: float | None = None
    cut_short: str = ""
    upgrades: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=UPGRADE_COLUMNS))
    projects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROJECT_FINDING_COLUMNS))

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

        See :func:`siting.report.describe`: ``names`` maps a province code to
        the label to print, ``top`` is how many single limits to list.
        """
        return text.describe(self, names=names, top=top)

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
        connection_kv, the cost terms in KRW bn (connection_cost_krw_bn,
        site_cost_krw_bn, renewable_incentive_krw_bn: the site's share of its
        substation's, pro rata by MW, subsidy_krw_bn), geometry.
    substations : GeoDataFrame
        Every substation: substation_id, name, province, voltage_kv, load_mw,
        headroom_mw, headroom_added_mw (by the substation projects built),
        utilization (of the two), supply_mw, supply_used_mw (with the
        export), export_mw (held-back generation the export links built
        carry out from there, a draw besides the campuses), build_peak_mw
        (supply the renewables built add there at the peak), surplus_mw
        (renewable surplus stranded there, average MW), surplus_used_mw,
        build_energy_mw (new-build energy taken there), renewable_delivered_mw
        (renewable energy delivered to the campuses there, average MW),
        renewable_incentive_krw_bn, headroom_value_bn_per_mw,
        supply_value_bn_per_mw, geometry.
    lines : GeoDataFrame
        Every line: line_id, from_id, to_id, name, kind, flow_mw (signed, from
        -> to), capacity_mw, residual_mw, uprated_mw (added by the uprates
        built), loading (|flow| / (residual + uprated)),
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
    renewable_supply : GeoDataFrame
        The renewables that serve the plan, one row per source: ``source``
        ("surplus" or "new build"), province, technology, capacity_mw (built;
        NaN for surplus), energy_mw (average: surplus used, or MW built x
        capacity factor), max_mw (the stated surplus or the potential),
        cost_krw_bn (one-off), annual_krw_bn (per year), geometry (the
        weighted centre of the substations where it connects).
    scenario : Scenario
    renewable_delivered_mw : float
        Renewable energy delivered to the campuses, average MW: surplus used
        plus new-build energy, matched over the year.
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
        :func:`siting.testing.assert_result_valid` re-checks). Typed as
        ``type[Any]`` so that this module needs nothing from the model.
    dropped_candidates : DataFrame
        Candidates that could not host a campus: ``site_id`` and ``reason``
        (see :data:`siting.candidates.DROP_REASONS`).
    candidates_given : int or None
        How many candidates the caller passed (None: the regular grid).
    security : dict of str to int
        With ``Scenario(n_minus_1=True)``: outages checked, outages skipped
        because they island the network, post-outage rows added, rounds
        (:mod:`siting.families.security`); empty otherwise.
    assumptions : str
        The data's assumptions in force, one line, as :func:`siting.solve`
        found them (:func:`siting.assumptions.in_force`); the last line of
        :meth:`summary`.
    reinforcements : GeoDataFrame or None
        With ``Scenario(reinforce=True)``: one row per candidate project
        offered (:func:`siting.reinforcements.projects`, those available by
        ``Scenario.year``): project_id, name, kind,
        from_id, to_id, line_id, substation_id, added_mw (per unit),
        max_units, units_built, built, unit_cost_krw_bn, cost_krw_bn (of the
        units built), flow_mw (MW it carries: a new line or link, |flow| +
        |renewable flow|; an uprate, its line's flow above today's residual;
        a substation, its load above today's headroom), line_flow_mw and
        renewable_flow_mw (new lines: signed, from -> to), source, geometry (the
        line's route for an uprate, a straight line between the buses for a
        new one, the substation's point); None otherwise or without a plan.
    exclusion_buffer : GeoSeries or None
        The ring ``exclude_buffer_km`` keeps clear around the excluded
        provinces (without them), EPSG:4326, for maps; None without a buffer.
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
    renewable_supply: gpd.GeoDataFrame = field(
        default_factory=lambda: gpd.GeoDataFrame(
            {c: [] for c in RENEWABLE_SUPPLY_COLUMNS}, geometry=[], crs=GEOGRAPHIC_CRS
        )
    )
    renewable_delivered_mw: float = 0.0
    model_size: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    metric_crs: str = GEOGRAPHIC_CRS
    report: SolveReport | None = None
    families: tuple[type[Any], ...] = ()
    dropped_candidates: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["site_id", "reason"])
    )
    candidates_given: int | None = None
    security: dict[str, int] = field(default_factory=dict)
    assumptions: str = ""
    exclusion_buffer: gpd.GeoSeries | None = None
    reinforcements: gpd.GeoDataFrame | None = None

    def __repr__(self) -> str:
        obj = "n/a" if self.objective is None else f"{self.objective:,.1f} {self.scenario.costs.currency}"
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
        >>> sc = siting.Scenario(target_mw=300, min_host_provinces=1, grid_spacing_km=40)
        >>> res = siting.solve(siting.load_korea(), sc)
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
        """Share of the campuses' average energy that surplus and new build deliver (0 without a plan).

        Annual matching: renewable energy delivered (average MW) over campus
        capacity x load factor; with the plan's campuses and builds fixed,
        the most deliverable, so the same plan always reports the same share.
        """
        energy = self.scenario.load_factor * self.total_mw
        return self.renewable_delivered_mw / energy if energy > 0 else 0.0

    def dropped_summary(self) -> str | None:
        """One sentence counting the candidates left out, by reason; None when none was.

        See :func:`siting.report.dropped_summary`.
        """
        return text.dropped_summary(self)

    def overbuild_note(self) -> str | None:
        """Why the plan exceeds the target, in one sentence; None when it does not.

        See :func:`siting.report.overbuild_note`.
        """
        return text.overbuild_note(self)

    def summary(self) -> str:
        """A readable multi-line summary: plan, substations, lines, costs, time and assumptions.

        See :func:`siting.report.summary`.
        """
        return text.summary(self)

    def upgrades(self) -> pd.DataFrame:
        """Where upgrades pay, most valuable first: see :func:`siting.upgrade_values`."""
        from .upgrades import upgrade_values

        return upgrade_values(self)

    def why_here(self) -> pd.DataFrame:
        """Why each campus is where it is, a row of text per campus: :func:`siting.why_here.why_here`."""
        from .why_here import why_here

        return why_here(self)

    def explore(self, *, tiles: str | None = None, **kwargs: Any) -> folium.Map:
        """Interactive map (folium): see :func:`siting.explore`; ``.save(path)`` writes offline HTML.

        Examples
        --------
        >>> import siting
        >>> sc = siting.Scenario(target_mw=300, min_host_provinces=1, grid_spacing_km=40)
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
        >>> sc = siting.Scenario(target_mw=100, min_host_provinces=1, grid_spacing_km=40)
        >>> a = siting.solve(data, sc)
        >>> t = a.compare(a, names=["one", "again"])
        >>> list(t.columns), t.loc["total_mw", "difference"]
        (['one', 'again', 'difference'], 0.0)
        """
        return compare([self, *others], names=names)

    def diagnosis_table(self) -> pd.DataFrame:
        """The diagnosis as rows of :data:`LIMIT_COLUMNS`: see :func:`siting.export.diagnosis_table`."""
        return export.diagnosis_table(self.diagnosis)

    def tables(self) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
        """The result's tables by name, every one it has: see :func:`siting.export.tables`."""
        return export.tables(self)

    def to_file(self, path: str | os.PathLike[str], *, table: str | None = None) -> Path:
        """Write the result where ``path`` says, each file atomically: see :func:`siting.export.to_file`.

        ``*.gpkg``: every table of :meth:`tables` as a layer of one
        GeoPackage; ``*.geojson`` or ``*.csv``: the one table named by
        ``table``; a path without a suffix: a folder with a file per table.
        Returns the path written; raises :class:`~siting.SitingError` for
        another suffix, or a single-table format without ``table``.
        """
        return export.to_file(self, path, table=table)

    def to_pypsa(self, network: Any = None, *, data: SitingData | None = None) -> Any:
        """The plan as a ``pypsa.Network`` of its new flows: see :func:`siting.pypsa_export.to_pypsa`.

        ``network``: the network :meth:`siting.SitingData.from_pypsa` read (copied, today's
        dispatch made inactive); ``data``: the data solved on (a network is built from it).
        Line limits are ``s_nom x s_max_pu`` = residual capacity less the renewable flow.
        """
        from .pypsa_export import to_pypsa

        return to_pypsa(self, network, data=data)
