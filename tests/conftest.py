import matplotlib
import pytest

matplotlib.use("Agg")

import siting  # noqa: E402
from tests import toy  # noqa: E402


@pytest.fixture(scope="session")
def korea():
    return siting.load_korea()


@pytest.fixture(scope="session")
def korea_generic_154(korea):
    """Korea with its 154 kV lines at PyPSA-Earth's generic rating (172 MW per circuit, 0.4x KEPCO's).

    The grid every plan was computed on before the Korean conductor ratings: 154 kV lines bind,
    and the model is the one CBC proves within the time limit at 10 km.
    """
    from siting.settings import LINE_RATINGS

    lines = korea.lines
    kepco154 = lines["rating_source"].str.startswith("kepco") & lines["voltage_kv"].eq(154)
    ratio = LINE_RATINGS["pypsa_earth"].rating_mw(154, "ac") / LINE_RATINGS["kepco"].rating_mw(154, "ac")
    generic = lines.capacity_mw.where(~kepco154, lines.capacity_mw * ratio)
    return korea.replace(lines=lines.assign(capacity_mw=generic))


@pytest.fixture(scope="session")
def toy_data():
    return siting.SitingData(**toy.layers())


@pytest.fixture(scope="session")
def toy_hvdc_data():
    return siting.SitingData(**toy.hvdc_layers())


@pytest.fixture(scope="session")
def toy_infeasible(toy_data):
    """900 MW on the toy grid: infeasible, with limits in the diagnosis (maps draw them).

    No new build (its peak credit would supply the load) and 100 MW of surplus in the East: the
    renewable share is short too."""
    data = toy_data.replace(provinces=toy_data.provinces.assign(renewable_surplus_mw=[0.0, 0.0, 0.0, 100.0]))
    sc = siting.Scenario(target_mw=900, grid_spacing_km=5, min_host_provinces=2, renewable_build=())
    res = siting.solve(data, sc)
    assert res.status == "infeasible" and len(res.diagnosis.limits)
    return res


#: The order the notebooks start in: the longest (04) first, the other long one (02) after the short
#: one, so that under ``--dist worksteal`` the second worker takes 02 from the end of the first's
#: queue instead of the first running 04 and 02 back to back (slow tier: 14.2 min in 04, 02, 01 order
#: on two cores, the two back to back).
NOTEBOOK_ORDER = ("04_analysis", "01_quickstart", "02_scenarios", "05_reinforcement", "03_your_own_data")


#: Calls in a docstring example that solve a model (each 5-40 s on Korea, mostly the solver's root on
#: the whole network): with ``load_korea()`` in the same example they make it a slow doctest.
SOLVING_CALLS = ("solve(", ".solve()", "pareto(", "sweep(", "sweep_inputs(", "sensitivity(", "prepare(")


def solves_on_korea(item) -> bool:
    """Whether a doctest item's examples load the bundled Korea data and solve a model on it."""
    examples = getattr(getattr(item, "dtest", None), "examples", None)
    if not examples:
        return False
    source = "".join(e.source for e in examples)
    return "load_korea(" in source and any(call in source for call in SOLVING_CALLS)


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config, items):
    """Mark the doctests that solve on Korea slow (run by ``make test-all`` and CI, not by
    ``make test``: 25 of them took 476 s of the quick tier's 1,200 CPU seconds; the functions
    they document have their own tests in the quick tier).

    Start the notebooks first, in :data:`NOTEBOOK_ORDER`: begun last they would leave one
    pytest-xdist worker running alone at the end. The other tests keep their order."""
    for item in items:
        if solves_on_korea(item):
            item.add_marker(pytest.mark.slow)
    notebooks = [i for i in items if "test_notebooks.py::test_notebook_runs" in i.nodeid]
    rest = [i for i in items if "test_notebooks.py::test_notebook_runs" not in i.nodeid]
    notebooks.sort(key=lambda i: NOTEBOOK_ORDER.index(i.callspec.id.removesuffix(".ipynb")))
    items[:] = notebooks + rest
