"""xdomea 3.0.0 archival export (Aussonderung 0503) and its verification.

:func:`archive` writes ``<ProzessID>_Aussonderung.Aussonderung.0503.zip`` with the
message ``<ProzessID>_Aussonderung.Aussonderung.0503.xml``, all primary files flat
(``<uuid>_Vorlage.pdf``, ``<uuid>_Anlage<n>.<ext>``) and ``manifest.sha256``
(sha256sum format, every other entry of the ZIP). Each Vorlage becomes a
``Vorgang`` carrying the complete ratsdok XML in ``AnwendungsspezifischeErweiterungXML``;
its rendered PDF (PDF/A-2b) is a ``Dokument`` with each Anlage as nested ``Anlage``.

Identifiers and file names are uuid5 values derived from the Vorlage UUID; only
the ProzessID and the time differ per run. With both fixed, the ZIP is
byte-identical. :func:`verify_archive` checks a ZIP against its manifest and the
ratsdok digests, streaming every entry.
"""

from __future__ import annotations

import hashlib
import sys
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, TypeVar
from uuid import UUID, uuid4, uuid5

from lxml import etree

from ratsdok.errors import OutputError, Problem, RatsdokError
from ratsdok.integrity.check import PathLike, TeilArt, signature_marks, verify
from ratsdok.integrity.seal import seal
from ratsdok.model.vorlage import Anlage, Vorlage
from ratsdok.pdf.bundling import pdfa_from_rendered
from ratsdok.pdf.render import render_pdf
from ratsdok.store.atomic import atomic_output
from ratsdok.store.files import load, read_bytes
from ratsdok.version import NAMESPACE
from ratsdok.xml.mapping import to_xml
from ratsdok.xml.parser import parse_xml
from ratsdok.xml.schema import schema_dir

__all__ = [
    "XDOMEA_NS",
    "ArchivTeil",
    "ArchivVorgang",
    "ArchiveResult",
    "archive",
    "archive_name",
    "combined_schema_text",
    "dateiformat_code",
    "render_pdfa",
    "verify_archive",
]

XDOMEA_NS = "urn:xoev-de:xdomea:schema:3.0.0"
RATSDOK_NS = "urn:ratsdok:schema:1"
MANIFEST = "manifest.sha256"
_X = f"{{{XDOMEA_NS}}}"
_R = f"{{{NAMESPACE}}}"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1 << 16
_MAX_ENTRY = 4 << 30  # 4 GiB per entry
_MAX_TOTAL = 64 << 30
_MAX_RATIO = 200  # uncompressed / compressed beyond which an entry counts as a bomb

# Dateiformat 1.0 (corpus codelists/xdomea_3.0.0/Dateiformat_1.0.xml).
_DATEIFORMAT_MIME = {
    "application/pdf": "018",
    "image/bmp": "001",
    "text/csv": "002",
    "application/msword": "003",
    "message/rfc822": "006",
    "text/html": "008",
    "image/jpeg": "010",
    "application/vnd.ms-outlook": "012",
    "application/vnd.oasis.opendocument.presentation": "013",
    "application/vnd.oasis.opendocument.spreadsheet": "014",
    "application/vnd.oasis.opendocument.text": "015",
    "image/png": "019",
    "application/vnd.ms-powerpoint": "020",
    "application/postscript": "021",
    "application/rtf": "022",
    "text/rtf": "022",
    "image/tiff": "024",
    "application/vnd.ms-excel": "028",
    "application/xml": "030",
    "text/xml": "030",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "035",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "036",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "037",
    "text/plain": "045",
}
_DATEIFORMAT_EXT = {
    ".jpg": "011",
    ".jpe": "009",
    ".htm": "007",
    ".tif": "023",
    ".xsd": "031",
}


def dateiformat_code(medientyp: str, dateiname: str = "") -> str:
    """The xdomea Dateiformat 1.0 code for a media type (``100`` Sonstiges if unknown)."""
    mime = medientyp.split(";", 1)[0].strip().lower()
    ext = PurePosixPath(dateiname).suffix.lower()
    if mime in ("image/jpeg", "text/html", "image/tiff") and ext in _DATEIFORMAT_EXT:
        return _DATEIFORMAT_EXT[ext]
    return _DATEIFORMAT_MIME.get(mime, "100")


def archive_name(prozess_id: UUID) -> str:
    """``<ProzessID>_Aussonderung.Aussonderung.0503`` (without suffix)."""
    return f"{prozess_id}_Aussonderung.Aussonderung.0503"


# --------------------------------------------------------------------------- PDF/A


def render_pdfa(v: Vorlage, *, signiert: Mapping[int, str] | None = None) -> bytes:
    """The rendered Vorlage as PDF/A-2b (sRGB OutputIntent, XMP, no embedded files).

    Made and checked like a bundle (:func:`ratsdok.pdf.bundling.pdfa_from_rendered`,
    part 2): a file that does not pass :mod:`pikepdf.pdfa` raises a
    :class:`~ratsdok.errors.RatsdokError`. Dates are :func:`ratsdok.pdf.render.stichtag`.
    *signiert* marks signed Unterzeichnungen as in :func:`ratsdok.render_pdf`.
    """
    return pdfa_from_rendered(
        v, render_pdf(v, signiert=signiert), part=2, what=f"the archive PDF of {v.nummer}"
    )


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class _Datei:
    name: str
    source: Path | None
    inhalt: bytes | None


def _ids(v: Vorlage) -> tuple[UUID, UUID, str]:
    return uuid5(v.uuid, "dokument:vorlage"), uuid5(v.uuid, "datei:vorlage"), "_Vorlage.pdf"


def _anlage_file(v: Vorlage, a: Anlage) -> str:
    ext = PurePosixPath(a.dateiname).suffix.lower()
    if not (ext[1:].isascii() and ext[1:].isalnum()):
        ext = ""
    return f"{uuid5(v.uuid, f'datei:anlage:{a.nummer}')}_Anlage{a.nummer}{ext}"


def _anlage_datei(v: Vorlage, a: Anlage, folder: Path | None) -> _Datei:
    name = _anlage_file(v, a)
    if a.inhalt is not None:
        return _Datei(name, None, a.inhalt)
    if folder is None:
        raise RatsdokError(
            Problem(f"Anlage {a.nummer}: no file and no inline content", file=a.dateiname)
        )
    path = folder / a.dateiname
    if not path.is_file():
        raise RatsdokError(Problem(f"Anlage {a.nummer}: file is missing", file=str(path)))
    return _Datei(name, path, None)


# --------------------------------------------------------------------------- XML


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, _X + name)
    if text is not None:
        el.text = text
    return el


def _code(parent: etree._Element, name: str, uri: str, version: str, code: str) -> None:
    el = _sub(parent, name)
    el.set("listURI", uri)
    el.set("listVersionID", version)
    c = etree.SubElement(el, "code")
    c.text = code


def _medium(parent: etree._Element) -> None:
    _code(parent, "Medium", "urn:xoev-de:xdomea:codeliste:medium", "1.0", "001")


def _version(
    parent: etree._Element, code: str, fmt_version: str, dateiname: str, original: str
) -> None:
    ver = _sub(parent, "Version")
    _sub(ver, "Nummer", "1")
    fmt = _sub(ver, "Format")
    _code(fmt, "Name", "urn:xoev-de:xdomea:codeliste:dateiformat", "1.0", code)
    _sub(fmt, "Version", fmt_version)
    prim = _sub(fmt, "Primaerdokument")
    _sub(prim, "Dateiname", dateiname)
    _sub(prim, "DateinameOriginal", original)


def _vorgang(parent: etree._Element, v: Vorlage, nr: int, embedded: bytes) -> None:
    so = _sub(parent, "Schriftgutobjekt")
    vg = _sub(so, "Vorgang")
    ident = _sub(vg, "Identifikation")
    _sub(ident, "ID", str(v.uuid))
    _sub(ident, "NummerImUebergeordnetenContainer", str(nr))
    meta = _sub(vg, "AllgemeineMetadaten")
    _sub(meta, "Betreff", f"{v.nummer} {v.betreff}")
    _sub(meta, "Kennzeichen", str(v.nummer))
    if v.federfuehrung is not None:
        _sub(meta, "Federfuehrung", v.federfuehrung.name)
    _medium(meta)
    if v.art is not None:
        _sub(vg, "Typ", v.art.bezeichnung)
    termine = [b.sitzungstermin for b in v.beratungsfolge if b.sitzungstermin is not None]
    if termine:
        lz = _sub(vg, "Laufzeit")
        _sub(lz, "Beginn", min(termine).isoformat())
        _sub(lz, "Ende", max(termine).isoformat())
    doc_id, file_id, suffix = _ids(v)
    dok = _sub(vg, "Dokument")
    ident = _sub(dok, "Identifikation")
    _sub(ident, "ID", str(doc_id))
    _sub(ident, "NummerImUebergeordnetenContainer", "1")
    meta = _sub(dok, "AllgemeineMetadaten")
    _sub(meta, "Betreff", f"{v.nummer} {v.betreff}")
    _sub(meta, "Kennzeichen", str(v.nummer))
    _medium(meta)
    if v.datum is not None:
        _sub(dok, "DatumDesSchreibens", v.datum.isoformat())
    _sub(dok, "Typ", "Vorlage")
    _version(dok, "044", "PDF/A-2b", f"{file_id}{suffix}", "vorlage.pdf")
    for a in v.anlagen:
        an = _sub(dok, "Anlage")
        ident = _sub(an, "Identifikation")
        _sub(ident, "ID", str(uuid5(v.uuid, f"dokument:anlage:{a.nummer}")))
        meta = _sub(an, "AllgemeineMetadaten")
        _sub(meta, "Betreff", a.titel)
        _medium(meta)
        _sub(an, "Typ", "Anlage")
        _version(
            an, dateiformat_code(a.medientyp, a.dateiname), "", _anlage_file(v, a), a.dateiname
        )
        _sub(an, "Nummer", str(a.nummer))
    ext = _sub(vg, "AnwendungsspezifischeErweiterungXML")
    ext.append(parse_xml(embedded).getroot())


def _kopf(vorlagen: Sequence[Vorlage], prozess_id: UUID, zeitpunkt: datetime) -> etree._Element:
    holder = etree.Element(_X + "Aussonderung.Aussonderung.0503", nsmap={"xdomea": XDOMEA_NS})
    kopf = _sub(holder, "Kopf")
    _sub(kopf, "ProzessID", str(prozess_id))
    typ = _sub(kopf, "Nachrichtentyp")
    typ.set("listURI", "urn:xoev-de:xdomea:codeliste:nachrichtentyp")
    typ.set("listVersionID", "2.0")
    etree.SubElement(typ, "code").text = "0503"
    etree.SubElement(typ, "name").text = "Aussonderung.Aussonderung"
    ts = zeitpunkt.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    _sub(kopf, "Erstellungszeitpunkt", ts)
    koerperschaft = next((v.koerperschaft for v in vorlagen if v.koerperschaft), None)
    absender = _sub(kopf, "Absender")
    _sub(_sub(absender, "Institution"), "Name", koerperschaft or "Kreistagsbüro")
    empf = _sub(kopf, "Empfaenger")
    _sub(_sub(empf, "Institution"), "Name", "Kreisarchiv")
    _sub(kopf, "Importbestaetigung", "1")
    _sub(kopf, "RueckmeldungArchivkennung", "1")
    _sub(kopf, "Empfangsbestaetigung", "1")
    return kopf


class _HashingWriter:
    """A write-only file object that hashes what passes through."""

    def __init__(self, dst: IO[bytes]) -> None:
        self.dst = dst
        self.hash = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return self.dst.write(data)


def _write_message(
    dst: IO[bytes] | _HashingWriter,
    items: Sequence[_Eingang],
    prozess_id: UUID,
    zeitpunkt: datetime,
) -> None:
    """Stream the 0503 message: one Vorgang subtree in memory at a time."""
    vorlagen = [e.vorlage for e in items]
    with etree.xmlfile(dst, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(_X + "Aussonderung.Aussonderung.0503", nsmap={"xdomea": XDOMEA_NS}):
            xf.write("\n  ")
            xf.write(_kopf(vorlagen, prozess_id, zeitpunkt), pretty_print=True)
            for nr, e in enumerate(items, start=1):
                holder = etree.Element(_X + "holder", nsmap={"xdomea": XDOMEA_NS})
                _vorgang(holder, e.vorlage, nr, _sealed(e)[0])
                xf.write("  ")
                xf.write(holder[0], pretty_print=True)


def combined_schema_text(xdomea_xsd: Path) -> str:
    """A driver XSD importing xdomea 3.0.0 (*xdomea_xsd*) and the ratsdok schema.

    Validating a 0503 with it also validates the embedded ratsdok block (the
    extension element is ``xs:any processContents="lax"``). Write it into a
    temporary folder and load it with :class:`lxml.etree.XMLSchema`.
    """
    ratsdok_xsd = (schema_dir() / "ratsdok.xsd").resolve().as_uri()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"'
        ' targetNamespace="urn:ratsdok:archiv:kombiniert" elementFormDefault="qualified">\n'
        f'  <xs:import namespace="{XDOMEA_NS}" schemaLocation="{xdomea_xsd.resolve().as_uri()}"/>\n'
        f'  <xs:import namespace="{RATSDOK_NS}" schemaLocation="{ratsdok_xsd}"/>\n'
        "</xs:schema>\n"
    )


# --------------------------------------------------------------------------- writing

T = TypeVar("T")
R = TypeVar("R")

VorlageInput = Path | str | tuple[Vorlage, Path | None]


@dataclass(frozen=True)
class _Eingang:
    vorlage: Vorlage
    folder: Path | None
    quelle: bytes | None
    """The source XML file's bytes, archived with its seal and signatures."""


def _load_all(vorlagen: Iterable[VorlageInput]) -> list[_Eingang]:
    out: list[_Eingang] = []
    for item in vorlagen:
        if isinstance(item, tuple):
            out.append(_Eingang(item[0], item[1], None))
        else:
            p = Path(item)
            out.append(_Eingang(load(p), p.parent, read_bytes(p)))
    return out


def _signed(quelle: bytes | None) -> bool:
    if quelle is None:
        return False
    signaturen = parse_xml(quelle).getroot().find(f"{_R}nachrichteninhalt/{_R}signaturen")
    return signaturen is not None and len(signaturen) > 0


def _sealed(e: _Eingang) -> tuple[bytes, bool]:
    """The sealed ratsdok XML to archive, and whether it carries the source's signatures.

    A signed source file is archived as it is, with its signatures: it is the
    record that was signed (even where the model got Anlage digests from the
    files). Otherwise the model is written, digests included.
    """
    if e.quelle is None:
        return seal(to_xml(e.vorlage)), False
    sealed = seal(e.quelle, refresh=False)  # a broken seal of the source must not be hidden
    if _signed(e.quelle):
        return sealed, True
    return seal(to_xml(e.vorlage)), False


def _render(e: _Eingang) -> bytes:
    """The Vorlage as PDF/A-2b, its signed blocks marked (runs in a worker process)."""
    sealed, signed = _sealed(e)
    return render_pdfa(e.vorlage, signiert=signature_marks(sealed) if signed else None)


def _ordered_map(
    fn: Callable[[T], R], items: Sequence[T], workers: int, window: int = 8
) -> Iterator[R]:
    """Like ``executor.map`` but with at most *window* results pending (bounded memory)."""
    if workers <= 1 or len(items) <= 1:
        yield from map(fn, items)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[R]] = deque()
        it = iter(items)
        for item in it:
            pending.append(pool.submit(fn, item))
            if len(pending) >= window:
                break
        while pending:
            result = pending.popleft().result()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(pool.submit(fn, nxt))
            yield result


def _zipinfo(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


def _write_entry(zf: zipfile.ZipFile, name: str, src: IO[bytes] | bytes) -> str:
    h = hashlib.sha256()
    with zf.open(_zipinfo(name), "w", force_zip64=True) as dst:
        if isinstance(src, bytes):
            h.update(src)
            dst.write(src)
        else:
            while chunk := src.read(_CHUNK):
                h.update(chunk)
                dst.write(chunk)
    return h.hexdigest()


class _Progress:
    def __init__(self, total: int) -> None:
        self.total = total
        self.on = sys.stderr.isatty()

    def step(self, i: int) -> None:
        if self.on:
            sys.stderr.write(f"\rarchive: {i}/{self.total} Vorlagen")
            sys.stderr.flush()

    def done(self) -> None:
        if self.on:
            sys.stderr.write("\n")


def archive(
    vorlagen: Iterable[VorlageInput],
    out_dir: Path | str,
    *,
    prozess_id: UUID | None = None,
    zeitpunkt: datetime | None = None,
    workers: int = 2,
) -> Path:
    """Write one xdomea 3.0.0 Aussonderung 0503 ZIP for *vorlagen* into *out_dir*.

    *vorlagen* are paths of ratsdok XML files (Anlagen next to them) or
    ``(Vorlage, folder)`` pairs. Returns the path of the ZIP.
    """
    items = _load_all(vorlagen)
    if not items:
        raise RatsdokError(Problem("no Vorlagen to archive"))
    seen: set[UUID] = set()
    for v in (e.vorlage for e in items):
        if v.uuid in seen:
            raise RatsdokError(Problem(f"Vorlage {v.nummer} ({v.uuid}) given twice"))
        seen.add(v.uuid)
    pid = prozess_id or uuid4()
    when = zeitpunkt or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    out = Path(out_dir)
    if not out.is_dir():
        raise OutputError(Problem("output folder does not exist", file=str(out)))
    plans = [[_anlage_datei(e.vorlage, a, e.folder) for a in e.vorlage.anlagen] for e in items]
    name = archive_name(pid)
    target = out / f"{name}.zip"
    manifest: list[tuple[str, str]] = []
    progress = _Progress(len(items))
    with atomic_output(target) as f, zipfile.ZipFile(f, "w", allowZip64=True) as zf:
        for i, (pdf, e, dateien) in enumerate(
            zip(_ordered_map(_render, items, workers), items, plans, strict=True), 1
        ):
            _, file_id, suffix = _ids(e.vorlage)
            pdf_name = f"{file_id}{suffix}"
            manifest.append((pdf_name, _write_entry(zf, pdf_name, pdf)))
            for d in dateien:
                if d.inhalt is not None:
                    digest = _write_entry(zf, d.name, d.inhalt)
                else:
                    assert d.source is not None
                    with d.source.open("rb") as src:
                        digest = _write_entry(zf, d.name, src)
                manifest.append((d.name, digest))
            progress.step(i)
        xml_name = f"{name}.xml"
        with zf.open(_zipinfo(xml_name), "w", force_zip64=True) as dst:
            writer = _HashingWriter(dst)
            _write_message(writer, items, pid, when)
        manifest.append((xml_name, writer.hash.hexdigest()))
        text = "".join(f"{h}  {n}\n" for n, h in sorted(manifest))
        _write_entry(zf, MANIFEST, text.encode("ascii"))
    progress.done()
    return target


# --------------------------------------------------------------------------- verifying


@dataclass(frozen=True)
class ArchivTeil:
    """One checked file of the archive."""

    name: str
    ok: bool
    reason: str


@dataclass(frozen=True)
class ArchivVorgang:
    """The checks of one Vorlage (Vorgang)."""

    uuid: str
    nummer: str
    teile: tuple[ArchivTeil, ...]

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.teile)


@dataclass(frozen=True)
class ArchiveResult:
    """Outcome of :func:`verify_archive`."""

    path: str
    vorgaenge: tuple[ArchivVorgang, ...]
    allgemein: tuple[ArchivTeil, ...]

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.allgemein) and all(v.ok for v in self.vorgaenge)


def _unsafe(name: str) -> bool:
    if not name or "\\" in name or name.startswith("/") or "\x00" in name:
        return True
    parts = name.split("/")
    return ".." in parts or (len(parts[0]) == 2 and parts[0][1] == ":") or len(parts) > 1


def _hash_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[str, int]:
    h = hashlib.sha256()
    n = 0
    limit = min(_MAX_ENTRY, max(info.compress_size, 1) * _MAX_RATIO + (1 << 20))
    with zf.open(info) as src:
        while chunk := src.read(_CHUNK):
            n += len(chunk)
            if n > limit:
                raise _BombError(f"{info.filename}: expands beyond {limit} bytes (zip bomb?)")
            h.update(chunk)
    return h.hexdigest(), n


class _BombError(Exception):
    pass


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    buf = bytearray()
    with zf.open(info) as src:
        while chunk := src.read(_CHUNK):
            buf += chunk
            if len(buf) > limit:
                raise _BombError(f"{info.filename}: larger than {limit} bytes")
    return bytes(buf)


def _fail(path: Path, reason: str, name: str = "archive") -> ArchiveResult:
    return ArchiveResult(str(path), (), (ArchivTeil(name, False, reason),))


def verify_archive(
    zip_path: Path | str,
    *,
    trust: Sequence[PathLike | bytes] | PathLike | bytes | None = None,
    max_xml: int = 512 << 20,
) -> ArchiveResult:
    """Check an archive ZIP: every file against the manifest and the ratsdok digests,
    and each embedded Vorlage's seal and signatures (see :func:`ratsdok.verify`;
    *trust* names the CA certificates, without it signatures count as untrusted).
    """
    path = Path(zip_path)
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, EOFError, ValueError, NotImplementedError, zipfile.BadZipFile) as exc:
        return _fail(path, f"not a readable ZIP: {exc}")
    with zf:
        infos = zf.infolist()
        for info in infos:
            if _unsafe(info.filename):
                return _fail(path, f"unsafe entry name {info.filename!r}", info.filename)
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            return _fail(path, "duplicate entry names")
        if sum(i.file_size for i in infos) > _MAX_TOTAL:
            return _fail(path, "declared size too large (zip bomb?)")
        by_name = {i.filename: i for i in infos}
        xml_names = [n for n in names if n.endswith("_Aussonderung.Aussonderung.0503.xml")]
        if len(xml_names) != 1 or MANIFEST not in by_name:
            return _fail(path, "0503 message or manifest.sha256 missing")
        allgemein: list[ArchivTeil] = []
        if path.name != xml_names[0][:-4] + ".zip":
            # xdomea names the ZIP after the message; a renamed download is still checked.
            allgemein.append(
                ArchivTeil(path.name, False, f"ZIP name does not match message {xml_names[0]}")
            )
        try:
            manifest_text = _read_small(zf, by_name[MANIFEST], 64 << 20).decode("ascii")
            soll: dict[str, str] = {}
            lines = manifest_text.split("\n")  # sha256sum format: LF-terminated lines
            if lines.pop() != "":
                return _fail(path, "manifest does not end with a line break", MANIFEST)
            for line in lines:
                h, sep, n = line.partition("  ")
                if not sep or len(h) != 64 or n in soll:
                    return _fail(path, f"bad manifest line {line!r}", MANIFEST)
                soll[n] = h
            ist: dict[str, tuple[str, int]] = {}
            for info in infos:
                if info.filename != MANIFEST:
                    ist[info.filename] = _hash_entry(zf, info)
            xml = _read_small(zf, by_name[xml_names[0]], max_xml)
        except (
            _BombError,
            UnicodeDecodeError,
            zipfile.BadZipFile,
            OSError,
            EOFError,
            zlib.error,
            RuntimeError,  # an encrypted entry
            NotImplementedError,  # an unsupported compression method
            ValueError,
        ) as exc:
            return _fail(path, f"unreadable entry: {exc}")
    extra = sorted(set(ist) - set(soll))
    missing = sorted(set(soll) - set(ist))
    for n in extra:
        allgemein.append(ArchivTeil(n, False, "not in the manifest"))
    for n in missing:
        allgemein.append(ArchivTeil(n, False, "listed in the manifest but missing"))
    ok_manifest = {n for n in ist if n in soll and soll[n] == ist[n][0]}
    xml_name = xml_names[0]
    allgemein.append(
        ArchivTeil(
            xml_name,
            xml_name in ok_manifest,
            "ok" if xml_name in ok_manifest else "SHA-256 differs from the manifest",
        )
    )
    try:
        root = parse_xml(xml, source=xml_name, max_bytes=max_xml).getroot()
    except RatsdokError as exc:
        allgemein.append(ArchivTeil(xml_name, False, str(exc)))
        return ArchiveResult(str(path), (), tuple(allgemein))
    vorgaenge: list[ArchivVorgang] = []
    referenced: set[str] = {xml_name}
    for vg in root.iterfind(f"{_X}Schriftgutobjekt/{_X}Vorgang"):
        vorgaenge.append(_check_vorgang(vg, ist, ok_manifest, referenced, trust))
    for n in sorted(set(ist) - referenced):
        allgemein.append(ArchivTeil(n, False, "not referenced by any Vorgang"))
    if not vorgaenge:
        allgemein.append(ArchivTeil(xml_name, False, "no Vorgang in the message"))
    return ArchiveResult(str(path), tuple(vorgaenge), tuple(allgemein))


def _check_file(
    name: str,
    ist: dict[str, tuple[str, int]],
    ok_manifest: set[str],
    sha256: str | None = None,
    groesse: int | None = None,
) -> ArchivTeil:
    if name not in ist:
        return ArchivTeil(name, False, "file missing from the ZIP")
    if name not in ok_manifest:
        return ArchivTeil(name, False, "SHA-256 differs from the manifest")
    digest, size = ist[name]
    if groesse is not None and size != groesse:
        return ArchivTeil(name, False, f"size {size} differs from ratsdok groesse {groesse}")
    if sha256 is not None and digest != sha256:
        return ArchivTeil(name, False, "SHA-256 differs from the ratsdok digest")
    return ArchivTeil(name, True, "ok")


def _check_vorgang(
    vg: etree._Element,
    ist: dict[str, tuple[str, int]],
    ok_manifest: set[str],
    referenced: set[str],
    trust: Sequence[PathLike | bytes] | PathLike | bytes | None,
) -> ArchivVorgang:
    uid = vg.findtext(f"{_X}Identifikation/{_X}ID") or "?"
    nummer = vg.findtext(f"{_X}AllgemeineMetadaten/{_X}Kennzeichen") or "?"
    teile: list[ArchivTeil] = []
    block = vg.find(f"{_X}AnwendungsspezifischeErweiterungXML")
    v: Vorlage | None = None
    if block is None or len(block) != 1:
        teile.append(ArchivTeil("ratsdok", False, "embedded ratsdok XML missing"))
    else:
        try:
            # Anlagen are checked below against the ZIP; here the seal and signatures.
            result = verify(etree.tostring(block[0]), trust=trust)
        except RatsdokError as exc:
            teile.append(ArchivTeil("ratsdok", False, f"embedded ratsdok XML invalid: {exc}"))
        else:
            v = result.vorlage
            teile.append(ArchivTeil("ratsdok", True, "ok"))
            teile.extend(
                ArchivTeil(t.label, t.ok, str(t))
                for t in result.parts
                if t.kind is not TeilArt.ANLAGE
            )
    if v is not None and str(v.uuid) != uid:
        teile.append(ArchivTeil("ratsdok", False, "Vorgang ID differs from the Vorlage uuid"))
    anlagen = {_anlage_file(v, a): a for a in v.anlagen} if v is not None else {}
    for prim in vg.iter(f"{_X}Primaerdokument"):
        name = prim.findtext(f"{_X}Dateiname") or ""
        referenced.add(name)
        a = anlagen.pop(name, None)
        if a is not None:
            teile.append(_check_file(name, ist, ok_manifest, a.sha256, a.groesse))
        else:
            teile.append(_check_file(name, ist, ok_manifest))
    for name, a in anlagen.items():
        teile.append(ArchivTeil(name, False, f"Anlage {a.nummer} has no Dokument in the message"))
    return ArchivVorgang(uid, nummer, tuple(teile))
