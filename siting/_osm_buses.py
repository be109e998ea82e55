"""Buses from the ends of OpenStreetMap lines: snapping, tees, junctions, converters.

Steps 3 and 4 of :func:`siting.read_osm_grid` (see :mod:`siting.osm`), in a
metric CRS: line ends snap to tagged substations or join one another into
stand-in buses, lines are split where another line taps them, way splits are
merged away, HVDC landings join their AC substation and, if asked, only the
largest connected network is kept. Buses are integers: those below
``n_sites`` are tagged substation sites, the others stand-ins. Every line
left out is reported in ``dropped``.
"""

from __future__ import annotations

from typing import NamedTuple

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
import shapely.ops

__all__ = ["Joining", "Network", "clusters", "connect"]


class Joining(NamedTuple):
    """How line ends become buses: the options of :func:`siting.read_osm_grid` of the same names."""

    snap_m: float
    join_m: float
    merge_m: float
    converter_m: float
    merge_junctions: bool
    keep: str


class Network(NamedTuple):
    """Lines with ``_from``/``_to`` buses, bus positions (``x``, ``y``), tee buses, tagged sites."""

    lines: gpd.GeoDataFrame
    pos: pd.DataFrame
    tees: set[int]
    n_sites: int


def connect(
    lines: gpd.GeoDataFrame,
    tagged: gpd.GeoDataFrame,
    site_xy: pd.DataFrame,
    dropped: list[dict],
    how: Joining,
) -> Network:
    """Give every line (in a metric CRS) a ``_from`` and a ``_to`` bus.

    ``tagged`` are the tagged substations with their ``_site``, ``site_xy``
    the sites' positions.
    """
    n_sites = len(site_xy)
    lines, endpoints, bus_of = _snap_ends(
        lines, tagged, n_sites=n_sites, snap_m=how.snap_m, join_m=how.join_m
    )
    lines, endpoints, bus_of, tees = _split_at_taps(
        lines, endpoints, bus_of, n_sites=n_sites, join_m=how.join_m
    )
    xy = shapely.get_coordinates(endpoints)
    pos = pd.DataFrame({"bus": bus_of, "x": xy[:, 0], "y": xy[:, 1]}).groupby("bus")[["x", "y"]].mean()
    if n_sites:
        pos = pd.concat([site_xy, pos.loc[pos.index >= n_sites]])
    lines = _drop_loops(lines, dropped, f"within {how.join_m:g} m of each other or at one substation")
    if how.merge_junctions:
        lines = _merge_junctions(lines, n_sites)
    lines, pos, tees = _merge_standins(lines, pos, tees, n_sites=n_sites, merge_m=how.merge_m)
    lines = _drop_loops(lines, dropped, f"stand-in buses within {how.merge_m:g} m merged")
    lines = _join_converters(lines, pos, converter_m=how.converter_m)
    if how.merge_junctions:
        lines = _merge_junctions(lines, n_sites)
    if how.keep == "largest":
        lines = _largest_component(lines, dropped)
    return Network(lines, pos, tees, n_sites)


def _snap_ends(
    lines: gpd.GeoDataFrame, tagged: gpd.GeoDataFrame, *, n_sites: int, snap_m: float, join_m: float
) -> tuple[gpd.GeoDataFrame, np.ndarray, np.ndarray]:
    """Bus of each line end: the tagged site within ``snap_m``, else a stand-in for ends within ``join_m``.

    Returns the lines with ``_from``/``_to``, the end points (two per line:
    starts, then ends) and their buses.
    """
    n = len(lines)
    geoms = lines.geometry.values
    endpoints = np.concatenate([shapely.get_point(geoms, 0), shapely.get_point(geoms, -1)])
    bus_of = np.full(2 * n, -1)
    if n_sites:  # ends near a substation connect to it
        near = shapely.STRtree(tagged.geometry.values).query_nearest(
            endpoints, max_distance=snap_m, all_matches=False
        )
        bus_of[near[0]] = tagged["_site"].to_numpy()[near[1]]
    rest = np.flatnonzero(bus_of < 0)  # coincident ends (way splits) join
    bus_of[rest] = n_sites + clusters(endpoints[rest], join_m)
    return lines.assign(_from=bus_of[:n], _to=bus_of[n:]), endpoints, bus_of


def _merge_standins(
    lines: gpd.GeoDataFrame, pos: pd.DataFrame, tees: set[int], *, n_sites: int, merge_m: float
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, set[int]]:
    """Make stand-in buses still within ``merge_m`` of each other one bus (at their mean position)."""
    used = np.unique(np.concatenate([lines["_from"].to_numpy(), lines["_to"].to_numpy()]))
    standin = used[used >= n_sites]
    relabel = pd.Series(np.arange(len(pos)), index=pos.index)
    if len(standin):
        lab = clusters(shapely.points(pos.loc[standin, ["x", "y"]].to_numpy()), merge_m)
        first = pd.Series(standin).groupby(lab).transform("min").to_numpy()
        relabel.loc[standin] = first
    lines = lines.assign(
        _from=relabel.loc[lines["_from"]].to_numpy(), _to=relabel.loc[lines["_to"]].to_numpy()
    )
    pos = pos.groupby(relabel.to_numpy()).mean()
    return lines, pos, set(relabel.loc[sorted(tees)].tolist())


def clusters(points: np.ndarray, radius: float) -> np.ndarray:
    """Label points so that points within ``radius`` of each other (transitively) share a label."""
    tree = shapely.STRtree(points)
    a, b = tree.query(points, predicate="dwithin", distance=radius)
    G = nx.Graph()
    G.add_nodes_from(range(len(points)))
    G.add_edges_from(zip(a[a < b].tolist(), b[a < b].tolist(), strict=False))
    labels = np.empty(len(points), dtype=int)
    comps = sorted((sorted(c) for c in nx.connected_components(G)), key=lambda c: c[0])
    for k, comp in enumerate(comps):
        labels[comp] = k
    return labels


def _towards(line: shapely.LineString, bus_at_end: bool) -> np.ndarray:
    """Coordinates of ``line`` ordered so that the shared bus comes last."""
    xy = shapely.get_coordinates(line)
    return xy if bus_at_end else xy[::-1]


def _merge_junctions(lines: gpd.GeoDataFrame, n_sites: int) -> gpd.GeoDataFrame:
    """Join the two routes at every untagged bus where exactly two like lines meet (way splits).

    Buses numbered below ``n_sites`` are tagged substations and stay. Like
    lines share voltage, kind, circuits, cable flag and bundle; a pair that would
    close a loop is left alone.
    """
    frm, to = lines["_from"].to_numpy().copy(), lines["_to"].to_numpy().copy()
    geom = list(lines.geometry.values)
    srcs = list(lines["_src"])
    bundle = lines["bundle"].fillna(0) if "bundle" in lines else pd.Series(0, index=lines.index)
    key = list(zip(lines["_kv"], lines["kind"], lines["circuits"], lines["cable"], bundle, strict=False))
    ends: dict[int, list[int]] = {}
    for i, (f, t) in enumerate(zip(frm, to, strict=False)):
        ends.setdefault(int(f), []).append(i)
        ends.setdefault(int(t), []).append(i)
    alive = np.ones(len(lines), dtype=bool)
    for bus in sorted(ends):
        if bus < n_sites:
            continue
        here = ends[bus]
        if len(here) != 2 or here[0] == here[1] or key[here[0]] != key[here[1]]:
            continue
        i, j = here
        other_i = to[i] if frm[i] == bus else frm[i]
        other_j = to[j] if frm[j] == bus else frm[j]
        if other_i == other_j:
            continue
        # i runs other_i -> bus, j runs bus -> other_j
        xy = np.vstack([_towards(geom[i], to[i] == bus), _towards(geom[j], to[j] == bus)[::-1]])
        keep = np.r_[True, np.any(np.diff(xy, axis=0) != 0, axis=1)]
        geom[i] = shapely.linestrings(xy[keep])
        frm[i], to[i] = other_i, other_j
        srcs[i] = ";".join(sorted(set(srcs[i].split(";")) | set(srcs[j].split(";"))))
        alive[j] = False
        ends[int(other_j)] = [i if k == j else k for k in ends[int(other_j)]]
        ends[bus] = []
    out = lines.assign(_from=frm, _to=to, _src=srcs)
    out = out.set_geometry(gpd.GeoSeries(geom, index=lines.index, crs=lines.crs))
    return out.loc[alive].reset_index(drop=True)


def _split_at_taps(
    lines: gpd.GeoDataFrame, endpoints: np.ndarray, bus_of: np.ndarray, *, n_sites: int, join_m: float
) -> tuple[gpd.GeoDataFrame, np.ndarray, np.ndarray, set[int]]:
    """Split lines where another line of the same voltage ends on them (a tee).

    A line end that reaches no substation and no other end, but lies within
    ``join_m`` of another line's route, taps that line: the route is cut at
    the nearest point and both parts end at the tapping line's bus. Returns
    the lines, the end points (two per line: starts, then ends), their buses
    and the buses where a line was tapped.
    """
    n = len(lines)
    counts = np.bincount(bus_of)
    lonely = np.flatnonzero((bus_of >= n_sites) & (counts[bus_of] == 1))
    if not len(lonely):
        return lines, endpoints, bus_of, set()
    geoms = lines.geometry.values
    hit_end, hit_line = shapely.STRtree(geoms).query(endpoints[lonely], predicate="dwithin", distance=join_m)
    ends = lonely[hit_end]
    own = ends % n
    kv = lines["_kv"].to_numpy()
    ok = (hit_line != own) & (kv[hit_line] == kv[own])
    ends, hit_line = ends[ok], hit_line[ok]
    if not len(ends):
        return lines, endpoints, bus_of, set()
    at = shapely.line_locate_point(geoms[hit_line], endpoints[ends])
    dist = shapely.distance(geoms[hit_line], endpoints[ends])
    taps = pd.DataFrame({"end": ends, "line": hit_line, "at": at, "dist": dist})
    taps = taps.sort_values(["end", "dist", "line"]).drop_duplicates("end")  # nearest route per end
    length = shapely.length(geoms[taps["line"].to_numpy()])
    taps = taps.loc[(taps["at"] > join_m) & (taps["at"] < length - join_m)]
    if taps.empty:
        return lines, endpoints, bus_of, set()
    frm, to = bus_of[:n].copy(), bus_of[n:].copy()
    rows, new_geom, new_from, new_to = [], [], [], []
    for li, cut in taps.sort_values(["line", "at"]).groupby("line", sort=True):
        stops = [0.0, *cut["at"].tolist(), float(shapely.length(geoms[li]))]
        buses = [frm[li], *bus_of[cut["end"].to_numpy()].tolist(), to[li]]
        for k in range(len(stops) - 1):
            rows.append(li)
            new_geom.append(shapely.ops.substring(geoms[li], stops[k], stops[k + 1]))
            new_from.append(buses[k])
            new_to.append(buses[k + 1])
    cut_lines = np.unique(taps["line"].to_numpy())
    keep = np.setdiff1d(np.arange(n), cut_lines)
    parts = lines.iloc[rows].copy()
    parts["_src"] = parts["_src"] + "/" + parts.groupby(level=0).cumcount().add(1).astype(str)
    parts = parts.set_geometry(gpd.GeoSeries(new_geom, index=parts.index, crs=lines.crs)).assign(
        _from=new_from, _to=new_to
    )
    kept = lines.iloc[keep].assign(_from=frm[keep], _to=to[keep])
    out = pd.concat([kept, parts], ignore_index=True)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=lines.crs)
    g = out.geometry.values
    new_endpoints = np.concatenate([shapely.get_point(g, 0), shapely.get_point(g, -1)])
    tees = set(bus_of[taps["end"].to_numpy()].tolist())
    return out, new_endpoints, np.concatenate([out["_from"].to_numpy(), out["_to"].to_numpy()]), tees


def _join_converters(lines: gpd.GeoDataFrame, pos: pd.DataFrame, *, converter_m: float) -> gpd.GeoDataFrame:
    """Join each HVDC end that no AC line reaches to the nearest AC bus within ``converter_m``.

    A converter station stands between an HVDC cable and the AC substation it
    feeds; OSM often maps the cable landing a little away from that substation.
    """
    ac = lines["kind"].to_numpy() == "ac"
    ac_buses = np.unique(np.concatenate([lines.loc[ac, "_from"], lines.loc[ac, "_to"]]))
    dc_ends = np.unique(np.concatenate([lines.loc[~ac, "_from"], lines.loc[~ac, "_to"]]))
    loose = np.setdiff1d(dc_ends, ac_buses)
    if not len(loose) or not len(ac_buses):
        return lines
    target = shapely.points(pos.loc[ac_buses, ["x", "y"]].to_numpy())
    near = shapely.STRtree(target).query_nearest(
        shapely.points(pos.loc[loose, ["x", "y"]].to_numpy()), max_distance=converter_m, all_matches=False
    )
    move = pd.Series(ac_buses[near[1]], index=loose[near[0]])
    return lines.assign(
        _from=lines["_from"].replace(move.to_dict()), _to=lines["_to"].replace(move.to_dict())
    )


def _largest_component(lines: gpd.GeoDataFrame, dropped: list[dict]) -> gpd.GeoDataFrame:
    """Keep the lines of the largest connected network (HVDC links count); report the rest."""
    G = nx.MultiGraph()
    G.add_edges_from(zip(lines["_from"], lines["_to"], range(len(lines)), strict=False))
    parts = sorted(nx.connected_components(G), key=lambda c: (-len(c), min(c)))
    main = parts[0]
    out = lines["_from"].map(lambda b: b not in main).to_numpy()
    size = {b: len(c) for c in parts[1:] for b in c}
    for rid, b in zip(lines.loc[out, "_src"], lines.loc[out, "_from"], strict=False):
        dropped.append(
            {
                "layer": "lines",
                "row": rid,
                "reason": f"not connected to the main network (a fragment of {size[b]} buses)",
            }
        )
    return lines.loc[~out].reset_index(drop=True)


def _drop_loops(lines: gpd.GeoDataFrame, dropped: list[dict], why: str) -> gpd.GeoDataFrame:
    """Drop the lines whose two ends are one bus, noting ``why`` they met."""
    loop = lines["_from"].to_numpy() == lines["_to"].to_numpy()
    for rid in lines.loc[loop, "_src"]:
        dropped.append({"layer": "lines", "row": rid, "reason": f"both ends at the same bus ({why})"})
    return lines.loc[~loop].reset_index(drop=True)
