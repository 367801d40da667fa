"""Verifying a ratsdok document: XML (Anlagen beside it) or a bundle PDF, and any
input through :func:`verify_any`.

The input is read once and parsed once: the bytes decide the kind
(:func:`~ratsdok.verification.detect.detect`), a bundle's embedded
``ratsdok.xml`` and Anlage files come from the PDF, and the parsed document is
handed to :func:`ratsdok.integrity.verify.verify_document`.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pikepdf

from ratsdok._types import PathLike, TrustSource
from ratsdok.errors import InvalidDocumentError, Problem, RatsdokError, UnsafeInputError
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
from ratsdok.report import Check, Kind, Report, Status
from ratsdok.store.files import read_bytes
from ratsdok.verification.detect import HEAD_BYTES, InputKind, detect, polyglot
from ratsdok.xml.mapping import ParsedDocument, parse_document

__all__ = ["verify", "verify_any"]

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
            doc, source=name, folder=base, trust=trust, require_signatures=require_signatures
        )
    embedded = embedded_files(data, name=name)
    if XML_NAME not in embedded:
        raise InvalidDocumentError(
            Problem(f"no embedded {XML_NAME}; this is not a ratsdok bundle", file=name)
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
    )
    seiten = _check_pages(data, xml, doc, embedded, mark_candidates(result))
    versteckt = tuple(
        Check(
            Kind.DATEI,
            f"embedded file outside the name tree ({where})",
            Status.UNLISTED,
            "other readers (pdfdetach, viewers) show it; ratsdok lists none there",
        )
        for where in hidden_files(data, name=name)
    )
    return VerificationResult(
        result.source,
        result.vorlage,
        (*result.checks, seiten, *versteckt),
        result.pruefwert,
        result.notes,
    )


def _check_pages(
    data: bytes,
    xml: bytes,
    doc: ParsedDocument,
    files: dict[str, bytes],
    candidates: list[dict[int, str]],
) -> Check:
    """Whether the bundle is, byte for byte, what ratsdok builds from its embedded
    record and files (building is deterministic): then every page a reader sees is
    the rendering of what is verified, and the merged Anlage pages are the files'.

    The signed blocks the pages mark depend on the trust given when it was built:
    *candidates* (:func:`~ratsdok.integrity.verify.mark_candidates`)."""
    label = "Seiten"
    v = doc.nachricht.vorlage
    with (
        pikepdf.open(io.BytesIO(data)) as pdf,
        pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta,
    ):
        barrierefrei = meta.get("pdfaid:conformance") == "A"
    dateien = [a.dateiname for a in v.dateianlagen if a.dateiname is not None]
    if v.hauptdokument is not None:
        dateien.append(v.hauptdokument.dateiname)
    try:
        with tempfile.TemporaryDirectory(prefix="ratsdok-seiten-") as tmp:
            folder = Path(tmp)
            for dateiname in dateien:  # names the model validated, never the PDF's own
                if dateiname in files:
                    (folder / dateiname).write_bytes(files[dateiname])
            # A bundle built on disk ends with an incremental update (the Anlagen
            # appended); its bytes depend on which files counted as large: the
            # default threshold first, then each file's size as the threshold.
            schwellen: list[int | None] = [None]
            if b"/Prev" in data[-2048:]:
                sizes = sorted({len(files[d]) for d in dateien if d in files})
                schwellen = [STREAM_THRESHOLD, *(n for n in sizes if n != STREAM_THRESHOLD)]
            for schwelle in schwellen:
                for marks in candidates:
                    if _rebuild(v, folder, xml, marks, barrierefrei, schwelle) == data:
                        return Check(
                            Kind.DOKUMENT,
                            label,
                            Status.OK,
                            "the bundle is exactly what ratsdok builds from its embedded "
                            "ratsdok.xml and files: every page shows what is verified",
                        )
    except RatsdokError as exc:
        return Check(Kind.DOKUMENT, label, Status.INVALID, f"the pages cannot be rebuilt: {exc}")
    return Check(
        Kind.DOKUMENT,
        label,
        Status.CHANGED,
        "the bundle is not what ratsdok builds from its embedded ratsdok.xml and files: its "
        "pages (or other parts) may show something else than what is verified",
    )


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
    source: PathLike, *, trust: TrustSource = None, require_signatures: bool = False
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
        return verify_archive(source, trust=trust, require_signatures=require_signatures)
    return verify(source, trust=trust, require_signatures=require_signatures)
