"""Read an OpenStreetMap transmission grid into the library's substations and lines.

:func:`read_osm_grid` takes OSM ``power=line``/``power=cable`` ways (a plain
GeoJSON export, or PyPSA-Earth's cleaned ``all_clean_lines.geojson``) and,
optionally, ``power=substation`` points or polygons, and returns a bus/line
network in the schema :class:`siting.SitingData` expects.

The ways are LineStrings with the tags ``voltage`` (required), ``circuits``,
``cables``, ``frequency`` (0 = DC), ``line``/``location`` (underground) and
``name``; PyPSA-Earth's cleaned columns (``line_id``, ``tag_type``,
``tag_frequency``, ``dc``, ``underground``) are understood too. Substations
may carry ``voltage`` and ``name`` (else ``name:en``). PyPSA-Earth's
``all_clean_substations`` mixes real substations (``tag_area`` empty) with
line ends it added (``tag_area`` = 0); only the real ones are used.

The reader does what a careful reader of OSM power data has to do, each step
documented and every dropped row reported:

1. **Voltages**: ``voltage`` in volts (values below 1000 are read as kV);
   ``"345000;154000"`` splits a way into one line per voltage; evident
   mistags are mapped to their class (``voltage_map``, e.g.
   ``{380: 345, 354: 345}``); lines below ``min_kv`` are dropped.
2. **Circuits**: the ``circuits`` tag, else ``cables / 3`` (three conductors
   per AC circuit); ``circuits_from="cables"`` reads the ``circuits`` column
   as a conductor count (PyPSA-Earth's extract carries 3, 6, 12).
3. **Buses**: each line end snaps to the nearest substation within
   ``snap_m`` (tagged substations within ``merge_m`` of each other are one
   site); other ends within ``join_m`` of each other (an OSM way split
   along a route) are one point, and the stand-in buses within ``merge_m``
   of each other (a station whose lines end a little apart) become one bus
   at their mean position. An HVDC end that no AC line reaches joins the
   nearest AC bus within ``converter_m`` (the converter station's
   substation). ``keep="largest"`` keeps only the largest connected network
   (HVDC links count) and reports the fragments left out.
4. **Junctions** (``merge_junctions``): a stand-in bus where exactly two
   lines of the same voltage, kind and circuits meet (a way split) is
   removed and the two routes merged, so lines run substation to
   substation on their real routes.
5. **Roles**: every bus gets a ``role`` (``substation``: tagged in OSM;
   ``transformer``: stand-in where two voltage classes meet; ``tee``: where
   a line ends on another line's route, which is split there;
   ``switching``: stand-in where three or more lines meet; ``line_end``:
   stand-in where one line ends, as radial lines end at a station;
   ``junction``: two lines that could not be merged) and ``takes_load``,
   true for the roles in ``load_roles`` (not tees and junctions).

PyPSA-Earth's *built* network (``buses.csv`` with ``bus_id`` and
``lines.csv`` with ``bus0``/``bus1``) is read as it is: its topology is
kept and straight segments join the buses; ``substations`` must then be
its buses.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import _validate as V
from ._osm_buses import Joining, Network, clusters, connect
from ._osm_tags import bundle_sizes, circuit_counts, flag, parse_voltage_kv, pick, read_ways, source_ids
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
        ``bundle`` (sub-conductors per phase from the ``wires`` tag, NaN
        where untagged: the rating table's standard bundle), ``osm_ids``
        (the source ways, ``;``-separated), geometry (the route, EPSG:4326).
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
        OSM ``power=line|cable`` ways (tags in the module notes), or PyPSA-Earth's cleaned or built lines.
    substations : path or frame, optional
        ``power=substation`` points or polygons, or a built network's buses.
    min_kv : float, default 100
        Lines below this voltage are dropped (reported).
    voltage_map : mapping of float to float, optional
        Voltage classes to rewrite, in kV, e.g. ``{380: 345}`` (evident mistags).
    circuits_from : {"circuits", "cables"}, default "circuits"
        ``"cables"`` reads the ``circuits`` column as a conductor count.
    snap_m, join_m, merge_m, converter_m : float, default 1000, 50, 500, 5000
        Metres within which a line end snaps to a substation, ends join,
        stand-in buses (and tagged substations) merge, and an HVDC end joins an AC bus.
    merge_junctions : bool, default True
        Remove stand-in buses where two like lines meet, joining the routes.
    keep : {"all", "largest"}, default "all"
        ``"largest"`` keeps the largest connected network (HVDC links count), reporting the rest.
    load_roles : sequence of str
        Bus roles whose ``takes_load`` is true (see the module notes).
    metric_crs, crs : str, optional
        CRS for distances (default the data's UTM zone); CRS of inputs declaring none (default EPSG:4326).

    Returns
    -------
    OsmGrid
        ``substations``, ``lines`` and ``dropped``; unpacks as ``substations, lines``.

    Raises
    ------
    DataError
        When a required column is missing or no line is left, naming the rows.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> ways = gpd.GeoDataFrame({"voltage": ["345000", "345000;154000"], "cables": [6, 6]}, crs=4326,
    ...     geometry=shapely.linestrings([[(127.0, 36.0), (127.1, 36.0)], [(127.1, 36.0), (127.2, 36.1)]]))
    >>> grid = read_osm_grid(ways)
    >>> sorted(grid.lines.voltage_kv.tolist()), grid.lines.circuits.tolist()
    ([154.0, 345.0, 345.0], [2, 1, 1])
    >>> grid.substations.role.tolist()  # 345 kV end, then the two stations where 154 kV meets 345 kV
    ['line_end', 'transformer', 'transformer']
    """
    voltage_map = {float(k): float(v) for k, v in (voltage_map or {}).items()}
    raw = read_layer(lines, name="lines", crs=crs)
    if "bus0" in raw.columns and raw["bus0"].notna().any():
        buses = _built_buses(substations, crs)
        return _built_network(raw, buses, voltage_map=voltage_map, min_kv=min_kv, load_roles=load_roles)
    raw = _geographic(raw, "lines")
    dropped: list[dict] = []
    ways = read_ways(raw, dropped, circuits_from=circuits_from, min_kv=min_kv, voltage_map=voltage_map)
    metric = metric_crs or default_metric_crs(ways)
    tagged, site_xy = _tagged_sites(substations, crs=crs, metric=metric, merge_m=merge_m)
    how = Joining(snap_m, join_m, merge_m, converter_m, merge_junctions, keep)
    net = connect(ways.to_crs(metric), tagged, site_xy, dropped, how)
    return _output(net, tagged, dropped, voltage_map=voltage_map, load_roles=load_roles, keep=keep)


def _dropped_frame(dropped: list[dict]) -> pd.DataFrame:
    """The rows left out, as :attr:`OsmGrid.dropped`."""
    return pd.DataFrame(dropped, columns=["layer", "row", "reason"])


def _read(source: Source, name: str, crs: str | None) -> gpd.GeoDataFrame:
    """Read a layer that must have geometry, in EPSG:4326."""
    return _geographic(read_layer(source, name=name, crs=crs), name)


def _geographic(frame: pd.DataFrame, name: str) -> gpd.GeoDataFrame:
    """``frame`` in EPSG:4326 (assumed where it declares no CRS); an error if it has no geometry."""
    if not isinstance(frame, gpd.GeoDataFrame):
        V.raise_if(
            [
                f"layer '{name}': no geometry and no lon/lat columns; "
                "fix: give a spatial file or a CSV with lon/lat."
            ]
        )
    return frame.to_crs(GEOGRAPHIC_CRS) if frame.crs is not None else frame.set_crs(GEOGRAPHIC_CRS)


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
    ref = pick(subs, "osm_id", "@id", "id", "bus_id")
    subs["_osm"] = (ref if ref is not None else pd.Series(subs.index, index=subs.index)).astype(str)
    if subs.empty:
        return subs.assign(_site=[]), pd.DataFrame(columns=["x", "y"])
    cen = shapely.centroid(subs.geometry.values)
    subs["_site"] = clusters(cen, merge_m)
    xy = shapely.get_coordinates(cen)
    site_xy = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1]}).groupby(subs["_site"].to_numpy()).mean()
    return subs, site_xy


# -- the output tables ---------------------------------------------------------


def _output(
    net: Network,
    tagged: gpd.GeoDataFrame,
    dropped: list[dict],
    *,
    voltage_map: Mapping[float, float],
    load_roles: Sequence[str],
    keep: str,
) -> OsmGrid:
    """The grid read: substations (with roles and stable ids), lines and the rows dropped."""
    mlines, pos, tees, n_sites = net
    ends = pd.concat(
        [
            mlines[["_from", "_kv", "kind"]].rename(columns={"_from": "bus"}),
            mlines[["_to", "_kv", "kind"]].rename(columns={"_to": "bus"}),
        ]
    )
    buses = _used_buses(ends, pos.index, tagged, n_sites, dropped, keep=keep)
    buses = _bus_voltages(buses, ends, tagged, n_sites, dropped, voltage_map=voltage_map)
    buses["role"] = _roles(buses, tees)
    ll = gpd.GeoSeries(shapely.points(pos.loc[buses.index, ["x", "y"]].to_numpy()), crs=mlines.crs).to_crs(
        GEOGRAPHIC_CRS
    )
    ids = _bus_ids(buses["voltage_kv"], ll)
    subs = _substation_table(buses, ids, ll, tagged, n_sites, load_roles=load_roles)
    out = _line_table(mlines, ids)
    return OsmGrid(
        substations=subs.sort_values("substation_id", kind="stable").reset_index(drop=True),
        lines=out.sort_values("line_id", kind="stable").reset_index(drop=True),
        dropped=_dropped_frame(dropped),
    )


def _site_rows(tagged: gpd.GeoDataFrame, site: int) -> str:
    """The source ids of the tagged substations at ``site``, ``;``-separated."""
    return ";".join(tagged.loc[tagged["_site"] == site, "_osm"])


def _used_buses(
    ends: pd.DataFrame,
    index: pd.Index,
    tagged: gpd.GeoDataFrame,
    n_sites: int,
    dropped: list[dict],
    *,
    keep: str,
) -> pd.DataFrame:
    """The buses that lines reach (with ``keep="all"`` every tagged site too): ``_tagged`` and ``lines``."""
    buses = pd.DataFrame(index=index)
    buses["_tagged"] = buses.index < n_sites
    deg = ends.groupby("bus").size()
    unused = ~buses.index.isin(deg.index)
    if keep == "largest" or not n_sites:
        for b in buses.index[unused & buses["_tagged"]]:
            dropped.append(
                {"layer": "substations", "row": _site_rows(tagged, b), "reason": "no line reaches it"}
            )
    else:
        unused &= ~buses["_tagged"]
    buses = buses.loc[~unused]
    buses["lines"] = deg.reindex(buses.index).fillna(0).astype(int)
    return buses


def _bus_voltages(
    buses: pd.DataFrame,
    ends: pd.DataFrame,
    tagged: gpd.GeoDataFrame,
    n_sites: int,
    dropped: list[dict],
    *,
    voltage_map: Mapping[float, float],
) -> pd.DataFrame:
    """``voltage_kv`` (highest line, else the substation's tag) and ``voltages`` (AC classes).

    Buses with no voltage at all are dropped and reported.
    """
    buses["voltage_kv"] = ends.groupby("bus")["_kv"].max().reindex(buses.index)
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
                "row": _site_rows(tagged, b),
                "reason": "no line reaches it and it has no voltage tag",
            }
        )
    buses = buses.loc[~no_kv]
    ac = (
        ends.loc[ends["kind"] == "ac"]
        .groupby("bus")["_kv"]
        .agg(lambda s: ";".join(f"{v:g}" for v in sorted(set(s), reverse=True)))
    )
    buses["voltages"] = ac.reindex(buses.index).fillna(buses["voltage_kv"].map("{:g}".format))
    return buses


def _roles(buses: pd.DataFrame, tees: set[int]) -> np.ndarray:
    """The ``role`` of each bus (see the module notes)."""
    classes = buses["voltages"].str.count(";") + 1
    return np.select(
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


def _bus_ids(kv: pd.Series, ll: gpd.GeoSeries) -> pd.Series:
    """Stable bus ids from voltage and position (``b345-37.123-127.456``), numbered where they repeat."""
    ids = pd.Series(
        [
            f"b{v:g}-{la:.3f}-{lo:.3f}"
            for v, la, lo in zip(kv, ll.y.to_numpy(), ll.x.to_numpy(), strict=False)
        ],
        index=kv.index,
    )
    return ids.where(~ids.duplicated(keep=False), ids + "-" + ids.groupby(ids).cumcount().astype(str))


def _site_labels(tagged: gpd.GeoDataFrame, index: pd.Index, n_sites: int) -> tuple[pd.Series, pd.Series]:
    """Per bus, the first name of its tagged substations and their source ids (empty for stand-ins)."""
    names = pd.Series("", index=index)
    osm_ref = pd.Series("", index=index)
    if n_sites:
        col = pick(tagged, "name", "name:en")
        if col is not None:
            first = (
                tagged.assign(_n=col.fillna("").astype(str))
                .groupby("_site")["_n"]
                .agg(lambda s: next((x for x in s if x), ""))
            )
            names = first.reindex(index).fillna("")
        osm_ref = tagged.groupby("_site")["_osm"].agg(";".join).reindex(index).fillna("")
    return names, osm_ref


def _substation_table(
    buses: pd.DataFrame,
    ids: pd.Series,
    ll: gpd.GeoSeries,
    tagged: gpd.GeoDataFrame,
    n_sites: int,
    *,
    load_roles: Sequence[str],
) -> gpd.GeoDataFrame:
    """The output substations, as :attr:`OsmGrid.substations` (unsorted)."""
    names, osm_ref = _site_labels(tagged, buses.index, n_sites)
    return gpd.GeoDataFrame(
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
        geometry=gpd.points_from_xy(ll.x.to_numpy(), ll.y.to_numpy()),
        crs=GEOGRAPHIC_CRS,
    )


def _line_table(mlines: gpd.GeoDataFrame, ids: pd.Series) -> gpd.GeoDataFrame:
    """The output lines, as :attr:`OsmGrid.lines` (unsorted): ids from the first source way."""
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
            "bundle": mlines["bundle"].to_numpy(),
            "osm_ids": mlines["_src"].to_numpy(),
        },
        geometry=mlines.geometry.values,
        crs=mlines.crs,
    ).to_crs(GEOGRAPHIC_CRS)
    dup = out["line_id"].duplicated(keep=False)
    out["line_id"] = out["line_id"].where(
        ~dup, out["line_id"] + "#" + out.groupby("line_id").cumcount().astype(str)
    )
    return out


# -- a built network -----------------------------------------------------------


def _built_buses(substations: Source | None, crs: str | None) -> gpd.GeoDataFrame:
    """The buses of a built network (PyPSA-Earth's ``buses.csv``), checked."""
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
    return buses


def _voltage_class(tags: pd.Series, voltage_map: Mapping[float, float]) -> pd.Series:
    """The first voltage class of each ``voltage`` tag in kV, mapped by ``voltage_map`` (NaN if none)."""
    return tags.map(lambda v: (parse_voltage_kv(v) or [np.nan])[0]).map(
        lambda v: float(voltage_map.get(v, v))
    )


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
    b["voltage_kv"] = _voltage_class(b["voltage"], voltage_map)
    ln = lines.copy()
    ln["_kv"] = _voltage_class(ln["voltage"], voltage_map)
    ln["_from"], ln["_to"] = ln["bus0"].astype(str), ln["bus1"].astype(str)
    ids = set(b["_id"])
    bad = ~ln["_from"].isin(ids) | ~ln["_to"].isin(ids) | (ln["_kv"] < min_kv) | ln["_kv"].isna()
    for rid in source_ids(ln.loc[bad]):
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
    out_lines = gpd.GeoDataFrame(
        {
            "line_id": source_ids(ln).to_numpy(),
            "from_id": ln["_from"].to_numpy(),
            "to_id": ln["_to"].to_numpy(),
            "voltage_kv": ln["_kv"].to_numpy(),
            "circuits": circuit_counts(ln, "circuits").to_numpy(),
            "kind": np.where(flag(ln, "dc"), "hvdc", "ac"),
            "cable": flag(ln, "underground").to_numpy(),
            "bundle": bundle_sizes(ln).to_numpy(),
            "osm_ids": source_ids(ln).to_numpy(),
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
    return OsmGrid(substations=subs, lines=out_lines, dropped=_dropped_frame(dropped))
