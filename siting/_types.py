"""What the families and the post-solve stages read of a model and write into a solution.

These are :class:`typing.Protocol` classes, for annotations only (and
:class:`NewLine`, a plain record the model holds): a family
annotates with them instead of importing :mod:`siting.model`, which imports
the families, so that no import circle closes (a result is read through
:mod:`siting._result_types` the same way). mypy checks the structural fit
wherever a real object is passed: :class:`siting.model.SitingModel` for
:class:`ModelLike`, :class:`siting.postsolve.Solution` for
:class:`SolutionLike`.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeAlias

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np
    import pandas as pd
    import pulp

    from .candidates import Candidates
    from .data import SitingData
    from .scenario import Scenario

__all__ = ["FlowVars", "ModelLike", "NewLine", "SolutionLike"]

#: ``line_id -> (plus, minus, length_km)``: a flow ``plus - minus`` on each line.
FlowVars: TypeAlias = "dict[str, tuple[pulp.LpVariable, pulp.LpVariable, float]]"


class NewLine(NamedTuple):
    """One new flow path the model may build (a circuit of an ``ac_line`` or ``hvdc`` project)."""

    #: Circuit id: the project's, with ``#<unit>`` for each unit of an AC line in the DC model.
    id: str
    project_id: str
    from_id: str
    to_id: str
    #: "ac" or "hvdc".
    kind: str
    length_km: float
    reactance: float
    #: MW it may carry: ``added_mw - export_mw`` x the units built (or x its unit's binary).
    capacity: pulp.LpAffineExpression
    #: MW it carries at most, every unit built.
    most: float
    #: DC AC circuits: the binary "built"; Kirchhoff's law holds around its cycle when 1.
    on: pulp.LpVariable | None = None
    #: Today's AC lines from ``from_id`` to ``to_id`` as ``(line_id, sign)`` (DC AC circuits).
    path: tuple[tuple[str, float], ...] = ()
    #: The disjunctive rows' M, MW x reactance (DC AC circuits).
    big_m: float = 0.0


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
    exports: dict[int, pulp.LpAffineExpression]
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
