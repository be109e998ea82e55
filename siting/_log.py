"""Logging and progress: the ``siting`` logger and an optional tqdm bar over a run's stages.

Nothing is printed by default: every stage logs to ``logging.getLogger("siting")``
(DEBUG when it starts, INFO with its time when it ends), which has no handler
of its own. Turn the messages on with ``logging.basicConfig(level="INFO")`` or a
handler on that logger. A progress bar (tqdm, when installed) is shown when
``progress=True`` is passed or :data:`siting.settings.PROGRESS` is true.
"""

from __future__ import annotations

import logging
import time
from types import TracebackType
from typing import Any

from . import settings

__all__ = ["logger", "Stages"]

#: The library's logger; a NullHandler keeps it quiet unless the application configures logging.
logger = logging.getLogger("siting")
logger.addHandler(logging.NullHandler())


def _bar(total: int, desc: str, progress: bool | None) -> Any:
    """A tqdm bar when asked for and installed, else None."""
    if not (settings.PROGRESS if progress is None else progress):
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        logger.debug("progress asked for but tqdm is not installed (pip install 'siting[progress]')")
        return None
    return tqdm(total=total, desc=desc, unit="stage", leave=False)


class Stages:
    """Log each stage of a run with its time, and advance a progress bar if one is shown.

    Parameters
    ----------
    what : str
        The run, as the log and the bar name it (``"solve"``).
    total : int
        Stages expected (the bar's length; a run may end early).
    progress : bool, optional
        Show a tqdm bar; default :data:`siting.settings.PROGRESS`.

    Examples
    --------
    >>> import logging
    >>> with Stages("demo", total=2, progress=False) as st:
    ...     st.start("load")
    ...     st.done("load", detail="3 rows")
    >>> st.seconds["load"] >= 0
    True
    """

    def __init__(self, what: str, *, total: int, progress: bool | None = None) -> None:
        self.what = what
        self.seconds: dict[str, float] = {}
        self._t = time.perf_counter()
        self._bar = _bar(total, what, progress)

    def start(self, stage: str) -> None:
        """Mark the start of ``stage`` (DEBUG log, the bar shows its name)."""
        self._t = time.perf_counter()
        logger.debug("%s: %s ...", self.what, stage)
        if self._bar is not None:
            self._bar.set_postfix_str(stage)

    def done(self, stage: str, *, seconds: float | None = None, detail: str = "") -> None:
        """Log the end of ``stage`` with its time (measured since :meth:`start`, or ``seconds``)."""
        s = time.perf_counter() - self._t if seconds is None else seconds
        self.seconds[stage] = s
        logger.info("%s: %s done in %.2f s%s", self.what, stage, s, f" ({detail})" if detail else "")
        if self._bar is not None:
            self._bar.update(1)
        self._t = time.perf_counter()

    def close(self) -> None:
        """Close the bar (also on leaving a ``with`` block)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Stages:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
