"""Renewable energy free for new load: the stated surplus and new build, by substation.

Existing renewables are consumed by today's load (Korea's whole solar fleet
averages about 4 GW against about 65 GW of demand); for new load they count
only through their peak credit as supply (:func:`siting.grid.node_supply`)
and through the surplus a province states: ``renewable_surplus_mw`` in the
provinces layer, energy curtailed or held back today, average MW. New build
is a decision per (province, technology): capacity in MW, within the
province's ``<technology>_max_mw`` potential, priced and rated by
``Scenario.costs.renewable_technologies``.

Where each connects (ASSUMPTION): new build of a technology connects where
the province's counted plants of that technology connect today (their
nearest substations, weighted by capacity); a province without any uses its
variable renewables (solar and wind), then all its renewables. A province
without counted renewables gets no new build. The surplus is stranded where
the province's variable renewables connect.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._errors import DataError
from .constants import BUILD_TECHNOLOGIES
from .settings import RENEWABLE_ENERGY_TECHNOLOGIES

if TYPE_CHECKING:
    from .data import SitingData
    from .scenario import Scenario

__all__ = ["BUILD_COLUMNS", "RenewableSupply", "counts_renewables", "renewable_supply"]

#: The columns of :attr:`RenewableSupply.builds`.
BUILD_COLUMNS = [
    "province",
    "technology",
    "max_mw",
    "cost_per_mw",
    "annual_per_mw",
    "capacity_factor",
    "peak_credit",
]


def counts_renewables(scenario: Scenario) -> bool:
    """Whether the scenario accounts renewable energy: a share asked for, or an incentive paid for it.

    Examples
    --------
    >>> import siting
    >>> counts_renewables(siting.Scenario(target_mw=1, renewable_share=0,
    ...                   costs=siting.Costs(renewable_incentive_per_mw=0)))
    False
    """
    return scenario.renewable_share > 0 or scenario.costs.renewable_incentive_per_mw > 0


@dataclass(frozen=True)
class RenewableSupply:
    """Surplus per substation and the new-build options with where each connects.

    Attributes
    ----------
    surplus_mw : ndarray
        Average MW of surplus renewable energy at each substation (by position).
    surplus_weights : scipy.sparse.csr_matrix
        Provinces x substations: where each province's surplus is stranded
        (rows sum to 1 where the province has counted renewables).
    builds : DataFrame
        One row per (province, technology) that may be built:
        :data:`BUILD_COLUMNS` (``max_mw`` is ``inf`` where the province gives
        no potential; costs in KRW bn per MW, per year for ``annual_per_mw``).
    weights : scipy.sparse.csr_matrix
        ``len(builds)`` x substations: the share of each option's capacity
        at each substation (rows sum to 1).
    """

    surplus_mw: np.ndarray
    surplus_weights: sp.csr_matrix
    builds: pd.DataFrame
    weights: sp.csr_matrix

    def at_substations(self, per_build: np.ndarray) -> np.ndarray:
        """Per-build values (e.g. MW built) spread over the substations where each connects.

        Examples
        --------
        >>> none = sp.csr_matrix((0, 2))
        >>> s = RenewableSupply(np.zeros(2), none, pd.DataFrame(columns=BUILD_COLUMNS), none)
        >>> s.at_substations(np.zeros(0)).tolist()
        [0.0, 0.0]
        """
        return np.asarray(self.weights.T @ np.asarray(per_build, dtype=float)).ravel()

    def peak_max_mw(self) -> np.ndarray:
        """The most peak supply new build could add at each substation, MW (``inf`` without a potential)."""
        credit = self.builds["peak_credit"].to_numpy(dtype=float)
        peak = np.where(credit > 0, self.builds["max_mw"].to_numpy(dtype=float) * credit, 0.0)
        return self.at_substations(peak)  # a sparse product: inf x a stored weight stays inf


def _weights(
    renewables: pd.DataFrame, at: np.ndarray, n: int, groups: list[tuple[str, tuple[str, ...]]]
) -> sp.csr_matrix:
    """Per (province, technologies) group, the capacity share of its plants at each substation."""
    rows, cols, vals = [], [], []
    prov = renewables["province"].to_numpy()
    tech = renewables["technology"].to_numpy()
    cap = renewables["capacity_mw"].to_numpy(dtype=float)
    for g, (p, techs) in enumerate(groups):
        sel = (prov == p) & np.isin(tech, techs) & (cap > 0)
        if not sel.any():
            continue
        share = np.bincount(at[sel], weights=cap[sel], minlength=n)
        nz = np.flatnonzero(share)
        rows += [g] * len(nz)
        cols += nz.tolist()
        vals += (share[nz] / share.sum()).tolist()
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(groups), n))


def _fallback(renewables: pd.DataFrame, province: str, first: tuple[str, ...]) -> tuple[str, ...]:
    """The technologies whose plants show where ``first`` connects in ``province``: those, else fallbacks."""
    here = set(renewables.loc[renewables["province"] == province, "technology"])
    for techs in (first, BUILD_TECHNOLOGIES, RENEWABLE_ENERGY_TECHNOLOGIES):
        if here & set(techs):
            return tuple(techs)
    return ()


def _potential(provinces: pd.DataFrame, technology: str) -> np.ndarray:
    """Each province's ``<technology>_max_mw`` (``inf`` where absent or empty)."""
    col = f"{technology}_max_mw"
    if col not in provinces.columns:
        return np.full(len(provinces), np.inf)
    v = pd.to_numeric(provinces[col], errors="coerce")
    bad = v < 0
    if bad.any():
        raise DataError(
            [
                f"layer 'provinces', column '{col}': negative potentials in provinces "
                f"{provinces.loc[bad, 'code'].tolist()}; fix: give MW >= 0, or leave it empty for no limit."
            ]
        )
    return v.fillna(np.inf).to_numpy(dtype=float)


def renewable_supply(data: SitingData, scenario: Scenario, at: np.ndarray) -> RenewableSupply:
    """The surplus at each substation and the new-build options of ``scenario``.

    Parameters
    ----------
    data : SitingData
    scenario : Scenario
        Its ``renewable_status`` picks the plants that show where build and
        surplus connect; ``renewable_build`` and
        ``costs.renewable_technologies`` the options (listed whether or not
        the scenario accounts renewables, :func:`counts_renewables`, so
        that the grid does not depend on the share).
    at : ndarray of int
        Nearest substation (row position) of every row of ``data.renewables``.

    Returns
    -------
    RenewableSupply

    Examples
    --------
    >>> import siting
    >>> from siting.grid import build_grid
    >>> d = siting.load_korea()
    >>> s = build_grid(d, siting.Scenario(target_mw=1)).graph["renewable_supply"]
    >>> round(float(s.surplus_mw.sum()), 1) == round(float(d.provinces.renewable_surplus_mw.sum()), 1)
    True
    >>> sorted(set(s.builds.technology))
    ['offshore_wind', 'onshore_wind', 'solar']
    """
    n = len(data.substations)
    ren = data.renewables
    keep = ren["status"].isin(scenario.renewable_status) & ren["technology"].isin(
        RENEWABLE_ENERGY_TECHNOLOGIES
    )
    keep = keep.to_numpy()
    ren, at = ren.loc[keep], np.asarray(at, dtype=int)[keep]
    provinces = data.provinces
    codes = provinces["code"].astype(str).tolist()
    surplus = provinces["renewable_surplus_mw"].to_numpy(dtype=float)
    W = _weights(ren, at, n, [(p, _fallback(ren, p, BUILD_TECHNOLOGIES)) for p in codes])
    lost = [p for p, s, w in zip(codes, surplus, W.sum(axis=1).A1, strict=True) if s > 0 and w == 0]
    if lost:
        raise DataError(
            [
                f"layer 'provinces', column 'renewable_surplus_mw': provinces {lost} state a surplus but "
                "have no "
                "counted renewables to show where it is stranded; fix: add their plants to the renewables "
                "layer, or set the surplus to 0."
            ]
        )
    surplus_mw = np.asarray(W.T @ surplus).ravel()
    rows, costs = [], scenario.costs
    for tech in scenario.renewable_build:
        t = costs.renewable_technologies[tech]
        for p, cap in zip(codes, _potential(provinces, tech), strict=True):
            techs = _fallback(ren, p, (tech,))
            if cap > 0 and techs:
                cost, annual = t.cost_per_mw(costs.discount_rate), t.annual_per_mw(costs.discount_rate)
                rows.append((p, tech, cap, cost, annual, t.capacity_factor, t.peak_credit, techs))
    builds = pd.DataFrame([r[:-1] for r in rows], columns=BUILD_COLUMNS)
    weights = _weights(ren, at, n, [(r[0], r[-1]) for r in rows])
    return RenewableSupply(surplus_mw=surplus_mw, surplus_weights=W, builds=builds, weights=weights)
