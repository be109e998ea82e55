"""What a constraint family is: the base class every family derives from.

A family is one kind of limit on a plan (the target, substation headroom, the
network, ...). It is one unit that

- says whether a scenario enables it (:meth:`Family.enabled`);
- declares what it reads of the model and what it provides to other
  families (:attr:`Family.reads`, :attr:`Family.provides`), from which the
  model orders the families (:func:`siting.families.resolve_order`);
- adds its variables and constraints to a :class:`~siting.model.SitingModel`,
  each with an elastic slack when the diagnosis asks (:meth:`Family.add`);
- reads its part of a solution back (:meth:`Family.read`);
- optionally adds rows lazily, those a solution breaks (:meth:`Family.separate`);
- says what its flows need once the plan is fixed (:meth:`Family.settling`,
  used by :func:`siting.postsolve.settle`);
- names its limits in words for the diagnosis (:attr:`Family.limits`,
  :meth:`Family.limit_names`, :meth:`Family.over`);
- lists necessary conditions that fail, from the inputs alone
  (:meth:`Family.necessary`);
- re-checks a result from its tables, sharing no code with :meth:`add`
  (:meth:`Family.check`, used by :func:`siting.testing.assert_result_valid`).

This is spopt's ``FacilityModelBuilder`` idea (one builder per constraint
family, reused by every model) with the bookkeeping that the diagnosis and the
checks need kept beside the formulation.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

import numpy as np
import pandas as pd
import pulp

if TYPE_CHECKING:
    from .._result_types import ResultLike
    from .._types import ModelLike, SolutionLike
    from ..data import SitingData
    from ..scenario import Scenario

__all__ = ["Family", "Settling", "Stage", "linear", "net_flow", "upper_value", "value"]


def linear(pairs: Iterable[tuple[Any, float]]) -> pulp.LpAffineExpression:
    """A PuLP expression from ``(variable, coefficient)`` pairs, built in one call (fast)."""
    return pulp.LpAffineExpression(list(pairs))


def value(v: Any) -> float:
    """The solved value of a PuLP variable or expression; plain numbers pass through, unset reads 0."""
    if isinstance(v, int | float):
        return float(v)
    val = pulp.value(v)
    return float(val) if val is not None else 0.0


def net_flow(flows: dict[str, tuple[pulp.LpVariable, pulp.LpVariable, float]], key: str) -> float:
    """The solved net flow ``plus - minus`` on ``key`` of a flows dict (0 when there is no flow there).

    ``flows`` as ``SitingModel.line_flows`` or ``renewable_flows``: key -> (plus, minus, length).

    Examples
    --------
    >>> plus, minus = pulp.LpVariable("p"), pulp.LpVariable("m")
    >>> plus.varValue, minus.varValue = 30.0, 5.0
    >>> net_flow({"L1": (plus, minus, 12.0)}, "L1"), net_flow({}, "L2")
    (25.0, 0.0)
    """
    if key not in flows:
        return 0.0
    plus, minus, _ = flows[key]
    return value(plus) - value(minus)


def upper_value(expr: pulp.LpAffineExpression) -> float:
    """The most ``expr`` (with non-negative coefficients) takes, every variable at its upper bound.

    Examples
    --------
    >>> u = pulp.LpVariable("u", 0, 3, pulp.LpInteger)
    >>> upper_value(50 * u + 10)
    160.0
    """
    return float(expr.constant) + sum(c * float(v.upBound or 0.0) for v, c in expr.items())


class Stage(NamedTuple):
    """One lexicographic LP stage of settling: the row it leaves, what it optimises, which way."""

    name: str
    expr: pulp.LpAffineExpression
    sense: int  # pulp.LpMinimize or pulp.LpMaximize


@dataclass(frozen=True)
class Settling:
    """What a family's flows need once the plan is fixed (:func:`siting.postsolve.settle`).

    Equal optima differ in flows the objective does not price; settling
    picks one answer in lexicographic stages: the priced costs of every
    family first (held at their least, only when some family prefers a
    figure), then each preferred figure, then the least MW x km of all flows.

    Attributes
    ----------
    priced : tuple of Stage
        Costs of the family's flows that the objective prices (the network's
        transmission cost). A family with flows and ``priced`` empty has flows
        the objective does not price.
    preferred : tuple of Stage
        Figures the objective does not price, in order (the renewable energy
        delivered, most first).
    length : pulp.LpAffineExpression or None
        MW x km of the family's flows; None when it has none.

    Examples
    --------
    >>> Settling().length is None  # a family without flows: nothing to settle
    True
    """

    priced: tuple[Stage, ...] = ()
    preferred: tuple[Stage, ...] = ()
    length: pulp.LpAffineExpression | None = None


class Family(ABC):
    """One family of constraints; subclass it and implement :meth:`add`.

    A new instance is made for every model built, so a family may keep the
    variables it creates on ``self`` for :meth:`read`.

    Attributes
    ----------
    name : str
        The family's name (``siting.constants`` holds the built-in ones).
    limits : mapping of str to str
        The limits this family can relax, each with how a relaxed limit reads:
        a format string with ``{name}`` (from :meth:`limit_names`) and ``{mw}``
        (from :meth:`over`). Empty when the family is never relaxed.
    reads_sites : bool
        Whether the family's rows read the site choice ``m.x`` rather than the
        counts ``m.y`` (spacing does). A model with such a family holds every
        site row and option column from the start (it is not lazy,
        :meth:`siting.model.SitingModel.build`).
    separates : bool
        Whether the family adds rows lazily (:meth:`separate`); the model
        then separates them on the LP relaxation before its first integer
        solve, so that fewer integer solves are needed.
    reads : tuple of str
        What the family reads of the model that other families provide
        (``line_flows``); what the model holds itself (``prob``, ``x``,
        ``y``, ``load``, ``slack``, ...) needs no declaration. The model adds
        the families that provide a name before those that read it.
    provides : tuple of str
        What the family puts in the model for others to read: attributes it
        fills (``line_flows``) or cost terms it adds (``transmission``).
    """

    name: ClassVar[str]
    limits: ClassVar[Mapping[str, str]] = {}
    reads_sites: ClassVar[bool] = False
    separates: ClassVar[bool] = False
    reads: ClassVar[tuple[str, ...]] = ()
    provides: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def enabled(cls, scenario: Scenario) -> bool:
        """Whether ``scenario`` switches this family on (default: always)."""
        return True

    @classmethod
    def count_bound(
        cls, scenario: Scenario, group_mw: np.ndarray, elastic: frozenset[str]
    ) -> np.ndarray | None:
        """Most campuses any plan within this family's limits puts in a group, per group (default: none).

        Bounds implied by the family's rows that the relaxation misses; the
        model caps each group's count by them before it chooses its first
        columns (:meth:`siting.model.SitingModel.build`). ``elastic`` names
        the limits relaxed in this model: a bound resting on one must not
        apply.
        """
        return None

    @abstractmethod
    def add(self, m: ModelLike) -> None:
        """Add variables and constraints to ``m.prob``; slacks come from ``m.slack(limit, key)``."""

    def read(self, m: ModelLike, sol: SolutionLike) -> None:
        """Copy this family's part of the solved values into ``sol`` (default: nothing)."""
        return None

    def separate(self, m: ModelLike) -> int:
        """Add rows that the solved values break and return how many (default: none).

        For families with too many rows to add up front (the N-1 family):
        :meth:`siting.model.SitingModel.solve` solves again while any family
        adds rows, so the answer is exact when none is left.
        """
        return 0

    def settling(self, m: ModelLike) -> Settling:
        """What this family's flows need once the plan is fixed (default: nothing, :class:`Settling`)."""
        return Settling()

    @classmethod
    def necessary(cls, data: SitingData, scenario: Scenario, opts: pd.DataFrame) -> list[str]:
        """Necessary conditions that fail, each as a sentence, from the inputs alone (default: none)."""
        return []

    @classmethod
    def limit_names(cls, data: SitingData) -> dict[tuple[str, Hashable], str]:
        """Readable names of this family's slacks, keyed by ``(limit, key)`` (default: the key)."""
        return {}

    @classmethod
    def over(cls, limit: str, slack: float, scenario: Scenario) -> float:
        """A slack's value in the unit its limit reads in (default: MW as solved)."""
        return slack

    @classmethod
    def check(cls, result: ResultLike, data: SitingData, tol: float) -> None:  # noqa: B027 - optional hook
        """Raise ``AssertionError`` when ``result`` breaks this family's limits (default: no check).

        Recompute from the result's tables and the input data only: a check
        that reused the formulation would confirm its own mistakes.
        """
        return None
