"""Atomic output: the file appears complete or not at all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ratsdok.errors import OutputError
from ratsdok.store.atomic import atomic_output, write_atomic


def _write_then_raise(out: Path, exc: BaseException) -> None:
    with atomic_output(out) as f:
        f.write(b"half")
        raise exc


def test_write_atomic_writes_the_bytes(tmp_path: Path) -> None:
    out = tmp_path / "a.bin"
    write_atomic(out, b"\x00abc")
    assert out.read_bytes() == b"\x00abc"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]


def test_mode_follows_umask(tmp_path: Path) -> None:
    out = tmp_path / "a.bin"
    write_atomic(out, b"x")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask


def test_failing_block_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "a.bin"
    with pytest.raises(RuntimeError, match="kaputt"):
        _write_then_raise(out, RuntimeError("kaputt"))
    assert list(tmp_path.iterdir()) == []


def test_failing_block_keeps_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "a.bin"
    out.write_bytes(b"old")
    with pytest.raises(KeyError):
        _write_then_raise(out, KeyError("x"))
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]


def test_os_error_in_block_becomes_output_error(tmp_path: Path) -> None:
    out = tmp_path / "a.bin"
    with pytest.raises(OutputError) as info:
        _write_then_raise(out, OSError(28, "No space left on device"))
    assert info.value.problems[0].file == str(out)
    assert "No space left" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_missing_folder(tmp_path: Path) -> None:
    out = tmp_path / "nope" / "a.bin"
    with pytest.raises(OutputError) as info:
        write_atomic(out, b"x")
    assert info.value.problems[0].file == str(out)
    assert list(tmp_path.iterdir()) == []


def test_target_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="folder"):
        write_atomic(tmp_path, b"x")
    assert list(tmp_path.iterdir()) == []


def test_no_partial_file_visible_during_write(tmp_path: Path) -> None:
    out = tmp_path / "a.bin"
    with atomic_output(out) as f:
        f.write(b"data")
        assert not out.exists()
        (tmp,) = list(tmp_path.iterdir())
        assert tmp.name.startswith(".a.bin.") and tmp.name.endswith(".part")
    assert out.read_bytes() == b"data"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]
