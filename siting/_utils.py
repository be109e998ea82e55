"""Small helpers used across the package: safe names and atomic writes."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["safe_name", "atomic_path", "write_text_atomic"]

_UNSAFE = re.compile(r"[^A-Za-z0-9]")


def safe_name(*parts: object) -> str:
    """Join ``parts`` with ``_`` and replace every character that is not a letter or digit by ``_``.

    Solver file formats (LP, MPS) accept only plain names; PuLP names
    variables and constraints with this.

    Examples
    --------
    >>> safe_name("line", "KR-11/345 kV")
    'line_KR_11_345_kV'
    """
    return _UNSAFE.sub("_", "_".join(str(p) for p in parts))


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` when the block succeeds.

    The temporary file is in the same folder (so the rename is atomic) and is
    removed if the block raises, so a crash never leaves a half-written file
    or a stray temporary. Parent folders are created.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(suffix=path.suffix, prefix=f".{path.stem}-", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # writers such as GDAL want to create the file themselves
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> write_text_atomic(pathlib.Path(tempfile.mkdtemp()) / "b.txt", "hi").read_text()
    'hi'
    """
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
