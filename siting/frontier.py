"""Cost against a second objective: the ε-constraint Pareto frontier (:func:`pareto`).

The second objective is one of the scenario's own limits, so each frontier
point is an ordinary solve with that limit set to ε:

- ``renewable_share`` (at least ε of campus energy deliverable from
  renewables; scenario field ``renewable_share``);
- ``host_provinces`` (at least ε provinces host a campus;
  ``min_host_provinces``);
- ``peak_line_loading`` (no line's campus flow above ε of its residual
  capacity; ``max_line_loading``, :class:`siting.families.LineLoading`).

The range of ε runs between the two single-objective extremes: the
cheapest plan with the limit left out (its achieved value), and the best
value any plan reaches (found by optimising that objective alone on the same
model: most host provinces, least peak loading, or the highest renewable
share by Dinkelbach's method for the ratio).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd
import pulp

from ._errors import ScenarioError
from .data import SitingData
from .families import Hosts
from .families._base import linear, value
from .model import SitingModel
from .pipeline import solve
from .prepared import Prepared, prepared_for
from .result import SitingResult
from .scenario import Scenario

if TYPE_CHECKING:
    from distributed import Client
    from matplotlib.axes import Axes

__all__ = ["Frontier", "OBJECTIVES", "pareto", "plot_pareto"]

#: The second objectives: scenario field that sets ε, and whether more is better.
OBJECTIVES: Final[dict[str, tuple[str, bool]]] = {
    "renewable_share": ("renewable_share", True),
    "host_provinces": ("min_host_provinces", True),
    "peak_line_loading": ("max_line_loading", False),
}
#: ε off: the value of each field that leaves its limit out. A renewable share
#: of 1e-9 rather than 0 keeps the renewable flows in the model, so that the
#: cheapest plan's deliverable share is measured (0 would report none).
_LOOSE: Final[dict[str, Any]] = {"renewable_share": 1e-9, "min_host_provinces": 0, "max_line_loading": 1.0}


def achieved(result: SitingResult, y: str) -> float:
    """The value of objective ``y`` that a result's plan reaches (NaN without a plan)."""
    if not result.status.has_solution or not len(result.sites):
        return float("nan")
    if y == "renewable_share":
        return result.renewable_delivered_mw / (result.scenario.load_factor * result.total_mw)
    if y == "host_provinces":
        return float(result.sites["province"].nunique())
    return float(result.lines["loading"].max())


@dataclass
class Frontier:
    """An ε-constraint frontier from :func:`pareto`.

    Attributes
    ----------
    table : DataFrame
        One row per ε, from the loosest to the tightest: ``epsilon`` (the
        limit solved with), ``status``, ``objective`` (cost, KRW bn),
        ``achieved`` (the value of ``y`` the plan reaches) and ``result``
        (the :class:`~siting.SitingResult`). Infeasible ε values are rows.
    x, y : str
        The objectives.
    best : float
        The best ``y`` any plan reaches (the single-objective extreme).
    """

    table: pd.DataFrame
    x: str
    y: str
    best: float

    def plot(self, *, ax: Axes | None = None) -> Axes:
        """The frontier: :func:`plot_pareto`."""
        return plot_pareto(self, ax=ax)


def plot_pareto(frontier: Frontier, *, ax: Axes | None = None) -> Axes:
    """Cost against the second objective, one marker per point with a plan.

    Examples
    --------
    >>> import pandas as pd
    >>> f = Frontier(pd.DataFrame({"epsilon": [0, 0.5], "status": ["optimal"] * 2, "objective": [1.0, 2.0],
    ...     "achieved": [0.2, 0.5], "result": [None, None]}), "cost", "renewable_share", 0.5)
    >>> f.plot().get_xlabel()
    'cost (KRW bn)'
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    ok = frontier.table[frontier.table["status"].isin(["optimal", "feasible"])]
    ax.plot(ok["objective"], ok["achieved"], marker="o")
    runs = [r for r in frontier.table["result"] if r is not None]
    ax.set_xlabel(f"cost ({runs[0].scenario.costs.currency if runs else 'KRW bn'})")
    ax.set_ylabel(frontier.y.replace("_", " "))
    ax.set_title(f"Pareto frontier: cost against {frontier.y.replace('_', ' ')}")
    ax.grid(True, alpha=0.3)
    return ax


def _best(data: SitingData, scenario: Scenario, y: str, prepared: Prepared, start: float) -> float:
    """The best value of ``y`` over every plan within the scenario's other limits.

    ``scenario`` has the ``y`` limit loose; ``start`` is the cheapest plan's
    achieved value.
    """
    st = prepared.stages(scenario)

    def model(sc: Scenario) -> SitingModel:
        return SitingModel.build(data, sc, st.candidates, st.options, graph=st.graph, headroom=st.headroom)

    def run(m: SitingModel, objective: pulp.LpAffineExpression, sense: int) -> bool:
        m.prob.sense = sense
        m.prob.setObjective(objective)
        return m.solve().status.has_solution

    if y == "host_provinces":
        m = model(scenario.replace(min_host_provinces=1))
        hosts = next(f for f in m.families if isinstance(f, Hosts))
        count = linear((v, 1) for v in hosts.host.values())
        return float(round(value(count))) if run(m, count, pulp.LpMaximize) else start
    if y == "peak_line_loading":
        m = model(scenario)
        peak = pulp.LpVariable("peak_loading", lowBound=0, upBound=1)
        residual = {lid: float(r) for _, _, lid, r in m.graph.edges(keys=True, data="residual_mw")}
        for lid, (fp, fm, _) in sorted(m.line_flows.items()):
            if residual[lid] > 0:
                m.prob += fp + fm <= residual[lid] * peak, f"peak_{lid}"
        return value(peak) if run(m, linear([(peak, 1)]), pulp.LpMinimize) else start
    # renewable share D / (load factor x T), a ratio: Dinkelbach's iterations, each a MILP
    m = model(scenario)
    assert m.renewable_delivered is not None
    lf, best = scenario.load_factor, start
    for _ in range(20):
        if not run(m, m.renewable_delivered - best * lf * m.total, pulp.LpMaximize):
            break
        d, total = value(m.renewable_delivered), value(m.total)
        if d - best * lf * total <= 1e-7 * max(1.0, d):
            break
        best = d / (lf * total)
    return best


def pareto(
    data: SitingData,
    scenario: Scenario,
    *,
    x: str = "cost",
    y: str = "renewable_share",
    n: int = 5,
    client: Client | None = None,
    prepared: Prepared | None = None,
    **solve_options: Any,
) -> Frontier:
    """The ε-constraint frontier of cost against ``y``.

    Parameters
    ----------
    data : SitingData
    scenario : Scenario
        Every other limit; its own value of ``y``'s field is replaced by ε.
    x : {"cost"}
        The objective minimised at each point.
    y : {"renewable_share", "host_provinces", "peak_line_loading"}
        The second objective (:data:`OBJECTIVES`): more renewable share or
        host provinces is better, lower peak line loading is better.
    n : int, default 5
        Points from the cheapest plan's value of ``y`` to the best value any
        plan reaches, both included (fewer when they coincide or, for host
        provinces, round to the same whole number).
    client : dask.distributed.Client, optional
        Solve the points on this cluster (:func:`siting.sweep`); default one
        after another here.
    prepared : Prepared, optional
        From :func:`siting.prepare` on ``data``; the stages are built once
        for every point either way.
    **solve_options
        Passed to :func:`siting.solve`; ``candidates=`` and ``exclusions=``
        build the stages once for every point (without ``prepared=``).

    Returns
    -------
    Frontier
        ``.table`` from the loosest ε to the tightest; cost never falls
        along it (up to the MIP gap). ``.plot()`` draws it.

    Examples
    --------
    >>> import siting
    >>> sc = siting.Scenario(target_mw=400, grid_spacing_km=40, min_host_provinces=1)
    >>> f = siting.pareto(siting.load_korea(), sc, y="host_provinces", n=3)
    >>> f.table["status"].tolist(), f.table["objective"].is_monotonic_increasing
    (['optimal', 'optimal', 'optimal'], True)
    """
    if x != "cost":
        raise ScenarioError(f"pareto: x = {x!r}; only 'cost' is minimised at each point.")
    if y not in OBJECTIVES:
        raise ScenarioError(f"pareto: y = {y!r}; must be one of {sorted(OBJECTIVES)}.")
    if not isinstance(n, int) or n < 2:
        raise ScenarioError(f"pareto: n = {n!r}; must be a whole number >= 2 (the two extremes).")
    field = OBJECTIVES[y][0]
    own = {k: solve_options.pop(k) for k in ("candidates", "exclusions") if k in solve_options}
    prepared = prepared_for(data, prepared, **own)
    loose = scenario.replace(**{field: _LOOSE[field]})
    cheapest = solve(data, loose, prepared=prepared, **solve_options)
    start = achieved(cheapest, y)
    if not cheapest.status.has_solution:
        row = {"epsilon": np.nan, "status": str(cheapest.status), "objective": np.nan, "achieved": np.nan}
        return Frontier(pd.DataFrame([{**row, "result": cheapest}]), x, y, float("nan"))
    best = _best(data, loose, y, prepared, start)
    points = [
        scenario.replace(**{field: e}, name=f"{scenario.name}-{field}={e:.6g}")
        for e in _levels(y, start, best, n)
    ]
    results = _solve_points(data, points, client, prepared, solve_options)
    return Frontier(_table(points, results, y), x, y, float(best))


def _solve_points(
    data: SitingData,
    points: list[Scenario],
    client: Client | None,
    prepared: Prepared,
    solve_options: dict[str, Any],
) -> list[SitingResult | None]:
    """Each point's result: on ``client`` by :func:`siting.sweep` (None where it raised), else one by one."""
    if client is not None:
        from .sweeps import sweep

        out = sweep(data, points, client=client, prepared=prepared, progress=False, **solve_options)
        return [out.results.get(p.name) for p in points]
    return [solve(data, p, prepared=prepared, **solve_options) for p in points]


def _levels(y: str, start: float, best: float, n: int) -> list[float]:
    """The ``n`` distinct values of ε from ``start`` to ``best``, loosest first, the last a hair inside."""
    eps = np.linspace(start, best, n)
    tighten: Callable[[float], float]
    if y == "host_provinces":
        eps = np.unique(np.round(eps).astype(int))
        tighten = int
    elif OBJECTIVES[y][1]:  # a hair inside the extreme, which the solver reached within its tolerances
        tighten = lambda e: float(min(e, best * (1 - 1e-6)))  # noqa: E731
    else:
        tighten = lambda e: float(max(e, best * (1 + 1e-6), 1e-6))  # noqa: E731
    return list(dict.fromkeys(tighten(e) for e in eps))  # distinct, loosest first


def _table(points: list[Scenario], results: list[SitingResult | None], y: str) -> pd.DataFrame:
    """:attr:`Frontier.table`: a row per point (a result of None is a solve that raised)."""
    field = OBJECTIVES[y][0]
    rows = []
    for p, res in zip(points, results, strict=True):
        rows.append(
            {
                "epsilon": getattr(p, field),
                "status": "error" if res is None else str(res.status),
                "objective": np.nan if res is None or res.objective is None else res.objective,
                "achieved": np.nan if res is None else achieved(res, y),
                "result": res,
            }
        )
    return pd.DataFrame(rows)
