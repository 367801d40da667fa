"""What an input is, told from its bytes: ratsdok XML, a bundle PDF or an archive ZIP."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["InputKind", "detect", "polyglot"]

HEAD_BYTES = 1024
"""How many leading bytes :func:`detect` needs."""


class InputKind(StrEnum):
    """The kinds of input ratsdok verifies."""

    XML = "xml"
    """ratsdok XML (or anything else: the XML parser then says what is wrong)."""
    PDF = "pdf"
    """A PDF, normally a ratsdok bundle with an embedded ``ratsdok.xml``."""
    ZIP = "zip"
    """A ZIP, normally an xdomea Aussonderung 0503 archive."""


def detect(head: bytes) -> InputKind:
    """The kind of an input from its first bytes (at least :data:`HEAD_BYTES`, or all).

    Decided by signature, never by file name: a ZIP starts with a local file
    header (or, when empty, the end-of-central-directory record); a PDF with
    ``%PDF-`` after optional white space; everything else is read as XML.
    """
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return InputKind.ZIP
    if head.lstrip()[:5] == b"%PDF-":
        return InputKind.PDF
    return InputKind.XML


_PDF_STRUCTURE = (b"startxref", b"%%EOF", b"trailer", b"/Root")
"""Bytes only a PDF's structure holds; with ``%PDF-`` they make a readable PDF."""


def polyglot(data: bytes, kind: InputKind) -> str | None:
    """Why *data*, read as *kind*, is also a PDF (a polyglot), or None.

    PDF viewers read a file from its end and look for ``%PDF-`` anywhere in the
    first 1,024 bytes (some anywhere at all), so an XML file with a PDF in a
    comment, or a ZIP that starts with one, shows a PDF's pages while ratsdok
    verifies something else. Such a file is refused, never verified.
    """
    if kind is InputKind.PDF:
        return None
    at = data.find(b"%PDF-")
    if at == -1:
        return None
    if kind is InputKind.ZIP and at >= HEAD_BYTES:
        return None  # the text of a compressed or later entry: no viewer finds it
    if kind is InputKind.XML and not any(marker in data for marker in _PDF_STRUCTURE):
        return None  # the text "%PDF-" alone (in a Begründung, say) is no PDF
    return (
        f"the {kind.value.upper()} file also holds a PDF (%PDF- at byte {at}): a PDF "
        "viewer would show that PDF, not what is verified here; such a file is refused"
    )
