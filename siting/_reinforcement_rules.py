"""What a candidate-reinforcements layer must say, kind by kind, and its validated form.

:func:`check_reinforcements` returns every problem of the layer that the
generic schema check (:func:`siting._validate.check_layer` with
:data:`siting._validate.REINFORCEMENTS`) cannot see: the columns each
``kind`` needs, positive capacities, factors and costs, and the links to the
substations and lines layers. It reads raw frames, so ``siting validate`` and
:class:`siting.SitingData` report the same problems. :func:`validated_layer`
gives the layer as :attr:`siting.SitingData.reinforcements` holds it.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd

from . import _validate as V
from ._layer_rules import number
from .constants import REINFORCEMENT_KINDS
from .settings import GEOGRAPHIC_CRS

__all__ = ["check_reinforcements", "validated_layer", "ID_COLUMNS", "NUMBER_COLUMNS"]

LAYER = "reinforcements"

#: Columns holding ids of other layers' rows (text; empty where a kind does not use them).
ID_COLUMNS = ("from_id", "to_id", "line_id", "substation_id")

#: Optional numeric columns of the layer (NaN where not given).
NUMBER_COLUMNS = (
    "capacity_mw",
    "export_mw",
    "uprate_factor",
    "voltage_kv",
    "reactance",
    "cost_krw_bn",
    "cost_per_km_krw_bn",
)

#: Per kind, the numeric columns that must be given and > 0, with what each means (for the fix).
_POSITIVE: dict[str, dict[str, str]] = {
    "ac_line": {"capacity_mw": "the line's rating, MW", "cost_krw_bn": "the overnight cost, KRW bn"},
    "hvdc": {"capacity_mw": "the link's rating, MW", "cost_krw_bn": "the overnight cost, KRW bn"},
    "uprate": {"cost_per_km_krw_bn": "the reconductoring cost per km of line, KRW bn"},
    "substation": {"capacity_mw": "the headroom added, MW", "cost_krw_bn": "the overnight cost, KRW bn"},
}


def _ids(frame: pd.DataFrame, col: str) -> pd.Series:
    """Column ``col`` as id text, empty text where absent or missing."""
    if col not in frame.columns:
        return pd.Series("", index=frame.index, dtype=object)
    return V.id_strings(frame[col]).fillna("").str.strip()


def _rows(frame: pd.DataFrame, mask: pd.Series) -> str:
    return V.show_ids(_ids(frame, "project_id")[mask])


def _kinds(frame: pd.DataFrame, *kinds: str) -> pd.Series:
    return frame["kind"].isin(kinds) if "kind" in frame.columns else pd.Series(False, index=frame.index)


def check_reinforcements(
    frame: pd.DataFrame,
    *,
    substations: pd.DataFrame | None = None,
    lines: pd.DataFrame | None = None,
) -> list[str]:
    """Every problem of a reinforcements layer beyond its schema, and in its links to other layers.

    Parameters
    ----------
    frame : DataFrame
        The layer as read (after column renaming).
    substations, lines : DataFrame, optional
        The other layers, as read; links to a layer not given are not checked.

    Returns
    -------
    list of str
        Each problem naming the layer, column, projects and the fix.

    Examples
    --------
    >>> subs = pd.DataFrame({"substation_id": ["a", "b"]})
    >>> r = pd.DataFrame({"project_id": ["P"], "name": ["n"], "source": ["s"], "kind": ["hvdc"],
    ...                   "from_id": ["a"], "to_id": ["z"], "capacity_mw": [2000], "cost_krw_bn": [0]})
    >>> for p in check_reinforcements(r, substations=subs):
    ...     print(p.split(";")[0])
    layer 'reinforcements', column 'cost_krw_bn': missing or not positive in ['P'] (kind hvdc)
    layer 'reinforcements', column 'to_id': ['z'] are not substations (projects ['P'])
    """
    if "kind" not in frame.columns or "project_id" not in frame.columns:
        return []  # check_layer reports the missing columns
    problems = _texts(frame) + _needed_ids(frame) + _positive(frame) + _units(frame) + _exports(frame)
    if substations is not None and "substation_id" in substations.columns:
        known = set(V.id_strings(substations["substation_id"]).dropna())
        problems += _unknown(frame, ("from_id", "to_id"), ("ac_line", "hvdc"), known, "substations")
        problems += _unknown(frame, ("substation_id",), ("substation",), known, "substations")
    if lines is not None and {"line_id", "voltage_kv"} <= set(lines.columns):
        problems += _unknown(
            frame, ("line_id",), ("uprate",), set(V.id_strings(lines["line_id"]).dropna()), "lines"
        )
        problems += _generic_without_lines(frame, lines)
    return problems + _routes(frame)


def _texts(frame: pd.DataFrame) -> list[str]:
    """Empty names, kinds and sources."""
    problems = []
    texts = (
        ("name", "a name"),
        ("kind", f"one of {list(REINFORCEMENT_KINDS)}"),
        ("source", 'a citation, or "ASSUMPTION: ..." with a range'),
    )
    for col, what in texts:
        if col in frame.columns:
            empty = frame[col].isna() | (frame[col].astype(str).str.strip() == "")
            if empty.any():
                problems.append(
                    f"layer '{LAYER}', column '{col}': empty in {_rows(frame, empty)}; fix: give {what}."
                )
    return problems


def _needed_ids(frame: pd.DataFrame) -> list[str]:
    """Ids a kind needs and the row leaves empty."""
    problems = []
    needs = (
        ("from_id", ("ac_line", "hvdc"), "the substation_id of the end the project starts from"),
        ("to_id", ("ac_line", "hvdc"), "the substation_id of the end the project goes to"),
        ("substation_id", ("substation",), "the substation_id whose headroom the project adds to"),
    )
    for col, kinds, what in needs:
        gap = _kinds(frame, *kinds) & (_ids(frame, col) == "")
        if gap.any():
            problems.append(
                f"layer '{LAYER}', column '{col}': missing in {_rows(frame, gap)} (kind {'/'.join(kinds)}); "
                f"fix: give {what}."
            )
    uprate = _kinds(frame, "uprate")
    neither = uprate & (_ids(frame, "line_id") == "") & number(frame, "voltage_kv").isna()
    if neither.any():
        problems.append(
            f"layer '{LAYER}', column 'line_id': missing in {_rows(frame, neither)} (kind uprate) and no "
            "voltage_kv either; fix: give the line_id of the line to reconductor, or leave it empty and give "
            "voltage_kv to uprate every AC line of that voltage."
        )
    ac = _kinds(frame, "ac_line")
    no_x = ac & number(frame, "voltage_kv").isna() & number(frame, "reactance").isna()
    if no_x.any():
        problems.append(
            f"layer '{LAYER}', column 'voltage_kv': missing in {_rows(frame, no_x)} (kind ac_line, no "
            "reactance given); fix: give the line's voltage (the reactance rule needs it) or its reactance."
        )
    return problems


def _positive(frame: pd.DataFrame) -> list[str]:
    """Capacities and costs each kind needs, missing or not > 0; uprate factors not > 1."""
    problems = []
    for kind, cols in _POSITIVE.items():
        rows = _kinds(frame, kind)
        for col, what in cols.items():
            value = number(frame, col)
            bad = rows & ~((value > 0) & np.isfinite(value))
            if bad.any():
                problems.append(
                    f"layer '{LAYER}', column '{col}': missing or not positive in {_rows(frame, bad)} "
                    f"(kind {kind}); fix: give {what}, finite and > 0."
                )
    k = number(frame, "uprate_factor")
    uprate = _kinds(frame, "uprate")
    wrong = (
        ("missing", uprate & k.isna()),
        ("not above 1", uprate & k.notna() & ~((k > 1) & np.isfinite(k))),
    )
    for what, bad in wrong:
        if bad.any():
            problems.append(
                f"layer '{LAYER}', column 'uprate_factor': {what} in {_rows(frame, bad)} (kind uprate); "
                "fix: give a finite k > 1, the new rating over today's (1.6 for a rating 60 % higher)."
            )
    return problems


def _units(frame: pd.DataFrame) -> list[str]:
    """``max_units`` below 1 (whole numbers are checked by the schema)."""
    units = number(frame, "max_units")
    low = units < 1
    if not low.any():
        return []
    return [
        f"layer '{LAYER}', column 'max_units': below 1 in {_rows(frame, low)}; "
        "fix: give a whole number >= 1 (how many times the project may be built), or leave it empty for 1."
    ]


def _exports(frame: pd.DataFrame) -> list[str]:
    """``export_mw`` on a kind that is not a link, or outside ``0..capacity_mw``."""
    export = number(frame, "export_mw")
    given = export.notna()
    if not given.any():
        return []
    problems = []
    other = given & ~_kinds(frame, "ac_line", "hvdc") & (export != 0)
    if other.any():
        problems.append(
            f"layer '{LAYER}', column 'export_mw': given in {_rows(frame, other)}, which are not ac_line or "
            "hvdc projects; fix: leave it empty (only a new line or link carries held-back generation out)."
        )
    cap = number(frame, "capacity_mw")
    links = given & _kinds(frame, "ac_line", "hvdc")
    bad = links & ~(np.isfinite(export) & (export >= 0) & ~(export > cap))
    if bad.any():
        problems.append(
            f"layer '{LAYER}', column 'export_mw': outside 0..capacity_mw in {_rows(frame, bad)}; fix: give "
            "the MW of today's held-back generation one unit carries out, finite, >= 0 and at most its "
            "capacity_mw (or leave it empty for 0)."
        )
    return problems


def _unknown(
    frame: pd.DataFrame, cols: Iterable[str], kinds: Iterable[str], known: set[str], layer: str
) -> list[str]:
    """Ids in ``cols`` of rows of ``kinds`` that are not in the ``layer`` layer."""
    problems = []
    rows = _kinds(frame, *kinds)
    for col in cols:
        ids = _ids(frame, col)
        bad = rows & (ids != "") & ~ids.isin(known)
        if bad.any():
            problems.append(
                f"layer '{LAYER}', column '{col}': {V.show_ids(sorted(set(ids[bad])))} are not {layer} "
                f"(projects {_rows(frame, bad)}); fix: use ids of the {layer} layer, or add those {layer}."
            )
    return problems


def _generic_without_lines(frame: pd.DataFrame, lines: pd.DataFrame) -> list[str]:
    """Generic uprates (no ``line_id``) whose voltage matches no AC line."""
    kind = lines["kind"].fillna("ac") if "kind" in lines.columns else pd.Series("ac", index=lines.index)
    kvs = set(pd.to_numeric(lines.loc[kind == "ac", "voltage_kv"], errors="coerce").dropna())
    kv = number(frame, "voltage_kv")
    bad = _kinds(frame, "uprate") & (_ids(frame, "line_id") == "") & kv.notna() & ~kv.isin(kvs)
    if not bad.any():
        return []
    return [
        f"layer '{LAYER}', column 'voltage_kv': generic uprates {_rows(frame, bad)} match no AC line "
        f"(voltages {sorted(set(kv[bad]))} kV; the lines layer has {sorted(kvs)} kV); "
        "fix: give a voltage of the lines layer, or a line_id."
    ]


def _routes(frame: pd.DataFrame) -> list[str]:
    """Route geometries given but wrong (no CRS, invalid, not lines); empty ones mean straight lines."""
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame.columns:
        return []
    geom = frame.geometry
    given = ~(geom.isna() | geom.is_empty)
    if not given.any():
        return []
    return V._check_geometry(frame[given.to_numpy()], V.REINFORCEMENTS)


def validated_layer(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """The layer as :attr:`siting.SitingData.reinforcements` holds it (after it passed every check).

    Ids are text (``None`` where a kind does not use them), numeric columns
    float (NaN where not given), ``max_units`` int (default 1),
    ``export_mw`` 0 where not given, ``earliest_year`` a nullable int; geometry the given route in EPSG:4326,
    ``None`` where there is none (a straight line between the buses).

    Examples
    --------
    >>> r = pd.DataFrame({"project_id": [7], "name": ["n"], "source": ["s"], "kind": ["substation"],
    ...                   "substation_id": ["a"], "capacity_mw": [100], "cost_krw_bn": [10]})
    >>> v = validated_layer(r)
    >>> v.project_id[0], int(v.max_units[0]), v.geometry[0] is None, v.crs.to_string()
    ('7', 1, True, 'EPSG:4326')
    """
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        gdf = frame.to_crs(GEOGRAPHIC_CRS) if frame.crs is not None else frame.set_crs(GEOGRAPHIC_CRS)
        gdf = gdf.copy()
    else:
        gdf = gpd.GeoDataFrame(pd.DataFrame(frame), geometry=[None] * len(frame), crs=GEOGRAPHIC_CRS)
    gdf["project_id"] = V.id_strings(gdf["project_id"])
    for col in ("name", "kind", "source"):
        gdf[col] = gdf[col].astype(str).str.strip()
    for col in ID_COLUMNS:
        ids = _ids(gdf, col)
        gdf[col] = ids.where(ids != "", None)
    route = gdf.geometry
    gdf = gdf.set_geometry(route.where(route.notna() & ~route.is_empty, None))
    for col in NUMBER_COLUMNS:
        gdf[col] = number(gdf, col).astype(float)
    gdf["export_mw"] = gdf["export_mw"].fillna(0.0)
    gdf["max_units"] = number(gdf, "max_units").fillna(1).astype(int)
    gdf["earliest_year"] = number(gdf, "earliest_year").round().astype("Int64")
    return gdf.reset_index(drop=True)
