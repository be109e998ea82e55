"""plot_comparison takes results as compare does: a list, or a dict of name to result."""

import pandas as pd
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


@pytest.fixture(scope="module")
def reinforced():
    """The toy plan that builds an uprate, an HVDC link and two units of substation headroom."""
    from tests.test_reinforcement_maps import reinforced_plan

    return reinforced_plan()


def test_compare_lists_the_projects_built(reinforced):
    from tests.test_reinforcement_maps import reinforced_case, unbuilt_plan

    data, sc = reinforced_case()
    today = siting.solve(data, sc.replace(reinforce=False))
    assert today.status == "infeasible"  # the toy needs its projects
    none = unbuilt_plan()
    t = siting.compare({"today": today, "none built": none, "reinforced": reinforced})
    rows = reinforced.reinforcements.set_index("project_id")
    cost = float(rows["cost_krw_bn"].sum())
    assert cost > 0 and reinforced.costs["reinforcement"] == pytest.approx(cost)
    assert t.loc["reinforcement_krw_bn"].tolist()[:3] == [None, 0.0, pytest.approx(cost)]
    assert t.loc["projects_built"].tolist()[:3] == [None, 0, 3]
    assert t.loc["projects"].tolist()[:3] == [None, "", "up3, hv, sub (2 units)"]
    assert t.at["projects_built", "reinforced - today"] is None
    pair = siting.compare({"none built": none, "reinforced": reinforced})
    assert pair.at["projects_built", "difference"] == 3 and pair.at["projects", "difference"] == "differs"
    assert pair.at["reinforcement_krw_bn", "difference"] == pytest.approx(cost)


def test_compare_rows_only_when_a_result_reinforces(small):
    t = siting.compare([small, small])
    assert not {"reinforcement_krw_bn", "projects_built", "projects"} & set(t.index)


def _generic(reinforced):
    """The reinforced plan with its uprate of L3 renamed a line of generic uprate G, and L5 built as well."""
    import dataclasses

    table = reinforced.reinforcements.copy()
    table.loc[table.project_id == "up3", ["project_id", "name"]] = ["G:L3", "Reconductor"]
    extra = table[table.project_id == "G:L3"]
    extra = extra.assign(project_id="G:L5", line_id="L5", cost_krw_bn=2.5, flow_mw=7.0)
    table = pd.concat([table, extra], ignore_index=True)
    return dataclasses.replace(reinforced, reinforcements=table)


def test_compare_counts_a_generic_uprate_under_its_name(reinforced, small):
    res = _generic(reinforced)
    t = siting.compare({"plain": small, "generic": res})
    assert t.at["projects", "generic"] == "hv, sub (2 units), Reconductor (2 lines)"
    assert t.at["projects_built", "generic"] == 4
    assert t.at["projects_built", "plain"] == 0 and t.at["reinforcement_krw_bn", "plain"] == 0.0


def test_summary_counts_a_generic_uprate_under_its_name_as_compare_does(reinforced):
    """The summary's line names a generic uprate once, with its lines' count, total cost and MW."""
    res = _generic(reinforced)
    line = next(s for s in res.summary().splitlines() if s.startswith("Reinforcements built:"))
    lines = res.reinforcements[res.reinforcements.project_id.str.startswith("G:")]
    cost, flow = lines.cost_krw_bn.sum(), lines.flow_mw.sum()
    assert len(lines) == 2 and cost > lines.cost_krw_bn.max() and flow > lines.flow_mw.max()
    assert line.count("Reconductor") == 1
    assert f"Reconductor ×2 lines ({cost:,.1f} KRW bn, carry {flow:,.0f} MW in all)" in line
    assert line.index("hv (") < line.index("sub (") < line.index("Reconductor")  # named first, as in compare
    assert line.endswith(f"; 4 of {len(res.reinforcements)} candidates")
