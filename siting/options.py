"""Options and the exact reduction: which (site, substation, tier) the model chooses among.

An *option* is one candidate site connected to one eligible substation at one
size tier, with its own cost terms. :func:`build_options` lists every
eligible option; :func:`reduce_options` drops those that cannot be in any
optimal plan, so that the model stays small on fine candidate grids.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Final, NamedTuple

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from ._errors import ScenarioError
from ._validate import province_codes
from .build_out import built_out, headroom_bound, offered
from .candidates import BLOCK_CELLS, CandidateGrid, Candidates, grid_ids, substation_pairs
from .data import SitingData
from .grid import deliverable_mw
from .scenario import Scenario
from .solvers import Deadline, check_deadline

__all__ = [
    "build_options",
    "effective_headroom",
    "reduce_options",
    "stream_options",
    "Streamed",
    "OPTION_COST_COLUMNS",
]

#: Cost terms carried by each option, by term (transmission comes from the flows, the
#: renewable incentive from the energy delivered per substation, :mod:`siting.families.renewable`).
OPTION_COST_COLUMNS: Final[dict[str, str]] = {
    "connection": "connection_cost",
    "site": "site_cost",
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
    plan's model; never in a model whose network limits are elastic. With
    ``scenario.reinforce`` both are taken with every candidate project built
    as often as it may be (:mod:`siting.build_out`): an upper bound on any
    plan's load, whatever it builds.

    Examples
    --------
    >>> import siting
    >>> d, s = siting.load_korea(), siting.Scenario(target_mw=100)
    >>> eff = effective_headroom(d, s, siting.grid.build_grid(d, s))
    >>> bool((eff <= d.substations.headroom_mw.to_numpy()).all()), bool((eff % 50 == 0).all())
    (True, True)
    """
    head = headroom_bound(data, scenario)
    graph = built_out(graph, offered(data, scenario))
    reach = deliverable_mw(graph, data.substations["substation_id"].tolist(), only=head > 0)
    eff = np.minimum(head, reach)
    step = tier_step(scenario)
    return np.floor(eff / step + 1e-9) * step if step > 0 else eff


def _option_columns(
    data: SitingData, scenario: Scenario, cand: Candidates, head: np.ndarray
) -> dict[str, np.ndarray]:
    """The columns of :func:`build_options` as arrays, sorted by site, substation and tier."""
    pairs, sites, c = cand.pairs, cand.sites, scenario.costs
    p_site, p_sub = pairs["site"].to_numpy(), pairs["substation"].to_numpy()
    dist = pairs["distance_km"].to_numpy()
    kv_sub = data.substations["voltage_kv"].to_numpy()[p_sub]
    tiers = np.asarray(scenario.tiers_mw, dtype=float)  # sorted: pair-major order is (site, substation, tier)
    kvs = np.array([scenario.connection_kv_for(t) for t in tiers], dtype=np.int64)
    reach_km = np.array([scenario.max_connection_km[kv] for kv in kvs], dtype=float)
    ok = (
        (kv_sub[:, None] >= kvs[None, :])
        & (head[p_sub][:, None] >= tiers[None, :] - 1e-9)
        & (dist[:, None] <= reach_km[None, :])
    )
    i_pair, i_tier = np.nonzero(ok)
    site, tier, kv = p_site[i_pair], tiers[i_tier], kvs[i_tier]
    # per-province rates looked up once per distinct province, not per option
    p_code, names = pd.factorize(sites["province"].to_numpy(dtype=object))
    code = p_code[site]
    by_code = dict(
        zip(
            province_codes(c.site_per_mw_by_province, data.provinces, field="costs.site_per_mw_by_province"),
            c.site_per_mw_by_province.values(),
            strict=True,
        )
    )
    rate = np.array([by_code.get(n, c.site_per_mw) for n in names], dtype=float)
    capital = set(data.provinces.loc[data.provinces["capital_region"], "code"])
    outside = np.array([n not in capital for n in names], dtype=bool)
    fixed = np.array([c.connection_fixed[k] for k in kvs], dtype=float)[i_tier]
    per_km = np.array([c.connection_per_km[k] for k in kvs], dtype=float)[i_tier]
    circuit_mw = np.array([c.connection_circuit_mw[k] for k in kvs], dtype=float)[i_tier]
    circuits = np.ceil(tier / circuit_mw - 1e-9)
    cols = {
        "site": site,
        "substation": p_sub[i_pair],
        "distance_km": dist[i_pair],
        "tier_mw": tier,
        "kv": kv,
        "province": sites["province"].to_numpy(dtype=object)[site],
        "circuits": circuits.astype(int),
        "connection_cost": fixed + circuits * per_km * dist[i_pair],
        "site_cost": rate[code] * tier,
        "subsidy": -c.subsidy_per_mw * tier * outside[code],
    }
    cols["cost"] = cols["connection_cost"] + cols["site_cost"] + cols["subsidy"]
    return cols


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
        (KRW bn) and their sum ``cost``; sorted by site, substation and tier.

    Examples
    --------
    >>> import siting
    >>> from siting.candidates import build_candidates
    >>> d, s = siting.load_korea(), siting.Scenario(target_mw=500, grid_spacing_km=40)
    >>> o = build_options(d, s, build_candidates(d, s))
    >>> terms = o[list(OPTION_COST_COLUMNS.values())].sum(axis=1)
    >>> bool((o["cost"] == terms).all()), o["tier_mw"].unique().tolist()
    (True, [50.0, 100.0, 200.0, 400.0])
    """
    return pd.DataFrame(_option_columns(data, scenario, cand, _headroom(data, headroom)))


def _headroom(data: SitingData, headroom: np.ndarray | None) -> np.ndarray:
    return data.substations["headroom_mw"].to_numpy(dtype=float) if headroom is None else np.asarray(headroom)


def _groups(
    sub: np.ndarray, prov: np.ndarray, tier: np.ndarray, cost: np.ndarray, site: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Options sorted by group (substation, province, tier), then cost and site.

    Returns the order, each sorted option's group number, its rank in the
    group and the position where each group starts.
    """
    tiers, t_code = np.unique(tier, return_inverse=True)  # a handful of values
    group = (sub.astype(np.int64) * (int(prov.max(initial=0)) + 1) + prov) * len(tiers) + t_code
    order = np.lexsort((site, cost, group))
    g = group[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = g[1:] != g[:-1]
    gid = np.cumsum(new) - 1
    start = np.flatnonzero(new)
    return order, gid, np.arange(len(order)) - start[gid], start


def _kept(
    sub: np.ndarray,
    prov: np.ndarray,
    tier: np.ndarray,
    cost: np.ndarray,
    site: np.ndarray,
    reach: tuple[np.ndarray, np.ndarray],
    head: np.ndarray,
    min_tier: float,
) -> np.ndarray:
    """Which options :func:`reduce_options` keeps; ``reach`` is every (site, substation) pair.

    One sort groups the options; each group's stopping rank is then found
    on a prefix of the group that grows fourfold until the stop lies in it
    (the test at a rank reads only the options ranked before it), so the
    work follows the options kept rather than all options.
    """
    n = len(sub)
    order, gid, rank, start = _groups(sub, prov, tier, cost, site)
    size = np.diff(np.r_[start, n])
    cap = np.floor(head / min_tier + 1e-9)
    base = np.floor((head[sub[order]] - tier[order]) / min_tier + 1e-9)
    width = len(head) + 1
    pair = _unique(reach[0].astype(np.int64) * width + reach[1])
    r_site, r_sub = pair // width, pair % width
    last = np.full(len(start), -1)  # each group's last kept rank; -1 while unknown
    limit = np.full(len(start), 16)
    while (last < 0).any():
        rows = np.flatnonzero((last[gid] < 0) & (rank < limit[gid]))  # sorted positions, group prefixes
        g, r = gid[rows], rank[rows]
        first = np.r_[True, g[1:] != g[:-1]]
        # each option against every other substation its site reaches (any tier)
        o_site, o_sub = site[order[rows]], sub[order[rows]]
        lo = np.searchsorted(r_site, o_site, side="left")
        cnt = np.searchsorted(r_site, o_site, side="right") - lo
        row = np.repeat(np.arange(len(rows)), cnt)
        other = r_sub[np.repeat(lo - (np.cumsum(cnt) - cnt), cnt) + np.arange(int(cnt.sum()))]
        mine = other != o_sub[row]
        row, other = row[mine], other[mine]
        # min(cap_n', count) grows by one while fewer than cap_n' sites seen (rank order) reach n'
        key = g[row].astype(np.int64) * width + other
        k_order = np.argsort(key, kind="stable")
        k = key[k_order]
        pos = np.arange(len(k))
        seen = pos - np.maximum.accumulate(np.where(np.r_[True, k[1:] != k[:-1]], pos, 0))
        step = np.bincount(row[k_order][seen < cap[other[k_order]]], minlength=len(rows))
        occ = np.cumsum(step)
        g_start = np.flatnonzero(first)
        occ = occ - np.repeat(occ[g_start] - step[g_start], np.diff(np.r_[g_start, len(rows)]))
        stop = r + 1 > base[rows] + occ
        # the first stop of each group is its last kept option; no stop in a whole group keeps it all
        hit = np.full(len(start), n)
        np.minimum.at(hit, g[stop], r[stop])
        todo = g[first]
        found = hit[todo] < n
        last[todo[found]] = hit[todo[found]]
        whole = ~found & (limit[todo] >= size[todo])
        last[todo[whole]] = size[todo[whole]] - 1
        limit[todo] *= 4
    keep = np.zeros(n, dtype=bool)
    keep[order[rank <= last[gid]]] = True
    return keep


def _province_codes(prov: np.ndarray) -> np.ndarray:
    """Integer codes of province names (in order of appearance: only equality matters)."""
    return pd.factorize(prov)[0]


def _unique(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values (``np.unique`` is many times slower on large integer arrays)."""
    a = np.sort(a)
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


def _member(a: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Whether each of ``a`` is in the sorted distinct ``values``."""
    i = np.minimum(np.searchsorted(values, a), max(len(values) - 1, 0))
    return (values[i] == a) if len(values) else np.zeros(len(a), dtype=bool)


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
    total MW; the network, renewable and renewable-credit rows the load per
    substation) and the cost does not rise (the connection cost depends on the option's own
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
    site, sub = opts["site"].to_numpy(), opts["substation"].to_numpy()
    keep = _kept(
        sub,
        _province_codes(opts["province"].to_numpy(dtype=object)),
        opts["tier_mw"].to_numpy(dtype=float),
        opts["cost"].to_numpy(dtype=float),
        site,
        (site, sub),
        _headroom(data, headroom),
        min(scenario.tiers_mw),
    )
    kept = opts.loc[keep]
    order = np.lexsort((kept["tier_mw"].to_numpy(), kept["substation"].to_numpy(), kept["site"].to_numpy()))
    out = kept.iloc[order].reset_index(drop=True)
    out.attrs.update(site_reach(opts))
    return out


def site_reach(opts: pd.DataFrame) -> dict[str, float]:
    """What the sites of ``opts`` could host, one campus per site, for the necessary conditions.

    ``sites_in_reach``: sites with an option; ``site_capacity_mw``: the sum over
    them of the largest tier each can connect. The reduction keeps fewer
    sites, so :func:`reduce_options` and :func:`stream_options` record these
    figures of every option in the kept options' ``attrs``, which
    :meth:`siting.families.Target.necessary` reads first.

    Examples
    --------
    >>> site_reach(pd.DataFrame({"site": [0, 0, 1], "tier_mw": [50.0, 100.0, 50.0]}))
    {'sites_in_reach': 2, 'site_capacity_mw': 150.0}
    """
    if "sites_in_reach" in opts.attrs:
        return {k: opts.attrs[k] for k in ("sites_in_reach", "site_capacity_mw")}
    best = opts.groupby("site")["tier_mw"].max()
    return {"sites_in_reach": len(best), "site_capacity_mw": float(best.sum())}


class Streamed(NamedTuple):
    """What :func:`stream_options` returns."""

    #: The sites of the kept options only (``considered``: every grid cell looked at).
    cand: Candidates
    #: The kept options, ``site`` a row position in ``cand.sites``.
    opts: pd.DataFrame
    #: How many options there were before the reduction.
    options_all: int


def _bound(data: SitingData, scenario: Scenario, head: np.ndarray) -> np.ndarray:
    """Most options any group (substation, province, tier) keeps, by substation and tier.

    A group of substation n keeps at most ``base + 1 + sum of cap_n'`` over
    the other substations n' its sites reach (:func:`reduce_options` stops
    once the rank passes ``base`` plus the occupancy, which is at most that
    sum); a site of n is within the longest connection distance of n, and so
    are the substations it reaches of it, so n' lies within twice that of n.
    """
    min_tier = min(scenario.tiers_mw)
    cap = np.floor(head / min_tier + 1e-9)
    xy = shapely.get_coordinates(data.substations.to_crs(data.metric_crs).geometry.values)
    reach_m = 2.0 * max(scenario.max_connection_km.values()) * 1000.0 + 1.0
    tree = shapely.STRtree(shapely.points(xy))
    i, j = tree.query(shapely.points(xy), predicate="dwithin", distance=reach_m)
    near = np.bincount(i[i != j], weights=cap[j[i != j]], minlength=len(head))
    tiers = np.asarray(scenario.tiers_mw, dtype=float)
    base = np.floor((head[:, None] - tiers[None, :]) / min_tier + 1e-9)
    return np.maximum(base, 0) + 1 + near[:, None]


#: Option rows gathered from blocks before they are cut to each group's bound (memory vs sorting).
POOL_ROWS: Final[int] = 2_000_000


def _top(rows: dict[str, np.ndarray], bound: np.ndarray, tiers: np.ndarray) -> dict[str, np.ndarray]:
    """The cheapest ``bound`` options of each group, in their original (site) order."""
    order, _, rank, _ = _groups(
        rows["substation"], _province_codes(rows["province"]), rows["tier_mw"], rows["cost"], rows["site"]
    )
    most = bound[rows["substation"][order], np.searchsorted(tiers, rows["tier_mw"][order])]
    top = np.sort(order[rank < most])
    return {k: v[top] for k, v in rows.items()}


@dataclass
class _Pool:
    """Option columns gathered from blocks of the grid, sites numbered in the whole grid."""

    #: Option columns of each block (or of a cut).
    cols: list[dict[str, np.ndarray]] = field(default_factory=list)
    #: The pool's sites, indexed by their number.
    sites: list[gpd.GeoDataFrame] = field(default_factory=list)
    #: (site, substation) of every option of the pool's sites.
    reach: list[np.ndarray] = field(default_factory=list)
    #: Grid sites seen so far (the next block's first number).
    offset: int = 0
    #: Options seen so far, before any cut.
    options_all: int = 0
    #: :func:`site_reach` of every option seen.
    reach_all: dict[str, float] = field(
        default_factory=lambda: {"sites_in_reach": 0, "site_capacity_mw": 0.0}
    )

    def add(self, block: Candidates, cols: dict[str, np.ndarray]) -> None:
        """Add a block's sites and option columns, its sites numbered after those seen."""
        self.options_all += len(cols["site"])
        best = np.zeros(len(block.sites))
        np.maximum.at(best, cols["site"], cols["tier_mw"])
        self.reach_all["sites_in_reach"] += int((best > 0).sum())
        self.reach_all["site_capacity_mw"] += float(best.sum())
        cols["site"] = cols["site"] + self.offset
        block.sites.index = block.sites.index + self.offset
        self.offset += len(block.sites)
        self.cols.append(cols)
        self.sites.append(block.sites)
        self.reach.append(np.column_stack([cols["site"], cols["substation"]]))

    def rows(self) -> int:
        """Option rows in the pool."""
        return sum(len(c["site"]) for c in self.cols)

    def columns(self) -> dict[str, np.ndarray]:
        """The pool's option columns, one array each."""
        return {k: np.concatenate([c[k] for c in self.cols]) for k in self.cols[0]}

    def cut(self, bound: np.ndarray, tiers: np.ndarray) -> None:
        """Keep the cheapest ``bound`` options of each group, and only the sites they use."""
        self.cols = [_top(self.columns(), bound, tiers)]
        used = _unique(self.cols[0]["site"])
        reach, sites = np.concatenate(self.reach), pd.concat(self.sites)
        self.reach = [reach[_member(reach[:, 0], used)]]
        self.sites = [sites.loc[_member(sites.index.to_numpy(), used)]]


def _reach_km(data: SitingData, scenario: Scenario, head: np.ndarray) -> np.ndarray:
    """How far each substation can connect a tier it can take, km (NaN: none): blocks pair no further."""
    kv_sub = data.substations["voltage_kv"].to_numpy()
    reach_km = np.full(len(head), np.nan)
    for t in scenario.tiers_mw:
        kv = scenario.connection_kv_for(float(t))
        can = (kv_sub >= kv) & (head >= t - 1e-9)
        reach_km[can] = np.fmax(reach_km[can], scenario.max_connection_km[kv])
    return reach_km


def _streamed(data: SitingData, scenario: Scenario, pool: _Pool, head: np.ndarray) -> Streamed:
    """The reduction of the pool's options, their sites numbered among the kept ones."""
    rows = pool.columns()
    pairs = np.concatenate(pool.reach)
    keep = _kept(
        rows["substation"],
        _province_codes(rows["province"]),
        rows["tier_mw"],
        rows["cost"],
        rows["site"],
        (pairs[:, 0], pairs[:, 1]),
        head,
        min(scenario.tiers_mw),
    )
    opts = pd.DataFrame({k: v[keep] for k, v in rows.items()})
    opts.attrs.update(pool.reach_all)
    kept_sites = pd.concat(pool.sites).loc[_unique(opts["site"].to_numpy())]
    opts["site"] = np.searchsorted(kept_sites.index.to_numpy(), opts["site"].to_numpy())
    kept_sites = kept_sites.reset_index(drop=True)
    kept_sites["site_id"] = grid_ids(shapely.get_coordinates(kept_sites.geometry.values))
    pairs_kept = substation_pairs(data, scenario, kept_sites)
    cand = Candidates(sites=kept_sites, pairs=pairs_kept, considered=pool.offset)
    return Streamed(cand, opts.reset_index(drop=True), pool.options_all)


def stream_options(
    data: SitingData,
    scenario: Scenario,
    *,
    headroom: np.ndarray | None = None,
    exclusions: gpd.GeoDataFrame | None = None,
    block_cells: int = BLOCK_CELLS,
    pool_rows: int = POOL_ROWS,
    deadline: Deadline | None = None,
) -> Streamed:
    """The default grid's reduced options, built a block of grid rows at a time.

    The same options as ``reduce_options(build_options(build_candidates(...)))``
    (sites numbered among the kept ones), in memory that does not grow with
    the number of cells: each block's options are cut to the cheapest
    :func:`_bound` of each group (substation, province, tier), which is at
    least what the reduction keeps of it, together with every substation
    their sites reach; the reduction then runs on what is left. Needs
    ``min_spacing_km = 0`` (with spacing nothing may be dropped).

    Parameters
    ----------
    data : SitingData
    scenario : Scenario
    headroom : array, optional
        MW per substation the model enforces (e.g. :func:`effective_headroom`).
    exclusions : GeoDataFrame, optional
        Further no-go polygons, as for :func:`siting.candidates.build_candidates`.
    block_cells : int, optional
        Bounding-box cells per block.
    pool_rows : int, optional
        Option rows gathered from blocks before they are cut to each group's bound.
    deadline : Deadline, optional
        Checked before each block; past it the stage stops with
        :class:`siting.solvers.OutOfTime` (a fine grid takes long: 35 s at 250 m).

    Returns
    -------
    Streamed
        ``cand`` (the sites of the kept options, ``cand.count`` every
        candidate), ``opts`` and ``options_all``.

    Examples
    --------
    >>> import siting
    >>> from siting.candidates import build_candidates
    >>> d, s = siting.load_korea(), siting.Scenario(target_mw=500, grid_spacing_km=10)
    >>> st = stream_options(d, s, block_cells=20_000)
    >>> c = build_candidates(d, s)
    >>> full = reduce_options(build_options(d, s, c), d, s)
    >>> st.cand.count == len(c.sites), st.options_all == len(build_options(d, s, c))
    (True, True)
    >>> bool((st.cand.sites.site_id.to_numpy()[st.opts.site] == c.sites.site_id.to_numpy()[full.site]).all())
    True
    """
    if scenario.min_spacing_km > 0:
        raise ScenarioError(
            f"scenario field 'min_spacing_km' = {scenario.min_spacing_km!r}: stream_options needs 0; "
            "fix: use build_options and reduce_options for a scenario with spacing."
        )
    head = _headroom(data, headroom)
    tiers = np.asarray(scenario.tiers_mw, dtype=float)
    bound = _bound(data, scenario, head)
    grid = CandidateGrid(data, scenario, exclusions=exclusions)
    pool = _Pool()
    # a last empty block, so that an empty grid goes through the same steps
    blocks = grid.blocks(max_cells=block_cells, reach_km=_reach_km(data, scenario, head))
    for block in itertools.chain(blocks, [grid.candidates(np.empty((0, 2)), ids=False)]):
        check_deadline(deadline, "building the candidate sites and their options")
        pool.add(block, _option_columns(data, scenario, block, head))
        if pool.rows() > pool_rows:
            pool.cut(bound, tiers)
    return _streamed(data, scenario, pool, head)
