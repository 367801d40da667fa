"""Rendering a Vorlage as an accessible PDF (Typst).

The layout follows the paper Vorlage a council member knows: the head with the
Körperschaft and the federführendes Amt on the left, Drucksachennummer, date,
Aktenzeichen and Status on the right; the Vorlagenart; the Betreff; the
Beratungsfolge as a table (a Gremium that deliberates twice named once, every
Ergebnis and vote under its Sitzung); the sections under their labels with
their paragraphs, sub-headings, lists and tables; the Finanzielle Auswirkungen
as a table; the "gez." blocks side by side, on the page of the paragraph they
close; the Anlagen by number; "Seite x von y" in the footer. Nothing of the text
is left out: what the model holds as text is on the pages
(:mod:`ratsdok.pdf.ansicht` words it, the template ``vorlage.typ`` lays it out,
:mod:`ratsdok.pdf.satz` typesets it).

:func:`render_pdf` writes PDF/A-3a and PDF/UA-1: tagged in reading order, table
header cells as such, header and footer as artifacts, language ``de``, the title
shown as the window title, a bookmark per section. A nichtöffentliche Vorlage
(:attr:`~ratsdok.model.vorlage.Vorlage.nichtoeffentlich`) says so at the top of
every page (:func:`vermerk`); :func:`vermerk_pdf` makes the same mark for pages
that were not rendered here (a Hauptdokument's pages in a bundle).

Output is reproducible: fonts are the shipped ones only, and every date in the
file is :func:`stichtag`, never the clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from ratsdok.model.finanzen import euro
from ratsdok.model.vorlage import Vorlage
from ratsdok.pdf.ansicht import (
    HauptdokumentSeiten,
    ansicht,
    seitenvermerk,
    stichtag,
    titel,
    vermerk,
)
from ratsdok.pdf.satz import FONT, Standard, compile_pdf, query

__all__ = [
    "ARCHIV",
    "BARRIEREFREI",
    "FONT",
    "HauptdokumentSeiten",
    "Signaturfeld",
    "euro",
    "render",
    "render_pdf",
    "seitenvermerk",
    "signaturfelder",
    "stichtag",
    "titel",
    "vermerk",
    "vermerk_pdf",
]

BARRIEREFREI: tuple[Standard, ...] = ("a-3a", "ua-1")
"""What :func:`render_pdf` writes: PDF/A-3a and PDF/UA-1 in one file."""
ARCHIV: tuple[Standard, ...] = ("a-2a", "ua-1")
"""What the archive copy is: PDF/A-2a and PDF/UA-1 (no embedded files; see
``docs/xdomea.md`` for why level a)."""


def render_pdf(v: Vorlage, *, signiert: Mapping[int, str] | None = None) -> bytes:
    """Render *v* as PDF/A-3a + PDF/UA-1 and return its bytes (deterministic).

    The document's date is :func:`stichtag` of *v*. A nichtöffentliche Vorlage
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
    standards: Sequence[Standard] = BARRIEREFREI,
) -> bytes:
    """:func:`render_pdf`, saying of the Hauptdokument (if any) what *hauptdokument* says
    (a bundle: its pages follow, or it is attached as a file), conforming to
    *standards* (the xdomea archive copy: PDF/A-2a + UA-1)."""
    data = ansicht(v, signiert=signiert, hauptdokument=hauptdokument)
    return compile_pdf("vorlage.typ", data, standards=standards, tag=stichtag(v))


@dataclass(frozen=True, slots=True)
class Signaturfeld:
    """Where the visible signature of one Unterzeichnung goes on the rendered pages:
    the room the template keeps beside its "gez." block."""

    nummer: int
    """The Unterzeichnung (1-based)."""
    seite: int
    """The page of the rendered Vorlage (0-based)."""
    box: tuple[float, float, float, float]
    """Lower left and upper right corner in PDF points, origin at the page's lower left."""

    @property
    def name(self) -> str:
        """The signature field's name in the PDF (``Unterzeichnung1``)."""
        return f"Unterzeichnung{self.nummer}"


_A4_HOEHE = 841.8898
"""The page height of vorlage.typ (A4) in points: Typst measures from the top."""


def signaturfelder(
    v: Vorlage,
    *,
    signiert: Mapping[int, str] | None = None,
    hauptdokument: HauptdokumentSeiten = HauptdokumentSeiten.DATEI,
    standards: Sequence[Standard] = BARRIEREFREI,
) -> list[Signaturfeld]:
    """The signature fields of *v* as :func:`render` lays it out with the same
    arguments, one per Unterzeichnung, in order. The layout reports them
    (labelled metadata in the template): nothing is measured from the PDF."""
    data = ansicht(v, signiert=signiert, hauptdokument=hauptdokument)
    werte = query("vorlage.typ", data, "<signaturfeld>", standards=standards, tag=stichtag(v))
    felder = []
    for w in werte:
        x, oben = float(w["x"]), _A4_HOEHE - float(w["y"])
        box = (x, oben - float(w["hoehe"]), x + float(w["breite"]), oben)
        felder.append(Signaturfeld(int(w["nummer"]), int(w["seite"]) - 1, box))
    return felder


def vermerk_pdf(text: str) -> bytes:
    """A one-page PDF just large enough for *text* as the nichtöffentlich mark, to be
    placed on pages that were not rendered here (font embedded, deterministic).

    Untagged: it is drawn onto foreign pages of a PDF/A-3b bundle, where it is
    part of the page image, not of a structure tree."""
    return compile_pdf(
        "vermerk.typ", {"text": text}, standards=(), tag=date(2000, 1, 1), tagged=False
    )
