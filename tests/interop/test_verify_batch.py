"""Verifying an archive run folder: each ZIP in parallel, and the index against them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ratsdok.cli import main
from ratsdok.interop.xdomea import archive_batch
from ratsdok.interop.xdomea.batch import INDEX
from ratsdok.interop.xdomea.verify_batch import verify_batch
from ratsdok.report import Report, Status
from tests.factories import PID, WHEN, vorlage


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    items = [(vorlage(nummer=f"KT {i:04d}/2021"), None) for i in range(1, 6)]
    archive_batch(items, out, prozess_id=PID, zeitpunkt=WHEN, max_anzahl=2, workers=1)
    return out


def _copy(run: Path, tmp_path: Path) -> Path:
    out = tmp_path / "run"
    shutil.copytree(run, out)
    return out


def _index_report(reports: list[Report]) -> dict[str, Status]:
    assert reports[-1].title == "archive run: index and ZIPs"
    return {c.label: c.status for c in reports[-1].checks}


def test_a_run_verifies_zip_by_zip_and_against_its_index(run: Path) -> None:
    reports = list(verify_batch(run, workers=1))
    zips = sorted(p.name for p in run.glob("*.zip"))
    assert sorted(Path(r.source).name for r in reports[:-1]) == zips
    assert all(r.ok for r in reports)
    assert _index_report(reports) == dict.fromkeys(zips, Status.OK)
    parallel = list(verify_batch(run, workers=2))
    assert [r.to_dict() for r in parallel] == [r.to_dict() for r in reports]


def test_an_index_that_disagrees_with_the_zips_is_not_ok(run: Path, tmp_path: Path) -> None:
    out = _copy(run, tmp_path)
    lines = (out / INDEX).read_text("utf-8").splitlines()
    first_zip = json.loads(lines[0])["zip"]
    last_zip = json.loads(lines[-1])["zip"]
    # a line lost, a Vorlage listed twice, a ZIP gone, a ZIP nobody listed
    lines = [lines[1], lines[1], *lines[2:]]
    (out / INDEX).write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / last_zip).rename(out / "x_Aussonderung.Aussonderung.0503.zip")
    reports = list(verify_batch(out, workers=1))
    found = _index_report(reports)
    assert found[first_zip] is Status.CHANGED
    assert found[last_zip] is Status.MISSING
    assert found["x_Aussonderung.Aussonderung.0503.zip"] is Status.UNLISTED
    assert found[json.loads(lines[0])["uuid"]] is Status.INVALID
    assert not reports[-1].ok


def test_cli_verifies_a_run_folder(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["archive-verify", str(run), "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert out.endswith(f"{run / INDEX}: OK\n")
    assert out.count(": OK\n") == 4  # three ZIPs and the index
    broken = _copy(run, tmp_path)
    (broken / INDEX).unlink()
    assert main(["archive-verify", str(broken), "--workers", "1", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [r["ok"] for r in data] == [True, True, True, False]  # the ZIPs are still checked
    assert {c["status"] for c in data[-1]["checks"]} == {"missing", "unlisted"}
