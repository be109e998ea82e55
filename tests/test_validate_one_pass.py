"""siting validate reports every problem of a multi-error folder in one run, takes --<layer> FILE,
and flags a line from a substation to itself (so does SitingData)."""

import numpy as np
import pandas as pd
import pytest

import siting
from siting.cli import EXIT_NO_PLAN, EXIT_PLAN, main
from tests import toy

#: Eight problems across three layers: what each message must name.
EXPECTED = [
    ("substations", "'voltage_kv'", "s-mid"),  # a negative voltage
    ("substations", "duplicate ids", "s-east2"),  # two rows with one id
    ("lines", "'circuits'", "L2"),  # not a number
    ("lines", "to itself", "L4"),  # a self-loop
    ("lines", "not substations", "nowhere"),  # an endpoint that is no substation (a link)
    ("renewables", "above 1", "r-solar"),  # a share written as per cent
    ("renewables", "unknown values", "fusion"),  # an unknown technology
    ("renewables", "unknown codes", "KR-XX"),  # a province code the provinces layer lacks (a link)
]


def _broken(folder):
    folder.mkdir()
    subs = toy.substations()
    subs.loc[3, "voltage_kv"] = -154
    subs = pd.concat([subs, subs.iloc[[6]]], ignore_index=True)  # s-east2 twice
    lines = toy.lines().astype({"circuits": object})
    lines.loc[1, "circuits"] = "two"
    lines.loc[3, "to_id"] = "s-mid"
    lines.loc[6, "to_id"] = "nowhere"
    ren = toy.renewables()
    ren["capacity_factor"] = [15.0, 0.25, 0.2]
    ren["technology"] = ["solar", "fusion", "hydro"]
    ren["province"] = ["KR-T3", "KR-XX", None]
    toy.provinces().to_file(folder / "provinces.geojson")
    subs.to_file(folder / "substations.geojson")
    lines.to_csv(folder / "lines.csv", index=False)
    ren.to_file(folder / "renewables.geojson")
    return folder


def _problems(capsys):
    return [line for line in capsys.readouterr().out.splitlines() if line.startswith("- ")]


def test_validate_reports_every_problem_in_one_run(tmp_path, capsys):
    assert main(["validate", "--data", str(_broken(tmp_path / "data"))]) == EXIT_NO_PLAN
    problems = _problems(capsys)
    for layer, words, row in EXPECTED:
        assert any(f"layer '{layer}'" in p and words in p and row in p for p in problems), (words, problems)
    assert len(problems) == len(EXPECTED), problems


def test_a_file_named_otherwise_by_its_layer_option(tmp_path, capsys):
    folder = tmp_path / "data"
    folder.mkdir()
    toy.substations().to_file(folder / "mysubs.geojson")
    toy.lines().assign(circuits=[2, 1, 1, 1, 1, np.nan, 1.5]).to_csv(folder / "grid.csv", index=False)
    code = main(
        ["validate", "--substations", str(folder / "mysubs.geojson"), "--lines", str(folder / "grid.csv")]
    )
    assert code == EXIT_NO_PLAN
    out = capsys.readouterr().out
    assert "substations (" in out and "mysubs.geojson" in out and "checked each on its own" in out
    assert "'circuits'" in out and "whole number in ['L7']" in out and "not substations" not in out
    # the folder, with the substations named by option instead of by file name
    for name in ("provinces", "renewables"):
        getattr(toy, name)().to_file(folder / f"{name}.geojson")
    (folder / "grid.csv").rename(folder / "lines.csv")
    toy.lines().to_csv(folder / "lines.csv", index=False)
    assert (
        main(["validate", "--data", str(folder), "--substations", str(folder / "mysubs.geojson")])
        == EXIT_PLAN
    )
    assert "No problems found" in capsys.readouterr().out


def test_a_misnamed_positional_file_points_at_the_option(tmp_path, capsys):
    toy.substations().to_file(tmp_path / "mysubs.geojson")
    assert main(["validate", str(tmp_path / "mysubs.geojson")]) == 2
    assert "--substations" in capsys.readouterr().err


def test_a_self_loop_is_refused(tmp_path, capsys):
    lines = toy.lines()
    lines.loc[2, "to_id"] = lines.loc[2, "from_id"]
    lines.to_csv(tmp_path / "lines.csv", index=False)
    assert main(["validate", str(tmp_path / "lines.csv")]) == EXIT_NO_PLAN
    (problem,) = _problems(capsys)
    assert "L3" in problem and "s-west" in problem and "fix:" in problem
    with pytest.raises(siting.DataError, match=r"from_id equals to_id in \['L3'\].*fix: drop") as exc:
        siting.SitingData(**{**toy.layers(), "lines": lines})
    assert len(exc.value.problems) == 1
