"""The plain-text summary used by ``ratsdok show``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from ratsdok import (
    Abschnitt,
    Abschnittsart,
    Abstimmung,
    Beratung,
    Beschlussergebnis,
    Ergebnis,
    Finanzen,
    Gliederung,
    Hauptdokument,
    Oeffentlichkeit,
    Organisationseinheit,
    Quelle,
    Sitzungsart,
    Unterzeichnung,
    Vorlage,
    check_anlagen,
)
from ratsdok.cli.summary import _groesse, _stimmen, describe
from ratsdok.model.vorlage import roman
from ratsdok.store.anlagen import check_hauptdokument
from tests.factories import anlage, vorlagen
from tests.vorlage11 import GRUND, RECHTSGRUNDLAGE, reiche_vorlage


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "I"),
        (2, "II"),
        (3, "III"),
        (4, "IV"),
        (5, "V"),
        (9, "IX"),
        (10, "X"),
        (12, "XII"),
        (13, "13"),
        (0, "0"),
        (-1, "-1"),
    ],
)
def test_roman(n: int, expected: str) -> None:
    assert roman(n) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (None, "–"),
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1,0 KiB"),
        (1536, "1,5 KiB"),
        (45000, "43,9 KiB"),
        (1024 * 1024 - 1, "1024,0 KiB"),
        (1024 * 1024, "1,0 MiB"),
        (3 * 1024**3, "3,0 GiB"),
        (2 * 1024**4, "2,0 TiB"),
        (5000 * 1024**4, "5000,0 TiB"),
    ],
)
def test_size_formatting(n: int | None, expected: str) -> None:
    assert _groesse(n) == expected


def test_describe_lists_everything(example: Vorlage) -> None:
    text = describe(example)
    assert "KT 0134/2020" in text
    assert "Beschlussvorlage" in text
    assert "Legitimation des kommunalen" in text
    assert "25.05.2020" in text and "26.05.2020" in text
    assert "I. Beschlussvorschlag (1 Absatz)" in text
    assert "II. Begründung (3 Absätze)" in text
    assert "gez. Krebs, Landrat" in text
    assert "43,9 KiB" in text


def test_long_betreff_is_wrapped(example: Vorlage) -> None:
    lines = describe(example, width=60).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Betreff"))
    end = lines.index("", start)
    betreff_lines = lines[start:end]
    assert len(betreff_lines) > 1
    assert all(len(line) <= 60 for line in betreff_lines)
    assert all(line.startswith(" " * 14) for line in betreff_lines[1:])
    assert " ".join(line[14:] for line in betreff_lines) == example.betreff


def test_empty_vorlage() -> None:
    text = describe(Vorlage(nummer="X 1/2020", betreff="Kurz"))
    assert "Art           unbekannt" in text
    assert "Beratungsfolge: keine" in text
    assert "Anlagen: keine" in text
    assert text.endswith("\n")


def test_quelle_is_shown_with_its_stand() -> None:
    url = "https://ris.example.de/oparl/paper/7"
    plain = describe(Vorlage(nummer="X 1/2020", betreff="Kurz"))
    assert "Quelle" not in plain
    v = Vorlage(nummer="X 1/2020", betreff="Kurz", quelle=Quelle(kennung=url))
    assert f"Quelle        {url}\n" in describe(v)
    stamped = v.model_copy(
        update={"quelle": Quelle(kennung=url, geaendert="2024-03-05T23:30:00+01:00")}
    )
    assert f"Quelle        {url} (Stand 05.03.2024)" in describe(stamped)


def test_vote_and_check_results() -> None:
    v = Vorlage(
        nummer="X 1/2020",
        betreff="Kurz",
        beratungsfolge=[
            Beratung(
                gremium="Rat",
                sitzungstermin=date(2020, 1, 2),
                ergebnis=Ergebnis(
                    beschlussergebnis=Beschlussergebnis.ABGELEHNT,
                    abstimmung=Abstimmung(ja=3, nein=7, enthaltung=1),
                ),
            )
        ],
        abschnitte=[
            Abschnitt(art=Abschnittsart.SACHVERHALT, ueberschrift="Lage", absaetze=["a", "b"])
        ],
        anlagen=[
            anlage(
                nummer=4,
                titel="Plan",
                dateiname="plan.pdf",
                oeffentlich=False,
                groesse=10,
            ),
        ],
    )
    text = describe(v, check_anlagen(v, None))
    assert "abgelehnt (3/7/1)" in text
    assert "02.01.2020" in text
    assert "I. Lage (2 Absätze)" in text
    assert "fehlt" in text
    assert "Anlage 4:" in text
    assert "nein" in text


# Issue #10: a value with a line break keeps the layout; every continuation line
# starts at the column where its value starts.

_LABELS = (
    "Drucksache",
    "Art",
    "Datum",
    "Körperschaft",
    "Federführung",
    "Einreicher",
    "Quelle",
    "Betreff",
    "Beratungsfolge",
    "Abschnitte",
    "Unterzeichnungen",
    "Anlagen",
    "Bezüge",
)


def _mehrzeilig() -> Vorlage:
    return Vorlage(
        nummer="KT 0001/2024",
        betreff="Erste Zeile des Betreffs\nzweite Zeile",
        koerperschaft="Landkreis\nMusterland",
        federfuehrung=Organisationseinheit(name="Amt für\nBauwesen", kennung="61"),
        einreicher="Fraktion A\nFraktion B",
        quelle=Quelle(kennung="urn:ris:1\nurn:ris:2"),
        beratungsfolge=[
            Beratung(gremium="Ausschuss für\nBau und Umwelt", sitzungstermin=date(2024, 1, 2)),
            Beratung(
                gremium="Kreistag",
                sitzungstermin=date(2024, 2, 3),
                sitzungsart=Sitzungsart.OEFFENTLICH,
            ),
        ],
        abschnitte=[
            Abschnitt(art=Abschnittsart.SACHVERHALT, ueberschrift="Lage\nund Ziel", absaetze=["a"])
        ],
        unterzeichnungen=[
            Unterzeichnung(name="Krebs", funktion="Landrat\nin Vertretung", datum=date(2024, 1, 1))
        ],
        anlagen=[
            anlage(1, "plan.pdf", titel="Lageplan\nBlatt 2", groesse=10),
            anlage(2, "kosten.pdf", titel="Kosten", groesse=20),
        ],
    )


def _after(lines: list[str], start: str) -> tuple[str, str]:
    """The line that starts with *start* and the one after it."""
    i = next(i for i, line in enumerate(lines) if line.startswith(start))
    return lines[i], lines[i + 1]


def test_two_line_funktion_is_indented_to_its_column() -> None:
    first, second = _after(describe(_mehrzeilig()).splitlines(), "  gez. Krebs")
    assert first == "  gez. Krebs, Landrat"
    assert second == " " * first.index("Landrat") + "in Vertretung (01.01.2024)"


def test_two_line_gremium_keeps_the_table() -> None:
    lines = describe(_mehrzeilig()).splitlines()
    head, row1 = _after(lines, "  Gremium")
    i = lines.index(row1)
    row1b, row2 = lines[i + 1], lines[i + 2]
    assert row1.startswith("  Ausschuss für ")
    assert row1b == "  Bau und Umwelt"  # the rest of the cell, the other cells empty
    assert row2.startswith("  Kreistag ")
    for column in ("Sitzungstermin", "Sitzungsart", "Zuständigkeit", "Ergebnis"):
        at = head.index(column)
        assert row1[at - 1] == " " and row1[at] != " ", column
        assert row2[at - 1] == " " and row2[at] != " ", column
    assert row1[head.index("Sitzungstermin") :].startswith("02.01.2024")
    assert row2[head.index("Sitzungsart") :].startswith("öffentlich")


def test_two_line_values_in_the_head() -> None:
    lines = describe(_mehrzeilig()).splitlines()
    for start, rest in [
        ("Körperschaft  Landkreis", "Musterland"),
        ("Federführung  Amt für", "Bauwesen (61)"),
        ("Einreicher    Fraktion A", "Fraktion B"),
        ("Quelle        urn:ris:1", "urn:ris:2"),
        ("Betreff       Erste Zeile des Betreffs", "zweite Zeile"),
    ]:
        first, second = _after(lines, start)
        assert first == start
        assert second == " " * 14 + rest


def test_two_line_titles_of_abschnitte_and_anlagen() -> None:
    lines = describe(_mehrzeilig()).splitlines()
    first, second = _after(lines, "  I. Lage")
    assert (first, second) == ("  I. Lage", "     und Ziel (1 Absatz)")
    head, row1 = _after(lines, "  Nr.")
    i = lines.index(row1)
    assert row1.startswith("  1    Lageplan ")
    assert lines[i + 1] == " " * head.index("Titel") + "Blatt 2"
    assert lines[i + 2].startswith("  2    Kosten ")
    at = head.index("Datei")
    assert lines[i + 2][at:].startswith("kosten.pdf") and row1[at:].startswith("plan.pdf")


def test_no_value_line_starts_at_the_margin() -> None:
    text = describe(_mehrzeilig())
    for line in text.splitlines():
        assert line == "" or line.startswith(("  ", *_LABELS)), line
    assert all(line == line.rstrip() for line in text.splitlines())


# Format 1.1 (issue #10): every value is shown; sections are summarised.


def test_describe_shows_the_content_of_format_11() -> None:
    v = reiche_vorlage(
        hauptdokument=Hauptdokument(dateiname="alt.pdf", medientyp="application/pdf", groesse=2048)
    )
    text = describe(v, check_anlagen(v, None))
    lines = text.splitlines()
    for expected in (
        "Aktenzeichen  23.1-0815/2024",
        f"Öffentlich    nein – nichtöffentlich ({GRUND}; {RECHTSGRUNDLAGE})",
        "Stand         in Beratung",
        "  Verfasser          Hannelore Quast, Amtsleiterin",
        "  Sachbearbeitung    Torsten Wiebke, Abteilung Grundstücksverkehr",
        "  Mitzeichnung       Kämmerei (28.02.2024): einverstanden",
        "Hauptdokument alt.pdf (application/pdf, 2,0 KiB)",
        "  1. Beschlussvorschlag (1 Absatz, 1 Liste (3 Punkte))",
        "  2. Sachverhalt (7 Absätze, 2 Zwischenüberschriften, 2 Listen (4 Punkte), "
        "1 Tabelle (3 Zeilen))",
        "  C) Finanzielle Auswirkungen (1 Absatz)",
        "  1. Haushaltsjahr 2024, Produkt 1.11.08 Grundstücksverwaltung, Sachkonto",
        "     Erlöse aus Grundstücksverkäufen (Ertrag)",
        "     Betrag 412.000,00 €, Ansatz 250.000,00 €",
        "     Betrag -1.234,50 €, verfügbar 8.000,75 €",
        "     außerplanmäßig; Deckung: Minderauszahlungen bei Straßenunterhaltung",
        "  2. Haushaltsjahr 2024, Investition 5-130101-000-02500-300-1",
        "  Summe der Beträge: 410.765,50 €",
        "  Mehrerträge werden zur Tilgung verwendet.",
        "  Antwort auf BV 0100/2024",
        "  hebt auf BV 0033/2019",
    ):
        assert expected in lines, expected
    flat = " ".join(text.split())
    for expected in (
        "mit Änderungen empfohlen (Änderungsantrag der Fraktion Bürgerliste: mehrheitlich; "
        "Ja 7, Nein 4; Bürgerliste: Ja; Wählergemeinschaft: Ja 1, Nein 3; „mehrheitlich bei "
        "vier Gegenstimmen angenommen“)",
        "(Vorlage in geänderter Fassung: einstimmig; Enthaltung 2, befangen 1, anwesend 12)",
        "ohne Datei: liegt in der Sitzung zur Einsicht aus",
    ):
        assert expected in flat, expected
    # an Anlage's Verweis on the line under "ohne Datei", in the Datei column
    row = next(i for i, line in enumerate(lines) if line.startswith("  2    Verkehrswertgutachten"))
    at = lines[row].index("ohne Datei")
    assert lines[row + 1] == " " * at + "https://ris.lindenau.example/gutachten/17"
    assert "GEÄNDERT" not in text and "fehlt" not in text  # Anlagen without file: nothing to check


def test_describe_keine_finanziellen_auswirkungen_and_sections_without_label() -> None:
    v = Vorlage(
        nummer="X 1/2020",
        betreff="Kurz",
        gliederung=Gliederung.KEINE,
        abschnitte=[Abschnitt(art=Abschnittsart.SACHVERHALT, absaetze=["a"])],
        finanzen=Finanzen(auswirkungen=False),
        oeffentlichkeit=Oeffentlichkeit(oeffentlich=True),
    )
    lines = describe(v).splitlines()
    assert "  Sachverhalt (1 Absatz)" in lines
    assert "Finanzielle Auswirkungen: keine" in lines
    assert "Öffentlich    ja" in lines


def test_describe_reports_the_hauptdokument_check(tmp_path: Path) -> None:
    h = Hauptdokument(dateiname="alt.pdf", medientyp="application/pdf", groesse=3)
    v = Vorlage(nummer="X 1/2020", betreff="Kurz", hauptdokument=h)
    (tmp_path / "alt.pdf").write_bytes(b"abcd")
    text = describe(v, hauptdokument=check_hauptdokument(v, tmp_path))
    assert "Hauptdokument alt.pdf (application/pdf, 3 B, Datei geprüft: GEÄNDERT)" in text
    assert "  size is 4 bytes, recorded 3" in text.splitlines()


def test_a_vote_with_all_counts_reads_as_before() -> None:
    # format 1.0 votes keep their short form; the rest is added around it
    assert _stimmen(Abstimmung(ja=3, nein=7, enthaltung=1)) == "(3/7/1)"
    assert (
        _stimmen(Abstimmung(ja=3, nein=7, enthaltung=1, befangen=2, gegenstand="Variante A"))
        == "(Variante A: 3/7/1, befangen 2)"
    )
    assert _stimmen(Abstimmung(wortlaut="ohne Gegenstimmen")) == "(„ohne Gegenstimmen“)"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vorlagen(neu=True))
def test_describe_any_11_vorlage(v: Vorlage) -> None:
    text = describe(v, check_anlagen(v, None))
    assert text.endswith("\n") and str(v.nummer) in text
