"""The supply rule: without plants a grid has only the renewables' peak credit, and the user is told."""

import siting
from tests import toy


def _no_plants():
    layers = toy.layers()
    del layers["plants"]
    return siting.SitingData(**layers)


def test_no_plants_is_diagnosed_with_the_fix():
    """Toy supply without plants: 400 x 0.05 + 300 x 0.10 = 50 MW of peak credit, below 200 MW."""
    sc = siting.Scenario(**{**toy.MIDDLE_ONLY, "exclude_provinces": ()})
    res = siting.solve(_no_plants(), sc)
    assert res.status == "infeasible"
    (text,) = [n for n in res.diagnosis.necessary if n.startswith("supply for new load")]
    assert "is 50 MW in all (no plants layer" in text and "below the target 200 MW" in text
    assert "fix: add a plants layer" in text
    assert text in res.summary()
    # with the plants (350 + 400 + 500 MW of supply_mw) the condition holds and is not reported
    with_plants = siting.solve(siting.SitingData(**toy.layers()), sc)
    assert with_plants.diagnosis is None or not any(
        n.startswith("supply for new load") for n in with_plants.diagnosis.necessary
    )


def test_new_build_without_a_potential_is_supply_enough():
    sc = siting.Scenario(**{**toy.MIDDLE_ONLY, "exclude_provinces": (), "renewable_build": ("solar",)})
    res = siting.solve(_no_plants(), sc)
    assert res.diagnosis is None or not any(
        n.startswith("supply for new load") for n in res.diagnosis.necessary
    )
