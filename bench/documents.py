"""Documents the benchmarks run on: the example and a large generated Vorlage."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import ratsdok
from ratsdok import (
    Abschnitt,
    Abschnittsart,
    Anlage,
    Beratung,
    Sitzungsart,
    Unterzeichnung,
    Vorlage,
    Vorlagenart,
    Zustaendigkeit,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_XML = ROOT / "examples" / "kt-0134-2020" / "vorlage.xml"


def example() -> Vorlage:
    """The KT 0134/2020 example."""
    return ratsdok.load(EXAMPLE_XML)


EXAMPLE_11_XML = ROOT / "examples" / "bv-0123-2024" / "vorlage.xml"


def example_11() -> Vorlage:
    """The format 1.1 example BV 0123/2024 (lists, a table, Finanzen, votes, Beteiligte)."""
    return ratsdok.load(EXAMPLE_11_XML)


def large(n_beratungen: int = 1000, n_anlagen: int = 1000) -> Vorlage:
    """A Vorlage with many Beratungen and Anlagen (metadata only), umlauts throughout."""
    start = date(2020, 1, 6)
    beratungen = [
        Beratung(
            gremium=f"Ausschuss für Bildung, Soziales und Integration {i % 17}",
            sitzungstermin=start + timedelta(days=i // 3),
            sitzungsart=Sitzungsart.OEFFENTLICH if i % 4 else Sitzungsart.NICHTOEFFENTLICH,
            zustaendigkeit=(
                Zustaendigkeit.ENTSCHEIDUNG if i == n_beratungen - 1 else Zustaendigkeit.VORBERATUNG
            ),
            tagesordnungspunkt=f"Ö {i % 30 + 1}.{i % 4}",
        )
        for i in range(n_beratungen)
    ]
    anlagen = [
        Anlage(
            nummer=i + 1,
            titel=f"Anlage {i + 1}: Übersicht der Maßnahmen „Teil {i}“ – Kostenschätzung",
            dateiname=f"anlage-{i + 1:04d}-übersicht.pdf",
            medientyp="application/pdf",
            groesse=100_000 + i,
            sha256=hashlib.sha256(str(i).encode()).hexdigest(),
            oeffentlich=bool(i % 5),
        )
        for i in range(n_anlagen)
    ]
    return Vorlage(
        nummer="KT 0999/2021",
        art=Vorlagenart.BESCHLUSSVORLAGE,
        betreff="Große Sammelvorlage mit vielen Beratungen und Anlagen",
        datum=date(2020, 1, 2),
        koerperschaft="Wartburgkreis",
        beratungsfolge=beratungen,
        abschnitte=[
            Abschnitt(art=Abschnittsart.BESCHLUSSVORSCHLAG, absaetze=["Der Kreistag beschließt."]),
            Abschnitt(art=Abschnittsart.BEGRUENDUNG, absaetze=["Begründung folgt."] * 20),
        ],
        unterzeichnungen=[Unterzeichnung(name="Krebs", funktion="Landrat")],
        anlagen=anlagen,
    )
