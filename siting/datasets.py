"""The bundled Korean data set and the Korea-specific defaults applied to it.

The files in ``data/geo/`` (installed as the ``siting.geodata`` package) are
written by the project from public facts; ``data/geo/README.md`` gives every
source and assumption. This module only knows where they are and which
Korean figures turn them into model inputs; the core never imports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Final

import pandas as pd

from .data import RULE_ROWS_ATTR, SitingData
from .io import read_layer
from .rules import headroom_rule
from .settings import KOREA_METRIC_CRS

__all__ = ["load_korea", "bundled_path", "KOREA_HELD_BACK_MW", "KOREA_CORRIDOR_RESIDUAL_MW"]

_FILES: Final[dict[str, str]] = {
    "provinces": "provinces.geojson",
    "substations": "substations.csv",
    "lines": "lines.geojson",
    "renewables": "renewables.csv",
    "plants": "plants.csv",
    "reinforcements": "reinforcements.csv",
}

#: Generation held back for lack of export capacity, MW, by ``export_region``
#: of ``plants.csv``: the east coast generates about 18 GW but can export about
#: 11 GW; about 3.2 GW on the west coast is also held back (KBS, 2025-06-20).
#: ``scripts/build_korea.py`` spreads it over the region's plants by capacity
#: into ``plants.csv`` ``supply_mw``: it is what new load *there* can use
#: (ASSUMPTION: all of it is available at system peak).
KOREA_HELD_BACK_MW: Final[dict[str, float]] = {"east_coast": 18000.0 - 11000.0, "west_coast": 3200.0}

#: Residual capacity for new load, MW per line, on tagged corridors
#: (ASSUMPTION: the east-coast and west-coast export corridors run at their
#: export limit, KBS 2025-06-20; lines into the capital region are full, as the
#: refusal of every large-load request in Incheon since 2024 shows, Newsis
#: 2025-10-28). Untagged lines keep ``settings.RESIDUAL_FRACTION`` of rating.
KOREA_CORRIDOR_RESIDUAL_MW: Final[dict[str, float]] = {
    "east_coast_export": 0.0,
    "west_coast_export": 0.0,
    "capital_inflow": 0.0,
}

#: Headroom for new large loads at capital-region substations, MW
#: (ASSUMPTION: the grid there is full; Newsis 2025-10-28).
KOREA_CAPITAL_HEADROOM_MW: Final[float] = 0.0


def bundled_path(layer: str) -> Path:
    """Path of a bundled layer file, from an installed wheel or a source checkout.

    Parameters
    ----------
    layer : {"provinces", "substations", "lines", "renewables", "plants", "reinforcements", "README"}

    Examples
    --------
    >>> bundled_path("provinces").name
    'provinces.geojson'
    """
    fname = "README.md" if layer == "README" else _FILES[layer]
    try:
        path = Path(str(resources.files("siting.geodata") / fname))
    except ModuleNotFoundError:  # running from a source tree that is not installed
        path = Path(__file__).resolve().parent.parent / "data" / "geo" / fname
    return path


def load_korea(*, headroom_by_kv: Mapping[int, float] | None = None) -> SitingData:
    """Load the bundled South Korean data with the documented Korean defaults.

    Defaults applied on top of the files (each an assumption documented in
    ``data/geo/README.md``): substation headroom by voltage class
    (``settings.HEADROOM_MW_BY_KV``, or ``headroom_by_kv``) and zero in the
    capital region; zero residual capacity on the tagged export and
    capital-inflow corridors; held-back generation on the east and west
    coasts as supply for new load there. The candidate reinforcements
    (``reinforcements.csv``: the East Coast and West Sea HVDC links, the
    Buk-Dangjin – Sintangjeong line, reconductoring of 154 kV lines) come as
    they are.

    Parameters
    ----------
    headroom_by_kv : mapping of int to float, optional
        Headroom in MW by substation voltage class, replacing the default rule
        outside the capital region.

    Returns
    -------
    SitingData

    Examples
    --------
    >>> import siting
    >>> data = siting.load_korea()
    >>> int(data.provinces.capital_region.sum())
    3
    """
    frames = {name: read_layer(bundled_path(name), name=name) for name in _FILES}

    lines = frames["lines"]
    lines["residual_mw"] = lines["corridor"].map(KOREA_CORRIDOR_RESIDUAL_MW)
    # the other corridors take the default rule (capacity x RESIDUAL_FRACTION)
    lines.attrs[RULE_ROWS_ATTR] = {"residual_mw": lines.loc[lines["residual_mw"].isna(), "line_id"].tolist()}

    subs = frames["substations"]
    if headroom_by_kv is not None:  # given; the default rule is left to SitingData, so it stays derived
        takes = subs["takes_load"].astype(str).str.lower().eq("true")
        subs["headroom_mw"] = headroom_rule(pd.to_numeric(subs["voltage_kv"]), takes, headroom_by_kv)
    data = SitingData(**frames, metric_crs=KOREA_METRIC_CRS)
    # provinces are assigned by SitingData (nearest polygon), so the capital
    # rule is applied afterwards
    capital = data.provinces.loc[data.provinces["capital_region"], "code"]
    subs = data.substations.copy()
    subs.loc[subs["province"].isin(capital), "headroom_mw"] = KOREA_CAPITAL_HEADROOM_MW
    return data.replace(substations=subs)
