"""Results side by side: :func:`compare`, public as ``siting.compare``.

The module is not named ``compare`` because ``siting.compare`` is the
function: importing a submodule of that name would replace it on the package.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ._errors import SitingError
from ._result_types import ResultLike
from .reinforcements import grouped

__all__ = ["compare", "named_results"]


def compare(
    results: Sequence[ResultLike] | Mapping[str, ResultLike], *, names: Sequence[str] | None = None
) -> pd.DataFrame:
    """Compare results side by side: one column per result, then the differences from the first.

    Rows: status, target and placed MW, campuses, host provinces (how many
    and which), the money unit (``currency``), objective and each cost term
    (rows ``..._krw_bn``, in that unit), renewable energy deliverable (MW and
    share, beside the share required), substations used, and MW in each province
    that hosts a campus in any result (``mw <Name (code)>``). When any result
    reinforces the grid (``Scenario(reinforce=True)``), three rows more:
    ``reinforcement_krw_bn`` (0 for a plan that does not reinforce),
    ``projects_built`` (how many) and ``projects`` (their names, with the units
    of a modular one; the lines of a generic uprate counted under its name:
    :func:`siting.reinforcements.grouped`); None for a result without a plan.
    Differences are numeric (result minus the first); text rows read
    "differs" where they differ.

    Parameters
    ----------
    results : sequence of SitingResult, or mapping of name to SitingResult
    names : sequence of str, optional
        Column names; default the mapping's keys or each scenario's name
        (made unique with "#2", "#3").

    Returns
    -------
    DataFrame
        Index ``metric``; columns the names, then ``difference`` (two
        results) or ``<name> - <first>`` (more).

    Examples
    --------
    >>> import siting
    >>> data = siting.load_korea()
    >>> runs = {f"{mw} MW": siting.solve(data, siting.Scenario(target_mw=mw, min_host_provinces=1,
    ...                                                          grid_spacing_km=40))
    ...         for mw in (100, 200)}
    >>> t = siting.compare(runs)
    >>> t.loc["target_mw"].tolist()
    [100, 200, 100]
    """
    results, names = named_results(results, names, caller="compare", least=2)
    labels: dict[str, str] = {}
    for r in results:
        labels.update(r.province_labels())
    hosts = sorted({str(p) for r in results for p in r.sites["province"]})
    grid = any(r.scenario.reinforce for r in results)
    columns = {
        n: _column(r, labels=labels, hosts=hosts) | (_projects(r) if grid else {})
        for n, r in zip(names, results, strict=True)
    }
    table = pd.DataFrame(columns, dtype=object)
    table.index.name = "metric"
    first = names[0]
    for other in names[1:]:
        key = "difference" if len(names) == 2 else f"{other} - {first}"
        table[key] = [_difference(a, b) for a, b in zip(table[first], table[other], strict=True)]
    return table


def named_results(
    results: Sequence[ResultLike] | Mapping[str, ResultLike],
    names: Sequence[str] | None,
    *,
    caller: str,
    least: int,
) -> tuple[list[ResultLike], list[str]]:
    """Results and their names from a list or a mapping of name to result, as :func:`compare` takes them.

    Parameters
    ----------
    results : sequence of SitingResult, or mapping of name to SitingResult
    names : sequence of str, optional
        Names; default the mapping's keys or each scenario's name (made
        unique with "#2", "#3").
    caller : str
        The public function, for messages.
    least : {1, 2}
        Fewest results the caller needs.

    Returns
    -------
    (list of SitingResult, list of str)

    Raises
    ------
    SitingError
        With fewer than ``least`` results, or names not one distinct name per result.

    Examples
    --------
    >>> named_results({}, None, caller="compare", least=2)
    Traceback (most recent call last):
    ...
    siting._errors.SitingError: compare() needs two results or more, got 0; fix: pass a list of results, \
or a dict of name to result.
    """
    if isinstance(results, Mapping):
        names = list(results) if names is None else names
        results = list(results.values())
    results = list(results)
    if len(results) < least:
        raise SitingError(
            f"{caller}() needs {('one result', 'two results')[least - 1]} or more, got {len(results)}; "
            "fix: pass a list of results, or a dict of name to result."
        )
    return results, _names(results, names, caller=caller)


def _names(results: Sequence[ResultLike], names: Sequence[str] | None, *, caller: str) -> list[str]:
    """The names: ``names`` checked, or each scenario's name made unique with "#2", "#3"."""
    if names is None:
        names = []
        seen: dict[str, int] = {}
        for r in results:
            seen[r.scenario.name] = seen.get(r.scenario.name, 0) + 1
            n = seen[r.scenario.name]
            names.append(r.scenario.name if n == 1 else f"{r.scenario.name} #{n}")
    out = [str(n) for n in names]
    if len(out) != len(results) or len(set(out)) != len(out):
        raise SitingError(
            f"{caller}() got {len(results)} results and names={out}; "
            "fix: give one name per result, each a distinct name."
        )
    return out


def _column(r: ResultLike, *, labels: Mapping[str, str], hosts: Sequence[str]) -> dict[str, Any]:
    """One result's column: its metrics by name, MW for every province in ``hosts``."""
    bp = r.by_province()["capacity_mw"] if len(r.sites) else pd.Series(dtype=float)
    col: dict[str, Any] = {
        "status": str(r.status),
        "target_mw": r.scenario.target_mw,
        "total_mw": r.total_mw,
        "campuses": len(r.sites),
        "host_provinces": int(r.sites["province"].nunique()),
        "provinces": ", ".join(labels[p] for p in sorted(map(str, r.sites["province"].unique()))),
        "currency": r.scenario.costs.currency,
        "objective_krw_bn": r.objective,
    }
    col |= {f"{k}_krw_bn": v if r.status.has_solution else None for k, v in r.costs.items()}
    col |= {
        "renewable_delivered_mw": r.renewable_delivered_mw,
        "renewable_share_required": r.scenario.renewable_share,
        "renewable_share": r.renewable_share,
        "substations_used": int((r.substations["load_mw"] > 0).sum()),
    }
    col |= {f"mw {labels[p]}": float(bp.get(p, 0.0)) for p in hosts}
    return col


def _projects(r: ResultLike) -> dict[str, Any]:
    """Reinforcement cost, and the projects built: how many and which (None without a plan)."""
    if not r.status.has_solution:
        return dict.fromkeys(("reinforcement_krw_bn", "projects_built", "projects"))
    table = r.reinforcements
    if table is None:
        return {"reinforcement_krw_bn": 0.0, "projects_built": 0, "projects": ""}
    built = table[table["units_built"] > 0]
    items = grouped(built)[["project_id", "name", "lines", "units_built"]]
    names = [_item_name(pid, name, k, u) for pid, name, k, u in items.itertuples(index=False)]
    return {
        "reinforcement_krw_bn": float(r.costs.get("reinforcement", 0.0)),
        "projects_built": len(built),
        "projects": ", ".join(names),
    }


def _item_name(pid: str, name: str | None, lines: int, units: int) -> str:
    """A project built, with its units when several, or a generic uprate with its count of lines."""
    if lines:
        return f"{name} ({lines} line{'' if lines == 1 else 's'})"
    return f"{name or pid}" + (f" ({units} units)" if units > 1 else "")


def _difference(a: Any, b: Any) -> Any:
    """``b`` minus ``a``; for text, "differs" or ""; None when either is None."""
    if isinstance(a, str) or isinstance(b, str):
        return "differs" if a != b else ""
    return None if a is None or b is None else b - a
