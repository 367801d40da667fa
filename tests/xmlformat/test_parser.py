"""Safe XML parsing: syntax errors with lines, no DTDs or entities, bounded size."""

from __future__ import annotations

import pytest

from ratsdok.errors import InvalidDocumentError, UnsafeInputError, XmlSyntaxError
from ratsdok.xml.parser import MAX_ATTRIBUTE_BYTES, MAX_TEXT_BYTES, parse_xml


def test_well_formed_input_parses() -> None:
    tree = parse_xml(b"<a>\n<b>x</b>\n</a>")
    assert tree.getroot().tag == "a"


def test_syntax_error_names_source_and_line() -> None:
    with pytest.raises(XmlSyntaxError) as info:
        parse_xml(b"<a>\n<b>\n</c>\n</a>", source="in.xml")
    (problem,) = info.value.problems
    assert problem.file == "in.xml"
    assert problem.line == 3
    assert str(problem).startswith("in.xml:3: ")


def test_empty_input_is_a_syntax_error() -> None:
    with pytest.raises(XmlSyntaxError):
        parse_xml(b"")


def test_internal_entity_is_refused() -> None:
    data = b'<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY e "boom">]>\n<a>&e;</a>'
    with pytest.raises(UnsafeInputError) as info:
        parse_xml(data, source="x.xml")
    assert "DOCTYPE" in str(info.value)
    assert "boom" not in str(info.value)


def test_external_entity_is_refused_and_not_read() -> None:
    data = b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<a>&x;</a>'
    with pytest.raises(UnsafeInputError) as info:
        parse_xml(data)
    assert "root:" not in str(info.value)


# libxml2 opens a DOCTYPE's SYSTEM file even with load_dtd=False; the parser must not.
EXTERNAL_DTDS = pytest.mark.parametrize(
    "data",
    [
        b'<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd">\n<a/>',
        b'<!DOCTYPE a SYSTEM "file:///etc/passwd">\n<a/>',
        b'<!DOCTYPE a [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>\n<a/>',
    ],
    ids=["network-dtd", "file-dtd", "parameter-entity"],
)


@EXTERNAL_DTDS
def test_external_dtd_is_refused_as_unsafe(data: bytes) -> None:
    with pytest.raises(UnsafeInputError):
        parse_xml(data)


@EXTERNAL_DTDS
def test_external_dtd_never_parses_and_never_leaks(data: bytes) -> None:
    with pytest.raises(InvalidDocumentError) as info:
        parse_xml(data)
    assert "root:" not in str(info.value)


def test_size_limit() -> None:
    data = b"<a>" + b"x" * 100 + b"</a>"
    assert parse_xml(data, max_bytes=len(data)).getroot().text == "x" * 100
    with pytest.raises(UnsafeInputError) as info:
        parse_xml(data, max_bytes=len(data) - 1, source="big.xml")
    (problem,) = info.value.problems
    assert problem.file == "big.xml"
    assert "limit" in problem.message


def test_text_input_is_refused() -> None:
    with pytest.raises(TypeError):
        parse_xml("<a/>")  # type: ignore[arg-type]


def test_text_limit_is_the_readers() -> None:
    # MAX_TEXT_BYTES is what libxml2 accepts without huge_tree: the writer and the OParl
    # import refuse by it, so it must match the reader exactly (UTF-8 bytes, references
    # resolved).
    at_limit = "ü".encode() * (MAX_TEXT_BYTES // 2)
    assert len(parse_xml(b"<a>" + at_limit + b"</a>").getroot().text or "") == MAX_TEXT_BYTES // 2
    for over in (b"x" * (MAX_TEXT_BYTES + 1), b"&amp;" * (MAX_TEXT_BYTES + 1), at_limit + b"x"):
        with pytest.raises(UnsafeInputError) as info:
            parse_xml(b"<a>" + over + b"</a>", source="lang.xml")
        (problem,) = info.value.problems
        assert problem.file == "lang.xml"
        assert f"{MAX_TEXT_BYTES:,} bytes" in problem.message


def test_attribute_limit_leaves_room_in_the_start_tag() -> None:
    value = b"x" * MAX_ATTRIBUTE_BYTES
    tag = b'<a produkt="' + value + b'" produkthersteller="' + value + b'" v="' + value + b'"/>'
    assert parse_xml(tag).getroot().get("v") == value.decode()
