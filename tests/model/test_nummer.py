"""Drucksachennummern: kept verbatim, parts recognised where the scheme is known."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ratsdok
from ratsdok import Drucksachennummer


def test_praefix_scheme_parts() -> None:
    n = Drucksachennummer("KT 0134/2020")
    assert n.erkannt
    assert (n.praefix, n.laufnummer, n.stellen, n.jahr, n.zusatz) == ("KT", 134, 4, 2020, None)
    assert str(n) == "KT 0134/2020"


def test_praefix_scheme_with_suffix() -> None:
    n = Drucksachennummer("BV 12/2021-1")
    assert (n.praefix, n.laufnummer, n.stellen, n.jahr, n.zusatz) == ("BV", 12, 2, 2021, "-1")


def test_year_first_scheme() -> None:
    n = Drucksachennummer("2025/0369")
    assert n.erkannt
    assert (n.praefix, n.laufnummer, n.stellen, n.jahr, n.zusatz) == (None, 369, 4, 2025, None)


def test_year_first_scheme_with_suffix() -> None:
    n = Drucksachennummer("2024/0194/1")
    assert (n.jahr, n.laufnummer, n.stellen, n.zusatz) == (2024, 194, 4, "/1")


@pytest.mark.parametrize("text", ["Antrag Nr. 5", "XYZ", "0134-2020", "KT 134/20"])
def test_unrecognised_scheme_keeps_the_text(text: str) -> None:
    n = Drucksachennummer(text)
    assert not n.erkannt
    assert str(n) == text
    assert (n.praefix, n.laufnummer, n.stellen, n.jahr, n.zusatz) == (None,) * 5


def test_documented_suffix_after_space_is_recognised() -> None:
    n = Drucksachennummer("Drs. 7/2019 Erg. 1")
    assert n.erkannt
    assert (n.praefix, n.laufnummer, n.jahr) == ("Drs.", 7, 2019)


def test_bilden_pads_the_running_number() -> None:
    n = Drucksachennummer.bilden("KT", 134, 2020)
    assert str(n) == "KT 0134/2020"
    assert n == Drucksachennummer("KT 0134/2020")
    wide = Drucksachennummer.bilden("BV", 7, 2021, stellen=3)
    assert str(wide) == "BV 007/2021"
    assert (wide.laufnummer, wide.stellen) == (7, 3)


def test_bilden_refuses_negative_numbers() -> None:
    with pytest.raises(ValueError, match="negative"):
        Drucksachennummer.bilden("KT", -1, 2020)


def test_equality_and_hash() -> None:
    a = Drucksachennummer("KT 0134/2020")
    b = Drucksachennummer("KT 0134/2020")
    c = Drucksachennummer("KT 134/2020")
    assert a == b
    assert hash(a) == hash(b)
    assert a != c
    assert len({a, b, c}) == 2
    assert a != "KT 0134/2020"


@pytest.mark.parametrize("text", ["KT   0134/2020", " KT\t0134/2020 ", "KT\n0134/2020"])
def test_whitespace_is_collapsed(text: str) -> None:
    n = Drucksachennummer(text)
    assert str(n) == "KT 0134/2020"
    assert n == Drucksachennummer("KT 0134/2020")
    assert n.laufnummer == 134


def test_no_space_at_the_ends_after_collapsing() -> None:
    n = Drucksachennummer("KT 0134/2020\u00a0")
    assert str(n) == str(n).strip()
    v = ratsdok.Vorlage(nummer="KT 0134/2020\u00a0", betreff="x")
    assert ratsdok.from_xml(ratsdok.to_xml(v)) == v


def test_too_long_and_empty_numbers_are_refused() -> None:
    assert len(str(Drucksachennummer("x" * 100))) == 100
    with pytest.raises(ValueError, match="100"):
        Drucksachennummer("x" * 101)
    with pytest.raises(ValueError, match="empty"):
        Drucksachennummer("   ")


def test_model_field_accepts_text_and_instances() -> None:
    n = Drucksachennummer("2025/0369")
    assert ratsdok.Vorlage(nummer=n, betreff="x").nummer is n
    assert ratsdok.Vorlage(nummer="2025/0369", betreff="x").nummer == n
    assert ratsdok.Vorlage(nummer=n, betreff="x").model_dump()["nummer"] == "2025/0369"


# Issue #10: a year is derived only when it is unambiguous.


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        # (praefix, laufnummer, stellen, jahr, zusatz)
        ("KT 0134/2020", ("KT", 134, 4, 2020, None)),
        ("0041/2021", (None, 41, 4, 2021, None)),
        ("2021/0815", (None, 815, 4, 2021, None)),
        ("VO/2021/123", ("VO", 123, 3, 2021, None)),
        ("BV/0123/2019", ("BV", 123, 4, 2019, None)),
        ("A 17/2020-1", ("A", 17, 2, 2020, "-1")),
        ("0041/2021-2", (None, 41, 4, 2021, "-2")),
        ("VO/2021/0123/1", ("VO", 123, 4, 2021, "/1")),
    ],
)
def test_formats_seen_in_real_ris(
    text: str, parts: tuple[str | None, int, int, int, str | None]
) -> None:
    n = Drucksachennummer(text)
    assert n.erkannt
    assert (n.praefix, n.laufnummer, n.stellen, n.jahr, n.zusatz) == parts
    assert str(n) == text


@pytest.mark.parametrize(
    "text",
    [
        "DS 19/1234",  # Wahlperiode 19, Drucksache 1234: no year in it
        "KT 12/21",  # two digits are never read as a year (Wahlperiode/Nr looks the same)
        "12/21",
        "0041/0042",  # neither part a plausible year
        "KT 0134/1899",  # before 1900
        "KT 0134/2200",  # after 2199
        "2020/2021",  # both could be the year
        "1999/2021-1",
        "VO/2019/2020",
        "VO/19/1234",
    ],
)
def test_no_year_is_guessed(text: str) -> None:
    n = Drucksachennummer(text)
    assert n.jahr is None
    assert not n.erkannt
    assert (n.praefix, n.laufnummer, n.stellen, n.zusatz) == (None,) * 4
    assert str(n) == text


_ZIFFERN = st.text(alphabet="0123456789", min_size=1, max_size=5)


@given(
    st.tuples(
        st.sampled_from(["", "KT ", "VO/", "DS ", "Drs. ", "BV/"]),
        _ZIFFERN,
        st.sampled_from(["/", "-", " "]),
        _ZIFFERN,
        st.sampled_from(["", "-1", "/2", " Erg. 1", "2"]),
    ).map("".join)
)
def test_a_derived_year_is_always_plausible(text: str) -> None:
    n = Drucksachennummer(text)
    if n.jahr is not None:
        assert 1900 <= n.jahr <= 2199
        assert f"{n.jahr:04d}" in str(n)
        assert n.laufnummer is not None
