"""Which layer columns documented rules fill, and how :class:`siting.SitingData` reads optional columns.

The rule-derived columns (:data:`DERIVED_COLUMNS`), where their values come
from (:data:`PROVENANCE_COLUMNS`), the rows left empty on purpose for a rule
(:data:`RULE_ROWS_ATTR`), and the check that a column is given in every row
or in none (:func:`check_gaps`).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from . import _validate as V

__all__ = [
    "DERIVED_COLUMNS",
    "PROVENANCE_COLUMNS",
    "RULE_ROWS_ATTR",
    "as_bool",
    "check_gaps",
    "number",
    "text",
]

#: Columns that a documented rule fills where the input leaves them empty, by
#: layer, with the columns each rule reads. :meth:`SitingData.replace` derives
#: them again from the new inputs wherever the rule filled them and the new
#: frame leaves them as they were; a value you set yourself is kept.
#: ``length_km`` is not listed: it is always computed from the geometry.
DERIVED_COLUMNS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "substations": {"headroom_mw": ("voltage_kv", "takes_load")},
    "lines": {
        "capacity_mw": ("voltage_kv", "kind", "circuits", "bundle"),
        "residual_mw": ("capacity_mw",),
        "reactance": ("length_km", "voltage_kv", "circuits", "kind"),
    },
    "plants": {"supply_mw": ("capacity_mw",)},
}

#: Text columns that say where a derived column's value comes from, by layer:
#: :meth:`SitingData.replace` marks them ``given`` where you change the value.
PROVENANCE_COLUMNS: Final[dict[str, dict[str, str]]] = {"lines": {"capacity_mw": "rating_source"}}

#: Key of ``DataFrame.attrs`` under which ``siting`` itself marks, per column,
#: the ids of rows left empty on purpose for a rule to fill (the capital-free
#: corridors of :func:`siting.load_korea`, cells :meth:`SitingData.replace`
#: derives again). Anywhere else an empty cell in a given column is an error.
RULE_ROWS_ATTR: Final[str] = "siting_rule_rows"


def as_bool(s: pd.Series) -> pd.Series:
    """A column of true/false words or 0/1 as booleans."""
    return s.map(lambda v: str(v).strip().lower() in ("true", "1", "1.0")).astype(bool)


def number(df: pd.DataFrame, col: str) -> pd.Series:
    """An optional numeric column, NaN where absent or empty (a rule fills it in)."""
    if col in df.columns:
        return pd.to_numeric(df[col], errors="coerce")
    return pd.Series(np.nan, index=df.index)


def text(df: pd.DataFrame, col: str, default: str) -> pd.Series | str:
    """An optional text column with ``default`` where absent or empty."""
    return df[col].fillna(default).astype(str) if col in df.columns else default


def check_gaps(frame: pd.DataFrame, layer: str) -> list[str]:
    """Empty cells in a given rule-derived column (or ``circuits``): an error naming the rows.

    A column left out, or empty in every row, takes the documented rule for
    every row; a column with some values and some gaps is almost always a
    data-entry slip, so the gaps are not silently filled.
    """
    cols = [*DERIVED_COLUMNS.get(layer, {}), *(("circuits",) if layer == "lines" else ())]
    idc = V.SPECS[layer].id_column
    exempt = frame.attrs.get(RULE_ROWS_ATTR, {})
    problems = []
    for col in cols:
        if col not in frame.columns:
            continue
        num = pd.to_numeric(frame[col], errors="coerce")
        gap = num.isna() & frame[col].isna()  # text that is no number is reported by check_layer
        if gap.all():
            continue
        hvdc = frame["kind"].eq("hvdc") if "kind" in frame.columns else pd.Series(False, index=frame.index)
        if col == "capacity_mw" and hvdc[~gap].all():
            continue  # ratings given for the HVDC links only (they have no rule): the rule rates the AC lines
        gap &= ~V.id_strings(frame[idc]).isin(set(V.id_strings(pd.Series(exempt.get(col, []), dtype=object))))
        if col == "reactance":
            gap &= ~hvdc  # HVDC links have no reactance
        if gap.any():
            problems.append(
                f"layer '{layer}', column '{col}': empty in {V.show_ids(frame.loc[gap, idc])} while "
                "other rows give it; fix: give a number for every row, or leave the column out (or empty "
                "in every row) to use the documented default rule for all rows (data/geo/README.md)."
            )
    return problems
