"""Bundling a Vorlage and its Anlagen into one PDF/A-3b file.

Layout of a bundle:

* the rendered Vorlage (:func:`ratsdok.pdf.render.render_pdf`), then the pages of
  every PDF Anlage in order;
* bookmarks "Beschlussvorlage KT 0134/2020" and "Anlage 1 – Integrationskonzept",
  with an Anlage's own outline nested under its bookmark;
* page labels ``1, 2, …`` for the Vorlage and ``A1-1, A1-2, …`` for Anlage 1;
* associated files (PDF/A-3 ``/AF``):

  - ``ratsdok.xml``: the ratsdok XML of exactly the Vorlage in the bundle, with
    ``/AFRelationship /Alternative``: it is a complete machine-readable
    equivalent of the rendered document, not its source (the PDF is rendered
    from it, but a reader needs either one, not both) and not mere supporting
    data. This is the value ZUGFeRD/Factur-X use for their complete profiles;
    it is fixed and must not change between versions;
  - every PDF Anlage, byte for byte, with ``/Source``: the merged pages are a
    rendition of that file, and only the embedded original can prove its
    SHA-256;
  - every other Anlage (CSV, XLSX, images, …) with its recorded media type and
    ``/Supplement``; likewise a PDF Anlage that cannot be merged without
    breaking PDF/A (only when the caller allows it, see *nicht_konform*).

* PDF/A-3b identification in the XMP (``pdfaid:part 3``, ``conformance B``),
  an sRGB OutputIntent (profile shipped in ``ratsdok/icc``), every font
  embedded. Before returning, the written bytes are validated with
  :mod:`pikepdf.pdfa`; anything but "pass" is an error. The same steps
  (:mod:`ratsdok.pdf.pdfa`) make the archive's PDF/A-2b Vorlage PDF
  (:func:`~ratsdok.pdf.pdfa.pdfa_from_rendered`).

The bundle is reproducible: all dates come from the Vorlage (never from the
clock) and the file is saved with ``deterministic_id=True``.

Large inputs: :func:`bundle_to_file` builds the bundle on disk when an Anlage
file has at least :data:`STREAM_THRESHOLD` bytes (:mod:`ratsdok.pdf.stream`:
pages merged by qpdf, the file embedded by an incremental update that copies
it in chunks), so that memory stays bounded by about the largest single page
stream (measured: peak RSS under 100 MiB with a 300 MB Anlage PDF,
``bench/bench_pdf.py``).
:func:`build_bundle` and :func:`bundle` return bytes and hold the whole bundle
in memory. In the streamed bundle an Anlage's own bookmarks point to the top of
their page (the destination's view parameters are not kept).

This module owns the entry points, reading and checking the Anlage files,
and the XML to embed. The layout of the pages, bookmarks, page labels and
associated files is the assembler's (:mod:`ratsdok.pdf.assemble`), shared by
the in-memory and the streamed path; PDF/A is :mod:`ratsdok.pdf.pdfa`.

The public variant (``oeffentlich_only=True``) is built from a copy of the
Vorlage without its non-public Anlagen, so neither their pages, bytes, file
names, titles nor their entries in the embedded XML reach the file.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from pikepdf import Pdf

from ratsdok.errors import AnlagenError, Problem
from ratsdok.integrity.record import Keep, sealed_record
from ratsdok.integrity.seal import seal_document
from ratsdok.integrity.verify import signature_marks
from ratsdok.model.vorlage import Anlage, Vorlage
from ratsdok.pdf.assemble import AFRelationship, Assembly, NichtKonform, open_anlage_pdf
from ratsdok.pdf.names import PDF_MEDIENTYP, XML_NAME
from ratsdok.pdf.pdfa import check_pdfa, pdfa_from_rendered, save_pdfa
from ratsdok.pdf.render import render_pdf, stichtag, titel
from ratsdok.pdf.stream import BigFile, check_big, file_size, stream_bundle
from ratsdok.report import Check, Kind, Report, Status
from ratsdok.store.anlagen import compare
from ratsdok.store.atomic import atomic_output
from ratsdok.store.hashing import digest_bytes
from ratsdok.xml.mapping import ParsedDocument, parse_document

__all__ = [
    "DEFAULT_MAX_ANLAGE_BYTES",
    "PDF_MEDIENTYP",
    "STREAM_THRESHOLD",
    "XML_NAME",
    "BundleResult",
    "NichtKonform",
    "build_bundle",
    "bundle",
    "bundle_to_file",
    "pdfa_from_rendered",
    "public_copy",
    "stichtag",
]

DEFAULT_MAX_ANLAGE_BYTES = 512 * 1024 * 1024
"""Largest Anlage file read into memory (embedding costs about 3× its size)."""
STREAM_THRESHOLD = 16 * 1024 * 1024
"""Anlage files at least this large are streamed by :func:`bundle_to_file`."""


class BundleResult(Report):
    """The bundle bytes, as a :class:`~ratsdok.report.Report` of what it holds.

    One check for the embedded XML and one per Anlage (pages merged, or
    embedded as a file only); the Hinweise are the notes, and stay available
    with their file names as :attr:`hinweise`.
    """

    data: bytes
    hinweise: tuple[Problem, ...]

    def __init__(
        self, data: bytes, hinweise: tuple[Problem, ...] = (), checks: tuple[Check, ...] = ()
    ) -> None:
        super().__init__(
            "<bundle>", checks, notes=tuple(str(h) for h in hinweise), title="PDF/A-3b bundle"
        )
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "hinweise", hinweise)


def public_copy(v: Vorlage) -> Vorlage:
    """*v* without its non-public Anlagen (what the public bundle contains)."""
    kept = tuple(a for a in v.anlagen if a.oeffentlich)
    if len(kept) == len(v.anlagen):
        return v
    return v.model_copy(update={"anlagen": kept})


def _read_anlage(i: int, a: Anlage, folder: Path | None, max_bytes: int) -> bytes:
    where = f"anlagen[{i}]"
    if a.inhalt is not None:
        data = a.inhalt
        name = f"Anlage {a.nummer} (inline content)"
    else:
        if folder is None:
            raise AnlagenError(
                Problem(
                    f"Anlage {a.nummer} has no inline content and no folder was given",
                    file=a.dateiname,
                    field=where,
                )
            )
        assert a.dateiname is not None  # callers pass Anlagen with a file only
        path = folder / a.dateiname
        name = str(path)
        try:
            with path.open("rb") as f:
                data = f.read(max_bytes + 1)
        except FileNotFoundError:
            raise AnlagenError(
                Problem(f"Anlage {a.nummer}: file not found", file=name, field=where)
            ) from None
        except IsADirectoryError:
            raise AnlagenError(
                Problem(f"Anlage {a.nummer}: is a folder, not a file", file=name, field=where)
            ) from None
        except OSError as exc:
            raise AnlagenError(
                Problem(
                    f"Anlage {a.nummer}: cannot read: {exc.strerror or exc}", file=name, field=where
                )
            ) from None
        if len(data) > max_bytes:
            raise AnlagenError(
                Problem(
                    f"Anlage {a.nummer}: larger than the limit of {max_bytes:,} bytes",
                    file=name,
                    field=where,
                )
            )
    status, reason = compare(a, digest_bytes(data))
    if status is Status.CHANGED:
        raise AnlagenError(Problem(f"Anlage {a.nummer}: {reason}", file=name, field=where))
    return data


def _check_names(v: Vorlage) -> None:
    for i, a in enumerate(v.anlagen):
        if a.dateiname is not None and a.dateiname.casefold() == XML_NAME:
            raise AnlagenError(
                Problem(
                    f"the file name {XML_NAME!r} is reserved for the embedded XML",
                    file=a.dateiname,
                    field=f"anlagen[{i}].dateiname",
                )
            )


def _xml_to_embed(
    v: Vorlage, vv: Vorlage, xml: bytes | ParsedDocument | None
) -> tuple[bytes, dict[int, str], list[Problem]]:
    """The sealed ratsdok XML to embed, the signed-block marks, and any Hinweis.

    The given document (e.g. a signed file) is embedded, sealed, when it
    describes the bundled Vorlage (:data:`~ratsdok.integrity.record.Keep.MATCHING`);
    the public variant and a document that does not match get a freshly written,
    sealed XML. A given document whose seal no longer matches is refused either way.
    """
    hinweise: list[Problem] = []
    source = parse_document(xml) if isinstance(xml, bytes) else xml
    if source is not None and vv is not v:
        if signature_marks(seal_document(source, refresh=False)):
            hinweise.append(
                Problem(
                    "the public variant leaves out non-public content, so it carries a new "
                    "sealed XML without the signatures of the source"
                )
            )
        source = None
    doc, kept = sealed_record(vv, source, keep=Keep.MATCHING)
    if source is not None and not kept:
        hinweise.append(
            Problem(
                "the given XML does not describe this Vorlage (e.g. Anlage digests were filled "
                "in from files); a new sealed XML is embedded and signatures are not carried over"
            )
        )
    return doc.to_bytes(), signature_marks(doc) if kept else {}, hinweise


def _checks(vv: Vorlage, asm: Assembly, marks: dict[int, str]) -> tuple[Check, ...]:
    """What the bundle holds, as checks: the embedded XML and each Anlage."""
    signed = f", with the signatures of Unterzeichnung {', '.join(map(str, marks))}"
    out = [
        Check(
            Kind.DOKUMENT,
            XML_NAME,
            Status.OK,
            "sealed ratsdok XML embedded" + (signed if marks else ""),
        )
    ]
    for a in vv.anlagen:
        if a.dateiname is None:
            out.append(
                Check(
                    Kind.ANLAGE,
                    f"Anlage {a.nummer} (ohne Datei)",
                    Status.NO_FILE,
                    "listed on the Vorlage's pages; there is no file to merge or embed",
                )
            )
    for a, f in zip(vv.dateianlagen, asm.files, strict=True):
        label = f"Anlage {a.nummer} ({a.dateiname})"
        if f.relationship is AFRelationship.SOURCE:
            out.append(Check(Kind.ANLAGE, label, Status.OK, "pages merged, file embedded"))
        elif a.medientyp == PDF_MEDIENTYP:
            out.append(
                Check(
                    Kind.ANLAGE,
                    label,
                    Status.EMBEDDED,
                    "embedded as a file only: its pages would break PDF/A-3b",
                    ok=True,  # the caller chose nicht_konform="einbetten"
                )
            )
        else:
            out.append(Check(Kind.ANLAGE, label, Status.OK, f"embedded as a file ({a.medientyp})"))
    return tuple(out)


def build_bundle(
    v: Vorlage,
    folder: str | os.PathLike[str] | None = None,
    *,
    oeffentlich_only: bool = False,
    nicht_konform: NichtKonform | str = NichtKonform.FEHLER,
    max_anlage_bytes: int = DEFAULT_MAX_ANLAGE_BYTES,
    xml: bytes | ParsedDocument | None = None,
) -> BundleResult:
    """Build the PDF/A-3b bundle of *v*; Anlage files are looked up in *folder*.

    Raises :class:`~ratsdok.errors.AnlagenError` (naming the file) for a missing,
    unreadable or changed Anlage file and for a broken or encrypted Anlage PDF.
    With ``nicht_konform="einbetten"`` a PDF Anlage whose pages would break
    PDF/A is embedded as a file only and reported in :attr:`BundleResult.hinweise`.

    The embedded ``ratsdok.xml`` is sealed. Pass the source document as *xml*
    to embed it (with its signatures; signed blocks are then marked in the
    rendered pages); without it, a sealed XML is written from *v*.
    """
    policy = NichtKonform(nicht_konform)
    base = Path(folder) if folder is not None else None
    vv = public_copy(v) if oeffentlich_only else v
    embedded, marks, xml_hinweise = _xml_to_embed(v, vv, xml)
    _check_names(vv)
    contents = [
        _read_anlage(i, a, base, max_anlage_bytes)
        for i, a in enumerate(vv.anlagen)
        if a.dateiname is not None
    ]
    asm = Assembly(titel(vv), stichtag(vv), policy)
    opened: list[Pdf] = []  # pages copied from a PDF read its data when saved
    try:
        main = Pdf.open(io.BytesIO(render_pdf(vv, signiert=marks)))
        opened.append(main)
        asm.begin(main)
        with main.open_outline() as ol:
            ol.root.append(asm.add_pages(asm.titel, len(main.pages)).bookmark())
        for a, data in zip(vv.dateianlagen, contents, strict=True):
            src = None
            if a.medientyp == PDF_MEDIENTYP:
                src = open_anlage_pdf(a, data, base)
                opened.append(src)
            section, file = asm.add_anlage(a, src)
            if src is not None and section is not None:
                with main.open_outline() as ol:
                    before = len(ol.root)
                main.add_pages_from(src, outlines="preserve")
                with main.open_outline() as ol:
                    own = list(ol.root[before:])
                    del ol.root[before:]
                    ol.root.append(section.bookmark(own))
            asm.attach(main, file, data)
        asm.finish(main, vv, embedded)
        buf = io.BytesIO()
        save_pdfa(main, buf, part=3)
    finally:
        for pdf in reversed(opened):
            pdf.close()
    buf.seek(0)
    check_pdfa(buf, part=3, what="the bundle")
    return BundleResult(buf.getvalue(), (*xml_hinweise, *asm.hinweise), _checks(vv, asm, marks))


def bundle(
    v: Vorlage,
    folder: str | os.PathLike[str] | None = None,
    *,
    oeffentlich_only: bool = False,
    xml: bytes | ParsedDocument | None = None,
) -> bytes:
    """The PDF/A-3b bundle of *v* as bytes (see :func:`build_bundle`).

    Every PDF Anlage must be mergeable without breaking PDF/A; use
    :func:`build_bundle` with ``nicht_konform="einbetten"`` to embed such files
    without merging them.
    """
    return build_bundle(v, folder, oeffentlich_only=oeffentlich_only, xml=xml).data


def bundle_to_file(
    v: Vorlage,
    folder: str | os.PathLike[str] | None,
    out: str | os.PathLike[str],
    *,
    oeffentlich_only: bool = False,
    nicht_konform: NichtKonform | str = NichtKonform.FEHLER,
    stream_threshold: int = STREAM_THRESHOLD,
    xml: bytes | ParsedDocument | None = None,
) -> tuple[Problem, ...]:
    """Build the bundle and write it to *out* atomically; return the Hinweise.

    When an Anlage file is at least *stream_threshold* bytes, the bundle is
    built on disk next to *out* (see :func:`ratsdok.pdf.stream.stream_bundle`),
    so that memory stays bounded by about the largest single stream, not the
    total size.
    """
    base = Path(folder) if folder is not None else None
    vv = public_copy(v) if oeffentlich_only else v
    mit_datei = [(i, a) for i, a in enumerate(vv.anlagen) if a.dateiname is not None]
    big = [_big_file(a, base, stream_threshold) for _, a in mit_datei]
    if not any(big):
        result = build_bundle(
            v, folder, oeffentlich_only=oeffentlich_only, nicht_konform=nicht_konform, xml=xml
        )
        with atomic_output(out) as f:
            f.write(result.data)
        return result.hinweise
    embedded, marks, xml_hinweise = _xml_to_embed(v, vv, xml)
    policy = NichtKonform(nicht_konform)
    _check_names(vv)
    contents: list[bytes | BigFile] = [
        _read_anlage(i, a, base, DEFAULT_MAX_ANLAGE_BYTES)
        if path is None
        else check_big(i, a, path, DEFAULT_MAX_ANLAGE_BYTES)
        for (i, a), path in zip(mit_datei, big, strict=True)
    ]
    hinweise = stream_bundle(vv, contents, base, Path(out), policy, embedded, marks)
    return (*xml_hinweise, *hinweise)


def _big_file(a: Anlage, folder: Path | None, threshold: int) -> Path | None:
    """The file of *a* when it is to be streamed (at least *threshold* bytes), else None."""
    if folder is None or a.inhalt is not None:
        return None
    if a.dateiname is None:
        return None
    path = folder / a.dateiname
    return path if file_size(path) >= threshold else None
