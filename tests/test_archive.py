"""xdomea 3.0.0 archival export (0503 ZIP) and its verification."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pikepdf
import pytest
from lxml import etree

from ratsdok.cli import main
from ratsdok.models import Vorlage
from ratsdok.xdomea import (
    XDOMEA_NS,
    archive,
    combined_schema_text,
    dateiformat_code,
    verify_archive,
)

from .conftest import EXAMPLE_XML, require_corpus
from .pdfhelpers import vorlage, with_anlagen

PID = UUID("9fde4e7a-b41b-11ec-9225-005056871b7c")
WHEN = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
X = f"{{{XDOMEA_NS}}}"


def _xdomea_xsd() -> Path:
    return require_corpus("xoev/schemas/xdomea_3.0.0/xdomea.xsd")


@pytest.fixture(scope="module")
def xdomea_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(_xdomea_xsd())))


@pytest.fixture(scope="module")
def combined_schema(tmp_path_factory: pytest.TempPathFactory) -> etree.XMLSchema:
    driver = tmp_path_factory.mktemp("xsd") / "kombiniert.xsd"
    driver.write_text(combined_schema_text(_xdomea_xsd()), encoding="utf-8")
    return etree.XMLSchema(etree.parse(str(driver)))


def _make(tmp_path: Path, *vs: Vorlage, name: str = "out") -> Path:
    out = tmp_path / name
    out.mkdir()
    return archive([(v, None) for v in vs], out, prozess_id=PID, zeitpunkt=WHEN, workers=1)


def _message(zip_path: Path) -> bytes:
    with zipfile.ZipFile(zip_path) as zf:
        return zf.read(f"{PID}_Aussonderung.Aussonderung.0503.xml")


def _rewrite(
    src: Path, dst: Path, change: Callable[[str, bytes], tuple[str, bytes] | None]
) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            res = change(info.filename, zin.read(info))
            if res is not None:
                zout.writestr(res[0], res[1])


def test_layout_and_names(tmp_path: Path) -> None:
    path = _make(tmp_path, with_anlagen())
    assert path.name == f"{PID}_Aussonderung.Aussonderung.0503.zip"
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    assert f"{PID}_Aussonderung.Aussonderung.0503.xml" in names
    assert "manifest.sha256" in names
    assert all("/" not in n for n in names)
    assert sum(n.endswith("_Vorlage.pdf") for n in names) == 1
    assert sum("_Anlage" in n for n in names) == 4


def test_example_file_archive_validates(
    tmp_path: Path, xdomea_schema: etree.XMLSchema, combined_schema: etree.XMLSchema
) -> None:
    path = archive([EXAMPLE_XML], tmp_path, prozess_id=PID, zeitpunkt=WHEN)
    doc = etree.fromstring(_message(path))
    assert xdomea_schema.validate(doc), xdomea_schema.error_log
    assert combined_schema.validate(doc), combined_schema.error_log
    assert verify_archive(path).ok


def test_message_content(tmp_path: Path, xdomea_schema: etree.XMLSchema) -> None:
    v = with_anlagen()
    xml = _message(_make(tmp_path, v))
    assert b"<xdomea:Importbestaetigung>1</xdomea:Importbestaetigung>" in xml
    doc = etree.fromstring(xml)
    assert xdomea_schema.validate(doc), xdomea_schema.error_log
    vg = doc.find(f"{X}Schriftgutobjekt/{X}Vorgang")
    assert vg is not None
    assert vg.findtext(f"{X}Identifikation/{X}ID") == str(v.uuid)
    assert vg.findtext(f"{X}AllgemeineMetadaten/{X}Betreff") == f"KT 0200/2021 {v.betreff}"
    assert vg.findtext(f"{X}AllgemeineMetadaten/{X}Kennzeichen") == "KT 0200/2021"
    assert vg.findtext(f"{X}Typ") == "Beschlussvorlage"
    assert vg.findtext(f"{X}Laufzeit/{X}Beginn") == "2021-03-20"
    assert vg.findtext(f"{X}Laufzeit/{X}Ende") == "2021-03-30"
    fmt = vg.find(f"{X}Dokument/{X}Version/{X}Format")
    assert fmt is not None
    assert fmt.findtext(f"{X}Name/code") == "044"
    assert fmt.findtext(f"{X}Version") == "PDF/A-2b"
    codes = [
        c.text for c in vg.iterfind(f"{X}Dokument/{X}Anlage/{X}Version/{X}Format/{X}Name/code")
    ]
    assert codes == ["018", "002", "018", "002"]
    block = vg.find(f"{X}AnwendungsspezifischeErweiterungXML")
    assert block is not None and len(block) == 1
    assert etree.QName(block[0]).namespace == "urn:ratsdok:schema:1"


def test_dateiformat_codes() -> None:
    assert dateiformat_code("application/pdf") == "018"
    assert dateiformat_code("text/plain; charset=utf-8") == "045"
    assert dateiformat_code("image/jpeg", "foto.jpg") == "011"
    assert dateiformat_code("application/x-unbekannt") == "100"


def test_vorlage_pdf_is_pdfa2b_without_attachments(tmp_path: Path) -> None:
    path = _make(tmp_path, with_anlagen())
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.endswith("_Vorlage.pdf"))
        data = zf.read(name)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
        assert "/OutputIntents" in pdf.Root
        assert len(pdf.attachments) == 0


def test_reproducible(tmp_path: Path) -> None:
    vs = (with_anlagen(), vorlage(nummer="KT 0201/2021"))
    a = _make(tmp_path, *vs, name="a")
    b = _make(tmp_path, *vs, name="b")
    assert a.read_bytes() == b.read_bytes()


def test_ids_stable_across_process_ids(tmp_path: Path) -> None:
    v = with_anlagen()
    out1, out2 = tmp_path / "1", tmp_path / "2"
    out1.mkdir()
    out2.mkdir()
    a = archive([(v, None)], out1, workers=1)
    b = archive([(v, None)], out2, workers=1)
    assert a.name != b.name
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        files_a = sorted(n for n in za.namelist() if not n.endswith(".xml"))
        files_b = sorted(n for n in zb.namelist() if not n.endswith(".xml"))
    assert files_a == files_b


def test_two_workers_same_bytes(tmp_path: Path) -> None:
    vs = [vorlage(nummer=f"KT {i:04d}/2021") for i in range(1, 5)]
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    a = archive([(v, None) for v in vs], one, prozess_id=PID, zeitpunkt=WHEN, workers=1)
    b = archive([(v, None) for v in vs], two, prozess_id=PID, zeitpunkt=WHEN, workers=2)
    assert a.read_bytes() == b.read_bytes()


def test_manifest_lists_every_file(tmp_path: Path) -> None:
    path = _make(tmp_path, with_anlagen())
    with zipfile.ZipFile(path) as zf:
        lines = zf.read("manifest.sha256").decode().splitlines()
        listed = {line[66:]: line[:64] for line in lines}
        assert set(listed) == set(zf.namelist()) - {"manifest.sha256"}
        for name, digest in listed.items():
            assert hashlib.sha256(zf.read(name)).hexdigest() == digest


def test_broken_embedded_block_fails_combined_schema(
    tmp_path: Path, xdomea_schema: etree.XMLSchema, combined_schema: etree.XMLSchema
) -> None:
    doc = etree.fromstring(_message(_make(tmp_path, with_anlagen())))
    betreff = next(doc.iter("{urn:ratsdok:schema:1}betreff"))
    betreff.addnext(etree.Element("{urn:ratsdok:schema:1}unbekannt"))
    assert xdomea_schema.validate(doc)  # lax: xdomea alone does not look inside
    assert not combined_schema.validate(doc)


def test_verify_detects_changed_anlage(tmp_path: Path) -> None:
    path = _make(tmp_path, with_anlagen())
    bad = tmp_path / path.name
    _rewrite(
        path,
        bad,
        lambda n, d: (n, d + b"x") if n.endswith("_Anlage2.csv") else (n, d),
    )
    result = verify_archive(bad)
    assert not result.ok
    teile = [t for t in result.vorgaenge[0].teile if not t.ok]
    assert [t.name.endswith("_Anlage2.csv") for t in teile] == [True]
    assert "manifest" in teile[0].reason


def _replace_anlage2(path: Path, bad: Path, fake: bytes) -> None:
    """Swap Anlage 2's bytes and fix the manifest, so only the ratsdok digests can tell."""

    def change(n: str, d: bytes) -> tuple[str, bytes]:
        if n.endswith("_Anlage2.csv"):
            return n, fake
        if n == "manifest.sha256":
            lines = [
                (hashlib.sha256(fake).hexdigest() + line[64:])
                if line.endswith("_Anlage2.csv")
                else line
                for line in d.decode().splitlines()
            ]
            return n, ("\n".join(lines) + "\n").encode()
        return n, d

    _rewrite(path, bad, change)


@pytest.mark.parametrize(
    ("fake", "reason"),
    [
        ("Posten;Betrag\nBrücke;2.000 €\n".encode(), "SHA-256 differs from the ratsdok digest"),
        (b"Posten;Betrag\n", "size 14 differs from ratsdok groesse 32"),
    ],
)
def test_verify_detects_ratsdok_digest_mismatch(tmp_path: Path, fake: bytes, reason: str) -> None:
    path = _make(tmp_path, with_anlagen())
    bad = tmp_path / path.name
    _replace_anlage2(path, bad, fake)
    result = verify_archive(bad)
    assert not result.ok
    assert [t.reason for t in result.vorgaenge[0].teile if not t.ok] == [reason]


def test_verify_reports_per_vorlage(tmp_path: Path) -> None:
    path = _make(tmp_path, with_anlagen(), vorlage(nummer="KT 0300/2021"))
    result = verify_archive(path)
    assert result.ok
    assert [v.nummer for v in result.vorgaenge] == ["KT 0200/2021", "KT 0300/2021"]


@pytest.mark.parametrize("evil", ["../x.pdf", "/etc/x", "a\\b.pdf", "sub/x.pdf"])
def test_verify_refuses_unsafe_names(tmp_path: Path, evil: str) -> None:
    path = _make(tmp_path, with_anlagen())
    bad = tmp_path / path.name
    added: list[bool] = []

    def change(n: str, d: bytes) -> tuple[str, bytes]:
        if not added:
            added.append(True)
            return evil, d
        return n, d

    _rewrite(path, bad, change)
    result = verify_archive(bad)
    assert not result.ok
    assert "unsafe" in result.allgemein[0].reason


def test_verify_refuses_zip_bomb(tmp_path: Path) -> None:
    path = _make(tmp_path, with_anlagen())
    bad = tmp_path / path.name
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        zout.writestr("bombe.bin", b"\0" * (64 << 20))
    result = verify_archive(bad)
    assert not result.ok
    assert "zip bomb" in result.allgemein[0].reason


def test_cli_archive_and_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["archive", str(EXAMPLE_XML), "-o", str(tmp_path)]
    args += ["--prozess-id", str(PID), "--zeitpunkt", "2026-11-25T10:00:00Z"]
    assert main(args) == 0
    zip_path = Path(capsys.readouterr().out.strip())
    assert zip_path.is_file()
    assert main(["archive-verify", str(zip_path)]) == 0
    assert "archive ok" in capsys.readouterr().out
    zip_path.write_bytes(zip_path.read_bytes()[:-100])
    assert main(["archive-verify", str(zip_path)]) == 1


def test_ratsdok_verify_routes_a_zip_to_the_archive_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ratsdok.xdomea import archive

    out = tmp_path / "abgabe"
    out.mkdir()
    zip_path = archive(
        [EXAMPLE_XML],
        out,
        prozess_id=UUID("00000000-0000-4000-8000-000000000007"),
        zeitpunkt=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert main(["verify", str(zip_path)]) == 0
    assert "archive ok" in capsys.readouterr().out

    # Change one byte of the Anlage inside the ZIP: verify must say so and fail.
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(zip_path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if "_Anlage1" in info.filename:
                data = bytes([data[0] ^ 1]) + data[1:]
            dst.writestr(info, data)
    assert main(["verify", str(tampered)]) == 1
    assert "archive NOT ok" in capsys.readouterr().out
