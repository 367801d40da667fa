"""Rendering a Vorlage as a printable PDF (ReportLab platypus).

The layout follows the paper Vorlage a council member knows: header with the
Körperschaft, the Vorlagenart, Drucksachennummer and date; the Betreff; the
Beratungsfolge as a table (with the Ergebnis and every vote where recorded);
the sections under their labels (I. Beschlussvorschlag, II. Begründung, … or as
the Vorlage labels them) with their blocks: paragraphs, sub-headings, lists
with their markers (nested lists indented) and tables; the Finanzielle
Auswirkungen as a table; the signature blocks side by side; the list of
Anlagen; and "Seite x von y" in the footer. Nothing of the text is left out:
what the model holds as text is on the pages.

A nichtöffentliche Vorlage (:attr:`~ratsdok.model.vorlage.Vorlage.nichtoeffentlich`)
says so at the top of every page ("NICHTÖFFENTLICH – § 35 Abs. 2 ThürKO",
:func:`vermerk`); :func:`vermerk_pdf` makes the same mark for pages that were
not rendered here (a Hauptdokument's pages in a bundle).

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
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from importlib.resources import files
from typing import IO, Any, Literal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Indenter,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ratsdok.model.beratung import Abstimmung, Ergebnis
from ratsdok.model.codes import Abschnittsart, Rolle
from ratsdok.model.finanzen import Finanzen, Haushaltsposition, euro
from ratsdok.model.inhalt import (
    Absatz,
    Ausrichtung,
    Block,
    Liste,
    Tabelle,
    Zwischenueberschrift,
)
from ratsdok.model.vorlage import (
    Anlage,
    Beratung,
    Beteiligung,
    Hauptdokument,
    Unterzeichnung,
    Vorlage,
)

__all__ = [
    "FONT",
    "FONT_BOLD",
    "HauptdokumentSeiten",
    "euro",
    "render",
    "render_pdf",
    "stichtag",
    "titel",
    "vermerk",
    "vermerk_pdf",
]

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
_ROT = colors.Color(0.6, 0, 0)
"""The colour of the nichtöffentlich mark."""
_VERMERK_SIZE = 9
_PAD = 3
"""Left and right padding of table cells."""


class HauptdokumentSeiten(StrEnum):
    """What the rendered pages say about the Vorlage's Hauptdokument."""

    DATEI = "datei"
    """Named as the file that holds the text (a PDF of the Vorlage alone)."""
    FOLGEN = "folgen"
    """Its pages follow the rendered ones (a bundle that merged them)."""
    BEIGEFUEGT = "beigefuegt"
    """It is embedded in this PDF as a file only (a bundle that could not merge it)."""


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


def vermerk(v: Vorlage) -> str | None:
    """The mark every page of a nichtöffentliche Vorlage carries, None for any other:
    "NICHTÖFFENTLICH – § 35 Abs. 2 ThürKO" (the legal basis where it is given)."""
    if not v.nichtoeffentlich:
        return None
    assert v.oeffentlichkeit is not None  # nichtoeffentlich says so
    basis = v.oeffentlichkeit.rechtsgrundlage
    return "NICHTÖFFENTLICH" + (f" – {_eine_zeile(basis)}" if basis else "")


def _eine_zeile(text: str) -> str:
    return " ".join(text.split())


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
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=11.5, spaceAfter=0)
    return {
        "body": body,
        "justify": ParagraphStyle("justify", parent=body, alignment=TA_JUSTIFY),
        "small": small,
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
        "h3": ParagraphStyle(
            "h3", parent=body, fontName=FONT_BOLD, spaceBefore=6, spaceAfter=4, keepWithNext=1
        ),
        "caption": ParagraphStyle(
            "caption", parent=small, fontName=FONT_BOLD, spaceBefore=2, spaceAfter=3, keepWithNext=1
        ),
        "sig": ParagraphStyle("sig", parent=body, spaceAfter=0),
    }


def _p(text: str, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept), with *bullet* as its marker."""
    markup = escape(text).replace("\n", "<br/>")
    if bullet is None:
        return Paragraph(markup, style)
    return Paragraph(markup, style, bulletText=bullet)


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


def _beteiligung(b: Beteiligung) -> str:
    """ "Müller, Sachbearbeiterin, Amt 61 (03.02.2024) – einverstanden"."""
    wer = [x for x in (b.name, b.funktion) if x]
    if b.organisationseinheit is not None:
        wer.append(b.organisationseinheit.name)
    text = ", ".join(wer)
    if b.datum is not None:
        text += f" ({_datum(b.datum)})"
    if b.vermerk is not None:
        text += f" – {b.vermerk}"
    return text


_IM_KOPF = (Rolle.VERFASSER, Rolle.SACHBEARBEITUNG)
"""Beteiligte named in the page head, under the Federführung."""
_UNTER_EINREICHER = (Rolle.ANTRAGSTELLER, Rolle.ADRESSAT, Rolle.BERICHTERSTATTUNG)
"""Beteiligte named like the Einreicher, before the Betreff."""


def _header(v: Vorlage, st: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    left: list[Flowable] = [_p(v.koerperschaft or "", st["koerperschaft"])]
    if v.federfuehrung is not None:
        ff = v.federfuehrung
        left.append(_p(ff.name + (f" ({ff.kennung})" if ff.kennung else ""), st["small"]))
    for b in v.beteiligte:
        if b.rolle in _IM_KOPF:
            left.append(_p(f"{b.rolle.bezeichnung}: {_beteiligung(b)}", st["small"]))
    right: list[Flowable] = [
        Paragraph(f"Drucksache <b>{escape(str(v.nummer))}</b>", st["kopfrechts"]),
    ]
    if v.datum is not None:
        right.append(_p(f"Datum: {_datum(v.datum)}", st["kopfrechts"]))
    if v.aktenzeichen is not None:
        right.append(_p(f"Aktenzeichen: {v.aktenzeichen}", st["kopfrechts"]))
    if v.bearbeitungsstand is not None:
        right.append(_p(f"Stand: {v.bearbeitungsstand.bezeichnung}", st["kopfrechts"]))
    if v.oeffentlichkeit is not None:
        if v.nichtoeffentlich:
            right.append(Paragraph("<b>nichtöffentlich</b>", st["kopfrechts"]))
        else:
            right.append(_p("öffentlich", st["kopfrechts"]))
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
    if v.nichtoeffentlich:
        assert v.oeffentlichkeit is not None
        o = v.oeffentlichkeit
        teile = ["nichtöffentlich"]
        if o.grund is not None:
            teile.append(f"Grund: {o.grund}")
        if o.rechtsgrundlage is not None:
            teile.append(f"Rechtsgrundlage: {o.rechtsgrundlage}")
        out.append(_p("Öffentlichkeit", st["label"]))
        out.append(_p(" – ".join(teile), st["body"]))
    if v.einreicher is not None:
        out.append(_p("Einreicher", st["label"]))
        out.append(_p(v.einreicher, st["body"]))
    for rolle in _UNTER_EINREICHER:
        for b in v.beteiligte:
            if b.rolle is rolle:
                out.append(_p(rolle.bezeichnung, st["label"]))
                out.append(_p(_beteiligung(b), st["body"]))
    out.append(_p("Betreff", st["label"]))
    out.append(_p(v.betreff, st["betreff"]))
    if v.bezuege:
        out.append(_p("Bezug" if len(v.bezuege) == 1 else "Bezüge", st["label"]))
        for bz in v.bezuege:
            out.append(_p(f"{bz.art.bezeichnung} {bz.nummer}", st["body"]))
    return out


def _stimmen(s: Abstimmung) -> str:
    """One vote in words: "Änderungsantrag der SPD: mehrheitlich; Ja 20, Nein 3; …"."""
    teile = []
    if s.mehrheit is not None:
        teile.append(s.mehrheit.bezeichnung)
    zahlen = [
        f"{label} {n}"
        for label, n in (
            ("Ja", s.ja),
            ("Nein", s.nein),
            ("Enthaltung", s.enthaltung),
            ("befangen", s.befangen),
            ("anwesend", s.anwesend),
        )
        if n is not None
    ]
    if zahlen:
        teile.append(", ".join(zahlen))
    teile += [f.beschreibung for f in s.fraktionen]
    text = "Abstimmung" + (f" über {s.gegenstand}" if s.gegenstand else "")
    if teile:
        text += ": " + "; ".join(teile)
    if s.wortlaut is not None:
        text += f" – „{s.wortlaut}“"
    return text


def _ergebnis(e: Ergebnis, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The Ergebnis of a Beratung: its wording, every vote, the Beschluss text."""
    teile = [e.beschlussergebnis.bezeichnung] if e.beschlussergebnis else []
    if e.wortlaut is not None and e.wortlaut not in teile:
        teile.append(f"„{e.wortlaut}“")
    out: list[Flowable] = [_p("Ergebnis: " + " – ".join(teile), st["small"])]
    out += [_p(_stimmen(s), st["small"]) for s in e.abstimmungen]
    if e.beschlusstext is not None:
        out.append(_p(f"Beschluss: {e.beschlusstext}", st["small"]))
    return out


def _beratungsfolge(
    beratungen: Sequence[Beratung], st: dict[str, ParagraphStyle], width: float
) -> list[Flowable]:
    head = ["Gremium", "Sitzungstermin", "Sitzungsart", "Zuständigkeit"]
    rows: list[list[Any]] = [[_p(h, st["smallbold"]) for h in head]]
    spans: list[Any] = []
    for b in beratungen:
        gremium: Any = _p(b.gremium, st["small"])
        if b.tagesordnungspunkt is not None:
            gremium = [gremium, _p(b.tagesordnungspunkt, st["small"])]
        rows.append(
            [
                gremium,
                _p(_datum(b.sitzungstermin), st["small"]),
                _p(b.sitzungsart.bezeichnung if b.sitzungsart else "–", st["small"]),
                _p(b.zustaendigkeit.bezeichnung if b.zustaendigkeit else "–", st["small"]),
            ]
        )
        if b.ergebnis is not None:
            # The Ergebnis on a row of its own, across the table, under its Beratung.
            r = len(rows)
            rows.append([_ergebnis(b.ergebnis, st), "", "", ""])
            spans += [
                ("SPAN", (0, r), (-1, r)),
                ("LINEBELOW", (0, r - 1), (-1, r - 1), 0, colors.white),
                ("TOPPADDING", (0, r), (-1, r), 0),
                ("LEFTPADDING", (0, r), (-1, r), 18),
            ]
    breiten = [width * 0.36, width * 0.22, width * 0.21, width * 0.21]
    table = Table(
        rows,
        colWidths=breiten,
        repeatRows=1,
        hAlign="LEFT",
        splitInRow=_teilbar(rows, breiten) if spans else 0,
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
                *spans,
            ]
        )
    )
    # Not keepWithNext: that would push the whole (long) table to the next page.
    return [CondPageBreak(40 * mm), _p("Beratungsfolge", st["h2table"]), table]


_FRAME_HOEHE = A4[1] - _MARGIN_TOP - _MARGIN_BOTTOM - 12
"""Height of the page's frame (it pads its content by 6 pt at the top and bottom)."""


def _teilbar(rows: Sequence[Sequence[Any]], breiten: Sequence[float]) -> int:
    """``splitInRow``: 1 when some row is too tall for a page (it must then be split
    inside, or the layout fails); else 0, rows stay whole and move to the next page."""
    for row in rows:
        hoehe = 0.0
        for cell, breite in zip(row, breiten, strict=True):
            items = cell if isinstance(cell, list) else [cell]
            hoehe = max(
                hoehe,
                sum(
                    f.wrap(breite - 2 * _PAD, _FRAME_HOEHE)[1]
                    for f in items
                    if isinstance(f, Flowable)
                ),
            )
        if hoehe > _FRAME_HOEHE * 0.8:
            return 1
    return 0


# --- the blocks of a section ------------------------------------------------


def _bloecke(
    bloecke: Sequence[Block], st: dict[str, ParagraphStyle], width: float
) -> list[Flowable]:
    """The flowables of *bloecke* in a frame *width* wide (less inside lists)."""
    out: list[Flowable] = []
    for b in bloecke:
        if isinstance(b, Absatz):
            out.append(_p(b.text, st["justify"]))
        elif isinstance(b, Zwischenueberschrift):
            out.append(_p(b.text, st["h3"]))
        elif isinstance(b, Liste):
            out += _liste(b, st, width)
        else:
            out += _tabelle(b, st, width)
    return out


_MAX_EINZUG = 36.0
"""Widest indentation of a list (a longer marker stands on a line of its own)."""
_MIN_BREITE = 150.0
"""Narrowest text width a nested list still indents to."""


def _liste(liste: Liste, st: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    """Each item indented by the widest marker; the marker hangs in front of its item's
    first paragraph, or stands on a line of its own before a nested list or a table,
    and where it is wider than the indentation allows."""
    size = st["justify"].fontSize
    marken = [liste.marke(i) for i in range(len(liste.punkte))]
    breite = [pdfmetrics.stringWidth(m, FONT, size) for m in marken]
    indent = min(max(breite) + 6, _MAX_EINZUG)
    if width - indent < _MIN_BREITE:
        indent = 0
    punkt = ParagraphStyle(
        "punkt", parent=st["justify"], bulletIndent=-indent, bulletFontSize=size, spaceAfter=3
    )
    allein = ParagraphStyle("marke", parent=st["body"], leftIndent=-indent, spaceAfter=0)
    out: list[Flowable] = [Indenter(left=indent)]
    for marke, w, p in zip(marken, breite, liste.punkte, strict=True):
        first, *rest = p.bloecke
        if isinstance(first, Absatz) and w + 4 <= indent:
            out.append(_p(first.text, punkt, bullet=escape(marke)))
        else:
            out.append(_p(marke, allein))
            rest = list(p.bloecke)
        out += _bloecke(rest, st, width - indent)
    out.append(Indenter(left=-indent))
    out.append(Spacer(1, 3))
    return out


_ALIGN: dict[Ausrichtung, Literal[0, 1, 2]] = {
    Ausrichtung.LINKS: TA_LEFT,
    Ausrichtung.RECHTS: TA_RIGHT,
    Ausrichtung.ZENTRIERT: TA_CENTER,
}


def _spaltenbreiten(
    rows: Sequence[tuple[Sequence[str], str]],
    font_size: float,
    width: float,
    ganz: Sequence[int] = (),
) -> list[float]:
    """Column widths that fit *width* for *rows* (cells and the font they are set in):
    the natural width of each column where all fit, else each column's longest word
    (a column in *ganz*: its longest line) plus a share of the rest by its natural
    width."""
    n = len(rows[0][0])

    def w(text: str, font: str) -> float:
        return pdfmetrics.stringWidth(text, font, font_size) + 2 * _PAD + 1

    def widest(c: int, *, lines: bool) -> float:
        parts = (r[c].splitlines() if lines else r[c].split() for r, _ in rows)
        fonts = (f for _, f in rows)
        return max((w(x, f) for xs, f in zip(parts, fonts, strict=True) for x in xs), default=0)

    natural = [max(widest(c, lines=True), 2 * _PAD + 8) for c in range(n)]
    minimum = [natural[c] if c in ganz else widest(c, lines=False) for c in range(n)]
    if sum(natural) <= width:
        return natural
    if sum(minimum) >= width:
        return [width * m / sum(minimum) for m in minimum]
    rest = width - sum(minimum)
    extra = [a - b for a, b in zip(natural, minimum, strict=True)]
    return [m + rest * e / sum(extra) for m, e in zip(minimum, extra, strict=True)]


def _tabelle(t: Tabelle, st: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    """A table: the caption above, header rows bold, columns aligned as recorded."""
    n = len((t.kopf or t.zeilen)[0])
    kopf = [
        ParagraphStyle(f"kopf{c}", parent=st["smallbold"], alignment=_ALIGN[t.ausrichtung(c)])
        for c in range(n)
    ]
    zelle = [
        ParagraphStyle(f"zelle{c}", parent=st["small"], alignment=_ALIGN[t.ausrichtung(c)])
        for c in range(n)
    ]
    rows: list[list[Any]] = [[_p(x, kopf[c]) for c, x in enumerate(r)] for r in t.kopf]
    rows += [[_p(x, zelle[c]) for c, x in enumerate(r)] for r in t.zeilen]
    gemessen = [(r, FONT_BOLD) for r in t.kopf] + [(r, FONT) for r in t.zeilen]
    breiten = _spaltenbreiten(gemessen, st["small"].fontSize, width)
    table = Table(
        rows,
        colWidths=breiten,
        repeatRows=len(t.kopf),
        hAlign="LEFT",
        splitInRow=_teilbar(rows, breiten),
    )
    style: list[Any] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), _PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), _PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if t.kopf:
        style.append(("BACKGROUND", (0, 0), (-1, len(t.kopf) - 1), _LIGHT))
    table.setStyle(TableStyle(style))
    out: list[Flowable] = []
    if t.beschriftung is not None:
        out.append(_p(t.beschriftung, st["caption"]))
    out += [table, Spacer(1, 8)]
    return out


# --- Finanzen ----------------------------------------------------------------


def _haushaltsstelle(p: Haushaltsposition) -> str:
    teile = [
        f"{label} {wert}"
        for label, wert in (
            ("Teilhaushalt", p.teilhaushalt),
            ("Produkt", p.produkt),
            ("Sachkonto", p.sachkonto),
            ("Investition", p.investitionsnummer),
        )
        if wert is not None
    ]
    return "\n".join(teile)


def _finanzen(f: Finanzen, st: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    """The Finanzielle Auswirkungen: "keine", or a table of the Haushaltspositionen
    (the columns any position fills), the sum, and the Erläuterung."""
    out: list[Flowable] = []
    if not f.auswirkungen:
        out.append(_p("Keine finanziellen Auswirkungen.", st["body"]))
    elif f.positionen:
        out += [_finanztabelle(f, st, width), Spacer(1, 8)]
    elif f.erlaeuterung is None:
        out.append(_p("Die Vorlage hat finanzielle Auswirkungen.", st["body"]))
    if f.erlaeuterung is not None:
        out.append(_p(f.erlaeuterung, st["justify"]))
    return out


def _finanztabelle(f: Finanzen, st: dict[str, ParagraphStyle], width: float) -> Table:
    ps = f.positionen

    def betrag(d: Decimal | None) -> str:
        return euro(d) if d is not None else ""

    werte: dict[str, list[str]] = {
        "Jahr": [str(p.haushaltsjahr) if p.haushaltsjahr is not None else "" for p in ps],
        "Haushaltsstelle": [_haushaltsstelle(p) for p in ps],
        "Bezeichnung": [
            "\n".join(x for x in (p.bezeichnung, p.art.bezeichnung if p.art else None) if x)
            for p in ps
        ],
        "Betrag": [betrag(p.betrag) for p in ps],
        "Ansatz": [betrag(p.ansatz) for p in ps],
        "verfügbar": [betrag(p.verfuegbar) for p in ps],
    }
    # The columns some position fills; only Planmäßigkeit or Deckung: a numbered row.
    spalten = [h for h, col in werte.items() if any(col)] or ["Haushaltsposition"]
    werte["Haushaltsposition"] = [f"Position {i}" for i in range(1, len(ps) + 1)]
    betraege = [c for c, h in enumerate(spalten) if h in ("Betrag", "Ansatz", "verfügbar")]
    summe = f.summe if len(ps) > 1 else None
    zeilen = [[werte[h][i] for h in spalten] for i in range(len(ps))]
    gemessen = [(spalten, FONT_BOLD)] + [(z, FONT) for z in zeilen]
    if summe is not None:
        gemessen.append(([euro(summe) if h == "Betrag" else "Summe" for h in spalten], FONT_BOLD))
    klein = ParagraphStyle("finanzen", parent=st["small"], fontSize=8.5, leading=10.5)
    fett = ParagraphStyle("finanzenfett", parent=klein, fontName=FONT_BOLD)
    rechts = ParagraphStyle("betrag", parent=klein, alignment=TA_RIGHT)
    rechtsbold = ParagraphStyle("betragfett", parent=fett, alignment=TA_RIGHT)
    breiten = _spaltenbreiten(gemessen, klein.fontSize, width, ganz=betraege)
    rows: list[list[Any]] = [
        [_p(h, rechtsbold if c in betraege else fett) for c, h in enumerate(spalten)]
    ]
    style: list[Any] = []
    for p, zeile in zip(ps, zeilen, strict=False):
        rows.append([_p(x, rechts if c in betraege else klein) for c, x in enumerate(zeile)])
        plan = [p.planmaessigkeit.bezeichnung] if p.planmaessigkeit is not None else []
        if p.deckung is not None:
            plan.append(f"Deckung: {p.deckung}")
        if plan:
            r = len(rows)
            rows.append([_p(" – ".join(plan), klein)] + [""] * (len(spalten) - 1))
            style += [
                ("SPAN", (0, r), (-1, r)),
                ("LINEBELOW", (0, r - 1), (-1, r - 1), 0, colors.white),
                ("TOPPADDING", (0, r), (-1, r), 0),
            ]
    if summe is not None:
        at = spalten.index("Betrag")
        row: list[Any] = [""] * len(spalten)
        row[0] = _p("Summe", fett)
        row[at] = _p(euro(summe), rechtsbold)
        rows.append(row)
        r = len(rows) - 1
        style.append(("LINEABOVE", (0, r), (-1, r), 0.6, colors.black))
        if at > 1:
            style.append(("SPAN", (0, r), (at - 1, r)))
    table = Table(
        rows, colWidths=breiten, repeatRows=1, hAlign="LEFT", splitInRow=_teilbar(rows, breiten)
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("BACKGROUND", (0, 0), (-1, 0), _LIGHT),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), _PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), _PAD),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                *style,
            ]
        )
    )
    return table


# --- the rest of the page ------------------------------------------------------


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


def _mitzeichnungen(v: Vorlage, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    items = [b for b in v.beteiligte if b.rolle not in (*_IM_KOPF, *_UNTER_EINREICHER)]
    if not items:
        return []
    out: list[Flowable] = [_p("Mitzeichnung", st["h2"])]
    out += [_p(_beteiligung(b), st["body"]) for b in items]
    return out


def _anlagen(anlagen: Sequence[Anlage], st: dict[str, ParagraphStyle]) -> list[Flowable]:
    out: list[Flowable] = [_p("Anlagen", st["h2"])]
    for a in anlagen:
        if a.dateiname is not None:
            details = [a.dateiname]
        else:
            details = [x for x in (a.hinweis, a.verweis) if x is not None] or ["ohne Datei"]
        size = _groesse(a.groesse)
        if size is not None:
            details.append(size)
        if not a.oeffentlich:
            details.append("nichtöffentlich")
        out.append(_p(f"{a.bezeichnung} ({', '.join(details)})", st["body"]))
    return out


def _hauptdokument(
    h: Hauptdokument, seiten: HauptdokumentSeiten, st: dict[str, ParagraphStyle]
) -> list[Flowable]:
    details = [h.medientyp]
    size = _groesse(h.groesse)
    if size is not None:
        details.append(size)
    text = f"Der Text dieser Vorlage ist das Hauptdokument „{h.dateiname}“ ({', '.join(details)})"
    if seiten is HauptdokumentSeiten.FOLGEN:
        text += "; seine Seiten folgen."
    elif seiten is HauptdokumentSeiten.BEIGEFUEGT:
        text += "; es ist dieser PDF-Datei als Datei beigefügt."
    else:
        text += "."
    return [_p("Hauptdokument", st["h2"]), _p(text, st["body"])]


def _story(
    v: Vorlage, width: float, signiert: Mapping[int, str], seiten: HauptdokumentSeiten
) -> list[Flowable]:
    st = _styles()
    story = _header(v, st, width)
    if v.beratungsfolge:
        story += _beratungsfolge(v.beratungsfolge, st, width)
    if v.hauptdokument is not None:
        story += _hauptdokument(v.hauptdokument, seiten, st)
    finanzen = v.finanzen
    for i, ab in enumerate(v.abschnitte):
        label = v.abschnittsbezeichnung(i)
        story.append(_p(ab.titel if label is None else f"{label} {ab.titel}", st["h2"]))
        story += _bloecke(ab.bloecke, st, width)
        if finanzen is not None and ab.art is Abschnittsart.FINANZIELLE_AUSWIRKUNGEN:
            story += _finanzen(finanzen, st, width)
            finanzen = None
    if finanzen is not None:
        story.append(_p(Abschnittsart.FINANZIELLE_AUSWIRKUNGEN.bezeichnung, st["h2"]))
        story += _finanzen(finanzen, st, width)
    if v.unterzeichnungen:
        story += _unterzeichnungen(v.unterzeichnungen, st, width, signiert)
    story += _mitzeichnungen(v, st)
    if v.anlagen:
        story += _anlagen(v.anlagen, st)
    return story


class _NumberedCanvas(Canvas):
    """A canvas that writes "Seite x von y" once the page count is known, and the
    nichtöffentlich mark (if any) at the top of every page.

    Its CreationDate and ModDate are *tag* (midnight UTC), not ReportLab's
    invariant 2000-01-01 and never the clock.
    """

    def __init__(
        self,
        filename: str | IO[bytes],
        footer_left: str,
        tag: date,
        mark: str | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs["initialFontName"] = FONT  # never ReportLab's Helvetica default
        kwargs["invariant"] = 1
        super().__init__(filename, **kwargs)
        stamp = f"D:{tag.year:04d}{tag.month:02d}{tag.day:02d}000000+00'00'"
        self.setDateFormatter(lambda *_: stamp)
        self.footer_left = footer_left
        self.mark = mark
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
        if self.mark is not None:
            self.setFont(FONT_BOLD, _VERMERK_SIZE)
            self.setFillColor(_ROT)
            self.drawCentredString(A4[0] / 2, A4[1] - _MARGIN_TOP + 5 * mm, self.mark)
        self.restoreState()


def render_pdf(v: Vorlage, *, signiert: Mapping[int, str] | None = None) -> bytes:
    """Render *v* as a PDF and return its bytes (deterministic, fonts embedded).

    The document's dates are :func:`stichtag` of *v*. A nichtöffentliche Vorlage
    carries :func:`vermerk` at the top of every page.

    *signiert* maps Unterzeichnung numbers (1-based) to the Prüfwert printed
    under that block as "elektronisch signiert"; see
    :func:`ratsdok.integrity.verify.signature_marks`.
    """
    return render(v, signiert=signiert)


def render(
    v: Vorlage,
    *,
    signiert: Mapping[int, str] | None = None,
    hauptdokument: HauptdokumentSeiten = HauptdokumentSeiten.DATEI,
) -> bytes:
    """:func:`render_pdf`, saying of the Hauptdokument (if any) what *hauptdokument* says
    (a bundle: its pages follow, or it is attached as a file)."""
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
    mark = vermerk(v)

    def canvas_maker(filename: str | IO[bytes], /, **kwargs: Any) -> Canvas:
        return _NumberedCanvas(filename, footer, tag, mark, **kwargs)

    # The frame pads its content by 6 pt on each side.
    story = _story(v, doc.width - 12, signiert or {}, hauptdokument)
    doc.build(story, canvasmaker=canvas_maker)
    return buf.getvalue()


def vermerk_pdf(text: str) -> bytes:
    """A one-page PDF just large enough for *text* as the nichtöffentlich mark, to be
    placed on pages that were not rendered here (fonts embedded, deterministic)."""
    register_fonts()
    breite = pdfmetrics.stringWidth(text, FONT_BOLD, _VERMERK_SIZE) + 4
    hoehe = _VERMERK_SIZE + 4
    buf = io.BytesIO()
    kwargs: dict[str, Any] = {"initialFontName": FONT_BOLD}  # never Helvetica
    c = Canvas(buf, pagesize=(breite, hoehe), invariant=1, **kwargs)
    c.setDateFormatter(lambda *_: "D:20000101000000+00'00'")
    c.setFont(FONT_BOLD, _VERMERK_SIZE)
    c.setFillColor(_ROT)
    c.drawString(2, 3.5, text)
    c.showPage()
    c.save()
    return buf.getvalue()
