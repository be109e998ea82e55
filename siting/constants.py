"""The library's vocabulary: status, cost terms, family names and the allowed values of text fields.

This module is at the bottom of the import graph (it imports nothing from
``siting``), like ``linopy.constants``: everything above it speaks in these
names, so a word is spelled in exactly one place.
"""

from __future__ import annotations

import enum
from typing import Final, Literal

__all__ = [
    "Status",
    "COST_TERMS",
    "CostTerm",
    "SOLVERS",
    "SolverName",
    "FLOW_MODELS",
    "FlowModel",
    "TECHNOLOGIES",
    "BUILD_TECHNOLOGIES",
    "STATUSES",
    "REINFORCEMENT_KINDS",
    "TARGET",
    "OVERBUILD",
    "HEADROOM",
    "NETWORK",
    "LINES",
    "SUPPLY",
    "PROVINCE_CAP",
    "HOSTS",
    "RENEWABLE",
    "RENEWABLE_BUILD",
    "SPACING",
    "SECURITY",
]


class Status(enum.StrEnum):
    """Outcome of a solve; compares equal to its string value.

    ``optimal``: proven optimal within the MIP gap. ``feasible``: the time limit
    stopped the solver with a solution (see ``gap``). ``infeasible``: no plan
    meets every limit (see ``diagnosis``). ``no_solution``: the time limit
    stopped the solver before it found any plan.

    Examples
    --------
    >>> Status("optimal") == "optimal", str(Status.FEASIBLE)
    (True, 'feasible')
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    NO_SOLUTION = "no_solution"

    @property
    def has_solution(self) -> bool:
        """Whether a plan was found (optimal or feasible)."""
        return self in (Status.OPTIMAL, Status.FEASIBLE)


CostTerm = Literal["connection", "site", "transmission", "renewable_build", "renewable_incentive", "subsidy"]
#: Terms of the objective, in reporting order (KRW bn; incentives negative).
COST_TERMS: Final[tuple[CostTerm, ...]] = (
    "connection",
    "site",
    "transmission",
    "renewable_build",
    "renewable_incentive",
    "subsidy",
)

SolverName = Literal["cbc", "highs"]
#: Solvers ``solve`` accepts: HiGHS (``highspy``, the default) and CBC (ships with PuLP).
SOLVERS: Final[tuple[SolverName, ...]] = ("cbc", "highs")

FlowModel = Literal["transport", "dc"]
#: Network models: transport (capacities only) or DC power flow (PTDFs).
FLOW_MODELS: Final[tuple[FlowModel, ...]] = ("transport", "dc")

#: Values of the renewables layer's ``technology`` column.
TECHNOLOGIES: Final[tuple[str, ...]] = (
    "solar",
    "onshore_wind",
    "offshore_wind",
    "hydro",
    "pumped_storage",
    "tidal",
)

#: Technologies that may be built for the campuses by default (``Scenario.renewable_build``), each
#: with a ``<technology>_max_mw`` potential column in the provinces layer.
BUILD_TECHNOLOGIES: Final[tuple[str, ...]] = ("solar", "onshore_wind", "offshore_wind")

#: Values of the ``status`` column of renewables and plants (and of ``Scenario.renewable_status``).
STATUSES: Final[tuple[str, ...]] = ("operating", "construction", "planned")

#: Kinds of candidate reinforcement project (layer ``reinforcements``): a new
#: AC line or HVDC link between two substations, the uprating (reconductoring)
#: of an existing line, more headroom at a substation.
REINFORCEMENT_KINDS: Final[tuple[str, ...]] = ("ac_line", "hvdc", "uprate", "substation")

# -- names of the built-in constraint families and of the limits they can relax ----------------
#: Total MW >= target (limit ``target``).
TARGET: Final = "target"
#: Limit of the target family: total MW <= target + ``Scenario.overbuild_mw``.
OVERBUILD: Final = "overbuild"
#: Campus load at a substation <= its headroom (limit ``headroom``).
HEADROOM: Final = "headroom"
#: Flows on residual line capacity against supply for new load (limits ``lines`` and ``supply``).
NETWORK: Final = "network"
#: Limit of the network family: a line's residual capacity.
LINES: Final = "lines"
#: Limit of the network family: supply for new load at a substation.
SUPPLY: Final = "supply"
#: MW in one province <= a share of the total (limit ``province_cap``).
PROVINCE_CAP: Final = "province_cap"
#: At least a number of provinces host a campus (limit ``hosts``).
HOSTS: Final = "hosts"
#: Renewable energy deliverable >= a share of campus energy (limit ``renewable``).
RENEWABLE: Final = "renewable"
#: New renewables built for the campuses: capacity per province and technology (not relaxed).
RENEWABLE_BUILD: Final = "renewable_build"
#: No two campuses closer than a distance (not relaxed).
SPACING: Final = "spacing"
#: Line flows within residual capacity after any single line outage (``Scenario.n_minus_1``).
SECURITY: Final = "security"
