"""Text value types: NFC, line breaks, XML-safe characters, file names, media types."""

from __future__ import annotations

import unicodedata

import pytest

from ratsdok.model.text import normalize_text


def test_nfd_input_becomes_nfc() -> None:
    decomposed = "Gru\u0308n"
    assert not unicodedata.is_normalized("NFC", decomposed)
    result = normalize_text(decomposed)
    assert result == "Grün"
    assert unicodedata.is_normalized("NFC", result)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\r\n\r\nb", "a\n\nb"),
        ("  \t Wartburgkreis \n", "Wartburgkreis"),
        ("a\u00a0b", "a\u00a0b"),  # NBSP is not XML white space; kept inside
    ],
)
def test_line_breaks_and_outer_whitespace(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize("raw", ["", " ", "\t\n\r ", "\r\n"])
def test_empty_or_whitespace_only_is_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="empty"):
        normalize_text(raw)


@pytest.mark.parametrize(
    "char",
    [
        "\x00",
        "\x01",
        "\x08",
        "\x0b",
        "\x0c",
        "\x1f",
        "\x7f",
        "\x85",
        "\x9f",
        "\ud800",
        "\ufffe",
        "\uffff",
    ],
)
def test_characters_xml_cannot_carry_are_refused(char: str) -> None:
    with pytest.raises(ValueError, match=f"U\\+{ord(char):04X}"):
        normalize_text(f"a{char}b")


@pytest.mark.parametrize("char", ["\t", "\n", "\u2028", "\U0001f600", "\ue000"])
def test_allowed_characters_inside_text(char: str) -> None:
    assert normalize_text(f"a{char}b") == f"a{char}b"
