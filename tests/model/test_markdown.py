"""Section content from Markdown: every mapping rule, ratsdok's list conventions, real
Beschlusspunkte from tests/data/real, and the constructs that are reported."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ratsdok
from ratsdok import (
    Absatz,
    Abschnitt,
    Abschnittsart,
    Ausrichtung,
    InvalidDocumentError,
    Liste,
    Listenart,
    Listenpunkt,
    Tabelle,
    Zwischenueberschrift,
    bloecke_aus_markdown,
)
from ratsdok.model.inhalt import Block, plain_lines

REAL = Path(__file__).resolve().parent.parent / "data" / "real"


def auszug(datei: str, von: str, bis: str) -> str:
    """The lines of a real Vorlage from the one containing *von* to the one containing
    *bis*, verbatim."""
    zeilen = (REAL / datei).read_text(encoding="utf-8").splitlines()
    start = next(i for i, z in enumerate(zeilen) if von in z)
    ende = next(i for i in range(start, len(zeilen)) if bis in zeilen[i])
    return "\n".join(zeilen[start : ende + 1])


def texte(liste: Liste) -> list[str]:
    """The first paragraph of each item."""
    out = []
    for p in liste.punkte:
        first = p.bloecke[0]
        assert isinstance(first, Absatz)
        out.append(first.text)
    return out


def marken(liste: Liste) -> list[str]:
    return [liste.marke(i) for i in range(len(liste.punkte))]


def fehler(text: str, **kwargs: object) -> list[tuple[int | None, str]]:
    with pytest.raises(InvalidDocumentError) as exc:
        bloecke_aus_markdown(text, **kwargs)  # type: ignore[arg-type]
    return [(p.line, p.message) for p in exc.value.problems]


def einzige_liste(bloecke: tuple[Block, ...]) -> Liste:
    listen = [b for b in bloecke if isinstance(b, Liste)]
    assert len(listen) == 1, bloecke
    return listen[0]


# ------------------------------------------------------------------ paragraphs, inline


def test_paragraphs_and_soft_breaks_become_spaces() -> None:
    assert bloecke_aus_markdown("Erste Zeile\nzweite Zeile.\n\nNeuer Absatz.") == (
        Absatz(text="Erste Zeile zweite Zeile."),
        Absatz(text="Neuer Absatz."),
    )


def test_hard_breaks_are_kept_as_line_breaks() -> None:
    (a,) = bloecke_aus_markdown("Marcel Guderjahn  \nStellv. Fraktionsvorsitzender\\\nFraktion")
    assert a == Absatz(text="Marcel Guderjahn\nStellv. Fraktionsvorsitzender\nFraktion")


def test_emphasis_and_code_spans_are_reduced_to_their_text() -> None:
    (a,) = bloecke_aus_markdown("Das ist *betont*, __fett__ und `§ 35 ThürKO`.")
    assert a == Absatz(text="Das ist betont, fett und § 35 ThürKO.")


def test_links_keep_their_target_in_brackets() -> None:
    (a,) = bloecke_aus_markdown(
        "Siehe [Anlage 1](https://ris.example.de/anlage1.pdf), <https://ris.example.de>, "
        "<post@example.de> und [https://a.de](https://a.de)."
    )
    assert a == Absatz(
        text="Siehe Anlage 1 (https://ris.example.de/anlage1.pdf), https://ris.example.de, "
        "post@example.de und https://a.de."
    )


def test_escapes_and_entities_are_text() -> None:
    (a,) = bloecke_aus_markdown("1\\. Januar &amp; \\*nicht betont\\*")
    assert a == Absatz(text="1. Januar & *nicht betont*")


def test_html_comments_are_dropped() -> None:
    assert bloecke_aus_markdown("<!-- Notiz für die Verwaltung -->\n\nText") == (
        Absatz(text="Text"),
    )


def test_headings_of_every_level_become_zwischenueberschriften() -> None:
    assert bloecke_aus_markdown("# Eins\n\n### Drei\n\nText\n\nZwei\n---\n\nText") == (
        Zwischenueberschrift(text="Eins"),
        Zwischenueberschrift(text="Drei"),
        Absatz(text="Text"),
        Zwischenueberschrift(text="Zwei"),
        Absatz(text="Text"),
    )


def test_empty_text_has_no_blocks() -> None:
    assert bloecke_aus_markdown("") == ()
    assert bloecke_aus_markdown("\n\n  \n") == ()


def test_thematic_break_at_start_or_end_is_decoration() -> None:
    assert bloecke_aus_markdown("---\n\nText\n\n***") == (Absatz(text="Text"),)


# ------------------------------------------------------------------ CommonMark lists


def test_ordered_list_with_start() -> None:
    liste = einzige_liste(bloecke_aus_markdown("3. drei\n4. vier"))
    assert (liste.art, liste.beginn, texte(liste)) == (Listenart.ARABISCH, 3, ["drei", "vier"])
    assert all(p.bezeichnung is None for p in liste.punkte)


def test_bullet_list_whatever_the_character() -> None:
    liste = einzige_liste(bloecke_aus_markdown("- eins\n* zwei\n+ drei"))
    assert (liste.art, texte(liste)) == (Listenart.AUFZAEHLUNG, ["eins", "zwei", "drei"])


def test_nested_lists_and_paragraphs_inside_items() -> None:
    text = "1. Erstens:\n\n   Noch ein Absatz.\n\n   - a\n   - b\n2. Zweitens"
    liste = einzige_liste(bloecke_aus_markdown(text))
    erster = liste.punkte[0]
    assert erster.bloecke[:2] == (Absatz(text="Erstens:"), Absatz(text="Noch ein Absatz."))
    innen = erster.bloecke[2]
    assert isinstance(innen, Liste)
    assert (innen.art, texte(innen)) == (Listenart.AUFZAEHLUNG, ["a", "b"])


def test_irregular_numbers_are_kept_as_written() -> None:
    liste = einzige_liste(bloecke_aus_markdown("1. a\n2. b\n2. c\n4. d"))
    assert [p.bezeichnung for p in liste.punkte] == [None, None, "2.", None]
    assert marken(liste) == ["1.", "2.", "2.", "4."]


# ------------------------------------------------------------------ ratsdok's conventions


def test_lettered_list_after_an_introduction() -> None:
    bloecke = bloecke_aus_markdown("Der Kreistag beschließt:\na) das Konzept,\nb) die Mittel.")
    assert bloecke[0] == Absatz(text="Der Kreistag beschließt:")
    liste = einzige_liste(bloecke)
    assert (liste.art, liste.beginn) == (Listenart.BUCHSTABEN, 1)
    assert texte(liste) == ["das Konzept,", "die Mittel."]
    assert all(p.bezeichnung is None for p in liste.punkte)


@pytest.mark.parametrize(
    ("text", "art", "beginn", "gedruckt"),
    [
        ("a. eins\nb. zwei", Listenart.BUCHSTABEN, 1, ["a.", "b."]),
        ("(a) eins\n(b) zwei", Listenart.BUCHSTABEN, 1, ["(a)", "(b)"]),
        ("c) drei\nd) vier", Listenart.BUCHSTABEN, 3, ["c)", "d)"]),
        ("aa) eins\nbb) zwei", Listenart.BUCHSTABEN, 1, ["aa)", "bb)"]),
        ("A. eins\nB. zwei", Listenart.GROSSBUCHSTABEN, 1, ["A.", "B."]),
        ("A) eins\nB) zwei", Listenart.GROSSBUCHSTABEN, 1, ["A)", "B)"]),
        ("i. eins\nii. zwei\niii. drei", Listenart.ROEMISCH, 1, ["i.", "ii.", "iii."]),
        ("ii) zwei\niii) drei", Listenart.ROEMISCH, 2, ["ii)", "iii)"]),
        ("I. eins\nII. zwei", Listenart.ROEMISCH, 1, ["I.", "II."]),
        ("iv. vier\nv. fünf", Listenart.ROEMISCH, 4, ["iv.", "v."]),
        ("(1) eins\n(2) zwei", Listenart.ARABISCH, 1, ["(1)", "(2)"]),
        ("1.) eins\n2.) zwei", Listenart.ARABISCH, 1, ["1.)", "2.)"]),
        ("• eins\n· zwei\n– drei\n▪ vier", Listenart.AUFZAEHLUNG, 1, ["–"] * 4),
    ],
)
def test_markers_commonmark_lacks(
    text: str, art: Listenart, beginn: int, gedruckt: list[str]
) -> None:
    liste = einzige_liste(bloecke_aus_markdown(text))
    assert (liste.art, liste.beginn, marken(liste)) == (art, beginn, gedruckt)
    assert texte(liste)[0] in ("eins", "zwei", "drei", "vier")


def test_written_marker_is_kept_only_where_the_model_would_print_another() -> None:
    liste = einzige_liste(bloecke_aus_markdown("a) eins\nb. zwei\nc) drei"))
    assert [p.bezeichnung for p in liste.punkte] == [None, "b.", None]


@pytest.mark.parametrize(
    ("text", "art", "beginn"),
    [
        ("i. eins\nii. zwei", Listenart.ROEMISCH, 1),  # a run i., ii. is roman
        ("h) acht\ni) neun\nj) zehn", Listenart.BUCHSTABEN, 8),  # a run h), i), j): letters
        ("i) neun\nj) zehn", Listenart.BUCHSTABEN, 9),
        ("c) drei\nd) vier", Listenart.BUCHSTABEN, 3),  # c, d count on as letters, not 100, 500
        ("l. zwölf\nm. dreizehn", Listenart.BUCHSTABEN, 12),
        ("v. fünf\nvi. sechs", Listenart.ROEMISCH, 5),
        ("Der Rat beschließt:\ni. eins", Listenart.ROEMISCH, 1),  # alone, i. starts a list: 1
    ],
)
def test_letter_or_roman_is_decided_by_the_run(text: str, art: Listenart, beginn: int) -> None:
    liste = einzige_liste(bloecke_aus_markdown(text))
    assert (liste.art, liste.beginn) == (art, beginn)


def test_one_arabic_list_for_dot_and_parenthesis() -> None:
    (liste,) = bloecke_aus_markdown("1. eins\n2) zwei\n3.) drei\n4. vier")
    assert isinstance(liste, Liste)
    assert (liste.art, liste.beginn) == (Listenart.ARABISCH, 1)
    assert [p.bezeichnung for p in liste.punkte] == [None, "2)", "3.)", None]
    assert marken(liste) == ["1.", "2)", "3.)", "4."]


def test_a_change_of_kind_starts_a_new_list() -> None:
    bloecke = bloecke_aus_markdown("1. eins\n2. zwei\na) a\nb) b")
    assert [(b.art, b.beginn) for b in bloecke if isinstance(b, Liste)] == [
        (Listenart.ARABISCH, 1),
        (Listenart.BUCHSTABEN, 1),
    ]


@pytest.mark.parametrize(
    ("text", "gedruckt"),
    [
        ("1. eins\n1. zwei\n1. drei", ["1.", "2.", "3."]),
        ("a) eins\na) zwei", ["a)", "b)"]),
        ("1.) eins\n1.) zwei", ["1.)", "2.)"]),
        ("(i) eins\n(i) zwei", ["(i)", "(ii)"]),
    ],
)
def test_a_repeated_marker_counts_on_in_its_style(text: str, gedruckt: list[str]) -> None:
    assert marken(einzige_liste(bloecke_aus_markdown(text))) == gedruckt


def test_nesting_by_indentation() -> None:
    text = "1. Erstens:\n   a) eins\n   b) zwei\n2. Zweitens\n   - x"
    (liste,) = bloecke_aus_markdown(text)
    assert isinstance(liste, Liste)
    innen = liste.punkte[0].bloecke[1]
    assert isinstance(innen, Liste)
    assert (innen.art, texte(innen)) == (Listenart.BUCHSTABEN, ["eins", "zwei"])
    punkt2 = liste.punkte[1].bloecke[1]
    assert isinstance(punkt2, Liste)
    assert punkt2.art is Listenart.AUFZAEHLUNG


def test_a_marker_on_the_item_line_nests() -> None:
    (liste,) = bloecke_aus_markdown("1. a) eins\n   b) zwei\n2. drei")
    assert isinstance(liste, Liste)
    innen = liste.punkte[0].bloecke[0]
    assert isinstance(innen, Liste)
    assert (innen.art, texte(innen)) == (Listenart.BUCHSTABEN, ["eins", "zwei"])
    assert liste.punkte[1].bloecke == (Absatz(text="drei"),)


def test_tabs_and_runs_of_spaces_after_a_marker_are_one_space() -> None:
    liste = einzige_liste(bloecke_aus_markdown("a)\tTab\nb)\tTab"))
    assert texte(liste) == ["Tab", "Tab"]
    zweite = bloecke_aus_markdown("1.       Text\n2.       Text")
    assert texte(einzige_liste(zweite)) == ["Text", "Text"]


@pytest.mark.parametrize(
    "text",
    [
        "Mit freundlichen Grüßen\nA. Müller",  # a wrapped line, not a list
        "Die Kosten\n– wie im Vorjahr – bleiben.",
        "Die Kosten\n• bleiben.",
        "z. B. die Schulen und\nd. h. alle",  # abbreviations
        "i. V. Müller",
        "x. allein",  # one item that does not start a list
        "C. Meier",
        "ii. zwei allein",
        "Text\nb) weiter",  # a list not at its start cannot interrupt a paragraph
        "1. Punkt\n   c) drei\n   d) vier",
    ],
)
def test_text_that_only_looks_like_a_list_stays_text(text: str) -> None:
    bloecke = bloecke_aus_markdown(text)
    ausgabe = "\n".join(plain_lines(bloecke))
    assert not any(isinstance(b, Liste) for b in bloecke) or text.startswith("1. Punkt")
    # Nothing of it is lost or changed: the words come out as written.
    assert re.findall(r"\w+", ausgabe) == re.findall(r"\w+", text)


def test_after_a_colon_a_new_marker_may_interrupt() -> None:
    bloecke = bloecke_aus_markdown("Die Varianten sind:\n• eins\n• zwei")
    assert texte(einzige_liste(bloecke)) == ["eins", "zwei"]


def test_a_list_not_at_its_start_needs_a_blank_line() -> None:
    (liste,) = bloecke_aus_markdown("1. Punkt\n\n   c) drei\n   d) vier")
    assert isinstance(liste, Liste)
    innen = liste.punkte[0].bloecke[1]
    assert isinstance(innen, Liste)
    assert (innen.art, innen.beginn) == (Listenart.BUCHSTABEN, 3)


# ------------------------------------------------------------------ real Beschlusspunkte


def test_real_nested_numbers_and_letters_kt_2014_16() -> None:
    text = auszug("landkreis-goeppingen-kt-2014-16.md", "1. Der Kreistag weist", "2. Der Kreistag")
    (liste,) = bloecke_aus_markdown(text)
    assert isinstance(liste, Liste)
    assert (liste.art, len(liste.punkte)) == (Listenart.ARABISCH, 2)
    innen = liste.punkte[0].bloecke[1]
    assert isinstance(innen, Liste)
    assert (innen.art, marken(innen)) == (Listenart.BUCHSTABEN, ["a.", "b.", "c."])
    assert texte(innen)[2] == (
        "Die Geschäftsführung und der Aufsichtsrat werden für das Geschäfts- jahr 2013 entlastet."
    )
    assert texte(liste)[1].startswith("Der Kreistag stimmt der überplanmäßigen Ausgabe")


def test_real_collapsed_numbering_hagen() -> None:
    text = auszug("hagen-0456-2010.md", "  1. Der Bericht", "2. Sparpaket einzuarbeiten.")
    liste = einzige_liste(bloecke_aus_markdown(text))
    assert marken(liste) == ["1.", "2.", "3."]
    assert texte(liste)[2].startswith("Die Verwaltung wird beauftragt")


def test_real_middle_dot_bullets_in_a_running_sentence_hagen() -> None:
    text = auszug("hagen-0456-2010.md", "Mit dem Ratsbeschluss vom 17.12.09", "zu überprüfen")
    bloecke = bloecke_aus_markdown(text)
    assert [type(b) for b in bloecke] == [Absatz, Liste, Absatz]
    liste = einzige_liste(bloecke)
    assert liste.art is Listenart.AUFZAEHLUNG
    assert texte(liste) == [
        "Steigerung von Effizienz und Effektivität (“intelligentes Sparen“)",
        "mögliche Trägerwechsel zur Schnittstellenoptimierung",
        "(teilweise) Einstellung von Leistungen",
    ]
    assert bloecke[2] == Absatz(text="zu überprüfen. …")


def test_real_dash_list_continuing_a_sentence_aachen() -> None:
    text = auszug("aachen-fb-45-0484-wp17.md", "Die Bezirksvertretung Aachen-Mitte", "110.328 €")
    bloecke = bloecke_aus_markdown(text)
    assert isinstance(bloecke[0], Absatz)
    assert bloecke[0].text.endswith("empfiehlt dem Kinder- und Jugendausschuss")
    liste = einzige_liste(bloecke)
    assert liste.art is Listenart.AUFZAEHLUNG
    assert len(liste.punkte) == 4
    assert texte(liste)[1].startswith("die Verwaltung zu beauftragen")


@pytest.mark.parametrize(
    ("datei", "von", "bis", "anzahl"),
    [
        ("bamberg-vo-2020-3230-r1.md", "  • CSU – BA", "BBB / BM bzw. BBB", 5),
        (
            "friedberg-hessen-ktonr-33972-haushalt-2020.md",
            "  • Stellenplan",
            "Haushaltssatzung.",
            4,
        ),
        ("erlangen-242-096-2015-1.md", "Der abgeschlossene Vorentwurf", "Entscheidungsalter", 2),
    ],
)
def test_real_bullet_characters(datei: str, von: str, bis: str, anzahl: int) -> None:
    liste = einzige_liste(bloecke_aus_markdown(auszug(datei, von, bis)))
    assert (liste.art, len(liste.punkte)) == (Listenart.AUFZAEHLUNG, anzahl)


@pytest.mark.parametrize(
    ("datei", "von", "bis", "anzahl"),
    [
        # Word exports: a run of spaces after the marker (CommonMark: a code block).
        ("leverkusen-2067-2013.md", "1.      Der Fortschreibung", "6.      Der Finanzaus", 6),
        ("ostalbkreis-175-2010.md", "1.              Der Kreistag", "3.              Der", 3),
        ("erlangen-20-044-2023.md", "1.       Der Sachbericht", "3.       Der FDP-Antrag", 3),
        ("stuttgart-grdrs-192-2017.md", "1. Der Evaluierungsbericht", "5. Die weiteren", 5),
        ("magdeburg-f0071-20.md", "Ich möchte gerne wissen:", "3. Gibt es", 3),
        ("hilden-wp-04-09-sv-20-007.md", "„Der Rat der Stadt Hilden", "6. das Rechnungs", 6),
    ],
)
def test_real_numbered_beschlusspunkte(datei: str, von: str, bis: str, anzahl: int) -> None:
    bloecke = bloecke_aus_markdown(auszug(datei, von, bis))
    liste = einzige_liste(bloecke)
    assert (liste.art, liste.beginn, len(liste.punkte)) == (Listenart.ARABISCH, 1, anzahl)
    assert all(p.bezeichnung is None for p in liste.punkte)
    assert not texte(liste)[0].startswith(" ")


def test_real_table_inside_an_item_luebeck() -> None:
    text = auszug("luebeck-vo-2022-11299.md", "1. Der Haushaltsplan 2023", "wird beschlossen.")
    # As printed, the table stands at the left margin, so CommonMark ends the item there.
    verbatim = bloecke_aus_markdown(text)
    assert [type(b) for b in verbatim] == [Liste, Tabelle, Absatz]
    # Indented to the item's text, the table and the end of the sentence belong to it.
    eingerueckt = "\n".join(
        ("   " + z if z and not z.startswith("1.") else z) for z in text.splitlines()
    )
    (liste,) = bloecke_aus_markdown(eingerueckt)
    assert isinstance(liste, Liste)
    assert [type(b) for b in liste.punkte[0].bloecke] == [Absatz, Tabelle, Absatz]


def test_real_finance_table_rostock() -> None:
    text = auszug("rostock-2012-bv-3395.md", "1.      Die Zustimmung", "42102.74190020")
    bloecke = bloecke_aus_markdown(text)
    liste = bloecke[0]
    assert isinstance(liste, Liste)
    assert texte(liste)[0].startswith("Die Zustimmung zur überplanmäßigen Bewilligung")
    # "- in EUR -" at the start of a line is a list item, as in any CommonMark.
    assert bloecke[1] == Absatz(text="Teilhaushalt   40 Amt für Schule und Sport")
    assert isinstance(bloecke[2], Liste)
    tabelle = bloecke[3]
    assert isinstance(tabelle, Tabelle)
    assert tabelle.kopf == (("Produktkonto", "Bezeichnung-Konto", "EH", "FH"),)
    assert tabelle.zeilen[0] == (
        "42102.54190020",
        "Aufwendungen für Zuschüsse an Verbände und Vereine",
        "750.000",
        "",
    )
    links, rechts = Ausrichtung.LINKS, Ausrichtung.RECHTS
    assert tabelle.spalten == (links, links, rechts, rechts)
    escaped = bloecke_aus_markdown(text.replace("- in EUR -", "\\- in EUR -"))
    assert escaped[1] == Absatz(text="Teilhaushalt   40 Amt für Schule und Sport - in EUR -")


# ------------------------------------------------------------------ tables


def test_table_header_alignment_and_empty_cells() -> None:
    text = (
        "| Konto | Bezeichnung | Betrag | Mitte |\n|:--|---|--:|:-:|\n"
        "| 1 | a | 5 | x |\n| 2 | | | |"
    )
    (t,) = bloecke_aus_markdown(text)
    assert t == Tabelle(
        kopf=[["Konto", "Bezeichnung", "Betrag", "Mitte"]],
        zeilen=[["1", "a", "5", "x"], ["2", "", "", ""]],
        spalten=[Ausrichtung.LINKS, Ausrichtung.LINKS, Ausrichtung.RECHTS, Ausrichtung.ZENTRIERT],
    )


@pytest.mark.parametrize(
    "zahl",
    ["1.234,50 €", "12 %", "-3", "+ 2,05", "750.000", "600.000,- €", "2013", "0,5", "10 T€"],
)
def test_columns_of_numbers_and_amounts_are_right_aligned(zahl: str) -> None:
    (t,) = bloecke_aus_markdown(f"| Text | Wert |\n|---|---|\n| a | {zahl} |\n| b | |")
    assert isinstance(t, Tabelle)
    assert t.spalten == (Ausrichtung.LINKS, Ausrichtung.RECHTS)


@pytest.mark.parametrize("wert", ["42102.54190020", "1.5", "30.000 – 40.000 €", "(4 - 1)", "ja"])
def test_columns_with_other_values_stay_left(wert: str) -> None:
    (t,) = bloecke_aus_markdown(f"| Text | Wert |\n|---|---|\n| a | {wert} |\n| b | 12 |")
    assert isinstance(t, Tabelle)
    assert t.spalten == ()


def test_table_with_an_empty_header_has_no_kopf() -> None:
    (t,) = bloecke_aus_markdown("| | |\n|---|---|\n| Vorlage | 0041/2021 |")
    assert t == Tabelle(zeilen=[["Vorlage", "0041/2021"]])


# ------------------------------------------------------------------ reported constructs


@pytest.mark.parametrize(
    ("text", "zeile", "wort"),
    [
        ("Text\n\n> Der Antrag lautet: …", 3, "block quotes"),
        ("Text\n\n```\ncode\n```", 3, "fenced code"),
        ("Text\n\n    eingerückt", 3, "code blocks"),
        ("Text\n\n<div>x</div>", 3, "raw HTML"),
        ("Text <b>fett</b>", 1, "inline HTML"),
        ("Text\nzwei ![Lageplan](plan.png)", 2, "images"),
        ("Text[^1]\n\n[^1]: Fußnote", 3, "footnotes"),
        ("Text [^1] ohne Definition", 1, "footnotes"),
        ("Eins\n\n---\n\nZwei", 3, "thematic break"),
        ("| a | b |\n|---|---|", 1, "at least one row"),
        ("| a | b |\n|---|---|\n| 1 | 2 |\n| 1 | 2 | 3 |", 4, "3 cells"),
        ("Text\n\n1.\n2. zwei", 3, "list item without text"),
        ("#\n\nText", 1, "heading without text"),
        ("100001. zu weit", 1, "less than or equal to 100000"),
    ],
)
def test_unsupported_constructs_are_reported_with_their_line(
    text: str, zeile: int, wort: str
) -> None:
    problems = fehler(text)
    assert [p for p in problems if wort in p[1]] != [], problems
    assert zeile in [z for z, m in problems if wort in m]


def test_every_problem_is_reported_at_once_with_file_and_offset() -> None:
    with pytest.raises(InvalidDocumentError) as exc:
        bloecke_aus_markdown("> Zitat\n\nText\n\n![x](y.png)", source="v.md", erste_zeile=20)
    assert [(p.file, p.line) for p in exc.value.problems] == [("v.md", 20), ("v.md", 24)]
    assert str(exc.value.problems[0]).startswith("v.md:20: block quotes")


def test_problems_inside_lists_name_their_line() -> None:
    assert fehler("1. eins\n2. zwei\n\n   > Zitat\n3. drei") == [
        (4, fehler("> Zitat")[0][1]),
    ]


def test_too_deep_nesting_is_reported() -> None:
    text = "\n".join("  " * i + "- x" for i in range(9))
    assert any("nested deeper" in m for _, m in fehler(text))


# ------------------------------------------------------------------ Abschnitt.aus_markdown


def test_abschnitt_aus_markdown() -> None:
    a = Abschnitt.aus_markdown(
        "Der Kreistag beschließt:\n\n1. das Konzept,\n2. die Mittel.",
        art=Abschnittsart.BESCHLUSSVORSCHLAG,
        bezeichnung="I.",
    )
    assert (a.art, a.bezeichnung, a.ueberschrift) == (Abschnittsart.BESCHLUSSVORSCHLAG, "I.", None)
    assert a.absaetze == ("Der Kreistag beschließt:", "1. das Konzept,\n2. die Mittel.")
    b = Abschnitt.aus_markdown("Text", art="sonstiges", ueberschrift="Anmerkung")
    assert (b.art, b.titel, b.bloecke) == (
        Abschnittsart.SONSTIGES,
        "Anmerkung",
        (Absatz(text="Text"),),
    )


def test_abschnitt_aus_markdown_reports_errors() -> None:
    with pytest.raises(InvalidDocumentError, match=r"x\.md:3: block quotes"):
        Abschnitt.aus_markdown("Text\n\n> Zitat", art="sachverhalt", source="x.md")
    with pytest.raises(InvalidDocumentError, match="needs content"):
        Abschnitt.aus_markdown("\n", art="sachverhalt")
    with pytest.raises(InvalidDocumentError, match="art: Input should be"):
        Abschnitt.aus_markdown("Text", art="kapitel")


def test_the_blocks_survive_the_xml() -> None:
    text = auszug("landkreis-goeppingen-kt-2014-16.md", "1. Der Kreistag weist", "2. Der Kreistag")
    a = Abschnitt.aus_markdown(text, art="beschlussvorschlag")
    v = ratsdok.Vorlage(nummer="KT 2014/16", betreff="Jahresabschluss 2013", abschnitte=[a])
    assert ratsdok.from_xml(ratsdok.to_xml(v)) == v


# ------------------------------------------------------------------ properties


def als_markdown(liste: Liste, einzug: str = "") -> list[str]:
    """*liste* written as Markdown (the test's own small renderer): each item's marker as
    the model prints it, nested lists below a blank line, indented to the item's text."""
    zeilen = []
    for i, p in enumerate(liste.punkte):
        marke = liste.marke(i)
        erster = p.bloecke[0]
        assert isinstance(erster, Absatz)
        zeilen.append(f"{einzug}{marke} {erster.text}")
        for b in p.bloecke[1:]:
            assert isinstance(b, Liste)
            zeilen.append("")
            zeilen.extend(als_markdown(b, einzug + " " * (len(marke) + 1)))
    return zeilen


WORT = st.text(alphabet="abcdefghklmnopqrstuwyzäöüß", min_size=3, max_size=9)
TEXT = st.lists(WORT, min_size=1, max_size=4).map(" ".join)


@st.composite
def listen(draw: st.DrawFn, tiefe: int = 2) -> Liste:
    art = draw(st.sampled_from(list(Listenart)))
    n = draw(st.integers(1, 4))
    if art is Listenart.AUFZAEHLUNG or (n == 1 and art is not Listenart.ARABISCH):
        beginn = 1  # one item "c)" alone is text, not a list (documented)
    elif art is Listenart.ARABISCH:
        beginn = draw(st.integers(0, 120))
    elif art is Listenart.ROEMISCH:
        beginn = draw(st.integers(1, 40))
    else:
        beginn = draw(st.integers(1, 27 - n))
    punkte = []
    for _ in range(n):
        bloecke: list[Block] = [Absatz(text=draw(TEXT))]
        if tiefe > 0 and draw(st.booleans()):
            bloecke.append(draw(listen(tiefe - 1)))
        punkte.append(Listenpunkt(bloecke=bloecke))
    return Liste(art=art, beginn=beginn, punkte=punkte)


@settings(max_examples=150, deadline=None)
@given(listen())
def test_a_list_written_as_markdown_reads_back_the_same(liste: Liste) -> None:
    assert bloecke_aus_markdown("\n".join(als_markdown(liste))) == (liste,)


TOKEN = st.sampled_from(
    ["Kreistag", "beschließt:", "Haushalt", "Mittel", "wird", "und", "a)", "b)", "c.", "1.",
     "2)", "1.)", "(a)", "i.", "ii.", "A.", "z.", "B.", "•", "–", "·", "3.", "x."]
)  # fmt: skip
WOERTER = st.sampled_from(["Kreistag", "beschließt:", "Haushalt", "Mittel", "wird"])
ZEILE = st.tuples(
    st.sampled_from(["", " ", "  ", "   "]), st.lists(TOKEN, max_size=5), WOERTER
).map(lambda t: t[0] + " ".join([*t[1], t[2]]))


_STIL = re.compile(r"(\(?)(?:(\d+)|([a-z]+)|([A-Z]+))(\.\)|[.)])")


def stil(token: str) -> str:
    """A token, with a list marker reduced to its style: "b)" → "a)", "(iii)" → "(a)",
    "12." → "9."; bullets → "•". (Counting on a repeated marker keeps the style; a
    marker rewritten into the text would not.)"""
    if token in "-*+•·▪◦‣–":
        return "•"
    m = _STIL.fullmatch(token)
    if m is None:
        return token
    art = "9" if m[2] else "a" if m[3] else "A"
    return m[1] + art + m[5]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(ZEILE, st.sampled_from(["\n", "\n\n"])), min_size=1, max_size=10))
def test_marker_conventions_never_lose_or_change_text(zeilen: list[tuple[str, str]]) -> None:
    text = "".join(z + sep for z, sep in zeilen)
    ausgabe = "\n".join(plain_lines(bloecke_aus_markdown(text)))
    assert [stil(t) for t in ausgabe.split()] == [stil(t) for t in text.split()]
