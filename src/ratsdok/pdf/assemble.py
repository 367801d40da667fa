"""The page assembler: the layout of a PDF made of a rendered Vorlage and the
pages of its Anlagen, shared by the in-memory bundle (:mod:`ratsdok.pdf.bundling`)
and the streamed one (:mod:`ratsdok.pdf.stream`).

Owns what both paths decide alike, so that they differ only in how pages are
physically merged (:func:`~ratsdok.pdf.pagecopy.copy_pages` in memory, a qpdf
job on disk; both in time linear in the page count):

* opening and checking an Anlage or Hauptdokument PDF, from bytes or from a
  file (:func:`open_anlage_pdf`, :func:`open_pdf`);
* whether an Anlage's (or the Hauptdokument's) pages can be merged without
  breaking PDF/A-3b, and what to do when they cannot (:class:`NichtKonform`);
  an Anlage kept out only by non-embedded standard fonts is merged with fonts
  added to its merged copy (:mod:`ratsdok.pdf.schriften`), recorded in the
  associated file ``ratsdok-schriften.json``;
* the sections of the page sequence (:class:`Section`): bookmark title (the
  Anlage's ``bezeichnung``, "Anlage 1 – Titel"), first page, page count and
  page-label prefix (``A1-``), recorded in order by an :class:`Assembly`;
* the Hauptdokument (the file that is the Vorlage): its pages follow the
  rendered ones, as a section ``H-1, H-2, …`` bookmarked under the Vorlage
  (:meth:`Assembly.plan_hauptdokument`, :meth:`Assembly.add_hauptdokument`);
* the nichtöffentlich mark on pages that were not rendered (:func:`mark_pages`);
* the associated files with their ``/AFRelationship`` (:class:`Attachment`),
  the page labels and the finishing steps (XML, language, outline view, PDF/A);
* copying an Anlage's own outline for the streamed path (:func:`outline_of`,
  :func:`place_outline`; the in-memory path carries it as pikepdf's
  ``add_pages_from`` does, :func:`~ratsdok.pdf.pagecopy.copy_pages`).

A Sitzungsmappe (many Vorlagen in one PDF) is meant to reuse the
:class:`Assembly` with one Vorlage section after another.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from itertools import count, islice
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, NumberTree, OutlineItem, Pdf, String

from ratsdok.errors import AnlagenError, Problem
from ratsdok.model.vorlage import Anlage, Hauptdokument, Vorlage
from ratsdok.pdf.links import strip_links
from ratsdok.pdf.names import JSON_MEDIENTYP, SCHRIFTEN_NAME, XML_MEDIENTYP, XML_NAME
from ratsdok.pdf.pdfa import make_pdfa, probe_conforms, sanitize_pages
from ratsdok.pdf.render import vermerk_pdf
from ratsdok.pdf.schriften import Ergaenzung, RecordEntry, ergaenze_schriften, protokoll

__all__ = [
    "HAUPTDOKUMENT_PREFIX",
    "AFRelationship",
    "Assembly",
    "Attachment",
    "NichtKonform",
    "Section",
    "mark_pages",
    "open_anlage_pdf",
    "open_pdf",
    "outline_of",
    "place_outline",
    "take_outline",
]

HAUPTDOKUMENT_PREFIX = "H-"
"""Page-label prefix of the Hauptdokument's pages (``H-1, H-2, …``)."""


class NichtKonform(StrEnum):
    """What to do with a PDF Anlage whose pages would break PDF/A-3b."""

    FEHLER = "fehler"
    """Refuse to bundle (an :class:`~ratsdok.errors.AnlagenError` naming it)."""
    EINBETTEN = "einbetten"
    """Do not merge its pages; embed the file only and report a Hinweis."""


class AFRelationship(StrEnum):
    """The PDF/A-3 ``/AFRelationship`` of an associated file (a PDF name)."""

    ALTERNATIVE = "/Alternative"
    """A complete equivalent of the document (the embedded ratsdok XML)."""
    SOURCE = "/Source"
    """The file the merged pages are a rendition of (a merged PDF Anlage or Hauptdokument)."""
    SUPPLEMENT = "/Supplement"
    """Supporting data (any other file, or a PDF not merged)."""


@dataclass(frozen=True)
class Section:
    """A run of pages in the assembled PDF: a Vorlage or one merged Anlage."""

    titel: str
    """Its bookmark title ("Beschlussvorlage KT 0134/2020", "Anlage 1 – Titel")."""
    start: int
    """Index of its first page in the assembled PDF."""
    pages: int
    """Number of its pages."""
    prefix: str | None = None
    """Page-label prefix (``A1-``); None for plain ``1, 2, …``."""

    def bookmark(self, children: Iterable[OutlineItem] = ()) -> OutlineItem:
        """Its outline item, with *children* (its own outline) nested under it."""
        item = OutlineItem(self.titel, self.start)
        item.children.extend(children)
        return item

    def label(self) -> Dictionary:
        """Its ``/PageLabels`` entry (decimal numbers, with the prefix if any)."""
        if self.prefix is None:
            return Dictionary(S=Name.D)
        return Dictionary(S=Name.D, P=String(self.prefix))


@dataclass(frozen=True)
class Attachment:
    """An associated file (PDF/A-3 ``/AF``) of the assembled PDF, without its bytes."""

    name: str
    mime: str
    desc: str
    relationship: AFRelationship


def _pdf_date(d: date) -> str:
    return f"D:{d.year:04d}{d.month:02d}{d.day:02d}000000Z"


def open_anlage_pdf(a: Anlage, source: bytes | Path, folder: Path | None) -> Pdf:
    """Open the PDF of Anlage *a* (its bytes, or its file) and check it can be merged.

    Raises :class:`~ratsdok.errors.AnlagenError` naming the file (in *folder*,
    unless the content is inline) when the PDF is unreadable, encrypted, has
    no pages or fails qpdf's syntax check.
    """
    assert a.dateiname is not None  # only Anlagen with a file are opened
    name = str(folder / a.dateiname) if folder is not None and a.inhalt is None else a.dateiname
    return open_pdf(f"Anlage {a.nummer}", name, source)


def open_pdf(what: str, name: str, source: bytes | Path) -> Pdf:
    """Open the PDF of *what* ("Anlage 1", "Hauptdokument"), its bytes or its file
    *name*, and check it can be merged (see :func:`open_anlage_pdf`)."""
    try:
        src = Pdf.open(io.BytesIO(source) if isinstance(source, bytes) else source)
    except pikepdf.PasswordError:
        raise AnlagenError(
            Problem(f"{what}: the PDF is encrypted (password protected)", file=name)
        ) from None
    except pikepdf.PdfError as exc:
        raise AnlagenError(Problem(f"{what}: not a readable PDF ({exc})", file=name)) from None
    try:
        if src.is_encrypted:
            raise AnlagenError(Problem(f"{what}: the PDF is encrypted", file=name))
        if len(src.pages) == 0:
            raise AnlagenError(Problem(f"{what}: the PDF has no pages", file=name))
        src.check_pdf_syntax()
    except pikepdf.PdfError as exc:
        src.close()
        raise AnlagenError(Problem(f"{what}: broken PDF ({exc})", file=name)) from None
    except AnlagenError:
        src.close()
        raise
    return src


def mark_pages(pdf: Pdf, start: int, count: int, text: str) -> Pdf:
    """Put *text* (the nichtöffentlich mark) at the top of *count* pages of *pdf* from
    *start* on, upright as the page is shown (``/Rotate`` respected).

    Returns the PDF the mark was copied from: keep it open until *pdf* is saved
    (its stream data is read then), and close it afterwards.
    """
    mark = Pdf.open(io.BytesIO(vermerk_pdf(text)))
    box = mark.pages[0].mediabox
    w, h = float(box[2]), float(box[3])
    form = pdf.copy_foreign(mark.pages[0].as_form_xobject())
    rand = 14.0  # from the edge of the page as shown
    # Slicing pdf.pages looks up each page by index, copying the page list each time.
    for page in islice(pdf.pages, start, start + count):
        b = pikepdf.Rectangle(page.cropbox)
        cx, cy = (b.llx + b.urx) / 2, (b.lly + b.ury) / 2
        # The rectangle in the page's own coordinates whose edge is on top when shown;
        # the placement turns the mark upright for the page's /Rotate.
        rect = {
            0: pikepdf.Rectangle(cx - w / 2, b.ury - rand - h, cx + w / 2, b.ury - rand),
            90: pikepdf.Rectangle(b.llx + rand, cy - w / 2, b.llx + rand + h, cy + w / 2),
            180: pikepdf.Rectangle(cx - w / 2, b.lly + rand, cx + w / 2, b.lly + rand + h),
            270: pikepdf.Rectangle(b.urx - rand - h, cy - w / 2, b.urx - rand, cy + w / 2),
        }[_rotation(page)]
        _overlay(page, form, rect)  # the rectangle fits the mark: placed unscaled
    return mark


def _overlay(page: pikepdf.Page, form: pikepdf.Object, rect: pikepdf.Rectangle) -> None:
    """``page.add_overlay(form, rect)`` under a fixed resource name (pikepdf picks a
    random one, which made bundles with a marked Hauptdokument differ run to run)."""
    used = page.obj.get("/Resources", Dictionary()).get("/XObject", Dictionary())
    name = next(
        Name(f"/RatsdokVermerk{n or ''}")
        for n in count()
        if f"/RatsdokVermerk{n or ''}" not in used
    )
    page.add_resource(form, Name.XObject, name=name)
    placement = page.calc_form_xobject_placement(form, name, rect)
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"Q\n", prepend=False)
    page.contents_add(placement, prepend=False)
    page.contents_coalesce()


def _rotation(page: pikepdf.Page) -> int:
    try:
        value = int(page.obj.get("/Rotate", 0))
    except (TypeError, ValueError):
        return 0
    return value % 360 if value % 90 == 0 else 0


@dataclass
class Assembly:
    """The layout of one assembled PDF, recorded in page order.

    Use: :meth:`add_pages` for the Vorlage and :meth:`add_anlage` for each
    Anlage, merging the pages (in memory or on disk) where the returned
    :class:`Section` says; :meth:`begin` on the target PDF as soon as it is
    open (in memory before the first merge, on disk after the qpdf job);
    :meth:`attach` each file; end with :meth:`finish`.
    """

    titel: str
    """The document title; the description of the embedded XML names it."""
    tag: date
    """The date of every attached file (:func:`~ratsdok.pdf.render.stichtag`)."""
    policy: NichtKonform = NichtKonform.FEHLER
    sections: list[Section] = field(default_factory=list)
    files: list[Attachment] = field(default_factory=list)
    """The Anlage files, in the order of :meth:`add_anlage`."""
    hauptdokument: Attachment | None = None
    """The Hauptdokument's file (:meth:`add_hauptdokument`)."""
    hinweise: list[Problem] = field(default_factory=list)
    """Notes for the user (PDF Anlagen embedded without merging their pages, or
    merged with fonts added)."""
    schriften: list[RecordEntry] = field(default_factory=list)
    """The Anlagen merged with fonts added (:mod:`ratsdok.pdf.schriften`), in order."""
    _labels: NumberTree | None = field(default=None, init=False, repr=False)
    _saved: dict[str, Path] = field(default_factory=dict, init=False, repr=False)
    _links: set[str] = field(default_factory=set, init=False, repr=False)
    """Anlage files whose merged copy had links removed (:mod:`ratsdok.pdf.links`)."""

    @property
    def pages(self) -> int:
        """Number of pages placed so far (the first page of the next section)."""
        return sum(s.pages for s in self.sections)

    def begin(self, pdf: Pdf) -> None:
        """Make the page-label tree of the target *pdf*, which has just been opened.

        It is made first because the order in which objects are made decides
        how they are packed into object streams, and so the saved bytes.
        """
        self._labels = NumberTree.new(pdf)

    def add_pages(self, titel: str, pages: int, prefix: str | None = None) -> Section:
        """Place *pages* pages (e.g. a rendered Vorlage) after those placed so far."""
        section = Section(titel, self.pages, pages, prefix)
        self.sections.append(section)
        return section

    def add_anlage(
        self, a: Anlage, src: Pdf | None, work: Path | None = None
    ) -> tuple[Section | None, Attachment]:
        """Record Anlage *a*: the section its pages go to (None: not merged), and its file.

        *src* is its PDF (:func:`open_anlage_pdf`), None when *a* is not a PDF.
        A PDF's presentation keys are dropped, then it is probed
        (:func:`~ratsdok.pdf.pdfa.probe_conforms`, on disk in *work* if given);
        pages that would break PDF/A-3b only by non-embedded standard fonts get
        fonts in *src* (the merged copy, :meth:`ergaenzung`); others are refused
        or, by the policy, not merged (with a Hinweis). The file is ``/Source``
        when its pages are merged, else ``/Supplement``. The bookmark title and the
        file's description are the Anlage's
        :attr:`~ratsdok.model.vorlage.Anlage.bezeichnung`.
        """
        section = None
        # Only Anlagen with a file come here (the model requires a medientyp with a file).
        assert a.dateiname is not None
        assert a.medientyp is not None
        if src is not None:
            entfernt = strip_links(src)
            if entfernt:
                self._links.add(a.dateiname)
                self.hinweise.append(
                    Problem(
                        f"Anlage {a.nummer}: links that leave the web or mail removed from the "
                        f"merged pages ({'; '.join(entfernt[:5])}"
                        + (f"; {len(entfernt) - 5} more" if len(entfernt) > 5 else "")
                        + "); the embedded original keeps them",
                        file=a.dateiname,
                    )
                )
        if src is not None and self._mergeable(f"Anlage {a.nummer}", a.dateiname, src, work, a):
            section = self.add_pages(a.bezeichnung, len(src.pages), f"A{a.nummer}-")
        rel = AFRelationship.SUPPLEMENT if section is None else AFRelationship.SOURCE
        file = Attachment(a.dateiname, a.medientyp, a.bezeichnung, rel)
        self.files.append(file)
        return section, file

    def plan_hauptdokument(
        self, h: Hauptdokument, src: Pdf | None, work: Path | None = None
    ) -> bool:
        """Whether the Hauptdokument's pages will be merged (decided before the Vorlage
        is rendered, whose pages say so).

        *src* is its PDF (:func:`open_pdf`), None when it is not a PDF: then it is
        embedded as a file only, with a Hinweis. A PDF is checked like an Anlage's
        (refused or, by the policy, not merged when its pages would break PDF/A-3b).
        """
        if src is None:
            self.hinweise.append(
                Problem(
                    f"the Hauptdokument is not a PDF ({h.medientyp}): it is embedded as a file "
                    "only, and its content is not on the bundle's pages",
                    file=h.dateiname,
                )
            )
            return False
        return self._mergeable("the Hauptdokument", h.dateiname, src, work)

    def add_hauptdokument(
        self, h: Hauptdokument, pages: int | None
    ) -> tuple[Section | None, Attachment]:
        """Record the Hauptdokument *h* after the Vorlage: the section of its *pages*
        (None: not merged; bookmarked under the Vorlage, labelled ``H-1, …``) and its
        file (``/Source`` when merged, else ``/Supplement``)."""
        section = None
        if pages is not None:
            section = self.add_pages(f"Hauptdokument – {h.dateiname}", pages, HAUPTDOKUMENT_PREFIX)
        rel = AFRelationship.SUPPLEMENT if section is None else AFRelationship.SOURCE
        file = Attachment(h.dateiname, h.medientyp, f"Hauptdokument der {self.titel}", rel)
        self.hauptdokument = file
        return section, file

    def _mergeable(
        self, what: str, name: str, src: Pdf, work: Path | None, a: Anlage | None = None
    ) -> bool:
        """Whether a PDF's pages can be merged (those of Anlage *a* after adding fonts
        if need be); refuse or note it when they cannot."""
        sanitize_pages(src)
        reasons = probe_conforms(src, work)
        if reasons and a is not None:
            reasons = self._add_fonts(a, name, src, work, reasons)
        if not reasons:
            return True
        if self.policy is NichtKonform.FEHLER:
            raise AnlagenError(
                Problem(
                    f"{what}: its pages would break PDF/A-3b ({'; '.join(reasons)}); "
                    "fix the file, or embed it without merging its pages",
                    file=name,
                )
            )
        self.hinweise.append(
            Problem(
                f"{what}: embedded as a file only, its pages are not merged because "
                f"they would break PDF/A-3b ({'; '.join(reasons)})",
                file=name,
            )
        )
        return False

    def _add_fonts(
        self, a: Anlage, name: str, src: Pdf, work: Path | None, reasons: list[str]
    ) -> list[str]:
        """Add fonts to *src*, the merged copy of Anlage *a* whose pages would break
        PDF/A-3b for *reasons*, and probe it again; the reasons that remain (empty:
        merge *src*, the repair is recorded and noted)."""
        assert a.dateiname is not None
        erg = ergaenze_schriften(src)
        if erg.gruende:
            return [*erg.gruende, *reasons]
        if not erg.geaendert:
            return reasons
        if work is None:
            remaining = probe_conforms(src)
        else:  # a large file: probed, and later merged, from the repaired copy on disk
            saved = self._saved[a.dateiname] = work / f"schriften-{a.nummer}.pdf"
            src.save(saved)
            with Pdf.open(saved) as copy:
                remaining = probe_conforms(copy, work)
        if remaining:
            return remaining
        self.schriften.append(
            RecordEntry(a.nummer, a.dateiname, a.sha256, self.pages, f"A{a.nummer}-", erg)
        )
        self.hinweise.append(
            Problem(
                f"Anlage {a.nummer}: Schriften ergänzt: {erg.zusammenfassung()} (in its "
                f"merged pages only; the embedded file is unchanged; see {SCHRIFTEN_NAME})",
                file=name,
            )
        )
        return []

    def ergaenzung(self, dateiname: str) -> Ergaenzung | None:
        """The fonts added to the merged pages of the Anlage file *dateiname* (None: none)."""
        return next((e.ergaenzung for e in self.schriften if e.datei == dateiname), None)

    def merge_file(self, a: Anlage, src: Pdf, path: Path, work: Path) -> Path:
        """The file the streamed path merges Anlage *a*'s pages from: its file *path*,
        or, when fonts were added or links removed, the merged copy *src* saved in
        *work*."""
        assert a.dateiname is not None
        if self.ergaenzung(a.dateiname) is None and a.dateiname not in self._links:
            return path
        saved = self._saved.get(a.dateiname)
        if saved is None:
            saved = self._saved[a.dateiname] = work / f"schriften-{a.nummer}.pdf"
            src.save(saved)
        return saved

    def attach(self, pdf: Pdf, f: Attachment, data: bytes) -> None:
        """Attach *f* with the bytes *data* to *pdf* (dated :attr:`tag`)."""
        stamp = _pdf_date(self.tag)
        pdf.attachments[f.name] = pikepdf.AttachedFileSpec(
            pdf,
            data,
            description=f.desc,
            filename=f.name,
            mime_type=f.mime,
            creation_date=stamp,
            mod_date=stamp,
            relationship=Name(f.relationship),
        )

    def finish(self, pdf: Pdf, v: Vorlage, embedded: bytes) -> None:
        """Steps both bundle paths end with: the record of added fonts, if any
        (``/Supplement``), the XML *embedded* as associated file
        (``/Alternative``), page labels of the sections, language, outline view,
        then :func:`~ratsdok.pdf.pdfa.make_pdfa` of *v* (PDF/A-3b)."""
        if self._labels is None:
            raise RuntimeError("Assembly.finish without Assembly.begin")
        if self.schriften:
            desc = f"Schriften, die ratsdok den Seiten von Anlagen der {self.titel} ergänzt hat"
            record = Attachment(SCHRIFTEN_NAME, JSON_MEDIENTYP, desc, AFRelationship.SUPPLEMENT)
            self.attach(pdf, record, protokoll(self.schriften))
        xml = Attachment(
            XML_NAME, XML_MEDIENTYP, f"ratsdok-XML der {self.titel}", AFRelationship.ALTERNATIVE
        )
        self.attach(pdf, xml, embedded)
        for s in self.sections:
            self._labels[s.start] = s.label()
        pdf.Root.PageLabels = self._labels.obj
        pdf.Root.Lang = String("de-DE")
        pdf.Root.PageMode = Name.UseOutlines
        make_pdfa(pdf, v, part=3)


# --- outline copying (streamed path) --------------------------------------


def _dest_page(src: Pdf, item: OutlineItem, index: dict[tuple[int, int], int]) -> int:
    """Page index (in *src*) an outline item points to; 0 when unknown."""
    dest: object = item.destination
    if dest is None and item.action is not None and "/D" in item.action:
        dest = item.action.D
    try:
        if isinstance(dest, (String, Name, str)):
            key = str(dest)
            found: object = None
            if "/Names" in src.Root and "/Dests" in src.Root.Names:
                found = pikepdf.NameTree(src.Root.Names.Dests).get(key)
            elif "/Dests" in src.Root:
                found = src.Root.Dests.get("/" + key.lstrip("/"))
            if isinstance(found, Dictionary) and "/D" in found:
                found = found.D
            dest = found
        if isinstance(dest, Array) and len(dest) > 0:
            target = dest[0]
            if isinstance(target, Dictionary):
                return index.get(target.objgen, 0)
            if isinstance(target, int):
                return target
    except (pikepdf.PdfError, KeyError, TypeError, ValueError):
        pass
    return 0


def _copy_outline(
    items: list[OutlineItem], src: Pdf, offset: int, index: dict[tuple[int, int], int]
) -> list[OutlineItem]:
    result = []
    for it in items:
        new = OutlineItem(it.title, offset + _dest_page(src, it, index))
        new.children.extend(_copy_outline(it.children, src, offset, index))
        result.append(new)
    return result


def take_outline(pdf: Pdf) -> list[OutlineItem]:
    """Remove *pdf*'s outline and return its top-level items (with their children),
    to be nested under the bookmark of the document they belong to."""
    with pdf.open_outline() as ol:
        items = list(ol.root)
        ol.root.clear()
    return items


def outline_of(src: Pdf, offset: int) -> list[OutlineItem]:
    """A copy of *src*'s outline for pages placed from *offset* on.

    Each item points to the top of its page (the destination's view
    parameters are not kept); the items do not refer to *src*, which may be
    closed afterwards.
    """
    index = {page.obj.objgen: n for n, page in enumerate(src.pages)}
    with src.open_outline() as ol:
        return _copy_outline(list(ol.root), src, offset, index)


def place_outline(pdf: Pdf, items: list[OutlineItem]) -> None:
    """Append *items* (:func:`outline_of`, :meth:`Section.bookmark`) to *pdf*'s outline.

    Their page numbers become destinations (the page, ``/Fit``, as pikepdf
    makes them) from one list of the pages: pikepdf would look up each number
    in ``pdf.pages``, which copies the page list every time.
    """
    pages = [page.obj for page in pdf.pages]
    todo = list(items)
    while todo:
        item = todo.pop()
        if isinstance(item.destination, int) and item.page_location is None:
            item.destination = Array([pages[item.destination], Name.Fit])
        todo.extend(item.children)
    with pdf.open_outline() as ol:
        ol.root.extend(items)
