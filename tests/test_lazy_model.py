"""The lazy model: site rows and option columns added when a solution needs them, same optimum.

The reference is the complete model (``lazy=False``: every site row and
every option column up front), solved by the same solver; the brute-force
tests (``test_bruteforce``) check both against an independent enumeration.
"""

import numpy as np
import pytest

import siting
from siting.candidates import build_candidates
from siting.grid import build_grid
from siting.model import SitingModel
from siting.options import build_options, reduce_options
from siting.testing import assert_result_valid

pytest.importorskip("highspy")

#: Toy scenarios on a fine grid where the first lazy solve puts two campuses on one site
#: (checked below: each must add site rows, or it tests nothing).
CONFLICTS = {
    "two_tiers": dict(target_mw=450, tiers_mw=(50, 100), min_host_provinces=2),
    "three_tiers": dict(target_mw=600, tiers_mw=(50, 100, 200), min_host_provinces=3),
}


def _models(data, sc, **kw):
    cand = build_candidates(data, sc)
    opts = reduce_options(build_options(data, sc, cand), data, sc)
    G = build_grid(data, sc)
    return [SitingModel.build(data, sc, cand, opts, graph=G, lazy=lazy, **kw) for lazy in (True, False)]


@pytest.mark.parametrize("name", sorted(CONFLICTS))
def test_lazy_model_equals_complete_model(toy_data, name):
    sc = siting.Scenario(
        grid_spacing_km=3, solver="highs", mip_gap=0.0, renewable_share=0.0, **CONFLICTS[name]
    )
    lazy, full = _models(toy_data, sc)
    assert not lazy.site_rows and lazy.active.sum() < len(lazy.opts)
    assert full.active.all() and len(full.site_rows) > 0
    done_lazy, done_full = lazy.solve(), full.solve()
    assert done_lazy.status == done_full.status == "optimal"
    assert done_lazy.objective == pytest.approx(done_full.objective, rel=1e-9, abs=1e-9)
    # the conflict happened: rows were added, and with them columns beyond the first ones
    assert lazy.site_rows
    x = np.array([v.varValue or 0.0 for v in lazy.x])
    assert (x[~lazy.active] == 0).all()
    per_site = np.bincount(lazy.opts["site"].to_numpy(), weights=x)
    assert per_site.max() <= 1 + 1e-6


def test_new_site_row_brings_in_the_next_option(toy_data):
    """A row on a group's site makes the group's next-cheapest option a column, in its count row."""
    sc = siting.Scenario(target_mw=300, grid_spacing_km=3, tiers_mw=(50, 100), min_host_provinces=1)
    (m, _) = _models(toy_data, sc)
    opts = m.opts
    g = int(np.argmax([len(idx) for idx in m.group_options]))
    idx = m.group_options[g]
    ranked = idx[np.lexsort((opts["site"].to_numpy()[idx], opts["cost"].to_numpy()[idx]))]
    bound = int(m.y[g].upBound)
    assert len(ranked) > bound  # the group has options the model leaves out
    assert m.active[ranked[:bound]].all() and not m.active[ranked[bound:]].any()
    cheapest_site = int(opts["site"].iat[ranked[0]])
    assert m.add_site_rows([cheapest_site]) == 1
    assert m.active[ranked[bound]]
    assert m.x[ranked[bound]] in m.prob.constraints[f"count_{g}"].keys()
    assert m.add_site_rows([cheapest_site]) == 0  # once only


def test_lazy_model_on_korea(korea):
    """Default families on Korea: the lazy and complete models reach the same optimum; the plan checks out."""
    sc = siting.Scenario(target_mw=1000, grid_spacing_km=20, solver="highs", mip_gap=0.0)
    lazy, full = _models(korea, sc)
    assert lazy.active.sum() < len(lazy.opts)
    assert lazy.solve().objective == pytest.approx(full.solve().objective, rel=1e-9)
    assert_result_valid(siting.solve(korea, sc), korea)
