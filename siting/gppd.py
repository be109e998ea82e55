"""Reader for the WRI Global Power Plant Database (GPPD).

:func:`read_gppd` turns the GPPD CSV (v1.3 columns) into the library's
``plants`` schema: one point per plant in EPSG:4326 with a library
``technology``. It reads and checks; it does not decide how much of a plant's
capacity is available to new load (that is a per-study rule, see
``supply_mw`` in :class:`siting.SitingData`).

Source: World Resources Institute, Global Power Plant Database v1.3.0,
CC BY 4.0 (attribution required).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from ._errors import DataError
from ._validate import show_ids
from .settings import GEOGRAPHIC_CRS

__all__ = ["read_gppd", "GPPD_TECHNOLOGY"]

#: Layer name used in error messages.
LAYER: Final[str] = "plants (GPPD)"

#: Library technology for each GPPD ``primary_fuel`` (lower-cased). GPPD does
#: not tell onshore from offshore wind, so every ``Wind`` row becomes
#: ``onshore_wind``; nor pumped storage from other hydro, so every ``Hydro``
#: row becomes ``hydro``. Refine those from another source if you have one.
GPPD_TECHNOLOGY: Final[dict[str, str]] = {
    "solar": "solar",
    "wind": "onshore_wind",
    "hydro": "hydro",
    "nuclear": "nuclear",
    "coal": "coal",
    "gas": "gas",
    "oil": "oil",
    "biomass": "biomass",
    "waste": "waste",
    "wave and tidal": "tidal",
    "storage": "storage",
}

#: Columns without which a GPPD file cannot be read.
REQUIRED: Final[tuple[str, ...]] = (
    "gppd_idnr",
    "name",
    "capacity_mw",
    "latitude",
    "longitude",
    "primary_fuel",
)


def _ids(frame: pd.DataFrame, mask: pd.Series) -> str:
    """Row ids for a message: ``gppd_idnr`` where given, else the row number."""
    rows = frame.loc[mask]
    ids = rows["gppd_idnr"].where(rows["gppd_idnr"].str.strip() != "", "row " + rows["_row"].astype(str))
    return show_ids(ids.tolist())


def read_gppd(path: str | os.PathLike | pd.DataFrame, *, country: str | None = "KOR") -> gpd.GeoDataFrame:
    """Read plants from the WRI Global Power Plant Database CSV.

    Parameters
    ----------
    path : path or DataFrame
        The GPPD CSV (``global_power_plant_database.csv`` or a country
        extract with the same columns), or a frame already in memory.
        Required columns: ``gppd_idnr``, ``name``, ``capacity_mw`` (MW),
        ``latitude``, ``longitude`` (WGS84 degrees) and ``primary_fuel``.
        Used when present: ``country`` (ISO 3166-1 alpha-3),
        ``commissioning_year`` and ``owner``.
    country : str or None, default "KOR"
        Keep only rows whose ``country`` equals this code (case-insensitive).
        ``None`` keeps every row. If the file has **no** ``country`` column
        (some country extracts drop it) the filter is skipped and every row
        is kept; it is an error only if the column exists and no row matches.

    Returns
    -------
    GeoDataFrame
        In EPSG:4326, sorted by ``plant_id``, with columns ``plant_id``
        (``gppd_idnr``), ``name``, ``fuel`` (``primary_fuel`` lower-cased),
        ``technology`` (see :data:`GPPD_TECHNOLOGY`: ``Wind`` becomes
        ``onshore_wind`` because GPPD cannot tell offshore wind apart, ``Hydro``
        includes pumped storage, ``Wave and Tidal`` becomes ``tidal``),
        ``capacity_mw``, ``commissioning_year`` (float, NaN where unknown or
        absent), ``owner`` (only if the file has it), ``status``
        (``"operating"``: GPPD lists existing plants) and point geometry.

    Raises
    ------
    DataError
        Listing every problem at once, each naming the layer
        ``'plants (GPPD)'``, the column, the ``gppd_idnr`` of the rows and the
        fix: missing columns, non-numeric or negative capacity, missing or
        out-of-range coordinates, empty or duplicate ``gppd_idnr``, a fuel with
        no library technology, no row for ``country``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "country": ["KOR", "KOR", "JPN"],
    ...     "name": ["Sea wind", "Coast coal", "Elsewhere"],
    ...     "gppd_idnr": ["W2", "W1", "W3"],
    ...     "capacity_mw": [30.0, 500.0, 10.0],
    ...     "latitude": [33.4, 36.9, 35.0],
    ...     "longitude": [126.2, 126.2, 139.0],
    ...     "primary_fuel": ["Wind", "Coal", "Solar"],
    ... })
    >>> plants = read_gppd(df)
    >>> plants[["plant_id", "fuel", "technology", "capacity_mw", "status"]]
      plant_id  fuel    technology  capacity_mw     status
    0       W1  coal          coal        500.0  operating
    1       W2  wind  onshore_wind         30.0  operating
    >>> plants.crs.to_string(), plants.geometry.iloc[1].x
    ('EPSG:4326', 126.2)
    """
    frame = _for_country(_read_table(path), country)
    cap = pd.to_numeric(frame["capacity_mw"], errors="coerce")
    coords = {col: pd.to_numeric(frame[col], errors="coerce") for col in ("latitude", "longitude")}
    fuel = frame["primary_fuel"].fillna("").astype(str).str.strip().str.lower()
    problems = [
        *_id_problems(frame),
        *_capacity_problems(frame, cap),
        *_coordinate_problems(frame, coords),
        *_fuel_problems(frame, fuel),
    ]
    if problems:
        raise DataError(problems)
    return _plants(frame, cap, coords, fuel)


def _read_table(path: str | os.PathLike | pd.DataFrame) -> pd.DataFrame:
    """The GPPD rows with the required columns, numbered (``_row``), ``gppd_idnr`` stripped."""
    if isinstance(path, pd.DataFrame):
        raw = pd.DataFrame(path).copy()
    else:
        p = Path(path)
        if not p.exists():
            raise DataError([f"layer '{LAYER}': file not found: {p}; fix: check the path."])
        try:
            raw = pd.read_csv(
                p, dtype={"gppd_idnr": str, "country": str}, keep_default_na=True, low_memory=False
            )
        except Exception as exc:  # pandas raises many types
            raise DataError([f"layer '{LAYER}': cannot read {p}: {exc}; fix: give the GPPD CSV."]) from exc

    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise DataError(
            [
                f"layer '{LAYER}': missing column '{c}'; "
                f"fix: give the GPPD v1.3 CSV, or rename your column to '{c}'."
                for c in missing
            ]
        )

    frame = raw.reset_index(drop=True)
    frame["_row"] = np.arange(len(frame))
    frame["gppd_idnr"] = frame["gppd_idnr"].fillna("").astype(str).str.strip()
    return frame


def _for_country(frame: pd.DataFrame, country: str | None) -> pd.DataFrame:
    """The rows of ``country`` (all rows for None or without a ``country`` column)."""
    if country is None or "country" not in frame.columns:
        return frame
    codes = frame["country"].fillna("").astype(str).str.strip().str.upper()
    keep = codes == country.strip().upper()
    if not keep.any():
        found = sorted(set(codes) - {""})
        raise DataError(
            [
                f"layer '{LAYER}', column 'country': no rows for country '{country}' "
                f"(the file has {show_ids(found)}); "
                "fix: pass country= one of those, or country=None for every row."
            ]
        )
    return frame.loc[keep].copy()


def _id_problems(frame: pd.DataFrame) -> list[str]:
    """Empty and repeated ``gppd_idnr``."""
    problems = []
    empty_id = frame["gppd_idnr"] == ""
    if empty_id.any():
        problems.append(
            f"layer '{LAYER}', column 'gppd_idnr': empty ids in {_ids(frame, empty_id)}; "
            "fix: give every plant its GPPD id."
        )
    dup = frame["gppd_idnr"].duplicated(keep=False) & ~empty_id
    if dup.any():
        problems.append(
            f"layer '{LAYER}', column 'gppd_idnr': "
            f"duplicate ids {show_ids(sorted(set(frame.loc[dup, 'gppd_idnr'])))}; "
            "fix: keep one row per plant (drop repeated rows)."
        )
    return problems


def _capacity_problems(frame: pd.DataFrame, cap: pd.Series) -> list[str]:
    """A capacity that is missing, not a number or negative."""
    problems = []
    bad_cap = cap.isna() | ~np.isfinite(cap)
    if bad_cap.any():
        example = frame.loc[bad_cap, "capacity_mw"].iloc[0]
        problems.append(
            f"layer '{LAYER}', column 'capacity_mw': missing or not a number in {_ids(frame, bad_cap)} "
            f"(e.g. {example!r}); fix: give the capacity in MW as a plain number."
        )
    neg_cap = ~bad_cap & (cap < 0)
    if neg_cap.any():
        problems.append(
            f"layer '{LAYER}', column 'capacity_mw': negative capacity in {_ids(frame, neg_cap)}; "
            "fix: give a value >= 0 MW."
        )
    return problems


def _coordinate_problems(frame: pd.DataFrame, coords: dict[str, pd.Series]) -> list[str]:
    """Latitudes and longitudes that are missing, not numbers or out of range."""
    problems = []
    for col, limit in (("latitude", 90.0), ("longitude", 180.0)):
        val = coords[col]
        missing_val = val.isna()
        if missing_val.any():
            problems.append(
                f"layer '{LAYER}', column '{col}': missing or not a number in {_ids(frame, missing_val)}; "
                "fix: give WGS84 decimal degrees, or drop plants without a location."
            )
        out = ~missing_val & (val.abs() > limit)
        if out.any():
            problems.append(
                f"layer '{LAYER}', column '{col}': outside -{limit:g}..{limit:g} in {_ids(frame, out)}; "
                "fix: give WGS84 decimal degrees (are latitude and longitude swapped?)."
            )
    return problems


def _fuel_problems(frame: pd.DataFrame, fuel: pd.Series) -> list[str]:
    """Fuels with no library technology."""
    unknown = fuel.map(GPPD_TECHNOLOGY).isna()
    if not unknown.any():
        return []
    values = sorted(set(frame.loc[unknown, "primary_fuel"].fillna("").astype(str)))
    return [
        f"layer '{LAYER}', column 'primary_fuel': "
        f"unknown fuels {show_ids(values)} in {_ids(frame, unknown)}; "
        f"fix: use one of {sorted(GPPD_TECHNOLOGY)} (case-insensitive), or drop those rows."
    ]


def _plants(
    frame: pd.DataFrame, cap: pd.Series, coords: dict[str, pd.Series], fuel: pd.Series
) -> gpd.GeoDataFrame:
    """The checked rows in the ``plants`` schema, sorted by ``plant_id``."""
    out = pd.DataFrame(
        {
            "plant_id": frame["gppd_idnr"],
            "name": frame["name"].fillna("").astype(str),
            "fuel": fuel,
            "technology": fuel.map(GPPD_TECHNOLOGY),
            "capacity_mw": cap.astype(float),
            "commissioning_year": (
                pd.to_numeric(frame["commissioning_year"], errors="coerce").astype(float)
                if "commissioning_year" in frame.columns
                else np.nan
            ),
        },
        index=frame.index,
    )
    if "owner" in frame.columns:
        out["owner"] = frame["owner"].fillna("").astype(str)
    out["status"] = "operating"
    geometry = gpd.points_from_xy(coords["longitude"], coords["latitude"])
    gdf = gpd.GeoDataFrame(out, geometry=geometry, crs=GEOGRAPHIC_CRS)
    return gdf.sort_values("plant_id", kind="stable").reset_index(drop=True)
