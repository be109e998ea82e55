"""What each reinforcement built is worth: the plan re-solved without it.

A plan from ``Scenario(reinforce=True)`` builds some projects
(``SitingResult.reinforcements``). :func:`project_values` solves the scenario
again once per project built, with that project held unbuilt and every other
decision free, and reports what the plan would cost without it (or that no
plan exists), what the project therefore saves, and which campuses move.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._errors import UsageError
from ._types import ModelLike
from .data import SitingData
from .families import DEFAULT_FAMILIES, Family, Reinforcement
from .pipeline import solve
from .result import SitingResult

__all__ = ["PROJECT_VALUE_COLUMNS", "project_values"]

#: Columns of :func:`project_values`.
PROJECT_VALUE_COLUMNS = (
    "project_id",
    "name",
    "units_built",
    "cost_krw_bn",
    "status_without",
    "objective_without_krw_bn",
    "saves_krw_bn",
    "campuses_moved",
)


def _without(
    data: SitingData,
    result: SitingResult,
    r: Any,
    base: tuple[type[Family], ...],
    plan: set[tuple[Any, Any]],
) -> dict[str, Any]:
    """One row of :func:`project_values`: the plan re-solved with project ``r`` (a row) unbuilt."""
    held = _holding(str(r.project_id))
    # a project of build_projects is re-solved without it too: it is no longer forced
    sc = result.scenario.replace(
        build_projects=tuple(p for p in result.scenario.build_projects if p != r.project_id)
    )
    without = solve(data, sc, families=[held if f is Reinforcement else f for f in base])
    found = without.status.has_solution
    other = set(zip(without.sites["site_id"], without.sites["substation_id"], strict=True))
    objective = float(without.objective) if found and without.objective is not None else np.nan
    return {
        "project_id": r.project_id,
        "name": r.name,
        "units_built": int(r.units_built),
        "cost_krw_bn": float(r.cost_krw_bn),
        "status_without": str(without.status),
        "objective_without_krw_bn": objective,
        "saves_krw_bn": objective - float(result.objective or 0.0) if found else np.inf,
        "campuses_moved": len(plan - other) if found else len(plan),
    }


def _holding(project_id: str) -> type[Family]:
    """The reinforcement family with ``project_id`` held at zero units."""

    class Held(Reinforcement):
        def add(self, m: ModelLike) -> None:
            super().add(m)
            self.units[project_id].upBound = 0

    return Held


def project_values(
    data: SitingData,
    result: SitingResult,
    *,
    families: Sequence[type[Family]] | None = None,
    only: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Each project the plan builds, re-solved without it: its cost, what it saves, the campuses it keeps.

    Parameters
    ----------
    data : SitingData
        The data ``result`` was solved on.
    result : SitingResult
        A plan of a scenario with ``reinforce=True``.
    families : sequence of Family subclasses, optional
        As given to :func:`siting.solve` for ``result`` (default the built-in ones).
    only : sequence of str, optional
        Project ids to value (each a solve), of those built; default every
        project built. A plan that builds many uprates of a generic row may
        value its costliest few.

    Returns
    -------
    DataFrame
        One row per project built (:data:`PROJECT_VALUE_COLUMNS`):
        ``cost_krw_bn`` of its units built; ``status_without`` and
        ``objective_without_krw_bn`` of the plan re-solved with it unbuilt (NaN
        without a plan); ``saves_krw_bn``, that objective minus the plan's
        (``inf`` when no plan exists without it: the project is needed);
        ``campuses_moved``, campuses of the plan (site and substation) that
        the plan without it does not have (all of them when there is none).

    Raises
    ------
    siting.UsageError
        When ``result`` has no plan or its scenario does not reinforce, or
        ``only`` names a project the plan does not build.

    Examples
    --------
    >>> import siting
    >>> res = siting.solve(siting.load_korea(), siting.Scenario(target_mw=100, grid_spacing_km=40))
    >>> project_values(siting.load_korea(), res)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    siting._errors.UsageError: project_values needs a plan solved with reinforce=True; fix: ...
    """
    if result.reinforcements is None or not result.status.has_solution:
        raise UsageError(
            "project_values needs a plan solved with reinforce=True; fix: solve with Scenario(reinforce=True)"
        )
    base = tuple(DEFAULT_FAMILIES if families is None else families)
    plan = set(zip(result.sites["site_id"], result.sites["substation_id"], strict=True))
    built = result.reinforcements[result.reinforcements["units_built"] > 0]
    if only is not None:
        missing = sorted(set(only) - set(built["project_id"]))
        if missing:
            raise UsageError(
                f"project_values: only={missing} are not projects the plan builds; fix: pick ids from "
                "result.reinforcements where built is True"
            )
        built = built[built["project_id"].isin(list(only))]
    rows = [_without(data, result, r, base, plan) for r in built.itertuples()]
    return pd.DataFrame(rows, columns=list(PROJECT_VALUE_COLUMNS))
