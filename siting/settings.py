"""Library-wide defaults: coordinate systems and the documented engineering rules.

Each value is an *assumption* unless a source is named; ``data/geo/README.md``
explains them. Change them by passing explicit columns or arguments rather
than by editing this module: every rule here is only a default that fills a
column the user did not supply.
"""

from __future__ import annotations

from typing import Final

#: Geographic CRS of every bundled layer and of outputs.
GEOGRAPHIC_CRS: Final[str] = "EPSG:4326"

#: Metric CRS for distances and areas in Korea (Korea 2000 / Unified CS).
KOREA_METRIC_CRS: Final[str] = "EPSG:5179"

#: Thermal rating per AC circuit in MW by voltage class (ASSUMPTION: order of
#: magnitude of typical conductor bundles at unity power factor; HVDC links
#: carry their own rating).
RATING_MW_PER_CIRCUIT: Final[dict[int, float]] = {765: 5000.0, 345: 1500.0, 154: 300.0}

#: Share of a line's rating that is left for *new* load after today's flows and
#: the N-1 security margin (ASSUMPTION; overridden per corridor in Korea).
RESIDUAL_FRACTION: Final[float] = 0.25

#: Series reactance in ohm per km by voltage class (ASSUMPTION: typical
#: overhead lines), converted to per unit on 100 MVA for DC power flow.
REACTANCE_OHM_PER_KM: Final[dict[int, float]] = {765: 0.28, 345: 0.32, 154: 0.40}

#: Headroom for new large loads at a substation, MW, by its highest voltage
#: (ASSUMPTION; KEPCO does not supply customers at 765 kV).
HEADROOM_MW_BY_KV: Final[dict[int, float]] = {765: 0.0, 345: 600.0, 154: 150.0}

#: Share of a conventional plant's capacity available to new load at system
#: peak where no regional figure applies (ASSUMPTION).
PLANT_SPARE_FRACTION: Final[float] = 0.05

#: Contribution of renewables to *peak* supply, per unit of capacity
#: (ASSUMPTION: capacity credit; energy is handled by ``capacity_factor``).
RENEWABLE_PEAK_CREDIT: Final[dict[str, float]] = {
    "solar": 0.05,
    "onshore_wind": 0.10,
    "offshore_wind": 0.15,
    "hydro": 0.50,
    "pumped_storage": 0.0,
    "tidal": 0.0,
}

#: Technologies whose energy counts towards a campus's renewable share.
RENEWABLE_ENERGY_TECHNOLOGIES: Final[tuple[str, ...]] = (
    "solar",
    "onshore_wind",
    "offshore_wind",
    "hydro",
    "tidal",
)
