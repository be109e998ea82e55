"""Substation headroom: the campuses connected at a substation fit in its headroom for new load."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..constants import HEADROOM
from ._base import Family

if TYPE_CHECKING:
    from .._result_types import ResultLike
    from .._types import ModelLike
    from ..data import SitingData
    from ..scenario import Scenario

__all__ = ["Headroom"]


class Headroom(Family):
    """Σ load at substation n ≤ ``headroom_mw[n]``; one slack per substation."""

    name = HEADROOM
    limits = {HEADROOM: "substation {name}: headroom exceeded by {mw:,.1f} MW"}

    def add(self, m: ModelLike) -> None:
        """Add one headroom row per substation that some option reaches."""
        head = m.headroom
        ids = m.data.substations["substation_id"].tolist()
        for n, load in m.load.items():
            m.prob += load <= float(head[n]) + m.slack(HEADROOM, ids[n]), f"headroom_{n}"
            m.on_rhs(HEADROOM, ids[n], f"headroom_{n}")

    @classmethod
    def necessary(cls, data: SitingData, scenario: Scenario, opts: pd.DataFrame) -> list[str]:
        """The target cannot exceed the headroom of every substation in reach."""
        reach = data.substations.iloc[sorted(opts["substation"].unique())]
        headroom = float(reach["headroom_mw"].sum())
        if headroom < scenario.target_mw:
            return [
                f"target {scenario.target_mw:,.0f} MW exceeds the {headroom:,.0f} MW of headroom at the "
                f"{len(reach)} substations reachable from allowed sites"
            ]
        return []

    @classmethod
    def limit_names(cls, data: SitingData) -> dict[tuple[str, Hashable], str]:
        """Substations by name."""
        return {(HEADROOM, r.substation_id): r.name or r.substation_id for r in data.substations.itertuples()}

    @classmethod
    def check(cls, result: ResultLike, data: SitingData, tol: float) -> None:
        """Substation loads equal the sites connected and stay within the input headroom."""
        load = result.sites.groupby("substation_id")["capacity_mw"].sum()
        s = result.substations.set_index("substation_id")
        assert np.allclose(s["load_mw"], load.reindex(s.index, fill_value=0.0)), (
            "substation load_mw differs from the sites connected"
        )
        head = data.substations.set_index("substation_id")["headroom_mw"]
        over = s.index[s["load_mw"] > head.loc[s.index] + tol]
        assert len(over) == 0, f"substations over headroom: {list(over)}"
