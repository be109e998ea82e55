"""Target: the campuses placed add up to at least the target MW, and not much more.

The lower row is the target itself. The upper row keeps a plan from building
more than the target plus ``Scenario.overbuild_mw`` (default: the largest
tier): without it, incentives that exceed a campus's costs make every extra
campus profitable and a 1 GW request returns a 5 GW plan.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import TYPE_CHECKING

import pandas as pd

from ..constants import OVERBUILD, TARGET
from ..options import site_reach
from ._base import Family

if TYPE_CHECKING:
    from .._result_types import ResultLike
    from .._types import ModelLike
    from ..data import SitingData
    from ..scenario import Scenario

__all__ = ["Target"]


class Target(Family):
    """Σ load ≥ ``target_mw`` and Σ load ≤ ``target_mw + overbuild_mw``.

    Limits: ``target`` (its slack is the MW short) and ``overbuild`` (its
    slack is the MW by which the plan must exceed the allowed overbuild).
    """

    name = TARGET
    limits = {
        TARGET: "target: short by {mw:,.1f} MW",
        OVERBUILD: (
            "overbuild: the plan must exceed the target by {mw:,.1f} MW more than max_overbuild_mw allows"
        ),
    }

    def add(self, m: ModelLike) -> None:
        """Add ``total + slack >= target`` and, with a finite cap, ``total <= target + cap + slack``."""
        sc = m.scenario
        m.prob += m.total + m.slack(TARGET, "total") >= sc.target_mw, "target"
        if math.isfinite(sc.overbuild_mw):
            most = sc.target_mw + sc.overbuild_mw
            m.prob += m.total <= most + m.slack(OVERBUILD, "total"), "overbuild"

    @classmethod
    def necessary(cls, data: SitingData, scenario: Scenario, opts: pd.DataFrame) -> list[str]:
        """Enough sites for the target, and the host rule's fewest campuses under the overbuild cap.

        One campus per site: the sites can host at most the sum over sites
        of the largest tier each has an option for.
        """
        out = []
        reach = site_reach(opts)  # of every option, also when ``opts`` are the reduced ones
        if reach["site_capacity_mw"] < scenario.target_mw - 1e-9:
            out.append(
                f"target {scenario.target_mw:,.0f} MW exceeds the {reach['site_capacity_mw']:,.0f} MW "
                f"that the {reach['sites_in_reach']:,.0f} candidate sites in reach of a substation can "
                "host (one campus per site, each at the largest tier it can connect)"
            )
        least = scenario.min_host_provinces * min(scenario.tiers_mw)
        most = scenario.target_mw + scenario.overbuild_mw
        if least > most + 1e-9:
            out.append(
                f"min_host_provinces = {scenario.min_host_provinces} campuses of at least "
                f"{min(scenario.tiers_mw):g} MW make {least:,.0f} MW, more than the target plus "
                f"max_overbuild_mw ({most:,.0f} MW)"
            )
        return out

    @classmethod
    def limit_names(cls, data: SitingData) -> dict[tuple[str, Hashable], str]:
        """The slacks read "target" and "overbuild"."""
        return {(TARGET, "total"): "target", (OVERBUILD, "total"): "overbuild"}

    @classmethod
    def check(cls, result: ResultLike, data: SitingData, tol: float) -> None:
        """Total campus MW from the sites table is at least the target and within the overbuild allowed."""
        total = float(result.sites["capacity_mw"].sum())
        sc = result.scenario
        assert total >= sc.target_mw - tol, f"total {total} MW < target {sc.target_mw} MW"
        assert total <= sc.target_mw + sc.overbuild_mw + tol, (
            f"total {total} MW exceeds target {sc.target_mw} MW by more than the {sc.overbuild_mw} MW "
            "overbuild allowed"
        )
