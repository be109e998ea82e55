"""Parts every layer of the web map is made of: a drawing (GeoJSON with a style per row), its text, its pane.

:mod:`siting.webmap` and :mod:`siting.webmap_reinforcements` build their
layers as :class:`Drawing` rows and add them with :func:`add`.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

if TYPE_CHECKING:
    import folium

__all__ = ["PANES", "Drawing", "add", "escaped", "geojson", "require_folium"]

#: Leaflet panes, bottom to top: a fixed stacking, even when layers are toggled.
PANES = ("siting-areas", "siting-lines", "siting-points", "siting-sites", "siting-limits")


def require_folium() -> None:
    """Raise an ImportError that names the extra to install when folium is missing."""
    try:
        import folium  # noqa: F401
    except ImportError as exc:  # pragma: no cover - folium ships with the web extra
        raise ImportError("the interactive map needs folium: pip install 'siting[web]'") from exc


def geojson(frame: gpd.GeoDataFrame, columns: list[str]) -> dict:
    """GeoJSON of ``columns`` with coordinates rounded to 1e-5 degrees (about 1 m).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> f = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(127.123456789, 36.5)], crs="EPSG:4326")
    >>> geojson(f, ["a"])["features"][0]["geometry"]["coordinates"]
    (127.12346, 36.5)
    """
    geom = shapely.transform(frame.geometry.to_numpy(), lambda xy: np.round(xy, 5))
    out = gpd.GeoDataFrame(frame[columns].reset_index(drop=True), geometry=geom, crs=frame.crs)
    return out.__geo_interface__


class Drawing(NamedTuple):
    """One GeoJson layer: ``style[i]`` styles row i of ``frame``; popups and tooltips are HTML."""

    layer: str
    frame: gpd.GeoDataFrame
    style: list[dict]
    pane: str
    popup: list[str] | None = None
    tooltip: list[str] | None = None
    point: bool = False


def add(group: folium.FeatureGroup, d: Drawing) -> None:
    """Add ``d`` to ``group`` as folium GeoJson (features keep their row number as id)."""
    require_folium()
    import folium

    text = {k: v for k, v in {"popup": d.popup, "tip": d.tooltip}.items() if v is not None}
    styles = [{"fill": True, **s} for s in d.style] if d.point else d.style
    folium.GeoJson(
        geojson(d.frame.assign(**text), list(text)),
        style_function=lambda f: styles[int(f["id"])],
        marker=folium.CircleMarker() if d.point else None,
        popup=folium.GeoJsonPopup(["popup"], labels=False) if d.popup else None,
        tooltip=folium.GeoJsonTooltip(["tip"], labels=False) if d.tooltip else None,
        pane=d.pane,
    ).add_to(group)


def escaped(value: Any, fallback: Any = "") -> str:
    """Escaped text of ``value``, or of ``fallback`` when it is missing (None, NaN or empty).

    Examples
    --------
    >>> escaped("A & B"), escaped(float("nan"), "s-1"), escaped(None)
    ('A &amp; B', 's-1', '')
    """
    return html.escape(str(fallback if value is None or value == "" or pd.isna(value) else value))
