"""Money labels follow Costs.currency; the required renewable share stands beside the achieved one."""

import pytest

import siting
from siting import style

SC = siting.Scenario(target_mw=100, grid_spacing_km=5, min_host_provinces=1, renewable_share=0.1)


@pytest.fixture(scope="module")
def euro(toy_data):
    return siting.solve(toy_data, SC.replace(name="euro", costs=siting.Costs(currency="EUR m")))


@pytest.fixture(scope="module")
def won(toy_data):
    return siting.solve(toy_data, SC.replace(name="won"))


def test_summary_and_repr_use_the_currency(euro):
    text = euro.summary()
    assert "KRW" not in text
    assert "Costs (EUR m): " in text and " EUR m; annual matching)" in text
    assert repr(euro).endswith(" EUR m)")


def test_compare_shows_currency_and_required_share(euro, won):
    t = siting.compare([won, euro])
    assert t.loc["currency"].tolist() == ["KRW bn", "EUR m", "differs"]
    assert t.loc["renewable_share_required", "won"] == pytest.approx(0.1)
    assert t.loc["renewable_share", "won"] >= 0.1 - 1e-9
    rows = list(t.index)
    assert rows.index("renewable_share_required") + 1 == rows.index("renewable_share")


def test_map_labels_use_the_currency(euro):
    import matplotlib.pyplot as plt

    assert style.krw_bn(1.5, currency="EUR m") == "1.5 EUR m"
    ax = siting.plot_upgrades(euro)
    assert "EUR m per MW" in ax.get_title() and "KRW" not in ax.get_title()
    plt.close(ax.figure)
    html = siting.explore(euro).get_root().render()
    assert "Total cost: " in html and "EUR m" in html


def test_assumption_units_use_the_currency(toy_data):
    from siting.assumptions import default_assumptions

    sc = SC.replace(costs=siting.Costs(currency="EUR m"))
    units = {a.name: a.unit for a in default_assumptions(toy_data, sc)}
    assert units["cost_site_per_mw"] == "EUR m/MW" and units["cost_transmission_per_mw_km"] == "EUR m/MW-km"


def test_why_here_uses_the_currency(euro):
    table = euro.why_here()
    assert table["costs"].str.endswith(" EUR m").all()
    assert not table.apply(lambda r: "KRW" in " ".join(map(str, r)), axis=1).any()
