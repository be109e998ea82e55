"""Property-based tests (hypothesis): the validators, and metamorphic relations on small toy instances.

Fixed seed (derandomize) and bounded example counts keep CI fast and repeatable.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import siting
from siting import _validate as V
from tests import toy
from tests.toy import EXACT

FAST = settings(
    derandomize=True, max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
SOLVES = settings(
    derandomize=True, max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# -- validators -----------------------------------------------------------------------------------
ids = st.one_of(st.integers(-5, 50), st.integers(0, 50).map(float), st.text("abc-1", min_size=1, max_size=4))


@FAST
@given(st.lists(ids, min_size=1, max_size=12))
def test_id_strings_match_int_and_float_forms(values):
    out = V.id_strings(pd.Series(values, dtype=object))
    for v, s in zip(values, out, strict=True):
        if isinstance(v, float):
            assert s == str(int(v))
        else:
            assert s == str(v)


numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-1000, 1000))


@FAST
@given(st.lists(numbers, min_size=7, max_size=7))
def test_headroom_validator_flags_exactly_the_bad_rows(values):
    subs = toy.substations().assign(headroom_mw=values)
    problems = V.check_layer(subs, V.SUBSTATIONS)
    num = pd.to_numeric(pd.Series(values), errors="coerce")
    bad = (num < 0) | np.isinf(num)
    assert bool(problems) == bool(bad.any())
    for sid in subs.loc[bad.values, "substation_id"]:
        assert sid in " ".join(problems)


@FAST
@given(st.one_of(st.floats(allow_nan=True), st.integers(-3, 3), st.text(max_size=3), st.none()))
def test_share_cap_accepted_iff_in_range(value):
    ok = isinstance(value, (int, float)) and not math.isnan(value) and 0 < value <= 1
    if ok:
        assert siting.Scenario(target_mw=1, province_share_cap=value).province_share_cap == value
    else:
        with pytest.raises(siting.ScenarioError, match="province_share_cap"):
            siting.Scenario(target_mw=1, province_share_cap=value)


@FAST
@given(st.text(min_size=1, max_size=12))
def test_unknown_keywords_are_scenario_errors(name):
    known = {f for f in siting.Scenario.__dataclass_fields__}
    if name in known or not name.isidentifier():
        return
    with pytest.raises(siting.ScenarioError, match="unknown field"):
        siting.Scenario(target_mw=1, **{name: 1})


# -- metamorphic relations on small random instances -------------------------------------------------
DATA = siting.SitingData(**toy.layers())
BASE = dict(min_host_provinces=1, province_share_cap=1.0, renewable_share=0.0, tiers_mw=(50, 100), **EXACT)

# points inside the three allowed provinces (lon 126.5-128.0, lat 36.0-36.5)
points = st.lists(
    st.tuples(st.floats(126.55, 127.95), st.floats(36.05, 36.45)), min_size=3, max_size=8, unique=True
)


def _cands(pts):
    return gpd.GeoDataFrame(
        {"site_id": [f"c{i}" for i in range(len(pts))]}, geometry=[shapely.Point(p) for p in pts], crs=4326
    )


def _solve(data, cands, **kw):
    return siting.solve(data, siting.Scenario(**{**BASE, **kw}), candidates=cands)


def _cost(res):
    return res.objective if res.status == "optimal" else math.inf


@SOLVES
@given(points, st.sampled_from([100, 200, 300]), st.floats(1.0, 3.0))
def test_more_headroom_never_worse(pts, target, factor):
    cands = _cands(pts)
    base = _solve(DATA, cands, target_mw=target)
    subs = DATA.substations.assign(headroom_mw=DATA.substations.headroom_mw * factor)
    more = _solve(DATA.replace(substations=subs), cands, target_mw=target)
    assert _cost(more) <= _cost(base) + 1e-6


@SOLVES
@given(points, st.sampled_from([50, 100, 200]), st.sampled_from([50, 100]))
def test_tighter_target_never_better(pts, target, more_mw):
    cands = _cands(pts)
    base = _solve(DATA, cands, target_mw=target)
    tight = _solve(DATA, cands, target_mw=target + more_mw)
    assert _cost(tight) >= _cost(base) - 1e-6


@SOLVES
@given(points, st.sampled_from([100, 200]), st.randoms(use_true_random=False))
def test_shuffled_candidates_same_optimum(pts, target, rnd):
    cands = _cands(pts)
    order = list(range(len(cands)))
    rnd.shuffle(order)
    a = _solve(DATA, cands, target_mw=target)
    b = _solve(DATA, cands.iloc[order], target_mw=target)
    assert a.status == b.status
    if a.status == "optimal":
        assert a.objective == pytest.approx(b.objective, rel=1e-6, abs=1e-6)
