"""plot_comparison takes results as compare does: a list, or a dict of name to result."""

import pytest

import siting


@pytest.fixture(scope="module")
def small(toy_data):
    return siting.solve(toy_data, siting.Scenario(target_mw=200, grid_spacing_km=5, min_host_provinces=1))


def test_plot_comparison_takes_a_dict_as_compare_does(small, toy_infeasible):
    runs = {"200 MW": small, "900 MW": toy_infeasible}
    fig = siting.plot_comparison(runs)
    assert [a.get_title().split(":")[0] for a in fig.axes] == ["200 MW", "900 MW"]
    assert siting.compare(runs).columns[:2].tolist() == ["200 MW", "900 MW"]
    renamed = siting.plot_comparison(runs, names=["a", "b"])
    assert [a.get_title().split(":")[0] for a in renamed.axes] == ["a", "b"]


def test_plot_comparison_names_a_list_by_scenario_made_unique(small):
    fig = siting.plot_comparison([small, small])
    assert [a.get_title().split(":")[0] for a in fig.axes] == ["scenario", "scenario #2"]


@pytest.mark.parametrize("results", [[], {}])
def test_plot_comparison_needs_a_result(results):
    with pytest.raises(siting.SitingError, match="one result or more, got 0"):
        siting.plot_comparison(results)
