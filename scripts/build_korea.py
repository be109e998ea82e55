"""Regenerate every bundled Korean layer in ``data/geo/`` from real public sources.

Inputs are the raw files in ``../shared/realdata/`` (see its README): KOSTAT
2018 province boundaries (KOGL Type 1), the OpenStreetMap transmission grid
as cleaned by PyPSA-Earth (ODbL 1.0), the WRI Global Power Plant Database
v1.3 (CC BY 4.0) and OSM generators; and the sourced tables in
``scripts/inputs/`` (the renewable surplus and new-build potential of each
province: ``korea_renewable_provinces.csv``); the candidate reinforcements
of ``korea_reinforcements.py`` (cited public projects). Users never need them:
the output is committed and installed with the package.

    python scripts/build_korea.py                 # rewrite data/geo/*
    python scripts/build_korea.py --check         # exit 1 if data/geo differs from what it would write
    python scripts/build_korea.py --source DIR    # raw data elsewhere

The grid is read by :func:`siting.read_osm_grid` and the plants by
:func:`siting.read_gppd`, the same code a user runs on another country. The
output is deterministic (sorted rows, rounded coordinates) and written
atomically: each file goes to a temporary name beside its target first.
"""

from __future__ import annotations

import argparse
import filecmp
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))

import korea_plants  # noqa: E402
import korea_provinces  # noqa: E402
import korea_reinforcements  # noqa: E402
import korea_renewables  # noqa: E402
import korea_supply  # noqa: E402

import siting  # noqa: E402
from siting.settings import GEOGRAPHIC_CRS, KOREA_METRIC_CRS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "realdata"
TARGET = ROOT / "data" / "geo"
#: Substation names of siting 0.1, compiled from memory and never verified;
#: used only as labels for the bus they stand for (see data/geo/README.md).
NAMES_V01: Final[Path] = Path(__file__).resolve().parent / "inputs" / "substation_names_v0.1.csv"

#: Evident voltage mistags in the OSM extract, mapped to their class (kV).
VOLTAGE_MISTAGS: Final[dict[float, float]] = {380.0: 345.0, 354.0: 345.0, 145.0: 154.0}

#: Simplification of line routes for the bundled file, metres (EPSG:5179):
#: far below the precision of OSM routes at national scale; lengths are
#: checked against the full-detail route (``route_km``).
ROUTE_TOLERANCE_M: Final[float] = 20.0

#: Decimal places of lon/lat in the bundled files (about 1 m).
COORD_DECIMALS: Final[int] = 5

#: Radius around the export-region plants that bounds each coastal
#: generation area, km (ASSUMPTION; the lines leaving it are the export
#: corridors that KBS 2025-06-20 reports as full).
EXPORT_AREA_KM: Final[float] = 30.0

#: Published ratings of the Jeju HVDC links in the OSM extract, by DC voltage
#: (kV): MW and where the figure comes from. The third link (Wando–Dongjeju,
#: 200 MW, +/-150 kV VSC, in service December 2024, HVDC World 2024-12-12) is
#: not in the OSM snapshot. Alstom, the converter supplier, describes link #2 as
#: a "400 MW HVDC bipole" (energyland.info): the 250 MW KEPCO figure is kept as
#: the conservative one (range 250-400 MW in data/geo/README.md).
JEJU_HVDC: Final[dict[float, tuple[float, str]]] = {
    180.0: (300.0, "published: HVDC Haenam–Jeju #1, 300 MW, ±180 kV, 101 km (Wikipedia, HVDC Haenam–Cheju)"),
    250.0: (250.0, "published: HVDC Jindo–Jeju #2, 250 MW, 122 km (KEPCO via cdiver.net; KOREA_FACTS)"),
}


def build_grid(source: Path) -> siting.OsmGrid:
    """Read the OSM grid and keep its largest connected network."""
    osm = source / "osm_pypsa_kr"
    return siting.read_osm_grid(
        osm / "all_clean_lines.geojson",
        osm / "all_clean_substations.geojson",
        voltage_map=VOLTAGE_MISTAGS,
        circuits_from="cables",
        keep="largest",
        metric_crs=KOREA_METRIC_CRS,
    )


def _province_of(points: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame) -> pd.Series:
    """ISO code of the province containing each point, else the nearest one."""
    m = points[[points.geometry.name]].to_crs(KOREA_METRIC_CRS)
    prov = provinces[["code", "geometry"]].to_crs(KOREA_METRIC_CRS)
    joined = gpd.sjoin_nearest(m, prov, how="left")
    return joined.loc[~joined.index.duplicated(), "code"].reindex(points.index)


def _bearing(dx: float, dy: float) -> str:
    names = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"]
    return names[int(((math.degrees(math.atan2(dx, dy)) + 360 + 22.5) % 360) // 45)]


def name_substations(subs: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Names from siting 0.1 where one lies within its stated precision, descriptive names elsewhere.

    Each old named substation goes to the nearest bus that carries its
    voltage class within its ``precision_km``, closest pairs first, one name
    per bus. Every other bus is named by voltage and role relative to the
    nearest named bus within 25 km, else by province.
    """
    subs = subs.copy()
    subs["province"] = _province_of(subs, provinces)
    names = pd.read_csv(NAMES_V01)
    pts_b = subs.to_crs(KOREA_METRIC_CRS).geometry
    pts_n = gpd.GeoSeries(gpd.points_from_xy(names["lon"], names["lat"]), crs=GEOGRAPHIC_CRS).to_crs(
        KOREA_METRIC_CRS
    )
    ib, inn = shapely.STRtree(pts_b.values).query(
        pts_n.values, predicate="dwithin", distance=float(names["precision_km"].max()) * 1000
    )
    pairs = pd.DataFrame({"bus": inn, "name": ib})
    pairs["km"] = shapely.distance(pts_b.values[pairs["bus"]], pts_n.values[pairs["name"]]) / 1000
    kv_ok = [
        str(int(names["voltage_kv"].iat[n])) in subs["voltages"].iat[b].split(";")
        for b, n in zip(pairs["bus"], pairs["name"], strict=False)
    ]
    pairs = pairs.loc[np.array(kv_ok) & (pairs["km"] <= names["precision_km"].to_numpy()[pairs["name"]])]
    pairs = pairs.sort_values(["km", "bus", "name"], kind="stable")
    taken_b, taken_n, match = set(), set(), {}
    for b, n, km in pairs.itertuples(index=False):
        if b not in taken_b and n not in taken_n:
            taken_b.add(b)
            taken_n.add(n)
            match[b] = (n, km)
    subs["name"], subs["name_ko"], subs["name_source"] = "", "", ""
    for b, (n, km) in match.items():
        subs.iat[b, subs.columns.get_loc("name")] = names["name"].iat[n]
        subs.iat[b, subs.columns.get_loc("name_ko")] = names["name_ko"].iat[n]
        subs.iat[b, subs.columns.get_loc("name_source")] = f"siting 0.1 name (unverified), {km:.1f} km away"
    named = np.array(sorted(match))
    prov_name = provinces.set_index("code")["name"]
    if len(named):
        tree = shapely.STRtree(pts_b.values[named])
        near, dist = tree.query_nearest(pts_b.values, return_distance=True, all_matches=False)
    for b in range(len(subs)):
        if b in match:
            continue
        kv = f"{subs['voltage_kv'].iat[b]:g} kV {subs['role'].iat[b].replace('_', ' ')}"
        j = np.flatnonzero(near[0] == b) if len(named) else []
        if len(j) and dist[j[0]] <= 25_000:
            other = named[near[1][j[0]]]
            dx = pts_b.values[b].x - pts_b.values[other].x
            dy = pts_b.values[b].y - pts_b.values[other].y
            label = f"{kv}, {dist[j[0]] / 1000:.0f} km {_bearing(dx, dy)} of {subs['name'].iat[other]}"
        else:
            label = f"{kv}, {prov_name.get(subs['province'].iat[b], '')}"
        subs.iat[b, subs.columns.get_loc("name")] = label
        subs.iat[b, subs.columns.get_loc("name_source")] = "descriptive"
    return subs


def tag_corridors(
    lines: gpd.GeoDataFrame, subs: gpd.GeoDataFrame, plants: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame
) -> pd.Series:
    """Corridor tag of each line.

    Export out of a coastal generation area, into the capital region, or none.
    """
    prov = subs.set_index("substation_id")["province"]
    capital = set(provinces.loc[provinces["capital_region"], "code"])
    a_cap = lines["from_id"].map(prov).isin(capital).to_numpy()
    b_cap = lines["to_id"].map(prov).isin(capital).to_numpy()
    tag = pd.Series("", index=lines.index)
    tag[a_cap != b_cap] = "capital_inflow"
    pts = subs.set_index("substation_id").to_crs(KOREA_METRIC_CRS).geometry
    for region in ("east_coast", "west_coast"):
        here = plants.loc[plants["export_region"] == region].to_crs(KOREA_METRIC_CRS)
        area = here.buffer(EXPORT_AREA_KM * 1000).union_all()
        a_in = shapely.contains(area, pts.loc[lines["from_id"]].values)
        b_in = shapely.contains(area, pts.loc[lines["to_id"]].values)
        tag[(a_in != b_in) & (tag == "").to_numpy()] = f"{region}_export"
    return tag


def hvdc_ratings(lines: gpd.GeoDataFrame) -> tuple[pd.Series, pd.Series]:
    """``capacity_mw`` and ``rating_source`` of the HVDC links (:data:`JEJU_HVDC`); empty for AC lines.

    AC lines are left to the library's rating table (``settings.LINE_RATINGS``),
    which fills both columns when the layer is loaded.
    """
    hvdc = lines["kind"] == "hvdc"
    unknown = sorted(set(lines.loc[hvdc, "voltage_kv"]) - set(JEJU_HVDC))
    if unknown:
        raise SystemExit(f"HVDC links at {unknown} kV have no published rating in JEJU_HVDC; add one.")
    known = lines["voltage_kv"].map({kv: mw for kv, (mw, _) in JEJU_HVDC.items()})
    source = lines["voltage_kv"].map({kv: text for kv, (_, text) in JEJU_HVDC.items()})
    return known.where(hvdc), source.where(hvdc, "")


def _round_geoms(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    return geoms.set_precision(10**-COORD_DECIMALS)


def tables(source: Path) -> dict[str, gpd.GeoDataFrame]:
    """Every bundled layer, built from ``source``."""
    provinces = korea_provinces.build_provinces(source / korea_provinces.SOURCE_RELATIVE)
    grid = build_grid(source)
    subs = name_substations(grid.substations, provinces)
    plants = korea_plants.build_plants(
        source / "gppd" / "kor_power_plants_gppd.csv", buses=subs, provinces=provinces
    )
    renewables = korea_renewables.build_renewables(
        plants, source / "osm_pypsa_kr" / "kr_osm_generators.csv", buses=subs, provinces=provinces
    )
    lines = grid.lines.copy()
    lines["route_km"] = (lines.to_crs(KOREA_METRIC_CRS).length / 1000).round(3)
    lines["geometry"] = lines.to_crs(KOREA_METRIC_CRS).simplify(ROUTE_TOLERANCE_M).to_crs(GEOGRAPHIC_CRS)
    lines["capacity_mw"], lines["rating_source"] = hvdc_ratings(lines)
    lines["corridor"] = tag_corridors(lines, subs, plants, provinces)
    label = subs.set_index("substation_id")["name"]
    lines["name"] = [
        f"{label[a]} – {label[b]}" for a, b in zip(lines["from_id"], lines["to_id"], strict=False)
    ]
    lines = lines[
        [
            "line_id",
            "from_id",
            "to_id",
            "voltage_kv",
            "circuits",
            "kind",
            "cable",
            "capacity_mw",
            "rating_source",
            "corridor",
            "route_km",
            "name",
            "osm_ids",
            "geometry",
        ]
    ]
    subs = subs[
        [
            "substation_id",
            "name",
            "name_ko",
            "name_source",
            "voltage_kv",
            "voltages",
            "role",
            "takes_load",
            "lines",
            "province",
            "osm_substation",
            "geometry",
        ]
    ]
    return {
        "provinces": provinces,
        "substations": subs,
        "lines": lines,
        "plants": plants,
        "renewables": renewables,
        "reinforcements": korea_reinforcements.build_reinforcements(subs, lines),
        "_grid": grid,
    }


def _to_csv(gdf: gpd.GeoDataFrame, path: Path) -> None:
    df = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    # coordinates as fixed-point text: "%.6g" below would keep only 3 decimals (about 100 m)
    df["lon"] = gdf.geometry.x.map(f"{{:.{COORD_DECIMALS}f}}".format)
    df["lat"] = gdf.geometry.y.map(f"{{:.{COORD_DECIMALS}f}}".format)
    df.to_csv(path, index=False, lineterminator="\n", float_format="%.6g")


def write(layers: dict[str, gpd.GeoDataFrame], out: Path) -> list[Path]:
    """Write the layers into ``out`` (each atomically); return the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    jobs = {
        "provinces.geojson": lambda p: korea_provinces.write_provinces(layers["provinces"], p),
        "substations.csv": lambda p: _to_csv(layers["substations"], p),
        "plants.csv": lambda p: _to_csv(layers["plants"], p),
        "renewables.csv": lambda p: _to_csv(layers["renewables"], p),
        "reinforcements.csv": lambda p: korea_reinforcements.write_reinforcements(
            layers["reinforcements"], p
        ),
        "lines.geojson": lambda p: (
            layers["lines"]
            .assign(geometry=_round_geoms(layers["lines"].geometry))
            .to_file(
                p,
                driver="GeoJSON",
                engine="pyogrio",
                layer_options={"COORDINATE_PRECISION": COORD_DECIMALS, "RFC7946": "YES"},
            )
        ),
    }
    for fname, job in jobs.items():
        final = out / fname
        with tempfile.TemporaryDirectory(dir=out) as tmp:
            part = Path(tmp) / fname
            job(part)
            os.replace(part, final)
        written.append(final)
    return written


def report(layers: dict[str, gpd.GeoDataFrame]) -> str:
    """Counts, km by voltage against the OSM ways kept, dropped rows, sizes."""
    grid = layers["_grid"]
    lines, subs = layers["lines"], layers["substations"]
    out = [korea_provinces.report(layers["provinces"]), ""]
    out.append(
        f"substations: {len(subs)}; by role: {subs['role'].value_counts().sort_index().to_dict()}; "
        f"take load: {int(subs['takes_load'].sum())}"
    )
    out.append(
        f"  by voltage: {subs['voltage_kv'].value_counts().sort_index().to_dict()}; "
        f"named from siting 0.1: {int((subs['name_source'] != 'descriptive').sum())}"
    )
    km = (lines.to_crs(KOREA_METRIC_CRS).length / 1000).groupby([lines["kind"], lines["voltage_kv"]]).sum()
    route = lines.groupby(["kind", "voltage_kv"])["route_km"].sum()
    count = lines.groupby(["kind", "voltage_kv"]).size()
    out.append(f"lines: {len(lines)}")
    for key in km.index:
        out.append(
            f"  {key[0]} {key[1]:g} kV: {count[key]} lines, {km[key]:,.0f} km bundled, "
            f"{route[key]:,.0f} km full route ({km[key] / route[key] - 1:+.2%})"
        )
    out.append(f"  corridors: {lines['corridor'].replace('', 'none').value_counts().to_dict()}")
    reasons = grid.dropped["reason"].str.replace(r"[0-9]+", "N", regex=True).value_counts().to_dict()
    out.append(f"dropped OSM rows: {len(grid.dropped)}; by reason: {reasons}")
    out.append(f"reinforcements: {layers['reinforcements']['kind'].value_counts().sort_index().to_dict()}")
    out.append("")
    out.append(korea_supply.describe(layers["plants"], layers["renewables"]))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Build the layers; with ``--check``, compare them with the bundled files instead."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--source",
        type=Path,
        default=DEFAULT_SOURCE,
        help="folder of the raw public data (default ../shared/realdata)",
    )
    ap.add_argument("--out", type=Path, default=TARGET, help="where to write (default data/geo)")
    ap.add_argument(
        "--check", action="store_true", help="exit 1 if the files in --out differ from what would be written"
    )
    ap.add_argument("--quiet", action="store_true", help="do not print the report")
    args = ap.parse_args(argv)
    if not args.source.is_dir():
        print(
            f"raw data folder not found: {args.source}; "
            "fix: pass --source DIR (see ../shared/realdata/README.md)",
            file=sys.stderr,
        )
        return 2
    layers = tables(args.source)
    if not args.quiet:
        print(report(layers))
    if not args.check:
        for p in write(layers, args.out):
            print(f"wrote {p} ({p.stat().st_size / 1024:,.0f} KiB)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = write(layers, Path(tmp))
        differ = [
            p.name
            for p in fresh
            if (args.out / p.name).exists() and not filecmp.cmp(p, args.out / p.name, shallow=False)
        ]
        missing = [p.name for p in fresh if not (args.out / p.name).exists()]
    if differ or missing:
        print(
            f"bundled data out of date: differ {differ}, missing {missing}; "
            "fix: run python scripts/build_korea.py",
            file=sys.stderr,
        )
        return 1
    print(f"bundled data matches the sources ({len(fresh)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
