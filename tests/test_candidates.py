"""Candidate sites: ids that stay unique on fine grids."""

import numpy as np

import siting
from siting.candidates import build_candidates
from siting.testing import assert_result_valid


def test_grid_site_ids_unique_at_250_m(toy_data):
    sc = siting.Scenario(target_mw=100, grid_spacing_km=0.25)
    sites = build_candidates(toy_data, sc).sites
    assert len(sites) > 50_000
    assert sites["site_id"].is_unique
    # the id is the grid point in metres of the metric CRS: it can be read back
    xy = sites["site_id"].str[1:].str.split("_", expand=True).astype(float).to_numpy()
    assert np.allclose(xy, np.column_stack([sites.geometry.x, sites.geometry.y]), atol=0.5)


def test_grid_site_ids_stable_across_spacings(toy_data):
    """A point on both grids gets the same id from either."""
    coarse = build_candidates(toy_data, siting.Scenario(target_mw=100, grid_spacing_km=1.0)).sites
    fine = build_candidates(toy_data, siting.Scenario(target_mw=100, grid_spacing_km=0.5)).sites
    shared = set(coarse["site_id"]) & set(fine["site_id"])
    assert len(shared) >= 0.9 * len(coarse)


def _pointed_capital():
    """Toy layers whose capital province pokes a vertex into KR-T2: its buffer has an arc over land."""
    import shapely

    from tests import toy

    layers = toy.layers()
    prov = layers["provinces"]
    tip = shapely.Polygon([(126.5, 36.15), (126.62, 36.25), (126.5, 36.35)])
    prov.loc[0, "geometry"] = shapely.union(prov.geometry[0], tip)
    prov.loc[1, "geometry"] = shapely.difference(prov.geometry[1], tip)
    return siting.SitingData(**layers)


def test_exclusion_buffer_is_exact():
    """A grid point 28 m inside a 30 km buffer is dropped (the buffer polygon's chords would keep it)."""
    import shapely

    from siting.candidates import _grid_points, allowed_area, excluded_core

    data = _pointed_capital()
    sc = siting.Scenario(target_mw=100, grid_spacing_km=0.5, exclude_buffer_km=30)
    core = excluded_core(data, sc)
    # what the polygon buffer alone keeps: some points closer than 30 km, up to ~36 m inside
    provinces, excluded = allowed_area(data, sc)
    xy = _grid_points(shapely.difference(provinces.union_all(), excluded), 500.0)
    d_old = shapely.distance(core, shapely.points(xy))
    inside = d_old < 30_000.0
    assert inside.any() and (30_000.0 - d_old[inside]).max() > 25.0
    near_28 = xy[np.argmin(np.abs((30_000.0 - d_old) - 28.0))]
    assert 20.0 < 30_000.0 - shapely.distance(core, shapely.Point(near_28)) < 36.0
    sites = build_candidates(data, sc).sites
    d_new = shapely.distance(core, sites.geometry.values)
    assert d_new.min() >= 30_000.0
    assert f"g{near_28[0]:.0f}_{near_28[1]:.0f}" not in set(sites.site_id)
    # nothing outside the buffer was lost
    assert len(sites) == int((~inside).sum())


def test_user_candidates_checked_exactly():
    import geopandas as gpd
    import shapely

    from siting.candidates import excluded_core

    data = _pointed_capital()
    sc = siting.Scenario(target_mw=100, exclude_buffer_km=30)
    core = excluded_core(data, sc)
    # two points east of the tip: one 10 m short of 30 km, one 10 m beyond
    far = max(shapely.get_coordinates(core), key=lambda c: c[0])
    pts = [shapely.Point(far[0] + 29_990.0, far[1]), shapely.Point(far[0] + 30_010.0, far[1])]
    user = gpd.GeoDataFrame({"site_id": ["short", "clear"]}, geometry=pts, crs=data.metric_crs)
    c = build_candidates(data, sc, candidates=user)
    assert list(c.sites.site_id) == ["clear"]
    assert c.dropped.to_dict("records") == [{"site_id": "short", "reason": "buffer"}]


def _toy_metric(toy_data, sites):
    import shapely

    prov = toy_data.provinces.to_crs(toy_data.metric_crs).set_index("code").geometry
    return prov, shapely.points(sites["site_id"].str[1:].str.split("_", expand=True).astype(float).to_numpy())


def _east_excluded(buffer_km, **fields):
    """East (KR-T4) excluded besides the capital region (KR-T1), a buffer around the capital region only."""
    return siting.Scenario(
        target_mw=100, exclude_provinces=("East",), exclude_buffer_km={"capital_region": buffer_km}, **fields
    )


def test_buffer_around_the_capital_region_only(toy_data):
    """{"capital_region": 30}: 30 km from KR-T1, none around the also-excluded KR-T4 (friction 9)."""
    import shapely

    sc = _east_excluded(30, grid_spacing_km=2)
    c = build_candidates(toy_data, sc)
    prov, pts = _toy_metric(toy_data, c.sites)
    to_capital = shapely.distance(prov["KR-T1"], pts) / 1000.0
    to_east = shapely.distance(prov["KR-T4"], pts) / 1000.0
    assert to_capital.min() >= 30.0
    assert to_east.min() < 2.0  # campuses may stand beside the excluded East: no buffer there
    # a number still buffers every excluded province
    every = build_candidates(toy_data, sc.replace(exclude_buffer_km=30.0))
    _, pts_every = _toy_metric(toy_data, every.sites)
    assert (shapely.distance(prov["KR-T4"], pts_every) / 1000.0).min() >= 30.0


def test_grid_points_left_out_are_dropped_with_a_reason(toy_data):
    """Grid points in an excluded province or its buffer are in dropped_candidates (the README said so)."""
    import shapely

    sc = _east_excluded(20, grid_spacing_km=5)
    c = build_candidates(toy_data, sc)
    dropped = c.dropped.set_index("site_id")["reason"]
    prov, pts = _toy_metric(toy_data, dropped.reset_index())
    in_capital = shapely.intersects(prov["KR-T1"], pts)
    in_east = shapely.intersects(prov["KR-T4"], pts)
    assert in_capital.sum() > 10 and in_east.sum() > 10
    assert set(dropped[in_capital | in_east]) == {"excluded_province"}
    near = ~(in_capital | in_east) & (dropped != "no_substation").to_numpy()
    assert near.any() and set(dropped[near]) == {"buffer"}
    assert (shapely.distance(prov["KR-T1"], pts[near]) / 1000.0).max() < 20.0
    # a point left out is not a site (a site without a substation in reach is both, as before)
    assert set(dropped[dropped != "no_substation"].index).isdisjoint(c.sites["site_id"])
    assert dropped.index.is_unique


def test_exclusion_area_for_maps(toy_data):
    from siting.candidates import exclusion_area

    sc = _east_excluded(20)
    area = exclusion_area(toy_data, sc).to_crs(toy_data.metric_crs)
    prov = toy_data.provinces.to_crs(toy_data.metric_crs).set_index("code").geometry
    assert area["excluded_province"].symmetric_difference(prov[["KR-T1", "KR-T4"]].union_all()).area < 1e3
    # the ring: about 20 km wide around the capital region, nothing around East
    assert area["buffer"].distance(prov["KR-T4"]) > 1_000.0
    assert area["buffer"].intersection(prov["KR-T2"]).area / prov["KR-T2"].area > 0.3
    assert area["exclusion_area"].is_empty


def test_buffer_naming_a_province_that_is_not_excluded(toy_data):
    import pytest

    sc = siting.Scenario(target_mw=100, exclude_buffer_km={"Middle": 10})
    with pytest.raises(siting.ScenarioError, match="names Middle \\(KR-T3\\), which is not excluded"):
        build_candidates(toy_data, sc)
    with pytest.raises(siting.ScenarioError, match="unknown provinces \\['Midle'\\]"):
        build_candidates(toy_data, sc.replace(exclude_buffer_km={"Midle": 10}))


def test_summary_says_what_is_excluded(toy_data):
    sc = _east_excluded(10, grid_spacing_km=5, min_host_provinces=1)
    res = siting.solve(toy_data, sc)
    lines = res.summary().splitlines()
    assert (
        "Excluded: Capital (KR-T1; capital region), East (KR-T4); buffer 10 km around the capital region"
        in lines
    )
    assert "in an excluded province" in res.dropped_summary()
    assert set(res.sites["province"]) <= {"KR-T2", "KR-T3"}
    assert_result_valid(res, toy_data)  # its buffer check reads the mapping too
