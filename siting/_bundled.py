"""Where the scenarios bundled with siting are: an installed wheel or a source checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ._checks import check_choice

__all__ = ["BUNDLED_SCENARIOS", "bundled_scenario_path"]

#: The scenarios bundled with siting (``scenarios/`` in the repository, ``siting.bundled_scenarios``).
BUNDLED_SCENARIOS = ("korea_default",)


def bundled_scenario_path(name: str = "korea_default") -> Path:
    """Path of a bundled scenario file, from an installed wheel or a source checkout.

    Parameters
    ----------
    name : str, default "korea_default"
        One of :data:`BUNDLED_SCENARIOS`.

    Examples
    --------
    >>> bundled_scenario_path().name
    'korea_default.toml'
    """
    check_choice("bundled scenario", name, BUNDLED_SCENARIOS)
    try:
        return Path(str(resources.files("siting.bundled_scenarios") / f"{name}.toml"))
    except ModuleNotFoundError:  # running from a source tree that is not installed
        return Path(__file__).resolve().parent.parent / "scenarios" / f"{name}.toml"
