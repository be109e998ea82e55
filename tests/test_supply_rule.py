"""The supply rule: without plants a grid has only the renewables' peak credit, and the user is told."""

import pytest

import siting
from tests import toy


def _no_plants():
    layers = toy.layers()
    del layers["plants"]
    return siting.SitingData(**layers)


def test_no_plants_warns_and_names_the_fix():
    """Toy supply without plants: 400 x 0.05 + 300 x 0.10 = 50 MW of peak credit, below 200 MW."""
    sc = siting.Scenario(**{**toy.MIDDLE_ONLY, "exclude_provinces": ()})
    with pytest.warns(UserWarning, match="supply for new load is 50 MW in all") as caught:
        res = siting.solve(_no_plants(), sc)
    text = str(caught[0].message)
    assert (
        "no plants layer" in text and "below the target 200 MW" in text and "fix: add a plants layer" in text
    )
    assert res.status == "infeasible"


def test_enough_supply_does_not_warn(recwarn):
    sc = siting.Scenario(**{**toy.MIDDLE_ONLY, "target_mw": 50, "exclude_provinces": ()})
    siting.solve(_no_plants(), sc)
    assert not [w for w in recwarn if "supply for new load" in str(w.message)]
    # new build without a stated potential can supply any target: no warning either
    siting.solve(_no_plants(), sc.replace(renewable_build=("solar",), target_mw=200))
    assert not [w for w in recwarn if "supply for new load" in str(w.message)]
