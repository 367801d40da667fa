"""Atomic file output: write to a temporary file beside the target, then rename.

A reader never sees a half-written file, and a failure leaves nothing behind.

What a run puts beside its outputs meanwhile (the ``.part`` file, a work folder
``.ratsdok-*``) is named after its owner (process id and host) and locked
(``flock``) while in use. A run killed outright (SIGKILL, a power cut) cannot
clean up; the next output written to that folder removes such a leftover, but
only when it can prove that no live process owns it: the lock is free and the
process named is gone on this host. A parallel run's files, or anything not named
this way, are never touched.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import secrets
import shutil
import socket
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ratsdok.errors import OutputError, Problem

__all__ = ["atomic_output", "sweep_leftovers", "work_folder", "write_atomic"]

_HOST = hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]
"""This host, as it appears in owner tags (a folder may be shared between hosts)."""

_OWNER = r"ratsdok-(?P<pid>[0-9]+)-(?P<host>[0-9a-f]{8})-[a-z0-9_]{8}"
_OWNED_FOLDER = re.compile(rf"\.{_OWNER}")
_OWNED_PART = re.compile(rf"\..+\.{_OWNER}\.part")
"""A work folder ``.ratsdok-PID-HOST-RANDOM`` or a temporary file
``.NAME.ratsdok-PID-HOST-RANDOM.part`` (HOST: a digest of the host name)."""


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def _random() -> str:
    """Eight characters that make a name unique (the owner tag says whose it is)."""
    return secrets.token_hex(4)


def _tag() -> str:
    # The pid is read at each use: a forked worker is an owner of its own.
    return f"ratsdok-{os.getpid()}-{_HOST}-"


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
    sweep_leftovers(target.parent)
    # Named before it is made: an interruption (SIGINT, SIGTERM) at any point after
    # leaves nothing that the cleanup below does not know of.
    tmp = target.parent / f".{target.name}.{_tag()}{_random()}.part"
    try:
        try:
            fd = os.open(tmp, _NEW_FILE, 0o600)
        except OSError as exc:
            raise OutputError(
                Problem(f"cannot write here: {exc.strerror or exc}", file=str(target))
            ) from None
        fcntl.flock(fd, fcntl.LOCK_EX)  # held until the file is closed: it is in use
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


@contextlib.contextmanager
def work_folder(parent: str | os.PathLike[str] | None = None) -> Iterator[Path]:
    """A private folder for intermediate files in *parent* (default: the system's
    temporary folder), removed with its content when the block ends, however it ends.

    Stale leftovers of killed runs in *parent* are removed first (see the module)."""
    where = Path(parent) if parent is not None else Path(tempfile.gettempdir())
    sweep_leftovers(where)
    path = where / f".{_tag()}{_random()}"  # named first, as in atomic_output
    lock = -1
    try:
        try:
            path.mkdir(mode=0o700)
        except OSError as exc:
            raise OutputError(
                Problem(f"cannot make a work folder here: {exc.strerror or exc}", file=str(where))
            ) from None
        lock = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        # Blocks only while another run's sweep looks at it (it finds this pid alive).
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        if lock >= 0:
            os.close(lock)


def sweep_leftovers(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the leftovers of killed ratsdok runs in *folder*; return what was removed.

    Only names in the owner-tagged form count, and each only when its lock is free and
    its process is gone (same host): a folder or file of a live run, of another host,
    or of unknown origin stays. Errors are ignored: sweeping is a courtesy.
    """
    removed: list[Path] = []
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return removed
    for entry in entries:
        is_folder = not entry.name.endswith(".part")
        m = (_OWNED_FOLDER if is_folder else _OWNED_PART).fullmatch(entry.name)
        if m is None or m["host"] != _HOST or _alive(int(m["pid"])):
            continue
        with contextlib.suppress(OSError):
            if is_folder:
                kind = entry.is_dir(follow_symlinks=False)
            else:
                kind = entry.is_file(follow_symlinks=False)
            if kind and _remove_if_free(entry.path, is_folder):
                removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    """Whether process *pid* exists on this host (a pid that may not be signalled does)."""
    if pid <= 0:
        return True  # not a process of its own: never proof of death
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _remove_if_free(path: str, folder: bool) -> bool:
    """Remove *path* if its lock can be taken (no live owner holds it)."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | (os.O_DIRECTORY if folder else 0)
    fd = os.open(path, flags)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # in use
        if folder:
            shutil.rmtree(path)
        else:
            os.unlink(path)
        return True
    finally:
        os.close(fd)
