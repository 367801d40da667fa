"""The XML format: schema-valid, deterministic output; reading reports every problem with lines."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from uuid import UUID

import pydantic
import pytest
from lxml import etree

import ratsdok
from ratsdok import (
    Abschnitt,
    Abschnittsart,
    Behoerde,
    InvalidDocumentError,
    Nachricht,
    Nachrichtenkopf,
    SchemaError,
    UnsafeInputError,
    Vorlage,
    XmlSyntaxError,
)
from ratsdok.xml.mapping import nachricht_from_xml, parse_document, to_xml
from ratsdok.xml.parser import MAX_ATTRIBUTE_BYTES, MAX_TEXT_BYTES
from ratsdok.xml.schema import load_schema, schema_problems
from tests.conftest import EXAMPLE_XML, ROOT, line_of, require_tool
from tests.factories import anlage, full_vorlage, minimal_vorlage

GENERATED = {"full": full_vorlage, "minimal": minimal_vorlage}


def _parse(data: bytes) -> etree._ElementTree:
    return etree.fromstring(data).getroottree()


# ---------------------------------------------------------------- writing


def test_example_validates_against_schema(example_xml: Path) -> None:
    tree = etree.parse(str(example_xml))
    assert load_schema().validate(tree), load_schema().error_log
    assert schema_problems(tree) == []


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_documents_validate(name: str) -> None:
    data = to_xml(GENERATED[name]())
    tree = _parse(data)
    assert load_schema().validate(tree), load_schema().error_log
    assert schema_problems(tree) == []


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_round_trip(name: str) -> None:
    v = GENERATED[name]()
    assert ratsdok.from_xml(to_xml(v)) == v


def test_round_trip_of_the_example(example: Vorlage) -> None:
    assert ratsdok.from_xml(to_xml(example)) == example


def test_escaping_keeps_text_exact() -> None:
    v = full_vorlage()
    back = ratsdok.from_xml(to_xml(v))
    assert back.betreff == 'Änderung <Satzung> & "Gebühren" für 2021'
    assert back.abschnitte[1].ueberschrift == "III. Anhang ]]> <!-- x -->"
    assert back.abschnitte[1].absaetze == ("a\tb", "zweiter\nAbsatz")
    assert back.anlagen[1].inhalt == b"\x00\x01binary\xff"


def test_inline_content_is_base64_in_the_xml() -> None:
    data = to_xml(full_vorlage())
    expected = base64.b64encode(b"\x00\x01binary\xff").decode()
    assert f"<ratsdok:inhalt>{expected}</ratsdok:inhalt>".encode() in data


NS = {"r": ratsdok.NAMESPACE}


def _child_names(tree: etree._ElementTree, xpath: str) -> list[str]:
    """Local names of the children of the one element at *xpath*."""
    (el,) = tree.xpath(xpath, namespaces=NS)
    return [etree.QName(c).localname for c in el]


def test_nested_erweiterungen_are_the_last_children() -> None:
    tree = _parse(to_xml(full_vorlage()))

    def children(xpath: str) -> list[str]:
        return _child_names(tree, xpath)

    assert children("//r:beratung[1]")[-3:] == ["ergebnis", "erweiterung", "erweiterung"]
    assert children("//r:anlage[2]")[-3:] == ["inhalt", "erweiterung", "erweiterung"]
    assert "erweiterung" not in children("//r:beratung[2]") + children("//r:anlage[1]")
    assert children("//r:vorlage")[-1] == "erweiterung"
    texts = tree.xpath("//r:beratung[1]/r:erweiterung/r:wert/text()", namespaces=NS)
    assert texts == ['{"name":"Saal <A> & B"}', "1"]


def test_quelle_comes_right_before_the_erweiterungen() -> None:
    tree = _parse(to_xml(full_vorlage()))

    def children(xpath: str) -> list[str]:
        return _child_names(tree, xpath)

    assert children("//r:vorlage")[-3:] == ["bezug", "quelle", "erweiterung"]
    assert children("//r:vorlage/r:quelle") == [
        "kennung",
        "web",
        "erstellt",
        "geaendert",
    ]
    assert children("//r:beratung[2]")[-1] == "quelle"
    assert children("//r:beratung[2]/r:quelle") == ["kennung", "geaendert"]
    assert children("//r:anlage[1]")[-2:] == ["oeffentlich", "quelle"]
    assert "quelle" not in children("//r:beratung[1]") + children("//r:anlage[2]")

    def value(xpath: str) -> str:
        return str(tree.xpath(f"string({xpath})", namespaces=NS))

    assert value("//r:vorlage/r:quelle/r:kennung") == "https://o.example/paper/1?a=1&b=<2>"
    assert value("//r:vorlage/r:quelle/r:erstellt") == "2021-03-01T09:30:00+01:00"
    assert value("//r:vorlage/r:quelle/r:geaendert") == "2021-03-04T12:00:00.25Z"
    assert value("//r:beratung[2]/r:quelle/r:geaendert") == "2021-03-12T18:05:00-05:30"


def test_quelle_keeps_its_offsets_through_the_round_trip() -> None:
    v = full_vorlage()
    back = ratsdok.from_xml(to_xml(v))

    def offsets(x: Vorlage) -> list[object]:
        quellen = [x.quelle, x.beratungsfolge[1].quelle]
        return [
            t.utcoffset() if t else None for q in quellen if q for t in (q.erstellt, q.geaendert)
        ]

    assert (
        offsets(back)
        == offsets(v)
        == [
            timedelta(hours=1),
            timedelta(0),
            None,
            -timedelta(hours=5, minutes=30),
        ]
    )
    assert back == v


def test_empty_erweiterungen_write_nothing(example: Vorlage) -> None:
    assert b"erweiterung" not in to_xml(example)
    assert b"erweiterung" not in to_xml(minimal_vorlage())
    assert b"quelle" not in to_xml(example) + to_xml(minimal_vorlage())


def test_output_is_deterministic() -> None:
    v = full_vorlage()
    first = to_xml(v)
    assert to_xml(v) == first
    assert to_xml(v.model_copy()) == first
    assert to_xml(ratsdok.from_xml(first)) == first


def test_output_is_independent_of_hash_seed(tmp_path: Path) -> None:
    script = (
        "import sys, ratsdok\n"
        "from tests.factories import full_vorlage\n"
        "sys.stdout.buffer.write(ratsdok.to_xml(full_vorlage()))\n"
        "sys.stdout.buffer.write(b'\\0')\n"
        "sys.stdout.buffer.write(ratsdok.to_xml(ratsdok.load_nachricht(sys.argv[1])))\n"
    )
    here = to_xml(full_vorlage()) + b"\0" + to_xml(ratsdok.load_nachricht(EXAMPLE_XML))
    root = ROOT
    for seed in ("0", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run(
            [sys.executable, "-c", script, str(EXAMPLE_XML)],
            capture_output=True,
            check=True,
            env=env,
            cwd=root,
        ).stdout
        assert out == here


def test_nachricht_reproduces_the_example_bytes(example_xml: Path) -> None:
    data = example_xml.read_bytes()
    nachricht = nachricht_from_xml(data)
    assert to_xml(nachricht) == data


def test_nachricht_header_is_read(example_xml: Path) -> None:
    n = nachricht_from_xml(example_xml.read_bytes())
    assert n.kopf.test is True
    assert n.kopf.autor is not None and n.kopf.autor.name == "Landratsamt Wartburgkreis"
    assert n.kopf.leser is not None and n.kopf.leser.name == "Kreistag Wartburgkreis"
    assert str(n.kopf.nachrichten_uuid) == "b6a0e1d2-7f3c-4a59-8e21-5d9c0f4b7a36"


def test_derived_header_depends_on_content() -> None:
    a = to_xml(minimal_vorlage())
    b = to_xml(minimal_vorlage().model_copy(update={"betreff": "anders"}))
    uuid_a = nachricht_from_xml(a).kopf.nachrichten_uuid
    uuid_b = nachricht_from_xml(b).kopf.nachrichten_uuid
    assert uuid_a != uuid_b


@pytest.mark.parametrize(
    "offset",
    [timedelta(0), timedelta(hours=2), timedelta(hours=-3, minutes=-30), timedelta(hours=14)],
)
def test_nachricht_with_explicit_kopf_round_trips(offset: timedelta) -> None:
    kopf = Nachrichtenkopf(
        nachrichten_uuid=UUID("22222222-2222-4333-8444-555555555555"),
        erstellungszeitpunkt=datetime(2021, 3, 4, 5, 6, 7, 890123, tzinfo=timezone(offset)),
        autor=Behoerde(name='Stadt <A> & "B"', kennung="08 2 12 000"),
        leser=Behoerde(name="Gemeinderat"),
        produkt="Werkzeug\tmit\nUmbruch",
        produktversion=None,
        test=True,
    )
    n = Nachricht(kopf=kopf, vorlage=full_vorlage())
    data = to_xml(n)
    assert schema_problems(_parse(data)) == []
    back = nachricht_from_xml(data)
    assert back == n
    assert back.kopf.erstellungszeitpunkt.microsecond == 890000


def test_offset_with_seconds_still_gives_valid_xml() -> None:
    tz = timezone(timedelta(hours=5, minutes=30, seconds=15))
    kopf = Nachrichtenkopf(
        nachrichten_uuid=UUID("22222222-2222-4333-8444-555555555555"),
        erstellungszeitpunkt=datetime(2020, 1, 1, tzinfo=tz),
    )
    data = to_xml(minimal_vorlage(), kopf=kopf)
    assert schema_problems(_parse(data)) == []


def test_naive_timestamp_is_refused() -> None:
    with pytest.raises(pydantic.ValidationError):
        Nachrichtenkopf(
            nachrichten_uuid=UUID("22222222-2222-4333-8444-555555555555"),
            erstellungszeitpunkt=datetime(2020, 1, 1),
        )


def test_nachricht_with_extra_kopf_is_refused(example_xml: Path) -> None:
    n = nachricht_from_xml(example_xml.read_bytes())
    with pytest.raises(TypeError):
        to_xml(n, kopf=n.kopf)


# ---------------------------------------------------------------- reading bad input


def _errors(text: str, exc_type: type[InvalidDocumentError]) -> InvalidDocumentError:
    with pytest.raises(exc_type) as info:
        parse_document(text.encode("utf-8"), source="bad.xml")
    assert all(p.file == "bad.xml" for p in info.value.problems)
    return info.value


def test_malformed_xml(example_text: str) -> None:
    bad = example_text.replace("</ratsdok:koerperschaft>", "</ratsdok:koerperschaf>")
    err = _errors(bad, XmlSyntaxError)
    (problem,) = err.problems
    assert problem.line == line_of(example_text, "<ratsdok:koerperschaft>")


def test_internal_entity_is_refused(example_text: str) -> None:
    bad = example_text.replace(
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE x [<!ENTITY e "BOOM">]>\n',
    ).replace("<ratsdok:koerperschaft>Wartburgkreis", "<ratsdok:koerperschaft>&e;")
    err = _errors(bad, UnsafeInputError)
    assert "BOOM" not in str(err)


def test_external_entity_is_refused_without_reading_it(example_text: str) -> None:
    bad = example_text.replace(
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n',
    ).replace("<ratsdok:koerperschaft>Wartburgkreis", "<ratsdok:koerperschaft>&xxe;")
    err = _errors(bad, UnsafeInputError)
    assert "root:" not in str(err)
    assert all("root:" not in p.message for p in err.problems)


def test_too_large_input(example_xml: Path) -> None:
    data = example_xml.read_bytes()
    with pytest.raises(UnsafeInputError):
        parse_document(data, max_bytes=len(data) - 1)
    assert parse_document(data, max_bytes=len(data)).nachricht.vorlage.betreff


_ZUST_OPEN = '<ratsdok:zustaendigkeit listURI="urn:ratsdok:codeliste:zustaendigkeit"'


def _schema_cases(text: str) -> dict[str, tuple[str, int]]:
    """name → (bad document text, line the schema error must be reported on)."""
    lines = text.splitlines(keepends=True)
    koerper = line_of(text, "<ratsdok:koerperschaft>")
    betreff = line_of(text, "<ratsdok:betreff>")
    swapped = lines.copy()
    swapped[betreff - 1], swapped[koerper - 1] = lines[koerper - 1], lines[betreff - 1]
    art = line_of(text, "<ratsdok:vorlagenart ")
    return {
        "wrong-order": ("".join(swapped), betreff),  # koerperschaft now on the betreff line
        "unknown-element": (
            text.replace(
                "<ratsdok:koerperschaft>Wartburgkreis</ratsdok:koerperschaft>\n",
                "<ratsdok:koerperschaft>Wartburgkreis</ratsdok:koerperschaft>\n"
                "      <ratsdok:unbekannt>x</ratsdok:unbekannt>\n",
            ),
            koerper + 1,
        ),
        "bad-date": (
            text.replace("2020-05-25", "2020-13-45"),
            line_of(text, "2020-05-25"),
        ),
        "unknown-code": (
            text.replace("<code>vorberatung</code>", "<code>beraten</code>"),
            line_of(text, "<code>vorberatung</code>"),
        ),
        "wrong-list-version": (
            text.replace(
                '<ratsdok:vorlagenart listURI="urn:ratsdok:codeliste:vorlagenart" '
                'listVersionID="1.0">',
                '<ratsdok:vorlagenart listURI="urn:ratsdok:codeliste:vorlagenart" '
                'listVersionID="2.0">',
            ),
            art,
        ),
        "empty-betreff": (
            text.replace(lines[betreff - 1], "      <ratsdok:betreff></ratsdok:betreff>\n"),
            betreff,
        ),
        "blank-betreff": (
            text.replace(lines[betreff - 1], "      <ratsdok:betreff>   </ratsdok:betreff>\n"),
            betreff,
        ),
        "negative-groesse": (
            text.replace("<ratsdok:groesse>45000<", "<ratsdok:groesse>-5<"),
            line_of(text, "<ratsdok:groesse>"),
        ),
        "bad-sha256": (
            text.replace("<ratsdok:sha256>a0677b", "<ratsdok:sha256>A0677b"),
            line_of(text, "<ratsdok:sha256>"),
        ),
        "unsafe-dateiname": (
            text.replace(
                "<ratsdok:dateiname>integrationskonzept.pdf",
                "<ratsdok:dateiname>../integrationskonzept.pdf",
            ),
            line_of(text, "<ratsdok:dateiname>"),
        ),
        "invisible-dateiname": (
            text.replace(
                "<ratsdok:dateiname>integrationskonzept.pdf",
                "<ratsdok:dateiname>integrations\u202ekonzept.pdf",
            ),
            line_of(text, "<ratsdok:dateiname>"),
        ),
        "wrong-namespace": (
            text.replace(
                'xmlns:ratsdok="urn:ratsdok:schema:1"', 'xmlns:ratsdok="urn:ratsdok:schema:2"'
            ),
            2,
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "wrong-order",
        "unknown-element",
        "bad-date",
        "unknown-code",
        "wrong-list-version",
        "empty-betreff",
        "blank-betreff",
        "negative-groesse",
        "bad-sha256",
        "unsafe-dateiname",
        "invisible-dateiname",
        "wrong-namespace",
    ],
)
def test_schema_violations(example_text: str, case: str) -> None:
    bad, line = _schema_cases(example_text)[case]
    assert bad != example_text
    err = _errors(bad, SchemaError)
    assert err.problems
    assert [p.line for p in err.problems] == [line] * len(err.problems)
    assert all(p.message for p in err.problems)
    assert str(err).startswith(f"bad.xml:{line}: ")


def test_two_schema_errors_are_both_reported(example_text: str) -> None:
    bad = example_text.replace("2020-05-25", "2020-13-45").replace(
        "<code>vorberatung</code>", "<code>beraten</code>"
    )
    err = _errors(bad, SchemaError)
    lines = {p.line for p in err.problems}
    assert lines == {
        line_of(example_text, "2020-05-25"),
        line_of(example_text, "<code>vorberatung</code>"),
    }
    text = str(err)
    assert "2020-13-45" in text
    assert "beraten" in text


def test_rule_violation_in_valid_xml(example_text: str) -> None:
    bad = example_text.replace("2020-05-26", "2020-05-01")
    assert schema_problems(_parse(bad.encode())) == []
    err = _errors(bad, InvalidDocumentError)
    assert type(err) is InvalidDocumentError
    (problem,) = err.problems
    assert problem.field == "beratungsfolge[1].sitzungstermin"
    assert problem.line == line_of(example_text, "<ratsdok:sitzungstermin>2020-05-26")
    assert "date order" in problem.message


def test_second_entscheidung_in_xml_points_at_its_zustaendigkeit(example_text: str) -> None:
    bad = example_text.replace("<code>vorberatung</code>", "<code>entscheidung</code>")
    err = _errors(bad, InvalidDocumentError)
    (problem,) = err.problems
    assert problem.field == "beratungsfolge[1].zustaendigkeit"
    second_beratung = line_of(example_text, "<ratsdok:gremium>Kreistag<")
    assert problem.line == line_of(example_text, _ZUST_OPEN, start=second_beratung)


def test_model_error_in_valid_xml_names_field_and_line(example_text: str) -> None:
    # The schema counts 255 characters, the model 255 UTF-8 bytes.
    long_name = "ä" * 130 + ".pdf"
    bad = example_text.replace("integrationskonzept.pdf", long_name)
    err = _errors(bad, InvalidDocumentError)
    (problem,) = err.problems
    assert problem.field == "anlagen[0].dateiname"
    assert "255 bytes" in problem.message
    assert problem.line == line_of(example_text, "<ratsdok:dateiname>")


def test_mismatched_vorlage_id(example_text: str) -> None:
    bad = example_text.replace(
        'id="vorlage-3f6d2a5e-8c1b-4e7a-9b0d-2c4e6a8f0b13"',
        'id="vorlage-00000000-8c1b-4e7a-9b0d-2c4e6a8f0b13"',
    )
    err = _errors(bad, InvalidDocumentError)
    (problem,) = err.problems
    assert problem.line == line_of(example_text, "<ratsdok:vorlage id=")
    assert "vorlage-3f6d2a5e-8c1b-4e7a-9b0d-2c4e6a8f0b13" in problem.message


def _with_inhalt(text: str, payload: str) -> str:
    return text.replace(
        "<ratsdok:oeffentlich>true</ratsdok:oeffentlich>\n",
        "<ratsdok:oeffentlich>true</ratsdok:oeffentlich>\n"
        f"        <ratsdok:inhalt>{payload}</ratsdok:inhalt>\n",
    )


@pytest.mark.parametrize("payload", ["!!!!", "QUJD=", "QQ", "QU JD="])
def test_invalid_base64_inline_content_is_an_error(example_text: str, payload: str) -> None:
    bad = _with_inhalt(example_text, payload)
    err = _errors(bad, InvalidDocumentError)
    assert err.problems
    vorlage_line = line_of(example_text, "<ratsdok:vorlage id=")
    inhalt_line = line_of(bad, "<ratsdok:inhalt>")
    for p in err.problems:
        assert p.line is not None
        assert vorlage_line <= p.line <= inhalt_line


def test_invalid_base64_is_reported_at_the_inhalt_element(example_text: str) -> None:
    bad = _with_inhalt(example_text, "!!!!")
    err = _errors(bad, InvalidDocumentError)
    (problem,) = err.problems
    assert problem.line == line_of(bad, "<ratsdok:inhalt>")
    assert problem.field == "anlagen[0].inhalt"


def test_valid_inline_content_is_read(example_text: str) -> None:
    v = ratsdok.from_xml(_with_inhalt(example_text, "QU JD\n").encode())
    assert v.anlagen[0].inhalt == b"ABC"


def test_comments_and_whitespace_layout_are_tolerated(example_text: str) -> None:
    relaxed = example_text.replace(
        "<ratsdok:koerperschaft>", "<!-- Kommentar -->\n      <ratsdok:koerperschaft>"
    )
    assert ratsdok.from_xml(relaxed.encode()) == ratsdok.from_xml(example_text.encode())


def test_comment_or_pi_inside_a_value_does_not_cut_it(example_text: str) -> None:
    """The text around a comment or PI is the value, as for the schema and C14N."""
    original = ratsdok.from_xml(example_text.encode())
    split = example_text.replace(
        "<ratsdok:betreff>Legitimation des", "<ratsdok:betreff>Legit<!-- x -->imation des"
    ).replace("<code>beschlussvorlage</code>", "<code>beschluss<?pi x?>vorlage</code>")
    assert split != example_text
    assert ratsdok.from_xml(split.encode()) == original


# ---------------------------------------------------------------- external check


def test_xmllint_accepts_example_and_generated_documents(tmp_path: Path) -> None:
    xmllint = require_tool("xmllint")
    schema = ROOT / "schemas" / "ratsdok.xsd"
    files = [EXAMPLE_XML]
    for name, build in sorted(GENERATED.items()):
        path = tmp_path / f"{name}.xml"
        path.write_bytes(to_xml(build()))
        files.append(path)
    example = ratsdok.load_nachricht(EXAMPLE_XML)
    path = tmp_path / "example-rewritten.xml"
    path.write_bytes(to_xml(example.vorlage))
    files.append(path)
    for f in files:
        result = subprocess.run(
            [xmllint, "--noout", "--nonet", "--schema", str(schema), str(f)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "validates" in result.stderr


def test_xmllint_accepts_nested_erweiterungen_only_in_place(tmp_path: Path) -> None:
    xmllint = require_tool("xmllint")
    schema = ROOT / "schemas" / "ratsdok.xsd"
    text = _full_text()
    assert text.count("<ratsdok:erweiterung>") == 5
    good = tmp_path / "nested.xml"
    good.write_text(text, encoding="utf-8")
    # The same erweiterung before ergebnis instead of after it.
    block = text[text.index("          <ratsdok:erweiterung>") :]
    block = block[: block.index("</ratsdok:erweiterung>\n") + len("</ratsdok:erweiterung>\n")]
    moved = text.replace(block, "", 1).replace(
        "          <ratsdok:ergebnis>", block + "          <ratsdok:ergebnis>", 1
    )
    bad = tmp_path / "misplaced.xml"
    bad.write_text(moved, encoding="utf-8")
    for path, ok in ((good, True), (bad, False)):
        result = subprocess.run(
            [xmllint, "--noout", "--nonet", "--schema", str(schema), str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert (result.returncode == 0) is ok, result.stderr


def _xmllint_ok(xmllint: str, path: Path) -> bool:
    schema = ROOT / "schemas" / "ratsdok.xsd"
    result = subprocess.run(
        [xmllint, "--noout", "--nonet", "--schema", str(schema), str(path)],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


QUELLE_STAMP = "<ratsdok:geaendert>2021-03-04T12:00:00.25Z</ratsdok:geaendert>"


@pytest.mark.parametrize(
    ("stamp", "ok"),
    [
        ("2021-03-04T12:00:00.25Z", True),
        ("2021-03-04T12:00:00.999999-14:00", True),
        ("2021-03-04T12:00:00.250Z", False),  # trailing zero: not the one spelling
        ("2021-03-04T12:00:00.25+00:00", False),  # UTC is written Z
        ("2021-03-04T12:00:00.25", False),  # no offset
        ("2021-03-04T12:00:00.1234567Z", False),  # finer than microseconds
        ("2021-03-04", False),
    ],
)
def test_xmllint_accepts_quelle_times_only_in_canonical_form(
    tmp_path: Path, stamp: str, ok: bool
) -> None:
    xmllint = require_tool("xmllint")
    text = _full_text().replace(QUELLE_STAMP, f"<ratsdok:geaendert>{stamp}</ratsdok:geaendert>")
    path = tmp_path / "quelle.xml"
    path.write_text(text, encoding="utf-8")
    assert _xmllint_ok(xmllint, path) is ok
    if ok:  # every accepted spelling is written back byte for byte
        assert to_xml(nachricht_from_xml(text.encode())) == text.encode()
    else:
        err = _errors(text, SchemaError)
        assert {p.line for p in err.problems} == {line_of(text, f"geaendert>{stamp}<")}


def test_xmllint_refuses_quelle_after_the_erweiterungen(tmp_path: Path) -> None:
    xmllint = require_tool("xmllint")
    text = _full_text()
    start = text.index("      <ratsdok:quelle>\n        <ratsdok:kennung>https://o.example/paper")
    block = text[start : text.index("      </ratsdok:quelle>\n", start) + 24]
    assert block.endswith("</ratsdok:quelle>\n")
    moved = text.replace(block, "").replace(
        "    </ratsdok:vorlage>", block + "    </ratsdok:vorlage>"
    )
    path = tmp_path / "moved.xml"
    path.write_text(moved, encoding="utf-8")
    assert not _xmllint_ok(xmllint, path)
    assert _errors(moved, SchemaError).problems


def test_xmllint_rejects_a_broken_document(tmp_path: Path, example_text: str) -> None:
    xmllint = require_tool("xmllint")
    schema = ROOT / "schemas" / "ratsdok.xsd"
    path = tmp_path / "bad.xml"
    path.write_text(example_text.replace("2020-05-25", "2020-13-45"), encoding="utf-8")
    result = subprocess.run(
        [xmllint, "--noout", "--nonet", "--schema", str(schema), str(path)],
        capture_output=True,
        check=False,
    )
    assert result.returncode != 0


def test_blank_absatz_passes_schema_but_not_model(example_text: str) -> None:
    second = "<ratsdok:absatz>Die Umsetzung des Projektes"
    line = line_of(example_text, second)
    lines = example_text.splitlines(keepends=True)
    lines[line - 1] = "        <ratsdok:absatz> \t </ratsdok:absatz>\n"
    bad = "".join(lines)
    assert schema_problems(_parse(bad.encode())) == []
    err = _errors(bad, InvalidDocumentError)
    (problem,) = err.problems
    assert problem.field == "abschnitte[1].absaetze[1]"
    assert problem.line == line
    assert "empty" in problem.message


def _full_text() -> str:
    return to_xml(full_vorlage()).decode("utf-8")


def test_blank_nested_erweiterung_wert_points_at_its_line() -> None:
    text = _full_text()
    good = '<ratsdok:wert>"nur „intern“"</ratsdok:wert>'
    line = line_of(text, good)
    bad = text.replace(good, "<ratsdok:wert> \t </ratsdok:wert>")
    assert schema_problems(_parse(bad.encode())) == []
    err = _errors(bad, InvalidDocumentError)
    (problem,) = err.problems
    assert problem.field == "anlagen[1].erweiterungen[1].wert"
    assert problem.line == line
    assert "empty" in problem.message


def test_control_character_in_beratung_erweiterung_points_at_its_line() -> None:
    text = _full_text()
    line = line_of(text, "<ratsdok:wert>1</ratsdok:wert>")
    bad = text.replace("<ratsdok:wert>1</ratsdok:wert>", "<ratsdok:wert>1&#x85;2</ratsdok:wert>")
    err = _errors(bad, InvalidDocumentError)
    (problem,) = err.problems
    assert problem.field == "beratungsfolge[0].erweiterungen[1].wert"
    assert problem.line == line
    assert "U+0085" in problem.message


def test_nested_erweiterung_in_the_wrong_place_is_a_schema_error() -> None:
    text = _full_text()
    erweiterung = (
        "        <ratsdok:erweiterung>\n"
        "          <ratsdok:schluessel>vendor:seiten</ratsdok:schluessel>\n"
        "          <ratsdok:wert>12</ratsdok:wert>\n"
        "        </ratsdok:erweiterung>\n"
    )
    assert erweiterung in text
    without = text.replace(erweiterung, "")
    inhalt = line_of(without, "<ratsdok:inhalt>")
    lines = without.splitlines(keepends=True)
    lines.insert(inhalt - 1, erweiterung)  # before inhalt instead of after it
    err = _errors("".join(lines), SchemaError)
    # inhalt is the element out of place now, four lines further down.
    assert {p.line for p in err.problems} == {inhalt + 4}
    assert "inhalt" in str(err)
    missing_wert = text.replace("          <ratsdok:wert>12</ratsdok:wert>\n", "")
    err = _errors(missing_wert, SchemaError)
    assert {p.line for p in err.problems} == {line_of(text, "vendor:seiten") - 1}


def test_bad_time_in_a_nested_quelle_points_at_its_line_and_field() -> None:
    text = _full_text()
    good = "<ratsdok:geaendert>2021-03-12T18:05:00-05:30</ratsdok:geaendert>"
    line = line_of(text, good)
    # 24:00:00 is a valid xs:dateTime (midnight at the end of the day); Python has no hour 24.
    bad = text.replace(good, good.replace("18:05:00", "24:00:00"))
    assert schema_problems(_parse(bad.encode())) == []
    (problem,) = _errors(bad, InvalidDocumentError).problems
    assert problem.field == "beratungsfolge[1].quelle.geaendert"
    assert problem.line == line


def test_bad_kennung_in_a_nested_quelle_points_at_its_line_and_field() -> None:
    text = _full_text()
    good = "<ratsdok:kennung>urn:ris:file:1</ratsdok:kennung>"
    line = line_of(text, good)
    bad = text.replace(good, "<ratsdok:kennung>urn:ris&#x85;</ratsdok:kennung>")
    (problem,) = _errors(bad, InvalidDocumentError).problems
    assert problem.field == "anlagen[0].quelle.kennung"
    assert problem.line == line
    assert "U+0085" in problem.message
    # A blank kennung is already refused by the schema, at the same line.
    blank = text.replace(good, "<ratsdok:kennung> \t </ratsdok:kennung>")
    assert {p.line for p in _errors(blank, SchemaError).problems} == {line}


def test_all_model_problems_are_reported_together(example_text: str) -> None:
    bad = example_text.replace("2020-05-26", "2020-05-01").replace(
        "<code>vorberatung</code>", "<code>entscheidung</code>"
    )
    err = _errors(bad, InvalidDocumentError)
    assert {p.field for p in err.problems} == {
        "beratungsfolge[1].sitzungstermin",
        "beratungsfolge[1].zustaendigkeit",
    }
    assert all(p.line is not None for p in err.problems)


def test_wrong_id_is_reported_together_with_rule_violations(example_text: str) -> None:
    bad = example_text.replace("2020-05-26", "2020-05-01").replace(
        'id="vorlage-3f6d2a5e-8c1b-4e7a-9b0d-2c4e6a8f0b13"',
        'id="vorlage-00000000-8c1b-4e7a-9b0d-2c4e6a8f0b13"',
    )
    err = _errors(bad, InvalidDocumentError)
    assert {p.field for p in err.problems} == {"beratungsfolge[1].sitzungstermin", "vorlage/@id"}


def test_text_the_reader_would_refuse_is_not_written() -> None:
    at_limit = minimal_vorlage(betreff="ü" * (MAX_TEXT_BYTES // 2))
    assert ratsdok.from_xml(to_xml(at_limit)) == at_limit
    too_long = Abschnitt(
        art=Abschnittsart.BEGRUENDUNG, absaetze=["kurz", "ü" * (MAX_TEXT_BYTES // 2) + "x"]
    )
    with pytest.raises(InvalidDocumentError) as info:
        to_xml(minimal_vorlage(abschnitte=[too_long], koerperschaft="x" * (MAX_TEXT_BYTES + 1)))
    assert [(p.field, p.message.split(" bytes")[0]) for p in info.value.problems] == [
        ("koerperschaft", f"{MAX_TEXT_BYTES + 1:,}"),
        ("abschnitte[0].bloecke[1].text", f"{MAX_TEXT_BYTES + 1:,}"),
    ]


def test_inline_content_counts_as_base64() -> None:
    fits = MAX_TEXT_BYTES // 4 * 3  # its base64 text is exactly the limit
    ok = minimal_vorlage(anlage(dateiname="plan.pdf", inhalt=bytes(fits)))
    assert ratsdok.from_xml(to_xml(ok)).anlagen[0].inhalt == bytes(fits)
    with pytest.raises(InvalidDocumentError) as info:
        to_xml(minimal_vorlage(anlage(dateiname="plan.pdf", inhalt=bytes(fits + 1))))
    assert [p.field for p in info.value.problems] == ["anlagen[0].inhalt"]


def test_overlong_header_attribute_is_not_written(tmp_path: Path) -> None:
    kopf = Nachrichtenkopf.neu().model_copy(update={"produkt": "&" * MAX_ATTRIBUTE_BYTES})
    with pytest.raises(InvalidDocumentError) as info:
        ratsdok.save(minimal_vorlage(), tmp_path / "v.xml", kopf=kopf)
    assert [p.field for p in info.value.problems] == ["nachrichtenkopf.produkt"]
    assert list(tmp_path.iterdir()) == []  # save writes nothing
