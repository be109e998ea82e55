"""Where grid upgrades pay: the value per MW of each substation and line limit, ranked.

:func:`siting.solve` prices every limit after it finds a plan
(:meth:`siting.model.SitingModel.prices`): the campuses (counts and sites)
are fixed, the flows are solved again as an LP, and each limit whose dual
allows a saving is raised by 1 MW and the LP solved again from the optimal
basis: the value is what that MW saves, KRW bn per MW (the shadow price
where no breakpoint lies within the MW; at degenerate optima, such as lines
without residual capacity or post-outage rows, the duals are not unique
and can overstate the saving, so they only choose which limits to
re-solve). This module reads those columns back from a result as one ranked
table.

What the numbers mean, exactly:

- ``capacity_value_bn_per_mw`` (lines): the transmission cost saved by one
  more MW of residual capacity, the plan kept. It counts every row the
  residual sits on: the campus flow's, the row shared with the renewable
  flow and, with ``n_minus_1``, the post-outage rows. A line's value is
  positive when it forces flow onto longer paths (or, with a renewable
  share, lets more renewable energy through at the same cost).
- ``supply_value_bn_per_mw`` (substations): the same for one more MW of
  supply for new load injected there.
- ``headroom_value_bn_per_mw`` (substations): 0 for any plan. Headroom
  limits the campus counts only, and those are fixed; what more headroom
  buys is a different plan (re-solving the MILP with the headroom raised
  by a campus tier), which no LP of the fixed plan measures.
- The transmission term is the only one that can move, so the prices say
  nothing about connection or site costs.

For an infeasible scenario, :attr:`siting.Diagnosis.upgrades` gives the same
for the diagnosis's relaxed model: MW of relaxation saved per MW of upgrade.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from ._result_types import ResultLike

__all__ = ["UPGRADE_TABLE_COLUMNS", "upgrade_values"]

#: Columns of :func:`upgrade_values`.
UPGRADE_TABLE_COLUMNS = ["kind", "id", "name", "province", "value_bn_per_mw", "limit_mw", "use_mw"]


def upgrade_values(result: ResultLike, *, min_value: float = 1e-9) -> pd.DataFrame:
    """The limits whose upgrade would lower the plan's cost, most valuable per MW first.

    Parameters
    ----------
    result : SitingResult
        A solved result (its ``*_value_bn_per_mw`` columns).
    min_value : float, default 1e-9
        Leave out limits worth less, KRW bn per MW.

    Returns
    -------
    DataFrame
        ``kind`` ("line", "supply" or "headroom"), ``id``, ``name``,
        ``province`` (a line's: both ends' codes, "A/B" when they differ),
        ``value_bn_per_mw`` (KRW bn saved per MW more, the plan fixed),
        ``limit_mw`` (residual capacity, supply or headroom), ``use_mw``
        (|campus flow| + |renewable flow|, supply used, or load). Empty
        without a plan.

    Examples
    --------
    >>> import siting
    >>> sc = siting.Scenario(target_mw=500, min_host_provinces=1, grid_spacing_km=40)
    >>> res = siting.solve(siting.load_korea(), sc)
    >>> t = siting.upgrade_values(res)
    >>> list(t.columns) == UPGRADE_TABLE_COLUMNS, bool(t["value_bn_per_mw"].is_monotonic_decreasing)
    (True, True)
    """
    s, ln = result.substations, result.lines
    prov = s.set_index("substation_id")["province"]
    ends = [
        f"{a}/{b}" if a != b else a
        for a, b in zip(prov.loc[ln["from_id"]], prov.loc[ln["to_id"]], strict=True)
    ]
    parts = [
        pd.DataFrame(
            {
                "kind": "line",
                "id": ln["line_id"],
                "name": ln["name"],
                "province": ends,
                "value_bn_per_mw": ln["capacity_value_bn_per_mw"],
                "limit_mw": ln["residual_mw"],
                "use_mw": ln["flow_mw"].abs() + ln["renewable_flow_mw"].abs(),
            }
        ),
        pd.DataFrame(
            {
                "kind": "supply",
                "id": s["substation_id"],
                "name": s["name"],
                "province": s["province"],
                "value_bn_per_mw": s["supply_value_bn_per_mw"],
                "limit_mw": s["supply_mw"],
                "use_mw": s["supply_used_mw"],
            }
        ),
        pd.DataFrame(
            {
                "kind": "headroom",
                "id": s["substation_id"],
                "name": s["name"],
                "province": s["province"],
                "value_bn_per_mw": s["headroom_value_bn_per_mw"],
                "limit_mw": s["headroom_mw"],
                "use_mw": s["load_mw"],
            }
        ),
    ]
    out = pd.concat(parts, ignore_index=True)[UPGRADE_TABLE_COLUMNS]
    out = out[np.isfinite(out["value_bn_per_mw"]) & (out["value_bn_per_mw"] > min_value)]
    return out.sort_values(["value_bn_per_mw", "kind", "id"], ascending=[False, True, True]).reset_index(
        drop=True
    )
