"""Bundling a Vorlage and its Anlagen into one PDF/A-3b file.

Layout of a bundle:

* the rendered Vorlage (:func:`ratsdok.pdf.render.render_pdf`), then the pages of
  its Hauptdokument, if it has one (see below), then the pages of every PDF
  Anlage in order;
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
    breaking PDF/A (only when the caller allows it, see *nicht_konform*);
  - the Hauptdokument like an Anlage (``/Source`` when its pages are merged).

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

The Hauptdokument (the file that *is* the Vorlage where its text exists only
as a file, e.g. a legacy PDF) is the Vorlage's text, so its pages belong to
the Vorlage: the bundle starts with the rendered Vorlage, a short cover where
there are no sections (Nummer, Betreff, Beratungsfolge with results, Anlagen,
and a line saying the Hauptdokument's pages follow), then the Hauptdokument's
pages, bookmarked under the Vorlage's bookmark and labelled ``H-1, H-2, …``.
The cover is what the record knows and the file does not (results recorded
later, Anlagen without file, the Öffentlichkeit, the marks of signed blocks);
it is rendered by ratsdok and so always valid PDF/A, whatever the file is. The
file is checked against its recorded size and SHA-256 like an Anlage and
embedded byte for byte (``/Source`` when its pages are merged); a Hauptdokument
that is no PDF, or whose pages would break PDF/A (with
``nicht_konform="einbetten"``), is embedded only, and the cover says so. The
pages of a nichtöffentliche Vorlage's Hauptdokument get the same mark at the
top as the rendered pages.

The public variant (``oeffentlich_only=True``) is built from a copy of the
Vorlage without its non-public Anlagen, so neither their pages, bytes, file
names, titles nor their entries in the embedded XML reach the file. A
nichtöffentliche Vorlage (:attr:`~ratsdok.model.vorlage.Vorlage.nichtoeffentlich`)
is refused for the public variant unless the caller states that it has been
released (``nichtoeffentlich_freigeben=True``); its pages still carry the
nichtöffentlich mark, as its record says (change the record's
``oeffentlichkeit`` once the reason no longer applies).
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from pathlib import Path

from pikepdf import Name, OutlineItem, Pdf

from ratsdok._types import TrustSource
from ratsdok.errors import AnlagenError, InvalidDocumentError, Problem
from ratsdok.integrity.record import Keep, sealed_record
from ratsdok.integrity.seal import seal_document
from ratsdok.integrity.verify import signature_marks, signed_blocks, unmarked_note
from ratsdok.model.dateiname import RESERVIERT
from ratsdok.model.vorlage import Anlage, Hauptdokument, Vorlage
from ratsdok.pdf.ansicht import seitenvermerk, tabellen_ohne_kopf
from ratsdok.pdf.assemble import (
    AFRelationship,
    Assembly,
    Attachment,
    NichtKonform,
    Section,
    mark_pages,
    open_anlage_pdf,
    open_pdf,
    take_outline,
)
from ratsdok.pdf.names import PDF_MEDIENTYP, XML_MEDIENTYP, XML_NAME
from ratsdok.pdf.pagecopy import copy_pages
from ratsdok.pdf.pdfa import check_pdfa, pdfa_from_rendered, save_pdfa
from ratsdok.pdf.render import HauptdokumentSeiten, render, stichtag, titel
from ratsdok.pdf.satz import RENDERER
from ratsdok.pdf.stream import BigFile, check_big, check_file, file_size, stream_bundle
from ratsdok.pdf.validation import gate_tagged
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
    "build_barrierefrei",
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
        self,
        data: bytes,
        hinweise: tuple[Problem, ...] = (),
        checks: tuple[Check, ...] = (),
        title: str = "PDF/A-3b bundle",
    ) -> None:
        super().__init__("<bundle>", checks, notes=tuple(str(h) for h in hinweise), title=title)
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "hinweise", hinweise)


def public_copy(v: Vorlage) -> Vorlage:
    """What the public bundle contains: :meth:`Vorlage.oeffentliche_fassung` (no
    non-public Anlagen, no Ergebnis of a Beratung in nichtöffentlicher Sitzung)."""
    return v.oeffentliche_fassung()


def _read_anlage(i: int, a: Anlage, folder: Path | None, max_bytes: int) -> bytes:
    assert a.dateiname is not None  # callers pass Anlagen with a file only
    return _read_file(f"Anlage {a.nummer}", f"anlagen[{i}]", a, a.dateiname, folder, max_bytes)


def _read_hauptdokument(h: Hauptdokument, folder: Path | None, max_bytes: int) -> bytes:
    return _read_file("Hauptdokument", "hauptdokument", h, h.dateiname, folder, max_bytes)


def _read_files(vv: Vorlage, base: Path | None, max_bytes: int) -> tuple[bytes | None, list[bytes]]:
    """The Hauptdokument's bytes (None: none) and those of every Anlage with a file,
    each checked against its recorded size and SHA-256."""
    h = vv.hauptdokument
    haupt = None if h is None else _read_hauptdokument(h, base, max_bytes)
    contents = [
        _read_anlage(i, a, base, max_bytes)
        for i, a in enumerate(vv.anlagen)
        if a.dateiname is not None
    ]
    return haupt, contents


def _read_file(
    what: str,
    where: str,
    record: Anlage | Hauptdokument,
    dateiname: str,
    folder: Path | None,
    max_bytes: int,
) -> bytes:
    """The bytes of *what* (inline, or its file in *folder*), checked against the size
    and SHA-256 *record* records; an :class:`~ratsdok.errors.AnlagenError` names it."""
    if record.inhalt is not None:
        data = record.inhalt
        name = f"{what} (inline content)"
    else:
        if folder is None:
            raise AnlagenError(
                Problem(
                    f"{what} has no inline content and no folder was given",
                    file=dateiname,
                    field=where,
                )
            )
        path = folder / dateiname
        name = str(path)
        try:
            with path.open("rb") as f:
                data = f.read(max_bytes + 1)
        except FileNotFoundError:
            raise AnlagenError(Problem(f"{what}: file not found", file=name, field=where)) from None
        except IsADirectoryError:
            raise AnlagenError(
                Problem(f"{what}: is a folder, not a file", file=name, field=where)
            ) from None
        except OSError as exc:
            raise AnlagenError(
                Problem(f"{what}: cannot read: {exc.strerror or exc}", file=name, field=where)
            ) from None
        if len(data) > max_bytes:
            raise AnlagenError(
                Problem(
                    f"{what}: larger than the limit of {max_bytes:,} bytes",
                    file=name,
                    field=where,
                )
            )
    status, reason = compare(record, digest_bytes(data))
    if status is Status.CHANGED:
        raise AnlagenError(Problem(f"{what}: {reason}", file=name, field=where))
    return data


def _freigabe(v: Vorlage, oeffentlich_only: bool, freigegeben: bool) -> list[Problem]:
    """Refuse the public variant of a nichtöffentliche Vorlage unless it was released;
    with the release, the Hinweis that the public bundle holds it. Either way, say when
    Ergebnisse of Beratungen in nichtöffentlicher Sitzung are left out."""
    if not oeffentlich_only:
        return []
    weggelassen = sum(
        a != b for a, b in zip(v.beratungsfolge, v.beratungsfolge_oeffentlich, strict=True)
    )
    notes = (
        [
            Problem(
                f"the public variant leaves out the Ergebnis of {weggelassen} Beratung(en) "
                "held in nichtöffentlicher Sitzung",
                field="beratungsfolge",
            )
        ]
        if weggelassen
        else []
    )
    if not v.nichtoeffentlich:
        return notes
    assert v.oeffentlichkeit is not None  # nichtoeffentlich says so
    o = v.oeffentlichkeit
    why = ", ".join(
        f"{label}: {value}"
        for label, value in (("Grund", o.grund), ("Rechtsgrundlage", o.rechtsgrundlage))
        if value is not None
    )
    what = f"Vorlage {v.nummer} is nichtöffentlich ({why or 'no reason given'})"
    if not freigegeben:
        raise InvalidDocumentError(
            Problem(
                f"{what}: the public variant would publish it; build the full bundle, or, "
                "where it has been released for publication, say so explicitly "
                "(nichtoeffentlich_freigeben=True; ratsdok bundle "
                "--nichtoeffentlich-freigeben)",
                field="oeffentlichkeit",
            )
        )
    return [
        Problem(
            f"{what}, released for publication by the caller: the public bundle holds it, "
            "and its pages still say nichtöffentlich, as its record does",
            field="oeffentlichkeit",
        ),
        *notes,
    ]


# A read document may have one as an Anlage name (the model refuses it only in new ones).
_RESERVED = RESERVIERT


def _check_names(v: Vorlage) -> None:
    h = v.hauptdokument
    if h is not None and (name := h.dateiname.casefold()) in _RESERVED:
        raise AnlagenError(
            Problem(
                f"the file name {name!r} is reserved for {_RESERVED[name]}",
                file=h.dateiname,
                field="hauptdokument.dateiname",
            )
        )
    for i, a in enumerate(v.anlagen):
        if a.dateiname is not None and (name := a.dateiname.casefold()) in _RESERVED:
            raise AnlagenError(
                Problem(
                    f"the file name {name!r} is reserved for {_RESERVED[name]}",
                    file=a.dateiname,
                    field=f"anlagen[{i}].dateiname",
                )
            )


def _xml_to_embed(
    v: Vorlage,
    vv: Vorlage,
    xml: bytes | ParsedDocument | None,
    trust: TrustSource = None,
    signiert: Mapping[int, str] | None = None,
) -> tuple[bytes, dict[int, str], list[Problem]]:
    """The sealed ratsdok XML to embed, the signed-block marks, and any Hinweis.

    The given document (e.g. a signed file) is embedded, sealed, when it
    describes the bundled Vorlage (:data:`~ratsdok.integrity.record.Keep.MATCHING`);
    the public variant and a document that does not match get a freshly written,
    sealed XML. A given document whose seal no longer matches is refused either way.
    Signed blocks are marked on the pages only where their signature chains to a
    CA of *trust* and is by the person printed (:func:`signature_marks`).
    """
    hinweise: list[Problem] = []
    source = parse_document(xml) if isinstance(xml, bytes) else xml
    if source is not None and vv is not v:
        if signed_blocks(seal_document(source, refresh=False)):
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
    if signiert is not None:  # the caller says which blocks are marked (verification)
        return doc.to_bytes(), dict(signiert) if kept else {}, hinweise
    marks = signature_marks(doc, trust=trust) if kept else {}
    note = unmarked_note(doc, marks, trusted=trust is not None) if kept else None
    if note is not None:
        hinweise.append(Problem(note))
    return doc.to_bytes(), marks, hinweise


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
    h, hf = vv.hauptdokument, asm.hauptdokument
    if h is not None and hf is not None:
        label = f"Hauptdokument ({h.dateiname})"
        if hf.relationship is AFRelationship.SOURCE:
            reason = "pages merged after the rendered Vorlage, file embedded"
            out.append(Check(Kind.HAUPTDOKUMENT, label, Status.OK, reason))
        else:
            reason = (
                "embedded as a file only: its pages would break PDF/A-3b"
                if h.medientyp == PDF_MEDIENTYP
                else f"embedded as a file only ({h.medientyp}): its content is not on the pages"
            )
            out.append(Check(Kind.HAUPTDOKUMENT, label, Status.EMBEDDED, reason, ok=True))
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
            erg = asm.ergaenzung(f.name)
            reason = "pages merged, file embedded"
            if erg is not None:
                reason += f"; Schriften ergänzt: {erg.zusammenfassung()}"
            out.append(Check(Kind.ANLAGE, label, Status.OK, reason))
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
    nichtoeffentlich_freigeben: bool = False,
    trust: TrustSource = None,
    signiert: Mapping[int, str] | None = None,
) -> BundleResult:
    """Build the PDF/A-3b bundle of *v*; Anlage files are looked up in *folder*.

    Raises :class:`~ratsdok.errors.AnlagenError` (naming the file) for a missing,
    unreadable or changed Anlage file and for a broken or encrypted Anlage PDF.
    With ``nicht_konform="einbetten"`` a PDF Anlage whose pages would break
    PDF/A is embedded as a file only and reported in :attr:`BundleResult.hinweise`.
    The Hauptdokument (if any) is read, checked and merged like an Anlage, its
    pages right after the rendered Vorlage.

    With *oeffentlich_only*, the public variant: the non-public Anlagen are left
    out, and a nichtöffentliche Vorlage is refused with an
    :class:`~ratsdok.errors.InvalidDocumentError` naming its reason and legal
    basis, unless *nichtoeffentlich_freigeben* states that it has been released
    for publication.

    The embedded ``ratsdok.xml`` is sealed. Pass the source document as *xml*
    to embed it (with its signatures); without it, a sealed XML is written from
    *v*. A signed block is marked "elektronisch signiert" on the rendered pages
    only where its signature chains to a CA of *trust* (paths or bytes of CA
    certificates) and is by the person printed; others are noted in the Hinweise.
    """
    freigabe = _freigabe(v, oeffentlich_only, nichtoeffentlich_freigeben)
    policy = NichtKonform(nicht_konform)
    base = Path(folder) if folder is not None else None
    vv = public_copy(v) if oeffentlich_only else v
    embedded, marks, xml_hinweise = _xml_to_embed(v, vv, xml, trust, signiert)
    _check_names(vv)
    h = vv.hauptdokument
    haupt, contents = _read_files(vv, base, max_anlage_bytes)
    asm = Assembly(titel(vv), stichtag(vv), policy)
    opened: list[Pdf] = []  # pages copied from a PDF read its data when saved
    try:
        haupt_src: Pdf | None = None
        seiten = HauptdokumentSeiten.DATEI
        if h is not None and haupt is not None:
            if h.medientyp == PDF_MEDIENTYP:
                haupt_src = open_pdf("Hauptdokument", _file_name(h, base), haupt)
                opened.append(haupt_src)
            if asm.plan_hauptdokument(h, haupt_src):
                seiten = HauptdokumentSeiten.FOLGEN
            else:
                seiten, haupt_src = HauptdokumentSeiten.BEIGEFUEGT, None
        main = Pdf.open(io.BytesIO(render(vv, signiert=marks, hauptdokument=seiten)))
        opened.append(main)
        eigene = take_outline(main)
        asm.begin(main)
        vorlage = asm.add_pages(asm.titel, len(main.pages))
        if h is None or haupt is None:
            with main.open_outline() as ol:
                ol.root.append(vorlage.bookmark(eigene))
        else:
            opened += _place_hauptdokument(main, asm, vorlage, vv, haupt, haupt_src, eigene)
        for a, data in zip(vv.dateianlagen, contents, strict=True):
            src = None
            if a.medientyp == PDF_MEDIENTYP:
                src = open_anlage_pdf(a, data, base)
                opened.append(src)
            section, file = asm.add_anlage(a, src)
            if src is not None and section is not None:
                own = _merge_pages(main, src)
                with main.open_outline() as ol:
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
    hinweise = (*freigabe, *xml_hinweise, *asm.hinweise)
    return BundleResult(buf.getvalue(), hinweise, _checks(vv, asm, marks))


def _merge_pages(main: Pdf, src: Pdf) -> list[OutlineItem]:
    """Append *src*'s pages to *main* and return *src*'s own outline, not added to
    *main*'s (the caller nests it under the section's bookmark)."""
    return copy_pages(main, src, outline=True)


def _place_hauptdokument(
    main: Pdf,
    asm: Assembly,
    vorlage: Section,
    vv: Vorlage,
    data: bytes,
    src: Pdf | None,
    eigene: list[OutlineItem],
) -> list[Pdf]:
    """Merge the Hauptdokument's pages *src* (None: not merged) after the rendered
    Vorlage *main*, its bookmark and own outline under the Vorlage's, with the
    nichtöffentlich mark where *vv* needs it; attach its bytes *data*. Returns the
    PDFs to keep open until *main* is saved."""
    assert vv.hauptdokument is not None
    section, file = asm.add_hauptdokument(vv.hauptdokument, None if src is None else len(src.pages))
    keep: list[Pdf] = []
    children = list(eigene)
    if src is not None and section is not None:
        children.append(section.bookmark(_merge_pages(main, src)))
        mark = seitenvermerk(vv)
        if mark is not None:
            keep.append(mark_pages(main, section.start, section.pages, mark))
    with main.open_outline() as ol:
        ol.root.append(vorlage.bookmark(children))
    asm.attach(main, file, data)
    return keep


def bundle(
    v: Vorlage,
    folder: str | os.PathLike[str] | None = None,
    *,
    oeffentlich_only: bool = False,
    xml: bytes | ParsedDocument | None = None,
    nichtoeffentlich_freigeben: bool = False,
    trust: TrustSource = None,
) -> bytes:
    """The PDF/A-3b bundle of *v* as bytes (see :func:`build_bundle`).

    Every PDF Anlage must be mergeable without breaking PDF/A; use
    :func:`build_bundle` with ``nicht_konform="einbetten"`` to embed such files
    without merging them.
    """
    return build_bundle(
        v,
        folder,
        oeffentlich_only=oeffentlich_only,
        xml=xml,
        nichtoeffentlich_freigeben=nichtoeffentlich_freigeben,
        trust=trust,
    ).data


def bundle_to_file(
    v: Vorlage,
    folder: str | os.PathLike[str] | None,
    out: str | os.PathLike[str],
    *,
    oeffentlich_only: bool = False,
    nicht_konform: NichtKonform | str = NichtKonform.FEHLER,
    stream_threshold: int = STREAM_THRESHOLD,
    xml: bytes | ParsedDocument | None = None,
    nichtoeffentlich_freigeben: bool = False,
    trust: TrustSource = None,
    signiert: Mapping[int, str] | None = None,
) -> tuple[Problem, ...]:
    """Build the bundle and write it to *out* atomically; return the Hinweise.

    When an Anlage file (or the Hauptdokument's) is at least *stream_threshold*
    bytes, the bundle is built on disk next to *out* (see
    :func:`ratsdok.pdf.stream.stream_bundle`), so that memory stays bounded by
    about the largest single stream, not the total size. *oeffentlich_only* and
    *nichtoeffentlich_freigeben* as for :func:`build_bundle`.
    """
    freigabe = _freigabe(v, oeffentlich_only, nichtoeffentlich_freigeben)
    base = Path(folder) if folder is not None else None
    vv = public_copy(v) if oeffentlich_only else v
    mit_datei = [(i, a) for i, a in enumerate(vv.anlagen) if a.dateiname is not None]
    big = [_big_file(a, base, stream_threshold) for _, a in mit_datei]
    h = vv.hauptdokument
    big_haupt = None if h is None else _big_file(h, base, stream_threshold)
    if not any(big) and big_haupt is None:
        result = build_bundle(
            v,
            folder,
            oeffentlich_only=oeffentlich_only,
            nicht_konform=nicht_konform,
            xml=xml,
            nichtoeffentlich_freigeben=nichtoeffentlich_freigeben,
            trust=trust,
            signiert=signiert,
        )
        with atomic_output(out) as f:
            f.write(result.data)
        return result.hinweise
    embedded, marks, xml_hinweise = _xml_to_embed(v, vv, xml, trust, signiert)
    policy = NichtKonform(nicht_konform)
    _check_names(vv)
    haupt: bytes | BigFile | None = None
    if h is not None:
        haupt = (
            _read_hauptdokument(h, base, DEFAULT_MAX_ANLAGE_BYTES)
            if big_haupt is None
            else check_file(
                "Hauptdokument", "hauptdokument", h, big_haupt, DEFAULT_MAX_ANLAGE_BYTES
            )
        )
    contents: list[bytes | BigFile] = [
        _read_anlage(i, a, base, DEFAULT_MAX_ANLAGE_BYTES)
        if path is None
        else check_big(i, a, path, DEFAULT_MAX_ANLAGE_BYTES)
        for (i, a), path in zip(mit_datei, big, strict=True)
    ]
    hinweise = stream_bundle(vv, contents, base, Path(out), policy, embedded, marks, haupt)
    return (*freigabe, *xml_hinweise, *hinweise)


def build_barrierefrei(
    v: Vorlage,
    folder: str | os.PathLike[str] | None = None,
    *,
    oeffentlich_only: bool = False,
    max_anlage_bytes: int = DEFAULT_MAX_ANLAGE_BYTES,
    xml: bytes | ParsedDocument | None = None,
    nichtoeffentlich_freigeben: bool = False,
    trust: TrustSource = None,
    signiert: Mapping[int, str] | None = None,
) -> BundleResult:
    """The accessible publication variant of the bundle: PDF/A-3a + PDF/UA-1.

    Its pages are the rendered Vorlage only, tagged; the Anlagen (and the
    Hauptdokument) are attached as associated files instead of merging their
    pages, which come from elsewhere untagged and would break PDF/UA. The sealed
    ``ratsdok.xml`` is attached as in :func:`build_bundle`; the other arguments
    mean what they mean there. Checked by ``page`` at 3a and UA-1 and by
    ratsdok's structure checks (:func:`~ratsdok.pdf.validation.gate_tagged`).
    """
    freigabe = _freigabe(v, oeffentlich_only, nichtoeffentlich_freigeben)
    base = Path(folder) if folder is not None else None
    vv = public_copy(v) if oeffentlich_only else v
    embedded, marks, xml_hinweise = _xml_to_embed(v, vv, xml, trust, signiert)
    _check_names(vv)
    h = vv.hauptdokument
    haupt, contents = _read_files(vv, base, max_anlage_bytes)
    seiten = HauptdokumentSeiten.DATEI if h is None else HauptdokumentSeiten.BEIGEFUEGT
    asm = Assembly(titel(vv), stichtag(vv), NichtKonform.EINBETTEN)
    checks = [
        Check(
            Kind.DOKUMENT,
            XML_NAME,
            Status.OK,
            "sealed ratsdok XML attached"
            + (
                f", with the signatures of Unterzeichnung {', '.join(map(str, marks))}"
                if marks
                else ""
            ),
        )
    ]
    buf = io.BytesIO()
    with Pdf.open(io.BytesIO(render(vv, signiert=marks, hauptdokument=seiten))) as pdf:
        if h is not None and haupt is not None:
            desc = f"Hauptdokument der {asm.titel}"
            asm.attach(
                pdf, Attachment(h.dateiname, h.medientyp, desc, AFRelationship.SOURCE), haupt
            )
            reason = "attached as a file (its pages are not tagged)"
            checks.append(
                Check(
                    Kind.HAUPTDOKUMENT,
                    f"Hauptdokument ({h.dateiname})",
                    Status.EMBEDDED,
                    reason,
                    ok=True,
                )
            )
        for a, data in zip(vv.dateianlagen, contents, strict=True):
            assert a.dateiname is not None
            assert a.medientyp is not None
            file = Attachment(a.dateiname, a.medientyp, a.bezeichnung, AFRelationship.SUPPLEMENT)
            asm.attach(pdf, file, data)
            checks.append(
                Check(
                    Kind.ANLAGE,
                    f"Anlage {a.nummer} ({a.dateiname})",
                    Status.EMBEDDED,
                    "attached as a file (the accessible variant merges no pages)",
                    ok=True,
                )
            )
        xml_file = Attachment(
            XML_NAME, XML_MEDIENTYP, f"ratsdok-XML der {asm.titel}", AFRelationship.ALTERNATIVE
        )
        asm.attach(pdf, xml_file, embedded)
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=True) as meta:
            meta["pdf:Producer"] = RENDERER  # verify re-renders only with the same versions
        pdf.Root.PageMode = Name.UseOutlines
        pdf.save(buf, deterministic_id=True)
    data = buf.getvalue()
    gate_tagged(data, ["3a", "ua1"], what="the accessible bundle", ohne_kopf=tabellen_ohne_kopf(vv))
    return BundleResult(
        data, (*freigabe, *xml_hinweise), tuple(checks), title="PDF/A-3a + PDF/UA-1 bundle"
    )


def _file_name(f: Anlage | Hauptdokument, folder: Path | None) -> str:
    """How errors name the file of *f*: its path in *folder*, or its name if inline."""
    assert f.dateiname is not None
    return str(folder / f.dateiname) if folder is not None and f.inhalt is None else f.dateiname


def _big_file(a: Anlage | Hauptdokument, folder: Path | None, threshold: int) -> Path | None:
    """The file of *a* when it is to be streamed (at least *threshold* bytes), else None."""
    if folder is None or a.inhalt is not None:
        return None
    if a.dateiname is None:
        return None
    path = folder / a.dateiname
    return path if file_size(path) >= threshold else None
