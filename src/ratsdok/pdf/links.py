"""Links in merged Anlage pages: only those that lead to the web or to mail stay.

An Anlage from elsewhere may carry links a reader of the bundle should not be
led by: ``javascript:`` and ``file:`` URIs, jumps into other files
(``GoToR`` to a UNC path, ``GoToE``) or form posts.
PDF/A permits most of them, so the PDF/A checks let them through. They are
removed from the *merged copy* of the pages only (the original file stays
embedded unchanged), and the user is told what was removed. The bundle is built
the same way every time, so ``verify`` (which rebuilds it) sees the same pages.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Pdf

__all__ = ["ERLAUBTE_SCHEMATA", "strip_links"]

ERLAUBTE_SCHEMATA = ("http", "https", "mailto")
"""URI schemes a link in a merged page may keep."""

_VERBOTENE_AKTIONEN = frozenset({"/GoToR", "/GoToE", "/ImportData", "/SubmitForm"})
"""Actions that leave the document. (JavaScript and Launch actions break PDF/A: the
Anlage is refused for them, as before, rather than quietly changed.)"""


def _warum(action: object) -> str | None:
    """Why *action* (and the actions it chains with /Next) may not stay; None: it may."""
    seen: set[tuple[int, int]] = set()
    todo = [action]
    while todo:
        a = todo.pop()
        if not isinstance(a, Dictionary):
            continue
        if a.is_indirect:
            if a.objgen in seen:
                continue
            seen.add(a.objgen)
        kind = str(a.get("/S", ""))
        if kind in _VERBOTENE_AKTIONEN:
            return f"a {kind[1:]} action"
        if kind == "/URI":
            uri = a.get("/URI")
            text = bytes(uri).decode("latin-1") if isinstance(uri, pikepdf.String) else ""
            scheme = text.split(":", 1)[0].strip().lower() if ":" in text else ""
            if scheme not in ERLAUBTE_SCHEMATA:
                return f"a {scheme or 'relative'}: link"
        nxt = a.get("/Next")
        if isinstance(nxt, Array):
            todo.extend(nxt)
        elif nxt is not None:
            todo.append(nxt)
    return None


def strip_links(pdf: Pdf) -> list[str]:
    """Remove from *pdf*'s pages every annotation whose action leaves the web or mail
    (see the module docstring) and every page's additional actions; return what was
    removed, a line each ("page 2: a javascript: link")."""
    removed: list[str] = []
    for number, page in enumerate(pdf.pages, 1):
        obj = page.obj
        if "/AA" in obj:
            del obj.AA
            removed.append(f"page {number}: page actions")
        annots = obj.get("/Annots")
        if not isinstance(annots, Array):
            continue
        keep = Array()
        for annot in annots:
            why = _warum(annot.get("/A")) if isinstance(annot, Dictionary) else None
            if why is None and isinstance(annot, Dictionary) and "/AA" in annot:
                why = "additional actions"
            if why is None:
                keep.append(annot)
            else:
                removed.append(f"page {number}: {why}")
        if len(keep) != len(annots):
            obj.Annots = keep
    return removed
