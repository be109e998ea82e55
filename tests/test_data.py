"""Invariants of the bundled Korean data (built by scripts/build_korea.py from OSM, KOSTAT and GPPD)."""

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely

import siting
from siting.assumptions import default_assumptions
from siting.datasets import KOREA_HELD_BACK_MW, bundled_path
from siting.testing import KPX_RENEWABLES_MW

CAPITAL = {"KR-11", "KR-28", "KR-41"}
KPX_GROUP = {"solar": "solar", "onshore_wind": "wind", "offshore_wind": "wind", "hydro": "hydro"}
RENEWABLE_COLUMNS = ["renewable_surplus_mw", "solar_max_mw", "onshore_wind_max_mw", "offshore_wind_max_mw"]
RENEWABLE_INPUT = Path(__file__).parent.parent / "scripts" / "inputs" / "korea_renewable_provinces.csv"
JEJU, HONAM, YEONGNAM = "KR-49", {"KR-45", "KR-46"}, {"KR-47", "KR-48"}


def test_layer_sizes(korea):
    assert len(korea.provinces) == 17
    assert len(korea.substations) >= 1000
    assert len(korea.lines) >= 1300
    # every plant of GPPD v1.3 for Korea: 132 plants, 99.47 GW (shared/realdata/README.md)
    assert len(korea.plants) == 132
    assert korea.plants.capacity_mw.sum() == pytest.approx(99_473, abs=1)
    assert set(korea.substations.voltage_kv) >= {154.0, 345.0, 765.0}


def test_bounding_box_and_crs(korea):
    for name, layer in korea.layers().items():
        assert layer.crs.to_epsg() == 4326, name
        if name == "reinforcements":  # no routes given: straight lines between bundled substations
            assert layer.geometry.isna().all()
            continue
        x0, y0, x1, y1 = layer.total_bounds
        assert 124.0 <= x0 and x1 <= 132.0 and 33.0 <= y0 and y1 <= 38.9, name


def test_ids_unique(korea):
    for name, col in [
        ("substations", "substation_id"),
        ("lines", "line_id"),
        ("renewables", "site_id"),
        ("plants", "plant_id"),
        ("provinces", "code"),
    ]:
        assert getattr(korea, name)[col].is_unique, name


def test_every_line_end_is_a_bus_on_its_route(korea):
    subs = korea.substations.set_index("substation_id").to_crs(5179).geometry
    lines = korea.lines.to_crs(5179)
    assert set(lines.from_id) | set(lines.to_id) <= set(subs.index)
    # the route starts and ends near its buses (stand-in buses sit at the mean of merged line ends)
    start = shapely.distance(shapely.get_point(lines.geometry.values, 0), subs.loc[lines.from_id].values)
    end = shapely.distance(shapely.get_point(lines.geometry.values, -1), subs.loc[lines.to_id].values)
    assert np.percentile(np.maximum(start, end), 95) < 1000
    assert np.maximum(start, end).max() < 6000


def test_lines_follow_real_routes(korea):
    lines = korea.lines.to_crs(5179)
    assert (shapely.get_num_coordinates(lines.geometry.values) > 2).mean() > 0.8
    straight = shapely.distance(
        shapely.get_point(lines.geometry.values, 0), shapely.get_point(lines.geometry.values, -1)
    )
    assert (lines.length.to_numpy() >= straight - 1e-6).all()
    assert lines.length.sum() > 1.02 * straight.sum()  # routes bend


def test_km_by_voltage_within_3_percent_of_the_osm_routes(korea):
    """length_km (from the bundled, simplified geometry) against the full-detail OSM route.

    Only the lines kept are compared.
    """
    km = korea.lines.groupby("voltage_kv")[["length_km", "route_km"]].sum()
    assert len(km) >= 3
    assert ((km.length_km / km.route_km - 1).abs() < 0.03).all(), km
    # the OSM extract's totals (shared/realdata/README.md): 154 kV 9,323 km, 345 kV 4,621 km, 765 kV 555 km
    for kv, osm_km in ((154.0, 9323), (345.0, 4621), (765.0, 555)):
        assert 0.93 < km.length_km[kv] / osm_km < 1.03, (kv, km.length_km[kv])


def test_main_ac_component_and_jeju_by_hvdc_only(korea):
    G = siting.grid.build_grid(korea)
    assert nx.is_connected(nx.Graph(G))
    ac = nx.Graph()
    ac.add_nodes_from(G.nodes)
    ac.add_edges_from((u, v) for u, v, d in G.edges(data=True) if d["kind"] == "ac")
    parts = sorted(nx.connected_components(ac), key=len, reverse=True)
    assert len(parts[0]) >= 0.95 * G.number_of_nodes()
    jeju = set(korea.substations.loc[korea.substations.province == "KR-49", "substation_id"])
    assert jeju and not jeju & parts[0]
    hvdc = [(u, v) for u, v, d in G.edges(data=True) if d["kind"] == "hvdc"]
    assert len(hvdc) >= 2
    assert all((u in jeju) != (v in jeju) for u, v in hvdc)


def test_roles_and_headroom(korea):
    subs = korea.substations
    assert set(subs.role) <= {"substation", "transformer", "tee", "switching", "line_end", "junction"}
    assert not subs.loc[subs.role.isin(["tee", "junction"]), "takes_load"].any()
    assert (subs.loc[~subs.takes_load, "headroom_mw"] == 0).all()
    assert (subs.loc[subs.province.isin(CAPITAL), "headroom_mw"] == 0).all()
    outside = subs[~subs.province.isin(CAPITAL) & subs.takes_load & (subs.voltage_kv == 345)]
    assert len(outside) > 50 and (outside.headroom_mw > 0).all()


def test_every_non_capital_province_has_load_buses(korea):
    subs = korea.substations
    for code in sorted(set(korea.provinces.code) - CAPITAL):
        assert (subs[subs.province == code].headroom_mw > 0).sum() >= 3, code


def test_capital_region_flags(korea):
    assert set(korea.provinces.loc[korea.provinces.capital_region, "code"]) == CAPITAL


def test_corridors_cross_their_boundary(korea):
    """Tagged corridors are the lines that leave the capital region or a coastal generation area."""
    lines, subs = korea.lines, korea.substations.set_index("substation_id")
    inflow = lines[lines.corridor == "capital_inflow"]
    assert len(inflow) > 5
    assert (
        inflow.from_id.map(subs.province).isin(CAPITAL) != inflow.to_id.map(subs.province).isin(CAPITAL)
    ).all()
    assert (lines.corridor == "east_coast_export").sum() > 3 and (
        lines.corridor == "west_coast_export"
    ).sum() > 3
    assert (lines.loc[lines.corridor != "", "residual_mw"] == 0).all()


def test_renewable_totals_follow_kpx_table(korea):
    """Operating capacity per province and group equals KPX/EPSIS Sept 2025 (KOREA_FACTS), to the MW."""
    ren = korea.renewables[korea.renewables.status == "operating"]
    got = ren.groupby([ren.province, ren.technology.map(KPX_GROUP)])["capacity_mw"].sum()
    for code, groups in KPX_RENEWABLES_MW.items():
        for group, want in groups.items():
            assert got.get((code, group), 0.0) == pytest.approx(want, abs=1e-3), (code, group)


def test_real_sites_are_placed(korea):
    ren = korea.renewables
    placed = ren[~ren["aggregate"].astype(str).str.lower().eq("true")]
    assert len(placed) >= 60
    assert placed.source.str.contains("GPPD|gppd").any() and placed.source.str.contains("OSM|osm").any()


def test_held_back_supply_spread_over_the_export_regions(korea):
    p = korea.plants
    for region, mw in KOREA_HELD_BACK_MW.items():
        here = p[p.export_region == region]
        assert here.supply_mw.sum() == pytest.approx(mw, rel=1e-6)
        assert np.allclose(here.supply_mw / here.capacity_mw, mw / here.capacity_mw.sum(), rtol=1e-4)
    renewable = p.technology.isin(
        ["solar", "onshore_wind", "offshore_wind", "hydro", "pumped_storage", "tidal"]
    )
    assert (p.loc[renewable, "supply_mw"] == 0).all()


def test_capacities_and_factors_sane(korea):
    assert korea.renewables.capacity_factor.between(0, 0.6).all()
    assert (korea.lines.capacity_mw > 0).all()
    assert (korea.lines.residual_mw <= korea.lines.capacity_mw).all()
    assert korea.lines.loc[korea.lines.kind == "hvdc", "capacity_mw"].notna().all()


def test_data_readme_documents_every_layer_and_licence():
    text = bundled_path("README").read_text(encoding="utf-8")
    for f in ("provinces.geojson", "substations.csv", "lines.geojson", "renewables.csv", "plants.csv"):
        assert f"## {f}" in text
    for word in ("ASSUMPTION", "ODbL", "KOGL", "CC BY 4.0", "scripts/build_korea.py"):
        assert word in text, word


def test_data_folder_small():
    folder = Path(bundled_path("provinces")).parent
    assert sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) < 3 * 1024 * 1024


def test_readme_lists_every_assumption_with_its_value(korea):
    """data/geo/README.md states each assumption in force, its value and range (issue 19, item 5)."""
    from pathlib import Path

    text = bundled_path("README").read_text(encoding="utf-8")
    sc = siting.Scenario.from_toml(Path(__file__).parent.parent / "scenarios" / "korea_default.toml")
    for a in siting.default_assumptions(korea, sc):
        row = next((line for line in text.splitlines() if line.startswith(f"| `{a.name}` |")), None)
        assert row is not None, a.name
        cells = [c.strip() for c in row.split("|")]
        assert cells[3] == f"{a.value:,.4g}" and cells[4] == f"{a.low:,.4g} – {a.high:,.4g}", row


# --- renewables for new load: the stated surplus and the new-build potentials --------------------


def test_provinces_carry_the_renewables_for_new_load(korea):
    """Every province states its surplus and potentials, as numbers >= 0 (none left empty: no limit)."""
    p = korea.provinces.set_index("code")
    for col in RENEWABLE_COLUMNS:
        assert col in p.columns, col
        assert p[col].notna().all() and (p[col] >= 0).all(), col
    # data/geo/README.md: the surplus is curtailed energy, tens of MW, within its stated ranges
    mainland = p.loc[p.index != JEJU, "renewable_surplus_mw"].sum()
    assert 1.5 <= mainland <= 30 and 0 <= p.at[JEJU, "renewable_surplus_mw"] <= 3.3
    assert 1.5 <= p["renewable_surplus_mw"].sum() <= 33.3
    honam = p.loc[sorted(HONAM), "renewable_surplus_mw"].sum()
    assert set(p.index[p["renewable_surplus_mw"] > 0]) <= HONAM | YEONGNAM | {JEJU}
    assert honam == pytest.approx(2 / 3 * mainland, abs=0.1)  # ASSUMPTION: two thirds in Honam
    # national limits: 11th plan solar 2038 less installed, onshore 2035 less built, offshore 2038
    assert p["solar_max_mw"].sum() <= 77_200 - 29_700
    assert p["onshore_wind_max_mw"].sum() <= 12_000 - 2_000
    assert p["offshore_wind_max_mw"].sum() <= 40_700
    # Jeju's substations are closed to new generation until ~2031; offshore is planned there
    assert p.at[JEJU, "solar_max_mw"] == 0 and p.at[JEJU, "onshore_wind_max_mw"] == 0
    assert p.at[JEJU, "offshore_wind_max_mw"] > 0
    # the capital region may host plants for a PPA (the exclusion is for campuses)
    assert (p.loc[sorted(CAPITAL), "solar_max_mw"] > 0).all()


def test_renewable_columns_come_from_the_sourced_input_table(korea):
    """The bundled layer holds what scripts/inputs/korea_renewable_provinces.csv says, each with a source."""
    table = pd.read_csv(RENEWABLE_INPUT, dtype={"code": str}, keep_default_na=False).set_index("code")
    assert set(table.index) == set(korea.provinces["code"])
    p = korea.provinces.set_index("code").loc[table.index]
    for col in RENEWABLE_COLUMNS:
        np.testing.assert_allclose(p[col].to_numpy(), table[col].astype(float).to_numpy(), err_msg=col)
        sources = table[col.removesuffix("_mw") + "_source"].str.strip()
        assert sources.ne("").all(), col
        # a figure is either cited (a year of publication) or marked an ASSUMPTION
        assert (sources.str.contains(r"20[0-9]{2}") | sources.str.startswith("ASSUMPTION")).all(), col


def _renewable_assumptions(korea):
    sc = siting.Scenario(target_mw=1000)
    return sc, {a.name: a for a in default_assumptions(korea, sc)}


def test_surplus_and_potential_assumptions_move_only_what_they_name(korea):
    sc, a = _renewable_assumptions(korea)
    base = korea.provinces.set_index("code")
    jeju = base.index == JEJU
    data, same = a["surplus_mainland"].apply(korea, sc, 30.0)
    got = data.provinces.set_index("code")["renewable_surplus_mw"]
    assert (
        same == sc
        and got[~jeju].sum() == pytest.approx(30.0)
        and got[JEJU] == base.at[JEJU, "renewable_surplus_mw"]
    )
    data, _ = a["surplus_jeju"].apply(korea, sc, 3.3)
    got = data.provinces.set_index("code")["renewable_surplus_mw"]
    assert got[JEJU] == 3.3 and got[~jeju].equals(base.loc[~jeju, "renewable_surplus_mw"])
    data, _ = a["potential_solar"].apply(korea, sc, 0.5)
    got = data.provinces.set_index("code")
    np.testing.assert_allclose(got["solar_max_mw"], base["solar_max_mw"] * 0.5)
    assert got["offshore_wind_max_mw"].equals(base["offshore_wind_max_mw"])


def test_new_build_assumptions_change_the_scenarios_technologies(korea):
    sc, a = _renewable_assumptions(korea)
    techs = sc.costs.renewable_technologies
    data, out = a["capex_solar"].apply(korea, sc, 1.8)
    assert data is korea and out.costs.renewable_technologies["solar"].capex_per_mw == 1.8
    assert out.costs.renewable_technologies["offshore_wind"] == techs["offshore_wind"]
    _, out = a["capacity_factor_offshore_wind"].apply(korea, sc, 0.27)
    assert out.costs.renewable_technologies["offshore_wind"].capacity_factor == 0.27
    _, out = a["discount_rate"].apply(korea, sc, 0.07)
    assert out.costs.discount_rate == 0.07 and out.costs.renewable_cost_per_mw(
        "solar"
    ) < sc.costs.renewable_cost_per_mw("solar")
    # the peak credit moves existing sites and new build alike
    _, out = a["peak_credit_solar"].apply(korea, sc, 0.1)
    assert out.costs.renewable_technologies["solar"].peak_credit == pytest.approx(0.1)
    assert "capacity_factor_scale" not in a  # the existing fleet's energy feeds no credit any more


def test_renewable_assumptions_only_where_renewables_count(korea):
    none = siting.Scenario(
        target_mw=1000, renewable_share=0, costs=siting.Costs(renewable_incentive_per_mw=0)
    )
    names = {a.name for a in default_assumptions(korea, none)}
    assert not names & {"surplus_mainland", "surplus_jeju", "capex_solar", "discount_rate", "potential_solar"}
    solar_only = siting.Scenario(target_mw=1000, renewable_build=("solar",))
    names = {a.name for a in default_assumptions(korea, solar_only)}
    assert {"capex_solar", "potential_solar"} <= names and not names & {
        "capex_offshore_wind",
        "potential_offshore_wind",
    }
