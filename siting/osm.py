"""Read an OpenStreetMap transmission grid into the library's substations and lines.

:func:`read_osm_grid` takes OSM ``power=line``/``power=cable`` ways (a plain
GeoJSON export, or PyPSA-Earth's cleaned ``all_clean_lines.geojson``) and,
optionally, ``power=substation`` points or polygons, and returns a bus/line
network in the schema :class:`siting.SitingData` expects. It does what a
careful reader of OSM power data has to do, each step documented and every
dropped row reported:

1. **Voltages**: ``voltage`` in volts (values below 1000 are read as kV);
   ``"345000;154000"`` splits a way into one line per voltage; evident
   mistags are mapped to their class (``voltage_map``); lines below
   ``min_kv`` are dropped.
2. **Circuits**: the ``circuits`` tag, else ``cables / 3`` (three conductors
   per AC circuit); ``circuits_from="cables"`` reads the ``circuits`` column
   as a conductor count (PyPSA-Earth's extract carries 3, 6, 12).
3. **Buses**: each line end snaps to the nearest substation within
   ``snap_m``; the other ends within ``merge_m`` of each other become one
   stand-in bus at their mean position.
4. **Junctions**: a stand-in bus where exactly two lines of the same
   voltage, kind and circuits meet (a way split) is removed and the two
   routes merged, so lines run substation to substation on their real
   routes.
5. **Roles**: every bus gets a ``role`` (``substation``: tagged in OSM;
   ``transformer``: stand-in where two voltage classes meet; ``tee``: where
   a line ends on another line's route, which is split there;
   ``switching``: stand-in where three or more lines meet; ``line_end``:
   stand-in where one line ends, as radial lines end at a station;
   ``junction``: two lines that could not be merged) and ``takes_load``,
   true for the roles in ``load_roles`` (not tees and junctions).

PyPSA-Earth's *built* network (``buses.csv`` with ``bus_id`` and
``lines.csv`` with ``bus0``/``bus1``) is read as it is: its topology is
kept and straight segments join the buses.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
import shapely.ops

from . import _validate as V
from .data import default_metric_crs
from .io import read_layer
from .settings import GEOGRAPHIC_CRS

__all__ = ["OsmGrid", "read_osm_grid", "parse_voltage_kv", "DEFAULT_LOAD_ROLES"]

PathLike: TypeAlias = str | os.PathLike
Source: TypeAlias = PathLike | pd.DataFrame

#: Bus roles that may take a new large load by default.
DEFAULT_LOAD_ROLES: tuple[str, ...] = ("substation", "transformer", "switching", "line_end")


@dataclass(frozen=True)
class OsmGrid:
    """A transmission network read from OpenStreetMap.

    Unpacks as ``substations, lines = read_osm_grid(...)``.

    Attributes
    ----------
    substations : GeoDataFrame
        ``substation_id``, ``name``, ``voltage_kv`` (highest voltage at the
        bus), ``voltages`` (all classes, ``"345;154"``), ``role``,
        ``takes_load``, ``lines`` (number of line ends), ``osm_substation``
        (the source row of a tagged substation, else empty), geometry
        (points, EPSG:4326).
    lines : GeoDataFrame
        ``line_id``, ``from_id``, ``to_id``, ``voltage_kv``, ``circuits``,
        ``kind`` (``ac``/``hvdc``), ``cable`` (underground or submarine),
        ``osm_ids`` (the source ways, ``;``-separated), geometry (the route,
        EPSG:4326).
    dropped : DataFrame
        ``layer``, ``row`` (source id), ``reason``: every source row left out.
    """

    substations: gpd.GeoDataFrame
    lines: gpd.GeoDataFrame
    dropped: pd.DataFrame

    def __iter__(self) -> Iterator[gpd.GeoDataFrame]:
        return iter((self.substations, self.lines))

    def __repr__(self) -> str:
        roles = self.substations["role"].value_counts().sort_index()
        return (
            f"OsmGrid(substations={len(self.substations)} "
            f"({', '.join(f'{k} {v}' for k, v in roles.items())}), "
            f"lines={len(self.lines)}, dropped={len(self.dropped)})"
        )


def parse_voltage_kv(value: object) -> list[float]:
    """Voltage classes in kV from an OSM ``voltage`` value.

    Volts as in OSM (``"345000;154000"``); values below 1000 are taken as kV.
    Returns an empty list when nothing numeric is found.

    Parameters
    ----------
    value : object
        The tag value: a string (``;`` or ``,`` separate several voltages), a
        number, or None/NaN.

    Returns
    -------
    list of float
        One voltage class in kV per positive number found, in tag order.

    Examples
    --------
    >>> parse_voltage_kv("345000;154000")
    [345.0, 154.0]
    >>> parse_voltage_kv(765000), parse_voltage_kv("154"), parse_voltage_kv(None)
    ([765.0], [154.0], [])
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    out = []
    for part in str(value).replace(",", ";").split(";"):
        try:
            v = float(part.strip())
        except ValueError:
            continue
        if v > 0:
            out.append(v / 1000.0 if v >= 1000 else v)
    return out


def _pick(frame: pd.DataFrame, *names: str) -> pd.Series | None:
    for n in names:
        if n in frame.columns:
            return frame[n]
    return None


def _flag(frame: pd.DataFrame, *names: str) -> pd.Series:
    col = _pick(frame, *names)
    if col is None:
        return pd.Series(False, index=frame.index)
    return col.map(lambda v: str(v).strip().lower() in ("true", "1", "1.0", "yes"))


def _source_ids(frame: pd.DataFrame) -> pd.Series:
    col = _pick(frame, "line_id", "osm_id", "@id", "id")
    return (col if col is not None else pd.Series(frame.index, index=frame.index)).astype(str)


def _circuits(frame: pd.DataFrame, how: str) -> pd.Series:
    """Circuits per way: the tag, else conductors / 3 (see the module notes)."""
    circ = pd.to_numeric(_pick(frame, "circuits"), errors="coerce") if "circuits" in frame else None
    cables = pd.to_numeric(frame["cables"], errors="coerce") if "cables" in frame else None
    if how == "cables":
        circ, cables = None, circ
    out = pd.Series(np.nan, index=frame.index)
    if circ is not None:
        out = circ.where(circ > 0)
    if cables is not None:
        out = out.fillna(np.floor(cables / 3).where(cables >= 3))
    return out.fillna(1).clip(lower=1).astype(int)


def _explode_voltages(
    lines: gpd.GeoDataFrame, dropped: list[dict], *, min_kv: float, voltage_map: Mapping[float, float]
) -> gpd.GeoDataFrame:
    """One row per (way, voltage class); circuits shared out when a way carries several voltages."""
    kvs = lines["_voltage_raw"].map(parse_voltage_kv)
    none = kvs.str.len() == 0
    for rid in lines.loc[none, "_src"]:
        dropped.append({"layer": "lines", "row": rid, "reason": "no numeric voltage tag"})
    lines = lines.loc[~none].assign(_kv=kvs[~none])
    n = lines["_kv"].str.len()
    lines = lines.explode("_kv")
    lines["_kv"] = lines["_kv"].astype(float).map(lambda v: float(voltage_map.get(v, v)))
    # circuits on a multi-voltage way are split between the voltages (at least one each)
    lines["circuits"] = np.maximum(1, lines["circuits"] // n.reindex(lines.index).to_numpy())
    low = lines["_kv"] < min_kv
    for rid, kv in zip(lines.loc[low, "_src"], lines.loc[low, "_kv"], strict=False):
        dropped.append(
            {"layer": "lines", "row": rid, "reason": f"voltage {kv:g} kV below min_kv = {min_kv:g}"}
        )
    lines = lines.loc[~low]
    multi = lines["_src"].duplicated(keep=False)
    lines["_src"] = lines["_src"].where(~multi, lines["_src"] + "@" + lines["_kv"].map("{:g}".format))
    return lines.reset_index(drop=True)


def _clusters(points: np.ndarray, radius: float) -> np.ndarray:
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
    lines share voltage, kind, circuits and cable flag; a pair that would
    close a loop is left alone.
    """
    frm, to = lines["_from"].to_numpy().copy(), lines["_to"].to_numpy().copy()
    geom = list(lines.geometry.values)
    srcs = list(lines["_src"])
    key = list(zip(lines["_kv"], lines["kind"], lines["circuits"], lines["cable"], strict=False))
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
    loop = lines["_from"].to_numpy() == lines["_to"].to_numpy()
    for rid in lines.loc[loop, "_src"]:
        dropped.append({"layer": "lines", "row": rid, "reason": f"both ends at the same bus ({why})"})
    return lines.loc[~loop].reset_index(drop=True)


def _read(source: Source, name: str, crs: str | None) -> gpd.GeoDataFrame:
    frame = read_layer(source, name=name, crs=crs)
    if not isinstance(frame, gpd.GeoDataFrame):
        V.raise_if(
            [
                f"layer '{name}': no geometry and no lon/lat columns; "
                "fix: give a spatial file or a CSV with lon/lat."
            ]
        )
    return frame.to_crs(GEOGRAPHIC_CRS) if frame.crs is not None else frame.set_crs(GEOGRAPHIC_CRS)


def _built_network(
    lines: pd.DataFrame,
    buses: pd.DataFrame,
    *,
    voltage_map: Mapping[float, float],
    min_kv: float,
    load_roles: Sequence[str],
) -> OsmGrid:
    """PyPSA-Earth's built network: keep its buses and bus0/bus1 topology, straight segments."""
    dropped: list[dict] = []
    b = buses.copy()
    b["_id"] = b["bus_id"].astype(str)
    kv = (
        b["voltage"]
        .map(lambda v: (parse_voltage_kv(v) or [np.nan])[0])
        .map(lambda v: float(voltage_map.get(v, v)))
    )
    b["voltage_kv"] = kv
    ln = lines.copy()
    ln["_kv"] = (
        ln["voltage"]
        .map(lambda v: (parse_voltage_kv(v) or [np.nan])[0])
        .map(lambda v: float(voltage_map.get(v, v)))
    )
    ln["_from"], ln["_to"] = ln["bus0"].astype(str), ln["bus1"].astype(str)
    ids = set(b["_id"])
    bad = ~ln["_from"].isin(ids) | ~ln["_to"].isin(ids) | (ln["_kv"] < min_kv) | ln["_kv"].isna()
    for rid in _source_ids(ln.loc[bad]):
        dropped.append(
            {"layer": "lines", "row": rid, "reason": "endpoint bus missing or voltage below min_kv"}
        )
    ln = ln.loc[~bad]
    pts = b.set_index("_id").geometry
    geom = shapely.linestrings(
        [
            np.vstack([shapely.get_coordinates(pts[f]), shapely.get_coordinates(pts[t])])
            for f, t in zip(ln["_from"], ln["_to"], strict=False)
        ]
    )
    dc = _flag(ln, "dc")
    out_lines = gpd.GeoDataFrame(
        {
            "line_id": _source_ids(ln).to_numpy(),
            "from_id": ln["_from"].to_numpy(),
            "to_id": ln["_to"].to_numpy(),
            "voltage_kv": ln["_kv"].to_numpy(),
            "circuits": _circuits(ln, "circuits").to_numpy(),
            "kind": np.where(dc, "hvdc", "ac"),
            "cable": _flag(ln, "underground").to_numpy(),
            "osm_ids": _source_ids(ln).to_numpy(),
        },
        geometry=geom,
        crs=GEOGRAPHIC_CRS,
    )
    degree = pd.concat([out_lines["from_id"], out_lines["to_id"]]).value_counts()
    subs = gpd.GeoDataFrame(
        {
            "substation_id": b["_id"].to_numpy(),
            "name": "",
            "voltage_kv": b["voltage_kv"].to_numpy(),
            "voltages": b["voltage_kv"].map("{:g}".format).to_numpy(),
            "role": "substation",
            "lines": b["_id"].map(degree).fillna(0).astype(int).to_numpy(),
            "osm_substation": b["_id"].to_numpy(),
        },
        geometry=b.geometry.to_numpy(),
        crs=GEOGRAPHIC_CRS,
    )
    subs["takes_load"] = subs["role"].isin(list(load_roles))
    return OsmGrid(
        substations=subs, lines=out_lines, dropped=pd.DataFrame(dropped, columns=["layer", "row", "reason"])
    )


def read_osm_grid(
    lines: Source,
    substations: Source | None = None,
    *,
    min_kv: float = 100.0,
    voltage_map: Mapping[float, float] | None = None,
    circuits_from: Literal["circuits", "cables"] = "circuits",
    snap_m: float = 1000.0,
    join_m: float = 50.0,
    merge_m: float = 500.0,
    converter_m: float = 5000.0,
    merge_junctions: bool = True,
    keep: Literal["all", "largest"] = "all",
    load_roles: Sequence[str] = DEFAULT_LOAD_ROLES,
    metric_crs: str | None = None,
    crs: str | None = None,
) -> OsmGrid:
    """Read OpenStreetMap power lines (and substations) into the library's schema.

    Parameters
    ----------
    lines : path or frame
        OSM ``power=line|cable`` ways: GeoJSON/GeoPackage/... with LineStrings
        and the tags ``voltage`` (required), ``circuits``, ``cables``,
        ``frequency`` (0 = DC), ``line``/``location`` (underground), ``name``;
        PyPSA-Earth's cleaned columns (``line_id``, ``tag_type``,
        ``tag_frequency``, ``dc``, ``underground``) are understood too. A
        table with ``bus0``/``bus1`` (PyPSA-Earth's built ``lines.csv``) is
        read with its own topology; ``substations`` must then be its buses.
    substations : path or frame, optional
        ``power=substation`` points or polygons, with an optional ``voltage``
        and ``name``/``name:ko``. PyPSA-Earth's ``all_clean_substations``
        mixes real substations (``tag_area`` empty) with line ends it added
        (``tag_area`` = 0); only the real ones are used.
    min_kv : float, default 100
        Lines below this voltage are dropped (reported).
    voltage_map : mapping of float to float, optional
        Voltage classes to rewrite, in kV, e.g. ``{380: 345, 354: 345}`` for
        evident mistags.
    circuits_from : {"circuits", "cables"}, default "circuits"
        ``"cables"`` reads the ``circuits`` column as a conductor count
        (three per circuit), as in PyPSA-Earth's Korean extract.
    snap_m : float, default 1000
        A line end within this distance of a substation connects to it.
    join_m : float, default 50
        Line ends closer than this are one point (OSM ways split along a route).
    merge_m : float, default 500
        Stand-in buses closer than this, after joining, become one bus (a
        station whose lines end a little apart); tagged substations closer
        than this are one site.
    converter_m : float, default 5000
        An HVDC end that no AC line reaches joins the nearest AC bus within
        this distance (the converter station's substation).
    merge_junctions : bool, default True
        Remove stand-in buses where two like lines meet, joining the routes.
    keep : {"all", "largest"}, default "all"
        ``"largest"`` keeps only the largest connected network (HVDC links
        count) and reports the fragments left out.
    load_roles : sequence of str
        Bus roles whose ``takes_load`` is true (see the module notes).
    metric_crs : str, optional
        CRS for distances; default the UTM zone of the data.
    crs : str, optional
        CRS of inputs that declare none (CSV default EPSG:4326).

    Returns
    -------
    OsmGrid
        ``substations``, ``lines`` and ``dropped``; unpacks as
        ``substations, lines``.

    Raises
    ------
    DataError
        When a required column is missing or no line is left, naming the rows.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> ways = gpd.GeoDataFrame({"voltage": ["345000", "345000;154000"], "cables": [6, 6]},
    ...     geometry=[shapely.LineString([(127.0, 36.0), (127.1, 36.0)]),
    ...               shapely.LineString([(127.1, 36.0), (127.2, 36.1)])], crs=4326)
    >>> grid = read_osm_grid(ways)
    >>> sorted(grid.lines.voltage_kv.tolist()), grid.lines.circuits.tolist()
    ([154.0, 345.0, 345.0], [2, 1, 1])
    >>> grid.substations.role.tolist()  # 345 kV end, then the two stations where 154 kV meets 345 kV
    ['line_end', 'transformer', 'transformer']
    """
    voltage_map = {float(k): float(v) for k, v in (voltage_map or {}).items()}
    raw = read_layer(lines, name="lines", crs=crs)
    if "bus0" in raw.columns and raw["bus0"].notna().any():
        if substations is None:
            V.raise_if(
                [
                    "layer 'lines' has bus0/bus1 (a built network) but no buses were given; "
                    "fix: pass substations=<buses file>."
                ]
            )
        buses = _read(substations, "substations", crs)
        missing = [c for c in ("bus_id", "voltage") if c not in buses.columns]
        if missing:
            V.raise_if(
                [
                    f"layer 'substations': missing columns {missing} for a built network; "
                    "fix: give PyPSA-Earth's buses.csv."
                ]
            )
        return _built_network(raw, buses, voltage_map=voltage_map, min_kv=min_kv, load_roles=load_roles)
    ways = _read(lines, "lines", crs)
    if "voltage" not in ways.columns:
        V.raise_if(
            [
                "layer 'lines': column 'voltage' is missing; "
                "fix: export the OSM tag voltage (volts, e.g. 345000)."
            ]
        )
    dropped: list[dict] = []
    ways = ways.assign(_src=_source_ids(ways), _voltage_raw=ways["voltage"])
    geom = ways.geometry
    bad = geom.isna() | geom.is_empty | ~geom.geom_type.isin(["LineString", "MultiLineString"])
    for rid in ways.loc[bad, "_src"]:
        dropped.append({"layer": "lines", "row": rid, "reason": "geometry is empty or not a line"})
    ways = ways.loc[~bad].copy()
    ways["geometry"] = shapely.line_merge(ways.geometry.values)
    ways = ways.explode(index_parts=False).reset_index(drop=True)
    ways["_src"] = ways["_src"].where(
        ~ways["_src"].duplicated(keep=False), ways["_src"] + "." + ways.groupby("_src").cumcount().astype(str)
    )
    freq = (
        pd.to_numeric(_pick(ways, "frequency", "tag_frequency"), errors="coerce")
        if _pick(ways, "frequency", "tag_frequency") is not None
        else None
    )
    dc = _flag(ways, "dc") | (freq.eq(0) if freq is not None else False)
    ways["kind"] = np.where(dc, "hvdc", "ac")
    kind_tag = _pick(ways, "tag_type", "power")
    ways["cable"] = _flag(ways, "underground") | (
        kind_tag.astype(str).str.lower().eq("cable") if kind_tag is not None else False
    )
    if "location" in ways.columns:
        ways["cable"] |= (
            ways["location"].astype(str).str.lower().isin(["underground", "underwater", "submarine"])
        )
    ways["circuits"] = _circuits(ways, circuits_from)
    constr = _flag(ways, "under_construction")
    for rid in ways.loc[constr, "_src"]:
        dropped.append({"layer": "lines", "row": rid, "reason": "under construction"})
    ways = _explode_voltages(ways.loc[~constr], dropped, min_kv=min_kv, voltage_map=voltage_map)
    if ways.empty:
        V.raise_if(
            [
                f"layer 'lines': no line is left after reading ({len(dropped)} dropped, e.g. {dropped[:3]}); "
                "fix: check the voltage tags and min_kv."
            ]
        )

    metric = metric_crs or default_metric_crs(ways)
    mways = ways.to_crs(metric)
    n = len(mways)
    endpoints = np.concatenate(
        [shapely.get_point(mways.geometry.values, 0), shapely.get_point(mways.geometry.values, -1)]
    )
    tagged, site_xy = _tagged_sites(substations, crs=crs, metric=metric, merge_m=merge_m)
    n_sites = len(site_xy)
    bus_of = np.full(2 * n, -1)
    if n_sites:  # 1. ends near a substation connect to it
        near = shapely.STRtree(tagged.geometry.values).query_nearest(
            endpoints, max_distance=snap_m, all_matches=False
        )
        bus_of[near[0]] = tagged["_site"].to_numpy()[near[1]]
    rest = np.flatnonzero(bus_of < 0)  # 2. coincident ends (way splits) join
    bus_of[rest] = n_sites + _clusters(endpoints[rest], join_m)
    mlines = mways.assign(_from=bus_of[:n], _to=bus_of[n:])
    mlines, endpoints, bus_of, tees = _split_at_taps(
        mlines, endpoints, bus_of, n_sites=n_sites, join_m=join_m
    )
    xy = shapely.get_coordinates(endpoints)
    pos = pd.DataFrame({"bus": bus_of, "x": xy[:, 0], "y": xy[:, 1]}).groupby("bus")[["x", "y"]].mean()
    if n_sites:
        pos = pd.concat([site_xy, pos.loc[pos.index >= n_sites]])
    mlines = _drop_loops(mlines, dropped, f"within {join_m:g} m of each other or at one substation")
    if merge_junctions:
        mlines = _merge_junctions(mlines, n_sites)
    # 3. stand-in buses still within merge_m of each other are one site
    used = np.unique(np.concatenate([mlines["_from"].to_numpy(), mlines["_to"].to_numpy()]))
    standin = used[used >= n_sites]
    relabel = pd.Series(np.arange(len(pos)), index=pos.index)
    if len(standin):
        lab = _clusters(shapely.points(pos.loc[standin, ["x", "y"]].to_numpy()), merge_m)
        first = pd.Series(standin).groupby(lab).transform("min").to_numpy()
        relabel.loc[standin] = first
    mlines = mlines.assign(
        _from=relabel.loc[mlines["_from"]].to_numpy(), _to=relabel.loc[mlines["_to"]].to_numpy()
    )
    pos = pos.groupby(relabel.to_numpy()).mean()
    tees = set(relabel.loc[sorted(tees)].tolist())
    mlines = _drop_loops(mlines, dropped, f"stand-in buses within {merge_m:g} m merged")
    mlines = _join_converters(mlines, pos, converter_m=converter_m)
    if merge_junctions:
        mlines = _merge_junctions(mlines, n_sites)
    if keep == "largest":
        mlines = _largest_component(mlines, dropped)
    subs, out = _tables(
        mlines,
        pos,
        tagged,
        n_sites,
        dropped,
        metric=metric,
        voltage_map=voltage_map,
        load_roles=load_roles,
        keep=keep,
        tees=tees,
    )
    return OsmGrid(
        substations=subs, lines=out, dropped=pd.DataFrame(dropped, columns=["layer", "row", "reason"])
    )


def _tagged_sites(
    substations: Source | None, *, crs: str | None, metric: str, merge_m: float
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Tagged substations in the metric CRS with a ``_site`` label, and site positions.

    Substations within ``merge_m`` of each other share one ``_site``.
    """
    if substations is None:
        return gpd.GeoDataFrame({"_site": []}, geometry=[], crs=metric), pd.DataFrame(columns=["x", "y"])
    subs = _read(substations, "substations", crs)
    if (
        "tag_area" in subs.columns and "symbol" in subs.columns
    ):  # PyPSA-Earth: keep real substations, not line ends
        subs = subs.loc[subs["tag_area"].isna()]
    subs = subs.loc[subs.geometry.notna() & ~subs.geometry.is_empty].to_crs(metric).reset_index(drop=True)
    ref = _pick(subs, "osm_id", "@id", "id", "bus_id")
    subs["_osm"] = (ref if ref is not None else pd.Series(subs.index, index=subs.index)).astype(str)
    if subs.empty:
        return subs.assign(_site=[]), pd.DataFrame(columns=["x", "y"])
    cen = shapely.centroid(subs.geometry.values)
    subs["_site"] = _clusters(cen, merge_m)
    xy = shapely.get_coordinates(cen)
    site_xy = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1]}).groupby(subs["_site"].to_numpy()).mean()
    return subs, site_xy


def _tables(
    mlines: gpd.GeoDataFrame,
    pos: pd.DataFrame,
    tagged: gpd.GeoDataFrame,
    n_sites: int,
    dropped: list[dict],
    *,
    metric: str,
    voltage_map: Mapping[float, float],
    load_roles: Sequence[str],
    keep: str,
    tees: set[int],
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The output substations (with roles and stable ids) and lines."""
    long = pd.concat(
        [
            mlines[["_from", "_kv", "kind"]].rename(columns={"_from": "bus"}),
            mlines[["_to", "_kv", "kind"]].rename(columns={"_to": "bus"}),
        ]
    )
    buses = pd.DataFrame(index=pos.index)
    buses["_tagged"] = buses.index < n_sites
    deg = long.groupby("bus").size()
    unused = ~buses.index.isin(deg.index)
    if keep == "largest" or not n_sites:
        for b in buses.index[unused & buses["_tagged"]]:
            dropped.append(
                {
                    "layer": "substations",
                    "row": ";".join(tagged.loc[tagged["_site"] == b, "_osm"]),
                    "reason": "no line reaches it",
                }
            )
    else:
        unused &= ~buses["_tagged"]
    buses = buses.loc[~unused]
    buses["lines"] = deg.reindex(buses.index).fillna(0).astype(int)
    buses["voltage_kv"] = long.groupby("bus")["_kv"].max().reindex(buses.index)
    if n_sites and "voltage" in tagged.columns:
        tag_kv = tagged.groupby("_site")["voltage"].agg(
            lambda s: max((v for x in s for v in parse_voltage_kv(x)), default=np.nan)
        )
        buses["voltage_kv"] = buses["voltage_kv"].fillna(
            tag_kv.map(lambda v: float(voltage_map.get(v, v))).reindex(buses.index)
        )
    no_kv = buses["voltage_kv"].isna()
    for b in buses.index[no_kv]:
        dropped.append(
            {
                "layer": "substations",
                "row": ";".join(tagged.loc[tagged["_site"] == b, "_osm"]),
                "reason": "no line reaches it and it has no voltage tag",
            }
        )
    buses = buses.loc[~no_kv]
    ac = (
        long.loc[long["kind"] == "ac"]
        .groupby("bus")["_kv"]
        .agg(lambda s: ";".join(f"{v:g}" for v in sorted(set(s), reverse=True)))
    )
    buses["voltages"] = ac.reindex(buses.index).fillna(buses["voltage_kv"].map("{:g}".format))
    classes = buses["voltages"].str.count(";") + 1
    buses["role"] = np.select(
        [
            buses["_tagged"],
            classes >= 2,
            buses.index.isin(sorted(tees)),
            buses["lines"] >= 3,
            buses["lines"] == 1,
        ],
        ["substation", "transformer", "tee", "switching", "line_end"],
        default="junction",
    )
    ll = gpd.GeoSeries(shapely.points(pos.loc[buses.index, ["x", "y"]].to_numpy()), crs=metric).to_crs(
        GEOGRAPHIC_CRS
    )
    lon, lat = ll.x.to_numpy(), ll.y.to_numpy()
    ids = pd.Series(
        [f"b{kv:g}-{la:.3f}-{lo:.3f}" for kv, la, lo in zip(buses["voltage_kv"], lat, lon, strict=False)],
        index=buses.index,
    )
    ids = ids.where(~ids.duplicated(keep=False), ids + "-" + ids.groupby(ids).cumcount().astype(str))
    names = pd.Series("", index=buses.index)
    osm_ref = pd.Series("", index=buses.index)
    if n_sites:
        col = _pick(tagged, "name", "name:en")
        if col is not None:
            first = (
                tagged.assign(_n=col.fillna("").astype(str))
                .groupby("_site")["_n"]
                .agg(lambda s: next((x for x in s if x), ""))
            )
            names = first.reindex(buses.index).fillna("")
        osm_ref = tagged.groupby("_site")["_osm"].agg(";".join).reindex(buses.index).fillna("")
    subs = gpd.GeoDataFrame(
        {
            "substation_id": ids.to_numpy(),
            "name": names.to_numpy(),
            "voltage_kv": buses["voltage_kv"].to_numpy(),
            "voltages": buses["voltages"].to_numpy(),
            "role": buses["role"].to_numpy(),
            "takes_load": buses["role"].isin(list(load_roles)).to_numpy(),
            "lines": buses["lines"].to_numpy(),
            "osm_substation": osm_ref.to_numpy(),
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs=GEOGRAPHIC_CRS,
    )
    line_ids = mlines["_src"].map(lambda s: s.split(";")[0] + (f"+{s.count(';')}" if ";" in s else ""))
    out = gpd.GeoDataFrame(
        {
            "line_id": line_ids.to_numpy(),
            "from_id": ids.loc[mlines["_from"]].to_numpy(),
            "to_id": ids.loc[mlines["_to"]].to_numpy(),
            "voltage_kv": mlines["_kv"].to_numpy(),
            "circuits": mlines["circuits"].to_numpy(),
            "kind": mlines["kind"].to_numpy(),
            "cable": mlines["cable"].to_numpy(),
            "osm_ids": mlines["_src"].to_numpy(),
        },
        geometry=mlines.geometry.values,
        crs=metric,
    ).to_crs(GEOGRAPHIC_CRS)
    dup = out["line_id"].duplicated(keep=False)
    out["line_id"] = out["line_id"].where(
        ~dup, out["line_id"] + "#" + out.groupby("line_id").cumcount().astype(str)
    )
    subs = subs.sort_values("substation_id", kind="stable").reset_index(drop=True)
    return subs, out.sort_values("line_id", kind="stable").reset_index(drop=True)
