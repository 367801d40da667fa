"""Which sealed ratsdok XML travels with a Vorlage into a bundle or an archive.

One rule for both: a given source document is never resealed over a change
(``refresh=False``: a broken seal is an error, not hidden), and it is kept as
it is, signatures included, when it is *the record* of the Vorlage; otherwise
a fresh sealed document is written from the model. What counts as the record
is the one difference, named by :class:`Keep`.
"""

from __future__ import annotations

from enum import StrEnum

from ratsdok.integrity.seal import is_signed, seal_document, zeitstempel_of
from ratsdok.model.vorlage import Vorlage
from ratsdok.xml.mapping import ParsedDocument, parse_document, to_xml

__all__ = ["Keep", "sealed_record"]


class Keep(StrEnum):
    """When a source document is the record of a Vorlage."""

    SIGNED = "signed"
    """When it is signed or time-stamped: it is what was signed or stamped, even
    where the model has since gained Anlage digests from the files (the archive)."""
    MATCHING = "matching"
    """When it describes exactly the Vorlage being written (the bundle, whose
    pages are rendered from the model)."""


def sealed_record(
    v: Vorlage, source: ParsedDocument | None, *, keep: Keep
) -> tuple[ParsedDocument, bool]:
    """The sealed document for *v*, and whether it is the kept *source*."""
    if source is not None:
        sealed = seal_document(source, refresh=False)
        attested = is_signed(sealed) or zeitstempel_of(sealed) is not None
        if attested if keep is Keep.SIGNED else source.vorlage == v:
            return sealed, True
    return seal_document(parse_document(to_xml(v))), False
