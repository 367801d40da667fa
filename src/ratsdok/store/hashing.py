"""SHA-256 digests of Anlage bytes, computed in constant memory."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from queue import SimpleQueue
from typing import BinaryIO, Final

__all__ = ["Digest", "digest_bytes", "digest_stream"]

_CHUNK: Final = 1024 * 1024
# Streams longer than this are read by a second thread while this one hashes.
_OVERLAP_AFTER: Final = 4 * _CHUNK
_BUFFERS: Final = 3


@dataclass(frozen=True, slots=True)
class Digest:
    """Size in bytes and lower-case hex SHA-256 of some content."""

    groesse: int
    sha256: str


def digest_bytes(data: bytes) -> Digest:
    """Digest of in-memory bytes."""
    return Digest(len(data), hashlib.sha256(data).hexdigest())


def digest_stream(stream: BinaryIO) -> Digest:
    """Digest of a binary stream read to its end, in 1 MiB chunks.

    Memory stays at a few chunks whatever the size. Past the first few MiB,
    reading overlaps with hashing: ``readinto`` and ``sha256.update`` both
    release the GIL, so a file hashes almost as fast as the same bytes in
    memory (``bench/bench_integrity.py``). Errors from the stream are raised
    here, in the caller's thread.
    """
    h = hashlib.sha256()
    buf = bytearray(_CHUNK)
    view = memoryview(buf)
    size = 0
    while size < _OVERLAP_AFTER:
        n = stream.readinto(view)  # type: ignore[attr-defined]
        if not n:
            return Digest(size, h.hexdigest())
        h.update(view[:n])
        size += n
    view.release()
    size += _overlapped(stream, h, [buf, *(bytearray(_CHUNK) for _ in range(_BUFFERS - 1))])
    return Digest(size, h.hexdigest())


_Filled = tuple[bytearray, int] | BaseException


def _overlapped(stream: BinaryIO, h: hashlib._Hash, buffers: list[bytearray]) -> int:
    """Hash the rest of ``stream`` while a reader thread fills ``buffers`` in turn."""
    empty: SimpleQueue[bytearray | None] = SimpleQueue()
    filled: SimpleQueue[_Filled] = SimpleQueue()
    for b in buffers:
        empty.put(b)

    def read() -> None:
        try:
            while (b := empty.get()) is not None:
                n = stream.readinto(b)  # type: ignore[attr-defined]
                filled.put((b, n or 0))
                if not n:
                    return
        except BaseException as exc:  # handed to the hashing thread, which raises it
            filled.put(exc)

    reader = threading.Thread(target=read, name="ratsdok-digest", daemon=True)
    reader.start()
    size = 0
    try:
        while True:
            item = filled.get()
            if isinstance(item, BaseException):
                raise item
            b, n = item
            if not n:
                return size
            with memoryview(b) as view:
                h.update(view[:n])
            size += n
            empty.put(b)
    finally:
        # Stops the reader after at most len(buffers) more reads, also when we raise.
        empty.put(None)
        reader.join()
