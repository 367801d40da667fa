"""The format 1.1 example BV 0123/2024: written from Markdown plus TOML, it uses every
new element, validates, round-trips exactly, exports to OParl and archives to xdomea."""

from __future__ import annotations

import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest
from lxml import etree

import ratsdok
from ratsdok import (
    Abschnittsart,
    InvalidDocumentError,
    Liste,
    Listenart,
    Tabelle,
)
from ratsdok.cli import main
from ratsdok.interop.xdomea import combined_schema_text
from tests.conftest import ROOT, require_corpus, require_tool
from tests.factories import schema_errors

FOLDER = ROOT / "examples" / "bv-0123-2024"
SOURCE = FOLDER / "vorlage.md"
XML = FOLDER / "vorlage.xml"


def test_the_committed_xml_is_what_build_writes(tmp_path: Path) -> None:
    out = tmp_path / "vorlage.xml"
    for f in FOLDER.iterdir():
        if f.name != "vorlage.xml":
            (tmp_path / f.name).write_bytes(f.read_bytes())
    assert main(["build", str(tmp_path / "vorlage.md"), "-o", str(out), "-q"]) == 0
    assert out.read_bytes() == XML.read_bytes()


def test_it_uses_every_new_element() -> None:
    v = ratsdok.load(XML)
    beschluss = v.abschnitt(Abschnittsart.BESCHLUSSVORSCHLAG)
    assert beschluss is not None
    (liste,) = [b for b in beschluss.bloecke if isinstance(b, Liste)]
    assert liste.art is Listenart.BUCHSTABEN and len(liste.punkte) == 3
    assert any(isinstance(b, Liste) for b in liste.punkte[2].bloecke)  # c) 1., 2.
    begruendung = v.abschnitt(Abschnittsart.BEGRUENDUNG)
    assert begruendung is not None
    assert any(isinstance(b, Tabelle) for b in begruendung.bloecke)
    assert v.finanzen is not None and len(v.finanzen.positionen) == 2
    votes = [s for b in v.beratungsfolge if b.ergebnis for s in b.ergebnis.abstimmungen]
    assert any(not s.vollstaendig for s in votes)  # "einstimmig bei 2 Enthaltungen"
    assert any(s.befangen for s in votes) and len(votes) == 3
    assert v.nichtoeffentlich and v.oeffentlichkeit is not None
    assert v.oeffentlichkeit.rechtsgrundlage == "§ 35 Abs. 2 ThürKO"
    assert v.bezuege and v.aktenzeichen and v.beteiligte
    assert [a.dateiname is None for a in v.anlagen] == [False, True]


def test_it_is_format_1_1_xsd_valid_and_round_trips_exactly() -> None:
    data = XML.read_bytes()
    assert etree.fromstring(data).get("version") == "1.1.0"
    assert ratsdok.to_xml(ratsdok.nachricht_from_xml(data)) == data
    xmllint = require_tool("xmllint")
    schema = Path(ratsdok.schema_dir()) / "ratsdok.xsd"
    out = subprocess.run(
        [xmllint, "--noout", "--schema", str(schema), str(XML)], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr


def test_oparl_export_needs_the_override_and_is_schema_valid() -> None:
    v = ratsdok.load(XML)
    with pytest.raises(InvalidDocumentError, match=r"§ 35 Abs\. 2 ThürKO"):
        ratsdok.oparl.export_paper(v, base_url="https://ris.example.de/oparl", anlagen_dir=FOLDER)
    paper = ratsdok.oparl.export_paper(
        v,
        base_url="https://ris.example.de/oparl",
        anlagen_dir=FOLDER,
        nichtoeffentlich_freigeben=True,
    )
    assert schema_errors(paper) == []
    back = ratsdok.oparl.import_paper(paper).vorlage
    # Non-public Anlagen and the Ergebnisse of nichtöffentliche Sitzungen never reach
    # OParl (both Beratungen here were nichtöffentlich); everything else comes back.
    assert back == v.oeffentliche_fassung()
    assert all(b.ergebnis is None for b in back.beratungsfolge)
    text = ratsdok.oparl.dump_json(paper).decode()
    assert "befangen" not in text  # the votes of the nichtöffentliche Sitzung
    assert "Wertgutachten des Gutachterausschusses" not in text  # a non-public Anlage


def test_the_archive_is_xdomea_valid_and_verifies(tmp_path: Path) -> None:
    xsd = require_corpus("xoev/schemas/xdomea_3.0.0/xdomea.xsd")
    driver = tmp_path / "kombiniert.xsd"
    driver.write_text(combined_schema_text(xsd), encoding="utf-8")
    schema = etree.XMLSchema(etree.parse(str(driver)))
    sealed = tmp_path / "src" / "vorlage.xml"
    sealed.parent.mkdir()
    for f in FOLDER.iterdir():
        (sealed.parent / f.name).write_bytes(f.read_bytes())
    sealed.write_bytes(ratsdok.seal(XML.read_bytes()))
    path = ratsdok.archive(
        [sealed],
        tmp_path,
        prozess_id=UUID("00000000-0000-4000-8000-000000000123"),
        zeitpunkt=datetime(2024, 3, 22, tzinfo=UTC),
        workers=1,
    )
    with zipfile.ZipFile(path) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(".0503.xml")]
        message = etree.fromstring(zf.read(name))
    assert schema.validate(message), schema.error_log
    assert ratsdok.verify_archive(path).ok
