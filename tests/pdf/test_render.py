"""Rendering a Vorlage as PDF: content, fonts, pagination, determinism."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import ratsdok
from ratsdok.cli import main
from ratsdok.model.finanzen import euro
from ratsdok.pdf.render import render_pdf, stichtag, vermerk
from tests.conftest import EXAMPLE_XML, require_tool
from tests.factories import (
    UMLAUTS,
    all_fonts_embedded,
    anlage,
    example_digests,
    make_ca,
    pdf_dates,
    pdffonts_rows,
    pdftotext,
    signed_by,
    struct_cells,
    vorlage,
    vorlagen,
    word_boxes,
    write_ca,
)
from tests.vorlage11 import (
    ERWARTET,
    GRUND,
    RECHTSGRUNDLAGE,
    flach,
    reiche_vorlage,
    seitentexte,
    woerter,
)


def _write(tmp_path: Path, data: bytes, name: str = "v.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_example_text_and_layout(example: ratsdok.Vorlage, tmp_path: Path) -> None:
    text = pdftotext(_write(tmp_path, render_pdf(example)))
    for expected in (
        "Wartburgkreis",
        "Beschlussvorlage",
        "KT 0134/2020",
        "Beratungsfolge",
        "Kreisausschuss",
        "25.05.2020",
        "Entscheidung",
        "I. Beschlussvorschlag",
        "II. Begründung",
        "gez. Krebs",
        "Landrat",
        "gez. Rosenstengel",
        "Anlage 1 – Integrationskonzept",
        "Seite 1 von 1",
    ):
        assert expected in text, expected


def test_signatures_stay_on_the_page_of_the_text_they_close(tmp_path: Path) -> None:
    # The seed's "gez." blocks stood alone on page 2 under ReportLab (issue #11).
    long = "Die Verwaltung empfiehlt die Annahme der Vorlage nach eingehender Prüfung. " * 9
    for n in range(8, 16):
        v = vorlage(
            abschnitte=[
                ratsdok.Abschnitt(art=ratsdok.Abschnittsart.BEGRUENDUNG, absaetze=[long] * n)
            ]
        )
        path = _write(tmp_path, render_pdf(v))
        pages = seitentexte(path, _pages(path))
        last = pages[-1]
        assert "gez. Krebs" in last
        # the page holding the signatures also holds text of the Begründung
        assert "Die Verwaltung empfiehlt" in last, (n, last)


def test_special_characters_come_back_exactly(tmp_path: Path) -> None:
    v = vorlage(
        betreff="Kurz",
        abschnitte=[ratsdok.Abschnitt(art=ratsdok.Abschnittsart.BEGRUENDUNG, absaetze=[UMLAUTS])],
    )
    text = pdftotext(_write(tmp_path, render_pdf(v)))
    assert UMLAUTS in " ".join(text.split())
    for ch in "ÄÖÜäöüß„“–§€":
        assert ch in text


def test_signature_positions(example: ratsdok.Vorlage, tmp_path: Path) -> None:
    tool = require_tool("pdftotext")
    path = _write(tmp_path, render_pdf(example))
    html = subprocess.run(
        [tool, "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    words: dict[str, tuple[float, float]] = {}
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]+)</word>', html):
        words.setdefault(m.group(3), (float(m.group(1)), float(m.group(2))))
    krebs, rosen, landrat = words["Krebs"], words["Rosenstengel"], words["Landrat"]
    assert abs(krebs[1] - rosen[1]) < 1  # same line
    assert rosen[0] > krebs[0] + 100  # next column
    assert landrat[1] > krebs[1] and abs(landrat[0] - words["gez."][0]) < 1  # below, aligned


def test_fonts_embedded_never_helvetica(example: ratsdok.Vorlage, tmp_path: Path) -> None:
    path = _write(tmp_path, render_pdf(example))
    assert all_fonts_embedded(path)
    names = [r[0] for r in pdffonts_rows(path)]
    assert all("DejaVuSans" in n for n in names), names
    assert b"Helvetica" not in path.read_bytes()


def test_deterministic(example: ratsdok.Vorlage) -> None:
    assert render_pdf(example) == render_pdf(example)
    changed = example.model_copy(update={"betreff": example.betreff + " (neu)"})
    assert render_pdf(changed) != render_pdf(example)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, date(2021, 3, 4)),  # the Vorlage's date
        ({"datum": None}, date(2021, 3, 30)),  # else the last Sitzungstermin
        ({"datum": None, "beratungsfolge": []}, date(2021, 1, 1)),  # else the year
    ],
)
def test_dates_are_the_stichtag(changes: dict[str, object], expected: date) -> None:
    v = vorlage(**changes)
    assert stichtag(v) == expected
    dates = pdf_dates(render_pdf(v))
    assert set(dates) == {"/CreationDate", "/ModDate", "xmp:CreateDate", "xmp:ModifyDate"}
    assert set(dates.values()) == {expected}


@pytest.mark.parametrize(
    ("nummer", "expected"),
    [
        ("0041/2021", date(2021, 1, 1)),  # running number 41 of 2021, not the year 41
        ("DS 19/1234", date(2000, 1, 1)),  # Wahlperiode 19: no year, the fixed default
        ("2020/2021", date(2000, 1, 1)),  # either could be the year: none is guessed
    ],
)
def test_stichtag_never_uses_a_guessed_year(nummer: str, expected: date) -> None:
    v = vorlage(nummer=nummer, datum=None, beratungsfolge=[])
    assert stichtag(v) == expected
    assert set(pdf_dates(render_pdf(v)).values()) == {expected}


def test_anlage_titled_with_its_number_is_listed_once(tmp_path: Path) -> None:
    # issue #10: "Anlage 2: Lageplan" was listed as "Anlage 2 – Anlage 2: Lageplan"
    v = vorlage(
        anlagen=[
            anlage(1, "uebersicht.pdf", titel="Übersicht"),
            anlage(2, "lageplan.pdf", titel="Anlage 2: Lageplan"),
            anlage(3, "kosten.pdf", titel="Anlage 4 zum Vertrag"),  # another number: a title
        ]
    )
    text = " ".join(pdftotext(_write(tmp_path, render_pdf(v))).split())
    assert "Anlage 1 – Übersicht (uebersicht.pdf)" in text
    assert "Anlage 2: Lageplan (lageplan.pdf)" in text
    assert "Anlage 3 – Anlage 4 zum Vertrag (kosten.pdf)" in text
    assert "Anlage 2 – Anlage 2" not in text


def test_example_dates_match_the_bundle(example: ratsdok.Vorlage) -> None:
    # no <datum>: the last Sitzungstermin, as in the bundle and the archive PDF
    assert set(pdf_dates(render_pdf(example)).values()) == {date(2020, 5, 26)}


def test_deterministic_across_processes(example: ratsdok.Vorlage) -> None:
    digests = example_digests("from ratsdok.pdf.render import render_pdf", "render_pdf(v)")
    assert digests == {hashlib.sha256(render_pdf(example)).hexdigest()}


def test_long_document_paginates(tmp_path: Path) -> None:
    start = date(2021, 1, 1)
    beratungen = [
        ratsdok.Beratung(
            gremium=f"Ausschuss Nr. {i} für Bau, Umwelt und Straßenverkehr",
            sitzungstermin=start + timedelta(days=i),
            sitzungsart=ratsdok.Sitzungsart.NICHTOEFFENTLICH,
            zustaendigkeit=ratsdok.Zustaendigkeit.VORBERATUNG,
        )
        for i in range(59)
    ] + [
        ratsdok.Beratung(
            gremium="Kreistag",
            sitzungstermin=start + timedelta(days=100),
            zustaendigkeit=ratsdok.Zustaendigkeit.ENTSCHEIDUNG,
        )
    ]
    absatz = (
        "Die Verwaltung hat die Maßnahme geprüft und empfiehlt – nach Abwägung aller "
        "Belange gemäß § 5 – die Umsetzung; die Kosten von rund 1.000 € je Monat sind "
        "im Haushalt veranschlagt. "
    ) * 5
    v = vorlage(
        beratungsfolge=beratungen,
        abschnitte=[
            ratsdok.Abschnitt(
                art=ratsdok.Abschnittsart.BEGRUENDUNG,
                absaetze=[f"{i}. {absatz}" for i in range(1, 161)],
            )
        ],
    )
    path = _write(tmp_path, render_pdf(v))
    info = subprocess.run(
        [require_tool("pdfinfo"), str(path)], check=True, capture_output=True, text=True
    ).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert pages >= 40
    text = pdftotext(path)
    page_texts = text.split("\f")
    assert f"Seite {pages} von {pages}" in page_texts[pages - 1]
    # the table header repeats on every page the Beratungsfolge spans
    with_table = [t for t in page_texts if "Ausschuss Nr." in t]
    assert len(with_table) >= 2
    assert all("Sitzungstermin" in t and "Zuständigkeit" in t for t in with_table)
    assert "Ausschuss Nr. 58 für Bau" in text
    assert "160. Die Verwaltung" in " ".join(text.split())
    assert all_fonts_embedded(path)


def test_cli_render(tmp_path: Path) -> None:
    out = tmp_path / "vorlage.pdf"
    assert main(["render", str(EXAMPLE_XML), "-o", str(out)]) == 0
    assert out.read_bytes() == render_pdf(ratsdok.load(EXAMPLE_XML))


def test_cli_render_bad_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "missing-folder" / "vorlage.pdf"
    assert main(["render", str(EXAMPLE_XML), "-o", str(out)]) == 1
    assert "missing-folder" in capsys.readouterr().err
    assert not out.parent.exists()


def test_shipped_font_and_profile_with_licences() -> None:
    from importlib.resources import files

    base = files("ratsdok.pdf")
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        assert base.joinpath("fonts", name).read_bytes()[:4] == b"\x00\x01\x00\x00"
    assert "Bitstream Vera" in base.joinpath("fonts", "LICENSE-DejaVu.txt").read_text("utf-8")
    icc = base.joinpath("icc", "sRGB.icc").read_bytes()
    assert icc[36:40] == b"acsp" and icc[16:20] == b"RGB "
    assert "zlib" in base.joinpath("icc", "LICENSE-sRGB.txt").read_text("utf-8")


def test_signed_blocks_show_signed_and_the_pruefwert_that_verify_reports(
    example_copy: Path, tmp_path: Path
) -> None:
    from ratsdok import verify
    from ratsdok.integrity.verify import signature_marks

    signed = signed_by(example_copy.read_bytes(), 1)
    example_copy.write_bytes(signed)
    ca = write_ca(tmp_path)
    marks = signature_marks(example_copy.read_bytes(), trust=[ca])
    pruefwert = verify(example_copy).pruefwert
    assert marks == {1: pruefwert}
    assert len(pruefwert.replace(" ", "")) == 16

    out = tmp_path / "signed.pdf"
    assert main(["render", str(example_copy), "-o", str(out), "--trust", str(ca)]) == 0
    text = pdftotext(out)
    assert text.count("elektronisch signiert") == 1
    assert f"Prüfwert {pruefwert}" in text
    # The mark sits under the signed block (Krebs), not under the unsigned one.
    assert text.index("Krebs") < text.index("elektronisch signiert")

    plain = tmp_path / "plain.pdf"
    v = ratsdok.load(example_copy)
    plain.write_bytes(render_pdf(v))
    assert "elektronisch signiert" not in pdftotext(plain)


# --- format 1.1: no text is lost, nichtöffentlich on every page (issue #10) ----------


def _pages(path: Path) -> int:
    info = subprocess.run(
        [require_tool("pdfinfo"), str(path)], check=True, capture_output=True, text=True
    ).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


def test_every_word_of_a_rich_11_vorlage_is_in_the_pdf(tmp_path: Path) -> None:
    v = reiche_vorlage()
    data = render_pdf(v)
    text = flach(pdftotext(_write(tmp_path, data)))
    # pdftotext reads a table row line by line across its cells; the tags hold each
    # cell whole, as a screen reader reads it.
    cells = [t for _, t in struct_cells(data)]
    missing = [p for p in ERWARTET if p not in text and not any(p in c for c in cells)]
    assert missing == []
    words = set(text.split())
    assert [w for w in woerter(v) if w not in words] == []


def test_nichtoeffentlich_is_marked_on_every_page(tmp_path: Path) -> None:
    path = _write(tmp_path, render_pdf(reiche_vorlage()))
    pages = _pages(path)
    assert pages >= 3
    texts = seitentexte(path, pages)
    assert all(t.count(f"NICHTÖFFENTLICH – {RECHTSGRUNDLAGE}") == 1 for t in texts), texts
    assert f"Grund: {GRUND}" in " ".join(texts[0].split())


@pytest.mark.parametrize(
    ("oeffentlichkeit", "mark"),
    [
        (None, None),
        (ratsdok.Oeffentlichkeit(oeffentlich=True), None),
        (ratsdok.Oeffentlichkeit(oeffentlich=False), "NICHTÖFFENTLICH"),
        (ratsdok.Oeffentlichkeit(oeffentlich=False, grund=GRUND), "NICHTÖFFENTLICH"),
    ],
)
def test_only_a_nichtoeffentliche_vorlage_is_marked(
    tmp_path: Path, oeffentlichkeit: ratsdok.Oeffentlichkeit | None, mark: str | None
) -> None:
    v = vorlage(oeffentlichkeit=oeffentlichkeit)
    assert vermerk(v) == mark
    text = pdftotext(_write(tmp_path, render_pdf(v)))
    assert ("NICHTÖFFENTLICH" in text) is (mark is not None)


def test_the_archive_pdf_is_marked_too(tmp_path: Path) -> None:
    from ratsdok.interop.xdomea import render_pdfa

    path = _write(tmp_path, render_pdfa(reiche_vorlage()))
    pages = _pages(path)
    assert all("NICHTÖFFENTLICH" in t for t in seitentexte(path, pages))


def test_list_markers_hang_and_nested_lists_are_indented(tmp_path: Path) -> None:
    html = subprocess.run(
        [
            require_tool("pdftotext"),
            "-bbox",
            str(_write(tmp_path, render_pdf(reiche_vorlage()))),
            "-",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    x: dict[str, float] = {}
    for m in re.finditer(r'<word xMin="([\d.]+)"[^>]*>([^<]+)</word>', html):
        x.setdefault(m.group(2), float(m.group(1)))
    # "1." and "2a." in one column, the text further right; "a)" under the text of "2."
    assert abs(x["1."] - x["2a."]) < 1
    assert x["Das"] > x["1."] + 5
    assert abs(x["a)"] - x["Das"]) < 1  # a nested marker stands where its item's text does
    assert x["für"] > x["a)"] + 5


def test_table_header_cells_are_tagged_and_columns_aligned(tmp_path: Path) -> None:
    t = ratsdok.Tabelle(
        beschriftung="Gebote",
        spalten=(ratsdok.Ausrichtung.LINKS, ratsdok.Ausrichtung.RECHTS),
        kopf=(("Bieterin", "Gebot"),),
        zeilen=(("Alpha", "1,00"), ("Beta", "1.234.567,00")),
    )
    v = vorlage(
        beratungsfolge=[],
        abschnitte=[ratsdok.Abschnitt(art=ratsdok.Abschnittsart.SONSTIGES, bloecke=[t])],
    )
    data = render_pdf(v)
    cells = struct_cells(data)
    assert [c for c in cells if c[0] == "/TH"] == [("/TH", "Bieterin"), ("/TH", "Gebot")]
    assert ("/TD", "Alpha") in cells and ("/TD", "1.234.567,00") in cells
    boxes = word_boxes(_write(tmp_path, data))
    # right-aligned: the amounts end where the header "Gebot" ends
    right = [boxes[w][2] for w in ("Gebot", "1,00", "1.234.567,00")]
    assert max(right) - min(right) < 1
    assert abs(boxes["Alpha"][0] - boxes["Bieterin"][0]) < 1


@pytest.mark.parametrize(
    ("gliederung", "expected"),
    [
        (None, ["I. Beschlussvorschlag", "II. Begründung"]),
        (ratsdok.Gliederung.ARABISCH, ["1. Beschlussvorschlag", "2. Begründung"]),
        (ratsdok.Gliederung.BUCHSTABEN, ["A. Beschlussvorschlag", "B. Begründung"]),
    ],
)
def test_sections_are_labelled_by_the_gliederung(
    tmp_path: Path, gliederung: ratsdok.Gliederung | None, expected: list[str]
) -> None:
    text = pdftotext(_write(tmp_path, render_pdf(vorlage(gliederung=gliederung))))
    assert all(e in text for e in expected)


def test_sections_without_label(tmp_path: Path) -> None:
    v = vorlage(gliederung=ratsdok.Gliederung.KEINE)
    lines = pdftotext(_write(tmp_path, render_pdf(v))).splitlines()
    assert "Beschlussvorschlag" in lines and "Begründung" in lines
    assert not any(line.startswith("I. ") for line in lines)


def test_keine_finanziellen_auswirkungen(tmp_path: Path) -> None:
    v = vorlage(finanzen=ratsdok.Finanzen(auswirkungen=False, erlaeuterung="Kostenneutral."))
    text = flach(pdftotext(_write(tmp_path, render_pdf(v))))
    assert "Finanzielle Auswirkungen Keine finanziellen Auswirkungen. Kostenneutral." in text


@pytest.mark.parametrize(
    ("betrag", "text"),
    [
        ("0", "0,00 €"),
        ("1234.5", "1.234,50 €"),
        ("-80", "-80,00 €"),
        ("1000000", "1.000.000,00 €"),
        ("999999999999999.99", "999.999.999.999.999,99 €"),
    ],
)
def test_amounts_in_german_format(betrag: str, text: str) -> None:
    assert euro(Decimal(betrag)) == text


def test_anlagen_without_file_keep_hinweis_and_verweis(tmp_path: Path) -> None:
    v = vorlage(
        anlagen=[
            ratsdok.Anlage(
                nummer=1,
                titel="Plan",
                oeffentlich=True,
                hinweis="liegt aus",
                verweis="https://example.org/plan",
            )
        ]
    )
    text = flach(pdftotext(_write(tmp_path, render_pdf(v))))
    assert "Anlage 1 – Plan (liegt aus, https://example.org/plan)" in text


def test_format_10_values_are_printed_too(tmp_path: Path) -> None:
    # issue #10: TOP, Ergebnis, Beschluss text, Bezüge and the Kennung were not printed
    v = vorlage(
        federfuehrung=ratsdok.Organisationseinheit(name="Bauamt", kennung="61"),
        beratungsfolge=[
            ratsdok.Beratung(
                gremium="Kreistag",
                tagesordnungspunkt="TOP 4.1",
                ergebnis=ratsdok.Ergebnis(
                    beschlussergebnis=ratsdok.Beschlussergebnis.BESCHLOSSEN,
                    abstimmung=ratsdok.Abstimmung(ja=30, nein=2, enthaltung=1),
                    beschlusstext="Wie vorgeschlagen.",
                ),
            )
        ],
        bezuege=[ratsdok.Bezug(art=ratsdok.Bezugsart.ERGAENZT, nummer="KT 0100/2021")],
    )
    text = flach(pdftotext(_write(tmp_path, render_pdf(v))))
    for expected in (
        "Bauamt (61)",
        "TOP 4.1",
        "Ergebnis: beschlossen",
        "Ja 30, Nein 2, Enthaltung 1",
        "Beschluss: Wie vorgeschlagen.",
        "ergänzt KT 0100/2021",
    ):
        assert expected in text, expected


def _deep(tiefe: int) -> ratsdok.Liste:
    inner: ratsdok.Listenpunkt | str = "innen"
    liste = ratsdok.Liste(art=ratsdok.Listenart.ROEMISCH, beginn=3888, punkte=[inner])
    for _ in range(tiefe - 1):
        punkt = ratsdok.Listenpunkt(bloecke=["außen", liste])
        liste = ratsdok.Liste(art=ratsdok.Listenart.ROEMISCH, beginn=3888, punkte=[punkt])
    return liste


@pytest.mark.parametrize(
    "block",
    [
        ratsdok.Tabelle(zeilen=(("Wort " * 3000, "x"),)),  # a cell taller than a page
        ratsdok.Liste(punkte=["Wort " * 3000]),
        _deep(8),  # eight levels, each marker "mmmdccclxxxviii."
        ratsdok.Tabelle(zeilen=(tuple("Donaudampfschifffahrtsgesellschaft" for _ in range(20)),)),
        ratsdok.Liste(punkte=[ratsdok.Listenpunkt(bloecke=[ratsdok.Tabelle(zeilen=(("a",),))])]),
    ],
)
def test_extreme_content_still_renders(
    tmp_path: Path, block: ratsdok.Liste | ratsdok.Tabelle
) -> None:
    v = vorlage(
        abschnitte=[ratsdok.Abschnitt(art=ratsdok.Abschnittsart.SONSTIGES, bloecke=[block])]
    )
    path = _write(tmp_path, render_pdf(v))
    assert all_fonts_embedded(path)


def test_markers_and_cells_are_text_not_markup(tmp_path: Path) -> None:
    liste = ratsdok.Liste(punkte=[ratsdok.Listenpunkt(bezeichnung="<b>1.", bloecke=["x <i> & y"])])
    v = vorlage(
        abschnitte=[ratsdok.Abschnitt(art=ratsdok.Abschnittsart.SONSTIGES, bloecke=[liste])]
    )
    assert "<b>1. x <i> & y" in flach(pdftotext(_write(tmp_path, render_pdf(v))))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vorlagen(neu=True))
def test_any_11_vorlage_renders(v: ratsdok.Vorlage) -> None:
    """Renders, or names the character the shipped fonts lack and where it is."""
    problems: tuple[ratsdok.Problem, ...] = ()
    try:
        data = render_pdf(v)
    except ratsdok.InvalidDocumentError as e:
        problems = e.problems
    if problems:
        assert all("cannot print U+" in p.message and p.field for p in problems), problems
    else:
        assert data.startswith(b"%PDF-")


def test_a_character_without_glyph_is_refused_with_its_place() -> None:
    v = vorlage(betreff="Straße \u0656")
    with pytest.raises(ratsdok.InvalidDocumentError) as info:
        render_pdf(v)
    (problem,) = info.value.problems
    assert problem.field == "betreff"
    assert "U+0656 ARABIC SUBSCRIPT ALEF" in problem.message


def test_document_text_is_never_typst_code(tmp_path: Path) -> None:
    """Data reaches Typst as JSON: markup and code in a value print literally."""
    evil = 'Kosten #eval("1+1") $x^2$ \\ ] [ #strong[fett] <label> @ref // kein Kommentar'
    v = vorlage(
        betreff=evil,
        abschnitte=[ratsdok.Abschnitt(art=ratsdok.Abschnittsart.BEGRUENDUNG, absaetze=[evil])],
    )
    text = flach(pdftotext(_write(tmp_path, render_pdf(v))))
    assert text.count(evil) == 2, text


# --- every example: PDF/A-3a + PDF/UA-1, reproducible, every word back (issue #11) --

EXAMPLES = sorted(Path(__file__).parents[2].joinpath("examples").glob("*/vorlage.xml"))


@pytest.mark.parametrize("xml", EXAMPLES, ids=lambda p: p.parent.name)
def test_every_example_is_accessible_pdfa_and_reproducible(xml: Path, tmp_path: Path) -> None:
    from ratsdok.pdf.validation import cross_check, structure_problems

    v = ratsdok.load(xml)
    data = render_pdf(v)
    results = cross_check(data, ["3a", "ua1"])
    assert all(r.ok for r in results), results
    assert structure_problems(data) == []
    path = _write(tmp_path, data)
    info = subprocess.run(
        [require_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"Tagged:\s+yes", info)
    assert f"Title:           {v.art.bezeichnung if v.art else 'Vorlage'} {v.nummer}" in info
    # two fresh processes, seconds apart: the same bytes
    code = (
        "import sys, hashlib, ratsdok; from ratsdok.pdf.render import render_pdf; "
        f"sys.stdout.write(hashlib.sha256(render_pdf(ratsdok.load({str(xml)!r}))).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        ).stdout
        for _ in range(2)
    }
    assert digests == {hashlib.sha256(data).hexdigest()}
    # every word of the text comes back (soft-hyphen breaks joined), the special
    # characters included
    text = flach(pdftotext(path))
    cells = [t for _, t in struct_cells(data)]
    lost = [w for w in woerter(v) if w not in text and not any(w in c for c in cells)]
    assert lost == []
    # nothing of the template itself reaches the page (a Typst expression continued
    # on a new line is printed as text)
    leaks = [t for t in ("=>", "#let", ".map(", "text(", "sys.inputs") if t in text]
    assert leaks == []


# --- found in review: nothing may run off the page ----------------------------------


def test_a_long_closing_paragraph_and_many_signers_lose_no_text(tmp_path: Path) -> None:
    """An unbreakable block (the last paragraph kept with the "gez." blocks) taller
    than a page ran off it: words and the signatures were lost, and both validators
    passed the file."""
    absatz = " ".join(f"Wort{i}" for i in range(1, 1800))
    v = vorlage(
        abschnitte=[ratsdok.Abschnitt(art=ratsdok.Abschnittsart.BEGRUENDUNG, absaetze=[absatz])],
        unterzeichnungen=[
            ratsdok.Unterzeichnung(name=f"Person{i}", funktion="Mitglied") for i in range(1, 61)
        ],
    )
    text = flach(pdftotext(_write(tmp_path, render_pdf(v))))
    words = set(text.split())
    assert [f"Wort{i}" for i in range(1, 1800) if f"Wort{i}" not in words] == []
    assert [f"Person{i}" for i in range(1, 61) if f"Person{i}" not in words] == []


def test_a_long_legal_basis_leaves_nichtoeffentlich_readable_on_every_page(
    tmp_path: Path,
) -> None:
    basis = (
        "§ 35 Abs. 2 ThürKO in Verbindung mit § 6 Abs. 1 der Geschäftsordnung des Stadtrates " * 2
    )
    v = vorlage(oeffentlichkeit=ratsdok.Oeffentlichkeit(oeffentlich=False, rechtsgrundlage=basis))
    assert len(vermerk(v) or "") > 100
    path = _write(tmp_path, render_pdf(v))
    texts = seitentexte(path, _pages(path))
    assert all("NICHTÖFFENTLICH" in t for t in texts)
    assert basis.split()[-1] in flach(pdftotext(path))  # the whole basis on page 1


def test_beratungsfolge_keeps_the_order_of_deliberation() -> None:
    """Found in review: grouping by Gremium printed KA, KA, KT, KT for KA, KT, KA, KT."""
    from ratsdok.pdf.ansicht import ansicht

    v = vorlage(
        beratungsfolge=[
            ratsdok.Beratung(gremium=g, sitzungstermin=date(2021, 3, d))
            for g, d in (("KA", 1), ("KT", 2), ("KA", 3), ("KT", 4), ("KT", 5))
        ],
        datum=None,
    )
    gruppen = ansicht(v)["beratungsfolge"]
    assert [(g["gremium"], len(g["sitzungen"])) for g in gruppen] == [
        ("KA", 1),
        ("KT", 1),
        ("KA", 1),
        ("KT", 2),
    ]


def test_tabs_keep_a_gap_wherever_text_is_shown(tmp_path: Path) -> None:
    v = vorlage(
        koerperschaft="Stadt\tLindenau",
        abschnitte=[
            ratsdok.Abschnitt(
                art=ratsdok.Abschnittsart.SONSTIGES,
                bloecke=[ratsdok.Zwischenueberschrift(text="Teil\tA"), ratsdok.Absatz(text="x")],
            )
        ],
        beratungsfolge=[ratsdok.Beratung(gremium="Bau-\tund Umweltausschuss")],
    )
    words = set(flach(pdftotext(_write(tmp_path, render_pdf(v)))).split())
    assert {"Stadt", "Lindenau", "Teil", "A", "Umweltausschuss"} <= words


def test_a_table_of_a_thousand_rows_is_rendered_and_checked(tmp_path: Path) -> None:
    """Found in review: page-validation's default grid limit (1,024 rows) refused it."""
    t = ratsdok.Tabelle(
        kopf=(("Flurstück", "Fläche"),), zeilen=tuple((f"{i}/1", "1 m²") for i in range(1030))
    )
    v = vorlage(abschnitte=[ratsdok.Abschnitt(art=ratsdok.Abschnittsart.SONSTIGES, bloecke=[t])])
    xml = tmp_path / "v.xml"
    xml.write_bytes(ratsdok.to_xml(v))
    assert main(["render", str(xml), "-o", str(tmp_path / "v.pdf")]) == 0
    assert "1029/1" in pdftotext(tmp_path / "v.pdf")


def test_a_signature_is_marked_only_where_it_was_checked_and_trusted(
    example_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """render and bundle printed "elektronisch signiert" and a Prüfwert under a block
    whose signature chains to no trusted CA (issue #12)."""
    example_copy.write_bytes(signed_by(example_copy.read_bytes(), 1))
    other_ca = tmp_path / "other.pem"
    other_ca.write_bytes(make_ca("Fremde CA").cert_pem)
    for extra in ([], ["--trust", str(other_ca)]):
        out = tmp_path / f"r{len(extra)}.pdf"
        assert main(["render", str(example_copy), "-o", str(out), *extra]) == 0
        assert "elektronisch signiert" not in pdftotext(out)
        assert "signed, but not marked" in capsys.readouterr().err
        b = tmp_path / f"b{len(extra)}.pdf"
        assert main(["bundle", str(example_copy), "-o", str(b), *extra]) == 0
        assert "elektronisch signiert" not in pdftotext(b)
        assert "not marked as signed on the pages" in capsys.readouterr().err
