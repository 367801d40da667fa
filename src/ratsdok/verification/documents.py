"""Verifying a ratsdok document: XML (Anlagen beside it) or a bundle PDF, and any
input through :func:`verify_any`.

The input is read once and parsed once: the bytes decide the kind
(:func:`~ratsdok.verification.detect.detect`), a bundle's embedded
``ratsdok.xml`` and Anlage files come from the PDF, and the parsed document is
handed to :func:`ratsdok.integrity.verify.verify_document`.
"""

from __future__ import annotations

from pathlib import Path

from ratsdok._types import PathLike, TrustSource
from ratsdok.errors import InvalidDocumentError, Problem, UnsafeInputError
from ratsdok.integrity.verify import VerificationResult, verify_document
from ratsdok.interop.xdomea.check import verify_archive
from ratsdok.pdf.extraction import embedded_files
from ratsdok.pdf.names import MAX_PDF_BYTES, SCHRIFTEN_NAME, XML_NAME
from ratsdok.report import Report
from ratsdok.store.files import read_bytes
from ratsdok.verification.detect import HEAD_BYTES, InputKind, detect, polyglot
from ratsdok.xml.mapping import parse_document

__all__ = ["verify", "verify_any"]

PAGES_NOT_VERIFIED = (
    "the pages of the bundle are not verified: they are a rendering of the "
    "embedded ratsdok.xml and Anlagen, which are what is checked here "
    "(for a fresh rendering: ratsdok extract, then ratsdok bundle)"
)
FONTS_ADDED = (
    f"ratsdok added fonts to the merged pages of PDF Anlagen that did not embed theirs; "
    f"{SCHRIFTEN_NAME} records which, and the pages' content streams are unchanged"
)


def verify(
    source: PathLike | bytes,
    *,
    trust: TrustSource = None,
    folder: PathLike | None = None,
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
        return verify_document(doc, source=name, folder=base, trust=trust)
    embedded = embedded_files(data, name=name)
    if XML_NAME not in embedded:
        raise InvalidDocumentError(
            Problem(f"no embedded {XML_NAME}; this is not a ratsdok bundle", file=name)
        )
    doc = parse_document(embedded.pop(XML_NAME), source=f"{name}#{XML_NAME}")
    notes: tuple[str, ...] = (PAGES_NOT_VERIFIED,)
    if embedded.pop(SCHRIFTEN_NAME, None) is not None:
        notes += (FONTS_ADDED,)
    return verify_document(doc, source=name, embedded=embedded, trust=trust, notes=notes)


def verify_any(source: PathLike, *, trust: TrustSource = None) -> Report:
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
        return verify_archive(source, trust=trust)
    return verify(source, trust=trust)
