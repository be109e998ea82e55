"""The tags of OpenStreetMap power ways: voltage, circuits, kind and cable.

Steps 1 and 2 of :func:`siting.read_osm_grid` (see :mod:`siting.osm`): one
row per way and voltage class, each with ``kind`` (``ac``/``hvdc``),
``cable``, ``circuits``, the voltage ``_kv`` and the source id ``_src``;
every way left out is reported in ``dropped``.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import _validate as V
from .settings import OSM_WIRES

__all__ = ["parse_voltage_kv", "pick", "flag", "source_ids", "circuit_counts", "read_ways"]


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


def pick(frame: pd.DataFrame, *names: str) -> pd.Series | None:
    """The first of the columns ``names`` that ``frame`` has, else None."""
    for n in names:
        if n in frame.columns:
            return frame[n]
    return None


def flag(frame: pd.DataFrame, *names: str) -> pd.Series:
    """A yes/no tag read from the first of the columns ``names``; false where absent."""
    col = pick(frame, *names)
    if col is None:
        return pd.Series(False, index=frame.index)
    return col.map(lambda v: str(v).strip().lower() in ("true", "1", "1.0", "yes"))


def source_ids(frame: pd.DataFrame) -> pd.Series:
    """The source id of each row (``line_id``, ``osm_id``, ``@id`` or ``id``), else its index."""
    col = pick(frame, "line_id", "osm_id", "@id", "id")
    return (col if col is not None else pd.Series(frame.index, index=frame.index)).astype(str)


def circuit_counts(frame: pd.DataFrame, how: str) -> pd.Series:
    """Circuits per way: the tag, else conductors / 3 (see the module notes of :mod:`siting.osm`)."""
    circ = pd.to_numeric(pick(frame, "circuits"), errors="coerce") if "circuits" in frame else None
    cables = pd.to_numeric(frame["cables"], errors="coerce") if "cables" in frame else None
    if how == "cables":
        circ, cables = None, circ
    out = pd.Series(np.nan, index=frame.index)
    if circ is not None:
        out = circ.where(circ > 0)
    if cables is not None:
        out = out.fillna(np.floor(cables / 3).where(cables >= 3))
    return out.fillna(1).clip(lower=1).astype(int)


def read_ways(
    ways: gpd.GeoDataFrame,
    dropped: list[dict],
    *,
    circuits_from: str,
    min_kv: float,
    voltage_map: Mapping[float, float],
) -> gpd.GeoDataFrame:
    """One row per line way and voltage class, with ``kind``, ``cable`` and ``circuits``.

    Ways without a line geometry, under construction, without a numeric
    voltage or below ``min_kv`` are appended to ``dropped``.
    """
    if "voltage" not in ways.columns:
        V.raise_if(
            [
                "layer 'lines': column 'voltage' is missing; "
                "fix: export the OSM tag voltage (volts, e.g. 345000)."
            ]
        )
    ways = _single_lines(ways.assign(_src=source_ids(ways), _voltage_raw=ways["voltage"]), dropped)
    ways["kind"] = np.where(_is_dc(ways), "hvdc", "ac")
    ways["cable"] = _is_cable(ways)
    ways["circuits"] = circuit_counts(ways, circuits_from)
    ways["bundle"] = bundle_sizes(ways)
    constr = flag(ways, "under_construction")
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
    return ways


def _single_lines(ways: gpd.GeoDataFrame, dropped: list[dict]) -> gpd.GeoDataFrame:
    """One LineString per row: drop non-lines, merge each way's parts, number the pieces left."""
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
    return ways


def _is_dc(ways: pd.DataFrame) -> pd.Series:
    """HVDC ways: tagged ``dc``, or a frequency of 0."""
    freq_tag = pick(ways, "frequency", "tag_frequency")
    freq = pd.to_numeric(freq_tag, errors="coerce") if freq_tag is not None else None
    return flag(ways, "dc") | (freq.eq(0) if freq is not None else False)


def bundle_sizes(ways: pd.DataFrame) -> pd.Series:
    """Sub-conductors per phase from the ``wires`` tag (``single`` = 1, ``quad`` = 4); NaN where untagged.

    A multi-valued tag (``"double;single"``) counts only when its values agree.

    Examples
    --------
    >>> bundle_sizes(pd.DataFrame({"wires": ["single", "quad", None, "double;single", "2"]})).tolist()
    [1.0, 4.0, nan, nan, 2.0]
    """
    if "wires" not in ways.columns:
        return pd.Series(np.nan, index=ways.index)

    def one(value: object) -> float:
        parts = {p.strip().lower() for p in str(value).split(";")} if pd.notna(value) else set()
        sizes = {OSM_WIRES.get(p, pd.to_numeric(p, errors="coerce")) for p in parts}
        return float(sizes.pop()) if len(sizes) == 1 else np.nan

    return ways["wires"].map(one).astype(float)


def _is_cable(ways: pd.DataFrame) -> pd.Series:
    """Underground or submarine ways: tagged so, a ``power=cable``, or such a ``location``."""
    kind_tag = pick(ways, "tag_type", "power")
    cable = flag(ways, "underground") | (
        kind_tag.astype(str).str.lower().eq("cable") if kind_tag is not None else False
    )
    if "location" in ways.columns:
        cable |= ways["location"].astype(str).str.lower().isin(["underground", "underwater", "submarine"])
    return cable


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
    lines["_src"] = lines["_src"].where(
        ~multi, lines["_src"] + "@" + lines["_kv"].map("{:g}".format).astype(str)
    )
    return lines.reset_index(drop=True)
