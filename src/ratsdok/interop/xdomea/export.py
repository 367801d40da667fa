"""The parts of an xdomea 3.0.0 archival export: one Vorlage's work and the ZIP entries.

A 0503 ZIP (written by :mod:`~ratsdok.interop.xdomea.batch`) holds the message
``<ProzessID>_Aussonderung.Aussonderung.0503.xml``
(:mod:`~ratsdok.interop.xdomea.message`), all primary files flat
(``<uuid>_Vorlage.pdf``, or ``<uuid>_Hauptdokument.<ext>`` where the Vorlage is a file,
and ``<uuid>_Anlage<n>.<ext>``, see :mod:`~ratsdok.interop.xdomea.names`) and
``manifest.sha256`` (sha256sum format, every other entry of the ZIP). The rendered
Vorlage is PDF/A-2a + PDF/UA-1.

Here: what one Vorlage contributes (:func:`plan_dateien`, :func:`render_unit`, run in a
worker) and how entries are written (fixed date, deflate, mode 0644), so that with the
ProzessID and the time fixed the ZIP is byte-identical.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ratsdok.errors import Problem, RatsdokError
from ratsdok.integrity.record import Keep, sealed_record
from ratsdok.integrity.verify import signature_marks
from ratsdok.interop.xdomea.names import anlage_file_name, hauptdokument_file_name
from ratsdok.model.vorlage import Anlage, Vorlage
from ratsdok.pdf.ansicht import tabellen_ohne_kopf
from ratsdok.pdf.render import ARCHIV, render
from ratsdok.pdf.validation import gate_tagged
from ratsdok.xml.mapping import ParsedDocument, parse_document

__all__ = [
    "Datei",
    "Eingang",
    "HashingWriter",
    "VorlageInput",
    "plan_dateien",
    "render_pdfa",
    "render_unit",
    "write_entry",
    "zip_info",
]

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1 << 16

VorlageInput = Path | str | tuple[Vorlage, Path | None]
"""A ratsdok XML file (its Anlagen beside it), or a Vorlage and the folder of its Anlagen."""


def render_pdfa(v: Vorlage, *, signiert: Mapping[int, str] | None = None) -> bytes:
    """The rendered Vorlage as PDF/A-2a + PDF/UA-1 (tagged, no embedded files).

    Checked before it is used: a file that ``page`` does not accept at both levels,
    or that fails ratsdok's structure checks, raises a
    :class:`~ratsdok.errors.RatsdokError`. Dates are :func:`ratsdok.pdf.render.stichtag`.
    *signiert* marks signed Unterzeichnungen as in :func:`ratsdok.render_pdf`.
    """
    data = render(v, signiert=signiert, standards=ARCHIV)
    what = f"the archive PDF of {v.nummer}"
    gate_tagged(data, ["2a", "ua1"], what=what, ohne_kopf=tabellen_ohne_kopf(v))
    return data


@dataclass(frozen=True)
class Datei:
    """A file of a Vorlage as it goes into the ZIP: its entry name and where its bytes
    are (a path, or the inline content)."""

    name: str
    source: Path | None
    inhalt: bytes | None


def _datei(
    name: str, dateiname: str | None, inhalt: bytes | None, folder: Path | None, what: str
) -> Datei:
    """Where the bytes of a file of the Vorlage come from (*what* names it in errors)."""
    if inhalt is not None:
        return Datei(name, None, inhalt)
    if folder is None:
        raise RatsdokError(Problem(f"{what}: no file and no inline content", file=dateiname))
    assert dateiname is not None  # only files are planned
    path = folder / dateiname
    if not path.is_file():
        raise RatsdokError(Problem(f"{what}: file is missing", file=str(path)))
    return Datei(name, path, None)


def _anlage_datei(v: Vorlage, a: Anlage, folder: Path | None) -> Datei:
    return _datei(anlage_file_name(v, a), a.dateiname, a.inhalt, folder, f"Anlage {a.nummer}")


def plan_dateien(e: Eingang) -> list[Datei]:
    """The files of one Vorlage besides its rendered PDF: the Hauptdokument (which
    stands for the rendered PDF), then the Anlagen with a file."""
    v = e.vorlage
    out = [_anlage_datei(v, a, e.folder) for a in v.dateianlagen]
    h = v.hauptdokument
    if h is not None:
        name = hauptdokument_file_name(v)
        out.insert(0, _datei(name, h.dateiname, h.inhalt, e.folder, "Hauptdokument"))
    return out


class HashingWriter:
    """A write-only file object that hashes what passes through."""

    def __init__(self, dst: IO[bytes]) -> None:
        self.dst = dst
        self.hash = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return self.dst.write(data)


@dataclass(frozen=True)
class Eingang:
    """One Vorlage to archive, with the folder of its files."""

    vorlage: Vorlage
    folder: Path | None
    quelle: bytes | None
    """The source XML file's bytes, archived with its seal and signatures."""
    trust: bytes | None = None
    """The trusted CA certificates (PEM), for marking signed blocks."""


def _record(e: Eingang) -> tuple[ParsedDocument, bool]:
    """The sealed document to archive, and whether it carries the source's signatures.

    A signed source file is archived as it is, with its signatures: it is the
    record that was signed (even where the model got Anlage digests from the
    files). Otherwise the model is written, digests included.
    """
    source = parse_document(e.quelle) if e.quelle is not None else None
    return sealed_record(e.vorlage, source, keep=Keep.SIGNED)


def render_unit(e: Eingang) -> tuple[bytes | None, bytes]:
    """One Vorlage's share of the archive (runs in a worker process): its rendered
    PDF/A-2a + PDF/UA-1 with the signed blocks marked (none where a Hauptdokument is the Vorlage),
    and its sealed ratsdok XML."""
    doc, signed = _record(e)
    if e.vorlage.hauptdokument is not None:
        return None, doc.to_bytes()
    # The record that is archived is rendered, so that verify_archive can render it
    # again and compare bytes (a signed source file may lack digests e.vorlage has).
    marks = signature_marks(doc, trust=e.trust) if signed else None
    pdf = render_pdfa(doc.vorlage, signiert=marks)
    return pdf, doc.to_bytes()


def zip_info(name: str) -> zipfile.ZipInfo:
    """The entry header: fixed date, deflate, mode 0644, Unix (the same bytes each run)."""
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


def write_entry(zf: zipfile.ZipFile, name: str, src: IO[bytes] | bytes) -> str:
    """Write entry *name* from bytes or a stream (in chunks); return its SHA-256."""
    h = hashlib.sha256()
    with zf.open(zip_info(name), "w", force_zip64=True) as dst:
        if isinstance(src, bytes):
            h.update(src)
            dst.write(src)
        else:
            while chunk := src.read(_CHUNK):
                h.update(chunk)
                dst.write(chunk)
    return h.hexdigest()
