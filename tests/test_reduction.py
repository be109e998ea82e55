"""The exact option reduction keeps the optimum (against the naive model over every option)."""

import pytest

import siting
from siting.constants import BUILD_TECHNOLOGIES
from siting.testing import assert_result_valid
from tests import toy
from tests.toy import EXACT

pytest.importorskip("highspy")

#: name -> (toy.renewable_layers keywords, Scenario fields, whether the plan uses: "build" (new
#: renewables), "potential" (new build up to a province's potential), "surplus" (a province's stated
#: surplus), "peak" (new build's peak credit as supply)).
CASES = {
    "default": ({}, {}, {"build": True, "surplus": False}),
    "big": ({}, {"target_mw": 750, "renewable_share": 0.0}, {"build": False, "peak": False}),
    "three_hosts": (
        {},
        {"min_host_provinces": 3, "province_share_cap": 0.34, "tiers_mw": (50, 150)},
        {"build": True},
    ),
    # KR-T4's surplus, KR-T3's solar potential (binding) and onshore wind beyond it, an incentive
    "surplus_and_build": (
        {"surplus_mw": {"KR-T4": 60.0}, "max_mw": {"solar": {"KR-T3": 300.0, "KR-T4": 0.0}}},
        {"renewable_share": 0.6, "costs": siting.Costs(renewable_incentive_per_mw=3.0)},
        {"build": True, "potential": True, "surplus": True},
    ),
    # only KR-T3 may host (toy.MIDDLE_ONLY, with new build allowed again), line L3 (50 MW) and 20 MW
    # of peak credit limit its supply: new build's peak credit makes up the rest
    "build_peak": (
        {"residual_mw": {"L3": 50.0, "L5": 0.0}},
        {
            **toy.MIDDLE_ONLY,
            "target_mw": 100,
            "grid_spacing_km": 1,
            "renewable_share": 0.1,
            "renewable_build": BUILD_TECHNOLOGIES,
        },
        {"build": True, "peak": True},
    ),
}


def _uses(res: siting.SitingResult) -> dict[str, bool]:
    """Whether the plan uses new build, a whole potential, surplus, new build's peak credit."""
    s = res.substations
    built = res.renewable_supply[res.renewable_supply["source"] == "new build"]
    return {
        "build": not built.empty,
        "potential": bool((built["capacity_mw"] >= built["max_mw"] - 1e-6).any()),
        "surplus": bool(s["surplus_used_mw"].sum() > 1e-6),
        "peak": bool((s["supply_used_mw"] > s["supply_mw"] + 1e-6).any()),
    }


@pytest.mark.parametrize("name", list(CASES))
def test_reduction_exact_on_fine_grid(toy_data, name):
    """On a fine grid (2 km; 1 km where only KR-T3 hosts) the reduction drops almost every option
    and keeps the optimum.

    The naive model is solved with HiGHS, which proves these optima in seconds
    where CBC can take minutes. Each case uses what it is meant to exercise
    (new build, surplus, new build's peak credit).
    """
    layers, kw, uses = CASES[name]
    data = siting.SitingData(**toy.renewable_layers(**layers)) if layers else toy_data
    sc = siting.Scenario(
        **{"target_mw": 500, "grid_spacing_km": 2, "min_host_provinces": 2, "mip_gap": 0.0, **kw}
    )
    reduced = siting.solve(data, sc)
    naive = siting.solve(data, sc.replace(solver="highs"), reduce=False)
    assert reduced.status == naive.status == "optimal"
    assert reduced.objective == pytest.approx(naive.objective, rel=1e-9)
    assert reduced.model_size["options"] < 0.1 * naive.model_size["options"]
    for res in (reduced, naive):
        assert_result_valid(res, data)
        used = {k: _uses(res)[k] for k in uses}
        assert used == uses, f"the plan uses {used}, the case is meant to use {uses}"


#: Korea at 1,500 MW: grid spacing (km) and Scenario fields. With the default renewable share (0.2,
#: met by new build) HiGHS takes 320 s to prove the 30 km optimum to EXACT's gap, beyond EXACT's
#: time limit (measured on one thread of a shared 2-core machine; without the incentive still 0.6 %
#: from it after 300 s); with share 0 it takes 25 s. So the quick case has no share: the renewable
#: families stay on through the default incentive (the stated surplus, new-build options, renewable
#: flows). The default share runs in the slow tier.
KOREA = {
    "30km": (30, {"renewable_share": 0.0}),
    "30km_share": (30, {"time_limit_s": 900.0}),
    "10km": (10, {}),
}


#: Why the 10 km case may fail: EXACT allows 120 s per solve, and the share met by new build makes
#: the model slower to prove (before the site rows came from the relaxation: 3.5 % from proven after
#: 300 s, one thread; on 2026-12-05 both solves took 83 s on an idle machine).
UNPROVEN_10KM = (
    "1.5 GW at 10 km with the default share may not be proven optimal within EXACT's 120 s per solve "
    "on a busy machine (83 s for both solves alone, 2026-12-05; 3.5 % gap after 300 s before the "
    "site rows came from the LP relaxation)"
)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("30km", marks=pytest.mark.slow),  # toys in the quick tier: test_bruteforce.py
        pytest.param("30km_share", marks=pytest.mark.slow),
        pytest.param("10km", marks=[pytest.mark.slow, pytest.mark.xfail(reason=UNPROVEN_10KM)]),
    ],
)
def test_reduction_exact_korea(korea, name):
    spacing_km, kw = KOREA[name]
    sc = siting.Scenario(target_mw=1500, grid_spacing_km=spacing_km, **{**EXACT, **kw})
    reduced = siting.solve(korea, sc)
    full = siting.solve(korea, sc, reduce=False)
    assert str(reduced.status) == "optimal" and str(full.status) == "optimal"
    assert full.model_size["options"] == full.model_size["options_all"]
    assert reduced.objective == pytest.approx(full.objective, rel=1e-6, abs=1e-6)
    if spacing_km < 30:  # at 30 km the reduction drops nothing with new build: see the next test
        assert reduced.model_size["options"] < reduced.model_size["options_all"]


#: Why the reduction drops nothing on Korea at 30 km with new build allowed (a consequence of the
#: supply bound, not a fault of the reduction): new build's peak credit (up to each province's
#: potential x its peak credit, 5,940 MW in all) adds to the supply reachable at the substations
#: where it connects, the effective headroom grows from 121,900 to 123,800 MW, and no group of
#: options has a site to spare (1,538 kept of 1,538; without new build 1,526 of 1,527).
BUILD_PEAK_HEADROOM = (
    "new build's peak credit raises the effective headroom, so the reduction drops no option at 30 km"
)


@pytest.mark.parametrize(
    ("spacing_km", "kw"),
    [
        pytest.param(30, {}, marks=pytest.mark.xfail(strict=True, reason=BUILD_PEAK_HEADROOM)),
        (30, {"renewable_build": ()}),
        (10, {}),
    ],
    ids=["30km", "30km_no_build", "10km"],
)
def test_reduction_drops_options_korea(korea, spacing_km, kw):
    """The Korean checks above are not empty: the reduction drops options (no solve needed)."""
    sc = siting.Scenario(target_mw=1500, grid_spacing_km=spacing_km, **kw)
    stages = siting.prepare(korea, sc).stages(sc)
    assert len(stages.options) < stages.options_all
