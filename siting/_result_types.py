"""The shape of a result, for the modules that read one: column names and two Protocols.

:mod:`siting.result` holds the container and hands its text, files and
comparisons to :mod:`siting.report`, :mod:`siting.export` and
:mod:`siting.comparison`. Those, the maps and the families' checks read a
result through :class:`ResultLike` and :class:`DiagnosisLike`, which
:class:`siting.result.SitingResult` and :class:`siting.result.Diagnosis`
satisfy, so that none of them imports :mod:`siting.result` back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from .constants import Status
    from .scenario import Scenario

__all__ = [
    "LIMIT_COLUMNS",
    "RENEWABLE_SUPPLY_COLUMNS",
    "UPGRADE_COLUMNS",
    "PROJECT_FINDING_COLUMNS",
    "SITE_COST_COLUMNS",
    "DiagnosisLike",
    "ResultLike",
]

#: The columns of :attr:`siting.result.Diagnosis.limits` (and of the diagnosis table).
LIMIT_COLUMNS = ["family", "id", "name", "province", "over_mw", "text"]
#: The columns of :attr:`siting.result.Diagnosis.upgrades`.
UPGRADE_COLUMNS = ["kind", "id", "name", "mw_per_mw"]
#: The columns of :attr:`siting.result.Diagnosis.projects`.
PROJECT_FINDING_COLUMNS = [
    "project_id", "name", "kind", "status", "units_built", "max_units", "cost_krw_bn", "limits", "text",
]  # fmt: skip

#: The columns of :attr:`siting.result.SitingResult.renewable_supply` (and a geometry).
RENEWABLE_SUPPLY_COLUMNS = [
    "source",
    "province",
    "technology",
    "capacity_mw",
    "energy_mw",
    "max_mw",
    "cost_krw_bn",
    "annual_krw_bn",
]

#: The sites table's cost columns (KRW billion; incentives negative), by the cost each holds.
SITE_COST_COLUMNS = {
    "connection_cost": "connection_cost_krw_bn",
    "site_cost": "site_cost_krw_bn",
    "renewable_incentive": "renewable_incentive_krw_bn",
    "subsidy": "subsidy_krw_bn",
}


class DiagnosisLike(Protocol):
    """What the report and the files read of a :class:`siting.result.Diagnosis` (same meanings)."""

    necessary: list[str]
    limits: pd.DataFrame
    max_achievable_mw: float | None
    max_achievable_bound_mw: float | None
    cut_short: str
    projects: pd.DataFrame

    def table(self, by: Literal["limit", "family", "province"] = ...) -> pd.DataFrame:
        """The limits that must give, one row each or summed by family or province."""
        ...


class ResultLike(Protocol):
    """What the report, the files, the comparison, the maps and the families' checks read of a result.

    :class:`siting.result.SitingResult` satisfies it.
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
    renewables: gpd.GeoDataFrame | None
    renewable_supply: gpd.GeoDataFrame
    renewable_delivered_mw: float
    metric_crs: str
    model_size: dict[str, int]
    timings: dict[str, float]
    dropped_candidates: pd.DataFrame
    candidates_given: int | None
    assumptions: str
    exclusion_buffer: gpd.GeoSeries | None
    reinforcements: gpd.GeoDataFrame | None

    @property
    def diagnosis(self) -> DiagnosisLike | None:
        """For infeasible runs: why."""
        ...

    @property
    def total_mw(self) -> float:
        """Total campus capacity placed, MW."""
        ...

    @property
    def renewable_share(self) -> float:
        """Share of the campuses' average energy that renewables can deliver to them."""
        ...

    def by_province(self) -> pd.DataFrame:
        """Campuses, MW, share and the province's name by province code, largest first."""
        ...

    def province_labels(self) -> dict[str, str]:
        """Province code to "Name (code)", for printing."""
        ...
