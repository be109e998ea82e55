"""Readers for user files: GeoJSON, GeoPackage, Shapefile, GeoParquet, or CSV with lon/lat.

:func:`read_layer` reads one layer; :func:`folder_sources` finds the layers
of a data folder, by name or as its ``siting-data.toml`` says. Readers only
read and rename; validation lives in :mod:`siting._validate` and the
assembled layers in :class:`siting.SitingData`.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Hashable, Iterable, Mapping
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import pandas as pd
import shapely

from . import _validate as V
from ._errors import DataError, SitingError
from .export import require_parquet
from .settings import GEOGRAPHIC_CRS

__all__ = [
    "read_layer",
    "lines_from_endpoints",
    "folder_sources",
    "find_layers",
    "FOLDER_SUFFIXES",
    "FOLDER_SPEC",
]

PathLike = str | os.PathLike

#: Column names accepted for longitude and latitude in CSV files.
LON_NAMES = ("lon", "longitude", "lng", "x")
LAT_NAMES = ("lat", "latitude", "y")


def _pick(columns: Iterable[str], names: Iterable[str]) -> str | None:
    lower = {c.lower(): c for c in columns}
    return next((lower[n] for n in names if n in lower), None)


def read_layer(
    source: PathLike | pd.DataFrame,
    *,
    name: str,
    columns: Mapping[Hashable, str] | None = None,
    layer: str | None = None,
    crs: str | None = None,
) -> pd.DataFrame:
    """Read one input layer and rename its columns.

    Parameters
    ----------
    source : path or (Geo)DataFrame
        A GeoJSON, GeoPackage, Shapefile or any file pyogrio reads; a
        GeoParquet file (``.parquet``, needs ``pyarrow``: ``siting[parquet]``;
        Parquet without geometry is read as a CSV is); a CSV with
        longitude/latitude columns (``lon``/``lat``, ``longitude``/``latitude``
        or ``x``/``y``); or a frame already in memory.
    name : str
        Layer name, used in error messages.
    columns : mapping, optional
        ``{"your_column": "siting_column"}`` renames applied after reading;
        your column names may be of any type (e.g. integer positions of a
        frame without a header). Names not in the layer raise ``DataError``.
    layer : str, optional
        Layer inside a multi-layer file such as a GeoPackage.
    crs : str, optional
        CRS of CSV coordinates (default EPSG:4326), or the CRS to assume for a
        spatial file that declares none.

    Returns
    -------
    GeoDataFrame or DataFrame
        A DataFrame only for a CSV without coordinates (lines given by ids).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": ["a"], "lon": [127.0], "lat": [37.5]})
    >>> read_layer(df, name="substations", columns={"id": "substation_id"}).crs.to_string()
    'EPSG:4326'
    """
    frame = _read_source(source, name=name, layer=layer)
    if columns:
        frame = _rename(frame, columns, name=name)
    if isinstance(frame, gpd.GeoDataFrame):
        if frame.crs is None and crs is not None:
            frame = frame.set_crs(crs)
        return frame
    return _with_points(frame, name=name, crs=crs)


def _read_source(source: PathLike | pd.DataFrame, *, name: str, layer: str | None) -> pd.DataFrame:
    """A copy of the frame given, or the file read (a CSV as a plain DataFrame)."""
    if isinstance(source, pd.DataFrame):
        return source.copy()
    path = Path(source)
    if not path.exists():
        raise DataError([f"layer '{name}': file not found: {path}; fix: check the path."])
    try:
        if path.suffix.lower() in (".csv", ".txt"):
            return pd.read_csv(path, keep_default_na=True)
        if path.suffix.lower() == ".parquet":
            return _read_parquet(path, name=name)
        return gpd.read_file(path, layer=layer)
    except SitingError:
        raise
    except Exception as exc:  # pyogrio and pandas raise many types
        raise DataError(
            [
                f"layer '{name}': cannot read {path}: {exc}; "
                "fix: give a GeoJSON, GeoPackage, Shapefile, GeoParquet or CSV."
            ]
        ) from exc


def _read_parquet(path: Path, *, name: str) -> pd.DataFrame:
    """A GeoParquet file as a GeoDataFrame; a Parquet file without geometry as a DataFrame."""
    require_parquet(f"layer '{name}' ({path})")
    import pyarrow.parquet as pq

    if b"geo" in (pq.read_schema(path).metadata or {}):
        return gpd.read_parquet(path)
    return pd.read_parquet(path)


def _rename(frame: pd.DataFrame, columns: Mapping[Hashable, str], *, name: str) -> pd.DataFrame:
    """``frame`` with the ``columns=`` renames applied; an error naming columns it does not have."""
    have = {str(c): c for c in frame.columns}
    mapping = {}
    for ours, theirs in dict(columns).items():
        if ours in frame.columns:
            mapping[ours] = theirs
        elif str(ours) in have:  # 0 for a CSV header "0", or the other way round
            mapping[have[str(ours)]] = theirs
    missing = [c for c in columns if c not in frame.columns and str(c) not in have]
    if missing:
        raise DataError(
            [
                f"layer '{name}': columns= names {missing}, which the layer does not have "
                f"(it has {list(frame.columns)[:20]}); fix: use the layer's own column names."
            ]
        )
    return frame.rename(columns=mapping)


def _with_points(frame: pd.DataFrame, *, name: str, crs: str | None) -> pd.DataFrame:
    """Point geometry from the longitude/latitude columns, which are dropped; ``frame`` if it has none."""
    lon, lat = _pick(frame.columns, LON_NAMES), _pick(frame.columns, LAT_NAMES)
    if lon is None or lat is None:
        return frame
    x = pd.to_numeric(frame[lon], errors="coerce")
    y = pd.to_numeric(frame[lat], errors="coerce")
    bad = x.isna() | y.isna()
    if bad.any():
        raise DataError(
            [
                f"layer '{name}', columns '{lon}'/'{lat}': missing or non-numeric coordinates "
                f"in rows {list(frame.index[bad][:8])}; fix: give numbers."
            ]
        )
    geometry = gpd.points_from_xy(x, y)
    return gpd.GeoDataFrame(frame.drop(columns=[lon, lat]), geometry=geometry, crs=crs or GEOGRAPHIC_CRS)


def lines_from_endpoints(lines: pd.DataFrame, substations: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Build straight line geometries between endpoint substations.

    Rows that already have a geometry keep it; rows without one get a straight
    segment from ``from_id`` to ``to_id``. Endpoints must exist (validated
    before this is called).

    Parameters
    ----------
    lines : DataFrame
        With ``from_id`` and ``to_id``.
    substations : GeoDataFrame
        With ``substation_id``, in any CRS.

    Returns
    -------
    GeoDataFrame
        In the CRS of ``substations``.

    Examples
    --------
    >>> import pandas as pd, geopandas as gpd
    >>> subs = gpd.GeoDataFrame({"substation_id": ["a", "b"]},
    ...     geometry=gpd.points_from_xy([127, 128], [36, 36]), crs=4326)
    >>> lines_from_endpoints(pd.DataFrame({"from_id": ["a"], "to_id": ["b"]}), subs).geometry[0].wkt
    'LINESTRING (127 36, 128 36)'
    """
    pts = substations.set_index("substation_id").geometry
    a = shapely.get_coordinates(pts.loc[lines["from_id"]].values)
    b = shapely.get_coordinates(pts.loc[lines["to_id"]].values)
    straight = shapely.linestrings([[tuple(p), tuple(q)] for p, q in zip(a, b, strict=False)])
    if isinstance(lines, gpd.GeoDataFrame) and lines.geometry.name in lines.columns:
        geom = lines.geometry.to_crs(substations.crs) if lines.crs is not None else lines.geometry
        have = geom.notna() & ~geom.is_empty
        straight = gpd.GeoSeries(straight, index=lines.index, crs=substations.crs).where(~have, geom)
        data = pd.DataFrame(lines.drop(columns=lines.geometry.name))
    else:
        data = pd.DataFrame(lines)
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(straight, index=lines.index), crs=substations.crs)


#: File suffixes :meth:`siting.SitingData.from_folder` recognises, in order of preference.
FOLDER_SUFFIXES: Final[tuple[str, ...]] = (".gpkg", ".geojson", ".json", ".shp", ".parquet", ".csv")

#: The file in a data folder that names its layers' files, columns and CRS.
FOLDER_SPEC: Final[str] = "siting-data.toml"


def folder_sources(folder: PathLike) -> dict[str, Any]:
    r"""Arguments for :meth:`siting.SitingData.from_files` from a folder (see its ``from_folder``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "siting-data.toml").write_text('[lines]\npath = "grid.csv"\ncolumns = { a = "from_id" }\n')
    >>> folder_sources(d)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    siting._errors.DataError: 4 problems in the input data:
      - layer 'provinces': no file provinces.* in ...
    """
    out, problems = find_layers(folder)
    V.raise_if(problems)
    return out


def find_layers(folder: PathLike) -> tuple[dict[str, Any], list[str]]:
    r"""What :func:`folder_sources` finds, and every problem, without raising for them.

    ``siting validate --data`` checks the layers found even when others
    are missing.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "lines.csv").write_text("line_id,from_id,to_id,voltage_kv\n")
    >>> sources, problems = find_layers(d)
    >>> sources["lines"].name, len(problems)
    ('lines.csv', 3)
    """
    root = Path(folder)
    if not root.is_dir():
        return {"columns": {}, "layers": {}, "crs": {}}, [
            f"data folder {root} does not exist or is not a folder; fix: give a folder of layer files."
        ]
    spec = _folder_spec(root)
    top = {k: spec[k] for k in FOLDER_SETTINGS if k in spec}
    unknown = sorted(set(spec) - set(V.SPECS) - set(FOLDER_SETTINGS))
    problems = [
        f"{root / FOLDER_SPEC}: unknown tables {unknown}; "
        f"fix: use {sorted(V.SPECS)} and {', '.join(FOLDER_SETTINGS)}."
    ] * bool(unknown)
    out: dict[str, Any] = {"columns": {}, "layers": {}, "crs": {}, **top}
    for name in V.SPECS:
        entry = spec.get(name, {})
        path = _layer_file(root, name, entry, problems)
        if path is None:
            continue
        out[name] = path
        for key, arg in (("columns", "columns"), ("layer", "layers"), ("crs", "crs")):
            if key in entry:
                out[arg][name] = entry[key]
    return out, problems


#: Settings at the top of ``siting-data.toml`` (not layer tables), passed to
#: :meth:`siting.SitingData.from_files` as they are.
FOLDER_SETTINGS: Final[tuple[str, ...]] = ("metric_crs", "line_ratings")


def _folder_spec(root: Path) -> dict[str, Any]:
    """The folder's ``siting-data.toml`` as a dict, empty if there is none."""
    if not (root / FOLDER_SPEC).exists():
        return {}
    try:
        return tomllib.loads((root / FOLDER_SPEC).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError([f"{root / FOLDER_SPEC}: cannot read it: {exc}; fix: correct the TOML."]) from exc


def _layer_file(root: Path, name: str, entry: Any, problems: list[str]) -> Path | None:
    """The file of layer ``name``: as its ``entry`` in the spec says, else found by name; problems noted."""
    bad = sorted(set(entry) - {"path", "layer", "crs", "columns"}) if isinstance(entry, dict) else ["?"]
    if bad:
        problems.append(
            f"{root / FOLDER_SPEC} [{name}]: unknown keys {bad}; fix: use path, layer, crs, columns."
        )
        return None
    if "path" in entry:
        path = root / str(entry["path"])
        if not path.exists():
            problems.append(f"layer '{name}': {path} (from {FOLDER_SPEC}) does not exist; fix: correct path.")
        return path
    found = [p for s in FOLDER_SUFFIXES for p in sorted(root.glob(f"{name}{s}"))]
    if not found:
        if name not in V.OPTIONAL_LAYERS:
            problems.append(
                f"layer '{name}': no file {name}.* in {root} (looked for {list(FOLDER_SUFFIXES)}); "
                f"fix: add one, or name its file in {FOLDER_SPEC} ([{name}] path = ...)."
            )
        return None
    return found[0]
