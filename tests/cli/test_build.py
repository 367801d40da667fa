"""``ratsdok build``: a Vorlage from a text file to XML that validates."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

import ratsdok
from ratsdok.cli import main
from tests.conftest import ROOT, line_of, require_tool
from tests.factories import BEISPIEL

PDF = b"%PDF-1.4\n% Jahresabschluss 2013 (test bytes)\n"


@pytest.fixture
def quelle(tmp_path: Path) -> Path:
    """The example text file with its one Anlage file beside it."""
    path = tmp_path / "kt-2014-16.md"
    path.write_text(BEISPIEL, encoding="utf-8")
    (tmp_path / "jahresabschluss.pdf").write_bytes(PDF)
    return path


def test_build_validate_and_xmllint(
    quelle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "vorlage.xml"
    assert main(["build", str(quelle), "-o", str(out)]) == 0
    assert capsys.readouterr() == ("", f"{out}: written\n")
    v = ratsdok.load(out)
    assert str(v.nummer) == "KT 2014/16"
    assert v.abschnitte[0].absaetze[0].startswith("1. Der Kreistag weist")
    a = v.anlagen[0]
    assert (a.groesse, a.sha256) == (len(PDF), hashlib.sha256(PDF).hexdigest())
    assert main(["validate", "--anlagen", "require", str(out)]) == 0
    xmllint = require_tool("xmllint")
    result = subprocess.run(
        [
            xmllint,
            "--noout",
            "--nonet",
            "--schema",
            str(ROOT / "schemas" / "ratsdok.xsd"),
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "validates" in result.stderr


def test_build_is_reproducible_and_defaults_to_the_xml_beside_it(
    quelle: Path, tmp_path: Path
) -> None:
    assert main(["build", "-q", str(quelle)]) == 0
    first = quelle.with_suffix(".xml").read_bytes()
    assert main(["build", "-q", str(quelle), "-o", str(tmp_path / "again.xml")]) == 0
    assert (tmp_path / "again.xml").read_bytes() == first


def test_missing_anlage_file_is_a_note_or_with_require_an_error(
    quelle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "jahresabschluss.pdf").unlink()
    out = tmp_path / "v.xml"
    assert main(["build", str(quelle), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    zeile = line_of(BEISPIEL, "[[anlage]]")
    assert f"{quelle}:{zeile}: anlage[0]: Anlage 1 (jahresabschluss.pdf): file not found" in err
    assert "no size or digest recorded" in err
    assert ratsdok.load(out).anlagen[0].sha256 is None
    out.unlink()
    assert main(["build", "--anlagen", "require", str(quelle), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{quelle}:{zeile}: anlage[0]: Anlage 1 (jahresabschluss.pdf): file not found" in err
    assert not out.exists()


def test_anlage_that_differs_from_its_recorded_digest(
    quelle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    datei = 'dateiname = "jahresabschluss.pdf"\n'
    falsch = datei + f'sha256 = "{"0" * 64}"\n'
    quelle.write_text(BEISPIEL.replace(datei, falsch), encoding="utf-8")
    assert main(["build", str(quelle), "-o", str(tmp_path / "v.xml")]) == 1
    err = capsys.readouterr().err
    assert "anlage[0]: Anlage 1 (jahresabschluss.pdf): SHA-256 is" in err
    assert (
        main(["build", "--anlagen", "ignore", "-q", str(quelle), "-o", str(tmp_path / "v.xml")])
        == 0
    )


def test_errors_are_one_line_each_without_traceback(
    quelle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = BEISPIEL.replace('gremium = "Kreistag"', 'gremium = ""').replace(
        "überplanmäßigen Ausgabe", "![Plan](plan.png) Ausgabe"
    )
    quelle.write_text(text, encoding="utf-8")
    out = tmp_path / "v.xml"
    assert main(["build", str(quelle), "-o", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith(f"{quelle}:{line_of(text, '![Plan]')}: images are not supported")
    assert "Traceback" not in captured.err
    assert not out.exists()
    quelle.write_text(text.replace("![Plan](plan.png) ", ""), encoding="utf-8")
    assert main(["build", str(quelle), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    zeile = line_of(text, 'gremium = ""')
    assert err == f"{quelle}:{zeile}: beratung[1].gremium: must not be empty\n"


def test_unreadable_inputs_and_outputs(
    quelle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", str(tmp_path / "fehlt.md")]) == 1
    assert "fehlt.md: file not found" in capsys.readouterr().err
    latin = tmp_path / "latin.md"
    latin.write_bytes(BEISPIEL.encode("latin-1", errors="replace"))
    assert main(["build", str(latin)]) == 1
    assert f"{latin}:{line_of(BEISPIEL, 'Göppingen')}: not UTF-8 text" in capsys.readouterr().err
    assert main(["build", str(quelle), "-o", str(quelle)]) == 1
    assert "would overwrite the text file" in capsys.readouterr().err
    assert main(["build", str(quelle), "-o", str(tmp_path / "nicht" / "da.xml")]) == 1
    assert "cannot write here" in capsys.readouterr().err


def test_the_hauptdokument_gets_its_digest_too(quelle: Path, tmp_path: Path) -> None:
    text = BEISPIEL.replace(
        "[[unterzeichnung]]", '[hauptdokument]\ndateiname = "alt.pdf"\n\n[[unterzeichnung]]'
    )
    quelle.write_text(text, encoding="utf-8")
    (tmp_path / "alt.pdf").write_bytes(b"%PDF-1.4 alt")
    out = tmp_path / "v.xml"
    assert main(["build", "-q", str(quelle), "-o", str(out)]) == 0
    h = ratsdok.load(out).hauptdokument
    assert h is not None
    assert (h.medientyp, h.groesse) == ("application/pdf", 12)
    assert h.sha256 == hashlib.sha256(b"%PDF-1.4 alt").hexdigest()


@pytest.mark.parametrize("name", ["CON.pdf", "a.pdf:Zone.Identifier", "RATSDOK.XML"])
def test_a_file_name_that_is_not_portable_is_refused(
    quelle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """Issue #13: a new document never gets a name that breaks on Windows or on a
    case-insensitive disk; the error names the line and the field."""
    text = BEISPIEL.replace('dateiname = "jahresabschluss.pdf"', f'dateiname = "{name}"')
    quelle.write_text(text, encoding="utf-8")
    out = tmp_path / "v.xml"
    assert main(["build", str(quelle), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    zeile = line_of(text, f'dateiname = "{name}"')
    assert err.startswith(
        f"{quelle}:{zeile}: anlage[0].dateiname: file name {name!r} is not portable: "
    )
    assert not out.exists()
