"""``ratsdok oparl export``: the command line around the OParl export."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import ratsdok
import ratsdok.oparl
from ratsdok.cli import main
from tests.conftest import ROOT
from tests.factories import BASE, minimal_vorlage, paper


def _undated(tmp_path: Path) -> Path:
    """An XML file of a Vorlage with neither a date nor a Sitzungstermin."""
    path = tmp_path / "vorlage.xml"
    ratsdok.save(minimal_vorlage(nummer="KT 0001/2024", betreff="Ohne Datum"), path)
    return path


def _export(path: Path, *extra: str) -> int:
    out = path.parent / "paper.json"
    return main(["oparl", "export", str(path), "-o", str(out), "--base-url", BASE, *extra])


def test_export_without_any_date_names_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _undated(tmp_path)
    assert _export(path) == 1
    err = capsys.readouterr().err
    assert "--stand" in err
    assert "Traceback" not in err
    assert not (tmp_path / "paper.json").exists()


@pytest.mark.parametrize(
    ("stand", "stamp"),
    [
        ("2024-01-02", "2024-01-02T00:00:00+01:00"),  # a date: midnight in Berlin
        ("2024-07-02", "2024-07-02T00:00:00+02:00"),
        ("2024-01-02T03:04:05Z", "2024-01-02T03:04:05+00:00"),
        ("2024-01-02T03:04:05+01:00", "2024-01-02T03:04:05+01:00"),
        ("2024-01-02 03:04:05.75-05:30", "2024-01-02T03:04:05-05:30"),
    ],
)
def test_export_with_stand(tmp_path: Path, stand: str, stamp: str) -> None:
    path = _undated(tmp_path)
    assert _export(path, "--stand", stand) == 0
    paper = json.loads((tmp_path / "paper.json").read_bytes())
    assert paper["created"] == paper["modified"] == stamp


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("gestern", "not an ISO 8601 date"),
        ("2024-13-01", "not an ISO 8601 date"),
        ("", "not an ISO 8601 date"),
        ("2024-01-02T03:04", "no UTC offset"),
        ("2024-01-02T03:04:05+01:00:30", "whole minutes"),
    ],
)
def test_bad_stand_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, reason: str
) -> None:
    path = _undated(tmp_path)
    with pytest.raises(SystemExit) as info:
        _export(path, "--stand", value)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--stand" in err and repr(value) in err and reason in err
    assert "Traceback" not in err
    assert not (tmp_path / "paper.json").exists()


def test_stand_is_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["oparl", "export", "--help"])
    assert "--stand" in capsys.readouterr().out


def _nichtoeffentlich(tmp_path: Path) -> Path:
    """An XML file of a nichtöffentliche Vorlage (with its reason and legal basis)."""
    path = tmp_path / "vorlage.xml"
    v = minimal_vorlage(
        nummer="KT 0002/2024",
        betreff="Grundstücksverkauf",
        datum=date(2024, 1, 2),
        oeffentlichkeit=ratsdok.Oeffentlichkeit(
            oeffentlich=False, grund="Grundstücksangelegenheit", rechtsgrundlage="§ 35 ThürKO"
        ),
    )
    ratsdok.save(v, path)
    return path


def test_export_refuses_a_nichtoeffentliche_vorlage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _nichtoeffentlich(tmp_path)
    assert _export(path) == 1
    err = capsys.readouterr().err
    assert str(path) in err and "nichtöffentlich" in err
    assert "Grundstücksangelegenheit" in err and "§ 35 ThürKO" in err
    assert "--nichtoeffentlich-freigeben" in err
    assert "Traceback" not in err
    assert not (tmp_path / "paper.json").exists()


def test_export_of_a_nichtoeffentliche_vorlage_when_released(tmp_path: Path) -> None:
    path = _nichtoeffentlich(tmp_path)
    assert _export(path, "--nichtoeffentlich-freigeben") == 0
    paper = json.loads((tmp_path / "paper.json").read_bytes())
    assert paper["ratsdok:vorlage"]["oeffentlichkeit"]["oeffentlich"] is False
    back = ratsdok.oparl.import_paper(paper).vorlage
    assert back.nichtoeffentlich and back == ratsdok.load(path)


def test_refusal_in_a_process_prints_no_traceback(tmp_path: Path) -> None:
    path = _nichtoeffentlich(tmp_path)
    out = tmp_path / "paper.json"
    args = [sys.executable, "-m", "ratsdok", "oparl", "export", str(path), "-o", str(out)]
    proc = subprocess.run(
        [*args, "--base-url", BASE], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "nichtöffentlich" in proc.stderr
    assert not out.exists()


def test_release_option_is_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["oparl", "export", "--help"])
    assert "--nichtoeffentlich-freigeben" in capsys.readouterr().out


def test_import_of_a_name_too_long_for_xml_fails_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # issue #13: an 11 MB name was written as XML that validate then refused
    source = tmp_path / "paper.json"
    source.write_text(json.dumps(paper(name="N" * 11_000_000)), encoding="utf-8")
    out = tmp_path / "vorlage.xml"
    assert main(["oparl", "import", str(source), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{source}: $.name: a string of 11,000,000 bytes" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["paper.json"]
