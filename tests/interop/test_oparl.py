"""OParl import (lenient) and export (strict), on the corpus and on each real-data quirk."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

import ratsdok
from ratsdok.cli import main
from ratsdok.interop.oparl.json_input import MAX_JSON_BYTES, load_json
from ratsdok.model.codes import Beschlussergebnis, Sitzungsart, Vorlagenart, Zustaendigkeit
from ratsdok.oparl import EXTENSION_KEY, dump_json, export_paper, import_paper, oparl_uuid
from ratsdok.xml.parser import MAX_TEXT_BYTES
from tests.conftest import EXAMPLE_DIR, EXAMPLE_XML, require_corpus
from tests.factories import (
    BASE,
    HW,
    HW_PAGES,
    KA,
    KA_DELETED,
    KA_PAPERS,
    ORGS,
    SPEC_PAPERS,
    anlage,
    assert_xsd_valid,
    consultation,
    huertgenwald_lookups,
    karlsruhe_lookups,
    paper,
    reasons,
    schema_errors,
)

# --------------------------------------------------------------------------- helpers


# --------------------------------------------------------------------------- corpus import


@pytest.mark.parametrize("number", KA_PAPERS)
def test_karlsruhe_paper_imports_to_valid_xml(number: str) -> None:
    path = require_corpus(f"{KA}/papers/{number}.json")
    result = import_paper(path, **karlsruhe_lookups())
    if number in KA_DELETED:
        assert result.vorlagen == ()
        assert any("deleted" in u.reason for u in result.unmapped)
        return
    v = result.vorlage
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert str(v.nummer) == raw["reference"]
    assert v.uuid == oparl_uuid(raw["id"])
    assert len(v.beratungsfolge) == len(raw.get("consultation", []))
    assert len(v.anlagen) == len(raw.get("auxiliaryFile", []))
    assert (v.hauptdokument is not None) == ("mainFile" in raw)
    assert all(b.gremium and not b.gremium.startswith("http") for b in v.beratungsfolge)
    assert_xsd_valid(v)


@pytest.mark.parametrize("page", HW_PAGES)
def test_huertgenwald_list_page_imports_to_valid_xml(page: str) -> None:
    path = require_corpus(f"{HW}/body/1/paper?page={page}.json")
    raw = json.loads(path.read_text(encoding="utf-8"))
    deleted = [p for p in raw["data"] if p.get("deleted")]
    result = import_paper(path, **huertgenwald_lookups())
    assert len(result.vorlagen) == len(raw["data"]) - len(deleted)
    skipped = [u for u in result.unmapped if u.reason == "deleted object skipped"]
    assert len(skipped) == len(deleted)
    for v in result.vorlagen:
        assert_xsd_valid(v)
        # 1.0 data has neither role nor authoritative: unknown stays unknown
        assert all(b.zustaendigkeit is None for b in v.beratungsfolge)
        assert all(a.oeffentlich for a in v.anlagen)


def test_huertgenwald_page_73_has_deleted_stubs_without_type() -> None:
    path = require_corpus(f"{HW}/body/1/paper?page=73.json")
    raw = json.loads(path.read_text(encoding="utf-8"))
    stubs = [i for i, p in enumerate(raw["data"]) if p.get("deleted") and "type" not in p]
    assert stubs
    result = import_paper(path)
    by_path = reasons(result)
    for i in stubs:
        assert by_path[f"$.data[{i}]"] == "deleted object skipped"


def test_huertgenwald_meeting_fills_sitzungstermin_and_file_names_from_urls() -> None:
    path = require_corpus(f"{HW}/body/1/paper?page=72.json")
    result = import_paper(path, **huertgenwald_lookups())
    dated = [b for v in result.vorlagen for b in v.beratungsfolge if b.sitzungstermin]
    assert dated  # meeting?page=13 holds the meetings of page 72
    first = import_paper(require_corpus(f"{HW}/body/1/paper?page=63.json")).vorlagen[0]
    assert first.hauptdokument is not None
    assert first.hauptdokument.dateiname == "Beschlussvorlage_56-2018.pdf"
    assert first.art is Vorlagenart.BESCHLUSSVORLAGE


@pytest.mark.parametrize("relative", SPEC_PAPERS)
def test_spec_example_paper_imports(relative: str) -> None:
    v = import_paper(require_corpus(relative)).vorlage
    assert_xsd_valid(v)
    assert v.beratungsfolge


def test_spec_11_example_beschlussfassung_with_authoritative_false() -> None:
    result = import_paper(require_corpus(SPEC_PAPERS[0]))
    v = result.vorlage
    assert v.beratungsfolge[0].zustaendigkeit is Zustaendigkeit.ENTSCHEIDUNG
    assert "contradicts role" in reasons(result)["$.consultation[0].authoritative"]


def test_hitzeaktionsplan_mapping() -> None:
    path = require_corpus(f"{KA}/papers/51815.json")
    result = import_paper(path, **karlsruhe_lookups())
    v = result.vorlage
    assert str(v.nummer) == "2025/0369"
    assert v.art is Vorlagenart.BESCHLUSSVORLAGE
    assert v.datum == date(2025, 4, 17)
    assert [b.zustaendigkeit for b in v.beratungsfolge] == [
        Zustaendigkeit.VORBERATUNG,
        Zustaendigkeit.VORBERATUNG,
        Zustaendigkeit.ENTSCHEIDUNG,
        Zustaendigkeit.KENNTNISNAHME,
    ]
    gr = v.beratungsfolge[2]
    assert gr.gremium == "Gemeinderat"
    assert gr.sitzungstermin == date(2025, 7, 29)
    assert gr.sitzungsart is Sitzungsart.OEFFENTLICH
    assert gr.tagesordnungspunkt == "18"
    assert gr.ergebnis is not None
    assert gr.ergebnis.beschlussergebnis is Beschlussergebnis.BESCHLOSSEN
    assert v.federfuehrung is not None
    assert [a.nummer for a in v.anlagen] == [1, 2, 3, 4, 5, 6]
    assert v.anlagen[0].dateiname == "00666831.pdf"
    assert v.anlagen[0].titel == "Beschlussvorlage"
    assert all(a.groesse is None and a.sha256 is None for a in v.anlagen)
    # Vorberatung with authoritative true: role kept, conflict reported
    assert "contradicts" in reasons(result)["$.consultation[1].authoritative"]
    # re-import gives the same Vorlage
    assert import_paper(path, **karlsruhe_lookups()).vorlage == v


def test_broken_braunschweig_json_gives_clear_error() -> None:
    path = require_corpus(
        "oparl/meine-stadt-transparent+meine-stadt-transparent/testdata/broken_json.broken_json"
    )
    with pytest.raises(ratsdok.InvalidDocumentError) as info:
        import_paper(path)
    (problem,) = info.value.problems
    assert problem.file == str(path)
    assert problem.line is not None and problem.line > 1
    assert "not valid JSON" in problem.message


def test_invalid_json_bytes_name_the_line() -> None:
    with pytest.raises(ratsdok.RatsdokError) as info:
        import_paper(b'{\n "id": "x",\n "name": \n}')
    assert info.value.problems[0].line == 4


def test_string_longer_than_an_xml_text_is_refused_on_reading() -> None:
    page = {"data": [paper(), paper(name="ü" * (MAX_TEXT_BYTES // 2) + "x")]}
    with pytest.raises(ratsdok.InvalidDocumentError) as info:
        import_paper(json.dumps(page, ensure_ascii=False).encode())
    (problem,) = info.value.problems
    assert problem.field == "$.data[1].name"
    assert f"{MAX_TEXT_BYTES + 1:,} bytes" in problem.message
    at_limit = paper(name="ü" * (MAX_TEXT_BYTES // 2))
    assert import_paper(json.dumps(at_limit).encode()).vorlage.betreff == at_limit["name"]


def test_json_larger_than_the_limit_is_refused_unparsed(tmp_path: Path) -> None:
    data = json.dumps(paper()).encode()
    assert load_json(data, max_bytes=len(data))[0] == paper()
    path = tmp_path / "paper.json"
    path.write_bytes(data)
    for source in (data, path):
        with pytest.raises(ratsdok.UnsafeInputError) as info:
            load_json(source, max_bytes=len(data) - 1)
        assert "limit" in info.value.problems[0].message
    assert MAX_JSON_BYTES < 100_000_000  # the 100 MB name is refused unread


# --------------------------------------------------------------------------- quirks


def test_deleted_stub_without_type_is_skipped() -> None:
    page = {"data": [{"id": "https://o.example/paper/9", "deleted": True}, paper()]}
    result = import_paper(page)
    assert len(result.vorlagen) == 1
    assert reasons(result)["$.data[0]"] == "deleted object skipped"


def test_empty_strings_are_absent() -> None:
    v = import_paper(paper(paperType="", date="", consultation=[consultation(1, role="")])).vorlage
    assert v.art is None and v.datum is None
    assert v.beratungsfolge[0].zustaendigkeit is None


def test_empty_reference_cannot_make_a_vorlage() -> None:
    result = import_paper(paper(reference=""))
    assert result.vorlagen == ()
    assert "reference" in reasons(result)["$"]


def test_string_numbers_and_single_object_for_array() -> None:
    f = {"id": "https://o.example/file/1", "accessUrl": "https://o.example/f/1", "size": "1234"}
    f |= {"fileName": "plan.pdf", "name": "Lageplan", "mimeType": "application/pdf"}
    v = import_paper(paper(auxiliaryFile=f)).vorlage
    assert v.anlagen[0].groesse == 1234
    assert v.anlagen[0].titel == "Lageplan"


def test_z_times_give_the_local_date() -> None:
    meeting = {"id": "https://o.example/meeting/1", "start": "2025-07-29T22:30:00Z"}
    c = consultation(1, meeting="https://o.example/meeting/1")
    v = import_paper(paper(consultation=[c]), meetings=[meeting], organizations=ORGS).vorlage
    assert v.beratungsfolge[0].sitzungstermin == date(2025, 7, 30)  # 00:30 in Germany
    assert v.beratungsfolge[0].gremium == "Bauausschuss"


def test_agenda_item_public_and_number() -> None:
    item = {"id": "https://o.example/ai/1", "number": "7.1", "public": False, "result": "vertagt"}
    meeting: dict[str, Any] = {"id": "https://o.example/m/1", "start": "2025-01-02T17:00:00+01:00"}
    meeting["agendaItem"] = [item]
    c = consultation(3, meeting="https://o.example/m/1", agendaItem="https://o.example/ai/1")
    b = import_paper(paper(consultation=[c]), meetings=[meeting], organizations=ORGS)
    beratung = b.vorlage.beratungsfolge[0]
    assert beratung.sitzungsart is Sitzungsart.NICHTOEFFENTLICH
    assert beratung.tagesordnungspunkt == "7.1"
    assert beratung.ergebnis is not None
    assert beratung.ergebnis.beschlussergebnis is Beschlussergebnis.VERTAGT


@pytest.mark.parametrize(
    ("role", "authoritative", "expected"),
    [
        (None, None, None),
        (None, True, Zustaendigkeit.ENTSCHEIDUNG),
        (None, False, None),
        ("BESCHLUSSFASSUNG", None, Zustaendigkeit.ENTSCHEIDUNG),
        ("entscheidung", None, Zustaendigkeit.ENTSCHEIDUNG),
        ("Vorberatung", True, Zustaendigkeit.VORBERATUNG),
        ("kenntnisnahme", None, Zustaendigkeit.KENNTNISNAHME),
        ("Anhörung", None, Zustaendigkeit.ANHOERUNG),
        ("unbekannt", None, None),
    ],
)
def test_role_and_authoritative(
    role: str | None, authoritative: bool | None, expected: Zustaendigkeit | None
) -> None:
    c = consultation(1)
    if role is not None:
        c["role"] = role
    if authoritative is not None:
        c["authoritative"] = authoritative
    v = import_paper(paper(consultation=[c]), organizations=ORGS).vorlage
    assert v.beratungsfolge[0].zustaendigkeit is expected


def test_unknown_paper_type_is_reported() -> None:
    result = import_paper(paper(paperType="Schriftliche Information ohne Code"))
    assert result.vorlage.art is None
    assert "Vorlagenart" in reasons(result)["$.paperType"]


@pytest.mark.parametrize(
    ("paper_type", "art"),
    [
        ("Mitteilungsvorlage", Vorlagenart.INFORMATIONSVORLAGE),
        ("Antrag", Vorlagenart.ANTRAG),
        ("Ergänzungsvorlage", Vorlagenart.ERGAENZUNGSVORLAGE),
        ("Informationsvorlage (Mitteilungsvorlage)", Vorlagenart.INFORMATIONSVORLAGE),
        # the codes of format 1.1, by label, by code and by the names servers use
        ("mitteilung", Vorlagenart.MITTEILUNG),
        ("Sitzungsvorlage", Vorlagenart.SITZUNGSVORLAGE),
        ("Berichtsvorlage", Vorlagenart.BERICHTSVORLAGE),
        ("Beantwortung einer Anfrage", Vorlagenart.ANTWORT),  # Hürtgenwald, spec example
        ("Antwort (auf eine Anfrage)", Vorlagenart.ANTWORT),
        ("Stellungnahme der Verwaltung", Vorlagenart.STELLUNGNAHME),
        ("Änderungs-/Ergänzungsantrag", Vorlagenart.AENDERUNGSANTRAG),  # Karlsruhe
        ("aenderungsantrag", Vorlagenart.AENDERUNGSANTRAG),
        ("Resolution", Vorlagenart.RESOLUTION),
        ("Tisch-Vorlage", Vorlagenart.TISCHVORLAGE),
        ("Zwischennachricht", Vorlagenart.ZWISCHENNACHRICHT),
        ("Sonstige Vorlage", Vorlagenart.SONSTIGE),
    ],
)
def test_paper_types(paper_type: str, art: Vorlagenart) -> None:
    assert import_paper(paper(paperType=paper_type)).vorlage.art is art


def test_vendor_keys_of_the_paper_are_kept_through_xml_and_export() -> None:
    value = {"x": 1, "raum": "Saal „Wartburg“"}
    result = import_paper(paper(**{"sternberg:intern": value}))
    assert "$.sternberg:intern" not in reasons(result)
    v = result.vorlage
    assert [(e.schluessel, json.loads(e.wert)) for e in v.erweiterungen] == [
        ("sternberg:intern", value)
    ]
    again = ratsdok.from_xml(ratsdok.to_xml(v))
    assert again == v
    exported = export_paper(
        again,
        base_url="https://ris.example.de/oparl",
        stand=datetime(2020, 5, 26, tzinfo=UTC),
    )
    assert exported["sternberg:intern"] == value
    assert import_paper(exported).vorlage.erweiterungen == v.erweiterungen


def _nested_vendor_paper() -> dict[str, Any]:
    """A Paper whose Consultations and Files carry vendor-prefixed keys."""
    return paper(
        consultation=[
            consultation(1, role="Vorberatung", **{"ris:x": 1, "ris:raum": {"nr": "A 1"}}),
            consultation(3, role="Entscheidung", **{"sternberg:sitzung": [1, None, ""]}),
        ],
        mainFile={
            "id": "https://oparl.example.org/file/1",
            "accessUrl": "https://oparl.example.org/file/1/plan.pdf",
            "fileName": "plan.pdf",
            "name": "Plan",
            "vendor:seiten": 12,
        },
        auxiliaryFile=[
            {
                "id": "https://oparl.example.org/file/2",
                "accessUrl": "https://oparl.example.org/file/2/karte.png",
                "fileName": "karte.png",
                "name": "Karte",
            },
            {
                "id": "https://oparl.example.org/file/3",
                "downloadUrl": "https://oparl.example.org/file/3/vertrag.pdf",
                "fileName": "vertrag.pdf",
                "name": "Vertrag",
                "ris:intern": {"b": False, "a": "Saal „Wartburg“"},
            },
        ],
    )


def _kept(erweiterungen: tuple[ratsdok.Erweiterung, ...]) -> list[tuple[str, Any]]:
    return [(e.schluessel, json.loads(e.wert)) for e in erweiterungen]


def test_vendor_keys_of_consultations_and_files_are_kept() -> None:
    result = import_paper(_nested_vendor_paper(), organizations=ORGS)
    assert not any("vendor" in u.reason for u in result.unmapped)
    assert not any(":" in u.path.rsplit(".", 1)[-1] for u in result.unmapped)
    v = result.vorlage
    first, second = v.beratungsfolge
    assert _kept(first.erweiterungen) == [("ris:raum", {"nr": "A 1"}), ("ris:x", 1)]
    # Vendor values are kept verbatim: null and "" are not dropped as in OParl fields.
    assert _kept(second.erweiterungen) == [("sternberg:sitzung", [1, None, ""])]
    assert v.hauptdokument is not None
    assert _kept(v.hauptdokument.erweiterungen) == [("vendor:seiten", 12)]
    assert [_kept(a.erweiterungen) for a in v.anlagen] == [
        [],
        [("ris:intern", {"a": "Saal „Wartburg“", "b": False})],
    ]
    # Compact JSON with sorted keys, like the Paper level.
    assert v.anlagen[1].erweiterungen[0].wert == '{"a":"Saal „Wartburg“","b":false}'
    assert v.erweiterungen == ()


def test_nested_vendor_keys_survive_xml_and_export() -> None:
    raw = _nested_vendor_paper()
    v = import_paper(raw, organizations=ORGS).vorlage
    data = ratsdok.to_xml(v)
    assert data.count(b"<ratsdok:erweiterung>") == 5
    again = ratsdok.from_xml(data)
    assert again == v
    stand = datetime(2021, 6, 1, tzinfo=UTC)
    out = export_paper(again, base_url=BASE, stand=stand)
    assert schema_errors(out) == []
    c1, c2 = out["consultation"]
    assert (c1["ris:x"], c1["ris:raum"]) == (1, {"nr": "A 1"})
    assert c2["sternberg:sitzung"] == [1, None, ""]
    assert out["mainFile"]["vendor:seiten"] == 12
    files = out["auxiliaryFile"]
    assert [f.get("vendor:seiten") for f in files] == [None, None]
    assert files[1]["ris:intern"] == raw["auxiliaryFile"][1]["ris:intern"]
    # Vendor keys travel on the objects only, not a second time in the ratsdok extension.
    assert "erweiterungen" not in json.dumps(out[EXTENSION_KEY])
    # import → export → import is exact, export → import → export keeps every key.
    back = import_paper(json.loads(dump_json(out)))
    assert back.vorlage == v
    assert dump_json(export_paper(back.vorlage, base_url=BASE, stand=stand)) == dump_json(out)


def test_nested_vendor_keys_without_the_ratsdok_extension() -> None:
    v = import_paper(_nested_vendor_paper(), organizations=ORGS).vorlage
    out = export_paper(v, base_url=BASE, stand=datetime(2021, 6, 1, tzinfo=UTC))
    del out[EXTENSION_KEY]
    back = import_paper(out).vorlage
    assert [b.erweiterungen for b in back.beratungsfolge] == [
        b.erweiterungen for b in v.beratungsfolge
    ]
    assert [a.erweiterungen for a in back.anlagen] == [a.erweiterungen for a in v.anlagen]
    assert back.hauptdokument is not None and v.hauptdokument is not None
    assert back.hauptdokument.erweiterungen == v.hauptdokument.erweiterungen


def test_erweiterungen_never_override_oparl_keys() -> None:
    clash = [
        ratsdok.Erweiterung(schluessel=k, wert='"x"')
        for k in ("role", "meeting", "id", EXTENSION_KEY, "ris:ok")
    ]
    v = ratsdok.Vorlage(
        nummer="BV 1/2021",
        betreff="Kollision",
        datum=date(2021, 1, 1),
        beratungsfolge=[
            ratsdok.Beratung(
                gremium="Rat", zustaendigkeit=Zustaendigkeit.VORBERATUNG, erweiterungen=clash
            )
        ],
        anlagen=[
            anlage(
                nummer=1,
                titel="Plan",
                dateiname="plan.pdf",
                erweiterungen=[
                    ratsdok.Erweiterung(schluessel="fileName", wert='"evil.exe"'),
                    ratsdok.Erweiterung(schluessel="ris:ok", wert="1"),
                ],
            )
        ],
        erweiterungen=[ratsdok.Erweiterung(schluessel=EXTENSION_KEY, wert="1")],
    )
    out = export_paper(v, base_url=BASE)
    assert schema_errors(out) == []
    (c,) = out["consultation"]
    assert c["role"] == "Vorberatung" and c["id"].startswith(BASE)
    assert "meeting" not in c and EXTENSION_KEY not in c
    assert c["ris:ok"] == "x"
    (f,) = out["auxiliaryFile"]
    assert f["fileName"] == "plan.pdf" and f["ris:ok"] == 1
    assert isinstance(out[EXTENSION_KEY], dict)


def test_erweiterung_that_is_not_json_is_an_export_error() -> None:
    b = ratsdok.Beratung(
        gremium="Rat", erweiterungen=[ratsdok.Erweiterung(schluessel="ris:x", wert="{kaputt")]
    )
    v = ratsdok.Vorlage(nummer="BV 1/2021", betreff="x", datum=date(2021, 1, 1), beratungsfolge=[b])
    with pytest.raises(ratsdok.InvalidDocumentError) as info:
        export_paper(v, base_url=BASE)
    (problem,) = info.value.problems
    assert problem.field == "beratungsfolge[0].erweiterungen[0].wert"


def test_vendor_keys_that_cannot_be_kept_unchanged_are_reported() -> None:
    odd = "a\x85b\ud800\x7f"
    c = consultation(1, **{"ris:x ": 1, "ris:\x85": 2, EXTENSION_KEY: {}, "ris:steuer": odd})
    result = import_paper(paper(consultation=[c]), organizations=ORGS)
    why = reasons(result)
    for key in ("ris:x ", "ris:\x85", EXTENSION_KEY):
        assert "vendor extension not kept" in why[f"$.consultation[0].{key}"]
    # Characters ratsdok text refuses are escaped in the value; it parses back exactly.
    (kept,) = result.vorlage.beratungsfolge[0].erweiterungen
    assert kept.schluessel == "ris:steuer"
    assert kept.wert == '"a\\u0085b\\ud800\\u007f"'
    assert json.loads(kept.wert) == odd
    assert ratsdok.from_xml(ratsdok.to_xml(result.vorlage)) == result.vorlage


def test_extension_with_other_erweiterungen_is_reported(example: ratsdok.Vorlage) -> None:
    out = export_paper(example, base_url=BASE)
    out["consultation"][0]["ris:x"] = 1
    out[EXTENSION_KEY]["beratungsfolge"][0]["erweiterungen"] = [
        {"schluessel": "ris:y", "wert": "2"}
    ]
    result = import_paper(out)
    assert _kept(result.vorlage.beratungsfolge[0].erweiterungen) == [("ris:x", 1)]
    path = f"$.{EXTENSION_KEY}.beratungsfolge[0].erweiterungen"
    assert "vendor keys of the consultation object are kept" in reasons(result)[path]


def test_unsafe_and_duplicate_file_names_are_sanitised() -> None:
    files = [
        {"id": f"https://o.example/f/{i}", "accessUrl": "https://o.example/a", "fileName": n}
        for i, n in enumerate(
            ["../../etc/passwd", "Plan.pdf", "plan.pdf", "a:b?.pdf", "rechnung\u202egnp.exe"]
        )
    ]
    result = import_paper(paper(auxiliaryFile=files))
    names = [a.dateiname for a in result.vorlage.anlagen]
    # the bidi override would show "rechnungexe.png"
    assert names == ["_._etc_passwd", "Plan.pdf", "plan-2.pdf", "a_b_.pdf", "rechnung_gnp.exe"]
    assert all(a.medientyp == "application/octet-stream" for a in result.vorlage.anlagen)


def test_second_entscheidung_is_left_unknown_and_reported() -> None:
    cs = [consultation(1, role="Entscheidung"), consultation(3, role="Entscheidung")]
    result = import_paper(paper(consultation=cs), organizations=ORGS)
    b = result.vorlage.beratungsfolge
    assert b[0].zustaendigkeit is Zustaendigkeit.ENTSCHEIDUNG
    assert b[1].zustaendigkeit is None
    assert "second Entscheidung" in reasons(result)["$.consultation[1]"]


def test_consultations_out_of_date_order_are_sorted() -> None:
    meetings = [
        {"id": "https://o.example/m/1", "start": "2025-03-01T17:00:00+01:00"},
        {"id": "https://o.example/m/2", "start": "2025-02-01T17:00:00+01:00"},
    ]
    cs = [
        consultation(3, meeting="https://o.example/m/1"),
        consultation(1, meeting=meetings[1]["id"]),
    ]
    result = import_paper(paper(consultation=cs), meetings=meetings, organizations=ORGS)
    assert [b.gremium for b in result.vorlage.beratungsfolge] == ["Bauausschuss", "Stadtrat"]
    assert "sorted" in reasons(result)["$.consultation"]


def test_referenced_consultation_and_unknown_organization_are_reported() -> None:
    result = import_paper(paper(consultation=["https://o.example/c/1", consultation(8)]))
    by_path = reasons(result)
    assert "not supplied" in by_path["$.consultation[0]"]
    assert result.vorlage.beratungsfolge[0].gremium == "https://oparl.example.org/organization/8"
    assert "Gremium holds its URL" in by_path["$.consultation[1].organization[0]"]


def test_uuid_is_derived_from_the_id() -> None:
    a = import_paper(paper()).vorlage
    b = import_paper(paper(id="https://oparl.example.org/paper/2")).vorlage
    assert a.uuid == import_paper(paper()).vorlage.uuid
    assert a.uuid != b.uuid


def test_import_from_list_and_bytes() -> None:
    result = import_paper(json.dumps([paper(), paper(id="https://o.example/p/2")]).encode())
    assert len(result.vorlagen) == 2
    with pytest.raises(ValueError, match="2 Vorlagen"):
        _ = result.vorlage


# --------------------------------------------------------------------------- export


def test_export_example_validates_and_round_trips(example: ratsdok.Vorlage) -> None:
    out = export_paper(example, base_url=BASE + "/", anlagen_dir=EXAMPLE_DIR)
    assert schema_errors(out) == []
    assert out["id"] == f"{BASE}/paper/{example.uuid}"
    assert out["type"] == "https://schema.oparl.org/1.1/Paper"
    assert out["reference"] == "KT 0134/2020"
    assert out["paperType"] == "Beschlussvorlage"
    assert [c["authoritative"] for c in out["consultation"]] == [False, True]
    assert [c["role"] for c in out["consultation"]] == ["Vorberatung", "Entscheidung"]
    (f,) = out["auxiliaryFile"]
    data = (EXAMPLE_DIR / "integrationskonzept.pdf").read_bytes()
    assert f["sha512Checksum"] == hashlib.sha512(data).hexdigest()
    assert f["size"] == len(data)
    assert f["name"] == "Anlage 1 – Integrationskonzept"
    assert EXTENSION_KEY in out
    assert import_paper(json.loads(dump_json(out))).vorlage == example


def test_export_without_bytes_has_no_checksum(example: ratsdok.Vorlage) -> None:
    out = export_paper(example, base_url=BASE)
    (f,) = out["auxiliaryFile"]
    assert "sha512Checksum" not in f and "size" not in f
    assert import_paper(out).vorlage == example


def test_export_refuses_mismatching_bytes(example: ratsdok.Vorlage, tmp_path: Path) -> None:
    (tmp_path / "integrationskonzept.pdf").write_bytes(b"other")
    with pytest.raises(ratsdok.AnlagenError):
        export_paper(example, base_url=BASE, anlagen_dir=tmp_path)


def test_non_public_anlagen_are_not_exported(example: ratsdok.Vorlage) -> None:
    secret = anlage(
        nummer=2,
        titel="Vertrag",
        dateiname="vertrag.pdf",
        oeffentlich=False,
        inhalt=b"geheim",
    )
    public = anlage(
        nummer=3,
        titel="Karte",
        dateiname="karte.png",
        medientyp="image/png",
        inhalt=b"png",
    )
    v = example.model_copy(update={"anlagen": (*example.anlagen, secret, public)})
    v = ratsdok.Vorlage.model_validate(v.model_dump())
    out = export_paper(v, base_url=BASE)
    text = json.dumps(out, ensure_ascii=False)
    assert "vertrag.pdf" not in text and "Vertrag" not in text
    assert [f["name"] for f in out["auxiliaryFile"]][-1] == "Anlage 3 – Karte"
    assert out["auxiliaryFile"][-1]["sha512Checksum"] == hashlib.sha512(b"png").hexdigest()
    assert schema_errors(out) == []
    back = import_paper(out).vorlage
    assert [a.nummer for a in back.anlagen] == [1, 3]


def test_export_is_deterministic(example: ratsdok.Vorlage) -> None:
    a = dump_json(export_paper(example, base_url=BASE))
    b = dump_json(export_paper(ratsdok.load(EXAMPLE_XML), base_url=BASE))
    assert a == b
    assert a.endswith(b"\n")
    assert "ü".encode() in a
    out = json.loads(a)
    assert out["created"] == "2020-05-25T00:00:00+02:00"
    assert out["modified"] == "2020-05-26T00:00:00+02:00"
    assert all(c["created"] == out["created"] for c in out["consultation"])


def test_export_needs_a_date_or_stand() -> None:
    v = ratsdok.Vorlage(nummer="KT 1/2020", betreff="Ohne Datum")
    with pytest.raises(ratsdok.InvalidDocumentError) as info:
        export_paper(v, base_url=BASE)
    # the message names the Python argument and the command line option
    assert "stand=" in str(info.value) and "--stand" in str(info.value)
    stand = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    out = export_paper(v, base_url=BASE, stand=stand)
    assert out["created"] == out["modified"] == "2024-01-02T03:04:05+00:00"
    assert schema_errors(out) == []


@pytest.mark.parametrize(
    ("stand", "stamp"),
    [
        (date(2024, 1, 2), "2024-01-02T00:00:00+01:00"),
        (date(2024, 7, 2), "2024-07-02T00:00:00+02:00"),
        (date(1890, 1, 2), "1890-01-02T00:00:00+00:00"),  # before Berlin's whole-minute offset
    ],
)
def test_export_stand_may_be_a_date(stand: date, stamp: str) -> None:
    # a date stands for its midnight in Berlin, as the dates the export derives
    v = ratsdok.Vorlage(nummer="KT 1/2020", betreff="Ohne Datum")
    out = export_paper(v, base_url=BASE, stand=stand)
    assert out["created"] == out["modified"] == stamp
    assert schema_errors(out) == []


def test_unknown_zustaendigkeit_exports_without_role(example: ratsdok.Vorlage) -> None:
    b = example.beratungsfolge[0].model_copy(update={"zustaendigkeit": None})
    v = example.model_copy(update={"beratungsfolge": (b, example.beratungsfolge[1])})
    c = export_paper(v, base_url=BASE)["consultation"][0]
    assert "role" not in c and "authoritative" not in c


@pytest.mark.parametrize("number", [n for n in KA_PAPERS if n not in KA_DELETED])
def test_karlsruhe_import_export_import(number: str) -> None:
    path = require_corpus(f"{KA}/papers/{number}.json")
    v = import_paper(path, **karlsruhe_lookups()).vorlage
    out = export_paper(v, base_url=BASE)
    assert schema_errors(out) == []
    assert import_paper(json.loads(dump_json(out))).vorlage == v


def test_huertgenwald_import_export_import() -> None:
    path = require_corpus(f"{HW}/body/1/paper?page=72.json")
    for v in import_paper(path, **huertgenwald_lookups()).vorlagen:
        out = export_paper(v, base_url=BASE)
        assert schema_errors(out) == []
        assert import_paper(out).vorlage == v


def _by_reference(paper: dict[str, Any]) -> tuple[dict[str, Any], list[Any], list[Any]]:
    """The Paper with its Consultations and Files replaced by their URLs, and those objects."""
    consultations = list(paper.get("consultation", []))
    files = [paper["mainFile"]] if "mainFile" in paper else []
    files += list(paper.get("auxiliaryFile", []))
    linked = dict(paper, consultation=[c["id"] for c in consultations])
    if "mainFile" in paper:
        linked["mainFile"] = paper["mainFile"]["id"]
    if "auxiliaryFile" in paper:
        linked["auxiliaryFile"] = [f["id"] for f in paper["auxiliaryFile"]]
    return linked, consultations, files


def test_referenced_consultations_and_files_are_resolved(tmp_path: Path) -> None:
    """OParl allows objects by URL; given as lookups they import like embedded ones."""
    path = require_corpus(f"{KA}/papers/51815.json")
    paper = json.loads(path.read_bytes())
    embedded = import_paper(paper, **karlsruhe_lookups()).vorlage
    assert embedded.beratungsfolge and embedded.anlagen
    linked, consultations, files = _by_reference(paper)

    alone = import_paper(linked, **karlsruhe_lookups())
    assert alone.vorlage.beratungsfolge == () and alone.vorlage.anlagen == ()
    notes = reasons(alone)
    assert notes["$.consultation[0]"] == "referenced Consultation not supplied; skipped"
    assert any(r == "referenced File not supplied; skipped" for r in notes.values())

    page = {"data": consultations}  # a list page works as well as single objects
    resolved = import_paper(linked, consultations=page, files=files, **karlsruhe_lookups()).vorlage
    assert resolved == embedded

    # and from the command line, with the objects in JSON files
    src, cfile, ffile = tmp_path / "paper.json", tmp_path / "c.json", tmp_path / "f.json"
    src.write_text(json.dumps(linked), encoding="utf-8")
    cfile.write_text(json.dumps(page), encoding="utf-8")
    ffile.write_text(json.dumps(files), encoding="utf-8")
    lookups = [f"--organizations={p}" for p in karlsruhe_lookups()["organizations"]]
    lookups += [f"--meetings={p}" for p in karlsruhe_lookups()["meetings"]]
    out = tmp_path / "v.xml"
    args = ["oparl", "import", str(src), "-o", str(out), "-q", *lookups]
    assert main([*args, "--consultations", str(cfile), "--files", str(ffile)]) == 0
    assert ratsdok.load(out, anlagen="ignore") == embedded


def test_extension_not_matching_is_reported(example: ratsdok.Vorlage) -> None:
    out = export_paper(example, base_url=BASE)
    broken = copy.deepcopy(out)
    broken[EXTENSION_KEY]["beratungsfolge"].pop()
    result = import_paper(broken)
    assert "one to one" in reasons(result)[f"$.{EXTENSION_KEY}.beratungsfolge"]
    assert len(result.vorlage.beratungsfolge) == 2


# --------------------------------------------------------------------------- CLI


def test_cli_export_and_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "paper.json"
    assert main(["oparl", "export", str(EXAMPLE_XML), "-o", str(out), "--base-url", BASE]) == 0
    data = out.read_bytes()
    assert data == dump_json(json.loads(data))
    assert schema_errors(json.loads(data)) == []
    xml = tmp_path / "vorlage.xml"
    assert main(["oparl", "import", str(out), "-o", str(xml), "-q"]) == 0
    assert ratsdok.load(xml, anlagen="ignore") == ratsdok.load(EXAMPLE_XML)


def test_cli_list_page_needs_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = require_corpus(f"{HW}/body/1/paper?page=63.json")
    assert main(["oparl", "import", str(page), "-o", str(tmp_path / "x.xml"), "-q"]) == 1
    assert "folder" in capsys.readouterr().err
    assert not (tmp_path / "x.xml").exists()
    folder = tmp_path / "out"
    folder.mkdir()
    assert main(["oparl", "import", str(page), "-o", str(folder), "-q"]) == 0
    files = sorted(folder.glob("*.xml"))
    assert len(files) == 25
    ratsdok.load(files[0], anlagen="ignore")


def test_cli_broken_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = require_corpus(
        "oparl/meine-stadt-transparent+meine-stadt-transparent/testdata/broken_json.broken_json"
    )
    assert main(["oparl", "import", str(path), "-o", str(tmp_path / "v.xml")]) == 1
    err = capsys.readouterr().err
    assert str(path) in err and "not valid JSON" in err


# --------------------------------------------------------------------------- added mappings


def test_related_papers_become_bezuege_when_known() -> None:
    base = require_corpus(f"{KA}/papers/50461.json")
    follow_up = require_corpus(f"{KA}/papers/50888.json")
    alone = import_paper(follow_up)
    assert alone.vorlage.bezuege == ()
    assert any(u.reason == "referenced Paper not supplied" for u in alone.unmapped)
    v = import_paper(follow_up, papers=[base]).vorlage
    (bz,) = v.bezuege
    assert str(bz.nummer) == json.loads(base.read_text(encoding="utf-8"))["reference"]
    assert bz.art is ratsdok.Bezugsart.BEZIEHT_SICH_AUF
    assert bz.uuid == oparl_uuid(json.loads(base.read_text(encoding="utf-8"))["id"])
    out = export_paper(v, base_url=BASE)
    assert out["relatedPaper"] == [f"{BASE}/paper/{bz.uuid}"]
    result = import_paper(out)
    assert result.vorlage == v
    assert not any("relatedPaper" in u.path for u in result.unmapped)


def test_related_paper_with_own_reference_is_not_a_self_bezug() -> None:
    twin = paper(id="https://oparl.example.org/paper/2", relatedPaper=[paper()["id"]])
    result = import_paper([paper(), twin])
    assert result.vorlagen[1].bezuege == ()
    assert "same reference" in reasons(result)["$[1].relatedPaper[0]"]


def test_section_heading_gives_sitzungsart() -> None:
    meeting: dict[str, Any] = {"id": "https://o.example/m/1", "start": "2025-01-02T17:00:00+01:00"}
    meeting["agendaItem"] = [
        {"id": "https://o.example/ai/0", "name": "Öffentliche Sitzung"},
        {"id": "https://o.example/ai/1", "name": "Radweg"},
        {"id": "https://o.example/ai/2", "name": "Nichtöffentliche Sitzung"},
        {"id": "https://o.example/ai/3", "name": "Grunderwerb"},
    ]
    cs = [
        consultation(1, meeting=meeting["id"], agendaItem="https://o.example/ai/1"),
        consultation(2, meeting=meeting["id"], agendaItem="https://o.example/ai/3"),
    ]
    result = import_paper(paper(consultation=cs), meetings=[meeting], organizations=ORGS)
    assert [b.sitzungsart for b in result.vorlage.beratungsfolge] == [
        Sitzungsart.OEFFENTLICH,
        Sitzungsart.NICHTOEFFENTLICH,
    ]
    assert "section heading" in reasons(result)["$.consultation[1].agendaItem"]


def test_huertgenwald_sections_fill_sitzungsart() -> None:
    path = require_corpus(f"{HW}/body/1/paper?page=72.json")
    result = import_paper(path, **huertgenwald_lookups())
    arten = [b.sitzungsart for v in result.vorlagen for b in v.beratungsfolge]
    assert Sitzungsart.OEFFENTLICH in arten


def test_originator_organization_becomes_einreicher() -> None:
    p = paper(originatorOrganization=["https://oparl.example.org/organization/2"])
    assert import_paper(p, organizations=ORGS).vorlage.einreicher == "Hauptausschuss"
    result = import_paper(p)
    assert result.vorlage.einreicher is None
    assert "$.originatorOrganization" in reasons(result)


def test_extension_withdraws_resolved_notes(example: ratsdok.Vorlage) -> None:
    result = import_paper(export_paper(example, base_url=BASE))
    assert not any("Gremium holds its URL" in u.reason for u in result.unmapped)
    # The exported ids are ratsdok's own; the Quellen come from the extension (none here).
    assert "$.consultation[0].id" not in reasons(result)
    assert result.vorlage.beratungsfolge[0].quelle is None


# --------------------------------------------------------------------------- Quelle

PLUS2 = timezone(timedelta(hours=2))


def _assert_quelle(q: ratsdok.Quelle | None, raw: dict[str, Any]) -> None:
    """*q* holds id, web, created and modified of the OParl object *raw* exactly."""
    assert q is not None
    assert q.kennung == raw["id"]
    assert q.web == raw.get("web")
    for key, t in (("created", q.erstellt), ("modified", q.geaendert)):
        if raw.get(key) is None:
            assert t is None
        else:
            assert t == datetime.fromisoformat(raw[key])
            assert t is not None and t.isoformat() == raw[key]  # the offset as given


def test_karlsruhe_paper_consultations_and_files_get_their_quelle() -> None:
    path = require_corpus(f"{KA}/papers/51815.json")
    raw = json.loads(path.read_text(encoding="utf-8"))
    result = import_paper(path, **karlsruhe_lookups())
    v = result.vorlage
    _assert_quelle(v.quelle, raw)
    assert v.quelle is not None and v.quelle.erstellt == datetime(
        2025, 4, 17, 14, 54, 14, tzinfo=PLUS2
    )
    assert v.uuid == oparl_uuid(raw["id"])  # the id still gives the UUID
    for b, c in zip(v.beratungsfolge, raw["consultation"], strict=True):
        _assert_quelle(b.quelle, c)
    for a, f in zip(v.anlagen, raw["auxiliaryFile"], strict=True):
        _assert_quelle(a.quelle, f)
    mapped = ("id", "web", "created", "modified")
    assert not [u.path for u in result.unmapped if u.path.rsplit(".", 1)[-1] in mapped]
    assert_xsd_valid(v)


def test_huertgenwald_papers_get_quelle_with_web() -> None:
    path = require_corpus(f"{HW}/body/1/paper?page=63.json")
    raw = [p for p in json.loads(path.read_text(encoding="utf-8"))["data"] if not p.get("deleted")]
    result = import_paper(path, **huertgenwald_lookups())
    assert len(result.vorlagen) == len(raw)
    for v, p in zip(result.vorlagen, raw, strict=True):
        _assert_quelle(v.quelle, p)
        for b, c in zip(v.beratungsfolge, p.get("consultation", []), strict=True):
            _assert_quelle(b.quelle, c)  # 1.0 Consultations: an id, no timestamps
    first = result.vorlagen[0].quelle
    assert first is not None and first.web is not None and first.web.startswith("https://")
    assert first.erstellt == datetime(2018, 4, 6, 12, 0, 56, tzinfo=PLUS2)
    assert not any(u.path.endswith((".web", ".created", ".modified")) for u in result.unmapped)


@pytest.mark.parametrize(
    "value",
    [
        "2021-03-04",  # a date: the time is not known
        "2021-03-04T10:00:00",  # naive: the offset is not known
        "2021-03-04 10:00:00+01:00",
        "2021-03-04T10:00:00.1234567Z",  # finer than ratsdok keeps
        "2021-03-04T10:00:00+15:00",
        "2021-02-30T10:00:00Z",
        "gestern",
        1614848400,
    ],
)
def test_bad_timestamp_is_reported_not_guessed(value: Any) -> None:
    c = consultation(1, created=value, modified="2021-03-05T08:00:00z")
    f = {"id": "https://o.example/file/1", "fileName": "a.pdf", "modified": value}
    result = import_paper(
        paper(created=value, consultation=[c], auxiliaryFile=[f]), organizations=ORGS
    )
    v = result.vorlage
    assert v.quelle == ratsdok.Quelle(kennung=paper()["id"])
    b = v.beratungsfolge[0].quelle
    assert b is not None and b.erstellt is None
    assert b.geaendert == datetime(2021, 3, 5, 8, 0, tzinfo=UTC)  # lower-case z is RFC 3339
    assert v.anlagen[0].quelle == ratsdok.Quelle(kennung="https://o.example/file/1")
    why = reasons(result)
    for path in ("$.created", "$.consultation[0].created", "$.auxiliaryFile[0].modified"):
        assert "RFC 3339" in why[path]
        assert next(u.value for u in result.unmapped if u.path == path) == value


def test_id_or_web_that_text_would_change_is_reported() -> None:
    result = import_paper(paper(id=" https://o.example/paper/1", web="https://o.example/\x85"))
    v = result.vorlage
    assert v.quelle is None
    assert v.uuid == oparl_uuid(" https://o.example/paper/1")
    assert "kept only as the Vorlage UUID" in reasons(result)["$.id"]
    assert "$.web" in reasons(result)
    c = consultation(1, web=" x ")
    (b,) = import_paper(paper(consultation=[c]), organizations=ORGS).vorlage.beratungsfolge
    assert b.quelle == ratsdok.Quelle(kennung=c["id"])


def test_quelle_round_trips_through_export_exactly() -> None:
    path = require_corpus(f"{KA}/papers/51815.json")
    raw = json.loads(path.read_text(encoding="utf-8"))
    v = import_paper(path, **karlsruhe_lookups()).vorlage
    out = export_paper(v, base_url=BASE)
    assert schema_errors(out) == []
    # ratsdok publishes: the ids are its own, the source is named in the extension.
    assert out["id"] == f"{BASE}/paper/{v.uuid}"
    assert out[EXTENSION_KEY]["quelle"]["kennung"] == raw["id"]
    # created/modified are the source's, for the Paper and each embedded object.
    assert (out["created"], out["modified"]) == (raw["created"], raw["modified"])
    for c, rc in zip(out["consultation"], raw["consultation"], strict=True):
        assert (c["created"], c["modified"]) == (rc["created"], rc["modified"])
    for f, rf in zip(out["auxiliaryFile"], raw["auxiliaryFile"], strict=True):
        assert (f["created"], f["modified"]) == (rf["created"], rf["modified"])
    # import → export → import and export → import → export are exact.
    back = import_paper(json.loads(dump_json(out))).vorlage
    assert back == v
    assert [b.quelle for b in back.beratungsfolge] == [b.quelle for b in v.beratungsfolge]
    assert dump_json(export_paper(back, base_url=BASE)) == dump_json(out)
    assert ratsdok.from_xml(ratsdok.to_xml(back)) == v


def test_export_takes_created_and_modified_from_the_quelle(example: ratsdok.Vorlage) -> None:
    first, second = example.beratungsfolge
    v = example.model_copy(
        update={
            "quelle": ratsdok.Quelle(
                kennung="https://o.example/paper/9", erstellt="2020-05-01T09:00:00.75+02:00"
            ),
            "beratungsfolge": (
                first.model_copy(
                    update={
                        # modified before created at the source: OParl gets created twice.
                        "quelle": ratsdok.Quelle(
                            kennung="c1",
                            erstellt="2020-05-20T12:00:00Z",
                            geaendert="2020-05-19T12:00:00Z",
                        )
                    }
                ),
                second.model_copy(
                    # only a modified time, after the derived created
                    update={
                        "quelle": ratsdok.Quelle(
                            kennung="c2", geaendert="2020-06-01T10:00:00-05:30"
                        )
                    }
                ),
            ),
            "anlagen": tuple(
                a.model_copy(update={"quelle": ratsdok.Quelle(kennung="f1", web="https://w")})
                for a in example.anlagen
            ),
        }
    )
    out = export_paper(v, base_url=BASE, stand=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert schema_errors(out) == []
    # The Quelle wins over stand=; fractions of a second are cut.
    assert out["created"] == "2020-05-01T09:00:00+02:00"
    assert out["modified"] == "2024-01-02T03:04:05+00:00"
    c1, c2 = out["consultation"]
    assert c1["created"] == c1["modified"] == "2020-05-20T12:00:00+00:00"
    assert (c2["created"], c2["modified"]) == (
        "2024-01-02T03:04:05+00:00",
        "2024-01-02T03:04:05+00:00",  # the source's modified is before stand: clamped
    )
    (f,) = out["auxiliaryFile"]
    assert (f["created"], f["modified"]) == (out["modified"], out["modified"])
    assert "web" not in f  # the source's page is not the export's
    back = import_paper(json.loads(dump_json(out))).vorlage
    assert back == v  # the exact values travel in the extension
    assert dump_json(
        export_paper(back, base_url=BASE, stand=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC))
    ) == dump_json(out)


def test_paper_modified_is_at_least_that_of_embedded_objects(example: ratsdok.Vorlage) -> None:
    """OParl 1.1: a change to an embedded Consultation or File changes the Paper too."""
    first, second = example.beratungsfolge
    later = "2021-02-03T04:05:06+01:00"
    v = example.model_copy(
        update={
            "beratungsfolge": (
                first,
                second.model_copy(update={"quelle": ratsdok.Quelle(kennung="c2", geaendert=later)}),
            )
        }
    )
    plain = export_paper(example, base_url=BASE)
    out = export_paper(v, base_url=BASE)
    assert schema_errors(out) == []
    assert plain["modified"] < later[:10]  # derived from the Sitzungstermine of 2020
    assert out["consultation"][1]["modified"] == later
    assert out["modified"] == later
    assert all(
        datetime.fromisoformat(o["modified"]) <= datetime.fromisoformat(out["modified"])
        for o in [*out["consultation"], *out["auxiliaryFile"]]
    )
    back = import_paper(json.loads(dump_json(out))).vorlage
    assert back == v
    assert export_paper(back, base_url=BASE)["modified"] == later


def test_export_derived_times_with_a_quelle_without_times(example: ratsdok.Vorlage) -> None:
    v = example.model_copy(update={"quelle": ratsdok.Quelle(kennung="k")})
    plain, with_quelle = export_paper(example, base_url=BASE), export_paper(v, base_url=BASE)
    assert (with_quelle["created"], with_quelle["modified"]) == (
        plain["created"],
        plain["modified"],
    )
    assert import_paper(with_quelle).vorlage == v
    # Without the extension, the exported ids become the Quelle (the Paper is all there is).
    del with_quelle[EXTENSION_KEY]
    q = import_paper(with_quelle).vorlage.quelle
    assert q is not None and q.kennung == with_quelle["id"]
    assert q.erstellt == datetime(2020, 5, 25, tzinfo=PLUS2)


def test_extension_quelle_that_is_not_usable_falls_back_to_oparl_fields(
    example: ratsdok.Vorlage,
) -> None:
    out = export_paper(example, base_url=BASE)
    out[EXTENSION_KEY]["quelle"] = {"kennung": "k", "erstellt": "2020-05-01T09:00:00"}
    result = import_paper(out)
    assert "extension not usable" in reasons(result)[f"$.{EXTENSION_KEY}"]
    assert result.vorlage.quelle is not None and result.vorlage.quelle.kennung == out["id"]


# --------------------------------------------------------------------------- seal in the extension

DS_DIGEST = "{http://www.w3.org/2000/09/xmldsig#}DigestValue"
SEAL_NOTE = f"$.{EXTENSION_KEY}.pruefsumme"


def _digest_of_sealed(data: bytes) -> str:
    digest = etree.fromstring(data).findtext(f".//{DS_DIGEST}")
    assert digest
    return digest


def test_export_carries_the_seal_of_the_vorlage(example: ratsdok.Vorlage) -> None:
    sealed = ratsdok.seal(EXAMPLE_XML.read_bytes())
    out = export_paper(example, base_url=BASE)
    ext = out[EXTENSION_KEY]
    assert ext["pruefsumme"] == _digest_of_sealed(sealed)
    assert ext["pruefwert"] == ratsdok.verify(sealed).pruefwert
    assert "pruefsumme_oparl" not in ext  # the Paper carries all of the Vorlage
    assert schema_errors(out) == []
    assert dump_json(export_paper(example, base_url=BASE)) == dump_json(out)
    # Unedited: imported exactly and without a note; re-export gives the same JSON.
    result = import_paper(json.loads(dump_json(out)))
    assert result.vorlage == example
    assert not any("pruefsumme" in u.path for u in result.unmapped)
    assert dump_json(export_paper(result.vorlage, base_url=BASE)) == dump_json(out)


@pytest.mark.parametrize(
    "edit",
    [
        lambda p: p.update(name=p["name"] + " (geändert)"),
        lambda p: p.update(reference="KT 0135/2020"),
        lambda p: p[EXTENSION_KEY]["unterzeichnungen"].pop(),
        lambda p: p[EXTENSION_KEY].update(pruefsumme="A" * 43 + "="),
    ],
    ids=["name", "reference", "extension", "seal"],
)
def test_paper_edited_after_export_is_reported(example: ratsdok.Vorlage, edit: Any) -> None:
    out = json.loads(dump_json(export_paper(example, base_url=BASE)))
    edit(out)
    result = import_paper(out)
    why = reasons(result)
    assert "no longer matches the Vorlage it was exported from" in why[SEAL_NOTE]
    # Lenient: the edited data is imported all the same.
    v = result.vorlage
    assert (v.betreff, str(v.nummer)) == (out["name"], out["reference"])
    assert [u.path for u in result.unmapped].count(SEAL_NOTE) == 1


def test_edited_name_imports_with_the_note_and_the_new_betreff(example: ratsdok.Vorlage) -> None:
    out = export_paper(example, base_url=BASE)
    out["name"] = "Integrationskonzept (neu gefasst)"
    result = import_paper(json.loads(dump_json(out)))
    assert result.vorlage.betreff == "Integrationskonzept (neu gefasst)"
    assert result.vorlage == example.model_copy(update={"betreff": out["name"]})
    recorded = next(u.value for u in result.unmapped if u.path == SEAL_NOTE)
    assert recorded == out[EXTENSION_KEY]["pruefsumme"]


def test_paper_without_a_seal_is_not_checked(example: ratsdok.Vorlage) -> None:
    out = export_paper(example, base_url=BASE)
    del out[EXTENSION_KEY]["pruefsumme"]
    out["name"] = "anders"
    result = import_paper(out)
    assert result.vorlage.betreff == "anders"
    assert not any("pruefsumme" in u.path for u in result.unmapped)


def test_seal_of_a_vorlage_the_paper_does_not_carry_whole(example: ratsdok.Vorlage) -> None:
    """Non-public Anlagen, inline bytes: the seal is the document's, import checks its own."""
    secret = example.anlagen[0].model_copy(
        update={"nummer": 2, "dateiname": "vertrag.pdf", "oeffentlich": False}
        | {"inhalt": b"geheim", "groesse": None, "sha256": None}
    )
    v = ratsdok.Vorlage.model_validate(
        example.model_copy(update={"anlagen": (*example.anlagen, secret)}).model_dump()
    )
    out = json.loads(dump_json(export_paper(v, base_url=BASE)))
    ext = out[EXTENSION_KEY]
    sealed = ratsdok.seal(v)
    assert ext["pruefsumme"] == _digest_of_sealed(sealed)  # all of the Vorlage
    assert ext["pruefwert"] == ratsdok.verify(sealed).pruefwert
    assert "vertrag" not in json.dumps(out).casefold()
    back = import_paper(out)
    assert [a.nummer for a in back.vorlage.anlagen] == [1]
    assert ext["pruefsumme_oparl"] == _digest_of_sealed(ratsdok.seal(back.vorlage))
    assert ext["pruefsumme_oparl"] != ext["pruefsumme"]
    assert not any("pruefsumme" in u.path for u in back.unmapped)  # unedited: no note
    assert schema_errors(out) == []
    out["name"] = "anders"
    why = reasons(import_paper(out))
    assert "no longer matches" in why[f"$.{EXTENSION_KEY}.pruefsumme_oparl"]


def test_seal_note_in_a_list_page_names_the_paper(example: ratsdok.Vorlage) -> None:
    first = export_paper(example, base_url=BASE)
    second = copy.deepcopy(first)
    second["id"] += "-2"
    second["name"] = "anders"
    result = import_paper({"data": [first, second]})
    assert len(result.vorlagen) == 2
    assert [u.path for u in result.unmapped if "pruefsumme" in u.path] == [
        f"$.data[1].{EXTENSION_KEY}.pruefsumme"
    ]


@pytest.mark.parametrize("lookup", ["meetings", "organizations"])
def test_regression_deep_lookup_object_is_a_ratsdok_error(lookup: str) -> None:
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    meeting = {"id": "https://o.example/m/1", "foo": deep, "agendaItem": [{"id": "a", "x": deep}]}
    org = {"id": "https://o.example/o/1", "x": deep}
    c = consultation(1, meeting=meeting["id"], organization=[org["id"]])
    lookups = {"meetings": [meeting], "organizations": {org["id"]: org}}
    with pytest.raises(ratsdok.InvalidDocumentError, match="nested too deeply"):
        import_paper(paper(consultation=[c]), **{lookup: lookups[lookup]})


def test_regression_recursion_while_indexing_lookups_is_a_ratsdok_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Indexing the lookups (today shallow) is inside the guard too."""
    from ratsdok.interop.oparl import importer

    def too_deep(objects: Any) -> Any:
        raise RecursionError

    monkeypatch.setattr(importer, "_index", too_deep)
    with pytest.raises(ratsdok.InvalidDocumentError, match="nested too deeply"):
        import_paper(paper(), meetings=[{"id": "m"}])
