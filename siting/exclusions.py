"""Where no campus may go: excluded provinces, their buffers and exclusion areas.

The capital region (unless switched off) and ``exclude_provinces`` are
excluded; ``exclude_buffer_km`` keeps campuses a distance from all of them or,
as a mapping, from those it names (``{"capital_region": 30}``); exclusion
files and ``exclusions=`` add no-go polygons. Distances are in the data's
metric CRS and checked exactly (:func:`outside_buffer`);
:func:`exclusion_area` gives the area for maps, :func:`exclusion_text` in words.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import _validate as V
from ._errors import ScenarioError
from .data import SitingData
from .io import read_layer
from .scenario import CAPITAL_REGION, Scenario

__all__ = [
    "allowed_area",
    "buffer_km_by_province",
    "buffer_ring",
    "buffer_zones",
    "clear_of",
    "excluded_codes",
    "excluded_core",
    "exclusion_area",
    "exclusion_text",
    "outside_buffer",
    "outside_buffers",
]


def excluded_codes(data: SitingData, scenario: Scenario) -> list[str]:
    """Province codes excluded: the capital region (unless switched off) and ``exclude_provinces``.

    Examples
    --------
    >>> import siting
    >>> excluded_codes(siting.load_korea(), siting.Scenario(target_mw=1))
    ['KR-11', 'KR-28', 'KR-41']
    >>> excluded_codes(siting.load_korea(), siting.Scenario(target_mw=1, exclude_provinces=("Busan",)))
    ['KR-11', 'KR-26', 'KR-28', 'KR-41']
    >>> sc = siting.Scenario(target_mw=1, exclude_provinces=("KR-26",), exclude_capital_region=False)
    >>> excluded_codes(siting.load_korea(), sc)
    ['KR-26']
    """
    codes = set(V.province_codes(scenario.exclude_provinces, data.provinces, field="exclude_provinces"))
    if scenario.exclude_capital_region:
        codes |= set(data.provinces.loc[data.provinces["capital_region"], "code"])
    return sorted(codes)


def exclusion_text(scenario: Scenario, provinces: pd.DataFrame) -> str:
    """What the scenario excludes, in one line: provinces, buffers, exclusion files.

    Parameters
    ----------
    scenario : Scenario
    provinces : DataFrame
        ``code``, ``name``, optional ``name_ko`` and ``excluded`` (bool), as
        ``SitingResult.provinces``.

    Examples
    --------
    >>> import pandas as pd, siting
    >>> prov = pd.DataFrame({"code": ["KR-11", "KR-26", "KR-47"], "name": ["Seoul", "Busan", "Gyeongbuk"],
    ...                      "excluded": [True, True, False]})
    >>> sc = siting.Scenario(target_mw=1, exclude_provinces=("busan",),
    ...                      exclude_buffer_km={"capital_region": 30})
    >>> exclusion_text(sc, prov)
    'Excluded: Seoul (KR-11; capital region), Busan (KR-26); buffer 30 km around the capital region'
    >>> exclusion_text(sc.replace(exclude_buffer_km=10, exclusion_files=("a.geojson",)), prov)
    'Excluded: Seoul (KR-11; capital region), Busan (KR-26); buffer 10 km around each; 1 exclusion file(s)'
    """
    named = set(V.province_codes(scenario.exclude_provinces, provinces, field="exclude_provinces"))
    shown = [
        f"{r.name} ({r.code}{'' if r.code in named else '; capital region'})"
        for r in provinces[provinces["excluded"]].itertuples()
    ]
    out = "Excluded: " + (", ".join(shown) or "no province")
    given = scenario.exclude_buffer_km
    if isinstance(given, Mapping):
        around = {k: "the capital region" if k == CAPITAL_REGION else k for k in given}
        out += "; buffer " + ", ".join(f"{km:g} km around {around[k]}" for k, km in given.items())
    elif given > 0:
        out += f"; buffer {given:g} km around each"
    if scenario.exclusion_files:
        out += f"; {len(scenario.exclusion_files)} exclusion file(s)"
    return out


def allowed_area(
    data: SitingData, scenario: Scenario, *, exclusions: gpd.GeoDataFrame | None = None
) -> tuple[gpd.GeoDataFrame, shapely.Geometry]:
    """Allowed provinces (metric CRS) and the excluded area (with its buffer).

    The buffer here is a polygon (Shapely's arcs are chords), slightly
    smaller than the true one; :func:`build_candidates` checks each candidate's
    exact distance with :func:`outside_buffer`.

    Returns
    -------
    provinces : GeoDataFrame
        Provinces not excluded, in the metric CRS.
    excluded : shapely geometry
        Union of the excluded provinces, each buffered by its
        ``exclude_buffer_km``, the scenario's exclusion files and ``exclusions``.
    """
    prov = data.provinces.to_crs(data.metric_crs)
    codes = excluded_codes(data, scenario)
    parts = [excluded_core(data, scenario)]
    parts += [core.buffer(buffer_m) for core, buffer_m in buffer_zones(data, scenario)]
    parts += _exclusion_layers(data, scenario, exclusions)
    return prov.loc[~prov["code"].isin(codes)], shapely.union_all(parts)


def _exclusion_layers(
    data: SitingData, scenario: Scenario, exclusions: gpd.GeoDataFrame | None
) -> list[shapely.Geometry]:
    """The union of each exclusion file and of ``exclusions``, in the metric CRS."""
    parts = []
    layers = [read_layer(p, name="exclusions") for p in scenario.exclusion_files]
    if exclusions is not None:
        layers.append(exclusions)
    for i, layer in enumerate(layers):
        if not isinstance(layer, gpd.GeoDataFrame) or layer.crs is None:
            V.raise_if(
                [
                    f"layer 'exclusions' #{i}: needs polygons with a CRS; fix: give a spatial file or "
                    "set_crs()."
                ]
            )
        parts.append(layer.to_crs(data.metric_crs).union_all())
    return parts


def buffer_km_by_province(data: SitingData, scenario: Scenario) -> dict[str, float]:
    """The buffer around each excluded province, km (0: none), from ``exclude_buffer_km``.

    A number applies to every excluded province; a mapping names
    ``"capital_region"`` or provinces of ``exclude_provinces``, and the
    others get none. A province named twice takes the larger distance.

    Examples
    --------
    >>> import siting
    >>> sc = siting.Scenario(target_mw=1, exclude_provinces=("Busan",),
    ...                      exclude_buffer_km={"capital_region": 30})
    >>> buffer_km_by_province(siting.load_korea(), sc)
    {'KR-11': 30.0, 'KR-26': 0.0, 'KR-28': 30.0, 'KR-41': 30.0}
    >>> buffer_km_by_province(siting.load_korea(), sc.replace(exclude_buffer_km={"Ulsan": 5}))
    Traceback (most recent call last):
    ...
    siting._errors.ScenarioError: scenario field 'exclude_buffer_km' names Ulsan (KR-31), which is not \
excluded; fix: add it to exclude_provinces, or name only excluded provinces or 'capital_region'.
    """
    codes = excluded_codes(data, scenario)
    given = scenario.exclude_buffer_km
    if not isinstance(given, Mapping):
        return dict.fromkeys(codes, float(given))
    out = dict.fromkeys(codes, 0.0)
    prov = data.provinces
    for key, km in given.items():
        if key == CAPITAL_REGION:
            named = [str(c) for c in prov.loc[prov["capital_region"], "code"]]
        else:
            named = V.province_codes([key], prov, field="exclude_buffer_km")
        for code in named:
            if code not in out:
                name = prov.loc[prov["code"] == code, "name"].iat[0]
                raise ScenarioError(
                    f"scenario field 'exclude_buffer_km' names {name} ({code}), which is not excluded; "
                    "fix: add it to exclude_provinces, or name only excluded provinces or "
                    f"{CAPITAL_REGION!r}."
                )
            out[code] = max(out[code], float(km))
    return out


def buffer_zones(data: SitingData, scenario: Scenario) -> list[tuple[shapely.Geometry, float]]:
    """The excluded provinces grouped by buffer: (their union in the metric CRS, buffer in m), buffers > 0."""
    prov = data.provinces.to_crs(data.metric_crs)
    by_km: dict[float, list[str]] = {}
    for code, km in buffer_km_by_province(data, scenario).items():
        if km > 0:
            by_km.setdefault(km, []).append(code)
    return [
        (prov.loc[prov["code"].isin(codes), "geometry"].union_all(), km * 1000.0)
        for km, codes in sorted(by_km.items())
    ]


def outside_buffers(data: SitingData, scenario: Scenario, geoms: np.ndarray) -> np.ndarray:
    """Whether each geometry (metric CRS) is clear of every excluded province's buffer, exactly.

    Examples
    --------
    >>> import siting
    >>> d = siting.load_korea()
    >>> sc = siting.Scenario(target_mw=1, exclude_buffer_km={"capital_region": 30})
    >>> seoul_edge = shapely.points([[960_000.0, 1_930_000.0], [1_100_000.0, 1_700_000.0]])
    >>> outside_buffers(d, sc, seoul_edge).tolist()
    [False, True]
    """
    return clear_of(buffer_zones(data, scenario), geoms)


def clear_of(zones: list[tuple[shapely.Geometry, float]], geoms: np.ndarray) -> np.ndarray:
    """Whether each geometry is at least each zone's buffer away from that zone's provinces.

    ``zones`` as :func:`buffer_zones` gives them (computed once per grid).
    """
    keep = np.ones(len(geoms), dtype=bool)
    for core, buffer_m in zones:
        keep &= outside_buffer(core, geoms, buffer_m)
    return keep


def exclusion_area(
    data: SitingData, scenario: Scenario, *, exclusions: gpd.GeoDataFrame | None = None
) -> gpd.GeoSeries:
    """Where no campus may go, by reason: the excluded provinces, their buffer, the exclusion areas.

    For maps: the buffer is a polygon (Shapely's arcs are chords, within
    metres of the true distance; candidates are checked exactly).

    Parameters
    ----------
    data, scenario
    exclusions : GeoDataFrame, optional
        Further no-go polygons, as :func:`siting.solve` takes them.

    Returns
    -------
    GeoSeries
        Index ``excluded_province``, ``buffer`` (the ring around the
        excluded provinces, without them) and ``exclusion_area`` (the
        exclusion files and ``exclusions``), the keys of :data:`siting.candidates.DROP_REASONS`;
        empty geometries where there is none; in the data's CRS (EPSG:4326).

    Examples
    --------
    >>> import siting
    >>> sc = siting.Scenario(target_mw=1, exclude_buffer_km={"capital_region": 30})
    >>> area = exclusion_area(siting.load_korea(), sc)
    >>> area.index.tolist(), bool(area["buffer"].is_empty), bool(area["exclusion_area"].is_empty)
    (['excluded_province', 'buffer', 'exclusion_area'], False, True)
    """
    core = excluded_core(data, scenario)
    ring = buffer_ring(data, scenario, core=core)
    areas = _exclusion_layers(data, scenario, exclusions)
    out = gpd.GeoSeries(
        [core, ring, shapely.union_all(areas) if areas else shapely.Polygon()],
        index=["excluded_province", "buffer", "exclusion_area"],
        crs=data.metric_crs,
    )
    return out.to_crs(data.provinces.crs)


def buffer_ring(
    data: SitingData, scenario: Scenario, *, core: shapely.Geometry | None = None
) -> shapely.Geometry:
    """The buffers around the excluded provinces, without them, in the metric CRS (empty: no buffer).

    ``core`` is :func:`excluded_core`, computed when not given.
    """
    zones = [c.buffer(m) for c, m in buffer_zones(data, scenario)]
    if not zones:
        return shapely.Polygon()
    core = excluded_core(data, scenario) if core is None else core
    return shapely.difference(shapely.union_all(zones), core)


def excluded_core(data: SitingData, scenario: Scenario) -> shapely.Geometry:
    """The excluded provinces' union, unbuffered, in the metric CRS."""
    prov = data.provinces.to_crs(data.metric_crs)
    return prov.loc[prov["code"].isin(excluded_codes(data, scenario)), "geometry"].union_all()


def outside_buffer(core: shapely.Geometry, geoms: np.ndarray, buffer_m: float) -> np.ndarray:
    """Whether each geometry's true distance to ``core`` is at least ``buffer_m``.

    An STRtree over the core's parts finds the geometries within the buffer
    (``dwithin``, on the exact geometry, not a buffered polygon); those at
    exactly the buffer distance are kept.

    Examples
    --------
    >>> sq = shapely.box(0, 0, 10, 10)
    >>> pts = shapely.points([[15, 5], [40, 5], [39.99, 5]])
    >>> outside_buffer(sq, pts, 30.0).tolist()
    [False, True, False]
    """
    keep = np.ones(len(geoms), dtype=bool)
    if core is None or core.is_empty or len(geoms) == 0:
        return keep
    parts = shapely.get_parts(core)
    tree = shapely.STRtree(parts)
    if buffer_m <= 0:
        hit, _ = tree.query(geoms, predicate="intersects")
        keep[hit] = False
        return keep
    i_geom, i_part = tree.query(geoms, predicate="dwithin", distance=buffer_m)
    near = shapely.distance(geoms[i_geom], parts[i_part]) < buffer_m
    keep[i_geom[near]] = False
    return keep
