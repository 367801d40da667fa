"""Hypothesis strategies that build valid Vorlagen (and their parts) from drawn data.

Shared by the round-trip property tests (tests/xml) and the OParl fuzzing
(tests/interop); import them from tests.factories.
"""

from __future__ import annotations

from datetime import date, timedelta, timezone
from typing import Any

import pydantic
from hypothesis import assume
from hypothesis import strategies as st

from ratsdok import (
    Abschnitt,
    Abschnittsart,
    Abstimmung,
    Anlage,
    Beratung,
    Beschlussergebnis,
    Bezug,
    Bezugsart,
    Ergebnis,
    Erweiterung,
    Organisationseinheit,
    Quelle,
    Sitzungsart,
    Unterzeichnung,
    Vermerk,
    Vorlage,
    Vorlagenart,
    Zustaendigkeit,
)

XML_WS = " \t\n\r"
GERMAN = "äöüÄÖÜßẞ„“‚‘–—€§"
COMBINING = "\u0300\u0301\u0308\u0327\u030a\u0323"

_chars = st.one_of(
    st.characters(
        exclude_categories=("Cs", "Cc"),
        include_characters="\n\t",
        exclude_characters="\ufffe\uffff",
    ),
    st.sampled_from(GERMAN + COMBINING + "&<>\"'\r"),
)
texts = st.text(_chars, min_size=1, max_size=25).filter(lambda s: s.strip(XML_WS) != "")
optional_texts = st.none() | texts
dates = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
optional_dates = st.none() | dates

# Drucksachennummern: known schemes and free text (any white space, see tests/model/test_nummer.py).
_free_nummer = texts.filter(lambda s: s.strip() != "" and len(s) <= 100)
nummern = st.one_of(
    st.builds(
        lambda p, n, j: f"{p} {n:04d}/{j}",
        st.sampled_from(["KT", "BV", "Drs.", "GR-V"]),
        st.integers(0, 99999),
        st.integers(1000, 9999),
    ),
    st.builds(lambda j, n: f"{j}/{n:04d}", st.integers(1000, 9999), st.integers(0, 9999)),
    _free_nummer,
)

# Often none, sometimes a few: data of another system kept with a Beratung, Anlage, Vorlage.
erweiterungen = st.lists(st.builds(Erweiterung, schluessel=texts, wert=texts), max_size=2)

# Every offset RFC 3339 and xs:dateTime allow (whole minutes within ±14:00), microseconds.
zeitpunkte = st.datetimes(
    timezones=st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
)
# Often none, sometimes one: where the object came from in another system.
quellen = st.none() | st.builds(
    Quelle,
    kennung=texts,
    web=optional_texts,
    erstellt=st.none() | zeitpunkte,
    geaendert=st.none() | zeitpunkte,
)

ergebnisse = st.builds(
    Ergebnis,
    beschlussergebnis=st.sampled_from(Beschlussergebnis),
    abstimmung=st.none()
    | st.builds(
        Abstimmung,
        ja=st.integers(0, 1_000_000),
        nein=st.integers(0, 1_000_000),
        enthaltung=st.integers(0, 1_000_000),
    ),
    beschlusstext=optional_texts,
)


@st.composite
def beratungsfolgen(draw: st.DrawFn) -> list[Beratung]:
    n = draw(st.integers(0, 5))
    termine = sorted(draw(st.lists(dates, min_size=n, max_size=n)))
    result: list[Beratung] = []
    decided = False
    for i in range(n):
        zustaendigkeit = draw(st.none() | st.sampled_from(Zustaendigkeit))
        ergebnis = draw(st.none() | ergebnisse)
        if decided and zustaendigkeit in (Zustaendigkeit.VORBERATUNG, Zustaendigkeit.ENTSCHEIDUNG):
            zustaendigkeit = Zustaendigkeit.KENNTNISNAHME
        b = Beratung(
            gremium=draw(texts),
            sitzungstermin=termine[i] if draw(st.booleans()) else None,
            sitzungsart=draw(st.none() | st.sampled_from(Sitzungsart)),
            zustaendigkeit=zustaendigkeit,
            tagesordnungspunkt=draw(optional_texts),
            ergebnis=ergebnis,
            quelle=draw(quellen),
            erweiterungen=draw(erweiterungen),
        )
        decided = decided or b.entscheidet
        result.append(b)
    return result


_name_chars = st.characters(
    exclude_categories=("Cs", "Cc"),
    exclude_characters="/\\.\ufffe\uffff" + XML_WS,
)
_stems = st.text(_name_chars, min_size=1, max_size=20)
_extensions = st.sampled_from([".pdf", ".PDF", ".docx", ".txt", "", ".tar.gz"])


@st.composite
def anlagen_listen(draw: st.DrawFn) -> list[Anlage]:
    n = draw(st.integers(0, 4))
    nummern_ = draw(st.lists(st.integers(1, 99_999), min_size=n, max_size=n, unique=True))
    result: list[Anlage] = []
    seen: set[str] = set()
    for nummer in nummern_:
        name = draw(_stems) + draw(_extensions)
        try:
            inline = draw(st.none() | st.binary(max_size=64))
            recorded = draw(st.booleans())
            a = Anlage(
                nummer=nummer,
                titel=draw(texts),
                dateiname=name,
                medientyp=draw(
                    st.sampled_from(
                        [
                            "application/pdf",
                            "Text/Plain",
                            "image/svg+xml",
                            "application/vnd.oasis.opendocument.text",
                        ]
                    )
                ),
                groesse=draw(st.integers(0, 10**12)) if recorded and inline is None else None,
                sha256=draw(st.text("0123456789abcdefABCDEF", min_size=64, max_size=64))
                if recorded and inline is None
                else None,
                oeffentlich=draw(st.booleans()),
                inhalt=inline,
                quelle=draw(quellen),
                erweiterungen=draw(erweiterungen),
            )
        except pydantic.ValidationError:
            assume(False)
            raise  # unreachable
        key = a.dateiname.casefold()
        assume(key not in seen)
        seen.add(key)
        result.append(a)
    return result


@st.composite
def vorlagen(draw: st.DrawFn) -> Vorlage:
    nummer = draw(nummern)
    values: dict[str, Any] = {
        "uuid": draw(st.uuids()),
        "nummer": nummer,
        "art": draw(st.none() | st.sampled_from(Vorlagenart)),
        "betreff": draw(texts),
        "datum": draw(optional_dates),
        "koerperschaft": draw(optional_texts),
        "federfuehrung": draw(
            st.none() | st.builds(Organisationseinheit, name=texts, kennung=optional_texts)
        ),
        "einreicher": draw(optional_texts),
        "beratungsfolge": draw(beratungsfolgen()),
        "abschnitte": draw(
            st.lists(
                st.builds(
                    Abschnitt,
                    art=st.sampled_from(Abschnittsart),
                    ueberschrift=optional_texts,
                    absaetze=st.lists(texts, min_size=1, max_size=3),
                ),
                max_size=3,
            )
        ),
        "unterzeichnungen": draw(
            st.lists(
                st.builds(
                    Unterzeichnung,
                    vermerk=st.sampled_from(Vermerk),
                    name=texts,
                    funktion=optional_texts,
                    datum=optional_dates,
                ),
                max_size=2,
            )
        ),
        "anlagen": draw(anlagen_listen()),
        "bezuege": draw(
            st.lists(
                st.builds(
                    Bezug,
                    art=st.sampled_from(Bezugsart),
                    nummer=nummern,
                    uuid=st.none() | st.uuids(),
                ),
                max_size=2,
            )
        ),
        "quelle": draw(quellen),
        "erweiterungen": draw(erweiterungen),
    }
    try:
        return Vorlage(**values)
    except (pydantic.ValidationError, ValueError):
        assume(False)
        raise  # unreachable
