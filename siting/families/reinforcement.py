"""Transmission reinforcements chosen with the campuses: a whole number of units built per project.

With ``Scenario(reinforce=True)`` every project of
:func:`siting.reinforcements.projects` is a decision ``u`` in
``0..max_units`` (binary when ``max_units`` is 1) at ``cost_krw_bn`` per
unit (the ``reinforcement`` cost term). What a unit adds enters the model
in one place per effect, which the other families read:

- an ``uprate`` adds ``added_mw x u`` to its line's capacity
  (``SitingModel.added_capacity``): the network's line row and the renewable
  family's shared row both take the line's capacity from
  :func:`siting.families.network.flow_paths`;
- an ``ac_line`` or ``hvdc`` project is a new flow path between its buses
  (``SitingModel.new_lines``) with ``|flow| (+ |renewable flow|) <= (added_mw -
  export_mw) x u``; the network balances and prices its flow like a line's,
  and the renewable flow may use it too, sharing its capacity;
- its ``export_mw x u`` (``SitingModel.exports``) is today's held-back
  generation the line carries out of the problem, to load the model does
  not hold (the capital region's): a fixed draw at ``from_id`` that the
  network's balance serves from the supply for new load, competing with the
  campuses for that supply and for the lines around ``from_id``. An export
  link can so make the campuses' plan dearer or infeasible: building it is
  never free of consequence, and ``Scenario.build_projects`` asks what it
  does when it is built anyway;
- a ``substation`` project adds ``added_mw x u`` of headroom there
  (``SitingModel.added_headroom``, read by the headroom family).

DC power flow (``flow_model = "dc"``): a new AC line joins Kirchhoff's
voltage law in the standard disjunctive form. Today's AC cycles fix the
angle difference between the line's buses whatever path it is read on, so
one path P of today's AC lines from ``from_id`` to ``to_id`` closes the only
new cycle: ``|sum over P of sign x_e f_e - x_c f_c| <= M (1 - on)``, with
``f_c = 0`` when not built. ``M`` is the least over paths of ``sum x_e
cap_e`` (``cap_e`` the line's capacity with every uprate built), from a
shortest path with weights ``x_e cap_e``: on that path the sum can never
exceed it, so the row is void when the line is not built, and no single
path gives a smaller valid M. Each unit of a modular AC line is its own circuit
(its own binary ``on``, units built in order), so that parallel units
split the flow as the physics does. HVDC links stay controllable.

Projects in ``Scenario.build_projects`` are built at least once whatever
they cost (``u >= 1``; a modular one may be built more).

Limitations: with N-1, no new AC lines (they would change the outage
factors; :mod:`siting.families.security` refuses them); in the DC model a new
AC line must join buses that today's AC lines already connect (else the
cycles it closes need two projects at once); in an elastic model that
relaxes the line limits (the diagnosis), the flows are unbounded, so no M
is valid and new AC lines of the DC model are held unbuilt there. An
export leaves the problem at ``from_id``: in the DC model it is not a
flow on the new line (Kirchhoff's law holds for the campuses' flows only),
exact for HVDC links, an approximation for a new AC line with an export;
with N-1 an export link's outage re-routes only the campuses' flow on it. The
model has no time dimension: ``earliest_year`` is read only against
``Scenario.year`` (a project not available by then is not offered).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import pandas as pd
import pulp

from .._errors import ScenarioError
from .._types import NewLine
from .._utils import safe_name
from ..build_out import offered
from ..constants import LINES
from ..reinforcements import PROJECT_COLUMNS, projects
from ._base import Family, linear, net_flow, upper_value, value

if TYPE_CHECKING:
    from .._result_types import ResultLike
    from .._types import ModelLike, SolutionLike
    from ..data import SitingData
    from ..scenario import Scenario

__all__ = [
    "NEW_LINE_KEY",
    "REINFORCEMENT",
    "REINFORCEMENT_COLUMNS",
    "NewLine",
    "Reinforcement",
    "added_headroom_mw",
    "added_line_mw",
    "exported_mw",
    "new_line_flows",
]

#: The family's name and its cost term.
REINFORCEMENT = "reinforcement"
#: How a new line's flow is keyed among the lines' (``SitingModel.line_flows``): apart from line ids.
NEW_LINE_KEY = "new:{}"
#: Columns of ``SitingResult.reinforcements`` (before its geometry).
REINFORCEMENT_COLUMNS = (
    *PROJECT_COLUMNS[:8],  # project_id ... added_mw
    "max_units",
    "units_built",
    "built",
    "unit_cost_krw_bn",
    "cost_krw_bn",
    "flow_mw",
    "line_flow_mw",
    "renewable_flow_mw",
    "unit_export_mw",
    "export_mw",
    "source",
)


class Reinforcement(Family):
    """Build ``u[p]`` units of each project; its effects enter the rows of the other families.

    Provides ``added_capacity``, ``new_lines``, ``added_headroom``,
    ``exports`` and the ``reinforcement`` cost term; the network, renewable,
    line-loading and headroom families read them. Not relaxed: it has no limits of its own.
    """

    name = REINFORCEMENT
    provides = ("added_capacity", "new_lines", "added_headroom", "exports", REINFORCEMENT)

    @classmethod
    def enabled(cls, scenario: Scenario) -> bool:
        """On when ``scenario.reinforce``."""
        return scenario.reinforce

    def add(self, m: ModelLike) -> None:
        """One integer per project, its cost, and its capacity added where it acts."""
        self.table = offered(m.data, m.scenario)
        self.units: dict[str, pulp.LpVariable] = {}
        dc = m.scenario.flow_model == "dc"
        pos = {sid: i for i, sid in enumerate(m.data.substations["substation_id"])}
        forced = set(m.scenario.build_projects)
        cost = []
        for r in self.table.itertuples():
            # no valid M when line limits are relaxed: DC AC lines stay unbuilt (module docstring)
            held = dc and r.kind == "ac_line" and LINES in m.elastic
            low = 1 if r.project_id in forced and not held else 0
            u = pulp.LpVariable(
                f"u_{safe_name(r.project_id)}", low, 0 if held else int(r.max_units), pulp.LpInteger
            )
            self.units[r.project_id] = u
            m.fixed_with_plan.append(u)
            cost.append((u, float(r.cost_krw_bn)))
            added = float(r.added_mw)
            if r.kind == "uprate":
                m.added_capacity[r.line_id] = m.added_capacity.get(r.line_id, 0) + added * u
            elif r.kind == "substation":
                n = pos[r.substation_id]
                m.added_headroom[n] = m.added_headroom.get(n, 0) + added * u
        m.terms[REINFORCEMENT] = linear(cost)
        lines = self.table[self.table["kind"].isin(["ac_line", "hvdc"])]
        # the paths' M read every uprate's most, so they come after all uprates are in
        paths = _PathFinder(m) if dc and (lines["kind"] == "ac_line").any() else None
        for r in lines.itertuples():
            u, added = self.units[r.project_id], float(r.added_mw) - float(r.export_mw)
            if float(r.export_mw) > 0:
                n = pos[r.from_id]
                m.exports[n] = m.exports.get(n, 0) + float(r.export_mw) * u
            if paths is not None and r.kind == "ac_line":
                m.new_lines.extend(self._circuits(m, r, u, paths))
                continue
            kind, x, km = ("ac" if r.kind == "ac_line" else "hvdc"), float(r.reactance), float(r.length_km)
            most = added * int(r.max_units)
            m.new_lines.append(
                NewLine(r.project_id, r.project_id, r.from_id, r.to_id, kind, km, x, added * u, most)
            )

    def _circuits(self, m: ModelLike, r: Any, u: pulp.LpVariable, paths: _PathFinder) -> list[NewLine]:
        """The units of a DC AC line (a projects row) as circuits, each with its binary, path and M.

        Units are built in order (``on[j] >= on[j + 1]``), so that equal plans are one. Each
        circuit's capacity for the campuses is ``added_mw - export_mw``.
        """
        pid, k, added = str(r.project_id), int(r.max_units), float(r.added_mw) - float(r.export_mw)
        path, big_m = paths.find(pid, r.from_id, r.to_id)
        on = (
            [u]
            if k == 1
            else [pulp.LpVariable(f"ub_{safe_name(pid)}_{j}", cat=pulp.LpBinary) for j in range(k)]
        )
        if k > 1:
            m.prob += linear((b, 1) for b in on) - u == 0, f"units_{safe_name(pid)}"
            for j in range(k - 1):
                m.prob += on[j] - on[j + 1] >= 0, f"unit_order_{safe_name(pid)}_{j}"
            m.fixed_with_plan.extend(on)
        ids = [pid] if k == 1 else [f"{pid}#{j + 1}" for j in range(k)]
        x, km = float(r.reactance), float(r.length_km)
        return [
            NewLine(c, pid, r.from_id, r.to_id, "ac", km, x, added * b, added, b, path, big_m)
            for c, b in zip(ids, on, strict=True)
        ]

    def read(self, m: ModelLike, sol: SolutionLike) -> None:
        """Units built, cost and MW carried per project (``Solution.reinforcements``)."""
        subs = m.data.substations
        pos = {sid: i for i, sid in enumerate(subs["substation_id"])}
        today = subs["headroom_mw"].to_numpy(dtype=float)
        rows = []
        for r in self.table.itertuples():
            units = round(value(self.units[r.project_id]))
            f = g = carried = np.nan
            if r.kind == "uprate":
                f, g = net_flow(m.line_flows, r.line_id), net_flow(m.renewable_flows, r.line_id)
                residual = max(float(m.graph.edges[r.from_id, r.to_id, r.line_id]["residual_mw"]), 0.0)
                carried = max(abs(f) + abs(g) - residual, 0.0)
                f = g = np.nan
            elif r.kind == "substation":
                n = pos[r.substation_id]
                carried = max(value(m.load.get(n, 0)) - today[n], 0.0)
            else:
                keys = [NEW_LINE_KEY.format(c.id) for c in m.new_lines if c.project_id == r.project_id]
                fs = [net_flow(m.line_flows, key) for key in keys]
                gs = [net_flow(m.renewable_flows, key) for key in keys]
                f, g = float(sum(fs)), float(sum(gs))
                carried = float(sum(abs(a) + abs(b) for a, b in zip(fs, gs, strict=True)))
            rows.append(
                {
                    **{c: getattr(r, c) for c in PROJECT_COLUMNS[:8]},
                    "max_units": int(r.max_units),
                    "units_built": units,
                    "built": units > 0,
                    "unit_cost_krw_bn": float(r.cost_krw_bn),
                    "cost_krw_bn": float(r.cost_krw_bn) * units,
                    "flow_mw": carried,
                    "line_flow_mw": f,
                    "renewable_flow_mw": g,
                    "unit_export_mw": float(r.export_mw),
                    "export_mw": float(r.export_mw) * units,
                    "source": r.source,
                }
            )
        sol.reinforcements = pd.DataFrame(rows, columns=list(REINFORCEMENT_COLUMNS))

    @classmethod
    def check(cls, result: ResultLike, data: SitingData, tol: float) -> None:
        """Units within ``0..max_units``, forced projects built, costs, exports, and new lines' flows.

        From the result's ``reinforcements`` table and the projects of the
        data (:func:`siting.reinforcements.projects`): every project
        available by the scenario's ``year`` has a row, and no other; units
        are whole and within ``0..max_units``; ``built`` says whether any is;
        the projects of ``build_projects`` are built; each row's cost is the
        unit cost x units and the ``reinforcement`` cost term their sum; each
        row's ``export_mw`` is the data's ``export_mw`` x units; a new line or
        link carries ``|flow| + |renewable flow| <= (added_mw - export_mw) x
        units`` (nothing when not built). What uprates and substation projects
        add, and the exports drawn at the links' ``from_id``, are checked by
        the network, renewable, line-loading and headroom checks.
        """
        if not result.scenario.reinforce:
            return
        table = projects(data).set_index("project_id")
        if (year := result.scenario.year) is not None:  # projects not available by the year are not offered
            table = table[~(table["earliest_year"].fillna(year) > year).to_numpy(dtype=bool)]
        rep = result.reinforcements
        assert rep is not None, "reinforce is on but the result has no reinforcements table"
        rep = rep.set_index("project_id")
        assert sorted(rep.index) == sorted(table.index), "reinforcements table does not list every project"
        units = rep["units_built"].to_numpy(dtype=float)
        most = table.loc[rep.index, "max_units"].to_numpy(dtype=float)
        assert (np.abs(units - np.round(units)) <= 1e-9).all(), "units built are not whole"
        bad = rep.index[(units < 0) | (units > most)]
        assert len(bad) == 0, f"units built outside 0..max_units: {list(bad)}"
        assert (rep["built"].to_numpy(dtype=bool) == (units > 0)).all(), "built disagrees with units_built"
        unbuilt = [p for p in result.scenario.build_projects if not rep.at[p, "units_built"] > 0]
        assert not unbuilt, f"projects of build_projects not built: {unbuilt}"
        export = table.loc[rep.index, "export_mw"].to_numpy(dtype=float) * units
        bad = rep.index[np.abs(rep["export_mw"].to_numpy(dtype=float) - export) > tol]
        assert len(bad) == 0, f"export_mw is not the project's export_mw x units built: {list(bad)}"
        cost = table.loc[rep.index, "cost_krw_bn"].to_numpy(dtype=float) * units
        assert np.allclose(rep["cost_krw_bn"].to_numpy(dtype=float), cost, rtol=1e-9, atol=1e-9), (
            "a project's cost is not its unit cost x units built"
        )
        term = float(result.costs.get(REINFORCEMENT, 0.0))
        assert abs(term - cost.sum()) <= 1e-6 * max(1.0, abs(term)), (
            f"reinforcement cost term {term} != {cost.sum()} (unit costs x units built)"
        )
        new = new_line_flows(result, data)
        room = (new["added_mw"] - new["export_mw"]) * new["units"]
        over = new["line_flow_mw"].abs() + new["renewable_flow_mw"].abs() - room
        bad = new.index[over > tol]
        assert len(bad) == 0, (
            f"new lines carry more than (added_mw - export_mw) x units built (0 if not built): {list(bad)}"
        )


class _PathFinder:
    """Least ``sum x_e cap_e`` paths of today's AC lines, for the disjunctive rows of DC AC lines."""

    def __init__(self, m: ModelLike) -> None:
        most = {lid: upper_value(expr) for lid, expr in m.added_capacity.items()}
        self.H = nx.Graph()
        self.ends: dict[str, tuple[str, str]] = {}
        for a, b, lid, e in m.graph.edges(keys=True, data=True):
            if e["kind"] != "ac":
                continue
            self.ends[lid] = (e["from_id"], e["to_id"])
            w = float(e["reactance"]) * (max(float(e["residual_mw"]), 0.0) + most.get(lid, 0.0))
            if not self.H.has_edge(a, b) or (w, lid) < self.H.edges[a, b]["best"]:
                self.H.add_edge(a, b, best=(w, lid), weight=w)

    def find(self, pid: str, a: str, b: str) -> tuple[tuple[tuple[str, float], ...], float]:
        """The signed path from ``a`` to ``b`` and its M; ScenarioError when today's AC lines do not join."""
        try:
            nodes = nx.shortest_path(self.H, a, b, weight="weight")
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            raise ScenarioError(
                f"scenario field 'reinforce' with flow_model='dc': new AC line {pid!r} joins {a} and {b}, "
                "which today's AC lines do not connect, so the cycles it closes are not known; fix: make it "
                "an 'hvdc' project, or use flow_model='transport'."
            ) from None
        path, big_m = [], 0.0
        for p, q in zip(nodes[:-1], nodes[1:], strict=True):
            w, lid = self.H.edges[p, q]["best"]
            path.append((lid, 1.0 if self.ends[lid] == (p, q) else -1.0))
            big_m += w
        return tuple(path), big_m


def _units(result: ResultLike) -> pd.Series:
    """Units built per project id, from the result's table (empty without one)."""
    rep = result.reinforcements
    if rep is None or rep.empty:
        return pd.Series(dtype=float)
    return rep.set_index("project_id")["units_built"].astype(float)


def _with_units(result: ResultLike, data: SitingData, kinds: tuple[str, ...]) -> pd.DataFrame:
    """The result's projects of ``kinds`` (those offered) with their units built (none without reinforce)."""
    units = _units(result)
    if units.empty:
        return pd.DataFrame(columns=["project_id", "kind", "added_mw", "units"])
    table = projects(data)
    table = table[table["kind"].isin(kinds) & table["project_id"].isin(units.index)].copy()
    table["units"] = table["project_id"].map(units).fillna(0.0).to_numpy(dtype=float)
    return table


def added_line_mw(result: ResultLike, data: SitingData) -> pd.Series:
    """MW the uprates built add to each line's residual, by ``line_id`` (for the families' checks)."""
    t = _with_units(result, data, ("uprate",))
    if t.empty:
        return pd.Series(dtype=float)
    return (t["added_mw"] * t["units"]).groupby(t["line_id"]).sum()


def added_headroom_mw(result: ResultLike, data: SitingData) -> pd.Series:
    """Headroom the substation projects built add, by ``substation_id`` (for the families' checks)."""
    t = _with_units(result, data, ("substation",))
    if t.empty:
        return pd.Series(dtype=float)
    return (t["added_mw"] * t["units"]).groupby(t["substation_id"]).sum()


def exported_mw(result: ResultLike, data: SitingData) -> pd.Series:
    """MW the links built carry out of the problem, by their ``from_id`` (for the families' checks).

    The data's ``export_mw`` per unit x the result's units built: a draw the
    balance at ``from_id`` serves.
    """
    t = _with_units(result, data, ("ac_line", "hvdc"))
    if t.empty:
        return pd.Series(dtype=float)
    return (t["export_mw"] * t["units"]).groupby(t["from_id"]).sum()


def new_line_flows(result: ResultLike, data: SitingData) -> pd.DataFrame:
    """New lines and links: ends, kind, reactance, length, ``added_mw``, ``export_mw`` (data); units, flows.

    Indexed by ``project_id``; ``line_flow_mw`` (signed, from -> to) and
    ``renewable_flow_mw`` from the result's ``reinforcements`` table.
    """
    t = _with_units(result, data, ("ac_line", "hvdc"))
    cols = ["from_id", "to_id", "kind", "reactance", "length_km", "added_mw", "export_mw", "units",
            "line_flow_mw", "renewable_flow_mw"]  # fmt: skip
    if t.empty:
        return pd.DataFrame(columns=cols)
    rep = result.reinforcements.set_index("project_id")  # type: ignore[union-attr]
    t = t.set_index("project_id")
    for c in ("line_flow_mw", "renewable_flow_mw"):
        t[c] = rep.loc[t.index, c].astype(float).fillna(0.0)
    return t[cols]
