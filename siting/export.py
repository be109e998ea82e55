"""A result as tables and files: GeoPackage, GeoJSON, CSV, or a folder of them, written atomically.

:class:`siting.result.SitingResult` calls these for ``res.tables()``,
``res.diagnosis_table()`` and ``res.to_file()``.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from ._errors import SitingError
from ._result_types import LIMIT_COLUMNS, DiagnosisLike, ResultLike
from ._toml import plain
from ._utils import atomic_path
from .settings import GEOGRAPHIC_CRS

if TYPE_CHECKING:
    from .scenario import Scenario

__all__ = ["tables", "diagnosis_table", "scenario_rows", "to_file", "require_parquet"]


def tables(result: ResultLike) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    """A result's tables by name.

    provinces, sites, substations, lines; costs (``term``, ``krw_bn``,
    ``status``); scenario (``key``, ``value``: every scenario field, as
    text, costs as ``costs.<field>``, :func:`scenario_rows`); diagnosis
    (:func:`diagnosis_table`); dropped_candidates (``site_id``, ``reason``);
    reinforcements (``SitingResult.reinforcements``) when the scenario
    reinforces and there is a plan.

    Parameters
    ----------
    result : SitingResult

    Returns
    -------
    dict of str to DataFrame or GeoDataFrame

    Examples
    --------
    >>> import siting
    >>> sc = siting.Scenario(target_mw=100, min_host_provinces=1, grid_spacing_km=40)
    >>> t = tables(siting.solve(siting.load_korea(), sc))
    >>> t["costs"].columns.tolist(), t["costs"]["term"].iloc[-1]
    (['term', 'krw_bn', 'status'], 'total')
    """
    costs = pd.DataFrame(
        {"term": [*result.costs, "total"], "krw_bn": [*result.costs.values(), result.objective or 0.0]}
    )
    costs["status"] = str(result.status)
    out: dict[str, gpd.GeoDataFrame | pd.DataFrame] = {
        "provinces": result.provinces,
        "sites": result.sites,
        "substations": result.substations,
        "lines": result.lines,
        "costs": costs,
        "scenario": scenario_rows(result.scenario),
        "diagnosis": diagnosis_table(result.diagnosis),
        "dropped_candidates": result.dropped_candidates.astype({"site_id": str, "reason": str}),
    }
    if result.reinforcements is not None:
        out["reinforcements"] = result.reinforcements
    return out


def diagnosis_table(diagnosis: DiagnosisLike | None) -> pd.DataFrame:
    """A diagnosis as rows: failing necessary conditions, the most MW placeable, then each limit.

    Parameters
    ----------
    diagnosis : Diagnosis or None

    Returns
    -------
    DataFrame
        Columns :data:`siting.result.LIMIT_COLUMNS`; ``family`` is
        "necessary", "max_achievable", the limit's family, or "project" (a
        row of :attr:`siting.result.Diagnosis.projects`, ``id`` its
        ``project_id``); ``id`` is text.
        Empty when there is no diagnosis.

    Examples
    --------
    >>> from siting.result import Diagnosis
    >>> diagnosis_table(Diagnosis(necessary=["too much"], max_achievable_mw=80.0))[["family", "over_mw"]]
               family  over_mw
    0       necessary      NaN
    1  max_achievable     80.0
    """
    d = diagnosis
    if d is None:
        return pd.DataFrame({c: pd.Series(dtype=float if c == "over_mw" else object) for c in LIMIT_COLUMNS})
    rows = [
        {"family": "necessary", "id": str(i), "name": "", "province": "", "over_mw": np.nan, "text": t}
        for i, t in enumerate(d.necessary)
    ]
    if d.max_achievable_mw is not None:
        rows.append(
            {
                "family": "max_achievable",
                "id": "total",
                "name": "most MW within every limit",
                "province": "",
                "over_mw": d.max_achievable_mw,
                "text": f"{d.max_achievable_mw:,.0f} MW can be placed within every limit",
            }
        )
    limits = d.table().assign(id=lambda f: f["id"].astype(str))
    parts = [pd.DataFrame(rows, columns=LIMIT_COLUMNS), limits]
    if len(d.projects):
        p = d.projects
        parts.append(pd.DataFrame({"family": "project", "id": p["project_id"].astype(str), "name": p["name"],
                                   "province": "", "over_mw": np.nan, "text": p["text"]}))  # fmt: skip
    out = pd.concat(parts, ignore_index=True)
    return out.astype({"over_mw": float})


def scenario_rows(scenario: Scenario) -> pd.DataFrame:
    """Every field of ``scenario`` as a ``key``/``value`` row (JSON text; costs as ``costs.<field>``).

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    DataFrame
        Columns ``key`` and ``value``.

    Examples
    --------
    >>> from siting import Scenario
    >>> rows = scenario_rows(Scenario(target_mw=100)).set_index("key")["value"]
    >>> rows["target_mw"], rows["max_connection_km"], rows["costs.site_per_mw"]
    ('100', '{"154": 20.0, "345": 40.0}', '0.5')
    """
    rows = []
    for f in dataclasses.fields(scenario):
        value = getattr(scenario, f.name)
        if dataclasses.is_dataclass(value):
            rows += [(f"{f.name}.{c.name}", getattr(value, c.name)) for c in dataclasses.fields(value)]
        else:
            rows.append((f.name, value))
    return pd.DataFrame(
        [(k, json.dumps(plain(v, inf_as_text=True), ensure_ascii=False)) for k, v in rows],
        columns=["key", "value"],
    )


def to_file(result: ResultLike, path: str | os.PathLike[str], *, table: str | None = None) -> Path:
    """Write a result where ``path`` says, each file atomically.

    - ``*.gpkg``: every table of :func:`tables` as a layer of one
      GeoPackage, the scenario and the diagnosis included;
    - ``*.geojson`` or ``*.csv``: the one table named by ``table``
      (CSV: geometry as WKT, points also as ``lon``/``lat``);
    - ``*.parquet``: GeoParquet, which holds one table per file: the table
      named by ``table`` in that file, or without ``table`` every table
      beside it as ``<stem>.<table>.parquet`` (``plan.parquet``:
      ``plan.sites.parquet``, ``plan.scenario.parquet``, ...; the plain
      tables as Parquet without geometry). Needs ``pyarrow``
      (``pip install 'siting[parquet]'``);
    - a path without a suffix: a folder with one GeoJSON per spatial table
      and one CSV per other table (costs, scenario, diagnosis,
      dropped_candidates).

    Each file is written under a temporary name in its folder and renamed
    into place, so a crash never leaves a half-written file.

    Parameters
    ----------
    result : SitingResult
    path : path
        Target file or folder; parent folders are created.
    table : str, optional
        One of the keys of :func:`tables`.
        Required for ``.geojson`` and ``.csv``.

    Returns
    -------
    Path
        The file or folder written; for a set of Parquet files, their folder.

    Raises
    ------
    SitingError
        For another suffix, a single-table format without ``table``, or
        Parquet without ``pyarrow``.

    Examples
    --------
    >>> import siting, tempfile, pyogrio
    >>> sc = siting.Scenario(target_mw=300, min_host_provinces=1, grid_spacing_km=40)
    >>> res = siting.solve(siting.load_korea(), sc)
    >>> p = to_file(res, tempfile.mkdtemp() + "/r.gpkg")
    >>> sorted(pyogrio.list_layers(p)[:, 0].tolist())  # doctest: +NORMALIZE_WHITESPACE
    ['costs', 'diagnosis', 'dropped_candidates', 'lines', 'provinces', 'scenario', 'sites',
     'substations']
    >>> to_file(res, tempfile.mkdtemp() + "/sites.csv", table="sites").suffix
    '.csv'
    """
    path = Path(path)
    frames = tables(result)
    suffix = path.suffix.lower()
    if suffix == ".gpkg":
        with atomic_path(path) as tmp:
            for name, frame in frames.items():
                _geo(frame).to_file(tmp, layer=name, driver="GPKG")
        return path
    for target, frame in _files(frames, path, table).items():
        _write_table(frame, target)
    return path.parent if suffix == ".parquet" and table is None else path


def _files(frames: dict[str, pd.DataFrame], path: Path, table: str | None) -> dict[Path, pd.DataFrame]:
    """The file each table goes to, as :func:`to_file` describes, for every format but GeoPackage."""
    suffix = path.suffix.lower()
    if suffix == ".parquet" and table is None:
        return {path.with_name(f"{path.stem}.{name}.parquet"): frame for name, frame in frames.items()}
    if suffix in (".geojson", ".csv", ".parquet"):
        if table not in frames:
            raise SitingError(
                f"to_file({str(path)!r}) writes one table, and table={table!r} names none; "
                f"fix: pass table= one of {sorted(frames)}, or give a .gpkg file or a folder for all."
            )
        return {path: frames[table]}
    if suffix:
        raise SitingError(
            f"to_file({str(path)!r}): cannot write {suffix!r} files; fix: use .gpkg or .parquet "
            "(all tables), .geojson or .csv with table=..., or a folder (no suffix)."
        )
    spatial = {name: isinstance(frame, gpd.GeoDataFrame) for name, frame in frames.items()}
    return {path / f"{name}.{'geojson' if spatial[name] else 'csv'}": frame for name, frame in frames.items()}


def require_parquet(what: str) -> None:
    """Raise a :class:`SitingError` naming ``what`` and the fix when ``pyarrow`` is not installed.

    Examples
    --------
    >>> require_parquet("read_layer('subs.parquet')")  # pyarrow comes with siting[parquet] and [dev]
    """
    if importlib.util.find_spec("pyarrow") is None:
        raise SitingError(
            f"{what}: Parquet needs pyarrow, which is not installed; "
            "fix: pip install 'siting[parquet]' (or use .gpkg, .geojson or .csv)."
        )


def _geo(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """A table as a GeoDataFrame (an empty geometry for plain tables, which GeoPackage stores)."""
    if isinstance(frame, gpd.GeoDataFrame):
        return frame
    return gpd.GeoDataFrame(frame, geometry=[None] * len(frame), crs=GEOGRAPHIC_CRS)


def _write_table(frame: pd.DataFrame, path: Path) -> None:
    """One table as GeoJSON, (Geo)Parquet or CSV (geometry as WKT; points also as lon/lat), atomically."""
    if path.suffix.lower() == ".parquet":
        require_parquet(f"to_file({str(path)!r})")
    with atomic_path(path) as tmp:
        if path.suffix.lower() == ".geojson":
            _geo(frame).to_file(tmp, driver="GeoJSON")
            return
        if path.suffix.lower() == ".parquet":
            frame.to_parquet(tmp, index=False)
            return
        out = pd.DataFrame(frame)
        if isinstance(frame, gpd.GeoDataFrame):
            geom = frame.geometry
            out = out.drop(columns=geom.name)
            if len(geom) and (geom.geom_type == "Point").all():
                out["lon"], out["lat"] = geom.x, geom.y
            out["geometry_wkt"] = geom.to_wkt()
        out.to_csv(tmp, index=False)
