"""Rendering a Vorlage as a printable PDF (ReportLab platypus).

The layout follows the paper Vorlage a council member knows: header with the
Körperschaft, the Vorlagenart, Drucksachennummer and date; the Betreff; the
Beratungsfolge as a table; the numbered sections (I. Beschlussvorschlag,
II. Begründung, …); the signature blocks side by side; the list of Anlagen;
and "Seite x von y" in the footer.

The font is DejaVu Sans, shipped in ``ratsdok/fonts`` (licence beside it) and
embedded as a subset; no system font and no unembedded standard-14 font is
used: the canvas's initial font (ReportLab's default is Helvetica, taken from
``rl_config.canvas_basefontname``) is forced to DejaVu Sans per canvas, without
changing ReportLab's global configuration, and every table sets ``FONTNAME``.

Output is reproducible: ReportLab runs with ``invariant=1``, so the same
Vorlage gives the same bytes; the document's dates are :func:`stichtag`, the
date every PDF of a Vorlage carries (rendered, bundle, archive).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from importlib.resources import files
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ratsdok.model.vorlage import Anlage, Beratung, Unterzeichnung, Vorlage, roman

__all__ = ["FONT", "FONT_BOLD", "render_pdf", "stichtag", "titel"]

FONT = "RatsdokDejaVuSans"
"""ReportLab name of the shipped regular font (DejaVu Sans)."""
FONT_BOLD = "RatsdokDejaVuSans-Bold"
"""ReportLab name of the shipped bold font (DejaVu Sans Bold)."""

_MARGIN_LEFT = 25 * mm
_MARGIN_RIGHT = 20 * mm
_MARGIN_TOP = 20 * mm
_MARGIN_BOTTOM = 22 * mm
_GREY = colors.Color(0.35, 0.35, 0.35)
_LIGHT = colors.Color(0.9, 0.9, 0.9)


def stichtag(v: Vorlage) -> date:
    """The fixed date stamped into every PDF of *v* (rendered, bundle, archive).

    Taken from the content, never from the clock: the Vorlage's own date; else
    its latest date (Sitzungstermin or Unterzeichnung); else 1 January of the
    Drucksache's year, where the number states one unambiguously
    (:class:`~ratsdok.model.nummer.Drucksachennummer`: ``0041/2021`` is 2021,
    ``DS 19/1234`` has none); else 2000-01-01.
    """
    if v.datum is not None:
        return v.datum
    dates = [b.sitzungstermin for b in v.beratungsfolge if b.sitzungstermin is not None]
    dates += [u.datum for u in v.unterzeichnungen if u.datum is not None]
    if dates:
        return max(dates)
    if v.nummer.jahr is not None:
        return date(v.nummer.jahr, 1, 1)
    return date(2000, 1, 1)


def titel(v: Vorlage) -> str:
    """The document title of *v* ("Beschlussvorlage KT 0134/2020"): the rendered
    PDF's title and footer, and the bundle's first bookmark and XMP title."""
    art = v.art.bezeichnung if v.art is not None else "Vorlage"
    return f"{art} {v.nummer}"


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register the shipped DejaVu fonts with ReportLab (idempotent)."""
    base = files("ratsdok.pdf").joinpath("fonts")
    for name, filename in ((FONT, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf")):
        data = base.joinpath(filename).read_bytes()
        pdfmetrics.registerFont(TTFont(name, io.BytesIO(data)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body", fontName=FONT, bulletFontName=FONT, fontSize=10.5, leading=14.5, spaceAfter=6
    )
    return {
        "body": body,
        "justify": ParagraphStyle("justify", parent=body, alignment=TA_JUSTIFY),
        "small": ParagraphStyle("small", parent=body, fontSize=9, leading=11.5, spaceAfter=0),
        "smallbold": ParagraphStyle(
            "smallbold", parent=body, fontName=FONT_BOLD, fontSize=9, leading=11.5, spaceAfter=0
        ),
        "koerperschaft": ParagraphStyle(
            "koerperschaft", parent=body, fontName=FONT_BOLD, fontSize=13, leading=16, spaceAfter=0
        ),
        "kopfrechts": ParagraphStyle(
            "kopfrechts", parent=body, alignment=TA_RIGHT, fontSize=10, leading=13, spaceAfter=0
        ),
        "art": ParagraphStyle(
            "art",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=16,
            leading=20,
            spaceBefore=10,
            spaceAfter=8,
        ),
        "label": ParagraphStyle(
            "label", parent=body, fontSize=9, leading=11.5, textColor=_GREY, spaceAfter=1
        ),
        "betreff": ParagraphStyle(
            "betreff", parent=body, fontName=FONT_BOLD, fontSize=11.5, leading=15, spaceAfter=10
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=12,
            leading=15,
            spaceBefore=12,
            spaceAfter=6,
            keepWithNext=1,
        ),
        "h2table": ParagraphStyle(
            "h2table",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=12,
            leading=15,
            spaceBefore=12,
            spaceAfter=6,
        ),
        "sig": ParagraphStyle("sig", parent=body, spaceAfter=0),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _datum(d: date | None) -> str:
    return d.strftime("%d.%m.%Y") if d is not None else "–"


def _groesse(n: int | None) -> str | None:
    if n is None:
        return None
    if n < 1024:
        return f"{n} Bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KiB".replace(".", ",")
    return f"{n / (1024 * 1024):.1f} MiB".replace(".", ",")


def _header(v: Vorlage, st: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    left: list[Flowable] = [_p(v.koerperschaft or "", st["koerperschaft"])]
    if v.federfuehrung is not None:
        left.append(_p(v.federfuehrung.name, st["small"]))
    right: list[Flowable] = [
        Paragraph(f"Drucksache <b>{escape(str(v.nummer))}</b>", st["kopfrechts"]),
    ]
    if v.datum is not None:
        right.append(_p(f"Datum: {_datum(v.datum)}", st["kopfrechts"]))
    head = Table([[left, right]], colWidths=[width * 0.6, width * 0.4])
    head.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    out: list[Flowable] = [head]
    out.append(_p(v.art.bezeichnung if v.art is not None else "Vorlage", st["art"]))
    if v.einreicher is not None:
        out.append(_p("Einreicher", st["label"]))
        out.append(_p(v.einreicher, st["body"]))
    out.append(_p("Betreff", st["label"]))
    out.append(_p(v.betreff, st["betreff"]))
    return out


def _beratungsfolge(
    beratungen: Sequence[Beratung], st: dict[str, ParagraphStyle], width: float
) -> list[Flowable]:
    head = ["Gremium", "Sitzungstermin", "Sitzungsart", "Zuständigkeit"]
    rows: list[list[Any]] = [[_p(h, st["smallbold"]) for h in head]]
    for b in beratungen:
        rows.append(
            [
                _p(b.gremium, st["small"]),
                _p(_datum(b.sitzungstermin), st["small"]),
                _p(b.sitzungsart.bezeichnung if b.sitzungsart else "–", st["small"]),
                _p(b.zustaendigkeit.bezeichnung if b.zustaendigkeit else "–", st["small"]),
            ]
        )
    table = Table(
        rows,
        colWidths=[width * 0.36, width * 0.22, width * 0.21, width * 0.21],
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("BACKGROUND", (0, 0), (-1, 0), _LIGHT),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    # Not keepWithNext: that would push the whole (long) table to the next page.
    return [CondPageBreak(40 * mm), _p("Beratungsfolge", st["h2table"]), table]


def _unterzeichnungen(
    items: Sequence[Unterzeichnung],
    st: dict[str, ParagraphStyle],
    width: float,
    signiert: Mapping[int, str],
) -> list[Flowable]:
    cells: list[list[Flowable]] = []
    for number, u in enumerate(items, 1):
        block: list[Flowable] = [_p(f"{u.vermerk.bezeichnung} {u.name}", st["sig"])]
        if u.funktion is not None:
            block.append(_p(u.funktion, st["sig"]))
        if u.datum is not None:
            block.append(_p(_datum(u.datum), st["small"]))
        if number in signiert:
            block.append(_p("elektronisch signiert", st["small"]))
            block.append(_p(f"Prüfwert {signiert[number]}", st["small"]))
        cells.append(block)
    per_row = 2
    rows: list[list[Any]] = []
    for i in range(0, len(cells), per_row):
        row: list[Any] = list(cells[i : i + per_row])
        row += [""] * (per_row - len(row))
        rows.append(row)
    table = Table(rows, colWidths=[width / per_row] * per_row, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
            ]
        )
    )
    return [Spacer(1, 10 * mm), KeepTogether([table])]


def _anlagen(anlagen: Sequence[Anlage], st: dict[str, ParagraphStyle]) -> list[Flowable]:
    out: list[Flowable] = [_p("Anlagen", st["h2"])]
    for a in anlagen:
        details = [a.dateiname or a.hinweis or a.verweis or "ohne Datei"]
        size = _groesse(a.groesse)
        if size is not None:
            details.append(size)
        if not a.oeffentlich:
            details.append("nichtöffentlich")
        out.append(_p(f"{a.bezeichnung} ({', '.join(details)})", st["body"]))
    return out


def _story(v: Vorlage, width: float, signiert: Mapping[int, str]) -> list[Flowable]:
    st = _styles()
    story = _header(v, st, width)
    if v.beratungsfolge:
        story += _beratungsfolge(v.beratungsfolge, st, width)
    for i, ab in enumerate(v.abschnitte, start=1):
        story.append(_p(f"{roman(i)}. {ab.titel}", st["h2"]))
        story += [_p(text, st["justify"]) for text in ab.absaetze]
    if v.unterzeichnungen:
        story += _unterzeichnungen(v.unterzeichnungen, st, width, signiert)
    if v.anlagen:
        story += _anlagen(v.anlagen, st)
    return story


class _NumberedCanvas(Canvas):
    """A canvas that writes "Seite x von y" once the page count is known.

    Its CreationDate and ModDate are *tag* (midnight UTC), not ReportLab's
    invariant 2000-01-01 and never the clock.
    """

    def __init__(
        self, filename: str | IO[bytes], footer_left: str, tag: date, **kwargs: Any
    ) -> None:
        kwargs["initialFontName"] = FONT  # never ReportLab's Helvetica default
        kwargs["invariant"] = 1
        super().__init__(filename, **kwargs)
        stamp = f"D:{tag.year:04d}{tag.month:02d}{tag.day:02d}000000+00'00'"
        self.setDateFormatter(lambda *_: stamp)
        self.footer_left = footer_left
        self._saved: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab API
        self._saved.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # private ReportLab API

    def save(self) -> None:
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        self.saveState()
        self.setFont(FONT, 8.5)
        self.setFillColor(_GREY)
        y = _MARGIN_BOTTOM - 10 * mm
        self.drawString(_MARGIN_LEFT, y, self.footer_left)
        self.drawRightString(A4[0] - _MARGIN_RIGHT, y, f"Seite {self.getPageNumber()} von {total}")
        self.restoreState()


def render_pdf(v: Vorlage, *, signiert: Mapping[int, str] | None = None) -> bytes:
    """Render *v* as a PDF and return its bytes (deterministic, fonts embedded).

    The document's dates are :func:`stichtag` of *v*.

    *signiert* maps Unterzeichnung numbers (1-based) to the Prüfwert printed
    under that block as "elektronisch signiert"; see
    :func:`ratsdok.integrity.verify.signature_marks`.
    """
    register_fonts()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=_MARGIN_LEFT,
        rightMargin=_MARGIN_RIGHT,
        topMargin=_MARGIN_TOP,
        bottomMargin=_MARGIN_BOTTOM,
        title=titel(v),
        author=v.koerperschaft or "",
        subject=v.betreff,
        creator="ratsdok",
        lang="de-DE",
        invariant=1,
    )
    footer = titel(v)
    tag = stichtag(v)

    def canvas_maker(filename: str | IO[bytes], /, **kwargs: Any) -> Canvas:
        return _NumberedCanvas(filename, footer, tag, **kwargs)

    # The frame pads its content by 6 pt on each side.
    doc.build(_story(v, doc.width - 12, signiert or {}), canvasmaker=canvas_maker)
    return buf.getvalue()
