"""The bad-input battery: every reader, the scenario and the CLI reject bad input with a siting error
that names the problem and the fix.

Each case is (kind, id, a callable that must raise, words the message must hold). The fix is checked
too: every DataError problem carries "fix:", every ScenarioError names the field or the fix.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import siting
from siting.io import read_layer
from tests import toy


def _data(**changes):
    layers = toy.layers()
    layers.update(changes)
    return lambda: siting.SitingData(**layers)


def _subs(**cols):
    s = toy.substations()
    for k, v in cols.items():
        s[k] = v
    return s


def _ren(**cols):
    r = toy.renewables()
    for k, v in cols.items():
        r[k] = v
    return r


def _lines(**cols):
    ln = toy.lines()
    for k, v in cols.items():
        ln[k] = v
    return ln


def _sc(**kw):
    return lambda: siting.Scenario(**{"target_mw": 100, **kw})


# -- data layers (SitingData, the validators behind from_files) ----------------------------------
DATA_CASES = [
    ("missing_column", _data(substations=toy.substations().drop(columns="voltage_kv")), "missing column"),
    (
        "text_voltage",
        _data(substations=_subs(voltage_kv=["345", "high", 154, 154, 154, 345, 154])),
        "not a number",
    ),
    ("nan_voltage", _data(substations=_subs(voltage_kv=[345, np.nan, 154, 154, 154, 345, 154])), "s-west"),
    ("negative_headroom", _data(substations=_subs(headroom_mw=[0, -1, 100, 150, 100, 400, 100])), "s-west"),
    ("inf_capacity", _data(renewables=_ren(capacity_mw=[400.0, math.inf, 50.0])), "r-wind"),
    ("nan_capacity_factor", _data(renewables=_ren(capacity_factor=[0.15, np.nan, 0.2])), "r-wind"),
    ("capacity_factor_percent", _data(renewables=_ren(capacity_factor=[15.0, 0.25, 0.2])), "above 1"),
    ("unknown_technology", _data(renewables=_ren(technology=["solar", "fusion", "hydro"])), "fusion"),
    ("unknown_status", _data(renewables=_ren(status=["operating", "dreamt", "planned"])), "dreamt"),
    ("bad_bool", _data(provinces=toy.provinces().assign(capital_region=["yes", 0, 0, 0])), "true/false"),
    ("fractional_circuits", _data(lines=_lines(circuits=[2, 1.5, 1, 1, 1, 1, 1])), "whole number"),
    ("unknown_line_kind", _data(lines=_lines(kind=["ac", "dc?", "ac", "ac", "ac", "ac", "ac"])), "dc?"),
    (
        "line_loop",
        _data(lines=_lines(to_id=["s-cap", "s-west2", "s-mid", "s-mid2", "s-east", "s-east2", "s-east2"])),
        "from_id equals to_id",
    ),
    (
        "dangling_endpoint",
        _data(lines=_lines(to_id=["nowhere", "s-west2", "s-mid", "s-mid2", "s-east", "s-east2", "s-east2"])),
        "not substations",
    ),
    ("empty_id", _data(substations=_subs(substation_id=["s-cap", "", "a", "b", "c", "d", "e"])), "empty ids"),
    (
        "duplicate_mixed_id",
        _data(substations=_subs(substation_id=[1, "1", "a", "b", "c", "d", "e"])),
        "duplicate",
    ),
    ("no_crs", _data(substations=toy.substations().set_crs(None, allow_override=True)), "no CRS"),
    (
        "projected_as_degrees",
        _data(substations=toy.substations().to_crs(5179).set_crs(4326, allow_override=True)),
        "outside -180..180",
    ),
    (
        "wrong_geometry",
        _data(
            substations=toy.substations().assign(geometry=[shapely.LineString([(127, 36), (127.1, 36)])] * 7)
        ),
        "this layer takes",
    ),
    (
        "point_far_away",
        _data(
            substations=toy.substations().assign(
                geometry=list(toy.substations().geometry[:6]) + [shapely.Point(131.0, 36.3)]
            )
        ),
        "outside every province",
    ),
    ("unknown_province_code", _data(substations=_subs(province="Middle")), "unknown codes"),
    ("missing_layer", lambda: siting.SitingData(**{**toy.layers(), "lines": None}), "is missing"),
]


# -- readers: read_layer / from_files -------------------------------------------------------------
def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


def _reader_cases():
    return [
        ("file_not_found", lambda t: read_layer(t / "nope.geojson", name="substations"), "file not found"),
        (
            "unreadable",
            lambda t: read_layer(_write(t, "x.geojson", "{not json"), name="substations"),
            "cannot read",
        ),
        (
            "csv_bad_coordinates",
            lambda t: read_layer(
                _write(t, "s.csv", "substation_id,voltage_kv,lon,lat\na,154,127.0,east\n"), name="substations"
            ),
            "non-numeric coordinates",
        ),
        (
            "csv_missing_coordinates",
            lambda t: read_layer(
                _write(t, "s.csv", "substation_id,voltage_kv,lon,lat\na,154,,36\n"), name="substations"
            ),
            "missing or non-numeric",
        ),
        (
            "unknown_mapped_column",
            lambda t: read_layer(toy.substations(), name="substations", columns={"bus": "substation_id"}),
            "columns= names",
        ),
        (
            "from_files_unknown_layer",
            lambda t: siting.SitingData.from_files(
                provinces=toy.provinces(),
                substations=toy.substations(),
                lines=toy.lines(),
                renewables=toy.renewables(),
                columns={"busses": {"a": "b"}},
            ),
            "unknown layers",
        ),
        (
            "from_files_bad_csv_lines",
            lambda t: siting.SitingData.from_files(
                provinces=toy.provinces(),
                substations=toy.substations(),
                lines=_write(t, "l.csv", "line_id,from_id,to_id,voltage_kv\nL1,s-cap,s-west,lots\n"),
                renewables=toy.renewables(),
            ),
            "not a number",
        ),
        (
            "exclusion_without_crs",
            lambda t: siting.solve(
                siting.SitingData(**toy.layers()),
                siting.Scenario(target_mw=100, grid_spacing_km=10),
                exclusions=gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1)]),
            ),
            "needs polygons with a CRS",
        ),
        (
            "candidates_bad_geometry",
            lambda t: siting.solve(
                siting.SitingData(**toy.layers()),
                siting.Scenario(target_mw=100),
                candidates=gpd.GeoDataFrame(
                    geometry=[shapely.LineString([(127, 36), (127.1, 36)])], crs=4326
                ),
            ),
            "not point/polygon",
        ),
    ]


# -- OSM and GPPD readers -------------------------------------------------------------------------
def _ways(**cols):
    frame = {"voltage": ["345000"]}
    frame.update(cols)
    return gpd.GeoDataFrame(frame, geometry=[shapely.LineString([(127.0, 36.0), (127.1, 36.0)])], crs=4326)


OSM_CASES = [
    ("osm_no_voltage", lambda t: siting.read_osm_grid(_ways().drop(columns="voltage")), "column 'voltage'"),
    ("osm_all_below_min_kv", lambda t: siting.read_osm_grid(_ways(voltage=["22900"])), "no line is left"),
    (
        "osm_built_without_buses",
        lambda t: siting.read_osm_grid(pd.DataFrame({"bus0": [1], "bus1": [2], "voltage": [345]})),
        "no buses were given",
    ),
    (
        "osm_buses_missing_columns",
        lambda t: siting.read_osm_grid(
            pd.DataFrame({"bus0": [1], "bus1": [2], "voltage": [345]}),
            gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.Point(127, 36)], crs=4326),
        ),
        "missing columns",
    ),
    ("osm_missing_file", lambda t: siting.read_osm_grid(t / "none.geojson"), "file not found"),
]

GPPD = "country,name,gppd_idnr,capacity_mw,latitude,longitude,primary_fuel\n"
GPPD_CASES = [
    ("gppd_missing_file", lambda t: siting.read_gppd(t / "none.csv"), "file not found"),
    (
        "gppd_missing_column",
        lambda t: siting.read_gppd(_write(t, "g.csv", "country,name\nKOR,a\n")),
        "missing column",
    ),
    (
        "gppd_bad_capacity",
        lambda t: siting.read_gppd(_write(t, "g.csv", GPPD + "KOR,A,K1,lots,36.5,127.5,Coal\n")),
        "'capacity_mw'",
    ),
    (
        "gppd_latitude_range",
        lambda t: siting.read_gppd(_write(t, "g.csv", GPPD + "KOR,A,K1,100,95,127.5,Coal\n")),
        "'latitude'",
    ),
    (
        "gppd_unknown_fuel",
        lambda t: siting.read_gppd(_write(t, "g.csv", GPPD + "KOR,A,K1,100,36.5,127.5,Cogeneration\n")),
        "Cogeneration",
    ),
    (
        "gppd_no_rows_for_country",
        lambda t: siting.read_gppd(
            _write(t, "g.csv", GPPD + "KOR,A,K1,100,36.5,127.5,Coal\n"), country="USA"
        ),
        "USA",
    ),
]

# -- the scenario ---------------------------------------------------------------------------------
SCENARIO_CASES = [
    ("string_for_tuple", _sc(exclude_provinces="KR-26"), "must be a list or tuple"),
    ("string_tiers", _sc(tiers_mw="100"), "must be a list or tuple"),
    ("string_status", _sc(renewable_status="operating"), "must be a list or tuple"),
    ("unknown_keyword", _sc(target_mv=5), "did you mean 'target_mw'"),
    ("unknown_cost_keyword", lambda: siting.Costs(site_per_mwh=1.0), "did you mean 'site_per_mw'"),
    ("positional", lambda: siting.Scenario(100), "keyword arguments only"),
    ("nan_target", _sc(target_mw=float("nan")), "'target_mw'"),
    ("nan_buffer", _sc(exclude_buffer_km=float("nan")), "'exclude_buffer_km'"),
    ("nan_tier", _sc(tiers_mw=(50.0, float("nan"))), "'tiers_mw'"),
    ("nan_cost", lambda: siting.Costs(site_per_mw=float("nan")), "costs.site_per_mw"),
    ("bool_threads", _sc(threads=True), "'threads'"),
    ("negative_time_limit", _sc(time_limit_s=-1), "'time_limit_s'"),
    ("text_number", _sc(load_factor="0.8"), "'load_factor'"),
    ("mapping_as_number", _sc(max_connection_km=20), "must be a mapping"),
    ("unknown_status_value", _sc(renewable_status=("operating", "dreamt")), "'renewable_status'"),
    ("missing_kv_distance", _sc(max_connection_km={154: 20}), "needs a distance for 345 kV"),
    ("gpus_zero", lambda: siting.Scenario.from_gpus(0), "'gpus'"),
    (
        "unknown_province_at_solve",
        lambda: siting.solve(
            siting.SitingData(**toy.layers()), siting.Scenario(target_mw=100, exclude_provinces=("KR-99",))
        ),
        "unknown provinces",
    ),
]


def _toml(tmp_path, text):
    p = tmp_path / "s.toml"
    p.write_text(text)
    return p


TOML_CASES = [
    (
        "toml_syntax",
        lambda t: siting.Scenario.from_toml(_toml(t, "target_mw = = 1\n")),
        "cannot read scenario file",
    ),
    (
        "toml_unknown_field",
        lambda t: siting.Scenario.from_toml(_toml(t, "target_mw = 1\ntarget_gw = 1\n")),
        "did you mean 'target_mw'",
    ),
    (
        "toml_unknown_cost",
        lambda t: siting.Scenario.from_toml(_toml(t, "target_mw = 1\n[costs]\nsite = 1\n")),
        "[costs]",
    ),
    (
        "toml_string_for_list",
        lambda t: siting.Scenario.from_toml(_toml(t, 'target_mw = 1\nexclude_provinces = "KR-26"\n')),
        "must be a list or tuple",
    ),
    ("toml_missing_file", lambda t: siting.Scenario.from_toml(t / "none.toml"), "cannot read scenario file"),
]


def _ids(cases):
    return [c[0] for c in cases]


@pytest.mark.parametrize("name, make, words", DATA_CASES, ids=_ids(DATA_CASES))
def test_data(name, make, words):
    with pytest.raises(siting.DataError) as exc:
        make()
    assert words in str(exc.value)
    assert all("fix" in p for p in exc.value.problems), exc.value.problems


@pytest.mark.parametrize(
    "name, make, words",
    _reader_cases() + OSM_CASES + GPPD_CASES,
    ids=_ids(_reader_cases() + OSM_CASES + GPPD_CASES),
)
def test_readers(tmp_path, name, make, words):
    with pytest.raises(siting.DataError) as exc:
        make(tmp_path)
    assert words in str(exc.value)
    assert all("fix" in p or "KOR" in p for p in exc.value.problems), exc.value.problems


@pytest.mark.parametrize("name, make, words", SCENARIO_CASES, ids=_ids(SCENARIO_CASES))
def test_scenario(name, make, words):
    with pytest.raises(siting.ScenarioError) as exc:
        make()
    assert words in str(exc.value)


@pytest.mark.parametrize("name, make, words", TOML_CASES, ids=_ids(TOML_CASES))
def test_scenario_files(tmp_path, name, make, words):
    with pytest.raises(siting.ScenarioError) as exc:
        make(tmp_path)
    assert words in str(exc.value)


# -- the CLI: 0 plan, 1 no plan, 2 usage or input error --------------------------------------------
def test_cli_usage_errors_exit_2(tmp_path, capsys):
    from siting.cli import EXIT_USAGE, main

    with pytest.raises(SystemExit) as exc:  # argparse: unknown solver
        main(["run", "x.toml", "--solver", "gurobi"])
    assert exc.value.code == EXIT_USAGE == 2
    assert main(["run", str(tmp_path / "none.toml"), "--out", str(tmp_path)]) == EXIT_USAGE
    assert "cannot read scenario file" in capsys.readouterr().err
    bad = _toml(tmp_path, 'target_mw = 100\nexclude_provinces = "KR-26"\n')
    assert main(["run", str(bad), "--out", str(tmp_path)]) == EXIT_USAGE
    assert "must be a list or tuple" in capsys.readouterr().err


def test_cli_infeasible_exits_1(tmp_path, capsys):
    from siting.cli import EXIT_NO_PLAN, main

    sc = _toml(tmp_path, "target_mw = 10000000\ngrid_spacing_km = 50\n")
    assert main(["run", str(sc), "--out", str(tmp_path / "out")]) == EXIT_NO_PLAN == 1
    assert "infeasible" in capsys.readouterr().out


def test_battery_size():
    n = len(DATA_CASES) + len(_reader_cases()) + len(OSM_CASES) + len(GPPD_CASES) + len(SCENARIO_CASES)
    n += len(TOML_CASES) + 2  # and the CLI tests' cases
    assert n >= 40
