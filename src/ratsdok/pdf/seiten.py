"""What a page shows, as a digest: to compare the pages of two PDFs one by one.

Two pages get the same :func:`fingerprint` when everything that decides what a
reader sees is the same: the content streams (decoded), the resources they draw
(fonts, images, forms, colour spaces; followed to the bottom), the boxes, the
rotation and every annotation. Object numbers do not count, nor the links back
into the page tree and the structure tree (``/Parent``, ``/P``,
``/StructParents``), which differ between a file and a copy of its pages.

Annotations can be left out (*ausser*, a predicate): the fields a signature
adds are judged by that signature, so the caller decides which widgets are
covered that way; every other annotation counts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator

import pikepdf

__all__ = ["Ausnahme", "fingerprint", "fingerprints", "signature_widget"]

Ausnahme = Callable[[pikepdf.Object], bool]
"""Which annotations of a page :func:`fingerprint` leaves out."""

_OHNE = frozenset({"/Parent", "/P", "/StructParent", "/StructParents", "/Annots"})
"""Keys that point back into the document's trees; annotations are handled apart."""


_GEERBT = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
"""The page attributes a page may inherit from the page tree (ISO 32000-1, 7.7.3.4)."""


def signature_widget(annot: pikepdf.Object) -> tuple[str, pikepdf.Object] | None:
    """(field name, field) of a signature field's widget *annot*, else None."""
    if annot.get("/Subtype") != pikepdf.Name.Widget:
        return None
    field = annot
    while "/FT" not in field and isinstance(field.get("/Parent"), pikepdf.Dictionary):
        field = field.Parent
    if field.get("/FT") != pikepdf.Name.Sig:
        return None
    return str(field.get("/T", "")), field


def _walk(obj: object, seen: dict[tuple[int, int], int], out: list[bytes]) -> None:
    if not isinstance(obj, pikepdf.Object):  # pikepdf hands numbers and booleans over as such
        out.append(repr(obj).encode() + b";")
        return
    if obj.is_indirect:
        og = obj.objgen
        if og in seen:  # a cycle or a shared object: its first position stands for it
            out.append(b"@%d;" % seen[og])
            return
        seen[og] = len(seen)
    if isinstance(obj, pikepdf.Stream):
        out.append(b"S")
        _dict(obj.stream_dict, seen, out, skip=frozenset({"/Length", "/Filter", "/DecodeParms"}))
        try:
            body = obj.read_bytes()
        except pikepdf.PdfError:  # a filter qpdf cannot decode: compare the raw bytes
            body = b"raw:" + obj.read_raw_bytes()
        out.append(b"%d:" % len(body))
        out.append(hashlib.sha256(body).digest())
    elif isinstance(obj, pikepdf.Dictionary):
        _dict(obj, seen, out)
    elif isinstance(obj, pikepdf.Array):
        out.append(b"[")
        for item in obj:
            _walk(item, seen, out)
        out.append(b"]")
    else:
        out.append(obj.unparse(resolved=True) + b";")


def _dict(
    d: pikepdf.Object,
    seen: dict[tuple[int, int], int],
    out: list[bytes],
    skip: frozenset[str] = frozenset(),
) -> None:
    out.append(b"<")
    for key in sorted(d.keys()):
        if key in skip or key in _OHNE:
            continue
        out.append(key.encode("utf-8", "surrogateescape") + b"=")
        _walk(d[key], seen, out)
    out.append(b">")


def fingerprint(page: pikepdf.Page, *, ausser: Ausnahme | None = None) -> bytes:
    """SHA-256 over what *page* shows (see the module's docstring)."""
    out: list[bytes] = []
    seen: dict[tuple[int, int], int] = {}
    _dict(page.obj, seen, out)
    for key in _GEERBT:  # what the page takes from the page tree counts too
        if key not in page.obj:
            node = page.obj.get("/Parent")
            while isinstance(node, pikepdf.Dictionary) and key not in node:
                node = node.get("/Parent")
            if isinstance(node, pikepdf.Dictionary):
                out.append(b"^" + key.encode("ascii") + b"=")
                _walk(node[key], seen, out)
    for annot in page.obj.get("/Annots", pikepdf.Array()):
        if ausser is not None and ausser(annot):
            continue
        out.append(b"A")
        _walk(annot, seen, out)
    return hashlib.sha256(b"".join(out)).digest()


def fingerprints(pdf: pikepdf.Pdf, *, ausser: Ausnahme | None = None) -> Iterator[bytes]:
    """:func:`fingerprint` of every page of *pdf*, in order."""
    for page in pdf.pages:
        yield fingerprint(page, ausser=ausser)
