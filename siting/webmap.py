"""Interactive map of a siting result on folium, saved as one HTML file that works offline.

Leaflet 1.9.4 (JavaScript, CSS and the layer-control icons) is inlined from
``siting/_assets/leaflet`` (the npm registry's ``leaflet`` package, BSD-2-Clause),
and folium's CDN links are dropped, so the saved page needs no network. There is
no background tile layer unless ``tiles=`` asks for one. Colours and line widths
follow the static map (:mod:`siting.plot`).
"""

from __future__ import annotations

import base64
import html
import re
from importlib import resources
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely

from .plot import BINDS, TECH_COLOR, VOLTAGE_STYLE, _style, binding_limits

if TYPE_CHECKING:
    import folium
    from branca.element import Element, Figure

    from .result import SitingResult

__all__ = ["explore"]

#: Layer names, bottom to top, as the layer control lists them.
LAYERS = (
    "Provinces: MW placed",
    "Excluded region",
    "Lines: loading",
    "Renewables",
    "Substations",
    "Campuses",
    "Limits that bind",
)
#: Leaflet class names set on the drawn paths (for styling and tests).
CLASSES = {
    "line": "siting-line",
    "campus": "siting-campus",
    "substation": "siting-substation",
    "renewable": "siting-renewable",
}
IDLE_LINE = "#9e9e9e"
HVDC = ("#37474f", 1.2)
CAMPUS = "#1565c0"
CONNECTION = "#0d47a1"
NO_MW = "#f7f7f2"
HATCH = (
    '<svg width="0" height="0" style="position:absolute"><defs>'
    '<pattern id="siting-hatch" width="7" height="7" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="7" height="7" fill="#e0e0e0"/>'
    '<line x1="0" y1="0" x2="0" y2="7" stroke="#757575" stroke-width="2"/></pattern></defs></svg>'
)
HATCH_CSS = "background:repeating-linear-gradient(45deg,#757575 0 2px,#e0e0e0 2px 6px)"
CSS = """
.siting-box{position:absolute;z-index:1000;background:rgba(255,255,255,.93);border-radius:6px;
 padding:8px 10px;box-shadow:0 1px 5px rgba(0,0,0,.35);
 font:12px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#212121}
.siting-title{top:10px;left:54px;max-width:380px}
.siting-title b{font-size:14px}
.siting-title ul{margin:4px 0 0;padding-left:16px}
.siting-legend{bottom:26px;right:10px;max-height:calc(100% - 260px);overflow-y:auto}
.leaflet-container{background:#eef3f7}
.siting-legend summary{cursor:pointer;font-weight:bold}
.siting-legend h4{margin:6px 0 2px;font-size:12px}
.siting-legend div{display:flex;align-items:center;gap:6px;margin:1px 0}
.siting-legend svg{flex:none}
.siting-ramp{width:110px;height:10px;border:1px solid #bdbdbd}
.leaflet-popup-content{font:12px/1.45 system-ui,sans-serif;margin:10px 12px}
"""


def _require_folium() -> None:
    """Raise an ImportError that names the extra to install when folium is missing."""
    try:
        import folium  # noqa: F401
    except ImportError as exc:  # pragma: no cover - folium ships with the web extra
        raise ImportError("the interactive map needs folium: pip install 'siting[web]'") from exc


def _raw(text: str) -> Element:
    """A folium element that renders ``text`` verbatim (no Jinja parsing of its content)."""
    from branca.element import Element

    class Raw(Element):
        def __init__(self, text: str) -> None:
            super().__init__("{{ this.text }}")
            self.text = text

    return Raw(text)


def _leaflet() -> str:
    """Leaflet's CSS and JavaScript as inline tags, images as data URIs."""
    assets = resources.files("siting") / "_assets" / "leaflet"

    def data_uri(match: re.Match) -> str:
        png = base64.b64encode((assets / match.group(1)).read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{png})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, (assets / "leaflet.css").read_text("utf-8"))
    js = (assets / "leaflet.js").read_text("utf-8")
    return f"<style>{css}</style>\n<script>{js}</script>"


def _hex(cmap: str, value: float) -> str:
    return matplotlib.colors.to_hex(matplotlib.colormaps[cmap](float(value)))


def _loading_color(loading: float) -> str:
    """YlOrRd from 0 to 100 % loading, starting past its near-white end."""
    return _hex("YlOrRd", 0.25 + 0.75 * min(max(loading, 0.0), 1.0))


def _mw_color(mw: float, top: float) -> str:
    return NO_MW if mw <= 0 else _hex("Blues", 0.12 + 0.5 * mw / top)


def _line_width(kv: float, kind: str) -> float:
    """Pixels: thin 154 kV, thick 765 kV (the static map's widths, scaled for screens)."""
    return 0.8 + 1.5 * (HVDC[1] if kind != "ac" else _style(kv)[1])


def _geojson(frame: gpd.GeoDataFrame, columns: list[str]) -> dict:
    """GeoJSON of ``columns`` with coordinates rounded to 1e-5 degrees (about 1 m)."""
    geom = shapely.transform(frame.geometry.to_numpy(), lambda xy: np.round(xy, 5))
    out = gpd.GeoDataFrame(frame[columns].reset_index(drop=True), geometry=geom, crs=frame.crs)
    return out.__geo_interface__


class _Drawing(NamedTuple):
    """One GeoJson layer: ``style[i]`` styles row i of ``frame``; popups and tooltips are HTML."""

    layer: str
    frame: gpd.GeoDataFrame
    style: list[dict]
    pane: str
    popup: list[str] | None = None
    tooltip: list[str] | None = None
    point: bool = False


def _add(group: folium.FeatureGroup, d: _Drawing) -> None:
    """Add ``d`` to ``group`` as folium GeoJson (features keep their row number as id)."""
    _require_folium()
    import folium

    text = {k: v for k, v in {"popup": d.popup, "tip": d.tooltip}.items() if v is not None}
    style = [{"fill": True, **s} for s in d.style] if d.point else d.style
    folium.GeoJson(
        _geojson(d.frame.assign(**text), list(text)),
        style_function=lambda f: style[int(f["id"])],
        marker=folium.CircleMarker() if d.point else None,
        popup=folium.GeoJsonPopup(["popup"], labels=False) if d.popup else None,
        tooltip=folium.GeoJsonTooltip(["tip"], labels=False) if d.tooltip else None,
        pane=d.pane,
    ).add_to(group)


def _mw(v: float) -> str:
    return f"{v:,.0f} MW"


def _text(value: Any, fallback: Any = "") -> str:
    """Escaped text of ``value``, or of ``fallback`` when it is missing (None, NaN or empty)."""
    return html.escape(str(fallback if value is None or value == "" or pd.isna(value) else value))


def _binding(result: SitingResult) -> dict[str, dict[str, str]]:
    """The limits the diagnosis names, by table (:func:`siting.plot.binding_limits`), as id -> HTML reason."""
    out: dict[str, dict[str, str]] = {}
    for table, rows in binding_limits(result).items():
        out[table] = {}
        for r in rows.itertuples(index=False):
            out[table][r.id] = out[table].get(r.id, "") + f"<br>{html.escape(str(r.text))}"
    return out


def _title(result: SitingResult, province_names: dict) -> str:
    sc = result.scenario
    head = f"<b>{html.escape(str(sc.name))}</b> &middot; {result.status}<br>"
    if len(result.sites):
        hosts = ", ".join(province_names.get(p, p) for p in result.by_province().index)
        body = (
            f"{_mw(result.total_mw)} placed in {len(result.sites)} campuses (target {_mw(sc.target_mw)})<br>"
            f"Hosts: {html.escape(hosts)}"
        )
        if result.objective is not None:
            body += f"<br>Total cost: {result.objective:,.1f} KRW bn"
        return head + body
    lines = [ln.lstrip("- ") for ln in str(result.diagnosis or "").splitlines() if ln.strip()]
    shown = lines[:10] + ([f"... and {len(lines) - 10} more"] if len(lines) > 10 else [])
    items = "".join(f"<li>{html.escape(x)}</li>" for x in shown)
    return head + f"No plan meets every limit for {_mw(sc.target_mw)}. What binds:<ul>{items}</ul>"


def _swatch_line(color: str, width: float, dash: str = "") -> str:
    return (
        f'<svg width="28" height="10"><line x1="1" y1="5" x2="27" y2="5" stroke="{color}" '
        f'stroke-width="{width}" stroke-dasharray="{dash}" stroke-linecap="round"/></svg>'
    )


def _swatch_dot(color: str, radius: float, *, edge: str = "white") -> str:
    size = 2 * radius + 4
    return (
        f'<svg width="{max(size, 28)}" height="{size}">'
        f'<circle cx="{max(size, 28) / 2}" cy="{size / 2}" r="{radius}" '
        f'fill="{color}" fill-opacity="0.8" stroke="{edge}" stroke-width="1.5"/></svg>'
    )


def _legend(
    result: SitingResult, *, top_mw: float, kvs: list[int], techs: list[str], binds: bool, hvdc: bool
) -> str:
    rows = []
    if len(result.sites):
        rows.append("<h4>Campuses (circle area ~ MW)</h4>")
        rows += [
            f"<div>{_swatch_dot(CAMPUS, _campus_radius(mw))}{mw:g} MW</div>"
            for mw in sorted(set(result.scenario.tiers_mw))
        ]
        rows.append(f"<div>{_swatch_line(CONNECTION, 1.5)}connection to its substation</div>")
    rows.append("<h4>Substations (colour: voltage)</h4>")
    rows += [f"<div>{_swatch_dot(VOLTAGE_STYLE[kv][0], 4, edge='none')}{kv} kV</div>" for kv in kvs]
    rows.append(
        f"<div>{_swatch_dot('#9e9e9e', 6.5, edge='#212121')}large, dark outline: campuses connected</div>"
    )
    rows.append("<h4>Lines (width: voltage)</h4>")
    rows += [f"<div>{_swatch_line(IDLE_LINE, _line_width(kv, 'ac'))}{kv} kV</div>" for kv in kvs]
    if hvdc:
        rows.append(f"<div>{_swatch_line(HVDC[0], _line_width(0, 'hvdc'), '6 4')}HVDC</div>")
    ramp = ",".join(_loading_color(x) for x in np.linspace(0, 1, 6))
    rows.append(
        f'<div>colour: new flow / residual capacity</div><div>0 %<span class="siting-ramp" '
        f'style="background:linear-gradient(90deg,{ramp})"></span>100 %</div>'
    )
    rows.append(f"<div>{_swatch_line(IDLE_LINE, 2)}no new flow</div>")
    if binds:
        rows.append(f"<div>{_swatch_line(BINDS, 6)}limit that binds (diagnosis)</div>")
    rows.append("<h4>Provinces</h4>")
    if len(result.sites):
        blues = ",".join(_mw_color(x, 1.0) for x in np.linspace(0.01, 1, 6))
        rows.append(
            f'<div>0<span class="siting-ramp" style="background:linear-gradient(90deg,{blues})"></span>'
            f"{_mw(top_mw)} placed</div>"
        )
    if result.provinces["excluded"].any():
        rows.append(
            f'<div><span class="siting-ramp" style="width:28px;{HATCH_CSS}"></span>excluded region</div>'
        )
    if techs:
        rows.append("<h4>Renewables (area ~ MW)</h4>")
        rows += [
            f"<div>{_swatch_dot(TECH_COLOR.get(t, 'green'), 4)}{t.replace('_', ' ')}</div>" for t in techs
        ]
    return (
        f'<details open class="siting-box siting-legend"><summary>Legend</summary>{"".join(rows)}</details>'
    )


def _campus_radius(mw: float) -> float:
    return 2.0 + 0.55 * float(np.sqrt(mw))


def _areas(result: SitingResult, names: dict, top: float) -> list[_Drawing]:
    prov = result.provinces
    tips = [
        f"<b>{_text(r.name)}</b> ({r.code})<br>{_mw(r.capacity_mw)} placed in {r.campuses} campus"
        f"{'' if r.campuses == 1 else 'es'}"
        for r in prov.itertuples()
    ]
    style = [
        {"fillColor": _mw_color(mw, top), "fillOpacity": 0.75, "color": "#9e9e9e", "weight": 0.8}
        for mw in prov["capacity_mw"]
    ]
    out = [_Drawing(LAYERS[0], prov, style, "siting-areas", tooltip=tips)]
    excl = prov[prov["excluded"]]
    if len(excl):
        tips = [
            f"<b>{_text(n)}</b> ({c})<br>Excluded region: no campuses here"
            for n, c in zip(excl["name"], excl["code"], strict=True)
        ]
        style = [
            {
                "fillColor": "url(#siting-hatch)",
                "fillOpacity": 0.8,
                "color": "#757575",
                "weight": 1.2,
                "dashArray": "4 3",
            }
        ] * len(excl)
        out.append(_Drawing(LAYERS[1], excl, style, "siting-areas", tooltip=tips))
    return out


def _lines(result: SitingResult, sub_names: dict, binding: dict) -> list[_Drawing]:
    lines = result.lines
    lines = lines.assign(busy=lines["flow_mw"].abs() > 1e-6).sort_values(
        ["busy", "voltage_kv"], kind="stable"
    )  # loaded on top
    style, popup = [], []
    for r in lines.itertuples():
        ac = r.kind == "ac"
        color = _loading_color(r.loading) if r.busy else (IDLE_LINE if ac else HVDC[0])
        style.append(
            {
                "color": color,
                "weight": _line_width(r.voltage_kv, r.kind) + (1.0 if r.busy else 0.0),
                "opacity": 0.95 if r.busy else 0.7,
                "dashArray": None if ac else "6 4",
                "className": CLASSES["line"],
            }
        )
        a, b = (r.from_id, r.to_id) if r.flow_mw >= 0 else (r.to_id, r.from_id)
        flow = (
            f"{abs(r.flow_mw):,.0f} MW from {_text(sub_names.get(a), a)} to {_text(sub_names.get(b), b)}"
            if r.busy
            else "0 MW"
        )
        popup.append(
            f"<b>Line {_text(r.name, r.line_id)}</b><br>Id: {_text(r.line_id)}<br>"
            f"Voltage: {r.voltage_kv:,.0f} kV {'AC' if ac else 'HVDC'}, {r.length_km:,.1f} km long<br>"
            f"New flow: {flow}<br>"
            f"Residual capacity (left for new load): {_mw(r.residual_mw)}<br>"
            f"Loading: {min(r.loading, 9.99):.0%} of residual capacity<br>Rating: {_mw(r.capacity_mw)}"
            + binding["lines"].get(r.line_id, "")
        )
    return [_Drawing(LAYERS[2], lines, style, "siting-lines", popup=popup)]


def _renewables(result: SitingResult) -> list[_Drawing]:
    ren = result.renewables
    if ren is None or not len(ren):
        return []
    ren = ren.sort_values("capacity_mw", ascending=False)  # small ones on top
    style = [
        {
            "radius": 1.5 + 0.2 * float(np.sqrt(mw)),
            "fillColor": TECH_COLOR.get(t, "green"),
            "fillOpacity": 0.7,
            "color": "white",
            "weight": 0.6,
            "className": CLASSES["renewable"],
        }
        for t, mw in zip(ren["technology"], ren["capacity_mw"], strict=True)
    ]
    popup = [
        f"<b>{_text(r.get('name'), r['site_id'])}</b><br>"
        f"Technology: {_text(r['technology'].replace('_', ' '))}<br>"
        f"Capacity: {_mw(r['capacity_mw'])}<br>Capacity factor: {r['capacity_factor']:.0%} "
        f"(about {r['capacity_mw'] * r['capacity_factor']:,.0f} MW on average)<br>"
        f"Status: {_text(r.get('status'), 'operating')}"
        for _, r in ren.iterrows()
    ]
    return [_Drawing(LAYERS[3], ren, style, "siting-points", popup=popup, point=True)]


def _substations(result: SitingResult, names: dict, binding: dict) -> list[_Drawing]:
    subs = result.substations.sort_values("load_mw", kind="stable")  # used on top
    style, popup = [], []
    for r in subs.itertuples():
        color, width = _style(r.voltage_kv)
        used = r.load_mw > 0
        style.append(
            {
                "radius": 4.0 + 1.5 * width if used else 2.5,
                "fillColor": color,
                "fillOpacity": 0.95 if used else 0.55,
                "color": "#212121" if used else color,
                "weight": 1.8 if used else 0.0,
                "className": CLASSES["substation"],
            }
        )
        popup.append(
            f"<b>Substation {_text(r.name, r.substation_id)}</b> ({_text(r.substation_id)})<br>"
            f"Voltage: {r.voltage_kv:,.0f} kV; province: {_text(names.get(r.province), r.province)}<br>"
            f"Campus load connected: {_mw(r.load_mw)}<br>Headroom for new load: {_mw(r.headroom_mw)}"
            + (f" ({r.utilization:.0%} used)" if r.headroom_mw > 0 else "")
            + f"<br>Supply for new load here: {_mw(r.supply_used_mw)} used of {_mw(r.supply_mw)}"
            + binding["substations"].get(r.substation_id, "")
        )
    return [_Drawing(LAYERS[4], subs, style, "siting-points", popup=popup, point=True)]


def _campuses(result: SitingResult, names: dict, sub_names: dict) -> list[_Drawing]:
    sites = result.sites
    if not len(sites):
        return []
    pts = sites.assign(geometry=sites.geometry.representative_point())
    at = result.substations.set_index("substation_id").geometry.loc[pts["substation_id"]].to_numpy()
    ends = np.stack([shapely.get_coordinates(pts.geometry.to_numpy()), shapely.get_coordinates(at)], axis=1)
    links = gpd.GeoDataFrame(geometry=shapely.linestrings(ends), crs=pts.crs)
    style = [
        {
            "radius": _campus_radius(mw),
            "fillColor": CAMPUS,
            "fillOpacity": 0.75,
            "color": "white",
            "weight": 1.5,
            "className": CLASSES["campus"],
        }
        for mw in pts["capacity_mw"]
    ]
    popup = [
        f"<b>Campus {_text(r.site_id)}</b><br>"
        f"Province: {_text(names.get(r.province), r.province)} ({_text(r.province)})<br>"
        f"Size: {_mw(r.capacity_mw)}<br>Substation: {_text(sub_names.get(r.substation_id), r.substation_id)} "
        f"({_text(r.substation_id)}), {r.connection_kv:,.0f} kV<br>Connection: {r.connection_km:,.1f} km"
        for r in pts.itertuples()
    ]
    return [
        _Drawing(
            LAYERS[5],
            links,
            [{"color": CONNECTION, "weight": 1.5, "opacity": 0.9}] * len(links),
            "siting-sites",
        ),
        _Drawing(
            LAYERS[5],
            pts,
            style,
            "siting-sites",
            popup=popup,
            tooltip=[_mw(mw) for mw in pts["capacity_mw"]],
            point=True,
        ),
    ]


def _limits(result: SitingResult, binding: dict) -> list[_Drawing]:
    """Lines, substations and provinces that the diagnosis names, outlined in magenta."""
    out = []
    lines = result.lines[result.lines["line_id"].isin(binding["lines"])]
    if len(lines):
        style = [
            {"color": BINDS, "weight": _line_width(v, k) + 5, "opacity": 0.6}
            for v, k in zip(lines["voltage_kv"], lines["kind"], strict=True)
        ]
        popup = [
            f"<b>Line {_text(n, i)}</b>: limit that binds{binding['lines'][i]}"
            for n, i in zip(lines["name"], lines["line_id"], strict=True)
        ]
        out.append(_Drawing(LAYERS[6], lines, style, "siting-limits", popup=popup))
    subs = result.substations[result.substations["substation_id"].isin(binding["substations"])]
    if len(subs):
        popup = [
            f"<b>Substation {_text(n, i)}</b>: limit that binds{binding['substations'][i]}"
            for n, i in zip(subs["name"], subs["substation_id"], strict=True)
        ]
        out.append(
            _Drawing(
                LAYERS[6],
                subs,
                [{"radius": 10, "color": BINDS, "weight": 3, "fill": False}] * len(subs),
                "siting-limits",
                popup=popup,
                point=True,
            )
        )
    prov = result.provinces[result.provinces["code"].isin(binding["provinces"])]
    if len(prov):
        popup = [
            f"<b>{_text(n, c)}</b>: limit that binds{binding['provinces'][c]}"
            for n, c in zip(prov["name"], prov["code"], strict=True)
        ]
        out.append(
            _Drawing(
                LAYERS[6],
                prov,
                [{"color": BINDS, "weight": 3, "fill": False}] * len(prov),
                "siting-limits",
                popup=popup,
            )
        )
    return out


def explore(result: SitingResult, *, tiles: str | None = None, **kwargs: Any) -> folium.Map:
    """Interactive map of a result: toggleable layers, popups in plain words, a legend.

    Layers (switch them in the layer control): provinces shaded by MW placed,
    the excluded region (hatched), lines coloured by loading (new flow over
    residual capacity) and as wide as their voltage, renewables by technology,
    substations by voltage (those with campuses large, the rest small and
    faint), campuses sized by MW with their connections and, for an
    infeasible result, the limits that the diagnosis names. Click anything for
    its figures with units.

    The page is self-contained: Leaflet is inlined and nothing is fetched, so
    ``explore(result).save("plan.html")`` opens offline. Paths carry the
    Leaflet class names in :data:`CLASSES`.

    Parameters
    ----------
    result : SitingResult
    tiles : str, optional
        A folium tile layer name or URL template (e.g. ``"OpenStreetMap"``,
        ``"CartoDB positron"``) for users online; default none, so the page
        needs no network.
    **kwargs
        Passed to :class:`folium.Map` (e.g. ``width``, ``height``,
        ``control_scale``).

    Returns
    -------
    folium.Map
        Show it in Jupyter, or ``.save(path)`` it as HTML.

    Examples
    --------
    >>> import siting
    >>> sc = siting.Scenario(target_mw=400, min_host_provinces=1, grid_spacing_km=20)
    >>> res = siting.solve(siting.load_korea(), sc)
    >>> m = siting.explore(res)
    >>> page = m.get_root().render()
    >>> "cdn.jsdelivr.net" in page, "Campuses" in page
    (False, True)
    >>> m.save("plan.html")  # doctest: +SKIP
    """
    _require_folium()
    import folium

    prov = result.provinces
    names = dict(zip(prov["code"], prov["name"], strict=True))
    subs = result.substations
    sub_names = dict(zip(subs["substation_id"], subs["name"], strict=True))
    binding = _binding(result)
    top = max(float(prov["capacity_mw"].max()), 1.0)
    west, south, east, north = prov.total_bounds
    kwargs.setdefault("control_scale", True)
    kwargs.setdefault("zoom_snap", 0.25)
    m = folium.Map(location=[(south + north) / 2, (west + east) / 2], zoom_start=7, tiles=tiles, **kwargs)
    m.default_js, m.default_css = [], []  # no CDN: Leaflet is inlined below
    root = cast("Figure", m.get_root())  # folium.Map always sits in a Figure
    root.header.add_child(_raw(_leaflet() + f"<style>{CSS}</style>"), name="siting_leaflet")
    root.html.add_child(_raw(HATCH), name="siting_hatch")
    for i, pane in enumerate(
        ("areas", "lines", "points", "sites", "limits")
    ):  # fixed stacking, even when layers are toggled
        folium.map.CustomPane(f"siting-{pane}", z_index=380 + 10 * i, pointer_events=True).add_to(m)
    drawings = [
        *_areas(result, names, top),
        *_lines(result, sub_names, binding),
        *_renewables(result),
        *_substations(result, names, binding),
        *_campuses(result, names, sub_names),
        *_limits(result, binding),
    ]
    groups: dict[str, folium.FeatureGroup] = {}
    for d in drawings:
        if d.layer not in groups:
            groups[d.layer] = folium.FeatureGroup(name=d.layer)
            groups[d.layer].add_to(m)
        _add(groups[d.layer], d)
    folium.LayerControl(collapsed=False).add_to(m)

    kvs = sorted(
        (
            v
            for v in VOLTAGE_STYLE
            if result.lines["voltage_kv"].eq(v).any() or result.substations["voltage_kv"].eq(v).any()
        ),
        reverse=True,
    )
    present = set() if result.renewables is None else set(result.renewables["technology"])
    techs = [t for t in TECH_COLOR if t in present] + sorted(present - set(TECH_COLOR))
    legend = _legend(
        result,
        top_mw=top,
        kvs=kvs,
        techs=techs,
        binds=LAYERS[6] in groups,
        hvdc=bool(result.lines["kind"].ne("ac").any()),
    )
    root.html.add_child(
        _raw(f'<div class="siting-box siting-title">{_title(result, names)}</div>{legend}'),
        name="siting_panels",
    )
    m.fit_bounds(
        [[south, west], [north, east]], padding_top_left=(10, 10), padding_bottom_right=(250, 10)
    )  # room for the legend
    return m
