"""The exact option reduction keeps the optimum (against the naive model over every option)."""

import pytest

import siting
from siting.testing import assert_result_valid
from tests.toy import EXACT

pytest.importorskip("highspy")


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"target_mw": 750, "renewable_share": 0.0},
        {"min_host_provinces": 3, "province_share_cap": 0.34, "tiers_mw": (50, 150)},
        {"costs": siting.Costs(renewable_incentive_per_mw=3.0), "renewable_radius_km": 20},
    ],
    ids=["default", "big", "three_hosts", "shared_credit"],
)
def test_reduction_exact_on_fine_grid(toy_data, kw):
    """On a 2 km grid the reduction drops almost every option and keeps the optimum.

    The naive model is solved with HiGHS, which proves these optima in seconds
    where CBC can take minutes.
    """
    sc = siting.Scenario(
        **{"target_mw": 500, "grid_spacing_km": 2, "min_host_provinces": 2, "mip_gap": 0.0, **kw}
    )
    reduced = siting.solve(toy_data, sc)
    naive = siting.solve(toy_data, sc.replace(solver="highs"), reduce=False)
    assert reduced.status == naive.status == "optimal"
    assert reduced.objective == pytest.approx(naive.objective, rel=1e-9)
    assert reduced.model_size["options"] < 0.1 * naive.model_size["options"]
    assert_result_valid(reduced, toy_data)


@pytest.mark.parametrize("spacing_km", [30, pytest.param(10, marks=pytest.mark.slow)], ids=["30km", "10km"])
def test_reduction_exact_korea(korea, spacing_km):
    sc = siting.Scenario(target_mw=1500, grid_spacing_km=spacing_km, **EXACT)
    reduced = siting.solve(korea, sc)
    full = siting.solve(korea, sc, reduce=False)
    assert str(reduced.status) == "optimal" and str(full.status) == "optimal"
    # the reduction did drop options, and the full model kept all of them
    assert reduced.model_size["options"] < reduced.model_size["options_all"]
    assert full.model_size["options"] == full.model_size["options_all"]
    assert reduced.objective == pytest.approx(full.objective, rel=1e-6, abs=1e-6)
