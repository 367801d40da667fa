"""Verifying a ratsdok document: XML (Anlagen beside it) or a bundle PDF, and any
input through :func:`verify_any`.

The input is read once and parsed once: the bytes decide the kind
(:func:`~ratsdok.verification.detect.detect`), a bundle's embedded
``ratsdok.xml`` and Anlage files come from the PDF, and the parsed document is
handed to :func:`ratsdok.integrity.verify.verify_document`.
"""

from __future__ import annotations

import functools
import io
import re
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pikepdf

from ratsdok._types import PathLike, TrustSource
from ratsdok.errors import InvalidDocumentError, Problem, RatsdokError, UnsafeInputError
from ratsdok.integrity.bindung import Bindungen
from ratsdok.integrity.verify import (
    VerificationResult,
    mark_candidates,
    verify_document,
)
from ratsdok.interop.xdomea.check import verify_archive
from ratsdok.model.vorlage import Vorlage
from ratsdok.pdf.assemble import NichtKonform
from ratsdok.pdf.bundling import (
    STREAM_THRESHOLD,
    build_barrierefrei,
    build_bundle,
    bundle_to_file,
)
from ratsdok.pdf.extraction import embedded_files, hidden_files
from ratsdok.pdf.names import MAX_PDF_BYTES, SCHRIFTEN_NAME, XML_NAME
from ratsdok.pdf.render import (
    HauptdokumentSeiten,
    Signaturfeld,
    render,
    render_pdf,
    signaturfelder,
)
from ratsdok.pdf.satz import RENDERER
from ratsdok.pdf.seiten import (
    content_bytes,
    document_fingerprint,
    fingerprints,
    signature_widget,
)
from ratsdok.report import Check, Kind, Report, Status
from ratsdok.store.files import read_bytes
from ratsdok.verification.detect import HEAD_BYTES, InputKind, detect, polyglot
from ratsdok.verification.pades import PadesSignatur, base_length, check_pades, has_signatures
from ratsdok.xml.mapping import ParsedDocument, parse_document

__all__ = ["pages_proven", "signature_fields", "verify", "verify_any"]

FONTS_ADDED = (
    f"ratsdok added fonts to the merged pages of PDF Anlagen that did not embed theirs; "
    f"{SCHRIFTEN_NAME} records which, and the pages' content streams are unchanged"
)


def verify(
    source: PathLike | bytes,
    *,
    trust: TrustSource = None,
    folder: PathLike | None = None,
    require_signatures: bool = False,
    bindung: Bindungen | None = None,
    vorlage: PathLike | bytes | None = None,
) -> VerificationResult:
    """Verify the seal, every Anlage and every signature of a document or bundle.

    *source* is a path or bytes of ratsdok XML or of a bundle PDF. Anlage files
    of an XML file are looked up next to it (or in *folder*); those of a bundle
    come from the PDF. *trust* names the CA certificates (PEM or DER; paths or
    bytes) that signer certificates must be issued by; without it, intact
    signatures are reported as untrusted. Raises a
    :class:`~ratsdok.errors.RatsdokError` for input that is not a valid ratsdok
    document (schema, rules, unsafe XML) and for an archive ZIP (see
    :func:`verify_any` and :func:`ratsdok.verify_archive`).

    A rendered Vorlage (``ratsdok render``, perhaps signed with ``sign-pdf``) carries
    no XML: give the Vorlage it was rendered from as *vorlage* (path or bytes; its
    Anlagen are looked up beside it, or in *folder*); its pages are then compared
    with a fresh rendering.
    """
    if isinstance(source, bytes):
        name, data = "<bytes>", source
        base = Path(folder) if folder is not None else None
    else:
        name = str(source)
        data = read_bytes(source, max_bytes=MAX_PDF_BYTES)
        base = Path(folder) if folder is not None else Path(source).parent
    kind = detect(data[:HEAD_BYTES])
    reason = polyglot(data, kind)
    if reason is not None:
        raise UnsafeInputError(Problem(reason, file=name))
    if kind is InputKind.ZIP:
        raise InvalidDocumentError(
            Problem(
                "this is a ZIP; verify it with verify_archive (or verify_any, or "
                "'ratsdok verify' on the command line)",
                file=name,
            )
        )
    if kind is InputKind.XML:
        doc = parse_document(data, source=name)
        return verify_document(
            doc,
            source=name,
            folder=base,
            trust=trust,
            require_signatures=require_signatures,
            bindung=bindung,
        )
    if vorlage is not None and XML_NAME not in embedded_files(data, name=name):
        return _verify_rendered(data, name, vorlage, folder, trust, require_signatures, bindung)
    return _verify_bundle(data, name, trust, require_signatures, bindung)[0]


def _verify_rendered(
    data: bytes,
    name: str,
    vorlage: PathLike | bytes,
    folder: PathLike | None,
    trust: TrustSource,
    require_signatures: bool,
    bindung: Bindungen | None,
) -> VerificationResult:
    """:func:`verify` of a rendered Vorlage *data* against the XML *vorlage*."""
    if isinstance(vorlage, bytes):
        xml, xml_name, where = vorlage, "<vorlage>", Path(folder) if folder else None
    else:
        xml, xml_name = read_bytes(vorlage), str(vorlage)
        where = Path(folder) if folder is not None else Path(vorlage).parent
    doc = parse_document(xml, source=xml_name)
    result = verify_document(
        doc,
        source=name,
        folder=where,
        trust=trust,
        require_signatures=require_signatures,
        bindung=bindung,
    )
    pades, pades_notes, seiten, _marks = _signatures_and_pages(
        data, name, xml, doc, result, {}, trust, bindung, gerendert=True
    )
    return VerificationResult(
        result.source,
        result.vorlage,
        (*_with_pades(result.checks, pades), *seiten),
        result.pruefwert,
        (*result.notes, *pades_notes),
    )


def _signatures_and_pages(
    data: bytes,
    name: str,
    xml: bytes,
    doc: ParsedDocument,
    result: VerificationResult,
    files: dict[str, bytes],
    trust: TrustSource,
    bindung: Bindungen | None,
    *,
    gerendert: bool = False,
) -> tuple[list[PadesSignatur], list[str], list[Check], dict[int, str] | None]:
    """The PAdES signatures of *data* and the status of its pages (see
    :func:`_check_pages`), with notes on what was not checked."""
    pades: list[PadesSignatur] = []
    notes: list[str] = []
    if has_signatures(data):
        pades, notes = check_pades(data, doc.nachricht.vorlage, trust=trust, bindung=bindung)
    try:
        seiten, marks = _check_pages(
            data, xml, doc, files, mark_candidates(result), pades, gerendert=gerendert
        )
    except pikepdf.PdfError as exc:  # found by fuzzing: a page tree qpdf cannot find
        raise InvalidDocumentError(
            Problem(f"the PDF's pages cannot be read: {exc}", file=name)
        ) from None
    return pades, notes, seiten, marks


def pages_proven(
    data: bytes, *, trust: TrustSource = None, name: str = "<bytes>"
) -> tuple[VerificationResult, dict[int, str] | None]:
    """:func:`verify` of the bundle *data*, and the signed-block marks its pages
    were built with (None where the pages are not proven): what signing needs
    to place a signature field."""
    return _verify_bundle(data, name, trust, False, None)


def _verify_bundle(
    data: bytes,
    name: str,
    trust: TrustSource,
    require_signatures: bool,
    bindung: Bindungen | None,
) -> tuple[VerificationResult, dict[int, str] | None]:
    embedded = embedded_files(data, name=name)
    if XML_NAME not in embedded:
        raise InvalidDocumentError(
            Problem(
                f"no embedded {XML_NAME}; this is not a ratsdok bundle (a rendered Vorlage: "
                "give the XML it was rendered from, --vorlage)",
                file=name,
            )
        )
    xml = embedded.pop(XML_NAME)
    doc = parse_document(xml, source=f"{name}#{XML_NAME}")
    notes: tuple[str, ...] = ()
    if embedded.pop(SCHRIFTEN_NAME, None) is not None:
        notes += (FONTS_ADDED,)
    result = verify_document(
        doc,
        source=name,
        embedded=embedded,
        trust=trust,
        notes=notes,
        require_signatures=require_signatures,
        bindung=bindung,
    )
    pades, pades_notes, seiten, marks = _signatures_and_pages(
        data, name, xml, doc, result, embedded, trust, bindung
    )
    versteckt = tuple(
        Check(
            Kind.DATEI,
            f"embedded file outside the name tree ({where})",
            Status.UNLISTED,
            "other readers (pdfdetach, viewers) show it; ratsdok lists none there",
        )
        for where in hidden_files(data, name=name)
    )
    checked = VerificationResult(
        result.source,
        result.vorlage,
        (*_with_pades(result.checks, pades), *seiten, *versteckt),
        result.pruefwert,
        (*result.notes, *pades_notes),
    )
    return checked, marks


def _check_pages(
    data: bytes,
    xml: bytes,
    doc: ParsedDocument,
    files: dict[str, bytes],
    candidates: list[dict[int, str]],
    pades: list[PadesSignatur],
    *,
    gerendert: bool = False,
) -> tuple[list[Check], dict[int, str] | None]:
    """A status for every page of the bundle *data* (with *gerendert*: of the
    rendered Vorlage, compared with :func:`~ratsdok.pdf.render.render_pdf`): ``signed``, ``proven``,
    ``unchecked`` or ``failed`` (see :class:`~ratsdok.report.Status`), as one check
    per run of pages with the same status; and the signed-block marks the
    pages were built with (None when not proven).

    *proven*: the bundle as first written (before any PAdES signature) is, byte for
    byte, what ratsdok builds from its embedded record and files with the same
    renderer version (building is deterministic), or page by page shows the same.
    The signed-block marks depend on the trust given when it was built: *candidates*
    (:func:`~ratsdok.integrity.verify.mark_candidates`). *signed*: under a valid
    PAdES signature, and the page unchanged since the file was first written but
    for signature fields."""
    base = data
    revisions = [p.revision for p in pades if p.revision > 0]
    if revisions:
        base = data[: base_length(data, min(revisions))]
    with pikepdf.open(io.BytesIO(base)) as pdf:
        # Before the metadata is opened: pikepdf may write the XMP back re-serialised.
        base_prints = list(fingerprints(pdf, ausser=_covered({}, None)))
        base_doc = document_fingerprint(pdf)
        base_page1 = content_bytes(pdf.pages[0]) if pdf.pages else b""
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            barrierefrei = meta.get("pdfaid:conformance") == "A"
            producer = str(meta.get("pdf:Producer") or "")
            creator = str(meta.get("xmp:CreatorTool") or "")
    status: list[tuple[Status, str]]
    marks_used: dict[int, str] | None = None
    rest: Check | None = None
    if gerendert:
        # A rendered PDF records Typst's version only (CreatorTool); ratsdok's own is
        # not in it, so a rendering that differs is failed, not unchecked, unless
        # Typst's version differs.
        producer, erwartet = creator, _typst_creator()
    else:
        erwartet = RENDERER
    if producer != erwartet:
        why = (
            f"made by {producer or 'an unrecorded renderer'}; this is {erwartet}: its "
            "pages cannot be rebuilt to compare"
        )
        status = [(Status.UNCHECKED, why)] * len(base_prints)
    else:
        try:
            rebuilt, marks_used = (
                _rerendered(doc, candidates, base)
                if gerendert
                else _rebuilt(doc, files, xml, candidates, barrierefrei, base)
            )
        except RatsdokError as exc:
            why = f"the pages cannot be rebuilt: {exc}"
            status = [(Status.FAILED, why)] * len(base_prints)
        else:
            if marks_used is not None:
                why = (
                    "identical to what ratsdok builds from the embedded ratsdok.xml and files: "
                    "the page shows what is verified"
                )
                status = [(Status.PROVEN, why)] * len(base_prints)
            else:
                with pikepdf.open(io.BytesIO(rebuilt)) as pdf:
                    theirs = list(fingerprints(pdf, ausser=_covered({}, None)))
                status = [
                    (
                        Status.PROVEN,
                        "shows what ratsdok renders of the embedded ratsdok.xml and files",
                    )
                    if i < len(theirs) and fp == theirs[i]
                    else (
                        Status.FAILED,
                        "differs from what ratsdok builds from the embedded ratsdok.xml and files",
                    )
                    for i, fp in enumerate(base_prints)
                ]
                rest = Check(
                    Kind.DOKUMENT,
                    "Dokument",
                    Status.CHANGED,
                    "the bundle is not byte for byte what ratsdok builds from its embedded "
                    "ratsdok.xml and files: besides the pages below, parts a reader also "
                    "sees (bookmarks, metadata, attachments) may differ",
                )
                if len(theirs) != len(base_prints):
                    status.append(
                        (
                            Status.FAILED,
                            f"the bundle has {len(base_prints)} pages; built afresh it has "
                            f"{len(theirs)}",
                        )
                    )
    if pades:
        valid = [p for p in pades if p.check.status is Status.VALID and p.unveraendert]
        intact = {p.feld_id: p.feld for p in pades if p.unveraendert and p.feld_id is not None}
        # Where the fields belong: known only where the pages are proven (the layout
        # they were rendered with); elsewhere no page is called signed anyway.
        felder = (
            signature_fields(doc.nachricht.vorlage, marks_used, base_page1)
            if marks_used is not None
            else None
        )
        boxes = None if felder is None else {f.name: (f.seite, f.box) for f in felder}
        with pikepdf.open(io.BytesIO(data)) as pdf:
            final = list(fingerprints(pdf, ausser=_covered(intact, boxes)))
            final_doc = document_fingerprint(pdf)
            need = pdf.Root.get("/AcroForm", pikepdf.Dictionary()).get("/NeedAppearances")
        if final_doc != base_doc or bool(need):
            rest = Check(
                Kind.DOKUMENT,
                "Dokument",
                Status.CHANGED,
                "changed after the bundle was written: bookmarks, names, actions, metadata "
                "or form settings differ from the bundle the signatures started from",
            )
        for i, (st, why) in enumerate(status[: len(base_prints)]):
            if i >= len(final) or final[i] != base_prints[i]:
                status[i] = (
                    Status.FAILED,
                    "changed after the bundle was written (in a later revision), or it shows "
                    "a signature field no valid signature of this Vorlage accounts for",
                )
            elif valid and st is Status.PROVEN:  # signed, and shows what is verified
                namen = ", ".join(p.feld for p in valid)
                status[i] = (Status.SIGNED, f"under the valid PAdES signature {namen}; " + why)
        if len(final) > len(base_prints):
            status.append((Status.FAILED, "pages added after the bundle was written"))
    return ([rest] if rest is not None else []) + _runs(status), marks_used


def _covered(
    intact: dict[tuple[int, int], str], boxes: dict[str, tuple[int, Box]] | None
) -> Callable[[int, pikepdf.Object], bool]:
    """Which widgets a page comparison leaves out: ratsdok's signature fields
    (``UnterzeichnungN``) where they belong (page and box of the layout, where
    known), either holding a signature pyHanko validated as intact (this very
    field object, *intact*), or empty as the first signature made them (an
    appearance that draws nothing, no actions, no other looks). Any other widget
    counts: a reader sees it, and no signature vouches for it."""

    def covered(page: int, annot: pikepdf.Object) -> bool:
        found = signature_widget(annot)
        if found is None or _RATSDOK_FELD.fullmatch(found[0]) is None:
            return False
        name, field = found
        if field.objgen != annot.objgen:
            return False  # ratsdok writes field and widget as one object
        if boxes is not None and not _in_place(annot, page, boxes.get(name)):
            return False
        if "/V" in field:
            return intact.get(field.objgen) == name
        if set(annot.keys()) - _LEERES_FELD:
            return False
        ap = annot.get("/AP")
        if not isinstance(ap, pikepdf.Dictionary) or set(ap.keys()) != {"/N"}:
            return False
        normal = ap.get("/N")
        return isinstance(normal, pikepdf.Stream) and normal.read_bytes().strip() == b""

    return covered


Box = tuple[float, float, float, float]

_LEERES_FELD = frozenset(
    {"/Type", "/Subtype", "/FT", "/T", "/F", "/Rect", "/P", "/AP", "/TU", "/StructParent"}
)
"""The keys of an empty signature field as ratsdok's first signature writes it."""


def _in_place(annot: pikepdf.Object, page: int, where: tuple[int, Box] | None) -> bool:
    """Whether *annot* on *page* sits in the field box the layout reports."""
    if where is None or where[0] != page:
        return False
    try:
        rect = [float(x) for x in annot.Rect]
    except (AttributeError, TypeError, ValueError):
        return False
    x1, y1, x2, y2 = (
        min(rect[0], rect[2]),
        min(rect[1], rect[3]),
        max(rect[0], rect[2]),
        max(rect[1], rect[3]),
    )
    bx1, by1, bx2, by2 = where[1]
    return abs(x1 - bx1) < 1 and abs(y1 - by1) < 1 and abs(x2 - bx2) < 1 and abs(y2 - by2) < 1


def signature_fields(
    v: Vorlage, marks: Mapping[int, str], first_page: bytes
) -> list[Signaturfeld] | None:
    """The signature fields of *v*'s pages rendered with *marks*, the layout (how a
    Hauptdokument's pages were placed) told by the content of the bundle's first
    page, *first_page*; None when no layout gives that page."""
    modes = [HauptdokumentSeiten.DATEI] if v.hauptdokument is None else list(HauptdokumentSeiten)
    for mode in modes:
        with pikepdf.open(io.BytesIO(render(v, signiert=marks, hauptdokument=mode))) as pdf:
            if content_bytes(pdf.pages[0]) != first_page:
                continue
        return signaturfelder(v, signiert=marks, hauptdokument=mode)
    return None


_RATSDOK_FELD = re.compile(r"Unterzeichnung[1-9][0-9]{0,3}")


def _runs(status: list[tuple[Status, str]]) -> list[Check]:
    """One check per run of consecutive pages with the same status and reason."""
    checks: list[Check] = []
    start = 0
    for i in range(1, len(status) + 1):
        if i == len(status) or status[i] != status[start]:
            label = f"Seite {start + 1}" if i - start == 1 else f"Seiten {start + 1}–{i}"
            st, why = status[start]
            checks.append(Check(Kind.SEITEN, label, st, why))
            start = i
    return checks


def _rerendered(
    doc: ParsedDocument, candidates: list[dict[int, str]], base: bytes
) -> tuple[bytes, dict[int, str] | None]:
    """:func:`_rebuilt` for a rendered Vorlage: ``render_pdf`` with each of the marks."""
    first: bytes | None = None
    for marks in candidates:
        built = render_pdf(doc.nachricht.vorlage, signiert=marks)
        # Typst ends the file without a line break; signing adds one after %%EOF
        if built.rstrip(b"\r\n") == base.rstrip(b"\r\n"):
            return built, marks
        first = built if first is None else first
    assert first is not None
    return first, None


@functools.cache
def _typst_creator() -> str:
    """What Typst records as CreatorTool in what it renders (its version)."""
    data = render_pdf(Vorlage(nummer="KT 0001/2000", betreff="Version"))
    with (
        pikepdf.open(io.BytesIO(data)) as pdf,
        pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta,
    ):
        return str(meta.get("xmp:CreatorTool") or "")


def _rebuilt(
    doc: ParsedDocument,
    files: dict[str, bytes],
    xml: bytes,
    candidates: list[dict[int, str]],
    barrierefrei: bool,
    base: bytes,
) -> tuple[bytes, dict[int, str] | None]:
    """The bundle ratsdok builds of *doc*: the first of the *candidates* marks that
    gives exactly *base* (and those marks), else the build with the first
    candidate (and None)."""
    v = doc.nachricht.vorlage
    dateien = [a.dateiname for a in v.dateianlagen if a.dateiname is not None]
    if v.hauptdokument is not None:
        dateien.append(v.hauptdokument.dateiname)
    with tempfile.TemporaryDirectory(prefix="ratsdok-seiten-") as tmp:
        folder = Path(tmp)
        for dateiname in dateien:  # names the model validated, never the PDF's own
            if dateiname in files:
                (folder / dateiname).write_bytes(files[dateiname])
        # A bundle built on disk ends with an incremental update (the Anlagen
        # appended); its bytes depend on which files counted as large: the
        # default threshold first, then each file's size as the threshold.
        schwellen: list[int | None] = [None]
        if b"/Prev" in base[-2048:]:
            sizes = sorted({len(files[d]) for d in dateien if d in files})
            schwellen = [STREAM_THRESHOLD, *(n for n in sizes if n != STREAM_THRESHOLD)]
        first: bytes | None = None
        for schwelle in schwellen:
            for marks in candidates:
                built = _rebuild(v, folder, xml, marks, barrierefrei, schwelle)
                if built == base:
                    return built, marks
                first = built if first is None else first
    assert first is not None
    return first, None


def _with_pades(checks: tuple[Check, ...], pades: list[PadesSignatur]) -> list[Check]:
    """*checks* with the PAdES signatures' checks added, and the ``unsigned`` check
    of every Unterzeichnung a valid PAdES signature is bound to dropped. Where some
    block carries a PAdES signature, every other block's field was made by the
    first signature, which signs the set of blocks to be signed: an empty one is
    ``missing`` (removed, or not yet signed), not merely unsigned."""
    if not pades:
        return list(checks)
    signed = {p.nummer for p in pades if p.nummer is not None}
    out: list[Check] = []
    for c in checks:
        n = c.signer.unterzeichnung if c.signer is not None else None
        if c.kind is Kind.UNTERZEICHNUNG and n in signed:
            continue
        if c.kind is Kind.UNTERZEICHNUNG and c.status is Status.UNSIGNED:
            c = Check(
                c.kind,
                c.label,
                Status.MISSING,
                "the first PAdES signature signs a field for this Unterzeichnung, and it "
                "is empty: its signature was removed, or is still to be made",
                signer=c.signer,
            )
        out.append(c)
    return [*out, *(p.check for p in pades)]


def _rebuild(
    v: Vorlage,
    folder: Path,
    xml: bytes,
    marks: dict[int, str],
    barrierefrei: bool,
    schwelle: int | None,
) -> bytes:
    """The bundle ratsdok builds of *v* (files in *folder*, the embedded *xml*) with
    *marks*: accessible, in memory, or on disk with the stream threshold *schwelle*."""
    if barrierefrei:
        return build_barrierefrei(v, folder, xml=xml, signiert=marks).data
    if schwelle is not None:
        out = folder / ".rebuilt.pdf"
        bundle_to_file(
            v,
            folder,
            out,
            nicht_konform=NichtKonform.EINBETTEN,
            stream_threshold=schwelle,
            xml=xml,
            signiert=marks,
        )
        return out.read_bytes()
    return build_bundle(
        v, folder, nicht_konform=NichtKonform.EINBETTEN, xml=xml, signiert=marks
    ).data


def verify_any(
    source: PathLike,
    *,
    trust: TrustSource = None,
    require_signatures: bool = False,
    bindung: Bindungen | None = None,
    vorlage: PathLike | None = None,
) -> Report:
    """Verify any ratsdok input file: XML, bundle PDF or xdomea 0503 archive ZIP.

    The kind is told from the file's first bytes, never from its name. Returns
    a :class:`~ratsdok.verification.documents.VerificationResult` for a document
    and an :class:`~ratsdok.interop.xdomea.check.ArchiveResult` for an archive;
    both are :class:`~ratsdok.report.Report` objects. Raises a
    :class:`~ratsdok.errors.RatsdokError` where :func:`verify` does.
    """
    head = read_bytes(source, max_bytes=MAX_PDF_BYTES, head=HEAD_BYTES)
    if detect(head) is InputKind.ZIP:
        reason = polyglot(head, InputKind.ZIP)
        if reason is not None:
            raise UnsafeInputError(Problem(reason, file=str(source)))
        return verify_archive(
            source, trust=trust, require_signatures=require_signatures, bindung=bindung
        )
    return verify(
        source,
        trust=trust,
        require_signatures=require_signatures,
        bindung=bindung,
        vorlage=vorlage,
    )
