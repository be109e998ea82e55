"""The command line: run with a target, --set and the user's own data; validate; exit codes 0/1/2."""

from __future__ import annotations

import json

import numpy as np
import pyogrio
import pytest

from siting.cli import EXIT_NO_PLAN, EXIT_PLAN, EXIT_USAGE, main
from tests import toy


def _write_toy(folder, *, substations=None, rename=None):
    """The toy layers as files named after their layers (lines as a CSV of endpoint ids)."""
    folder.mkdir(parents=True, exist_ok=True)
    layers = toy.layers()
    if substations is not None:
        layers["substations"] = substations
    for name, frame in layers.items():
        if name == "lines":
            frame.to_csv(folder / "lines.csv", index=False)
        else:
            if rename and name in rename:
                frame = frame.rename(columns=rename[name])
            frame.to_file(folder / f"{name}.geojson", driver="GeoJSON")
    return folder


def _scenario_rows(gpkg):
    rows = pyogrio.read_dataframe(gpkg, layer="scenario")
    return {k: json.loads(v) for k, v in zip(rows["key"], rows["value"], strict=True)}


def test_run_own_data_target_and_set(tmp_path, capsys):
    data = _write_toy(tmp_path / "data")
    out = tmp_path / "out"
    code = main(
        [
            "run",
            "--data",
            str(data),
            "--target-mw",
            "150",
            "--set",
            "min_host_provinces=2",
            "--set",
            "grid_spacing_km=5",
            "--set",
            "costs.site_per_mw=0.7",
            "--set",
            "name=toy run",
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    assert code == EXIT_PLAN
    text = capsys.readouterr().out
    assert "Scenario 'toy run': target 150 MW" in text
    rows = _scenario_rows(out / "toy_run.gpkg")
    # the values arrive typed: an int, a float, a nested cost, a string
    assert rows["min_host_provinces"] == 2 and rows["grid_spacing_km"] == 5.0
    assert rows["costs.site_per_mw"] == 0.7 and rows["target_mw"] == 150.0
    sites = pyogrio.read_dataframe(out / "toy_run.gpkg", layer="sites")
    assert sites["capacity_mw"].sum() >= 150 and sites["province"].nunique() >= 2
    # the toy data, not Korea: every campus is in a toy province
    assert set(sites["province"]) <= {"KR-T2", "KR-T3", "KR-T4"}


def test_run_gpus_overrides_scenario_file_target(tmp_path, capsys):
    sc = tmp_path / "s.toml"
    sc.write_text("target_mw = 5000\nmin_host_provinces = 1\ngrid_spacing_km = 5\n")
    data = _write_toy(tmp_path / "data")
    code = main(["run", str(sc), "--gpus", "40000", "--data", str(data), "--out", str(tmp_path / "o")])
    assert code == EXIT_PLAN
    assert "(40,000 GPUs)" in capsys.readouterr().out


def test_run_infeasible_exits_1_with_diagnosis(tmp_path, capsys):
    data = _write_toy(tmp_path / "data")
    code = main(["run", "--data", str(data), "--target-mw", "5000", "--out", str(tmp_path / "o")])
    assert code == EXIT_NO_PLAN
    assert "Diagnosis:" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--set", "min_host_provinces=1.5"], "'min_host_provinces'"),
        (["--set", "min_host_provinse=1"], "did you mean 'min_host_provinces'"),
        (["--set", "costs.site=1"], "[costs]"),
        (["--set", "nonsense"], "key=value"),
        (["--set", "exclude_provinces=['Nowhere']"], "unknown provinces ['Nowhere']"),
        ([], "no target"),
    ],
)
def test_run_bad_settings_exit_2(tmp_path, capsys, argv, words):
    data = _write_toy(tmp_path / "data")
    target = [] if words == "no target" else ["--target-mw", "100"]
    assert main(["run", "--data", str(data), *target, *argv, "--out", str(tmp_path / "o")]) == EXIT_USAGE
    assert words in capsys.readouterr().err


def test_run_target_and_gpus_exclusive():
    with pytest.raises(SystemExit) as exc:
        main(["run", "--target-mw", "100", "--gpus", "1000"])
    assert exc.value.code == EXIT_USAGE


def test_run_data_folder_with_spec_file(tmp_path, capsys):
    """siting-data.toml names a file by path and maps its columns."""
    data = _write_toy(tmp_path / "data", rename={"substations": {"substation_id": "bus", "voltage_kv": "kv"}})
    (data / "substations.geojson").rename(data / "buses.geojson")
    (data / "siting-data.toml").write_text(
        '[substations]\npath = "buses.geojson"\ncolumns = { bus = "substation_id", kv = "voltage_kv" }\n'
    )
    code = main(
        ["run", "--data", str(data), "--target-mw", "100", "--set", "min_host_provinces=1"]
        + ["--out", str(tmp_path / "o")]
    )
    assert code == EXIT_PLAN, capsys.readouterr().err


def test_run_data_folder_missing_layer_exit_2(tmp_path, capsys):
    data = _write_toy(tmp_path / "data")
    (data / "renewables.geojson").unlink()
    code = main(["run", "--data", str(data), "--target-mw", "100", "--out", str(tmp_path / "o")])
    assert code == EXIT_USAGE
    assert "layer 'renewables': no file renewables.*" in capsys.readouterr().err


def test_run_html(tmp_path):
    data = _write_toy(tmp_path / "data")
    out = tmp_path / "o"
    code = main(
        ["run", "--data", str(data), "--target-mw", "100", "--set", "min_host_provinces=1"]
        + ["--out", str(out), "--html"]
    )
    assert code == EXIT_PLAN
    assert "leaflet" in (out / "scenario.html").read_text().lower()


def test_validate_prints_every_problem_and_exits_1(tmp_path, capsys):
    subs = toy.substations()
    subs["headroom_mw"] = [0, np.nan, 100, 150, 100, 400, 100]  # a gap among given values
    subs["voltage_kv"] = [345, 345, 154, -154, 154, 345, 154]  # a negative voltage
    data = _write_toy(tmp_path / "data", substations=subs)
    assert main(["validate", "--data", str(data)]) == EXIT_NO_PLAN
    out = capsys.readouterr().out.splitlines()
    problems = [line for line in out if line.startswith("- ")]
    assert len(problems) == 2, out
    assert any("'voltage_kv'" in p and "s-mid" in p for p in problems)
    assert any("'headroom_mw'" in p and "s-west" in p for p in problems)
    assert out[-1] == "2 problems found"


def test_validate_files_clean_and_partial(tmp_path, capsys):
    data = _write_toy(tmp_path / "data")
    files = [
        str(data / f) for f in ("provinces.geojson", "substations.geojson", "lines.csv", "renewables.geojson")
    ]
    assert main(["validate", *files]) == EXIT_PLAN
    assert "No problems found" in capsys.readouterr().out
    ren = toy.renewables()
    ren["capacity_factor"] = [15.0, 0.25, 0.2]
    ren.to_file(tmp_path / "renewables.geojson", driver="GeoJSON")
    assert main(["validate", str(tmp_path / "renewables.geojson")]) == EXIT_NO_PLAN
    out = capsys.readouterr().out
    assert "each on its own" in out and "above 1 in ['r-solar']" in out


def test_validate_usage_errors_exit_2(tmp_path, capsys):
    assert main(["validate"]) == EXIT_USAGE
    (tmp_path / "mystery.csv").write_text("a,b\n1,2\n")
    assert main(["validate", str(tmp_path / "mystery.csv")]) == EXIT_USAGE
    assert "cannot tell which layer" in capsys.readouterr().err


def test_validate_folder_missing_layers_exit_1(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["validate", "--data", str(tmp_path / "empty")]) == EXIT_NO_PLAN
    out = capsys.readouterr().out
    for layer in ("provinces", "substations", "lines", "renewables"):
        assert f"layer '{layer}': no file" in out


@pytest.mark.parametrize("bug", [ValueError, RuntimeError, KeyError])
def test_run_a_bug_shows_its_traceback(tmp_path, monkeypatch, bug):
    """Only a SitingError (the user's to fix) is exit 2; any other exception is a bug and propagates."""
    import siting

    def broken(*args, **kwargs):
        raise bug("a bug inside")

    monkeypatch.setattr(siting, "solve", broken)
    data = _write_toy(tmp_path / "data")
    with pytest.raises(bug, match="a bug inside"):
        main(["run", "--data", str(data), "--target-mw", "100", "--out", str(tmp_path / "o")])


def test_run_siting_error_inside_exits_2(tmp_path, capsys, monkeypatch):
    import siting

    def refused(*args, **kwargs):
        raise siting.UsageError("prepared= was made for other data; fix: siting.prepare(data) with this data")

    monkeypatch.setattr(siting, "solve", refused)
    data = _write_toy(tmp_path / "data")
    assert (
        main(["run", "--data", str(data), "--target-mw", "100", "--out", str(tmp_path / "o")]) == EXIT_USAGE
    )
    assert "error: prepared= was made for other data; fix:" in capsys.readouterr().err


#: A toy run any province can host alone.
ONE_HOST = ("--target-mw", "100", "--set", "min_host_provinces=1")


def _run_toy(tmp_path, *argv):
    data = tmp_path / "data" if (tmp_path / "data").exists() else _write_toy(tmp_path / "data")
    return main(["run", "--data", str(data), "--no-progress", "--out", str(tmp_path / "o"), *argv])


def test_run_list_field_comma_separated(tmp_path, capsys):
    """--set exclude_provinces=East,Middle: a list without TOML brackets (friction 8)."""
    code = _run_toy(
        tmp_path,
        *ONE_HOST,
        "--set",
        "exclude_provinces=East,Middle",
        "--set",
        "province_share_cap=1",
        "--set",
        "tiers_mw=50,100",
        "--out-name",
        "west",
    )
    assert code == EXIT_PLAN, capsys.readouterr().err
    rows = _scenario_rows(tmp_path / "o" / "west.gpkg")
    assert rows["exclude_provinces"] == ["East", "Middle"] and rows["tiers_mw"] == [50.0, 100.0]
    sites = pyogrio.read_dataframe(tmp_path / "o" / "west.gpkg", layer="sites")
    assert set(sites["province"]) == {"KR-T2"}


def test_run_suggested_fix_is_one_the_cli_takes(tmp_path, capsys):
    """A one-string list in a TOML file is refused with a fix for TOML and for --set; the latter runs."""
    sc = tmp_path / "s.toml"
    sc.write_text('target_mw = 100\nmin_host_provinces = 1\nexclude_provinces = "East"\n')
    assert _run_toy(tmp_path, str(sc)) == EXIT_USAGE
    err = capsys.readouterr().err
    fix = err.split("siting run: ")[1].split(",")[0]
    assert fix == "--set exclude_provinces=East"
    sc.write_text("target_mw = 100\nmin_host_provinces = 1\n")
    assert _run_toy(tmp_path, str(sc), *fix.split(" ")) == EXIT_PLAN
    assert _scenario_rows(tmp_path / "o" / "s.gpkg")["exclude_provinces"] == ["East"]


def test_run_time_limit_and_threads(tmp_path, capsys):
    code = _run_toy(tmp_path, *ONE_HOST, "--time-limit", "45", "--threads", "2")
    assert code == EXIT_PLAN
    rows = _scenario_rows(tmp_path / "o" / "scenario.gpkg")
    assert rows["time_limit_s"] == 45.0 and rows["threads"] == 2
    assert _run_toy(tmp_path, "--target-mw", "100", "--threads", "0") == EXIT_USAGE
    assert "'threads'" in capsys.readouterr().err


def test_run_outputs_named_after_the_file_and_out_name(tmp_path, capsys):
    """Outputs are named after the TOML file (not always scenario.*); --out-name keeps reruns apart."""
    out = tmp_path / "o"
    for stem in ("cheap", "dear"):
        (tmp_path / f"{stem}.toml").write_text("target_mw = 100\nmin_host_provinces = 1\n")
        assert _run_toy(tmp_path, str(tmp_path / f"{stem}.toml")) == EXIT_PLAN
    assert {p.name for p in out.glob("*.gpkg")} == {"cheap.gpkg", "dear.gpkg"}
    assert _run_toy(tmp_path, str(tmp_path / "cheap.toml"), "--out-name", "cheap-2") == EXIT_PLAN
    assert (out / "cheap-2.gpkg").exists() and (out / "cheap-2_summary.txt").exists()
    capsys.readouterr()
    assert _run_toy(tmp_path, str(tmp_path / "cheap.toml")) == EXIT_PLAN
    said = capsys.readouterr().out
    assert "Replaced the earlier cheap.gpkg, cheap.png, cheap_summary.txt" in said
