"""A ``pypsa.Network`` as siting layers: what :meth:`siting.SitingData.from_pypsa` reads.

The AC buses, lines, DC links and generators of a network become the
arguments of :class:`~siting.SitingData`; :mod:`siting.pypsa_export` writes
a solved plan back as a network whose linear power flow (``n.lpf()``) gives
the plan's own line flows. PyPSA is imported on first use only: install it
with ``pip install 'siting[pypsa]'``.

Conventions of the mapping (both ways):

- a bus is a substation (``x``, ``y`` in ``n.crs``, lon/lat by default;
  ``v_nom`` in kV is ``voltage_kv``); only buses of carrier ``AC`` (or none);
- a line's ``reactance`` (per unit on 100 MVA) is PyPSA's own per-unit
  reactance x 100, ``x / v_nom(bus0)^2 x 100``, so the DC power flow of both
  is the same; a ``v_nom`` column on the lines (PyPSA-Eur has one), else
  ``bus0``'s, is the line's ``voltage_kv``;
- a line's ``capacity_mw`` is ``s_nom`` and, with ``residual="s_max_pu"``,
  its ``residual_mw`` is ``s_nom x s_max_pu`` (the part of the rating that
  new flows may use, as :func:`siting.pypsa_export.to_pypsa` writes it).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from types import ModuleType
from typing import Any, Final, Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from . import _validate as V
from ._errors import UsageError
from .settings import GEOGRAPHIC_CRS, RatingTable

__all__ = ["layers_from_pypsa", "import_pypsa", "TECHNOLOGY_BY_CARRIER", "ONE_REGION"]


#: PyPSA generator carriers (lower case; PyPSA-Eur's names and plain ones) that are renewables,
#: with the technology name of the renewables layer. Any other carrier is a conventional plant.
TECHNOLOGY_BY_CARRIER: Final[dict[str, str]] = {
    "solar": "solar",
    "solar-hsat": "solar",
    "solar rooftop": "solar",
    "pv": "solar",
    "onwind": "onshore_wind",
    "onshore wind": "onshore_wind",
    "wind": "onshore_wind",
    "offwind": "offshore_wind",
    "offwind-ac": "offshore_wind",
    "offwind-dc": "offshore_wind",
    "offwind-float": "offshore_wind",
    "offshore wind": "offshore_wind",
    "hydro": "hydro",
    "ror": "hydro",
    "run of river": "hydro",
    "phs": "pumped_storage",
    "tidal": "tidal",
}

#: Carriers of the generators and loads :func:`siting.pypsa_export.to_pypsa` adds (the plan's).
SUPPLY_CARRIER: Final[str] = "siting supply"
CAMPUS_CARRIER: Final[str] = "data centre"

#: Generator carriers that are no supply (PyPSA-Eur's load shedding, a plan's export): not read.
NOT_SUPPLY: Final[tuple[str, ...]] = ("load", "load shedding", "load-shedding", SUPPLY_CARRIER)

#: Code of the one region :meth:`siting.SitingData.from_pypsa` builds when no ``provinces`` are given.
ONE_REGION: Final[str] = "R1"

#: Margin (km) of that region around the buses' convex hull, so that every bus lies inside it
#: and a single bus or a straight row of buses still gives an area (a geometric margin, no data).
REGION_MARGIN_KM: Final[float] = 10.0


def import_pypsa() -> ModuleType:
    """The ``pypsa`` module, or an ImportError that says how to install it."""
    try:
        import pypsa
    except ImportError as exc:
        raise ImportError("PyPSA interoperability needs pypsa: pip install 'siting[pypsa]'") from exc
    return pypsa


def _crs(n: Any) -> Any:
    """The network's CRS (``n.crs``, PyPSA 1.x), lon/lat (EPSG:4326) when it has none."""
    return getattr(n, "crs", None) or GEOGRAPHIC_CRS


def _given(values: pd.Series, ids: pd.Index, *, component: str, column: str, fix: str) -> tuple[Any, list]:
    """A column with PyPSA's default 0 meaning "not set": the values, or None for siting's rule.

    All zero: None (siting's documented rule fills the column). Some zero: a
    problem naming the components, as siting does not fill gaps silently.
    """
    num = pd.to_numeric(values, errors="coerce")
    unset = num.isna() | (num <= 0)
    if unset.all():
        return None, []
    if unset.any():
        return None, [
            f"component '{component}', column '{column}': 0 or empty (PyPSA's default) in "
            f"{V.show_ids(ids[unset.to_numpy()])} while other rows give it; fix: {fix}"
        ]
    return num.to_numpy(), []


def _active(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows PyPSA considers (``active``, PyPSA 1.x): inactive components are no part of the grid."""
    return frame[frame["active"].astype(bool)] if "active" in frame.columns else frame


def _nominal(frame: pd.DataFrame, attr: str) -> pd.Series:
    """``s_nom`` or ``p_nom``; the optimised ``..._opt`` where extendable and solved (a PyPSA-Eur result)."""
    given = pd.to_numeric(frame[attr], errors="coerce")
    opt = pd.to_numeric(frame.get(f"{attr}_opt", given), errors="coerce")
    solved = frame.get(f"{attr}_extendable", False) & (opt > 0)
    return opt.where(solved, given)


def _substations(n: Any) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The AC buses as substations, and the problems with their coordinates and voltages."""
    buses = n.buses[n.buses["carrier"].fillna("").isin(["AC", ""])]
    if buses.empty:
        return gpd.GeoDataFrame(), ["component 'Bus': no bus of carrier 'AC'; fix: add the AC buses."]
    problems = []
    x, y = (pd.to_numeric(buses[c], errors="coerce") for c in ("x", "y"))
    no_xy = x.isna() | y.isna() | ((x == 0) & (y == 0))
    if no_xy.any():
        problems.append(
            f"component 'Bus', columns 'x', 'y': no coordinates for buses {V.show_ids(buses.index[no_xy])} "
            "(empty, or PyPSA's default 0, 0); fix: set n.buses.x and n.buses.y (lon/lat, or in n.crs)."
        )
    kv = pd.to_numeric(buses["v_nom"], errors="coerce")
    no_kv = kv.isna() | (kv <= 1.0)
    if no_kv.any():
        problems.append(
            f"component 'Bus', column 'v_nom': no nominal voltage for buses {V.show_ids(buses.index[no_kv])} "
            "(empty, or PyPSA's default 1 kV); fix: set n.buses.v_nom in kV."
        )
    subs = gpd.GeoDataFrame(
        {
            "substation_id": buses.index.astype(str),
            "name": buses.index.astype(str),
            "voltage_kv": kv.to_numpy(),
        },
        geometry=gpd.points_from_xy(x.fillna(0), y.fillna(0)),
        crs=_crs(n),
    )
    return subs, problems


def _lines(n: Any, ids: set[str], residual: str) -> tuple[pd.DataFrame, list[str]]:
    """The lines between AC buses: ratings, reactances (PyPSA's per unit x 100), circuits, voltages."""
    lines = _active(n.lines)
    lines = lines[lines["bus0"].isin(ids) & lines["bus1"].isin(ids)]
    v_bus0 = n.buses.loc[lines["bus0"], "v_nom"].to_numpy(dtype=float)
    kv = v_bus0
    if "v_nom" in lines.columns:  # PyPSA-Eur's line voltages (PyPSA's power flow sets bus0's)
        kv = pd.to_numeric(lines["v_nom"], errors="coerce").fillna(pd.Series(v_bus0, lines.index)).to_numpy()
    out = pd.DataFrame(
        {
            "line_id": lines.index.astype(str),
            "from_id": lines["bus0"].astype(str).to_numpy(),
            "to_id": lines["bus1"].astype(str).to_numpy(),
            "name": lines.index.astype(str),
            "voltage_kv": kv,
            "circuits": np.maximum(1, np.round(lines["num_parallel"].to_numpy(dtype=float))).astype(int),
            "kind": "ac",
        }
    )
    cap, problems = _given(
        _nominal(lines, "s_nom"),
        lines.index,
        component="Line",
        column="s_nom",
        fix="set s_nom (MVA) for every line.",
    )
    x, more = _given(lines["x"], lines.index, component="Line", column="x", fix="set x (ohm) for every line.")
    if cap is not None:
        out["capacity_mw"] = cap
        if residual == "s_max_pu":
            out["residual_mw"] = cap * lines["s_max_pu"].to_numpy(dtype=float)
    if x is not None:
        out["reactance"] = x / (v_bus0**2 / 100.0)
    return out, problems + more


def _links(n: Any, ids: set[str], residual: str) -> tuple[pd.DataFrame, list[str]]:
    """The links of carrier DC between AC buses as HVDC lines, rated by ``p_nom``."""
    links = _active(n.links)
    links = links[
        links["carrier"].fillna("").str.upper().eq("DC") & links["bus0"].isin(ids) & links["bus1"].isin(ids)
    ]
    p_nom = _nominal(links, "p_nom")
    problems = []
    bad = p_nom.isna() | (p_nom <= 0)
    if bad.any():
        problems.append(
            f"component 'Link', column 'p_nom': DC links {V.show_ids(links.index[bad])} have no rating; "
            "fix: set p_nom (MW) for every DC link (there is no voltage rule for HVDC)."
        )
    clash = links.index.intersection(n.lines.index)
    if len(clash):
        problems.append(
            f"components 'Line' and 'Link': names {V.show_ids(clash)} are both a line and a DC link, "
            "while siting's line ids are one set; fix: rename the links, "
            "e.g. n.rename_component_names('Link', lambda s: 'link ' + s)."
        )
    out = pd.DataFrame(
        {
            "line_id": links.index.astype(str),
            "from_id": links["bus0"].astype(str).to_numpy(),
            "to_id": links["bus1"].astype(str).to_numpy(),
            "name": links.index.astype(str),
            "voltage_kv": n.buses.loc[links["bus0"], "v_nom"].to_numpy(dtype=float),
            "circuits": 1,
            "kind": "hvdc",
            "capacity_mw": p_nom.to_numpy(),
        }
    )
    if residual == "s_max_pu":
        out["residual_mw"] = p_nom.to_numpy() * links["p_max_pu"].to_numpy(dtype=float)
    return out, problems


def _capacity_factors(n: Any, gens: pd.DataFrame, given: Mapping[str, float]) -> tuple[pd.Series, list[str]]:
    """Each renewable generator's capacity factor: its mean ``p_max_pu`` profile, else ``given``."""
    profiles = n.generators_t.p_max_pu
    weights = n.snapshot_weightings["generators"]
    cf = pd.Series(np.nan, index=gens.index)
    have = gens.index.intersection(profiles.columns)
    if len(have):
        cf[have] = profiles[have].mul(weights, axis=0).sum() / weights.sum()
    static = pd.to_numeric(gens["p_max_pu"], errors="coerce")
    cf = cf.fillna(static.where(static < 1.0))  # a static p_max_pu below 1 is an average availability
    cf = cf.fillna(gens["technology"].map(dict(given)))
    missing = cf.isna()
    if not missing.any():
        return cf, []
    techs = sorted(set(gens.loc[missing, "technology"]))
    return cf, [
        f"component 'Generator', column 'p_max_pu': no capacity factor for renewables "
        f"{V.show_ids(gens.index[missing])} (no p_max_pu profile, static p_max_pu 1); fix: give profiles "
        f"in n.generators_t.p_max_pu, or capacity_factors={{...}} for {techs} (a cited figure for your grid)."
    ]


def _generators(
    n: Any, subs: gpd.GeoDataFrame, given: Mapping[str, float]
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, list[str]]:
    """Generators at AC buses: renewables (by :data:`TECHNOLOGY_BY_CARRIER`) and conventional plants."""
    active = _active(n.generators)
    carrier = active["carrier"].fillna("").astype(str)
    keep = active["bus"].astype(str).isin(set(subs["substation_id"])) & ~carrier.str.lower().isin(NOT_SUPPLY)
    gens = active[keep].assign(technology=carrier[keep].str.lower().map(TECHNOLOGY_BY_CARRIER))
    table = gpd.GeoDataFrame(
        {
            "id": gens.index.astype(str),
            "name": gens.index.astype(str),
            "technology": gens["technology"].to_numpy(),
            "fuel": carrier[keep].to_numpy(),
            "capacity_mw": _nominal(gens, "p_nom").to_numpy(),
            "status": "operating",
        },
        geometry=subs.set_index("substation_id").geometry.loc[gens["bus"].astype(str)].to_numpy(),
        crs=subs.crs,
    )
    ren = table["technology"].notna().to_numpy()
    cf, problems = _capacity_factors(n, gens[ren], given)
    renewables = (
        table[ren]
        .drop(columns="fuel")
        .rename(columns={"id": "site_id"})
        .assign(capacity_factor=cf.to_numpy())
    )
    plants = table[~ren].drop(columns="technology").rename(columns={"id": "plant_id"})
    return renewables, plants, problems


def one_region(subs: gpd.GeoDataFrame, metric_crs: str) -> gpd.GeoDataFrame:
    """One region around the substations: their convex hull plus :data:`REGION_MARGIN_KM`.

    Examples
    --------
    >>> subs = gpd.GeoDataFrame(geometry=gpd.points_from_xy([127, 128], [36, 36]), crs=4326)
    >>> r = one_region(subs, "EPSG:32652")
    >>> r[["code", "capital_region"]].to_dict("records"), bool(r.contains(subs.union_all()).all())
    ([{'code': 'R1', 'capital_region': False}], True)
    """
    m = subs.to_crs(metric_crs or subs.estimate_utm_crs())
    hull = m.union_all().convex_hull.buffer(REGION_MARGIN_KM * 1000.0)
    region = gpd.GeoDataFrame(
        {"code": [ONE_REGION], "name": ["network region"], "capital_region": [False]},
        geometry=[hull],
        crs=m.crs,
    )
    return region.to_crs(GEOGRAPHIC_CRS)


def layers_from_pypsa(
    network: Any,
    *,
    provinces: gpd.GeoDataFrame | None = None,
    capacity_factors: Mapping[str, float] | None = None,
    residual: Literal["rule", "s_max_pu"] = "rule",
    metric_crs: str = "",
    line_ratings: str | RatingTable = "pypsa_earth",
) -> dict[str, Any]:
    """The arguments of :class:`~siting.SitingData` from a ``pypsa.Network`` (``SitingData.from_pypsa``).

    Buses of carrier AC are substations (``x``/``y`` in ``n.crs``, lon/lat by
    PyPSA's convention; ``v_nom``). Lines between them are lines:
    ``capacity_mw`` = ``s_nom``, ``reactance`` = PyPSA's per unit x 100,
    ``circuits`` = ``num_parallel`` rounded (at least 1); where every line
    leaves ``s_nom`` or ``x`` at PyPSA's default 0, siting's rule by voltage
    and length fills it. Lengths are those of the straight segments between
    the buses (PyPSA's ``length`` is not read). Links of carrier ``DC`` (only
    those: other links convert energy) are HVDC lines rated ``p_nom``.
    Generators of a carrier in :data:`TECHNOLOGY_BY_CARRIER` are renewables
    (capacity factor: their ``p_max_pu`` profile's weighted mean),
    others plants (``fuel`` = carrier), all ``operating`` at their bus. Not read: inactive
    components, storage units, transformers (with a warning), a plan's export generators.

    Parameters
    ----------
    network : pypsa.Network
    provinces : GeoDataFrame, optional
        Regions (``code``, ``name``, polygons). Without them the network is
        one region :data:`ONE_REGION` (``capital_region`` false) around the
        buses, and a warning says so: solve it with
        ``Scenario(min_host_provinces=1, province_share_cap=1.0)``.
    capacity_factors : mapping, optional
        Technology to capacity factor, for renewables with no ``p_max_pu``
        profile (and a static ``p_max_pu`` of 1).
    residual : {"rule", "s_max_pu"}, default "rule"
        ``residual_mw`` of the lines: siting's rule (``capacity_mw x
        RESIDUAL_FRACTION``), or ``s_nom x s_max_pu`` (``p_nom x p_max_pu``
        for links), as :func:`siting.pypsa_export.to_pypsa` writes it.
    metric_crs, line_ratings
        As for :class:`~siting.SitingData`; ratings default to PyPSA-Earth's line types.

    Raises
    ------
    DataError
        Naming component, column, rows and fix (e.g. buses without ``x``/``y`` or ``v_nom``).

    Examples
    --------
    >>> import pypsa, siting, warnings
    >>> n = pypsa.Network()
    >>> n.add("Bus", ["a", "b", "c"], x=[8.0, 8.5, 8.2], y=[50.0, 50.2, 49.8], v_nom=380.0)
    >>> n.add("Line", ["ab", "bc", "ca"], bus0=["a", "b", "c"], bus1=["b", "c", "a"], x=10.0, s_nom=1000.0)
    >>> n.add("Link", "hvdc", bus0="a", bus1="c", carrier="DC", p_nom=500.0)
    >>> n.add("Generator", ["coal", "pv"], bus="a", carrier=["coal", "solar"], p_nom=800.0,
    ...       p_max_pu=[1.0, 0.12])
    >>> with warnings.catch_warnings(action="ignore"):
    ...     data = siting.SitingData(**layers_from_pypsa(n))
    >>> data.lines[["line_id", "kind", "capacity_mw"]].values.tolist()[2:]
    [['ca', 'ac', 1000.0], ['hvdc', 'hvdc', 500.0]]
    >>> data.renewables[["site_id", "technology", "capacity_factor"]].values.tolist()
    [['pv', 'solar', 0.12]]
    """
    if residual not in ("rule", "s_max_pu"):
        raise UsageError(f"from_pypsa(residual={residual!r}): fix: residual is 'rule' or 's_max_pu'.")
    subs, problems = _substations(network)
    V.raise_if(problems)
    lines, p_lines = _lines(network, set(subs["substation_id"]), residual)
    links, p_links = _links(network, set(subs["substation_id"]), residual)
    renewables, plants, p_gens = _generators(network, subs, capacity_factors or {})
    V.raise_if(p_lines + p_links + p_gens)
    return dict(
        provinces=_regions(network, subs, provinces, metric_crs),
        substations=subs,
        lines=pd.concat([lines, links], ignore_index=True),
        renewables=renewables,
        plants=plants if len(plants) else None,
        metric_crs=metric_crs,
        line_ratings=line_ratings,
    )


def _regions(n: Any, subs: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame | None, metric_crs: str) -> Any:
    """``provinces``, or one region around the buses; warn about that and about unread transformers."""
    if len(n.transformers):
        warnings.warn(
            f"from_pypsa: the network's {len(n.transformers)} transformers are not read (siting has one node "
            "per substation): buses joined only by transformers are apart; merge them first if they are one "
            "substation.",
            stacklevel=4,
        )
    if provinces is not None:
        return provinces
    warnings.warn(
        f"from_pypsa: no provinces given, so the network is one region {ONE_REGION!r} around its buses: "
        "solve it with Scenario(min_host_provinces=1, province_share_cap=1.0), or pass provinces= "
        "(a GeoDataFrame with code and name) for limits by region.",
        stacklevel=4,
    )
    return one_region(subs, metric_crs)
