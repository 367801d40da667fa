"""The streamed bundle: building it on disk when an Anlage file is large.

Owns the on-disk path of :func:`ratsdok.pdf.bundling.bundle_to_file`, used
when an Anlage file has at least
:data:`~ratsdok.pdf.bundling.STREAM_THRESHOLD` bytes, so that memory stays
bounded by about the largest single page stream, not the total size:

* a large Anlage file (or Hauptdokument) is read once, in chunks, for its
  size, SHA-256 (checked against the Vorlage) and the MD5 the PDF needs
  (:func:`check_big`, :func:`check_file`);
* pages are merged by qpdf (``pikepdf.Job`` with ``--empty --pages``) into a
  file; the layout (bookmarks, page labels, associated files) comes from the
  shared :class:`~ratsdok.pdf.assemble.Assembly`. That file is opened lazily
  to add the outline, page labels, XMP, OutputIntent and the small
  attachments, and saved with a classic xref table (qpdf copies each stream
  from its input, buffering one stream at a time);
* a large Anlage is attached as a placeholder EmbeddedFile stream (with its
  real ``/Params /Size`` and ``/CheckSum``); an incremental update written
  here then replaces that object by a stream whose data is copied from the
  Anlage file in chunks (:func:`_append_embedded_files`).

The written file is validated as PDF/A-3b before it is moved to *out*.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Dictionary, OutlineItem, Pdf, String

from ratsdok.errors import AnlagenError, Problem
from ratsdok.model.vorlage import Anlage, Hauptdokument, Vorlage
from ratsdok.pdf.ansicht import seitenvermerk
from ratsdok.pdf.assemble import (
    Assembly,
    NichtKonform,
    mark_pages,
    open_anlage_pdf,
    open_pdf,
    outline_of,
    place_outline,
)
from ratsdok.pdf.names import PDF_MEDIENTYP
from ratsdok.pdf.pdfa import check_pdfa, save_pdfa
from ratsdok.pdf.render import HauptdokumentSeiten, render, stichtag, titel
from ratsdok.report import Status
from ratsdok.store.anlagen import compare
from ratsdok.store.atomic import atomic_output, work_folder
from ratsdok.store.hashing import Digest

__all__ = ["BigFile", "check_big", "check_file", "file_size", "stream_bundle"]

_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class BigFile:
    """A large Anlage file, checked but not read into memory."""

    path: Path
    size: int
    md5: bytes
    """The digest the embedded file's ``/Params /CheckSum`` must hold."""


def file_size(path: Path) -> int:
    """Size of *path* in bytes; 0 when it cannot be read (reported when it is read)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def check_big(i: int, a: Anlage, path: Path, max_bytes: int) -> BigFile:
    """Read Anlage *a*'s file once, in chunks, and check it against what *a* records.

    Raises :class:`~ratsdok.errors.AnlagenError` when the file cannot be read,
    is larger than *max_bytes*, or differs from the recorded size or SHA-256.
    """
    return check_file(f"Anlage {a.nummer}", f"anlagen[{i}]", a, path, max_bytes)


def check_file(
    what: str, where: str, record: Anlage | Hauptdokument, path: Path, max_bytes: int
) -> BigFile:
    """:func:`check_big` for any file *record* describes (*what* and *where* name it)."""
    # MD5 here is the PDF format's checksum of an embedded file (/Params
    # /CheckSum, which PDF 32000-1 7.11.4 defines as MD5), computed in the same
    # pass; it plays no part in ratsdok's integrity checks (SHA-256, compare).
    sha, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    try:
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                sha.update(chunk)
                md5.update(chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise AnlagenError(
                        Problem(
                            f"{what}: larger than the limit of {max_bytes:,} bytes",
                            file=str(path),
                            field=where,
                        )
                    )
    except OSError as exc:
        raise AnlagenError(
            Problem(
                f"{what}: cannot read: {exc.strerror or exc}",
                file=str(path),
                field=where,
            )
        ) from None
    status, reason = compare(record, Digest(size, sha.hexdigest()))
    if status is Status.CHANGED:
        raise AnlagenError(Problem(f"{what}: {reason}", file=str(path), field=where))
    return BigFile(path, size, md5.digest())


def stream_bundle(
    vv: Vorlage,
    contents: list[bytes | BigFile],
    base: Path | None,
    out: Path,
    policy: NichtKonform,
    embedded: bytes,
    marks: dict[int, str],
    haupt: bytes | BigFile | None = None,
) -> tuple[Problem, ...]:
    """Build the bundle of *vv* on disk and move it to *out*; return the Hinweise.

    *contents* holds each Anlage's bytes, or a :class:`BigFile` for a large
    file in *base*; *haupt* likewise the Hauptdokument's (None: it has none);
    *embedded* is the sealed XML, *marks* the signed blocks to mark in the
    rendered pages.
    """
    asm = Assembly(titel(vv), stichtag(vv), policy)
    work_parent = out.parent if out.parent.is_dir() else None
    with (
        work_folder(work_parent) as work,
        ExitStack() as keep,
    ):
        h = vv.hauptdokument if haupt is not None else None
        haupt_src: Pdf | None = None
        haupt_path: Path | None = None
        seiten = HauptdokumentSeiten.DATEI
        if h is not None and haupt is not None:
            if h.medientyp == PDF_MEDIENTYP:
                if isinstance(haupt, BigFile):
                    haupt_path = haupt.path
                    haupt_src = keep.enter_context(
                        open_pdf("Hauptdokument", str(haupt_path), haupt_path)
                    )
                else:
                    haupt_path = work / "hauptdokument.pdf"
                    haupt_path.write_bytes(haupt)
                    name = str(base / h.dateiname) if base and h.inhalt is None else h.dateiname
                    haupt_src = keep.enter_context(open_pdf("Hauptdokument", name, haupt))
            big = work if isinstance(haupt, BigFile) else None
            if asm.plan_hauptdokument(h, haupt_src, big):
                seiten = HauptdokumentSeiten.FOLGEN
            else:
                seiten, haupt_src = HauptdokumentSeiten.BEIGEFUEGT, None
        vorlage_pdf = work / "vorlage.pdf"
        vorlage_pdf.write_bytes(render(vv, signiert=marks, hauptdokument=seiten))
        inputs = [str(vorlage_pdf.resolve())]
        with Pdf.open(vorlage_pdf) as vp:
            # The rendered headings' bookmarks go under the Vorlage's.
            eigene = outline_of(vp, 0)
            vorlage = asm.add_pages(asm.titel, len(vp.pages))
        outline: list[OutlineItem] = []
        haupt_section = None
        if h is None:
            outline.append(vorlage.bookmark(eigene))
        else:
            haupt_section, _ = asm.add_hauptdokument(
                h, None if haupt_src is None else len(haupt_src.pages)
            )
            children: list[OutlineItem] = list(eigene)
            if haupt_src is not None and haupt_section is not None and haupt_path is not None:
                children.append(haupt_section.bookmark(outline_of(haupt_src, haupt_section.start)))
                inputs.append(str(haupt_path.resolve()))  # never read as an option
            outline.append(vorlage.bookmark(children))
        for n, (a, data) in enumerate(zip(vv.dateianlagen, contents, strict=True)):
            if a.medientyp != PDF_MEDIENTYP:
                asm.add_anlage(a, None)
                continue
            if isinstance(data, BigFile):
                path = data.path
                src = open_anlage_pdf(a, path, base)
            else:
                path = work / f"anlage-{n}.pdf"
                path.write_bytes(data)
                src = open_anlage_pdf(a, data, base)
            with src:
                section, _ = asm.add_anlage(a, src, work if isinstance(data, BigFile) else None)
                if section is not None:
                    outline.append(section.bookmark(outline_of(src, section.start)))
                    pages_from = asm.merge_file(a, src, path, work)  # the copy if fonts added
                    inputs.append(str(pages_from.resolve()))  # never read as an option
        merged_pdf = work / "merged.pdf"
        pikepdf.Job(
            ["qpdf", "--deterministic-id", "--empty", "--pages", *inputs, "--", str(merged_pdf)]
        ).run()
        base_pdf = work / "base.pdf"
        with Pdf.open(merged_pdf) as pdf:
            for key in ("/OpenAction", "/Outlines", "/PageLabels", "/Names", "/AF"):
                if key in pdf.Root:
                    del pdf.Root[key]
            asm.begin(pdf)
            mark = seitenvermerk(vv)
            if haupt_section is not None and mark is not None:
                start, count = haupt_section.start, haupt_section.pages
                keep.enter_context(mark_pages(pdf, start, count, mark))
            place_outline(pdf, outline)
            placeholders: list[tuple[str, BigFile]] = []
            files = list(zip(asm.files, contents, strict=True))
            if asm.hauptdokument is not None and haupt is not None:
                files.insert(0, (asm.hauptdokument, haupt))
            for file, data in files:
                if isinstance(data, BigFile):
                    asm.attach(pdf, file, b"")
                    ef = pdf.attachments[file.name].obj.EF.F
                    ef.Params.Size = data.size
                    ef.Params.CheckSum = String(data.md5)
                    placeholders.append((file.name, data))
                else:
                    asm.attach(pdf, file, data)
            asm.finish(pdf, vv, embedded)
            save_pdfa(pdf, base_pdf, part=3, object_stream_mode=pikepdf.ObjectStreamMode.disable)
        _append_embedded_files(base_pdf, placeholders)
        check_pdfa(base_pdf, part=3, what="the bundle")
        with atomic_output(out) as f, base_pdf.open("rb") as g:
            shutil.copyfileobj(g, f, _CHUNK)
    return tuple(asm.hinweise)


def _startxref(path: Path) -> int:
    with path.open("rb") as f:
        f.seek(max(0, path.stat().st_size - 1024))
        tail = f.read()
    pos = tail.rindex(b"startxref")
    return int(tail[pos + len(b"startxref") :].split()[0])


def _append_embedded_files(path: Path, placeholders: list[tuple[str, BigFile]]) -> None:
    """Replace each placeholder EmbeddedFile stream by the file's bytes (incremental update)."""
    if not placeholders:
        return
    prev = _startxref(path)
    heads: list[tuple[int, int, bytes, BigFile]] = []
    with Pdf.open(path) as pdf:
        for name, big in placeholders:
            ef = pdf.attachments[name].obj.EF.F
            num, gen = ef.objgen
            dropped = ("/Length", "/Filter", "/DecodeParms", "/DL")
            d = Dictionary({k: val for k, val in ef.stream_dict.items() if k not in dropped})
            d.Length = big.size
            heads.append((num, gen, d.unparse(resolved=True), big))
        trailer = pdf.trailer
        size = int(trailer.Size)
        root = "{} {} R".format(*trailer.Root.objgen)
        info = "/Info {} {} R ".format(*trailer.Info.objgen) if "/Info" in trailer else ""
        ident = trailer.ID.unparse().decode("latin-1")
    offsets: dict[int, tuple[int, int]] = {}
    with path.open("r+b") as f:
        f.seek(0, os.SEEK_END)
        for num, gen, head, big in heads:
            offsets[num] = (f.tell(), gen)
            f.write(f"{num} {gen} obj\n".encode() + head + b"\nstream\n")
            with big.path.open("rb") as g:
                shutil.copyfileobj(g, f, _CHUNK)
            f.write(b"\nendstream\nendobj\n")
        xref = f.tell()
        lines = [b"xref\n"]
        for num in sorted(offsets):
            off, gen = offsets[num]
            lines.append(f"{num} 1\n{off:010d} {gen:05d} n\r\n".encode())
        lines.append(
            f"trailer\n<< /Size {size} /Root {root} {info}/ID {ident} /Prev {prev} >>\n"
            f"startxref\n{xref}\n%%EOF\n".encode()
        )
        f.write(b"".join(lines))
