"""siting: place data centres where the grid has room.

``import siting`` loads only the scenario and error types; GeoPandas, the
solver stack (PuLP, HiGHS, NetworkX, SciPy), plotting (matplotlib) and web
maps (folium) are imported on first use of a name that needs them, e.g.
``siting.load_korea`` or ``siting.solve``.

Examples
--------
>>> import siting
>>> data = siting.load_korea()
>>> res = siting.solve(data, siting.Scenario(target_mw=1000, grid_spacing_km=40))
>>> str(res.status)
'optimal'
"""

__version__ = "0.1.0"

import importlib
from typing import TYPE_CHECKING, Any

from ._errors import DataError, ScenarioError, SitingError, UsageError
from .constants import Status
from .scenario import Costs, Scenario

if TYPE_CHECKING:
    from . import families
    from .assumptions import Assumption, default_assumptions
    from .comparison import compare
    from .data import SitingData
    from .datasets import load_korea
    from .families import Family
    from .frontier import Frontier, pareto, plot_pareto
    from .gppd import read_gppd
    from .osm import OsmGrid, read_osm_grid
    from .pipeline import solve
    from .plot import plot_comparison, plot_data, plot_siting
    from .prepared import Prepared, prepare
    from .reinforcement_values import project_values
    from .result import Diagnosis, OverbuildWarning, SitingResult
    from .sensitivities import SensitivityResult, plot_tornado, sensitivity
    from .solvers import SolveReport
    from .sweeps import SweepResult, scenario_grid, scenarios_from_toml, sweep
    from .upgrade_map import plot_upgrades
    from .upgrades import upgrade_values
    from .webmap import explore

__all__ = [
    "Assumption",
    "Costs",
    "DataError",
    "Diagnosis",
    "OsmGrid",
    "Prepared",
    "OverbuildWarning",
    "Family",
    "Frontier",
    "Scenario",
    "ScenarioError",
    "SitingData",
    "SitingError",
    "SensitivityResult",
    "SitingResult",
    "SolveReport",
    "SweepResult",
    "Status",
    "UsageError",
    "compare",
    "default_assumptions",
    "explore",
    "families",
    "load_korea",
    "pareto",
    "plot_comparison",
    "plot_data",
    "plot_pareto",
    "plot_siting",
    "plot_tornado",
    "plot_upgrades",
    "prepare",
    "project_values",
    "read_gppd",
    "read_osm_grid",
    "scenario_grid",
    "scenarios_from_toml",
    "sensitivity",
    "solve",
    "upgrade_values",
    "sweep",
]

#: Public names imported on first use, by the submodule that defines them.
_LAZY = {
    "Assumption": "assumptions",
    "default_assumptions": "assumptions",
    "SensitivityResult": "sensitivities",
    "plot_tornado": "sensitivities",
    "sensitivity": "sensitivities",
    "Diagnosis": "result",
    "OverbuildWarning": "result",
    "Frontier": "frontier",
    "Prepared": "prepared",
    "SweepResult": "sweeps",
    "pareto": "frontier",
    "plot_pareto": "frontier",
    "prepare": "prepared",
    "scenario_grid": "sweeps",
    "scenarios_from_toml": "sweeps",
    "sweep": "sweeps",
    "compare": "comparison",
    "plot_comparison": "plot",
    "Family": "families",
    "OsmGrid": "osm",
    "SitingData": "data",
    "SitingResult": "result",
    "SolveReport": "solvers",
    "explore": "webmap",
    "load_korea": "datasets",
    "plot_data": "plot",
    "plot_upgrades": "upgrade_map",
    "upgrade_values": "upgrades",
    "project_values": "reinforcement_values",
    "plot_siting": "plot",
    "read_gppd": "gppd",
    "read_osm_grid": "osm",
    "solve": "pipeline",
}


def __getattr__(name: str) -> Any:
    """Import a public name, or a submodule (``siting.grid``), on first use."""
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    else:
        try:
            value = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module 'siting' has no attribute {name!r}") from None
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
