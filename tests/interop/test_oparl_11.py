"""OParl and the content of format 1.1: result wording, the new Vorlagenarten, the
Hauptdokument as ``mainFile``, Anlagen without a file, the Öffentlichkeit, and the
extension carrying what OParl has no field for."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import ratsdok
from ratsdok import (
    Absatz,
    Abschnitt,
    Abschnittsart,
    Abstimmung,
    Anlage,
    Bearbeitungsstand,
    Beratung,
    Beschlussergebnis,
    Beteiligung,
    Bezug,
    Bezugsart,
    Ergebnis,
    Erweiterung,
    Finanzen,
    Fraktionsstimme,
    Gliederung,
    Hauptdokument,
    Haushaltsposition,
    Liste,
    Mehrheit,
    Oeffentlichkeit,
    Organisationseinheit,
    Quelle,
    Rolle,
    Stimme,
    Tabelle,
    Vorlage,
    Vorlagenart,
    Zustaendigkeit,
)
from ratsdok.integrity.seal import seal_of
from ratsdok.interop.oparl.restored import restored_by_import
from ratsdok.oparl import EXTENSION_KEY, dump_json, export_paper, import_paper
from tests.conftest import EXAMPLE_DIR, EXAMPLE_XML, require_corpus
from tests.factories import (
    BASE,
    HW,
    KA,
    ORGS,
    SPEC_PAPERS,
    assert_xsd_valid,
    consultation,
    huertgenwald_lookups,
    karlsruhe_lookups,
    paper,
    reasons,
    schema_errors,
    strict_schema_errors,
)

STAND = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
PDF = b"%PDF-1.7 die Vorlage als Datei"


def _with_result(result: str, **item: Any) -> ratsdok.oparl.ImportResult:
    """A Paper with one Consultation whose AgendaItem has *result*."""
    ai = {"id": "https://o.example/ai/1", "number": "5", "result": result, **item}
    meeting = {"id": "https://o.example/m/1", "start": "2025-01-02", "agendaItem": [ai]}
    c = consultation(1, meeting=meeting["id"], agendaItem=ai["id"])
    return import_paper(paper(consultation=[c]), meetings=[meeting], organizations=ORGS)


# --------------------------------------------------------------------------- import: results


@pytest.mark.parametrize(
    ("wording", "code", "mehrheit"),
    [
        ("einstimmig beschlossen", Beschlussergebnis.BESCHLOSSEN, Mehrheit.EINSTIMMIG),
        ("mehrheitlich abgelehnt", Beschlussergebnis.ABGELEHNT, Mehrheit.MEHRHEITLICH),
        ("Geändert beschlossen", Beschlussergebnis.GEAENDERT_BESCHLOSSEN, None),
        ("Kenntnisnahme", Beschlussergebnis.ZUR_KENNTNIS_GENOMMEN, None),
        ("verwiesen in den Gemeinderat", Beschlussergebnis.VERWIESEN, None),
        # the codes of format 1.1
        ("einstimmig empfohlen", Beschlussergebnis.EMPFOHLEN, Mehrheit.EINSTIMMIG),
        ("mit Änderungen empfohlen", Beschlussergebnis.GEAENDERT_EMPFOHLEN, None),
        ("Empfohlen mit Änderung", Beschlussergebnis.GEAENDERT_EMPFOHLEN, None),
        ("ohne Votum", Beschlussergebnis.OHNE_VOTUM, None),
        ("keine Empfehlung", Beschlussergebnis.OHNE_VOTUM, None),
        ("zur Ablehnung empfohlen", None, None),  # recommends the opposite: no code
        # wording that names no code is kept all the same (Hürtgenwald's results)
        ("einstimmig, 0 Enthaltungen", None, Mehrheit.EINSTIMMIG),
        ("ohne", None, None),
        ("keine Abstimmung", None, Mehrheit.OHNE_ABSTIMMUNG),
        (
            "Stimmengleichheit, damit abgelehnt",
            Beschlussergebnis.ABGELEHNT,
            Mehrheit.STIMMENGLEICHHEIT,
        ),
        ("nicht einstimmig beschlossen", Beschlussergebnis.BESCHLOSSEN, None),
        ("einstimmig, ein Antrag mehrheitlich abgelehnt", Beschlussergebnis.ABGELEHNT, None),
    ],
)
def test_result_wording_is_kept_with_what_it_names(
    wording: str, code: Beschlussergebnis | None, mehrheit: Mehrheit | None
) -> None:
    result = _with_result(wording + " ")
    (b,) = result.vorlage.beratungsfolge
    e = b.ergebnis
    assert e is not None
    assert e.wortlaut == wording  # always, as the source words it (trimmed like all text)
    assert e.beschlussergebnis is code
    assert e.abstimmungen == (() if mehrheit is None else (Abstimmung(mehrheit=mehrheit),))
    # Nothing is lost, so nothing is reported (the wording used to be reported as mapped).
    assert not [u for u in result.unmapped if "agendaItem" in u.path]
    assert_xsd_valid(result.vorlage)


def test_resolution_text_goes_with_a_wording_without_code() -> None:
    e = _with_result("ohne", resolutionText="Der Rat nimmt Kenntnis.").vorlage.beratungsfolge[0]
    assert e.ergebnis == Ergebnis(wortlaut="ohne", beschlusstext="Der Rat nimmt Kenntnis.")


def test_result_that_is_not_usable_text_is_reported() -> None:
    result = _with_result("beschlossen\x01", resolutionText="Text")
    assert result.vorlage.beratungsfolge[0].ergebnis is None
    why = reasons(result)
    assert why["$.consultation[0].agendaItem.result"] == "not usable text"
    assert why["$.consultation[0].agendaItem.resolutionText"] == "no result to attach it to"


def test_karlsruhe_result_keeps_its_wording_and_mehrheit() -> None:
    v = import_paper(require_corpus(f"{KA}/papers/51815.json"), **karlsruhe_lookups()).vorlage
    e = v.beratungsfolge[2].ergebnis  # Gemeinderat, meetings/10051.json item 18
    assert e is not None
    assert e.wortlaut == "mehrheitlich beschlossen"
    assert e.beschlussergebnis is Beschlussergebnis.BESCHLOSSEN
    assert e.abstimmungen == (Abstimmung(mehrheit=Mehrheit.MEHRHEITLICH),)


def test_huertgenwald_results_in_prose_are_kept() -> None:
    """STERNBERG's results mostly name no code ("einstimmig, 0 Enthaltungen", "ohne");
    they once gave no Ergebnis at all."""
    path = require_corpus(f"{HW}/body/1/paper?page=72.json")
    result = import_paper(path, **huertgenwald_lookups())
    ergebnisse = [b.ergebnis for v in result.vorlagen for b in v.beratungsfolge if b.ergebnis]
    wordings = [e.wortlaut for e in ergebnisse]
    assert "einstimmig, 0 Enthaltungen" in wordings and "ohne" in wordings
    einstimmig = [e for e in ergebnisse if e.wortlaut == "einstimmig, 0 Enthaltungen"]
    assert all(e.abstimmungen == (Abstimmung(mehrheit=Mehrheit.EINSTIMMIG),) for e in einstimmig)
    assert all(e.beschlussergebnis is None for e in einstimmig)
    assert not any(u.path.endswith(".result") for u in result.unmapped)
    for v in result.vorlagen:
        assert_xsd_valid(v)


# --------------------------------------------------------------------------- import: Files


def test_spec_example_main_file_is_the_hauptdokument() -> None:
    result = import_paper(require_corpus(SPEC_PAPERS[0]))
    v = result.vorlage
    assert v.art is Vorlagenart.ANTWORT  # "Beantwortung einer Anfrage"
    h = v.hauptdokument
    assert h is not None
    assert (h.dateiname, h.medientyp, h.groesse) == (
        "anlage_1_zur_anfrage.pdf",
        "application/pdf",
        82930,
    )
    assert h.quelle is not None and h.quelle.kennung == "https://oparl.example.org/files/57737"
    # The auxiliaryFile is Anlage 1 (the mainFile no longer is).
    assert [(a.nummer, a.dateiname) for a in v.anlagen] == [(1, "anlage.pdf")]
    # A Hauptdokument has no title: the File's name is reported.
    assert reasons(result)["$.mainFile.name"] == "File.name has no Hauptdokument field"
    assert_xsd_valid(v)


def test_huertgenwald_main_files_are_hauptdokumente() -> None:
    path = require_corpus(f"{HW}/body/1/paper?page=63.json")
    raw = [p for p in json.loads(path.read_text(encoding="utf-8"))["data"] if not p.get("deleted")]
    vorlagen = import_paper(path).vorlagen
    with_main = [(v, p) for v, p in zip(vorlagen, raw, strict=True) if "mainFile" in p]
    assert with_main
    for v, p in with_main:
        assert v.hauptdokument is not None
        assert v.hauptdokument.quelle is not None
        assert v.hauptdokument.quelle.kennung == p["mainFile"]["id"]
        assert len(v.anlagen) == len(p.get("auxiliaryFile", []))
        assert [a.nummer for a in v.anlagen] == list(range(1, len(v.anlagen) + 1))


def test_main_file_and_anlage_never_share_a_file_name() -> None:
    url = "https://o.example/f/plan.pdf"
    p = paper(
        mainFile={"id": "https://o.example/f/1", "accessUrl": url, "fileName": "Plan.pdf"},
        auxiliaryFile=[{"id": "https://o.example/f/2", "accessUrl": url, "fileName": "plan.pdf"}],
    )
    v = import_paper(p).vorlage
    assert v.hauptdokument is not None and v.hauptdokument.dateiname == "Plan.pdf"
    assert v.anlagen[0].dateiname == "plan-2.pdf"


def test_main_file_without_a_name_is_named_vorlage() -> None:
    f = {
        "id": "https://o.example/f/1",
        "accessUrl": "https://o.example/f/1",
        "mimeType": "application/pdf",
    }
    result = import_paper(paper(mainFile=f))
    h = result.vorlage.hauptdokument
    assert h is not None and h.dateiname == "vorlage.pdf"
    assert "vorlage.pdf" in reasons(result)["$.mainFile.fileName"]


@pytest.mark.parametrize(
    ("extra", "verweis"),
    [
        ({}, None),
        ({"web": "https://o.example/web/2"}, "https://o.example/web/2"),
        ({"externalServiceUrl": "https://video.example/7"}, "https://video.example/7"),
        (
            {"externalServiceUrl": "https://video.example/7", "web": "https://o.example/web/2"},
            "https://video.example/7",
        ),
    ],
)
def test_file_without_a_url_is_an_anlage_known_by_title(
    extra: dict[str, str], verweis: str | None
) -> None:
    f = {
        "id": "https://o.example/f/2",
        "name": "Lageplan (liegt aus)",
        "fileName": "lageplan.pdf",
        "mimeType": "application/pdf",
        "size": 1234,
        **extra,
    }
    result = import_paper(paper(auxiliaryFile=[f]))
    (a,) = result.vorlage.anlagen
    assert a.dateiname is None and not a.hat_datei
    assert (a.nummer, a.titel, a.verweis, a.medientyp, a.groesse) == (
        1,
        "Lageplan (liegt aus)",
        verweis,
        None,
        None,
    )
    assert a.quelle is not None and a.quelle.kennung == f["id"]
    why = reasons(result)
    for key in ("fileName", "mimeType", "size"):
        assert "no accessUrl or downloadUrl" in why[f"$.auxiliaryFile[0].{key}"]
    assert "$.auxiliaryFile[0].externalServiceUrl" not in why
    assert_xsd_valid(result.vorlage)


def test_file_without_a_url_or_a_name_is_skipped_and_reported() -> None:
    result = import_paper(paper(auxiliaryFile=[{"id": "https://o.example/f/2"}]))
    assert result.vorlage.anlagen == ()
    assert "nothing to name the Anlage by" in reasons(result)["$.auxiliaryFile[0]"]


def test_main_file_without_a_url_is_reported() -> None:
    f = {"id": "https://o.example/f/1", "fileName": "vorlage.pdf", "name": "Vorlage"}
    result = import_paper(paper(mainFile=f))
    assert result.vorlage.hauptdokument is None and result.vorlage.anlagen == ()
    assert "no file to be the Hauptdokument" in reasons(result)["$.mainFile"]


# --------------------------------------------------------------------------- export


def vorlage_11(**changes: Any) -> Vorlage:
    """A Vorlage using every field of format 1.1 (public unless changed)."""
    data: dict[str, Any] = {
        "uuid": "0b0c1d2e-3f40-4152-8637-48495a6b7c8d",
        "nummer": "DS 2024/0815",
        "art": Vorlagenart.BERICHTSVORLAGE,
        "betreff": "Sanierung der Sporthalle Nord",
        "datum": date(2024, 3, 4),
        "koerperschaft": "Stadt Musterstadt",
        "aktenzeichen": "GZ: 65-1234/24",
        "oeffentlichkeit": Oeffentlichkeit(oeffentlich=True),
        "bearbeitungsstand": Bearbeitungsstand.IN_BERATUNG,
        "beteiligte": [
            Beteiligung(rolle=Rolle.SACHBEARBEITUNG, name="Frau Beispiel", funktion="Amt 65"),
            Beteiligung(
                rolle=Rolle.MITZEICHNUNG,
                organisationseinheit=Organisationseinheit(name="Kämmerei", kennung="20"),
                datum=date(2024, 3, 1),
                vermerk="einverstanden",
            ),
        ],
        "beratungsfolge": [
            Beratung(
                gremium="Bauausschuss",
                sitzungstermin=date(2024, 3, 12),
                zustaendigkeit=Zustaendigkeit.VORBERATUNG,
                ergebnis=Ergebnis(
                    beschlussergebnis=Beschlussergebnis.GEAENDERT_EMPFOHLEN,
                    wortlaut="mit Änderungen empfohlen",
                    abstimmungen=[
                        Abstimmung(gegenstand="Änderungsantrag der SPD", ja=7, nein=4),
                        Abstimmung(
                            gegenstand="Vorlage",
                            mehrheit=Mehrheit.EINSTIMMIG,
                            enthaltung=2,
                            befangen=1,
                            fraktionen=[Fraktionsstimme(fraktion="SPD", stimme=Stimme.JA)],
                            wortlaut="einstimmig bei 2 Enthaltungen",
                        ),
                    ],
                ),
            ),
            Beratung(
                gremium="Rat",
                sitzungstermin=date(2024, 3, 26),
                zustaendigkeit=Zustaendigkeit.ENTSCHEIDUNG,
                ergebnis=Ergebnis(wortlaut="ohne"),
            ),
        ],
        "gliederung": Gliederung.ARABISCH,
        "abschnitte": [
            Abschnitt(
                art=Abschnittsart.BESCHLUSSVORSCHLAG,
                bezeichnung="A)",
                bloecke=[
                    "Der Rat beschließt:",
                    Liste(punkte=["die Sanierung,", "die Finanzierung."]),
                    Tabelle(kopf=[["Posten", "Betrag"]], zeilen=[["Dach", "1.000 €"], ["", ""]]),
                ],
            ),
            Abschnitt(art=Abschnittsart.BEGRUENDUNG, absaetze=["Die Halle ist alt."]),
        ],
        "finanzen": Finanzen(
            auswirkungen=True,
            positionen=[
                Haushaltsposition(
                    haushaltsjahr=2024,
                    produkt="1.11.01",
                    sachkonto="42102.54190020",
                    betrag=Decimal("-1234.50"),
                )
            ],
        ),
        "hauptdokument": Hauptdokument(
            dateiname="vorlage.pdf",
            medientyp="application/pdf",
            inhalt=PDF,
            quelle=Quelle(kennung="https://ris.example/file/9"),
            erweiterungen=[Erweiterung(schluessel="ris:seiten", wert="3")],
        ),
        "anlagen": [
            Anlage(
                nummer=1,
                titel="Plan",
                dateiname="plan.pdf",
                medientyp="application/pdf",
                oeffentlich=True,
            ),
            Anlage(
                nummer=2,
                titel="Gutachten",
                oeffentlich=True,
                hinweis="liegt in der Sitzung aus",
                erweiterungen=[Erweiterung(schluessel="ris:ort", wert='"Raum 1"')],
            ),
            Anlage(nummer=3, titel="Video", oeffentlich=True, verweis="https://video.example/7"),
        ],
        "bezuege": [Bezug(art=Bezugsart.ANTWORT_AUF, nummer="DS 2024/0700")],
    }
    data.update(changes)
    return Vorlage(**data)


def test_vorlage_11_is_exported_and_imported_whole(tmp_path: Path) -> None:
    v = vorlage_11()
    out = export_paper(v, base_url=BASE, stand=STAND)
    assert strict_schema_errors(out) == [] and schema_errors(out) == []
    # The Hauptdokument is the mainFile.
    main = out["mainFile"]
    pid = f"{BASE}/paper/{v.uuid}"
    assert main["id"] == f"{pid}/file/hauptdokument"
    assert main["accessUrl"] == f"{pid}/file/hauptdokument/vorlage.pdf"
    assert (main["name"], main["fileName"], main["mimeType"]) == (
        "Vorlage DS 2024/0815",
        "vorlage.pdf",
        "application/pdf",
    )
    assert (main["size"], main["sha512Checksum"]) == (len(PDF), hashlib.sha512(PDF).hexdigest())
    assert main["ris:seiten"] == 3
    # Anlagen without a file have no File; OParl has no field for the results.
    assert [f["fileName"] for f in out["auxiliaryFile"]] == ["plan.pdf"]
    assert all("result" not in c and "agendaItem" not in c for c in out["consultation"])
    # The extension carries every field of format 1.1.
    ext = out[EXTENSION_KEY]
    for key in (
        "aktenzeichen",
        "oeffentlichkeit",
        "bearbeitungsstand",
        "beteiligte",
        "gliederung",
        "finanzen",
        "hauptdokument",
    ):
        assert key in ext, key
    assert ext["aktenzeichen"] == "GZ: 65-1234/24" and ext["gliederung"] == "arabisch"
    assert ext["finanzen"]["positionen"][0]["betrag"] == "-1234.50"
    assert [a["nummer"] for a in ext["anlagen"]] == [1, 2, 3]
    assert ext["anlagen"][1]["erweiterungen"] == [{"schluessel": "ris:ort", "wert": '"Raum 1"'}]
    assert "erweiterungen" not in ext["anlagen"][2] and "erweiterungen" not in ext["hauptdokument"]
    assert ext["abschnitte"][0]["bloecke"][2]["zeilen"][1] == ["", ""]  # empty cells are data
    assert len(ext["beratungsfolge"][0]["ergebnis"]["abstimmungen"]) == 2
    # Import gives the Vorlage back, minus the inline bytes (size and digest stay).
    result = import_paper(json.loads(dump_json(out)))
    back = result.vorlage
    assert v.hauptdokument is not None
    expected = v.model_copy(
        update={"hauptdokument": v.hauptdokument.model_copy(update={"inhalt": None})}
    )
    assert back == expected == restored_by_import(v, base_url=BASE)
    assert back.hauptdokument is not None
    assert back.hauptdokument.sha256 == hashlib.sha256(PDF).hexdigest()
    assert ext["pruefsumme"] == seal_of(v)[0]
    assert ext["pruefsumme_oparl"] == seal_of(back)[0]
    assert not any("pruefsumme" in u.path for u in result.unmapped)
    # The mainFile's name is derived; the extension restores the Hauptdokument whole.
    assert "$.mainFile.name" not in reasons(result)
    # export → import → export gives the same JSON (with the file at hand again); the
    # seal is that of the Vorlage without the inline bytes now.
    (tmp_path / "vorlage.pdf").write_bytes(PDF)
    again = export_paper(back, base_url=BASE, stand=STAND, anlagen_dir=tmp_path)
    assert again[EXTENSION_KEY].pop("pruefsumme") == ext.pop("pruefsumme_oparl")
    del again[EXTENSION_KEY]["pruefwert"], ext["pruefsumme"], ext["pruefwert"]
    assert dump_json(again) == dump_json(out)


def test_hauptdokument_bytes_in_the_folder_must_match(tmp_path: Path) -> None:
    h = Hauptdokument(dateiname="vorlage.pdf", medientyp="application/pdf", groesse=len(PDF))
    v = vorlage_11(hauptdokument=h)
    (tmp_path / "vorlage.pdf").write_bytes(PDF)
    main = export_paper(v, base_url=BASE, anlagen_dir=tmp_path)["mainFile"]
    assert main["sha512Checksum"] == hashlib.sha512(PDF).hexdigest()
    (tmp_path / "vorlage.pdf").write_bytes(PDF + b"!")
    with pytest.raises(ratsdok.AnlagenError) as info:
        export_paper(v, base_url=BASE, anlagen_dir=tmp_path)
    assert info.value.problems[0].field == "hauptdokument"


def test_extension_hauptdokument_without_a_main_file_is_reported() -> None:
    out = export_paper(vorlage_11(), base_url=BASE, stand=STAND)
    del out["mainFile"]
    result = import_paper(out)
    assert result.vorlage.hauptdokument is None
    assert "no mainFile" in reasons(result)[f"$.{EXTENSION_KEY}.hauptdokument"]


def test_the_example_export_is_byte_for_byte_as_before() -> None:
    """A Vorlage without format 1.1 content is exported as before format 1.1 existed."""
    v = ratsdok.load(EXAMPLE_XML)
    data = dump_json(export_paper(v, base_url="https://x.example", anlagen_dir=EXAMPLE_DIR))
    assert (
        hashlib.sha256(data).hexdigest()
        == "a9e8a2839312e0102422adf421b41f7d21dd0dd7a716229e3d93d0fea366dc33"
    )


# --------------------------------------------------------------------------- Öffentlichkeit

NICHT = Oeffentlichkeit(
    oeffentlich=False, grund="Grundstücksangelegenheit", rechtsgrundlage="§ 35 Abs. 2 ThürKO"
)


def test_nichtoeffentliche_vorlage_is_refused() -> None:
    v = vorlage_11(oeffentlichkeit=NICHT)
    with pytest.raises(ratsdok.InvalidDocumentError) as info:
        export_paper(v, base_url=BASE)
    (problem,) = info.value.problems
    assert problem.field == "oeffentlichkeit"
    message = str(info.value)
    for part in ("nichtöffentlich", "Grundstücksangelegenheit", "§ 35 Abs. 2 ThürKO"):
        assert part in message
    assert "public data only" in message
    assert (
        "nichtoeffentlich_freigeben=True" in message and "--nichtoeffentlich-freigeben" in message
    )


def test_nichtoeffentliche_vorlage_without_reason_is_refused() -> None:
    v = ratsdok.load(EXAMPLE_XML).aendern(oeffentlichkeit=Oeffentlichkeit(oeffentlich=False))
    with pytest.raises(ratsdok.InvalidDocumentError, match="is nichtöffentlich, and OParl"):
        export_paper(v, base_url=BASE)


def test_nichtoeffentliche_vorlage_is_exported_when_released() -> None:
    v = vorlage_11(oeffentlichkeit=NICHT)
    out = export_paper(v, base_url=BASE, stand=STAND, nichtoeffentlich_freigeben=True)
    assert strict_schema_errors(out) == []
    assert out[EXTENSION_KEY]["oeffentlichkeit"] == {
        "oeffentlich": False,
        "grund": "Grundstücksangelegenheit",
        "rechtsgrundlage": "§ 35 Abs. 2 ThürKO",
    }
    back = import_paper(out).vorlage
    assert back.oeffentlichkeit == NICHT and back.nichtoeffentlich
    assert back == restored_by_import(v, base_url=BASE)


@pytest.mark.parametrize("oeffentlichkeit", [None, Oeffentlichkeit(oeffentlich=True)])
def test_public_or_unstated_vorlage_is_exported(oeffentlichkeit: Oeffentlichkeit | None) -> None:
    v = vorlage_11(oeffentlichkeit=oeffentlichkeit)
    out = export_paper(v, base_url=BASE, stand=STAND)
    assert import_paper(out).vorlage.oeffentlichkeit == oeffentlichkeit


def test_absatz_only_sections_keep_the_10_form() -> None:
    v = vorlage_11()
    ext = export_paper(v, base_url=BASE, stand=STAND)[EXTENSION_KEY]
    assert ext["abschnitte"][1] == {"art": "begruendung", "absaetze": ["Die Halle ist alt."]}
    assert isinstance(v.abschnitte[0].bloecke[0], Absatz)
