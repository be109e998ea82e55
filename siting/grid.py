"""The transmission network as a NetworkX graph, and what the model derives from it.

Substations are nodes (voltage, headroom, supply for new load, renewable
surplus and the most peak supply new build could add), lines are edges of a
:class:`networkx.MultiGraph` keyed by ``line_id`` (capacity, residual
capacity, length, reactance, kind). The model reads the incidence structure
and, for the DC option, the PTDFs from here.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import maximum_flow

from .data import SitingData
from .renewable_supply import renewable_supply
from .scenario import Scenario
from .settings import PLANT_SPARE_FRACTION, RENEWABLE_PEAK_CREDIT

__all__ = ["build_grid", "supply_shortfall", "deliverable_mw", "islands", "lodf", "node_supply", "ptdf"]

#: An outage whose own transfer factor is within this of 1 islands the network (LODF undefined).
ISLANDING_TOL = 1e-9


def _nearest_substation(data: SitingData, points: gpd.GeoDataFrame) -> np.ndarray:
    """Row position in ``data.substations`` of the nearest substation to each point."""
    if points.empty:
        return np.empty(0, dtype=int)
    subs = data.substations[["geometry"]].to_crs(data.metric_crs).reset_index(drop=True)
    pts = points[[points.geometry.name]].to_crs(data.metric_crs).reset_index(drop=True)
    joined = gpd.sjoin_nearest(pts, subs, how="left")
    return joined.loc[~joined.index.duplicated(), "index_right"].to_numpy(dtype=int)


def node_supply(data: SitingData, scenario: Scenario, at: np.ndarray | None = None) -> pd.Series:
    """Supply for new load at each substation, MW: spare plant capacity and renewables' peak credit.

    Supply rule: new load is served only from supply that today's load does
    not use: the plants' ``supply_mw`` (default ``capacity_mw x
    PLANT_SPARE_FRACTION``), the peak credit of existing renewables and of
    new build (``renewable_build``). The plants layer is optional in
    :class:`~siting.SitingData`, but without it a grid has only the
    renewables' peak credit; :func:`siting.solve` says so, as a failed
    necessary condition, when all supply falls short of the target
    (:func:`supply_shortfall`).

    Plants and renewables attach to their nearest substation. Supply is the
    plants' ``supply_mw`` plus renewable capacity x peak credit
    (``settings.RENEWABLE_PEAK_CREDIT``), for the rows whose status is in
    ``scenario.renewable_status``. Renewable *energy* is not supply for new
    load: today's load uses it (:mod:`siting.renewable_supply`).

    Parameters
    ----------
    data, scenario
    at : ndarray of int, optional
        Nearest substation of every renewable (computed when not given).

    Returns
    -------
    Series
        MW, indexed like ``data.substations``.

    Examples
    --------
    >>> import siting
    >>> s = node_supply(siting.load_korea(), siting.Scenario(target_mw=1))
    >>> bool((s >= 0).all())
    True
    """
    supply = np.zeros(len(data.substations))
    at = _nearest_substation(data, data.renewables) if at is None else at
    counted = data.renewables["status"].isin(scenario.renewable_status).to_numpy()
    ren = data.renewables.loc[counted]
    credit = ren["technology"].map(RENEWABLE_PEAK_CREDIT).fillna(0.0).to_numpy()
    np.add.at(supply, at[counted], ren["capacity_mw"].to_numpy() * credit)
    if data.plants is not None:
        plants = data.plants[data.plants["status"].isin(scenario.renewable_status)]
        np.add.at(supply, _nearest_substation(data, plants), plants["supply_mw"].to_numpy())
    return pd.Series(supply, index=data.substations.index, name="supply_mw")


def build_grid(data: SitingData, scenario: Scenario | None = None) -> nx.MultiGraph:
    """The network graph: substations as nodes, lines as keyed edges.

    Parameters
    ----------
    data : SitingData
    scenario : Scenario, optional
        Decides which plants and renewables count as supply, and the
        renewable surplus and new-build options; without one, operating and
        under-construction plants count, with the default options.

    Returns
    -------
    networkx.MultiGraph
        Nodes keyed by ``substation_id`` with ``name``, ``province``,
        ``voltage_kv``, ``headroom_mw``, ``supply_mw``, ``surplus_mw``
        (renewable surplus, average MW) and ``build_peak_mw`` (the most
        peak supply new build could add, ``inf`` without a potential); the
        graph attribute ``renewable_supply`` holds the
        :class:`~siting.renewable_supply.RenewableSupply`; edges keyed by
        ``line_id`` with ``from_id``, ``to_id`` (the stored direction of
        flows), ``capacity_mw``, ``residual_mw``, ``length_km``, ``reactance``, ``kind``, ``voltage_kv``.

    Examples
    --------
    >>> import siting
    >>> G = build_grid(siting.load_korea())
    >>> G.number_of_edges() == len(siting.load_korea().lines)
    True
    """
    scenario = scenario or Scenario(target_mw=1.0)
    subs = data.substations
    at = _nearest_substation(data, data.renewables)
    sup = node_supply(data, scenario, at)
    ren = renewable_supply(data, scenario, at)
    G = nx.MultiGraph(renewable_supply=ren)
    for row, s, r, b in zip(
        subs.itertuples(index=False), sup, ren.surplus_mw, ren.peak_max_mw(), strict=True
    ):
        G.add_node(
            row.substation_id,
            name=row.name,
            province=row.province,
            voltage_kv=float(row.voltage_kv),
            headroom_mw=float(row.headroom_mw),
            supply_mw=float(s),
            surplus_mw=float(r),
            build_peak_mw=float(b),
        )
    cols = [
        "from_id",
        "to_id",
        "capacity_mw",
        "residual_mw",
        "length_km",
        "reactance",
        "kind",
        "voltage_kv",
        "name",
    ]
    for row in data.lines[["line_id", *cols]].itertuples(index=False):
        G.add_edge(
            row.from_id, row.to_id, key=row.line_id, line_id=row.line_id, **{c: getattr(row, c) for c in cols}
        )
    return G


def deliverable_mw(G: nx.MultiGraph, nodes: list[str], *, only: np.ndarray | None = None) -> np.ndarray:
    """The most new load the network can bring to each node on its own, MW.

    The maximum flow from every supply for new load (``supply_mw`` at the
    nodes, plus ``build_peak_mw``, the most new build could add) to the node
    over the lines' residual capacities (both directions, parallel lines
    added), computed with SciPy's Dinic algorithm on whole MW rounded *up*,
    so it never understates. Any plan, in the transport or the DC model,
    loads a node with at most this much: a valid bound that lets the model
    drop campus sizes the node can never take and tighten its headroom rows.
    It does not hold when line or supply limits are relaxed.

    Parameters
    ----------
    G : networkx.MultiGraph
        From :func:`build_grid`.
    nodes : list of str
        Node ids in the order wanted (``data.substations.substation_id``).
    only : ndarray of bool, optional
        Compute only where true (0 elsewhere): one max-flow per node is the cost.

    Returns
    -------
    ndarray
        MW per node, aligned with ``nodes``.

    Examples
    --------
    >>> G = nx.MultiGraph()
    >>> G.add_node("plant", supply_mw=500.0); G.add_node("a", supply_mw=0.0); G.add_node("b", supply_mw=10.0)
    >>> _ = G.add_edge("plant", "a", key="l1", residual_mw=120.0)
    >>> _ = G.add_edge("a", "b", key="l2", residual_mw=40.5)
    >>> deliverable_mw(G, ["plant", "a", "b"]).tolist()
    [510.0, 130.0, 51.0]
    """
    pos = {n: i for i, n in enumerate(nodes)}
    source = len(nodes)
    rows, cols, caps = [], [], []
    for u, v, e in G.edges(data=True):
        r = int(np.ceil(float(e["residual_mw"])))
        if r > 0 and u != v:
            rows += [pos[u], pos[v]]
            cols += [pos[v], pos[u]]
            caps += [r, r]
    supply = np.array(
        [float(G.nodes[n].get("supply_mw", 0.0) + G.nodes[n].get("build_peak_mw", 0.0)) for n in nodes]
    )
    for k in np.flatnonzero(supply > 0).tolist():
        rows.append(source)
        cols.append(k)
        caps.append(int(min(np.ceil(supply[k]), np.iinfo(np.int32).max // 4)))  # inf: no limit
    M = sp.csr_matrix((np.array(caps, dtype=np.int32), (rows, cols)), shape=(source + 1, source + 1))
    M.sum_duplicates()
    out = np.zeros(len(nodes))
    for i in np.flatnonzero(np.ones(len(nodes), dtype=bool) if only is None else only).tolist():
        out[i] = float(maximum_flow(M, source, i, method="dinic").flow_value) if M.nnz else 0.0
    return out


def islands(G: nx.MultiGraph, *, ac_only: bool = False) -> list[list[str]]:
    """Connected parts of the network, largest first, each as sorted node ids.

    With ``ac_only`` HVDC links do not connect (the synchronous areas, as DC
    power flow needs them).

    Examples
    --------
    >>> import siting
    >>> len(islands(build_grid(siting.load_korea())))
    1
    """
    H = G
    if ac_only:
        H = nx.MultiGraph()
        H.add_nodes_from(G.nodes)
        H.add_edges_from((u, v, k) for u, v, k, d in G.edges(keys=True, data=True) if d["kind"] == "ac")
    parts = [sorted(c) for c in nx.connected_components(H)]
    return sorted(parts, key=lambda c: (-len(c), c[0]))


def describe_islands(G: nx.MultiGraph) -> list[str]:
    """Human-readable lines naming every island beyond the largest, for warnings.

    Examples
    --------
    >>> G = nx.MultiGraph(); G.add_node("a", name="A"); G.add_node("b", name="B")
    >>> describe_islands(G)
    ['island of 1 substation(s): B']
    """
    out = []
    for part in islands(G)[1:]:
        names = [G.nodes[n].get("name") or n for n in part]
        out.append(
            f"island of {len(part)} substation(s): {', '.join(names[:10])}{' ...' if len(names) > 10 else ''}"
        )
    return out


def supply_shortfall(G: nx.MultiGraph, scenario: Scenario, data: SitingData) -> str | None:
    """Why no plan can be found when all supply for new load falls short of the target; None if it does not.

    Campus load is served only from supply for new load (the supply rule,
    :func:`node_supply`), so a target above the network's total, new build's
    peak credit included, is infeasible whatever the lines: a necessary
    condition that :func:`siting.solve` checks before building the model.

    Parameters
    ----------
    G : networkx.MultiGraph
        From :func:`build_grid` (``supply_mw`` and ``build_peak_mw`` on the nodes).
    scenario : Scenario
    data : SitingData
        Whether it has a plants layer, for the message.

    Examples
    --------
    >>> import siting
    >>> G = nx.MultiGraph()
    >>> G.add_node("a", supply_mw=20.0, build_peak_mw=0.0); G.add_node("b", supply_mw=30.0, build_peak_mw=0.0)
    >>> print(supply_shortfall(G, siting.Scenario(target_mw=500), siting.load_korea().replace(plants=None)))
    ... # doctest: +NORMALIZE_WHITESPACE
    supply for new load is 50 MW in all (no plants layer: only the renewables' peak credit and new
    build), below the target 500 MW; fix: add a plants layer (its supply_mw, default capacity_mw x 5%,
    is spare capacity at the peak), give more supply_mw, or allow new build (renewable_build, within the
    provinces' <technology>_max_mw)
    >>> supply_shortfall(G, siting.Scenario(target_mw=50), siting.load_korea()) is None
    True
    """
    total = sum(
        float(d.get("supply_mw", 0.0)) + float(d.get("build_peak_mw", 0.0)) for _, d in G.nodes(data=True)
    )
    if total >= scenario.target_mw:
        return None
    what = (
        "no plants layer: only the renewables' peak credit and new build"
        if data.plants is None
        else ("plants' supply_mw, renewables' peak credit and new build")
    )
    return (
        f"supply for new load is {total:,.0f} MW in all ({what}), below the target "
        f"{scenario.target_mw:,.0f} MW; fix: add a plants layer (its supply_mw, default capacity_mw x "
        f"{PLANT_SPARE_FRACTION:.0%}, is spare capacity at the peak), give more supply_mw, or allow new "
        "build (renewable_build, within the provinces' <technology>_max_mw)"
    )


def check_connected(G: nx.MultiGraph) -> None:
    """Warn, naming them, when the network has islands (they can only serve themselves)."""
    lines = describe_islands(G)
    if lines:
        warnings.warn("the network is not connected; " + "; ".join(lines), stacklevel=2)


def ptdf(G: nx.MultiGraph, nodes: list[str]) -> tuple[list[str], np.ndarray]:
    """Power transfer distribution factors of the AC lines of one synchronous area.

    The slack is the first node; an injection at node j and withdrawal at the
    slack changes flow on line e by ``PTDF[e, j]`` (positive from ``from_id``
    to ``to_id`` as stored on the edge).

    Parameters
    ----------
    G : networkx.MultiGraph
        From :func:`build_grid`.
    nodes : list of str
        One synchronous area (``islands(G, ac_only=True)``).

    Returns
    -------
    line_ids : list of str
    matrix : ndarray, shape (len(line_ids), len(nodes))

    Examples
    --------
    >>> G = nx.MultiGraph()
    >>> for k, (u, v) in enumerate([("a", "b"), ("b", "c"), ("a", "c")]):
    ...     _ = G.add_edge(u, v, key=str(k), kind="ac", reactance=1.0, from_id=u, to_id=v)
    >>> ids, M = ptdf(G, ["a", "b", "c"])
    >>> np.round(M[:, 1], 3).tolist()  # inject at b, withdraw at a
    [-0.667, 0.333, -0.333]
    """
    pos = {n: i for i, n in enumerate(nodes)}
    edges = sorted((k, d) for _, _, k, d in G.edges(nodes, keys=True, data=True) if d["kind"] == "ac")
    ids = [k for k, _ in edges]
    A = np.zeros((len(edges), len(nodes)))
    for r, (_, d) in enumerate(edges):
        A[r, pos[d["from_id"]]], A[r, pos[d["to_id"]]] = 1.0, -1.0
    b_diag = np.array([1.0 / d["reactance"] for _, d in edges])
    B = A.T @ (b_diag[:, None] * A)
    M = np.zeros_like(A)
    if len(nodes) > 1:
        M[:, 1:] = (b_diag[:, None] * A[:, 1:]) @ np.linalg.inv(B[1:, 1:])
    return ids, M


def lodf(G: nx.MultiGraph, nodes: list[str]) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Outage distribution factors of one synchronous area: flow change on each AC line per MW lost.

    After the outage of line k, the AC flow on line e is ``f[e] + D[e, k] x f[k]``.
    For an AC line k (ends a, b) the column is the line-outage distribution
    factor ``phi[:, k] / (1 - phi[k, k])``, with ``phi[:, k] = PTDF[:, a] -
    PTDF[:, b]`` the flows of a 1 MW transfer from a to b (``D[k, k] = -1``).
    When ``phi[k, k]`` is 1 (within :data:`ISLANDING_TOL`) the outage
    islands part of the area (a bridge: radial line), no flow pattern
    survives it and the column is NaN. An HVDC link k with both ends in the
    area is an outage too: its flow moves onto the AC lines, ``D[:, k] =
    phi[:, k]``; links to another area are not columns (their loss islands).

    Parameters
    ----------
    G : networkx.MultiGraph
        From :func:`build_grid`.
    nodes : list of str
        One synchronous area (``islands(G, ac_only=True)``).

    Returns
    -------
    monitored : list of str
        The area's AC lines (rows), as :func:`ptdf` orders them.
    outages : list of str
        The area's AC lines, then the HVDC links inside it (columns).
    matrix : ndarray, shape (len(monitored), len(outages))
    islanding : ndarray of bool
        Per column: the outage islands part of the area.

    Examples
    --------
    >>> G = nx.MultiGraph()
    >>> for k, (u, v) in enumerate([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")]):
    ...     _ = G.add_edge(u, v, key=str(k), kind="ac", reactance=1.0, from_id=u, to_id=v)
    >>> rows, cols, D, isl = lodf(G, ["a", "b", "c", "d"])
    >>> np.round(D[:, 0], 3).tolist()  # a-b out: its flow goes a -> c -> b
    [-1.0, -1.0, 1.0, 0.0]
    >>> isl.tolist()  # c-d is radial
    [False, False, False, True]
    """
    pos = {n: i for i, n in enumerate(nodes)}
    ids, M = ptdf(G, nodes)
    ends = {k: (d["from_id"], d["to_id"], d["kind"]) for _, _, k, d in G.edges(nodes, keys=True, data=True)}
    hvdc = sorted(k for k, (a, b, kind) in ends.items() if kind == "hvdc" and a in pos and b in pos)
    cols = ids + hvdc
    phi = np.column_stack([M[:, pos[ends[k][0]]] - M[:, pos[ends[k][1]]] for k in cols]) if cols else M[:, :0]
    out = phi.copy()
    islanding = np.zeros(len(cols), dtype=bool)
    for j in range(len(ids)):
        denom = 1.0 - phi[j, j]
        if abs(denom) < ISLANDING_TOL:
            islanding[j] = True
            out[:, j] = np.nan
        else:
            out[:, j] = phi[:, j] / denom
            out[j, j] = -1.0
    return ids, cols, out, islanding
