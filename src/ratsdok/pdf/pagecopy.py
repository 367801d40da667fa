"""Copying all pages of one PDF into another in time linear in the page count.

pikepdf's ``Pdf.add_pages_from`` looks pages up by index (``pdf.pages[i]``),
and in pikepdf 10 every such look-up, ``len(pdf.pages)`` and
``pdf.pages.append`` copy the whole page list: copying *n* pages takes time
quadratic in *n* (about a minute for 20,000 pages). Here the pages are
appended by qpdf's ``addPage`` and found again by iterating, which copies the
page list once.

:func:`copy_pages` gives the same document as ``add_pages_from``, the
source's outline items that lead to a copied page carried along. A source
with form fields, links to named destinations or optional content (layers)
still goes through ``add_pages_from``, which carries those too, in quadratic
time (:func:`plain_pages`).
"""

from __future__ import annotations

from itertools import islice

import pikepdf
from pikepdf import Array, Dictionary, Name, Object, OutlineItem, Pdf, String

__all__ = ["append_pages", "copy_pages", "outline_to_copies", "plain_pages"]

ObjGen = tuple[int, int]

_OUTLINE_DEPTH = 64
"""Outline items nested deeper than this are not carried (as ``add_pages_from``)."""


def plain_pages(src: Pdf) -> bool:
    """Whether copying *src*'s pages needs nothing but the pages and the outline:
    no form fields (``/AcroForm``), no optional content (``/OCProperties``) and
    no annotation leading to a named destination."""
    root = src.Root
    if "/AcroForm" in root or "/OCProperties" in root:
        return False
    for page in src.pages:
        annots = page.obj.get("/Annots")
        if isinstance(annots, Array) and any(_named_link(a) for a in annots):
            return False
    return True


def _named_link(annot: object) -> bool:
    """Whether annotation *annot* leads to a named destination (``/Dest`` or a
    ``/GoTo`` action, also in ``/AA`` and in ``/Next`` chains)."""
    if not isinstance(annot, Dictionary):
        return False
    if isinstance(annot.get("/Dest"), String | Name):
        return True
    actions = [annot.get("/A")]
    aa = annot.get("/AA")
    if isinstance(aa, Dictionary):
        actions += list(aa.values())
    seen: set[ObjGen] = set()
    while actions:
        action = actions.pop()
        if isinstance(action, Array):
            actions += list(action)
            continue
        if not isinstance(action, Dictionary):
            continue
        if action.is_indirect:
            if action.objgen in seen:
                continue
            seen.add(action.objgen)
        if action.get("/S") == Name.GoTo and isinstance(action.get("/D"), String | Name):
            return True
        actions.append(action.get("/Next"))
    return False


def append_pages(dest: Pdf, src: Pdf) -> dict[ObjGen, Dictionary]:
    """Append a copy of every page of *src* to *dest*; map each page of *src*
    (its object number) to its copy.

    The copies are made as ``dest.pages.append`` makes them (qpdf's
    ``addPage``), without its look-up of the whole page list.
    """
    start = len(dest.pages)
    for page in src.pages:
        # qpdf's addPage, as pages.append and pikepdf's own add_blank_page call it
        dest._add_page(page.obj, first=False)
    copies = islice(dest.pages, start, None)
    return {p.obj.objgen: c.obj for p, c in zip(src.pages, copies, strict=True)}


def outline_to_copies(src: Pdf, copies: dict[ObjGen, Dictionary]) -> list[OutlineItem]:
    """*src*'s outline items that lead to a page in *copies*, leading to the copy.

    As ``add_pages_from`` carries them: the destination keeps its view
    parameters; an item leading elsewhere is kept, without destination, only
    when an item below it is kept; title, colour, flags and the closed state
    stay.
    """
    if not isinstance(src.Root.get("/Outlines"), Dictionary):
        return []
    try:
        items = list(src.open_outline(max_depth=_OUTLINE_DEPTH).root)  # read only, not saved
    except (pikepdf.OutlineStructureError, AttributeError, TypeError, ValueError):
        return []  # an outline too damaged to read is left behind
    return _carry(src, items, copies)


def _carry(
    src: Pdf, items: list[OutlineItem], copies: dict[ObjGen, Dictionary]
) -> list[OutlineItem]:
    kept = []
    for item in items:
        children = _carry(src, item.children, copies)
        dest = _retarget(src, item, copies)
        if dest is None and not children:
            continue
        new = OutlineItem(item.title, dest, color=item.color, flags=item.flags)
        new.is_closed = item.is_closed
        new.children = children
        kept.append(new)
    return kept


def _retarget(src: Pdf, item: OutlineItem, copies: dict[ObjGen, Dictionary]) -> Array | None:
    """The destination of *item* with its page replaced by the copy; None if not copied."""
    target: object = item.destination
    if target is None and item.action is not None:
        if item.action.get("/S") != Name.GoTo:
            return None
        target = item.action.get("/D")
    if isinstance(target, String | Name):
        target = _named(src, target)
    if not isinstance(target, Array) or len(target) == 0:
        return None
    page = target[0]
    if not isinstance(page, Dictionary) or not page.is_indirect:
        return None
    copy = copies.get(page.objgen)
    if copy is None:
        return None
    return Array([copy, *(target[i] for i in range(1, len(target)))])


def _named(src: Pdf, name: String | Name) -> Object | None:
    """The explicit destination a named destination of *src* stands for (a
    string in the ``/Names /Dests`` tree, a name in the ``/Dests`` dictionary)."""
    root = src.Root
    entry: Object | None = None
    if isinstance(name, String):
        names = root.get("/Names")
        tree = names.get("/Dests") if isinstance(names, Dictionary) else None
        if tree is not None:
            entry = pikepdf.NameTree(tree).get(str(name))
    else:
        dests = root.get("/Dests")
        entry = dests.get(name) if isinstance(dests, Dictionary) else None
    if isinstance(entry, Dictionary):
        entry = entry.get("/D")
    if isinstance(entry, Array) and len(entry) > 0 and getattr(entry[0], "is_indirect", False):
        return entry
    return None


def copy_pages(dest: Pdf, src: Pdf, *, outline: bool = False) -> list[OutlineItem]:
    """Append copies of all of *src*'s pages to *dest*; with *outline*, return
    *src*'s outline items that lead to them (not added to *dest*'s outline).

    The same document as ``dest.add_pages_from(src)``, in linear time when
    :func:`plain_pages` holds. Objects are made in the same order too (qpdf
    packs them into object streams by it): *dest*'s outline root before the
    pages, the items after them.
    """
    if not outline:
        if plain_pages(src):
            append_pages(dest, src)
        else:
            dest.add_pages_from(src, outlines="ignore")
        return []
    with dest.open_outline() as ol:  # saved: makes dest's outline root, if none
        before = len(ol.root)
    if plain_pages(src):
        own = outline_to_copies(src, append_pages(dest, src))
        _make_objects(dest, own)
        return own
    # Form fields, named destinations and layers need what add_pages_from carries.
    dest.add_pages_from(src, outlines="preserve")
    with dest.open_outline() as ol:
        own = list(ol.root[before:])
        del ol.root[before:]
    return own


def _make_objects(pdf: Pdf, items: list[OutlineItem]) -> None:
    """Make the dictionaries of *items* in *pdf*, depth first, as pikepdf writes an outline."""
    for item in items:
        item.to_dictionary_object(pdf)
        _make_objects(pdf, item.children)
