"""What the families, the post-solve stages and the pictures read of a model, a solution and a result.

These are :class:`typing.Protocol` classes, for annotations only: a module
that reads a model or a result annotates with them instead of importing
:mod:`siting.model` or :mod:`siting.result`, so that no import circle
closes (the model imports the families, and a result's methods draw maps).
mypy checks the structural fit wherever a real object is passed:
:class:`siting.model.SitingModel` for :class:`ModelLike`,
:class:`siting.postsolve.Solution` for :class:`SolutionLike`,
:class:`siting.SitingResult` for :class:`ResultLike` and
:class:`siting.Diagnosis` for :class:`DiagnosisLike`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

if TYPE_CHECKING:
    import geopandas as gpd
    import networkx as nx
    import numpy as np
    import pandas as pd
    import pulp

    from .candidates import Candidates
    from .constants import Status
    from .data import SitingData
    from .scenario import Scenario

__all__ = ["DiagnosisLike", "FlowVars", "ModelLike", "ResultLike", "SolutionLike"]

#: ``line_id -> (plus, minus, length_km)``: a flow ``plus - minus`` on each line.
FlowVars: TypeAlias = "dict[str, tuple[pulp.LpVariable, pulp.LpVariable, float]]"


class ModelLike(Protocol):
    """What a family reads of, and adds to, a model (:class:`siting.model.SitingModel`).

    The attributes are those documented on :class:`siting.model.SitingModel`;
    ``line_flows``, ``renewable_flows`` and ``renewable_delivered`` are filled
    by the families that declare them in ``Family.provides``.
    """

    prob: pulp.LpProblem
    data: SitingData
    scenario: Scenario
    cand: Candidates
    opts: pd.DataFrame
    graph: nx.MultiGraph
    headroom: np.ndarray
    x: list[pulp.LpVariable]
    mw: np.ndarray
    groups: pd.DataFrame
    y: list[pulp.LpVariable]
    group_mw: np.ndarray
    group_options: list[np.ndarray]
    total: pulp.LpAffineExpression
    load: dict[int, pulp.LpAffineExpression]
    terms: dict[str, pulp.LpAffineExpression]
    slacks: dict[tuple[str, Hashable], pulp.LpVariable]
    line_flows: FlowVars
    renewable_flows: FlowVars
    renewable_delivered: pulp.LpAffineExpression | None
    fixed_with_plan: list[pulp.LpVariable]
    limit_rows: dict[tuple[str, Hashable], list[str]]

    def slack(self, limit: str, key: Hashable) -> pulp.LpVariable | int:
        """A non-negative slack on ``(limit, key)`` when ``limit`` is elastic, else 0."""
        ...

    def on_rhs(self, limit: str, key: Hashable, name: str) -> None:
        """Record that row (or variable bound) ``name`` has ``(limit, key)`` on its right."""
        ...

    def options_by(self, column: str) -> dict[Any, np.ndarray]:
        """Option row positions grouped by a column of the options table."""
        ...

    def groups_by(self, column: str) -> dict[Any, np.ndarray]:
        """Group positions (of ``groups`` and ``y``) by a column of ``groups``."""
        ...

    def check_time(self, where: str) -> None:
        """Raise :class:`siting.solvers.OutOfTime` when the build's deadline has passed."""
        ...


class SolutionLike(Protocol):
    """What a family writes into a solution (:class:`siting.postsolve.Solution`) when it reads one back."""

    supply_used_mw: np.ndarray
    line_flow_mw: dict[str, float]
    renewable_flow_mw: dict[str, float]
    renewable_delivered_mw: float
    renewable_credit_mw: dict[int, float]
    security: dict[str, int]


class DiagnosisLike(Protocol):
    """What the pictures read of a diagnosis (:class:`siting.Diagnosis`)."""

    @property
    def necessary(self) -> Sequence[str]:
        """Necessary conditions that fail."""
        ...

    @property
    def limits(self) -> pd.DataFrame:
        """The limits that must give (``family``, ``id``, ``name``, ``over_mw``, ``text``)."""
        ...

    @property
    def max_achievable_mw(self) -> float | None:
        """The most MW found that can be placed with every limit kept."""
        ...

    @property
    def cut_short(self) -> str:
        """What the time limit left out; empty when the diagnosis ran to the end."""
        ...


class ResultLike(Protocol):
    """What family checks, maps and the upgrade table read of a result (:class:`siting.SitingResult`)."""

    @property
    def status(self) -> Status:
        """The solve's outcome."""
        ...

    @property
    def objective(self) -> float | None:
        """Total cost, KRW bn; None without a plan."""
        ...

    @property
    def costs(self) -> Mapping[str, float]:
        """Cost by term, KRW bn."""
        ...

    @property
    def scenario(self) -> Scenario:
        """The scenario solved."""
        ...

    @property
    def provinces(self) -> gpd.GeoDataFrame:
        """Provinces with what they host."""
        ...

    @property
    def sites(self) -> gpd.GeoDataFrame:
        """The campuses placed."""
        ...

    @property
    def substations(self) -> gpd.GeoDataFrame:
        """Substations with load, supply used and values."""
        ...

    @property
    def lines(self) -> gpd.GeoDataFrame:
        """Lines with flows and values."""
        ...

    @property
    def renewables(self) -> gpd.GeoDataFrame | None:
        """Renewable sites, when the data has them."""
        ...

    @property
    def renewable_delivered_mw(self) -> float:
        """Renewable energy deliverable to the campuses, average MW."""
        ...

    @property
    def diagnosis(self) -> DiagnosisLike | None:
        """Why there is no plan; None for a plan."""
        ...

    @property
    def metric_crs(self) -> str:
        """Projected CRS of the data, for distances."""
        ...

    @property
    def total_mw(self) -> float:
        """Total campus capacity placed, MW."""
        ...

    def by_province(self) -> pd.DataFrame:
        """Campuses, MW, share and name by province code, largest first."""
        ...
