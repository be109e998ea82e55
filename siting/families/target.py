"""Target: the campuses placed add up to at least the target MW."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

from ..constants import TARGET
from ._base import Family

if TYPE_CHECKING:
    from ..data import SitingData
    from ..model import SitingModel
    from ..result import SitingResult

__all__ = ["Target"]


class Target(Family):
    """Σ load ≥ ``scenario.target_mw``; its slack is the MW short."""

    name = TARGET
    limits = {TARGET: "target: short by {mw:,.1f} MW"}

    def add(self, m: SitingModel) -> None:
        """Add ``total + slack >= target``."""
        m.prob += m.total + m.slack(TARGET, "total") >= m.scenario.target_mw, "target"

    @classmethod
    def limit_names(cls, data: SitingData) -> dict[tuple[str, Hashable], str]:
        """The one slack reads "target"."""
        return {(TARGET, "total"): "target"}

    @classmethod
    def check(cls, result: SitingResult, data: SitingData, tol: float) -> None:
        """Total campus MW from the sites table is at least the target."""
        total = float(result.sites["capacity_mw"].sum())
        target = result.scenario.target_mw
        assert total >= target - tol, f"total {total} MW < target {target} MW"
