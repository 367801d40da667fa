"""Reading and writing files: Anlage checks, problems with lines, atomic output."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

import ratsdok
from ratsdok import (
    AnlagenError,
    InvalidDocumentError,
    OutputError,
    RatsdokError,
    UnsafeInputError,
    Vorlage,
)
from ratsdok.store.files import read_bytes, read_document, save, validate_xml
from ratsdok.xml.mapping import to_xml
from ratsdok.xml.parser import DEFAULT_MAX_BYTES
from tests.conftest import line_of
from tests.factories import altes_dokument, minimal_vorlage

PDF = "integrationskonzept.pdf"


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def test_load_copy_of_example(example_copy: Path) -> None:
    v = ratsdok.load(example_copy)
    assert str(v.nummer) == "KT 0134/2020"
    data = (example_copy.parent / PDF).read_bytes()
    assert v.anlagen[0].groesse == len(data)


def test_flipped_byte_is_reported(example_copy: Path) -> None:
    pdf = example_copy.parent / PDF
    data = bytearray(pdf.read_bytes())
    data[1000] ^= 0x01
    pdf.write_bytes(bytes(data))
    with pytest.raises(AnlagenError) as info:
        ratsdok.load(example_copy)
    (problem,) = info.value.problems
    assert problem.file == str(example_copy)
    assert problem.field == "anlagen[0]"
    text = example_copy.read_text(encoding="utf-8")
    assert problem.line == line_of(text, "<ratsdok:anlage>")
    assert PDF in problem.message
    assert "SHA-256" in problem.message
    assert "size" not in problem.message  # same length, only the digest differs


def test_truncated_file_is_a_size_mismatch(example_copy: Path) -> None:
    pdf = example_copy.parent / PDF
    data = pdf.read_bytes()
    pdf.write_bytes(data[:-10])
    with pytest.raises(AnlagenError) as info:
        ratsdok.load(example_copy)
    (problem,) = info.value.problems
    assert f"size is {len(data) - 10} bytes, recorded {len(data)}" in problem.message


def test_missing_anlage_is_allowed_by_default(example_copy: Path) -> None:
    (example_copy.parent / PDF).unlink()
    v = ratsdok.load(example_copy)
    assert v.anlagen[0].dateiname == PDF
    assert ratsdok.load(example_copy, anlagen="ignore") == v


def test_missing_anlage_is_an_error_when_required(example_copy: Path) -> None:
    assert ratsdok.load(example_copy, anlagen="require").anlagen
    (example_copy.parent / PDF).unlink()
    with pytest.raises(AnlagenError) as info:
        ratsdok.load(example_copy, anlagen="require")
    (problem,) = info.value.problems
    assert "not found" in problem.message
    assert problem.field == "anlagen[0]"


def test_tampered_anlage_ignored_when_asked(example_copy: Path) -> None:
    (example_copy.parent / PDF).write_bytes(b"anders")
    assert ratsdok.load(example_copy, anlagen="ignore").anlagen[0].groesse == 45000


def test_unknown_anlagen_mode_is_refused(example_copy: Path) -> None:
    with pytest.raises(ValueError, match="sometimes"):
        ratsdok.load(example_copy, anlagen="sometimes")


def test_missing_size_and_digest_are_filled_from_the_file(example_copy: Path) -> None:
    text = example_copy.read_text(encoding="utf-8")
    lines = [
        line
        for line in text.splitlines(keepends=True)
        if "<ratsdok:groesse>" not in line and "<ratsdok:sha256>" not in line
    ]
    example_copy.write_text("".join(lines), encoding="utf-8")
    assert ratsdok.load(example_copy, anlagen="ignore").anlagen[0].groesse is None
    v = ratsdok.load(example_copy)
    data = (example_copy.parent / PDF).read_bytes()
    assert v.anlagen[0].groesse == len(data)
    assert v.anlagen[0].sha256 == hashlib.sha256(data).hexdigest()


def test_inline_content_is_checked_against_recorded_values(example_copy: Path) -> None:
    text = example_copy.read_text(encoding="utf-8").replace(
        "<ratsdok:oeffentlich>true</ratsdok:oeffentlich>\n",
        "<ratsdok:oeffentlich>true</ratsdok:oeffentlich>\n"
        "        <ratsdok:inhalt>QUJD</ratsdok:inhalt>\n",
    )
    example_copy.write_text(text, encoding="utf-8")
    with pytest.raises(AnlagenError) as info:
        ratsdok.load(example_copy)
    (problem,) = info.value.problems
    assert "inline content" in problem.message
    assert "size is 3 bytes" in problem.message


def test_input_is_never_modified(example_copy: Path) -> None:
    folder = example_copy.parent
    before = _snapshot(folder)
    ratsdok.load(example_copy)
    validate_xml(example_copy, anlagen="require")
    pdf = folder / PDF
    pdf.write_bytes(pdf.read_bytes()[:-1])
    before = _snapshot(folder)
    with pytest.raises(AnlagenError):
        ratsdok.load(example_copy)
    assert validate_xml(example_copy)
    assert _snapshot(folder) == before


def test_validate_xml_on_bytes_and_paths(example_copy: Path, example_text: str) -> None:
    assert validate_xml(example_copy) == []
    assert validate_xml(example_text.encode()) == []
    bad = example_text.replace("2020-05-25", "2020-13-45").replace(
        "<code>vorberatung</code>", "<code>beraten</code>"
    )
    problems = validate_xml(bad.encode())
    assert len(problems) == 2
    assert all(isinstance(p, ratsdok.Problem) for p in problems)
    assert [p.line for p in problems] == [
        line_of(example_text, "2020-05-25"),
        line_of(example_text, "<code>vorberatung</code>"),
    ]
    assert validate_xml(b"<nicht") != []
    assert validate_xml(example_copy.parent / "fehlt.xml") != []


def test_validate_xml_reports_anlage_problems(example_copy: Path) -> None:
    (example_copy.parent / PDF).write_bytes(b"x")
    (problem,) = validate_xml(example_copy)
    assert problem.field == "anlagen[0]"
    assert validate_xml(example_copy, anlagen="ignore") == []


def test_load_missing_path_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "gibt-es-nicht.xml"
    with pytest.raises(RatsdokError) as info:
        ratsdok.load(missing)
    (problem,) = info.value.problems
    assert problem.file == str(missing)
    assert "not found" in problem.message
    assert str(missing) in str(info.value)


def test_load_folder_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(RatsdokError) as info:
        ratsdok.load(tmp_path)
    assert str(tmp_path) in str(info.value)


def test_read_bytes_limit(example_copy: Path) -> None:
    size = example_copy.stat().st_size
    assert len(read_bytes(example_copy, max_bytes=size)) == size
    with pytest.raises(InvalidDocumentError):
        read_bytes(example_copy, max_bytes=size - 1)


def test_file_over_the_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "gross.xml"
    with big.open("wb") as f:
        f.truncate(DEFAULT_MAX_BYTES + 1)  # sparse: no disk space, no reading needed
    small = tmp_path / "klein.xml"
    small.write_bytes(b"<a/>")
    reads: list[int] = []
    real_read = io.BufferedReader.read

    class Counting(io.BufferedReader):
        def read(self, size: int | None = -1, /) -> bytes:
            data = real_read(self, size)
            reads.append(len(data))
            return data

    monkeypatch.setattr(Path, "open", lambda self, mode="r": Counting(io.FileIO(self)))
    with pytest.raises(UnsafeInputError) as info:
        ratsdok.load(big)
    assert f"{DEFAULT_MAX_BYTES:,} bytes" in info.value.problems[0].message
    assert reads == []  # refused by its size, not a byte read
    with pytest.raises(ratsdok.RatsdokError):
        ratsdok.load(small)
    assert reads == [4]  # the counting works


def test_save_and_load_take_the_same_limit(tmp_path: Path) -> None:
    v = minimal_vorlage()
    size = len(to_xml(v))
    with pytest.raises(InvalidDocumentError):
        save(v, tmp_path / "v.xml", max_bytes=size - 1)
    assert list(tmp_path.iterdir()) == []
    save(v, tmp_path / "v.xml", max_bytes=size)
    assert ratsdok.load(tmp_path / "v.xml", max_bytes=size) == v
    with pytest.raises(UnsafeInputError):
        ratsdok.load(tmp_path / "v.xml", max_bytes=size - 1)


def test_load_over_the_limit_is_unsafe_input(example_copy: Path) -> None:
    with pytest.raises(UnsafeInputError):
        ratsdok.load(example_copy, max_bytes=100)


def test_load_nachricht_keeps_the_header(example_copy: Path) -> None:
    n = ratsdok.load_nachricht(example_copy)
    assert n.kopf.test is True
    assert n.vorlage == ratsdok.load(example_copy)


# ---------------------------------------------------------------- save


def test_save_and_load_round_trip(tmp_path: Path, example: Vorlage) -> None:
    out = tmp_path / "out.xml"
    save(example, out)
    assert out.read_bytes() == to_xml(example)
    assert ratsdok.load(out, anlagen="ignore") == example
    assert [p.name for p in tmp_path.iterdir()] == ["out.xml"]


def test_save_replaces_existing_file(tmp_path: Path, example: Vorlage) -> None:
    out = tmp_path / "out.xml"
    out.write_bytes(b"alt")
    save(example, out)
    assert out.read_bytes() == to_xml(example)
    assert [p.name for p in tmp_path.iterdir()] == ["out.xml"]


def test_save_nachricht_reproduces_file(tmp_path: Path, example_xml: Path) -> None:
    out = tmp_path / "copy.xml"
    save(ratsdok.load_nachricht(example_xml), out)
    assert out.read_bytes() == example_xml.read_bytes()


def test_save_into_missing_folder(tmp_path: Path, example: Vorlage) -> None:
    out = tmp_path / "fehlt" / "out.xml"
    with pytest.raises(OutputError) as info:
        save(example, out)
    assert info.value.problems[0].file == str(out)
    assert list(tmp_path.iterdir()) == []


def test_save_onto_a_folder(tmp_path: Path, example: Vorlage) -> None:
    target = tmp_path / "ordner"
    target.mkdir()
    with pytest.raises(OutputError):
        save(example, target)
    assert list(target.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["ordner"]


def test_save_below_a_file(tmp_path: Path, example: Vorlage) -> None:
    blocker = tmp_path / "datei"
    blocker.write_bytes(b"x")
    with pytest.raises(OutputError):
        save(example, blocker / "out.xml")
    assert [p.name for p in tmp_path.iterdir()] == ["datei"]


# --- file names that are not portable: read with a warning, never written (issue #13) ---


def test_an_old_document_with_a_name_that_is_not_portable_still_loads(tmp_path: Path) -> None:
    doc_path = altes_dokument(tmp_path / "alt", "CON.pdf")
    v = ratsdok.load(doc_path, anlagen="require")  # the file CON.pdf beside it matches
    assert v.anlagen[0].dateiname == "CON.pdf"
    assert validate_xml(doc_path) == []
    doc, _ = read_document(doc_path)
    (warning,) = doc.warnings()
    assert warning.file == str(doc_path)
    assert warning.field == "anlagen[0].dateiname"
    assert warning.line == line_of(doc_path.read_text(encoding="utf-8"), ">CON.pdf<")
    assert "'CON.pdf' is not portable (Windows reserves the name for a device)" in str(warning)
    assert "extract writes the file as '_CON.pdf'" in warning.message


def test_save_refuses_a_name_that_is_not_portable(tmp_path: Path) -> None:
    v = ratsdok.load(altes_dokument(tmp_path / "alt", "a.pdf:Zone.Identifier"))
    out = tmp_path / "neu.xml"
    with pytest.raises(InvalidDocumentError) as info:
        save(v, out)
    (problem,) = info.value.problems
    assert problem.file == str(out) and problem.field == "anlagen[0].dateiname"
    assert problem.message.startswith("file name 'a.pdf:Zone.Identifier' is not portable")
    assert not out.exists()
    # the serialisation stays lossless for what was read (seals are computed over it)
    assert ratsdok.from_xml(to_xml(v)) == v
