"""Candidate grid reinforcements as concrete projects: the table the model reads.

The ``reinforcements`` layer (:attr:`siting.SitingData.reinforcements`) is
what a user writes: one row per candidate, where a generic uprate ("reconductor
any 154 kV line") stands for many lines. :func:`projects` expands it into one
row per concrete project, with the MW one unit adds, its cost, its length in
the data's metric CRS and its reactance, so that the model reads numbers and
never the layer's rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .rules import line_type

if TYPE_CHECKING:
    from .data import SitingData

__all__ = ["generic", "grouped", "projects", "PROJECT_COLUMNS"]

#: Columns of :func:`projects`, in order.
PROJECT_COLUMNS: Final[tuple[str, ...]] = (
    "project_id",
    "name",
    "kind",
    "from_id",
    "to_id",
    "line_id",
    "substation_id",
    "added_mw",
    "export_mw",
    "reactance",
    "length_km",
    "cost_krw_bn",
    "max_units",
    "earliest_year",
    "source",
)

_TEXT = ("project_id", "name", "kind", "from_id", "to_id", "line_id", "substation_id", "source")
_FLOAT = ("added_mw", "export_mw", "reactance", "length_km", "cost_krw_bn")


def projects(data: SitingData) -> pd.DataFrame:
    """One row per concrete candidate project, with what one unit adds and costs.

    ``ac_line`` and ``hvdc`` rows join ``from_id`` and ``to_id``; their
    ``length_km`` is that of the route geometry in ``data.metric_crs``, else
    of the straight line between the two substations. An ``ac_line``
    without ``reactance`` takes the lines layer's rule (one circuit of the
    standard conductor of its voltage in ``data.line_ratings``, per unit on
    100 MVA). An ``uprate`` with a ``line_id`` is one project on that line; a
    generic one (no ``line_id``) is one project per AC line of its
    ``voltage_kv``, with id ``"<project_id>:<line_id>"``. An uprate joins its
    line's ends, has the line's length and reactance, adds
    ``(uprate_factor - 1) x`` the line's ``capacity_mw`` and costs
    ``cost_per_km_krw_bn x length_km``. A ``substation`` row adds
    ``capacity_mw`` of headroom at ``substation_id``. ``export_mw`` (new
    lines and links; 0 elsewhere and where not given) is the MW of today's
    held-back generation one built unit carries from ``from_id`` out of the
    siting problem, to load beyond ``to_id`` that the model does not hold
    (the capital region's own demand): a fixed draw at ``from_id`` when
    built, leaving ``added_mw - export_mw`` per unit for the campuses' flows
    (:mod:`siting.families.reinforcement`).

    Parameters
    ----------
    data : SitingData

    Returns
    -------
    DataFrame
        Columns :data:`PROJECT_COLUMNS`, ids ``None`` where a kind has
        none (``line_id`` of a new line): ``added_mw`` and ``cost_krw_bn``
        (overnight, KRW bn) are per unit, up to ``max_units`` units;
        ``earliest_year`` is a nullable integer. Empty (with these columns)
        when the data has no reinforcements.

    Examples
    --------
    >>> import pandas as pd, siting
    >>> data = siting.load_korea()
    >>> line = data.lines.iloc[0]
    >>> cands = pd.DataFrame({"project_id": ["up"], "name": ["reconductor"], "kind": ["uprate"],
    ...     "source": ["ASSUMPTION"], "line_id": [line.line_id], "uprate_factor": [1.5],
    ...     "cost_per_km_krw_bn": [1.0]})
    >>> p = projects(data.replace(reinforcements=cands))
    >>> bool(p.added_mw[0] == 0.5 * line.capacity_mw), bool(p.cost_krw_bn[0] == line.length_km)
    (True, True)
    >>> len(projects(data.replace(reinforcements=None)))
    0
    """
    layer = data.reinforcements
    if layer is None or layer.empty:
        return _frame([])
    parts = [
        _links(layer[layer["kind"].isin(["ac_line", "hvdc"])], data),
        _uprates(layer[layer["kind"] == "uprate"], data),
        _substations(layer[layer["kind"] == "substation"]),
    ]
    rows = [r for part in parts for r in part]
    order = {pid: i for i, pid in enumerate(layer["project_id"])}
    rows.sort(key=lambda r: (order[r["_source_id"]], r["project_id"]))
    return _frame(rows)


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """The projects table from row dicts, with its dtypes."""
    out = pd.DataFrame(rows, columns=list(PROJECT_COLUMNS))
    for col in _TEXT:
        out[col] = out[col].astype(object)
    for col in _FLOAT:
        out[col] = out[col].astype(float)
    out["max_units"] = out["max_units"].astype(int)
    out["earliest_year"] = out["earliest_year"].astype("Int64")
    return out.reset_index(drop=True)


def _common(row: pd.Series) -> dict[str, object]:
    """Fields every project copies from its layer row."""
    return {
        "_source_id": row["project_id"],
        "project_id": row["project_id"],
        "name": row["name"],
        "kind": row["kind"],
        "from_id": None,
        "to_id": None,
        "line_id": None,
        "substation_id": None,
        "export_mw": 0.0,
        "reactance": np.nan,
        "length_km": np.nan,
        "max_units": int(row["max_units"]),
        "earliest_year": row["earliest_year"],
        "source": row["source"],
    }


def _links(rows: gpd.GeoDataFrame, data: SitingData) -> list[dict[str, object]]:
    """New AC lines and HVDC links: route or straight length, rule reactance for AC lines."""
    if rows.empty:
        return []
    pts = data.substations.set_index("substation_id").geometry.to_crs(data.metric_crs)
    straight = shapely.linestrings(
        [
            [shapely.get_coordinates(pts[a])[0], shapely.get_coordinates(pts[b])[0]]
            for a, b in zip(rows["from_id"], rows["to_id"], strict=True)
        ]
    )
    route = rows.geometry.to_crs(data.metric_crs)
    has_route = route.notna() & ~route.is_empty
    length_km = np.where(has_route, route.length, shapely.length(straight)) / 1000.0
    kv = rows["voltage_kv"].fillna(0.0)
    x_ohm = line_type(kv.where(kv > 0, 1.0), pd.Series("ac", index=rows.index), ratings=data.line_ratings)[
        "x_ohm_per_km"
    ]
    rule_x = x_ohm * length_km / (kv**2 / 100.0)
    out = []
    for (_, row), km, x in zip(rows.iterrows(), length_km, rule_x, strict=True):
        reactance = (
            (row["reactance"] if pd.notna(row["reactance"]) else x) if row["kind"] == "ac_line" else np.nan
        )
        out.append(
            _common(row)
            | {
                "from_id": row["from_id"],
                "to_id": row["to_id"],
                "added_mw": float(row["capacity_mw"]),
                "export_mw": float(row["export_mw"]),
                "reactance": float(reactance),
                "length_km": float(km),
                "cost_krw_bn": float(row["cost_krw_bn"]),
            }
        )
    return out


def _uprates(rows: gpd.GeoDataFrame, data: SitingData) -> list[dict[str, object]]:
    """Reconductoring: one project per named line, or per AC line of a generic row's voltage."""
    lines = data.lines.set_index("line_id", drop=False)
    out = []
    for _, row in rows.iterrows():
        if row["line_id"] is not None:
            targets, ids = lines.loc[[row["line_id"]]], [row["project_id"]]
        else:
            targets = lines[(lines["kind"] == "ac") & (lines["voltage_kv"] == row["voltage_kv"])]
            ids = [f"{row['project_id']}:{lid}" for lid in targets["line_id"]]
        for pid, (_, line) in zip(ids, targets.iterrows(), strict=True):
            out.append(
                _common(row)
                | {
                    "project_id": pid,
                    "from_id": line["from_id"],
                    "to_id": line["to_id"],
                    "line_id": line["line_id"],
                    "added_mw": (row["uprate_factor"] - 1.0) * float(line["capacity_mw"]),
                    "reactance": float(line["reactance"]),
                    "length_km": float(line["length_km"]),
                    "cost_krw_bn": row["cost_per_km_krw_bn"] * float(line["length_km"]),
                }
            )
    return out


def _substations(rows: gpd.GeoDataFrame) -> list[dict[str, object]]:
    """Substation expansions: headroom added at one substation."""
    return [
        _common(row)
        | {
            "substation_id": row["substation_id"],
            "added_mw": float(row["capacity_mw"]),
            "cost_krw_bn": float(row["cost_krw_bn"]),
        }
        for _, row in rows.iterrows()
    ]


def generic(table: pd.DataFrame) -> pd.Series:
    """Whether each project is one line of a generic uprate (id ``"<row>:<line_id>"``), not a named row.

    Parameters
    ----------
    table : DataFrame
        With ``project_id``, ``kind`` and ``line_id``: :func:`projects`, or
        ``SitingResult.reinforcements``.

    Returns
    -------
    Series of bool

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"project_id": ["UP:L7", "UP-L3", "HV"], "kind": ["uprate", "uprate", "hvdc"],
    ...                   "line_id": ["L7", "L3", None]})
    >>> generic(t).tolist()
    [True, False, False]
    """
    ends = [
        kind == "uprate" and isinstance(line, str) and str(pid).endswith(":" + line)
        for pid, kind, line in zip(table["project_id"], table["kind"], table["line_id"], strict=True)
    ]
    return pd.Series(ends, index=table.index, dtype=bool)


def grouped(table: pd.DataFrame, *, sums: Sequence[str] = ("cost_krw_bn",)) -> pd.DataFrame:
    """Projects as a reader counts them: each named project alone, the lines of a generic uprate together.

    The lines of one generic uprate row (:func:`generic`, ids
    ``"<project_id>:<line_id>"``) become one row, keyed by the layer row's
    ``project_id``, with their count in ``lines`` and the sums of ``sums``;
    every other column is its first line's. Named projects come first, in the
    table's order, then the generic rows in order of their first line.

    Parameters
    ----------
    table : DataFrame
        With ``project_id``, ``kind``, ``line_id`` and the columns of
        ``sums``: :func:`projects`, or rows of ``SitingResult.reinforcements``.
    sums : sequence of str, default ("cost_krw_bn",)
        Numeric (or boolean) columns added up over a generic row's lines.

    Returns
    -------
    DataFrame
        The table's columns (no geometry) and ``lines``: how many lines a row
        stands for, 0 for a named project.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"project_id": ["UP:L7", "HV", "UP:L3"], "kind": ["uprate", "hvdc", "uprate"],
    ...     "name": ["Reconductor", "HVDC", "Reconductor"], "line_id": ["L7", None, "L3"],
    ...     "cost_krw_bn": [2.0, 900.0, 3.5]})
    >>> grouped(t)[["project_id", "name", "lines", "cost_krw_bn"]].values.tolist()
    [['HV', 'HVDC', 0, 900.0], ['UP', 'Reconductor', 2, 5.5]]
    """
    lines = generic(table).to_numpy()
    key = [
        pid[: -len(line) - 1] if g else pid
        for pid, line, g in zip(table["project_id"], table["line_id"], lines, strict=True)
    ]
    plain = pd.DataFrame(table.drop(columns="geometry", errors="ignore"))
    plain = plain.assign(lines=lines.astype(int), _key=key)
    agg: dict[str, str] = {c: "first" for c in plain.columns if c != "_key"}
    agg |= {c: "sum" for c in (*sums, "lines")}
    out = plain.groupby("_key", sort=False).agg(agg)
    out["project_id"] = out.index.astype(object)
    out = out.sort_values("lines", key=lambda n: n > 0, kind="stable")
    return out.reset_index(drop=True)
