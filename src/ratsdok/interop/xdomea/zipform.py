"""The layout of a ZIP file: every byte accounted for, both views of every entry alike.

:mod:`zipfile` reads a ZIP from its central directory at the end; streaming
readers (Java's ``ZipInputStream``, many unzip tools) read the local records from
offset 0 and never look at it. Where the two views differ, the ZIP holds two
archives: a local record for ``…_Vorlage.pdf`` appended behind the others and left
out of the central directory is invisible to the one and overwrites the real PDF
in the other. :func:`layout_problem` accepts only the layout ratsdok writes, in
which there is one reading: the local records run contiguously from offset 0, one
per central-directory entry and in its terms (name, method, CRC, sizes), then the
central directory, the ZIP64 end record and locator (where there are any) and
the end record, without a comment (``docs/xdomea.md#verification``).

Headers are read where they lie (seek and read); no entry's data is read.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO

__all__ = ["layout_problem"]

_LOCAL = b"PK\x03\x04"
_CENTRAL = b"PK\x01\x02"
_END = b"PK\x05\x06"
_END64 = b"PK\x06\x06"
_LOCATOR64 = b"PK\x06\x07"
_DESCRIPTOR = b"PK\x07\x08"

_LOCAL_SIZE = 30
_CENTRAL_SIZE = 46
_END_SIZE = 22
_END64_SIZE = 56
_LOCATOR64_SIZE = 20
_MAX_COMMENT = 0xFFFF

_FLAG_DESCRIPTOR = 0x0008
_FLAG_UTF8 = 0x0800
_MAX16 = 0xFFFF
_MAX32 = 0xFFFFFFFF
_ZIP64_EXTRA = 0x0001
_UNICODE_PATH_EXTRA = 0x7075  # Info-ZIP: unzip and 7-Zip prefer this name to the header's


class _LayoutError(Exception):
    """The first thing found that breaks the layout; the message says what and where."""


@dataclass(frozen=True, slots=True)
class _Eintrag:
    """What the central directory says about one entry."""

    name: str
    methode: int
    crc: int
    gepackt: int
    groesse: int
    offset: int


def layout_problem(f: BinaryIO) -> str | None:
    """Why the ZIP in the seekable binary file *f* is not laid out as ratsdok writes
    it (what was found, at which offset), or None when it is."""
    try:
        _check(f)
    except _LayoutError as exc:
        return str(exc)
    return None


def _check(f: BinaryIO) -> None:
    size = f.seek(0, 2)
    cd_offset, cd_size, count, cd_end = _end_records(f, size)
    if cd_offset + cd_size != cd_end:
        # zipfile shifts every offset by the difference (it reads ZIPs with data
        # prepended); a streaming reader does not.
        raise _LayoutError(
            f"the end record places the central directory at offset {cd_offset} with "
            f"{cd_size} bytes, but the end records start at offset {cd_end}: "
            f"{cd_end - cd_offset - cd_size} bytes added or missing before it"
        )
    eintraege = _central_directory(f, cd_offset, count, cd_end)
    pos = 0
    for e in sorted(eintraege, key=lambda e: e.offset):
        if e.offset < pos:
            raise _LayoutError(
                f"the local record of {e.name!r} at offset {e.offset} overlaps the record "
                f"before it, which ends at offset {pos}"
            )
        if e.offset > pos:
            raise _LayoutError(
                f"{_what_is_at(f, pos)} at offset {pos} ({e.offset - pos} bytes before the "
                f"local record of {e.name!r}), which no central-directory entry lists"
            )
        pos = _local_record(f, e)
    if pos > cd_offset:
        raise _LayoutError(
            f"the last local record ends at offset {pos}, inside the central directory "
            f"at offset {cd_offset}"
        )
    if pos < cd_offset:
        raise _LayoutError(
            f"{_what_is_at(f, pos)} at offset {pos} ({cd_offset - pos} bytes between the last "
            "listed local record and the central directory), which no central-directory "
            "entry lists"
        )


def _read(f: BinaryIO, pos: int, n: int, what: str) -> bytes:
    f.seek(pos)
    data = f.read(n)
    if len(data) != n:
        raise _LayoutError(f"the file ends inside {what} at offset {pos}")
    return data


def _end_records(f: BinaryIO, size: int) -> tuple[int, int, int, int]:
    """Offset and size of the central directory, its number of entries, and where
    the end records after it begin."""
    if size < _END_SIZE:
        raise _LayoutError(f"{size} bytes are too few for a ZIP end record")
    end_at = size - _END_SIZE
    end = _read(f, end_at, _END_SIZE, "the end record")
    if end[:4] != _END:
        raise _LayoutError(_no_end_record(f, size))
    disk, cd_disk, on_disk, count, cd_size, cd_offset, comment = struct.unpack("<HHHHIIH", end[4:])
    if comment:
        raise _LayoutError(
            f"the end record at offset {end_at} declares a comment of {comment} bytes "
            "beyond the end of the file"
        )
    if disk or cd_disk or on_disk != count:
        raise _LayoutError(f"the end record at offset {end_at} spans several disks")
    locator_at = end_at - _LOCATOR64_SIZE
    if locator_at < 0 or _read(f, locator_at, 4, "the ZIP64 locator") != _LOCATOR64:
        return cd_offset, cd_size, count, end_at
    # ZIP64: the end record's fields are either the true values or the 0xFF… sentinels.
    _, disk64, end64_at, disks = struct.unpack(
        "<4sIQI", _read(f, locator_at, _LOCATOR64_SIZE, "the ZIP64 locator")
    )
    if disk64 != 0 or disks != 1:
        raise _LayoutError(f"the ZIP64 locator at offset {locator_at} spans several disks")
    record = _read(f, end64_at, _END64_SIZE, "the ZIP64 end record")
    sig, length, _, _, disk, cd_disk, on_disk, count64, size64, offset64 = struct.unpack(
        "<4sQHHIIQQQQ", record
    )
    if sig != _END64:
        raise _LayoutError(f"no ZIP64 end record at offset {end64_at}, where the locator points")
    if end64_at + 12 + length != locator_at or length < _END64_SIZE - 12:
        raise _LayoutError(
            f"the ZIP64 end record at offset {end64_at} does not end where its locator "
            f"begins (offset {locator_at})"
        )
    if disk or cd_disk or on_disk != count64:
        raise _LayoutError(f"the ZIP64 end record at offset {end64_at} spans several disks")
    for name, short, full, limit in (
        ("entry count", count, count64, _MAX16),
        ("size", cd_size, size64, _MAX32),
        ("offset", cd_offset, offset64, _MAX32),
    ):
        if short not in (full, limit):
            raise _LayoutError(
                f"the end record at offset {end_at} gives the central directory's {name} as "
                f"{short}, the ZIP64 end record as {full}"
            )
    return offset64, size64, count64, end64_at


def _no_end_record(f: BinaryIO, size: int) -> str:
    """What stands where the end record should be: a comment or data after it."""
    start = max(0, size - _END_SIZE - _MAX_COMMENT)
    tail = _read(f, start, size - start, "the end of the file")
    at = tail.rfind(_END)
    while at >= 0:
        if at + _END_SIZE <= len(tail):
            (comment,) = struct.unpack("<H", tail[at + 20 : at + 22])
            after = len(tail) - (at + _END_SIZE + comment)
            if after >= 0:
                found = [f"a comment of {comment} bytes"] if comment else []
                found += [f"{after} bytes of data"] if after else []
                verb = "follows" if len(found) == 1 and comment else "follow"
                return (
                    f"{' and '.join(found)} {verb} the end record at offset {start + at} "
                    "(ratsdok writes nothing there)"
                )
        at = tail.rfind(_END, 0, at)
    return f"no end record at offset {size - _END_SIZE}, where a ZIP without a comment ends"


def _extra_fields(extra: bytes, where: str) -> dict[int, bytes]:
    fields: dict[int, bytes] = {}
    i = 0
    while i < len(extra):
        if i + 4 > len(extra):
            raise _LayoutError(f"{where}: the extra field is cut short")
        tag, n = struct.unpack("<HH", extra[i : i + 4])
        if i + 4 + n > len(extra) or tag in fields:
            raise _LayoutError(f"{where}: malformed extra field 0x{tag:04x}")
        fields[tag] = extra[i + 4 : i + 4 + n]
        i += 4 + n
    return fields


def _zip64_values(fields: dict[int, bytes], wanted: list[int], where: str) -> list[int]:
    """*wanted* with each 0xFF… sentinel replaced from the ZIP64 extra field, in order
    (sizes and offsets are 8 bytes there, a disk number 4; the caller passes the
    disk number last)."""
    data = fields.get(_ZIP64_EXTRA, b"")
    out: list[int] = []
    i = 0
    for k, value in enumerate(wanted):
        sentinel = _MAX16 if k == 3 else _MAX32
        if value != sentinel:
            out.append(value)
            continue
        n = 4 if k == 3 else 8
        if i + n > len(data):
            raise _LayoutError(f"{where}: a 0x{sentinel:x} field without its ZIP64 value")
        out.append(int.from_bytes(data[i : i + n], "little"))
        i += n
    return out


def _name(raw: bytes, flags: int) -> str:
    return raw.decode("utf-8" if flags & _FLAG_UTF8 else "cp437", errors="replace")


def _check_unicode_path(fields: dict[int, bytes], name: str, where: str) -> None:
    """Info-ZIP's Unicode path field names the file for unzip and 7-Zip; ratsdok
    writes none, and one that names another file is a second name."""
    data = fields.get(_UNICODE_PATH_EXTRA)
    if data is not None and data[5:].decode("utf-8", errors="replace") != name:
        raise _LayoutError(f"{where}: a Unicode path extra field names another file")


def _central_directory(f: BinaryIO, cd_offset: int, count: int, cd_end: int) -> list[_Eintrag]:
    out: list[_Eintrag] = []
    pos = cd_offset
    f.seek(pos)
    for _ in range(count):
        head = f.read(_CENTRAL_SIZE)
        if len(head) != _CENTRAL_SIZE or head[:4] != _CENTRAL:
            raise _LayoutError(f"no central-directory record at offset {pos}")
        (flags, methode, crc, gepackt, groesse, n, m, k, disk, offset) = struct.unpack(
            "<8xHH4xIIIHHHH6xI", head
        )
        rest = f.read(n + m + k)
        if len(rest) != n + m + k:
            raise _LayoutError(f"the file ends inside the central-directory record at {pos}")
        name = _name(rest[:n], flags)
        where = f"the central-directory record of {name!r} at offset {pos}"
        fields = _extra_fields(rest[n : n + m], where)
        groesse, gepackt, offset, disk = _zip64_values(
            fields, [groesse, gepackt, offset, disk], where
        )
        if disk != 0:
            raise _LayoutError(f"{where} places its entry on another disk")
        _check_unicode_path(fields, name, where)
        out.append(_Eintrag(name, methode, crc, gepackt, groesse, offset))
        pos += _CENTRAL_SIZE + n + m + k
    if pos != cd_end:
        raise _LayoutError(
            f"the central directory's {count} records end at offset {pos}, not at "
            f"offset {cd_end} where the end records begin"
        )
    return out


def _local_record(f: BinaryIO, e: _Eintrag) -> int:
    """Check the local record of *e* against the central directory; where it ends."""
    pos = e.offset
    head = _read(f, pos, _LOCAL_SIZE, f"the local header of {e.name!r}")
    if head[:4] != _LOCAL:
        raise _LayoutError(f"no local header at offset {pos}, where {e.name!r} should begin")
    flags, methode, crc, gepackt, groesse, n, m = struct.unpack("<6xHH4xIIIHH", head)
    rest = _read(f, pos + _LOCAL_SIZE, n + m, f"the local header of {e.name!r}")
    name = _name(rest[:n], flags)
    where = f"the local header at offset {pos}"
    if name != e.name:
        raise _LayoutError(f"{where} names {name!r}, the central directory {e.name!r}")
    where = f"the local header of {e.name!r} at offset {pos}"
    fields = _extra_fields(rest[n:], where)
    _check_unicode_path(fields, name, where)
    if methode != e.methode:
        raise _LayoutError(
            f"{where} gives compression method {methode}, the central directory {e.methode}"
        )
    data_end: int = pos + _LOCAL_SIZE + n + m + e.gepackt
    if flags & _FLAG_DESCRIPTOR:
        # CRC and sizes follow the data (zero here); 8-byte sizes where the header has ZIP64.
        return _descriptor(f, e, data_end, _ZIP64_EXTRA in fields)
    groesse, gepackt = _zip64_values(fields, [groesse, gepackt], where)
    problem = _mismatch(where, (crc, gepackt, groesse), e)
    if problem is not None:
        raise _LayoutError(problem)
    return data_end


def _descriptor(f: BinaryIO, e: _Eintrag, at: int, zip64: bool) -> int:
    """Check the data descriptor of *e* at *at* (its signature is optional); where it ends."""
    fmt = "<IQQ" if zip64 else "<III"
    n = struct.calcsize(fmt)
    data = _read(f, at, 4 + n, f"the data descriptor of {e.name!r}")
    readings: list[tuple[tuple[int, ...], int]] = [(struct.unpack(fmt, data[:n]), at + n)]
    if data[:4] == _DESCRIPTOR:
        # A CRC can look like the signature; the reading that agrees is the one meant.
        readings.insert(0, (struct.unpack(fmt, data[4:]), at + 4 + n))
    for values, end in readings:
        if _mismatch("", values, e) is None:
            return end
    raise _LayoutError(
        _mismatch(f"the data descriptor of {e.name!r} at offset {at}", readings[0][0], e) or ""
    )


def _mismatch(where: str, local: tuple[int, ...], e: _Eintrag) -> str | None:
    """How CRC and sizes *local* (found at *where*) differ from the central directory."""
    for label, found, listed in zip(
        ("CRC", "compressed size", "size"), local, (e.crc, e.gepackt, e.groesse), strict=True
    ):
        if found != listed:
            shown = (f"{found:08x}", f"{listed:08x}") if label == "CRC" else (found, listed)
            return f"{where} gives {label} {shown[0]}, the central directory {shown[1]}"
    return None


def _what_is_at(f: BinaryIO, pos: int) -> str:
    """A short description of unlisted bytes: a local record (named) or just data."""
    f.seek(pos)
    head = f.read(_LOCAL_SIZE)
    if len(head) == _LOCAL_SIZE and head[:4] == _LOCAL:
        flags, n = struct.unpack("<6xH18xH", head[:28])
        name = _name(f.read(n), flags)
        return f"a local record of {name!r}"
    return "data"
