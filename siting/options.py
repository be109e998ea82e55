"""Options and the exact reduction: which (site, substation, tier) the model chooses among.

An *option* is one candidate site connected to one eligible substation at one
size tier, with its own cost terms. :func:`build_options` lists every
eligible option; :func:`reduce_options` drops those that cannot be in any
optimal plan, so that the model stays small on fine candidate grids.
"""

from __future__ import annotations

import math
from typing import Final

import networkx as nx
import numpy as np
import pandas as pd

from ._validate import province_codes
from .candidates import Candidates
from .data import SitingData
from .grid import deliverable_mw
from .scenario import Scenario

__all__ = ["build_options", "effective_headroom", "reduce_options", "OPTION_COST_COLUMNS"]

#: Cost terms carried by each option, by term (transmission comes from the flows).
OPTION_COST_COLUMNS: Final[dict[str, str]] = {
    "connection": "connection_cost",
    "site": "site_cost",
    "renewable_incentive": "renewable_incentive",
    "subsidy": "subsidy",
}


def tier_step(scenario: Scenario) -> float:
    """The step every substation load is a multiple of: the tiers' greatest common divisor.

    0 when a tier is not a whole number of MW.

    Examples
    --------
    >>> tier_step(Scenario(target_mw=1, tiers_mw=(50, 100, 200, 400)))
    50.0
    >>> tier_step(Scenario(target_mw=1, tiers_mw=(50, 75.5)))
    0.0
    """
    tiers = scenario.tiers_mw
    if not all(float(t).is_integer() for t in tiers):
        return 0.0
    return float(math.gcd(*(int(t) for t in tiers)))


def effective_headroom(data: SitingData, scenario: Scenario, graph: nx.MultiGraph) -> np.ndarray:
    """Headroom that any plan can actually use at each substation, MW (exact tightening).

    The smaller of the substation's headroom and what the network can bring
    to it on its own (:func:`siting.grid.deliverable_mw`), rounded down to a
    multiple of :func:`tier_step`, since a substation's load is a sum of
    tiers. Valid whenever line and supply limits are hard, so it may replace
    the headroom in eligibility, the reduction and the headroom rows of the
    plan's model; never in a model whose network limits are elastic.

    Examples
    --------
    >>> import siting
    >>> d, s = siting.load_korea(), siting.Scenario(target_mw=100)
    >>> eff = effective_headroom(d, s, siting.grid.build_grid(d, s))
    >>> bool((eff <= d.substations.headroom_mw.to_numpy()).all()), bool((eff % 50 == 0).all())
    (True, True)
    """
    head = data.substations["headroom_mw"].to_numpy(dtype=float)
    reach = deliverable_mw(graph, data.substations["substation_id"].tolist(), only=head > 0)
    eff = np.minimum(head, reach)
    step = tier_step(scenario)
    return np.floor(eff / step + 1e-9) * step if step > 0 else eff


def build_options(
    data: SitingData, scenario: Scenario, cand: Candidates, *, headroom: np.ndarray | None = None
) -> pd.DataFrame:
    """Every eligible (site, substation, tier) with its cost terms.

    A substation is eligible for a tier when its voltage is at least the
    tier's connection voltage, its headroom is at least the tier's MW, and it
    lies within ``max_connection_km`` for that voltage. ``headroom`` (MW per
    substation, default ``data.substations.headroom_mw``) may be the
    :func:`effective_headroom`.

    Returns
    -------
    DataFrame
        ``site``, ``substation`` (row positions), ``tier_mw``, ``kv``,
        ``distance_km``, ``province``, ``circuits`` (connection circuits the
        tier needs, :class:`~siting.Costs`), the columns of ``OPTION_COST_COLUMNS``
        (KRW bn) and their sum ``cost``; sorted deterministically.
    """
    subs = data.substations
    pairs = cand.pairs
    kv_sub = subs["voltage_kv"].to_numpy()[pairs["substation"].to_numpy()]
    head_all = subs["headroom_mw"].to_numpy(dtype=float) if headroom is None else np.asarray(headroom)
    head = head_all[pairs["substation"].to_numpy()]
    frames = []
    for tier in scenario.tiers_mw:
        kv = scenario.connection_kv_for(tier)
        ok = (
            (kv_sub >= kv)
            & (head >= tier - 1e-9)
            & (pairs["distance_km"].to_numpy() <= scenario.max_connection_km[kv])
        )
        f = pairs.loc[ok].copy()
        f["tier_mw"], f["kv"] = tier, kv
        frames.append(f)
    opts = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=[*pairs.columns, "tier_mw", "kv"])
    )
    sites = cand.sites
    opts["province"] = sites["province"].to_numpy()[opts["site"].to_numpy()]
    c = scenario.costs
    by_code = dict(
        zip(
            province_codes(c.site_per_mw_by_province, data.provinces, field="costs.site_per_mw_by_province"),
            c.site_per_mw_by_province.values(),
            strict=True,
        )
    )
    kv = opts["kv"].astype(int)
    circuits = np.ceil(opts["tier_mw"] / kv.map(c.connection_circuit_mw) - 1e-9)
    opts["circuits"] = circuits.astype(int)
    opts["connection_cost"] = (
        kv.map(c.connection_fixed) + circuits * kv.map(c.connection_per_km) * opts["distance_km"]
    )
    rate = opts["province"].map(by_code).fillna(c.site_per_mw)
    opts["site_cost"] = rate * opts["tier_mw"]
    ren = sites["renewable_avg_mw"].to_numpy()[opts["site"].to_numpy()]
    opts["renewable_incentive"] = -c.renewable_incentive_per_mw * np.minimum(opts["tier_mw"].to_numpy(), ren)
    capital = set(data.provinces.loc[data.provinces["capital_region"], "code"])
    opts["subsidy"] = -c.subsidy_per_mw * opts["tier_mw"] * (~opts["province"].isin(capital))
    opts["cost"] = opts[list(OPTION_COST_COLUMNS.values())].sum(axis=1)
    return opts.sort_values(["site", "substation", "tier_mw"], kind="stable").reset_index(drop=True)


def reduce_options(
    opts: pd.DataFrame, data: SitingData, scenario: Scenario, *, headroom: np.ndarray | None = None
) -> pd.DataFrame:
    """Drop options that cannot be in any optimal solution (exact without spacing).

    ``headroom`` (default the data's) is the headroom the model enforces,
    e.g. :func:`effective_headroom`.

    Options of one group g = (substation n, province p, tier t) differ only in
    their own cost. Take the K cheapest sites T of g. Besides a campus of g,
    substation n hosts at most ``base = floor((headroom_n - t) / smallest
    tier)`` other campuses, and another substation n' can place at most
    ``min(cap_n', |T reachable from n'|)`` campuses on sites of T, with
    ``cap_n' = floor(headroom_n' / smallest tier)``. Once
    ``K > base + sum over n' of min(cap_n', |T reachable from n'|)``, some
    site of T is always free, so any solution that uses a costlier option of g
    can move that campus to it: same substation, province and tier, so every
    other constraint is unchanged (the target and overbuild rows read the
    total MW, the network and renewable rows the load per substation) and
    the cost does not rise (the connection cost depends on the option's own
    distance and on its tier, which the move keeps). Each group keeps
    its cheapest K options for the smallest such K. With ``min_spacing_km > 0``
    sites are no longer interchangeable and nothing is dropped.

    Examples
    --------
    >>> import siting
    >>> from siting.candidates import build_candidates
    >>> d, s = siting.load_korea(), siting.Scenario(target_mw=500, grid_spacing_km=5)
    >>> o = build_options(d, s, build_candidates(d, s))
    >>> len(reduce_options(o, d, s)) < len(o)
    True
    """
    if scenario.min_spacing_km > 0 or opts.empty:
        return opts
    min_tier = min(scenario.tiers_mw)
    head = data.substations["headroom_mw"].to_numpy(dtype=float) if headroom is None else np.asarray(headroom)
    cap = np.floor(head / min_tier + 1e-9)
    group = ["substation", "province", "tier_mw"]
    order = opts.sort_values([*group, "cost", "site"], kind="stable").reset_index(drop=True)
    order["rank"] = order.groupby(group).cumcount()
    # for each option, the other substations its site can serve (any tier)
    reach = opts[["site", "substation"]].drop_duplicates().rename(columns={"substation": "other"})
    ex = order[[*group, "rank", "site"]].merge(reach, on="site")
    ex = ex.loc[ex["other"] != ex["substation"]].sort_values([*group, "rank"], kind="stable")
    # min(cap_n', count) grows by one while the count of reachable sites is below cap_n'
    seen = ex.groupby([*group, "other"]).cumcount().to_numpy()
    ex["occ"] = (seen < cap[ex["other"].to_numpy()]).astype(int)
    occ = ex.groupby([*group, "rank"])["occ"].sum()
    order["occ"] = occ.reindex(pd.MultiIndex.from_frame(order[[*group, "rank"]]), fill_value=0).to_numpy()
    order["occ"] = order.groupby(group)["occ"].cumsum()
    base = np.floor((head[order["substation"].to_numpy()] - order["tier_mw"].to_numpy()) / min_tier + 1e-9)
    stop = (order["rank"].to_numpy() + 1) > base + order["occ"].to_numpy()
    order["stop"] = stop.astype(int)
    before = order.groupby(group)["stop"].cumsum() - order["stop"]
    kept = order.loc[before.to_numpy() == 0].drop(columns=["rank", "occ", "stop"])
    return kept.sort_values(["site", "substation", "tier_mw"], kind="stable").reset_index(drop=True)
