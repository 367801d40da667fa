"""The ZIP layout check: one reading of a ZIP for zipfile and for streaming readers.

The attacks on a real archive are in ``test_archive.py``; here, the layouts other
ZIP writers produce (data descriptors, ZIP64, empty entries) and the edge cases.
"""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from ratsdok.interop.xdomea.zipform import layout_problem
from tests.factories import Pipe, local_offsets, splice_zip, stored_local_record, zip_end


def _problem(data: bytes) -> str | None:
    return layout_problem(io.BytesIO(data))


def _zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


ENTRIES = {"a.txt": b"hallo " * 500, "leer.txt": b"", "b.pdf": bytes(range(256)) * 8}


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_plain_zips_pass(method: int) -> None:
    assert _problem(_zip(ENTRIES, method)) is None
    assert _problem(_zip({})) is None  # no entries: the central directory at offset 0


@pytest.mark.parametrize("zip64", [False, True], ids=["descriptor", "zip64 descriptor"])
def test_data_descriptors_pass_and_are_checked(zip64: bool) -> None:
    pipe = Pipe()
    with zipfile.ZipFile(pipe, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in ENTRIES.items():
            with zf.open(name, "w", force_zip64=zip64) as w:
                w.write(content)
    data = bytes(pipe.data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo("a.txt")
    assert info.flag_bits & 0x08
    assert _problem(data) is None
    # the descriptor (signature, CRC, sizes) follows the data
    at = info.header_offset + 30 + len("a.txt") + (20 if zip64 else 0) + info.compress_size
    assert data[at : at + 4] == b"PK\x07\x08"
    size_at, width = (at + 16, 8) if zip64 else (at + 12, 4)
    bad = data[:size_at] + (7).to_bytes(width, "little") + data[size_at + width :]
    assert _problem(bad) == (
        f"the data descriptor of 'a.txt' at offset {at} gives size 7, "
        f"the central directory {info.file_size}"
    )


def test_zip64_records_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sizes, offsets and the end records in their ZIP64 form (zipfile's limit lowered)."""
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 100)
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 2)
    data = _zip(ENTRIES, zipfile.ZIP_STORED)
    monkeypatch.undo()
    assert b"PK\x06\x06" in data and data[-42:-38] == b"PK\x06\x07"
    assert _problem(data) is None
    # the end record's fields hold the values (or 0xFF… sentinels); others contradict
    assert data[-12:-10] == b"\x03\x00"
    bad = data[:-14] + struct.pack("<HH", 5, 5) + data[-10:]
    assert _problem(bad) == (
        f"the end record at offset {len(data) - 22} gives the central directory's entry "
        "count as 5, the ZIP64 end record as 3"
    )


def test_a_plain_local_header_with_other_sizes() -> None:
    data = _zip(ENTRIES, zipfile.ZIP_STORED)
    at = local_offsets(data)["b.pdf"]
    bad = data[: at + 22] + struct.pack("<I", 99) + data[at + 26 :]
    assert _problem(bad) == (
        f"the local header of 'b.pdf' at offset {at} gives size 99, the central directory 2048"
    )


def test_two_entries_on_one_local_record() -> None:
    data = bytearray(_zip(ENTRIES))
    offsets = local_offsets(bytes(data))
    cd, _ = zip_end(bytes(data))
    # the central-directory record of leer.txt points at the record of a.txt
    pos = data.find(b"PK\x01\x02" + data[cd + 4 : cd + 28], cd)
    while data[pos + 46 : pos + 54] != b"leer.txt":
        n, m, k = struct.unpack("<HHH", data[pos + 28 : pos + 34])
        pos += 46 + n + m + k
    data[pos + 42 : pos + 46] = offsets["a.txt"].to_bytes(4, "little")
    problem = _problem(bytes(data))
    assert problem is not None and "overlaps the record before it" in problem


def test_a_listed_record_behind_an_unlisted_one() -> None:
    data = _zip(ENTRIES)
    bad = splice_zip(data, 0, stored_local_record("x.exe", b"MZ"))
    assert _problem(bad) == (
        "a local record of 'x.exe' at offset 0 (37 bytes before the local record of "
        "'a.txt'), which no central-directory entry lists"
    )


def test_a_unicode_path_field_naming_another_file() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("a.txt")
        other = b"b.exe"
        info.extra = struct.pack("<HHB4s", 0x7075, 5 + len(other), 1, b"\0" * 4) + other
        zf.writestr(info, b"x")
    problem = _problem(buf.getvalue())
    assert problem is not None and "Unicode path extra field names another file" in problem


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "0 bytes are too few for a ZIP end record"),
        (b"x" * 100, "no end record at offset 78, where a ZIP without a comment ends"),
        (b"PK\x05\x06" + bytes(16) + b"\x09\x00", "declares a comment of 9 bytes beyond"),
    ],
    ids=["empty", "no zip", "comment beyond the end"],
)
def test_not_a_zip(data: bytes, expected: str) -> None:
    problem = _problem(data)
    assert problem is not None and expected in problem
