"""Korean ``reinforcements`` layer for ``data/geo/``: the public candidate grid projects.

Imported by ``scripts/build_korea.py``; nothing in the library imports it.
:func:`build_reinforcements` turns :data:`CANDIDATES` (the transmission
projects of ``../shared/KOREA_FACTS.md``, each figure cited or marked
ASSUMPTION with its range) into rows of the layer, mapping every end to a
bundled substation and checking that no project is already in the bundled
grid. Each end is mapped one of three ways, recorded in ``from_match`` /
``to_match``:

* ``name``: the one bundled substation whose ``name`` is the label given
  (compared without case, spaces or hyphens);
* ``id``: a bundled substation identified otherwise (the reason is stated);
* ``near``: the nearest bundled substation of at least ``min_kv`` to a cited
  coordinate, with its distance (no bundled name matches).

``python scripts/korea_reinforcements.py`` rewrites the file from the bundled
grid alone; ``scripts/build_korea.py`` writes it with the other layers.

Not candidates: the Buk-Dangjin – Godeok 500 kV HVDC (two 1.5 GW stages,
complete since 2024; MOTIE 2023-08-07) is an existing link, not a decision.
It is *not* in the bundled grid either (the OSM extract has no DC line there):
``data/geo/README.md`` notes the gap.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from siting._validate import REINFORCEMENTS
from siting.rules import line_type
from siting.settings import GEOGRAPHIC_CRS, KOREA_METRIC_CRS

__all__ = ["build_reinforcements", "write_reinforcements", "CANDIDATES", "REINFORCEMENT_COLUMNS", "End"]

#: Columns of ``reinforcements.csv``, in order: the layer's schema, with how each end was mapped.
REINFORCEMENT_COLUMNS: Final[list[str]] = [
    *(c for c in REINFORCEMENTS.required if c != "source"),
    *REINFORCEMENTS.optional,
    "from_match",
    "to_match",
    "source",
]


@dataclass(frozen=True)
class End:
    """How one end of a project maps to a bundled substation.

    ``how`` is ``"name"`` (``label`` is a bundled name), ``"id"`` (``label`` is a
    substation id) or ``"near"`` (nearest substation of at least ``min_kv`` to
    ``lonlat``); ``note`` says why, with its source.
    """

    how: str
    label: str
    note: str
    lonlat: tuple[float, float] | None = None
    min_kv: float = 0.0


#: Cost range of one East Coast HVDC stage, KRW bn (ASSUMPTION): from two
#: converter stations at the cited cost of the Sin-Gapyeong one, 517.5 bn
#: (Electric Times / Korea Nuclear Power News, KEPCO–Gapyeong agreement,
#: completion then planned for December 2021), with no line, to 4 GW at the West Sea link's cost per GW
#: (2,800 bn / 2 GW, Asia Economy 2025-11-25), a submarine cable dearer per km
#: than overhead line. The value used is the middle of the range.
EAST_COAST_COST_RANGE: Final[tuple[float, float]] = (2 * 517.5, 4 * 2800.0 / 2)

#: Cost range per km of a new 345 kV line, KRW bn (ASSUMPTION): between
#: KEPCO's new 154 kV lines, 46 bn for 96.6 km (Construction News 2002-05-11),
#: and its 765 kV Sin-Anseong – Sin-Gapyeong line, 270 bn for 80 km (Aju
#: Business Daily 2010-04-20). The value used is the middle of the range.
AC345_COST_PER_KM_RANGE: Final[tuple[float, float]] = (46.0 / 96.6, 270.0 / 80.0)

#: Route length of the Buk-Dangjin – Sintangjeong line, km (38.1 overhead +
#: 6.5 underground; Dong-A Ilbo 2025-04-03): its cost and reactance use it.
BUK_DANGJIN_ROUTE_KM: Final[float] = 44.6

#: Reconductoring cost per km of a 154 kV line, KRW bn (ASSUMPTION): 30 % to
#: 100 % of KEPCO's cost per km of new 154 kV lines (46 bn / 96.6 km,
#: Construction News 2002-05-11), since towers and right of way are reused.
RECONDUCTOR_COST_PER_KM_RANGE: Final[tuple[float, float]] = (0.3 * 46.0 / 96.6, 46.0 / 96.6)

#: New rating over today's with high-temperature low-sag conductors (ASSUMPTION
#: within the range): ampacity x1.5 (Hi-TACSR) to x2.0 (STACIR, GAP) of ACSR
#: ("HTLS Conductor" presentation, scribd.com/document/85586269).
UPRATE_FACTOR_RANGE: Final[tuple[float, float]] = (1.5, 2.0)

#: East-coast generation held back today, MW: about 18 GW generated, about 11 GW
#: can leave the region (KBS 2025-06-20); ``plants.csv`` shares the same 7 GW
#: among the east-coast plants as their supply for new load.
EAST_COAST_HELD_BACK_MW: Final[float] = 18000.0 - 11000.0

#: MW of held-back generation each East Coast stage carries to the capital
#: region (ASSUMPTION, range 0 to the stage's 4,000 MW each): the links are
#: built to carry the east coast's held-back generation out, so stage 1 carries
#: its full capacity and stage 2 the rest of the 7 GW held back (a full 4 GW
#: would take 8 GW out of the 7 GW ``plants.csv`` holds there, and no plan could
#: build both stages).
EAST_COAST_EXPORT_MW: Final[tuple[float, float]] = (4000.0, EAST_COAST_HELD_BACK_MW - 4000.0)

#: MW the West Sea link draws at its Gunsan end (ASSUMPTION, range 0 – 2,000):
#: 0. It carries Honam solar, which is not supply for new load in the model
#: (``plants.csv`` gives renewables 0 there; their energy is the renewable
#: surplus, an average), and the bundled supply at Gunsan is 15 MW: a 2 GW draw
#: there would take conventional supply the link does not carry.
WEST_SEA_EXPORT_MW: Final[float] = 0.0

#: The bundled bus that the East Coast converter's held-back generation enters: the
#: 345 kV bus where ``plants.csv`` attaches Hanul's supply for new load.
HANUL_345_BUS: Final[str] = "b345-37.090-129.381"

_EAST_COAST_CONVERTER = End(
    "id",
    HANUL_345_BUS,
    "the East Coast converter stands inside KHNP's Shin-Hanul 1-2 site of the Hanul complex in Uljin "
    "(KHNP board 2018-06-07, reported by Yonhap 2021-05-18; Electrical Industry News 2023-11-23). The "
    "bundled grid draws the complex as four buses within 2.1 km of each other, tied by 0.8-1.2 km 345 kV "
    "lines; the link starts at the one where plants.csv attaches the generation it is built to carry "
    "out (GPPD's Hanul), this 345 kV bus. From the 765 kV bus named Sin-Hanul, 1.2 km away, that supply "
    "would first cross the complex's own ties, which the lines layer rates like any line (a residual "
    "share of their rating), and too little of it reaches Sin-Hanul for a 4 GW export (max-flow, "
    "data/geo/README.md). The 154 kV tee named Uljin cannot take a 4 GW converter",
)


def _mid(rng: tuple[float, float]) -> float:
    return round((rng[0] + rng[1]) / 2.0, 1)


def _range(rng: tuple[float, float], unit: str) -> str:
    return f"{rng[0]:,.2f}-{rng[1]:,.2f} {unit}"


#: The candidates: layer columns, the two ends (``from``/``to``), the source and, for
#: an AC line, its reported ``route_km`` (for its reactance).
CANDIDATES: Final[list[dict[str, object]]] = [
    {
        "project_id": "KR-HVDC-EC1",
        "name": "East Coast – Sin-Gapyeong 500 kV HVDC (stage 1, under construction)",
        "kind": "hvdc",
        "from": _EAST_COAST_CONVERTER,
        "to": End(
            "id",
            "b765-37.617-127.503",
            "Sin-Gapyeong: no bundled name; the bundled 765 kV substation in north-east Gyeonggi at "
            "the end of the one-circuit 79.6 km 765 kV line from the Anseong area, as KEPCO's "
            "Sin-Anseong – Sin-Gapyeong 765 kV line (80 km, one circuit; Aju Business Daily 2010-04-20)",
        ),
        "capacity_mw": 4000.0,
        "export_mw": EAST_COAST_EXPORT_MW[0],
        "cost_krw_bn": _mid(EAST_COAST_COST_RANGE),
        "earliest_year": 2026,
        "source": "4 GW of the 8 GW go to Sin-Gapyeong (Dong-A Ilbo 2025-11-25); Uljin – Gapyeong 230 km, "
        "completion target 2026 (Electrical Industry News 2023-11-23); ASSUMPTION: cost "
        f"{_range(EAST_COAST_COST_RANGE, 'KRW bn')} (middle used; data/geo/README.md); ASSUMPTION: "
        f"export {EAST_COAST_EXPORT_MW[0]:,.0f} MW of the 7,000 MW held back (KBS 2025-06-20; range 0-4,000)",
    },
    {
        "project_id": "KR-HVDC-EC2",
        "name": "East Coast – Dong-Seoul (Hanam) 500 kV HVDC (stage 2, delayed)",
        "kind": "hvdc",
        "from": _EAST_COAST_CONVERTER,
        "to": End("name", "Dong-Seoul", "the Dong-Seoul converter in Hanam (Maeil Business 2025-05-26)"),
        "capacity_mw": 4000.0,
        "export_mw": EAST_COAST_EXPORT_MW[1],
        "cost_krw_bn": _mid(EAST_COAST_COST_RANGE),
        "source": "4 GW of the 8 GW go to Dong-Seoul (Dong-A Ilbo 2025-11-25); Uljin – Hanam 280 km, delayed "
        "by the Dong-Seoul converter permit (Asia Economy 2025-05-27); ASSUMPTION: cost "
        f"{_range(EAST_COAST_COST_RANGE, 'KRW bn')} (middle used; data/geo/README.md); ASSUMPTION: "
        f"export {EAST_COAST_EXPORT_MW[1]:,.0f} MW, the rest of the 7,000 MW held back after stage 1 "
        "(KBS 2025-06-20; range 0-4,000)",
    },
    {
        "project_id": "KR-HVDC-WS1",
        "name": "West Sea HVDC Saemangeum – Seo-Hwaseong (first West Coast Energy Expressway link)",
        "kind": "hvdc",
        "from": End(
            "near",
            "Saemangeum",
            "Saemangeum seawall, 35°49'13\"N 126°30'59\"E (wikimapia.org/8625453)",
            lonlat=(126 + 30 / 60 + 59 / 3600, 35 + 49 / 60 + 13 / 3600),
            min_kv=345.0,
        ),
        "to": End(
            "name",
            "Hwaseong",
            "Seo-Hwaseong (west Hwaseong) is not a bundled name; the 345 kV bus named Hwaseong stands for "
            "the city",
        ),
        "capacity_mw": 2000.0,
        "export_mw": WEST_SEA_EXPORT_MW,
        "cost_krw_bn": 2800.0,
        "earliest_year": 2030,
        "source": "2 GW 525 kV bipole VSC (Asia Economy 2026-02-10); 2.8 trillion KRW (Asia Economy "
        "2025-11-25); 220 km, moved up to 2030 (Asia Economy 2025-12-24); ASSUMPTION: export 0 MW (range "
        "0-2,000): the Honam solar it carries is not supply for new load in the model (data/geo/README.md)",
    },
    {
        "project_id": "KR-AC-BDS",
        "name": "Buk-Dangjin – Sintangjeong 345 kV line (in service since Nov 2024; not in the OSM grid)",
        "kind": "ac_line",
        "from": End("name", "Buk-Dangjin", "the project's own end"),
        "to": End("name", "Sin-Tangjeong", "the project's own end (Sintangjeong)"),
        "voltage_kv": 345.0,
        "capacity_mw": 1300.0,
        "export_mw": 0.0,
        "route_km": BUK_DANGJIN_ROUTE_KM,
        "cost_krw_bn": round(_mid(AC345_COST_PER_KM_RANGE) * BUK_DANGJIN_ROUTE_KM, 1),
        "earliest_year": 2024,
        "source": "1.3 GW, 44.6 km (Dong-A Ilbo 2025-04-03); supply from 2024-11-22 (TV Seoul 2025-04-02); "
        f"ASSUMPTION: cost {_range(AC345_COST_PER_KM_RANGE, 'KRW bn/km')} x 44.6 km (middle used); "
        "reactance: the lines layer's 345 kV rule over the 44.6 km route",
    },
    {
        "project_id": "KR-UP-154",
        "name": "Reconductor a 154 kV line with high-temperature low-sag conductor",
        "kind": "uprate",
        "voltage_kv": 154.0,
        "uprate_factor": UPRATE_FACTOR_RANGE[0],
        "cost_per_km_krw_bn": _mid(RECONDUCTOR_COST_PER_KM_RANGE),
        "source": f"ASSUMPTION: rating x{UPRATE_FACTOR_RANGE[0]:g} (range x{UPRATE_FACTOR_RANGE[0]:g}-"
        f"x{UPRATE_FACTOR_RANGE[1]:g}, HTLS conductor ampacities, scribd.com/document/85586269); cost "
        f"{_range(RECONDUCTOR_COST_PER_KM_RANGE, 'KRW bn/km')} (middle used; new 154 kV lines cost "
        "46 bn KRW for 96.6 km, Construction News 2002-05-11)",
    },
]


def _key(name: object) -> str:
    return re.sub(r"[^0-9a-z]", "", str(name).casefold())


def _resolve(end: End, subs: gpd.GeoDataFrame) -> tuple[str, str]:
    """The substation id of ``end`` and the sentence saying how it was found."""
    if end.how == "name":
        hits = subs[subs["name"].map(_key) == _key(end.label)]
        if len(hits) != 1:
            raise ValueError(f"{len(hits)} bundled substations are named {end.label!r}; expected one")
        sid = str(hits["substation_id"].iloc[0])
        return sid, f"name: {end.label} ({sid}); {end.note}"
    if end.how == "id":
        if not subs["substation_id"].eq(end.label).any():
            raise ValueError(f"{end.label!r} is not a bundled substation")
        return end.label, f"id: {end.label}; {end.note}"
    assert end.lonlat is not None, end
    metric = subs[subs["voltage_kv"] >= end.min_kv].to_crs(KOREA_METRIC_CRS)
    place = gpd.GeoSeries(gpd.points_from_xy([end.lonlat[0]], [end.lonlat[1]]), crs=GEOGRAPHIC_CRS)
    dist = metric.distance(place.to_crs(KOREA_METRIC_CRS).iloc[0]) / 1000.0
    best = dist.idxmin()
    sid, name = str(metric.loc[best, "substation_id"]), metric.loc[best, "name"]
    return sid, (
        f"near: no bundled substation is named {end.label}; nearest of {end.min_kv:g} kV or more to "
        f"{end.note}: {name} ({sid}), {dist[best]:.1f} km"
    )


def _check_not_in_grid(row: dict[str, object], lines: pd.DataFrame) -> None:
    """Refuse a new line or link whose two ends an existing line already joins."""
    ends = {row["from_id"], row["to_id"]}
    joined = lines[[{a, b} == ends for a, b in zip(lines["from_id"], lines["to_id"], strict=True)]]
    if len(joined):
        raise ValueError(
            f"{row['project_id']}: lines {joined['line_id'].tolist()} already join {sorted(ends)}"
        )


def build_reinforcements(substations: gpd.GeoDataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``reinforcements.csv`` from :data:`CANDIDATES` and the bundled grid.

    Parameters
    ----------
    substations : GeoDataFrame
        The bundled substations (``substation_id``, ``name``, ``voltage_kv``, points).
    lines : DataFrame
        The bundled lines (``line_id``, ``from_id``, ``to_id``, ``voltage_kv``).

    Returns
    -------
    DataFrame
        Columns :data:`REINFORCEMENT_COLUMNS`, one row per candidate.

    Raises
    ------
    ValueError
        An end matches no bundled substation (or several), or a new line or
        link joins two substations an existing line already joins.
    """
    subs = substations.assign(substation_id=substations["substation_id"].astype(str))
    rows = []
    for cand in CANDIDATES:
        row = {k: v for k, v in cand.items() if k not in ("from", "to")}
        if "route_km" in row:  # the lines layer's rule over the reported route, one circuit
            kv = pd.Series([row["voltage_kv"]], dtype=float)
            x_ohm_km = float(line_type(kv, pd.Series(["ac"]))["x_ohm_per_km"].iloc[0])
            row["reactance"] = round(x_ohm_km * float(row.pop("route_km")) / (float(kv[0]) ** 2 / 100.0), 6)
        for side in ("from", "to"):
            end = cand.get(side)
            if isinstance(end, End):
                row[f"{side}_id"], row[f"{side}_match"] = _resolve(end, subs)
        if row["kind"] in ("ac_line", "hvdc"):
            _check_not_in_grid(row, lines)
        rows.append(row)
    out = pd.DataFrame(rows).reindex(columns=REINFORCEMENT_COLUMNS)
    out["max_units"] = 1
    out["earliest_year"] = out["earliest_year"].astype("Int64")
    return out.replace({np.nan: None})


def write_reinforcements(table: pd.DataFrame, path: Path) -> None:
    """Write the table as CSV (``build_korea.write`` and :func:`main` write it atomically)."""
    table.to_csv(path, index=False, lineterminator="\n", float_format="%.6g")


def bundled_table() -> pd.DataFrame:
    """The table built from the bundled substations and lines (no raw data needed)."""
    from siting.datasets import bundled_path
    from siting.io import read_layer

    subs = read_layer(bundled_path("substations"), name="substations")
    lines = read_layer(bundled_path("lines"), name="lines")
    return build_reinforcements(subs, lines)


def main() -> int:
    """Rewrite ``data/geo/reinforcements.csv`` from the bundled grid, atomically."""
    from siting.datasets import bundled_path

    target = bundled_path("reinforcements")
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        part = Path(tmp) / target.name
        write_reinforcements(bundled_table(), part)
        os.replace(part, target)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
