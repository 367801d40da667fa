"""What an input is, told from its bytes: ratsdok XML, a bundle PDF or an archive ZIP."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["InputKind", "detect"]

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
