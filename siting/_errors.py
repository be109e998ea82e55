"""Exceptions raised by ``siting``.

Every error the library raises for bad input derives from :class:`SitingError`,
which is a :class:`ValueError`, so ``except ValueError`` keeps working for
callers that do not care about the distinction. Each message names what is
wrong (the layer, column and rows; the field; the argument) and the fix.
Anything else that escapes ``siting`` is a bug, to be reported.
"""

from __future__ import annotations

__all__ = ["SitingError", "DataError", "FamilyOrderError", "ScenarioError", "UsageError", "NoResultError"]


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


class UsageError(SitingError):
    """A call's arguments do not fit together, or name what does not exist.

    The message names the argument and how to call instead.
    """


class NoResultError(UsageError, KeyError):
    """No result is held under the name asked for (a :class:`KeyError` too, as for a mapping).

    The message says why (the run's error, or the names there are) and what to do.
    """

    __str__ = Exception.__str__  # the message as written, not quoted as a KeyError's key is


class FamilyOrderError(SitingError):
    """The constraint families of a model cannot be ordered by what they read and provide.

    The message names the family and the name it reads that no family
    provides, or the families that read each other in a circle.
    """
