"""The error hierarchy and how problems are printed."""

from __future__ import annotations

import pytest

from ratsdok.errors import (
    AnlagenError,
    InvalidDocumentError,
    OutputError,
    Problem,
    RatsdokError,
    SchemaError,
    UnsafeInputError,
    XmlSyntaxError,
)


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        (Problem("kaputt"), "kaputt"),
        (Problem("kaputt", file="a.xml"), "a.xml: kaputt"),
        (Problem("kaputt", file="a.xml", line=7), "a.xml:7: kaputt"),
        (Problem("kaputt", line=7), "line 7: kaputt"),
        (
            Problem("kaputt", file="a.xml", line=7, field="anlagen[0]"),
            "a.xml:7: anlagen[0]: kaputt",
        ),
        (Problem("kaputt", field="betreff"), "betreff: kaputt"),
    ],
)
def test_problem_str(problem: Problem, expected: str) -> None:
    assert str(problem) == expected


def test_error_carries_all_problems() -> None:
    problems = [Problem("eins", line=1), Problem("zwei", line=2)]
    err = SchemaError(problems)
    assert err.problems == tuple(problems)
    assert str(err) == "line 1: eins\nline 2: zwei"


def test_error_from_text_and_single_problem() -> None:
    assert RatsdokError("nur Text").problems == (Problem("nur Text"),)
    p = Problem("x", file="f")
    assert OutputError(p).problems == (p,)


def test_error_needs_a_problem() -> None:
    with pytest.raises(ValueError, match="at least one"):
        RatsdokError([])


def test_hierarchy() -> None:
    documents: tuple[type[RatsdokError], ...] = (XmlSyntaxError, UnsafeInputError, SchemaError)
    for cls in documents:
        assert issubclass(cls, InvalidDocumentError)
    for other in (InvalidDocumentError, AnlagenError, OutputError):
        assert issubclass(other, RatsdokError)
    assert issubclass(RatsdokError, Exception)
    assert not issubclass(AnlagenError, InvalidDocumentError)


def test_problem_is_frozen() -> None:
    p = Problem("x")
    with pytest.raises(AttributeError):
        p.message = "y"  # type: ignore[misc]
