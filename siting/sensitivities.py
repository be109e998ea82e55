"""How far each assumption moves the answer: :func:`sensitivity` and its tornado chart.

Each :class:`~siting.assumptions.Assumption` is set to the low and the high
end of its range, one at a time with every other input at its value, and the
scenario is solved again; the base and every end run as one
:func:`siting.sweeps.sweep_inputs` on Dask. The table says how far the
objective moves and how far the plan moves: MW that change province and the
share of the base plan's campuses kept.

The module is not named ``sensitivity`` because ``siting.sensitivity`` is the
function (as :mod:`siting.sweeps` holds ``siting.sweep``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from . import style
from ._errors import NoResultError, UsageError
from .assumptions import Assumption, default_assumptions, format_value
from .data import SitingData
from .result import SitingResult
from .scenario import Scenario
from .sweeps import sweep_inputs

if TYPE_CHECKING:
    from distributed import Client
    from matplotlib.axes import Axes

__all__ = ["SensitivityResult", "plot_tornado", "sensitivity"]

#: The ends of a range, in the table's column suffixes and :attr:`SensitivityResult.mw_by_province`.
ENDS: Final = ("low", "high")
#: Colour of the bars of the low and the high end.
END_COLOR: Final = {"low": style.CAMPUS, "high": style.BINDS}


@dataclass
class SensitivityResult:
    """What :func:`sensitivity` returns.

    Attributes
    ----------
    table : DataFrame
        One row per assumption: ``assumption``, ``description``, ``unit``,
        ``low``, ``value``, ``high``, ``source``; ``objective_low``,
        ``objective_base``, ``objective_high`` (KRW bn, NaN without a plan);
        ``status_low``, ``status_high`` ("optimal", "feasible",
        "infeasible", "no_solution" or "error"); ``swing``
        (|objective_high - objective_low|, NaN when an end has no plan);
        ``moved_mw_low``, ``moved_mw_high`` (MW that change province,
        ½ Σ_p |MW_p - MW_p,base|); ``kept_low``, ``kept_high`` (share of
        the base plan's campuses that the end's plan keeps: the same
        candidate site with the same tier); ``error`` (why an end raised,
        else empty). Rows with an end without a plan come first, then the
        largest swing. An end equal to the value is the base, not solved again.
    mw_by_province : DataFrame
        MW by province code (columns) for the base (index ``("base", "base")``)
        and each end (``(assumption, "low"/"high")``); NaN rows without a plan.
    results : dict
        Every :class:`~siting.SitingResult` by ``(assumption, end)`` and
        ``("base", "base")`` (absent where the solve raised).
    """

    table: pd.DataFrame
    mw_by_province: pd.DataFrame
    results: dict[tuple[str, str], SitingResult]

    @property
    def base(self) -> SitingResult:
        """The base result (every assumption at its value)."""
        return self.result("base", "base")

    def result(self, assumption: str, end: str) -> SitingResult:
        """The result at ``end`` ("low" or "high") of ``assumption``."""
        key = (assumption, end)
        if key not in self.results:
            raise NoResultError(f"no result for {key}; fix: use one of {sorted(self.results)[:6]} ...")
        return self.results[key]

    def plot(self, *, ax: Axes | None = None, top: int | None = None) -> Axes:
        """The tornado chart: :func:`plot_tornado`."""
        return plot_tornado(self, ax=ax, top=top)


def sensitivity(
    data: SitingData,
    scenario: Scenario,
    *,
    assumptions: Iterable[Assumption] | None = None,
    client: Client | None = None,
    n_workers: int | None = None,
    progress: bool = True,
    **solve_options: Any,
) -> SensitivityResult:
    """Re-solve at each end of each assumption's range: how far each one moves the answer.

    Parameters
    ----------
    data : SitingData
    scenario : Scenario
        The base: every assumption at its value.
    assumptions : iterable of Assumption, optional
        Default :func:`siting.assumptions.default_assumptions` of ``data``
        and ``scenario`` (every assumption that feeds the model).
    client : dask.distributed.Client, optional
        Run on this cluster; default a local cluster of ``n_workers``
        one-thread processes (:func:`siting.sweep`).
    n_workers : int, optional
        Workers of the local cluster; default the machine's cores.
    progress : bool, default True
        Dask's progress bar.
    **solve_options
        Passed to :func:`siting.solve` (``time_limit_s``, ``mip_gap``, ...).

    Returns
    -------
    SensitivityResult
        ``.table`` one row per assumption, the largest effect first;
        ``.plot()`` the tornado chart.

    Examples
    --------
    >>> import siting
    >>> from dask.distributed import Client, LocalCluster
    >>> data = siting.load_korea()
    >>> sc = siting.Scenario(target_mw=400, grid_spacing_km=40, min_host_provinces=1, renewable_share=0.0)
    >>> some = [a for a in siting.default_assumptions(data, sc) if a.name == "cost_site_per_mw"]
    >>> with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cl, Client(cl) as c:
    ...     out = siting.sensitivity(data, sc, assumptions=some, client=c, progress=False)
    >>> out.table["assumption"].tolist()[0], out.table["status_high"].tolist()
    ('cost_site_per_mw', ['optimal'])
    """
    items = default_assumptions(data, scenario) if assumptions is None else list(assumptions)
    names = [a.name for a in items]
    if len(set(names)) < len(names) or "base" in names:
        raise UsageError(f"sensitivity: assumption names must be distinct and not 'base': {names}")
    base = f"{scenario.name}|base"
    tasks: list[tuple[SitingData, Scenario]] = [(data, scenario.replace(name=base))]
    run_of: dict[tuple[str, str], str] = {("base", "base"): base}
    for a in items:
        for end in ENDS:
            v = getattr(a, end)
            if v == a.value:  # the base itself
                run_of[(a.name, end)] = base
                continue
            d, sc = a.apply(data, scenario, v)
            run_of[(a.name, end)] = f"{scenario.name}|{a.name}={v:g}"
            tasks.append((d, sc.replace(name=run_of[(a.name, end)])))
    out = sweep_inputs(tasks, client=client, n_workers=n_workers, progress=progress, **solve_options)
    rows = out.table.set_index("name")
    results = {key: out.results[name] for key, name in run_of.items() if name in out.results}
    provinces = sorted(data.provinces["code"])
    mw = pd.DataFrame(
        [_mw_by_province(results.get(key), provinces) for key in run_of],
        index=pd.MultiIndex.from_tuples(list(run_of), names=["assumption", "end"]),
    )
    table = pd.DataFrame([_row(a, run_of, rows, mw, results) for a in items])
    return SensitivityResult(table=_sorted(table), mw_by_province=mw, results=results)


def _mw_by_province(res: SitingResult | None, provinces: list[str]) -> pd.Series:
    """MW by province of a plan (NaN everywhere without one)."""
    if res is None or not res.status.has_solution:
        return pd.Series(np.nan, index=provinces)
    return res.sites.groupby("province")["capacity_mw"].sum().reindex(provinces, fill_value=0.0)


def _campuses(res: SitingResult | None) -> set[tuple[str, float]] | None:
    """A plan's campuses as (candidate site, tier MW); None without a plan."""
    if res is None or not res.status.has_solution:
        return None
    return set(zip(res.sites["site_id"].astype(str), res.sites["capacity_mw"].astype(float), strict=True))


def _row(
    a: Assumption,
    run_of: dict[tuple[str, str], str],
    rows: pd.DataFrame,
    mw: pd.DataFrame,
    results: dict[tuple[str, str], SitingResult],
) -> dict[str, Any]:
    """One assumption's row of :attr:`SensitivityResult.table`."""
    base_key = ("base", "base")
    row: dict[str, Any] = {
        "assumption": a.name,
        "description": a.description,
        "unit": a.unit,
        "low": a.low,
        "value": a.value,
        "high": a.high,
        "source": a.source,
        "objective_base": rows.at[run_of[base_key], "objective"],
    }
    kept = _campuses(results.get(base_key))
    errors = []
    for end in ENDS:
        name = run_of[(a.name, end)]
        row[f"objective_{end}"] = rows.at[name, "objective"]
        row[f"status_{end}"] = rows.at[name, "status"]
        if rows.at[name, "error"]:
            errors.append(f"{end}: {rows.at[name, 'error']}")
        row[f"moved_mw_{end}"] = 0.5 * float(
            (mw.loc[(a.name, end)] - mw.loc[base_key]).abs().sum(skipna=False)
        )
        plan = _campuses(results.get((a.name, end)))
        row[f"kept_{end}"] = len(kept & plan) / len(kept) if kept and plan is not None else np.nan
    row["swing"] = abs(row["objective_high"] - row["objective_low"])
    row["error"] = "; ".join(errors)
    order = ["assumption", "description", "unit", "low", "value", "high", "source"]
    order += ["objective_low", "objective_base", "objective_high", "status_low", "status_high", "swing"]
    order += ["moved_mw_low", "moved_mw_high", "kept_low", "kept_high", "error"]
    return {k: row[k] for k in order}


def _sorted(table: pd.DataFrame) -> pd.DataFrame:
    """Rows with an end without a plan first (the answer is gone there), then the largest swing."""
    if table.empty:
        return table
    lost = table[["objective_low", "objective_high"]].isna().any(axis=1)
    key = table["swing"].where(~lost, np.inf)
    return table.loc[key.sort_values(ascending=False, kind="stable").index].reset_index(drop=True)


def plot_tornado(result: SensitivityResult, *, ax: Axes | None = None, top: int | None = None) -> Axes:
    """A tornado chart: the objective's change from the base at each end of each assumption.

    One pair of bars per assumption (low end blue, high end magenta), the
    largest effect at the top, each labelled with its end of the range. An
    end without a plan is a hatched bar to the right edge, labelled with its
    status (no plan is worse than any cost).

    Parameters
    ----------
    result : SensitivityResult
    ax : Axes, optional
        Draw here; default a new figure.
    top : int, optional
        Only the first ``top`` rows of the table.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"assumption": ["a"], "description": ["site cost"], "unit": ["x"], "low": [0.5],
    ...     "value": [1.0], "high": [2.0], "objective_low": [90.0], "objective_base": [100.0],
    ...     "objective_high": [float("nan")], "status_low": ["optimal"], "status_high": ["infeasible"]})
    >>> ax = plot_tornado(SensitivityResult(t, pd.DataFrame(), {}))
    >>> len(ax.patches), ax.get_yticklabels()[0].get_text()
    (2, 'site cost')
    """
    import matplotlib.pyplot as plt

    table = result.table if top is None else result.table.head(top)
    base = table["objective_base"].iat[0] if len(table) else np.nan
    if not np.isfinite(base):
        raise NoResultError("plot_tornado: the base has no plan, so there is no change to draw.")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.45 * len(table) + 1.5))
    y = np.arange(len(table))[::-1].astype(float)
    change = {end: (table[f"objective_{end}"] - base).to_numpy(dtype=float) for end in ENDS}
    finite = np.abs(np.concatenate(list(change.values())))
    edge = float(np.nanmax(finite)) if np.isfinite(finite).any() and np.nanmax(finite) > 0 else 1.0
    for k, end in enumerate(ENDS):
        lost = np.isnan(change[end])
        width = np.where(lost, edge * 1.1, change[end])
        bars = ax.barh(
            y + (0.2 if k == 0 else -0.2), width, height=0.38, color=END_COLOR[end], label=f"{end} end"
        )
        for bar, gone, (_, r) in zip(bars, lost, table.iterrows(), strict=True):
            bar.set_gid(f"siting-tornado-{end}")
            text = format_value(r[end], r["unit"]) + (f": {r[f'status_{end}']}" if gone else "")
            if gone:
                bar.set_hatch("//")
                bar.set_alpha(0.4)
            w = bar.get_width()
            ax.annotate(
                text,
                (w, bar.get_y() + bar.get_height() / 2),
                xytext=(3 if w >= 0 else -3, 0),
                textcoords="offset points",
                ha="left" if w >= 0 else "right",
                va="center",
                fontsize=7,
                color=style.INK,
            )
    ax.axvline(0.0, color=style.INK, linewidth=0.8)
    ax.set_yticks(y, table["description"].tolist())
    ax.set_xlim(-edge * 1.45, edge * 1.45)
    run = result.results.get(("base", "base"))
    money = run.scenario.costs.currency if run is not None else "KRW bn"
    ax.set_xlabel(f"objective change from the base ({money})")
    ax.set_title(f"How far each assumption moves the answer (base {style.krw_bn(base, currency=money)})")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.grid(True, axis="x", alpha=0.3)
    return ax
