"""Schema checks for the input layers, gathering every problem into one error.

Each layer is described by a :class:`LayerSpec`; :func:`check_layer` returns a
list of human-readable problems (layer, column, rows, fix) instead of raising
at the first one, so a user fixes a file in one pass. The caller raises a
single :class:`~siting.DataError` with everything found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._errors import DataError, ScenarioError
from .constants import BUILD_TECHNOLOGIES, REINFORCEMENT_KINDS, STATUSES, TECHNOLOGIES

#: How many row ids a message lists before it summarises the rest.
MAX_IDS_SHOWN = 8


@dataclass(frozen=True)
class LayerSpec:
    """What one input layer must look like.

    Parameters
    ----------
    name : str
        Layer name used in messages (``"substations"``).
    id_column : str
        Column that identifies a row; must be unique.
    required : dict of str to str
        Column name to kind: ``"str"``, ``"number"``, ``"int"`` or ``"bool"``.
    optional : dict of str to str
        Columns that may be absent (a documented default then applies) but
        must have the right kind when present.
    geom_types : tuple of str
        Allowed geometry types; empty means the layer may have no geometry.
    nonnegative : tuple of str
        Numeric columns that must be finite and ``>= 0``.
    allowed : dict of str to tuple
        Columns restricted to a set of values.
    fractions : tuple of str
        Numeric columns that must lie in [0, 1] where given.
    differ : tuple of (str, str)
        Pairs of columns whose ids must differ in every row (a line from a
        substation to itself).
    """

    name: str
    id_column: str
    required: dict[str, str]
    optional: dict[str, str] = field(default_factory=dict)
    geom_types: tuple[str, ...] = ()
    nonnegative: tuple[str, ...] = ()
    allowed: dict[str, tuple] = field(default_factory=dict)
    fractions: tuple[str, ...] = ()
    differ: tuple[tuple[str, str], ...] = ()


PROVINCES = LayerSpec(
    "provinces",
    "code",
    required={"code": "str", "name": "str"},
    optional={
        "name_ko": "str",
        "capital_region": "bool",
        "renewable_surplus_mw": "number",
        **{f"{t}_max_mw": "number" for t in BUILD_TECHNOLOGIES},
    },
    geom_types=("Polygon", "MultiPolygon"),
    nonnegative=("renewable_surplus_mw", *(f"{t}_max_mw" for t in BUILD_TECHNOLOGIES)),
)
SUBSTATIONS = LayerSpec(
    "substations",
    "substation_id",
    required={"substation_id": "str", "voltage_kv": "number"},
    optional={"name": "str", "name_ko": "str", "headroom_mw": "number"},
    geom_types=("Point",),
    nonnegative=("voltage_kv", "headroom_mw"),
)
LINES = LayerSpec(
    "lines",
    "line_id",
    required={"line_id": "str", "from_id": "str", "to_id": "str", "voltage_kv": "number"},
    optional={
        "circuits": "int",
        "kind": "str",
        "capacity_mw": "number",
        "residual_mw": "number",
        "reactance": "number",
        "bundle": "number",
        "rating_source": "str",
        "name": "str",
    },
    geom_types=("LineString", "MultiLineString"),
    nonnegative=("voltage_kv", "circuits", "capacity_mw", "residual_mw", "reactance", "bundle"),
    allowed={"kind": ("ac", "hvdc")},
    differ=(("from_id", "to_id"),),
)
RENEWABLES = LayerSpec(
    "renewables",
    "site_id",
    required={
        "site_id": "str",
        "technology": "str",
        "capacity_mw": "number",
        "capacity_factor": "number",
    },
    optional={"name": "str", "name_ko": "str", "status": "str"},
    geom_types=("Point",),
    nonnegative=("capacity_mw", "capacity_factor"),
    allowed={"technology": TECHNOLOGIES, "status": STATUSES},
    fractions=("capacity_factor",),
)
PLANTS = LayerSpec(
    "plants",
    "plant_id",
    required={"plant_id": "str", "fuel": "str", "capacity_mw": "number"},
    optional={"name": "str", "name_ko": "str", "status": "str", "supply_mw": "number"},
    geom_types=("Point",),
    nonnegative=("capacity_mw", "supply_mw"),
    allowed={"status": STATUSES},
)
REINFORCEMENTS = LayerSpec(
    "reinforcements",
    "project_id",
    required={"project_id": "str", "name": "str", "kind": "str", "source": "str"},
    optional={
        "from_id": "str",
        "to_id": "str",
        "line_id": "str",
        "substation_id": "str",
        "capacity_mw": "number",
        "export_mw": "number",
        "uprate_factor": "number",
        "voltage_kv": "number",
        "reactance": "number",
        "cost_krw_bn": "number",
        "cost_per_km_krw_bn": "number",
        "max_units": "int",
        "earliest_year": "int",
    },
    geom_types=("LineString", "MultiLineString"),
    nonnegative=("voltage_kv", "reactance"),
    allowed={"kind": REINFORCEMENT_KINDS},
    differ=(("from_id", "to_id"),),
)
SPECS = {s.name: s for s in (PROVINCES, SUBSTATIONS, LINES, RENEWABLES, PLANTS, REINFORCEMENTS)}

#: Layers :class:`siting.SitingData` can do without.
OPTIONAL_LAYERS = ("plants", "reinforcements")


def show_ids(ids: Iterable[object]) -> str:
    """Format row ids for a message, listing at most :data:`MAX_IDS_SHOWN`.

    Examples
    --------
    >>> show_ids(["a", "b"])
    "['a', 'b']"
    """
    texts = [str(i) for i in ids]
    shown = texts[:MAX_IDS_SHOWN]
    more = len(texts) - len(shown)
    return repr(shown) + (f" and {more} more" if more else "")


def id_strings(ids: pd.Series) -> pd.Series:
    """Ids of any dtype as text: integers (also 7.0 from a float column) as ``"7"``, the rest with ``str``.

    Missing ids stay missing, so validation can name their rows.

    Examples
    --------
    >>> id_strings(pd.Series([1, 2.0, "a", None, 2.5], dtype=object)).tolist()
    ['1', '2', 'a', None, '2.5']
    """

    def one(v: object) -> object:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return None
        if isinstance(v, (float, np.floating)) and float(v).is_integer():
            return str(int(v))
        if isinstance(v, (np.integer, bool)):
            return str(int(v))
        return str(v)

    return pd.Series([one(v) for v in ids.tolist()], index=ids.index, dtype=object)


def _row_ids(df: pd.DataFrame, spec: LayerSpec, mask: ArrayLike) -> str:
    mask = np.asarray(mask, dtype=bool)
    if spec.id_column in df.columns:
        return show_ids(df.loc[mask, spec.id_column].tolist())
    return "rows " + show_ids(np.flatnonzero(mask).tolist())


def _check_kind(df: pd.DataFrame, spec: LayerSpec, col: str, kind: str) -> list[str]:
    s = df[col]
    where = f"layer '{spec.name}', column '{col}'"
    if kind == "str":
        bad = s.isna() | (s.astype(str).str.strip() == "")
        if col == spec.id_column and bad.any():
            return [f"{where}: empty ids in {_row_ids(df, spec, bad)}; fix: give every row an id."]
        return []
    if kind == "bool":
        if s.dtype == bool:
            return []
        ok = s.isin([True, False, 0, 1, "true", "false", "True", "False", "TRUE", "FALSE"])
        if (~ok).any():
            return [f"{where}: not true/false in {_row_ids(df, spec, ~ok)}; fix: use true or false."]
        return []
    num = pd.to_numeric(s, errors="coerce")
    bad = num.isna() & s.notna()
    problems = []
    if bad.any():
        problems.append(
            f"{where}: not a number in {_row_ids(df, spec, bad)} "
            f"(e.g. {s[bad].iloc[0]!r}); fix: write plain numbers in the units documented."
        )
    if kind == "int":
        frac = num.notna() & (num != np.round(num))
        if frac.any():
            problems.append(f"{where}: not a whole number in {_row_ids(df, spec, frac)}; fix: use integers.")
    return problems


def check_layer(gdf: pd.DataFrame, spec: LayerSpec, *, needs_geometry: bool = True) -> list[str]:
    r"""Return every problem with one layer, without raising.

    Parameters
    ----------
    gdf : GeoDataFrame or DataFrame
        The layer after column renaming.
    spec : LayerSpec
        What the layer must look like.
    needs_geometry : bool, default True
        ``False`` for layers whose geometry can be built later (lines given by
        endpoint ids).

    Returns
    -------
    list of str
        Problems found, each naming the layer, column, rows and the fix.

    Examples
    --------
    >>> import pandas as pd
    >>> for p in check_layer(pd.DataFrame({"code": ["A"]}), PROVINCES, needs_geometry=False):
    ...     print(p.replace("; ", ";\n"))
    layer 'provinces': missing column 'name' (str);
    fix: add it, or map your column to it with columns={'provinces': {'your_column': 'name'}}.
    """
    problems: list[str] = []
    missing = [c for c in spec.required if c not in gdf.columns]
    for col in missing:
        problems.append(
            f"layer '{spec.name}': missing column '{col}' ({spec.required[col]}); fix: add it, or map "
            f"your column to it with columns={{'{spec.name}': {{'your_column': '{col}'}}}}."
        )
    kinds = {**spec.optional, **spec.required}
    for col, kind in kinds.items():
        if col in gdf.columns:
            problems += _check_kind(gdf, spec, col, kind)
    idc = spec.id_column
    if idc in gdf.columns:
        ids = id_strings(gdf[idc])
        dup = ids.duplicated(keep=False) & ids.notna()
        if dup.any():
            problems.append(
                f"layer '{spec.name}', column '{idc}': duplicate ids "
                f"{show_ids(sorted(set(ids[dup])))} in rows {show_ids(np.flatnonzero(dup.values))}; "
                "fix: make every id unique."
            )
    for col in spec.nonnegative:
        if col in gdf.columns:
            num = pd.to_numeric(gdf[col], errors="coerce")
            bad = (num < 0) | np.isinf(num)
            if col in spec.required:
                bad = bad | num.isna()
            if bad.any():
                problems.append(
                    f"layer '{spec.name}', column '{col}': negative, infinite or missing values in "
                    f"{_row_ids(gdf, spec, bad)}; fix: give a finite value >= 0."
                )
    for col in spec.fractions:
        if col in gdf.columns:
            num = pd.to_numeric(gdf[col], errors="coerce")
            over = num > 1
            if over.any():
                problems.append(
                    f"layer '{spec.name}', column '{col}': above 1 in {_row_ids(gdf, spec, over)}; "
                    "fix: give a share between 0 and 1 (0.15, not 15 %)."
                )
    for col, values in spec.allowed.items():
        if col in gdf.columns:
            bad = ~gdf[col].isin(values) & gdf[col].notna()
            if bad.any():
                problems.append(
                    f"layer '{spec.name}', column '{col}': unknown values "
                    f"{show_ids(sorted(set(gdf.loc[bad, col].astype(str))))} in {_row_ids(gdf, spec, bad)}; "
                    f"fix: use one of {list(values)}."
                )
    problems += _check_differ(gdf, spec)
    if spec.geom_types and needs_geometry:
        problems += _check_geometry(gdf, spec)
    return problems


def _check_differ(df: pd.DataFrame, spec: LayerSpec) -> list[str]:
    """Rows whose two ids of a :attr:`LayerSpec.differ` pair are the same (a self-loop line)."""
    problems = []
    for a, b in spec.differ:
        if a in df.columns and b in df.columns:
            same = (id_strings(df[a]) == id_strings(df[b])).to_numpy()
            if same.any():
                problems.append(
                    f"layer '{spec.name}': {a} equals {b} in {_row_ids(df, spec, same)} "
                    f"(a line from {show_ids(sorted(set(id_strings(df.loc[same, a]))))} to itself); "
                    f"fix: drop those rows, or correct the {a} or {b} that is wrong."
                )
    return problems


def _check_geometry(gdf: pd.DataFrame, spec: LayerSpec) -> list[str]:
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        return [f"layer '{spec.name}': no geometry; fix: give a spatial file or lon/lat columns."]
    problems = []
    if gdf.crs is None:
        problems.append(
            f"layer '{spec.name}': no CRS; fix: set it (gdf.set_crs('EPSG:4326') for lon/lat) "
            "or pass crs= to the reader."
        )
    geom = gdf.geometry
    empty = geom.isna() | geom.is_empty
    if empty.any():
        problems.append(
            f"layer '{spec.name}', column 'geometry': empty geometry in {_row_ids(gdf, spec, empty)}; fix: "
            "drop those rows or give coordinates."
        )
    invalid = ~empty & ~geom.is_valid
    if invalid.any():
        problems.append(
            f"layer '{spec.name}', column 'geometry': invalid geometry in {_row_ids(gdf, spec, invalid)}; "
            "fix: repair with shapely.make_valid or GeoSeries.make_valid()."
        )
    wrong = ~empty & ~geom.geom_type.isin(spec.geom_types)
    if wrong.any():
        problems.append(
            f"layer '{spec.name}', column 'geometry': {sorted(set(geom[wrong].geom_type))} in "
            f"{_row_ids(gdf, spec, wrong)}; fix: this layer takes {list(spec.geom_types)}."
        )
    if gdf.crs is not None and gdf.crs.is_geographic and not empty.all():
        b = geom[~empty].bounds
        off = ((b.minx < -180) | (b.maxx > 180) | (b.miny < -90) | (b.maxy > 90)).reindex(
            gdf.index, fill_value=False
        )
        if off.any():
            problems.append(
                f"layer '{spec.name}': coordinates outside -180..180 / -90..90 in {_row_ids(gdf, spec, off)} "
                f"although the CRS ({gdf.crs.to_string()}) is geographic; fix: declare the projected CRS the "
                "coordinates are really in (crs=...), or swap lon and lat columns."
            )
    return problems


def province_codes(values: Iterable[object], provinces: pd.DataFrame, *, field: str) -> list[str]:
    """The province codes that ``values`` name, each by code, English name or Korean name.

    Codes and names ignore case and surrounding spaces. Raises a
    :class:`~siting.ScenarioError` naming every value that matches no
    province, with the nearest spellings.

    Parameters
    ----------
    values : iterable
        Codes (``"KR-26"``), names (``"Busan"``) or Korean names (``"부산광역시"``).
    provinces : DataFrame
        The provinces layer: ``code``, ``name`` and optional ``name_ko``.
    field : str
        The scenario field, for the message.

    Examples
    --------
    >>> prov = pd.DataFrame({"code": ["KR-11", "KR-26"], "name": ["Seoul", "Busan"],
    ...                      "name_ko": ["서울특별시", "부산광역시"]})
    >>> province_codes(["busan", "KR-11", "부산광역시"], prov, field="exclude_provinces")
    ['KR-26', 'KR-11', 'KR-26']
    >>> province_codes(["Busn"], prov, field="exclude_provinces")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    siting._errors.ScenarioError: scenario field 'exclude_provinces' names unknown provinces ['Busn'] (did...
    """
    import difflib

    codes = [str(c) for c in provinces["code"]]
    lookup = {c: c for c in codes} | {c.casefold(): c for c in codes}
    for col in ("name", "name_ko"):
        if col in provinces.columns:
            for name, code in zip(provinces[col], codes, strict=True):
                if isinstance(name, str) and name.strip():
                    lookup.setdefault(name.strip().casefold(), code)
    out: list[str] = []
    unknown: list[str] = []
    for v in values:
        key = str(v).strip()
        found = lookup.get(key) or lookup.get(key.casefold())
        if found is None:
            unknown.append(key)
        else:
            out.append(found)
    if unknown:
        spelled = [
            *codes,
            *(str(n) for col in ("name", "name_ko") if col in provinces for n in provinces[col]),
        ]
        near = {u: difflib.get_close_matches(u, spelled, n=1, cutoff=0.7) for u in unknown}
        hints = "; ".join(f"did you mean {m[0]!r}?" for m in near.values() if m)
        raise ScenarioError(
            f"scenario field '{field}' names unknown provinces {unknown}"
            + (f" ({hints})" if hints else "")
            + f"; fix: use a code, name or Korean name from the provinces layer; codes: {sorted(codes)}."
        )
    return out


def unknown_province_codes(points: pd.DataFrame, codes: Iterable[object], *, name: str) -> list[str]:
    """The problem with a layer's ``province`` column naming codes that are not in ``codes``, if any.

    Examples
    --------
    >>> pts = pd.DataFrame({"site_id": ["a", "b"], "province": ["KR-11", "KR-99"]})
    >>> unknown_province_codes(pts, ["KR-11"], name="renewables")  # doctest: +NORMALIZE_WHITESPACE
    ["layer 'renewables', column 'province': unknown codes ['KR-99'] in ['b']; fix: use the provinces
    layer's codes (['KR-11']) or leave it empty to assign by location."]
    """
    if "province" not in points.columns:
        return []
    known = set(id_strings(pd.Series(list(codes), dtype=object)).dropna())
    given = id_strings(points["province"]).fillna("")
    bad = points["province"].notna() & (given != "") & ~given.isin(known)
    if not bad.any():
        return []
    return [
        f"layer '{name}', column 'province': unknown codes {show_ids(sorted(set(given[bad])))} in "
        f"{_row_ids(points, SPECS[name], bad)}; fix: use the provinces layer's codes "
        f"({show_ids(sorted(known))}) or leave it empty to assign by location."
    ]


def raise_if(problems: list[str]) -> None:
    """Raise one :class:`~siting.DataError` listing ``problems``, if any."""
    if problems:
        raise DataError(problems)
