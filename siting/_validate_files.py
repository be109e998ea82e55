"""Every problem of a set of layer files in one pass: what ``siting validate`` prints.

:class:`siting.SitingData` refuses bad data with one error, but in stages: a
layer's own problems first, the links between layers (line endpoints,
province codes) once the layers are sound. :func:`every_problem` reads each
layer it is given, checks it, and checks every link whose layers are there,
whatever else is wrong, so that a user fixes the files in one pass. Only the
checks that need every layer sound (points far outside every province) wait
for the others to be fixed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from . import _validate as V
from ._errors import DataError
from ._layer_rules import check_gaps
from ._reinforcement_rules import check_reinforcements
from .data import SitingData
from .io import read_layer

__all__ = ["every_problem", "REQUIRED_LAYERS"]

#: The layers :class:`siting.SitingData` needs (plants and reinforcements are optional).
REQUIRED_LAYERS = tuple(n for n in V.SPECS if n not in V.OPTIONAL_LAYERS)


def every_problem(sources: Mapping[str, Any]) -> list[str]:
    """Every problem in the layers ``sources`` names, and in the links between them.

    Parameters
    ----------
    sources : mapping
        Layer name to path or frame, and optionally ``columns``, ``layers``,
        ``crs`` (per layer), ``metric_crs`` and ``line_ratings``: the
        arguments of :meth:`siting.SitingData.from_files`, as
        :func:`siting.io.find_layers` gives them. Layers left out are not
        checked, nor their links.

    Returns
    -------
    list of str
        Each problem naming the layer, column, rows and the fix.

    Examples
    --------
    >>> import pandas as pd
    >>> subs = pd.DataFrame({"substation_id": ["a", "a"], "voltage_kv": [154, -1], "lon": [127, 127],
    ...                      "lat": [36, 36]})
    >>> lines = pd.DataFrame({"line_id": ["L"], "from_id": ["a"], "to_id": ["z"], "voltage_kv": [154]})
    >>> for p in every_problem({"substations": subs, "lines": lines}):
    ...     print(p.split(";")[0])
    layer 'substations', column 'substation_id': duplicate ids ['a'] in rows ['0', '1']
    layer 'substations', column 'voltage_kv': negative, infinite or missing values in ['a']
    layer 'lines', column 'to_id': endpoints ['z'] are not substations (lines ['L'])
    """
    problems: list[str] = []
    frames: dict[str, pd.DataFrame] = {}
    for name in V.SPECS:
        if sources.get(name) is None:
            continue
        try:
            frames[name] = read_layer(
                sources[name],
                name=name,
                columns=sources.get("columns", {}).get(name),
                layer=sources.get("layers", {}).get(name),
                crs=sources.get("crs", {}).get(name),
            )
        except DataError as exc:
            problems += exc.problems
            continue
        problems += V.check_layer(
            frames[name], V.SPECS[name], needs_geometry=name not in ("lines", "reinforcements")
        )
        if V.SPECS[name].id_column in frames[name].columns:
            problems += check_gaps(frames[name], name)
    problems += _links(frames)
    if not problems and all(n in frames for n in REQUIRED_LAYERS):
        options = {k: sources[k] for k in ("metric_crs", "line_ratings") if k in sources}
        try:
            SitingData(**frames, **options)
        except DataError as exc:
            problems += exc.problems
    return problems


def _has(frames: Mapping[str, pd.DataFrame], name: str, *columns: str) -> bool:
    return name in frames and all(c in frames[name].columns for c in columns)


def _links(frames: Mapping[str, pd.DataFrame]) -> list[str]:
    """The problems between layers: line endpoints that are no substation, unknown province codes.

    And the reinforcements' own rules with their links to the substations and lines given.
    """
    problems = []
    if _has(frames, "lines", "line_id", "from_id", "to_id") and _has(frames, "substations", "substation_id"):
        problems += SitingData._check_lines(frames["lines"], frames["substations"])
    if _has(frames, "provinces", "code"):
        for name in ("substations", "renewables", "plants"):
            if _has(frames, name, V.SPECS[name].id_column):
                problems += V.unknown_province_codes(frames[name], frames["provinces"]["code"], name=name)
    if "reinforcements" in frames:
        problems += check_reinforcements(
            frames["reinforcements"], substations=frames.get("substations"), lines=frames.get("lines")
        )
    return problems
