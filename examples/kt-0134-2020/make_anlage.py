"""Make the stand-in PDF for Anlage 1 ("Integrationskonzept") of KT 0134/2020.

The real Integrationskonzept is not part of this repository. This script draws
a short, clearly labelled example document instead, with embedded fonts and
its own bookmarks, reproducibly (same bytes on every run). Needs reportlab
(``pip install reportlab``); the committed PDF is what the example uses.

    python examples/kt-0134-2020/make_anlage.py
"""

from __future__ import annotations

from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

HERE = Path(__file__).resolve().parent
OUT = HERE / "integrationskonzept.pdf"

SECTIONS = [
    (
        "1 Hinweis",
        [
            "BEISPIEL-PLATZHALTER: Dieses Dokument ist nicht das Integrationskonzept",
            "des Wartburgkreises. Es steht in den Beispieldaten von ratsdok an seiner",
            "Stelle, damit die Anlage der Vorlage KT 0134/2020 eine echte Datei hat.",
        ],
    ),
    (
        "2 Ausgangslage",
        [
            "Platzhaltertext: Thüringer Initiative für lokales Integrationsmanagement",
            "in den Kommunen (ThILIK), Projektlaufzeit 01.01.2018 – 31.12.2020.",
            "Sonderzeichen zur Probe: ä ö ü Ä Ö Ü ß „Zitat“ – § 1 – 100 €.",
        ],
    ),
    (
        "3 Handlungsfelder",
        [
            "Platzhaltertext: Sprache, Bildung, Arbeit, Wohnen, Gesundheit,",
            "gesellschaftliche Teilhabe. Ende des Beispiel-Platzhalters.",
        ],
    ),
]


def main() -> None:
    rl_config.invariant = 1  # fixed dates and IDs: same bytes on every run
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))
    rl_config.canvas_basefontname = "Vera"
    c = Canvas(str(OUT), pagesize=A4, invariant=1, pdfVersion=(1, 7))
    c.setTitle("Integrationskonzept (Beispiel-Platzhalter)")
    c.setAuthor("ratsdok-Beispieldaten")
    c.setSubject("Stand-in für Anlage 1 zu KT 0134/2020")
    for i, (title, lines) in enumerate(SECTIONS):
        key = f"s{i}"
        c.bookmarkPage(key)
        c.addOutlineEntry(title, key, level=0)
        c.setFont("VeraBd", 16)
        c.drawString(25 * mm, 270 * mm, "Integrationskonzept – Beispiel-Platzhalter")
        c.setFont("VeraBd", 13)
        c.drawString(25 * mm, 255 * mm, title)
        c.setFont("Vera", 11)
        y = 243 * mm
        for line in lines:
            c.drawString(25 * mm, y, line)
            y -= 6 * mm
        c.setFont("Vera", 9)
        c.drawString(25 * mm, 15 * mm, f"Beispiel-Platzhalter, Seite {i + 1} von {len(SECTIONS)}")
        c.showPage()
    c.showOutline()
    c.save()


if __name__ == "__main__":
    main()
