"""Readers for user files: GeoJSON, GeoPackage, Shapefile, or CSV with lon/lat.

Readers only read and rename; validation lives in :mod:`siting._validate` and
the assembled layers in :class:`siting.SitingData`.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Iterable, Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from ._errors import DataError
from .settings import GEOGRAPHIC_CRS

__all__ = ["read_layer", "lines_from_endpoints"]

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
        A GeoJSON, GeoPackage, Shapefile or any file pyogrio reads; a CSV with
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
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
    else:
        path = Path(source)
        if not path.exists():
            raise DataError([f"layer '{name}': file not found: {path}; fix: check the path."])
        try:
            if path.suffix.lower() in (".csv", ".txt"):
                frame = pd.read_csv(path, keep_default_na=True)
            else:
                frame = gpd.read_file(path, layer=layer)
        except Exception as exc:  # pyogrio and pandas raise many types
            raise DataError(
                [
                    f"layer '{name}': cannot read {path}: {exc}; "
                    "fix: give a GeoJSON, GeoPackage, Shapefile or CSV."
                ]
            ) from exc
    if columns:
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
        frame = frame.rename(columns=mapping)
    if isinstance(frame, gpd.GeoDataFrame):
        if frame.crs is None and crs is not None:
            frame = frame.set_crs(crs)
        return frame
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
