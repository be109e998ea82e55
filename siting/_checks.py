"""Checks shared by :class:`~siting.Scenario` and :class:`~siting.Costs`.

Each bad value raises a :class:`~siting.ScenarioError` naming the field, the
value and the fix.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import math
from collections.abc import Mapping
from typing import Any

from ._errors import ScenarioError

__all__ = [
    "REMOVED_FIELDS",
    "check_bool",
    "check_choice",
    "check_range",
    "check_sequence",
    "check_whole",
    "did_you_mean",
    "frozen",
    "reject_unknown_keywords",
    "typed",
]


def frozen(d: Mapping) -> dict:
    # plain dicts, not MappingProxyType: scenarios must pickle (Dask sweeps)
    return dict(d)


def typed(name: str, value: Any, key: type, val: type, example: str) -> dict:
    """The mapping field ``name`` with its keys made ``key`` and its values ``val``, else a ScenarioError.

    Examples
    --------
    >>> typed("max_connection_km", {"154": 20}, int, float, "{154: 20.0}")
    {154: 20.0}
    >>> typed("max_connection_km", {154: "far"}, int, float, "{154: 20.0}")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    siting._errors.ScenarioError: scenario field 'max_connection_km' = {154: 'far'}: ...; fix: e.g. ...
    """
    if not isinstance(value, Mapping):
        raise ScenarioError(
            f"scenario field '{name}' = {value!r}: must be a mapping; fix: e.g. {name}={example}."
        )
    try:
        return {key(k): val(v) for k, v in value.items()}
    except (TypeError, ValueError) as exc:
        raise ScenarioError(
            f"scenario field '{name}' = {dict(value)!r}: {exc}; fix: e.g. {name}={example}."
        ) from exc


def check_range(name: str, value: Any, lo: float, hi: float, *, lo_open: bool = False) -> None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isnan(value)
    ok = ok and (value > lo if lo_open else value >= lo) and value <= hi
    if not ok:
        lo_s = f"{'>' if lo_open else '>='} {lo:g}"
        raise ScenarioError(f"scenario field '{name}' = {value!r}: must be a number {lo_s} and <= {hi:g}.")


def check_sequence(name: str, value: Any, example: str) -> None:
    """A field that takes several values must not be a single string (``"KR-26"`` is 5 characters)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list, set, frozenset)):
        raise ScenarioError(
            f"scenario field '{name}' = {value!r}: must be a list or tuple, not a single "
            f"{type(value).__name__}; fix: write {name}={example}."
        )


#: Fields that were removed, with what replaced them (the message for a scenario that still sets one).
REMOVED_FIELDS: dict[str, str] = {
    "renewable_radius_km": (
        "was removed: existing renewables no longer earn a proximity credit (their output is consumed "
        "by today's load); renewable energy for campuses is the stated surplus and new build "
        "(renewable_share, renewable_build); fix: delete it"
    ),
}


def did_you_mean(where: str, unknown: list[str], known: list[str]) -> str:
    """A message naming unknown fields and the nearest known ones (or what replaced a removed one).

    Examples
    --------
    >>> did_you_mean("Scenario", ["target_mv"], ["target_mw", "name"])
    "Scenario: unknown field 'target_mv' (did you mean 'target_mw'?); known fields: ['name', 'target_mw']."
    """
    parts = []
    for u in unknown:
        if u in REMOVED_FIELDS:
            parts.append(f"'{u}' ({REMOVED_FIELDS[u]})")
            continue
        near = difflib.get_close_matches(u, known, n=1, cutoff=0.6)
        parts.append(f"'{u}'" + (f" (did you mean '{near[0]}'?)" if near else ""))
    s = "s" if len(unknown) > 1 else ""
    return f"{where}: unknown field{s} {', '.join(parts)}; known fields: {sorted(known)}."


def reject_unknown_keywords(cls: type) -> None:
    """Make ``cls(...)`` raise :class:`ScenarioError` naming an unknown keyword, instead of a TypeError."""
    init = cls.__init__  # type: ignore[misc]
    known = [f.name for f in dataclasses.fields(cls)]

    @functools.wraps(init)
    def checked(self: Any, *args: Any, **kwargs: Any) -> None:
        unknown = [k for k in kwargs if k not in known]
        if unknown:
            raise ScenarioError(did_you_mean(cls.__name__, unknown, known))
        if args:
            raise ScenarioError(
                f"{cls.__name__} takes keyword arguments only; fix: write {cls.__name__}(target_mw=...)."
            )
        init(self, **kwargs)

    cls.__init__ = checked  # type: ignore[misc]


def check_bool(name: str, value: Any) -> None:
    """A switch must be ``True`` or ``False`` (not the text "no", not 0)."""
    if not isinstance(value, bool):
        raise ScenarioError(f"scenario field '{name}' = {value!r}: must be true or false.")


def check_whole(name: str, value: Any, lo: int) -> None:
    """A count must be a whole number (not a bool, not 1.5) of at least ``lo``."""
    if not isinstance(value, int) or isinstance(value, bool) or value < lo:
        raise ScenarioError(f"scenario field '{name}' = {value!r}: must be a whole number >= {lo}.")


def check_choice(name: str, value: Any, allowed: tuple) -> None:
    if value not in allowed:
        raise ScenarioError(f"scenario field '{name}' = {value!r}: must be one of {list(allowed)}.")
