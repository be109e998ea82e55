"""``import siting`` stays light: heavy libraries load on first use of a name that needs them."""

import subprocess
import sys

import pytest

HEAVY = ("matplotlib", "folium", "pulp", "highspy", "scipy", "networkx", "geopandas")


def _loaded(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {m.split(".")[0] for m in out}


def test_import_siting_loads_no_heavy_library():
    assert _loaded("import siting").isdisjoint(HEAVY)


def test_solve_does_not_load_plotting():
    loaded = _loaded("import siting\nsiting.solve")
    assert "pulp" in loaded
    assert loaded.isdisjoint({"matplotlib", "folium"})


@pytest.mark.parametrize("name", ["plot_siting", "explore", "solve", "SitingData", "load_korea", "Family"])
def test_public_names_resolve(name):
    import siting

    assert name in siting.__all__
    assert name in dir(siting)
    assert getattr(siting, name) is not None


def test_submodules_resolve_and_unknown_names_raise():
    import siting

    assert siting.grid.build_grid is not None
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        siting.nope  # noqa: B018


def test_lazy_names_stay_functions_after_their_module_loads():
    """A public function named like its module would be replaced by the module once imported."""
    import siting

    code = (
        "import importlib, pkgutil, siting, types\n"
        "siting.scenario_grid, siting.Frontier, siting.prepare, siting.upgrade_values\n"
        # every submodule imported first, as doctest collection does
        "[importlib.import_module(m.name) for m in pkgutil.walk_packages(siting.__path__, 'siting.')"
        " if m.name != 'siting.__main__']\n"
        f"bad = [n for n in {siting.__all__!r} if isinstance(getattr(siting, n), types.ModuleType)"
        " and n != 'families']\n"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
