"""The xdomea archive and the content of format 1.1: Öffentlichkeit, Bearbeitungsstand,
Aktenzeichen and Sachbearbeitung in xdomea's own elements, the Hauptdokument as the
Vorlage's primary file, and Anlagen without a file."""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

import ratsdok
from ratsdok import (
    Anlage,
    Bearbeitungsstand,
    Beteiligung,
    Hauptdokument,
    Oeffentlichkeit,
    Organisationseinheit,
    Rolle,
    Status,
    Vorlage,
)
from ratsdok.interop.xdomea import archive, combined_schema_text, verify_archive
from ratsdok.interop.xdomea.names import hauptdokument_file_name
from tests.conftest import EXAMPLE_XML
from tests.factories import (
    PID,
    WHEN,
    X,
    anlage_pdf,
    archive_message,
    make_archive,
    rewrite_zip,
    vorlage,
    vorlagen,
    xdomea_xsd,
)

HAUPT = anlage_pdf("Die Vorlage als Datei")
NICHT = Oeffentlichkeit(
    oeffentlich=False, grund="Personalangelegenheit", rechtsgrundlage="§ 35 Abs. 2 ThürKO"
)
VERTRAULICH = f"{X}AllgemeineMetadaten/{X}Vertraulichkeitsstufe/code"
BEMERKUNG = f"{X}AllgemeineMetadaten/{X}Bemerkung"


@cache
def _schemas() -> tuple[etree.XMLSchema, etree.XMLSchema]:
    """The xdomea 3.0.0 schema, and the one that validates the embedded ratsdok XML too."""
    with tempfile.TemporaryDirectory() as tmp:
        driver = Path(tmp) / "kombiniert.xsd"
        driver.write_text(combined_schema_text(xdomea_xsd()), encoding="utf-8")
        return (
            etree.XMLSchema(etree.parse(str(xdomea_xsd()))),
            etree.XMLSchema(etree.parse(str(driver))),
        )


@pytest.fixture
def schemas() -> tuple[etree.XMLSchema, etree.XMLSchema]:
    return _schemas()


def vorlage_11(**changes: Any) -> Vorlage:
    """The archive tests' Vorlage with the fields of format 1.1 and a Hauptdokument."""
    data: dict[str, Any] = {
        "aktenzeichen": "GZ: OB 7412-08",
        "oeffentlichkeit": Oeffentlichkeit(oeffentlich=True),
        "bearbeitungsstand": Bearbeitungsstand.ERLEDIGT,
        "beteiligte": [
            Beteiligung(rolle=Rolle.SACHBEARBEITUNG, name="Frau Beispiel"),
            Beteiligung(
                rolle=Rolle.SACHBEARBEITUNG,
                organisationseinheit=Organisationseinheit(name="Amt 65"),
            ),
            Beteiligung(rolle=Rolle.VERFASSER, name="Herr Verfasser"),
        ],
        "hauptdokument": Hauptdokument(
            dateiname="Vorlage 12.PDF", medientyp="application/pdf", inhalt=HAUPT
        ),
        "anlagen": [
            Anlage(
                nummer=1,
                titel="Lageplan",
                dateiname="lageplan.pdf",
                medientyp="application/pdf",
                oeffentlich=True,
                inhalt=anlage_pdf("Lageplan"),
            ),
            Anlage(
                nummer=2,
                titel="Gutachten",
                oeffentlich=True,
                hinweis="liegt in der Sitzung zur Einsicht aus",
                verweis="https://ris.example/gutachten",
            ),
            Anlage(
                nummer=3,
                titel="Vermerk",
                dateiname="vermerk.txt",
                medientyp="text/plain",
                oeffentlich=False,
                inhalt=b"intern",
            ),
        ],
    }
    data.update(changes)
    return vorlage(**data)


def _vorgang(path: Path) -> etree._Element:
    vg = etree.fromstring(archive_message(path)).find(f"{X}Schriftgutobjekt/{X}Vorgang")
    assert vg is not None
    return vg


@pytest.mark.parametrize(
    "oeffentlichkeit", [Oeffentlichkeit(oeffentlich=True), NICHT], ids=["oeffentlich", "nicht"]
)
def test_vorlage_11_archive_validates_and_verifies(
    tmp_path: Path,
    schemas: tuple[etree.XMLSchema, etree.XMLSchema],
    oeffentlichkeit: Oeffentlichkeit,
) -> None:
    v = vorlage_11(oeffentlichkeit=oeffentlichkeit)
    path = make_archive(tmp_path, v)
    doc = etree.fromstring(archive_message(path))
    for schema in schemas:
        assert schema.validate(doc), schema.error_log
    result = verify_archive(path)
    assert result.ok, result
    (vg,) = result.vorgaenge
    haupt = next(c for c in vg.checks if c.label == hauptdokument_file_name(v))
    assert haupt.status is Status.OK and "ratsdok digest" in haupt.reason


def test_oeffentlichkeit_stand_aktenzeichen_and_bearbeiter(tmp_path: Path) -> None:
    vg = _vorgang(make_archive(tmp_path, vorlage_11()))
    dok = vg.find(f"{X}Dokument")
    assert dok is not None
    # Öffentlich: Vertraulichkeitsstufe 003 (Offen) on the Vorgang, the Vorlage and the
    # public Anlagen; the nichtöffentliche Anlage gets none, its Bemerkung says why.
    assert vg.findtext(VERTRAULICH) == "003" and dok.findtext(VERTRAULICH) == "003"
    stufe = vg.find(f"{X}AllgemeineMetadaten/{X}Vertraulichkeitsstufe")
    assert stufe is not None
    assert stufe.get("listURI") == "urn:xoev-de:xdomea:codeliste:vertraulichkeitsstufe"
    a1, a2, a3 = dok.iterfind(f"{X}Anlage")
    assert [a.findtext(VERTRAULICH) for a in (a1, a2, a3)] == ["003", "003", None]
    assert a3.findtext(BEMERKUNG) == "nichtöffentlich"
    # The Bearbeitungsstand is the Vorgang's Bemerkung.
    assert vg.findtext(BEMERKUNG) == "Bearbeitungsstand: erledigt"
    assert dok.findtext(BEMERKUNG) is None
    # The Aktenzeichen is the Geschäftszeichen of the Vorlage in the sending system.
    assert dok.findtext(f"{X}FremdesGeschaeftszeichen") == "GZ: OB 7412-08"
    assert dok.findtext(f"{X}AllgemeineMetadaten/{X}Kennzeichen") == "KT 0200/2021"
    # The Sachbearbeitung (a person or an office) is the Bearbeiter; the Verfasser is not.
    assert dok.findtext(f"{X}Bearbeiter") == "Frau Beispiel; Amt 65"


def test_nichtoeffentliche_vorlage_is_marked(tmp_path: Path) -> None:
    vg = _vorgang(make_archive(tmp_path, vorlage_11(oeffentlichkeit=NICHT, bearbeitungsstand=None)))
    dok = vg.find(f"{X}Dokument")
    assert dok is not None
    why = "nichtöffentlich: Personalangelegenheit (§ 35 Abs. 2 ThürKO)"
    # Kommunalrecht's nichtöffentlich is no VS classification: no Stufe is claimed.
    assert vg.findtext(VERTRAULICH) is None and dok.findtext(VERTRAULICH) is None
    assert vg.findtext(BEMERKUNG) == why and dok.findtext(BEMERKUNG) == why
    # Every Anlage of a nichtöffentliche Vorlage is nichtöffentlich too.
    bemerkungen = [a.findtext(BEMERKUNG) or "" for a in dok.iterfind(f"{X}Anlage")]
    assert [b.splitlines()[0] for b in bemerkungen] == ["nichtöffentlich"] * 3


def test_bemerkung_joins_reason_and_stand(tmp_path: Path) -> None:
    o = Oeffentlichkeit(oeffentlich=False, rechtsgrundlage="§ 52 GemO")
    vg = _vorgang(make_archive(tmp_path, vorlage_11(oeffentlichkeit=o)))
    assert vg.findtext(BEMERKUNG) == "nichtöffentlich (§ 52 GemO)\nBearbeitungsstand: erledigt"


def test_hauptdokument_is_the_vorlage_dokument(tmp_path: Path) -> None:
    v = vorlage_11()
    path = make_archive(tmp_path, v)
    vg = _vorgang(path)
    fmt = vg.find(f"{X}Dokument/{X}Version/{X}Format")
    assert fmt is not None
    assert fmt.findtext(f"{X}Name/code") == "018"  # its own Dateiformat, not 044 PDF/A
    assert fmt.findtext(f"{X}Version") == ""
    name = hauptdokument_file_name(v)
    assert name.endswith("_Hauptdokument.pdf")
    assert fmt.findtext(f"{X}Primaerdokument/{X}Dateiname") == name
    assert fmt.findtext(f"{X}Primaerdokument/{X}DateinameOriginal") == "Vorlage 12.PDF"
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert zf.read(name) == HAUPT  # the original bytes
    assert not any(n.endswith("_Vorlage.pdf") for n in names)  # no rendering of its own
    # The Anlage without a file: an xdomea Anlage without a Version, its note as Bemerkung.
    a2 = vg.findall(f"{X}Dokument/{X}Anlage")[1]
    assert a2.find(f"{X}Version") is None and a2.findtext(f"{X}Nummer") == "2"
    assert a2.findtext(BEMERKUNG) == (
        "liegt in der Sitzung zur Einsicht aus\nVerweis: https://ris.example/gutachten"
    )
    assert sum("_Anlage" in n for n in names) == 2


def _swap(path: Path, bad: Path, name: str, fake: bytes, manifest: bool) -> None:
    """Replace entry *name* by *fake*; with *manifest*, fix the manifest too."""

    def change(n: str, d: bytes) -> tuple[str, bytes]:
        if n == name:
            return n, fake
        if n == "manifest.sha256" and manifest:
            lines = [
                (hashlib.sha256(fake).hexdigest() + line[64:]) if line.endswith(name) else line
                for line in d.decode().splitlines()
            ]
            return n, ("\n".join(lines) + "\n").encode()
        return n, d

    rewrite_zip(path, bad, change)


@pytest.mark.parametrize(
    ("fake", "reason"),
    [
        (HAUPT + b"%", "size"),
        (HAUPT[:-1] + b"%", "SHA-256 differs from the ratsdok digest"),
    ],
)
def test_verify_checks_the_hauptdokument_against_the_record(
    tmp_path: Path, fake: bytes, reason: str
) -> None:
    v = vorlage_11()
    path = make_archive(tmp_path, v)
    bad = tmp_path / path.name
    _swap(path, bad, hauptdokument_file_name(v), fake, manifest=True)
    result = verify_archive(bad)
    assert not result.ok
    failed = [c for c in result.vorgaenge[0].checks if not c.ok]
    assert [c.label for c in failed] == [hauptdokument_file_name(v)]
    assert failed[0].status is Status.CHANGED and reason in failed[0].reason


def test_verify_finds_a_missing_hauptdokument(tmp_path: Path) -> None:
    v = vorlage_11()
    path = make_archive(tmp_path, v)
    bad = tmp_path / path.name
    name = hauptdokument_file_name(v)

    def drop(n: str, d: bytes) -> tuple[str, bytes]:
        if n.endswith(".0503.xml"):
            # the message no longer names the Hauptdokument (the manifest check reports
            # the changed message; the Vorgang check the missing Primaerdokument)
            return n, d.replace(name.encode(), b"00000000-0000-4000-8000-000000000000_x.pdf")
        return n, d

    rewrite_zip(path, bad, drop)
    result = verify_archive(bad)
    assert not result.ok
    missing = [c for c in result.vorgaenge[0].checks if c.label == name]
    assert [(c.status, c.reason) for c in missing] == [
        (Status.MISSING, "the Hauptdokument has no Primaerdokument in the message")
    ]


def test_hauptdokument_from_a_file_is_archived_with_its_digest(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "Vorlage 12.PDF").write_bytes(HAUPT)
    h = Hauptdokument(dateiname="Vorlage 12.PDF", medientyp="application/pdf")
    src = folder / "vorlage.xml"
    ratsdok.save(vorlage(hauptdokument=h, datum=date(2021, 3, 4)), src)
    out = tmp_path / "out"
    out.mkdir()
    path = archive([src], out, prozess_id=PID, zeitpunkt=WHEN, workers=1)
    result = verify_archive(path)
    assert result.ok, result
    # loading filled in size and digest, so the archived file is checked against them
    (vg,) = result.vorgaenge
    haupt = next(c for c in vg.checks if c.label.endswith("_Hauptdokument.pdf"))
    assert "ratsdok digest" in haupt.reason
    bad = tmp_path / path.name
    _swap(path, bad, haupt.label, HAUPT[:-1] + b"%", manifest=True)
    assert not verify_archive(bad).ok


def test_missing_hauptdokument_file_is_refused(tmp_path: Path) -> None:
    h = Hauptdokument(dateiname="fehlt.pdf", medientyp="application/pdf")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ratsdok.RatsdokError, match="Hauptdokument: file is missing"):
        archive([(vorlage(hauptdokument=h), tmp_path)], out, prozess_id=PID, zeitpunkt=WHEN)


def test_example_message_is_byte_for_byte_as_before(tmp_path: Path) -> None:
    """A Vorlage without format 1.1 content is archived as before format 1.1 existed."""
    path = archive([EXAMPLE_XML], tmp_path, prozess_id=PID, zeitpunkt=WHEN, workers=1)
    assert hashlib.sha256(archive_message(path)).hexdigest() == EXAMPLE_MESSAGE_SHA256


# Changed once since format 1.1: the Vorlage PDF's Format/Version is "PDF/A-2a" since
# the archive copy is tagged (issue #11); nothing else in the message changed.
EXAMPLE_MESSAGE_SHA256 = "1792fffe855e0281a7e9cc07f6c68f2b6ac8f8d06e733e868c8e92ae3ea25fc5"


def _archivable(v: Vorlage) -> Vorlage:
    """*v* with bytes for each of its files (inline), so that it can be archived, and
    with a Hauptdokument: the archive then renders no PDF. (Rendering is the PDF
    layer's; generated text can hold characters its fonts lack, which the PDF/A
    check refuses.)"""
    values = v.model_dump()
    if values["hauptdokument"] is None:
        # Generated Anlage names have no blanks: this one cannot clash with them.
        values["hauptdokument"] = {
            "dateiname": "Haupt dokument.pdf",
            "medientyp": "application/pdf",
        }
    files = [values["hauptdokument"]]
    files += [a for a in values["anlagen"] if a["dateiname"] is not None]
    for i, f in enumerate(files):
        f.update(inhalt=f"Datei {i}".encode(), groesse=None, sha256=None)
    return Vorlage.model_validate(values)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vorlagen(neu=True))
def test_generated_vorlagen_11_archive_validly(v: Vorlage) -> None:
    """Whatever format 1.1 content a Vorlage has, its 0503 meets the xdomea schema and
    verifies, and its Öffentlichkeit is said as documented."""
    v = _archivable(v)
    with tempfile.TemporaryDirectory() as tmp:
        path = make_archive(Path(tmp), v)
        doc = etree.fromstring(archive_message(path))
        for schema in _schemas():
            assert schema.validate(doc), schema.error_log
        result = verify_archive(path)
        assert result.ok, [c for c in result.vorgaenge[0].checks if not c.ok]
    vg = doc.find(f"{X}Schriftgutobjekt/{X}Vorgang")
    assert vg is not None
    stufe = vg.findtext(VERTRAULICH)
    assert stufe == ("003" if v.oeffentlichkeit and v.oeffentlichkeit.oeffentlich else None)
    assert ("nichtöffentlich" in (vg.findtext(BEMERKUNG) or "")) == v.nichtoeffentlich
