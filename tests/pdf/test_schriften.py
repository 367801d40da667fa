"""Anlagen as they come from offices: non-embedded standard fonts get Liberation fonts
in the merged copy (ratsdok.pdf.schriften); the original stays embedded as it was."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
from importlib.resources import files
from pathlib import Path
from typing import Any

import page
import pikepdf
import pikepdf.pdfa
import pytest
from fontTools.ttLib import TTFont
from pikepdf import Array, Dictionary, Name

import ratsdok
from ratsdok.cli import main
from ratsdok.pdf.bundling import NichtKonform, build_bundle, bundle, bundle_to_file
from ratsdok.pdf.extraction import extract
from ratsdok.pdf.names import SCHRIFTEN_NAME
from ratsdok.pdf.pdfa import probe_conforms
from ratsdok.pdf.schriften import ergaenze_schriften, ersatz_fuer, inhalt_sha256
from ratsdok.report import Kind, Status
from tests.factories import anlage, pdftotext, unembedded_font_pdf, vorlage


def _font(basefont: str, subtype: str = "Type1", **extra: Any) -> Dictionary:
    return Dictionary(
        Type=Name.Font, Subtype=Name("/" + subtype), BaseFont=Name("/" + basefont), **extra
    )


def _office_pdf(fonts: dict[str, Dictionary], *contents: bytes) -> bytes:
    """An Anlage as office exports write it: one page per content stream, every page
    listing *fonts* (none embedded)."""
    pdf = pikepdf.new()
    table = Dictionary({f"/{k}": pdf.make_indirect(v) for k, v in fonts.items()})
    resources = pdf.make_indirect(Dictionary(Font=table))
    for content in contents:
        pdf.pages.append(
            pikepdf.Page(
                Dictionary(
                    Type=Name.Page,
                    MediaBox=[0, 0, 595, 842],
                    Resources=resources,
                    Contents=pdf.make_stream(content),
                )
            )
        )
    buf = io.BytesIO()
    pdf.save(buf, deterministic_id=True)
    return buf.getvalue()


WIN_ANSI = Name.WinAnsiEncoding
# A letter: Helvetica (WinAnsi) for the text, Helvetica-Bold for the heading.
BRIEF = _office_pdf(
    {"F1": _font("Helvetica", Encoding=WIN_ANSI), "F2": _font("Helvetica-Bold", Encoding=WIN_ANSI)},
    "BT /F2 14 Tf 72 760 Td (Stellungnahme) Tj /F1 12 Tf 0 -24 Td (Grüße) Tj ET".encode("cp1252"),
    "BT /F1 12 Tf 72 760 Td (Straße 5 ± 1 €) Tj ET".encode("cp1252"),
)
# A plan: Times selected but drawing nothing, Wingdings likewise, Courier never selected.
PLAN = _office_pdf(
    {
        "F1": _font("Times-Roman", Encoding=WIN_ANSI),
        "F2": _font("Courier", Encoding=WIN_ANSI),
        "F3": _font("Wingdings", "TrueType"),
    },
    b"q 0 0 1 rg 72 600 200 100 re f Q BT /F1 12 Tf /F3 10 Tf 72 560 Td ET",
)


def _vorlage() -> ratsdok.Vorlage:
    return vorlage(
        anlagen=[
            anlage(nummer=1, titel="Stellungnahme", dateiname="brief.pdf", inhalt=BRIEF),
            anlage(nummer=2, titel="Plan", dateiname="plan.pdf", inhalt=PLAN),
        ]
    )


def _conforms(data: bytes, tmp_path: Path) -> None:
    """The bundle passes page-validation as PDF/A-3b, and pikepdf.pdfa passes all
    but the rendered Vorlage's pages (the renderer's tests check those, with the
    exceptions documented for its output): the merged Anlage pages with their
    fonts, the embedded files and the record, the XMP and the OutputIntent."""
    path = tmp_path / "check.pdf"
    path.write_bytes(data)
    result = page.validate_pdf(str(path), profile="3b")
    assert result.is_compliant, [f"{f.rule_id}: {f.message}" for f in result.failures]
    buf = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        labels = [p.label for p in pdf.pages]
        for i in reversed(range(len(labels))):
            if not labels[i].startswith("A"):
                del pdf.pages[i]
        for key in ("/Outlines", "/PageLabels"):  # they point to the removed pages
            del pdf.Root[key]
        pdf.save(buf, **pikepdf.pdfa.resolve_save_kwargs("3b", deterministic_id=True))
    buf.seek(0)
    report = pikepdf.pdfa.validate_written(buf, "3b")
    assert report.passed, [f"{f.rule}: {f.message} ({f.where})" for f in report.findings]


def _record(pdf: pikepdf.Pdf) -> dict[str, Any]:
    spec = pdf.attachments[SCHRIFTEN_NAME]
    assert spec.relationship == Name.Supplement
    assert spec.get_file().mime_type == "application/json"
    record: dict[str, Any] = json.loads(spec.get_file().read_bytes())
    return record


def _shipped(datei: str) -> bytes:
    return files("ratsdok.pdf").joinpath("fonts", datei).read_bytes()


@pytest.mark.parametrize(
    ("basefont", "datei"),
    [
        ("Helvetica", "LiberationSans-Regular.ttf"),
        ("Helvetica-BoldOblique", "LiberationSans-BoldItalic.ttf"),
        ("Arial,Bold", "LiberationSans-Bold.ttf"),
        ("Arial-ItalicMT", "LiberationSans-Italic.ttf"),
        ("ABCDEF+ArialMT", "LiberationSans-Regular.ttf"),
        ("Times-Roman", "LiberationSerif-Regular.ttf"),
        ("Times-BoldItalic", "LiberationSerif-BoldItalic.ttf"),
        ("TimesNewRomanPS-BoldMT", "LiberationSerif-Bold.ttf"),
        ("Times New Roman,Italic", "LiberationSerif-Italic.ttf"),
        ("TimesNewRomanBoldItalic", "LiberationSerif-BoldItalic.ttf"),
        ("ArialBold", "LiberationSans-Bold.ttf"),
        ("Courier", "LiberationMono-Regular.ttf"),
        ("CourierNewPS-BoldItalicMT", "LiberationMono-BoldItalic.ttf"),
        ("Symbol", None),
        ("ZapfDingbats", None),
        ("Wingdings", None),
        ("ArialNarrow", None),
        ("Arial-Black", None),
        ("Arial Black", None),
        ("Helvetica-Narrow", None),
    ],
)
def test_standard_fonts_map_to_liberation(basefont: str, datei: str | None) -> None:
    face = ersatz_fuer(basefont)
    assert (face.datei if face else None) == datei
    if face is not None:
        assert _shipped(face.datei)[:4] == b"\x00\x01\x00\x00"


def test_shipped_fonts_with_licence() -> None:
    licence = files("ratsdok.pdf").joinpath("fonts", "LICENSE-Liberation.txt").read_text("utf-8")
    assert "SIL Open Font License" in licence and "Reserved Font Name Liberation" in licence


def test_office_anlagen_are_merged_with_fonts_added(tmp_path: Path) -> None:
    v = _vorlage()
    result = build_bundle(v)
    assert result.ok
    checks = {c.label: c for c in result.checks if c.kind is Kind.ANLAGE}
    brief, plan = checks["Anlage 1 (brief.pdf)"], checks["Anlage 2 (plan.pdf)"]
    assert brief.status is Status.OK and plan.status is Status.OK
    assert brief.reason.endswith(
        "Schriften ergänzt: Helvetica → Liberation Sans, Helvetica-Bold → Liberation Sans Bold"
    )
    assert "Times-Roman (zeichnet nichts) → Liberation Serif" in plan.reason
    assert "Wingdings (zeichnet nichts) → Liberation Sans" in plan.reason
    assert "unbenutzt entfernt: Courier" in plan.reason
    assert [(h.file, "Schriften ergänzt" in h.message) for h in result.hinweise] == [
        ("brief.pdf", True),
        ("plan.pdf", True),
    ]
    _conforms(result.data, tmp_path)
    path = tmp_path / "bundle.pdf"
    path.write_bytes(result.data)
    text = pdftotext(path)
    assert "Stellungnahme" in text and "Grüße" in text and "Straße 5 ± 1 €" in text
    assert build_bundle(v).data == result.data  # reproducible

    with pikepdf.open(path) as pdf:
        # the originals, byte for byte, as the merged pages' source
        for name, data in (("brief.pdf", BRIEF), ("plan.pdf", PLAN)):
            assert pdf.attachments[name].get_file().read_bytes() == data
            assert pdf.attachments[name].relationship == Name.Source
        record = _record(pdf)
        assert record["format"] == "ratsdok-schriften" and record["version"] == 1
        e1, e2 = record["anlagen"]
        assert (e1["anlage"], e1["datei"]) == (1, "brief.pdf")
        assert e1["sha256"] == hashlib.sha256(BRIEF).hexdigest()
        labels = [p.label for p in pdf.pages]
        with pikepdf.open(io.BytesIO(BRIEF)) as original:
            for i, seite in enumerate(e1["seiten"]):
                assert labels[seite["index"]] == seite["label"] == f"A1-{i + 1}"
                # the content streams are those of the original page, unchanged
                merged = pdf.pages[seite["index"]]
                assert inhalt_sha256(merged) == inhalt_sha256(original.pages[i])
                assert seite["inhalt_sha256"] == inhalt_sha256(merged)
        fonts = pdf.pages[e1["seiten"][0]["index"]].Resources.Font
        for eintrag, key in zip(e1["schriften"], ("/F1", "/F2"), strict=True):
            font = fonts[key]
            assert eintrag["ressourcen"] == [key]
            assert str(font.BaseFont) == "/" + eintrag["basefont"]
            assert font.Subtype == Name.TrueType and font.Encoding == Name.WinAnsiEncoding
            program = font.FontDescriptor.FontFile2.read_bytes()
            assert eintrag["programm_sha256"] == hashlib.sha256(program).hexdigest()
            assert eintrag["datei_sha256"] == hashlib.sha256(_shipped(eintrag["datei"])).hexdigest()
            assert (eintrag["breiten"], eintrag["kodierung"]) == ("ergänzt", "beibehalten")
        assert [(s["original"], s["ersatz"]) for s in e1["schriften"]] == [
            ("Helvetica", "Liberation Sans"),
            ("Helvetica-Bold", "Liberation Sans Bold"),
        ]
        assert e1["entfernt"] == []
        assert [(s["original"], s["zeichen"]) for s in e2["schriften"]] == [
            ("Times-Roman", 0),
            ("Wingdings", 0),
        ]
        assert e2["entfernt"] == [
            {"original": "Courier", "subtype": "Type1", "ressourcen": ["/F2"]}
        ]
        plan_page = pdf.pages[e2["seiten"][0]["index"]]
        assert sorted(plan_page.Resources.Font.keys()) == ["/F1", "/F3"]


def test_streamed_bundle_adds_the_same_fonts(tmp_path: Path) -> None:
    v = _vorlage()
    for a, data in ((v.anlagen[0], BRIEF), (v.anlagen[1], PLAN)):
        assert a.dateiname is not None
        (tmp_path / a.dateiname).write_bytes(data)
    on_disk = v.model_copy(
        update={"anlagen": tuple(a.model_copy(update={"inhalt": None}) for a in v.anlagen)}
    )
    in_memory = build_bundle(v).data
    with pikepdf.open(io.BytesIO(in_memory)) as pdf:
        expected = _record(pdf)
    for threshold in (1, len(BRIEF)):  # both Anlagen large; only the letter large
        out = tmp_path / f"streamed-{threshold}.pdf"
        hinweise = bundle_to_file(on_disk, tmp_path, out, stream_threshold=threshold)
        assert [h.file for h in hinweise] == ["brief.pdf", "plan.pdf"]
        _conforms(out.read_bytes(), tmp_path)
        with pikepdf.open(out) as pdf:
            assert _record(pdf) == expected
            assert pdf.attachments["brief.pdf"].get_file().read_bytes() == BRIEF
        assert "Grüße" in pdftotext(out)


def test_widths_kept_and_encoding_rewritten_consistently(tmp_path: Path) -> None:
    """A font with /Widths (Helvetica's ± is wider than Arial's) and the standard
    fonts' built-in encoding plus /Differences."""
    text = b"it\x27s 5\xb11"  # 0x27 is quoteright in StandardEncoding, 0xB1 is /plusminus
    helvetica = {32: 278, 39: 222, 49: 556, 53: 556, 105: 222, 115: 500, 116: 278, 177: 584}
    widths = Array([helvetica.get(c, 0) for c in range(32, 178)])
    font = _font(
        "Helvetica",
        FirstChar=32,
        LastChar=177,
        Widths=widths,
        Encoding=Dictionary(Type=Name.Encoding, Differences=[177, Name.plusminus]),
    )
    content = b"BT /F1 12 Tf 72 760 Td (" + text + b") Tj ET"
    with pikepdf.open(io.BytesIO(_office_pdf({"F1": font}, content))) as pdf:
        assert probe_conforms(pdf)  # not embedded
        erg = ergaenze_schriften(pdf)
        assert erg.gruende == ()
        (r,) = erg.ersetzt
        assert (r.breiten, r.angepasst, r.kodierung, r.zeichen) == (
            "beibehalten",
            1,
            "umgeschrieben",
            8,
        )
        f1 = pdf.pages[0].Resources.Font.F1
        assert list(f1.Widths) == list(widths)
        assert [int(f1.FirstChar), int(f1.LastChar)] == [32, 177]
        assert f1.Encoding.BaseEncoding == Name.WinAnsiEncoding
        assert list(f1.Encoding.Differences) == [39, Name.quoteright]
        program = TTFont(io.BytesIO(f1.FontDescriptor.FontFile2.read_bytes()))
        upem = program["head"].unitsPerEm
        assert round(program["hmtx"]["plusminus"][0] * 1000 / upem) == 584
        assert pdf.pages[0].Contents.read_bytes() == content
        assert probe_conforms(pdf) == []
        pdf.save(tmp_path / "repariert.pdf")
    assert pdftotext(tmp_path / "repariert.pdf").strip() == "it’s 5±1"


@pytest.mark.parametrize(
    ("font", "grund"),
    [
        (_font("Wingdings", "TrueType"), "Wingdings (TrueType) is not embedded and is not a stan"),
        (_font("Symbol"), "Symbol (Type1) is not embedded and is not a standard font"),
        (
            _font(
                "MSGothic",
                "Type0",
                Encoding=Name("/Identity-H"),
                DescendantFonts=[_font("MSGothic", "CIDFontType2")],
            ),
            "MSGothic (Type0) is not embedded and cannot be replaced",
        ),
        (_font("Stempel", "Type3"), "Stempel (Type3): Type 3 fonts cannot be checked"),
        (_font("Helvetica", Encoding=Name.MacExpertEncoding), "encoding /MacExpertEncoding"),
    ],
)
def test_what_cannot_be_repaired_is_named(font: Dictionary, grund: str) -> None:
    data = _office_pdf({"F1": font}, b"BT /F1 12 Tf 72 760 Td (Text) Tj ET")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        erg = ergaenze_schriften(pdf)
        assert not erg.geaendert
        assert len(erg.gruende) == 1 and grund in erg.gruende[0]


def test_a_non_standard_font_is_still_refused_or_only_attached(tmp_path: Path) -> None:
    fremd = unembedded_font_pdf("Wingdings")
    v = vorlage(anlagen=[anlage(nummer=1, titel="Fremd", dateiname="fremd.pdf", inhalt=fremd)])
    with pytest.raises(ratsdok.AnlagenError, match=r"fremd\.pdf.*Wingdings.*not a standard font"):
        bundle(v)
    result = build_bundle(v, nicht_konform=NichtKonform.EINBETTEN)
    (hinweis,) = result.hinweise
    assert hinweis.file == "fremd.pdf" and "Wingdings" in hinweis.message
    (check,) = [c for c in result.checks if c.kind is Kind.ANLAGE]
    assert check.status is Status.EMBEDDED
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        assert sorted(pdf.attachments) == ["fremd.pdf", "ratsdok.xml"]  # no record
        assert pdf.attachments["fremd.pdf"].get_file().read_bytes() == fremd


def test_the_clock_does_not_change_the_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    """fontTools stamps a font it saves with the time (SOURCE_DATE_EPOCH if set)
    unless told not to."""

    def repaired() -> bytes:
        with pikepdf.open(io.BytesIO(BRIEF)) as pdf:
            assert ergaenze_schriften(pdf).geaendert
            buf = io.BytesIO()
            pdf.save(buf, deterministic_id=True)
            return buf.getvalue()

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    first = repaired()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1900000000")
    assert repaired() == first


def _repaired_digest(path: Path) -> str:
    """What the record says and the SHA-256 of the repaired copy."""
    with pikepdf.open(path) as pdf:
        erg = ergaenze_schriften(pdf)
        buf = io.BytesIO()
        pdf.save(buf, deterministic_id=True)
    return erg.zusammenfassung() + " " + hashlib.sha256(buf.getvalue()).hexdigest()


def test_the_repair_is_the_same_in_every_process(tmp_path: Path) -> None:
    """pikepdf lists a dictionary's keys as a set, whose order follows the hash seed."""
    path = tmp_path / "plan.pdf"
    path.write_bytes(PLAN)
    code = (
        "import hashlib, io, sys, pikepdf\n"
        "from ratsdok.pdf.schriften import ergaenze_schriften\n"
        "with pikepdf.open(sys.argv[1]) as pdf:\n"
        "    erg = ergaenze_schriften(pdf)\n"
        "    buf = io.BytesIO()\n"
        "    pdf.save(buf, deterministic_id=True)\n"
        "digest = hashlib.sha256(buf.getvalue()).hexdigest()\n"
        "sys.stdout.write(erg.zusammenfassung() + ' ' + digest)\n"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code, str(path)],
            check=True,
            capture_output=True,
            text=True,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
        ).stdout
        for seed in ("0", "2", "12345")
    }
    assert digests == {_repaired_digest(path)}


def test_cli_bundle_says_which_fonts_were_added(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "brief.pdf").write_bytes(BRIEF)
    a = anlage(nummer=1, titel="Stellungnahme", dateiname="brief.pdf", groesse=len(BRIEF))
    a = a.model_copy(update={"sha256": hashlib.sha256(BRIEF).hexdigest()})
    ratsdok.save(vorlage(anlagen=[a]), tmp_path / "v.xml")
    out = tmp_path / "b.pdf"
    assert main(["bundle", str(tmp_path / "v.xml"), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "Hinweis: brief.pdf: Anlage 1: Schriften ergänzt: Helvetica → Liberation Sans, " in err


def test_extract_and_verify_know_the_record(tmp_path: Path) -> None:
    path = tmp_path / "bundle.pdf"
    path.write_bytes(build_bundle(_vorlage()).data)
    out = extract(path, tmp_path / "out")
    assert out.ok, [str(c) for c in out.checks]
    assert any(c.label == SCHRIFTEN_NAME and c.ok for c in out.checks)
    assert not (tmp_path / "out" / SCHRIFTEN_NAME).exists()
    assert (tmp_path / "out" / "brief.pdf").read_bytes() == BRIEF
    report = ratsdok.verify(path)
    assert report.ok, [str(c) for c in report.checks]
    assert any(SCHRIFTEN_NAME in n for n in report.notes)


def test_the_record_name_is_reserved() -> None:
    # read from an existing document: a new one may not have the name (issue #13)
    v = vorlage(anlagen=[anlage(nummer=1, dateiname=SCHRIFTEN_NAME, inhalt=BRIEF, gelesen=True)])
    with pytest.raises(ratsdok.AnlagenError, match="reserved for the record of added fonts"):
        bundle(v)
