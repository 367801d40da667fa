"""Verifying an xdomea 0503 archive ZIP that ratsdok wrote.

:func:`verify_archive` streams every entry, compares it with ``manifest.sha256``
and with the size and SHA-256 the embedded ratsdok XML records (for the Anlagen and
the Hauptdokument), and verifies
each embedded Vorlage's seal and signatures (``docs/xdomea.md#verification``).
The result is a :class:`~ratsdok.report.Report`: checks on the archive as a
whole, and one section per Vorgang.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ratsdok._types import PathLike, TrustSource
from ratsdok.errors import RatsdokError
from ratsdok.integrity.bindung import Bindungen
from ratsdok.integrity.verify import mark_candidates, verify_document
from ratsdok.interop.xdomea.message import vorgang_metadaten
from ratsdok.interop.xdomea.names import (
    MANIFEST,
    MESSAGE_SUFFIX,
    X,
    anlage_file_name,
    hauptdokument_file_name,
    vorlage_pdf_name,
)
from ratsdok.interop.xdomea.zipform import layout_problem
from ratsdok.model.vorlage import Anlage, Hauptdokument, Vorlage
from ratsdok.pdf.names import MAX_PDF_BYTES
from ratsdok.pdf.render import ARCHIV, render
from ratsdok.report import Check, Kind, Report, Status
from ratsdok.xml.mapping import parse_document
from ratsdok.xml.parser import parse_xml

__all__ = ["ArchivTeil", "ArchivVorgang", "ArchiveResult", "verify_archive"]

_CHUNK = 1 << 16
MAX_ENTRY = 4 << 30
"""Default limit of one entry's uncompressed size (4 GiB)."""
MAX_TOTAL = 64 << 30
"""Default limit of all entries' uncompressed size together (64 GiB)."""
MAX_ENTRIES = 1_000_000
"""Default limit of the number of entries."""
_LAYOUT = "ZIP layout"


@dataclass(frozen=True)
class ArchivTeil:
    """Deprecated (ratsdok 0.1): one checked part as ``name``, ``ok`` and ``reason``.

    A read-only view of a :class:`~ratsdok.report.Check`; use the checks of the
    report instead.
    """

    name: str
    ok: bool
    reason: str

    @classmethod
    def of(cls, c: Check) -> ArchivTeil:
        """The 0.1 view of *c* (0.1 wrote "ok" for good files, "status: reason" for
        seal and signatures)."""
        if c.kind in (Kind.PRUEFSUMME, Kind.SIGNATUR):
            return cls(c.label, c.ok, c.verdict())
        return cls(c.label, c.ok, "ok" if c.ok else c.reason)


class ArchivVorgang(Report):
    """The section of an archive report on one Vorgang (one Vorlage)."""

    uuid: str
    """The Vorgang's ID in the message."""
    nummer: str
    """The Drucksachennummer of the sealed ratsdok XML (the message's Kennzeichen only
    where that XML cannot be read; a Kennzeichen that differs is a failed check)."""

    def __init__(
        self,
        source: str,
        uuid: str,
        nummer: str,
        checks: tuple[Check, ...],
        facts: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(source, checks, title=f"Vorgang {nummer} ({uuid})", facts=facts)
        object.__setattr__(self, "uuid", uuid)
        object.__setattr__(self, "nummer", nummer)

    @property
    def teile(self) -> tuple[ArchivTeil, ...]:
        """Deprecated: :attr:`checks` as :class:`ArchivTeil` views."""
        return tuple(ArchivTeil.of(c) for c in self.checks)


class ArchiveResult(Report):
    """The report on an archive ZIP: archive-wide checks, one section per Vorgang."""

    def __init__(
        self, path: str, vorgaenge: tuple[ArchivVorgang, ...], checks: tuple[Check, ...]
    ) -> None:
        super().__init__(path, checks, sections=vorgaenge, title="xdomea 0503 archive")

    @property
    def path(self) -> str:
        """Deprecated: :attr:`source`."""
        return self.source

    @property
    def vorgaenge(self) -> tuple[ArchivVorgang, ...]:
        """The sections, one per Vorgang."""
        return tuple(s for s in self.sections if isinstance(s, ArchivVorgang))

    @property
    def allgemein(self) -> tuple[ArchivTeil, ...]:
        """Deprecated: :attr:`checks` as :class:`ArchivTeil` views."""
        return tuple(ArchivTeil.of(c) for c in self.checks)


def _archiv(label: str, status: Status, reason: str) -> Check:
    return Check(Kind.ARCHIV, label, status, reason)


def _datei(label: str, status: Status, reason: str) -> Check:
    return Check(Kind.DATEI, label, status, reason)


def _unsafe(name: str) -> bool:
    if not name or "\\" in name or name.startswith("/") or "\x00" in name:
        return True
    parts = name.split("/")
    return ".." in parts or (len(parts[0]) == 2 and parts[0][1] == ":") or len(parts) > 1


class _BombError(Exception):
    pass


def _hash_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> tuple[str, int]:
    """SHA-256 and size of an entry, read in chunks and stopped beyond *limit* bytes
    or beyond its declared size (absolute limits: a ratio of compressed to
    uncompressed size refused real archives, a CSV of repeated rows among them)."""
    h = hashlib.sha256()
    n = 0
    limit = min(limit, info.file_size)
    with zf.open(info) as src:
        while chunk := src.read(_CHUNK):
            n += len(chunk)
            if n > limit:
                raise _BombError(f"{info.filename}: expands beyond {limit} bytes (zip bomb?)")
            h.update(chunk)
    return h.hexdigest(), n


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    buf = bytearray()
    with zf.open(info) as src:
        while chunk := src.read(_CHUNK):
            buf += chunk
            if len(buf) > limit:
                raise _BombError(f"{info.filename}: larger than {limit} bytes")
    return bytes(buf)


def _fail(path: Path, reason: str, name: str = "archive") -> ArchiveResult:
    return ArchiveResult(str(path), (), (_archiv(name, Status.INVALID, reason),))


def verify_archive(
    zip_path: PathLike,
    *,
    trust: TrustSource = None,
    max_xml: int = 512 << 20,
    max_entry: int = MAX_ENTRY,
    max_total: int = MAX_TOTAL,
    max_entries: int = MAX_ENTRIES,
    require_signatures: bool = False,
    bindung: Bindungen | None = None,
) -> ArchiveResult:
    """Check an archive ZIP: every file against the manifest and the ratsdok digests,
    and each embedded Vorlage's seal and signatures (see :func:`ratsdok.verify`;
    *trust* names the CA certificates, without it signatures count as untrusted).

    Entries are read in chunks within absolute limits (*max_entry* bytes each,
    *max_total* in all, *max_entries* entries; defaults sized for real Kreis
    archives): beyond them, or beyond an entry's declared size, the ZIP is refused.
    So is a ZIP whose local records do not match its central directory one to one
    (:mod:`~ratsdok.interop.xdomea.zipform`): streaming readers would see other files.
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
        if len(infos) > max_entries:
            return _fail(path, f"more than {max_entries} entries")
        if sum(i.file_size for i in infos) > max_total:
            return _fail(path, f"declared size above {max_total} bytes (zip bomb?)")
        for info in infos:
            if info.file_size > max_entry:
                return _fail(path, f"declared size above {max_entry} bytes", info.filename)
        try:
            with path.open("rb") as raw:
                layout = layout_problem(raw)
        except OSError as exc:
            return _fail(path, f"not a readable ZIP: {exc}")
        if layout is not None:
            # Another reader would see other entries than the ones checked below.
            return _fail(path, layout, _LAYOUT)
        by_name = {i.filename: i for i in infos}
        xml_names = [n for n in names if n.endswith(MESSAGE_SUFFIX)]
        if len(xml_names) != 1 or MANIFEST not in by_name:
            return _fail(path, "0503 message or manifest.sha256 missing")
        allgemein: list[Check] = [
            _archiv(
                _LAYOUT,
                Status.OK,
                "one local record per central-directory entry, agreeing with it, from "
                "offset 0 to the central directory; nothing else in the file",
            )
        ]
        if path.name != xml_names[0][:-4] + ".zip":
            # xdomea names the ZIP after the message; a renamed download is still checked.
            allgemein.append(
                _archiv(
                    path.name, Status.INVALID, f"ZIP name does not match message {xml_names[0]}"
                )
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
                    ist[info.filename] = _hash_entry(zf, info, max_entry)
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
    for n in sorted(set(ist) - set(soll)):
        allgemein.append(_datei(n, Status.UNLISTED, "not in the manifest"))
    for n in sorted(set(soll) - set(ist)):
        allgemein.append(_datei(n, Status.MISSING, "listed in the manifest but missing"))
    ok_manifest = {n for n in ist if n in soll and soll[n] == ist[n][0]}
    xml_name = xml_names[0]
    allgemein.append(
        _datei(xml_name, Status.OK, "SHA-256 matches the manifest")
        if xml_name in ok_manifest
        else _datei(xml_name, Status.CHANGED, "SHA-256 differs from the manifest")
    )
    try:
        root = parse_xml(xml, source=xml_name, max_bytes=max_xml).getroot()
    except RatsdokError as exc:
        allgemein.append(Check(Kind.DOKUMENT, xml_name, Status.INVALID, str(exc)))
        return ArchiveResult(str(path), (), tuple(allgemein))

    def lesen(name: str) -> bytes | None:
        try:
            with zipfile.ZipFile(path) as again:
                return _read_small(again, again.getinfo(name), MAX_PDF_BYTES)
        except (_BombError, zipfile.BadZipFile, OSError, KeyError, zlib.error, ValueError):
            return None

    vorgaenge: list[ArchivVorgang] = []
    referenced: set[str] = {xml_name}
    for vg in root.iterfind(f"{X}Schriftgutobjekt/{X}Vorgang"):
        vorgaenge.append(
            _check_vorgang(
                str(path),
                vg,
                ist,
                ok_manifest,
                referenced,
                trust,
                lesen,
                require_signatures,
                bindung,
            )
        )
    for n in sorted(set(ist) - referenced):
        allgemein.append(_datei(n, Status.UNLISTED, "not referenced by any Vorgang"))
    if not vorgaenge:
        allgemein.append(
            Check(Kind.DOKUMENT, xml_name, Status.MISSING, "no Vorgang in the message")
        )
    return ArchiveResult(str(path), tuple(vorgaenge), tuple(allgemein))


def _check_file(
    name: str,
    ist: dict[str, tuple[str, int]],
    ok_manifest: set[str],
    sha256: str | None = None,
    groesse: int | None = None,
    *,
    recorded: bool = False,
) -> Check:
    if name not in ist:
        return _datei(name, Status.MISSING, "file missing from the ZIP")
    if name not in ok_manifest:
        return _datei(name, Status.CHANGED, "SHA-256 differs from the manifest")
    digest, size = ist[name]
    if groesse is not None and size != groesse:
        return _datei(name, Status.CHANGED, f"size {size} differs from ratsdok groesse {groesse}")
    if sha256 is not None and digest != sha256:
        return _datei(name, Status.CHANGED, "SHA-256 differs from the ratsdok digest")
    if sha256 is not None:
        return _datei(name, Status.OK, "SHA-256 matches the manifest and the ratsdok digest")
    if recorded:
        # Only the manifest, which anyone who edits the ZIP can rewrite, vouches for it.
        return _datei(
            name,
            Status.UNRECORDED,
            "SHA-256 matches the manifest, but the ratsdok record has no digest for it",
        )
    return _datei(name, Status.OK, "SHA-256 matches the manifest")


def _text_paths(e: etree._Element, prefix: str = "") -> list[tuple[str, str]]:
    """(path, text) of every element below *e*, in document order."""
    out: list[tuple[str, str]] = []
    for child in e:
        if not isinstance(child.tag, str):
            continue
        path = (
            f"{prefix}/{etree.QName(child).localname}" if prefix else etree.QName(child).localname
        )
        out.append((path, (child.text or "").strip()))
        out.extend(_text_paths(child, path))
    return out


def _check_metadaten(vg: etree._Element, v: Vorlage) -> Check:
    """Whether the Vorgang's xdomea metadata (Betreff, Kennzeichen, Laufzeit, dates,
    Anlagen, …) are what ratsdok writes of the verified Vorlage *v*: a reader of the
    archive sees them, and they must not say more or other than the sealed record."""
    nr = int(vg.findtext(f"{X}Identifikation/{X}NummerImUebergeordnetenContainer") or "1")
    actual = [
        (path, text)
        for path, text in _text_paths(vg)
        if not path.startswith("AnwendungsspezifischeErweiterungXML")
    ]
    expected = _text_paths(vorgang_metadaten(v, nr))
    if actual == expected:
        return Check(
            Kind.DOKUMENT,
            "Metadaten",
            Status.OK,
            "Betreff, Kennzeichen, Laufzeit, dates and Anlagen are what the verified Vorlage gives",
        )
    for i, (path, text) in enumerate(expected):
        got = actual[i] if i < len(actual) else None
        if got != (path, text):
            said = f"{got[0]} = {got[1]!r}" if got else "nothing"
            reason = f"the message says {said}; the verified Vorlage gives {path} = {text!r}"
            break
    else:
        extra = actual[len(expected)]
        reason = f"the message says {extra[0]} = {extra[1]!r}, which the verified Vorlage does not"
    return Check(Kind.DOKUMENT, "Metadaten", Status.CHANGED, reason)


def _check_vorgang(
    zip_name: str,
    vg: etree._Element,
    ist: dict[str, tuple[str, int]],
    ok_manifest: set[str],
    referenced: set[str],
    trust: TrustSource,
    lesen: Callable[[str], bytes | None],
    require_signatures: bool = False,
    bindung: Bindungen | None = None,
) -> ArchivVorgang:
    uid = vg.findtext(f"{X}Identifikation/{X}ID") or "?"
    kennzeichen = vg.findtext(f"{X}AllgemeineMetadaten/{X}Kennzeichen") or "?"
    nummer = kennzeichen
    checks: list[Check] = []
    marks: list[dict[int, str]] | None = None
    block = vg.find(f"{X}AnwendungsspezifischeErweiterungXML")
    v: Vorlage | None = None
    facts: tuple[tuple[str, str], ...] = ()
    if block is None or len(block) != 1:
        checks.append(
            Check(Kind.DOKUMENT, "ratsdok", Status.MISSING, "embedded ratsdok XML missing")
        )
    else:
        try:
            # Anlagen are checked below against the ZIP; here the seal and signatures.
            doc = parse_document(etree.tostring(block[0]), source=f"{zip_name}#{uid}")
            result = verify_document(
                doc, trust=trust, require_signatures=require_signatures, bindung=bindung
            )
        except RatsdokError as exc:
            checks.append(
                Check(
                    Kind.DOKUMENT,
                    "ratsdok",
                    Status.INVALID,
                    f"embedded ratsdok XML invalid: {exc}",
                )
            )
        else:
            v = result.vorlage
            marks = mark_candidates(result)
            facts = result.facts
            # The label comes from the sealed record, never from unverified metadata.
            nummer = str(v.nummer)
            if kennzeichen != nummer:
                checks.append(
                    Check(
                        Kind.DOKUMENT,
                        "Kennzeichen",
                        Status.INVALID,
                        f"the message names the Vorgang {kennzeichen!r}, the sealed ratsdok "
                        f"XML {nummer!r}",
                    )
                )
            checks.append(
                Check(
                    Kind.DOKUMENT,
                    "ratsdok",
                    Status.VALID,
                    "the embedded ratsdok XML meets the schema and the rules",
                )
            )
            checks.append(_check_metadaten(vg, v))
            # The files are checked against the ZIP below, not against a folder.
            checks.extend(
                c for c in result.checks if c.kind not in (Kind.ANLAGE, Kind.HAUPTDOKUMENT)
            )
    if v is not None and str(v.uuid) != uid:
        checks.append(
            Check(
                Kind.DOKUMENT, "ratsdok", Status.INVALID, "Vorgang ID differs from the Vorlage uuid"
            )
        )
    # The files the ratsdok record names (with size and digest) and where they belong.
    dateien: dict[str, tuple[Anlage | Hauptdokument, str]] = {}
    if v is not None:
        if v.hauptdokument is not None:
            dateien[hauptdokument_file_name(v)] = (
                v.hauptdokument,
                "the Hauptdokument has no Primaerdokument in the message",
            )
        for a in v.dateianlagen:
            dateien[anlage_file_name(v, a)] = (
                a,
                f"Anlage {a.nummer} has no Dokument in the message",
            )
    for prim in vg.iter(f"{X}Primaerdokument"):
        name = prim.findtext(f"{X}Dateiname") or ""
        referenced.add(name)
        found = dateien.pop(name, None)
        if found is not None:
            checks.append(
                _check_file(
                    name, ist, ok_manifest, found[0].sha256, found[0].groesse, recorded=True
                )
            )
        else:
            checks.append(_check_file(name, ist, ok_manifest))
    for name, (_, missing) in dateien.items():
        checks.append(_datei(name, Status.MISSING, missing))
    if marks is not None and v is not None and v.hauptdokument is None:
        name = vorlage_pdf_name(v)
        if name in ist:
            checks.append(_check_rendering(name, lesen(name), v, marks))
    return ArchivVorgang(f"{zip_name}#{uid}", uid, nummer, tuple(checks), facts)


def _check_rendering(
    name: str, data: bytes | None, v: Vorlage, candidates: list[dict[int, str]]
) -> Check:
    """Whether the archived Vorlage PDF is, byte for byte, the rendering of the sealed
    record (rendering is deterministic): then what a reader sees is what is verified.

    The signed blocks it marks depend on the trust given when it was made:
    *candidates* (:func:`~ratsdok.integrity.verify.mark_candidates`)."""
    label = f"{name} (Seiten)"
    if data is None:
        return _datei(label, Status.INVALID, "the Vorlage PDF cannot be read from the ZIP")
    for marks in candidates:
        if render(v, signiert=marks, standards=ARCHIV) == data:
            return _datei(
                label,
                Status.OK,
                "identical to the rendering of the sealed ratsdok XML: the pages show what "
                "is verified",
            )
    return _datei(
        label,
        Status.CHANGED,
        "not the rendering of the sealed ratsdok XML: its pages may show something else "
        "than what is verified",
    )
