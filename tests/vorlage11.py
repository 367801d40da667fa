"""A rich Vorlage of format 1.1 (every kind of block, Finanzen, votes, Beteiligte,
Bezüge, Anlagen without file, nichtöffentlich), the words it must show, and a
"legacy" PDF to stand for a Hauptdokument.

Shared by the PDF tests and the ``show`` tests; the words are what a reader must
find again in the rendered text.
"""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pikepdf
import typst

from ratsdok import (
    Abschnitt,
    Abschnittsart,
    Abstimmung,
    Anlage,
    Ausrichtung,
    Bearbeitungsstand,
    Beratung,
    Beschlussergebnis,
    Beteiligung,
    Bezug,
    Bezugsart,
    Ergebnis,
    Finanzen,
    Fraktionsstimme,
    Gliederung,
    Haushaltsart,
    Haushaltsposition,
    Liste,
    Listenart,
    Listenpunkt,
    Mehrheit,
    Oeffentlichkeit,
    Organisationseinheit,
    Planmaessigkeit,
    Rolle,
    Sitzungsart,
    Stimme,
    Tabelle,
    Unterzeichnung,
    Vorlage,
    Vorlagenart,
    Zustaendigkeit,
    Zwischenueberschrift,
)
from ratsdok.pdf.satz import font_dir
from tests.conftest import require_tool

GRUND = "Grundstücksangelegenheit"
RECHTSGRUNDLAGE = "§ 35 Abs. 2 ThürKO"

_FUELLTEXT = (
    "Die Verwaltung hat die Angebote geprüft und schlägt vor, das Grundstück zum "
    "Verkehrswert zu veräußern; der Gutachterausschuss hat den Wert festgestellt. "
)


def reiche_vorlage(**changes: Any) -> Vorlage:
    """A nichtöffentliche Beschlussvorlage using the content of format 1.1, long enough
    for three or more pages; keyword arguments replace fields."""
    data: dict[str, Any] = {
        "nummer": "BV 0117/2024",
        "art": Vorlagenart.BESCHLUSSVORLAGE,
        "betreff": "Verkauf des Grundstücks Gemarkung Lindenau, Flurstück 12/3",
        "datum": date(2024, 3, 4),
        "koerperschaft": "Stadt Lindenau",
        "federfuehrung": Organisationseinheit(name="Liegenschaftsamt", kennung="23"),
        "aktenzeichen": "23.1-0815/2024",
        "oeffentlichkeit": Oeffentlichkeit(
            oeffentlich=False, grund=GRUND, rechtsgrundlage=RECHTSGRUNDLAGE
        ),
        "bearbeitungsstand": Bearbeitungsstand.IN_BERATUNG,
        "beteiligte": [
            Beteiligung(rolle=Rolle.VERFASSER, name="Hannelore Quast", funktion="Amtsleiterin"),
            Beteiligung(
                rolle=Rolle.SACHBEARBEITUNG,
                name="Torsten Wiebke",
                organisationseinheit=Organisationseinheit(name="Abteilung Grundstücksverkehr"),
            ),
            Beteiligung(rolle=Rolle.BERICHTERSTATTUNG, name="Bürgermeister Ohlendorf"),
            Beteiligung(
                rolle=Rolle.MITZEICHNUNG,
                organisationseinheit=Organisationseinheit(name="Kämmerei"),
                datum=date(2024, 2, 28),
                vermerk="einverstanden",
            ),
        ],
        "gliederung": Gliederung.ARABISCH,
        "beratungsfolge": [
            Beratung(
                gremium="Haupt- und Finanzausschuss",
                sitzungstermin=date(2024, 3, 12),
                sitzungsart=Sitzungsart.NICHTOEFFENTLICH,
                zustaendigkeit=Zustaendigkeit.VORBERATUNG,
                tagesordnungspunkt="TOP 7.2",
                ergebnis=Ergebnis(
                    beschlussergebnis=Beschlussergebnis.GEAENDERT_EMPFOHLEN,
                    wortlaut="mit Änderungen empfohlen",
                    abstimmungen=[
                        Abstimmung(
                            gegenstand="Änderungsantrag der Fraktion Bürgerliste",
                            mehrheit=Mehrheit.MEHRHEITLICH,
                            ja=7,
                            nein=4,
                            fraktionen=[
                                Fraktionsstimme(fraktion="Bürgerliste", stimme=Stimme.JA),
                                Fraktionsstimme(fraktion="Wählergemeinschaft", nein=3, ja=1),
                            ],
                            wortlaut="mehrheitlich bei vier Gegenstimmen angenommen",
                        ),
                        Abstimmung(
                            gegenstand="Vorlage in geänderter Fassung",
                            mehrheit=Mehrheit.EINSTIMMIG,
                            enthaltung=2,
                            befangen=1,
                            anwesend=12,
                        ),
                    ],
                    beschlusstext="Empfehlung an den Stadtrat wie Änderungsantrag.",
                ),
            ),
            Beratung(
                gremium="Stadtrat",
                sitzungstermin=date(2024, 3, 21),
                sitzungsart=Sitzungsart.NICHTOEFFENTLICH,
                zustaendigkeit=Zustaendigkeit.ENTSCHEIDUNG,
            ),
        ],
        "abschnitte": [
            Abschnitt(
                art=Abschnittsart.BESCHLUSSVORSCHLAG,
                bloecke=[
                    "Der Stadtrat beschließt:",
                    Liste(
                        art=Listenart.ARABISCH,
                        punkte=[
                            "Das Flurstück 12/3 wird an die Meistbietende verkauft.",
                            Listenpunkt(
                                bloecke=[
                                    "Der Kaufpreis beträgt mindestens:",
                                    Liste(
                                        art=Listenart.BUCHSTABEN,
                                        punkte=[
                                            "für die Bauflächen den Bodenrichtwert,",
                                            "für die Gartenflächen ein Drittel davon.",
                                        ],
                                    ),
                                ]
                            ),
                            Listenpunkt(
                                bezeichnung="2a.",
                                bloecke=["Die Nebenkosten trägt die Käuferin."],
                            ),
                        ],
                    ),
                ],
            ),
            Abschnitt(
                art=Abschnittsart.SACHVERHALT,
                bloecke=[
                    Zwischenueberschrift(text="Ausgangslage"),
                    _FUELLTEXT * 6,
                    Tabelle(
                        beschriftung="Übersicht der Gebote",
                        spalten=(Ausrichtung.LINKS, Ausrichtung.RECHTS, Ausrichtung.ZENTRIERT),
                        kopf=(("Bieterin", "Gebot in €", "Rang"),),
                        zeilen=(
                            ("Wohnbau Saaletal GmbH", "412.000,00", "1"),
                            ("Familie Kretzschmar", "398.500,00", "2"),
                            ("Genossenschaft Lindenhof eG", "", "–"),
                        ),
                    ),
                    Zwischenueberschrift(text="Abwägung"),
                    *[_FUELLTEXT * 5 for _ in range(6)],
                    Liste(
                        art=Listenart.AUFZAEHLUNG,
                        punkte=["Erschließung gesichert", "Altlastenfreiheit bestätigt"],
                    ),
                    Liste(
                        art=Listenart.ROEMISCH,
                        beginn=3,
                        punkte=["drittens Wegerecht", "viertens Vorkaufsrecht"],
                    ),
                ],
            ),
            Abschnitt(
                art=Abschnittsart.FINANZIELLE_AUSWIRKUNGEN,
                bezeichnung="C)",
                absaetze=["Der Erlös fließt in den Ergebnishaushalt."],
            ),
        ],
        "finanzen": Finanzen(
            auswirkungen=True,
            positionen=[
                Haushaltsposition(
                    haushaltsjahr=2024,
                    produkt="1.11.08 Grundstücksverwaltung",
                    sachkonto="42102.54190020",
                    bezeichnung="Erlöse aus Grundstücksverkäufen",
                    art=Haushaltsart.ERTRAG,
                    betrag=Decimal("412000.00"),
                    ansatz=Decimal("250000"),
                    planmaessigkeit=Planmaessigkeit.UEBERPLANMAESSIG,
                ),
                Haushaltsposition(
                    haushaltsjahr=2024,
                    investitionsnummer="5-130101-000-02500-300-1",
                    bezeichnung="Vermessungskosten",
                    art=Haushaltsart.AUSZAHLUNG,
                    betrag=Decimal("-1234.50"),
                    verfuegbar=Decimal("8000.75"),
                    planmaessigkeit=Planmaessigkeit.AUSSERPLANMAESSIG,
                    deckung="Minderauszahlungen bei Straßenunterhaltung",
                ),
            ],
            erlaeuterung="Mehrerträge werden zur Tilgung verwendet.",
        ),
        "unterzeichnungen": [Unterzeichnung(name="Ohlendorf", funktion="Bürgermeister")],
        "anlagen": [
            Anlage(
                nummer=1,
                titel="Lageplan Flurstück",
                oeffentlich=False,
                hinweis="liegt in der Sitzung zur Einsicht aus",
            ),
            Anlage(
                nummer=2,
                titel="Verkehrswertgutachten",
                oeffentlich=False,
                verweis="https://ris.lindenau.example/gutachten/17",
            ),
        ],
        "bezuege": [
            Bezug(art=Bezugsart.ANTWORT_AUF, nummer="BV 0100/2024"),
            Bezug(art=Bezugsart.HEBT_AUF, nummer="BV 0033/2019"),
        ],
    }
    data.update(changes)
    return Vorlage(**data)


# Words that must come back from the rendered text (beyond those of the paragraphs).
ERWARTET = [
    "23.1-0815/2024",
    "in Beratung",
    "Hannelore Quast",
    "Amtsleiterin",
    "Torsten Wiebke",
    "Abteilung Grundstücksverkehr",
    "Bürgermeister Ohlendorf",
    "Kämmerei",
    "einverstanden",
    "28.02.2024",
    GRUND,
    RECHTSGRUNDLAGE,
    "TOP 7.2",
    "mit Änderungen empfohlen",
    "Änderungsantrag der Fraktion Bürgerliste",
    "mehrheitlich bei vier Gegenstimmen angenommen",
    "Vorlage in geänderter Fassung",
    "einstimmig",
    "Enthaltung 2",
    "befangen 1",
    "anwesend 12",
    "Ja 7",
    "Nein 4",
    "Wählergemeinschaft",
    "Empfehlung an den Stadtrat wie Änderungsantrag.",
    "1. Beschlussvorschlag",
    "2. Sachverhalt",
    "C) Finanzielle Auswirkungen",
    "Der Stadtrat beschließt:",
    "1. Das Flurstück 12/3",
    "2. Der Kaufpreis beträgt mindestens:",
    "a) für die Bauflächen den Bodenrichtwert,",
    "b) für die Gartenflächen ein Drittel davon.",
    "2a. Die Nebenkosten trägt die Käuferin.",
    "– Erschließung gesichert",
    "iii. drittens Wegerecht",
    "iv. viertens Vorkaufsrecht",
    "Übersicht der Gebote",
    "Wohnbau Saaletal GmbH",
    "412.000,00",
    "Genossenschaft Lindenhof eG",
    "2024",
    "1.11.08 Grundstücksverwaltung",
    "42102.54190020",
    "5-130101-000-02500-300-1",
    "Erlöse aus Grundstücksverkäufen",
    "412.000,00 €",
    "250.000,00 €",
    "-1.234,50 €",
    "8.000,75 €",
    "410.765,50 €",
    "überplanmäßig",
    "außerplanmäßig",
    "Minderauszahlungen bei Straßenunterhaltung",
    "Mehrerträge werden zur Tilgung verwendet.",
    "Antwort auf BV 0100/2024",
    "hebt auf BV 0033/2019",
    "Anlage 1 – Lageplan Flurstück",
    "liegt in der Sitzung zur Einsicht aus",
    "https://ris.lindenau.example/gutachten/17",
]


def woerter(v: Vorlage) -> list[str]:
    """Every word of the text of *v*'s sections (their plain form, markers included)."""
    out: list[str] = []
    for ab in v.abschnitte:
        for absatz in ab.absaetze:
            out += re.split(r"\s+|\s*\|\s*", absatz)
    return [w for w in out if w]


def flach(text: str) -> str:
    """Text from pdftotext as one line: words broken at a hyphenation point (a soft
    hyphen, U+00AD, ends the line) joined, white space single."""
    text = re.sub("\u00ad\\s*\n", "", text)
    return " ".join(text.split())


def altes_pdf(seiten: int, rotate: int = 0) -> bytes:
    """A PDF as an old system made it (one line of text and a bookmark per page, the
    font embedded, no tags), to stand for a Hauptdokument; every page turned by *rotate*."""
    source = (
        '#set page(paper: "a4")\n#set text(font: "DejaVu Sans", size: 14pt)\n'
        f"#for n in range(1, {seiten} + 1) {{\n"
        "  if n > 1 { pagebreak() }\n"
        '  heading(level: 1, "Kapitel " + str(n))\n'
        "  [Altes Dokument Seite #n]\n"
        "}\n"
    )
    # typst's stub binds one type variable for the input and the font paths
    data = typst.compile(  # type: ignore[misc]
        source.encode(),
        font_paths=[font_dir()],
        ignore_system_fonts=True,
        timestamp=0,
        pdf_tags=False,
    )
    if not rotate:
        return data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.obj.Rotate = rotate
        buf = io.BytesIO()
        pdf.save(buf, deterministic_id=True)
    return buf.getvalue()


def seitentexte(path: Path, pages: int) -> list[str]:
    """The text of each page, read page by page (``pdftotext -f N -l N``)."""
    tool = require_tool("pdftotext")
    return [
        subprocess.run(
            [tool, "-enc", "UTF-8", "-f", str(n), "-l", str(n), str(path), "-"],
            check=True,
            capture_output=True,
        ).stdout.decode("utf-8")
        for n in range(1, pages + 1)
    ]
