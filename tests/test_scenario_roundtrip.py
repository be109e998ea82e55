"""Scenario.to_dict / to_toml write what from_dict / from_toml read back into an equal scenario."""

import math
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import siting
from siting import Costs, Scenario

ROOT = Path(__file__).resolve().parent.parent

positive = st.floats(min_value=0.5, max_value=1e5, allow_nan=False)
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@st.composite
def scenarios(draw):
    tiers = draw(st.lists(positive, min_size=1, max_size=4))
    split = draw(st.floats(min_value=1, max_value=2e5))
    solar = {"capex_per_mw": draw(positive), "capacity_factor": draw(st.floats(0.05, 1))}
    costs = Costs(
        site_per_mw=draw(st.floats(0, 10)),
        site_per_mw_by_province=draw(st.dictionaries(text, st.floats(0, 10), max_size=3)),
        renewable_technologies={"solar": solar},
        connection_fixed={154: draw(st.floats(0, 100)), 345: draw(st.floats(0, 100))},
    )
    return Scenario(
        target_mw=draw(st.one_of(positive, st.integers(1, 10**6))),
        name=draw(text),
        tiers_mw=tuple(tiers),
        connection_kv={split: 154, math.inf: 345},
        exclude_provinces=tuple(draw(st.lists(text, max_size=3))),
        exclusion_files=tuple(draw(st.lists(st.sampled_from(["/a/no go.geojson", "/b/x.gpkg"]), max_size=2))),
        max_overbuild_mw=draw(st.one_of(st.just("largest_tier"), st.just(math.inf), positive)),
        renewable_build=tuple(draw(st.lists(st.sampled_from(["solar", "onshore_wind"]), unique=True))),
        flow_model=draw(st.sampled_from(["transport", "dc"])),
        threads=draw(st.integers(1, 8)),
        gpus=draw(st.one_of(st.none(), st.integers(1, 10**6))),
        costs=costs,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_to_dict_and_to_toml_rebuild_an_equal_scenario(sc):
    assert Scenario.from_dict(sc.to_dict()) == sc
    assert Scenario.from_dict(tomllib.loads(sc.to_toml())) == sc


def test_any_total_reads_back_as_inf(tmp_path):
    """TOML has no None: max_overbuild_mw=None is written as inf, which means the same."""
    sc = Scenario(target_mw=300, max_overbuild_mw=None)
    assert Scenario.from_dict(sc.to_dict()) == sc
    sc.to_toml(tmp_path / "s.toml")
    back = Scenario.from_toml(tmp_path / "s.toml")
    assert back == sc.replace(max_overbuild_mw=math.inf) and back.overbuild_mw == sc.overbuild_mw == math.inf


def test_the_bundled_scenario_round_trips(tmp_path):
    sc = Scenario.from_toml(ROOT / "scenarios" / "korea_default.toml")
    sc.to_toml(tmp_path / "again.toml")
    assert Scenario.from_toml(tmp_path / "again.toml") == sc
    assert sc.costs.site_per_mw_by_province["KR-26"] == 1.0 and sc.grid_spacing_km == 1


def test_a_result_writes_the_scenario_that_rebuilds_it(toy_data, tmp_path):
    res = siting.solve(toy_data, Scenario(target_mw=300, grid_spacing_km=5, min_host_provinces=2))
    res.scenario.to_toml(tmp_path / "s.toml")
    again = siting.solve(toy_data, Scenario.from_toml(tmp_path / "s.toml"))
    assert again.scenario == res.scenario
    assert sorted(again.sites.site_id) == sorted(res.sites.site_id) and again.objective == res.objective
