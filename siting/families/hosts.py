"""Host provinces: at least a number of provinces host a campus."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

import pandas as pd
import pulp

from .._utils import safe_name
from ..constants import HOSTS
from ._base import Family, linear

if TYPE_CHECKING:
    from .._result_types import ResultLike
    from .._types import ModelLike
    from ..data import SitingData
    from ..scenario import Scenario

__all__ = ["Hosts"]


class Hosts(Family):
    """Binary ``host[p]`` ≤ campuses in p; Σ host ≥ ``min_host_provinces``.

    The slack is in MW-equivalents (one missing host = one smallest tier) so
    that it weighs like the others; the diagnosis reports provinces.
    """

    name = HOSTS
    limits = {HOSTS: "minimum host provinces: {mw:,.1f} province(s) short"}

    @classmethod
    def enabled(cls, scenario: Scenario) -> bool:
        """On when ``min_host_provinces > 0``."""
        return scenario.min_host_provinces > 0

    def add(self, m: ModelLike) -> None:
        """Add the host indicators and the minimum count."""
        self.host: dict[str, pulp.LpVariable] = {}
        for p, idx in m.groups_by("province").items():
            y = pulp.LpVariable(f"host_{safe_name(p)}", cat=pulp.LpBinary)
            self.host[p] = y
            m.prob += y <= linear((m.y[g], 1) for g in idx), f"host_{p}"
        short = m.slack(HOSTS, "count") * (1.0 / min(m.scenario.tiers_mw))
        m.prob += (
            linear((y, 1) for y in self.host.values()) + short >= m.scenario.min_host_provinces,
            "min_hosts",
        )

    @classmethod
    def necessary(cls, data: SitingData, scenario: Scenario, opts: pd.DataFrame) -> list[str]:
        """Enough provinces must have an option at all."""
        hostable = opts["province"].nunique()
        if hostable < scenario.min_host_provinces:
            return [
                f"min_host_provinces = {scenario.min_host_provinces} but only {hostable} provinces have a "
                "site within reach of a substation with headroom"
            ]
        return []

    @classmethod
    def limit_names(cls, data: SitingData) -> dict[tuple[str, Hashable], str]:
        """The one slack reads "minimum host provinces"."""
        return {(HOSTS, "count"): "minimum host provinces"}

    @classmethod
    def over(cls, limit: str, slack: float, scenario: Scenario) -> float:
        """Provinces short (the slack divided by the smallest tier)."""
        return slack / min(scenario.tiers_mw)

    @classmethod
    def check(cls, result: ResultLike, data: SitingData, tol: float) -> None:
        """Count the provinces in the sites table."""
        n = result.sites["province"].nunique()
        need = result.scenario.min_host_provinces
        assert n >= need, f"{n} host provinces < {need}"
