"""Reference figures and assert helpers for checking data and results.

Like ``geopandas.testing``, this module is for tests and for users who want
to check their own runs. The checks here recompute everything from a
result's own tables and the input data; they share no code with the
formulation (the per-family checks live beside each family, in
:meth:`siting.families.Family.check`, and follow the same rule).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
import shapely

from .families import DEFAULT_FAMILIES
from .families.reinforcement import new_line_flows

if TYPE_CHECKING:
    from .data import SitingData
    from .families import Family
    from .result import SitingResult

#: Installed renewable capacity, MW, September 2025, by province (ISO 3166-2)
#: and group: KPX/EPSIS statistics, rounded, as listed in
#: ``../shared/KOREA_FACTS.md`` ("Installed renewable capacity, MW, September
#: 2025"). ``wind`` is onshore + offshore; ``hydro`` excludes pumped storage.
KPX_RENEWABLES_MW: Final[dict[str, dict[str, float]]] = {
    "KR-46": {"solar": 6350, "wind": 555, "hydro": 37},  # Jeonnam
    "KR-45": {"solar": 4745, "wind": 80, "hydro": 79},  # Jeonbuk
    "KR-47": {"solar": 4220, "wind": 578, "hydro": 180},  # Gyeongbuk
    "KR-44": {"solar": 3960, "wind": 2, "hydro": 32},  # Chungnam
    "KR-41": {"solar": 2195, "wind": 8, "hydro": 276},  # Gyeonggi
    "KR-48": {"solar": 2180, "wind": 102, "hydro": 145},  # Gyeongnam
    "KR-42": {"solar": 1995, "wind": 589, "hydro": 526},  # Gangwon
    "KR-43": {"solar": 1685, "wind": 0, "hydro": 519},  # Chungbuk
    "KR-49": {"solar": 665, "wind": 422, "hydro": 1},  # Jeju
    "KR-27": {"solar": 445, "wind": 0, "hydro": 4},  # Daegu
    "KR-29": {"solar": 396, "wind": 0, "hydro": 2},  # Gwangju
    "KR-26": {"solar": 311, "wind": 1, "hydro": 0},  # Busan
    "KR-28": {"solar": 197, "wind": 49, "hydro": 13},  # Incheon
    "KR-31": {"solar": 165, "wind": 0, "hydro": 0},  # Ulsan
    "KR-50": {"solar": 93, "wind": 0, "hydro": 2},  # Sejong
    "KR-30": {"solar": 69, "wind": 0, "hydro": 0},  # Daejeon
    "KR-11": {"solar": 48, "wind": 0, "hydro": 0},  # Seoul
}


def assert_result_valid(
    result: SitingResult,
    data: SitingData,
    *,
    rtol: float = 1e-6,
    families: Sequence[type[Family]] | None = None,
) -> None:
    """Re-check a solved result from its own tables and the input data.

    Checks, independently of the model code: no campus in an excluded
    province or its buffer; tiers, connection voltage and distance allowed;
    cost terms add up and the connection (circuits by campus MW) and
    transmission terms match their recomputation; then each constraint family's own check
    (:meth:`siting.families.Family.check`): total >= target; substation loads
    equal the sites connected and stay within headroom; supply used within
    supply, |flow| <= residual capacity, node balance at every substation and,
    for DC power flow, Kirchhoff's voltage law around every AC cycle; province
    share caps; minimum host provinces; renewable share; the renewable credit
    (each substation's at most its campuses' average load, all of them
    together within the output of the renewables in reach, by a maximum
    flow; the ``renewable_incentive`` term its price); minimum spacing.

    Parameters
    ----------
    result : SitingResult
        With status optimal or feasible.
    data : SitingData
        The data it was solved on.
    rtol : float
        Relative tolerance, on top of an absolute 1e-6 MW.
    families : sequence of Family subclasses, optional
        Families whose checks to run; default those the result was solved with.

    Raises
    ------
    AssertionError
        Naming the first check that fails.

    Examples
    --------
    >>> import siting
    >>> data = siting.load_korea()
    >>> assert_result_valid(siting.solve(data, siting.Scenario(target_mw=800, grid_spacing_km=40)), data)
    """
    sc = result.scenario
    assert str(result.status) in ("optimal", "feasible"), f"status is {result.status}"
    tol = 1e-6 + rtol * max(sc.target_mw, 1.0)
    assert set(result.sites["capacity_mw"]) <= set(sc.tiers_mw), "a campus size is not a tier"
    _check_excluded(result, data)
    _check_connections(result, data)
    if families is None:
        families = result.families or tuple(f for f in DEFAULT_FAMILIES if f.enabled(sc))
    for family in families:
        family.check(result, data, tol)
    _check_costs(result, data)


def _excluded_codes(result: SitingResult, data: SitingData) -> list[str]:
    """The excluded provinces: the capital region unless switched off, and those named by code or name."""
    sc, prov = result.scenario, data.provinces
    named = {str(v).strip().casefold() for v in sc.exclude_provinces}
    by_name = pd.concat(
        [prov[c].astype(str).str.strip().str.casefold() for c in ("code", "name", "name_ko")], axis=1
    )
    return list(
        prov.loc[
            by_name.isin(named).any(axis=1) | (prov["capital_region"] & sc.exclude_capital_region), "code"
        ]
    )


def _check_excluded(result: SitingResult, data: SitingData) -> None:
    """No campus in an excluded province or within its buffer."""
    sc, sites = result.scenario, result.sites
    codes = _excluded_codes(result, data)
    if not codes:
        return
    prov = data.provinces.to_crs(data.metric_crs)
    geoms = sites.to_crs(data.metric_crs).geometry.values
    too_close = np.zeros(len(geoms), dtype=bool)
    for _, row in prov.loc[prov["code"].isin(codes)].iterrows():
        km = _buffer_km(sc.exclude_buffer_km, row)
        too_close |= shapely.intersects(row.geometry, geoms)
        too_close |= shapely.distance(row.geometry, geoms) / 1000.0 < km - 1e-6
    assert not too_close.any(), (
        f"campus in the excluded region or its buffer ({sc.exclude_buffer_km} km): "
        f"{list(sites.site_id[too_close])}"
    )


def _buffer_km(given: float | Mapping[str, float], row: pd.Series) -> float:
    """The buffer around one excluded province: a number for all, or the largest the mapping names it by."""
    if not isinstance(given, Mapping):
        return float(given)
    names = {str(row[c]).strip().casefold() for c in ("code", "name", "name_ko") if c in row}
    hits = [
        km
        for key, km in given.items()
        if key.casefold() in names or (key == "capital_region" and row["capital_region"])
    ]
    return max(hits, default=0.0)


def _check_connections(result: SitingResult, data: SitingData) -> None:
    """Each campus connected at its tier's voltage, to a substation that has it, within reach."""
    sc, sites, metric = result.scenario, result.sites, data.metric_crs
    site_m = sites.to_crs(metric)
    sub_in = data.substations.set_index("substation_id")
    sub_m = sub_in.geometry.to_crs(metric)
    pts = site_m.geometry.representative_point() if (site_m.geom_type != "Point").any() else site_m.geometry
    for r, pt in zip(sites.itertuples(), pts, strict=True):
        kv = sc.connection_kv_for(r.capacity_mw)
        assert r.connection_kv == kv, (
            f"site {r.site_id}: connected at {r.connection_kv} kV, rule says {kv} kV"
        )
        assert sub_in.at[r.substation_id, "voltage_kv"] >= kv, (
            f"site {r.site_id}: substation {r.substation_id} below {kv} kV"
        )
        dist = pt.distance(sub_m[r.substation_id]) / 1000.0
        assert abs(dist - r.connection_km) < 1e-3, (
            f"site {r.site_id}: connection_km {r.connection_km} but distance is {dist}"
        )
        assert dist <= sc.max_connection_km[kv] + 1e-6, (
            f"site {r.site_id}: {dist:.1f} km > {sc.max_connection_km[kv]} km"
        )


def _check_costs(result: SitingResult, data: SitingData) -> None:
    """The connection and transmission terms match their recomputation, and the terms add up.

    Transmission prices the flow on today's lines and on the new lines built.
    """
    c, sites, lines = result.scenario.costs, result.sites, result.lines
    conn = sum(
        c.connection_fixed[r.connection_kv]
        + math.ceil(r.capacity_mw / c.connection_circuit_mw[r.connection_kv] - 1e-9)
        * c.connection_per_km[r.connection_kv]
        * r.connection_km
        for r in sites.itertuples()
    )
    assert abs(conn - result.costs["connection"]) <= 1e-6 * max(1.0, abs(conn)) + 1e-6, (
        f"connection cost {result.costs['connection']} != {conn}"
    )
    new = new_line_flows(result, data)
    mw_km = float((lines["flow_mw"].abs() * lines["length_km"]).sum())
    mw_km += float((new["line_flow_mw"].abs() * new["length_km"]).sum())
    tx = c.transmission_per_mw_km * mw_km
    assert abs(tx - result.costs["transmission"]) <= 1e-5 * max(1.0, tx), (
        f"transmission cost {result.costs['transmission']} != {tx}"
    )
    assert result.objective is not None
    assert abs(sum(result.costs.values()) - result.objective) <= 1e-6 * max(1.0, abs(result.objective)), (
        "cost terms do not add up"
    )
