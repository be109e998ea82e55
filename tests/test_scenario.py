"""Scenario defaults, ranges, GPUs and TOML."""

import math

import pytest

import siting
from siting.scenario import KW_PER_GPU, PUE


def test_from_gpus_converts_as_documented():
    sc = siting.Scenario.from_gpus(50_000)
    assert sc.target_mw == pytest.approx(50_000 * KW_PER_GPU * PUE / 1000)
    assert sc.gpus == 50_000
    assert siting.Scenario.from_gpus(1000, kw_per_gpu=2.0, pue=1.5).target_mw == pytest.approx(3.0)


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("target_mw", 0, "> 0"),
        ("province_share_cap", 1.5, "<= 1"),
        ("renewable_share", -0.1, ">= 0"),
        ("grid_spacing_km", 0.0, ">= 0.1"),
        ("solver", "gurobi", "one of ['cbc', 'highs']"),
        ("flow_model", "ac", "one of ['transport', 'dc']"),
        ("min_host_provinces", 2.5, "whole number"),
        ("tiers_mw", (), "non-empty"),
        ("load_factor", 0, "> 0"),
        ("mip_gap", float("nan"), ">= 0"),
    ],
)
def test_bad_values_name_field_and_range(field, value, words):
    kw = {"target_mw": 100, field: value}
    with pytest.raises(siting.ScenarioError) as exc:
        siting.Scenario(**kw)
    assert f"'{field}'" in str(exc.value) and words in str(exc.value)


def test_tier_without_connection_voltage():
    with pytest.raises(siting.ScenarioError, match="connection_kv"):
        siting.Scenario(target_mw=100, tiers_mw=(50, 800), connection_kv={400: 154})


def test_bad_cost():
    with pytest.raises(siting.ScenarioError, match="costs.site_per_mw"):
        siting.Costs(site_per_mw=-1)


def test_connection_voltage_rule():
    sc = siting.Scenario(target_mw=100, tiers_mw=(50, 400, 800))
    assert [sc.connection_kv_for(t) for t in sc.tiers_mw] == [154, 154, 345]
    assert math.isinf(max(sc.connection_kv))


def test_from_toml_roundtrip(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text(
        'name = "t"\ngpus = 100000\npue = 1.2\ntiers_mw = [100, 200]\nexclusion_files = ["no.geojson"]\n'
        '[max_connection_km]\n"154" = 15\n"345" = 30\n[costs]\nsite_per_mw = 0.9\n'
    )
    sc = siting.Scenario.from_toml(p)
    assert sc.name == "t" and sc.gpus == 100_000
    assert sc.target_mw == pytest.approx(100_000 * KW_PER_GPU * 1.2 / 1000)
    assert sc.max_connection_km == {154: 15.0, 345: 30.0}
    assert sc.costs.site_per_mw == 0.9
    assert sc.exclusion_files == (str((tmp_path / "no.geojson").resolve()),)


def test_from_toml_unknown_field(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text("target_mw = 10\ntarget_gw = 1\n")
    with pytest.raises(siting.ScenarioError, match=r"field 'target_gw' \(did you mean 'target_mw'\?\)"):
        siting.Scenario.from_toml(p)


def test_bundled_default_scenario_reads():
    from pathlib import Path

    sc = siting.Scenario.from_toml(Path(__file__).parent.parent / "scenarios" / "korea_default.toml")
    assert sc.target_mw >= 1000 and sc.name == "korea_default"


def test_korea_default_is_the_bundled_file():
    """Scenario.korea_default() is the demo's scenario, not the class defaults (friction 2)."""
    from pathlib import Path

    from siting.scenario import bundled_scenario_path

    path = Path(__file__).parent.parent / "scenarios" / "korea_default.toml"
    assert siting.Scenario.korea_default() == siting.Scenario.from_toml(path)
    assert bundled_scenario_path().read_text() == path.read_text()
    # and it differs from Scenario(target_mw=4000) where the README says
    plain, demo = siting.Scenario(target_mw=4000), siting.Scenario.korea_default()
    differ = {f for f in ("grid_spacing_km", "province_share_cap", "min_host_provinces", "exclude_buffer_km")}
    assert {f for f in differ if getattr(plain, f) != getattr(demo, f)} == differ
    assert siting.Scenario.korea_default(target_mw=1000).target_mw == 1000


@pytest.mark.parametrize(
    "value, words",
    [
        ({"capital_region": -1}, "'exclude_buffer_km['capital_region']'"),
        ({"capital_region": "far"}, "'exclude_buffer_km'"),
        ("30", "'exclude_buffer_km'"),
    ],
)
def test_bad_buffer_mapping(value, words):
    with pytest.raises(siting.ScenarioError) as exc:
        siting.Scenario(target_mw=100, exclude_buffer_km=value)
    assert words in str(exc.value)


def test_capital_buffer_needs_the_capital_region_excluded():
    with pytest.raises(siting.ScenarioError, match="needs exclude_capital_region=True"):
        siting.Scenario(target_mw=100, exclude_capital_region=False, exclude_buffer_km={"capital_region": 30})


def test_buffer_mapping_from_toml(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text(
        'target_mw = 100\nexclude_provinces = ["Busan"]\nexclude_buffer_km = { capital_region = 30 }\n'
    )
    sc = siting.Scenario.from_toml(p)
    assert sc.exclude_buffer_km == {"capital_region": 30.0}


def test_toml_list_field_given_one_string_says_how_to_write_it(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text('target_mw = 100\nexclude_provinces = "Busan"\n')
    with pytest.raises(siting.ScenarioError) as exc:
        siting.Scenario.from_toml(p)
    assert 'exclude_provinces = ["Busan"] in TOML' in str(exc.value)
    assert "--set exclude_provinces=Busan" in str(exc.value)


def test_currency_field():
    assert siting.Costs().currency == "KRW bn"
    assert (
        siting.Scenario.from_dict({"target_mw": 1, "costs": {"currency": "EUR m"}}).costs.currency == "EUR m"
    )
    with pytest.raises(siting.ScenarioError, match="costs.currency"):
        siting.Costs(currency="")
