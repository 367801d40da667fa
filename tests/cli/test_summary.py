"""The plain-text summary used by ``ratsdok show``."""

from __future__ import annotations

from datetime import date

import pytest

from ratsdok import (
    Abschnitt,
    Abschnittsart,
    Abstimmung,
    Beratung,
    Beschlussergebnis,
    Ergebnis,
    Quelle,
    Vorlage,
    check_anlagen,
)
from ratsdok.cli.summary import _groesse, describe
from ratsdok.model.vorlage import roman
from tests.factories import anlage


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
