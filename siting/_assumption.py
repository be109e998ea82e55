"""One assumption of the model (:class:`Assumption`) and what every ``apply`` shares.

:mod:`siting.assumptions` lists the assumptions of a data set and scenario;
:mod:`siting.renewable_assumptions` those of the renewables for new load.
Both build :class:`Assumption` objects from here.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._errors import ScenarioError
from .data import SitingData
from .scenario import Scenario

__all__ = ["Apply", "Assumption", "Inputs", "set_cost"]

#: The inputs of a solve.
Inputs = tuple[SitingData, Scenario]
#: ``apply``: the inputs with the assumption set to a value.
Apply = Callable[[SitingData, Scenario, float], Inputs]


@dataclass(frozen=True)
class Assumption:
    """One input of the model that is an assumption: its value, its range and its source.

    Parameters
    ----------
    name : str
        Short id, e.g. ``"line_rating_154kv"``.
    description : str
        What it is, in words (the tornado's label).
    unit : str
        Unit of ``value``, ``low`` and ``high`` (``"x"``: a multiplier of the default).
    value : float
        The value the inputs use (applying it changes nothing).
    low, high : float
        The range to test, ``low <= value <= high``.
    source : str
        Where the range comes from: a citation, or ``"ASSUMPTION: "`` and the reason.
    apply : callable
        ``apply(data, scenario, value) -> (data, scenario)``.
    group, label : str
        How :func:`in_force` groups it (``"headroom"``) and names it in its
        group (``"154 kV"``).

    Examples
    --------
    >>> import siting
    >>> a = Assumption("load_factor", "campus load factor", "share", 0.8, 0.7, 0.9,
    ...                "ASSUMPTION: near flat out", lambda d, s, v: (d, s.replace(load_factor=v)))
    >>> data, sc = a.apply(siting.load_korea(), siting.Scenario(target_mw=100), 0.9)
    >>> sc.load_factor
    0.9
    """

    name: str
    description: str
    unit: str
    value: float
    low: float
    high: float
    source: str
    apply: Apply = field(repr=False, compare=False)
    group: str = ""
    label: str = ""

    def __post_init__(self) -> None:
        ends = (self.low, self.value, self.high)
        if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in ends) or not (
            self.low <= self.value <= self.high
        ):
            raise ScenarioError(
                f"assumption {self.name!r}: low {self.low!r} <= value {self.value!r} <= high {self.high!r} "
                "must hold (finite numbers); fix: widen the range to include the value."
            )


def set_cost(data: SitingData, sc: Scenario, v: float, *, term: str) -> Inputs:
    """The inputs with the scenario's cost coefficient ``term`` set to v.

    Examples
    --------
    >>> import siting
    >>> _, sc = set_cost(None, siting.Scenario(target_mw=1), 0.06, term="discount_rate")
    >>> sc.costs.discount_rate
    0.06
    """
    changes: dict[str, Any] = {term: v}
    return data, sc.replace(costs=dataclasses.replace(sc.costs, **changes))
