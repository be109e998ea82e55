"""Why each campus is where it is, in words: its cost terms, the renewables at its substation, what binds.

The web map's campus popups (:mod:`siting.webmap`) show these lines. Only what
the result holds per campus is given per campus: the connection, site,
renewable incentive and subsidy terms are columns of ``result.sites``; the
transmission and renewable build terms are costs of the whole plan and are
named as such, not split between campuses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ._result_types import SITE_COST_COLUMNS
from .plot import BOTTLENECK_LOADING, FULL_UTILIZATION
from .renewable_map import SERVES_MW
from .report import line_label
from .style import krw_bn, mw

if TYPE_CHECKING:
    from ._result_types import ResultLike

__all__ = ["WHY_HERE_COLUMNS", "why_here"]

#: Columns of :func:`why_here`.
WHY_HERE_COLUMNS = ["site_id", "costs", "plan_costs", "renewables", "limits"]
#: A value per MW below this is no saving (KRW bn per MW, as :func:`siting.upgrade_values`).
MIN_VALUE = 1e-9


def _term(column: str) -> str:
    """The ``result.costs`` key of a per-campus cost column ("connection_cost_krw_bn" -> "connection")."""
    return column.removesuffix("_krw_bn").removesuffix("_cost")


def _costs(site: Any, money: str) -> str:
    """The campus's own cost terms and their sum, in ``money`` (the scenario's currency)."""
    terms = {_term(c): float(getattr(site, c)) for c in SITE_COST_COLUMNS.values()}
    shown = ", ".join(f"{k.replace('_', ' ')} {v:,.1f}" for k, v in terms.items())
    return f"{shown}; this campus {krw_bn(sum(terms.values()), currency=money)}"


def _plan_costs(costs: dict[str, float], money: str) -> str:
    """The cost terms of the whole plan that the result does not hold per campus (those not zero)."""
    own = {_term(c) for c in SITE_COST_COLUMNS.values()}
    rest = {k: v for k, v in costs.items() if k not in own and abs(v) > MIN_VALUE}
    if not rest:
        return ""
    shown = ", ".join(f"{k.replace('_', ' ')} {krw_bn(v, currency=money)}" for k, v in rest.items())
    return f"{shown} for the whole plan (not split by campus)"


def _renewables(sub: Any) -> str:
    """Renewable energy delivered to the campuses at the substation, and what enters the grid there."""
    if sub.renewable_delivered_mw <= SERVES_MW:
        return f"none delivered at {sub.label}"
    out = f"{mw(sub.renewable_delivered_mw)} average delivered to the campuses at {sub.label}"
    taken = [
        f"{what} {mw(v)} average"
        for what, v in (("surplus", sub.surplus_used_mw), ("new build", sub.build_energy_mw))
        if v > SERVES_MW
    ]
    return out + (f"; taken in there: {', '.join(taken)}" if taken else "")


def _substation_limits(sub: Any, money: str) -> list[str]:
    """The substation's headroom and supply, where they are used up; what one more MW of supply saves."""
    out = []
    if sub.headroom_mw > 0 and sub.utilization >= FULL_UTILIZATION:
        out.append(f"headroom at {sub.label} full ({mw(sub.load_mw)} of {mw(sub.headroom_mw)})")
    room = sub.supply_mw + sub.build_peak_mw
    value = sub.supply_value_bn_per_mw
    if (room > 0 and sub.supply_used_mw >= FULL_UTILIZATION * room) or value > MIN_VALUE:
        text = f"supply for new load at {sub.label}: {mw(sub.supply_used_mw)} used of {mw(room)}"
        if value > MIN_VALUE:
            text += f", one more MW would save {krw_bn(value, digits=3, currency=money)}"
        out.append(text)
    return out


def _line_limits(lines: pd.DataFrame, money: str) -> list[str]:
    """The lines given that carry new flow at their residual capacity, or whose one more MW would save."""
    out = []
    for r in lines.itertuples():
        value = r.capacity_value_bn_per_mw
        full = abs(r.flow_mw) > SERVES_MW and r.loading >= BOTTLENECK_LOADING
        if full or value > MIN_VALUE:
            text = (
                f"line {line_label(r.name, r.line_id, r.length_km)} at {min(r.loading, 9.99):.0%} of its "
                f"residual {mw(r.residual_mw)}"
            )
            out.append(
                text
                + (
                    f", one more MW would save {krw_bn(value, digits=3, currency=money)}"
                    if value > MIN_VALUE
                    else ""
                )
            )
    return out


def why_here(result: ResultLike) -> pd.DataFrame:
    """Why each campus is where it is: its costs, the renewables at its substation, the limits there.

    Parameters
    ----------
    result : SitingResult

    Returns
    -------
    DataFrame
        One row per campus, in ``result.sites`` order, columns :data:`WHY_HERE_COLUMNS`, each plain
        text: ``costs`` (the campus's terms in the scenario's ``costs.currency``, KRW bn by
        default: connection, site, renewable incentive (its share of its substation's, by MW),
        subsidy, and their sum); ``plan_costs`` (the terms
        of the whole plan, not held per campus); ``renewables`` (renewable energy delivered to
        the campuses at its substation and what enters the grid there); ``limits`` (what binds
        at its substation and on the lines that meet there: headroom full, supply used up or
        worth more, lines at :data:`siting.plot.BOTTLENECK_LOADING` of their residual capacity
        or worth more; "none ..." otherwise).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> import pandas as pd, siting
    >>> res = SimpleNamespace(costs={"connection": 25.0, "site": 100.0, "transmission": 4.6},
    ...     scenario=siting.Scenario(target_mw=100),
    ...     sites=pd.DataFrame({"site_id": ["g1"], "substation_id": ["s"], "connection_cost_krw_bn": [25.0],
    ...         "site_cost_krw_bn": [100.0], "renewable_incentive_krw_bn": [0.0], "subsidy_krw_bn": [-20.0]}),
    ...     substations=pd.DataFrame({"substation_id": ["s"], "name": ["Middle"], "load_mw": [150.0],
    ...         "headroom_mw": [150.0], "utilization": [1.0], "supply_mw": [400.0], "supply_used_mw": [150.0],
    ...         "build_peak_mw": [0.0], "supply_value_bn_per_mw": [0.0], "renewable_delivered_mw": [0.0],
    ...         "surplus_used_mw": [0.0], "build_energy_mw": [0.0]}),
    ...     lines=pd.DataFrame({"line_id": ["L5"], "name": [""], "from_id": ["s"], "to_id": ["e"],
    ...         "length_km": [44.9], "flow_mw": [-60.0], "residual_mw": [60.0], "loading": [1.0],
    ...         "capacity_value_bn_per_mw": [0.0]}))
    >>> row = why_here(res).iloc[0]
    >>> row["costs"]
    'connection 25.0, site 100.0, renewable incentive 0.0, subsidy -20.0; this campus 105.0 KRW bn'
    >>> row["plan_costs"]
    'transmission 4.6 KRW bn for the whole plan (not split by campus)'
    >>> row["limits"].split("; ")
    ['headroom at Middle (s) full (150 MW of 150 MW)', 'line L5 (44.9 km) at 100% of its residual 60 MW']
    """
    subs = result.substations.set_index("substation_id", drop=False)
    subs = subs.assign(
        label=[f"{n or i} ({i})" for n, i in zip(subs["name"], subs["substation_id"], strict=True)]
    )
    lines, money = result.lines, result.scenario.costs.currency
    plan = _plan_costs(result.costs, money)
    rows = []
    for site in result.sites.itertuples():
        sub = subs.loc[site.substation_id]
        at = lines[(lines["from_id"] == site.substation_id) | (lines["to_id"] == site.substation_id)]
        limits = _substation_limits(sub, money) + _line_limits(at, money)
        none = f"none at {sub.label} or on the lines that meet there"
        rows.append((site.site_id, _costs(site, money), plan, _renewables(sub), "; ".join(limits) or none))
    return pd.DataFrame(rows, columns=WHY_HERE_COLUMNS)
