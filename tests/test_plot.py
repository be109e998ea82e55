"""Static maps."""

import siting


def test_plot_siting_draws_campuses(toy_data):
    res = siting.solve(toy_data, siting.Scenario(target_mw=500, grid_spacing_km=5, min_host_provinces=2))
    ax = siting.plot_siting(res)
    assert "optimal" in ax.get_title()
    labels = [t.get_text() for t in ax.texts]
    assert sum(t.isdigit() for t in labels) == len(res.sites)
    table = next(t for t in labels if t.startswith("MW by province"))
    for name in res.provinces.loc[res.provinces.capacity_mw > 0, "name"]:
        assert name in table
