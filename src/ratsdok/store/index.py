"""Files that record a batch run as it goes: JSON Lines indexes, a run's state, a lock.

A batch run (the archive of tens of thousands of Vorlagen) writes one JSON object
per line and commits (flush + fsync) at the points where what it records is
complete; a crash mid-append leaves at most a torn last line, which
:func:`read_lines` skips. The state file is written atomically. A folder lock keeps
two runs from writing into the same output folder at once.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ratsdok.errors import InvalidDocumentError, OutputError, Problem
from ratsdok.store.atomic import atomic_output, write_atomic

try:  # POSIX; elsewhere runs are not locked against each other
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "JsonLines",
    "ends_cleanly",
    "folder_lock",
    "json_line",
    "read_json",
    "read_lines",
    "rewrite_lines",
    "write_json",
]


def json_line(obj: dict[str, Any]) -> bytes:
    """*obj* as one line: keys sorted, UTF-8, no spaces (the same object, the same bytes)."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8") + b"\n"


def read_lines(path: Path) -> Iterator[dict[str, Any]]:
    """The objects of the JSON Lines file *path* (none if it does not exist).

    A last line without its line break is the trace of a crash while appending and is
    skipped; any other line that is not a JSON object raises
    :class:`~ratsdok.errors.InvalidDocumentError` naming the file and line.
    """
    try:
        f = path.open("rb")
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(Problem(f"cannot read: {exc.strerror or exc}", file=str(path))) from None
    with f:
        for nr, raw in enumerate(f, 1):
            if not raw.endswith(b"\n"):
                return
            try:
                obj = json.loads(raw)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise InvalidDocumentError(
                    Problem(f"not a JSON line: {exc}", file=str(path), line=nr)
                ) from None
            if not isinstance(obj, dict):
                raise InvalidDocumentError(Problem("not a JSON object", file=str(path), line=nr))
            yield obj


def ends_cleanly(path: Path) -> bool:
    """Whether *path* is missing, empty or ends with a line break (nothing torn)."""
    try:
        with path.open("rb") as f:
            f.seek(0, os.SEEK_END)
            if f.tell() == 0:
                return True
            f.seek(-1, os.SEEK_END)
            return f.read(1) == b"\n"
    except FileNotFoundError:
        return True


def rewrite_lines(path: Path, objs: Iterable[dict[str, Any]]) -> None:
    """Replace *path* atomically with the lines of *objs* (streamed, not held)."""
    with atomic_output(path) as f:
        for obj in objs:
            f.write(json_line(obj))


class JsonLines:
    """Appends lines to a JSON Lines file; :meth:`commit` makes them durable."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._f = path.open("ab")
        except OSError as exc:
            raise OutputError(
                Problem(f"cannot write: {exc.strerror or exc}", file=str(path))
            ) from None

    def add(self, obj: dict[str, Any]) -> None:
        """Append one line (buffered until :meth:`commit`)."""
        self._f.write(json_line(obj))

    def commit(self) -> None:
        """Flush and fsync: what was added survives a crash from here on."""
        try:
            self._f.flush()
            os.fsync(self._f.fileno())
        except OSError as exc:
            raise OutputError(
                Problem(f"writing failed: {exc.strerror or exc}", file=str(self.path))
            ) from None

    def close(self) -> None:
        """Close the file (what was not committed may be lost)."""
        with contextlib.suppress(OSError):
            self._f.close()


def read_json(path: Path) -> dict[str, Any] | None:
    """The JSON object in *path*, None if there is no such file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(Problem(f"cannot read: {exc.strerror or exc}", file=str(path))) from None
    try:
        obj = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidDocumentError(Problem(f"not JSON: {exc}", file=str(path))) from None
    if not isinstance(obj, dict):
        raise InvalidDocumentError(Problem("not a JSON object", file=str(path)))
    return obj


def write_json(path: Path, obj: dict[str, Any]) -> None:
    """Write *obj* to *path* atomically, indented, keys sorted."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    write_atomic(path, text.encode("utf-8"))


@contextlib.contextmanager
def folder_lock(folder: Path, name: str) -> Iterator[None]:
    """Hold the lock file *name* in *folder* for the block; another process holding it
    raises :class:`~ratsdok.errors.OutputError` at once (no waiting)."""
    path = folder / name
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(Problem(f"cannot lock: {exc.strerror or exc}", file=str(path))) from None
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise OutputError(
                    Problem("another run is writing into this folder", file=str(folder))
                ) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock
