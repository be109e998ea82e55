"""Spacing: no two campuses closer than ``min_spacing_km``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shapely

from ..constants import SPACING
from ._base import Family, linear

if TYPE_CHECKING:
    from .._result_types import ResultLike
    from .._types import ModelLike
    from ..data import SitingData
    from ..scenario import Scenario

__all__ = ["Spacing"]


class Spacing(Family):
    """Pairwise conflicts from an STRtree: options of two sites too close sum to at most 1.

    Not relaxed by the diagnosis (it has no MW to give).
    """

    name = SPACING
    reads_sites = True

    @classmethod
    def enabled(cls, scenario: Scenario) -> bool:
        """On when ``min_spacing_km > 0``."""
        return scenario.min_spacing_km > 0

    def add(self, m: ModelLike) -> None:
        """Add one conflict row per pair of sites closer than the spacing."""
        used = np.unique(m.opts["site"].to_numpy())
        pts = m.cand.sites.geometry.values[used]
        tree = shapely.STRtree(pts)
        a, b = tree.query(pts, predicate="dwithin", distance=m.scenario.min_spacing_km * 1000.0 - 1e-6)
        keep = a < b
        by_site = m.options_by("site")
        for n, (i, j) in enumerate(zip(used[a[keep]], used[b[keep]], strict=True)):
            if n % 2000 == 0:
                m.check_time("building the spacing rows")
            both = [(m.x[k], 1) for k in by_site[i]] + [(m.x[k], 1) for k in by_site[j]]
            m.prob += linear(both) <= 1, f"spacing_{i}_{j}"

    @classmethod
    def check(cls, result: ResultLike, data: SitingData, tol: float) -> None:
        """Least distance between campus points, in the data's metric CRS."""
        sites = result.sites.to_crs(data.metric_crs)
        if len(sites) < 2:
            return
        pts = sites.geometry.representative_point() if (sites.geom_type != "Point").any() else sites.geometry
        xy = shapely.get_coordinates(pts.values)
        dd = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) / 1000.0
        np.fill_diagonal(dd, np.inf)
        least = result.scenario.min_spacing_km
        assert dd.min() >= least - 1e-6, f"two campuses {dd.min():.2f} km apart < {least} km"
