"""SHA-256 digests of Anlage bytes, computed in constant memory."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import BinaryIO

__all__ = ["Digest", "digest_bytes", "digest_stream"]

_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Digest:
    """Size in bytes and lower-case hex SHA-256 of some content."""

    groesse: int
    sha256: str


def digest_bytes(data: bytes) -> Digest:
    """Digest of in-memory bytes."""
    return Digest(len(data), hashlib.sha256(data).hexdigest())


def digest_stream(stream: BinaryIO) -> Digest:
    """Digest of a binary stream read to its end in 1 MiB chunks."""
    h = hashlib.sha256()
    size = 0
    buf = bytearray(_CHUNK)
    view = memoryview(buf)
    while True:
        n = stream.readinto(view)  # type: ignore[attr-defined]
        if not n:
            break
        h.update(view[:n])
        size += n
    return Digest(size, h.hexdigest())
