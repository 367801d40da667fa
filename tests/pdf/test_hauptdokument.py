"""The Hauptdokument in a bundle: a rendered cover, then its pages under the Vorlage's
bookmark; the file embedded byte for byte, checked, and extracted again (issue #10)."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pydantic import ValidationError

import ratsdok
from ratsdok import Hauptdokument, Oeffentlichkeit
from ratsdok.cli import main
from ratsdok.model._base import GELESEN
from ratsdok.pdf.bundling import XML_NAME, NichtKonform, build_bundle, bundle, bundle_to_file
from ratsdok.pdf.extraction import extract, from_pdf
from ratsdok.pdf.render import render_pdf
from ratsdok.report import Kind, Status
from tests.conftest import require_tool
from tests.factories import anlage, anlage_pdf, helvetica_pdf, pdfa_problems, pdftotext, vorlage
from tests.vorlage11 import RECHTSGRUNDLAGE, altes_pdf, flach, seitentexte

ALT = altes_pdf(3)


def _haupt(data: bytes = ALT, **changes: Any) -> Hauptdokument:
    fields: dict[str, Any] = {
        "dateiname": "alt.pdf",
        "medientyp": "application/pdf",
        "groesse": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    fields.update(changes)
    return Hauptdokument(**fields)


def _vorlage(h: Hauptdokument | None = None, **changes: Any) -> ratsdok.Vorlage:
    """A Vorlage whose text is only the Hauptdokument (no sections), with one PDF Anlage."""
    fields: dict[str, Any] = {
        "abschnitte": [],
        "hauptdokument": h or _haupt(),
        "anlagen": [anlage(1, "a.pdf", titel="Lageplan", inhalt=anlage_pdf("Lageplan"))],
    }
    fields.update(changes)
    return vorlage(**fields)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "alt.pdf").write_bytes(ALT)
    return tmp_path


def _outline(pdf: pikepdf.Pdf) -> list[tuple[int, str, str]]:
    """(depth, title, page label) of every outline item, in order."""
    pages = {p.obj.objgen: p.label for p in pdf.pages}
    out: list[tuple[int, str, str]] = []

    def walk(items: list[pikepdf.OutlineItem], depth: int) -> None:
        for item in items:
            dest = item.destination
            assert isinstance(dest, pikepdf.Array)
            out.append((depth, item.title, pages[dest[0].objgen]))
            walk(list(item.children), depth + 1)

    with pdf.open_outline() as ol:
        walk(list(ol.root), 0)
    return out


def _structure(data: bytes) -> tuple[list[str], list[tuple[int, str, str]], dict[str, Any]]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        files = {
            name: (f.relationship, f.get_file().read_bytes()) for name, f in pdf.attachments.items()
        }
        return [p.label for p in pdf.pages], _outline(pdf), files


EXPECTED_OUTLINE = [
    (0, "Beschlussvorlage KT 0200/2021", "1"),
    # the rendered Vorlage's own headings, then the Hauptdokument, under the Vorlage
    (1, "Beratungsfolge", "1"),
    (1, "Hauptdokument", "1"),
    (1, "Anlagen", "1"),
    (1, "Hauptdokument – alt.pdf", "H-1"),
    (2, "Kapitel 1", "H-1"),
    (2, "Kapitel 2", "H-2"),
    (2, "Kapitel 3", "H-3"),
    (0, "Anlage 1 – Lageplan", "A1-1"),
    # the Anlage (rendered by ratsdok too) keeps its bookmarks under its own
    (1, "I. Beschlussvorschlag", "A1-1"),
    (1, "II. Begründung", "A1-1"),
]


def test_cover_then_its_pages_under_the_vorlage(folder: Path, tmp_path: Path) -> None:
    v = _vorlage()
    result = build_bundle(v, folder)
    labels, outline, files = _structure(result.data)
    assert labels == ["1", "H-1", "H-2", "H-3", "A1-1"]
    assert outline == EXPECTED_OUTLINE
    assert files["alt.pdf"] == (pikepdf.Name.Source, ALT)
    assert files["a.pdf"][0] == pikepdf.Name.Source
    assert set(files) == {"alt.pdf", "a.pdf", XML_NAME}
    assert result.hinweise == ()
    (check,) = [c for c in result.checks if c.kind is Kind.HAUPTDOKUMENT]
    assert (check.label, check.status, check.ok) == ("Hauptdokument (alt.pdf)", Status.OK, True)
    assert pdfa_problems(result.data) == []
    path = tmp_path / "b.pdf"
    path.write_bytes(result.data)
    cover, *pages = seitentexte(path, 5)
    assert "Der Text dieser Vorlage ist das Hauptdokument „alt.pdf“" in flach(cover)
    assert "seine Seiten folgen" in flach(cover)
    assert [f"Altes Dokument Seite {n}" in t for n, t in enumerate(pages[:3], 1)] == [True] * 3
    assert from_pdf(result.data) == v


def test_the_streamed_bundle_has_the_same_layout(folder: Path, tmp_path: Path) -> None:
    lageplan = anlage_pdf("Lageplan")
    assert len(lageplan) > len(ALT)
    (folder / "a.pdf").write_bytes(lageplan)
    digest = hashlib.sha256(lageplan).hexdigest()
    v = _vorlage(anlagen=[anlage(1, "a.pdf", titel="Lageplan", sha256=digest)])
    # the Hauptdokument streamed too, or only the (larger) Anlage
    for threshold in (1, len(ALT) + 1):
        out = tmp_path / f"s{threshold}.pdf"
        assert bundle_to_file(v, folder, out, stream_threshold=threshold) == ()
        labels, outline, files = _structure(out.read_bytes())
        assert labels == ["1", "H-1", "H-2", "H-3", "A1-1"]
        assert outline == EXPECTED_OUTLINE
        assert files["alt.pdf"] == (pikepdf.Name.Source, ALT)
        assert files["a.pdf"] == (pikepdf.Name.Source, lageplan)
        assert pdfa_problems(out) == []
        assert ratsdok.verify(out).ok


def test_extract_writes_it_back_and_verify_checks_it(folder: Path, tmp_path: Path) -> None:
    path = tmp_path / "b.pdf"
    path.write_bytes(bundle(_vorlage(), folder))
    result = extract(path, tmp_path / "out")
    assert result.ok, result.problems
    assert (tmp_path / "out" / "alt.pdf").read_bytes() == ALT
    (check,) = [c for c in result.checks if c.kind is Kind.HAUPTDOKUMENT]
    assert check.status is Status.OK
    report = ratsdok.verify(path)
    assert report.ok
    assert [c.status for c in report.checks if c.kind is Kind.HAUPTDOKUMENT] == [Status.OK]


def test_a_changed_embedded_hauptdokument_is_reported(folder: Path, tmp_path: Path) -> None:
    path = tmp_path / "b.pdf"
    path.write_bytes(bundle(_vorlage(), folder))
    changed = tmp_path / "changed.pdf"
    with pikepdf.open(path) as pdf:
        pdf.attachments["alt.pdf"] = pikepdf.AttachedFileSpec(pdf, ALT + b"\n", filename="alt.pdf")
        pdf.save(changed)
    result = extract(changed, tmp_path / "out")
    assert not result.ok
    assert [p.field for p in result.problems] == ["hauptdokument"]
    assert "SHA-256" in result.problems[0].message


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.write_bytes(ALT + b"\n"), r"alt\.pdf.*Hauptdokument: size is"),
        (lambda p: p.unlink(), r"alt\.pdf.*Hauptdokument: file not found"),
    ],
)
def test_a_changed_or_missing_file_is_refused(
    folder: Path, change: Any, message: str, tmp_path: Path
) -> None:
    change(folder / "alt.pdf")
    with pytest.raises(ratsdok.AnlagenError, match=message):
        bundle(_vorlage(), folder)
    with pytest.raises(ratsdok.AnlagenError, match=message):
        bundle_to_file(_vorlage(), folder, tmp_path / "s.pdf", stream_threshold=1)


def test_a_hauptdokument_that_is_no_pdf_is_embedded_only(tmp_path: Path) -> None:
    docx = b"PK\x03\x04 not really a docx"
    h = Hauptdokument(
        dateiname="vorlage.docx",
        medientyp="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        inhalt=docx,
    )
    result = build_bundle(_vorlage(h))
    labels, outline, files = _structure(result.data)
    assert labels == ["1", "A1-1"]
    assert outline[0] == (0, "Beschlussvorlage KT 0200/2021", "1")
    assert files["vorlage.docx"] == (pikepdf.Name.Supplement, docx)
    (hinweis,) = result.hinweise
    assert hinweis.file == "vorlage.docx" and "not a PDF" in hinweis.message
    (check,) = [c for c in result.checks if c.kind is Kind.HAUPTDOKUMENT]
    assert (check.status, check.ok) == (Status.EMBEDDED, True)
    path = tmp_path / "b.pdf"
    path.write_bytes(result.data)
    assert "als Datei beigefügt" in flach(pdftotext(path))
    out = extract(path, tmp_path / "out")
    assert out.ok and (tmp_path / "out" / "vorlage.docx").read_bytes() == docx


def test_a_nonconforming_hauptdokument_is_refused_or_embedded() -> None:
    data = helvetica_pdf()
    v = _vorlage(Hauptdokument(dateiname="fremd.pdf", medientyp="application/pdf", inhalt=data))
    with pytest.raises(ratsdok.AnlagenError, match=r"fremd\.pdf.*Hauptdokument.*PDF/A"):
        bundle(v)
    result = build_bundle(v, nicht_konform=NichtKonform.EINBETTEN)
    labels, _, files = _structure(result.data)
    assert labels == ["1", "A1-1"]
    assert files["fremd.pdf"] == (pikepdf.Name.Supplement, data)
    assert [h.file for h in result.hinweise] == ["fremd.pdf"]


def test_the_pages_of_a_nichtoeffentliche_vorlage_are_marked(tmp_path: Path) -> None:
    """Its own pages too, upright however they are turned."""
    data = altes_pdf(2, rotate=90)
    v = _vorlage(
        _haupt(data),
        oeffentlichkeit=Oeffentlichkeit(oeffentlich=False, rechtsgrundlage=RECHTSGRUNDLAGE),
    )
    (tmp_path / "alt.pdf").write_bytes(data)
    for streamed in (False, True):
        out = tmp_path / f"b{streamed}.pdf"
        if streamed:
            bundle_to_file(v, tmp_path, out, stream_threshold=1)
        else:
            out.write_bytes(bundle(v, tmp_path))
        texts = seitentexte(out, 4)
        mark = f"NICHTÖFFENTLICH – {RECHTSGRUNDLAGE}"
        assert [mark in t for t in texts] == [True, True, True, False]
        # at the top of the turned page as it is shown, and upright (wider than high)
        html = subprocess.run(
            [require_tool("pdftotext"), "-bbox", "-f", "2", "-l", "2", str(out), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        words = re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">', html
        )
        x0, y0, _, y1 = (float(x) for x in words[0])  # NICHTÖFFENTLICH
        x1 = float(words[6][2])  # ThürKO, the end of the mark
        with pikepdf.open(out) as pdf:
            shown_width = float(pdf.pages[1].mediabox[3])  # turned by 90°: its height
        assert y1 < 40 and y1 - y0 < 12  # at the top, a line of upright text
        assert abs((x0 + x1) / 2 - shown_width / 2) < 2  # in the middle
        # the file itself is embedded unchanged
        assert _structure(out.read_bytes())[2]["alt.pdf"] == (pikepdf.Name.Source, data)


def test_its_name_cannot_be_the_xml_name() -> None:
    fields = {"dateiname": "Ratsdok.XML", "medientyp": "application/xml", "inhalt": b"<x/>"}
    with pytest.raises(ValidationError, match="not portable"):  # in a new document
        Hauptdokument.model_validate(fields)
    # read from an existing document (issue #13): the bundle still refuses it
    v = _vorlage(Hauptdokument.model_validate(fields, context=GELESEN))
    with pytest.raises(ratsdok.AnlagenError, match="reserved"):
        bundle(v)


def test_render_alone_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "v.pdf"
    path.write_bytes(render_pdf(_vorlage()))
    text = flach(pdftotext(path))
    assert "Der Text dieser Vorlage ist das Hauptdokument „alt.pdf“ (application/pdf" in text
    assert "seine Seiten folgen" not in text


def test_cli_bundle_and_extract(folder: Path, tmp_path: Path) -> None:
    xml = folder / "vorlage.xml"
    v = _vorlage(_haupt(groesse=None, sha256=None))
    ratsdok.save(v, xml)
    out = tmp_path / "b.pdf"
    assert main(["bundle", str(xml), "-o", str(out)]) == 0
    assert _structure(out.read_bytes())[0] == ["1", "H-1", "H-2", "H-3", "A1-1"]
    # the bundle records the digest loading filled in, so extract can check the file
    embedded = from_pdf(out).hauptdokument
    assert embedded is not None and embedded.sha256 == hashlib.sha256(ALT).hexdigest()
    assert main(["extract", str(out), "-d", str(tmp_path / "out"), "-q"]) == 0
    assert (tmp_path / "out" / "alt.pdf").read_bytes() == ALT


def test_a_marked_hauptdokument_bundles_to_the_same_bytes(tmp_path: Path) -> None:
    """pikepdf's add_overlay named the mark's XObject at random: two bundles of the
    same nichtöffentliche Vorlage differed (found in issue #11)."""
    data = altes_pdf(2)
    v = _vorlage(
        _haupt(data),
        oeffentlichkeit=Oeffentlichkeit(oeffentlich=False, rechtsgrundlage=RECHTSGRUNDLAGE),
    )
    (tmp_path / "alt.pdf").write_bytes(data)
    assert bundle(v, tmp_path) == bundle(v, tmp_path)
    outs = [tmp_path / "a.pdf", tmp_path / "b.pdf"]
    for out in outs:
        bundle_to_file(v, tmp_path, out, stream_threshold=1)
    assert outs[0].read_bytes() == outs[1].read_bytes()
