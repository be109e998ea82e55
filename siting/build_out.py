"""The grid with every candidate reinforcement built: the bounds that keep the model's tightenings exact.

With ``Scenario(reinforce=True)`` the projects of
:func:`siting.reinforcements.projects` are decisions of the model
(:mod:`siting.families.reinforcement`). The stages before the model bound
what any plan can do (:func:`siting.options.effective_headroom`, the
eligibility of options, the exact reduction :func:`siting.options.reduce_options`,
each group's count): those bounds stay valid when they are taken on the grid
with every project built as many times as it may be (:func:`built_out`,
:func:`headroom_bound`), since building more never takes capacity away. An
export link's draw at its ``from_id`` does take supply away: the bounds leave
it out (the most the campuses could have), so they stay upper bounds.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from ._errors import ScenarioError
from ._validate import show_ids
from .data import SitingData
from .reinforcements import PROJECT_COLUMNS, projects
from .scenario import Scenario

__all__ = ["NEW_LINE_KINDS", "built_out", "headroom_bound", "offered"]

#: Project kinds that are a new flow path between two substations, and the line kind each becomes.
NEW_LINE_KINDS = {"ac_line": "ac", "hvdc": "hvdc"}


def offered(data: SitingData, scenario: Scenario) -> pd.DataFrame:
    """The projects a scenario may build: with ``reinforce``, those of the data available by its ``year``.

    A project is available when the scenario has no ``year``, the project no
    ``earliest_year``, or ``earliest_year <= year``; without ``reinforce``
    no project is offered.

    Raises
    ------
    siting.ScenarioError
        When ``reinforce`` is on and the data has no reinforcements, or
        ``build_projects`` names projects the data does not hold or that
        are not available by ``year``.

    Examples
    --------
    >>> import siting
    >>> len(offered(siting.load_korea(), siting.Scenario(target_mw=100)))
    0
    """
    if not scenario.reinforce:
        return pd.DataFrame(columns=list(PROJECT_COLUMNS))
    table = projects(data)
    if table.empty:
        raise ScenarioError(
            "scenario field 'reinforce' = True, but the data has no reinforcement projects (layer "
            "'reinforcements' missing or empty); fix: load a reinforcements layer "
            "(SitingData.from_files(..., reinforcements=...)) or set reinforce=False."
        )
    unknown = [p for p in scenario.build_projects if p not in set(table["project_id"])]
    if unknown:
        raise ScenarioError(
            f"scenario field 'build_projects': {unknown} are not projects of the data (layer "
            f"'reinforcements'; projects: {show_ids(table['project_id'])}); fix: use ids of "
            "siting.reinforcements.projects(data) (a generic uprate's are '<project_id>:<line_id>'), "
            "or drop them."
        )
    if scenario.year is None:
        return table
    late = (table["earliest_year"].fillna(scenario.year) > scenario.year).to_numpy(dtype=bool)
    forced = table[late & table["project_id"].isin(scenario.build_projects).to_numpy()]
    if len(forced):
        ids, years = forced["project_id"], forced["earliest_year"]
        late_ids = ", ".join(f"{p} {y}" for p, y in zip(ids, years, strict=True))
        raise ScenarioError(
            f"scenario field 'build_projects' forces projects not available by scenario field 'year' "
            f"= {scenario.year} (column 'earliest_year' of layer 'reinforcements': {late_ids}); fix: set "
            f"year to {int(years.max())} or later, or drop them from build_projects."
        )
    return table[~late].reset_index(drop=True)


def headroom_bound(data: SitingData, scenario: Scenario) -> np.ndarray:
    """Each substation's headroom with every substation project built ``max_units`` times, MW.

    The data's ``headroom_mw`` when the scenario does not reinforce.

    Examples
    --------
    >>> import siting
    >>> d = siting.load_korea()
    >>> bool((headroom_bound(d, siting.Scenario(target_mw=1)) == d.substations.headroom_mw).all())
    True
    """
    head = data.substations["headroom_mw"].to_numpy(dtype=float).copy()
    table = offered(data, scenario)
    subs = table[table["kind"] == "substation"]
    if len(subs):
        pos = pd.Index(data.substations["substation_id"]).get_indexer(subs["substation_id"])
        np.add.at(head, pos, (subs["added_mw"] * subs["max_units"]).to_numpy(dtype=float))
    return head


def built_out(G: nx.MultiGraph, table: pd.DataFrame) -> nx.MultiGraph:
    """``G`` with every line project of ``table`` built ``max_units`` times (``G`` itself when none).

    An uprate raises its line's ``residual_mw`` (at least 0, as the model
    reads it) by ``added_mw x max_units``;
    a new AC line or HVDC link becomes an edge keyed by its ``project_id``
    with ``(added_mw - export_mw) x max_units``, what it leaves the campuses.
    Substation projects are not on the graph (see :func:`headroom_bound`).

    Examples
    --------
    >>> G = nx.MultiGraph()
    >>> _ = G.add_edge("a", "b", key="l1", residual_mw=10.0)
    >>> t = pd.DataFrame({"project_id": ["u", "n"], "kind": ["uprate", "hvdc"], "line_id": ["l1", ""],
    ...     "from_id": ["a", "a"], "to_id": ["b", "b"], "added_mw": [5.0, 7.0], "max_units": [2, 1],
    ...     "length_km": [1.0, 1.0], "reactance": [0.1, float("nan")], "export_mw": [0.0, 2.0]})
    >>> H = built_out(G, t)
    >>> H.edges["a", "b", "l1"]["residual_mw"], H.edges["a", "b", "n"]["residual_mw"]
    (20.0, 5.0)
    """
    lines = table[table["kind"].isin(["uprate", *NEW_LINE_KINDS])]
    if lines.empty:
        return G
    H = G.copy()
    ends = {k: (u, v) for u, v, k in G.edges(keys=True)}
    for r in lines.itertuples():
        if r.kind == "uprate":
            most = float(r.added_mw) * int(r.max_units)
            u, v = ends[r.line_id]
            edge = H.edges[u, v, r.line_id]
            edge["residual_mw"] = max(float(edge["residual_mw"]), 0.0) + most
        else:
            most = (float(r.added_mw) - float(r.export_mw)) * int(r.max_units)
            H.add_edge(
                r.from_id,
                r.to_id,
                key=r.project_id,
                line_id=r.project_id,
                from_id=r.from_id,
                to_id=r.to_id,
                residual_mw=most,
                capacity_mw=most,
                length_km=float(r.length_km),
                reactance=float(r.reactance),
                kind=NEW_LINE_KINDS[r.kind],
            )
    return H
