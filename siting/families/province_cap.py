"""Regional balance: no province takes more than a share of the total."""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..constants import OVERBUILD, PROVINCE_CAP
from ._base import Family, linear

if TYPE_CHECKING:
    from .._result_types import ResultLike
    from .._types import ModelLike
    from ..data import SitingData
    from ..scenario import Scenario

__all__ = ["ProvinceCap"]


class ProvinceCap(Family):
    """MW in province p ≤ ``province_share_cap`` × total; one slack per province."""

    name = PROVINCE_CAP
    limits = {PROVINCE_CAP: "{name} exceeded by {mw:,.1f} MW"}

    @classmethod
    def count_bound(
        cls, scenario: Scenario, group_mw: np.ndarray, elastic: frozenset[str]
    ) -> np.ndarray | None:
        """``cap x (target_mw + overbuild_mw) / tier`` campuses per group, with the cap and overbuild hard.

        The total is at most ``target_mw + overbuild_mw``, so a province
        holds at most the cap times that. The relaxation does not see it: on
        500 MW it takes 0.44 of a 400 MW campus in a province under a 35 %
        cap, where no province can take one whole (at 40 km the root bound
        rises from 245.8 to 284.5 KRW bn, against 336.8).

        Examples
        --------
        >>> import numpy as np, siting
        >>> sc = siting.Scenario(target_mw=500, province_share_cap=0.35, max_overbuild_mw=400)
        >>> ProvinceCap.count_bound(sc, np.array([100.0, 200.0, 400.0]), frozenset()).tolist()
        [3.0, 1.0, 0.0]
        """
        most = scenario.target_mw + scenario.overbuild_mw
        if not math.isfinite(most) or {PROVINCE_CAP, OVERBUILD} & elastic:
            return None
        return np.floor(scenario.province_share_cap * most / group_mw + 1e-9)

    def add(self, m: ModelLike) -> None:
        """Add one share-cap row per province that has options."""
        cap = m.scenario.province_share_cap
        for p, idx in m.groups_by("province").items():
            in_p = linear((m.y[g], m.group_mw[g]) for g in idx)
            m.prob += in_p <= cap * m.total + m.slack(PROVINCE_CAP, p), f"share_cap_{p}"

    @classmethod
    def necessary(cls, data: SitingData, scenario: Scenario, opts: pd.DataFrame) -> list[str]:
        """The provinces that can host must be able to split the total within the cap."""
        hostable = opts["province"].nunique()
        if scenario.province_share_cap * hostable < 1 - 1e-9:
            return [
                f"province_share_cap = {scenario.province_share_cap:g} x {hostable} hostable provinces "
                "< 100%: the total cannot be split within the cap"
            ]
        return []

    @classmethod
    def limit_names(cls, data: SitingData) -> dict[tuple[str, Hashable], str]:
        """Read each province's slack as "<name> (<code>) share cap"."""
        return {(PROVINCE_CAP, r.code): f"{r.name} ({r.code}) share cap" for r in data.provinces.itertuples()}

    @classmethod
    def check(cls, result: ResultLike, data: SitingData, tol: float) -> None:
        """MW by province from the sites table stays within the cap."""
        sites = result.sites
        by_p = sites.groupby("province")["capacity_mw"].sum()
        total = float(sites["capacity_mw"].sum())
        cap = result.scenario.province_share_cap
        assert (by_p <= cap * total + tol).all(), f"province cap exceeded: {by_p.to_dict()}"
