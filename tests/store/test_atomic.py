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


# --- outputs keep their guard (issue #13) ---------------------------------------


def test_replacing_a_private_file_keeps_it_private(tmp_path: Path) -> None:
    """chmod 600 v.xml; ratsdok seal v.xml -o v.xml left it 0644."""
    from ratsdok.cli import main
    from tests.conftest import EXAMPLE_XML

    target = tmp_path / "v.xml"
    target.write_bytes(EXAMPLE_XML.read_bytes())
    target.chmod(0o600)
    assert main(["seal", str(target), "-o", str(target)]) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    new = tmp_path / "neu.xml"
    write_atomic(new, b"x")
    assert stat.S_IMODE(new.stat().st_mode) & 0o077 == 0o666 & ~_current_umask() & 0o077


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@pytest.mark.parametrize("kind", ["symlink", "fifo", "folder"])
def test_links_fifos_and_folders_are_not_replaced(tmp_path: Path, kind: str) -> None:
    real = tmp_path / "real.pdf"
    real.write_bytes(b"original")
    target = tmp_path / "out.pdf"
    if kind == "symlink":
        target.symlink_to(real)
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        target.mkdir()
    why = {"symlink": "symbolic link", "fifo": "FIFO", "folder": "folder"}[kind]
    with pytest.raises(OutputError, match=why):
        write_atomic(target, b"neu")
    assert real.read_bytes() == b"original"
    assert target.is_symlink() == (kind == "symlink")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
