"""Plain data as TOML text: the writer :meth:`siting.Scenario.to_toml` needs (``tomllib`` only reads).

Enough TOML for a scenario: text, numbers (``inf`` included), booleans,
arrays of those, and tables nested by dotted headers. ``None`` has no TOML
spelling and is left out.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["dumps", "plain"]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def plain(value: Any, *, inf_as_text: bool = False) -> Any:
    """``value`` as plain data: dataclasses and mappings as dicts with text keys, tuples as lists.

    ``inf_as_text`` writes infinite numbers as ``"inf"``/``"-inf"`` (for JSON,
    which has no infinity).

    Examples
    --------
    >>> plain({400.0: (1, float("inf"))}), plain({"a": float("-inf")}, inf_as_text=True)
    ({'400.0': [1, inf]}, {'a': '-inf'})
    """
    if isinstance(value, Mapping):
        return {str(k): plain(v, inf_as_text=inf_as_text) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: plain(getattr(value, f.name), inf_as_text=inf_as_text) for f in dataclasses.fields(value)
        }
    if isinstance(value, (tuple, list)):
        return [plain(v, inf_as_text=inf_as_text) for v in value]
    if inf_as_text and isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def dumps(data: Mapping[str, Any]) -> str:
    """``data`` as a TOML document: its plain values first, then each mapping as a ``[table]``.

    Examples
    --------
    >>> import tomllib
    >>> text = dumps({"a": 1.5, "b": [1, 2], "c": {"inf": 2, "x y": "é"}, "d": None})
    >>> print(text)
    a = 1.5
    b = [1, 2]
    <BLANKLINE>
    [c]
    inf = 2
    "x y" = "é"
    <BLANKLINE>
    >>> tomllib.loads(text)
    {'a': 1.5, 'b': [1, 2], 'c': {'inf': 2, 'x y': 'é'}}
    """
    return "".join(_table(data, ()))


def _table(data: Mapping[str, Any], path: tuple[str, ...]) -> list[str]:
    out = [f"\n[{'.'.join(map(_key, path))}]\n"] if path else []
    out += [
        f"{_key(k)} = {_value(v)}\n" for k, v in data.items() if v is not None and not isinstance(v, Mapping)
    ]
    for k, v in data.items():
        if isinstance(v, Mapping):
            out += _table(v, (*path, str(k)))
    return out


def _key(key: Any) -> str:
    key = str(key)
    return key if _BARE_KEY.fullmatch(key) else _text(key)


def _text(text: str) -> str:
    # JSON's string escapes are TOML's, but for DEL, which TOML wants escaped
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"no TOML value for {value!r} ({type(value).__name__})")
