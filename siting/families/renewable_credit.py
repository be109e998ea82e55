"""Renewable-proximity credit: each renewable site's average output credited once, as a shared budget.

A campus earns ``renewable_incentive_per_mw`` per MW of its average load
(capacity x ``Scenario.load_factor``) that renewables near it could cover on
average. Proximity is measured from the substation the campus connects to
(campuses lie within ``max_connection_km`` of it): a renewable site r counts
for substation n when it lies within ``renewable_radius_km`` of n. The
credit is a transportation problem: continuous ``c[n, r] >= 0`` with

- ``sum_n c[n, r] <= avg_r`` (r's average output, capacity x capacity
  factor, is credited at most once across campuses), and
- ``sum_r c[n, r] <= load_factor x load_n`` (at most the average load of
  the campuses at n),

and the objective gains ``- price x sum c``. The credit depends on the
plan only through each substation's total load, so sites of one
(substation, province, tier) group still differ only in their own cost, and
the exchange argument of :func:`siting.options.reduce_options` holds.

Renewable sites with the same set of substations in reach are merged
(their outputs summed): for the per-substation totals that is exact (any
split of the merged output among those substations can be split back among
the sites, since each reaches all of them), and it keeps the pairs few:
on Korea at 30 km, about 11,000 (substation, merged site) pairs against
33,000 (substation, site) pairs for the substations with headroom.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import pandas as pd
import pulp
import shapely

from ..constants import RENEWABLE_CREDIT
from ..settings import RENEWABLE_ENERGY_TECHNOLOGIES
from ._base import Family, linear, value

if TYPE_CHECKING:
    import geopandas as gpd

    from .._result_types import ResultLike
    from .._types import ModelLike, SolutionLike
    from ..data import SitingData
    from ..scenario import Scenario

__all__ = ["RenewableCredit", "credit_pairs"]


def _counted(data: SitingData, scenario: Scenario) -> gpd.GeoDataFrame:
    """Renewable sites whose energy counts: status in the scenario's, an energy technology, output > 0."""
    ren = data.renewables
    keep = ren["status"].isin(scenario.renewable_status) & ren["technology"].isin(
        RENEWABLE_ENERGY_TECHNOLOGIES
    )
    ren = ren.loc[keep]
    return ren.loc[(ren["capacity_mw"] * ren["capacity_factor"]).to_numpy() > 0]


def credit_pairs(
    data: SitingData, scenario: Scenario, substations: np.ndarray | None = None
) -> tuple[pd.DataFrame, np.ndarray]:
    """(substation, merged renewable) pairs within the radius, and each merged site's average MW.

    Parameters
    ----------
    data, scenario
    substations : ndarray of int, optional
        Row positions of the substations that may carry load; default all.

    Returns
    -------
    pairs : DataFrame
        ``substation`` (row position in ``data.substations``), ``source``
        (position in ``avg``), sorted.
    avg : ndarray
        Average output of each merged renewable source, MW.

    Examples
    --------
    >>> import siting
    >>> d = siting.load_korea()
    >>> pairs, avg = credit_pairs(d, siting.Scenario(target_mw=1, renewable_radius_km=10))
    >>> bool(len(pairs) < 20_000), bool(avg.min() > 0)
    (True, True)
    """
    subs = data.substations
    pos = np.arange(len(subs)) if substations is None else np.asarray(substations, dtype=int)
    ren = _counted(data, scenario)
    empty = pd.DataFrame({"substation": np.zeros(0, dtype=int), "source": np.zeros(0, dtype=int)})
    if ren.empty or len(pos) == 0 or scenario.renewable_radius_km <= 0:
        return empty, np.zeros(0)
    sub_pts = subs.to_crs(data.metric_crs).geometry.values[pos]
    ren_pts = ren.to_crs(data.metric_crs).geometry.values
    i_sub, i_ren = shapely.STRtree(ren_pts).query(
        sub_pts, predicate="dwithin", distance=scenario.renewable_radius_km * 1000.0
    )
    if len(i_sub) == 0:
        return empty, np.zeros(0)
    raw = pd.DataFrame({"substation": pos[i_sub], "ren": i_ren}).sort_values(["ren", "substation"])
    reach = raw.groupby("ren")["substation"].agg(tuple)
    source = reach.map({t: k for k, t in enumerate(sorted(set(reach)))})
    out = np.zeros(int(source.max()) + 1)
    output = (ren["capacity_mw"] * ren["capacity_factor"]).to_numpy()
    np.add.at(out, source.to_numpy(), output[source.index.to_numpy()])
    pairs = raw.assign(source=raw["ren"].map(source))[["substation", "source"]].drop_duplicates()
    return pairs.sort_values(["substation", "source"]).reset_index(drop=True), out


class RenewableCredit(Family):
    """Credit ``c[n, r]`` for (substation, renewable) pairs within the radius; one budget per renewable.

    Never relaxed: the credit is a cost term, and ``c = 0`` always fits.
    Provides the ``renewable_incentive`` cost term.
    """

    name = RENEWABLE_CREDIT
    provides = ("renewable_incentive",)

    @classmethod
    def enabled(cls, scenario: Scenario) -> bool:
        """On when ``costs.renewable_incentive_per_mw > 0`` and ``renewable_radius_km > 0``."""
        return scenario.costs.renewable_incentive_per_mw > 0 and scenario.renewable_radius_km > 0

    def add(self, m: ModelLike) -> None:
        """Add the credit variables, both budgets, and the ``renewable_incentive`` cost term."""
        sc = m.scenario
        loaded = np.array(sorted(m.load), dtype=int)
        pairs, avg = credit_pairs(m.data, sc, loaded)
        c = [pulp.LpVariable(f"rc{k}", lowBound=0) for k in range(len(pairs))]
        self.credit: dict[int, pulp.LpAffineExpression] = {}
        for n, idx in pairs.groupby("substation").indices.items():
            expr = linear((c[k], 1) for k in idx)
            self.credit[int(n)] = expr
            m.prob += expr <= sc.load_factor * m.load[int(n)], f"credit_load_{n}"
        for r, idx in pairs.groupby("source").indices.items():
            m.prob += linear((c[k], 1) for k in idx) <= float(avg[r]), f"credit_budget_{r}"
        m.terms["renewable_incentive"] = linear((v, -sc.costs.renewable_incentive_per_mw) for v in c)
        m.fixed_with_plan.extend(c)

    def read(self, m: ModelLike, sol: SolutionLike) -> None:
        """Credit per substation, average MW."""
        sol.renewable_credit_mw = {n: value(e) for n, e in self.credit.items()}

    @classmethod
    def check(cls, result: ResultLike, data: SitingData, tol: float) -> None:
        """Credit per substation fits the campuses' average load and, jointly, the renewables' output.

        The joint check is a maximum flow (source -> substation, at most its
        credit; substation -> renewable site within the radius; site ->
        sink, at most its average output) on the raw sites, unmerged: the
        credits fit the shared budget exactly when the flow carries them all.
        The cost term must be the price times the total credit.
        """
        sc = result.scenario
        s = result.substations
        credit = s["renewable_credit_mw"].to_numpy(dtype=float)
        load = s["load_mw"].to_numpy(dtype=float)
        assert (credit >= -tol).all(), "negative renewable credit"
        over = s["substation_id"][credit > sc.load_factor * load + tol]
        assert len(over) == 0, f"renewable credit above the campuses' average load at {list(over)}"
        price = sc.costs.renewable_incentive_per_mw
        term = result.costs.get("renewable_incentive", 0.0)
        assert abs(term + price * credit.sum()) <= 1e-6 * max(1.0, abs(term)) + 1e-6, (
            f"renewable_incentive {term} != -{price} x {credit.sum()} MW of credit"
        )
        if credit.sum() <= tol:
            return
        ren = _counted(data, sc)
        metric = data.metric_crs
        sub_pts = s.to_crs(metric).geometry.values
        ren_pts = ren.to_crs(metric).geometry.values
        output = (ren["capacity_mw"] * ren["capacity_factor"]).to_numpy()
        G = nx.DiGraph()
        for n in np.flatnonzero(credit > 0):
            G.add_edge("src", ("n", n), capacity=float(credit[n]))
            near = shapely.distance(sub_pts[n], ren_pts) <= sc.renewable_radius_km * 1000.0
            for r in np.flatnonzero(near):
                G.add_edge(("n", n), ("r", r))
                G.add_edge(("r", r), "snk", capacity=float(output[r]))
        flow = nx.maximum_flow_value(G, "src", "snk") if "snk" in G else 0.0
        assert flow >= credit.sum() - tol * 10, (
            f"renewable credit {credit.sum():.3f} MW exceeds what the renewables in reach produce "
            f"({flow:.3f} MW): a renewable site is credited more than once"
        )
