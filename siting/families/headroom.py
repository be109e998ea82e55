"""Substation headroom: the campuses connected at a substation fit in its headroom for new load."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..build_out import headroom_bound
from ..constants import HEADROOM
from ..reinforcements import projects
from ._base import Family
from .reinforcement import added_headroom_mw

if TYPE_CHECKING:
    from .._result_types import ResultLike
    from .._types import ModelLike
    from ..data import SitingData
    from ..scenario import Scenario

__all__ = ["Headroom"]


class Headroom(Family):
    """Σ load at substation n ≤ ``headroom_mw[n]`` (+ the expansions built); one slack per substation.

    With substation projects (``SitingModel.added_headroom``, the
    reinforcement family) a second row, ``load <= today's headroom + added``,
    holds beside the first, whose right-hand side is then the bound with
    every expansion built (:func:`siting.build_out.headroom_bound`).
    """

    name = HEADROOM
    reads = ("added_headroom",)
    limits = {HEADROOM: "substation {name}: headroom exceeded by {mw:,.1f} MW"}

    def add(self, m: ModelLike) -> None:
        """Add one headroom row per substation that some option reaches."""
        head = m.headroom
        today = m.data.substations["headroom_mw"].to_numpy(dtype=float)
        ids = m.data.substations["substation_id"].tolist()
        for n, load in m.load.items():
            slack = m.slack(HEADROOM, ids[n])
            m.prob += load <= float(head[n]) + slack, f"headroom_{n}"
            m.on_rhs(HEADROOM, ids[n], f"headroom_{n}")
            if n in m.added_headroom:
                m.prob += load - m.added_headroom[n] <= float(today[n]) + slack, f"headroom_built_{n}"
                m.on_rhs(HEADROOM, ids[n], f"headroom_built_{n}")

    @classmethod
    def necessary(cls, data: SitingData, scenario: Scenario, opts: pd.DataFrame) -> list[str]:
        """The target cannot exceed the headroom of every substation in reach (every expansion built)."""
        at = sorted(opts["substation"].unique())
        reach = data.substations.iloc[at]
        headroom = float(headroom_bound(data, scenario)[at].sum())
        if headroom < scenario.target_mw:
            return [
                f"target {scenario.target_mw:,.0f} MW exceeds the {headroom:,.0f} MW of headroom at the "
                f"{len(reach)} substations reachable from allowed sites{_unoffered(data, scenario, at)}"
            ]
        return []

    @classmethod
    def limit_names(cls, data: SitingData) -> dict[tuple[str, Hashable], str]:
        """Substations by name."""
        return {(HEADROOM, r.substation_id): r.name or r.substation_id for r in data.substations.itertuples()}

    @classmethod
    def check(cls, result: ResultLike, data: SitingData, tol: float) -> None:
        """Substation loads equal the sites connected and stay within the input headroom (+ expansions)."""
        load = result.sites.groupby("substation_id")["capacity_mw"].sum()
        s = result.substations.set_index("substation_id")
        assert np.allclose(s["load_mw"], load.reindex(s.index, fill_value=0.0)), (
            "substation load_mw differs from the sites connected"
        )
        head = data.substations.set_index("substation_id")["headroom_mw"]
        head = head + added_headroom_mw(result, data).reindex(head.index, fill_value=0.0)
        over = s.index[s["load_mw"] > head.loc[s.index] + tol]
        assert len(over) == 0, f"substations over headroom: {list(over)}"


def _unoffered(data: SitingData, scenario: Scenario, at: list[int]) -> str:
    """What the data's substation projects the scenario does not offer would add at ``at``, in words."""
    table = projects(data)
    if not (table["kind"] == "substation").any():
        return ""
    every = scenario.replace(reinforce=True, year=None, build_projects=())
    more = float(headroom_bound(data, every)[at].sum() - headroom_bound(data, scenario)[at].sum())
    if more <= 0:
        return ""
    if not scenario.reinforce:
        why, fix = "reinforce is off", "Scenario(reinforce=True)"
    else:
        why, fix = f"earliest_year after the scenario's year {scenario.year}", "a later year, or year=None"
    return f"; the data's substation projects not offered ({why}) would add {more:,.0f} MW there; fix: {fix}"
