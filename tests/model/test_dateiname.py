"""The one rule for Anlage file names: safe everywhere, portable in new documents."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from ratsdok.model._base import GELESEN
from ratsdok.model.dateiname import (
    make_portable,
    make_unique,
    portability_problem,
    unsafe_problem,
)
from ratsdok.model.text import normalize_text
from ratsdok.model.vorlage import Anlage, Hauptdokument, unportable_names
from tests.factories import anlage, vorlage

NOT_PORTABLE = {
    # Windows device names: any case, any extension, trailing spaces, ¹²³ as digits
    "CON.pdf": "reserves the name for a device",
    "con": "reserves the name for a device",
    "LPT1": "reserves the name for a device",
    "lpt0.tar.gz": "reserves the name for a device",
    "Nul .txt": "reserves the name for a device",
    "COM¹.txt": "reserves the name for a device",
    "AUX": "reserves the name for a device",
    "prn.csv": "reserves the name for a device",
    "CONOUT$": "reserves the name for a device",
    # an NTFS alternate stream, and the other characters Windows refuses
    "a.pdf:Zone.Identifier": "(on NTFS it names a hidden stream)",
    "x<y>|?.pdf": "does not allow '<'",
    'zitat"a".pdf': "does not allow '\"'",
    "wer*.pdf": "does not allow '*'",
    "frage?.pdf": "does not allow '?'",
    # Windows drops a trailing dot or space: "a.pdf." is "a.pdf"
    "bericht.pdf.": "ends in a dot or a space",
    "bericht ": "ends in a dot or a space",
    # ratsdok's own files beside the Anlagen, in any case
    "RATSDOK.XML": "ratsdok writes the ratsdok XML as 'ratsdok.xml'",
    "ratsdok.xml": "ratsdok writes the ratsdok XML as 'ratsdok.xml'",
    "Ratsdok-Schriften.JSON": "the record of added fonts as 'ratsdok-schriften.json'",
    # decomposed "ä": macOS and Windows store the two spellings differently
    "Pla\u0308ne.pdf": "not in Unicode NFC",
}

PORTABLE = [
    "console.pdf",
    "CON-Liste.pdf",
    "COM10.txt",
    "LPT.pdf",
    "Nullvariante.pdf",
    "Anlage 1 – Lageplan (Entwurf).pdf",
    "ratsdok.xml.pdf",
    "Pläne.pdf",
    ".hidden",
    "a.b.c",
]


@pytest.mark.parametrize(("name", "why"), NOT_PORTABLE.items(), ids=list(NOT_PORTABLE))
def test_names_that_are_not_portable(name: str, why: str) -> None:
    assert unsafe_problem(name) is None  # safe: readable from an existing document
    problem = portability_problem(name)
    assert problem is not None and why in problem
    cleaned = make_portable(name)
    assert portability_problem(cleaned) is None and unsafe_problem(cleaned) is None


@pytest.mark.parametrize("name", PORTABLE)
def test_portable_names(name: str) -> None:
    assert portability_problem(name) is None
    assert unsafe_problem(name) is None


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("CON.pdf", "_CON.pdf"),
        ("nul .txt", "_nul.txt"),
        ("a.pdf:Zone.Identifier", "a.pdf_Zone.Identifier"),
        ("x<y>|?.pdf", "x_y___.pdf"),
        ("RATSDOK.XML", "_RATSDOK.XML"),
        ("bericht.pdf. ", "bericht.pdf"),
        ("../../etc/passwd", "_._etc_passwd"),
        ("Pla\u0308ne.pdf", "Pläne.pdf"),
        (" . ", "anlage"),
    ],
)
def test_make_portable(raw: str, clean: str) -> None:
    assert make_portable(raw) == clean


def test_make_unique_ignores_case() -> None:
    used = {"ratsdok.xml"}
    assert make_unique("Plan.pdf", used) == "Plan.pdf"
    assert make_unique("PLAN.pdf", used) == "PLAN-2.pdf"
    assert make_unique("Ratsdok.xml", used) == "Ratsdok-2.xml"
    assert used == {"ratsdok.xml", "plan.pdf", "plan-2.pdf", "ratsdok-2.xml"}


@given(st.text(max_size=300))
def test_make_portable_always_gives_a_safe_portable_name(raw: str) -> None:
    name = make_portable(raw)
    assert unsafe_problem(name) is None, name
    assert portability_problem(name) is None, name
    assert len(name.encode("utf-8")) <= 200


@given(st.text(st.characters(codec="utf-8"), min_size=1, max_size=60))
def test_make_portable_keeps_a_portable_name(name: str) -> None:
    name = unicodedata.normalize("NFC", name).strip()
    if (
        name
        and not name.startswith(".")
        and unsafe_problem(name) is None
        and portability_problem(name) is None
    ):
        assert make_portable(name) == name


# --------------------------------------------------------------------------- in the model


# The model normalises text first: a trailing space is dropped, NFC applied.
@pytest.mark.parametrize("name", [n for n in NOT_PORTABLE if normalize_text(n) == n])
def test_building_refuses_a_name_that_is_not_portable(name: str) -> None:
    with pytest.raises(ValidationError) as info:
        anlage(dateiname=name)
    (error,) = info.value.errors()
    assert error["loc"] == ("dateiname",)
    assert "is not portable" in error["msg"]
    with pytest.raises(ValidationError, match=r"hauptdokument\.dateiname"):
        vorlage(hauptdokument={"dateiname": name, "medientyp": "application/pdf"})


def _gelesen(name: str) -> Anlage:
    """An Anlage as the XML reader builds it from an existing document."""
    return Anlage.model_validate(
        {
            "nummer": 1,
            "titel": "Plan",
            "dateiname": name,
            "medientyp": "application/pdf",
            "oeffentlich": True,
        },
        context=GELESEN,
    )


def test_a_read_name_is_kept_in_copies_but_not_given_anew() -> None:
    a = _gelesen("CON.pdf")
    assert a.dateiname == "CON.pdf"
    # a copy keeps what its original was allowed to keep …
    assert a.model_copy(update={"groesse": 3}).dateiname == "CON.pdf"
    v = vorlage(anlagen=[a])
    assert v.aendern(betreff="Neuer Betreff").anlagen[0].dateiname == "CON.pdf"
    assert [(p, n) for p, n, _ in unportable_names(v)] == [(("anlagen", 0, "dateiname"), "CON.pdf")]
    # … but a name the update brings is judged as new, even a read one
    with pytest.raises(ValidationError, match="not portable"):
        a.model_copy(update={"dateiname": "LPT1.pdf"})
    with pytest.raises(ValidationError, match="not portable"):
        a.model_copy(update={"dateiname": "CON.pdf"})
    # unsafe names stay refused when read
    with pytest.raises(ValidationError, match="path separator"):
        _gelesen("../CON.pdf")


def test_a_read_hauptdokument_keeps_its_name() -> None:
    h = Hauptdokument.model_validate(
        {"dateiname": "a.pdf:x", "medientyp": "application/pdf"}, context=GELESEN
    )
    v = vorlage(hauptdokument=h)
    ((path, name, why),) = unportable_names(v)
    assert path == ("hauptdokument", "dateiname") and name == "a.pdf:x" and "':'" in why


def test_names_differing_only_in_case_stay_refused() -> None:
    with pytest.raises(ValidationError, match="already used by anlagen"):
        vorlage(anlagen=[anlage(1, "Plan.pdf"), anlage(2, "PLAN.PDF")])
