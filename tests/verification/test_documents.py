"""The input dispatcher: detect() tells the kind by the bytes, verify_any() routes it."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest

import ratsdok
from ratsdok import InputKind, InvalidDocumentError, detect, verify, verify_any
from ratsdok.cli import main
from tests.conftest import EXAMPLE_DIR, EXAMPLE_XML, require_tool


@pytest.fixture(scope="module")
def archive_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("abgabe")
    return ratsdok.archive(
        [EXAMPLE_XML],
        out,
        prozess_id=UUID("00000000-0000-4000-8000-000000000042"),
        zeitpunkt=datetime(2026, 1, 1, tzinfo=UTC),
        workers=1,
    )


@pytest.fixture(scope="module")
def bundle_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bundle") / "b.pdf"
    path.write_bytes(ratsdok.bundle(ratsdok.load(EXAMPLE_XML), EXAMPLE_DIR))
    return path


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b'<?xml version="1.0"?><x/>', InputKind.XML),
        (b"\xef\xbb\xbf<x/>", InputKind.XML),
        (b"", InputKind.XML),  # nothing: the XML parser says what is wrong
        (b"%PDF-1.7\n", InputKind.PDF),
        (b"\n  %PDF-2.0", InputKind.PDF),
        (b"PK\x03\x04rest", InputKind.ZIP),
        (b"PK\x05\x06" + bytes(18), InputKind.ZIP),  # an empty ZIP
        (b"PK\x07\x08", InputKind.XML),  # a data descriptor is no start of a ZIP
        (b"<x>%PDF-</x>", InputKind.XML),  # a PDF marker inside XML text is XML
    ],
)
def test_detect_by_signature(head: bytes, kind: InputKind) -> None:
    assert detect(head) is kind


def test_each_kind_is_routed_by_its_bytes_not_its_name(
    tmp_path: Path, archive_zip: Path, bundle_pdf: Path
) -> None:
    # Every input under a misleading name: the report must still be the right kind.
    zip_as_xml = tmp_path / "abgabe.xml"
    shutil.copy(archive_zip, zip_as_xml)
    pdf_as_zip = tmp_path / "bundle.zip"
    shutil.copy(bundle_pdf, pdf_as_zip)
    folder = tmp_path / "ex"
    shutil.copytree(EXAMPLE_DIR, folder)
    xml_as_pdf = folder / "vorlage.pdf"
    xml_as_pdf.write_bytes(ratsdok.seal(EXAMPLE_XML.read_bytes()))

    archive = verify_any(zip_as_xml)
    assert isinstance(archive, ratsdok.ArchiveResult)
    assert [v.nummer for v in archive.vorgaenge] == ["KT 0134/2020"]
    # the renamed ZIP is still checked, and its name is reported
    assert [c.label for c in archive.failures()] == ["abgabe.xml"]

    bundle = verify_any(pdf_as_zip)
    assert isinstance(bundle, ratsdok.VerificationResult)
    (seiten,) = [c for c in bundle.checks if c.kind is ratsdok.Kind.SEITEN]
    assert seiten.status is ratsdok.Status.PROVEN  # its pages were rebuilt and compared
    assert bundle.ok

    xml = verify_any(xml_as_pdf)
    assert isinstance(xml, ratsdok.VerificationResult)
    assert xml.ok and xml.notes == ()


def test_verify_refuses_a_zip_with_a_pointer_to_the_archive_check(archive_zip: Path) -> None:
    with pytest.raises(InvalidDocumentError) as info:
        verify(archive_zip)
    (problem,) = info.value.problems
    assert problem.file == str(archive_zip)
    assert "verify_archive" in problem.message


def test_cli_verify_prints_one_json_schema_for_every_kind(
    archive_zip: Path, bundle_pdf: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "kaputt.xml"
    broken.write_bytes(b"<nicht")
    assert (
        main(["verify", "--json", str(EXAMPLE_XML), str(bundle_pdf), str(archive_zip), str(broken)])
        == 1
    )
    reports = json.loads(capsys.readouterr().out)
    keys = {"source", "title", "ok", "checks", "notes", "facts", "sections"}
    assert [set(r) for r in reports] == [keys] * 4
    assert [r["ok"] for r in reports] == [False, True, True, False]  # the example has no seal
    assert reports[2]["sections"][0]["title"].startswith("Vorgang KT 0134/2020")
    assert set(reports[2]["sections"][0]) == keys
    assert reports[3]["checks"][0]["status"] == "invalid"
    assert "not well-formed" in reports[3]["checks"][0]["reason"]


def test_archive_verify_and_verify_print_the_same(
    archive_zip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "-v", str(archive_zip)]) == 0
    via_verify = capsys.readouterr().out
    assert main(["archive-verify", "-v", str(archive_zip)]) == 0
    assert capsys.readouterr().out == via_verify
    assert main(["archive-verify", "--json", str(archive_zip)]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    # without -v a Vorgang lists only what failed
    assert main(["verify", str(archive_zip)]) == 0
    short = capsys.readouterr().out
    assert "_Vorlage.pdf" in via_verify and "_Vorlage.pdf" not in short


# --- polyglots: a file that is also a PDF is never verified (issue #12) ------------


def _with_pdf_in_a_comment(xml: bytes, pdf: bytes) -> bytes:
    """*xml* with a whole PDF in a comment before the root element, as an attacker
    would hide a forged page in a signed Vorlage (``--`` may not occur in a comment:
    the PDF is one that has none)."""
    assert b"--" not in pdf
    decl_end = xml.index(b"?>") + 2
    return xml[:decl_end] + b"\n<!--\n" + pdf + b"\n-->" + xml[decl_end:]


def _ascii_pdf(text: str) -> bytes:
    """A one-page PDF in ASCII only (it must be valid XML comment text), showing
    *text*, with a correct cross-reference table."""
    content = f"BT /F1 24 Tf 72 700 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def test_a_signed_vorlage_with_a_pdf_in_a_comment_is_refused(tmp_path: Path) -> None:
    from tests.factories import signed_by, write_ca

    signed = signed_by(EXAMPLE_XML.read_bytes())
    honest = tmp_path / "honest" / "vorlage.xml"
    shutil.copytree(EXAMPLE_DIR, honest.parent)
    honest.write_bytes(signed)
    ca = write_ca(tmp_path)
    assert verify(honest, trust=[ca]).ok  # the honest path still verifies

    forged = tmp_path / "honest" / "vorlage.pdf"  # renamed: a viewer opens it as a PDF
    forged.write_bytes(_with_pdf_in_a_comment(signed, _ascii_pdf("Gefaelschte Vorlage")))
    assert ratsdok.load(forged) == ratsdok.load(honest)  # still valid XML, same Vorlage
    shown = subprocess.run(
        [require_tool("pdftotext"), str(forged), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Gefaelschte Vorlage" in shown  # what a PDF viewer shows
    with pytest.raises(ratsdok.UnsafeInputError, match="also holds a PDF"):
        verify(forged, trust=[ca])
    with pytest.raises(ratsdok.UnsafeInputError, match="also holds a PDF"):
        verify_any(forged, trust=[ca])
    assert main(["verify", str(forged), "--trust", str(ca)]) == 1


def test_the_text_pdf_alone_in_a_document_is_no_polyglot() -> None:
    from ratsdok.verification.detect import polyglot

    assert polyglot(b"<v>Dateien im Format %PDF-1.7 werden angenommen</v>", InputKind.XML) is None
    assert polyglot(b"%PDF-1.7 ... startxref", InputKind.PDF) is None
    assert polyglot(b"PK\x03\x04" + b"%PDF-1.7" + b"x" * 10, InputKind.ZIP) is not None
    assert polyglot(b"PK\x03\x04" + b"x" * 2000 + b"%PDF-1.7", InputKind.ZIP) is None


# --- verify covers the pages of a bundle (issue #12) ---------------------------------


def _signed_bundle(tmp_path: Path) -> tuple[Path, Path]:
    from tests.factories import signed_by, write_ca

    folder = tmp_path / "v"
    shutil.copytree(EXAMPLE_DIR, folder)
    xml = folder / "vorlage.xml"
    xml.write_bytes(signed_by(xml.read_bytes()))
    ca = write_ca(tmp_path)
    path = tmp_path / "b.pdf"
    assert main(["bundle", str(xml), "-o", str(path), "--trust", str(ca)]) == 0
    return path, ca


def test_a_bundle_whose_first_page_was_replaced_fails(tmp_path: Path) -> None:
    import pikepdf

    path, ca = _signed_bundle(tmp_path)
    assert verify(path, trust=[ca]).ok  # the honest bundle verifies, pages included
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0]
        page.obj.Contents = pdf.make_stream(b"BT /F1 24 Tf 72 700 Td (Gefaelscht) Tj ET")
        forged = tmp_path / "forged.pdf"
        pdf.save(forged)
    result = verify(forged, trust=[ca])
    assert not result.ok
    seiten = [c for c in result.checks if c.kind is ratsdok.Kind.SEITEN]
    assert [(c.label, c.status) for c in seiten] == [
        ("Seite 1", ratsdok.Status.FAILED),
        (f"Seiten 2–{len(seiten) and _pages(forged)}", ratsdok.Status.PROVEN),
    ]
    assert main(["verify", str(forged), "--trust", str(ca)]) == 1


def test_a_bundle_with_another_signed_vorlage_embedded_fails(tmp_path: Path) -> None:
    import pikepdf

    from tests.factories import signed_by, vorlage

    path, ca = _signed_bundle(tmp_path)
    other = signed_by(ratsdok.to_xml(vorlage(nummer="KT 0999/2020")))
    with pikepdf.open(path) as pdf:
        spec = pdf.attachments["ratsdok.xml"]
        pdf.attachments["ratsdok.xml"] = pikepdf.AttachedFileSpec(
            pdf, other, filename="ratsdok.xml", relationship=spec.relationship
        )
        swapped = tmp_path / "swapped.pdf"
        pdf.save(swapped)
    result = verify(swapped, trust=[ca])
    assert not result.ok
    assert str(result.vorlage.nummer) == "KT 0999/2020"  # the text output names it too
    seiten = [c for c in result.checks if c.kind is ratsdok.Kind.SEITEN]
    assert ratsdok.Status.FAILED in {c.status for c in seiten}


def test_a_file_attached_to_a_page_outside_the_name_tree_is_reported(tmp_path: Path) -> None:
    """Issue #13: a FileAttachment annotation with an .exe on page 1: pdfdetach lists
    it, verify said OK."""
    import pikepdf

    path, ca = _signed_bundle(tmp_path)
    from ratsdok.pdf.extraction import hidden_files

    assert hidden_files(path) == []  # an honest bundle has none
    with pikepdf.open(path) as pdf:
        spec = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00", filename="rechnung.exe")
        annot = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.FileAttachment,
                Rect=[10, 10, 30, 30],
                FS=spec.obj,
            )
        )
        pdf.pages[0].obj.Annots = pikepdf.Array([annot])
        forged = tmp_path / "forged.pdf"
        pdf.save(forged)
    listed = subprocess.run(
        [require_tool("pdfdetach"), "-list", str(forged)], capture_output=True, text=True
    ).stdout
    assert "rechnung.exe" in listed  # what another reader sees
    result = verify(forged, trust=[ca])
    assert not result.ok
    hidden = [c for c in result.checks if "outside the name tree" in c.label]
    assert [c.status for c in hidden] == [ratsdok.Status.UNLISTED]
    assert "rechnung.exe" in hidden[0].label


def _pages(path: Path) -> int:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return len(pdf.pages)
