"""Models: normalisation on input, field validation, cross-field rules, immutability."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pydantic
import pytest

import ratsdok
from ratsdok import (
    Abschnitt,
    Abschnittsart,
    Anlage,
    Beratung,
    Beschlussergebnis,
    Bezug,
    Bezugsart,
    Ergebnis,
    Erweiterung,
    Quelle,
    Vorlage,
    Zustaendigkeit,
)
from ratsdok.model.vorlage import format_path, rule_violations, zeitpunkt_text
from tests.factories import anlage, minimal_vorlage

E = Zustaendigkeit.ENTSCHEIDUNG
V = Zustaendigkeit.VORBERATUNG


def _rule_errors(**kw: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """The rule violations raised when building a Vorlage from *kw*."""
    with pytest.raises(pydantic.ValidationError) as info:
        minimal_vorlage(**kw)
    (err,) = info.value.errors()
    assert err["type"] == "ratsdok_rule"
    ctx = err.get("ctx")
    assert ctx is not None
    violations: list[tuple[tuple[str | int, ...], str]] = ctx["violations"]
    return violations


def _error_locs(exc: pydantic.ValidationError) -> list[tuple[str | int, ...]]:
    return [tuple(e["loc"]) for e in exc.errors()]


# ---------------------------------------------------------------- text normalisation


def test_nfd_becomes_nfc_in_every_text_field() -> None:
    v = Vorlage(
        nummer="KT 0134/2020",
        betreff="Gebu\u0308hren",
        koerperschaft="Mu\u0308nchen",
        beratungsfolge=[Beratung(gremium="Ausschu\u0308sse")],
    )
    assert v.betreff == "Gebühren"
    assert v.koerperschaft == "München"
    assert v.beratungsfolge[0].gremium == "Ausschüsse"


def test_crlf_becomes_lf() -> None:
    a = Abschnitt(art=Abschnittsart.SACHVERHALT, absaetze=["Zeile 1\r\nZeile 2\rZeile 3"])
    assert a.absaetze == ("Zeile 1\nZeile 2\nZeile 3",)


@pytest.mark.parametrize("betreff", ["", "   ", "\n\t\r"])
def test_empty_required_text_names_the_field(betreff: str) -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        Vorlage(nummer="KT 0134/2020", betreff=betreff)
    assert ("betreff",) in _error_locs(info.value)


def test_empty_nested_text_names_the_nested_field() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        Vorlage(
            nummer="KT 0134/2020",
            betreff="x",
            beratungsfolge=[Beratung(gremium="A"), {"gremium": " "}],
        )
    assert ("beratungsfolge", 1, "gremium") in _error_locs(info.value)


def test_control_characters_are_refused() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        Vorlage(nummer="KT 0134/2020", betreff="Bet\x07reff")
    assert ("betreff",) in _error_locs(info.value)
    assert "U+0007" in str(info.value)


# ---------------------------------------------------------------- rules


def test_beratungen_out_of_date_order() -> None:
    violations = _rule_errors(
        beratungsfolge=[
            Beratung(gremium="Kreisausschuss", sitzungstermin=date(2020, 5, 26)),
            Beratung(gremium="Kreistag", sitzungstermin=date(2020, 5, 25)),
        ]
    )
    assert len(violations) == 1
    path, message = violations[0]
    assert format_path(path) == "beratungsfolge[1].sitzungstermin"
    assert "2020-05-25" in message
    assert "beratungsfolge[0]" in message


def test_date_order_skips_unknown_dates() -> None:
    violations = _rule_errors(
        beratungsfolge=[
            Beratung(gremium="A", sitzungstermin=date(2020, 5, 26)),
            Beratung(gremium="B"),
            Beratung(gremium="C", sitzungstermin=date(2020, 5, 1)),
        ]
    )
    assert [format_path(p) for p, _ in violations] == ["beratungsfolge[2].sitzungstermin"]


def test_same_day_is_in_order() -> None:
    d = date(2020, 5, 26)
    v = Vorlage(
        nummer="1",
        betreff="x",
        beratungsfolge=[
            Beratung(gremium="A", sitzungstermin=d),
            Beratung(gremium="B", sitzungstermin=d),
        ],
    )
    assert rule_violations(v) == []


def test_two_deciding_entscheidungen() -> None:
    violations = _rule_errors(
        beratungsfolge=[
            Beratung(gremium="Kreistag", zustaendigkeit=E),
            Beratung(gremium="Kreistag", zustaendigkeit=E),
        ]
    )
    assert [format_path(p) for p, _ in violations] == ["beratungsfolge[1].zustaendigkeit"]
    assert "beratungsfolge[0]" in violations[0][1]


@pytest.mark.parametrize(
    "aufschub",
    [Beschlussergebnis.VERTAGT, Beschlussergebnis.ZURUECKGESTELLT, Beschlussergebnis.VERWIESEN],
)
def test_put_off_entscheidung_may_be_followed_by_another(aufschub: Beschlussergebnis) -> None:
    v = Vorlage(
        nummer="KT 0001/2024",
        betreff="x",
        beratungsfolge=[
            Beratung(
                gremium="Kreistag",
                sitzungstermin=date(2024, 1, 1),
                zustaendigkeit=E,
                ergebnis=Ergebnis(beschlussergebnis=aufschub),
            ),
            Beratung(gremium="Kreisausschuss", sitzungstermin=date(2024, 2, 1), zustaendigkeit=V),
            Beratung(gremium="Kreistag", sitzungstermin=date(2024, 3, 1), zustaendigkeit=E),
        ],
    )
    assert len(v.beratungsfolge) == 3
    assert not v.beratungsfolge[0].entscheidet
    assert v.beratungsfolge[2].entscheidet


def test_decided_entscheidung_counts() -> None:
    violations = _rule_errors(
        beratungsfolge=[
            Beratung(
                gremium="Kreistag",
                zustaendigkeit=E,
                ergebnis=Ergebnis(beschlussergebnis=Beschlussergebnis.ABGELEHNT),
            ),
            Beratung(gremium="Kreistag", zustaendigkeit=E),
        ]
    )
    assert [format_path(p) for p, _ in violations] == ["beratungsfolge[1].zustaendigkeit"]


def test_vorberatung_after_the_entscheidung() -> None:
    violations = _rule_errors(
        beratungsfolge=[
            Beratung(gremium="Kreistag", zustaendigkeit=E),
            Beratung(gremium="Kreisausschuss", zustaendigkeit=Zustaendigkeit.KENNTNISNAHME),
            Beratung(gremium="Kreisausschuss", zustaendigkeit=V),
        ]
    )
    assert [format_path(p) for p, _ in violations] == ["beratungsfolge[2].zustaendigkeit"]
    assert "Vorberatung" in violations[0][1]
    assert "beratungsfolge[0]" in violations[0][1]


def test_duplicate_anlage_numbers() -> None:
    violations = _rule_errors(
        anlagen=[anlage(nummer=3, dateiname="a.pdf"), anlage(nummer=3, dateiname="b.pdf")]
    )
    assert [format_path(p) for p, _ in violations] == ["anlagen[1].nummer"]
    assert "anlagen[0]" in violations[0][1]


@pytest.mark.parametrize(
    ("first", "second"), [("Konzept.PDF", "konzept.pdf"), ("STRASSE.pdf", "straße.pdf")]
)
def test_duplicate_file_names_ignoring_case(first: str, second: str) -> None:
    violations = _rule_errors(
        anlagen=[anlage(nummer=1, dateiname=first), anlage(nummer=2, dateiname=second)]
    )
    assert [format_path(p) for p, _ in violations] == ["anlagen[1].dateiname"]
    assert second in violations[0][1]


def test_self_reference_by_number() -> None:
    violations = _rule_errors(
        nummer="KT 0134/2020",
        bezuege=[
            Bezug(art=Bezugsart.ERGAENZT, nummer="KT 0001/2020"),
            Bezug(art=Bezugsart.ERGAENZT, nummer="KT  0134/2020"),
        ],
    )
    assert [format_path(p) for p, _ in violations] == ["bezuege[1]"]
    assert "itself" in violations[0][1]


def test_self_reference_by_uuid() -> None:
    u = uuid4()
    violations = _rule_errors(
        uuid=u, bezuege=[Bezug(art=Bezugsart.AENDERT, nummer="ANDERE 1/2020", uuid=u)]
    )
    assert [format_path(p) for p, _ in violations] == ["bezuege[0]"]


def test_all_violations_are_reported_together() -> None:
    violations = _rule_errors(
        beratungsfolge=[
            Beratung(gremium="A", sitzungstermin=date(2020, 2, 1), zustaendigkeit=E),
            Beratung(gremium="B", sitzungstermin=date(2020, 1, 1), zustaendigkeit=E),
        ],
        anlagen=[anlage(nummer=1, dateiname="a.pdf"), anlage(nummer=1, dateiname="A.pdf")],
    )
    assert {format_path(p) for p, _ in violations} == {
        "beratungsfolge[1].sitzungstermin",
        "beratungsfolge[1].zustaendigkeit",
        "anlagen[1].nummer",
        "anlagen[1].dateiname",
    }


def test_format_path() -> None:
    assert format_path(("beratungsfolge", 1, "gremium")) == "beratungsfolge[1].gremium"
    assert format_path(("anlagen", 0)) == "anlagen[0]"
    assert format_path(()) == ""


# ---------------------------------------------------------------- Anlage fields


UNSAFE_FILE_NAMES = [
    *["../x.pdf", "a/b", "a\\b", "x..pdf", "\x01.pdf", "a\nb.pdf", ".", "..", "ä" * 128, " "],
    # invisible characters that make a name look other than it is
    *["rechnung\u202egnp.exe", "a\u200bb.pdf", "a\u2028b.pdf", "\ufeffa.pdf"],
]
MALFORMED_SHA256 = ["abc", "g" * 64, "a" * 63, "a" * 65, "a" * 32 + " " + "a" * 31]
BAD_MEDIENTYPEN = ["pdf", "application/", "text/plain; charset=utf-8", ""]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        *(("dateiname", name) for name in UNSAFE_FILE_NAMES),
        *(("sha256", digest) for digest in MALFORMED_SHA256),
        *(("medientyp", mime) for mime in BAD_MEDIENTYPEN),
    ],
)
def test_malformed_anlage_field_is_refused(field: str, value: str) -> None:
    changes: dict[str, Any] = {field: value}
    with pytest.raises(pydantic.ValidationError) as info:
        anlage(**changes)
    assert (field,) in _error_locs(info.value)


@pytest.mark.parametrize(
    "name", ["konzept.pdf", ".hidden", "a.b.c", "ä" * 127 + "a", "Anlage 1 – Übersicht.pdf"]
)
def test_safe_file_names_are_accepted(name: str) -> None:
    assert anlage(dateiname=name).dateiname == name


def test_uppercase_sha256_is_lowercased() -> None:
    digest = hashlib.sha256(b"x").hexdigest()
    assert anlage(sha256=digest.upper()).sha256 == digest


def test_medientyp_is_lowercased() -> None:
    assert anlage(medientyp="Application/PDF").medientyp == "application/pdf"


def test_inline_content_fills_size_and_digest() -> None:
    data = b"%PDF-1.7 inline"
    a = anlage(inhalt=data)
    assert a.groesse == len(data)
    assert a.sha256 == hashlib.sha256(data).hexdigest()


def test_inline_content_keeps_recorded_values() -> None:
    a = anlage(inhalt=b"abc", groesse=99, sha256="0" * 64)
    assert (a.groesse, a.sha256) == (99, "0" * 64)


def test_negative_size_and_number_zero_are_refused() -> None:
    with pytest.raises(pydantic.ValidationError):
        anlage(groesse=-1)
    with pytest.raises(pydantic.ValidationError):
        anlage(nummer=0)


# ---------------------------------------------------------------- Erweiterungen


def test_beratung_and_anlage_end_with_quelle_and_erweiterungen() -> None:
    for model in (Beratung, Anlage, Vorlage):
        assert list(model.model_fields)[-2:] == ["quelle", "erweiterungen"]
    assert Beratung(gremium="Rat").erweiterungen == ()
    assert anlage().erweiterungen == ()


def test_nested_erweiterungen_are_normalised_tuples() -> None:
    b = Beratung(
        gremium="Rat", erweiterungen=[{"schluessel": "ris:x", "wert": ' "Mu\u0308nchen"\r\n'}]
    )
    a = anlage(erweiterungen=[Erweiterung(schluessel="vendor:y", wert="1")])
    assert isinstance(b.erweiterungen, tuple) and isinstance(a.erweiterungen, tuple)
    assert b.erweiterungen == (Erweiterung(schluessel="ris:x", wert='"München"'),)
    v = Vorlage(nummer="1", betreff="x", beratungsfolge=[b], anlagen=[a])
    assert v.anlagen[0].erweiterungen[0].schluessel == "vendor:y"
    with pytest.raises(pydantic.ValidationError):
        b.erweiterungen[0].wert = "2"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("field", "item"),
    [
        ("beratungsfolge", {"gremium": "Rat"}),
        ("anlagen", {"nummer": 1, "titel": "T", "dateiname": "t.pdf", "medientyp": "a/b"}),
    ],
)
def test_bad_nested_erweiterung_names_the_nested_field(field: str, item: dict[str, Any]) -> None:
    bad = {**item, "oeffentlich": True} if field == "anlagen" else dict(item)
    bad["erweiterungen"] = [
        {"schluessel": "ris:ok", "wert": "1"},
        {"schluessel": "ris:leer", "wert": "  "},
    ]
    with pytest.raises(pydantic.ValidationError) as info:
        Vorlage(nummer="1", betreff="x", **{field: [bad]})
    assert _error_locs(info.value) == [(field, 0, "erweiterungen", 1, "wert")]


def test_erweiterungen_take_part_in_equality() -> None:
    plain = anlage()
    extended = anlage(erweiterungen=[Erweiterung(schluessel="vendor:y", wert="1")])
    assert plain != extended
    assert plain == extended.model_copy(update={"erweiterungen": ()})


# ---------------------------------------------------------------- Quelle

PLUS2 = timezone(timedelta(hours=2))


def test_quelle_keeps_the_offset_as_given_in_one_tzinfo_class() -> None:
    q = Quelle(
        kennung=" https://o.example/paper/1\r\n",
        web="https://o.example/web/Mu\u0308nchen",
        erstellt="2020-05-04T10:15:30.5+02:00",
        geaendert=datetime(2020, 5, 4, 8, 15, tzinfo=UTC),
    )
    assert q.kennung == "https://o.example/paper/1"
    assert q.web == "https://o.example/web/München"
    assert q.erstellt == datetime(2020, 5, 4, 10, 15, 30, 500000, tzinfo=PLUS2)
    assert q.erstellt is not None and q.erstellt.tzinfo == PLUS2
    assert q.geaendert is not None and q.geaendert.tzinfo is UTC
    # A zone is reduced to its offset at that time (one spelling per value).
    berlin = Quelle(
        kennung="k", erstellt=datetime(2020, 5, 4, 10, 15, tzinfo=ZoneInfo("Europe/Berlin"))
    )
    assert berlin.erstellt is not None and berlin.erstellt.tzinfo == PLUS2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2020-05-04T10:15:30", "no UTC offset"),
        (datetime(2020, 5, 4, 10, 15), "no UTC offset"),
        ("2020-05-04", "no UTC offset"),
        (1588580130, "not a number"),
        ("2020-05-04T10:15:30+14:30", "within ±14:00"),
        (datetime(2020, 5, 4, tzinfo=timezone(timedelta(minutes=53, seconds=28))), "+00:53:28"),
    ],
)
def test_quelle_refuses_times_without_a_usable_offset(value: Any, message: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=re.escape(message)):
        Quelle(kennung="k", erstellt=value)
    # Nested, the error names the field path.
    with pytest.raises(pydantic.ValidationError) as info:
        Vorlage(
            nummer="1",
            betreff="x",
            beratungsfolge=[{"gremium": "Rat", "quelle": {"kennung": "k", "geaendert": value}}],
        )
    assert _error_locs(info.value) == [("beratungsfolge", 0, "quelle", "geaendert")]


def test_quelle_needs_a_kennung_with_text() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        anlage(quelle={"kennung": " \t"})
    assert _error_locs(info.value) == [("quelle", "kennung")]


def test_quelle_equality_includes_the_offset() -> None:
    here = Quelle(kennung="k", erstellt=datetime(2020, 5, 4, 10, 0, tzinfo=PLUS2))
    utc = Quelle(kennung="k", erstellt=datetime(2020, 5, 4, 8, 0, tzinfo=UTC))
    # The same instant, but written differently: not the same Quelle.
    assert here.erstellt == utc.erstellt
    assert here != utc and hash(here) == hash(utc)
    assert here == Quelle(kennung="k", erstellt="2020-05-04T10:00:00+02:00")
    assert here != here.model_copy(update={"web": "https://o.example"})
    assert anlage(quelle=here) != anlage(quelle=utc)
    assert anlage(quelle=here) == anlage(quelle=here.model_copy())
    assert anlage() != anlage(quelle=here)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2020, 5, 4, 10, 15, 30, tzinfo=PLUS2), "2020-05-04T10:15:30+02:00"),
        (datetime(2020, 5, 4, 10, 15, 30, 500000, tzinfo=UTC), "2020-05-04T10:15:30.5Z"),
        (
            datetime(1, 1, 1, 0, 0, 0, 120, tzinfo=timezone(-timedelta(minutes=30))),
            "0001-01-01T00:00:00.00012-00:30",
        ),
        (
            datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=14))),
            "9999-12-31T23:59:59.999999+14:00",
        ),
    ],
)
def test_zeitpunkt_text_is_canonical_and_reads_back(value: datetime, text: str) -> None:
    assert zeitpunkt_text(value) == text
    again = Quelle(kennung="k", erstellt=text)
    assert again == Quelle(kennung="k", erstellt=value)


# ---------------------------------------------------------------- immutability and helpers


def test_models_are_frozen() -> None:
    v = Vorlage(nummer="KT 0134/2020", betreff="x", anlagen=[anlage()])
    with pytest.raises(pydantic.ValidationError):
        v.betreff = "y"  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError):
        v.anlagen[0].titel = "y"  # type: ignore[misc]
    assert isinstance(v.beratungsfolge, tuple)


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(pydantic.ValidationError):
        Vorlage(nummer="1", betreff="x", titel="y")  # type: ignore[call-arg]


def test_id_lookups_and_sections() -> None:
    u = UUID("3f6d2a5e-8c1b-4e7a-9b0d-2c4e6a8f0b13")
    v = Vorlage(
        uuid=u,
        nummer="1",
        betreff="x",
        abschnitte=[Abschnitt(art=Abschnittsart.BEGRUENDUNG, absaetze=["b"])],
        anlagen=[anlage(nummer=7)],
    )
    assert v.id == f"vorlage-{u}"
    assert v.begruendung == ("b",)
    assert v.beschlussvorschlag is None
    assert v.anlage(7).nummer == 7
    with pytest.raises(KeyError):
        v.anlage(1)
    assert v.abschnitte[0].titel == Abschnittsart.BEGRUENDUNG.bezeichnung


def test_public_version_keeps_only_that_a_closed_entscheidung_was_put_off() -> None:
    """Found by the OParl round trip: dropping the whole Ergebnis of a vertagte
    Entscheidung made the published Beratungsfolge decide twice."""
    v = ratsdok.Vorlage(
        nummer="KT 1/2024",
        betreff="Vertagt",
        beratungsfolge=[
            ratsdok.Beratung(
                gremium="Kreistag",
                sitzungsart=ratsdok.Sitzungsart.NICHTOEFFENTLICH,
                zustaendigkeit=ratsdok.Zustaendigkeit.ENTSCHEIDUNG,
                ergebnis=ratsdok.Ergebnis(
                    beschlussergebnis=ratsdok.Beschlussergebnis.VERTAGT,
                    abstimmung=ratsdok.Abstimmung(ja=3, nein=20),
                    beschlusstext="Vertagt auf die nächste Sitzung.",
                ),
            ),
            ratsdok.Beratung(
                gremium="Ausschuss", zustaendigkeit=ratsdok.Zustaendigkeit.VORBERATUNG
            ),
            ratsdok.Beratung(
                gremium="Kreistag",
                sitzungsart=ratsdok.Sitzungsart.NICHTOEFFENTLICH,
                zustaendigkeit=ratsdok.Zustaendigkeit.ENTSCHEIDUNG,
                ergebnis=ratsdok.Ergebnis(
                    beschlussergebnis=ratsdok.Beschlussergebnis.BESCHLOSSEN,
                    abstimmung=ratsdok.Abstimmung(ja=20, nein=3),
                ),
            ),
        ],
    )
    public = v.oeffentliche_fassung()
    first, _, last = public.beratungsfolge
    assert first.ergebnis == ratsdok.Ergebnis(beschlussergebnis=ratsdok.Beschlussergebnis.VERTAGT)
    assert last.ergebnis is None  # the decision itself stays non-public
