"""Archiving many Vorlagen: several ZIPs by count or size, the index, resuming, failures,
the CLI summary, and the same bytes on a Dask cluster."""

from __future__ import annotations

import functools
import importlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

import pytest

import ratsdok
from ratsdok.cli import main
from ratsdok.errors import OutputError, RatsdokError
from ratsdok.interop.xdomea import archive, archive_batch, export, verify_archive
from ratsdok.interop.xdomea.batch import FEHLER, INDEX, STATE, teil_prozess_id
from tests.factories import PID, WHEN, vorlage, with_anlagen


def _vorlagen(n: int) -> list[ratsdok.Vorlage]:
    return [vorlage(nummer=f"KT {i + 1:04d}/2021", uuid=uuid5(PID, f"v{i}")) for i in range(n)]


def _files(folder: Path, n: int) -> list[Path]:
    """*n* Vorlagen as XML files, each in a folder of its own."""
    out = []
    for i, v in enumerate(_vorlagen(n)):
        (folder / f"{i:03d}").mkdir(parents=True)
        path = folder / f"{i:03d}" / "vorlage.xml"
        ratsdok.save(v, path)
        out.append(path)
    return out


def _index(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / INDEX).read_text("utf-8").splitlines()]


def _zips(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.zip"))}


def _vorgaenge(path: Path) -> list[str]:
    result = verify_archive(path)
    assert result.ok, result.lines()
    return [vg.uuid for vg in result.vorgaenge]


def test_split_by_count_each_zip_verifies_and_the_index_says_where(tmp_path: Path) -> None:
    vs = _vorlagen(5)
    lauf = archive_batch(
        [(v, None) for v in vs], tmp_path, prozess_id=PID, zeitpunkt=WHEN, max_anzahl=2, workers=1
    )
    names = [f"{teil_prozess_id(PID, k)}_Aussonderung.Aussonderung.0503.zip" for k in (1, 2, 3)]
    assert [p.name for p in lauf.zips] == names
    assert names[0].startswith(str(PID))  # part 1 carries the run's ProzessID
    assert len({n[:36] for n in names}) == 3
    contents = [_vorgaenge(tmp_path / n) for n in names]
    assert [len(c) for c in contents] == [2, 2, 1]
    assert [u for c in contents for u in c] == [str(v.uuid) for v in vs]
    lines = _index(tmp_path)
    assert [(line["uuid"], line["zip"], line["teil"], line["nr"]) for line in lines] == [
        (str(v.uuid), names[i // 2], i // 2 + 1, i % 2 + 1) for i, v in enumerate(vs)
    ]
    assert all(line["quelle"] is None for line in lines)
    assert (lauf.archiviert, lauf.schon_archiviert, lauf.fehlgeschlagen) == (5, 0, 0)


def test_split_by_size_keeps_every_zip_within_the_limit(tmp_path: Path) -> None:
    vs = [with_anlagen().model_copy(update={"uuid": uuid5(PID, f"a{i}")}) for i in range(5)]
    one = tmp_path / "one"
    one.mkdir()
    whole = archive([(v, None) for v in vs], one, prozess_id=PID, zeitpunkt=WHEN, workers=1)
    limit = whole.stat().st_size // 2  # about two Vorlagen and a half
    out = tmp_path / "split"
    out.mkdir()
    lauf = archive_batch(
        [(v, None) for v in vs], out, prozess_id=PID, zeitpunkt=WHEN, max_groesse=limit, workers=1
    )
    assert len(lauf.zips) >= 3
    assert all(p.stat().st_size <= limit for p in lauf.zips)
    assert lauf.zu_gross == ()
    assert [u for p in lauf.zips for u in _vorgaenge(p)] == [str(v.uuid) for v in vs]


def test_a_vorlage_larger_than_the_limit_gets_a_zip_of_its_own(tmp_path: Path) -> None:
    vs = _vorlagen(2)
    lauf = archive_batch(
        [(v, None) for v in vs], tmp_path, prozess_id=PID, zeitpunkt=WHEN, max_groesse=1000
    )
    assert len(lauf.zips) == 2
    assert lauf.zu_gross == lauf.zips


def test_one_zip_is_byte_identical_to_archive(tmp_path: Path) -> None:
    vs = _vorlagen(3)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    legacy = archive([(v, None) for v in vs], a, prozess_id=PID, zeitpunkt=WHEN, workers=1)
    lauf = archive_batch([(v, None) for v in vs], b, prozess_id=PID, zeitpunkt=WHEN, workers=2)
    assert lauf.zips == (b / legacy.name,)
    assert legacy.read_bytes() == lauf.zips[0].read_bytes()
    # archive() records no run: the folder holds the ZIP alone
    assert [p.name for p in a.iterdir()] == [legacy.name]


def _interrupt_at(monkeypatch: pytest.MonkeyPatch, n: int, exc: BaseException) -> None:
    """Make the *n*-th ZIP entry written (counted from 1) raise *exc*: Ctrl-C, or a
    full disk, while this process writes a ZIP."""
    real = export.write_entry
    calls = [0]

    def write_entry(*args: Any) -> str:
        calls[0] += 1
        if calls[0] == n:
            raise exc
        return real(*args)

    monkeypatch.setattr("ratsdok.interop.xdomea.batch.write_entry", write_entry)


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), OSError(28, "No space left on device")])
def test_an_interrupted_run_resumes_to_the_same_zips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exc: BaseException
) -> None:
    src = tmp_path / "src"
    files = _files(src, 5)
    whole, out = tmp_path / "whole", tmp_path / "out"
    whole.mkdir()
    out.mkdir()
    kw: dict[str, Any] = {"prozess_id": PID, "zeitpunkt": WHEN, "max_anzahl": 2, "workers": 1}
    archive_batch(files, whole, **kw)

    # entries: PDF 1, PDF 2, manifest; PDF 3, then PDF 4 of the second ZIP fails
    _interrupt_at(monkeypatch, 5, exc)
    with pytest.raises((KeyboardInterrupt, OutputError)):
        archive_batch(files, out, **kw)
    # the first ZIP is complete and indexed; the second left nothing under any name
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [next(iter(_zips(whole))), INDEX, STATE, ".ratsdok-archiv.lock"]
    )
    assert len(_index(out)) == 2
    monkeypatch.undo()

    # restarted without --prozess-id / --zeitpunkt: the state file supplies them
    lauf = archive_batch(files, out, max_anzahl=2, workers=1)
    assert (lauf.prozess_id, lauf.zeitpunkt) == (PID, WHEN)
    assert (lauf.archiviert, lauf.schon_archiviert, len(lauf.neue_zips)) == (3, 2, 2)
    assert _zips(out) == _zips(whole)
    assert _index(out) == _index(whole)

    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.iterdir()}
    again = archive_batch(files, out, max_anzahl=2, workers=1)
    assert again.nichts_zu_tun
    assert (again.archiviert, again.schon_archiviert, again.neue_zips) == (0, 5, ())
    assert len(again.zips) == 3
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.iterdir()}
    assert before == after


def test_a_crash_between_index_and_rename_is_repaired(tmp_path: Path) -> None:
    """SIGKILL after a ZIP's index lines were committed but before its rename, and in
    the middle of an index line: the resumed run drops both traces and redoes the ZIP."""
    files = _files(tmp_path / "src", 4)
    out = tmp_path / "out"
    out.mkdir()
    kw: dict[str, Any] = {"prozess_id": PID, "zeitpunkt": WHEN, "max_anzahl": 2, "workers": 1}
    first = archive_batch(files, out, **kw)
    good = _zips(out)
    lost = first.zips[1]
    lost.rename(out / f".{lost.name}.x1y2.part")  # as if the rename never happened
    with (out / INDEX).open("ab") as f:
        f.write(b'{"uuid": "torn')
    lauf = archive_batch(files, out, **kw)
    assert (lauf.archiviert, lauf.schon_archiviert) == (2, 2)
    assert {n: b for n, b in _zips(out).items()} == good
    lines = _index(out)
    assert [line["uuid"] for line in lines] == [str(v.uuid) for v in _vorlagen(4)]


def test_resuming_with_other_limits_is_refused(tmp_path: Path) -> None:
    files = _files(tmp_path / "src", 1)
    out = tmp_path / "out"
    out.mkdir()
    archive_batch(files, out, max_anzahl=2, workers=1)
    with pytest.raises(OutputError, match="other --max-anzahl"):
        archive_batch(files, out, max_anzahl=3, workers=1)
    with pytest.raises(OutputError, match="other --prozess-id"):
        archive_batch(files, out, prozess_id=PID, max_anzahl=2, workers=1)


def _broken(files: list[Path], i: int) -> Path:
    files[i].write_text("<vorlage", encoding="utf-8")
    return files[i]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failed_unit_is_reported_with_its_file_and_the_rest_is_archived(
    tmp_path: Path, workers: int
) -> None:
    files = _files(tmp_path / "src", 4)
    bad = _broken(files, 1)
    out = tmp_path / "out"
    out.mkdir()
    lauf = archive_batch(files, out, prozess_id=PID, zeitpunkt=WHEN, workers=workers)
    assert not lauf.ok
    assert (lauf.archiviert, lauf.fehlgeschlagen) == (3, 1)
    (f,) = lauf.fehler
    assert f.quelle == str(bad.absolute())
    assert all(str(bad) in line for line in f.lines())
    logged = [json.loads(x) for x in (out / FEHLER).read_text("utf-8").splitlines()]
    assert [x["quelle"] for x in logged] == [str(bad.absolute())]
    assert len(_vorgaenge(lauf.zips[0])) == 3
    # fixed and restarted: only the failed one is archived, into a new ZIP
    ratsdok.save(_vorlagen(4)[1], bad)
    again = archive_batch(files, out, workers=workers)
    assert (again.archiviert, again.schon_archiviert, again.fehlgeschlagen) == (1, 3, 0)
    assert _vorgaenge(again.neue_zips[0]) == [str(_vorlagen(4)[1].uuid)]
    assert not (out / FEHLER).exists()


def test_archive_still_raises_the_first_failure_and_writes_nothing(tmp_path: Path) -> None:
    files = _files(tmp_path / "src", 3)
    _broken(files, 2)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(RatsdokError, match=r"vorlage\.xml"):
        archive(files, out, prozess_id=PID, zeitpunkt=WHEN, workers=1)
    assert list(out.iterdir()) == []


def test_a_vorlage_given_twice_is_a_failure_not_a_second_copy(tmp_path: Path) -> None:
    v = _vorlagen(1)[0]
    lauf = archive_batch([(v, None), (v, None)], tmp_path, workers=1)
    assert (lauf.archiviert, lauf.fehlgeschlagen) == (1, 1)
    assert "given twice" in lauf.fehler[0].lines()[0]


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_folder_json_summary_and_nothing_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    files = _files(src, 3)
    out = tmp_path / "out"
    args = ["archive", str(src), "-o", str(out), "--max-anzahl", "2", "--workers", "1"]
    code, stdout, stderr = _cli([*args, "--json", "--prozess-id", str(PID)], capsys)
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert summary["vorlagen"] == {"archiviert": 3, "schon_archiviert": 0, "fehlgeschlagen": 0}
    assert summary["prozess_id"] == str(PID)
    assert summary["zips"] == summary["neue_zips"] == sorted(_zips(out), key=summary["zips"].index)
    assert len(summary["zips"]) == 2
    assert "Traceback" not in stderr
    # the summary does not grow with the count: no per-Vorlage entries
    assert set(summary) == {
        "ok", "ordner", "prozess_id", "zeitpunkt", "zips", "neue_zips", "zu_gross",
        "vorlagen", "fehler", "fehler_weitere", "index", "fehler_datei",
    }  # fmt: skip
    code, stdout, stderr = _cli(args, capsys)
    assert code == 0
    assert stdout == ""
    assert "nothing to do: all 3 Vorlagen are already archived in 2 ZIP(s)" in stderr
    # a broken file: named on stderr, exit 1, no traceback, the others are done
    bad = _broken(files, 0)
    (out / INDEX).unlink()
    for z in out.glob("*.zip"):
        z.unlink()
    code, stdout, stderr = _cli(args, capsys)
    assert code == 1
    assert str(bad.absolute()) in stderr
    assert "Traceback" not in stderr
    assert len(stdout.splitlines()) == 1


def test_cli_progress_is_plain_lines_when_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ratsdok.interop import batch

    monkeypatch.setattr(batch, "Fortschritt", functools.partial(batch.Fortschritt, every=0.0))
    src = tmp_path / "src"
    _files(src, 2)
    code, _, stderr = _cli(
        ["archive", str(src), "-o", str(tmp_path / "o"), "--workers", "1"], capsys
    )
    assert code == 0
    lines = stderr.splitlines()
    assert "\r" not in stderr
    assert lines[0].startswith("archive: 1/2 Vorlagen (")
    assert lines[-1].startswith("2 Vorlagen archived in 1 new ZIP(s), 0 already archived")


def test_cli_dask_without_the_extra_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.import_module

    def no_distributed(name: str, *a: Any) -> Any:
        if name == "distributed":
            raise ImportError(name)
        return real(name, *a)

    monkeypatch.setattr("importlib.import_module", no_distributed)
    files = _files(tmp_path / "src", 1)
    code, _, stderr = _cli(
        ["archive", str(files[0]), "-o", str(tmp_path / "o"), "--dask", "tcp://x:1"], capsys
    )
    assert code == 1
    assert "pip install 'ratsdok[dask]'" in stderr


def test_the_same_export_on_a_dask_cluster_gives_the_same_bytes(
    tmp_path: Path, dask_client: Any
) -> None:
    files = _files(tmp_path / "src", 5)
    _broken(files, 3)
    local, remote = tmp_path / "local", tmp_path / "dask"
    local.mkdir()
    remote.mkdir()
    kw: dict[str, Any] = {"prozess_id": PID, "zeitpunkt": WHEN, "max_anzahl": 2}
    a = archive_batch(files, local, workers=2, **kw)
    b = archive_batch(files, remote, executor=dask_client.get_executor(), chunk=2, **kw)
    assert _zips(local) == _zips(remote)
    assert (local / INDEX).read_bytes() == (remote / INDEX).read_bytes()
    # the failed unit is reported with its file, in order, by both
    assert [f.quelle for f in a.fehler] == [f.quelle for f in b.fehler] == [str(files[3])]
    assert b.archiviert == 4


def test_process_ids_of_parts_are_stable() -> None:
    assert teil_prozess_id(PID, 1) == PID
    assert teil_prozess_id(PID, 2) == uuid5(PID, "teil:2")
    assert teil_prozess_id(PID, 2) != teil_prozess_id(UUID(int=1), 2)


def test_archive_batch_refuses_a_missing_folder_and_bad_limits(tmp_path: Path) -> None:
    items = [(v, None) for v in _vorlagen(1)]
    with pytest.raises(OutputError, match="does not exist"):
        archive_batch(items, tmp_path / "nope")
    with pytest.raises(RatsdokError, match="max_anzahl: must be positive"):
        archive_batch(items, tmp_path, max_anzahl=0)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_a_killed_cli_run_resumes_to_the_zips_of_an_uninterrupted_one(
    tmp_path: Path, sig: signal.Signals
) -> None:
    src = tmp_path / "src"
    _files(src, 10)
    fixed = ["--prozess-id", str(PID), "--zeitpunkt", "2026-11-25T10:00:00Z"]
    whole = tmp_path / "whole"
    out = tmp_path / "out"
    assert main(["archive", str(src), "-o", str(whole), "--max-anzahl", "2", "-q", *fixed]) == 0
    cmd = [sys.executable, "-m", "ratsdok", "archive", str(src), "-o", str(out)]
    cmd += ["--max-anzahl", "2", "--workers", "2", *fixed]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if (out / INDEX).is_file() and (out / INDEX).stat().st_size > 0:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    assert len(list(out.glob("*.zip"))) < len(_zips(whole))
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert "Traceback" not in stderr
    # whatever has its final name is complete
    for path in out.glob("*.zip"):
        assert _vorgaenge(path)
    if sig == signal.SIGINT and proc.returncode == 130:
        assert not list(out.glob(".*.part"))  # cleaned up on the way out
    resumed = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert resumed.returncode == 0, resumed.stderr
    assert _zips(out) == _zips(whole)
    assert _index(out) == _index(whole)


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        (INDEX, '{"zip":"a.zip"}\n', f"{INDEX}:1:"),
        (STATE, '{"format":"ratsdok-archiv/1"}', f"{STATE}:"),
    ],
)
def test_a_damaged_run_file_is_named_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, where: str
) -> None:
    files = _files(tmp_path / "src", 1)
    out = tmp_path / "out"
    assert main(["archive", str(files[0]), "-o", str(out), "-q", "--workers", "1"]) == 0
    (out / name).write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["archive", str(files[0]), "-o", str(out), "-q", "--workers", "1"]) == 1
    err = capsys.readouterr().err
    assert where in err
    assert "ratsdok wrote" in err
    assert "Traceback" not in err


def test_cli_size_limit_with_a_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "src"
    _files(src, 2)
    out = tmp_path / "out"
    args = ["archive", str(src), "-o", str(out), "--workers", "1", "--json", "-q"]
    assert main([*args, "--max-groesse", "1K"]) == 0
    summary = json.loads(capsys.readouterr().out)
    # each Vorlage alone is larger than 1 KiB: a ZIP each, and both are named as too large
    assert len(summary["zips"]) == 2
    assert summary["zu_gross"] == summary["zips"]
    state = json.loads((out / STATE).read_text("utf-8"))
    assert (state["max_groesse"], state["max_anzahl"]) == (1024, None)
