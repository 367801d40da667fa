"""Digests of Anlage bytes: exact for every length, constant memory, errors raised."""

from __future__ import annotations

import hashlib
import io
import threading
import tracemalloc
from pathlib import Path

import pytest

from ratsdok.store.hashing import _CHUNK, _OVERLAP_AFTER, Digest, digest_bytes, digest_stream


def _pattern(size: int) -> bytes:
    # Not periodic in the chunk size, so a chunk hashed twice or skipped changes the digest.
    return bytes((i * 7 + i // 251) & 0xFF for i in range(size))


_PERIOD = 65_537  # prime, so no read size lines up with the content's period
_TWICE = _pattern(_PERIOD) * 2


class _Generated(io.RawIOBase):
    """``size`` bytes with byte ``p`` = ``_TWICE[p % _PERIOD]``, never all held, in short reads."""

    def __init__(self, size: int, *, max_read: int = _CHUNK, fail_after: int | None = None):
        self.size, self.pos, self.max_read, self.fail_after = size, 0, max_read, fail_after

    def readable(self) -> bool:
        return True

    def readinto(self, b: memoryview) -> int:  # type: ignore[override]
        if self.fail_after is not None and self.pos >= self.fail_after:
            raise OSError(5, "Eingabe-/Ausgabefehler")
        n = min(len(b), self.max_read, _PERIOD, self.size - self.pos)
        start = self.pos % _PERIOD
        b[:n] = _TWICE[start : start + n]
        self.pos += n
        return n


def _expected(size: int) -> str:
    h = hashlib.sha256()
    whole, rest = divmod(size, _PERIOD)
    for _ in range(whole):
        h.update(_TWICE[:_PERIOD])
    h.update(_TWICE[:rest])
    return h.hexdigest()


def test_digest_bytes() -> None:
    assert digest_bytes(b"") == Digest(
        0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    data = _pattern(1000)
    assert digest_bytes(data) == Digest(1000, hashlib.sha256(data).hexdigest())


@pytest.mark.parametrize(
    "size",
    [
        0,
        1,
        _CHUNK - 1,
        _CHUNK,
        _CHUNK + 1,
        _OVERLAP_AFTER - 1,
        _OVERLAP_AFTER,
        _OVERLAP_AFTER + 1,
        _OVERLAP_AFTER + 5 * _CHUNK // 2,
    ],
)
def test_stream_equals_hashlib_at_every_boundary(size: int) -> None:
    data = _pattern(size)
    assert digest_stream(io.BytesIO(data)) == Digest(size, hashlib.sha256(data).hexdigest())


def test_short_reads_are_not_end_of_stream() -> None:
    # Pipes and sockets return less than asked for long before their end.
    size = _OVERLAP_AFTER + 3 * _CHUNK + 17
    got = digest_stream(io.BufferedReader(_Generated(size, max_read=40_000), 1))
    assert got == Digest(size, _expected(size))


def test_file_on_disk(tmp_path: Path) -> None:
    data = _pattern(_OVERLAP_AFTER + 2 * _CHUNK + 3)
    path = tmp_path / "anlage.pdf"
    path.write_bytes(data)
    with path.open("rb") as f:
        assert digest_stream(f).sha256 == hashlib.sha256(data).hexdigest()


def test_memory_is_constant() -> None:
    size = 64 * _CHUNK
    tracemalloc.start()
    try:
        got = digest_stream(_Generated(size))  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert got == Digest(size, _expected(size))
    # A few 1 MiB buffers, not the 64 MiB content.
    assert peak < 6 * _CHUNK


@pytest.mark.parametrize("fail_after", [_CHUNK, _OVERLAP_AFTER + 2 * _CHUNK])
def test_read_error_is_raised_and_no_thread_is_left(fail_after: int) -> None:
    before = threading.active_count()
    with pytest.raises(OSError, match="Eingabe-/Ausgabefehler"):
        digest_stream(_Generated(20 * _CHUNK, fail_after=fail_after))  # type: ignore[arg-type]
    assert threading.active_count() == before
