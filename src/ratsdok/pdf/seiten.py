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

__all__ = [
    "Ausnahme",
    "content_bytes",
    "document_fingerprint",
    "fingerprint",
    "fingerprints",
    "signature_widget",
]

Ausnahme = Callable[[int, pikepdf.Object], bool]
"""Which annotations :func:`fingerprint` leaves out: called with the page's index
(0-based) and the annotation."""

_OHNE = frozenset({"/Parent", "/P", "/StructParent", "/StructParents", "/Annots"})
"""Keys that point back into the document's trees; annotations are handled apart."""


_FELD_GEERBT = ("/FT", "/V", "/DV", "/Ff", "/DA", "/Q", "/Opt", "/MaxLen", "/TI", "/I")
"""Field attributes a widget inherits from its parent fields (ISO 32000-1, 12.7.3.1):
what a viewer draws when it regenerates the widget from the field's value."""

_GEERBT = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
"""The page attributes a page may inherit from the page tree (ISO 32000-1, 7.7.3.4)."""


def signature_widget(annot: pikepdf.Object) -> tuple[str, pikepdf.Object] | None:
    """(field name, field) of a signature field's widget *annot*, else None."""
    if not isinstance(annot, pikepdf.Dictionary) or annot.get("/Subtype") != pikepdf.Name.Widget:
        return None
    field: pikepdf.Object = annot
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


def fingerprint(page: pikepdf.Page, *, ausser: Ausnahme | None = None, index: int = 0) -> bytes:
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
    annots = page.obj.get("/Annots", pikepdf.Array())
    for annot in annots if isinstance(annots, pikepdf.Array) else [annots]:
        if ausser is not None and ausser(index, annot):
            continue
        out.append(b"A")
        _walk(annot, seen, out)
        if isinstance(annot, pikepdf.Dictionary):
            _inherited_field(annot, seen, out)
    return hashlib.sha256(b"".join(out)).digest()


def fingerprints(pdf: pikepdf.Pdf, *, ausser: Ausnahme | None = None) -> Iterator[bytes]:
    """:func:`fingerprint` of every page of *pdf*, in order."""
    for i, page in enumerate(pdf.pages):
        yield fingerprint(page, ausser=ausser, index=i)


def _inherited_field(
    annot: pikepdf.Object, seen: dict[tuple[int, int], int], out: list[bytes]
) -> None:
    node = annot.get("/Parent")
    depth = 0
    while isinstance(node, pikepdf.Dictionary) and depth < 32:  # a cycle ends here
        for key in _FELD_GEERBT:
            if key in node:
                out.append(b"^" + key.encode("ascii") + b"=")
                _walk(node[key], seen, out)
        node = node.get("/Parent")
        depth += 1


_DOKUMENT_OHNE = frozenset(
    {"/Pages", "/AcroForm", "/DSS", "/StructTreeRoot", "/Perms", "/Extensions"}
)
"""What :func:`document_fingerprint` leaves to others: the pages (compared one by
one), the form (signature fields, judged by their signatures), the document
security store (revocation data), the structure tree (the first signature tags
its fields there), the signature permissions, and the developer extensions a
PAdES signature declares (ESIC, ISO 32000-1 7.12); none of them shows anything."""


def document_fingerprint(pdf: pikepdf.Pdf) -> bytes:
    """SHA-256 over what a reader sees of *pdf* besides its pages: the catalog
    (bookmarks, page labels, names and embedded files, open actions, optional
    content, XMP metadata, viewer preferences), the Info dictionary, and the
    form's settings but its fields (``/NeedAppearances`` makes viewers redraw
    fields from their values)."""
    out: list[bytes] = []
    seen: dict[tuple[int, int], int] = {}
    _dict(pdf.Root, seen, out, skip=_DOKUMENT_OHNE)
    acro = pdf.Root.get("/AcroForm")
    # A form of signature fields only says nothing: then as if there were none.
    if isinstance(acro, pikepdf.Dictionary) and set(acro.keys()) - {"/Fields", "/SigFlags"}:
        out.append(b"F")
        _dict(acro, seen, out, skip=frozenset({"/Fields", "/SigFlags"}))
    info = pdf.trailer.get("/Info")
    if isinstance(info, pikepdf.Dictionary):
        out.append(b"I")
        _dict(info, seen, out)
    return hashlib.sha256(b"".join(out)).digest()


def content_bytes(page: pikepdf.Page) -> bytes:
    """The decoded content of *page*, its streams joined (a /Contents array too)."""
    contents = page.obj.get("/Contents")
    streams = contents if isinstance(contents, pikepdf.Array) else [contents]
    return b"\n".join(s.read_bytes() for s in streams if isinstance(s, pikepdf.Stream))
