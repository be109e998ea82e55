"""PyPSA round trips: a network read as siting layers, and a plan checked with PyPSA's own power flow.

The export carries the model's *incremental* injections (supply for new load used, campus
loads) and, as line limits, ``s_nom x s_max_pu`` = residual capacity less the renewable flow
reserved on the line: the capacity the model left to these flows in the base case and, by
:mod:`siting.families.security`, after any single outage (no emergency rating factor). So
PyPSA's linear power flow must give the result's ``flow_mw`` exactly (to solver precision)
and its contingency analysis must keep every line within that limit.
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pypsa
import pytest
import shapely

import siting
from siting.pypsa_export import to_pypsa
from siting.pypsa_io import ONE_REGION
from siting.testing import assert_result_valid
from tests.toy import EXACT

#: Flows agree to this, MW (1e-6 p.u. on 100 MVA is 1e-4 MW: this is stricter).
FLOW_TOL_MW = 1e-6


def _network() -> pypsa.Network:
    """Four buses near 50 N, 8 E: a 380 kV ring of three, a 220 kV spur, a DC link, five generators."""
    n = pypsa.Network()
    n.set_snapshots(range(4))
    n.add("Bus", ["A", "B", "C"], x=[8.0, 8.4, 8.2], y=[50.0, 50.0, 50.3], v_nom=380.0)
    n.add("Bus", "D", x=8.6, y=50.3, v_nom=220.0)
    n.add("Bus", "H2", carrier="H2", x=8.0, y=50.0)  # not electricity: not read
    n.add(
        "Line",
        ["AB", "BC", "CA", "BD"],
        bus0=["A", "B", "C", "B"],
        bus1=["B", "C", "A", "D"],
        x=[8.0, 10.0, 9.0, 12.0],
        s_nom=[1700.0, 1700.0, 3400.0, 500.0],
        num_parallel=[1.0, 1.0, 2.0, 1.0],
    )
    n.add("Link", "DC1", bus0="A", bus1="D", carrier="DC", p_nom=400.0, p_min_pu=-1.0)
    n.add("Link", "electrolyser", bus0="A", bus1="H2", carrier="H2 electrolysis", p_nom=100.0)
    n.add(
        "Generator",
        ["gas", "coal", "pv", "wind", "shed"],
        bus=["A", "C", "B", "D", "A"],
        carrier=["gas", "coal", "solar", "onwind", "load"],
        p_nom=[6000.0, 4000.0, 800.0, 300.0, 1e5],
        p_max_pu=[1.0, 1.0, 1.0, 0.3, 1.0],
    )
    n.generators_t.p_max_pu["pv"] = [0.0, 0.2, 0.3, 0.1]
    n.links_t.p_set["DC1"] = [50.0, -50.0, 0.0, 10.0]  # today's dispatch: not the plan's
    n.lines_t.s_max_pu["AB"] = [0.7, 0.7, 0.6, 0.7]
    n.add("Load", "today", bus="B", p_set=900.0)
    return n


def _read(n: pypsa.Network, **kw) -> siting.SitingData:
    with pytest.warns(UserWarning, match=f"one region '{ONE_REGION}'"):
        return siting.SitingData.from_pypsa(n, **kw)


#: Hosts in the one region, no renewable share (the export carries the campus supply flows).
ONE_REGION_SCENARIO = dict(
    min_host_provinces=1, province_share_cap=1.0, flow_model="dc", renewable_share=0.0, renewable_build=()
)


def test_from_pypsa_reads_every_layer():
    data = _read(_network())
    subs = data.substations.set_index("substation_id")
    assert sorted(subs.index) == ["A", "B", "C", "D"]  # the H2 bus is not a substation
    assert subs["voltage_kv"].to_dict() == {"A": 380.0, "B": 380.0, "C": 380.0, "D": 220.0}
    assert subs.geometry["D"].coords[0] == pytest.approx((8.6, 50.3))
    assert set(data.provinces["code"]) == {ONE_REGION} and not data.provinces["capital_region"].any()
    assert set(subs["province"]) == {ONE_REGION}
    lines = data.lines.set_index("line_id")
    assert sorted(lines.index) == ["AB", "BC", "BD", "CA", "DC1"]  # not the electrolyser
    assert lines.loc["DC1", "kind"] == "hvdc" and lines.loc["DC1", "capacity_mw"] == 400.0
    assert lines.loc["CA", "capacity_mw"] == 3400.0 and lines.loc["CA", "circuits"] == 2
    # per unit on 100 MVA: x / (kV^2 / 100); the 220 kV spur starts at a 380 kV bus
    assert lines.loc["AB", "reactance"] == pytest.approx(8.0 / (380.0**2 / 100.0))
    assert lines.loc["BD", "reactance"] == pytest.approx(12.0 / (380.0**2 / 100.0))
    assert lines.loc["AB", "residual_mw"] == pytest.approx(1700.0 * siting.settings.RESIDUAL_FRACTION)
    plants = data.plants.set_index("plant_id")
    assert plants["fuel"].to_dict() == {"gas": "gas", "coal": "coal"}  # load shedding is no plant
    ren = data.renewables.set_index("site_id")
    assert ren["technology"].to_dict() == {"pv": "solar", "wind": "onshore_wind"}
    assert ren.loc["pv", "capacity_factor"] == pytest.approx(0.15)  # mean of its profile
    assert ren.loc["wind", "capacity_factor"] == pytest.approx(0.3)  # its static p_max_pu


def test_from_pypsa_network_is_solvable():
    data = _read(_network())
    res = siting.solve(data, siting.Scenario(target_mw=400, grid_spacing_km=10, **ONE_REGION_SCENARIO))
    assert res.status == "optimal" and res.total_mw >= 400
    assert_result_valid(res, data)


def test_from_pypsa_takes_provinces():
    boxes = [shapely.box(7.5, 49.5, 8.3, 50.5), shapely.box(8.3, 49.5, 9.0, 50.5)]
    prov = gpd.GeoDataFrame({"code": ["W", "E"], "name": ["West", "East"]}, geometry=boxes, crs=4326)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no one-region warning
        data = siting.SitingData.from_pypsa(_network(), provinces=prov)
    assert data.substations.set_index("substation_id")["province"].to_dict() == {
        "A": "W",
        "B": "E",
        "C": "W",
        "D": "E",
    }


def test_from_pypsa_errors_name_component_column_rows_and_fix():
    n = _network()
    n.buses.loc["C", ["x", "y"]] = 0.0
    n.buses.loc["D", "v_nom"] = 1.0
    with pytest.raises(siting.DataError) as err:
        siting.SitingData.from_pypsa(n)
    msg = str(err.value)
    assert "component 'Bus', columns 'x', 'y'" in msg and "['C']" in msg and "fix: set n.buses.x" in msg
    assert "component 'Bus', column 'v_nom'" in msg and "['D']" in msg
    n = _network()
    n.lines.loc["BC", "s_nom"] = 0.0
    n.links.loc["DC1", "p_nom"] = 0.0
    n.generators_t.p_max_pu = n.generators_t.p_max_pu.iloc[:, :0]
    with pytest.raises(siting.DataError) as err:
        siting.SitingData.from_pypsa(n)
    assert len(err.value.problems) == 3
    msg = str(err.value)
    assert "component 'Line', column 's_nom'" in msg and "['BC']" in msg
    assert "component 'Link', column 'p_nom'" in msg and "['DC1']" in msg
    assert (
        "component 'Generator', column 'p_max_pu'" in msg and "['pv']" in msg and "capacity_factors=" in msg
    )


def test_from_pypsa_capacity_factors_and_rules_fill_what_the_network_leaves_out():
    n = _network()
    n.generators_t.p_max_pu = n.generators_t.p_max_pu.iloc[:, :0]
    n.lines["x"] = 0.0  # every line: siting's rule by length and voltage
    data = _read(n, capacity_factors={"solar": 0.11})
    assert data.renewables.set_index("site_id").loc["pv", "capacity_factor"] == 0.11
    assert data.derived["lines"]["reactance"] == {"AB", "BC", "CA", "BD", "DC1"}
    assert (data.lines.loc[data.lines["kind"] == "ac", "reactance"] > 0).all()


def test_to_pypsa_takes_the_rule_reactances_from_the_data():
    """Lines read without x took siting's rule: the export needs the data for them, and then matches."""
    n = _network()
    n.lines["x"] = 0.0
    data = _read(n)
    res = siting.solve(data, siting.Scenario(target_mw=400, grid_spacing_km=10, **ONE_REGION_SCENARIO))
    with pytest.raises(siting.UsageError, match="no reactance x .* pass data= too"):
        res.to_pypsa(n)
    flow = res.lines.set_index("line_id")["flow_mw"]
    assert (flow.abs() > 1.0).any()
    assert (_flows(res.to_pypsa(n, data=data))[flow.index] - flow).abs().max() < FLOW_TOL_MW


def test_from_pypsa_reads_the_optimised_capacity_of_extendable_components():
    n = _network()
    n.lines.loc["AB", ["s_nom_extendable", "s_nom_opt"]] = [True, 2500.0]
    n.generators.loc["gas", ["p_nom_extendable", "p_nom_opt"]] = [True, 7000.0]
    n.lines.loc["BC", ["s_nom_extendable", "s_nom_opt"]] = [True, 0.0]  # not solved: s_nom stays
    data = _read(n)
    assert data.lines.set_index("line_id")["capacity_mw"][["AB", "BC"]].tolist() == [2500.0, 1700.0]
    assert data.plants.set_index("plant_id").at["gas", "capacity_mw"] == 7000.0


def test_from_pypsa_rejects_a_link_named_like_a_line():
    n = _network()
    n.add("Link", "AB", bus0="A", bus1="C", carrier="DC", p_nom=100.0)
    with pytest.raises(siting.DataError, match="both a line and a DC link"):
        siting.SitingData.from_pypsa(n)


def _flows(n: pypsa.Network) -> pd.Series:
    """PyPSA's flows after ``lpf``: lines (p0) and links (p0), by name."""
    n.lpf()
    return pd.concat([n.lines_t.p0.iloc[0], n.links_t.p0.iloc[0]])


def test_lpf_gives_the_dc_plan_flows(toy_hvdc_data):
    """PyPSA's linear power flow of the export equals the plan's flows on every line and link.

    No difference is expected: the export injects the supply used and the campus loads,
    and the model's AC flows are a DC power flow of them (Kirchhoff's voltage law).
    """
    res = siting.solve(toy_hvdc_data, siting.Scenario(target_mw=600, flow_model="dc", **EXACT))
    assert res.status == "optimal"
    n = res.to_pypsa(data=toy_hvdc_data)
    flow = res.lines.set_index("line_id")["flow_mw"]
    assert (flow.abs() > 1.0).sum() >= 3, "the check needs flows to compare"
    got = _flows(n)
    diff = (got[flow.index] - flow).abs()
    assert diff.max() < FLOW_TOL_MW, diff.to_dict()
    assert n.loads["p_set"].sum() == pytest.approx(res.total_mw)
    assert n.generators_t.p.iloc[0].sum() == pytest.approx(res.total_mw)  # the slack took no mismatch
    limit = n.lines["s_nom"] * n.lines["s_max_pu"]
    assert (got[n.lines.index].abs() <= limit + 1e-6).all()


def _post_outage_over(n: pypsa.Network) -> tuple[dict[str, float], set[str]]:
    """MW over ``s_nom x s_max_pu`` per outage (lines by lpf_contingency, DC links by lpf without them).

    Outages whose flows PyPSA cannot compute (they island part of the network) are returned apart.
    """
    limit = n.lines["s_nom"] * n.lines["s_max_pu"]
    p0 = n.lpf_contingency(list(n.snapshots[:1]), branch_outages=[("Line", k) for k in n.lines.index])
    over, islanding = {}, set()
    for (_, k), col in p0.drop(columns="base").items():
        post = col.droplevel("component")
        if not np.isfinite(post.drop(k)).all():
            islanding.add(k)
            continue
        over[k] = float((post.abs() - limit).drop(k).max())
    for k in n.links.index[n.links["active"]]:
        m = n.copy()
        m.links.loc[k, "p_set"] = 0.0  # its flow now goes over the AC lines
        over[k] = float((_flows(m)[m.lines.index].abs() - limit).max())
    return over, islanding


def test_n_minus_1_plan_passes_lpf_contingency(toy_hvdc_data):
    """After any single outage every line stays within the limit the model's N-1 rows use (residual).

    The plain DC plan shows the check can fail: losing L3 pushes L5 over its 30 MW residual.
    """
    sc = siting.Scenario(target_mw=600, flow_model="dc", **EXACT)
    plain = siting.solve(toy_hvdc_data, sc)
    over, _ = _post_outage_over(plain.to_pypsa(data=toy_hvdc_data))
    assert over["L3"] > 1.0
    secure = siting.solve(toy_hvdc_data, sc.replace(n_minus_1=True))
    assert secure.status == "optimal"
    over, islanding = _post_outage_over(secure.to_pypsa(data=toy_hvdc_data))
    assert max(over.values()) <= 1e-6, over
    ac = toy_hvdc_data.lines[toy_hvdc_data.lines["kind"] == "ac"]
    bridges = {frozenset(e) for e in nx.bridges(nx.Graph(list(zip(ac["from_id"], ac["to_id"], strict=True))))}
    radial = {r.line_id for r in ac.itertuples() if frozenset((r.from_id, r.to_id)) in bridges}
    assert islanding == radial == {"L1", "L4"}
    assert len(over) == secure.security["outages"] and len(islanding) == secure.security["islanding_outages"]


def test_round_trip_keeps_buses_lines_and_capacities(toy_hvdc_data):
    """from_pypsa(to_pypsa(...)) gives the same substations and lines; residual = s_nom x s_max_pu.

    A line's voltage becomes its from-bus's (PyPSA lines have none of their own).
    """
    res = siting.solve(toy_hvdc_data, siting.Scenario(target_mw=600, flow_model="dc", **EXACT))
    back = siting.SitingData.from_pypsa(
        res.to_pypsa(data=toy_hvdc_data), provinces=toy_hvdc_data.provinces, residual="s_max_pu"
    )
    cols = ["substation_id", "voltage_kv", "province"]
    pd.testing.assert_frame_equal(back.substations[cols], toy_hvdc_data.substations[cols], check_dtype=False)
    assert back.substations.geom_equals_exact(toy_hvdc_data.substations.geometry, 1e-9).all()
    old = toy_hvdc_data.lines.set_index("line_id")
    new = back.lines.set_index("line_id").loc[old.index]
    for col in ("from_id", "to_id", "kind", "circuits"):
        assert new[col].tolist() == old[col].tolist(), col
    for col in ("capacity_mw", "reactance", "length_km"):
        np.testing.assert_allclose(new[col], old[col], rtol=1e-9, err_msg=col)
    renewable = res.lines.set_index("line_id")["renewable_flow_mw"].abs().loc[old.index]
    np.testing.assert_allclose(new["residual_mw"], old["residual_mw"] - renewable, atol=1e-9)
    bus0_kv = old["from_id"].map(toy_hvdc_data.substations.set_index("substation_id")["voltage_kv"])
    assert new["voltage_kv"].tolist() == bus0_kv.tolist()


def test_to_pypsa_of_the_network_read_switches_todays_dispatch_off():
    n = _network()
    data = _read(n)
    res = siting.solve(data, siting.Scenario(target_mw=400, grid_spacing_km=10, **ONE_REGION_SCENARIO))
    m = res.to_pypsa(n)
    assert not m.generators.loc[["gas", "coal", "pv", "wind", "shed"], "active"].any()
    assert not m.loads.loc["today", "active"] and not m.links.loc["electrolyser", "active"]
    assert len(m.snapshots) == 1 and n.generators["active"].all()  # the input is not changed
    flow = res.lines.set_index("line_id")["flow_mw"]
    assert (flow.abs() > 1.0).any()
    assert (_flows(m)[flow.index] - flow).abs().max() < FLOW_TOL_MW
    back = siting.SitingData.from_pypsa(m, provinces=data.provinces, residual="s_max_pu")
    np.testing.assert_allclose(back.lines["capacity_mw"], data.lines["capacity_mw"])


def test_an_export_read_again_or_exported_again_holds_one_plan(toy_data):
    """Reading an export skips the plan's own generators; exporting an export replaces its plan."""
    res = siting.solve(
        toy_data, siting.Scenario(target_mw=300, flow_model="dc", min_host_provinces=1, **EXACT)
    )
    m = res.to_pypsa(data=toy_data)
    back = siting.SitingData.from_pypsa(m, provinces=toy_data.provinces)
    assert back.plants is None and len(m.generators) == (res.substations["supply_used_mw"] > 0).sum() > 0
    again = res.to_pypsa(m)
    assert sorted(again.generators.index) == sorted(m.generators.index)
    assert sorted(again.loads.index) == sorted(m.loads.index)
    flow = res.lines.set_index("line_id")["flow_mw"]
    assert (flow.abs() > 1.0).any()
    assert (_flows(again)[flow.index] - flow).abs().max() < FLOW_TOL_MW


def test_from_pypsa_skips_inactive_components():
    n = _network()
    n.lines.loc["BD", "active"] = False
    n.generators.loc["coal", "active"] = False
    data = _read(n)
    assert "BD" not in set(data.lines["line_id"]) and "coal" not in set(data.plants["plant_id"])


def test_to_pypsa_needs_a_plan_and_a_grid(toy_data, toy_infeasible):
    res = siting.solve(toy_data, siting.Scenario(target_mw=100, flow_model="dc", min_host_provinces=1))
    with pytest.raises(siting.UsageError, match="pass network= .* or data="):
        to_pypsa(res)
    with pytest.raises(siting.UsageError, match="no plan to export"):
        toy_infeasible.to_pypsa(data=toy_data)
    with pytest.raises(siting.UsageError, match=r"no buses \['s-cap'"):
        res.to_pypsa(_network())


def test_pypsa_is_imported_only_when_used():
    code = "import sys, siting, siting.pypsa_io, siting.pypsa_export\nprint('pypsa' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_missing_pypsa_says_how_to_install(monkeypatch, toy_data):
    res = siting.solve(toy_data, siting.Scenario(target_mw=100, flow_model="dc", min_host_provinces=1))
    monkeypatch.setitem(sys.modules, "pypsa", None)
    with pytest.raises(ImportError, match=r"pip install 'siting\[pypsa\]'"):
        res.to_pypsa(data=toy_data)
