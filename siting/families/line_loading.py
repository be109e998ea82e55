"""Peak line loading: the campus supply flow uses at most a share of each line's residual capacity."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Final

from ._base import Family
from .network import Network, flow_paths
from .reinforcement import added_line_mw

if TYPE_CHECKING:
    from .._result_types import ResultLike
    from .._types import ModelLike
    from ..data import SitingData
    from ..scenario import Scenario

__all__ = ["LINE_LOADING", "LineLoading"]

#: The limit's name (and its slacks' in the diagnosis).
LINE_LOADING: Final = "line_loading"


class LineLoading(Family):
    """``fp + fm <= max_line_loading x capacity`` on every line with capacity (residual + uprates built).

    The reported ``loading`` of a line is |campus flow| / residual, so a plan
    under this family has every line's loading at most ``max_line_loading``:
    the constraint behind :func:`siting.pareto`'s ``y="peak_line_loading"``.
    It reads the network's flows (``line_flows``), so the model adds the
    network family first.
    """

    name = LINE_LOADING
    limits = {LINE_LOADING: "line {name}: loading cap exceeded by {mw:,.1f} MW"}
    reads = ("line_flows", "added_capacity")

    @classmethod
    def enabled(cls, scenario: Scenario) -> bool:
        """On when ``max_line_loading < 1``."""
        return scenario.max_line_loading < 1

    def add(self, m: ModelLike) -> None:
        """One row per line the network family gave flows."""
        share = m.scenario.max_line_loading
        for p in flow_paths(m):
            if p.new or p.line_id not in m.line_flows or p.most <= 0:
                continue
            fp, fm, _ = m.line_flows[p.line_id]
            m.prob += fp + fm <= share * p.capacity + m.slack(LINE_LOADING, p.line_id), f"loading_{p.key}"

    @classmethod
    def limit_names(cls, data: SitingData) -> dict[tuple[str, Hashable], str]:
        """Lines by name."""
        names = Network.limit_names(data)
        return {(LINE_LOADING, key): name for (limit, key), name in names.items() if limit == "lines"}

    @classmethod
    def check(cls, result: ResultLike, data: SitingData, tol: float) -> None:
        """|flow| within the share of the residual capacity (+ uprates built), from the lines table."""
        ln = result.lines
        added = ln["line_id"].map(added_line_mw(result, data)).fillna(0.0)
        cap = result.scenario.max_line_loading * (ln["residual_mw"] + added)
        bad = ln.loc[ln["flow_mw"].abs() > cap + tol, "line_id"]
        assert bad.empty, f"lines loaded above max_line_loading: {list(bad)}"
