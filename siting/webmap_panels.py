"""The web map's panels: the title box (what was placed, or what binds) and the legend, as HTML.

Swatches are drawn with the colours and sizes of the map itself (:mod:`siting.style`).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Final

import numpy as np

from . import renewable_map, style

if TYPE_CHECKING:
    from ._result_types import ResultLike

__all__ = ["legend_panel", "title_panel"]

#: The excluded region's hatching in CSS (the map draws it with an SVG pattern).
HATCH_CSS: Final = (
    f"background:repeating-linear-gradient(45deg,{style.EXCLUDED_EDGE} 0 2px,{style.EXCLUDED} 2px 6px)"
)


def title_panel(result: ResultLike, province_names: dict) -> str:
    """The title box: scenario and status, then MW placed and hosts (or what binds, without a plan).

    Parameters
    ----------
    result : SitingResult
    province_names : dict
        Province code to name.

    Returns
    -------
    str
        A ``div`` of class ``siting-box siting-title``.

    Examples
    --------
    >>> import siting
    >>> sc = siting.Scenario(target_mw=400, min_host_provinces=1, grid_spacing_km=40)
    >>> res = siting.solve(siting.load_korea(), sc)
    >>> "400 MW placed in" in title_panel(res, {})
    True
    """
    sc = result.scenario
    head = f"<b>{html.escape(str(sc.name))}</b> &middot; {result.status}<br>"
    if len(result.sites):
        hosts = ", ".join(province_names.get(p, p) for p in result.by_province().index)
        body = (
            f"{style.mw(result.total_mw)} placed in {len(result.sites)} campuses "
            f"(target {style.mw(sc.target_mw)})<br>Hosts: {html.escape(hosts)}"
        )
        if result.objective is not None:
            body += f"<br>Total cost: {style.krw_bn(result.objective, currency=sc.costs.currency)}"
    else:
        lines = [ln.lstrip("- ") for ln in str(result.diagnosis or "").splitlines() if ln.strip()]
        shown = lines[:10] + ([f"... and {len(lines) - 10} more"] if len(lines) > 10 else [])
        items = "".join(f"<li>{html.escape(x)}</li>" for x in shown)
        body = f"No plan meets every limit for {style.mw(sc.target_mw)}. What binds:<ul>{items}</ul>"
    return f'<div class="siting-box siting-title">{head}{body}</div>'


def _swatch_line(color: str, width: float, dash: str = "", *, opacity: float = 1.0) -> str:
    """A short line in SVG, as a line layer draws it."""
    return (
        f'<svg width="28" height="10"><line x1="1" y1="5" x2="27" y2="5" stroke="{color}" '
        f'stroke-width="{width}" stroke-dasharray="{dash}" stroke-opacity="{opacity:g}" '
        'stroke-linecap="round"/></svg>'
    )


def _swatch_dot(color: str, radius: float, *, edge: str = "white") -> str:
    """A circle of ``radius`` pixels in SVG, as a point layer draws it."""
    size = 2 * radius + 4
    return (
        f'<svg width="{max(size, 28)}" height="{size}">'
        f'<circle cx="{max(size, 28) / 2}" cy="{size / 2}" r="{radius}" '
        f'fill="{color}" fill-opacity="0.8" stroke="{edge}" stroke-width="1.5"/></svg>'
    )


def _ramp(colors: list[str]) -> str:
    """A colour ramp from the first of ``colors`` to the last."""
    return f'<span class="siting-ramp" style="background:linear-gradient(90deg,{",".join(colors)})"></span>'


def _campus_rows(result: ResultLike) -> list[str]:
    """Campuses by size, and their connections."""
    if not len(result.sites):
        return []
    rows = ["<h4>Campuses (circle area ~ MW)</h4>"]
    rows += [
        f"<div>{_swatch_dot(style.CAMPUS, style.campus_radius(mw))}{mw:g} MW</div>"
        for mw in sorted(set(result.scenario.tiers_mw))
    ]
    rows.append(f"<div>{_swatch_line(style.CONNECTION, 1.5)}connection to its substation</div>")
    return rows


def _grid_rows(result: ResultLike, *, binds: bool) -> list[str]:
    """Substations and lines by voltage, the loading scale, idle lines and the limits that bind."""
    kvs = [
        v
        for v in sorted(style.VOLTAGE_STYLE, reverse=True)
        if result.lines["voltage_kv"].eq(v).any() or result.substations["voltage_kv"].eq(v).any()
    ]
    rows = ["<h4>Substations (colour: voltage)</h4>"]
    rows += [f"<div>{_swatch_dot(style.VOLTAGE_STYLE[kv][0], 4, edge='none')}{kv} kV</div>" for kv in kvs]
    big = _swatch_dot(style.SUBSTATION, 6.5, edge=style.INK)
    rows.append(f"<div>{big}large, dark outline: campuses connected</div>")
    rows.append("<h4>Lines (width: voltage)</h4>")
    rows += [f"<div>{_swatch_line(style.IDLE_LINE, style.line_px(kv, 'ac'))}{kv} kV</div>" for kv in kvs]
    if result.lines["kind"].ne("ac").any():
        rows.append(f"<div>{_swatch_line(style.HVDC, style.line_px(0, 'hvdc'), '6 4')}HVDC</div>")
    ramp = _ramp([style.loading_color(x) for x in np.linspace(0, 1, 6)])
    rows.append(f"<div>colour: new flow / residual capacity</div><div>0 %{ramp}100 %</div>")
    rows.append(f"<div>{_swatch_line(style.IDLE_LINE, 2)}no new flow</div>")
    if binds:
        rows.append(f"<div>{_swatch_line(style.BINDS, 6)}limit that binds (diagnosis)</div>")
    return rows


def _area_rows(result: ResultLike, *, top_mw: float) -> list[str]:
    """Provinces by MW placed, the excluded region, renewables by technology."""
    rows = ["<h4>Provinces</h4>"]
    if len(result.sites):
        greens = _ramp([style.mw_color(x, 1.0) for x in np.linspace(0.01, 1, 6)])
        rows.append(f"<div>0{greens}{style.mw(top_mw)} placed</div>")
    if result.provinces["excluded"].any():
        rows.append(
            f'<div><span class="siting-ramp" style="width:28px;{HATCH_CSS}"></span>excluded region</div>'
        )
    present = set() if result.renewables is None else set(result.renewables["technology"])
    techs = [t for t in style.TECH_COLOR if t in present] + sorted(present - set(style.TECH_COLOR))
    if techs:
        rows.append("<h4>Renewables (area ~ MW)</h4>")
        rows += [
            f"<div>{_swatch_dot(style.TECH_COLOR.get(t, style.OTHER_TECH), 4)}{t.replace('_', ' ')}</div>"
            for t in techs
        ]
    return rows


def _supply_rows(result: ResultLike) -> list[str]:
    """The renewables serving the plan, by technology present (none without any)."""
    rows = renewable_map.serving(result)
    if not len(rows):
        return []
    out = ["<h4>Renewables serving the plan (area ~ average MW, as campuses)</h4>"]
    for (source, tech), _ in rows.groupby(["source", "technology"], sort=False):
        swatch = _swatch_dot(style.supply_color(str(tech)), 5, edge=style.INK)
        out.append(f"<div>{swatch}{renewable_map.kind(str(source), str(tech))}</div>")
    return out


def _reinforcement_rows(result: ResultLike) -> list[str]:
    """The grid projects: each kind built, and the candidates not built (none without the table)."""
    table = result.reinforcements
    if table is None or table.empty:
        return []
    built = table[table["units_built"] > 0]
    color, kinds = style.REINFORCEMENT, set(built["kind"])
    out = ["<h4>Reinforcements</h4>"]
    if kinds & {"ac_line", "hvdc"}:
        out.append(f"<div>{_swatch_line(color, 6, '10 6')}new line or HVDC link built</div>")
    if "uprate" in kinds:
        out.append(f"<div>{_swatch_line(color, 9, opacity=0.45)}line uprated</div>")
    if "substation" in kinds:
        ring = (
            f'<svg width="28" height="28"><circle cx="14" cy="14" r="11" fill="none" stroke="{color}" '
            'stroke-width="3"/></svg>'
        )
        out.append(f"<div>{ring}substation expanded</div>")
    if not len(built):
        out.append("<div>none built</div>")
    if (table["units_built"] <= 0).any():
        out.append(f"<div>{_swatch_line(style.CANDIDATE, 2, '2 5')}candidate not built</div>")
    return out


def legend_panel(result: ResultLike, *, top_mw: float, binds: bool) -> str:
    """The legend: campuses, renewables serving the plan, reinforcements, the grid, colour scales, provinces.

    Parameters
    ----------
    result : SitingResult
    top_mw : float
        MW at the dark end of the province shading.
    binds : bool
        Whether the map has a layer of limits that bind.

    Returns
    -------
    str
        A ``details`` element of class ``siting-box siting-legend``, open.

    Examples
    --------
    >>> import siting
    >>> sc = siting.Scenario(target_mw=400, min_host_provinces=1, grid_spacing_km=40)
    >>> res = siting.solve(siting.load_korea(), sc)
    >>> "345 kV" in legend_panel(res, top_mw=400.0, binds=False)
    True
    """
    rows = _campus_rows(result) + _supply_rows(result) + _reinforcement_rows(result)
    rows += _grid_rows(result, binds=binds)
    rows += _area_rows(result, top_mw=top_mw)
    return (
        f'<details open class="siting-box siting-legend"><summary>Legend</summary>{"".join(rows)}</details>'
    )
