"""Invariants of the bundled province layer (built by ``scripts/korea_provinces.py``).

These read only the bundled file, never the raw source: ``source_area_km2``
carries the full-detail KOSTAT area of each province for the area checks.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from siting.datasets import bundled_path

METRIC_CRS = "EPSG:5179"
CAPITAL = {"KR-11", "KR-28", "KR-41"}
ISO_CODES = {f"KR-{n}" for n in (11, 26, 27, 28, 29, 30, 31, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50)}
COLUMNS = ["code", "name", "name_ko", "kostat_code", "capital_region", "source_area_km2"]
COLUMNS += ["renewable_surplus_mw", "solar_max_mw", "onshore_wind_max_mw", "offshore_wind_max_mw", "geometry"]
MAX_BYTES = 1_000_000
AREA_RTOL = 0.01
#: Slivers narrower than this (m) between or inside provinces count as gaps; real sea channels are wider.
GAP_WIDTH_M = 10.0


@pytest.fixture(scope="module")
def provinces() -> gpd.GeoDataFrame:
    return gpd.read_file(bundled_path("provinces"))


def is_coverage(gdf: gpd.GeoDataFrame) -> bool:
    """Whether the layer is a valid polygonal coverage in the metric CRS, without narrow gaps."""
    return bool(shapely.coverage_is_valid(gdf.to_crs(METRIC_CRS).geometry.values, gap_width=GAP_WIDTH_M))


def area_error(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Relative difference of each province's area from its ``source_area_km2``."""
    return gdf.to_crs(METRIC_CRS).area.to_numpy() / 1e6 / gdf["source_area_km2"].to_numpy() - 1


def test_rows_codes_and_columns(provinces):
    assert len(provinces) == 17
    assert provinces["code"].is_unique
    assert set(provinces["code"]) == ISO_CODES
    assert list(provinces.columns) == COLUMNS
    assert provinces["kostat_code"].is_unique
    assert provinces.crs.to_epsg() == 4326


def test_only_seoul_incheon_gyeonggi_are_capital_region(provinces):
    assert provinces["capital_region"].dtype == bool
    assert set(provinces.loc[provinces["capital_region"], "code"]) == CAPITAL


def test_geometries_are_valid_multipolygons(provinces):
    geoms = provinces.geometry.values
    assert shapely.is_valid(geoms).all(), dict(
        zip(provinces["code"], shapely.is_valid_reason(geoms), strict=False)
    )
    assert (provinces.geom_type == "MultiPolygon").all()
    assert not provinces.geometry.is_empty.any()


def test_layer_is_a_valid_coverage(provinces):
    assert is_coverage(provinces)


def test_each_province_area_matches_source(provinces):
    err = area_error(provinces)
    assert (np.abs(err) <= AREA_RTOL).all(), dict(
        zip(provinces["code"], np.round(100 * err, 3), strict=False)
    )


def test_total_area_matches_source(provinces):
    total = provinces.to_crs(METRIC_CRS).area.sum() / 1e6
    assert total == pytest.approx(provinces["source_area_km2"].sum(), rel=AREA_RTOL)


def test_file_under_1_mb():
    assert bundled_path("provinces").stat().st_size < MAX_BYTES


def test_checks_catch_overlap_and_area_change(provinces):
    """The coverage and area checks above fail on a broken layer."""
    moved = provinces.to_crs(METRIC_CRS)
    seoul = moved["code"] == "KR-11"
    moved.loc[seoul, "geometry"] = moved.loc[seoul].translate(xoff=500.0)  # overlaps Gyeonggi and Incheon
    assert not is_coverage(moved)
    grown = provinces.to_crs(METRIC_CRS)
    grown.loc[seoul, "geometry"] = grown.loc[seoul].buffer(1000.0)
    assert np.abs(area_error(grown)).max() > AREA_RTOL
