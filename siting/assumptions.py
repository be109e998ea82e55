"""The assumptions that feed the model, each with its value, a low-high range and a source.

An :class:`Assumption` names one input that no source fixes exactly (a line
rating, the residual fraction, a headroom, a cost coefficient ...), the value
in force, a range to test and where the range comes from. Its ``apply``
turns a value into modified inputs, ``(data, scenario) -> (data, scenario)``,
so that :func:`siting.sensitivity` can re-solve at each end of each range.

:func:`default_assumptions` lists the assumptions that apply to a data set and
scenario, with the values they use; :func:`in_force` says them in one line
(``SitingResult.assumptions``, the last line of ``res.summary()``). To add an
assumption, write its ``apply`` and add a builder to :data:`BUILDERS`; the
renewables for new load have theirs in :mod:`siting.renewable_assumptions`,
the :class:`Assumption` class lives in :mod:`siting._assumption`.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Collection
from typing import Any, Final

import numpy as np
import pandas as pd

from ._assumption import Assumption, Inputs, set_cost
from .data import SitingData
from .renewable_assumptions import (
    new_build_assumptions,
    potential_assumptions,
    surplus_assumptions,
    with_technology,
)
from .rules import by_voltage_class, rating_table
from .scenario import Scenario
from .settings import (
    HEADROOM_MW_BY_KV,
    LINE_RATINGS,
    PLANT_SPARE_FRACTION,
    RENEWABLE_PEAK_CREDIT,
    RESIDUAL_FRACTION,
)

__all__ = ["Assumption", "BUILDERS", "default_assumptions", "format_value", "in_force"]

#: The reason behind every cost range: the defaults are illustrative (:class:`siting.Costs`).
_COST_REASON: Final = (
    "ASSUMPTION: the default is illustrative (siting.Costs), not a quoted price; halved and doubled"
)


# --- how each assumption changes the inputs ------------------------------------------------------


def _ids(frame: pd.DataFrame, column: str, ids: Collection[str]) -> pd.Series:
    """Whether each row's ``column`` (an id) is among ``ids``."""
    return frame[column].astype(str).isin(set(ids))


def _line_rating(data: SitingData, sc: Scenario, v: float, *, kv: float, base: float) -> Inputs:
    """Rule-rated AC lines of ``kv``: capacity x v / base (their rule-derived residual follows)."""
    lines = data.lines
    rows = _ids(lines, "line_id", data.derived.get("lines", {}).get("capacity_mw", []))
    rows &= lines["kind"].eq("ac") & lines["voltage_kv"].eq(kv)
    out = lines.assign(capacity_mw=lines["capacity_mw"].where(~rows, lines["capacity_mw"] * (v / base)))
    return data.replace(lines=out), sc


def _residual(data: SitingData, sc: Scenario, v: float, *, base: float, derived: bool) -> Inputs:
    """Residual capacity of the rule's lines (``derived``) or of the tagged corridors: capacity x v."""
    lines = data.lines
    rule = _ids(lines, "line_id", data.derived.get("lines", {}).get("residual_mw", []))
    rows = rule if derived else (~rule & _corridor(lines))
    new = lines["residual_mw"] * (v / base) if base > 0 else lines["capacity_mw"] * v
    return data.replace(lines=lines.assign(residual_mw=lines["residual_mw"].where(~rows, new))), sc


def _corridor(lines: pd.DataFrame) -> pd.Series:
    """Lines tagged with a corridor (``corridor`` not empty)."""
    if "corridor" not in lines.columns:
        return pd.Series(False, index=lines.index)
    return lines["corridor"].fillna("").astype(str).ne("")


def _headroom_rows(data: SitingData, kv: int) -> pd.Series:
    """Substations whose headroom the rule fills, of voltage class ``kv``, that take load."""
    subs = data.substations
    rows = _ids(subs, "substation_id", data.derived.get("substations", {}).get("headroom_mw", []))
    cls = by_voltage_class(subs["voltage_kv"], {c: float(c) for c in HEADROOM_MW_BY_KV})
    return rows & cls.eq(kv) & subs["takes_load"].astype(bool)


def _headroom(data: SitingData, sc: Scenario, v: float, *, kv: int) -> Inputs:
    """Headroom of the rule's substations of class ``kv`` set to v MW."""
    subs = data.substations
    out = subs.assign(headroom_mw=subs["headroom_mw"].where(~_headroom_rows(data, kv), v))
    return data.replace(substations=out), sc


def _plants(data: SitingData, region: str | None) -> pd.Series:
    """Plants of an export region (None: conventional plants outside every region, supply > 0)."""
    assert data.plants is not None
    reg = data.plants.get("export_region", pd.Series(np.nan, index=data.plants.index))
    if region is None:
        return reg.isna() & data.plants["supply_mw"].gt(0)
    return reg.eq(region)


def _plant_supply(data: SitingData, sc: Scenario, v: float, *, region: str | None, base: float) -> Inputs:
    """Supply for new load of the plants in ``region`` (see :func:`_plants`) x v / base."""
    assert data.plants is not None
    p = data.plants
    out = p.assign(supply_mw=p["supply_mw"].where(~_plants(data, region), p["supply_mw"] * (v / base)))
    return data.replace(plants=out), sc


def _peak_credit(data: SitingData, sc: Scenario, v: float, *, technology: str, base: float) -> Inputs:
    """A technology's peak credit x k, k = v / base: existing sites and new build.

    The model reads an existing site's peak supply as capacity x peak credit
    (``settings.RENEWABLE_PEAK_CREDIT``): its capacity x k moves that supply
    exactly as the credit would, and its capacity factor / k keeps its
    average output as reported. The capacity also weighs where a province's
    surplus and new build connect (:mod:`siting.renewable_supply`), so in a
    province with several technologies those shares move a little too. New
    build of the technology gets its own peak credit x k (at most 1).
    """
    k = v / base
    ren = data.renewables
    rows = ren["technology"].eq(technology)
    out = ren.assign(
        capacity_mw=ren["capacity_mw"].where(~rows, ren["capacity_mw"] * k),
        capacity_factor=ren["capacity_factor"].where(~rows, ren["capacity_factor"] / k),
    )
    techs = sc.costs.renewable_technologies
    if technology in techs:
        sc = with_technology(sc, technology, peak_credit=min(1.0, techs[technology].peak_credit * k))
    return data.replace(renewables=out), sc


def _cost_scale(data: SitingData, sc: Scenario, v: float, *, terms: tuple[str, ...]) -> Inputs:
    """Every value of the cost ``terms`` (numbers or mappings) x v."""
    new: dict[str, Any] = {}
    for term in terms:
        old = getattr(sc.costs, term)
        new[term] = {k: x * v for k, x in old.items()} if isinstance(old, dict) else old * v
    return data, sc.replace(costs=dataclasses.replace(sc.costs, **new))


def _load_factor(data: SitingData, sc: Scenario, v: float) -> Inputs:
    """The scenario's load factor set to v."""
    return data, sc.replace(load_factor=v)


# --- the default list ----------------------------------------------------------------------------


def _ratings(data: SitingData, sc: Scenario) -> list[Assumption]:
    """Rating per circuit of each AC voltage class the rule rates: table value, PyPSA-Earth's, pf 1."""
    table = rating_table(data.line_ratings)
    rows = _ids(data.lines, "line_id", data.derived.get("lines", {}).get("capacity_mw", []))
    out = []
    for kv in sorted(data.lines.loc[rows & data.lines["kind"].eq("ac"), "voltage_kv"].unique()):
        value = table.rating_mw(float(kv), "ac")
        generic = LINE_RATINGS["pypsa_earth"].rating_mw(float(kv), "ac")
        at_pf1 = value / table.power_factor
        source = (
            f"low: PyPSA-Earth's generic type for {kv:g} kV ({LINE_RATINGS['pypsa_earth'].source}); "
            f"high: {table.name}'s conductor at power factor 1.0 ({table.source})"
        )
        out.append(
            Assumption(
                f"line_rating_{kv:g}kv",
                f"{kv:g} kV line rating per circuit",
                "MW",
                value,
                min(generic, value),
                max(at_pf1, value),
                source,
                functools.partial(_line_rating, kv=float(kv), base=value),
                group="line rating",
                label=f"{kv:g} kV",
            )
        )
    return out


def _residuals(data: SitingData, sc: Scenario) -> list[Assumption]:
    """The residual fraction of the rule's lines and, where tagged, of the corridors."""
    out = []
    if data.derived.get("lines", {}).get("residual_mw"):
        out.append(
            Assumption(
                "residual_fraction",
                "residual share of line rating",
                "share",
                RESIDUAL_FRACTION,
                0.15,
                0.40,
                "ASSUMPTION: today's flows and the N-1 margin are not published per line; 0.15-0.40 "
                "spans a line loaded to 85 % at peak to one loaded to 60 %",
                functools.partial(_residual, base=RESIDUAL_FRACTION, derived=True),
                group="residual",
            )
        )
    rule = _ids(data.lines, "line_id", data.derived.get("lines", {}).get("residual_mw", []))
    tagged = data.lines.loc[~rule & _corridor(data.lines)]
    share = (tagged["residual_mw"] / tagged["capacity_mw"]).round(9).unique()
    if len(tagged) and len(share) == 1 and share[0] < RESIDUAL_FRACTION:
        out.append(
            Assumption(
                "corridor_residual",
                "residual share on export/capital corridors",
                "share",
                float(share[0]),
                float(share[0]),
                RESIDUAL_FRACTION,
                "ASSUMPTION: the corridors run at their export limit (KBS 2025-06-20) and the capital "
                "grid is full (Newsis 2025-10-28); high: the corridors treated like any other line",
                functools.partial(_residual, base=float(share[0]), derived=False),
                group="corridor residual",
            )
        )
    return out


def _headrooms(data: SitingData, sc: Scenario) -> list[Assumption]:
    """Headroom per voltage class the rule fills (with headroom above 0)."""
    out = []
    for kv in sorted(HEADROOM_MW_BY_KV):
        rows = _headroom_rows(data, kv)
        values = data.substations.loc[rows, "headroom_mw"].unique()
        if len(values) != 1 or values[0] <= 0:
            continue
        v = float(values[0])
        out.append(
            Assumption(
                f"headroom_{kv}kv",
                f"{kv} kV substation headroom",
                "MW",
                v,
                v / 2,
                v * 2,
                "ASSUMPTION: KEPCO publishes no headroom per substation (data/geo/README.md); halved "
                "and doubled",
                functools.partial(_headroom, kv=kv),
                group="headroom",
                label=f"{kv} kV",
            )
        )
    return out


def _supply(data: SitingData, sc: Scenario) -> list[Assumption]:
    """Held-back generation per export region, and the spare fraction of the other plants."""
    if data.plants is None:
        return []
    out = []
    regions = data.plants.get("export_region", pd.Series(dtype=object)).dropna().unique()
    for region in sorted(str(r) for r in regions):
        mw = float(data.plants.loc[_plants(data, region), "supply_mw"].sum())
        if mw <= 0:
            continue
        where = region.removesuffix("_coast")
        out.append(
            Assumption(
                f"held_back_{where}",
                f"held-back supply, {region.replace('_', ' ')}",
                "MW",
                mw,
                mw / 2,
                mw * 1.5,
                "ASSUMPTION: KBS 2025-06-20 gives round figures (east ~18 GW generated vs ~11 GW "
                "exportable, west ~3.2 GW held back) and all of it is taken as available at peak; "
                "-50 % to +50 %",
                functools.partial(_plant_supply, region=region, base=mw),
                group="held back",
                label=where,
            )
        )
    other = data.plants.loc[_plants(data, None)]
    share = (other["supply_mw"] / other["capacity_mw"]).round(9).unique()
    if len(share) == 1 and np.isfinite(share[0]):  # one share in force (Korea: PLANT_SPARE_FRACTION)
        f = float(share[0])
        out.append(
            Assumption(
                "plant_spare_fraction",
                "spare share of other plants at peak",
                "share",
                f,
                f * 0.4,
                f * 2,
                f"ASSUMPTION (settings.PLANT_SPARE_FRACTION = {PLANT_SPARE_FRACTION:g}): uncommitted "
                "capacity at system peak is not published per plant; 0.4x to 2x",
                functools.partial(_plant_supply, region=None, base=f),
                group="plant spare",
            )
        )
    return out


def _renewables(data: SitingData, sc: Scenario) -> list[Assumption]:
    """Peak credit of each technology present with a credit above 0 (existing sites and new build)."""
    out = []
    present = data.renewables.loc[data.renewables["capacity_mw"].gt(0), "technology"].unique()
    for tech in [t for t in RENEWABLE_PEAK_CREDIT if t in present and RENEWABLE_PEAK_CREDIT[t] > 0]:
        c = RENEWABLE_PEAK_CREDIT[tech]
        cf = float(data.renewables.loc[data.renewables["technology"].eq(tech), "capacity_factor"].max())
        low = max(c / 2, c * cf)  # capacity factor / k stays <= 1
        out.append(
            Assumption(
                f"peak_credit_{tech}",
                f"{tech.replace('_', ' ')} peak credit",
                "share",
                c,
                low,
                min(c * 2, 1.0),
                "ASSUMPTION: no per-technology KPX figure found; the 8th plan counts 58.5 GW of "
                "renewables as 8.8 GW effective, 15 % (Money Today 2017-12-14); halved and doubled",
                functools.partial(_peak_credit, technology=tech, base=c),
                group="peak credit",
                label=tech.replace("_", " "),
            )
        )
    return out


def _scenario(data: SitingData, sc: Scenario) -> list[Assumption]:
    """The scenario's assumed coefficients: cost terms and the load factor."""
    c = sc.costs
    out = [
        Assumption(
            "load_factor",
            "campus load factor",
            "share",
            sc.load_factor,
            min(0.7, sc.load_factor),
            max(0.9, sc.load_factor),
            "ASSUMPTION (siting.Scenario): AI campuses run near flat out; 0.7-0.9",
            _load_factor,
        )
    ]
    for term, text in (
        ("transmission_per_mw_km", "network use cost"),
        ("site_per_mw", "site cost"),
        ("renewable_incentive_per_mw", "renewable incentive"),
        ("subsidy_per_mw", "outside-capital subsidy"),
    ):
        v = float(getattr(c, term))
        unit = f"{c.currency}/MW-km" if term == "transmission_per_mw_km" else f"{c.currency}/MW"
        apply = functools.partial(set_cost, term=term)
        if term == "site_per_mw":  # the province overrides move with it
            apply = functools.partial(
                _cost_scale_to, terms=("site_per_mw", "site_per_mw_by_province"), base=v
            )
        out.append(Assumption(f"cost_{term}", text, unit, v, v / 2, v * 2, _COST_REASON, apply))
    for term, text in (
        ("connection_fixed", "connection fixed cost"),
        ("connection_per_km", "connection line cost"),
    ):
        scale = functools.partial(_cost_scale, terms=(term,))
        out.append(Assumption(f"cost_{term}", text, "x", 1.0, 0.5, 2.0, _COST_REASON, scale))
    return out


def _cost_scale_to(
    data: SitingData, sc: Scenario, v: float, *, terms: tuple[str, ...], base: float
) -> Inputs:
    """The cost ``terms`` x v / base: ``terms[0]`` becomes v."""
    return _cost_scale(data, sc, v / base, terms=terms)


#: Builders of :func:`default_assumptions`, in order; each reads the data and
#: scenario and returns the assumptions that apply to them.
BUILDERS: Final[list[Callable[[SitingData, Scenario], list[Assumption]]]] = [
    _ratings,
    _residuals,
    _headrooms,
    _supply,
    _renewables,
    surplus_assumptions,
    potential_assumptions,
    _scenario,
    new_build_assumptions,
]


def default_assumptions(data: SitingData, scenario: Scenario) -> list[Assumption]:
    """Every assumption that feeds the model for ``data`` and ``scenario``, with the values in force.

    Line rating per voltage class (the rule-rated AC lines), residual share of
    rating (rule lines; tagged corridors), substation headroom per class,
    held-back supply per export region, the spare share of other plants, the
    peak credit of each renewable technology, the renewable surplus (mainland,
    Jeju) and the solar and offshore potentials, the load factor, the cost
    coefficients, and each new-build technology's capital cost and capacity
    factor with the discount rate (:mod:`siting.renewable_assumptions`). Only
    those that apply are listed (no held-back supply without
    ``export_region``; nothing of renewables where the scenario counts none).

    Parameters
    ----------
    data : SitingData
    scenario : Scenario

    Returns
    -------
    list of Assumption

    Examples
    --------
    >>> import siting
    >>> data = siting.load_korea()
    >>> a = {x.name: x for x in default_assumptions(data, siting.Scenario(target_mw=100))}
    >>> round(a["line_rating_154kv"].value, 1), round(a["line_rating_154kv"].low, 1)
    (429.8, 172.0)
    >>> a["headroom_154kv"].value, round(a["held_back_east"].value)
    (150.0, 7000)
    """
    return [a for build in BUILDERS for a in build(data, scenario)]


def _value_and_unit(v: float, unit: str) -> tuple[str, str]:
    """The number as text and the unit's suffix: shares in %, ``x`` as a multiplier."""
    if unit == "share":
        return f"{v * 100:.3g}", " %"
    return (f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"), ("x" if unit == "x" else f" {unit}")


def format_value(v: float, unit: str) -> str:
    """A value of an assumption in words.

    Examples
    --------
    >>> format_value(0.25, "share"), format_value(2064.1, "MW"), format_value(0.5, "x")
    ('25 %', '2,064 MW', '0.5x')
    """
    return "".join(_value_and_unit(v, unit))


def _group_text(group: str, items: list[Assumption]) -> str:
    """``group labels values unit``, e.g. ``headroom 154/345 kV 150/600 MW``."""
    labels = [a.label for a in items if a.label]
    values = "/".join(_value_and_unit(a.value, a.unit)[0] for a in items)
    values += _value_and_unit(items[0].value, items[0].unit)[1]
    if labels and all(lab.endswith(" kV") for lab in labels):
        labels = ["/".join(lab.removesuffix(" kV") for lab in labels) + " kV"]
    return " ".join([group, "/".join(labels), values] if labels else [group, values])


def in_force(data: SitingData, scenario: Scenario) -> str:
    """The data's assumptions in one line, grouped (the cost terms are the scenario's).

    Examples
    --------
    >>> import siting
    >>> print(in_force(siting.load_korea(), siting.Scenario(target_mw=100)))  # doctest: +ELLIPSIS
    Assumptions: lines kepco (pf 0.95), line rating 154/345/765 kV 430/2,064/6,926 MW, residual 25 %, ...
    """
    table = rating_table(data.line_ratings)
    parts = [f"lines {table.name} (pf {table.power_factor:g})"]
    groups: dict[str, list[Assumption]] = {}
    for a in default_assumptions(data, scenario):
        if a.group:
            groups.setdefault(a.group, []).append(a)
    for group, items in groups.items():
        parts.append(_group_text(group, items))
    return "Assumptions: " + ", ".join(parts) + "; costs and load factor: the scenario's"
