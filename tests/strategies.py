"""Hypothesis strategies that build valid Vorlagen (and their parts) from drawn data.

Shared by the round-trip property tests (tests/xml) and the OParl fuzzing
(tests/interop); import them from tests.factories.
"""

from __future__ import annotations

import json
from datetime import date, timedelta, timezone
from decimal import Decimal
from typing import Any

import pydantic
from hypothesis import assume
from hypothesis import strategies as st

from ratsdok import (
    Absatz,
    Abschnitt,
    Abschnittsart,
    Abstimmung,
    Anlage,
    Ausrichtung,
    Bearbeitungsstand,
    Beratung,
    Beschlussergebnis,
    Beteiligung,
    Bezug,
    Bezugsart,
    Ergebnis,
    Erweiterung,
    Finanzen,
    Fraktionsstimme,
    Gliederung,
    Hauptdokument,
    Haushaltsart,
    Haushaltsposition,
    Liste,
    Listenart,
    Listenpunkt,
    Mehrheit,
    Oeffentlichkeit,
    Organisationseinheit,
    Planmaessigkeit,
    Quelle,
    Rolle,
    Sitzungsart,
    Stimme,
    Tabelle,
    Unterzeichnung,
    Vermerk,
    Vorlage,
    Vorlagenart,
    Zustaendigkeit,
    Zwischenueberschrift,
)
from ratsdok.model.text import normalize_text
from ratsdok.oparl import EXTENSION_KEY

XML_WS = " \t\n\r"


def _v10(enum: Any) -> list[Any]:
    """The codes of *enum* that format 1.0 has (the default strategy stays 1.0)."""
    return [c for c in enum if c.seit == "1.0"]


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
    beschlussergebnis=st.sampled_from(_v10(Beschlussergebnis)),
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


def _nummerierte_titel(nummer: int) -> st.SearchStrategy[str]:
    """Titles that start with an Anlage number ("Anlage 2: Lageplan"), its own or another:
    an Anlage's bezeichnung then is the title itself, or "Anlage n – " and the title."""
    return st.builds(
        lambda wort, n, rest: f"{wort} {n}{rest}",
        st.sampled_from(["Anlage", "ANLAGE", "anlage"]),
        st.sampled_from([nummer, nummer + 1]),
        st.just("") | texts.map(lambda t: ": " + t) | texts.map(lambda t: " – " + t),
    )


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
                titel=draw(texts | _nummerierte_titel(nummer)),
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
        key = (a.dateiname or "").casefold()
        assume(key not in seen)
        seen.add(key)
        result.append(a)
    return result


def _build(cls: Any, **strategies: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``st.builds`` that skips combinations the model's rules refuse."""

    @st.composite
    def make(draw: st.DrawFn) -> Any:
        values = {k: draw(s) for k, s in strategies.items()}
        try:
            return cls(**values)
        except pydantic.ValidationError:
            assume(False)
            raise  # unreachable

    return make()


# --- format 1.1 content --------------------------------------------------------------

_zellen = st.one_of(st.just(""), texts)
amounts = st.decimals(
    min_value=Decimal("-999999999999.99"),
    max_value=Decimal("999999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@st.composite
def tabellen(draw: st.DrawFn) -> Tabelle:
    width = draw(st.integers(1, 4))
    row = st.lists(_zellen, min_size=width, max_size=width)
    return Tabelle(
        beschriftung=draw(optional_texts),
        spalten=draw(
            st.just([]) | st.lists(st.sampled_from(Ausrichtung), min_size=width, max_size=width)
        ),
        kopf=draw(st.lists(row, max_size=2)),
        zeilen=draw(st.lists(row, min_size=1, max_size=3)),
    )


def bloecke(depth: int = 2) -> st.SearchStrategy[list[Any]]:
    """Sections' content: paragraphs (as plain strings or Absatz), sub-headings, tables,
    and lists nested up to *depth* levels."""
    leaf = st.one_of(
        texts,
        st.builds(Absatz, text=texts),
        st.builds(Zwischenueberschrift, text=texts),
        tabellen(),
    )
    if depth == 0:
        return st.lists(leaf, min_size=1, max_size=3)
    liste = st.builds(
        Liste,
        art=st.sampled_from(Listenart),
        beginn=st.integers(0, 30),
        punkte=st.lists(
            st.builds(Listenpunkt, bloecke=bloecke(depth - 1), bezeichnung=st.none() | texts),
            min_size=1,
            max_size=3,
        ),
    )
    return st.lists(st.one_of(leaf, liste), min_size=1, max_size=4)


abstimmungen_11 = _build(
    Abstimmung,
    gegenstand=optional_texts,
    ja=st.none() | st.integers(0, 1000),
    nein=st.none() | st.integers(0, 1000),
    enthaltung=st.none() | st.integers(0, 1000),
    befangen=st.none() | st.integers(0, 50),
    anwesend=st.none() | st.integers(0, 1000),
    mehrheit=st.none() | st.sampled_from(Mehrheit),
    fraktionen=st.lists(
        _build(
            Fraktionsstimme,
            fraktion=texts,
            stimme=st.none() | st.sampled_from(Stimme),
            ja=st.none() | st.integers(0, 100),
            nein=st.none() | st.integers(0, 100),
            enthaltung=st.none() | st.integers(0, 100),
        ),
        max_size=2,
    ),
    wortlaut=optional_texts,
)

ergebnisse_11 = _build(
    Ergebnis,
    beschlussergebnis=st.none() | st.sampled_from(Beschlussergebnis),
    abstimmungen=st.lists(abstimmungen_11, max_size=3),
    beschlusstext=optional_texts,
    wortlaut=optional_texts,
)

positionen = _build(
    Haushaltsposition,
    haushaltsjahr=st.none() | st.integers(1900, 2199),
    teilhaushalt=optional_texts,
    produkt=optional_texts,
    sachkonto=optional_texts,
    investitionsnummer=optional_texts,
    bezeichnung=optional_texts,
    art=st.none() | st.sampled_from(Haushaltsart),
    betrag=st.none() | amounts,
    ansatz=st.none() | amounts,
    verfuegbar=st.none() | amounts,
    planmaessigkeit=st.none() | st.sampled_from(Planmaessigkeit),
    deckung=optional_texts,
)


@st.composite
def vorlagen(draw: st.DrawFn, neu: bool = False) -> Vorlage:
    """Valid Vorlagen; with *neu*, using the content of format 1.1 as well."""
    nummer = draw(nummern)
    values: dict[str, Any] = {
        "uuid": draw(st.uuids()),
        "nummer": nummer,
        "art": draw(st.none() | st.sampled_from(_v10(Vorlagenart))),
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
                    art=st.sampled_from(_v10(Bezugsart)),
                    nummer=nummern,
                    uuid=st.none() | st.uuids(),
                ),
                max_size=2,
            )
        ),
        "quelle": draw(quellen),
        "erweiterungen": draw(erweiterungen),
    }
    if neu:
        values.update(_neu(draw, values))
    try:
        return Vorlage(**values)
    except (pydantic.ValidationError, ValueError):
        assume(False)
        raise  # unreachable


def _neu(draw: st.DrawFn, values: dict[str, Any]) -> dict[str, Any]:
    """Format 1.1 fields for :func:`vorlagen` (each sometimes absent, as in real data)."""
    organisation = st.builds(Organisationseinheit, name=texts, kennung=optional_texts)
    abschnitte = [
        a
        if draw(st.booleans())
        else Abschnitt(
            art=a.art,
            bezeichnung=draw(optional_texts),
            ueberschrift=a.ueberschrift,
            bloecke=draw(bloecke()),
        )
        for a in values["abschnitte"]
    ]
    if draw(st.booleans()):  # one section with structure, so that every run has some
        abschnitte.append(
            Abschnitt(
                art=draw(st.sampled_from(Abschnittsart)),
                bezeichnung=draw(optional_texts),
                bloecke=draw(bloecke()),
            )
        )
    beratungen = [
        b if draw(st.booleans()) else b.model_copy(update={"ergebnis": draw(_optional_ergebnis())})
        for b in values["beratungsfolge"]
    ]
    ohne_datei = draw(st.lists(st.integers(1, 99_999), max_size=2, unique=True))
    used = {a.nummer for a in values["anlagen"]}
    anlagen = list(values["anlagen"]) + [
        Anlage(
            nummer=n,
            titel=draw(texts),
            oeffentlich=draw(st.booleans()),
            verweis=draw(optional_texts),
            hinweis=draw(optional_texts),
        )
        for n in ohne_datei
        if n not in used
    ]
    names = {a.dateiname.casefold() for a in anlagen if a.dateiname}
    haupt = draw(
        st.none()
        | _build(
            Hauptdokument,
            dateiname=st.sampled_from(["vorlage.pdf", "Haupt dokument.pdf"]),
            medientyp=st.just("application/pdf"),
            inhalt=st.none() | st.binary(max_size=32),
            quelle=quellen,
        )
    )
    if haupt is not None and haupt.dateiname.casefold() in names:
        haupt = None
    return {
        "art": draw(st.none() | st.sampled_from(Vorlagenart)),
        "aktenzeichen": draw(optional_texts),
        "oeffentlichkeit": draw(
            st.none()
            | st.builds(Oeffentlichkeit, oeffentlich=st.just(True))
            | st.builds(
                Oeffentlichkeit,
                oeffentlich=st.just(False),
                grund=optional_texts,
                rechtsgrundlage=optional_texts,
            )
        ),
        "bearbeitungsstand": draw(st.none() | st.sampled_from(Bearbeitungsstand)),
        "beteiligte": draw(
            st.lists(
                _build(
                    Beteiligung,
                    rolle=st.sampled_from(Rolle),
                    name=optional_texts,
                    funktion=optional_texts,
                    organisationseinheit=st.none() | organisation,
                    datum=optional_dates,
                    vermerk=optional_texts,
                ),
                max_size=3,
            )
        ),
        "gliederung": draw(st.none() | st.sampled_from(Gliederung)),
        "abschnitte": abschnitte,
        "beratungsfolge": beratungen,
        "finanzen": draw(
            st.none()
            | st.builds(Finanzen, auswirkungen=st.just(False), erlaeuterung=optional_texts)
            | st.builds(
                Finanzen,
                auswirkungen=st.just(True),
                positionen=st.lists(positionen, max_size=3),
                erlaeuterung=optional_texts,
            )
        ),
        "hauptdokument": haupt,
        "anlagen": anlagen,
        "bezuege": [
            b.model_copy(update={"art": draw(st.sampled_from(Bezugsart))})
            for b in values["bezuege"]
        ],
    }


def _optional_ergebnis() -> st.SearchStrategy[Ergebnis | None]:
    return st.none() | ergebnisse_11


# --- OParl vendor Erweiterungen ------------------------------------------------------

any_chars = st.characters(codec=None, exclude_categories=())  # incl. controls, surrogates

json_texts = st.tuples(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers(-(2**64), 2**64)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(any_chars, max_size=8)
        | st.sampled_from(["e\u0301", "\u212b", "  ", "a\r\nb", "\x85"]),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=5,
    ),
    st.booleans(),
).map(lambda t: _json_text(*t))


def _json_text(value: Any, raw: bool) -> str:
    """JSON text with non-ASCII characters raw where ratsdok text allows them, else escaped."""
    text = json.dumps(value, ensure_ascii=not raw)
    try:
        normalize_text(text)
    except ValueError:
        return json.dumps(value)
    return text


vendor_erweiterungen = st.lists(
    st.builds(
        Erweiterung,
        schluessel=st.sampled_from(["ris:a", "ris:b", "STERNBERG:x", EXTENSION_KEY, "role"]),
        wert=json_texts,
    ),
    max_size=3,
)
