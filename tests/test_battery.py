"""The bad-input battery: every reader, the scenario and the CLI reject bad input with a siting error
that names the problem and the fix.

Each case is (kind, id, a callable that must raise, words the message must hold). The fix is checked
too: every DataError problem carries "fix:", every ScenarioError names the field or the fix.
"""

from __future__ import annotations

import functools
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


def _layer(make, **cols):
    """A toy layer with the given columns set."""
    frame = make()
    for k, v in cols.items():
        frame[k] = v
    return frame


_subs = functools.partial(_layer, toy.substations)
_ren = functools.partial(_layer, toy.renewables)
_lines = functools.partial(_layer, toy.lines)


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
    # a gap among given values is an error naming the row, not the default rule
    (
        "gap_headroom",
        _data(substations=_subs(headroom_mw=[0, np.nan, 100, 150, 100, 400, 100])),
        "empty in ['s-west']",
    ),
    (
        "gap_residual",
        _data(lines=_lines(residual_mw=[0.0, 200, np.nan, 100, 300, 150, 80])),
        "empty in ['L3']",
    ),
    (
        "gap_supply",
        _data(plants=toy.plants().assign(supply_mw=[500.0, np.nan, 400.0])),
        "empty in ['p-west']",
    ),
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
    ("capital_switch_text", _sc(exclude_capital_region="no"), "'exclude_capital_region'"),
    ("costs_not_costs", _sc(costs={"site_per_mw": 0.7}), "must be a siting.Costs"),
    ("text_voltage_key", _sc(connection_kv={"big": 154}), "'connection_kv' = {'big': 154}"),
    ("text_distance", _sc(max_connection_km={154: "far", 345: 40}), "'max_connection_km'"),
    ("text_cost", lambda: siting.Costs(connection_fixed={154: "x", 345: 60}), "'costs.connection_fixed'"),
    (
        "misspelt_province_name",
        lambda: siting.solve(
            siting.SitingData(**toy.layers()), siting.Scenario(target_mw=100, exclude_provinces=("Wets",))
        ),
        "did you mean 'West'",
    ),
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
    (
        "toml_number_for_table",
        lambda t: siting.Scenario.from_toml(_toml(t, "target_mw = 1\nconnection_kv = 5\n")),
        "must be a mapping",
    ),
    ("toml_missing_file", lambda t: siting.Scenario.from_toml(t / "none.toml"), "cannot read scenario file"),
]


# -- calls whose arguments do not fit (issue 18: SitingErrors, not plain ValueError/TypeError/KeyError) --
def _build_model(sc, **kw):
    """Build a model of the toy data, as a family author or the diagnosis does."""
    from siting.candidates import build_candidates
    from siting.model import SitingModel
    from siting.options import build_options

    data = siting.SitingData(**toy.layers())
    cand = build_candidates(data, sc)
    return SitingModel.build(data, sc, cand, build_options(data, sc, cand), **kw)


def _family_on_sites():
    from siting.families import DEFAULT_FAMILIES, Family

    class AtLeastTwoSites(Family):
        name = "at_least_two_sites"

        def add(self, m):
            m.prob += sum(m.x) >= 2, "two_sites"

    sc = siting.Scenario(target_mw=450, tiers_mw=(50, 100), min_host_provinces=2, grid_spacing_km=3)
    _build_model(sc, families=[*DEFAULT_FAMILIES, AtLeastTwoSites], lazy=True)


def _stream_with_spacing():
    from siting.options import stream_options

    stream_options(siting.SitingData(**toy.layers()), siting.Scenario(target_mw=100, min_spacing_km=5))


def _with_prepared_for_other_data(run):
    run(
        siting.SitingData(**toy.layers()),
        [siting.Scenario(target_mw=100)],
        siting.prepare(siting.SitingData(**toy.layers())),
    )


def _solve_prepared_and_exclusions():
    data = siting.SitingData(**toy.layers())
    no_go = gpd.GeoDataFrame(geometry=[], crs=4326)
    siting.solve(data, siting.Scenario(target_mw=100), prepared=siting.prepare(data), exclusions=no_go)


def _sweep_result(names, errors):
    return siting.SweepResult(table=pd.DataFrame({"name": names, "error": errors}), results={})


USAGE_CASES = [
    (
        "solve_prepared_for_other_data",
        lambda: _with_prepared_for_other_data(lambda d, scs, p: siting.solve(d, scs[0], prepared=p)),
        "prepared= was made for other data",
    ),
    ("solve_prepared_and_exclusions", _solve_prepared_and_exclusions, "do not go with prepared="),
    (
        "sweep_prepared_for_other_data",
        lambda: _with_prepared_for_other_data(lambda d, scs, p: siting.sweep(d, scs, prepared=p)),
        "prepared= was made for other data",
    ),
    (
        "elastic_unknown_limit",
        lambda: _build_model(siting.Scenario(target_mw=100), elastic=("nonsense",)),
        "['nonsense']",
    ),
    ("family_rows_on_lazy_sites", _family_on_sites, "reads_sites = True"),
    ("stream_options_with_spacing", _stream_with_spacing, "'min_spacing_km'"),
    (
        "sweep_result_of_a_failed_scenario",
        lambda: _sweep_result(["a"], ["ScenarioError: bad"]).result("a"),
        "ScenarioError: bad",
    ),
    ("sweep_result_unknown_name", lambda: _sweep_result([], []).result("b"), "no result for scenario 'b'"),
    (
        "replace_unknown_layer",
        lambda: siting.SitingData(**toy.layers()).replace(busses=toy.substations()),
        "unknown layers ['busses']",
    ),
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


@pytest.mark.parametrize("name, make, words", USAGE_CASES, ids=_ids(USAGE_CASES))
def test_usage(name, make, words):
    with pytest.raises(siting.SitingError) as exc:
        make()
    assert words in str(exc.value) and "fix:" in str(exc.value)


def test_missing_sweep_result_is_a_key_error_too():
    """``SweepResult.result`` looks a name up: its error stays a KeyError for those who catch one."""
    with pytest.raises(KeyError, match="no result"):
        _sweep_result([], []).result("b")


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
    n += len(TOML_CASES) + len(USAGE_CASES) + 2  # and the CLI tests' cases
    assert n >= 40


# -- the first-hour frictions of issue 9: what now happens instead ----------------------------------
@pytest.mark.parametrize("name", ["KR-T2", "kr-t2", "West", " west ", "서"])
def test_exclude_provinces_adds_to_capital_by_code_or_name(toy_data, name):
    from siting.candidates import excluded_codes

    assert excluded_codes(toy_data, siting.Scenario(target_mw=1, exclude_provinces=(name,))) == [
        "KR-T1",
        "KR-T2",
    ]
    only = siting.Scenario(target_mw=1, exclude_provinces=(name,), exclude_capital_region=False)
    assert excluded_codes(toy_data, only) == ["KR-T2"]


def test_excluded_flags_in_result(toy_data):
    res = siting.solve(
        toy_data, siting.Scenario(target_mw=100, min_host_provinces=1, exclude_provinces=("East",))
    )
    flags = dict(zip(res.provinces["code"], res.provinces["excluded"], strict=True))
    assert flags == {"KR-T1": True, "KR-T2": False, "KR-T3": False, "KR-T4": True}
    assert not res.sites["province"].isin(["KR-T1", "KR-T4"]).any()


def test_all_empty_column_takes_the_rule():
    from siting.settings import RESIDUAL_FRACTION

    layers = toy.layers()
    layers["lines"]["residual_mw"] = np.nan
    lines = siting.SitingData(**layers).lines
    assert np.allclose(lines["residual_mw"], lines["capacity_mw"] * RESIDUAL_FRACTION)


def test_overbuild_warns_and_says_why(toy_data):
    import warnings

    sc = siting.Scenario(target_mw=60, tiers_mw=(50, 100), min_host_provinces=3, province_share_cap=1.0)
    with pytest.warns(siting.OverbuildWarning, match="MW above the target") as caught:
        res = siting.solve(toy_data, sc)
    assert res.total_mw >= 150  # three hosts of at least 50 MW
    note = res.overbuild_note()
    ours = [w for w in caught if issubclass(w.category, siting.OverbuildWarning)]
    assert len(ours) == 1 and note in str(ours[0].message) and note in res.summary()
    with warnings.catch_warnings():
        warnings.simplefilter("error", siting.OverbuildWarning)
        exact = siting.solve(toy_data, sc.replace(target_mw=150))
    assert exact.total_mw == 150 and exact.overbuild_note() is None


def test_dropped_candidates_counted_with_reasons(toy_data):
    pts = {
        "capital": (126.25, 36.30),  # in KR-T1
        "buffer": (126.55, 36.30),  # KR-T2, about 4.5 km from KR-T1
        "sea": (130.0, 36.3),  # far off every province
        "remote": (127.45, 36.45),  # KR-T3, about 28 km from the nearest substation
        "ok": (127.26, 36.26),  # next to s-mid
    }
    cand = gpd.GeoDataFrame(
        {"site_id": list(pts)}, geometry=[shapely.Point(xy) for xy in pts.values()], crs="EPSG:4326"
    )
    sc = siting.Scenario(
        target_mw=50,
        tiers_mw=(50,),
        min_host_provinces=1,
        province_share_cap=1.0,
        renewable_share=0.0,
        exclude_buffer_km=10,
        max_connection_km={154: 5, 345: 5},
    )
    res = siting.solve(toy_data, sc, candidates=cand)
    assert res.status == "optimal" and res.sites["site_id"].tolist() == ["ok"]
    reasons = dict(zip(res.dropped_candidates["site_id"], res.dropped_candidates["reason"], strict=True))
    assert reasons == {
        "capital": "excluded_province",
        "buffer": "buffer",
        "sea": "off_land",
        "remote": "no_substation",
    }
    line = res.dropped_summary()
    assert line.startswith("Candidates: 5 given, 1 usable; 4 left out") and line in res.summary()


def test_empty_candidate_frame_said_as_such(toy_data):
    res = siting.solve(
        toy_data, siting.Scenario(target_mw=50), candidates=gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")
    )
    assert res.status == "infeasible"
    assert res.diagnosis.necessary[0].startswith("the candidates frame is empty")


def test_diagnosis_summed_by_kind_and_province():
    res = siting.solve(*toy.line_limited())
    d = res.diagnosis
    lim = d.limits
    assert len(lim) and lim["over_mw"].is_monotonic_decreasing
    fam = d.table("family")
    for family, row in fam.iterrows():
        assert row["over"] == pytest.approx(lim.loc[lim["family"] == family, "over_mw"].sum())
    assert fam["over"].is_monotonic_decreasing
    prov = d.table("province")
    assert prov["over_mw"].sum() == pytest.approx(lim.loc[lim["province"] != "", "over_mw"].sum())
    # every limit's province from the data: substations' own, lines' two ends
    subs = dict(zip(res.substations["substation_id"], res.substations["province"], strict=True))
    ends = res.lines.set_index("line_id")
    for r in lim.itertuples():
        if r.family in ("headroom", "supply"):
            assert r.province == subs[r.id]
        elif r.family == "lines":
            assert r.province == "/".join(
                sorted({subs[ends.at[r.id, "from_id"]], subs[ends.at[r.id, "to_id"]]})
            )
    text = res.summary()
    assert "limits that must give, by kind:" in text and "by province: " in text
    assert "Middle (KR-T3)" in text  # names, not only codes


def test_logging_stages_and_nothing_printed(toy_data, caplog, capsys):
    import logging

    caplog.set_level(logging.INFO, logger="siting")
    siting.solve(toy_data, siting.Scenario(target_mw=100, min_host_provinces=1))
    text = " | ".join(r.getMessage() for r in caplog.records if r.name == "siting")
    for stage in ("candidates done", "grid done", "build done", "solve done", "settle done", "optimal in"):
        assert stage in text, text
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_progress_bar_when_asked(toy_data, capsys, monkeypatch):
    pytest.importorskip("tqdm")
    siting.solve(toy_data, siting.Scenario(target_mw=100, min_host_provinces=1), progress=True)
    assert "solve 'scenario'" in capsys.readouterr().err
    monkeypatch.setattr(siting.settings, "PROGRESS", True)
    siting.solve(toy_data, siting.Scenario(target_mw=100, min_host_provinces=1))
    assert "stage" in capsys.readouterr().err
    res = siting.solve(*toy.line_limited())  # the diagnosis has its own bar
    assert res.status == "infeasible" and "diagnosis" in capsys.readouterr().err
    monkeypatch.setattr(siting.settings, "PROGRESS", False)
    siting.solve(*toy.line_limited())
    assert capsys.readouterr().err == ""


def test_no_solver_banner_on_stdout():
    """HiGHS prints its banner from C++ when built; siting silences it (checked in a fresh process)."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import siting\nfrom tests import toy\nd = siting.SitingData(**toy.layers())\n"
        "for s in ('highs', 'cbc'):\n"
        "    siting.solve(d, siting.Scenario(target_mw=100, min_host_provinces=1), solver=s)\n"
    )
    root = Path(__file__).resolve().parent.parent
    run = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""
