"""One look for every map: the colours, sizes and number formats the maps share.

The static maps (:mod:`siting.plot`, :mod:`siting.upgrade_map`) and the web
map (:mod:`siting.webmap`) read their colours here, so a province, an idle line
or a loaded line has the same colour in the PNG and in the HTML. Sizes come in
the unit of each medium: points for matplotlib, screen pixels for Leaflet.

Examples
--------
>>> from siting import style
>>> style.mw_color(0.0, 300.0) == style.NO_MW, style.mw(84.5), style.krw_bn(1234.56)
(True, '84.5 MW', '1,234.6 KRW bn')
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

import matplotlib
import numpy as np
from matplotlib.colors import Colormap, ListedColormap, to_hex

__all__ = [
    "BINDS",
    "BINDS_TEXT",
    "BOTTLENECK",
    "CANDIDATE",
    "CAMPUS",
    "CAMPUS_AREA_PER_MW",
    "CAPITAL_REGION",
    "CONNECTION",
    "EXCLUDED",
    "EXCLUDED_EDGE",
    "HEADROOM",
    "HVDC",
    "HVDC_WIDTH",
    "IDLE_LINE",
    "INK",
    "LOADING_CMAP",
    "LOW_VOLTAGE",
    "MIN_MARKER_AREA",
    "MW_CMAP",
    "NO_MW",
    "OTHER_TECH",
    "PANEL_EDGE",
    "PROVINCE_EDGE",
    "REINFORCEMENT",
    "SUBSTATION",
    "SURPLUS",
    "TECH_COLOR",
    "UPGRADE_CMAP",
    "VOLTAGE_STYLE",
    "campus_area",
    "campus_radius",
    "krw_bn",
    "line_px",
    "loading_color",
    "mw",
    "mw_color",
    "power",
    "supply_color",
    "upgrade_color",
    "voltage_style",
]

# --- colours -----------------------------------------------------------------------------------

#: Text, outlines of used substations.
INK: Final = "#212121"
#: A province that hosts nothing.
NO_MW: Final = "#f7f7f2"
#: Province borders.
PROVINCE_EDGE: Final = "#9e9e9e"
#: The excluded region's fill and its hatching.
EXCLUDED: Final = "#e0e0e0"
EXCLUDED_EDGE: Final = "#757575"
#: The capital region on the map of the input data.
CAPITAL_REGION: Final = EXCLUDED
#: A line without new flow: blue-grey, apart from the grey province borders.
IDLE_LINE: Final = "#90a4ae"
#: An HVDC link (drawn dashed).
HVDC: Final = "#37474f"
#: A line loaded to its residual capacity, and a full substation.
BOTTLENECK: Final = "#b71c1c"
#: A limit that the diagnosis names (magenta), and its labels.
BINDS: Final = "#d81b60"
BINDS_TEXT: Final = "#880e4f"
CAMPUS: Final = "#1565c0"
#: A campus's connection to its substation, and the province table.
CONNECTION: Final = "#0d47a1"
#: A substation without campuses on the static map.
SUBSTATION: Final = "#616161"
#: Edge of the boxed notes on the static map.
PANEL_EDGE: Final = "#90a4ae"
#: Headroom left for new load (a result without a plan).
HEADROOM: Final = "#78909c"
#: Renewables by technology; :data:`OTHER_TECH` for any other.
TECH_COLOR: Final = {
    "solar": "#f9a825",
    "onshore_wind": "#0277bd",
    "offshore_wind": "#01579b",
    "hydro": "#00838f",
    "pumped_storage": "#4db6ac",
    "tidal": "#26a69a",
}
OTHER_TECH: Final = "green"
#: A transmission reinforcement the plan builds (a new line or link, an uprate, a substation expansion):
#: a cyan of its own, apart from the voltages, the loading scale, the campuses and the limits.
REINFORCEMENT: Final = "#00b8d4"
#: A candidate reinforcement the plan does not build (drawn faint).
CANDIDATE: Final = "#4dd0e1"
#: Renewable surplus (curtailed or held-back energy) that serves a plan.
SURPLUS: Final = "#7e57c2"
#: Lines and substations by voltage, kV: (colour, line width in points).
VOLTAGE_STYLE: Final = {765: ("#7b1fa2", 2.2), 345: ("#c62828", 1.2), 154: ("#ef6c00", 0.5)}
#: Below the lowest voltage in :data:`VOLTAGE_STYLE`.
LOW_VOLTAGE: Final = ("#9e9e9e", 0.4)
#: Width of an HVDC link, points.
HVDC_WIDTH: Final = 1.2


# --- colour scales -----------------------------------------------------------------------------


def _part(name: str, start: float, stop: float, label: str) -> Colormap:
    """The part of matplotlib's colour map ``name`` from ``start`` to ``stop``, as a colour map."""
    return ListedColormap(matplotlib.colormaps[name](np.linspace(start, stop, 256)), name=label)


#: Provinces by MW hosted: light greens, so that the blue campuses and red lines stand out on them.
MW_CMAP: Final = _part("Greens", 0.08, 0.5, "siting_mw")
#: Line loading: YlOrRd past its near-white end, so that a light load still shows.
LOADING_CMAP: Final = _part("YlOrRd", 0.25, 1.0, "siting_loading")
#: Value of one more MW of an upgrade: PuRd past its near-white end.
UPGRADE_CMAP: Final = _part("PuRd", 0.3, 1.0, "siting_upgrade")


def _share(value: float, top: float) -> float:
    """``value / top`` clipped to 0-1 (0 when ``top`` is not positive)."""
    return min(max(value / top, 0.0), 1.0) if top > 0 else 0.0


def mw_color(mw: float, top: float) -> str:
    """Fill of a province hosting ``mw`` on a scale up to ``top`` MW.

    Parameters
    ----------
    mw : float
        MW hosted.
    top : float
        MW at the dark end of the scale.

    Returns
    -------
    str
        Hex colour: :data:`NO_MW` for none, else :data:`MW_CMAP`.

    Examples
    --------
    >>> mw_color(0.0, 500.0), mw_color(500.0, 500.0) == mw_color(900.0, 500.0)
    ('#f7f7f2', True)
    """
    return NO_MW if mw <= 0 else to_hex(MW_CMAP(_share(mw, top)))


def loading_color(loading: float) -> str:
    """Colour of a line carrying new flow: :data:`LOADING_CMAP`, full at 100 % of its residual capacity.

    Parameters
    ----------
    loading : float
        New flow over residual capacity (clipped to 0-1).

    Returns
    -------
    str
        Hex colour.

    Examples
    --------
    >>> loading_color(1.0) == loading_color(3.0), loading_color(0.0) == loading_color(0.5)
    (True, False)
    """
    return to_hex(LOADING_CMAP(_share(loading, 1.0)))


def supply_color(technology: str) -> str:
    """Colour of a renewable source serving a plan: its technology's, or :data:`SURPLUS`.

    Parameters
    ----------
    technology : str
        A ``technology`` of ``SitingResult.renewable_supply`` (``"surplus"`` for surplus used).

    Returns
    -------
    str

    Examples
    --------
    >>> supply_color("solar") == TECH_COLOR["solar"], supply_color("surplus") == SURPLUS
    (True, True)
    """
    return SURPLUS if technology == "surplus" else TECH_COLOR.get(technology, OTHER_TECH)


def upgrade_color(value: float, top: float) -> str:
    """Colour of an upgrade worth ``value`` KRW bn per MW on a scale up to ``top``.

    Parameters
    ----------
    value, top : float
        KRW bn per MW.

    Returns
    -------
    str
        Hex colour of :data:`UPGRADE_CMAP`.

    Examples
    --------
    >>> upgrade_color(2.0, 2.0) == upgrade_color(5.0, 2.0)
    True
    """
    return to_hex(UPGRADE_CMAP(_share(value, top)))


# --- sizes -------------------------------------------------------------------------------------


def voltage_style(kv: float) -> tuple[str, float]:
    """Colour and line width (points) of a line or substation at ``kv``.

    Parameters
    ----------
    kv : float

    Returns
    -------
    (str, float)
        The entry of :data:`VOLTAGE_STYLE` for the highest voltage at most
        ``kv``; :data:`LOW_VOLTAGE` below them all.

    Examples
    --------
    >>> voltage_style(345), voltage_style(66)
    (('#c62828', 1.2), ('#9e9e9e', 0.4))
    """
    for v in sorted(VOLTAGE_STYLE, reverse=True):
        if kv >= v:
            return VOLTAGE_STYLE[v]
    return LOW_VOLTAGE


def line_px(kv: float, kind: str) -> float:
    """Width of a line on screen, pixels: the static map's width by voltage, scaled for screens.

    Parameters
    ----------
    kv : float
    kind : str
        ``"ac"``, or anything else for HVDC (:data:`HVDC_WIDTH`).

    Returns
    -------
    float

    Examples
    --------
    >>> line_px(765, "ac") > line_px(154, "ac")
    True
    """
    return 0.8 + 1.5 * (voltage_style(kv)[1] if kind == "ac" else HVDC_WIDTH)


#: Campus marker area per MW on the static map, points squared (its legend uses the same scale).
CAMPUS_AREA_PER_MW: Final = 0.6
#: Smallest marker area on the static map, points squared (campuses and renewables), so that the
#: smallest tiers and a few MW still show: a 10 MW campus would be 6 on the scale above.
MIN_MARKER_AREA: Final = 30.0


def campus_area(mw: float | Sequence[float] | np.ndarray) -> np.ndarray:
    """Area of a campus marker on the static map, points squared: ~ MW, at least :data:`MIN_MARKER_AREA`.

    Parameters
    ----------
    mw : float or sequence of float

    Returns
    -------
    ndarray

    Examples
    --------
    >>> campus_area([10, 50, 400]).tolist()
    [30.0, 30.0, 240.0]
    """
    return np.maximum(np.asarray(mw, dtype=float) * CAMPUS_AREA_PER_MW, MIN_MARKER_AREA)


def campus_radius(mw: float) -> float:
    """Radius of a campus marker on the web map, pixels (area grows with MW).

    Parameters
    ----------
    mw : float

    Returns
    -------
    float

    Examples
    --------
    >>> campus_radius(100)
    7.5
    """
    return 2.0 + 0.55 * float(np.sqrt(mw))


# --- words -------------------------------------------------------------------------------------


def mw(value: float) -> str:
    """MW with thousands separators, one decimal only where it has one.

    Parameters
    ----------
    value : float

    Returns
    -------
    str

    Examples
    --------
    >>> mw(84.5), mw(4000), mw(0.0), mw(float("inf"))
    ('84.5 MW', '4,000 MW', '0 MW', 'inf MW')
    """
    whole = not math.isfinite(value) or abs(value - round(value)) < 0.05
    return f"{value:,.0f} MW" if whole else f"{value:,.1f} MW"


def power(value: float) -> str:
    """Power in short labels: whole MW below 1 GW, GW with one decimal from 1 GW up.

    Parameters
    ----------
    value : float
        MW.

    Returns
    -------
    str

    Examples
    --------
    >>> power(185.7), power(3429.0), power(float("inf"))
    ('186 MW', '3.4 GW', 'inf GW')
    """
    return f"{value / 1000:,.1f} GW" if abs(value) >= 1000 else f"{value:,.0f} MW"


def krw_bn(value: float, *, digits: int | None = None, currency: str = "KRW bn") -> str:
    """Money in billions of won (or ``currency``): one decimal, or ``digits`` significant digits.

    Parameters
    ----------
    value : float
        KRW bn (or ``currency``).
    digits : int, optional
        Significant digits (for values per MW); default one decimal.
    currency : str, default "KRW bn"
        The unit printed: the scenario's ``costs.currency``.

    Returns
    -------
    str

    Examples
    --------
    >>> krw_bn(1744.36), krw_bn(0.0123456, digits=4), krw_bn(12.0, currency="EUR m")
    ('1,744.4 KRW bn', '0.01235 KRW bn', '12.0 EUR m')
    """
    return f"{value:,.1f} {currency}" if digits is None else f"{value:.{digits}g} {currency}"
