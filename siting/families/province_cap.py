"""Regional balance: no province takes more than a share of the total."""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import TYPE_CHECKING

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

    def add(self, m: ModelLike) -> None:
        """Add one share-cap row per province that has options, and its bound by the largest total.

        With the overbuild cap hard, the total is at most ``target_mw +
        overbuild_mw``, so a province holds at most ``cap x (target_mw +
        overbuild_mw) / tier`` campuses of a tier: each group's count is
        bounded by that, which the relaxation does not see (it takes 0.44 of
        a 400 MW campus under a 35 % cap of a 500 MW plan, where no province
        can take one whole).
        """
        sc = m.scenario
        cap = sc.province_share_cap
        most = sc.target_mw + sc.overbuild_mw
        bounded = math.isfinite(most) and not ({PROVINCE_CAP, OVERBUILD} & m.elastic)
        for p, idx in m.groups_by("province").items():
            in_p = linear((m.y[g], m.group_mw[g]) for g in idx)
            m.prob += in_p <= cap * m.total + m.slack(PROVINCE_CAP, p), f"share_cap_{p}"
        if bounded:
            for y, mw in zip(m.y, m.group_mw, strict=True):
                y.upBound = min(y.upBound, math.floor(cap * most / mw + 1e-9))

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
