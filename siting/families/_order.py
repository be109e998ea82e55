"""The order in which a model adds its families: providers before the families that read them.

Each family declares what it reads of the model that other families provide
(:attr:`Family.reads`) and what it provides (:attr:`Family.provides`);
:func:`resolve_order` puts every provider of a name before its readers with
:class:`graphlib.TopologicalSorter`, keeping the given order wherever the
declarations leave a choice, so that a list already in order is unchanged.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Sequence
from graphlib import CycleError, TopologicalSorter

from .._errors import FamilyOrderError
from ._base import Family

__all__ = ["resolve_order"]


def resolve_order(families: Sequence[type[Family]], *, given: Collection[str] = ()) -> list[type[Family]]:
    """``families`` with every provider of a name before the families that read it.

    Parameters
    ----------
    families : sequence of Family subclasses
        The families of one model, in the order preferred where the
        declarations leave a choice.
    given : collection of str
        Names the model provides itself; a family may read them undeclared.

    Returns
    -------
    list of Family subclasses
        The same families; among those whose providers are all placed, the
        earliest in ``families`` comes first (the given order when it is a
        valid one).

    Raises
    ------
    siting.families.FamilyOrderError
        When a family reads a name that neither ``given`` nor any of
        ``families`` provides, or when families read each other in a circle.

    Examples
    --------
    >>> from siting.families import LineLoading, Network, Target
    >>> # the model holds these (the renewable-build and reinforcement families fill them when on)
    >>> given = ("build_peak", "added_capacity", "new_lines", "exports")
    >>> [f.__name__ for f in resolve_order([LineLoading, Target, Network], given=given)]
    ['Target', 'Network', 'LineLoading']
    """
    providers: dict[str, list[int]] = {}
    for i, f in enumerate(families):
        for name in f.provides:
            providers.setdefault(name, []).append(i)
    graph: TopologicalSorter[int] = TopologicalSorter()
    for i, f in enumerate(families):
        graph.add(i, *(p for name in f.reads for p in _providers(f, name, providers, given) if p != i))
    try:
        graph.prepare()
    except CycleError as exc:
        circle = " -> ".join(families[i].__name__ for i in reversed(exc.args[1]))
        raise FamilyOrderError(
            f"families read each other in a circle ({circle}: each reads what the next provides); "
            "fix: drop one of the reads or provides declarations that close it"
        ) from None
    return [families[i] for i in _earliest_first(graph)]


def _providers(
    f: type[Family], name: str, providers: dict[str, list[int]], given: Collection[str]
) -> list[int]:
    """Positions of the families providing ``name`` to ``f``; raises when none does and the model does not."""
    if name not in providers and name not in given:
        raise FamilyOrderError(
            f"family {f.__name__} reads {name!r}, which neither the model nor any other family of this "
            f"model provides; fix: add the family that provides {name!r} (Family.provides), or leave "
            f"{f.__name__} out"
        )
    return providers.get(name, [])


def _earliest_first(graph: TopologicalSorter[int]) -> list[int]:
    """A prepared sorter's nodes in topological order, the lowest position first among those ready."""
    ready = list(graph.get_ready())
    heapq.heapify(ready)
    out = []
    while ready:
        i = heapq.heappop(ready)
        out.append(i)
        graph.done(i)
        for j in graph.get_ready():
            heapq.heappush(ready, j)
    return out
