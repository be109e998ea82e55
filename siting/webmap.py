"""Interactive map of a siting result on folium, saved as one HTML file that works offline.

Leaflet 1.9.4 (JavaScript, CSS and the layer-control icons) is inlined from
``siting/_assets/leaflet`` (the npm registry's ``leaflet`` package, BSD-2-Clause),
and folium's CDN links are dropped, so the saved page needs no network. There is
no background tile layer unless ``tiles=`` asks for one. Colours and sizes come
from :mod:`siting.style`, which the static map (:mod:`siting.plot`) shares; the
title and legend panels are built in :mod:`siting.webmap_panels`.
"""

from __future__ import annotations

import base64
import html
import re
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

import geopandas as gpd
import numpy as np
import shapely

from . import renewable_map, style, webmap_reinforcements
from .plot import binding_limits
from .report import line_label
from .style import krw_bn, mw
from .webmap_panels import legend_panel, title_panel
from .webmap_parts import PANES, Drawing, add, escaped, require_folium
from .webmap_reinforcements import LAYER as REINFORCEMENTS
from .why_here import why_here

if TYPE_CHECKING:
    import folium
    from branca.element import Element, Figure

    from ._result_types import ResultLike

__all__ = ["explore"]

#: Layer names, bottom to top, as the layer control lists them.
LAYERS = (
    "Provinces: MW placed",
    "Excluded region",
    "Lines: loading",
    "Renewables",
    "Renewables serving the plan",
    "Substations",
    "Campuses",
    "Limits that bind",
    "Upgrades: value per MW",
    REINFORCEMENTS,
)
#: Layers drawn but switched off until the user turns them on.
HIDDEN = (LAYERS[8],)
#: Leaflet class names set on the drawn paths (for styling and tests).
CLASSES = {
    "line": "siting-line",
    "campus": "siting-campus",
    "substation": "siting-substation",
    "renewable": "siting-renewable",
    "supply": "siting-supply",
}
#: The excluded region's hatching, an SVG pattern that paths fill with ``url(#siting-hatch)``.
HATCH = (
    '<svg width="0" height="0" style="position:absolute"><defs>'
    '<pattern id="siting-hatch" width="7" height="7" patternUnits="userSpaceOnUse" '
    f'patternTransform="rotate(45)"><rect width="7" height="7" fill="{style.EXCLUDED}"/>'
    f'<line x1="0" y1="0" x2="0" y2="7" stroke="{style.EXCLUDED_EDGE}" stroke-width="2"/>'
    "</pattern></defs></svg>"
)
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


def _binding(result: ResultLike) -> dict[str, dict[str, str]]:
    """The limits the diagnosis names, by table (:func:`siting.plot.binding_limits`), as id -> HTML reason."""
    out: dict[str, dict[str, str]] = {}
    for table, rows in binding_limits(result).items():
        out[table] = {}
        for r in rows.itertuples(index=False):
            out[table][r.id] = out[table].get(r.id, "") + f"<br>{html.escape(str(r.text))}"
    return out


def _areas(result: ResultLike, names: dict, top: float) -> list[Drawing]:
    prov = result.provinces
    tips = [
        f"<b>{escaped(r.name)}</b> ({r.code})<br>{mw(r.capacity_mw)} placed in {r.campuses} campus"
        f"{'' if r.campuses == 1 else 'es'}"
        for r in prov.itertuples()
    ]
    styles = [
        {
            "fillColor": style.mw_color(placed, top),
            "fillOpacity": 0.75,
            "color": style.PROVINCE_EDGE,
            "weight": 0.8,
        }
        for placed in prov["capacity_mw"]
    ]
    out = [Drawing(LAYERS[0], prov, styles, "siting-areas", tooltip=tips)]
    excl = prov[prov["excluded"]]
    if len(excl):
        tips = [
            f"<b>{escaped(n)}</b> ({c})<br>Excluded region: no campuses here"
            for n, c in zip(excl["name"], excl["code"], strict=True)
        ]
        styles = [
            {
                "fillColor": "url(#siting-hatch)",
                "fillOpacity": 0.8,
                "color": style.EXCLUDED_EDGE,
                "weight": 1.2,
                "dashArray": "4 3",
            }
        ] * len(excl)
        out.append(Drawing(LAYERS[1], excl, styles, "siting-areas", tooltip=tips))
    return out


def _lines(result: ResultLike, sub_names: dict, binding: dict) -> list[Drawing]:
    lines = result.lines
    lines = lines.assign(busy=lines["flow_mw"].abs() > 1e-6).sort_values(
        ["busy", "voltage_kv"], kind="stable"
    )  # loaded on top
    styles, popup = [], []
    for r in lines.itertuples():
        ac = r.kind == "ac"
        color = style.loading_color(r.loading) if r.busy else (style.IDLE_LINE if ac else style.HVDC)
        styles.append(
            {
                "color": color,
                "weight": style.line_px(r.voltage_kv, r.kind) + (1.0 if r.busy else 0.0),
                "opacity": 0.95 if r.busy else 0.7,
                "dashArray": None if ac else "6 4",
                "className": CLASSES["line"],
            }
        )
        a, b = (r.from_id, r.to_id) if r.flow_mw >= 0 else (r.to_id, r.from_id)
        flow = (
            f"{abs(r.flow_mw):,.0f} MW from {escaped(sub_names.get(a), a)} to {escaped(sub_names.get(b), b)}"
            if r.busy
            else "0 MW"
        )
        popup.append(
            f"<b>Line {escaped(line_label(r.name, r.line_id, r.length_km))}</b><br>"
            f"Id: {escaped(r.line_id)}<br>"
            f"Voltage: {r.voltage_kv:,.0f} kV {'AC' if ac else 'HVDC'}, {r.length_km:,.1f} km long<br>"
            f"New flow: {flow}<br>"
            f"Residual capacity (left for new load): {mw(r.residual_mw)}<br>"
            f"Loading: {min(r.loading, 9.99):.0%} of residual capacity<br>Rating: {mw(r.capacity_mw)}"
            + binding["lines"].get(r.line_id, "")
        )
    return [Drawing(LAYERS[2], lines, styles, "siting-lines", popup=popup)]


def _renewables(result: ResultLike) -> list[Drawing]:
    ren = result.renewables
    if ren is None or not len(ren):
        return []
    ren = ren.sort_values("capacity_mw", ascending=False)  # small ones on top
    styles = [
        {
            "radius": 1.5 + 0.2 * float(np.sqrt(size)),
            "fillColor": style.TECH_COLOR.get(t, style.OTHER_TECH),
            "fillOpacity": 0.7,
            "color": "white",
            "weight": 0.6,
            "className": CLASSES["renewable"],
        }
        for t, size in zip(ren["technology"], ren["capacity_mw"], strict=True)
    ]
    popup = [
        f"<b>{escaped(r.get('name'), r['site_id'])}</b><br>"
        f"Technology: {escaped(r['technology'].replace('_', ' '))}<br>"
        f"Capacity: {mw(r['capacity_mw'])}<br>Capacity factor: {r['capacity_factor']:.0%} "
        f"(about {r['capacity_mw'] * r['capacity_factor']:,.0f} MW on average)<br>"
        f"Status: {escaped(r.get('status'), 'operating')}"
        for _, r in ren.iterrows()
    ]
    return [Drawing(LAYERS[3], ren, styles, "siting-points", popup=popup, point=True)]


def _supply(result: ResultLike, names: dict) -> list[Drawing]:
    """The renewables serving the plan (:func:`siting.renewable_map.serving`), sized as campuses."""
    rows = renewable_map.serving(result)
    if not len(rows):
        return []
    styles = [
        {
            "radius": style.campus_radius(e),
            "fillColor": style.supply_color(t),
            "fillOpacity": 0.85,
            "color": style.INK,
            "weight": 1.5,
            "dashArray": "3 2" if s == "surplus" else None,
            "className": CLASSES["supply"],
        }
        for s, t, e in zip(rows["source"], rows["technology"], rows["energy_mw"], strict=True)
    ]
    money = result.scenario.costs.currency
    popup = [renewable_map.popup(r, names, currency=money) for r in rows.itertuples()]
    tips = [html.escape(renewable_map.label(r, names)) for r in rows.itertuples()]
    return [Drawing(LAYERS[4], rows, styles, "siting-points", popup=popup, tooltip=tips, point=True)]


def _supply_text(r: Any) -> str:
    """Supply for new load at a substation: used, of the grid's and the peak credit of new renewables."""
    room = r.supply_mw + r.build_peak_mw
    built = f", {mw(r.build_peak_mw)} of it new renewables' peak credit" if r.build_peak_mw > 0 else ""
    return f"{mw(r.supply_used_mw)} used of {mw(room)}{built}"


def _renewable_text(r: Any) -> str:
    """Renewable energy to the campuses at a substation, and what enters the grid there (empty: none)."""
    tol = renewable_map.SERVES_MW
    out = ""
    if r.renewable_delivered_mw > tol:
        out += f"<br>Renewable energy to the campuses here: {mw(r.renewable_delivered_mw)} average"
    taken = []
    if r.surplus_mw > tol:
        taken.append(f"surplus {mw(r.surplus_used_mw)} of {mw(r.surplus_mw)} stranded here")
    if r.build_energy_mw > tol:
        taken.append(f"new build {mw(r.build_energy_mw)} average")
    return out + (f"<br>Renewables taken in here: {', '.join(taken)}" if taken else "")


def _substations(result: ResultLike, names: dict, binding: dict) -> list[Drawing]:
    subs = result.substations.sort_values("load_mw", kind="stable")  # used on top
    styles, popup = [], []
    for r in subs.itertuples():
        color, width = style.voltage_style(r.voltage_kv)
        used = r.load_mw > 0
        styles.append(
            {
                "radius": 4.0 + 1.5 * width if used else 2.5,
                "fillColor": color,
                "fillOpacity": 0.95 if used else 0.55,
                "color": style.INK if used else color,
                "weight": 1.8 if used else 0.0,
                "className": CLASSES["substation"],
            }
        )
        popup.append(
            f"<b>Substation {escaped(r.name, r.substation_id)}</b> ({escaped(r.substation_id)})<br>"
            f"Voltage: {r.voltage_kv:,.0f} kV; province: {escaped(names.get(r.province), r.province)}<br>"
            f"Campus load connected: {mw(r.load_mw)}<br>Headroom for new load: {mw(r.headroom_mw)}"
            + (f" ({r.utilization:.0%} used)" if r.headroom_mw > 0 else "")
            + f"<br>Supply for new load here: {_supply_text(r)}"
            + _renewable_text(r)
            + binding["substations"].get(r.substation_id, "")
        )
    return [Drawing(LAYERS[5], subs, styles, "siting-points", popup=popup, point=True)]


def _campuses(result: ResultLike, names: dict, sub_names: dict) -> list[Drawing]:
    sites = result.sites
    if not len(sites):
        return []
    pts = sites.assign(geometry=sites.geometry.representative_point())
    at = result.substations.set_index("substation_id").geometry.loc[pts["substation_id"]].to_numpy()
    ends = np.stack([shapely.get_coordinates(pts.geometry.to_numpy()), shapely.get_coordinates(at)], axis=1)
    links = gpd.GeoDataFrame(geometry=shapely.linestrings(ends), crs=pts.crs)
    styles = [
        {
            "radius": style.campus_radius(size),
            "fillColor": style.CAMPUS,
            "fillOpacity": 0.75,
            "color": "white",
            "weight": 1.5,
            "className": CLASSES["campus"],
        }
        for size in pts["capacity_mw"]
    ]
    popup = [
        f"<b>Campus {escaped(r.site_id)}</b><br>"
        f"Province: {escaped(names.get(r.province), r.province)} ({escaped(r.province)})<br>"
        f"Size: {mw(r.capacity_mw)}<br>"
        f"Substation: {escaped(sub_names.get(r.substation_id), r.substation_id)} "
        f"({escaped(r.substation_id)}), {r.connection_kv:,.0f} kV<br>Connection: {r.connection_km:,.1f} km"
        f"<br><b>Why here</b><br>Costs: {escaped(w.costs)}<br>"
        + (f"Not per campus: {escaped(w.plan_costs)}<br>" if w.plan_costs else "")
        + f"Renewables: {escaped(w.renewables)}<br>Limits that bind: {escaped(w.limits)}"
        for r, w in zip(pts.itertuples(), why_here(result).itertuples(), strict=True)
    ]
    return [
        Drawing(
            LAYERS[6],
            links,
            [{"color": style.CONNECTION, "weight": 1.5, "opacity": 0.9}] * len(links),
            "siting-sites",
        ),
        Drawing(
            LAYERS[6],
            pts,
            styles,
            "siting-sites",
            popup=popup,
            tooltip=[mw(size) for size in pts["capacity_mw"]],
            point=True,
        ),
    ]


def _limits(result: ResultLike, binding: dict) -> list[Drawing]:
    """Lines, substations and provinces that the diagnosis names, outlined in magenta."""
    out = []
    lines = result.lines[result.lines["line_id"].isin(binding["lines"])]
    if len(lines):
        styles = [
            {"color": style.BINDS, "weight": style.line_px(v, k) + 5, "opacity": 0.6}
            for v, k in zip(lines["voltage_kv"], lines["kind"], strict=True)
        ]
        popup = [
            f"<b>Line {escaped(line_label(n, i, km))}</b>: limit that binds{binding['lines'][i]}"
            for n, i, km in zip(lines["name"], lines["line_id"], lines["length_km"], strict=True)
        ]
        out.append(Drawing(LAYERS[7], lines, styles, "siting-limits", popup=popup))
    subs = result.substations[result.substations["substation_id"].isin(binding["substations"])]
    if len(subs):
        popup = [
            f"<b>Substation {escaped(n, i)}</b>: limit that binds{binding['substations'][i]}"
            for n, i in zip(subs["name"], subs["substation_id"], strict=True)
        ]
        out.append(
            Drawing(
                LAYERS[7],
                subs,
                [{"radius": 10, "color": style.BINDS, "weight": 3, "fill": False}] * len(subs),
                "siting-limits",
                popup=popup,
                point=True,
            )
        )
    prov = result.provinces[result.provinces["code"].isin(binding["provinces"])]
    if len(prov):
        popup = [
            f"<b>{escaped(n, c)}</b>: limit that binds{binding['provinces'][c]}"
            for n, c in zip(prov["name"], prov["code"], strict=True)
        ]
        out.append(
            Drawing(
                LAYERS[7],
                prov,
                [{"color": style.BINDS, "weight": 3, "fill": False}] * len(prov),
                "siting-limits",
                popup=popup,
            )
        )
    return out


def _upgrades(result: ResultLike, sub_names: dict) -> list[Drawing]:
    """Lines and substations whose upgrade would lower the cost, coloured by KRW bn per MW (plan fixed)."""
    ln = result.lines[result.lines["capacity_value_bn_per_mw"].fillna(0.0) > 1e-9]
    st = result.substations[result.substations["supply_value_bn_per_mw"].fillna(0.0) > 1e-9]
    if ln.empty and st.empty:
        return []
    top = max(
        float(ln["capacity_value_bn_per_mw"].max() if len(ln) else 0.0),
        float(st["supply_value_bn_per_mw"].max() if len(st) else 0.0),
    )
    money = result.scenario.costs.currency
    note = f"<br><i>{money} saved per MW more, campuses fixed (see siting.upgrade_values)</i>"
    out = []
    if len(ln):
        v = ln["capacity_value_bn_per_mw"].to_numpy()
        styles = [
            {"color": style.upgrade_color(x, top), "weight": 3 + 5 * x / top, "opacity": 0.95} for x in v
        ]
        popup = [
            f"<b>Upgrade line {escaped(line_label(r.name, r.line_id, r.length_km))}</b><br>"
            "One more MW of residual capacity saves "
            f"{krw_bn(r.capacity_value_bn_per_mw, digits=4, currency=money)}<br>"
            f"Residual capacity: {mw(r.residual_mw)}; "
            f"new flow {mw(abs(r.flow_mw))} between {escaped(sub_names.get(r.from_id), r.from_id)} and "
            f"{escaped(sub_names.get(r.to_id), r.to_id)}" + note
            for r in ln.itertuples()
        ]
        out.append(Drawing(LAYERS[8], ln, styles, "siting-limits", popup=popup))
    if len(st):
        v = st["supply_value_bn_per_mw"].to_numpy()
        styles = [
            {
                "radius": 5 + 8 * x / top,
                "fillColor": style.upgrade_color(x, top),
                "fillOpacity": 0.9,
                "color": style.INK,
                "weight": 1.0,
            }
            for x in v
        ]
        popup = [
            f"<b>Supply at {escaped(r.name, r.substation_id)}</b><br>One more MW of supply for new load here "
            f"saves {krw_bn(r.supply_value_bn_per_mw, digits=4, currency=money)}<br>"
            f"Supply: {_supply_text(r)}" + note
            for r in st.itertuples()
        ]
        out.append(Drawing(LAYERS[8], st, styles, "siting-limits", popup=popup, point=True))
    return out


def _offline_page(m: folium.Map) -> Figure:
    """Make ``m`` work offline: no CDN links, Leaflet and the CSS inlined, the hatch pattern, the panes."""
    import folium

    m.default_js, m.default_css = [], []  # no CDN: Leaflet is inlined below
    root = cast("Figure", m.get_root())  # folium.Map always sits in a Figure
    root.header.add_child(_raw(_leaflet() + f"<style>{CSS}</style>"), name="siting_leaflet")
    root.html.add_child(_raw(HATCH), name="siting_hatch")
    for i, pane in enumerate(PANES):
        folium.map.CustomPane(pane, z_index=380 + 10 * i, pointer_events=True).add_to(m)
    return root


def _draw(m: folium.Map, drawings: list[Drawing]) -> list[str]:
    """Add ``drawings`` to ``m``, one feature group per layer, with a layer control; the layers drawn."""
    import folium

    groups: dict[str, folium.FeatureGroup] = {}
    for d in drawings:
        if d.layer not in groups:
            groups[d.layer] = folium.FeatureGroup(name=d.layer, show=d.layer not in HIDDEN)
            groups[d.layer].add_to(m)
        add(groups[d.layer], d)
    folium.LayerControl(collapsed=False).add_to(m)
    return list(groups)


def explore(result: ResultLike, *, tiles: str | None = None, **kwargs: Any) -> folium.Map:
    """Interactive map of a result: toggleable layers, popups in plain words, a legend.

    Layers (switch them in the layer control): provinces shaded by MW placed,
    the excluded region (hatched), lines coloured by loading (new flow over
    residual capacity) and as wide as their voltage, renewables by technology,
    the renewables that serve the plan (new build by province and technology,
    surplus used, ringed dark, area ~ average MW: :mod:`siting.renewable_map`),
    substations by voltage (those with campuses large, the rest small and
    faint), campuses sized by MW with their connections, for an
    infeasible result, the limits that the diagnosis names and, switched off
    until turned on, the lines and substations whose upgrade would lower the
    cost (:func:`siting.upgrade_values`), and the grid projects a reinforcing
    plan builds (:mod:`siting.webmap_reinforcements`). Click anything for its
    figures with units.

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
    >>> sc = siting.Scenario(target_mw=400, min_host_provinces=1, grid_spacing_km=40)
    >>> res = siting.solve(siting.load_korea(), sc)
    >>> m = siting.explore(res)
    >>> page = m.get_root().render()
    >>> "cdn.jsdelivr.net" in page, "Campuses" in page
    (False, True)
    >>> m.save("plan.html")  # doctest: +SKIP
    """
    require_folium()
    import folium

    prov = result.provinces
    names = dict(zip(prov["code"], prov["name"], strict=True))
    sub_names = dict(zip(result.substations["substation_id"], result.substations["name"], strict=True))
    binding = _binding(result)
    top = max(float(prov["capacity_mw"].max()), 1.0)
    west, south, east, north = prov.total_bounds
    kwargs.setdefault("control_scale", True)
    kwargs.setdefault("zoom_snap", 0.25)
    m = folium.Map(location=[(south + north) / 2, (west + east) / 2], zoom_start=7, tiles=tiles, **kwargs)
    root = _offline_page(m)
    drawn = _draw(
        m,
        [
            *_areas(result, names, top),
            *_lines(result, sub_names, binding),
            *_renewables(result),
            *_supply(result, names),
            *_substations(result, names, binding),
            *_campuses(result, names, sub_names),
            *_limits(result, binding),
            *_upgrades(result, sub_names),
            *webmap_reinforcements.drawings(result, sub_names),
        ],
    )
    panels = title_panel(result, names) + legend_panel(result, top_mw=top, binds=LAYERS[7] in drawn)
    root.html.add_child(_raw(panels), name="siting_panels")
    m.fit_bounds(
        [[south, west], [north, east]], padding_top_left=(10, 10), padding_bottom_right=(250, 10)
    )  # room for the legend
    return m
