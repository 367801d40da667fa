"""Atomic file output: write to a temporary file beside the target, then rename.

A reader never sees a half-written file, and a failure leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ratsdok.errors import OutputError, Problem

__all__ = ["atomic_output", "write_atomic"]


def _umask() -> int:
    # Reading the umask means setting it; done once, at import.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Open a binary file that appears at *path* only if the block succeeds."""
    target = Path(path)
    if target.is_dir():
        raise OutputError(Problem("is a folder, not a file", file=str(target)))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise OutputError(
            Problem(f"cannot write here: {exc.strerror or exc}", file=str(target))
        ) from None
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(
                Problem(f"writing failed: {exc.strerror or exc}", file=str(target))
            ) from None
        raise


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write *data* to *path* atomically."""
    with atomic_output(path) as f:
        f.write(data)
