"""xdomea 3.0.0 archival export (0503 ZIP) and its verification."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

import ratsdok
from ratsdok import Kind, Status, TeilArt, verify
from ratsdok.cli import main
from ratsdok.errors import RatsdokError
from ratsdok.interop.xdomea import (
    archive,
    combined_schema_text,
    dateiformat_code,
    render_pdfa,
    verify_archive,
)
from ratsdok.model.vorlage import Vorlage
from ratsdok.pdf.bundling import bundle
from ratsdok.pdf.render import render_pdf, stichtag
from ratsdok.pdf.validation import cross_check, structure_problems, validate
from tests.conftest import EXAMPLE_DIR, EXAMPLE_XML, mutate_bytes, require_tool
from tests.factories import (
    PID,
    WHEN,
    Pipe,
    X,
    archive_message,
    example_digests,
    local_offsets,
    make_archive,
    pdf_dates,
    pdftotext,
    pki,
    rewrite_zip,
    signed_by,
    splice_zip,
    stored_local_record,
    streamed_entries,
    vorlage,
    with_anlagen,
    write_ca,
    xdomea_xsd,
    zip_end,
)


@pytest.fixture(scope="module")
def xdomea_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(xdomea_xsd())))


@pytest.fixture(scope="module")
def combined_schema(tmp_path_factory: pytest.TempPathFactory) -> etree.XMLSchema:
    driver = tmp_path_factory.mktemp("xsd") / "kombiniert.xsd"
    driver.write_text(combined_schema_text(xdomea_xsd()), encoding="utf-8")
    return etree.XMLSchema(etree.parse(str(driver)))


def test_layout_and_names(tmp_path: Path) -> None:
    path = make_archive(tmp_path, with_anlagen())
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
    doc = etree.fromstring(archive_message(path))
    assert xdomea_schema.validate(doc), xdomea_schema.error_log
    assert combined_schema.validate(doc), combined_schema.error_log
    assert verify_archive(path).ok


def test_message_content(tmp_path: Path, xdomea_schema: etree.XMLSchema) -> None:
    v = with_anlagen()
    xml = archive_message(make_archive(tmp_path, v))
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
    assert fmt.findtext(f"{X}Version") == "PDF/A-2a"
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


def test_vorlage_pdf_is_pdfa2a_without_attachments(tmp_path: Path) -> None:
    path = make_archive(tmp_path, with_anlagen())
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.endswith("_Vorlage.pdf"))
        data = zf.read(name)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.open_metadata().pdfa_status == "2A"
        assert "/OutputIntents" in pdf.Root
        assert len(pdf.attachments) == 0


def _archived_pdf(tmp_path: Path, source: Path | Vorlage) -> bytes:
    """The ``*_Vorlage.pdf`` of an archive of *source* (a Vorlage's Anlagen: the example's)."""
    out = tmp_path / "out"
    out.mkdir()
    item = source if isinstance(source, Path) else (source, EXAMPLE_DIR)
    path = archive([item], out, prozess_id=PID, zeitpunkt=WHEN, workers=1)
    with zipfile.ZipFile(path) as zf:
        return zf.read(next(n for n in zf.namelist() if n.endswith("_Vorlage.pdf")))


def test_example_vorlage_pdf_is_pdfa_2a_and_pdfua_1(tmp_path: Path) -> None:
    # the reviewer's case: `ratsdok archive examples/kt-0134-2020/vorlage.xml`
    data = _archived_pdf(tmp_path, EXAMPLE_XML)
    assert all(p.ok for p in cross_check(data, ["2a", "ua1"])), cross_check(data, ["2a", "ua1"])
    assert structure_problems(data) == []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.open_metadata().pdfa_status == "2A"
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
    path = tmp_path / "v.pdf"
    path.write_bytes(data)
    check = subprocess.run(
        [require_tool("qpdf"), "--check", str(path)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    info = subprocess.run(
        [require_tool("pdfinfo"), str(path)], check=True, capture_output=True, text=True
    ).stdout
    assert "CreationDate:    Tue May 26 00:00:00 2020 UTC" in info
    assert re.search(r"Tagged:\s+yes", info)


@pytest.mark.parametrize(
    "changes",
    [None, {}, {"datum": None, "beratungsfolge": [], "koerperschaft": None, "art": None}],
    ids=["example", "datum", "no-datum"],
)
def test_vorlage_pdf_dates_are_the_stichtag(
    tmp_path: Path, changes: dict[str, object] | None
) -> None:
    # the example has no <datum>: its last Sitzungstermin
    v = ratsdok.load(EXAMPLE_XML) if changes is None else vorlage(**changes)
    data = _archived_pdf(tmp_path, v)
    assert validate(data, "2a").ok
    dates = pdf_dates(data)
    assert set(dates) == {"/CreationDate", "/ModDate", "xmp:CreateDate", "xmp:ModifyDate"}
    assert set(dates.values()) == {stichtag(v)}


def test_vorlage_pdf_of_an_undated_0041_2021_is_dated_2021(tmp_path: Path) -> None:
    # issue #10: "0041/2021" is Nr. 41 of 2021; it used to give PDFs dated 0041-01-01
    v = vorlage(nummer="0041/2021", datum=None, beratungsfolge=[])
    data = _archived_pdf(tmp_path, v)
    assert validate(data, "2a").ok
    assert set(pdf_dates(data).values()) == {date(2021, 1, 1)}
    assert set(pdf_dates(bundle(v, EXAMPLE_DIR)).values()) == {date(2021, 1, 1)}


def test_render_bundle_and_archive_state_the_same_date(tmp_path: Path) -> None:
    v = ratsdok.load(EXAMPLE_XML)
    outputs = (render_pdf(v), bundle(v, EXAMPLE_DIR), _archived_pdf(tmp_path, v))
    assert {d for data in outputs for d in pdf_dates(data).values()} == {date(2020, 5, 26)}


def test_vorlage_pdf_deterministic_across_processes() -> None:
    digests = example_digests(
        "from ratsdok.interop.xdomea.export import render_pdfa", "render_pdfa(v)"
    )
    assert digests == {hashlib.sha256(render_pdfa(ratsdok.load(EXAMPLE_XML))).hexdigest()}


def test_nonconforming_vorlage_pdf_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # rendered without the PDF/A and PDF/UA profiles: the check must refuse it
    monkeypatch.setattr("ratsdok.interop.xdomea.export.ARCHIV", ())
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(RatsdokError, match=r"archive PDF of KT 0200/2021 is not valid PDF/A-2a"):
        archive([(vorlage(), None)], out, prozess_id=PID, zeitpunkt=WHEN, workers=1)
    assert list(out.iterdir()) == []


def test_reproducible(tmp_path: Path) -> None:
    vs = (with_anlagen(), vorlage(nummer="KT 0201/2021"))
    a = make_archive(tmp_path, *vs, name="a")
    b = make_archive(tmp_path, *vs, name="b")
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
    path = make_archive(tmp_path, with_anlagen())
    with zipfile.ZipFile(path) as zf:
        lines = zf.read("manifest.sha256").decode().splitlines()
        listed = {line[66:]: line[:64] for line in lines}
        assert set(listed) == set(zf.namelist()) - {"manifest.sha256"}
        for name, digest in listed.items():
            assert hashlib.sha256(zf.read(name)).hexdigest() == digest


def test_broken_embedded_block_fails_combined_schema(
    tmp_path: Path, xdomea_schema: etree.XMLSchema, combined_schema: etree.XMLSchema
) -> None:
    doc = etree.fromstring(archive_message(make_archive(tmp_path, with_anlagen())))
    betreff = next(doc.iter("{urn:ratsdok:schema:1}betreff"))
    betreff.addnext(etree.Element("{urn:ratsdok:schema:1}unbekannt"))
    assert xdomea_schema.validate(doc)  # lax: xdomea alone does not look inside
    assert not combined_schema.validate(doc)


def test_verify_detects_changed_anlage(tmp_path: Path) -> None:
    path = make_archive(tmp_path, with_anlagen())
    bad = tmp_path / path.name
    rewrite_zip(
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

    rewrite_zip(path, bad, change)


@pytest.mark.parametrize(
    ("fake", "reason"),
    [
        ("Posten;Betrag\nBrücke;2.000 €\n".encode(), "SHA-256 differs from the ratsdok digest"),
        (b"Posten;Betrag\n", "size 14 differs from ratsdok groesse 32"),
    ],
)
def test_verify_detects_ratsdok_digest_mismatch(tmp_path: Path, fake: bytes, reason: str) -> None:
    path = make_archive(tmp_path, with_anlagen())
    bad = tmp_path / path.name
    _replace_anlage2(path, bad, fake)
    result = verify_archive(bad)
    assert not result.ok
    assert [t.reason for t in result.vorgaenge[0].teile if not t.ok] == [reason]


def test_verify_reports_per_vorlage(tmp_path: Path) -> None:
    path = make_archive(tmp_path, with_anlagen(), vorlage(nummer="KT 0300/2021"))
    result = verify_archive(path)
    assert result.ok
    assert [v.nummer for v in result.vorgaenge] == ["KT 0200/2021", "KT 0300/2021"]


@pytest.mark.parametrize("evil", ["../x.pdf", "/etc/x", "a\\b.pdf", "sub/x.pdf"])
def test_verify_refuses_unsafe_names(tmp_path: Path, evil: str) -> None:
    path = make_archive(tmp_path, with_anlagen())
    bad = tmp_path / path.name
    added: list[bool] = []

    def change(n: str, d: bytes) -> tuple[str, bytes]:
        if not added:
            added.append(True)
            return evil, d
        return n, d

    rewrite_zip(path, bad, change)
    result = verify_archive(bad)
    assert not result.ok
    assert "unsafe" in result.allgemein[0].reason


def test_verify_refuses_zip_bomb(tmp_path: Path) -> None:
    path = make_archive(tmp_path, with_anlagen())
    bad = tmp_path / path.name
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        zout.writestr("bombe.bin", b"\0" * (64 << 20))
    result = verify_archive(bad)
    assert not result.ok  # the extra entry is not in the manifest
    assert {c.label for c in result.failures()} == {"bombe.bin"}  # not in manifest nor message
    # absolute limits (issue #13), checked before anything is read
    capped = verify_archive(bad, max_total=32 << 20)
    assert not capped.ok
    assert "zip bomb" in capped.allgemein[0].reason
    entry = verify_archive(bad, max_entry=16 << 20)
    assert "declared size above" in entry.allgemein[0].reason


def test_cli_archive_and_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["archive", str(EXAMPLE_XML), "-o", str(tmp_path)]
    args += ["--prozess-id", str(PID), "--zeitpunkt", "2026-11-25T10:00:00Z"]
    assert main(args) == 0
    zip_path = Path(capsys.readouterr().out.strip())
    assert zip_path.is_file()
    assert main(["archive-verify", str(zip_path)]) == 0
    assert capsys.readouterr().out.endswith(f"{zip_path}: OK\n")
    zip_path.write_bytes(zip_path.read_bytes()[:-100])
    assert main(["archive-verify", str(zip_path)]) == 1


def test_ratsdok_verify_routes_a_zip_to_the_archive_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ratsdok.interop.xdomea import archive

    out = tmp_path / "abgabe"
    out.mkdir()
    zip_path = archive(
        [EXAMPLE_XML],
        out,
        prozess_id=UUID("00000000-0000-4000-8000-000000000007"),
        zeitpunkt=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert main(["verify", str(zip_path)]) == 0
    assert capsys.readouterr().out.endswith(f"{zip_path}: OK\n")

    # Change one byte of the Anlage inside the ZIP: verify must say so and fail.
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(zip_path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if "_Anlage1" in info.filename:
                data = bytes([data[0] ^ 1]) + data[1:]
            dst.writestr(info, data)
    assert main(["verify", str(tampered)]) == 1
    assert capsys.readouterr().out.endswith(f"{tampered}: NOT OK\n")


# --------------------------------------------------------------------------- adversarial
#
# Invariant: verify_archive never raises for a hostile ZIP (its verdict is a result),
# writes nothing, and is ok only when every member has the original name and bytes.
# Changes to ZIP metadata that leave names and bytes alone (a time stamp, say) may
# keep ok; a changed, renamed, added or missing member, a changed manifest and a
# truncated ZIP never do.


@pytest.fixture(scope="module")
def good_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_archive(tmp_path_factory.mktemp("good"), with_anlagen())


def _members(data: bytes) -> dict[str, str] | None:
    """name → SHA-256 of every member, or None if zipfile cannot read them all."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return {i.filename: hashlib.sha256(zf.read(i)).hexdigest() for i in zf.infolist()}
    except Exception:
        return None


def _check_bytes(folder: Path, name: str, data: bytes) -> bool:
    """verify_archive on *data* saved as folder/name; asserts that nothing was written."""
    target = folder / name
    target.write_bytes(data)
    before = sorted(folder.parent.rglob("*"))
    ok = verify_archive(target).ok
    assert sorted(folder.parent.rglob("*")) == before
    return ok


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_random_byte_mutations_of_the_zip(
    good_zip: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Flip, insert or delete one byte anywhere, or cut the ZIP short."""
    original = good_zip.read_bytes()
    zbytes = mutate_bytes(data, original)
    folder = tmp_path_factory.mktemp("z") / "in"
    folder.mkdir()
    if _check_bytes(folder, good_zip.name, zbytes):
        assert len(zbytes) >= len(original) - 1  # a cut-short ZIP is never ok
        assert _members(zbytes) == _members(original)


def _rewritten(
    src: Path, folder: Path, change: Callable[[str, bytes], tuple[str, bytes] | None]
) -> Path:
    folder.mkdir()
    dst = folder / src.name
    rewrite_zip(src, dst, change)
    return dst


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_changed_member_bytes_are_never_ok(
    good_zip: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """One member (the manifest and the message included) with one bit flipped."""
    with zipfile.ZipFile(good_zip) as zf:
        names = zf.namelist()
    target = data.draw(st.sampled_from(names), label="member")
    pos = data.draw(st.integers(min_value=0), label="pos")
    bit = data.draw(st.integers(0, 7), label="bit")

    def change(n: str, d: bytes) -> tuple[str, bytes]:
        if n != target or not d:
            return n, d
        b = bytearray(d)
        b[pos % len(b)] ^= 1 << bit
        return n, bytes(b)

    bad = _rewritten(good_zip, tmp_path_factory.mktemp("m") / "in", change)
    assert not verify_archive(bad).ok


_SAFE_NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_.-", min_size=1, max_size=40)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_renamed_member_is_never_ok(
    good_zip: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Rename one member to any other name (also ../x, a/b, an absolute path)."""
    with zipfile.ZipFile(good_zip) as zf:
        names = zf.namelist()
    target = data.draw(st.sampled_from(names), label="member")
    new = data.draw(
        st.one_of(
            _SAFE_NAME, _SAFE_NAME.map(lambda s: "../" + s), _SAFE_NAME.map(lambda s: "/" + s)
        ).filter(lambda s: s not in names),
        label="new name",
    )
    bad = _rewritten(
        good_zip, tmp_path_factory.mktemp("r") / "in", lambda n, d: (new if n == target else n, d)
    )
    before = sorted(bad.parent.parent.rglob("*"))
    assert not verify_archive(bad).ok
    assert sorted(bad.parent.parent.rglob("*")) == before


def test_added_dotdot_member_is_refused_and_nothing_is_written(
    good_zip: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bad = folder / good_zip.name
    with zipfile.ZipFile(good_zip) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        zout.writestr("../../evil.txt", b"x")
    before = sorted(tmp_path.rglob("*"))
    result = verify_archive(bad)
    assert not result.ok
    assert "unsafe" in result.allgemein[0].reason
    assert sorted(tmp_path.rglob("*")) == before
    assert not (tmp_path / "evil.txt").exists()


def test_dropped_manifest_is_not_ok(good_zip: Path, tmp_path: Path) -> None:
    bad = _rewritten(
        good_zip, tmp_path / "in", lambda n, d: None if n == "manifest.sha256" else (n, d)
    )
    result = verify_archive(bad)
    assert not result.ok
    assert "manifest" in result.allgemein[0].reason


@pytest.mark.parametrize("keep", [0.0, 0.25, 0.5, 0.9, 0.999])
def test_truncated_zip_is_not_ok(good_zip: Path, tmp_path: Path, keep: float) -> None:
    data = good_zip.read_bytes()
    assert not _check_bytes(tmp_path, good_zip.name, data[: int(len(data) * keep)])


def _central_entry(data: bytes, name: str) -> int:
    """Offset of *name*'s central directory record."""
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        n = int.from_bytes(data[pos + 28 : pos + 30], "little")
        if data[pos + 46 : pos + 46 + n] == name.encode():
            return pos
        pos = data.find(b"PK\x01\x02", pos + 4)
    raise AssertionError(f"{name} not in the central directory")


def _anlage_member(data: bytes) -> zipfile.ZipInfo:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return next(i for i in zf.infolist() if "_Anlage1" in i.filename)


def _corrupt_deflate(data: bytes) -> bytes:
    info = _anlage_member(data)
    h = info.header_offset
    start = h + 30 + int.from_bytes(data[h + 26 : h + 28], "little")
    start += int.from_bytes(data[h + 28 : h + 30], "little")
    b = bytearray(data)
    b[start] = 0xFF  # deflate block type 3 (reserved): zlib.error
    return bytes(b)


def _central_field(offset: int, value: int) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        b = bytearray(data)
        pos = _central_entry(data, _anlage_member(data).filename) + offset
        b[pos : pos + 2] = value.to_bytes(2, "little")
        return bytes(b)

    return change


def _manifest_change(change: Callable[[bytes], bytes]) -> Callable[[Path, Path], None]:
    def rewrite(src: Path, dst: Path) -> None:
        rewrite_zip(src, dst, lambda n, d: (n, change(d) if n == "manifest.sha256" else d))

    return rewrite


def _doctype_message(src: Path, dst: Path) -> None:
    """A DOCTYPE in the message, with the manifest updated to match."""
    with zipfile.ZipFile(src) as zf:
        name = next(n for n in zf.namelist() if n.endswith("0503.xml"))
        head, _, rest = zf.read(name).partition(b"\n")
    message = head + b'\n<!DOCTYPE x SYSTEM "file:///etc/passwd">\n' + rest
    digest = hashlib.sha256(message).hexdigest().encode()

    def change(n: str, d: bytes) -> tuple[str, bytes]:
        if n == name:
            return n, message
        if n == "manifest.sha256":
            lines = d.splitlines(keepends=True)
            return n, b"".join(digest + x[64:] if name.encode() in x else x for x in lines)
        return n, d

    rewrite_zip(src, dst, change)


@pytest.mark.parametrize(
    ("patch", "reason"),
    [
        (_corrupt_deflate, "unreadable entry"),
        (_central_field(8, 0x0001), "unreadable entry"),  # flagged as encrypted
        # the local header says 8: both views of the ZIP must agree (issue #13)
        (_central_field(10, 99), "compression method 8, the central directory 99"),
    ],
    ids=["corrupt deflate", "encrypted", "compression 99"],
)
def test_unreadable_entries_are_reported_not_raised(
    good_zip: Path, tmp_path: Path, patch: Callable[[bytes], bytes], reason: str
) -> None:
    """Regression: zlib.error (and the like) escaped verify_archive and the CLI."""
    bad = tmp_path / good_zip.name
    bad.write_bytes(patch(good_zip.read_bytes()))
    result = verify_archive(bad)
    assert not result.ok
    assert reason in result.allgemein[0].reason
    assert main(["verify", str(bad)]) == 1


@pytest.mark.parametrize(
    "rewrite",
    [
        _manifest_change(lambda d: d.replace(b"\n", b"\v", 1)),
        _manifest_change(lambda d: d.rstrip(b"\n")),
        _manifest_change(lambda d: d + d.splitlines(keepends=True)[0]),
        _doctype_message,
    ],
    ids=["vertical tab", "no final newline", "duplicate line", "doctype in message"],
)
def test_odd_manifest_and_message_are_not_ok(
    good_zip: Path, tmp_path: Path, rewrite: Callable[[Path, Path], None]
) -> None:
    """Regression: the manifest was split with splitlines(), so a \\v for a \\n kept ok."""
    bad = tmp_path / good_zip.name
    rewrite(good_zip, bad)
    assert _members(bad.read_bytes()) != _members(good_zip.read_bytes())
    assert not verify_archive(bad).ok


def test_cli_verify_broken_zips_without_traceback(good_zip: Path, tmp_path: Path) -> None:
    """`ratsdok verify` on broken ZIPs: non-zero exit, no traceback."""
    data = good_zip.read_bytes()
    variants = {
        "deflate": _corrupt_deflate(data),
        "encrypted": _central_field(8, 0x0001)(data),
        "truncated": data[: len(data) // 2],
    }
    for label, content in variants.items():
        folder = tmp_path / label
        folder.mkdir()
        path = folder / good_zip.name
        path.write_bytes(content)
        proc = subprocess.run(
            [sys.executable, "-m", "ratsdok", "verify", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode != 0, label
        assert "Traceback" not in proc.stderr, proc.stderr


# ------------------------------------------------------------ seal and signatures


def _signed_example(folder: Path) -> Path:
    """A copy of the example folder whose XML is sealed and signed by both signers."""
    shutil.copytree(EXAMPLE_XML.parent, folder)
    doc = folder / EXAMPLE_XML.name
    doc.write_bytes(signed_by(doc.read_bytes()))
    return doc


def _signed_archive(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The signed example file, the CA file, and the archive ZIP of the example."""
    doc = _signed_example(tmp_path / "in")
    ca = write_ca(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    return doc, ca, archive([doc], out, prozess_id=PID, zeitpunkt=WHEN, workers=1, trust=[ca])


def test_signed_source_is_archived_with_its_signatures(
    tmp_path: Path, combined_schema: etree.XMLSchema
) -> None:
    doc, ca, path = _signed_archive(tmp_path)
    message = etree.fromstring(archive_message(path))
    assert combined_schema.validate(message), combined_schema.error_log
    (block,) = message.iterfind(f".//{X}AnwendungsspezifischeErweiterungXML")
    # the record that was signed: the Vorlage bytes of the source, its signature intact
    inner = verify(etree.tostring(block[0]), trust=[ca])
    assert [(p.label, p.status) for p in inner.parts if p.kind is not TeilArt.ANLAGE] == [
        ("pruefsumme", Status.VALID),
        ("signatur-1", Status.VALID),
        ("signatur-2", Status.VALID),
    ]
    assert inner.pruefwert == verify(doc, trust=[ca]).pruefwert

    result = verify_archive(path, trust=[ca])
    assert result.ok
    (vg,) = result.vorgaenge
    by_name = {t.name: t for t in vg.teile}
    assert by_name["pruefsumme"].ok
    assert "Unterzeichnung 1 Krebs, Landrat; CN=Krebs" in by_name["signatur-1"].reason
    # without a trust anchor an intact signature is untrusted, so the archive is not ok
    untrusted = verify_archive(path)
    assert not untrusted.ok
    assert "untrusted" in {t.name: t for t in untrusted.vorgaenge[0].teile}["signatur-1"].reason

    # the archived PDF marks the signed block like a bundle does
    with zipfile.ZipFile(path) as zf:
        pdf_name = next(n for n in zf.namelist() if n.endswith("_Vorlage.pdf"))
        (tmp_path / "v.pdf").write_bytes(zf.read(pdf_name))
    text = pdftotext(tmp_path / "v.pdf")
    assert text.count("elektronisch signiert") == 2
    assert f"Prüfwert {inner.pruefwert}" in text


def test_unsigned_vorlage_is_archived_sealed(tmp_path: Path) -> None:
    path = make_archive(tmp_path, with_anlagen())
    (block,) = etree.fromstring(archive_message(path)).iterfind(
        f".//{X}AnwendungsspezifischeErweiterungXML"
    )
    r = "{urn:ratsdok:schema:1}"
    assert block[0].find(f"{r}nachrichteninhalt/{r}pruefsumme") is not None
    with zipfile.ZipFile(path) as zf:
        pdf_name = next(n for n in zf.namelist() if n.endswith("_Vorlage.pdf"))
        (tmp_path / "v.pdf").write_bytes(zf.read(pdf_name))
    assert "elektronisch signiert" not in pdftotext(tmp_path / "v.pdf")


@pytest.mark.parametrize("signed", [False, True], ids=["sealed", "signed"])
def test_edited_vorlage_with_a_matching_manifest_is_caught(tmp_path: Path, signed: bool) -> None:
    """Someone edits the Betreff in the message and rewrites the manifest to match."""
    if signed:
        _, _, path = _signed_archive(tmp_path)
    else:
        path = make_archive(tmp_path, with_anlagen())
    xml_name = f"{PID}_Aussonderung.Aussonderung.0503.xml"
    with zipfile.ZipFile(path) as zf:
        message = zf.read(xml_name)
    assert message.count(b"<ratsdok:betreff>") == 1
    edited = message.replace(b"<ratsdok:betreff>", b"<ratsdok:betreff>Neu: ")

    def change(n: str, d: bytes) -> tuple[str, bytes]:
        if n == xml_name:
            return n, edited
        if n == "manifest.sha256":
            line = f"{hashlib.sha256(message).hexdigest()}  {xml_name}\n".encode()
            new = f"{hashlib.sha256(edited).hexdigest()}  {xml_name}\n".encode()
            assert line in d
            return n, d.replace(line, new)
        return n, d

    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = bad_dir / path.name
    rewrite_zip(path, bad, change)
    result = verify_archive(bad, trust=[pki()["ca"].cert_pem])
    assert all(t.ok for t in result.allgemein)  # the manifest matches ...
    assert not result.ok  # ... but the seal does not
    teile = {t.name: t for t in result.vorgaenge[0].teile}
    assert not teile["pruefsumme"].ok
    assert "broken" in teile["pruefsumme"].reason
    if signed:
        assert not teile["signatur-1"].ok


def test_cli_verify_zip_with_trust(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, ca, path = _signed_archive(tmp_path)
    assert main(["verify", str(path)]) == 1
    assert "untrusted" in capsys.readouterr().out
    assert main(["verify", str(path), "--trust", str(ca)]) == 0
    assert main(["archive-verify", str(path), "--trust", str(ca), "-v"]) == 0
    assert "signatur-1: valid" in capsys.readouterr().out


def test_a_broken_seal_is_not_archived_as_a_fresh_one(tmp_path: Path) -> None:
    """Archiving must not reseal a Vorlage that was changed after sealing."""
    from ratsdok.errors import InvalidDocumentError
    from ratsdok.integrity.seal import seal

    folder = tmp_path / "in"
    shutil.copytree(EXAMPLE_XML.parent, folder)
    doc = folder / EXAMPLE_XML.name
    doc.write_bytes(seal(doc.read_bytes()).replace(b"Legitimation des", b"Bestaetigung des"))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InvalidDocumentError, match="changed after it was sealed"):
        archive([doc], out, prozess_id=PID, zeitpunkt=WHEN, workers=1)
    assert list(out.iterdir()) == []


def test_renamed_zip_is_reported_but_still_checked(tmp_path: Path) -> None:
    path = make_archive(tmp_path, with_anlagen())
    renamed = path.with_name("abgabe (1).zip")
    path.rename(renamed)
    result = verify_archive(renamed)
    assert not result.ok
    (bad,) = [t for t in result.allgemein if not t.ok]
    assert bad.name == "abgabe (1).zip" and "does not match message" in bad.reason
    (vg,) = result.vorgaenge
    assert vg.ok and len(vg.teile) > 1  # every file was still checked


# --- what a reader of the archive sees is what is verified (issue #12) --------------


def _rewrite(path: Path, change: dict[str, bytes]) -> None:
    """Replace entries of the archive ZIP *path* and recompute manifest.sha256, as an
    attacker who edits the ZIP would."""
    with zipfile.ZipFile(path) as zf:
        entries = {i.filename: zf.read(i) for i in zf.infolist()}
    entries.update(change)
    lines = [
        f"{hashlib.sha256(data).hexdigest()}  {name}\n"
        for name, data in sorted(entries.items())
        if name != "manifest.sha256"
    ]
    entries["manifest.sha256"] = "".join(lines).encode("ascii")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)


def test_a_forged_vorlage_pdf_with_forged_metadata_is_caught(tmp_path: Path) -> None:
    """A forged …_Vorlage.pdf, a changed xdomea Kennzeichen and a recomputed manifest
    verified as "ok Vorgang KT 0999/2020": the label came from unverified metadata."""
    out = tmp_path / "out"
    out.mkdir()
    path = archive([EXAMPLE_XML], out, prozess_id=PID, zeitpunkt=WHEN, workers=1)
    honest = verify_archive(path)
    (vg,) = honest.vorgaenge
    seiten = [c for c in vg.checks if c.label.endswith("(Seiten)")]
    assert [c.status for c in seiten] == [Status.OK]  # the honest archive's pages verify

    with zipfile.ZipFile(path) as zf:
        pdf_name = next(n for n in zf.namelist() if n.endswith("_Vorlage.pdf"))
        msg_name = next(n for n in zf.namelist() if n.endswith(".0503.xml"))
        message = zf.read(msg_name)
    forged_pdf = render_pdf(ratsdok.load(EXAMPLE_XML).aendern(betreff="Gefälschter Betreff"))
    forged_msg = message.replace(
        b"<xdomea:Kennzeichen>KT 0134/2020<", b"<xdomea:Kennzeichen>KT 0999/2020<"
    )
    assert forged_msg != message
    _rewrite(path, {pdf_name: forged_pdf, msg_name: forged_msg})

    result = verify_archive(path)
    assert not result.ok
    (vg,) = result.vorgaenge
    assert vg.nummer == "KT 0134/2020"  # from the sealed record, not the message
    assert "KT 0999" not in (vg.title or "")
    by_label = {c.label: c for c in vg.checks}
    assert by_label[f"{pdf_name} (Seiten)"].status is Status.CHANGED
    assert by_label["Kennzeichen"].status is Status.INVALID
    assert "KT 0999/2020" in by_label["Kennzeichen"].reason


@pytest.mark.parametrize(
    ("honest", "forged", "path"),
    [
        (b"<xdomea:Betreff>KT 0134/2020 Legitimation", b"<xdomea:Betreff>KT 0134/2020 Aufhebung",
         "AllgemeineMetadaten/Betreff"),
        (b"<xdomea:Beginn>2020-05-25<", b"<xdomea:Beginn>2019-05-25<", "Laufzeit/Beginn"),
        (b"<xdomea:Typ>Anlage<", b"<xdomea:Typ>Beschluss<", "Dokument/Anlage/Typ"),
    ],
)  # fmt: skip
def test_xdomea_metadata_must_be_what_the_verified_vorlage_gives(
    tmp_path: Path, honest: bytes, forged: bytes, path: str
) -> None:
    """Issue #12: the archive re-derives the Vorgang's metadata from the verified
    record; a Betreff, date or type that says something else is a failure."""
    out = tmp_path / "out"
    out.mkdir()
    zip_path = archive([EXAMPLE_XML], out, prozess_id=PID, zeitpunkt=WHEN, workers=1)
    (vg,) = verify_archive(zip_path).vorgaenge
    assert {c.label: c.status for c in vg.checks}["Metadaten"] is Status.OK
    with zipfile.ZipFile(zip_path) as zf:
        msg_name = next(n for n in zf.namelist() if n.endswith(".0503.xml"))
        message = zf.read(msg_name)
    assert honest in message
    _rewrite(zip_path, {msg_name: message.replace(honest, forged, 1)})
    result = verify_archive(zip_path)
    assert not result.ok
    (meta,) = [c for c in result.vorgaenge[0].checks if c.label == "Metadaten"]
    assert meta.status is Status.CHANGED
    assert path in meta.reason


def test_an_archive_with_a_highly_compressible_anlage_verifies(tmp_path: Path) -> None:
    """Issue #13: a 16 MiB CSV of repeated rows failed the archive's own verify as a
    "zip bomb" (a 200:1 ratio limit). The limits are absolute now."""
    folder = tmp_path / "v"
    folder.mkdir()
    csv = b"Flurstueck;Flaeche\n" + b"12/3;2600\n" * (16 * 1024 * 1024 // 10)
    (folder / "liste.csv").write_bytes(csv)
    v = vorlage(
        anlagen=[
            ratsdok.Anlage(
                nummer=1,
                titel="Liste",
                oeffentlich=True,
                dateiname="liste.csv",
                medientyp="text/csv",
                sha256=hashlib.sha256(csv).hexdigest(),
                groesse=len(csv),
            )
        ]
    )
    out = tmp_path / "out"
    out.mkdir()
    path = archive([(v, folder)], out, prozess_id=PID, zeitpunkt=WHEN, workers=1)
    with zipfile.ZipFile(path) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith(".csv"))
        assert info.file_size / info.compress_size > 200  # what the ratio refused
    assert verify_archive(path).ok
    small = verify_archive(path, max_entry=1 << 20)
    assert not small.ok
    assert "declared size above 1048576 bytes" in str(small.to_dict())
    assert main(["archive-verify", str(path), "--max-entry-bytes", str(1 << 20)]) == 1
    assert main(["archive-verify", str(path)]) == 0


# --- one archive for every reader: local records and central directory (issue #13) ---


def _layout_check(result: ratsdok.ArchiveResult) -> ratsdok.Check:
    (check,) = [c for c in result.checks if c.label == "ZIP layout"]
    return check


def _verify_bytes(tmp_path: Path, name: str, data: bytes) -> ratsdok.ArchiveResult:
    folder = tmp_path / "in"
    folder.mkdir(parents=True)
    target = folder / name
    target.write_bytes(data)
    return verify_archive(target)


def test_an_honest_archive_passes_the_layout_check(good_zip: Path) -> None:
    result = verify_archive(good_zip)
    assert result.ok
    assert _layout_check(result).status is Status.OK


def test_a_local_record_hidden_from_the_central_directory_is_caught(
    good_zip: Path, tmp_path: Path
) -> None:
    """The reported attack: a second local record named like the Vorlage PDF, appended
    behind the last record and left out of the central directory. zipfile (and so
    verify) saw the honest archive, a streaming reader extracts the forgery."""
    data = good_zip.read_bytes()
    pdf_name = next(n for n in local_offsets(data) if n.endswith("_Vorlage.pdf"))
    forged = render_pdf(vorlage(betreff="Gefälschter Betreff"))
    cd, _ = zip_end(data)
    bad = splice_zip(data, cd, stored_local_record(pdf_name, forged))
    assert _members(bad) == _members(data)  # zipfile sees the honest archive …
    streamed = streamed_entries(bad)
    assert streamed[pdf_name] == forged  # … a streaming reader the forgery
    assert streamed_entries(data)[pdf_name] != forged

    result = _verify_bytes(tmp_path, good_zip.name, bad)
    assert not result.ok
    (check,) = result.failures()
    assert check.kind is Kind.ARCHIV and check.status is Status.INVALID
    assert check.label == "ZIP layout"
    assert f"a local record of {pdf_name!r} at offset {cd}" in check.reason
    assert "no central-directory entry lists" in check.reason
    assert main(["archive-verify", str(tmp_path / "in" / good_zip.name)]) == 1


@pytest.mark.parametrize("move_offsets", [True, False], ids=["offsets moved", "as it is"])
def test_bytes_before_the_first_record_are_caught(
    good_zip: Path, tmp_path: Path, move_offsets: bool
) -> None:
    """A prepended stub (a self-extractor, a polyglot): zipfile reads past it either way."""
    data = good_zip.read_bytes()
    bad = splice_zip(data, 0, b"MZ" + bytes(62), move_offsets=move_offsets)
    assert _members(bad) == _members(data)
    check = _layout_check(_verify_bytes(tmp_path, good_zip.name, bad))
    assert check.status is Status.INVALID
    if move_offsets:
        assert check.reason.startswith("data at offset 0 (64 bytes before the local record")
    else:
        assert "64 bytes added or missing before it" in check.reason


def test_a_gap_between_records_is_caught(good_zip: Path, tmp_path: Path) -> None:
    data = good_zip.read_bytes()
    second = sorted(local_offsets(data).items(), key=lambda x: x[1])[1]
    bad = splice_zip(data, second[1], b"\0" * 16)
    assert _members(bad) == _members(data)
    check = _layout_check(_verify_bytes(tmp_path, good_zip.name, bad))
    assert check.status is Status.INVALID
    assert check.reason == (
        f"data at offset {second[1]} (16 bytes before the local record of {second[0]!r}), "
        "which no central-directory entry lists"
    )


def _patch_local(data: bytes, name: str, field: int, value: bytes) -> bytes:
    """*data* with *value* written at *field* bytes into the local header of *name*."""
    at = local_offsets(data)[name] + field
    return data[:at] + value + data[at + len(value) :]


def _anlage1(data: bytes) -> str:
    return next(n for n in local_offsets(data) if "_Anlage1" in n)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("crc", b"\0\0\0\0", "gives CRC 00000000, the central directory "),
        ("compressed size", (1).to_bytes(8, "little"), "gives compressed size 1, the central "),
        ("size", (1).to_bytes(8, "little"), "gives size 1, the central directory "),
        ("method", b"\0\0", "gives compression method 0, the central directory 8"),
    ],
    ids=["crc", "compressed size", "size", "method"],
)
def test_a_local_header_that_disagrees_with_the_central_directory_is_caught(
    good_zip: Path, tmp_path: Path, field: str, value: bytes, expected: str
) -> None:
    """zipfile takes CRC and sizes from the central directory only; a streaming reader
    takes them from the local header (ratsdok's headers keep the sizes in a ZIP64 field)."""
    data = good_zip.read_bytes()
    name = _anlage1(data)
    offset = local_offsets(data)[name]
    assert data[offset + 18 : offset + 26] == b"\xff" * 8  # sizes: see the ZIP64 field
    n = len(name)
    at = {"crc": 14, "method": 8, "size": 34 + n, "compressed size": 42 + n}[field]
    bad = _patch_local(data, name, at, value)
    assert _members(bad) == _members(data) or field == "method"
    check = _layout_check(_verify_bytes(tmp_path, good_zip.name, bad))
    assert check.status is Status.INVALID
    assert check.reason.startswith(f"the local header of {name!r} at offset {offset} {expected}")


def test_a_local_header_naming_another_file_is_caught(good_zip: Path, tmp_path: Path) -> None:
    data = good_zip.read_bytes()
    name = _anlage1(data)
    other = name.replace("_Anlage1", "_Anlage9")
    check = _layout_check(
        _verify_bytes(tmp_path, good_zip.name, _patch_local(data, name, 30, other.encode()))
    )
    assert check.status is Status.INVALID
    offset = local_offsets(data)[name]
    assert check.reason == (
        f"the local header at offset {offset} names {other!r}, the central directory {name!r}"
    )


def test_a_comment_and_trailing_bytes_are_caught(good_zip: Path, tmp_path: Path) -> None:
    data = good_zip.read_bytes()
    commented = data[:-2] + (5).to_bytes(2, "little") + b"hallo"
    assert _members(commented) == _members(data)
    check = _layout_check(_verify_bytes(tmp_path / "c", good_zip.name, commented))
    assert "a comment of 5 bytes follows the end record" in check.reason
    check = _layout_check(_verify_bytes(tmp_path / "t", good_zip.name, data + b"\0" * 7))
    assert "7 bytes of data follow the end record" in check.reason


def _through_a_pipe(src: Path, dst: Path) -> None:
    """*src* written again entry by entry to a stream that cannot seek, as a ZIP tool
    writing to a pipe does: CRC and sizes go into data descriptors (ZIP64 ones)."""
    pipe = Pipe()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(pipe, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            with zout.open(info.filename, "w", force_zip64=True) as w:
                w.write(zin.read(info))
    dst.write_bytes(bytes(pipe.data))


def test_an_archive_with_data_descriptors_verifies(good_zip: Path, tmp_path: Path) -> None:
    piped = tmp_path / good_zip.name
    _through_a_pipe(good_zip, piped)
    with zipfile.ZipFile(piped) as zf:
        assert all(i.flag_bits & 0x08 for i in zf.infolist())
    result = verify_archive(piped)
    assert result.ok, result.failures()
    # a descriptor that disagrees is caught like a header that does
    data = bytearray(piped.read_bytes())
    with zipfile.ZipFile(piped) as zf:
        info = next(i for i in zf.infolist() if "_Anlage1" in i.filename)
    at = info.header_offset + 30 + len(info.filename) + 20 + info.compress_size
    assert data[at : at + 4] == b"PK\x07\x08"
    data[at + 4] ^= 1
    check = _layout_check(_verify_bytes(tmp_path, good_zip.name, bytes(data)))
    assert check.reason.startswith(f"the data descriptor of {info.filename!r} at offset {at}")


def test_a_zip64_archive_of_ratsdok_verifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ZIP64 sizes, offsets and end records, as in archives above 4 GiB: zipfile's
    limit lowered, so that a small archive is written the way a large one is."""
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 1 << 10)
    path = make_archive(tmp_path, with_anlagen())
    monkeypatch.undo()
    data = path.read_bytes()
    assert b"PK\x06\x06" in data and b"PK\x06\x07" in data[-42:]
    with zipfile.ZipFile(path) as zf:
        assert any(i.header_offset > 1 << 10 and i.file_size > 1 << 10 for i in zf.infolist())
    result = verify_archive(path)
    assert result.ok, result.failures()
    assert _layout_check(result).status is Status.OK
