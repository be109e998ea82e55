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

#: Standard line types by nominal voltage in kV, as PyPSA-Earth assigns them to
#: OpenStreetMap lines (its config ``lines: ac_types``; a line takes the type
#: of the *nearest* key), with the current rating ``i_nom`` (kA) and series
#: reactance ``x`` (ohm/km) per circuit from PyPSA's standard line types
#: (``pypsa/data/standard_types/line_types.csv``, after pandapower). The
#: thermal rating of one circuit is sqrt(3) x i_nom x kV (MVA, read as MW at
#: unity power factor): 154 kV -> 172 MW, 345 kV -> 1,542 MW, 765 kV -> 5,512 MW.
#: ASSUMPTION: Korean conductors are not in OSM; these are the generic types.
LINE_TYPES: Final[dict[float, tuple[str, float, float]]] = {
    132.0: ("243-AL1/39-ST1A 20.0", 0.645, 0.32),
    220.0: ("Al/St 240/40 2-bundle 220.0", 1.29, 0.301),
    300.0: ("Al/St 240/40 3-bundle 300.0", 1.935, 0.265),
    380.0: ("Al/St 240/40 4-bundle 380.0", 2.58, 0.246),
    500.0: ("Al/St 240/40 4-bundle 380.0", 2.58, 0.246),
    750.0: ("Al/St 560/50 4-bundle 750.0", 4.16, 0.276),
}

#: PyPSA-Earth's type for DC lines (config ``lines: dc_types``): "HVDC XLPE
#: 1000", i_nom 1.638 kA; the same rating formula applies. ASSUMPTION where
#: a link's real rating is not given.
DC_LINE_TYPES: Final[dict[float, tuple[str, float, float]]] = {500.0: ("HVDC XLPE 1000", 1.638, 0.0)}

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
