"""The input dispatcher: detect() tells the kind by the bytes, verify_any() routes it."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest

import ratsdok
from ratsdok import InputKind, InvalidDocumentError, detect, verify, verify_any
from ratsdok.cli import main
from tests.conftest import EXAMPLE_DIR, EXAMPLE_XML


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
    assert bundle.notes and "pages of the bundle are not verified" in bundle.notes[0]
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
