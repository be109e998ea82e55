"""N-1 security: new line flows stay within residual capacity after any single line outage.

On the DC model (``flow_model = "dc"``), the AC flow on line e after the
outage of line k is ``f[e] + D[e, k] f[k]``, with ``D`` the outage
distribution factors of :func:`siting.grid.lodf` (an HVDC link inside a
synchronous area is an outage too: its flow moves onto the AC lines). For
every pair the family requires

    |f[e] + D[e, k] f[k]| + |renewable flow on e| <= residual[e]

(the renewable energy flow, an average, keeps its reservation as in the
base case; it is not re-routed). Korea has 1,371 lines, so about 1.9
million pairs: the rows are generated lazily (:meth:`Security.separate`):
after each solve every pair is checked with one matrix product and the
pairs the solution breaks are added as two rows each, and the model is
solved again until none is broken. The LP relaxation goes first
(:attr:`Family.separates`): on the default Korean scenario its rounds add
11,997 of the 12,084 pairs added in all, in 3 s, and the first integer
solve is then close to secure. At the end the plan meets every pair: the
answer is exact, only the rows that matter were built.

Outages that island part of the network (radial lines: ``D`` undefined,
and no flow pattern survives losing the only link to a load) are left out,
as are HVDC links between synchronous areas; ``SitingResult.security``
counts them. Today's flows are assumed secure within ``capacity -
residual`` (ASSUMPTION): only the new flows are checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .._errors import ScenarioError
from .._utils import safe_name
from ..constants import LINES, SECURITY
from ..grid import islands, lodf
from ._base import Family, value
from .reinforcement import NEW_LINE_KEY, added_line_mw, exported_mw, new_line_flows

if TYPE_CHECKING:
    from .._result_types import ResultLike
    from .._types import ModelLike, SolutionLike
    from ..data import SitingData
    from ..scenario import Scenario

__all__ = ["Security"]

#: A pair counts as broken when it exceeds the residual by more than this, MW
#: (above the solvers' feasibility tolerance, so an added row is never re-added).
N1_TOL_MW = 1e-4


class Security(Family):
    """Lazily added post-outage rows ``|f[e] + D[e, k] f[k]| + |g[e]| <= residual[e]``.

    Not relaxed on its own: in an elastic model a line's slack relaxes its
    post-outage rows too (the same upgrade serves the base case and the
    outages). Each row's right-hand side is the line's residual, so the
    line's upgrade value (:meth:`siting.model.SitingModel.prices`) counts
    the outages it secures.

    What it did is read into ``SitingResult.security``: ``outages`` (single
    outages checked: AC lines that are not bridges, HVDC links inside an
    area), ``islanding_outages`` (left out: radial AC lines and HVDC links
    between areas), ``rows`` (post-outage rows added) and ``rounds`` (times
    the solved flows were checked, over the LP relaxation, the solve, the
    prices and the settling stages). Reads the network's flows
    (``line_flows``), and the renewable flows where a renewable family
    provides them.
    """

    name = SECURITY
    separates = True
    reads = ("line_flows", "added_capacity", "new_lines")

    @classmethod
    def enabled(cls, scenario: Scenario) -> bool:
        """On when ``scenario.n_minus_1``."""
        return scenario.n_minus_1

    def add(self, m: ModelLike) -> None:
        """Compute the outage factors of each synchronous area; rows come later (:meth:`separate`).

        With reinforcements (:mod:`siting.families.reinforcement`), a line's
        post-outage capacity is its residual plus the uprates built, and a new
        HVDC link is an outage like today's links; new AC lines would change
        the outage factors themselves and are refused.
        """
        if any(line.kind == "ac" for line in m.new_lines):
            raise ScenarioError(
                "scenario field 'n_minus_1' = True with new AC line projects: building one changes every "
                "outage factor, which this model does not follow yet; fix: set n_minus_1=False, or drop "
                "the ac_line projects (uprates, HVDC links and substation projects go with N-1)."
            )
        self.areas: list[tuple[list[str], list[str], np.ndarray]] = []
        self.added: set[tuple[str, str]] = set()
        self.stats = {"outages": 0, "islanding_outages": 0, "rows": 0, "rounds": 0}
        self.residual = {
            k: max(float(d["residual_mw"]), 0.0) for _, _, k, d in m.graph.edges(keys=True, data=True)
        }
        G = _with_new_links(m)
        hvdc = [k for _, _, k, d in G.edges(keys=True, data=True) if d["kind"] == "hvdc"]
        inside = 0
        for part in islands(G, ac_only=True):
            m.check_time("building the N-1 outage factors")
            rows, cols, D, isl = lodf(G, part)
            keep = ~isl
            self.stats["outages"] += int(keep.sum())
            self.stats["islanding_outages"] += int(isl.sum())
            inside += len(cols) - len(rows)
            if len(rows) and keep.any():
                self.areas.append((rows, [c for c, k in zip(cols, keep, strict=True) if k], D[:, keep]))
        self.stats["islanding_outages"] += len(hvdc) - inside  # links between areas

    def separate(self, m: ModelLike) -> int:
        """Add two rows for every (line, outage) pair the solved flows break; return how many pairs."""
        self.stats["rounds"] += 1
        new = 0
        f = {lid: value(fp) - value(fm) for lid, (fp, fm, _) in m.line_flows.items()}
        for rows, cols, D in self.areas:
            fe = np.array([f.get(e, 0.0) for e in rows])
            fk = np.array([f.get(k, 0.0) for k in cols])
            g = np.zeros(len(rows))
            for i, e in enumerate(rows):
                if e in m.renewable_flows:
                    gp, gm, _ = m.renewable_flows[e]
                    g[i] = value(gp) + value(gm)
            # in an elastic model a line's slack relaxes its post-outage rows too
            r = np.array([value(self._capacity(m, e)) for e in rows])
            post = np.abs(fe[:, None] + D * fk[None, :]) + g[:, None]
            over = post > r[:, None] + N1_TOL_MW
            for i, j in zip(*np.nonzero(over), strict=True):
                e, k = rows[i], cols[j]
                if e == k or (e, k) in self.added:
                    continue
                self._add_pair(m, e, k, float(D[i, j]))
                new += 1
        self.stats["rows"] += 2 * new
        return new

    def _add_pair(self, m: ModelLike, e: str, k: str, d: float) -> None:
        """Both sides of ``|f[e] + d f[k]| + gp[e] + gm[e] <= r[e] (+ line slack)``."""
        fp_e, fm_e, _ = m.line_flows[e]
        fp_k, fm_k, _ = m.line_flows[k]
        post = fp_e - fm_e + d * (fp_k - fm_k)
        reserve: Any = 0
        if e in m.renewable_flows:
            gp, gm, _ = m.renewable_flows[e]
            reserve = gp + gm
        rhs = self._capacity(m, e)
        name = f"n1_{safe_name(e)}_{safe_name(k)}"
        m.prob += post + reserve <= rhs, f"{name}_p"
        m.prob += -post + reserve <= rhs, f"{name}_m"
        m.on_rhs(LINES, e, f"{name}_p")
        m.on_rhs(LINES, e, f"{name}_m")
        self.added.add((e, k))

    def _capacity(self, m: ModelLike, e: str) -> Any:
        """Line ``e``'s post-outage capacity: residual, the uprates built, and its slack when elastic."""
        return self.residual[e] + m.added_capacity.get(e, 0) + m.slacks.get((LINES, e), 0)

    def read(self, m: ModelLike, sol: SolutionLike) -> None:
        """Counts: outages checked and left out, rows added, solve rounds."""
        sol.security = dict(self.stats)

    @classmethod
    def check(cls, result: ResultLike, data: SitingData, tol: float) -> None:
        """Every single outage that leaves the network connected keeps every AC line within residual.

        Recomputed from the result's tables and the data, not from the
        outage factors: for each outage the DC power flow of the network
        without that line is solved again (sparse Laplacian) with the
        result's injections.
        """
        bad = [
            (e, k, mw)
            for k, flows in _post_outage_flows(result, data).items()
            for e, mw in flows.items()
            if mw > tol * 10
        ]
        assert not bad, f"N-1: lines over residual after an outage (line, outage, MW over): {bad[:5]}"


def _with_new_links(m: ModelLike) -> nx.MultiGraph:
    """The model's graph with its new HVDC links as edges, keyed as their flows (``NEW_LINE_KEY``)."""
    links = [line for line in m.new_lines if line.kind == "hvdc"]
    if not links:
        return m.graph
    G = m.graph.copy()
    for line in links:
        key = NEW_LINE_KEY.format(line.id)
        G.add_edge(line.from_id, line.to_id, key=key, from_id=line.from_id, to_id=line.to_id, kind="hvdc")
    return G


def _post_outage_flows(result: ResultLike, data: SitingData) -> dict[str, dict[str, float]]:
    """For each outage that keeps the AC network connected: MW by which each line exceeds its residual.

    Injections are the result's (supply used - load - the exports of the
    links built, plus HVDC inflow; an export link's outage re-routes only the
    campuses' flow on it, its export is held as a draw); the
    lost line's own flow is re-routed by solving the DC power flow of the
    network without it. Only lines over their residual (``|flow| + |renewable
    flow|``) appear.
    """
    lines = result.lines.set_index("line_id")
    dl = data.lines.set_index("line_id")
    added = added_line_mw(result, data).reindex(dl.index, fill_value=0.0)
    capacity = dl["residual_mw"].clip(lower=0.0) + added  # with the uprates built
    subs = result.substations.set_index("substation_id")
    export = exported_mw(result, data).reindex(subs.index, fill_value=0.0)  # drawn by export links built
    p = (subs["supply_used_mw"] - subs["load_mw"] - export).to_dict()
    new = new_line_flows(result, data)  # new HVDC links built: injections at their ends, and outages
    links = new.loc[new["units"] > 0, ["from_id", "to_id", "line_flow_mw"]]
    links = links.rename(columns={"line_flow_mw": "flow_mw"})
    hv = pd.concat([lines.loc[lines["kind"] == "hvdc", ["from_id", "to_id", "flow_mw"]], links])
    for r in hv.itertuples():
        p[r.from_id] -= r.flow_mw
        p[r.to_id] += r.flow_mw
    ac = lines[lines["kind"] == "ac"]
    out: dict[str, dict[str, float]] = {}
    H = nx.MultiGraph()
    H.add_nodes_from(subs.index)
    H.add_edges_from((r.from_id, r.to_id, lid) for lid, r in ac.iterrows())
    outages = [(k, "ac") for k in ac.index] + [(k, "hvdc") for k in hv.index]
    for k, kind in outages:
        K = H.copy()
        inj = dict(p)
        if kind == "ac":
            K.remove_edge(ac.at[k, "from_id"], ac.at[k, "to_id"], key=k)
        else:
            inj[hv.at[k, "from_id"]] += hv.at[k, "flow_mw"]
            inj[hv.at[k, "to_id"]] -= hv.at[k, "flow_mw"]
        parts_before = nx.number_connected_components(H)
        if nx.number_connected_components(K) != parts_before:
            continue  # islands part of the network: left out
        if kind == "hvdc" and not nx.has_path(H, hv.at[k, "from_id"], hv.at[k, "to_id"]):
            continue
        flows = _dc_flows(K, inj, dl)
        over = {}
        for e, fe in flows.items():
            mw = abs(fe) + abs(lines.at[e, "renewable_flow_mw"]) - float(capacity[e])
            if mw > 1e-9:
                over[e] = mw
        out[k] = over
    return out


def _dc_flows(K: nx.MultiGraph, inj: dict[str, float], dl: Any) -> dict[str, float]:
    """AC flows (from -> to as stored) of the DC power flow on graph ``K`` with injections ``inj``."""
    flows: dict[str, float] = {}
    for comp in nx.connected_components(K):
        nodes = sorted(comp)
        pos = {n: i for i, n in enumerate(nodes)}
        edges = [(u, v, k) for u, v, k in K.edges(nodes, keys=True)]
        if not edges:
            continue
        b = np.array([1.0 / float(dl.at[k, "reactance"]) for _, _, k in edges])
        fr = np.array([pos[dl.at[k, "from_id"]] for _, _, k in edges])
        to = np.array([pos[dl.at[k, "to_id"]] for _, _, k in edges])
        n = len(nodes)
        L = sp.coo_matrix((np.r_[b, b, -b, -b], (np.r_[fr, to, fr, to], np.r_[fr, to, to, fr])), shape=(n, n))
        L = L.tocsc()[1:, 1:]
        rhs = np.array([inj.get(nd, 0.0) for nd in nodes])[1:]
        theta = np.zeros(n)
        if n > 1:
            theta[1:] = spla.spsolve(L, rhs)
        for (_, _, k), bk, i, j in zip(edges, b, fr, to, strict=True):
            flows[k] = float(bk * (theta[i] - theta[j]))
    return flows
