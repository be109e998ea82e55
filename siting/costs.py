"""What things cost: :class:`Costs` (KRW billion) and the economics of new renewables.

:class:`RenewableTechnology` holds what one MW of a new solar, onshore or
offshore wind plant costs and yields; :data:`RENEWABLE_TECHNOLOGIES` the
Korean defaults, each figure cited in data/geo/README.md ("Renewables for
new load: surplus and new build") or marked an ASSUMPTION with its range.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._checks import check_range, frozen, reject_unknown_keywords, typed
from ._errors import ScenarioError
from .settings import DEFAULT_LINE_RATINGS, LINE_RATINGS

__all__ = ["Costs", "RENEWABLE_TECHNOLOGIES", "RenewableTechnology", "annuity_factor"]


def annuity_factor(rate: float, years: float) -> float:
    """Capital recovery factor: the yearly payment that repays 1 over ``years`` at ``rate``.

    Examples
    --------
    >>> round(annuity_factor(0.045, 25), 4), annuity_factor(0.0, 20)
    (0.0674, 0.05)
    """
    if rate == 0:
        return 1.0 / years
    return rate / (1.0 - (1.0 + rate) ** -years)


@dataclass(frozen=True, kw_only=True)
class RenewableTechnology:
    """One MW of a new renewable plant: what it costs, what it yields, what it adds at the peak.

    Parameters
    ----------
    capex_per_mw : float
        Capital cost, KRW bn per MW.
    om_per_mw_year : float
        Fixed operation and maintenance, KRW bn per MW per year.
    life_years : float
        Economic life, years.
    capacity_factor : float
        Average output per MW of capacity (0-1]: the energy it matches.
    peak_credit : float
        Share of its capacity that counts as supply at the peak [0-1].

    Examples
    --------
    >>> t = RenewableTechnology(capex_per_mw=1.4, om_per_mw_year=0.015, life_years=25,
    ...                         capacity_factor=0.14, peak_credit=0.05)
    >>> round(t.cost_per_mw(0.045), 3), round(t.annual_per_mw(0.045), 4)
    (1.622, 0.1094)
    """

    capex_per_mw: float
    om_per_mw_year: float
    life_years: float
    capacity_factor: float
    peak_credit: float

    def __post_init__(self) -> None:
        check_range("capex_per_mw", self.capex_per_mw, 0, math.inf)
        check_range("om_per_mw_year", self.om_per_mw_year, 0, math.inf)
        check_range("life_years", self.life_years, 0, 100, lo_open=True)
        check_range("capacity_factor", self.capacity_factor, 0, 1, lo_open=True)
        check_range("peak_credit", self.peak_credit, 0, 1)

    def cost_per_mw(self, rate: float) -> float:
        """Capital cost plus the present value of O&M over the life, KRW bn per MW."""
        return self.capex_per_mw + self.om_per_mw_year / annuity_factor(rate, self.life_years)

    def annual_per_mw(self, rate: float) -> float:
        """Annualised cost: capital recovery plus O&M, KRW bn per MW per year."""
        return self.capex_per_mw * annuity_factor(rate, self.life_years) + self.om_per_mw_year


#: Korean defaults for new build (data/geo/README.md, "Renewables for new load: surplus and new
#: build", with ranges): capital cost from recent projects (solar: Anjwa 2023 1.43, KEEI 2020
#: 1.34; onshore: Yeongwol 2021 2.6; offshore: Tamra 2017 5.5, about 6 in 2023 and over 8 in
#: 2025), capacity factors from reported output (solar fleet 0.12-0.14 in 2019-24, Anjwa 0.17;
#: onshore Gangwon/Gyeongbuk 0.18-0.19, Jeju 0.25; Tamra offshore 0.29), solar O&M about 0.01
#: (Industry News 2018), life 20-25 years; wind O&M (2-3 % of capex), solar life and the peak
#: credits (bracketed by the 8th plan's 15 % for all renewables) are ASSUMPTIONS. Floating
#: offshore (Ulsan) is priced as fixed-bottom.
RENEWABLE_TECHNOLOGIES: dict[str, RenewableTechnology] = {
    "solar": RenewableTechnology(
        capex_per_mw=1.4, om_per_mw_year=0.015, life_years=25, capacity_factor=0.14, peak_credit=0.05
    ),
    "onshore_wind": RenewableTechnology(
        capex_per_mw=2.6, om_per_mw_year=0.06, life_years=20, capacity_factor=0.20, peak_credit=0.10
    ),
    "offshore_wind": RenewableTechnology(
        capex_per_mw=7.0, om_per_mw_year=0.15, life_years=25, capacity_factor=0.30, peak_credit=0.15
    ),
}


def _technologies(given: Any) -> dict[str, RenewableTechnology]:
    """The defaults, each overridden by what ``given`` says of it; new names need every field."""
    if not isinstance(given, Mapping):
        raise ScenarioError(
            f"scenario field 'costs.renewable_technologies' = {given!r}: must be a mapping; "
            "fix: e.g. {'solar': {'capex_per_mw': 1.2}}."
        )
    out = dict(RENEWABLE_TECHNOLOGIES)
    for name, tech in given.items():
        if isinstance(tech, RenewableTechnology):
            out[str(name)] = tech
            continue
        if not isinstance(tech, Mapping):
            raise ScenarioError(
                f"scenario field 'costs.renewable_technologies.{name}' = {tech!r}: must be a table of "
                "capex_per_mw, om_per_mw_year, life_years, capacity_factor, peak_credit."
            )
        known = [f.name for f in dataclasses.fields(RenewableTechnology)]
        unknown = sorted(set(tech) - set(known))
        base = out.get(str(name))
        missing = [] if base is not None else sorted(set(known) - set(tech))
        if unknown or missing:
            raise ScenarioError(
                f"scenario field 'costs.renewable_technologies.{name}': "
                + (f"unknown keys {unknown}; " if unknown else "")
                + (f"a new technology needs {missing}; " if missing else "")
                + f"fix: use the keys {known}."
            )
        try:
            out[str(name)] = (
                dataclasses.replace(base, **tech) if base is not None else RenewableTechnology(**tech)
            )
        except ScenarioError as exc:
            raise ScenarioError(f"costs.renewable_technologies.{name}: {exc}") from exc
    return out


def _circuit_mw(kv: int) -> float:
    """One AC circuit of the default rating table at ``kv``, MW (one decimal)."""
    return round(LINE_RATINGS[DEFAULT_LINE_RATINGS].rating_mw(float(kv), "ac"), 1)


@dataclass(frozen=True, kw_only=True)
class Costs:
    """Cost coefficients, in KRW billion unless ``currency`` says otherwise (illustrative defaults).

    The objective is connection + transmission use + site cost + new
    renewables built for the campuses, minus the renewable-energy incentive
    and the outside-capital subsidy; each term is reported separately in
    ``SitingResult.costs``. One-off costs throughout: a new renewable plant
    counts with its capital cost plus the present value of its fixed O&M
    over its life (:meth:`RenewableTechnology.cost_per_mw`).

    Parameters
    ----------
    connection_fixed : mapping of int to float
        Per campus, by connection voltage (kV): bay, switchgear, protection.
        Default {154: 15, 345: 60} (ASSUMPTION).
    connection_per_km : mapping of int to float
        Per km of one connection circuit by voltage. Default {154: 3, 345: 6}
        (ASSUMPTION: overhead line).
    connection_circuit_mw : mapping of int to float
        What one connection circuit carries, MW, by voltage. A campus of P MW
        at voltage kV needs ``ceil(P / connection_circuit_mw[kV])`` circuits,
        and pays ``connection_per_km`` per km for each (with 200 MW circuits
        a 400 MW campus needs two, a 50 MW one needs one). Default
        {154: 429.8, 345: 2064.1}: one circuit of KEPCO's standard conductor
        at power factor 0.95, as the grid's lines are rated
        (``settings.LINE_RATINGS["kepco"]``). ASSUMPTION: a campus is fed
        over as many such circuits as its peak needs; no N-1 duplicate
        circuit is priced.
    transmission_per_mw_km : float
        Use of the existing network per MW of peak flow per km. Default 0.002
        (ASSUMPTION). Renewable energy (an annual average) shares the lines'
        residual capacity but is not priced: pricing it made the model about
        ten times slower to prove (30 km: 320 s against 31 s) for a term of a
        few per cent of the cost.
    site_per_mw : float
        Land and site preparation per MW of campus. Default 0.5 (ASSUMPTION).
    site_per_mw_by_province : mapping of str to float
        Overrides of ``site_per_mw`` by province code.
    renewable_incentive_per_mw : float
        Credit per MW (average) of renewable energy delivered to the
        campuses: surplus used plus new build (:mod:`siting.families.renewable`).
        Existing renewables earn nothing: their output is consumed today.
        Default 0.2 (ASSUMPTION, illustrative).
    renewable_technologies : mapping of str to RenewableTechnology
        What a new renewable plant of each technology costs and yields
        (:data:`RENEWABLE_TECHNOLOGIES`, Korean figures with sources in
        data/geo/README.md). In TOML a ``[costs.renewable_technologies.solar]``
        table; fields left out keep the default of that technology.
    discount_rate : float
        Real discount rate for the present value of O&M over a plant's life.
        Default 0.045: the Korean social discount rate for public projects
        (MOEF, 2017; ASSUMPTION for private PPAs, range 0.045-0.07).
    subsidy_per_mw : float
        Credit per MW outside the capital region (connection-levy discount,
        no reserve-power fee; W.Media). Default 0.1 (ASSUMPTION).
    currency : str
        The unit of every money figure above and of the results' costs, as
        labels print it. Default "KRW bn"; on another grid give your own
        coefficients and their unit (e.g. ``currency="EUR m"``). The table
        columns keep their names (``..._krw_bn``); only labels change.

    Examples
    --------
    >>> Costs(site_per_mw=0.8).site_per_mw
    0.8
    """

    connection_fixed: Mapping[int, float] = field(default_factory=lambda: frozen({154: 15.0, 345: 60.0}))
    connection_per_km: Mapping[int, float] = field(default_factory=lambda: frozen({154: 3.0, 345: 6.0}))
    connection_circuit_mw: Mapping[int, float] = field(
        default_factory=lambda: frozen({kv: _circuit_mw(kv) for kv in (154, 345)})
    )
    transmission_per_mw_km: float = 0.002
    site_per_mw: float = 0.5
    site_per_mw_by_province: Mapping[str, float] = field(default_factory=lambda: frozen({}))
    renewable_incentive_per_mw: float = 0.2
    subsidy_per_mw: float = 0.1
    renewable_technologies: Mapping[str, RenewableTechnology] = field(
        default_factory=lambda: frozen(RENEWABLE_TECHNOLOGIES)
    )
    discount_rate: float = 0.045
    currency: str = "KRW bn"

    def __post_init__(self) -> None:
        if not isinstance(self.currency, str) or not self.currency.strip():
            raise ScenarioError(
                f"scenario field 'costs.currency' = {self.currency!r}: must be non-empty text; "
                'fix: e.g. currency = "EUR m".'
            )
        for name in ("connection_fixed", "connection_per_km", "connection_circuit_mw"):
            example = "{154: 15.0, 345: 60.0}"
            object.__setattr__(
                self, name, frozen(typed(f"costs.{name}", getattr(self, name), int, float, example))
            )
            for kv, v in getattr(self, name).items():
                check_range(f"costs.{name}[{kv}]", v, 0, math.inf, lo_open=name == "connection_circuit_mw")
        object.__setattr__(
            self,
            "site_per_mw_by_province",
            frozen(
                typed(
                    "costs.site_per_mw_by_province",
                    self.site_per_mw_by_province,
                    str,
                    float,
                    "{'KR-26': 0.8}",
                )
            ),
        )
        for name in ("transmission_per_mw_km", "site_per_mw", "renewable_incentive_per_mw", "subsidy_per_mw"):
            check_range(f"costs.{name}", getattr(self, name), 0, math.inf)
        check_range("costs.discount_rate", self.discount_rate, 0, 1)
        object.__setattr__(self, "renewable_technologies", _technologies(self.renewable_technologies))

    def renewable_cost_per_mw(self, technology: str) -> float:
        """One-off cost of 1 MW of ``technology`` at :attr:`discount_rate`, KRW bn.

        Examples
        --------
        >>> round(Costs().renewable_cost_per_mw("solar"), 3)
        1.622
        """
        return self.renewable_technologies[technology].cost_per_mw(self.discount_rate)


reject_unknown_keywords(Costs)
