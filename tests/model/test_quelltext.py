"""A whole Vorlage from one text file: TOML front matter and Markdown sections."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

import ratsdok
from ratsdok import (
    Absatz,
    Abschnittsart,
    InvalidDocumentError,
    Liste,
    Listenart,
    Planmaessigkeit,
    Rolle,
    Vorlagenart,
    Zustaendigkeit,
    Zwischenueberschrift,
    vorlage_aus_markdown,
)
from ratsdok.model.quelltext import abschnittskopf, lies_quelltext
from tests.conftest import line_of
from tests.factories import BEISPIEL


def fehler(text: str) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(InvalidDocumentError) as exc:
        vorlage_aus_markdown(text, source="v.md")
    assert all(p.file == "v.md" for p in exc.value.problems)
    return [(p.line, p.field, p.message) for p in exc.value.problems]


def mit(front: str = "", body: str = "# Sachverhalt\n\nText\n") -> str:
    return f'+++\nnummer = "1/2024"\nbetreff = "Test"\n{front}+++\n{body}'


def test_the_example_file_gives_the_whole_vorlage() -> None:
    v = vorlage_aus_markdown(BEISPIEL)
    assert (str(v.nummer), v.art, v.datum) == (
        "KT 2014/16",
        Vorlagenart.BESCHLUSSVORLAGE,
        date(2014, 7, 10),
    )
    assert v.federfuehrung is not None and v.federfuehrung.name.startswith("Finanzen")
    assert v.oeffentlichkeit is not None and v.oeffentlichkeit.oeffentlich
    assert [b.gremium for b in v.beratungsfolge] == ["Verwaltungsausschuss", "Kreistag"]
    assert v.beratungsfolge[1].zustaendigkeit is Zustaendigkeit.ENTSCHEIDUNG
    ergebnis = v.beratungsfolge[1].ergebnis
    assert ergebnis is not None and ergebnis.abstimmung is not None
    assert (ergebnis.abstimmung.ja, ergebnis.abstimmung.nein) == (40, 2)
    assert v.unterzeichnungen[0].name == "Wolff"
    assert v.beteiligte[0].rolle is Rolle.SACHBEARBEITUNG
    assert [(a.nummer, a.dateiname, a.medientyp) for a in v.anlagen] == [
        (1, "jahresabschluss.pdf", "application/pdf"),
        (2, None, None),
    ]
    assert v.anlagen[1].hinweis == "liegt in der Sitzung zur Einsicht aus"
    assert str(v.bezuege[0].nummer) == "KT 2013/20"
    assert v.finanzen is not None
    assert v.finanzen.positionen[0].betrag == Decimal("1549229.42")
    assert v.finanzen.positionen[0].planmaessigkeit is Planmaessigkeit.UEBERPLANMAESSIG


def test_the_example_sections() -> None:
    v = vorlage_aus_markdown(BEISPIEL)
    assert [(a.art, a.bezeichnung, a.ueberschrift) for a in v.abschnitte] == [
        (Abschnittsart.BESCHLUSSVORSCHLAG, "I.", "Beschlussanträge"),
        (Abschnittsart.SONSTIGES, "II.", "Sach- und Rechtslage, Begründung"),
        (Abschnittsart.FINANZIELLE_AUSWIRKUNGEN, None, None),
    ]
    (liste,) = v.abschnitte[0].bloecke
    assert isinstance(liste, Liste)
    innen = liste.punkte[0].bloecke[1]
    assert isinstance(innen, Liste)
    assert (innen.art, innen.marke(0)) == (Listenart.BUCHSTABEN, "a.")
    zweiter = v.abschnitte[1].bloecke
    assert zweiter[0] == Zwischenueberschrift(text="Kommunal-/gesellschaftsrechtliche Grundlagen")
    assert zweiter[1] == Absatz(
        text="Nach dem aktuellen Gesellschaftsvertrag hat die Gesellschafterversammlung "
        "über die Feststellung des Jahresabschlusses zu entscheiden."
    )
    assert ratsdok.from_xml(ratsdok.to_xml(v)) == v


def test_the_uuid_is_derived_from_koerperschaft_and_nummer() -> None:
    a = vorlage_aus_markdown(BEISPIEL)
    assert a.uuid == vorlage_aus_markdown(BEISPIEL.replace("Nach dem", "Laut")).uuid
    assert a.uuid.version == 5
    assert a.uuid != vorlage_aus_markdown(BEISPIEL.replace("KT 2014/16", "KT 2014/17")).uuid
    assert a.uuid != vorlage_aus_markdown(BEISPIEL.replace("Göppingen", "Esslingen")).uuid
    eigene = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert vorlage_aus_markdown(mit(f'uuid = "{eigene}"\n')).uuid == eigene


def test_shorthand_and_table_forms() -> None:
    v = vorlage_aus_markdown(
        mit(
            '[federfuehrung]\nname = "Amt 20"\nkennung = "20"\n'
            '[oeffentlichkeit]\noeffentlich = false\ngrund = "Personalangelegenheit"\n'
        )
    )
    assert v.federfuehrung is not None and v.federfuehrung.kennung == "20"
    assert v.nichtoeffentlich
    assert v.oeffentlichkeit is not None and v.oeffentlichkeit.grund == "Personalangelegenheit"


def test_model_names_of_the_lists_work_too() -> None:
    v = vorlage_aus_markdown(mit('[[beratungsfolge]]\ngremium = "Rat"\n'))
    assert v.beratungsfolge[0].gremium == "Rat"


def test_crlf_and_bom() -> None:
    text = "\ufeff" + BEISPIEL.replace("\n", "\r\n")
    assert vorlage_aus_markdown(text) == vorlage_aus_markdown(BEISPIEL)


def test_lines_of_front_matter_keys() -> None:
    q = lies_quelltext(BEISPIEL)
    assert q.zeile(("anlagen", 1)) == line_of(BEISPIEL, "[[anlage]]", line_of(BEISPIEL, "jahresab"))
    assert q.feld(("anlagen", 1)) == "anlage[1]"
    assert q.zeile(("finanzen", "positionen", 0, "betrag")) == line_of(BEISPIEL, "betrag =")
    assert q.zeile(("beratungsfolge", 1, "ergebnis", "abstimmungen", 0, "nein")) == line_of(
        BEISPIEL, "nein = 2"
    )
    assert q.zeile(("betreff",)) == 4
    assert q.zeile(("gibt-es-nicht",)) == 1


# ------------------------------------------------------------------ section headings


@pytest.mark.parametrize(
    ("kopf", "erwartet"),
    [
        ("Beschlussvorschlag", (Abschnittsart.BESCHLUSSVORSCHLAG, None, None)),
        ("Beschlussvorschlag:", (Abschnittsart.BESCHLUSSVORSCHLAG, None, "Beschlussvorschlag:")),
        ("Beschlussentwurf:", (Abschnittsart.BESCHLUSSVORSCHLAG, None, "Beschlussentwurf:")),
        ("Beschlußantrag:", (Abschnittsart.BESCHLUSSVORSCHLAG, None, "Beschlußantrag:")),
        ("I. Beschlussanträge", (Abschnittsart.BESCHLUSSVORSCHLAG, "I.", "Beschlussanträge")),
        ("Sachverhalt", (Abschnittsart.SACHVERHALT, None, None)),
        ("2. Begründung", (Abschnittsart.BEGRUENDUNG, "2.", None)),
        ("Finanzielle Auswirkungen", (Abschnittsart.FINANZIELLE_AUSWIRKUNGEN, None, None)),
        ("Rechtsgrundlage", (Abschnittsart.RECHTSGRUNDLAGE, None, None)),
        ("A) Fraktionsgründungen", (Abschnittsart.SONSTIGES, "A)", "Fraktionsgründungen")),
        ("(1) Evaluierung", (Abschnittsart.SONSTIGES, "(1)", "Evaluierung")),
        ("Sachverhalt/Begründung", (Abschnittsart.SONSTIGES, None, "Sachverhalt/Begründung")),
        (
            "Antrag der Verwaltung {beschlussvorschlag}",
            (Abschnittsart.BESCHLUSSVORSCHLAG, None, "Antrag der Verwaltung"),
        ),
        ("III. Tatbestand: {sachverhalt}", (Abschnittsart.SACHVERHALT, "III.", "Tatbestand:")),
        ("Sonstiges", (Abschnittsart.SONSTIGES, None, None)),
    ],
)
def test_section_headings(
    kopf: str, erwartet: tuple[Abschnittsart, str | None, str | None]
) -> None:
    assert abschnittskopf(kopf) == erwartet


def test_section_heading_with_an_unknown_art() -> None:
    text = mit(body="# Sachverhalt\n\nText\n\n# Antrag {antrag}\n\nText\n")
    ((zeile, feld, message),) = fehler(text)
    assert (zeile, feld) == (line_of(text, "# Antrag"), None)
    assert message.startswith("{antrag} is no Abschnittsart (beschlussvorschlag, ")


# ------------------------------------------------------------------ problems


def test_no_front_matter() -> None:
    assert fehler("# Sachverhalt\n\nText") == [
        (1, None, "a ratsdok text file starts with TOML front matter: a +++ line")
    ]
    assert fehler('+++\nnummer = "1"\n') == [
        (1, None, "the front matter is not closed by a +++ line")
    ]


def test_toml_syntax_error_names_the_file_line() -> None:
    text = mit("datum = 2024-13-45\n")
    ((zeile, feld, message),) = fehler(text)
    assert (zeile, feld) == (line_of(text, "datum ="), None)
    assert "at line" not in message


def test_validation_errors_name_the_key_and_its_line() -> None:
    text = (
        BEISPIEL.replace('gremium = "Kreistag"', 'gremium = ""')
        .replace('planmaessigkeit = "ueberplanmaessig"', 'planmaessigkeit = "irgendwie"')
        .replace("betreff =", "betref =")
    )
    assert [(z, f) for z, f, _ in fehler(text)] == [
        (1, "betreff"),
        (line_of(text, "betref ="), "betref"),
        (line_of(text, 'gremium = ""'), "beratung[1].gremium"),
        (line_of(text, "planmaessigkeit ="), "finanzen.position[0].planmaessigkeit"),
    ]


def test_rule_violations_name_the_key_and_its_line() -> None:
    text = BEISPIEL.replace("sitzungstermin = 2014-07-25", "sitzungstermin = 2014-07-01")
    ((zeile, feld, message),) = fehler(text)
    assert (zeile, feld) == (line_of(text, "2014-07-01"), "beratung[1].sitzungstermin")
    assert "date order" in message


def test_anlage_problems() -> None:
    text = mit('[[anlage]]\ntitel = "Plan"\ndateiname = "plan.dwg"\noeffentlich = true\n'
               '[[anlage]]\ntitel = "Plan"\ndateiname = "plan.pdf"\n')  # fmt: skip
    assert [(z, f, m) for z, f, m in fehler(text)] == [
        (line_of(text, "[[anlage]]"), "anlage[0]", "an Anlage with a file needs its medientyp"),
        (line_of(text, "[[anlage]]", 6), "anlage[1].oeffentlich", "Field required"),
    ]


def test_alias_and_model_name_together() -> None:
    text = mit('[[beratung]]\ngremium = "A"\n[[beratungsfolge]]\ngremium = "B"\n')
    assert fehler(text) == [
        (line_of(text, "[[beratung]]"), "beratung", "give beratung or beratungsfolge, not both")
    ]


def test_sections_in_the_front_matter_are_refused() -> None:
    text = mit("abschnitte = []\n")
    assert [(z, f) for z, f, _ in fehler(text)] == [(line_of(text, "abschnitte"), "abschnitte")]


def test_text_before_the_first_section_and_empty_sections() -> None:
    text = mit(body="\nVorweg.\n\n# Sachverhalt\n\n# Begründung\n\nText\n")
    problems = fehler(text)
    assert [(z, f) for z, f, _ in problems] == [
        (line_of(text, "Vorweg"), None),
        (line_of(text, "# Sachverhalt"), None),
    ]
    assert problems[0][2].startswith("text before the first section")
    assert problems[1][2] == "a section needs text below its heading"


def test_body_problems_carry_file_lines_and_come_with_front_matter_problems() -> None:
    text = mit('datum = "gestern"\n', body="# Sachverhalt\n\nText\n\n> Zitat\n\n![x](y.png)\n")
    problems = fehler(text)
    assert [z for z, _, _ in problems] == [
        line_of(text, "> Zitat"),
        line_of(text, "![x]"),
    ]
    # The front matter is only validated when the body could be read.
    text = mit('datum = "gestern"\n')
    assert [(z, f) for z, f, _ in fehler(text)] == [(line_of(text, "datum"), "datum")]


def test_no_sections_is_a_vorlage_without_text() -> None:
    v = vorlage_aus_markdown(mit(body=""))
    assert v.abschnitte == ()
    assert v.art is None


def test_regression_deeply_nested_front_matter_is_a_ratsdok_error() -> None:
    """Review finding: tomllib's RecursionError escaped as a traceback."""
    from ratsdok import InvalidDocumentError, vorlage_aus_markdown

    text = "+++\nq = " + "[" * 3000 + "]" * 3000 + "\n+++\n"
    with pytest.raises(InvalidDocumentError, match="nested too deeply"):
        vorlage_aus_markdown(text)
