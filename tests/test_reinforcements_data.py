"""The candidate-reinforcements layer: reading, validation and the projects table (issue 23).

Toy layers come from ``tests/toy.py`` (seven substations, seven lines near
36 N, 127 E); every expected number is computed here from the toy's own
tables (line capacities, substation points), never copied from a run.
"""

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import siting
from siting.reinforcements import PROJECT_COLUMNS, projects
from siting.settings import GEOGRAPHIC_CRS

from . import toy

COLUMNS = list(PROJECT_COLUMNS)


def _cands(*rows: dict) -> pd.DataFrame:
    """A reinforcements frame: each row a dict; name and source filled in."""
    return pd.DataFrame([{"name": f"project {r['project_id']}", "source": "test", **r} for r in rows])


HVDC = dict(
    project_id="H", kind="hvdc", from_id="s-east", to_id="s-west", capacity_mw=500.0, cost_krw_bn=900.0
)
AC = dict(
    project_id="A",
    kind="ac_line",
    from_id="s-mid",
    to_id="s-west2",
    voltage_kv=154,
    capacity_mw=400.0,
    cost_krw_bn=50.0,
)
UP = dict(project_id="U", kind="uprate", line_id="L3", uprate_factor=1.5, cost_per_km_krw_bn=0.2)
GEN = dict(
    project_id="G", kind="uprate", voltage_kv=154, uprate_factor=2.0, cost_per_km_krw_bn=0.1, max_units=1
)
SUB = dict(
    project_id="S",
    kind="substation",
    substation_id="s-mid",
    capacity_mw=200.0,
    cost_krw_bn=30.0,
    max_units=3,
    earliest_year=2030,
)


def _data(reinforcements: pd.DataFrame | None) -> siting.SitingData:
    return siting.SitingData(**toy.layers(), reinforcements=reinforcements)


def test_no_layer_gives_empty_projects_with_the_columns():
    data = _data(None)
    assert data.reinforcements is None
    p = projects(data)
    assert list(p.columns) == COLUMNS and p.empty


def test_projects_table_columns_and_kinds():
    data = _data(_cands(HVDC, AC, UP, SUB))
    p = projects(data).set_index("project_id")
    assert list(projects(data).columns) == COLUMNS
    assert list(p.index) == ["H", "A", "U", "S"]  # the layer's order
    lines = data.lines.set_index("line_id")
    # uprate of one line: its ends, length, reactance; adds (k - 1) x rating at cost per km x length
    u = p.loc["U"]
    assert (u.from_id, u.to_id, u.line_id) == (*lines.loc["L3", ["from_id", "to_id"]], "L3")
    assert u.added_mw == pytest.approx(0.5 * lines.loc["L3", "capacity_mw"])
    assert u.length_km == pytest.approx(lines.loc["L3", "length_km"])
    assert u.cost_krw_bn == pytest.approx(0.2 * lines.loc["L3", "length_km"])
    assert u.reactance == pytest.approx(lines.loc["L3", "reactance"])
    # substation: headroom at one substation, no ends or length
    s = p.loc["S"]
    assert (s.substation_id, s.added_mw, s.cost_krw_bn, s.max_units, s.earliest_year) == (
        "s-mid",
        200,
        30,
        3,
        2030,
    )
    assert s.from_id is None and np.isnan(s.length_km)
    # HVDC: no reactance; defaults
    h = p.loc["H"]
    assert (h.added_mw, h.cost_krw_bn, h.max_units) == (500.0, 900.0, 1)
    assert np.isnan(h.reactance) and pd.isna(h.earliest_year) and h.line_id is None


def test_generic_uprate_expands_to_every_ac_line_of_its_voltage():
    data = _data(_cands(GEN))
    p = projects(data)
    lines = data.lines
    want = lines[(lines.kind == "ac") & (lines.voltage_kv == 154)].set_index("line_id")
    assert len(want) >= 2
    assert sorted(p.project_id) == sorted(f"G:{lid}" for lid in want.index)
    got = p.set_index("line_id")
    for lid, line in want.iterrows():
        assert got.loc[lid, "added_mw"] == pytest.approx((2.0 - 1.0) * line.capacity_mw)
        assert got.loc[lid, "cost_krw_bn"] == pytest.approx(0.1 * line.length_km)
        assert (got.loc[lid, "from_id"], got.loc[lid, "to_id"]) == (line.from_id, line.to_id)


def _metric_km(geom: shapely.Geometry, crs: str) -> float:
    return float(gpd.GeoSeries([geom], crs=GEOGRAPHIC_CRS).to_crs(crs).length.iloc[0] / 1000.0)


def test_length_from_route_else_straight_line():
    subs = toy.substations().set_index("substation_id").geometry
    a, b = subs["s-east"], subs["s-west"]
    detour = shapely.LineString([a, (127.2, 36.6), b])
    cands = _cands(HVDC, {**HVDC, "project_id": "H2"})
    layer = gpd.GeoDataFrame(cands, geometry=[None, detour], crs=GEOGRAPHIC_CRS)
    data = _data(layer)
    p = projects(data).set_index("project_id")
    straight = _metric_km(shapely.LineString([a, b]), data.metric_crs)
    routed = _metric_km(detour, data.metric_crs)
    assert p.loc["H", "length_km"] == pytest.approx(straight, rel=1e-9)
    assert p.loc["H2", "length_km"] == pytest.approx(routed, rel=1e-9)
    assert routed > straight * 1.05  # the route is measurably longer than the straight line


def test_ac_line_reactance_from_the_lines_rule_or_given():
    # the same rule as the lines layer: a 154 kV toy line between the same two substations
    lines = toy.lines()
    extra = pd.DataFrame(
        [dict(line_id="LX", from_id="s-mid", to_id="s-west2", voltage_kv=154, circuits=1, residual_mw=1.0)]
    )
    layers = {**toy.layers(), "lines": pd.concat([lines, extra], ignore_index=True)}
    cands = _cands(AC, {**AC, "project_id": "A2", "reactance": 0.123})
    data = siting.SitingData(**layers, reinforcements=cands)
    p = projects(data).set_index("project_id")
    lx = data.lines.set_index("line_id").loc["LX"]
    assert p.loc["A", "length_km"] == pytest.approx(lx.length_km)
    assert p.loc["A", "reactance"] == pytest.approx(lx.reactance)
    assert p.loc["A2", "reactance"] == 0.123


@pytest.mark.parametrize("suffix", [".csv", ".geojson"])
def test_read_from_files(tmp_path: Path, suffix: str):
    cands = _cands(HVDC, UP, SUB)
    path = tmp_path / f"reinforcements{suffix}"
    if suffix == ".csv":
        cands.to_csv(path, index=False)
    else:
        subs = toy.substations().set_index("substation_id").geometry
        route = shapely.LineString([subs["s-east"], (127.2, 36.6), subs["s-west"]])
        gpd.GeoDataFrame(cands, geometry=[route, None, None], crs=GEOGRAPHIC_CRS).to_file(path)
    layers = toy.layers()
    data = siting.SitingData.from_files(**layers, reinforcements=path)
    assert list(data.reinforcements.project_id) == ["H", "U", "S"]
    assert data.reinforcements.crs.to_string() == GEOGRAPHIC_CRS
    assert data.reinforcements.geometry.notna().tolist() == [suffix == ".geojson", False, False]
    assert "reinforcements=3" in repr(data)
    # found by name in a data folder too
    for name, frame in layers.items():
        if isinstance(frame, gpd.GeoDataFrame):
            frame.to_file(tmp_path / f"{name}.geojson")
        else:
            frame.to_csv(tmp_path / f"{name}.csv", index=False)
    folder = siting.SitingData.from_folder(tmp_path)
    assert list(folder.reinforcements.project_id) == ["H", "U", "S"]
    assert folder.replace(reinforcements=None).reinforcements is None
