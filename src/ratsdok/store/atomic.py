"""Atomic file output: write to a temporary file beside the target, then rename.

A reader never sees a half-written file, and a failure leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import stat
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
    old = _existing(target)
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
        if old is None:
            os.chmod(tmp, 0o666 & ~_UMASK)
        else:
            # Replacing a file keeps its mode and group: a file someone made private
            # (chmod 600, a nichtöffentliche Vorlage) must not become world-readable.
            os.chmod(tmp, stat.S_IMODE(old.st_mode))
            with contextlib.suppress(OSError):  # only its owner or root may set the group
                os.chown(tmp, -1, old.st_gid)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(
                Problem(f"writing failed: {exc.strerror or exc}", file=str(target))
            ) from None
        raise


def _existing(target: Path) -> os.stat_result | None:
    """The status of the regular file *target* is to replace (None: there is none).

    A folder, a symbolic link, a FIFO, a device or a socket is refused: replacing it
    with a regular file would silently drop what it was (a link's target left
    unchanged, a pipe's reader never fed, a device node lost)."""
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(
            Problem(f"cannot check: {exc.strerror or exc}", file=str(target))
        ) from None
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return st
    if stat.S_ISDIR(mode):
        why = "is a folder, not a file"
    elif stat.S_ISLNK(mode):
        why = "is a symbolic link; write to the file it points to, or to another name"
    elif stat.S_ISFIFO(mode):
        why = "is a FIFO (named pipe), not a file"
    else:
        why = "is a device or socket, not a file"
    raise OutputError(Problem(why, file=str(target)))


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write *data* to *path* atomically."""
    with atomic_output(path) as f:
        f.write(data)
