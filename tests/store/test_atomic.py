"""Atomic output: the file appears complete or not at all."""

from __future__ import annotations

import fcntl
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ratsdok.errors import OutputError
from ratsdok.store import atomic
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


# --------------------------------------------------------------------------- leftovers


def _dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _leftover(folder: Path, pid: int, host: str = atomic._HOST, part: bool = False) -> Path:
    """A leftover as a run with *pid* on *host* names it (a folder, or a ``.part`` file)."""
    if part:
        path = folder / f".bundle.pdf.ratsdok-{pid}-{host}-abcd_123.part"
        path.write_bytes(b"half")
    else:
        path = folder / f".ratsdok-{pid}-{host}-abcd_123"
        path.mkdir()
        (path / "merged.pdf").write_bytes(b"half")
    return path


@pytest.mark.parametrize("part", [False, True], ids=["folder", "part-file"])
def test_leftover_of_a_dead_run_is_swept(tmp_path: Path, part: bool) -> None:
    dead = _leftover(tmp_path, _dead_pid(), part=part)
    write_atomic(tmp_path / "a.bin", b"x")  # writing an output sweeps its folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin"]
    assert not dead.exists()


@pytest.mark.parametrize("part", [False, True], ids=["folder", "part-file"])
def test_leftover_whose_lock_is_held_stays(tmp_path: Path, part: bool) -> None:
    held = _leftover(tmp_path, _dead_pid(), part=part)
    fd = os.open(held, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # a live process (this one) owns it
        assert atomic.sweep_leftovers(tmp_path) == []
    finally:
        os.close(fd)
    assert held.exists()
    assert atomic.sweep_leftovers(tmp_path) == [held]  # the lock was all that kept it


def test_leftover_of_a_live_process_or_another_host_stays(tmp_path: Path) -> None:
    dead = _dead_pid()
    keep = [
        _leftover(tmp_path, os.getpid()),  # alive, if between creating and locking
        _leftover(tmp_path, 1, part=True),  # alive (init), whatever the lock says
        _leftover(tmp_path, dead, host="0badc0de"),  # another host: its pid says nothing here
    ]
    for name in (f".ratsdok-{dead}", ".ratsdok-abcdefgh", f".ratsdok-{dead}-x-abcd_123"):
        (tmp_path / name).mkdir()  # not in the owner-tagged form: of unknown origin
    link = tmp_path / f".ratsdok-{dead}-{atomic._HOST}-link_123"
    link.symlink_to(keep[0])
    before = sorted(tmp_path.iterdir())
    assert atomic.sweep_leftovers(tmp_path) == []
    assert sorted(tmp_path.iterdir()) == before


def _use_then_fail(folder: Path, seen: list[Path]) -> None:
    with atomic.work_folder(folder) as work:
        seen.append(work)
        (work / "merged.pdf").write_bytes(b"half")
        fd = os.open(work, os.O_RDONLY)
        try:
            with pytest.raises(BlockingIOError):  # locked while in use
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
        raise RuntimeError("kaputt")


def test_work_folder_is_locked_while_in_use_and_removed_after(tmp_path: Path) -> None:
    seen: list[Path] = []
    with pytest.raises(RuntimeError, match="kaputt"):
        _use_then_fail(tmp_path, seen)
    assert atomic._OWNED_FOLDER.fullmatch(seen[0].name)
    assert list(tmp_path.iterdir()) == []
