"""What the families and the post-solve stages read of a model and write into a solution.

These are :class:`typing.Protocol` classes, for annotations only: a family
annotates with them instead of importing :mod:`siting.model`, which imports
the families, so that no import circle closes (a result is read through
:mod:`siting._result_types` the same way). mypy checks the structural fit
wherever a real object is passed: :class:`siting.model.SitingModel` for
:class:`ModelLike`, :class:`siting.postsolve.Solution` for
:class:`SolutionLike`.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np
    import pandas as pd
    import pulp

    from .candidates import Candidates
    from .data import SitingData
    from .families.reinforcement import NewLine
    from .scenario import Scenario

__all__ = ["FlowVars", "ModelLike", "SolutionLike"]

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
    elastic: frozenset[str]
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
    build_peak: dict[int, pulp.LpAffineExpression]
    build_energy: dict[int, pulp.LpAffineExpression]
    added_capacity: dict[str, pulp.LpAffineExpression]
    new_lines: list[NewLine]
    added_headroom: dict[int, pulp.LpAffineExpression]
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
    renewable_by_node: dict[str, dict[int, float]]
    renewable_build_mw: np.ndarray
    security: dict[str, int]
    reinforcements: pd.DataFrame | None
