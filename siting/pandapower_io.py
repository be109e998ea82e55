"""pandapower nets and MATPOWER cases as ``siting`` input (``pip install 'siting[pandapower]'``).

:func:`net_layers` turns a pandapower net into the five layers of
:class:`siting.SitingData` (:meth:`siting.SitingData.from_pandapower` calls
it); :func:`read_matpower` reads a MATPOWER case through pandapower's
converter and places its buses from a coordinates table. What maps to what:

- in-service buses -> ``substations``: id the bus index, ``voltage_kv`` its
  ``vn_kv``, point from the bus geodata (GeoJSON in ``net.bus.geo`` in
  pandapower 3; x/y in ``net.bus_geodata`` in older nets), read as lon/lat.
  ``headroom_mw`` is left to siting's rule (by voltage class).
- in-service lines -> ``lines`` (``line_<index>``): ``capacity_mw`` is the
  thermal rating sqrt(3) x ``vn_kv`` x ``max_i_ka`` x ``df`` x ``parallel``
  (MVA read as MW, as PyPSA's ``s_nom``), ``reactance`` is ``x_ohm_per_km`` x
  ``length_km`` / ``parallel`` in per unit on 100 MVA at the line's
  ``vn_kv`` (siting's unit, :class:`siting.SitingData`), the route is the
  line's own geodata where it has some, else straight. A line behind an open
  line switch is left out. ``length_km`` is measured on the route, as for
  every siting line.
- in-service two-winding transformers -> ``lines`` too (``trafo_<index>``,
  ``voltage_kv`` its ``vn_hv_kv``): rated ``sn_mva`` x ``parallel``, with their
  short-circuit reactance sqrt(vk² - vkr²) / 100 per unit on ``sn_mva``,
  converted to 100 MVA. So a substation with two voltage levels stays two
  buses joined by its transformers, which keep their own limit (rather than
  merging the buses and losing the transformer rating).
- in-service DC lines -> HVDC ``lines`` (``dcline_<index>``) rated ``max_p_mw``.
- static generators whose ``type`` names a renewable technology
  (:data:`SGEN_TECHNOLOGIES`) -> ``renewables``, with ``capacity_factors``
  (pandapower has none); every other generator, static generator and
  external grid -> ``plants`` (``fuel`` its ``type``, ``external grid`` for an
  external grid), rated ``max_p_mw`` where given, else ``p_mw``; an external
  grid without ``max_p_mw`` is rated by the branches at its bus.
  ``supply_mw`` is left to siting's rule (a share of capacity).
- ``provinces``: the boundary layer you give, else ONE region, the convex
  hull of the buses buffered by :data:`REGION_BUFFER_KM`.

Bus-bus switches are not modelled (each bus stays a substation), and
three-winding transformers and impedances are refused with a clear error.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.geometry

from . import _validate as V
from ._errors import DataError
from ._log import logger
from .costs import RENEWABLE_TECHNOLOGIES
from .io import PathLike, read_layer
from .settings import GEOGRAPHIC_CRS

__all__ = ["net_layers", "read_matpower", "bus_points", "SGEN_TECHNOLOGIES", "REGION_BUFFER_KM"]

#: pandapower static-generator ``type`` (lower case) -> siting renewable technology.
SGEN_TECHNOLOGIES: Final[dict[str, str]] = {
    "pv": "solar",
    "solar": "solar",
    "wp": "onshore_wind",
    "wind": "onshore_wind",
    "wind_onshore": "onshore_wind",
    "wind_offshore": "offshore_wind",
    "offshore_wind": "offshore_wind",
}

#: How far (km) the one region built from the buses reaches beyond their convex hull.
REGION_BUFFER_KM: Final[float] = 2.0

#: Per unit base of siting's ``reactance`` column, MVA.
BASE_MVA: Final[float] = 100.0


def _shape(value: Any) -> shapely.Geometry | None:
    """A geometry from pandapower geodata: a GeoJSON string, a mapping, or a ``geojson`` object."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return shapely.from_geojson(value) if value.strip() else None
    return shapely.geometry.shape(value)  # a mapping, or an object with __geo_interface__


def bus_points(net: Any) -> gpd.GeoSeries:
    """The point of every in-service bus, lon/lat, from ``net.bus.geo`` or ``net.bus_geodata``.

    Raises
    ------
    DataError
        Naming the buses without coordinates, the table read and the fix.

    Examples
    --------
    >>> import pandas as pd
    >>> class Net(dict):
    ...     __getattr__ = dict.__getitem__
    >>> net = Net(bus=pd.DataFrame({"vn_kv": [20.0], "in_service": [True],
    ...                             "geo": ['{"type": "Point", "coordinates": [7.8, 48.4]}']}))
    >>> bus_points(net).iloc[0].wkt
    'POINT (7.8 48.4)'
    """
    bus = net.bus[net.bus["in_service"].astype(bool)]
    if "geo" in bus.columns and bus["geo"].notna().any():
        table, points = "net.bus.geo", pd.Series([_shape(v) for v in bus["geo"]], index=bus.index)
    elif "bus_geodata" in net and len(net["bus_geodata"]):
        table, xy = "net.bus_geodata", net["bus_geodata"].reindex(bus.index)
        points = pd.Series(list(shapely.points(xy[["x", "y"]].to_numpy(dtype=float))), index=bus.index)
        points = points.where(xy[["x", "y"]].notna().all(axis=1), None)  # POINT (nan nan) is no point
    else:
        table, points = "net.bus.geo", pd.Series(None, index=bus.index, dtype=object)
    geo = gpd.GeoSeries(points, index=bus.index, crs=GEOGRAPHIC_CRS)
    missing = geo.isna() | geo.is_empty
    if missing.any():
        raise DataError(
            [
                f"layer 'substations' (pandapower {table}): buses {V.show_ids(bus.index[missing])} "
                f"({int(missing.sum())} of {len(bus)}) have no coordinates (siting maps every bus). "
                "fix: give each bus a lon/lat point in net.bus.geo (GeoJSON, as "
                "pandapower.create_bus(net, ..., geodata=(lon, lat)) writes it), or drop those buses "
                "(pandapower.toolbox.drop_buses); for a MATPOWER case pass coordinates=."
            ]
        )
    return geo


def _open_switch_elements(net: Any, et: str) -> set[int]:
    """Indices of the lines (``et="l"``) or transformers (``"t"``) behind an open switch."""
    sw = net.get("switch")
    if sw is None or not len(sw):
        return set()
    return set(sw.loc[(sw["et"] == et) & ~sw["closed"].astype(bool), "element"].astype(int))


def _in_service(net: Any, table: str, buses: pd.Index, ends: tuple[str, ...], et: str = "") -> pd.DataFrame:
    """The rows of ``net[table]`` in service, not switched off, with every end bus in service."""
    frame = net.get(table)
    if frame is None or not len(frame):
        return pd.DataFrame()
    keep = frame["in_service"].astype(bool) & ~frame.index.isin(list(_open_switch_elements(net, et)))
    for end in ends:
        keep &= frame[end].isin(buses)
    return frame[keep]


def _branch_rows(prefix: str, frame: pd.DataFrame, ends: tuple[str, str], **columns: Any) -> pd.DataFrame:
    """Siting line rows ``<prefix>_<index>`` between the ``ends`` buses of ``frame``, with ``columns``."""
    return pd.DataFrame(
        {
            "line_id": [f"{prefix}_{i}" for i in frame.index],
            "from_id": frame[ends[0]].astype(int).astype(str).to_numpy(),
            "to_id": frame[ends[1]].astype(int).astype(str).to_numpy(),
            **{k: np.asarray(v) if isinstance(v, pd.Series) else v for k, v in columns.items()},
        }
    )


def _lines(net: Any, buses: pd.Index) -> pd.DataFrame:
    """Lines: rated by current, reactance per unit on 100 MVA, routed by their geodata."""
    line = _in_service(net, "line", buses, ("from_bus", "to_bus"), "l")
    if not len(line):
        return pd.DataFrame()
    kv = net.bus["vn_kv"].astype(float).loc[line["from_bus"]].to_numpy()
    derate = line["df"].astype(float) if "df" in line.columns else 1.0
    x_ohm = line["x_ohm_per_km"].astype(float) * line["length_km"].astype(float) / line["parallel"]
    return _branch_rows(
        "line",
        line,
        ("from_bus", "to_bus"),
        voltage_kv=kv,
        capacity_mw=math.sqrt(3.0) * kv * line["max_i_ka"].astype(float) * derate * line["parallel"],
        reactance=x_ohm.to_numpy() / (kv**2 / BASE_MVA),
        geometry=[_shape(g) for g in line["geo"]] if "geo" in line.columns else None,
    )


def _transformers(net: Any, buses: pd.Index) -> pd.DataFrame:
    """Two-winding transformers: rated ``sn_mva``, short-circuit reactance on 100 MVA."""
    trafo = _in_service(net, "trafo", buses, ("hv_bus", "lv_bus"), "t")
    if not len(trafo):
        return pd.DataFrame()
    sn = trafo["sn_mva"].astype(float)
    vk, vkr = trafo["vk_percent"].astype(float), trafo["vkr_percent"].astype(float)
    x_on_sn = np.sqrt(np.maximum(vk**2 - vkr**2, 0.0)) / 100.0
    return _branch_rows(
        "trafo",
        trafo,
        ("hv_bus", "lv_bus"),
        voltage_kv=trafo["vn_hv_kv"].astype(float),
        capacity_mw=sn * trafo["parallel"],
        reactance=x_on_sn * BASE_MVA / sn / trafo["parallel"],
    )


def _dc_lines(net: Any, buses: pd.Index) -> pd.DataFrame:
    """DC lines: HVDC links rated ``max_p_mw``."""
    dc = _in_service(net, "dcline", buses, ("from_bus", "to_bus"))
    if not len(dc):
        return pd.DataFrame()
    kv = net.bus["vn_kv"].astype(float).loc[dc["from_bus"]]
    return _branch_rows(
        "dcline",
        dc,
        ("from_bus", "to_bus"),
        voltage_kv=kv,
        kind="hvdc",
        capacity_mw=dc["max_p_mw"].astype(float),
    )


def _branches(net: Any, pts: gpd.GeoSeries) -> gpd.GeoDataFrame:
    """Lines, two-winding transformers and DC lines as siting lines (see the module's mapping)."""
    _refuse_unsupported(net)
    parts = [f(net, pts.index) for f in (_lines, _transformers, _dc_lines)]
    out = (
        pd.concat([p for p in parts if len(p)], ignore_index=True) if any(map(len, parts)) else pd.DataFrame()
    )
    out = out.reindex(
        columns=[*out.columns, *({"line_id", "from_id", "to_id", "geometry"} - set(out.columns))]
    )
    out["rating_source"] = "pandapower"
    return gpd.GeoDataFrame(out, geometry="geometry", crs=GEOGRAPHIC_CRS)


def _refuse_unsupported(net: Any) -> None:
    """A :class:`DataError` for in-service elements siting cannot model (three-winding trafos, impedances)."""
    problems = []
    for table, fix in (
        ("trafo3w", "replace each by two-winding transformers (net.trafo) from a star bus"),
        ("impedance", "replace each by a line or transformer with its rating"),
    ):
        frame = net.get(table)
        if frame is not None and len(frame) and frame["in_service"].astype(bool).any():
            on = frame.index[frame["in_service"].astype(bool)]
            problems.append(
                f"layer 'lines' (pandapower net.{table}): elements {V.show_ids(on)} are not modelled; "
                f"fix: {fix}, or set them out of service."
            )
    V.raise_if(problems)


def _rating(frame: pd.DataFrame) -> pd.Series:
    """A generator's capacity, MW: ``max_p_mw`` where given and finite, else ``p_mw``."""
    p = frame["p_mw"].astype(float) if "p_mw" in frame.columns else pd.Series(np.nan, index=frame.index)
    if "max_p_mw" in frame.columns:
        top = pd.to_numeric(frame["max_p_mw"], errors="coerce")
        p = top.where(np.isfinite(top) & (top > 0), p)
    return p.abs()


def _generators(
    net: Any, pts: gpd.GeoSeries, lines: pd.DataFrame, capacity_factors: Mapping[str, float]
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Plants and renewables at their buses' points (see the module's mapping)."""
    frames = []
    for table in ("gen", "sgen", "ext_grid"):
        gens = _in_service(net, table, pts.index, ("bus",))
        if not len(gens):
            continue
        kind = (
            gens["type"].fillna("").astype(str) if "type" in gens.columns else pd.Series("", index=gens.index)
        )
        mw = _rating(gens)
        if table == "ext_grid":
            kind = pd.Series("external grid", index=gens.index)
            at = lines.loc[lines["kind"].ne("hvdc")] if "kind" in lines.columns else lines
            reach = pd.concat(
                [at.groupby("from_id")["capacity_mw"].sum(), at.groupby("to_id")["capacity_mw"].sum()]
            )
            by_bus = reach.groupby(level=0).sum()
            mw = mw.fillna(gens["bus"].astype(str).map(by_bus)).fillna(0.0)
        frames.append(
            pd.DataFrame(
                {
                    "id": [f"{table}_{i}" for i in gens.index],
                    "bus": gens["bus"].to_numpy(),
                    "kind": kind.to_numpy(),
                }
            ).assign(capacity_mw=mw.to_numpy(), name=gens["name"].fillna("").astype(str).to_numpy())
        )
    allgen = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["id", "bus", "kind"])
    geometry = pts.loc[allgen["bus"].astype(int)].to_numpy() if len(allgen) else []
    allgen = gpd.GeoDataFrame(allgen.drop(columns="bus"), geometry=list(geometry), crs=GEOGRAPHIC_CRS)
    tech = allgen["kind"].str.lower().map(SGEN_TECHNOLOGIES)
    ren = allgen[tech.notna()].assign(technology=tech[tech.notna()])
    ren = ren.rename(columns={"id": "site_id"}).drop(columns="kind")
    ren["capacity_factor"] = ren["technology"].map(dict(capacity_factors))
    plants = allgen[tech.isna()].rename(columns={"id": "plant_id", "kind": "fuel"})
    plants["fuel"] = plants["fuel"].replace("", "unknown")
    return plants.reset_index(drop=True), ren.reset_index(drop=True)


def _one_region(pts: gpd.GeoSeries, name: str) -> gpd.GeoDataFrame:
    """One region around all buses: their convex hull, :data:`REGION_BUFFER_KM` wider."""
    metric = pts.estimate_utm_crs()
    hull = shapely.convex_hull(shapely.MultiPoint(list(pts.to_crs(metric))))
    area = gpd.GeoSeries([hull.buffer(REGION_BUFFER_KM * 1000.0)], crs=metric).to_crs(GEOGRAPHIC_CRS)
    return gpd.GeoDataFrame({"code": ["NET"], "name": [name or "pandapower network"]}, geometry=area)


def net_layers(
    net: Any,
    *,
    provinces: PathLike | pd.DataFrame | None = None,
    coordinates: PathLike | pd.DataFrame | None = None,
    capacity_factors: Mapping[str, float] | None = None,
) -> dict[str, gpd.GeoDataFrame]:
    """The layers of :class:`siting.SitingData` from a pandapower net (mapping: this module's docstring).

    Parameters
    ----------
    net : pandapowerNet or path
        A net with lon/lat geodata for every in-service bus, or a MATPOWER
        case file (:func:`read_matpower`, placed by ``coordinates``).
    provinces : path or GeoDataFrame, optional
        Boundary layer (``code``, ``name``, polygons); default one region
        around the buses (code ``NET``; logged at INFO).
    coordinates : path or DataFrame, optional
        For a MATPOWER case (required there): ``bus`` and lon/lat columns.
    capacity_factors : mapping of str to float, optional
        Capacity factor by renewable technology for the static generators
        that are renewables; default siting's new-build figures
        (``siting.costs.RENEWABLE_TECHNOLOGIES``, Korean: ASSUMPTION
        elsewhere; pass your country's).

    Returns
    -------
    dict of str to GeoDataFrame
        ``provinces``, ``substations``, ``lines``, ``renewables``, ``plants``.

    Examples
    --------
    >>> import pandapower.networks as pn
    >>> layers = net_layers(pn.mv_oberrhein())
    >>> {name: len(frame) for name, frame in layers.items()}
    {'provinces': 1, 'substations': 179, 'lines': 177, 'renewables': 153, 'plants': 2}
    """
    if isinstance(net, str | os.PathLike):
        if coordinates is None:
            raise DataError(
                [f"MATPOWER case {net}: it has no bus coordinates; fix: pass coordinates= (bus, lon, lat)."]
            )
        net = read_matpower(net, coordinates=coordinates)
    pts = bus_points(net)
    bus = net.bus.loc[pts.index]
    subs = gpd.GeoDataFrame(
        {
            "substation_id": pts.index.astype(str),
            "voltage_kv": bus["vn_kv"].astype(float).to_numpy(),
            "name": bus["name"].fillna("").astype(str).to_numpy() if "name" in bus.columns else "",
        },
        geometry=pts.to_numpy(),
        crs=GEOGRAPHIC_CRS,
    )
    lines = _branches(net, pts)
    factors = {t: tech.capacity_factor for t, tech in RENEWABLE_TECHNOLOGIES.items()} | dict(
        capacity_factors or {}
    )
    plants, renewables = _generators(net, pts, lines, factors)
    if provinces is None:
        region = _one_region(pts, str(net.get("name") or ""))
        logger.info("no provinces given: one region 'NET' around the %d buses", len(pts))
    else:
        region = read_layer(provinces, name="provinces")
    return {
        "provinces": region,
        "substations": subs,
        "lines": lines,
        "renewables": renewables,
        "plants": plants,
    }


def _coordinate_table(coordinates: PathLike | pd.DataFrame) -> pd.DataFrame:
    """``bus``, ``lon``, ``lat`` from a frame or CSV with a ``bus`` column and lon/lat columns."""
    frame = read_layer(coordinates, name="coordinates")
    if "bus" not in frame.columns or not isinstance(frame, gpd.GeoDataFrame):
        raise DataError(
            [
                f"coordinates: columns {list(frame.columns)} lack 'bus' or lon/lat; "
                "fix: give a table with columns bus, lon, lat (bus: the MATPOWER bus number)."
            ]
        )
    pts = frame.geometry.to_crs(GEOGRAPHIC_CRS)
    return pd.DataFrame({"bus": pd.to_numeric(frame["bus"]).astype(int), "lon": pts.x, "lat": pts.y})


def read_matpower(path: PathLike, *, coordinates: PathLike | pd.DataFrame) -> Any:
    """A MATPOWER case as a pandapower net, its buses placed by ``coordinates`` (MATPOWER has none).

    Parameters
    ----------
    path : path
        A MATPOWER case as pandapower's ``from_mpc`` reads it (``.mat``;
        ``.m`` with ``matpowercaseframes`` installed).
    coordinates : path or DataFrame
        Columns ``bus`` (the MATPOWER bus number, first column of
        ``mpc.bus``) and lon/lat (``lon``/``lat`` or ``longitude``/``latitude``).

    Returns
    -------
    pandapowerNet
        Bus ``i`` of the net is MATPOWER bus ``i + 1``, as ``from_mpc`` numbers them.

    Raises
    ------
    DataError
        If the file cannot be read, or the table names buses the case lacks.
    """
    try:
        from pandapower.converter.matpower import from_mpc
    except ImportError as exc:  # pragma: no cover - the extra is installed in tests
        raise ImportError(
            "reading MATPOWER cases needs pandapower: pip install 'siting[pandapower]'"
        ) from exc
    if not Path(path).exists():
        raise DataError([f"MATPOWER case: file not found: {path}; fix: check the path."])
    net = from_mpc(str(path))
    table = _coordinate_table(coordinates)
    index = table["bus"] - 1  # from_mpc numbers bus b as b - 1
    unknown = ~index.isin(net.bus.index)
    if unknown.any():
        raise DataError(
            [
                f"coordinates, column 'bus': buses {V.show_ids(table.loc[unknown, 'bus'])} are not in "
                f"{path}; fix: use the MATPOWER bus numbers (first column of mpc.bus)."
            ]
        )
    geo = [
        json.dumps({"type": "Point", "coordinates": [x, y]})
        for x, y in zip(table["lon"], table["lat"], strict=True)
    ]
    net.bus["geo"] = pd.Series(geo, index=index.to_numpy(), dtype=object).reindex(net.bus.index)
    return net
