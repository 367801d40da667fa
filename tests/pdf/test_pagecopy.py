"""Copying pages in linear time gives the document pikepdf's ``add_pages_from`` gives."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, OutlineItem, Pdf, String

from ratsdok.pdf.pagecopy import copy_pages, plain_pages
from tests.conftest import EXAMPLE_DIR

KONZEPT = (EXAMPLE_DIR / "integrationskonzept.pdf").read_bytes()


def _edited(change: Callable[[Pdf, list[Dictionary]], None]) -> bytes:
    """The example Anlage (three pages, its own bookmarks) after *change*."""
    with Pdf.open(io.BytesIO(KONZEPT)) as pdf:
        change(pdf, [p.obj for p in pdf.pages])
        buf = io.BytesIO()
        pdf.save(buf, deterministic_id=True)
    return buf.getvalue()


def _outline(pdf: Pdf, pages: list[Dictionary]) -> None:
    """Nested, closed, named (string and name), GoTo and URI items, and an item
    leading nowhere with a child that leads to a page."""
    tree = pikepdf.NameTree.new(pdf)
    tree["zwei"] = Array([pages[1], Name.XYZ, 0, 500, 0])
    pdf.Root.Names = Dictionary(Dests=tree.obj)
    pdf.Root.Dests = pdf.make_indirect(Dictionary(Drei=Dictionary(D=Array([pages[2], Name.Fit]))))
    a = OutlineItem("A", Array([pages[0], Name.XYZ, 10, 700, 1.5]), color=(1.0, 0.0, 0.0))
    a.children += [OutlineItem("A.1", String("zwei")), OutlineItem("A.2", Name("/Drei"))]
    b = OutlineItem("B", Array([pages[2], Name.FitH, 300]))
    b.is_closed = True
    b.children.append(OutlineItem("B.1", Array([pages[1], Name.Fit])))
    goto = Dictionary(S=Name.GoTo, D=Array([pages[1], Name.Fit]))
    uri = Dictionary(S=Name.URI, URI=String("https://example.org"))
    hollow = OutlineItem("Hohl", action=uri)
    hollow.children.append(OutlineItem("Hohl.1", Array([pages[0], Name.Fit])))
    with pdf.open_outline() as ol:
        ol.root += [a, b, OutlineItem("Web", action=uri), OutlineItem("GoTo", action=goto), hollow]


def _link(**keys: Any) -> Callable[[Pdf, list[Dictionary]], None]:
    """The outline of :func:`_outline` and a link annotation with *keys* on page 1
    (``Dest=2``: an explicit destination, page 3)."""

    def change(pdf: Pdf, pages: list[Dictionary]) -> None:
        _outline(pdf, pages)
        if isinstance(keys.get("Dest"), int):
            keys["Dest"] = Array([pages[2], Name.Fit])
        annot = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 9, 9], F=4, **keys)
        pages[0].Annots = Array([pdf.make_indirect(annot)])

    return change


def _inherited(pdf: Pdf, pages: list[Dictionary]) -> None:
    """The pages' resources and media box on a /Pages node in between."""
    root = pdf.Root.Pages
    middle = pdf.make_indirect(
        Dictionary(
            Type=Name.Pages,
            Kids=Array(pages),
            Count=len(pages),
            Parent=root,
            Resources=pages[0].Resources,
            MediaBox=pages[0].MediaBox,
        )
    )
    for page in pages:
        page.Parent = middle
        del page.Resources, page.MediaBox
    root.Kids = Array([middle])


def _with_pikepdf(dest: Pdf, src: Pdf) -> list[OutlineItem]:
    """What bundling did before: ``add_pages_from``, the source's items taken out again."""
    with dest.open_outline() as ol:
        before = len(ol.root)
    dest.add_pages_from(src, outlines="preserve")
    with dest.open_outline() as ol:
        own = list(ol.root[before:])
        del ol.root[before:]
    return own


def _merged(source: bytes, copy: Callable[[Pdf, Pdf], list[OutlineItem]]) -> bytes:
    """A one-page PDF with a bookmark, *source*'s pages appended by *copy*, its
    outline nested under a second bookmark; saved as bundles are."""
    with Pdf.new() as dest, Pdf.open(io.BytesIO(source)) as src:
        dest.add_blank_page()
        with dest.open_outline() as ol:
            ol.root.append(OutlineItem("Vorlage", 0))
        own = copy(dest, src)
        item = OutlineItem("Anlage", 1)
        item.children += own
        with dest.open_outline() as ol:
            ol.root.append(item)
        buf = io.BytesIO()
        dest.save(buf, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buf.getvalue()


SOURCES = {
    "example": KONZEPT,
    "outline": _edited(_outline),
    "explicit link": _edited(_link(Dest=2)),
    "uri link": _edited(_link(A=Dictionary(S=Name.URI, URI=String("https://example.org")))),
    "inherited": _edited(_inherited),
    "named link": _edited(_link(A=Dictionary(S=Name.GoTo, D=String("zwei")))),
}


@pytest.mark.parametrize("name", SOURCES)
def test_the_same_bytes_as_add_pages_from(name: str) -> None:
    source = SOURCES[name]
    with Pdf.open(io.BytesIO(source)) as src:
        assert plain_pages(src) is (name != "named link")  # that one takes add_pages_from
    mine = _merged(source, lambda dest, src: copy_pages(dest, src, outline=True))
    assert mine == _merged(source, _with_pikepdf)


def test_the_outline_carried_along() -> None:
    with Pdf.new() as dest, Pdf.open(io.BytesIO(SOURCES["outline"])) as src:
        own = copy_pages(dest, src, outline=True)
        pages = {p.obj.objgen: n for n, p in enumerate(dest.pages)}

        def page(item: OutlineItem) -> int | None:
            if item.destination is None:
                return None
            assert isinstance(item.destination, Array)
            return pages[item.destination[0].objgen]

        def walk(items: list[OutlineItem]) -> list[object]:
            return [(i.title, page(i), i.is_closed, walk(i.children)) for i in items]

        assert walk(own) == [
            ("1 Hinweis", 0, False, []),  # the file's own
            ("2 Ausgangslage", 1, False, []),
            ("3 Handlungsfelder", 2, False, []),
            ("A", 0, False, [("A.1", 1, False, []), ("A.2", 2, False, [])]),
            ("B", 2, True, [("B.1", 1, False, [])]),
            ("GoTo", 1, False, []),
            ("Hohl", None, False, [("Hohl.1", 0, False, [])]),
        ]
        view = own[3].destination
        assert isinstance(view, Array)
        assert list(view)[1:] == [Name.XYZ, 10, 700, 1.5]  # kept


@pytest.mark.parametrize(
    "change",
    [
        lambda pdf, pages: setattr(pdf.Root, "AcroForm", Dictionary(Fields=Array())),
        lambda pdf, pages: setattr(pdf.Root, "OCProperties", Dictionary(OCGs=Array())),
        _link(Dest=Name("/Drei")),
        _link(AA=Dictionary(U=Dictionary(S=Name.GoTo, D=String("zwei")))),
        _link(A=Dictionary(S=Name.URI, URI=String("x"), Next=[Dictionary(S=Name.GoTo, D="/A")])),
    ],
    ids=["form", "layers", "named /Dest", "named in /AA", "named in /Next"],
)
def test_what_only_add_pages_from_carries(change: Callable[[Pdf, list[Dictionary]], None]) -> None:
    with Pdf.open(io.BytesIO(_edited(change))) as src:
        assert not plain_pages(src)
