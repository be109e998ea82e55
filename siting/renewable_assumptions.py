"""The assumptions of the renewables for new load: the stated surplus, new build's economics and potentials.

Builders for :data:`siting.assumptions.BUILDERS`. Each applies only where
the scenario accounts renewables
(:func:`siting.renewable_supply.counts_renewables`: without a share or an
incentive nothing is built and no surplus is used) and, for a technology,
where the scenario may build it (``Scenario.renewable_build``). The ranges
are the Korean figures of data/geo/README.md ("Renewables for new load:
surplus and new build"); a range always holds the value in force.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Final

import pandas as pd

from ._assumption import Assumption, Inputs, set_cost
from .data import SitingData
from .renewable_supply import counts_renewables
from .scenario import Scenario

__all__ = [
    "JEJU",
    "new_build_assumptions",
    "potential_assumptions",
    "surplus_assumptions",
    "with_technology",
]

#: Province code of Jeju: an island joined by HVDC whose surplus is stated apart from the mainland's.
JEJU: Final = "KR-49"

#: (low, high, source) of the surplus, average MW: the mainland's in all (every province but
#: Jeju, scaled together) and Jeju's.
_SURPLUS: Final[dict[str, tuple[float, float, str]]] = {
    "mainland": (
        1.5,
        30.0,
        "low: 2024's 13.2 GWh curtailed on the mainland, all sources (Chosun 2025-09-16, MOTIE data); "
        "value: H1 2025's 72 GWh of solar and wind about doubled for the year; high: ASSUMPTION, twice "
        "the value (curtailment grew twelvefold from 2024 to H1 2025)",
    ),
    "jeju": (
        0.0,
        3.3,
        "ASSUMPTION: no curtailment in Jeju from June 2024 to April 2025 (Yonhap 2025-05-06); high: "
        "2022's 28.6 GWh of wind and solar curtailed (Halla Ilbo 2023-11-30)",
    ),
}

#: What is tested of each technology's new build: the field of
#: :class:`siting.costs.RenewableTechnology`, the name prefix, the words and the unit.
_FIELDS: Final[dict[str, tuple[str, str, str]]] = {
    "capex_per_mw": ("capex", "capital cost", "KRW bn/MW"),
    "capacity_factor": ("capacity_factor", "capacity factor", "share"),
}

#: (low, high, source) per field and technology (data/geo/README.md).
_RANGES: Final[dict[str, dict[str, tuple[float, float, str]]]] = {
    "capex_per_mw": {
        "solar": (
            1.2,
            1.8,
            "low: KEEI via Electric Times 2020, 1.2-1.34; value: Anjwa 2023, 1.43 (Numbers 2023-03-31); "
            "high: small ground PV 2025, 1.8",
        ),
        "onshore_wind": (
            2.2,
            3.5,
            "low: ASSUMPTION, 15 % under Yeongwol 2021's 2.6 (Daily Hankook 2021-05-26); high: construction "
            "costs up 17-23 % since (Greenpost 2025) and the ministry's 180 KRW/kWh (Business Post 2025)",
        ),
        "offshore_wind": (
            5.5,
            10.0,
            "low: Tamra 2017, 5.5 (e-Today 2018-07-18); high: 10 feared with the exchange rate "
            "(Carbonsaurus 2025) after 6 in 2023 and over 8 in 2025 (Asia Economy 2025-05-16)",
        ),
    },
    "capacity_factor": {
        "solar": (
            0.12,
            0.17,
            "low: 2024 output of the Jeonnam, Jeonbuk, Gyeongbuk and Chungnam fleets, 0.12-0.13 (Newsis "
            "2025-04-21 over KPX capacity); high: Anjwa, 0.17 (Numbers 2023-03-31)",
        ),
        "onshore_wind": (
            0.15,
            0.25,
            "low: the usual 15 % (Asia Economy 2022-11-11), Jeonnam 0.13-0.15; high: Jeju, 0.25 (same)",
        ),
        "offshore_wind": (
            0.27,
            0.33,
            "low: ASSUMPTION, under Tamra's 0.29 average (Financial News 2024-03-31); high: Tamra's first "
            "year, 0.33 (Hankook Ilbo 2019-09-25)",
        ),
    },
}

#: (low, high, source) of the real discount rate of new build.
_DISCOUNT_RATE: Final = (
    0.045,
    0.07,
    "low: the Korean social discount rate, 4.5 % (MOEF via Newsis 2017-08-11); high: ASSUMPTION, 7 % "
    "for private project finance",
)

#: Technologies whose potentials are scaled together, and the source of the range.
_POTENTIALS: Final[dict[str, str]] = {
    tech: f"ASSUMPTION: {what} potentials from pipelines and approvals, not from a potential study "
    "(scripts/inputs/korea_renewable_provinces.csv); -50 % to +50 %"
    for tech, what in (("solar", "solar"), ("offshore_wind", "offshore wind"))
}


def with_technology(sc: Scenario, technology: str, **changes: float) -> Scenario:
    """The scenario with fields of one new-build technology changed (``Costs.renewable_technologies``).

    Examples
    --------
    >>> import siting
    >>> sc = with_technology(siting.Scenario(target_mw=1), "solar", capex_per_mw=1.2)
    >>> sc.costs.renewable_technologies["solar"].capex_per_mw
    1.2
    """
    techs = dict(sc.costs.renewable_technologies)
    techs[technology] = dataclasses.replace(techs[technology], **changes)
    return sc.replace(costs=dataclasses.replace(sc.costs, renewable_technologies=techs))


def _technology(data: SitingData, sc: Scenario, v: float, *, technology: str, field: str) -> Inputs:
    """The ``field`` of new-build ``technology`` set to v."""
    return data, with_technology(sc, technology, **{field: v})


def _is_jeju(provinces: pd.DataFrame) -> pd.Series:
    """Whether each province is Jeju."""
    return provinces["code"].astype(str).eq(JEJU)


def _surplus(data: SitingData, sc: Scenario, v: float, *, jeju: bool, base: float) -> Inputs:
    """Jeju's surplus set to v (``jeju``), else every other province's surplus x v / base."""
    p = data.provinces
    rows = _is_jeju(p) if jeju else ~_is_jeju(p)
    old = p["renewable_surplus_mw"]
    new = pd.Series(v, index=p.index) if jeju else old * (v / base)
    return data.replace(provinces=p.assign(renewable_surplus_mw=old.where(~rows, new))), sc


def _potential(data: SitingData, sc: Scenario, v: float, *, technology: str) -> Inputs:
    """Every province's ``<technology>_max_mw`` x v (an empty one stays empty: no limit)."""
    p = data.provinces
    col = f"{technology}_max_mw"
    return data.replace(provinces=p.assign(**{col: p[col] * v})), sc


def surplus_assumptions(data: SitingData, sc: Scenario) -> list[Assumption]:
    """The mainland's stated surplus (every province but Jeju, scaled together) and Jeju's.

    Listed where the scenario accounts renewables; the mainland's where it
    states a surplus, Jeju's where the data has Jeju and renewables there
    (that show where its surplus would be stranded).

    Examples
    --------
    >>> import siting
    >>> a = surplus_assumptions(siting.load_korea(), siting.Scenario(target_mw=1))
    >>> [(x.name, x.value, x.low, x.high) for x in a]
    [('surplus_mainland', 15.0, 1.5, 30.0), ('surplus_jeju', 0.0, 0.0, 3.3)]
    """
    p = data.provinces
    if not counts_renewables(sc):
        return []
    ends = {
        "mainland": float(p.loc[~_is_jeju(p), "renewable_surplus_mw"].sum()),
        "jeju": float(p.loc[_is_jeju(p), "renewable_surplus_mw"].sum()),
    }
    has_jeju = _is_jeju(p).any() and data.renewables["province"].astype(str).eq(JEJU).any()
    out = []
    for where, v in ends.items():
        if (where == "mainland" and v <= 0) or (where == "jeju" and not has_jeju):
            continue
        low, high, source = _SURPLUS[where]
        label = "Jeju" if where == "jeju" else where
        out.append(
            Assumption(
                f"surplus_{where}",
                f"renewable surplus, {label}",
                "MW",
                v,
                min(low, v),
                max(high, v),
                source,
                functools.partial(_surplus, jeju=where == "jeju", base=v),
                group="surplus",
                label=label,
            )
        )
    return out


def new_build_assumptions(data: SitingData, sc: Scenario) -> list[Assumption]:
    """Capital cost and capacity factor of each technology the scenario may build, and the discount rate.

    Examples
    --------
    >>> import siting
    >>> a = {x.name: x for x in new_build_assumptions(siting.load_korea(), siting.Scenario(target_mw=1))}
    >>> a["capex_offshore_wind"].value, a["capex_offshore_wind"].high, a["discount_rate"].high
    (7.0, 10.0, 0.07)
    """
    if not counts_renewables(sc) or not sc.renewable_build:
        return []
    out = []
    for field, (prefix, words, unit) in _FIELDS.items():
        for tech in [t for t in sc.renewable_build if t in _RANGES[field]]:
            low, high, source = _RANGES[field][tech]
            v = float(getattr(sc.costs.renewable_technologies[tech], field))
            out.append(
                Assumption(
                    f"{prefix}_{tech}",
                    f"{tech.replace('_', ' ')} {words}, new build",
                    unit,
                    v,
                    min(low, v),
                    max(high, v),
                    source,
                    functools.partial(_technology, technology=tech, field=field),
                )
            )
    rate = sc.costs.discount_rate
    low, high, source = _DISCOUNT_RATE
    low, high = min(low, rate), max(high, rate)
    apply = functools.partial(set_cost, term="discount_rate")
    out.append(
        Assumption("discount_rate", "discount rate of new build", "share", rate, low, high, source, apply)
    )
    return out


def potential_assumptions(data: SitingData, sc: Scenario) -> list[Assumption]:
    """A scale on every province's potential of solar, and one on offshore wind, where any is stated.

    Examples
    --------
    >>> import siting
    >>> a = potential_assumptions(siting.load_korea(), siting.Scenario(target_mw=1))
    >>> [(x.name, x.low, x.high) for x in a]
    [('potential_solar', 0.5, 1.5), ('potential_offshore_wind', 0.5, 1.5)]
    """
    if not counts_renewables(sc):
        return []
    out = []
    for tech, source in _POTENTIALS.items():
        col = f"{tech}_max_mw"
        if tech not in sc.renewable_build or col not in data.provinces:
            continue
        if not pd.to_numeric(data.provinces[col], errors="coerce").gt(0).any():
            continue
        out.append(
            Assumption(
                f"potential_{tech}",
                f"{tech.replace('_', ' ')} potential per province",
                "x",
                1.0,
                0.5,
                1.5,
                source,
                functools.partial(_potential, technology=tech),
            )
        )
    return out
