"""The web map's "Reinforcements" layer: the grid projects a plan builds, with their figures in popups.

:func:`siting.explore` adds it when the result lists reinforcements
(``Scenario(reinforce=True)``). Drawn in :data:`siting.style.REINFORCEMENT`,
as on the static map (:mod:`siting.plot_reinforcements`): a new AC line or
HVDC link built as a thick dashed line between its buses, an uprated line
as a wide translucent band over its route, a substation expansion as a wide
ring. Candidate new lines, links and substation projects not built are thin,
dotted and faint (:data:`siting.style.CANDIDATE`); an uprate not built is its
line, drawn already. Every popup says the project's name and id, its kind in
words, where it is, the units built, its cost, the MW it carries and its source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from . import style
from .webmap_parts import Drawing, escaped

if TYPE_CHECKING:
    from ._result_types import ResultLike

__all__ = ["KIND_WORDS", "LAYER", "drawings", "popup"]

#: The layer's name in the layer control.
LAYER: Final = "Reinforcements"
#: A project's kind in words.
KIND_WORDS: Final = {
    "hvdc": "new HVDC link",
    "ac_line": "new AC line",
    "uprate": "uprate of a line (reconductoring)",
    "substation": "substation expansion (more headroom)",
}
#: Leaflet class name of the drawn paths (for styling and tests).
CLASS: Final = "siting-reinforcement"


def _where(r: Any, sub_names: dict) -> str:
    """Where the project acts: between its buses, on its line, or at its substation."""
    if r.kind == "substation":
        return f"At: {escaped(sub_names.get(r.substation_id), r.substation_id)} ({escaped(r.substation_id)})"
    ends = f"{escaped(sub_names.get(r.from_id), r.from_id)} and {escaped(sub_names.get(r.to_id), r.to_id)}"
    line = f"Line: {escaped(r.line_id)}, " if r.kind == "uprate" else ""
    return f"{line}between {ends}"


def popup(r: Any, sub_names: dict, *, currency: str = "KRW bn") -> str:
    r"""A project's popup: name and id, kind, where, units built, cost, MW added and carried, source.

    Parameters
    ----------
    r : namedtuple
        A row of ``SitingResult.reinforcements`` (``itertuples``).
    sub_names : dict
        Substation id to name.
    currency : str, default "KRW bn"

    Returns
    -------
    str
        HTML.

    Examples
    --------
    >>> from types import SimpleNamespace as Row
    >>> r = Row(name="West Sea HVDC", project_id="WS", kind="hvdc", from_id="a", to_id="b", line_id=None,
    ...         substation_id=None, units_built=1, max_units=1, unit_cost_krw_bn=2800.0, cost_krw_bn=2800.0,
    ...         added_mw=2000.0, flow_mw=1650.0, source="Asia Economy 2025-11-25")
    >>> print(popup(r, {"a": "Gunsan"}).replace("<br>", "\n"))
    <b>West Sea HVDC</b> (WS)
    Kind: new HVDC link
    Where: between Gunsan and b
    Built: 1 of 1 unit
    Cost: 2,800.0 KRW bn (2,800.0 KRW bn per unit)
    Adds: 2,000 MW per unit
    Carries: 1,650 MW
    Source: Asia Economy 2025-11-25
    """
    built = r.units_built > 0
    units = f"{r.units_built} of {r.max_units} unit{'' if r.max_units == 1 else 's'}"
    cost = style.krw_bn(r.cost_krw_bn, currency=currency)
    each = style.krw_bn(r.unit_cost_krw_bn, currency=currency)
    return (
        f"<b>{escaped(r.name, r.project_id)}</b> ({escaped(r.project_id)})<br>"
        f"Kind: {KIND_WORDS.get(r.kind, escaped(r.kind))}<br>Where: {_where(r, sub_names)}<br>"
        + (
            f"Built: {units}<br>Cost: {cost} ({each} per unit)<br>"
            if built
            else f"Not built (cost {each} per unit)<br>"
        )
        + f"Adds: {style.mw(r.added_mw)} per unit<br>"
        + (f"Carries: {style.mw(r.flow_mw)}<br>" if built else "")
        + f"Source: {escaped(getattr(r, 'source', None), 'not given')}"
    )


def drawings(result: ResultLike, sub_names: dict) -> list[Drawing]:
    """The layer's drawings: the projects built by kind, then the candidates left, faint.

    Parameters
    ----------
    result : SitingResult
    sub_names : dict
        Substation id to name.

    Returns
    -------
    list of Drawing
        Empty when the result has no reinforcements table.

    Examples
    --------
    >>> import siting
    >>> res = siting.solve(siting.load_korea(), siting.Scenario(target_mw=100, grid_spacing_km=40))
    >>> drawings(res, {})  # the scenario does not reinforce
    []
    """
    table = result.reinforcements
    if table is None or table.empty:
        return []
    money = result.scenario.costs.currency
    built = table["units_built"] > 0
    lines = table["kind"].isin(["ac_line", "hvdc"])
    subs = table["kind"] == "substation"
    color, faint = style.REINFORCEMENT, style.CANDIDATE
    looks = (  # (rows, pane, point, style)
        (
            built & lines,
            "siting-lines",
            False,
            {"color": color, "weight": 6, "dashArray": "10 6", "opacity": 0.95},
        ),
        (
            built & (table["kind"] == "uprate"),
            "siting-lines",
            False,
            {"color": color, "weight": 9, "opacity": 0.45},
        ),
        (built & subs, "siting-points", True, {"radius": 12, "color": color, "weight": 3.5, "fill": False}),
        (
            ~built & lines,
            "siting-lines",
            False,
            {"color": faint, "weight": 2, "dashArray": "2 5", "opacity": 0.9},
        ),
        (~built & subs, "siting-points", True, {"radius": 9, "color": faint, "weight": 1.5, "fill": False}),
    )
    out = []
    for i, (rows, pane, is_point, look) in enumerate(looks):
        part = table[rows]
        if not len(part):
            continue
        text = [popup(r, sub_names, currency=money) for r in part.itertuples()]
        tips = [escaped(r.name, r.project_id) + ("" if i < 3 else " (not built)") for r in part.itertuples()]
        styles = [{**look, "className": CLASS}] * len(part)
        out.append(Drawing(LAYER, part, styles, pane, popup=text, tooltip=tips, point=is_point))
    return out
