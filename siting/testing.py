"""Reference figures and assert helpers for checking data and results.

Like ``geopandas.testing``, this module is for tests and for users who want
to check their own runs. The checks here recompute everything from a
result's own tables and the input data; they share no code with the model.
"""

from __future__ import annotations

from typing import Final

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


def assert_result_valid(result, data, *, rtol: float = 1e-6) -> None:
    """Re-check a solved result from its own tables and the input data.

    Checks, independently of the model code: no campus in an excluded
    province or its buffer; total >= target; tiers, connection voltage and
    distance allowed; substation loads equal the sites connected and stay
    within headroom; supply used within supply; |flow| <= residual capacity;
    node balance at every substation; province share caps; minimum host
    provinces; minimum spacing; renewable share; cost terms add up and the
    connection and transmission terms match their recomputation.

    Parameters
    ----------
    result : SitingResult
        With status optimal or feasible.
    data : SitingData
        The data it was solved on.
    rtol : float
        Relative tolerance, on top of an absolute 1e-6 MW.

    Raises
    ------
    AssertionError
        Naming the first check that fails.

    Examples
    --------
    >>> import siting
    >>> data = siting.load_korea()
    >>> assert_result_valid(siting.solve(data, siting.Scenario(target_mw=800)), data)
    """
    import numpy as np
    import shapely

    sc = result.scenario
    assert str(result.status) in ("optimal", "feasible"), f"status is {result.status}"
    tol = 1e-6 + rtol * max(sc.target_mw, 1.0)
    sites, subs, lines = result.sites, result.substations, result.lines
    metric = data.metric_crs
    total = float(sites["capacity_mw"].sum())
    assert total >= sc.target_mw - tol, f"total {total} MW < target {sc.target_mw} MW"
    assert set(sites["capacity_mw"]) <= set(sc.tiers_mw), "a campus size is not a tier"

    prov = data.provinces.to_crs(metric)
    codes = list(sc.exclude_provinces) if sc.exclude_provinces is not None else list(prov.loc[prov["capital_region"], "code"])
    site_m = sites.to_crs(metric)
    if codes:
        excluded = prov.loc[prov["code"].isin(codes)].union_all()
        geoms = site_m.geometry.values
        too_close = shapely.intersects(excluded, geoms) | (shapely.distance(excluded, geoms) / 1000.0 < sc.exclude_buffer_km - 1e-6)
        assert not too_close.any(), (
            f"campus in the excluded region or its {sc.exclude_buffer_km} km buffer: {list(sites.site_id[too_close])}"
        )

    sub_in = data.substations.set_index("substation_id")
    sub_m = sub_in.geometry.to_crs(metric)
    pts = site_m.geometry.representative_point() if (site_m.geom_type != "Point").any() else site_m.geometry
    for r, pt in zip(sites.itertuples(), pts):
        kv = sc.connection_kv_for(r.capacity_mw)
        assert r.connection_kv == kv, f"site {r.site_id}: connected at {r.connection_kv} kV, rule says {kv} kV"
        assert sub_in.at[r.substation_id, "voltage_kv"] >= kv, f"site {r.site_id}: substation {r.substation_id} below {kv} kV"
        dist = pt.distance(sub_m[r.substation_id]) / 1000.0
        assert abs(dist - r.connection_km) < 1e-3, f"site {r.site_id}: connection_km {r.connection_km} but distance is {dist}"
        assert dist <= sc.max_connection_km[kv] + 1e-6, f"site {r.site_id}: {dist:.1f} km > {sc.max_connection_km[kv]} km"

    load = sites.groupby("substation_id")["capacity_mw"].sum()
    s = subs.set_index("substation_id")
    assert np.allclose(s["load_mw"], load.reindex(s.index, fill_value=0.0)), "substation load_mw differs from the sites connected"
    over = s.index[s["load_mw"] > sub_in.loc[s.index, "headroom_mw"] + tol]
    assert len(over) == 0, f"substations over headroom: {list(over)}"
    assert (s["supply_used_mw"] <= s["supply_mw"] + tol).all(), "supply used above supply"

    flow = lines.set_index("line_id")["flow_mw"]
    resid = data.lines.set_index("line_id")["residual_mw"]
    bad = flow.index[flow.abs() > resid.loc[flow.index] + tol]
    assert len(bad) == 0, f"lines over residual capacity: {list(bad)}"
    inflow = np.zeros(len(s))
    dl = data.lines.set_index("line_id")
    np.add.at(inflow, s.index.get_indexer(dl.loc[flow.index, "to_id"]), flow.to_numpy())
    np.subtract.at(inflow, s.index.get_indexer(dl.loc[flow.index, "from_id"]), flow.to_numpy())
    balance = s["supply_used_mw"] - s["load_mw"] + inflow
    assert (balance.abs() < tol * 10).all(), f"node balance broken at {list(balance.index[balance.abs() >= tol * 10])[:5]}"

    by_p = sites.groupby("province")["capacity_mw"].sum()
    assert (by_p <= sc.province_share_cap * total + tol).all(), f"province cap exceeded: {by_p.to_dict()}"
    assert by_p.size >= sc.min_host_provinces, f"{by_p.size} host provinces < {sc.min_host_provinces}"
    if sc.min_spacing_km > 0 and len(sites) > 1:
        xy = shapely.get_coordinates(pts.values)
        dd = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) / 1000.0
        np.fill_diagonal(dd, np.inf)
        assert dd.min() >= sc.min_spacing_km - 1e-6, f"two campuses {dd.min():.2f} km apart < {sc.min_spacing_km} km"
    need = sc.renewable_share * sc.load_factor * total
    assert result.renewable_delivered_mw >= need - tol, f"renewable {result.renewable_delivered_mw} MW < {need} MW"

    c = sc.costs
    conn = sum(c.connection_fixed[r.connection_kv] + c.connection_per_km[r.connection_kv] * r.connection_km for r in sites.itertuples())
    assert abs(conn - result.costs["connection"]) <= 1e-6 * max(1.0, abs(conn)) + 1e-6, f"connection cost {result.costs['connection']} != {conn}"
    tx = c.transmission_per_mw_km * float((lines["flow_mw"].abs() * lines["length_km"]).sum())
    assert abs(tx - result.costs["transmission"]) <= 1e-5 * max(1.0, tx), f"transmission cost {result.costs['transmission']} != {tx}"
    assert abs(sum(result.costs.values()) - result.objective) <= 1e-6 * max(1.0, abs(result.objective)), "cost terms do not add up"
