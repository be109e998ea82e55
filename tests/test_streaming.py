"""Vectorised candidates, the numpy reduction and streamed options give what the plain versions give."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import siting
from siting.candidates import _ProvinceLocator, allowed_area, build_candidates
from siting.grid import build_grid
from siting.options import build_options, effective_headroom, reduce_options, stream_options


def reference_reduction(opts, data, scenario, head):
    """The reduction as first written, with pandas merges: an independent reference."""
    min_tier = min(scenario.tiers_mw)
    cap = np.floor(head / min_tier + 1e-9)
    group = ["substation", "province", "tier_mw"]
    order = opts.sort_values([*group, "cost", "site"], kind="stable").reset_index(drop=True)
    order["rank"] = order.groupby(group).cumcount()
    reach = opts[["site", "substation"]].drop_duplicates().rename(columns={"substation": "other"})
    ex = order[[*group, "rank", "site"]].merge(reach, on="site")
    ex = ex.loc[ex["other"] != ex["substation"]].sort_values([*group, "rank"], kind="stable")
    seen = ex.groupby([*group, "other"]).cumcount().to_numpy()
    ex["occ"] = (seen < cap[ex["other"].to_numpy()]).astype(int)
    occ = ex.groupby([*group, "rank"])["occ"].sum()
    order["occ"] = occ.reindex(pd.MultiIndex.from_frame(order[[*group, "rank"]]), fill_value=0).to_numpy()
    order["occ"] = order.groupby(group)["occ"].cumsum()
    base = np.floor((head[order["substation"].to_numpy()] - order["tier_mw"].to_numpy()) / min_tier + 1e-9)
    order["stop"] = ((order["rank"].to_numpy() + 1) > base + order["occ"].to_numpy()).astype(int)
    before = order.groupby(group)["stop"].cumsum() - order["stop"]
    kept = order.loc[before.to_numpy() == 0].drop(columns=["rank", "occ", "stop"])
    return kept.sort_values(["site", "substation", "tier_mw"], kind="stable").reset_index(drop=True)


def _by_id(opts, sites):
    """Options keyed by site id instead of row position, for comparing different site tables."""
    out = opts.assign(site_id=sites["site_id"].to_numpy()[opts["site"].to_numpy()]).drop(columns="site")
    return out.reset_index(drop=True)


@pytest.fixture(scope="module", params=["korea_5km", "toy_500m"])
def case(request, korea, toy_data):
    if request.param == "korea_5km":
        data = korea
        sc = siting.Scenario.from_toml("scenarios/korea_default.toml").replace(grid_spacing_km=5)
    else:
        data = toy_data
        sc = siting.Scenario(target_mw=600, grid_spacing_km=0.5, tiers_mw=(50, 100, 200))
    head = effective_headroom(data, sc, build_grid(data, sc))
    cand = build_candidates(data, sc)
    return data, sc, head, cand, build_options(data, sc, cand, headroom=head)


def test_reduction_keeps_the_reference_rows(case):
    data, sc, head, _, opts = case
    kept = reduce_options(opts, data, sc, headroom=head)
    ref = reference_reduction(opts, data, sc, head)
    assert len(kept) < len(opts)
    pd.testing.assert_frame_equal(kept, ref, check_dtype=False, check_exact=True)


def test_reduction_ignores_row_order(case):
    data, sc, head, _, opts = case
    shuffled = opts.sample(frac=1.0, random_state=0)
    pd.testing.assert_frame_equal(
        reduce_options(shuffled, data, sc, headroom=head), reduce_options(opts, data, sc, headroom=head)
    )


@pytest.mark.parametrize(("block_cells", "pool_rows"), [(2_000, 1_000), (2_000, 10**9), (10**9, 10**9)])
def test_streamed_options_equal_the_whole_grid(case, block_cells, pool_rows):
    data, sc, head, cand, opts = case
    st = stream_options(data, sc, headroom=head, block_cells=block_cells, pool_rows=pool_rows)
    whole = reduce_options(opts, data, sc, headroom=head)
    assert st.cand.count == len(cand.sites) and st.options_all == len(opts)
    assert len(st.cand.sites) < len(cand.sites) or block_cells > len(cand.sites)
    pd.testing.assert_frame_equal(_by_id(st.opts, st.cand.sites), _by_id(whole, cand.sites), check_exact=True)
    # the kept sites carry what the result reads: ids, geometry, province, renewables
    ref = cand.sites.set_index("site_id").loc[st.cand.sites["site_id"]]
    assert (ref["province"].to_numpy() == st.cand.sites["province"].to_numpy()).all()
    assert shapely.equals(ref.geometry.values, st.cand.sites.geometry.values).all()


def test_streamed_solve_matches_unreduced(toy_data, monkeypatch):
    monkeypatch.setattr(siting.prepared, "STREAM_CELLS", 0)  # stream even this small grid
    sc = siting.Scenario(target_mw=600, grid_spacing_km=1, tiers_mw=(50, 100, 200), solver="highs")
    assert siting.prepare(toy_data).streams(sc)
    streamed = siting.solve(toy_data, sc)
    naive = siting.solve(toy_data, sc, reduce=False)
    assert streamed.status == naive.status == "optimal"
    assert streamed.objective == pytest.approx(naive.objective, rel=1e-6)
    assert streamed.model_size["candidates"] == naive.model_size["candidates"]
    siting.testing.assert_result_valid(streamed, toy_data)


def test_province_locator_equals_nearest_join(korea):
    sc = siting.Scenario(target_mw=100)
    provinces, _ = allowed_area(korea, sc)
    rng = np.random.default_rng(0)
    x0, y0, x1, y1 = provinces.total_bounds
    xy = np.column_stack([rng.uniform(x0, x1, 4000), rng.uniform(y0, y1, 4000)])
    # points on a shared border and at a vertex, where containment is ambiguous
    border = shapely.get_coordinates(
        shapely.intersection(provinces.geometry.iat[0], provinces.geometry.iat[1])
    )
    xy = np.concatenate([xy, border[:5]])
    got = _ProvinceLocator(provinces)(xy[:, 0], xy[:, 1])
    pts = gpd.GeoDataFrame(geometry=shapely.points(xy), crs=provinces.crs)
    joined = gpd.sjoin_nearest(pts, provinces[["code", "geometry"]], how="left")
    want = joined.loc[~joined.index.duplicated(), "code"].to_numpy()
    assert (got == want).all()
    # most points are at sea or in excluded provinces: the nearest fallback is exercised
    assert not shapely.contains_xy(provinces.union_all(), xy[:, 0], xy[:, 1]).all()
