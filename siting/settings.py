"""Library-wide defaults: coordinate systems and the documented engineering rules.

Each value is an *assumption* unless a source is named; ``data/geo/README.md``
explains them. Change them by passing explicit columns or arguments rather
than by editing this module: every rule here is only a default that fills a
column the user did not supply.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

#: Geographic CRS of every bundled layer and of outputs.
GEOGRAPHIC_CRS: Final[str] = "EPSG:4326"

#: Metric CRS for distances and areas in Korea (Korea 2000 / Unified CS).
KOREA_METRIC_CRS: Final[str] = "EPSG:5179"


@dataclass(frozen=True)
class Conductor:
    """One circuit of a standard line type: its conductor, bundle and reactance.

    A circuit's thermal rating is sqrt(3) x kV x ``amps`` x ``bundle`` (MVA).

    Examples
    --------
    >>> round(LINE_RATINGS["kepco"].ac[154.0].mva(154.0))
    452
    """

    name: str
    amps: float  # continuous current of one sub-conductor, A
    bundle: int  # sub-conductors per phase
    x_ohm_per_km: float  # series reactance of one circuit

    def mva(self, kv: float, *, bundle: float | None = None) -> float:
        """Rating of one circuit at ``kv``, MVA; ``bundle`` overrides the standard bundle."""
        return math.sqrt(3.0) * kv * self.amps * (bundle or self.bundle) / 1000.0


@dataclass(frozen=True)
class RatingTable:
    """A country's line ratings: standard conductors by nominal voltage (data, not code).

    A line takes the conductor of the nearest voltage key (the lower on a
    tie) for its kind; ``power_factor`` turns MVA into MW.

    Examples
    --------
    >>> t = LINE_RATINGS["pypsa_earth"]
    >>> t.conductor(154.0, "ac").name, round(t.rating_mw(154.0, "ac"))
    ('243-AL1/39-ST1A 20.0', 172)
    """

    name: str
    ac: Mapping[float, Conductor]
    dc: Mapping[float, Conductor]
    power_factor: float
    source: str

    def conductor(self, kv: float, kind: str) -> Conductor:
        """The standard conductor for a line of ``kv`` and ``kind`` (``ac``/``hvdc``)."""
        table = self.dc if kind == "hvdc" else self.ac
        return table[min(table, key=lambda key: (abs(key - kv), key))]

    def rating_mw(self, kv: float, kind: str, *, bundle: float | None = None) -> float:
        """One circuit's rating in MW: the conductor's MVA times the power factor."""
        return self.conductor(kv, kind).mva(kv, bundle=bundle) * self.power_factor


#: PyPSA-Earth's DC type (config ``lines: dc_types``): "HVDC XLPE 1000",
#: i_nom 1.638 kA. ASSUMPTION where a link's real rating is not given.
_HVDC_XLPE = Conductor("HVDC XLPE 1000", 1638.0, 1, 0.0)

#: Line rating tables by name; :class:`siting.SitingData` fills a line's
#: missing ``capacity_mw`` from one (``line_ratings=``, default
#: :data:`DEFAULT_LINE_RATINGS`). ``data/geo/README.md`` gives the figures.
#:
#: ``kepco``: KEPCO's standard overhead conductors, continuous rating per
#: sub-conductor from a Korean practitioner's worked calculation (lifeinfo5.com,
#: 2024-07-19, "가공송전선로 용량 계산"; ../shared/KOREA_FACTS.md "Line
#: ratings"): 154 kV ACSR 410 mm² 2-bundle, 848 A (452 MVA per circuit);
#: 345 kV ACSR 480 mm² 4-bundle, 909 A (2,172 MVA); 765 kV ACSR 480 mm²
#: 6-bundle, 917 A (7,290 MVA). A line whose OSM ``wires`` tag gives another
#: bundle (older single-conductor 154 kV lines: 226 MVA) is rated with it.
#: Power factor 0.95 (ASSUMPTION, range 0.90-1.0; the source's MW figures use
#: 0.9). Reactance: PyPSA-Earth's type for the class (ASSUMPTION, no Korean
#: figure found; only ratios matter to the DC flow). KEPCO rates lines
#: statically for the worst weather (arXiv 2503.02274), as here.
#:
#: ``pypsa_earth``: the standard types PyPSA-Earth assigns to OSM lines (config
#: ``lines: ac_types``) with ``i_nom`` and ``x`` from PyPSA's standard line
#: types (``pypsa/data/standard_types/line_types.csv``, after pandapower),
#: MVA read as MW (power factor 1, as PyPSA's ``s_nom``): 154 kV -> 172 MW,
#: 345 kV -> 1,542 MW, 765 kV -> 5,512 MW per circuit. The generic rule for
#: countries without their own table.
LINE_RATINGS: Final[dict[str, RatingTable]] = {
    "kepco": RatingTable(
        "kepco",
        ac={
            154.0: Conductor("ACSR 410 mm² 2-bundle", 848.0, 2, 0.32),
            345.0: Conductor("ACSR 480 mm² 4-bundle", 909.0, 4, 0.246),
            765.0: Conductor("ACSR 480 mm² 6-bundle", 917.0, 6, 0.276),
        },
        dc={500.0: _HVDC_XLPE},
        power_factor=0.95,
        source="KEPCO standard conductors (lifeinfo5.com 2024-07-19), power factor 0.95 (ASSUMPTION)",
    ),
    "pypsa_earth": RatingTable(
        "pypsa_earth",
        ac={
            132.0: Conductor("243-AL1/39-ST1A 20.0", 645.0, 1, 0.32),
            220.0: Conductor("Al/St 240/40 2-bundle 220.0", 645.0, 2, 0.301),
            300.0: Conductor("Al/St 240/40 3-bundle 300.0", 645.0, 3, 0.265),
            380.0: Conductor("Al/St 240/40 4-bundle 380.0", 645.0, 4, 0.246),
            500.0: Conductor("Al/St 240/40 4-bundle 380.0", 645.0, 4, 0.246),
            750.0: Conductor("Al/St 560/50 4-bundle 750.0", 1040.0, 4, 0.276),
        },
        dc={500.0: _HVDC_XLPE},
        power_factor=1.0,
        source="PyPSA-Earth standard line types (PyPSA line_types.csv), MVA as MW",
    ),
}

#: The table that fills missing line ratings unless the data names another.
DEFAULT_LINE_RATINGS: Final[str] = "kepco"

#: OSM ``wires`` tag (conductors per phase bundle) -> sub-conductors.
OSM_WIRES: Final[dict[str, int]] = {
    "single": 1,
    "double": 2,
    "triple": 3,
    "quad": 4,
    "quadruple": 4,
    "quintuple": 5,
    "sextuple": 6,
    "octuple": 8,
}

#: Share of a line's rating that is left for *new* load after today's flows and
#: the N-1 security margin (ASSUMPTION; overridden per corridor in Korea).
RESIDUAL_FRACTION: Final[float] = 0.25

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

#: Show a progress bar (tqdm, ``pip install 'siting[progress]'``) over the
#: stages of :func:`siting.solve` and the diagnosis, unless a call passes
#: ``progress=``. Off by default; ``siting run`` turns it on in a terminal.
PROGRESS: bool = False
