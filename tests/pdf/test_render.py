"""Rendering a Vorlage as PDF: content, fonts, pagination, determinism."""

from __future__ import annotations

import hashlib
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

import ratsdok
from ratsdok.cli import main
from ratsdok.pdf.render import render_pdf, stichtag
from tests.conftest import EXAMPLE_XML, require_tool
from tests.factories import (
    UMLAUTS,
    all_fonts_embedded,
    anlage,
    example_digests,
    pdf_dates,
    pdffonts_rows,
    pdftotext,
    signed_by,
    vorlage,
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
        "Seite 1 von 2",
        "Seite 2 von 2",
    ):
        assert expected in text, expected


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
    assert set(dates) == {"/CreationDate", "/ModDate"}
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
    marks = signature_marks(example_copy.read_bytes())
    pruefwert = verify(example_copy).pruefwert
    assert marks == {1: pruefwert}
    assert len(pruefwert.replace(" ", "")) == 16

    out = tmp_path / "signed.pdf"
    assert main(["render", str(example_copy), "-o", str(out)]) == 0
    text = pdftotext(out)
    assert text.count("elektronisch signiert") == 1
    assert f"Prüfwert {pruefwert}" in text
    # The mark sits under the signed block (Krebs), not under the unsigned one.
    assert text.index("Krebs") < text.index("elektronisch signiert")

    plain = tmp_path / "plain.pdf"
    v = ratsdok.load(example_copy)
    plain.write_bytes(render_pdf(v))
    assert "elektronisch signiert" not in pdftotext(plain)
