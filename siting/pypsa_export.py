"""A solved plan as a ``pypsa.Network`` of its new flows, for PyPSA's power flow: :func:`to_pypsa`.

:meth:`siting.SitingResult.to_pypsa` calls it; :mod:`siting.pypsa_io` reads
networks. PyPSA is imported on first use only (``pip install 'siting[pypsa]'``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import _validate as V
from ._errors import UsageError
from .pypsa_io import CAMPUS_CARRIER, SUPPLY_CARRIER, import_pypsa

if TYPE_CHECKING:
    from ._result_types import ResultLike
    from .data import SitingData

__all__ = ["to_pypsa"]


def to_pypsa(result: ResultLike, network: Any = None, *, data: SitingData | None = None) -> Any:
    """The plan as a PyPSA network of its new flows, ready for ``n.lpf()`` and ``n.lpf_contingency()``.

    What it represents: the model moves *supply for new load* to the campuses
    over the lines' *residual* capacity, on top of today's flows (assumed
    secure within ``capacity - residual``). The network carries exactly those
    incremental injections and limits, so PyPSA's linear power flow gives the
    result's ``lines.flow_mw`` (for a plan solved with ``flow_model="dc"``):

    - generators ``"siting supply <substation>"`` (carrier ``siting
      supply``): ``p_set`` = the supply for new load used there;
    - loads ``"campus <site_id>"`` (carrier ``data centre``) at their
      substation's bus: ``p_set`` = the campus MW;
    - lines: ``s_nom`` = ``capacity_mw`` and ``s_max_pu`` = (``residual_mw`` -
      ``abs(renewable_flow_mw)``) / ``capacity_mw``, so ``s_nom x s_max_pu`` is
      the capacity the model left to these flows, in the base case and after
      an outage alike (:mod:`siting.families.security`); ``x`` such that
      PyPSA's per unit reactance is siting's / 100;
    - HVDC links: ``p_nom``, ``p_max_pu`` (and ``-p_min_pu``) likewise, and
      ``p_set`` = the model's flow (links are controllable);
    - with ``network``: a copy at its first snapshot in which the existing
      generators, loads, storage, transformers and the other links are kept
      but made inactive (``active`` false): today's dispatch is in the
      residual, not in these flows.

    The renewable energy flows (an average reserved on the lines) are not
    injected. Transport-model plans export too; their flows are no power flow's.
    PyPSA 1.4 checks line outages only (``n.lpf_contingency(n.snapshots[:1],
    branch_outages=[("Line", name), ...])``: a list, as it reads a bare string
    snapshot as a sequence); an HVDC outage is ``p_set = 0`` on its link and ``n.lpf()``.

    Parameters
    ----------
    result : SitingResult
        With a plan.
    network : pypsa.Network, optional
        The network :meth:`siting.SitingData.from_pypsa` read for this plan.
    data : SitingData, optional
        The data the plan was solved on; without ``network``, the network is
        built from it (buses, AC lines, DC links). One of the two is needed.

    Returns
    -------
    pypsa.Network

    Examples
    --------
    >>> import pypsa, warnings, siting
    >>> n = pypsa.Network()  # a 345 kV triangle, a coal plant at "a"
    >>> n.add("Bus", list("abc"), x=[8.0, 8.3, 8.15], y=[50.0, 50.0, 50.2], v_nom=345.0)
    >>> n.add("Generator", "coal", bus="a", carrier="coal", p_nom=20000.0)
    >>> n.add("Line", ["ab", "bc", "ca"], bus0=list("abc"), bus1=list("bca"), x=10.0, s_nom=1000.0)
    >>> with warnings.catch_warnings(action="ignore"):
    ...     data = siting.SitingData.from_pypsa(n)
    >>> sc = siting.Scenario(target_mw=800, flow_model="dc", min_host_provinces=1, province_share_cap=1.0,
    ...                      renewable_share=0.0, renewable_build=())  # no renewables in this network
    >>> res = siting.solve(data, sc)
    >>> m = res.to_pypsa(n)
    >>> m.lpf()
    >>> m.lines_t.p0.iloc[0].round(6).to_dict() == res.lines.set_index("line_id").flow_mw.round(6).to_dict()
    True
    """
    if not result.status.has_solution:
        raise UsageError(
            f"to_pypsa: the result is {str(result.status)!r}, with no plan to export; fix: solve a "
            "feasible scenario first."
        )
    n = _grid(result, network, data)
    _set_limits(n, result)
    _add_injections(n, result)
    return n


def _grid(result: ResultLike, network: Any, data: SitingData | None) -> Any:
    """The network's copy, or one built from ``data``; with ``data``, its reactances on the lines."""
    if network is not None:
        n = _copy_of(network, result)
    elif data is not None:
        n = import_pypsa().Network()
        _add_grid(n, data)
    else:
        raise UsageError(
            "to_pypsa needs the grid's reactances: pass network= (the network from_pypsa read) or "
            "data= (the SitingData the plan was solved on)."
        )
    if data is not None:
        _set_reactances(n, data)
    ac = result.lines.loc[result.lines["kind"].eq("ac"), "line_id"]
    no_x = ac[n.lines.loc[ac, "x"].to_numpy() <= 0]
    if len(no_x):
        raise UsageError(
            f"to_pypsa: lines {V.show_ids(no_x)} have no reactance x in the network (siting's rule gave it); "
            "fix: pass data= too, the SitingData the plan was solved on."
        )
    return n


def _copy_of(network: Any, result: ResultLike) -> Any:
    """A one-snapshot copy of ``network`` with today's dispatch switched off (``active`` false).

    Generators, loads, storage and transformers (which siting does not read)
    are kept but inactive, as are the links that are not the plan's HVDC lines;
    a previous export's plan (its carriers) is removed.
    """
    n = network.copy(snapshots=network.snapshots[:1])
    for comp, frame, carrier in (
        ("Generator", n.generators, SUPPLY_CARRIER),
        ("Load", n.loads, CAMPUS_CARRIER),
    ):
        if (old := frame.index[frame["carrier"] == carrier]).size:
            n.remove(comp, old)
    lines = result.lines
    hvdc = lines["kind"].eq("hvdc")
    missing = [
        f"{what} {V.show_ids(sorted(set(want) - set(have)))}"
        for what, want, have in (
            ("buses", result.substations["substation_id"], n.buses.index),
            ("lines", lines.loc[~hvdc, "line_id"], n.lines.index),
            ("links", lines.loc[hvdc, "line_id"], n.links.index),
        )
        if set(want) - set(have)
    ]
    if missing:
        raise UsageError(
            f"to_pypsa(network=...): the network has no {'; no '.join(missing)} of the plan; fix: "
            "pass the network from_pypsa read, or data= alone to build one."
        )
    for comp in ("generators", "loads", "storage_units", "stores", "transformers"):
        getattr(n, comp)["active"] = False
    other = ~n.links.index.isin(lines.loc[hvdc, "line_id"])
    n.links.loc[other, ["active", "p_set"]] = [False, 0.0]
    for frame in (n.links_t.p_set, n.lines_t.s_max_pu):
        for col in frame.columns.intersection(lines["line_id"]):
            del frame[col]  # the plan's values, set below, are static
    return n


def _add_grid(n: Any, data: SitingData) -> None:
    """Buses, AC lines and HVDC links of ``data`` (reactances and limits are set after)."""
    subs = data.substations
    n.add(
        "Bus",
        subs["substation_id"].to_numpy(),
        x=subs.geometry.x.to_numpy(),
        y=subs.geometry.y.to_numpy(),
        v_nom=subs["voltage_kv"].to_numpy(),
        carrier="AC",
    )
    for kind, comp in (("ac", "Line"), ("hvdc", "Link")):
        rows = data.lines[data.lines["kind"] == kind]
        ends = {"bus0": rows["from_id"].to_numpy(), "bus1": rows["to_id"].to_numpy()}
        extra = {"num_parallel": rows["circuits"].to_numpy()} if kind == "ac" else {"carrier": "DC"}
        n.add(comp, rows["line_id"].to_numpy(), **ends, length=rows["length_km"].to_numpy(), **extra)


def _set_reactances(n: Any, data: SitingData) -> None:
    """Line ``x`` (ohm) such that PyPSA's per unit, ``x / v_nom(bus0)^2``, is siting's reactance / 100."""
    ac = data.lines[data.lines["kind"] == "ac"].set_index("line_id")
    v_bus0 = n.buses.loc[n.lines.loc[ac.index, "bus0"], "v_nom"].to_numpy(dtype=float)
    n.lines.loc[ac.index, "x"] = ac["reactance"].to_numpy() * v_bus0**2 / 100.0


def _set_limits(n: Any, result: ResultLike) -> None:
    """Ratings (``s_nom``, ``p_nom``) and the share of them the new flows may use; HVDC flows as ``p_set``."""
    lines = result.lines.set_index("line_id")
    usable = (lines["residual_mw"] - lines["renewable_flow_mw"].abs()).clip(lower=0.0)
    share = (usable / lines["capacity_mw"]).where(lines["capacity_mw"] > 0, 0.0)
    ac = lines.index[lines["kind"] == "ac"]
    n.lines.loc[ac, "s_nom"] = lines.loc[ac, "capacity_mw"]
    n.lines.loc[ac, "s_max_pu"] = share[ac]
    hv = lines.index[lines["kind"] == "hvdc"]
    n.links.loc[hv, ["p_nom", "p_max_pu", "p_min_pu", "p_set", "efficiency"]] = np.column_stack(
        [lines.loc[hv, "capacity_mw"], share[hv], -share[hv], lines.loc[hv, "flow_mw"], np.ones(len(hv))]
    )


def _add_injections(n: Any, result: ResultLike) -> None:
    """The plan's supply used (generators, ``p_set``), its campuses and exports (loads) at their buses."""
    for carrier in (SUPPLY_CARRIER, CAMPUS_CARRIER):
        if carrier not in n.carriers.index:
            n.add("Carrier", carrier)
    subs = result.substations
    used = subs[subs["supply_used_mw"] > 0]
    n.add(
        "Generator",
        ("siting supply " + used["substation_id"]).to_numpy(),
        bus=used["substation_id"].to_numpy(),
        carrier=SUPPLY_CARRIER,
        p_nom=used["supply_used_mw"].to_numpy(),
        p_set=used["supply_used_mw"].to_numpy(),
    )
    sites = result.sites
    # held-back generation the export links built carry out: a load of the supply's carrier
    out = subs[subs["export_mw"] > 0] if "export_mw" in subs.columns else subs.iloc[:0]
    n.add(
        "Load",
        np.r_[
            ("campus " + sites["site_id"].astype(str)).to_numpy(), ("siting export " + out["substation_id"])
        ],
        bus=np.r_[sites["substation_id"].to_numpy(), out["substation_id"].to_numpy()],
        carrier=[CAMPUS_CARRIER] * len(sites) + [SUPPLY_CARRIER] * len(out),
        p_set=np.r_[sites["capacity_mw"].to_numpy(dtype=float), out["export_mw"].to_numpy(dtype=float)],
    )
