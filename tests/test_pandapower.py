"""pandapower nets and MATPOWER cases as input: the mapping, the geodata error, a solve on a shipped net.

The nets ship inside pandapower (nothing is downloaded): ``mv_oberrhein``, a
20 kV grid in Baden (Germany) with lon/lat bus geodata, and ``case9``, written
to MATPOWER with pandapower's converter and read back with a coordinates
table this test writes.
"""

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.io
import shapely

import siting
from siting.pandapower_io import SGEN_TECHNOLOGIES
from siting.testing import assert_result_valid

with warnings.catch_warnings():  # pandapower warns that numba is not installed
    warnings.simplefilter("ignore")
    import pandapower as pp
    import pandapower.networks as pn
    from pandapower.converter.matpower import to_mpc


@pytest.fixture(scope="module")
def oberrhein():
    return pn.mv_oberrhein()


@pytest.fixture(scope="module")
def oberrhein_data(oberrhein):
    return siting.SitingData.from_pandapower(oberrhein)


def _open_lines(net):
    sw = net.switch
    return set(sw.loc[(sw.et == "l") & ~sw.closed, "element"])


def test_buses_become_substations_at_their_geodata(oberrhein, oberrhein_data):
    subs = oberrhein_data.substations.set_index("substation_id")
    assert sorted(subs.index) == sorted(str(i) for i in oberrhein.bus.index)
    for i in (0, 58, oberrhein.bus.index[-1]):
        lon, lat = json.loads(oberrhein.bus.at[i, "geo"])["coordinates"]
        assert subs.geometry[str(i)].equals_exact(shapely.Point(lon, lat), 1e-9)
        assert subs.at[str(i), "voltage_kv"] == oberrhein.bus.at[i, "vn_kv"]


def test_lines_are_rated_by_current_and_their_reactance_is_per_unit_on_100_mva(oberrhein, oberrhein_data):
    lines = oberrhein_data.lines.set_index("line_id")
    opened = _open_lines(oberrhein)
    assert opened, "the shipped net has open ring switches"
    assert {f"line_{i}" for i in opened}.isdisjoint(lines.index)
    assert len(lines) == len(oberrhein.line) - len(opened) + len(oberrhein.trafo)
    i = next(i for i in oberrhein.line.index if i not in opened and oberrhein.line.at[i, "length_km"] > 1)
    row, line = lines.loc[f"line_{i}"], oberrhein.line.loc[i]
    kv = oberrhein.bus.at[line.from_bus, "vn_kv"]
    assert row.capacity_mw == pytest.approx(math.sqrt(3) * kv * line.max_i_ka * line.parallel)
    assert row.reactance == pytest.approx(line.x_ohm_per_km * line.length_km / (kv**2 / 100))
    assert row.rating_source == "pandapower"
    # the route is the line's own geodata, not a straight segment
    route = shapely.from_geojson(line.geo)
    assert row.geometry.equals_exact(route, 1e-9) and len(route.coords) > 2


def test_transformers_are_lines_with_their_rating_and_short_circuit_reactance(oberrhein, oberrhein_data):
    lines = oberrhein_data.lines.set_index("line_id")
    for i, t in oberrhein.trafo.iterrows():
        row = lines.loc[f"trafo_{i}"]
        assert (row.from_id, row.to_id) == (str(t.hv_bus), str(t.lv_bus))
        assert row.capacity_mw == pytest.approx(t.sn_mva)
        assert row.reactance == pytest.approx(math.sqrt(t.vk_percent**2 - t.vkr_percent**2) / t.sn_mva)


def test_generators_become_plants_and_renewables(oberrhein, oberrhein_data):
    ren = oberrhein_data.renewables
    pv = oberrhein.sgen[oberrhein.sgen.type.str.lower().map(SGEN_TECHNOLOGIES).eq("solar")]
    assert len(pv) and len(ren) == len(pv)
    assert ren.capacity_mw.sum() == pytest.approx(pv.p_mw.sum())
    assert set(ren.technology) == {"solar"}
    assert ren.capacity_factor.eq(siting.costs.RENEWABLE_TECHNOLOGIES["solar"].capacity_factor).all()
    plants = oberrhein_data.plants.set_index("plant_id")
    assert sorted(plants.index) == [f"ext_grid_{i}" for i in oberrhein.ext_grid.index]
    assert set(plants.fuel) == {"external grid"}
    # an external grid without max_p_mw is rated by the branches at its bus: here its transformer
    for i, g in oberrhein.ext_grid.iterrows():
        at = oberrhein.trafo.loc[oberrhein.trafo.hv_bus.eq(g.bus), "sn_mva"].sum()
        assert plants.at[f"ext_grid_{i}", "capacity_mw"] == pytest.approx(at)


def test_one_region_holds_every_bus_or_the_given_boundaries_are_used(oberrhein, oberrhein_data):
    region = oberrhein_data.provinces
    assert list(region.code) == ["NET"] and region.name[0] == oberrhein.name
    assert oberrhein_data.substations.within(region.geometry[0]).all()
    lon = oberrhein_data.substations.geometry.x.mean()  # no bus on the border
    box = oberrhein_data.substations.total_bounds + np.array([-0.1, -0.1, 0.1, 0.1])
    halves = pd.DataFrame({"code": ["W", "E"], "name": ["west", "east"]}).assign(
        geometry=[shapely.box(box[0], box[1], lon, box[3]), shapely.box(lon, box[1], box[2], box[3])]
    )
    import geopandas as gpd

    data = siting.SitingData.from_pandapower(oberrhein, provinces=gpd.GeoDataFrame(halves, crs=4326))
    west = data.substations.geometry.x < lon
    assert data.substations.province.tolist() == np.where(west, "W", "E").tolist()
    assert set(data.substations.province) == {"W", "E"}


def test_buses_without_geodata_are_named_with_the_fix(oberrhein):
    net = pp.from_json_string(pp.to_json(oberrhein))
    net.bus.loc[[3, 7], "geo"] = None
    with pytest.raises(siting.DataError, match=r"net\.bus\.geo") as err:
        siting.SitingData.from_pandapower(net)
    assert "'3', '7'" in str(err.value) and "fix:" in str(err.value)
    net.bus["geo"] = None
    with pytest.raises(siting.DataError, match=r"179 of 179"):
        siting.SitingData.from_pandapower(net)


def test_older_bus_geodata_table_is_read(oberrhein, oberrhein_data):
    net = pp.from_json_string(pp.to_json(oberrhein))
    xy = [json.loads(g)["coordinates"] for g in net.bus.geo]
    net["bus_geodata"] = pd.DataFrame(xy, columns=["x", "y"], index=net.bus.index)
    net.bus = net.bus.drop(columns="geo")
    subs = siting.SitingData.from_pandapower(net).substations
    assert subs.geometry.geom_equals_exact(oberrhein_data.substations.geometry, 1e-9).all()
    net.bus_geodata = net.bus_geodata.drop(index=[5])
    with pytest.raises(siting.DataError, match=r"net\.bus_geodata.*'5'"):
        siting.SitingData.from_pandapower(net)


def test_three_winding_transformers_are_refused_by_name():
    net = pp.create_empty_network()
    b = [pp.create_bus(net, vn_kv=kv, geodata=(8.0 + i / 10, 48.0)) for i, kv in enumerate((110, 20, 10))]
    pp.create_transformer3w(net, b[0], b[1], b[2], std_type="63/25/38 MVA 110/20/10 kV")
    with pytest.raises(siting.DataError, match=r"net\.trafo3w.*\['0'\]"):
        siting.SitingData.from_pandapower(net)


def _small_net():
    """Four 110 kV buses and a 20 kV one, with a DC line, an open transformer and every generator kind."""
    net = pp.create_empty_network(name="small")
    b = [pp.create_bus(net, vn_kv=110, geodata=(8.0 + i / 10, 48.0)) for i in range(4)]
    mv = pp.create_bus(net, vn_kv=20, geodata=(8.0, 48.1))
    off = pp.create_bus(net, vn_kv=110, geodata=(9.0, 48.0), in_service=False)
    pp.create_line(net, b[0], b[1], length_km=8.0, std_type="243-AL1/39-ST1A 110.0", parallel=2)
    pp.create_line(net, b[1], b[2], length_km=8.0, std_type="243-AL1/39-ST1A 110.0")
    pp.create_line(net, b[2], off, length_km=8.0, std_type="243-AL1/39-ST1A 110.0")
    pp.create_dcline(
        net, b[2], b[3], p_mw=50, loss_percent=1, loss_mw=0.5, vm_from_pu=1, vm_to_pu=1, max_p_mw=300
    )
    t_open = pp.create_transformer(net, b[0], mv, std_type="25 MVA 110/20 kV")
    pp.create_switch(net, mv, t_open, et="t", closed=False)
    pp.create_gen(net, b[0], p_mw=100, max_p_mw=400, type="gas")
    pp.create_sgen(net, b[3], p_mw=30, type="WP")
    pp.create_sgen(net, b[1], p_mw=5, type="CHP")
    pp.create_ext_grid(net, b[2])
    return net


def test_a_hand_built_net_maps_every_element_kind():
    data = siting.SitingData.from_pandapower(_small_net(), capacity_factors={"onshore_wind": 0.31})
    lines = data.lines.set_index("line_id")
    assert sorted(lines.index) == ["dcline_0", "line_0", "line_1"]  # no open trafo, no line to the bus off
    assert lines.at["dcline_0", "kind"] == "hvdc" and lines.at["dcline_0", "capacity_mw"] == 300
    assert lines.at["line_0", "capacity_mw"] == pytest.approx(2 * lines.at["line_1", "capacity_mw"])
    assert lines.at["line_0", "reactance"] == pytest.approx(lines.at["line_1", "reactance"] / 2)
    assert "5" not in set(data.substations.substation_id)
    ren = data.renewables
    assert ren[["site_id", "technology", "capacity_mw", "capacity_factor"]].values.tolist() == [
        ["sgen_0", "onshore_wind", 30.0, 0.31]
    ]
    plants = data.plants.set_index("plant_id")
    assert plants.fuel.to_dict() == {"gen_0": "gas", "sgen_1": "CHP", "ext_grid_0": "external grid"}
    assert plants.at["gen_0", "capacity_mw"] == 400  # max_p_mw, not today's dispatch
    # the external grid's bus has the 110 kV line to bus 1 and the DC line: it is rated by its AC line
    assert plants.at["ext_grid_0", "capacity_mw"] == pytest.approx(lines.at["line_1", "capacity_mw"])


@pytest.fixture
def case9_mat(tmp_path):
    path = tmp_path / "case9.mat"
    to_mpc(pn.case9(), str(path), init="flat")
    return path


def _coordinates(n):
    """Made-up lon/lat for MATPOWER buses 1..n: a ring of 0.5° around 10° E, 50° N."""
    a = np.linspace(0, 2 * np.pi, n, endpoint=False)
    lon, lat = 10 + 0.5 * np.cos(a), 50 + 0.5 * np.sin(a)
    return pd.DataFrame({"bus": np.arange(1, n + 1), "lon": lon, "lat": lat})


def test_matpower_case_through_the_converter_with_a_coordinates_table(case9_mat, tmp_path):
    coords = _coordinates(9)
    coords.to_csv(tmp_path / "coords.csv", index=False)
    data = siting.SitingData.from_pandapower(case9_mat, coordinates=tmp_path / "coords.csv")
    subs = data.substations.set_index("substation_id")
    for b, lon, lat in coords.itertuples(index=False):  # pandapower bus b - 1 is MATPOWER bus b
        assert subs.geometry[str(b - 1)].equals_exact(shapely.Point(lon, lat), 1e-9)
    mpc = scipy.io.loadmat(case9_mat)["mpc"]
    branch, base_mva = mpc["branch"][0, 0], float(mpc["baseMVA"][0, 0].squeeze())
    lines = data.lines.assign(
        ends=lambda d: list(zip(d.from_id.astype(int) + 1, d.to_id.astype(int) + 1, strict=True))
    )
    lines = lines.set_index("ends")
    assert len(lines) == len(branch)
    for f, t, x, rate_a in branch[:, [0, 1, 3, 5]]:  # F_BUS, T_BUS, BR_X (p.u. on baseMVA), RATE_A (MVA)
        row = lines.loc[[(int(f), int(t))]].iloc[0]
        assert row.capacity_mw == pytest.approx(rate_a, rel=1e-6)
        assert row.reactance == pytest.approx(x * 100 / base_mva, rel=1e-6)
    gen = mpc["gen"][0, 0]
    assert data.plants.capacity_mw.sort_values().tolist() == pytest.approx(sorted(gen[:, 8]))  # PMAX


def test_matpower_coordinates_must_cover_every_bus_and_name_real_ones(case9_mat):
    with pytest.raises(siting.DataError, match="pass coordinates="):
        siting.SitingData.from_pandapower(case9_mat)
    with pytest.raises(siting.DataError, match=r"buses \['8'\]"):
        siting.SitingData.from_pandapower(case9_mat, coordinates=_coordinates(8))
    extra = pd.concat([_coordinates(9), pd.DataFrame({"bus": [42], "lon": [10.0], "lat": [50.0]})])
    with pytest.raises(siting.DataError, match=r"'bus': buses \['42'\]"):
        siting.SitingData.from_pandapower(case9_mat, coordinates=extra)


def test_a_small_plan_on_the_shipped_grid(oberrhein_data):
    """Two 1 MW campuses at 20 kV: costs and reach are illustrative (ASSUMPTION), the grid is pandapower's."""
    costs = siting.Costs(
        connection_fixed={20: 0.5}, connection_per_km={20: 0.1}, connection_circuit_mw={20: 12.5}
    )
    scenario = siting.Scenario(
        target_mw=2,
        tiers_mw=(1,),
        connection_kv={math.inf: 20},
        max_connection_km={20: 2.0},
        grid_spacing_km=4,
        min_host_provinces=1,
        province_share_cap=1.0,
        costs=costs,
        name="mv_oberrhein 2 MW",
    )
    res = siting.solve(oberrhein_data, scenario)
    assert res.status == "optimal"
    assert_result_valid(res, oberrhein_data)
    assert res.sites.capacity_mw.sum() >= 2
    mv = set(oberrhein_data.substations.loc[oberrhein_data.substations.voltage_kv.eq(20), "substation_id"])
    assert set(res.sites.substation_id) <= mv
