"""Code lists: Python enums, XSD enumerations and genericode files agree; schemas documented."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from lxml import etree

from ratsdok.model.codes import CODELISTEN, Beschlussergebnis, Code, Codeliste, codeliste
from tests.conftest import ROOT

SCHEMAS = ROOT / "schemas"
XS = "http://www.w3.org/2001/XMLSchema"
NS = {"xs": XS}
LISTEN = list(CODELISTEN.values())


def _ids(liste: Codeliste) -> str:
    return liste.name_technisch


def _gen_module() -> ModuleType:
    path = ROOT / "tools" / "gen_codelisten.py"
    spec = importlib.util.spec_from_file_location("gen_codelisten_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _codes_xsd() -> etree._ElementTree:
    return etree.parse(str(SCHEMAS / "ratsdok-codes.xsd"))


def _genericode_rows(liste: Codeliste) -> list[tuple[str, str]]:
    path = SCHEMAS / "codelisten" / f"{liste.name_technisch}_{liste.version}.xml"
    tree = etree.parse(str(path))
    rows = []
    for row in tree.iter("Row"):
        values = {v.get("ColumnRef"): v.findtext("SimpleValue") for v in row.iter("Value")}
        code, beschreibung = values.get("code"), values.get("beschreibung")
        assert code is not None and beschreibung is not None
        rows.append((code, beschreibung))
    return rows


@pytest.mark.parametrize("liste", LISTEN, ids=_ids)
def test_xsd_enumeration_equals_enum(liste: Codeliste) -> None:
    simple = _codes_xsd().find(f"xs:simpleType[@name='{liste.name_technisch}']", NS)
    assert simple is not None
    values = [str(e.get("value")) for e in simple.iterfind("xs:restriction/xs:enumeration", NS)]
    assert values == [c.value for c in liste.enum]
    docs = [
        (e.findtext("xs:annotation/xs:documentation", namespaces=NS) or "")
        for e in simple.iterfind("xs:restriction/xs:enumeration", NS)
    ]
    assert docs == [c.bezeichnung for c in liste.enum]


@pytest.mark.parametrize("liste", LISTEN, ids=_ids)
def test_xsd_code_type_fixes_list_uri_and_version(liste: Codeliste) -> None:
    complex_type = _codes_xsd().find(f"xs:complexType[@name='{liste.xsd_type}']", NS)
    assert complex_type is not None
    attrs = {a.get("name"): a.get("fixed") for a in complex_type.iterfind("xs:attribute", NS)}
    if len(liste.versionen) == 1:
        assert attrs == {"listURI": liste.kennung, "listVersionID": liste.version}
        return
    # A list that grew: every version is allowed, as a code keeps the version it came with.
    assert attrs == {"listURI": liste.kennung, "listVersionID": None}
    (version,) = complex_type.iterfind("xs:attribute[@name='listVersionID']", NS)
    allowed = [e.get("value") for e in version.iterfind(".//xs:enumeration", NS)]
    assert allowed == list(liste.versionen) == ["1.0", "1.1"]


def test_a_code_keeps_the_list_version_it_came_with() -> None:
    from ratsdok import Bezugsart, Vorlagenart

    assert Vorlagenart.BESCHLUSSVORLAGE.seit == "1.0"
    assert Vorlagenart.SITZUNGSVORLAGE.seit == "1.1"
    assert Bezugsart.ANTWORT_AUF.seit == "1.1"
    liste = CODELISTEN[Vorlagenart]
    assert Vorlagenart.SITZUNGSVORLAGE not in liste.codes("1.0")
    assert set(liste.codes("1.1")) == set(Vorlagenart)


@pytest.mark.parametrize("liste", LISTEN, ids=_ids)
def test_genericode_rows_equal_enum(liste: Codeliste) -> None:
    rows = _genericode_rows(liste)
    assert [code for code, _ in rows] == [c.value for c in liste.enum]
    assert [text for _, text in rows] == [c.bezeichnung for c in liste.enum]


@pytest.mark.parametrize("liste", LISTEN, ids=_ids)
def test_genericode_identification(liste: Codeliste) -> None:
    for version in liste.versionen:
        path = SCHEMAS / "codelisten" / f"{liste.name_technisch}_{version}.xml"
        ident = etree.parse(str(path)).find("Identification")
        assert ident is not None
        assert ident.findtext("ShortName") == liste.name_technisch
        assert ident.findtext("Version") == version
        assert ident.findtext("CanonicalUri") == liste.kennung
        assert ident.findtext("CanonicalVersionUri") == f"{liste.kennung}_{version}"
    assert liste.versionen[-1] == liste.version


def test_every_code_enum_has_a_list_and_labels() -> None:
    enums = {cls for cls in Code.__subclasses__()}
    assert enums == set(CODELISTEN)
    for enum in enums:
        assert codeliste(enum).enum is enum
        for code in enum:
            assert code.bezeichnung.strip()
            assert str(code) == code.value


def test_no_stray_genericode_files() -> None:
    expected = {f"{liste.name_technisch}_{v}.xml" for liste in LISTEN for v in liste.versionen}
    assert {p.name for p in (SCHEMAS / "codelisten").iterdir()} == expected


def test_generated_files_are_up_to_date() -> None:
    rendered: dict[Path, str] = _gen_module().render_all()
    assert rendered, "render_all() returned nothing"
    assert (SCHEMAS / "ratsdok-codes.xsd") in rendered
    for path, text in rendered.items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path} is out of date; run python tools/gen_codelisten.py"
        )


def test_schiebt_auf() -> None:
    aufschiebend = {c for c in Beschlussergebnis if c.schiebt_auf}
    assert aufschiebend == {
        Beschlussergebnis.VERTAGT,
        Beschlussergebnis.ZURUECKGESTELLT,
        Beschlussergebnis.VERWIESEN,
    }


_DECLARATIONS = ("element", "complexType", "simpleType", "attribute")


def _undocumented(path: Path) -> list[str]:
    tree = etree.parse(str(path))
    missing = []
    for kind in _DECLARATIONS:
        for el in tree.iter(f"{{{XS}}}{kind}"):
            label = el.get("name") or el.get("ref")
            if label is None:
                continue  # anonymous type inside a documented declaration
            docs = el.findall("xs:annotation/xs:documentation", NS)
            if not any("".join(d.itertext()).strip() for d in docs):
                missing.append(f"{path.name}:{el.sourceline}: xs:{kind} {label}")
    return missing


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.xsd")), ids=lambda p: p.name)
def test_every_schema_declaration_is_documented(path: Path) -> None:
    assert _undocumented(path) == []


def test_schema_documentation_is_german() -> None:
    texts = []
    for path in SCHEMAS.glob("*.xsd"):
        for d in etree.parse(str(path)).iter(f"{{{XS}}}documentation"):
            texts.append("".join(d.itertext()))
    joined = " ".join(texts)
    assert len(texts) > 50
    for word in (" der ", " die ", " und ", "ä", "ö", "ü"):
        assert word in joined
    assert " the " not in joined


def test_documentation_check_finds_missing_documentation(tmp_path: Path) -> None:
    xsd = tmp_path / "t.xsd"
    xsd.write_text(
        f'<xs:schema xmlns:xs="{XS}">\n'
        '  <xs:element name="gut"><xs:annotation><xs:documentation>Ein Element.'
        "</xs:documentation></xs:annotation></xs:element>\n"
        '  <xs:element name="ohne"/>\n'
        '  <xs:complexType name="leer"><xs:annotation><xs:documentation> '
        "</xs:documentation></xs:annotation></xs:complexType>\n"
        "</xs:schema>\n",
        encoding="utf-8",
    )
    assert _undocumented(xsd) == ["t.xsd:3: xs:element ohne", "t.xsd:4: xs:complexType leer"]
