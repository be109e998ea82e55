"""Build the bundled province layer from the KOSTAT 2018 boundaries.

Imported by ``scripts/build_korea.py``; it reads
``../shared/realdata/kostat/kr_provinces_kostat2018.geojson`` (KOSTAT SGIS
2018 boundaries via ``southkorea/southkorea-maps``, KOGL Type 1) and
``scripts/inputs/korea_renewable_provinces.csv`` (each province's renewable
surplus and new-build potentials, every value with its source or ASSUMPTION:
:func:`renewable_table`), and writes ``data/geo/provinces.geojson``.

Steps, all in EPSG:5179 (Korea 2000 / Unified CS, metres):

1. Repair: ``shapely.make_valid`` on every province (38 of the 114 source
   rings are invalid); only the polygonal parts are kept.
2. Drop island parts under :data:`MIN_PART_KM2` (one cell of the default
   1 km candidate grid in ``scenarios/korea_default.toml``: a smaller part
   cannot hold a candidate) and fill holes under :data:`MIN_HOLE_KM2`
   (slivers left by the repair at self-intersections; real lakes and waters
   enclosed by sea walls are larger and stay).
3. Simplify as a coverage (``shapely.coverage_simplify``, tolerance
   :data:`TOLERANCE_M`) so that neighbours keep one shared border.
4. Reproject to EPSG:4326 and round coordinates to :data:`DECIMALS`
   decimals (about 1 m), then check again: every geometry valid, the layer a
   valid coverage in both CRSs, each province's area within
   :data:`MAX_AREA_ERROR` of its repaired source area.

The source is a valid coverage as published (it was decoded from TopoJSON
arcs): no overlaps and no gaps between provinces; :func:`coverage_defects`
measures this on every build.

Examples
--------
>>> from pathlib import Path
>>> gdf = build_provinces(Path("../shared/realdata") / SOURCE_RELATIVE)  # doctest: +SKIP
>>> write_provinces(gdf, Path("data/geo/provinces.geojson"))  # doctest: +SKIP
>>> print(report(gdf, path=Path("data/geo/provinces.geojson")))  # doctest: +SKIP
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

#: Source file, relative to the shared ``realdata`` folder.
SOURCE_RELATIVE: Final = "kostat/kr_provinces_kostat2018.geojson"
GEOGRAPHIC_CRS: Final = "EPSG:4326"
METRIC_CRS: Final = "EPSG:5179"
#: Island parts smaller than this (km²) are dropped: one 1 km candidate cell.
MIN_PART_KM2: Final = 1.0
#: Holes smaller than this (km²) are filled: repair slivers (3 to 162 m² in the 2018 source).
MIN_HOLE_KM2: Final = 0.01
#: ``coverage_simplify`` tolerance in metres (a tenth of the default 1 km candidate grid).
TOLERANCE_M: Final = 100.0
#: Decimals of the written lon/lat coordinates: 1e-5 degree is about 1.1 m north-south, 0.9 m east-west.
DECIMALS: Final = 5
#: Largest allowed relative difference between a simplified province and its source area.
MAX_AREA_ERROR: Final = 0.01
#: Largest allowed size of the written GeoJSON, bytes.
MAX_BYTES: Final = 1_000_000
#: Renewables for new load, per province: the stated surplus and the most new build of each
#: technology, each value with its source or ASSUMPTION (data/geo/README.md, "Renewables for new
#: load: surplus and new build").
RENEWABLE_INPUT: Final = Path(__file__).resolve().parent / "inputs" / "korea_renewable_provinces.csv"
#: The columns of :data:`RENEWABLE_INPUT` that go into the layer, MW (each has a ``<stem>_source`` twin).
RENEWABLE_COLUMNS: Final = [
    "renewable_surplus_mw",
    "solar_max_mw",
    "onshore_wind_max_mw",
    "offshore_wind_max_mw",
]
#: National limits the new-build columns must respect, MW: the 11th plan's 2038 solar target less
#: what is installed (77.2 - 29.7 GW, pv-magazine 2025 and KPX Sept 2025), the onshore target for
#: 2035 less what is built (12 - 2 GW, Business Post 2025), the 2038 offshore target (40.7 GW,
#: Norton Rose Fulbright 2024-11-26).
NATIONAL_MAX_MW: Final[dict[str, float]] = {
    "solar_max_mw": 47_000.0,
    "onshore_wind_max_mw": 10_000.0,
    "offshore_wind_max_mw": 40_700.0,
}
#: Output columns, in order.
COLUMNS: Final = [
    "code",
    "name",
    "name_ko",
    "kostat_code",
    "capital_region",
    "source_area_km2",
    *RENEWABLE_COLUMNS,
    "geometry",
]

#: Old KOSTAT 2-digit code -> (ISO 3166-2 code, short English name, current Korean name, capital region).
PROVINCES: Final[dict[str, tuple[str, str, str, bool]]] = {
    "11": ("KR-11", "Seoul", "서울특별시", True),
    "21": ("KR-26", "Busan", "부산광역시", False),
    "22": ("KR-27", "Daegu", "대구광역시", False),
    "23": ("KR-28", "Incheon", "인천광역시", True),
    "24": ("KR-29", "Gwangju", "광주광역시", False),
    "25": ("KR-30", "Daejeon", "대전광역시", False),
    "26": ("KR-31", "Ulsan", "울산광역시", False),
    "29": ("KR-50", "Sejong", "세종특별자치시", False),
    "31": ("KR-41", "Gyeonggi", "경기도", True),
    "32": ("KR-42", "Gangwon", "강원특별자치도", False),
    "33": ("KR-43", "Chungbuk", "충청북도", False),
    "34": ("KR-44", "Chungnam", "충청남도", False),
    "35": ("KR-45", "Jeonbuk", "전북특별자치도", False),
    "36": ("KR-46", "Jeonnam", "전라남도", False),
    "37": ("KR-47", "Gyeongbuk", "경상북도", False),
    "38": ("KR-48", "Gyeongnam", "경상남도", False),
    "39": ("KR-49", "Jeju", "제주특별자치도", False),
}


def polygonal_parts(geom: shapely.Geometry) -> np.ndarray:
    """The Polygon parts of a geometry, dropping lines and points.

    Parameters
    ----------
    geom : shapely.Geometry
        Typically the output of ``shapely.make_valid``: a Polygon,
        MultiPolygon or a GeometryCollection holding them with lines.

    Returns
    -------
    numpy.ndarray of Polygon

    Examples
    --------
    >>> gc = shapely.GeometryCollection([shapely.box(0, 0, 1, 1), shapely.LineString([(2, 2), (3, 3)])])
    >>> [p.geom_type for p in polygonal_parts(gc)]
    ['Polygon']
    """
    parts = shapely.get_parts(shapely.get_parts(geom))  # a collection may nest a MultiPolygon
    return parts[shapely.get_type_id(parts) == shapely.GeometryType.POLYGON]


def fill_small_holes(poly: shapely.Polygon, min_area_m2: float) -> shapely.Polygon:
    """Return ``poly`` without its holes smaller than ``min_area_m2``.

    Examples
    --------
    >>> donut = shapely.box(0, 0, 10, 10).difference(shapely.box(4, 4, 5, 5))
    >>> fill_small_holes(donut, 2.0).area
    100.0
    """
    keep = [ring for ring in poly.interiors if shapely.Polygon(ring).area >= min_area_m2]
    return shapely.Polygon(poly.exterior, keep)


def coverage_defects(geoms: np.ndarray) -> dict[str, float]:
    """Measure how far a set of polygons is from a clean coverage.

    Parameters
    ----------
    geoms : numpy.ndarray of (Multi)Polygon
        In a metric CRS.

    Returns
    -------
    dict
        ``invalid_edge_m`` (length of edges ``shapely.coverage_invalid_edges``
        flags), ``overlap_m2`` (area covered by two polygons),
        ``gaps`` / ``gap_m2`` (holes of the union bordered by two or more
        polygons: gaps between neighbours) and ``inner_holes`` /
        ``inner_hole_m2`` (holes of the union inside one polygon: lakes,
        enclosed water, enclaves missing from the layer).

    Examples
    --------
    >>> d = coverage_defects(np.array([shapely.box(0, 0, 1, 1), shapely.box(0.5, 0, 2, 1)]))
    >>> d["overlap_m2"]
    0.5
    """
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]])).sum()
    union = shapely.union_all(geoms)
    holes = np.array(
        [shapely.Polygon(ring) for part in polygonal_parts(union) for ring in part.interiors], dtype=object
    )
    # a hole touched by a single polygon is inside it; one between neighbours is a gap
    n_sides = np.array([len(tree.query(h, predicate="intersects")) for h in holes], dtype=int)
    gap = n_sides > 1
    area = shapely.area(holes)
    return {
        "invalid_edge_m": float(shapely.length(shapely.coverage_invalid_edges(geoms)).sum()),
        "overlap_m2": float(overlap),
        "gaps": int(gap.sum()),
        "gap_m2": float(area[gap].sum()),
        "inner_holes": int((~gap).sum()),
        "inner_hole_m2": float(area[~gap].sum()),
    }


def check_provinces(gdf: gpd.GeoDataFrame) -> None:
    """Raise ``ValueError`` listing every broken invariant of the layer.

    Checks: the 17 ISO codes, every geometry a valid MultiPolygon, a valid
    coverage in EPSG:4326 and in :data:`METRIC_CRS`, each province's
    area within :data:`MAX_AREA_ERROR` of ``source_area_km2``, and every
    value of :data:`RENEWABLE_COLUMNS` a number >= 0.

    Parameters
    ----------
    gdf : GeoDataFrame
        The layer as :func:`build_provinces` returns it or as read back.
    """
    problems = []
    expected = sorted(v[0] for v in PROVINCES.values())
    if sorted(gdf["code"]) != expected:
        problems.append(f"codes {sorted(gdf['code'])} differ from {expected}")
    geo = gdf.to_crs(GEOGRAPHIC_CRS).geometry.values
    metric = gdf.to_crs(METRIC_CRS).geometry.values
    bad = ~shapely.is_valid(geo) | (shapely.get_type_id(geo) != shapely.GeometryType.MULTIPOLYGON)
    if bad.any():
        reasons = shapely.is_valid_reason(geo[bad])
        problems.append(f"invalid geometry: {dict(zip(gdf.loc[bad, 'code'], reasons, strict=False))}")
    if not shapely.coverage_is_valid(geo):
        problems.append(f"not a valid coverage in {GEOGRAPHIC_CRS}")
    if not shapely.coverage_is_valid(metric):
        edges = shapely.length(shapely.coverage_invalid_edges(metric))
        where = {c: round(float(e), 1) for c, e in zip(gdf["code"], edges, strict=False) if e > 0}
        problems.append(f"not a valid coverage in {METRIC_CRS}; invalid edge length (m) by province: {where}")
    error = shapely.area(metric) / 1e6 / gdf["source_area_km2"].to_numpy() - 1
    off = np.abs(error) > MAX_AREA_ERROR
    if off.any():
        pct = dict(zip(gdf.loc[off, "code"], np.round(100 * error[off], 2), strict=False))
        problems.append(f"area off by more than {MAX_AREA_ERROR:.0%}: {pct} %")
    for col in RENEWABLE_COLUMNS:
        values = pd.to_numeric(gdf[col], errors="coerce") if col in gdf else pd.Series([np.nan])
        if not (values >= 0).all():
            problems.append(f"{col} missing, empty or negative")
    if problems:
        raise ValueError("province layer broken: " + "; ".join(problems))


def renewable_table(path: Path = RENEWABLE_INPUT) -> pd.DataFrame:
    """The renewable columns of each province from the sourced input table, checked.

    Every province of :data:`PROVINCES` once; every value of
    :data:`RENEWABLE_COLUMNS` a number >= 0 with its source (the
    ``<stem>_source`` column) filled; each new-build total within
    :data:`NATIONAL_MAX_MW`.

    Parameters
    ----------
    path : Path, default :data:`RENEWABLE_INPUT`

    Returns
    -------
    DataFrame
        ``code`` and :data:`RENEWABLE_COLUMNS`, sorted by ``code``.

    Raises
    ------
    ValueError
        Listing every problem of the table.

    Examples
    --------
    >>> t = renewable_table()
    >>> round(float(t["renewable_surplus_mw"].sum()), 1), int(t["solar_max_mw"].sum())
    (15.0, 46990)
    """
    raw = pd.read_csv(path, dtype={"code": str}, keep_default_na=False)
    problems = []
    expected = sorted(v[0] for v in PROVINCES.values())
    if sorted(raw["code"]) != expected:
        problems.append(f"codes {sorted(raw['code'])} differ from {expected}")
    for col in RENEWABLE_COLUMNS:
        source = col.removesuffix("_mw") + "_source"
        values = pd.to_numeric(raw[col], errors="coerce") if col in raw else None
        if values is None or source not in raw:
            problems.append(f"columns {col} and {source} are both needed")
            continue
        bad = values.isna() | (values < 0) | raw[source].str.strip().eq("")
        if bad.any():
            problems.append(f"{col}: not a number >= 0 with a source in {raw.loc[bad, 'code'].tolist()}")
        if col in NATIONAL_MAX_MW and values.sum() > NATIONAL_MAX_MW[col]:
            most = NATIONAL_MAX_MW[col]
            problems.append(f"{col}: {values.sum():,.0f} MW in all, over the national {most:,.0f}")
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    out = raw[["code"]].assign(**{c: pd.to_numeric(raw[c]).astype(float) for c in RENEWABLE_COLUMNS})
    return out.sort_values("code").reset_index(drop=True)


def build_provinces(
    source: Path,
    *,
    renewables: Path = RENEWABLE_INPUT,
    tolerance_m: float = TOLERANCE_M,
    min_part_km2: float = MIN_PART_KM2,
    min_hole_km2: float = MIN_HOLE_KM2,
) -> gpd.GeoDataFrame:
    """Read the KOSTAT 2018 provinces and return the bundled layer.

    Parameters
    ----------
    source : Path
        ``kr_provinces_kostat2018.geojson`` (see :data:`SOURCE_RELATIVE`).
    renewables : Path, default :data:`RENEWABLE_INPUT`
        The renewable columns per province (:func:`renewable_table`).
    tolerance_m : float, default :data:`TOLERANCE_M`
        ``shapely.coverage_simplify`` tolerance in metres.
    min_part_km2 : float, default :data:`MIN_PART_KM2`
        Polygon parts (islands) smaller than this are dropped.
    min_hole_km2 : float, default :data:`MIN_HOLE_KM2`
        Holes smaller than this are filled.

    Returns
    -------
    GeoDataFrame
        17 rows sorted by ``code``, columns :data:`COLUMNS`, EPSG:4326,
        MultiPolygon geometry with coordinates rounded to :data:`DECIMALS`
        decimals. ``attrs["parts"]`` holds per-province part counts and
        dropped area, ``attrs["source_coverage"]`` the source's
        :func:`coverage_defects`; :func:`report` prints both.

    Raises
    ------
    ValueError
        If the source has other provinces than expected, is not a valid
        coverage, or the result breaks an invariant (:func:`check_provinces`).

    Examples
    --------
    >>> gdf = build_provinces(Path("../shared/realdata") / SOURCE_RELATIVE)  # doctest: +SKIP
    >>> gdf.loc[gdf.capital_region, "name"].tolist()  # doctest: +SKIP
    ['Seoul', 'Incheon', 'Gyeonggi']
    """
    codes, repaired, full, defects = _repaired_source(source)
    rows, stats = _drop_small_parts(codes, repaired, min_part_km2=min_part_km2, min_hole_km2=min_hole_km2)
    simple = shapely.coverage_simplify(np.array(rows), tolerance_m)
    if not (shapely.is_valid(simple).all() and shapely.coverage_is_valid(simple)):
        raise ValueError(f"coverage_simplify(tolerance={tolerance_m}) did not give a valid coverage")

    geo = gpd.GeoSeries(simple, crs=METRIC_CRS).to_crs(GEOGRAPHIC_CRS).values
    geo = shapely.set_precision(geo, 10.0**-DECIMALS, mode="pointwise")  # round each vertex, no re-noding
    meta = pd.DataFrame([PROVINCES[c] for c in codes], columns=["code", "name", "name_ko", "capital_region"])
    meta = meta.merge(renewable_table(renewables), on="code", how="left", validate="one_to_one")
    gdf = gpd.GeoDataFrame(
        meta.assign(kostat_code=codes.to_numpy(), source_area_km2=np.round(shapely.area(full) / 1e6, 1)),
        geometry=geo,
        crs=GEOGRAPHIC_CRS,
    )
    gdf = gdf[COLUMNS].sort_values("code").reset_index(drop=True)
    check_provinces(gdf)
    gdf.attrs["parts"] = (
        pd.DataFrame(stats, columns=["code", "kept", "dropped", "dropped_km2"]).set_index("code").sort_index()
    )
    gdf.attrs["source_coverage"] = defects
    gdf.attrs["settings"] = {
        "tolerance_m": tolerance_m,
        "min_part_km2": min_part_km2,
        "min_hole_km2": min_hole_km2,
    }
    return gdf


def _repaired_source(source: Path) -> tuple[pd.Series, list[np.ndarray], np.ndarray, dict[str, float]]:
    """The KOSTAT codes, each province's repaired polygon parts and MultiPolygon, and the coverage defects.

    Raises ValueError if the provinces are not the expected ones or the
    repaired source is not a valid coverage.
    """
    raw = gpd.read_file(source).to_crs(METRIC_CRS)
    codes = raw["code"].astype(str)
    if sorted(codes) != sorted(PROVINCES):
        raise ValueError(f"{source}: expected KOSTAT codes {sorted(PROVINCES)}, found {sorted(codes)}")
    repaired = [polygonal_parts(g) for g in shapely.make_valid(raw.geometry.values)]
    full = np.array([shapely.multipolygons(p) for p in repaired])
    defects = coverage_defects(full)
    if defects["invalid_edge_m"] > 0 or defects["overlap_m2"] > 0:
        raise ValueError(
            f"{source}: repaired source is not a valid coverage ({defects}); "
            "clean it first (shapely.coverage_clean)"
        )
    return codes, repaired, full, defects


def _drop_small_parts(
    codes: pd.Series, repaired: list[np.ndarray], *, min_part_km2: float, min_hole_km2: float
) -> tuple[list[shapely.MultiPolygon], list[tuple[str, int, int, float]]]:
    """Each province without its small parts and small holes; per province (ISO code, kept, dropped, km2)."""
    rows, stats = [], []
    for code, parts in zip(codes, repaired, strict=False):
        area = shapely.area(parts)
        keep = area >= min_part_km2 * 1e6
        kept = [fill_small_holes(p, min_hole_km2 * 1e6) for p in parts[keep]]
        rows.append(shapely.multipolygons(kept))
        stats.append((PROVINCES[code][0], int(keep.sum()), int((~keep).sum()), area[~keep].sum() / 1e6))
    return rows, stats


def to_geojson_bytes(gdf: gpd.GeoDataFrame) -> bytes:
    """Serialise the layer as RFC 7946 GeoJSON, deterministically.

    Fixed column order (:data:`COLUMNS`), rows sorted by ``code``,
    coordinates printed with :data:`DECIMALS` decimals, no layer name (so no
    temporary file name leaks into the output).

    Examples
    --------
    >>> g = gpd.GeoDataFrame({"code": ["KR-11"]}, geometry=[shapely.box(127, 37, 127.1, 37.1)], crs=4326)
    >>> to_geojson_bytes(g)[:30]
    b'{\\n"type": "FeatureCollection",'
    """
    cols = [c for c in COLUMNS if c in gdf.columns]
    out = gdf[cols].sort_values("code").reset_index(drop=True).to_crs(GEOGRAPHIC_CRS)
    buf = io.BytesIO()
    pyogrio.write_dataframe(
        out,
        buf,
        driver="GeoJSON",
        layer="provinces",
        RFC7946=True,
        COORDINATE_PRECISION=DECIMALS,
        WRITE_NAME=False,
    )
    return buf.getvalue()


def write_provinces(gdf: gpd.GeoDataFrame, path: Path) -> None:
    """Write the layer to ``path`` atomically, after checking what is written.

    The bytes of :func:`to_geojson_bytes` are read back and checked
    (:func:`check_provinces`, size under :data:`MAX_BYTES`), written to a
    temporary file in the same folder and moved over ``path`` with
    ``os.replace``, so readers never see a half-written file.

    Parameters
    ----------
    gdf : GeoDataFrame
        From :func:`build_provinces`.
    path : Path
        Target, e.g. ``data/geo/provinces.geojson``.

    Raises
    ------
    ValueError
        If the serialised layer breaks an invariant or is too large.

    Examples
    --------
    >>> write_provinces(build_provinces(source), Path("data/geo/provinces.geojson"))  # doctest: +SKIP
    """
    data = to_geojson_bytes(gdf)
    if len(data) >= MAX_BYTES:
        raise ValueError(
            f"{path}: {len(data):,} bytes, over the {MAX_BYTES:,} limit; raise the simplification tolerance"
        )
    check_provinces(gpd.read_file(io.BytesIO(data)))
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; a data file is world-readable
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def report(gdf: gpd.GeoDataFrame, *, path: Path | None = None) -> str:
    """Per-province table of area against the source, parts and vertices.

    Parameters
    ----------
    gdf : GeoDataFrame
        From :func:`build_provinces` (part counts and source checks come from
        its ``attrs``; a layer read from disk reports kept parts only).
    path : Path, optional
        The written file, for its size; without it the size is that of
        :func:`to_geojson_bytes`, i.e. of what :func:`write_provinces` writes.

    Returns
    -------
    str
        A plain-text table followed by summary lines.

    Examples
    --------
    >>> print(report(build_provinces(source)))  # doctest: +SKIP
    """
    metric = gdf.to_crs(METRIC_CRS)
    table = pd.DataFrame(
        {
            "code": gdf["code"],
            "name": gdf["name"],
            "area_km2": (metric.area / 1e6).round(1),
            "source_km2": gdf["source_area_km2"],
            "parts": shapely.get_num_geometries(gdf.geometry.values),
            "vertices": shapely.get_num_coordinates(gdf.geometry.values),
        }
    )
    table["diff_pct"] = (100 * (table["area_km2"] / table["source_km2"] - 1)).round(3)
    parts = gdf.attrs.get("parts")
    if parts is not None:
        table = table.join(parts[["dropped", "dropped_km2"]].round(3), on="code")
    total = table[["area_km2", "source_km2", "parts", "vertices"]].sum()
    size = Path(path).stat().st_size if path is not None else len(to_geojson_bytes(gdf))
    lines = [
        table.to_string(index=False),
        f"total: {total['area_km2']:,.1f} km2 vs source {total['source_km2']:,.1f} km2 "
        f"({100 * (total['area_km2'] / total['source_km2'] - 1):+.3f} %), "
        f"{int(total['parts'])} parts, {int(total['vertices']):,} vertices",
        f"file: {size:,} bytes{f' ({path})' if path is not None else ''}, coordinates to {DECIMALS} decimals",
    ]
    if parts is not None:
        lines.append(
            f"dropped: {int(parts['dropped'].sum())} parts "
            f"under {gdf.attrs['settings']['min_part_km2']} km2, {parts['dropped_km2'].sum():.3f} km2 in all"
        )
        lines.append(f"settings: {gdf.attrs['settings']}")
    totals = {c: gdf[c].sum() for c in RENEWABLE_COLUMNS if c in gdf}
    if totals:
        surplus = gdf.loc[gdf["renewable_surplus_mw"] > 0].set_index("code")["renewable_surplus_mw"]
        lines.append(
            "renewables for new load (MW): "
            + ", ".join(f"{c.removesuffix('_mw')} {v:,.1f}" for c, v in totals.items())
            + f"; surplus by province {surplus.to_dict()}"
        )
    if "source_coverage" in gdf.attrs:
        d = gdf.attrs["source_coverage"]
        lines.append(
            f"source coverage: invalid edges {d['invalid_edge_m']:.1f} m, overlaps {d['overlap_m2']:.1f} m2, "
            f"gaps between provinces {d['gaps']} ({d['gap_m2']:.1f} m2), "
            f"holes inside one province {d['inner_holes']} "
            f"({d['inner_hole_m2'] / 1e6:.3f} km2)"
        )
    return "\n".join(lines)
