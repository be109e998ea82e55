"""Which reinforcement projects a diagnosis concerns: those the least relaxation builds, and those it cannot.

The elastic diagnosis (:mod:`siting.diagnose`) finds the least relaxation of
the limits that meets the target. With ``Scenario.reinforce`` it may build
projects too, so its limits must give *even with* what it builds; and a
project that would act on one of those limits may be left unbuilt because
the scenario does not offer it (``reinforce`` off, ``earliest_year`` after
``Scenario.year``) or because the diagnosis cannot (a new AC line of the DC
model, held unbuilt while the line limits are relaxed). This module names
both, one row per project.

A project *acts on* a limit that must give when it is

- an uprate of that line (``lines``);
- a substation project at that substation (``headroom``);
- for a supply shortage at a substation (``supply``): a line, link or
  uprate that crosses the cut around it. The cut is read from the relaxed
  plan: the region is every bus from which more power could still reach the
  substation over lines with room left (a line with room, or one whose flow
  runs the other way); the cut is the lines that leave the region full. A
  project joining the region to a bus outside it brings power across that cut.
  With transport flows this is the max-flow residual argument; with DC flows,
  where Kirchhoff's law also binds, it is a guide rather than a proof.

Examples
--------
A supply shortage at a Korean substation with ``reinforce`` off: every
bundled project across the cut around it is named, and not offered.

>>> import pandas as pd, siting
>>> from siting.model import SitingModel
>>> data = siting.load_korea()
>>> sc = siting.Scenario(target_mw=800, grid_spacing_km=40, renewable_share=0.0, min_host_provinces=1)
>>> st = siting.prepare(data, sc).stages(sc)
>>> m = SitingModel.build(data, sc, st.candidates, st.options, graph=st.graph, headroom=st.headroom)
>>> str(m.solve().status)
'optimal'
>>> sid = data.substations["substation_id"].iloc[0]
>>> region, cut = supply_cut(m, sid)
>>> sid in region and cut <= set(m.line_flows)
True
>>> short = pd.DataFrame({"family": ["supply"], "id": [sid], "name": ["first"]})
>>> found = project_findings(data, m, short)
>>> len(found) > 0 and set(found["status"]) == {"not offered"}
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from ._result_types import PROJECT_FINDING_COLUMNS
from .build_out import offered
from .constants import HEADROOM, LINES, SUPPLY
from .families._base import net_flow, value
from .families.network import flow_paths
from .reinforcements import projects

if TYPE_CHECKING:
    from .data import SitingData
    from .model import SitingModel
    from .scenario import Scenario

__all__ = ["project_findings", "supply_cut"]

#: MW below which a line counts as full in the relaxed plan.
ROOM_TOL_MW: Final[float] = 1e-6


def supply_cut(m: SitingModel, node: str) -> tuple[set[str], set[str]]:
    """The buses that could still send power to ``node`` in the solved plan, and the full lines around them.

    Parameters
    ----------
    m : SitingModel
        Solved, with the network family on.
    node : str
        A ``substation_id``.

    Returns
    -------
    region : set of str
        ``node`` and every bus from which more power reaches it over paths
        of today's lines and new lines built with room left (``|flow| +
        |renewable flow| < capacity``, or a flow that runs away from it).
    cut : set of str
        Keys of ``SitingModel.line_flows`` (line ids, or new lines'
        ``new:<id>``) with one end in the region: the full lines into it.

    Examples
    --------
    See the module's example.
    """
    return _cut(_room(m), node)


#: Per bus, its lines: (the bus at the other end, the line's key, whether more power can come in on it).
_Room = dict[str, list[tuple[str, str, bool]]]


def _room(m: SitingModel) -> _Room:
    """Every line of the solved plan seen from each end: can more power come in on it (module docstring)."""
    into: _Room = defaultdict(list)
    for p in flow_paths(m):
        f = net_flow(m.line_flows, p.line_id)
        used = abs(f) + abs(net_flow(m.renewable_flows, p.line_id))
        room = value(p.capacity) - used > ROOM_TOL_MW
        # more power from_id -> to_id when there is room or the flow runs to -> from; and back
        into[p.to_id].append((p.from_id, p.line_id, room or f < -ROOM_TOL_MW))
        into[p.from_id].append((p.to_id, p.line_id, room or f > ROOM_TOL_MW))
    return into


def _cut(into: _Room, node: str) -> tuple[set[str], set[str]]:
    """The region that can still feed ``node`` and the keys of the lines leaving it (:func:`supply_cut`)."""
    region, todo = {node}, [node]
    while todo:
        here = todo.pop()
        for there, _, more in into[here]:
            if more and there not in region:
                region.add(there)
                todo.append(there)
    cut = {lid for here in region for there, lid, _ in into[here] if there not in region}
    return region, cut


def project_findings(
    data: SitingData,
    m: SitingModel,
    limits: pd.DataFrame,
    *,
    built: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The projects a diagnosis concerns, one row each: built by the least relaxation, or left unbuilt.

    Parameters
    ----------
    data : SitingData
        Its ``reinforcements`` layer (none: an empty table).
    m : SitingModel
        The solved elastic model whose relaxation ``limits`` reads.
    limits : DataFrame
        :attr:`siting.result.Diagnosis.limits` of that relaxation.
    built : DataFrame, optional
        The model's ``reinforcements`` table (from its read), when the
        scenario reinforces.

    Returns
    -------
    DataFrame
        Columns :data:`siting.result.PROJECT_FINDING_COLUMNS`: ``status`` is
        ``built`` (units the least relaxation builds; the limits must give
        even with them), ``not offered`` (``reinforce`` is off),
        ``not available`` (``earliest_year`` after ``Scenario.year``),
        ``held`` (a new AC line of the DC diagnosis) or ``not built`` (offered,
        left unbuilt by the least relaxation); ``limits`` names the limits
        that must give that it acts on; ``text`` says it in words, with the
        fix. Built projects first, then by project id.

    Examples
    --------
    See the module's example.
    """
    table = projects(data)
    if table.empty:
        return pd.DataFrame(columns=list(PROJECT_FINDING_COLUMNS))
    sc = m.scenario
    on = set(offered(data, sc)["project_id"])
    units = {} if built is None else dict(zip(built["project_id"], built["units_built"], strict=True))
    acts = _acting(table, m, limits) if len(limits) else {}
    rows = []
    for r in table.itertuples():
        u = int(units.get(r.project_id, 0))
        if u == 0 and r.project_id not in acts:
            continue
        status, why = _why(r, u, sc, on, m)
        names = acts.get(r.project_id, [])
        where = "; it would act on " + ", ".join(names) if names and status != "built" else ""
        rows.append(
            {
                "project_id": r.project_id,
                "name": r.name,
                "kind": r.kind,
                "status": status,
                "units_built": u,
                "max_units": int(r.max_units),
                "cost_krw_bn": float(r.cost_krw_bn) * u,
                "limits": ", ".join(names),
                "text": f"{r.project_id} ({r.name}; {r.kind}, +{float(r.added_mw):,.0f} MW per unit) "
                f"{why}{where}",
            }
        )
    out = pd.DataFrame(rows, columns=list(PROJECT_FINDING_COLUMNS))
    order = out["status"].ne("built")
    return (
        out.assign(_o=order)
        .sort_values(["_o", "project_id"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def _acting(table: pd.DataFrame, m: SitingModel, limits: pd.DataFrame) -> dict[str, list[str]]:
    """Project id -> the names of the limits that must give that it acts on (module docstring)."""
    out: dict[str, list[str]] = defaultdict(list)
    by_line = table[table["kind"] == "uprate"].groupby("line_id")["project_id"].agg(list).to_dict()
    by_sub = table[table["kind"] == "substation"].groupby("substation_id")["project_id"].agg(list).to_dict()
    links = table[table["kind"].isin(["ac_line", "hvdc"])]
    into = _room(m) if (limits["family"] == SUPPLY).any() else {}
    for family, key, name in zip(limits["family"], limits["id"], limits["name"], strict=True):
        label = f"{family} {name or key}"
        hit: list[Hashable] = []
        if family == LINES:
            hit = by_line.get(key, [])
        elif family == HEADROOM:
            hit = by_sub.get(key, [])
        elif family == SUPPLY:
            region, cut = _cut(into, str(key))
            hit = [p for lid in sorted(cut) for p in by_line.get(lid, [])]
            across = (links["from_id"].isin(region)) != (links["to_id"].isin(region))
            hit += list(links.loc[across, "project_id"])
        for pid in hit:
            out[str(pid)].append(label)
    return dict(out)


def _why(r: Any, units: int, sc: Scenario, on: set[str], m: SitingModel) -> tuple[str, str]:
    """A project's status and the words after its name (with the fix when there is one)."""
    cost = float(r.cost_krw_bn)
    if units:
        most = int(r.max_units)
        return "built", (
            f"is built by the least relaxation: {units} of {most} unit{'s' if most != 1 else ''}, "
            f"{cost * units:,.1f} KRW bn; the limits above must give even with it"
        )
    if not sc.reinforce:
        return "not offered", (
            f"is not built: reinforce is off ({cost:,.1f} KRW bn per unit); fix: Scenario(reinforce=True) "
            "to choose it with the campuses"
        )
    if r.project_id not in on:
        return "not available", (
            f"is not built: its earliest_year {int(r.earliest_year)} is after the scenario's year "
            f"{sc.year}; fix: a later year, or year=None"
        )
    if sc.flow_model == "dc" and r.kind == "ac_line" and LINES in m.elastic:
        return "held", (
            "is not built: the DC diagnosis relaxes the line limits, so no big-M is valid for a new AC "
            "line and it is held unbuilt; fix: diagnose with flow_model='transport' to see what it adds"
        )
    return (
        "not built",
        "is offered but the least relaxation leaves it unbuilt: it does not lower what must give",
    )
