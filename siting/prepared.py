"""Stages of a solve that do not depend on every scenario field, computed once and reused.

:func:`siting.solve` runs candidates -> grid -> effective headroom -> options
-> reduction -> model -> solver. Only the model and the solver read the
target, the share cap, the host count or the renewable share; the stages
before them read a few fields each (:data:`STAGE_FIELDS`). A
:class:`Prepared` keeps each stage's output keyed by the values of exactly
the fields it reads (and those of the stages it consumes), so repeated solves
on the same data -- a sweep over targets, a Pareto frontier -- build the
candidates, the grid, the options and the reduction once::

    prepared = siting.prepare(data, base)
    for mw in (1000, 2000, 4000):
        siting.solve(data, base.replace(target_mw=mw), prepared=prepared)

A scenario that changes a field a stage reads gets that stage (and those
after it) rebuilt and cached beside the first; the others are reused.
"""

from __future__ import annotations

import functools
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from ._errors import UsageError
from .build_out import headroom_bound
from .candidates import BLOCK_CELLS, Candidates, build_candidates, excluded_codes, no_candidates
from .data import SitingData
from .grid import build_grid, check_connected
from .options import build_options, effective_headroom, reduce_options, stream_options
from .scenario import Scenario
from .solvers import Deadline, OutOfTime, check_deadline

__all__ = ["STAGE_FIELDS", "Prepared", "Stages", "prepare", "prepared_for", "stage_key"]

_CANDIDATES = (
    "exclude_capital_region",
    "exclude_provinces",
    "exclude_buffer_km",
    "exclusion_files",
    "grid_spacing_km",
    "max_connection_km",
)
_GRID = ("renewable_status", "renewable_build", "costs.renewable_technologies", "costs.discount_rate")
#: The headroom bounds of a reinforcing scenario take every candidate project offered built
#: (:mod:`siting.build_out`): those available by ``year``.
_BOUNDS = ("reinforce", "year")
_OPTION_COSTS = (
    "costs.connection_fixed",
    "costs.connection_per_km",
    "costs.connection_circuit_mw",
    "costs.site_per_mw",
    "costs.site_per_mw_by_province",
    "costs.renewable_incentive_per_mw",
    "costs.subsidy_per_mw",
)
_OPTIONS = ("tiers_mw", "connection_kv", "max_connection_km", *_OPTION_COSTS)
_REDUCTION = ("tiers_mw", "min_spacing_km")


#: Grid cells (land area / spacing squared) above which :meth:`Prepared.stages` streams the
#: default grid instead of holding every candidate and option (four blocks' worth).
STREAM_CELLS = 4 * BLOCK_CELLS


def _union(*groups: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({f for g in groups for f in g}))


#: Scenario fields each stage's output depends on: the fields it reads itself
#: and those of the stages it consumes (``costs.X``: a field of
#: :class:`~siting.Costs`). ``streamed`` is candidates, options and reduction in
#: one pass for fine grids (:func:`siting.options.stream_options`);
#: ``nominal_options`` are every candidate's options under the data's headroom,
#: unreduced, which the infeasibility diagnosis needs.
STAGE_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "candidates": _union(_CANDIDATES),
    "grid": _union(_GRID),
    "headroom": _union(_GRID, _BOUNDS, ("tiers_mw",)),
    "options": _union(_CANDIDATES, _GRID, _BOUNDS, _OPTIONS),
    "reduction": _union(_CANDIDATES, _GRID, _BOUNDS, _OPTIONS, _REDUCTION),
    "streamed": _union(_CANDIDATES, _GRID, _BOUNDS, _OPTIONS, _REDUCTION),
    "nominal_options": _union(_CANDIDATES, _BOUNDS, _OPTIONS),
}


def _freeze(value: Any) -> Hashable:
    if isinstance(value, Mapping):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def stage_key(stage: str, scenario: Scenario) -> tuple[Hashable, ...]:
    """The values of the fields ``stage`` depends on, as a hashable key.

    Examples
    --------
    >>> a, b = Scenario(target_mw=100), Scenario(target_mw=900, renewable_share=0.5)
    >>> stage_key("reduction", a) == stage_key("reduction", b)
    True
    >>> stage_key("candidates", a) == stage_key("candidates", a.replace(grid_spacing_km=5))
    False
    """
    out = []
    for name in STAGE_FIELDS[stage]:
        value: Any = scenario
        for part in name.split("."):
            value = getattr(value, part)
        out.append(_freeze(value))
    return tuple(out)


@dataclass(frozen=True)
class Stages:
    """What the stages before the model produce for one scenario.

    Attributes
    ----------
    candidates : Candidates
    excluded : list of str
        Excluded province codes.
    graph : networkx.MultiGraph
    headroom : ndarray
        Effective headroom per substation (:func:`siting.options.effective_headroom`).
    options_all : int
        How many eligible options there are under that headroom.
    options : DataFrame
        The options the model is built over (reduced, unless ``reduce=False``).
    seconds : dict of str to float
        Time spent building each stage in this call (0 for reused ones).
    cut_short : str or None
        The stage the deadline stopped (its candidates and options then
        empty), else None.
    """

    candidates: Candidates
    excluded: list[str]
    graph: nx.MultiGraph
    headroom: np.ndarray
    options_all: int
    options: pd.DataFrame
    seconds: dict[str, float]
    cut_short: str | None = None


class Prepared:
    """Stage outputs for one :class:`~siting.SitingData`, cached by the scenario fields each reads.

    Make one with :func:`prepare` and pass it to :func:`siting.solve` as
    ``prepared=``. Keys are the values of :data:`STAGE_FIELDS`, so a changed
    target, share cap, host count or renewable share reuses every stage,
    while a changed grid spacing rebuilds the candidates and what follows
    from them. ``exclusion_files`` are keyed by path: a file edited in place
    is not read again. It pickles (a Dask sweep ships it to its workers).

    Parameters
    ----------
    data : SitingData
    candidates, exclusions : GeoDataFrame, optional
        As for :func:`siting.solve`; fixed for every scenario solved with
        this object.
    maxsize : int or None, default 4
        Most outputs kept per stage (least recently used dropped first);
        None keeps all.

    Attributes
    ----------
    builds : collections.Counter
        How many times each stage was built (the rest were reused).
    """

    def __init__(
        self,
        data: SitingData,
        *,
        candidates: gpd.GeoDataFrame | None = None,
        exclusions: gpd.GeoDataFrame | None = None,
        maxsize: int | None = 4,
    ) -> None:
        self.data = data
        self.candidates = candidates
        self.exclusions = exclusions
        self.maxsize = maxsize
        self.builds: Counter[str] = Counter()
        self._cache: dict[str, OrderedDict[tuple[Hashable, ...], Any]] = {
            s: OrderedDict() for s in STAGE_FIELDS
        }

    def __repr__(self) -> str:
        held = {s: len(c) for s, c in self._cache.items() if c}
        return f"Prepared(stages held={held}, builds={dict(self.builds)})"

    def _get(
        self,
        stage: str,
        scenario: Scenario,
        build: Callable[[], Any],
        seconds: dict[str, float],
        extra: Hashable = (),
    ) -> Any:
        cache = self._cache[stage]
        key = (*stage_key(stage, scenario), extra)
        if key in cache:
            cache.move_to_end(key)
            seconds[stage] = 0.0
            return cache[key]
        t = time.perf_counter()
        value = build()
        seconds[stage] = time.perf_counter() - t
        self.builds[stage] += 1
        cache[key] = value
        if self.maxsize is not None and len(cache) > self.maxsize:
            cache.popitem(last=False)
        return value

    def stages(self, scenario: Scenario, *, reduce: bool = True, deadline: Deadline | None = None) -> Stages:
        """The stage outputs for ``scenario``: reused where cached, built (and cached) otherwise.

        Parameters
        ----------
        scenario : Scenario
        reduce : bool, default True
            Whether ``options`` is the reduced set (as ``siting.solve(reduce=...)``).
        deadline : Deadline, optional
            Checked after each stage and between the blocks of a streamed
            grid; once past it, the stages stop: no candidates or options,
            ``cut_short`` naming the stage (nothing half-built is cached).

        Examples
        --------
        >>> import siting
        >>> p = prepare(siting.load_korea(), siting.Scenario(target_mw=500, grid_spacing_km=40))
        >>> s = p.stages(siting.Scenario(target_mw=900, grid_spacing_km=40))
        >>> p.builds["candidates"], s.seconds["candidates"]
        (1, 0.0)
        """
        data = self.data
        sec: dict[str, float] = {}
        excluded = excluded_codes(data, scenario)

        def grid() -> nx.MultiGraph:
            G = build_grid(data, scenario)
            check_connected(G)
            return G

        G = self._get("grid", scenario, grid, sec)
        # headroom the network can actually serve: exact while line and supply limits are hard
        head = self._get("headroom", scenario, lambda: effective_headroom(data, scenario, G), sec)
        t = time.perf_counter()
        try:
            if self.streams(scenario, reduce=reduce):
                st = self._get(
                    "streamed",
                    scenario,
                    lambda: stream_options(
                        data, scenario, headroom=head, exclusions=self.exclusions, deadline=deadline
                    ),
                    sec,
                )
                sec["candidates"] = sec.pop("streamed")
                return Stages(st.cand, excluded, G, head, st.options_all, st.opts, sec)
            check_deadline(deadline, "before the candidate sites")
            cand = self._all_candidates(scenario, sec)
            check_deadline(deadline, "after the candidate sites, before their options")
            all_opts = self._get(
                "options", scenario, lambda: build_options(data, scenario, cand, headroom=head), sec
            )
            if reduce:
                check_deadline(deadline, "after the options, before their reduction")
                reduced = functools.partial(reduce_options, all_opts, data, scenario, headroom=head)
                opts = self._get("reduction", scenario, reduced, sec)
            else:
                opts = all_opts
        except OutOfTime as stop:
            sec["candidates"] = time.perf_counter() - t  # the time spent until the deadline
            none = no_candidates(data, scenario)
            empty = build_options(data, scenario, none, headroom=head)
            return Stages(none, excluded, G, head, 0, empty, sec, cut_short=str(stop))
        return Stages(cand, excluded, G, head, len(all_opts), opts, sec)

    def streams(self, scenario: Scenario, *, reduce: bool = True) -> bool:
        """Whether :meth:`stages` streams the grid (:func:`siting.options.stream_options`).

        It does for the default grid, reduced and without spacing rules, when
        the land would hold more than :data:`STREAM_CELLS` cells: the kept
        options are the same, in memory that does not grow with the cells,
        and ``candidates`` then holds the sites of the kept options only
        (``considered`` counts the rest).
        """
        if self.candidates is not None or not reduce or scenario.min_spacing_km > 0:
            return False
        cells = self._land_m2 / (scenario.grid_spacing_km * 1000.0) ** 2
        return bool(cells > STREAM_CELLS)

    @functools.cached_property
    def _land_m2(self) -> float:
        return float(self.data.provinces.to_crs(self.data.metric_crs).area.sum())

    def _all_candidates(self, scenario: Scenario, sec: dict[str, float]) -> Candidates:
        data = self.data
        return self._get(
            "candidates",
            scenario,
            lambda: build_candidates(data, scenario, candidates=self.candidates, exclusions=self.exclusions),
            sec,
        )

    def nominal_options(
        self, scenario: Scenario, *, deadline: Deadline | None = None
    ) -> tuple[Candidates, pd.DataFrame]:
        """Every candidate and its options under the data's own headroom, unreduced.

        The infeasibility diagnosis relaxes the network and the headroom, so
        it needs these: the reduction's exchange argument assumes hard
        headroom, and a streamed stage holds only the sites of the kept options.
        With ``reinforce`` the headroom is that with every substation project
        built (:func:`siting.build_out.headroom_bound`). Past ``deadline``
        (checked before and after the candidates) it raises
        :class:`siting.solvers.OutOfTime`.
        """
        check_deadline(deadline, "before every candidate's options")
        cand = self._all_candidates(scenario, {})
        check_deadline(deadline, "after every candidate, before their options")
        head = headroom_bound(self.data, scenario)
        opts = self._get(
            "nominal_options", scenario, lambda: build_options(self.data, scenario, cand, headroom=head), {}
        )
        return cand, opts


def prepare(
    data: SitingData,
    scenario: Scenario | None = None,
    *,
    candidates: gpd.GeoDataFrame | None = None,
    exclusions: gpd.GeoDataFrame | None = None,
    reduce: bool = True,
    maxsize: int | None = 4,
) -> Prepared:
    """A :class:`Prepared` for ``data``, with the stages for ``scenario`` built now.

    Pass it to :func:`siting.solve` (``prepared=``) for every scenario that
    follows: stages whose fields (:data:`STAGE_FIELDS`) match are reused.

    Parameters
    ----------
    data : SitingData
    scenario : Scenario, optional
        Build its stages now; without one, stages are built on first use.
    candidates, exclusions : GeoDataFrame, optional
        As for :func:`siting.solve`.
    reduce : bool, default True
        Build the reduced options too.
    maxsize : int or None, default 4
        Most outputs kept per stage.

    Returns
    -------
    Prepared

    Examples
    --------
    >>> import siting
    >>> data = siting.load_korea()
    >>> base = siting.Scenario(target_mw=300, grid_spacing_km=40, min_host_provinces=1)
    >>> p = siting.prepare(data, base)
    >>> [siting.solve(data, base.replace(target_mw=mw), prepared=p).total_mw >= mw for mw in (300, 600)]
    [True, True]
    >>> p.builds["candidates"], p.builds["reduction"]
    (1, 1)
    """
    out = Prepared(data, candidates=candidates, exclusions=exclusions, maxsize=maxsize)
    if scenario is not None:
        out.stages(scenario, reduce=reduce)
    return out


def prepared_for(
    data: SitingData,
    prepared: Prepared | None,
    *,
    candidates: gpd.GeoDataFrame | None = None,
    exclusions: gpd.GeoDataFrame | None = None,
    maxsize: int | None = 4,
) -> Prepared:
    """``prepared`` when it fits ``data`` (and comes without candidates or exclusions), else a new one.

    What :func:`siting.solve`, :func:`siting.pareto` and :func:`siting.sweep`
    do with their ``prepared=``, ``candidates=`` and ``exclusions=``: your
    own candidates or no-go polygons go into a new :class:`Prepared` (with
    ``maxsize`` cached stage sets); with ``prepared=`` given they belong in
    it instead.

    Raises
    ------
    siting.UsageError
        ``prepared`` was made for other data, or comes with candidates or exclusions.

    Examples
    --------
    >>> import siting
    >>> d = siting.load_korea()
    >>> prepared_for(d, None).data is d
    True
    >>> prepared_for(d, prepare(d), candidates=d.substations)
    Traceback (most recent call last):
    ...
    siting._errors.UsageError: candidates= and exclusions= do not go with prepared=; fix: ...
    """
    if prepared is None:
        return Prepared(data, candidates=candidates, exclusions=exclusions, maxsize=maxsize)
    if prepared.data is not data:
        raise UsageError("prepared= was made for other data; fix: siting.prepare(data) with this data")
    if candidates is not None or exclusions is not None:
        raise UsageError(
            "candidates= and exclusions= do not go with prepared=; "
            "fix: siting.prepare(data, candidates=..., exclusions=...)"
        )
    return prepared
