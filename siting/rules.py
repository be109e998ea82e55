"""The documented rules that fill a layer's derived columns: headroom by voltage class, line ratings.

:class:`siting.SitingData` applies them where a layer leaves a column empty
(``siting.data.DERIVED_COLUMNS``); the figures live in :mod:`siting.settings`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import _validate as V
from .settings import DEFAULT_LINE_RATINGS, HEADROOM_MW_BY_KV, LINE_RATINGS, RatingTable

__all__ = ["by_voltage_class", "headroom_rule", "rating_table", "line_type"]


def by_voltage_class(kv: pd.Series, table: Mapping[int, float]) -> pd.Series:
    """Look up a per-voltage rule for each value, using the nearest class at or below.

    Examples
    --------
    >>> by_voltage_class(pd.Series([154, 345, 500]), {154: 1.0, 345: 2.0}).tolist()
    [1.0, 2.0, 2.0]
    """
    classes = np.array(sorted(table))
    kvs = kv.to_numpy(dtype=float)
    idx = np.clip(np.searchsorted(classes, kvs, side="right") - 1, 0, len(classes) - 1)
    return pd.Series([table[int(c)] for c in classes[idx]], index=kv.index, dtype=float)


def headroom_rule(
    kv: pd.Series, takes_load: pd.Series | bool = True, table: Mapping[int, float] | None = None
) -> pd.Series:
    """Default headroom for new large loads: by voltage class where a bus takes load, else 0.

    Examples
    --------
    >>> headroom_rule(pd.Series([154.0, 345.0]), pd.Series([True, False]), {154: 150.0, 345: 600.0}).tolist()
    [150.0, 0.0]
    """
    return by_voltage_class(kv, table or HEADROOM_MW_BY_KV).where(takes_load, 0.0)


def rating_table(ratings: str | RatingTable) -> RatingTable:
    """The line rating table ``ratings`` names (a key of ``settings.LINE_RATINGS``), or itself.

    Examples
    --------
    >>> rating_table("kepco").power_factor
    0.95
    """
    if isinstance(ratings, RatingTable):
        return ratings
    if ratings not in LINE_RATINGS:
        V.raise_if(
            [
                f"line_ratings={ratings!r} is not a rating table; fix: use one of {sorted(LINE_RATINGS)} "
                "or pass a siting.settings.RatingTable."
            ]
        )
    return LINE_RATINGS[ratings]


def line_type(
    kv: pd.Series,
    kind: pd.Series,
    *,
    ratings: str | RatingTable = DEFAULT_LINE_RATINGS,
    bundle: pd.Series | None = None,
) -> pd.DataFrame:
    """The standard line type of each line in a rating table: the conductor of the nearest voltage key.

    Returns ``type``, ``rating_mw`` (one circuit: sqrt(3) x kV x amps x
    bundle x power factor), ``x_ohm_per_km`` (one circuit) and
    ``rating_source`` (table, conductor and bundle). ``bundle`` (sub-conductors
    per phase, e.g. from OSM's ``wires`` tag) overrides the standard bundle
    where given.

    Examples
    --------
    >>> kv, ac = pd.Series([154.0, 345.0, 765.0]), pd.Series(["ac"] * 3)
    >>> line_type(kv, ac)["rating_mw"].round(0).tolist()
    [430.0, 2064.0, 6926.0]
    >>> line_type(kv, ac, ratings="pypsa_earth")["rating_mw"].round(0).tolist()
    [172.0, 1542.0, 5512.0]
    >>> line_type(kv, ac, bundle=pd.Series([1.0, None, None]))["rating_source"][0]
    'kepco: ACSR 410 mm² 2-bundle, 1 sub-conductor(s) per phase (given)'
    """
    table = rating_table(ratings)
    wires = pd.Series(np.nan, index=kv.index) if bundle is None else pd.to_numeric(bundle, errors="coerce")
    rows = []
    for v, k, b in zip(kv.to_numpy(dtype=float), kind.to_numpy(), wires.to_numpy(dtype=float), strict=False):
        c = table.conductor(v, k)
        given = bool(np.isfinite(b) and b > 0)
        note = f", {b:g} sub-conductor(s) per phase (given)" if given else ""
        mw = table.rating_mw(v, k, bundle=b if given else None)
        rows.append((c.name, mw, c.x_ohm_per_km, f"{table.name}: {c.name}{note}"))
    return pd.DataFrame(rows, columns=["type", "rating_mw", "x_ohm_per_km", "rating_source"], index=kv.index)
