"""Constraint families: each limit on a plan as one unit (see :class:`Family`).

:data:`DEFAULT_FAMILIES` lists the built-in ones in the order the model adds
them; :meth:`siting.model.SitingModel.build` adds those the scenario enables,
each after the families that provide what it reads (:func:`resolve_order`).
To add a family, write one module with a :class:`Family` subclass, give the
scenario the field that switches it on, and add it to ``DEFAULT_FAMILIES``
(or pass ``families=`` to :func:`siting.solve`). Worked example: README,
"Adding a constraint family", and ``tests/test_family_toy.py``.
"""

from __future__ import annotations

from typing import Final

from .._errors import FamilyOrderError
from ._base import Family, Settling, Stage, linear
from ._order import resolve_order
from .headroom import Headroom
from .hosts import Hosts
from .line_loading import LineLoading
from .network import Network
from .province_cap import ProvinceCap
from .reinforcement import Reinforcement
from .renewable import Renewable
from .renewable_build import RenewableBuild
from .security import Security
from .spacing import Spacing
from .target import Target

__all__ = [
    "DEFAULT_FAMILIES",
    "Family",
    "FamilyOrderError",
    "Headroom",
    "Hosts",
    "LineLoading",
    "Network",
    "ProvinceCap",
    "Reinforcement",
    "Renewable",
    "RenewableBuild",
    "Security",
    "Settling",
    "Spacing",
    "Stage",
    "Target",
    "linear",
    "resolve_order",
]

#: The built-in families, in the order they are added to a model (one that their declarations allow).
DEFAULT_FAMILIES: Final[tuple[type[Family], ...]] = (
    Target,
    Reinforcement,
    Headroom,
    RenewableBuild,
    Network,
    LineLoading,
    Renewable,
    Security,
    ProvinceCap,
    Hosts,
    Spacing,
)
