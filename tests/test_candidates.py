"""Candidate sites: ids that stay unique on fine grids."""

import numpy as np

import siting
from siting.candidates import build_candidates


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
