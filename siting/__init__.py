"""siting: place data centres where the grid has room.

Examples
--------
>>> import siting
>>> data = siting.load_korea()
>>> res = siting.solve(data, siting.Scenario(target_mw=1000))
>>> str(res.status)
'optimal'
"""

__version__ = "0.1.0"

from typing import Any

from . import families
from ._errors import DataError, ScenarioError, SitingError
from .constants import Status
from .data import SitingData
from .datasets import load_korea
from .families import Family
from .gppd import read_gppd
from .osm import OsmGrid, read_osm_grid
from .pareto import Frontier, pareto, plot_pareto
from .pipeline import solve
from .plot import plot_comparison, plot_data, plot_siting
from .prepared import Prepared, prepare
from .result import Diagnosis, OverbuildWarning, SitingResult, compare
from .scenario import Costs, Scenario
from .solvers import SolveReport
from .sweep import SweepResult, scenario_grid, scenarios_from_toml, sweep

__all__ = [
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
    "SitingResult",
    "SolveReport",
    "SweepResult",
    "Status",
    "compare",
    "explore",
    "families",
    "load_korea",
    "pareto",
    "plot_comparison",
    "plot_data",
    "plot_pareto",
    "plot_siting",
    "prepare",
    "read_gppd",
    "read_osm_grid",
    "scenario_grid",
    "scenarios_from_toml",
    "solve",
    "sweep",
]


def __getattr__(name: str) -> Any:
    """``siting.explore`` is imported on first use, so ``import siting`` does not load folium."""
    if name == "explore":
        from .webmap import explore

        return explore
    raise AttributeError(f"module 'siting' has no attribute {name!r}")
