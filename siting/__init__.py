"""siting: place data centres where the grid has room.

Examples
--------
>>> import siting
>>> data = siting.load_korea()
>>> res = siting.solve(data, siting.Scenario(target_mw=1000))
>>> str(res.status)
'optimal'
"""

from ._errors import DataError, ScenarioError, SitingError
from .data import SitingData
from .datasets import load_korea
from .pipeline import solve
from .plot import plot_data, plot_siting
from .result import Diagnosis, SitingResult, Status
from .scenario import Costs, Scenario

__version__ = "0.1.0"

__all__ = [
    "Costs",
    "DataError",
    "Diagnosis",
    "Scenario",
    "ScenarioError",
    "SitingData",
    "SitingError",
    "SitingResult",
    "Status",
    "explore",
    "load_korea",
    "plot_data",
    "plot_siting",
    "solve",
]


def __getattr__(name: str):
    """``siting.explore`` is imported on first use, so ``import siting`` does not load folium."""
    if name == "explore":
        from .webmap import explore

        return explore
    raise AttributeError(f"module 'siting' has no attribute {name!r}")
