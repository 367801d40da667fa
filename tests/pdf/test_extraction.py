"""Extraction from a bundle: round trip, byte-exact files, safety, mismatches."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pikepdf
import pytest

import ratsdok
from ratsdok.cli import main
from ratsdok.model._base import GELESEN
from ratsdok.model.vorlage import Vorlage
from ratsdok.pdf.bundling import XML_NAME, bundle
from ratsdok.pdf.extraction import embedded_files, extract, from_pdf
from ratsdok.pdf.render import render_pdf
from tests.conftest import EXAMPLE_DIR, EXAMPLE_XML, require_tool
from tests.factories import vorlage, with_anlagen


@pytest.fixture
def bundle_path(tmp_path: Path) -> Path:
    path = tmp_path / "bundle.pdf"
    path.write_bytes(bundle(ratsdok.load(EXAMPLE_XML), EXAMPLE_DIR))
    return path


def _modified(path: Path, tmp_path: Path, change: dict[str, bytes]) -> Path:
    """A copy of the bundle with embedded files replaced or added."""
    out = tmp_path / "modified.pdf"
    with pikepdf.open(path) as pdf:
        for name, data in change.items():
            pdf.attachments[name] = pikepdf.AttachedFileSpec(
                pdf, data, filename=name, mime_type="application/octet-stream"
            )
        pdf.save(out)
    return out


def test_round_trip_example(bundle_path: Path) -> None:
    v = ratsdok.load(EXAMPLE_XML)
    assert from_pdf(bundle_path) == v
    assert from_pdf(bundle_path.read_bytes()) == v


def test_round_trip_inline_anlagen() -> None:
    v = with_anlagen()
    assert from_pdf(bundle(v)) == v


def test_extract_byte_identical(bundle_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = extract(bundle_path, out)
    assert result.ok, result.problems
    assert sorted(p.name for p in out.iterdir()) == ["integrationskonzept.pdf", XML_NAME]
    original = (EXAMPLE_DIR / "integrationskonzept.pdf").read_bytes()
    assert (out / "integrationskonzept.pdf").read_bytes() == original
    # The embedded XML is the sealed form of what the bundle was built from.
    assert (out / XML_NAME).read_bytes() == ratsdok.seal(ratsdok.to_xml(ratsdok.load(EXAMPLE_XML)))
    # the extracted folder is a valid ratsdok input again, Anlage checked
    assert ratsdok.load(out / XML_NAME, anlagen="require") == result.vorlage


def test_pdfdetach_agrees(bundle_path: Path, tmp_path: Path) -> None:
    tool = require_tool("pdfdetach")
    out = tmp_path / "detached"
    out.mkdir()
    subprocess.run([tool, "-saveall", "-o", str(out), str(bundle_path)], check=True)
    original = (EXAMPLE_DIR / "integrationskonzept.pdf").read_bytes()
    assert (out / "integrationskonzept.pdf").read_bytes() == original


def test_no_overwrite_without_force(bundle_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "integrationskonzept.pdf").write_bytes(b"mine")
    with pytest.raises(ratsdok.OutputError, match="exists"):
        extract(bundle_path, out)
    assert (out / "integrationskonzept.pdf").read_bytes() == b"mine"
    assert not (out / XML_NAME).exists()  # nothing written at all
    assert extract(bundle_path, out, force=True).ok
    assert (out / "integrationskonzept.pdf").read_bytes() != b"mine"


def test_mismatch_is_reported(bundle_path: Path, tmp_path: Path) -> None:
    bad = _modified(bundle_path, tmp_path, {"integrationskonzept.pdf": b"%PDF-1.7 other"})
    out = tmp_path / "out"
    result = extract(bad, out)
    assert not result.ok
    [problem] = result.problems
    assert problem.file == "integrationskonzept.pdf"
    assert "SHA-256" in problem.message and "size" in problem.message
    assert main(["extract", str(bad), "-d", str(tmp_path / "out2"), "-q"]) == 1


def test_names_from_the_pdf_never_escape(bundle_path: Path, tmp_path: Path) -> None:
    evil = _modified(
        bundle_path, tmp_path, {"../evil.txt": b"x", "/tmp/abs-evil.txt": b"y", "extra": b"z"}
    )
    out = tmp_path / "deep" / "out"
    result = extract(evil, out)
    assert not (tmp_path / "deep" / "evil.txt").exists()
    assert not Path("/tmp/abs-evil.txt").exists()
    assert sorted(p.name for p in out.iterdir()) == ["integrationskonzept.pdf", XML_NAME]
    assert sorted(p.file or "" for p in result.problems) == [
        "../evil.txt",
        "/tmp/abs-evil.txt",
        "extra",
    ]


def test_missing_anlage_is_reported(bundle_path: Path, tmp_path: Path) -> None:
    stripped = tmp_path / "stripped.pdf"
    with pikepdf.open(bundle_path) as pdf:
        del pdf.attachments["integrationskonzept.pdf"]
        pdf.save(stripped)
    result = extract(stripped, tmp_path / "out")
    assert [p.file for p in result.problems] == ["integrationskonzept.pdf"]
    assert "not embedded" in result.problems[0].message


def test_not_a_bundle(tmp_path: Path) -> None:
    with pytest.raises(ratsdok.InvalidDocumentError, match=r"no embedded ratsdok\.xml"):
        from_pdf(render_pdf(vorlage()))
    with pytest.raises(ratsdok.InvalidDocumentError, match="not a readable PDF"):
        from_pdf(b"hello")
    with pytest.raises(ratsdok.RatsdokError, match=r"nope\.pdf"):
        from_pdf(tmp_path / "nope.pdf")


def test_tampered_xml_is_refused(bundle_path: Path, tmp_path: Path) -> None:
    xml = embedded_files(bundle_path)[XML_NAME]
    bad = _modified(bundle_path, tmp_path, {XML_NAME: xml.replace(b"<ratsdok:betreff>", b"<x>")})
    with pytest.raises(ratsdok.InvalidDocumentError):
        from_pdf(bad)


def test_cli_extract(bundle_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["extract", str(bundle_path), "-d", str(out)]) == 0
    assert "integrationskonzept.pdf" in capsys.readouterr().out
    assert main(["extract", str(bundle_path), "-d", str(out)]) == 1
    assert "exists" in capsys.readouterr().err
    assert main(["extract", str(bundle_path), "-d", str(out), "--force"]) == 0


def test_embedded_files_reads_everything() -> None:
    v = with_anlagen()
    found = embedded_files(io.BytesIO(bundle(v)).getvalue())
    assert set(found) == {a.dateiname for a in v.anlagen} | {XML_NAME}


# --- file names that are not portable are never created (issue #13) -----------------


def _alte_vorlage(*names: str) -> Vorlage:
    """A Vorlage read from an existing document (format 1.0.0 allowed these names),
    with one inline CSV Anlage per name."""
    data = vorlage().model_dump()
    data["anlagen"] = [
        {
            "nummer": i,
            "titel": f"Liste {i}",
            "dateiname": n,
            "medientyp": "text/csv",
            "oeffentlich": True,
            "inhalt": f"{i};{n}\n".encode(),
        }
        for i, n in enumerate(names, 1)
    ]
    return Vorlage.model_validate(data, context=GELESEN)


def test_extract_writes_portable_names_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v = _alte_vorlage("CON.pdf", "a.pdf:Zone.Identifier", "x<y>|?.pdf", "_CON.pdf")
    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(bundle(v))
    out = tmp_path / "out"
    result = extract(pdf, out)
    assert result.ok, result.problems
    written = {p.name: p.read_bytes() for p in out.iterdir()}
    # "_CON.pdf" is a portable name of its own: the renamed CON.pdf steps aside
    assert set(written) == {
        XML_NAME,
        "_CON.pdf",
        "_CON-2.pdf",
        "a.pdf_Zone.Identifier",
        "x_y___.pdf",
    }
    assert written["_CON-2.pdf"] == b"1;CON.pdf\n"
    assert written["_CON.pdf"] == b"4;_CON.pdf\n"
    assert written["a.pdf_Zone.Identifier"] == b"2;a.pdf:Zone.Identifier\n"
    assert result.notes == (
        "'CON.pdf' is not portable (Windows reserves the name for a device): "
        "written as '_CON-2.pdf'",
        "'a.pdf:Zone.Identifier' is not portable (Windows does not allow ':' in a file name "
        "(on NTFS it names a hidden stream)): written as 'a.pdf_Zone.Identifier'",
        "'x<y>|?.pdf' is not portable (Windows does not allow '<' in a file name): "
        "written as 'x_y___.pdf'",
    )
    # the CLI says it too, and lists what it wrote
    assert main(["extract", str(pdf), "-d", str(tmp_path / "cli")]) == 0
    captured = capsys.readouterr()
    assert "Hinweis: 'CON.pdf' is not portable" in captured.err
    assert str(tmp_path / "cli" / "_CON-2.pdf") in captured.out.splitlines()


def test_extract_never_writes_a_second_ratsdok_xml(tmp_path: Path) -> None:
    """An Anlage named RATSDOK.XML would replace the XML on a case-insensitive disk."""
    src = tmp_path / "b.pdf"
    src.write_bytes(bundle(_alte_vorlage("Liste.csv")))
    with pikepdf.open(src, allow_overwriting_input=True) as pdf:
        xml = pdf.attachments[XML_NAME].get_file().read_bytes()
        data = pdf.attachments["Liste.csv"].get_file().read_bytes()
        del pdf.attachments["Liste.csv"]
        pdf.attachments["RATSDOK.XML"] = pikepdf.AttachedFileSpec(pdf, data)
        forged = xml.replace(b">Liste.csv<", b">RATSDOK.XML<")
        assert forged != xml
        pdf.attachments[XML_NAME] = pikepdf.AttachedFileSpec(pdf, forged)
        pdf.save(src)
    out = tmp_path / "out"
    result = extract(src, out)
    assert [p.name for p in out.iterdir() if p.name.casefold() == XML_NAME] == [XML_NAME]
    assert (out / XML_NAME).read_bytes() == forged
    assert (out / "_RATSDOK.XML").read_bytes() == data
    assert result.notes == (
        "'RATSDOK.XML' is not portable (ratsdok writes the ratsdok XML as 'ratsdok.xml' "
        "(a case-insensitive disk mixes them)): written as '_RATSDOK.XML'",
    )
