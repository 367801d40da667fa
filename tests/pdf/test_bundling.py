"""Bundling: PDF/A-3b structure, associated files, public variant, errors."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pydantic import ValidationError

import ratsdok
from bench.bench_bigpdf import make_pages_pdf
from ratsdok.cli import main
from ratsdok.pdf.bundling import (
    STREAM_THRESHOLD,
    XML_NAME,
    NichtKonform,
    build_bundle,
    bundle,
    bundle_to_file,
    public_copy,
    stichtag,
)
from ratsdok.pdf.extraction import from_pdf
from ratsdok.pdf.render import render_pdf
from ratsdok.report import Status
from tests.conftest import EXAMPLE_DIR, EXAMPLE_XML, require_tool
from tests.factories import (
    SECRET_MARKER,
    SECRET_TITLE,
    all_fonts_embedded,
    anlage,
    anlage_pdf,
    example_digests,
    javascript_pdf,
    pdf_dates,
    pdfa_problems,
    pdftotext,
    uncompressed,
    unembedded_font_pdf,
    vorlage,
    with_anlagen,
)
from tests.vorlage11 import GRUND, RECHTSGRUNDLAGE, reiche_vorlage, seitentexte


@pytest.fixture(scope="module")
def example_bundle() -> bytes:
    return bundle(ratsdok.load(EXAMPLE_XML), EXAMPLE_DIR)


def _outline(pdf: pikepdf.Pdf) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of every outline item, in order."""
    pages: dict[tuple[int, int], int] = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
    out: list[tuple[int, str, int]] = []

    def walk(items: list[pikepdf.OutlineItem], depth: int) -> None:
        for item in items:
            dest = item.destination
            assert isinstance(dest, pikepdf.Array)
            out.append((depth, item.title, pages[dest[0].objgen]))
            walk(list(item.children), depth + 1)

    with pdf.open_outline() as ol:
        walk(list(ol.root), 0)
    return out


def test_example_structure(example_bundle: bytes) -> None:
    with pikepdf.open(io.BytesIO(example_bundle)) as pdf:
        assert len(pdf.pages) == 4  # the seed's text and signatures on one page
        assert [p.label for p in pdf.pages] == ["1", "A1-1", "A1-2", "A1-3"]
        assert _outline(pdf) == [
            (0, "Beschlussvorlage KT 0134/2020", 0),
            (1, "Beratungsfolge", 0),
            (1, "I. Beschlussvorschlag", 0),
            (1, "II. Begründung", 0),
            (1, "Anlagen", 0),
            (0, "Anlage 1 – Integrationskonzept", 1),
            (1, "1 Hinweis", 1),
            (1, "2 Ausgangslage", 2),
            (1, "3 Handlungsfelder", 3),
        ]
        files = pdf.attachments
        assert sorted(files) == ["integrationskonzept.pdf", XML_NAME]
        xml = files[XML_NAME]
        assert xml.relationship == pikepdf.Name.Alternative
        assert xml.get_file().mime_type == "application/xml"
        src = files["integrationskonzept.pdf"]
        assert src.relationship == pikepdf.Name.Source
        assert src.get_file().mime_type == "application/pdf"
        original = (EXAMPLE_DIR / "integrationskonzept.pdf").read_bytes()
        assert src.get_file().read_bytes() == original
        assert len(pdf.Root.AF) == 2
        assert pdf.open_metadata().pdfa_status == "3B"
        assert str(pdf.Root.Lang) == "de-DE"


def test_pdfa_validator_passes(example_bundle: bytes) -> None:
    assert pdfa_problems(example_bundle) == []


def test_xmp_identification(example_bundle: bytes) -> None:
    with pikepdf.open(io.BytesIO(example_bundle)) as pdf:
        xmp = pdf.Root.Metadata.read_bytes()
    assert b'rdf:about=""' in xmp
    assert b">3</pdfaid:part>" in xmp and b">B</pdfaid:conformance>" in xmp
    # dates come from the content (the last Sitzungstermin), not the clock
    assert b"2020-05-26T00:00:00Z" in xmp
    dates = pdf_dates(example_bundle)
    assert len(dates) == 5 and set(dates.values()) == {stichtag(ratsdok.load(EXAMPLE_XML))}


def test_tools_accept_it(example_bundle: bytes, tmp_path: Path) -> None:
    path = tmp_path / "b.pdf"
    path.write_bytes(example_bundle)
    check = subprocess.run(
        [require_tool("qpdf"), "--check", str(path)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout
    assert all_fonts_embedded(path)
    listing = subprocess.run(
        [require_tool("pdfdetach"), "-list", str(path)], check=True, capture_output=True, text=True
    ).stdout
    assert "2 embedded files" in listing
    assert "integrationskonzept.pdf" in listing and "ratsdok.xml" in listing
    info = subprocess.run(
        [require_tool("pdfinfo"), str(path)], check=True, capture_output=True, text=True
    ).stdout
    assert "Pages:           4" in info
    assert "Title:           Beschlussvorlage KT 0134/2020" in info
    assert "Encrypted:       no" in info
    text = pdftotext(path)
    assert "Seite 1 von 1" in text and "Integrationskonzept" in text


def test_deterministic_across_processes(example_bundle: bytes) -> None:
    digests = example_digests(
        "from ratsdok.pdf.bundling import bundle", f"bundle(v, {str(EXAMPLE_DIR)!r})"
    )
    assert digests == {hashlib.sha256(example_bundle).hexdigest()}


def test_mixed_anlagen() -> None:
    v = with_anlagen()
    data = bundle(v)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        labels = [p.label for p in pdf.pages]
        assert labels == ["1", "A1-1", "A3-1"]
        titles = [t for d, t, _ in _outline(pdf) if d == 0]
        assert titles == [
            "Beschlussvorlage KT 0200/2021",
            "Anlage 1 – Lageplan",
            f"Anlage 3 – {SECRET_TITLE}",
        ]
        files = pdf.attachments
        csv = files["kosten.csv"]
        assert csv.relationship == pikepdf.Name.Supplement
        assert csv.get_file().mime_type == "text/csv"
        for a in v.anlagen:
            assert a.inhalt is not None
            assert files[a.dateiname or ""].get_file().read_bytes() == a.inhalt
    assert pdfa_problems(data) == []
    assert from_pdf(data) == v


def test_anlage_titled_with_its_number_is_bookmarked_once() -> None:
    # issue #10: the bookmark read "Anlage 2 – Anlage 2: Lageplan"
    v = vorlage(
        anlagen=[
            anlage(1, "uebersicht.pdf", titel="Übersicht", inhalt=anlage_pdf("Übersicht")),
            anlage(2, "lageplan.pdf", titel="Anlage 2: Lageplan", inhalt=anlage_pdf("Plan")),
        ]
    )
    with pikepdf.open(io.BytesIO(bundle(v))) as pdf:
        assert [t for d, t, _ in _outline(pdf) if d == 0] == [
            "Beschlussvorlage KT 0200/2021",
            "Anlage 1 – Übersicht",
            "Anlage 2: Lageplan",
        ]
        descriptions = {name: f.description for name, f in pdf.attachments.items()}
    assert descriptions["uebersicht.pdf"] == "Anlage 1 – Übersicht"
    assert descriptions["lageplan.pdf"] == "Anlage 2: Lageplan"


def test_public_variant_leaks_nothing(tmp_path: Path) -> None:
    v = with_anlagen()
    full = bundle(v)
    public = bundle(v, oeffentlich_only=True)
    secret_pdf = v.anlage(3).inhalt
    assert secret_pdf is not None
    needles = [
        SECRET_TITLE.encode("utf-8"),
        SECRET_TITLE.encode("pdfdoc"),
        b"Zaunk",
        SECRET_MARKER,
        b"gutachten-geheim",
        b"angebote-geheim",
        b"Angebote der Bieter",
        hashlib.sha256(secret_pdf).hexdigest().encode(),
    ]
    full_raw = uncompressed(full, tmp_path)
    public_raw = uncompressed(public, tmp_path)
    # the search can find them: every needle is in the full bundle
    assert all(n in full_raw for n in needles)
    leaked = [n for n in [*needles, SECRET_TITLE.encode("utf-16-be")] if n in public_raw]
    assert leaked == []
    public_path = tmp_path / "public.pdf"
    public_path.write_bytes(public)
    text = pdftotext(public_path)
    assert "Zaunk" not in text and "Vertrauliches Gutachten" not in text
    with pikepdf.open(io.BytesIO(public)) as pdf:
        assert sorted(pdf.attachments) == ["kosten.csv", "lageplan.pdf", XML_NAME]
        assert [p.label for p in pdf.pages] == ["1", "A1-1"]
    assert from_pdf(public) == public_copy(v)
    assert pdfa_problems(public) == []


@pytest.mark.parametrize("kind", ["wingdings", "javascript"])
def test_nonconforming_anlage_fails_by_default(kind: str) -> None:
    """A font that is not embedded and no standard font ratsdok can replace (see
    tests/pdf/test_schriften.py for those it can), or a script."""
    fremd = anlage(
        nummer=1,
        titel="Fremde Anlage",
        dateiname="fremd.pdf",
        inhalt=unembedded_font_pdf("Wingdings") if kind == "wingdings" else javascript_pdf(),
    )
    v = vorlage(anlagen=[fremd])
    with pytest.raises(ratsdok.AnlagenError, match=r"fremd\.pdf.*PDF/A"):
        bundle(v)
    result = build_bundle(v, nicht_konform=NichtKonform.EINBETTEN)
    assert len(result.hinweise) == 1 and result.hinweise[0].file == "fremd.pdf"
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        assert len(pdf.pages) == 1
        spec = pdf.attachments["fremd.pdf"]
        assert spec.relationship == pikepdf.Name.Supplement
        assert spec.get_file().read_bytes() == fremd.inhalt
    assert pdfa_problems(result.data) == []


def _with_pdf_anlage(data: bytes) -> ratsdok.Vorlage:
    return vorlage(
        anlagen=[
            anlage(
                nummer=1,
                titel="Kaputt",
                dateiname="kaputt.pdf",
                inhalt=data,
            )
        ]
    )


@pytest.mark.parametrize(
    "kind", ["garbage", "truncated", "encrypted-user", "encrypted-owner", "no-pages"]
)
def test_broken_or_encrypted_anlage(kind: str) -> None:
    good = render_pdf(vorlage())
    if kind == "garbage":
        data = b"%PDF-1.7\nthis is not a pdf\n"
    elif kind == "truncated":
        data = good[: len(good) // 3]
    elif kind == "no-pages":
        buf = io.BytesIO()
        pikepdf.new().save(buf)
        data = buf.getvalue()
    else:
        buf = io.BytesIO()
        user = "geheim" if kind == "encrypted-user" else ""
        with pikepdf.open(io.BytesIO(good)) as pdf:
            pdf.save(buf, encryption=pikepdf.Encryption(owner="owner", user=user))
        data = buf.getvalue()
    with pytest.raises(ratsdok.AnlagenError) as info:
        bundle(_with_pdf_anlage(data))
    assert "kaputt.pdf" in str(info.value)


def test_missing_and_changed_files(example_copy: Path) -> None:
    v = ratsdok.load(example_copy)
    pdf = example_copy.parent / "integrationskonzept.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n")
    with pytest.raises(ratsdok.AnlagenError, match=r"integrationskonzept\.pdf.*SHA-256"):
        bundle(v, example_copy.parent)
    pdf.unlink()
    with pytest.raises(ratsdok.AnlagenError, match=r"integrationskonzept\.pdf.*not found"):
        bundle(v, example_copy.parent)


def test_reserved_name() -> None:
    fields: dict[str, Any] = {"titel": "X", "medientyp": "application/xml", "inhalt": b"<x/>"}
    # A new document may not have the name (issue #13) …
    with pytest.raises(ValidationError, match="not portable"):
        anlage(1, "RATSDOK.xml", **fields)
    # … one read from an existing document may: the bundle still refuses it.
    a = anlage(1, "RATSDOK.xml", gelesen=True, **fields)
    with pytest.raises(ratsdok.AnlagenError, match="reserved"):
        bundle(vorlage(anlagen=[a]))


def test_cli_bundle_and_no_partial_output(
    example_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "b.pdf"
    out.parent.mkdir()
    assert main(["bundle", str(example_copy), "-o", str(out)]) == 0
    # The CLI embeds the input document itself (sealed), not a regenerated one.
    assert out.read_bytes() == bundle(
        ratsdok.load(EXAMPLE_XML), EXAMPLE_DIR, xml=EXAMPLE_XML.read_bytes()
    )
    out.unlink()
    (example_copy.parent / "integrationskonzept.pdf").unlink()
    assert main(["bundle", str(example_copy), "-o", str(out)]) == 1
    assert "integrationskonzept.pdf" in capsys.readouterr().err
    assert list(out.parent.iterdir()) == []


def test_cli_bundle_public(tmp_path: Path) -> None:
    folder = tmp_path / "v"
    folder.mkdir()
    v = with_anlagen()
    # the CLI reads Anlagen from files next to the XML
    anlagen = []
    for a in v.anlagen:
        assert a.inhalt is not None
        (folder / (a.dateiname or "")).write_bytes(a.inhalt)
        anlagen.append(a.model_copy(update={"inhalt": None}))
    on_disk = v.model_copy(update={"anlagen": tuple(anlagen)})
    ratsdok.save(on_disk, folder / "vorlage.xml")
    out = tmp_path / "public.pdf"
    assert main(["bundle", str(folder / "vorlage.xml"), "-o", str(out), "--oeffentlich"]) == 0
    got = from_pdf(out)
    assert [a.nummer for a in got.anlagen] == [1, 2]
    assert SECRET_TITLE.encode() not in uncompressed(out.read_bytes(), tmp_path)


def test_unwritable_output_leaves_nothing(tmp_path: Path) -> None:
    from ratsdok.pdf.bundling import bundle_to_file

    v = ratsdok.load(EXAMPLE_XML)
    with pytest.raises(ratsdok.OutputError, match="missing"):
        bundle_to_file(v, EXAMPLE_DIR, tmp_path / "missing" / "b.pdf")
    target = tmp_path / "folder.pdf"
    target.mkdir()
    with pytest.raises(ratsdok.OutputError, match="folder"):
        bundle_to_file(v, EXAMPLE_DIR, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.pdf"]
    assert list(target.iterdir()) == []


def test_cli_embed_nonconforming(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = unembedded_font_pdf("Wingdings")
    a = anlage(
        nummer=1,
        titel="Fremd",
        dateiname="fremd.pdf",
        groesse=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    (tmp_path / "fremd.pdf").write_bytes(data)
    ratsdok.save(vorlage(anlagen=[a]), tmp_path / "v.xml")
    out = tmp_path / "b.pdf"
    assert main(["bundle", str(tmp_path / "v.xml"), "-o", str(out)]) == 1
    assert "fremd.pdf" in capsys.readouterr().err and not out.exists()
    assert main(["bundle", str(tmp_path / "v.xml"), "-o", str(out), "--embed-nonconforming"]) == 0
    assert "Hinweis" in capsys.readouterr().err
    assert embedded(out)["fremd.pdf"] == data


def embedded(path: Path) -> dict[str, bytes]:
    with pikepdf.open(path) as pdf:
        return {k: f.get_file().read_bytes() for k, f in pdf.attachments.items()}


def test_stichtag_comes_from_content() -> None:
    from datetime import date

    from ratsdok.pdf.bundling import stichtag

    assert stichtag(vorlage()) == date(2021, 3, 4)
    assert stichtag(vorlage(datum=None)) == date(2021, 3, 30)
    assert stichtag(vorlage(datum=None, beratungsfolge=[])) == date(2021, 1, 1)
    assert stichtag(vorlage(nummer="Sonderfall", datum=None, beratungsfolge=[])) == date(2000, 1, 1)


# --- Öffentlichkeit (issue #10) ---------------------------------------------------------


def _geheim(**changes: object) -> ratsdok.Vorlage:
    return vorlage(
        oeffentlichkeit=ratsdok.Oeffentlichkeit(
            oeffentlich=False, grund=GRUND, rechtsgrundlage=RECHTSGRUNDLAGE
        ),
        **changes,
    )


def test_public_variant_refuses_a_nichtoeffentliche_vorlage(tmp_path: Path) -> None:
    from ratsdok.pdf.bundling import bundle_to_file

    v = _geheim()
    calls: list[Callable[..., object]] = [
        partial(bundle, v),
        partial(build_bundle, v),
        partial(bundle_to_file, v, None, tmp_path / "b.pdf"),
    ]
    for call in calls:
        with pytest.raises(ratsdok.InvalidDocumentError) as info:
            call(oeffentlich_only=True)
        (problem,) = info.value.problems
        assert problem.field == "oeffentlichkeit"
        assert GRUND in problem.message and RECHTSGRUNDLAGE in problem.message
        assert "nichtoeffentlich_freigeben" in problem.message
    assert not (tmp_path / "b.pdf").exists()
    # the full bundle and a released public one are built; the release is noted
    assert bundle(v).startswith(b"%PDF-")
    released = build_bundle(v, oeffentlich_only=True, nichtoeffentlich_freigeben=True)
    assert any("released" in h.message for h in released.hinweise)
    assert bundle_to_file(
        v, None, tmp_path / "b.pdf", oeffentlich_only=True, nichtoeffentlich_freigeben=True
    )
    # a Vorlage that says nothing, or says öffentlich, is not refused
    for oeffentlichkeit in (None, ratsdok.Oeffentlichkeit(oeffentlich=True)):
        assert bundle(vorlage(oeffentlichkeit=oeffentlichkeit), oeffentlich_only=True)


def test_cli_public_bundle_of_a_nichtoeffentliche_vorlage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xml = tmp_path / "v.xml"
    ratsdok.save(_geheim(), xml)
    out = tmp_path / "public.pdf"
    assert main(["bundle", str(xml), "-o", str(out), "--oeffentlich"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert str(xml) in err and GRUND in err and RECHTSGRUNDLAGE in err
    assert "--nichtoeffentlich-freigeben" in err
    assert not out.exists()
    args = ["bundle", str(xml), "-o", str(out), "--oeffentlich", "--nichtoeffentlich-freigeben"]
    assert main(args) == 0
    assert "Hinweis" in capsys.readouterr().err and out.exists()
    out.unlink()
    assert main(["bundle", str(xml), "-o", str(out), "--nichtoeffentlich-freigeben"]) == 2
    assert "--oeffentlich" in capsys.readouterr().err and not out.exists()
    assert main(["bundle", str(xml), "-o", str(out)]) == 0  # the full bundle


def test_the_bundles_vorlage_pages_are_marked(tmp_path: Path) -> None:
    v = reiche_vorlage(anlagen=[anlage(1, "a.pdf", inhalt=anlage_pdf("Anlage ohne Vermerk"))])
    path = tmp_path / "b.pdf"
    path.write_bytes(bundle(v))
    with pikepdf.open(path) as pdf:
        labels = [p.label for p in pdf.pages]
    vorlage_pages = [n for n, label in enumerate(labels) if not label.startswith("A")]
    assert len(vorlage_pages) >= 3
    texts = seitentexte(path, len(labels))
    for n, text in enumerate(texts):
        assert (f"NICHTÖFFENTLICH – {RECHTSGRUNDLAGE}" in text) is (n in vorlage_pages)


def test_the_public_bundle_leaves_out_results_of_nichtoeffentliche_sitzungen() -> None:
    """Standards: non-public material never reaches a public output. The Ergebnis of a
    Beratung held in nichtöffentlicher Sitzung is such material."""
    geheim = "Beschluss über den Kaufpreis von 123.456 €"
    v = ratsdok.Vorlage(
        nummer="KT 0001/2024",
        betreff="Test",
        beratungsfolge=[
            ratsdok.Beratung(
                gremium="Hauptausschuss",
                sitzungsart=ratsdok.Sitzungsart.NICHTOEFFENTLICH,
                ergebnis=ratsdok.Ergebnis(
                    beschlussergebnis=ratsdok.Beschlussergebnis.BESCHLOSSEN, beschlusstext=geheim
                ),
            ),
            ratsdok.Beratung(
                gremium="Kreistag",
                sitzungsart=ratsdok.Sitzungsart.OEFFENTLICH,
                ergebnis=ratsdok.Ergebnis(beschlussergebnis=ratsdok.Beschlussergebnis.BESCHLOSSEN),
            ),
        ],
    )
    full = ratsdok.build_bundle(v, None)
    public = ratsdok.build_bundle(v, None, oeffentlich_only=True)
    assert geheim.encode() in ratsdok.pdf.extraction.embedded_files(full.data)["ratsdok.xml"]
    public_xml = ratsdok.pdf.extraction.embedded_files(public.data)["ratsdok.xml"]
    assert geheim.encode() not in public_xml and b"Kaufpreis" not in public.data
    back = ratsdok.from_pdf(public.data)
    assert back.beratungsfolge[0].ergebnis is None
    assert back.beratungsfolge[1].ergebnis is not None  # the public one stays
    assert any("nichtöffentlicher Sitzung" in h.message for h in public.hinweise)


class _PageLookups:
    """``pdf.pages``, counting the uses that copy the whole page list in pikepdf 10:
    all but iterating (a slice or ``extend`` counts once per page)."""

    def __init__(self, pages: Any, counter: list[int]) -> None:
        self._pages = pages
        self._counter = counter

    def __iter__(self) -> Any:
        return iter(self._pages)

    def __len__(self) -> int:
        self._counter[0] += 1
        return len(self._pages)

    def __getitem__(self, key: Any) -> Any:
        n = len(range(*key.indices(len(self._pages)))) if isinstance(key, slice) else 1
        self._counter[0] += n
        return self._pages[key]

    def extend(self, other: Any) -> None:
        pages = list(other)
        self._counter[0] += len(pages)
        self._pages.extend(pages)

    def __getattr__(self, name: str) -> Any:  # append, insert, index, remove, …
        self._counter[0] += 1
        return getattr(self._pages, name)


@pytest.mark.parametrize("streamed", [False, True], ids=["in memory", "streamed"])
def test_page_lookups_do_not_grow_with_the_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: bool
) -> None:
    """Bundling takes time linear in the page count. Looking a page up by index copies
    the whole page list in pikepdf 10, and one look-up per page made bundling quadratic
    (20,000 pages: 2 min 41 s), so their number may not grow with the pages: of an
    Anlage and of a Hauptdokument with the nichtöffentlich mark, both with bookmarks
    (bench/bench_bigpdf.py measures the time)."""
    pages = vars(pikepdf.Pdf)["pages"]
    counter = [0]
    monkeypatch.setattr(
        pikepdf.Pdf, "pages", property(lambda pdf: _PageLookups(pages.fget(pdf), counter))
    )
    counts = []
    for n in (200, 400):
        folder = tmp_path / str(n)
        folder.mkdir()
        make_pages_pdf(folder / "haupt.pdf", n)
        make_pages_pdf(folder / "anlage.pdf", n)
        v = vorlage(
            abschnitte=[],
            hauptdokument=ratsdok.Hauptdokument(dateiname="haupt.pdf", medientyp="application/pdf"),
            anlagen=[anlage(1, "anlage.pdf")],
            oeffentlichkeit=ratsdok.Oeffentlichkeit(
                oeffentlich=False, rechtsgrundlage=RECHTSGRUNDLAGE
            ),
        )
        counter[0] = 0
        threshold = 0 if streamed else STREAM_THRESHOLD
        bundle_to_file(v, folder, folder / "bundle.pdf", stream_threshold=threshold)
        counts.append(counter[0])
        with pikepdf.open(folder / "bundle.pdf") as pdf:
            assert len(pdf.pages) > 2 * n
    assert counts[0] == counts[1], counts


# --- the accessible publication variant (issue #11) ------------------------------


def test_barrierefrei_bundle_is_pdfa_3a_and_pdfua_with_the_files_attached(
    tmp_path: Path,
) -> None:
    from ratsdok.pdf.bundling import build_barrierefrei
    from ratsdok.pdf.validation import cross_check, structure_problems

    v = ratsdok.load(EXAMPLE_XML)
    result = build_barrierefrei(v, EXAMPLE_DIR, xml=EXAMPLE_XML.read_bytes())
    results = cross_check(result.data, ["3a", "ua1"])
    assert all(r.ok for r in results), results
    assert structure_problems(result.data) == []
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        assert len(pdf.pages) == 1  # the Vorlage only: no untagged Anlage pages
        files = pdf.attachments
        assert sorted(files) == ["integrationskonzept.pdf", XML_NAME]
        original = (EXAMPLE_DIR / "integrationskonzept.pdf").read_bytes()
        assert files["integrationskonzept.pdf"].get_file().read_bytes() == original
        assert files["integrationskonzept.pdf"].relationship == pikepdf.Name.Supplement
        assert len(pdf.Root.AF) == 2
        assert pdf.open_metadata().pdfa_status == "3A"
    assert [c.status for c in result.checks] == [Status.OK, Status.EMBEDDED]
    assert result.ok
    # verify and extract read it like any bundle
    path = tmp_path / "b.pdf"
    path.write_bytes(result.data)
    assert ratsdok.verify(path).ok
    assert build_barrierefrei(v, EXAMPLE_DIR, xml=EXAMPLE_XML.read_bytes()).data == result.data


def test_cli_bundle_barrierefrei(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "b.pdf"
    assert main(["bundle", str(EXAMPLE_XML), "-o", str(out), "--barrierefrei"]) == 0
    info = subprocess.run(
        [require_tool("pdfinfo"), str(out)], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"Tagged:\s+yes", info)
    both = ["bundle", str(EXAMPLE_XML), "-o", str(out), "--barrierefrei", "--embed-nonconforming"]
    assert main(both) == 2
    assert "does not apply" in capsys.readouterr().err
