"""Exceptions raised by ``siting``.

Every error the library raises for bad input derives from :class:`SitingError`,
which is a :class:`ValueError`, so ``except ValueError`` keeps working for
callers that do not care about the distinction.
"""

from __future__ import annotations

__all__ = ["SitingError", "DataError", "ScenarioError"]


class SitingError(ValueError):
    """Base class for every input error raised by ``siting``."""


class DataError(SitingError):
    """Input data is unusable.

    The message lists every problem found, one per line, each naming the
    layer, the column, the offending row ids and how to fix it.

    Attributes
    ----------
    problems : list of str
        The individual problems, in the order they were found.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the input data:"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))


class ScenarioError(SitingError):
    """A scenario value is out of range or of the wrong type.

    The message names the field, the value given and the allowed range.
    """
