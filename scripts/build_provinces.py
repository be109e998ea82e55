"""Regenerate ``data/geo/provinces.geojson`` from Natural Earth admin-1.

Source: Natural Earth 1:10m Admin 1 - States, Provinces v4.1.0 (public domain),
as generalised and shipped by Debian's ``qgis-common`` package in
``/usr/share/qgis/resources/data/world_map.gpkg``, layer ``states_provinces``.

    sudo apt-get install qgis-common
    python scripts/build_provinces.py            # rewrites data/geo/provinces.geojson
    python scripts/build_provinces.py --check    # exit 1 if the committed file differs

Coordinates are rounded to 4 decimals (about 10 m), far finer than the
generalised source, so rounding adds no visible error. Areas are printed
against the official figures in ``siting.testing.OFFICIAL_AREA_KM2``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import shapely

SOURCE = Path("/usr/share/qgis/resources/data/world_map.gpkg")
TARGET = Path(__file__).resolve().parent.parent / "data" / "geo" / "provinces.geojson"

# Natural Earth English name -> (ISO 3166-2 code, short English name, Korean name, capital region)
PROVINCES = {
    "Seoul": ("KR-11", "Seoul", "서울특별시", True),
    "Busan": ("KR-26", "Busan", "부산광역시", False),
    "Daegu": ("KR-27", "Daegu", "대구광역시", False),
    "Incheon": ("KR-28", "Incheon", "인천광역시", True),
    "Gwangju": ("KR-29", "Gwangju", "광주광역시", False),
    "Daejeon": ("KR-30", "Daejeon", "대전광역시", False),
    "Ulsan": ("KR-31", "Ulsan", "울산광역시", False),
    "Gyeonggi": ("KR-41", "Gyeonggi", "경기도", True),
    "Gangwon": ("KR-42", "Gangwon", "강원특별자치도", False),
    "North Chungcheong": ("KR-43", "Chungbuk", "충청북도", False),
    "South Chungcheong": ("KR-44", "Chungnam", "충청남도", False),
    "North Jeolla": ("KR-45", "Jeonbuk", "전북특별자치도", False),
    "South Jeolla": ("KR-46", "Jeonnam", "전라남도", False),
    "North Gyeongsang": ("KR-47", "Gyeongbuk", "경상북도", False),
    "South Gyeongsang": ("KR-48", "Gyeongnam", "경상남도", False),
    "Jeju": ("KR-49", "Jeju", "제주특별자치도", False),
    "Sejong": ("KR-50", "Sejong", "세종특별자치시", False),
}


def build(source: Path = SOURCE) -> gpd.GeoDataFrame:
    """Read the Korean rows of the source and give them the bundled schema."""
    raw = gpd.read_file(source, layer="states_provinces", where="adm0_a3 = 'KOR'")
    unknown = set(raw["name"]) - set(PROVINCES)
    if unknown or len(raw) != len(PROVINCES):
        raise SystemExit(f"unexpected provinces in source: {sorted(unknown)} ({len(raw)} rows)")
    rows = [PROVINCES[n] for n in raw["name"]]
    out = gpd.GeoDataFrame(
        {
            "code": [r[0] for r in rows],
            "name": [r[1] for r in rows],
            "name_ko": [r[2] for r in rows],
            "capital_region": [r[3] for r in rows],
        },
        geometry=shapely.set_precision(raw.geometry.values, 1e-4),
        crs="EPSG:4326",
    )
    return out.sort_values("code").reset_index(drop=True)


def write_atomic(gdf: gpd.GeoDataFrame, target: Path) -> None:
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        path = Path(tmp) / target.name
        gdf.to_file(path, driver="GeoJSON", COORDINATE_PRECISION=4, WRITE_NAME="NO")
        path.replace(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file instead of writing")
    args = parser.parse_args(argv)
    gdf = build()
    sys.path.insert(0, str(TARGET.parent.parent.parent))
    from siting.testing import OFFICIAL_AREA_KM2

    area = gdf.to_crs("EPSG:5179").area / 1e6
    for code, name, a in zip(gdf["code"], gdf["name"], area):
        ref = OFFICIAL_AREA_KM2[code]
        print(f"{code} {name:10s} {a:9.0f} km2  official {ref:9.0f}  {100 * (a / ref - 1):+6.1f}%")
    if args.check:
        committed = gpd.read_file(TARGET)
        same = committed[["code", "name", "name_ko", "capital_region"]].equals(gdf[["code", "name", "name_ko", "capital_region"]])
        same = same and all(a.equals_exact(b, 1e-4) for a, b in zip(committed.geometry, gdf.geometry))
        print("committed file matches the source" if same else "committed file DIFFERS from the source")
        return 0 if same else 1
    write_atomic(gdf, TARGET)
    print(f"wrote {TARGET} ({TARGET.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
