"""Writing the xdomea 3.0.0 archival export: one Aussonderung 0503 ZIP.

:func:`archive` writes ``<ProzessID>_Aussonderung.Aussonderung.0503.zip`` with the
message ``<ProzessID>_Aussonderung.Aussonderung.0503.xml``
(:mod:`~ratsdok.interop.xdomea.message`), all primary files flat
(``<uuid>_Vorlage.pdf``, or ``<uuid>_Hauptdokument.<ext>`` where the Vorlage is a file,
and ``<uuid>_Anlage<n>.<ext>``, see :mod:`~ratsdok.interop.xdomea.names`) and
``manifest.sha256`` (sha256sum format, every other entry of the ZIP). The rendered
Vorlage is PDF/A-2a + PDF/UA-1.

Only the ProzessID and the time differ per run; with both fixed, the ZIP is
byte-identical. Each source document is parsed once in the main process (to plan
the archive) and once in the worker that seals and renders it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
import sys
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TypeVar
from uuid import UUID, uuid4

from ratsdok._types import TrustSource
from ratsdok.errors import OutputError, Problem, RatsdokError
from ratsdok.integrity.record import Keep, sealed_record
from ratsdok.integrity.trust import trust_pem
from ratsdok.integrity.verify import signature_marks
from ratsdok.interop.xdomea.message import write_message
from ratsdok.interop.xdomea.names import (
    MANIFEST,
    anlage_file_name,
    archive_name,
    hauptdokument_file_name,
    vorlage_pdf_name,
)
from ratsdok.model.vorlage import Anlage, Vorlage
from ratsdok.pdf.ansicht import tabellen_ohne_kopf
from ratsdok.pdf.render import ARCHIV, render
from ratsdok.pdf.satz import started as typesetting_started
from ratsdok.pdf.validation import gate_tagged
from ratsdok.store.atomic import atomic_output
from ratsdok.store.files import read_document
from ratsdok.xml.mapping import ParsedDocument, parse_document
from ratsdok.xml.parser import parse_xml

__all__ = ["VorlageInput", "archive", "render_pdfa"]

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1 << 16

T = TypeVar("T")
R = TypeVar("R")

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
class _Datei:
    name: str
    source: Path | None
    inhalt: bytes | None


def _datei(
    name: str, dateiname: str | None, inhalt: bytes | None, folder: Path | None, what: str
) -> _Datei:
    """Where the bytes of a file of the Vorlage come from (*what* names it in errors)."""
    if inhalt is not None:
        return _Datei(name, None, inhalt)
    if folder is None:
        raise RatsdokError(Problem(f"{what}: no file and no inline content", file=dateiname))
    assert dateiname is not None  # only files are planned
    path = folder / dateiname
    if not path.is_file():
        raise RatsdokError(Problem(f"{what}: file is missing", file=str(path)))
    return _Datei(name, path, None)


def _anlage_datei(v: Vorlage, a: Anlage, folder: Path | None) -> _Datei:
    return _datei(anlage_file_name(v, a), a.dateiname, a.inhalt, folder, f"Anlage {a.nummer}")


def _plan(e: _Eingang) -> list[_Datei]:
    """The files of one Vorlage besides its rendered PDF: the Hauptdokument (which
    stands for the rendered PDF), then the Anlagen with a file."""
    v = e.vorlage
    out = [_anlage_datei(v, a, e.folder) for a in v.dateianlagen]
    h = v.hauptdokument
    if h is not None:
        name = hauptdokument_file_name(v)
        out.insert(0, _datei(name, h.dateiname, h.inhalt, e.folder, "Hauptdokument"))
    return out


class _HashingWriter:
    """A write-only file object that hashes what passes through."""

    def __init__(self, dst: IO[bytes]) -> None:
        self.dst = dst
        self.hash = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return self.dst.write(data)


@dataclass(frozen=True)
class _Eingang:
    vorlage: Vorlage
    folder: Path | None
    quelle: bytes | None
    """The source XML file's bytes, archived with its seal and signatures."""
    trust: bytes | None = None
    """The trusted CA certificates (PEM), for marking signed blocks."""


def _load_all(vorlagen: Iterable[VorlageInput]) -> list[_Eingang]:
    out: list[_Eingang] = []
    for item in vorlagen:
        if isinstance(item, tuple):
            out.append(_Eingang(item[0], item[1], None))
        else:
            p = Path(item)
            doc, vorlage = read_document(p)
            out.append(_Eingang(vorlage, p.parent, doc.to_bytes()))
    return out


def _record(e: _Eingang) -> tuple[ParsedDocument, bool]:
    """The sealed document to archive, and whether it carries the source's signatures.

    A signed source file is archived as it is, with its signatures: it is the
    record that was signed (even where the model got Anlage digests from the
    files). Otherwise the model is written, digests included.
    """
    source = parse_document(e.quelle) if e.quelle is not None else None
    return sealed_record(e.vorlage, source, keep=Keep.SIGNED)


def _work(e: _Eingang) -> tuple[bytes | None, bytes]:
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


def _ordered_map(
    fn: Callable[[T], R], items: Sequence[T], workers: int, window: int = 8
) -> Iterator[R]:
    """Like ``executor.map`` but with at most *window* results pending (bounded memory)."""
    if workers <= 1 or len(items) <= 1:
        yield from map(fn, items)
        return
    # A process that has typeset must not fork (Typst's worker threads do not survive
    # it: the child deadlocks); the forkserver starts children from a clean
    # interpreter, which imports the caller's main module as spawn does.
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and not typesetting_started():
        method = "fork"
    else:
        method = "forkserver" if "forkserver" in methods else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
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
    workers: int | None = None,
    trust: TrustSource = None,
) -> Path:
    """Write one xdomea 3.0.0 Aussonderung 0503 ZIP for *vorlagen* into *out_dir*.

    *vorlagen* are paths of ratsdok XML files (Anlagen next to them) or
    ``(Vorlage, folder)`` pairs. Returns the path of the ZIP.

    The Vorlagen are rendered by *workers* processes (default: one per CPU plus
    one, since this process mostly waits while it writes the ZIP; 1: here,
    without subprocesses). Where this process has typeset before, the workers
    start from a fresh interpreter (``forkserver``), which imports the caller's
    main module: guard a script with ``if __name__ == "__main__":``.

    A signed block is marked "elektronisch signiert" in the archive PDF only where
    its signature chains to a CA of *trust* and is by the person printed; the
    signatures themselves are archived in the XML either way.
    """
    if workers is None:
        workers = (os.cpu_count() or 1) + 1
    pem = trust_pem(trust)
    items = [dataclasses.replace(e, trust=pem) for e in _load_all(vorlagen)]
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
    plans = [_plan(e) for e in items]
    name = archive_name(pid)
    target = out / f"{name}.zip"
    manifest: list[tuple[str, str]] = []
    progress = _Progress(len(items))
    records: list[bytes] = []
    with atomic_output(target) as f, zipfile.ZipFile(f, "w", allowZip64=True) as zf:
        for i, ((pdf, record), e, dateien) in enumerate(
            zip(_ordered_map(_work, items, workers), items, plans, strict=True), 1
        ):
            records.append(record)
            if pdf is not None:
                pdf_name = vorlage_pdf_name(e.vorlage)
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
            # ratsdok's own sealed output: parsed without the schema check.
            roots = (parse_xml(r).getroot() for r in records)
            write_message(writer, [e.vorlage for e in items], roots, pid, when)
        manifest.append((xml_name, writer.hash.hexdigest()))
        text = "".join(f"{h}  {n}\n" for n, h in sorted(manifest))
        _write_entry(zf, MANIFEST, text.encode("ascii"))
    progress.done()
    return target
