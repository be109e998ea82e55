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


@pytest.mark.parametrize("suffix", [".csv", ".geojson", ".gpkg"])
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
    assert data.reinforcements.geometry.notna().tolist() == [suffix != ".csv", False, False]
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


# -- validation: every broken row named, with its column and the fix ---------------------------------

#: (broken row, column the message names, words it must contain)
BROKEN = {
    "kind": ({**SUB, "project_id": "X", "kind": "cable"}, "kind", "unknown values ['cable']"),
    "no_kind": ({**SUB, "project_id": "X", "kind": None}, "kind", "empty in"),
    "no_from": ({**HVDC, "project_id": "X", "from_id": None}, "from_id", "missing in"),
    "unknown_to": (
        {**HVDC, "project_id": "X", "to_id": "nowhere"},
        "to_id",
        "['nowhere'] are not substations",
    ),
    "unknown_line": ({**UP, "project_id": "X", "line_id": "L99"}, "line_id", "['L99'] are not lines"),
    "no_line": ({**UP, "project_id": "X", "line_id": None}, "line_id", "missing in"),
    "unknown_sub": (
        {**SUB, "project_id": "X", "substation_id": "s-zz"},
        "substation_id",
        "are not substations",
    ),
    "no_sub": ({**SUB, "project_id": "X", "substation_id": None}, "substation_id", "missing in"),
    "loop": ({**HVDC, "project_id": "X", "to_id": "s-east"}, "from_id", "from_id equals to_id"),
    "no_capacity": (
        {**HVDC, "project_id": "X", "capacity_mw": None},
        "capacity_mw",
        "missing or not positive",
    ),
    "zero_capacity": (
        {**SUB, "project_id": "X", "capacity_mw": 0.0},
        "capacity_mw",
        "missing or not positive",
    ),
    "negative_cost": (
        {**AC, "project_id": "X", "cost_krw_bn": -5.0},
        "cost_krw_bn",
        "missing or not positive",
    ),
    "no_cost_per_km": (
        {**UP, "project_id": "X", "cost_per_km_krw_bn": None},
        "cost_per_km_krw_bn",
        "missing",
    ),
    "factor_low": ({**UP, "project_id": "X", "uprate_factor": 1.0}, "uprate_factor", "not above 1"),
    "no_factor": ({**UP, "project_id": "X", "uprate_factor": None}, "uprate_factor", "missing in"),
    "units_zero": ({**SUB, "project_id": "X", "max_units": 0}, "max_units", "below 1"),
    "units_fraction": ({**SUB, "project_id": "X", "max_units": 1.5}, "max_units", "not a whole number"),
    "no_match": ({**GEN, "project_id": "X", "voltage_kv": 66}, "voltage_kv", "match no AC line"),
    "ac_no_voltage": ({**AC, "project_id": "X", "voltage_kv": None}, "voltage_kv", "missing in"),
    "no_source": ({**SUB, "project_id": "X", "source": " "}, "source", "empty in"),
}


def _one_problem(problems: list[str], column: str, words: str) -> str:
    hits = [p for p in problems if column in p and words in p]
    assert len(hits) == 1, problems
    msg = hits[0]
    assert msg.startswith("layer 'reinforcements'") and "'X'" in msg and "fix: " in msg
    return msg


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_row_is_named_with_column_and_fix(case: str):
    row, column, words = BROKEN[case]
    cands = _cands(HVDC, row)
    with pytest.raises(siting.DataError) as err:
        _data(cands)
    _one_problem(err.value.problems, column, words)
    assert not any("'H'" in p for p in err.value.problems)  # the sound row is not blamed


def test_duplicate_project_ids_named():
    with pytest.raises(siting.DataError) as err:
        _data(_cands(HVDC, {**SUB, "project_id": "H"}))
    (msg,) = err.value.problems
    assert "layer 'reinforcements', column 'project_id': duplicate ids ['H']" in msg and "fix: " in msg


def test_route_geometry_of_the_wrong_type_named():
    layer = gpd.GeoDataFrame(
        _cands(HVDC, {**HVDC, "project_id": "X"}), geometry=[None, shapely.Point(127, 36)], crs=GEOGRAPHIC_CRS
    )
    with pytest.raises(siting.DataError) as err:
        _data(layer)
    (msg,) = err.value.problems
    assert "layer 'reinforcements', column 'geometry'" in msg and "['X']" in msg and "fix: " in msg


def test_validate_reports_every_problem_in_one_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from siting.cli import EXIT_NO_PLAN, EXIT_PLAN, main

    rows = [{**row, "project_id": f"X-{case}"} for case, (row, _, _) in sorted(BROKEN.items())]
    rows.append({**SUB, "project_id": "X-kind"})  # a duplicate id too
    bad = tmp_path / "bad.csv"
    _cands(HVDC, *rows).to_csv(bad, index=False)
    layers = toy.layers()
    layers["substations"].to_file(tmp_path / "substations.geojson")
    layers["lines"].to_csv(tmp_path / "lines.csv", index=False)
    files = ["--substations", str(tmp_path / "substations.geojson"), "--lines", str(tmp_path / "lines.csv")]
    assert main(["validate", *files, "--reinforcements", str(bad)]) == EXIT_NO_PLAN
    out = capsys.readouterr().out
    problems = [line for line in out.splitlines() if line.startswith("- layer 'reinforcements'")]
    for case, (_, column, words) in BROKEN.items():
        assert any(column in p and words in p and f"'X-{case}'" in p for p in problems), case
    assert any("duplicate ids ['X-kind']" in p for p in problems)
    good = tmp_path / "reinforcements.csv"
    _cands(HVDC, AC, UP, GEN, SUB).to_csv(good, index=False)
    assert main(["validate", *files, str(good)]) == EXIT_PLAN
    assert "No problems found" in capsys.readouterr().out


# -- the bundled Korean candidates -------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def _script():
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    import korea_reinforcements

    return korea_reinforcements


def test_bundled_csv_is_what_the_script_writes(tmp_path: Path):
    from siting.datasets import bundled_path

    script = _script()
    fresh = tmp_path / "reinforcements.csv"
    script.write_reinforcements(script.bundled_table(), fresh)
    assert fresh.read_bytes() == bundled_path("reinforcements").read_bytes()


def test_korea_candidates_join_bundled_substations_not_already_joined(korea):
    layer = korea.reinforcements
    assert layer is not None and len(layer) == len(_script().CANDIDATES)
    subs = set(korea.substations.substation_id)
    links = layer[layer.kind.isin(["ac_line", "hvdc"])]
    assert {"hvdc", "ac_line", "uprate"} <= set(layer.kind)
    assert links.from_id.isin(subs).all() and links.to_id.isin(subs).all()
    joined = {frozenset(e) for e in zip(korea.lines.from_id, korea.lines.to_id, strict=True)}
    assert not any(frozenset(e) in joined for e in zip(links.from_id, links.to_id, strict=True))
    # every source cites something or says ASSUMPTION; every mapped end says how
    assert layer.source.str.len().gt(20).all()
    assert links.from_match.str.match(r"^(name|id|near): ").all()
    assert links.to_match.str.match(r"^(name|id|near): ").all()
    near = links.from_match.str.cat(links.to_match).str.extract(r"near: .*?, ([0-9.]+) km")[0].dropna()
    assert (near.astype(float) < 25).all()  # a converter site mapped to a bus within 25 km


def test_korea_projects_expand_the_154kv_uprate_to_every_154kv_line(korea):
    p = projects(korea)
    generic = korea.reinforcements.query("kind == 'uprate'").iloc[0]
    ac154 = korea.lines[(korea.lines.kind == "ac") & (korea.lines.voltage_kv == 154)]
    up = p[p.project_id.str.startswith(f"{generic.project_id}:")]
    assert len(up) == len(ac154) and set(up.line_id) == set(ac154.line_id)
    assert up.cost_krw_bn.sum() == pytest.approx(generic.cost_per_km_krw_bn * ac154.length_km.sum())
    assert (p.added_mw > 0).all() and (p.cost_krw_bn > 0).all()


def test_the_readme_names_every_project_and_the_godeok_gap():
    from siting.datasets import bundled_path

    readme = bundled_path("README").read_text(encoding="utf-8")
    section = readme.split("## reinforcements.csv", 1)[1].split("\n## ", 1)[0]
    for cand in _script().CANDIDATES:
        assert f"`{cand['project_id']}`" in section, cand["project_id"]
    assert "Godeok" in section and "not a candidate" in section
