"""New renewables built for the campuses: capacity per (province, technology) as a decision.

Continuous ``b[k] >= 0`` MW per option of
:class:`~siting.renewable_supply.RenewableSupply` (a province and a
technology), at most the province's potential. Built capacity adds, at the
substations where it connects, ``peak_credit x b`` to the supply for new
load (the network family's supply rows) and ``capacity_factor x b`` to the
renewable energy the renewable family may deliver. Its one-off cost
(capital plus the present value of O&M, :meth:`siting.Costs.renewable_cost_per_mw`)
is the ``renewable_build`` cost term.

A few dozen continuous columns: the build depends on the plan only through
the share row and the supply it adds, so the relaxation stays as tight as
the share itself (every MW of campus needs the same energy wherever it is).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pulp

from ..constants import RENEWABLE_BUILD
from ..renewable_supply import counts_renewables
from ._base import Family, Settling, Stage, linear, value

if TYPE_CHECKING:
    from .._result_types import ResultLike
    from .._types import ModelLike, SolutionLike
    from ..data import SitingData
    from ..scenario import Scenario

__all__ = ["RenewableBuild"]


class RenewableBuild(Family):
    """MW built per (province, technology); its peak credit and energy by substation; its cost.

    Never relaxed: building nothing always fits. Provides ``build_peak`` and
    ``build_energy`` (per substation) and the ``renewable_build`` cost term.
    """

    name = RENEWABLE_BUILD
    provides = ("build_peak", "build_energy", "renewable_build")

    @classmethod
    def enabled(cls, scenario: Scenario) -> bool:
        """On when renewable energy is accounted (share or incentive) and some technology may be built."""
        return counts_renewables(scenario) and bool(scenario.renewable_build)

    def add(self, m: ModelLike) -> None:
        """Add the build columns, their supply and energy by substation, and their cost."""
        sup = m.graph.graph["renewable_supply"]
        builds = sup.builds
        cap = builds["max_mw"].to_numpy(dtype=float)
        self.b = [
            pulp.LpVariable(f"rb{k}", lowBound=0, upBound=float(c) if np.isfinite(c) else None)
            for k, c in enumerate(cap)
        ]
        W = sup.weights.tocsc()
        peak = builds["peak_credit"].to_numpy(dtype=float)
        energy = builds["capacity_factor"].to_numpy(dtype=float)
        for n in np.flatnonzero(np.diff(W.indptr)).tolist():
            rows = W.indices[W.indptr[n] : W.indptr[n + 1]]
            w = W.data[W.indptr[n] : W.indptr[n + 1]]
            m.build_energy[n] = linear((self.b[k], wk * energy[k]) for k, wk in zip(rows, w, strict=True))
            if (peak[rows] > 0).any():
                m.build_peak[n] = linear((self.b[k], wk * peak[k]) for k, wk in zip(rows, w, strict=True))
        cost = builds["cost_per_mw"].to_numpy(dtype=float)
        m.terms["renewable_build"] = linear(zip(self.b, cost, strict=True))
        m.fixed_with_plan.extend(self.b)  # settling moves flows, not what the plan builds

    def settling(self, m: ModelLike) -> Settling:
        """The build's cost among the priced terms (it moves only if settling must loosen the build)."""
        return Settling(priced=(Stage("settle_build", m.terms["renewable_build"], pulp.LpMinimize),))

    def read(self, m: ModelLike, sol: SolutionLike) -> None:
        """MW built per option."""
        sol.renewable_build_mw = np.array([value(b) for b in self.b])

    @classmethod
    def check(cls, result: ResultLike, data: SitingData, tol: float) -> None:
        """Builds within each province's potential, at the scenario's costs; their peak credit as reported.

        Recomputed from ``result.renewable_supply`` and the inputs: MW >= 0 and
        at most the provinces layer's ``<technology>_max_mw``; a technology
        the scenario allows; energy = MW x capacity factor, cost = MW x
        :meth:`siting.Costs.renewable_cost_per_mw`, summed into the
        ``renewable_build`` term; the substations' ``build_peak_mw`` sum to
        MW x peak credit.
        """
        sc = result.scenario
        table = result.renewable_supply
        built = table[table["source"] == "new build"]
        assert (built["capacity_mw"] >= -tol).all(), "negative new build"
        assert set(built["technology"]) <= set(sc.renewable_build), (
            f"new build of {sorted(set(built['technology']) - set(sc.renewable_build))}, not allowed"
        )
        prov = data.provinces.set_index("code")
        for r in built.itertuples():
            col = f"{r.technology}_max_mw"
            limit = pd.to_numeric(prov[col], errors="coerce").get(r.province) if col in prov else None
            if limit is not None and np.isfinite(limit):
                assert r.capacity_mw <= limit + tol, (
                    f"{r.capacity_mw:.1f} MW of {r.technology} built in {r.province}, "
                    f"above its {limit:.1f} MW"
                )
        techs = sc.costs.renewable_technologies
        cf = built["technology"].map(lambda t: techs[t].capacity_factor).to_numpy(dtype=float)
        mw = built["capacity_mw"].to_numpy(dtype=float)
        assert np.allclose(built["energy_mw"].to_numpy(dtype=float), mw * cf, atol=tol), "energy != MW x CF"
        cost = float(
            (mw * built["technology"].map(sc.costs.renewable_cost_per_mw).to_numpy(dtype=float)).sum()
        )
        term = result.costs.get("renewable_build", 0.0)
        assert abs(term - cost) <= 1e-6 * max(1.0, abs(cost)) + 1e-6, f"renewable_build {term} != {cost}"
        peak = float(
            (mw * built["technology"].map(lambda t: techs[t].peak_credit).to_numpy(dtype=float)).sum()
        )
        told = float(result.substations["build_peak_mw"].sum())
        assert abs(told - peak) <= tol * 10 + 1e-6 * peak, f"build peak {told} MW != MW x peak credit {peak}"
