"""Where a province's surplus and its new build connect, its potentials, bad input, and the rule of
issue 20: existing renewables' energy counts for new load only as far as a stated surplus."""

import dataclasses

import numpy as np
import pytest

import siting
from siting.constants import RENEWABLE
from siting.grid import build_grid
from siting.renewable_supply import RenewableSupply
from siting.testing import assert_result_valid
from tests import toy
from tests.toy import SOLAR_EAST

#: A second solar farm in KR-T3, at s-mid2 (KR-T3's 400 MW one is at s-mid).
SOLAR_MID2 = ("r-solar-mid2", "solar", 100.0, 0.14, "operating", 127.31, 36.12)
#: A KR-T2 solar farm on the border whose nearest substation is s-mid, in KR-T3.
SOLAR_BORDER = ("r-solar-border", "solar", 300.0, 0.14, "operating", 126.995, 36.15)

#: A huge existing fleet next to every substation the campuses use (average output 4.4 GW).
FLEET = [
    ("fleet-west", "solar", 5000.0, 0.14, "operating", 126.72, 36.27),
    ("fleet-west2", "onshore_wind", 3000.0, 0.25, "operating", 126.87, 36.38),
    ("fleet-mid", "solar", 5000.0, 0.14, "operating", 127.23, 36.27),
    ("fleet-east", "offshore_wind", 3000.0, 0.30, "operating", 127.73, 36.27),
    ("fleet-east2", "solar", 5000.0, 0.14, "operating", 127.88, 36.38),
]

#: 200 MW on the toy grid, two host provinces, a renewable share, no new build.
NO_BUILD = dict(
    target_mw=200, grid_spacing_km=5, min_host_provinces=2, renewable_share=0.2, renewable_build=()
)


def _supply(**layers) -> tuple[siting.SitingData, RenewableSupply]:
    """The data of :func:`toy.renewable_layers` and its renewable supply (``scenario``: Scenario fields)."""
    scenario = layers.pop("scenario", {})
    data = siting.SitingData(**toy.renewable_layers(**layers))
    return data, build_grid(data, siting.Scenario(target_mw=1, **scenario)).graph["renewable_supply"]


def _at(data: siting.SitingData, row) -> dict[str, float]:
    """A weights row as substation id -> share (the nonzero ones)."""
    row = np.asarray(row.todense()).ravel()
    ids = data.substations["substation_id"]
    return {s: pytest.approx(w) for s, w in zip(ids, row, strict=True) if w > 0}


def _build_row(sup: RenewableSupply, province: str, technology: str) -> int:
    b = sup.builds
    hit = np.flatnonzero((b["province"] == province) & (b["technology"] == technology))
    assert len(hit) == 1, f"{technology} in {province}: {len(hit)} rows"
    return int(hit[0])


# -- where surplus and new build connect ----------------------------------------------


def test_weights_rows_sum_to_one():
    data, sup = _supply(renewables=[SOLAR_EAST, SOLAR_MID2], surplus_mw={"KR-T3": 50.0, "KR-T4": 20.0})
    assert len(sup.builds) == sup.weights.shape[0] > 0
    assert np.allclose(sup.weights.sum(axis=1).A1, 1.0)
    rows = dict(zip(data.provinces["code"], sup.surplus_weights.sum(axis=1).A1, strict=True))
    # KR-T1 has no renewables, KR-T2 only a planned hydro plant (not counted by default)
    assert rows == {
        "KR-T1": 0.0,
        "KR-T2": 0.0,
        "KR-T3": pytest.approx(1.0),
        "KR-T4": pytest.approx(1.0),
    }
    assert sup.surplus_mw.sum() == pytest.approx(70.0)


def test_surplus_and_build_spread_by_capacity():
    """KR-T3's plants: 400 MW at s-mid, 100 MW at s-mid2: its surplus and new solar go 80/20."""
    data, sup = _supply(renewables=[SOLAR_MID2], surplus_mw={"KR-T3": 50.0})
    assert _at(data, sup.weights[_build_row(sup, "KR-T3", "solar")]) == {"s-mid": 0.8, "s-mid2": 0.2}
    surplus = dict(zip(data.substations["substation_id"], sup.surplus_mw, strict=True))
    assert surplus == {
        "s-cap": 0.0,
        "s-west": 0.0,
        "s-west2": 0.0,
        "s-mid": pytest.approx(40.0),
        "s-mid2": pytest.approx(10.0),
        "s-east": 0.0,
        "s-east2": 0.0,
    }


def test_build_connects_where_its_technology_does_else_fallbacks():
    """KR-T4: solar at s-east (200 MW), wind at s-east2 (300 MW)."""
    data, sup = _supply(renewables=[SOLAR_EAST], surplus_mw={"KR-T4": 100.0})
    assert _at(data, sup.weights[_build_row(sup, "KR-T4", "solar")]) == {"s-east": 1.0}
    assert _at(data, sup.weights[_build_row(sup, "KR-T4", "onshore_wind")]) == {"s-east2": 1.0}
    # no offshore wind in KR-T4: where its solar and wind connect, by capacity, as its surplus
    offshore = _at(data, sup.weights[_build_row(sup, "KR-T4", "offshore_wind")])
    assert offshore == {"s-east": 0.4, "s-east2": 0.6}
    assert _at(data, sup.surplus_weights[3]) == offshore
    # KR-T3 has only solar: wind is built where its solar connects
    assert _at(data, sup.weights[_build_row(sup, "KR-T3", "onshore_wind")]) == {"s-mid": 1.0}
    # no counted renewables in KR-T1 and KR-T2 (its hydro plant is planned): no new build there
    assert set(sup.builds["province"]) == {"KR-T3", "KR-T4"}


def test_build_and_surplus_fall_back_to_any_renewable():
    """Planned plants counted: KR-T2's hydro plant (at s-west) is where it builds and strands surplus."""
    data, sup = _supply(surplus_mw={"KR-T2": 10.0}, scenario=dict(renewable_status=("operating", "planned")))
    for tech in ("solar", "onshore_wind", "offshore_wind"):
        assert _at(data, sup.weights[_build_row(sup, "KR-T2", tech)]) == {"s-west": 1.0}
    assert _at(data, sup.surplus_weights[1]) == {"s-west": 1.0}


def test_only_the_technologies_of_renewable_build():
    _, sup = _supply(scenario=dict(renewable_build=("onshore_wind",)))
    assert set(sup.builds["technology"]) == {"onshore_wind"}
    _, none = _supply(scenario=dict(renewable_build=()))
    assert none.builds.empty and none.weights.shape[0] == 0
    assert not none.peak_max_mw().any()


# -- potentials and costs --------------------------------------------------------------


def test_potentials_cap_build_and_its_peak():
    """``<technology>_max_mw``: a number caps, 0 removes the option, empty or absent: no limit."""
    data, sup = _supply(max_mw={"solar": {"KR-T3": 250.0, "KR-T4": np.nan}, "onshore_wind": {"KR-T4": 0.0}})
    b = sup.builds.set_index(["province", "technology"])
    assert b.at[("KR-T3", "solar"), "max_mw"] == 250.0
    assert np.isinf(b.at[("KR-T4", "solar"), "max_mw"])
    assert ("KR-T4", "onshore_wind") not in b.index
    assert np.isinf(b.at[("KR-T3", "onshore_wind"), "max_mw"])  # column absent for KR-T3's row: no limit
    costs = siting.Costs()
    for (_, tech), r in b.iterrows():
        t = costs.renewable_technologies[tech]
        assert r["cost_per_mw"] == pytest.approx(costs.renewable_cost_per_mw(tech))
        assert (r["capacity_factor"], r["peak_credit"]) == (t.capacity_factor, t.peak_credit)
    # the most peak new build could add: inf where some option there has no limit
    _, solar = _supply(
        max_mw={"solar": {"KR-T3": 250.0, "KR-T4": 100.0}}, scenario=dict(renewable_build=("solar",))
    )
    peak = dict(zip(data.substations["substation_id"], solar.peak_max_mw(), strict=True))
    credit = costs.renewable_technologies["solar"].peak_credit
    assert peak["s-mid"] == pytest.approx(250.0 * credit) and peak["s-east2"] == pytest.approx(100.0 * credit)
    assert peak["s-west"] == 0.0
    assert np.isinf(sup.peak_max_mw()).any()


def test_negative_potential_is_a_data_error():
    with pytest.raises(siting.DataError, match="solar_max_mw"):
        siting.SitingData(**toy.renewable_layers(max_mw={"solar": {"KR-T3": -5.0}}))


def test_negative_potential_of_an_added_technology_is_a_data_error():
    """A technology added through the costs: its potential column is checked when the options are listed."""
    geo = dict(capex_per_mw=5.0, om_per_mw_year=0.1, life_years=30, capacity_factor=0.8, peak_credit=0.8)
    data = siting.SitingData(**toy.renewable_layers(max_mw={"geothermal": {"KR-T3": -1.0}}))
    sc = siting.Scenario(
        target_mw=1,
        renewable_build=("geothermal",),
        costs=siting.Costs(renewable_technologies={"geothermal": geo}),
    )
    with pytest.raises(siting.DataError, match=r"geothermal_max_mw.*KR-T3"):
        build_grid(data, sc)


def test_negative_surplus_is_a_data_error():
    with pytest.raises(siting.DataError, match="renewable_surplus_mw"):
        siting.SitingData(**toy.renewable_layers(surplus_mw={"KR-T3": -1.0}))


@pytest.mark.parametrize("code", ["KR-T1", "KR-T2"])
def test_surplus_without_renewables_is_a_data_error(code):
    """KR-T1 has no renewables, KR-T2 only a planned one: nowhere to strand a surplus."""
    data = siting.SitingData(**toy.renewable_layers(surplus_mw={code: 10.0}))
    with pytest.raises(siting.DataError, match=rf"renewable_surplus_mw.*{code}"):
        build_grid(data, siting.Scenario(target_mw=1))


# -- existing renewables' energy: only the stated surplus -------------------------------


def _fleet(surplus_mw: float = 0.0) -> siting.SitingData:
    """The toy with :data:`FLEET`, KR-T3's surplus, and solar potential in KR-T3 only."""
    return siting.SitingData(
        **toy.renewable_layers(
            renewables=FLEET,
            surplus_mw={"KR-T3": surplus_mw},
            max_mw={"solar": {"KR-T2": 0.0, "KR-T4": 0.0}},
        )
    )


def test_existing_fleet_without_surplus_meets_no_share():
    """A fleet averaging many times the campuses' load next to them, no surplus, no build: infeasible."""
    data = _fleet()
    sc = siting.Scenario(**NO_BUILD)
    output = float((data.renewables["capacity_mw"] * data.renewables["capacity_factor"]).sum())
    assert output > 10 * sc.load_factor * sc.target_mw  # the old proximity credit met any share
    res = siting.solve(data, sc)
    assert str(res.status) == "infeasible"
    limits = res.diagnosis.limits
    assert list(limits["family"]) == [RENEWABLE]
    assert "renewable share" in limits["text"].iat[0]
    assert limits["over_mw"].iat[0] == pytest.approx(sc.renewable_share * sc.load_factor * sc.target_mw)


def test_existing_fleet_delivers_only_the_stated_surplus():
    """With 30 MW of surplus and an incentive for every MW delivered, exactly 30 MW are delivered."""
    data = _fleet(surplus_mw=30.0)
    sc = siting.Scenario(
        **{**NO_BUILD, "renewable_share": 0.0}, costs=siting.Costs(renewable_incentive_per_mw=5.0)
    )
    res = siting.solve(data, sc)
    assert str(res.status) == "optimal"
    assert res.renewable_delivered_mw == pytest.approx(30.0, rel=1e-6)  # all of it, and no more
    assert res.costs["renewable_incentive"] == pytest.approx(-5.0 * 30.0, rel=1e-6)
    surplus = res.renewable_supply[res.renewable_supply["source"] == "surplus"]
    assert list(surplus["province"]) == ["KR-T3"]
    assert surplus["energy_mw"].sum() == pytest.approx(30.0, rel=1e-6)
    assert_result_valid(res, data)
    # a share that needs more than the surplus is short by the difference
    short = siting.solve(data, sc.replace(renewable_share=0.5))
    assert str(short.status) == "infeasible"
    limits = short.diagnosis.limits
    assert list(limits["family"]) == [RENEWABLE]
    assert limits["over_mw"].iat[0] == pytest.approx(0.5 * sc.load_factor * sc.target_mw - 30.0)


@pytest.fixture(scope="module")
def surplus_and_build():
    """KR-T3's 30 MW surplus and new solar both at s-mid, for a share of 0.5 (80 MW average)."""
    data = _fleet(surplus_mw=30.0)
    res = siting.solve(
        data, siting.Scenario(**{**NO_BUILD, "renewable_share": 0.5, "renewable_build": ("solar",)})
    )
    assert str(res.status) == "optimal"
    s = res.substations.set_index("substation_id")
    assert s.at["s-mid", "surplus_used_mw"] == pytest.approx(30.0, rel=1e-6)
    assert s.at["s-mid", "build_energy_mw"] > 10.0
    assert_result_valid(res, data)
    return data, res


def _tampered(res, substation: str, **columns) -> siting.SitingResult:
    """A copy of ``res`` with substation columns raised at ``substation`` (column -> MW added)."""
    s = res.substations.copy()
    at = s.index[s["substation_id"] == substation][0]
    for col, mw in columns.items():
        s.loc[at, col] += mw
    return dataclasses.replace(res, substations=s)


def test_surplus_used_beyond_the_stated_fails_validation(surplus_and_build):
    """10 MW of s-mid's new-build energy relabelled as surplus: everything balances but the surplus."""
    data, res = surplus_and_build
    bad = _tampered(res, "s-mid", surplus_used_mw=10.0, build_energy_mw=-10.0)
    with pytest.raises(AssertionError, match="beyond the stated surplus"):
        assert_result_valid(bad, data)


def test_delivered_beyond_the_sources_fails_validation(surplus_and_build):
    """10 MW more delivered to a campus than surplus and new build bring it (the total too): invalid."""
    data, res = surplus_and_build
    s = res.substations
    room = s["load_mw"] * res.scenario.load_factor - s["renewable_delivered_mw"]
    where = s["substation_id"][room.idxmax()]
    assert room.max() > 10.0
    bad = _tampered(res, where, renewable_delivered_mw=10.0)
    bad = dataclasses.replace(bad, renewable_delivered_mw=res.renewable_delivered_mw + 10.0)
    with pytest.raises(AssertionError, match="does not balance"):
        assert_result_valid(bad, data)


def test_surplus_stranded_across_a_province_border_is_valid():
    """KR-T2's surplus, stranded at s-mid (KR-T3) by a border solar farm, serves a campus: a valid plan."""
    data = siting.SitingData(**toy.renewable_layers(renewables=[SOLAR_BORDER], surplus_mw={"KR-T2": 40.0}))
    res = siting.solve(data, siting.Scenario(**NO_BUILD))
    assert str(res.status) == "optimal"
    s = res.substations.set_index("substation_id")
    assert s.at["s-mid", "province"] == "KR-T3" and s.at["s-mid", "surplus_used_mw"] > 1.0
    assert_result_valid(res, data)
