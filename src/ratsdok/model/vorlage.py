"""Typed models of a Vorlage and its parts (pydantic v2, immutable).

All text is normalised on input (see :mod:`ratsdok.model.text`). Rules that span
several fields (date order of the Beratungsfolge, unique Anlage numbers, …)
are checked when a :class:`Vorlage` is built; each violation names the field
path, for example ``beratungsfolge[1].sitzungstermin``.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Annotated, Any, Self
from uuid import UUID, uuid4

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ratsdok.model._base import Model
from ratsdok.model.codes import (
    Abschnittsart,
    Beschlussergebnis,
    Bezugsart,
    Sitzungsart,
    Vermerk,
    Vorlagenart,
    Zustaendigkeit,
)
from ratsdok.model.nummer import Drucksachennummer
from ratsdok.model.text import Dateiname, Medientyp, Sha256, Text

__all__ = [
    "Abschnitt",
    "Abstimmung",
    "Anlage",
    "Beratung",
    "Bezug",
    "Ergebnis",
    "Erweiterung",
    "FieldPath",
    "Organisationseinheit",
    "Quelle",
    "Unterzeichnung",
    "Vorlage",
    "Zeitpunkt",
    "format_path",
    "roman",
    "rule_violations",
    "zeitpunkt_text",
]

Anzahl = Annotated[int, Field(ge=0, le=1_000_000)]


class Organisationseinheit(Model):
    """An organisational unit, e.g. the federführende Amt."""

    name: Text
    kennung: Text | None = None


class Abstimmung(Model):
    """Vote counts of a Beschluss."""

    ja: Anzahl
    nein: Anzahl
    enthaltung: Anzahl


class Ergebnis(Model):
    """The recorded outcome of one Beratung."""

    beschlussergebnis: Beschlussergebnis
    abstimmung: Abstimmung | None = None
    beschlusstext: Text | None = None


class Erweiterung(Model):
    """Data from another system that ratsdok has no field for, kept verbatim.

    For example a vendor-prefixed OParl key: ``schluessel`` is the key,
    ``wert`` its value as compact JSON text.
    """

    schluessel: Text
    wert: Text


_MAX_OFFSET = timedelta(hours=14)


def _no_number(value: Any) -> Any:
    # pydantic would read a number as Unix time; which unit a source meant is a guess.
    if isinstance(value, int | float):
        raise ValueError("a time stamp needs a date, a time and a UTC offset, not a number")
    return value


def _offset_text(offset: timedelta) -> str:
    """``+02:00``, ``-00:30`` (seconds only if there are any)."""
    seconds = int(offset.total_seconds())
    sign, seconds = ("-" if seconds < 0 else "+"), abs(seconds)
    text = f"{sign}{seconds // 3600:02d}:{seconds // 60 % 60:02d}"
    return text + f":{seconds % 60:02d}" if seconds % 60 else text


def _check_zeitpunkt(value: datetime) -> datetime:
    offset = value.utcoffset()
    if offset is None:
        raise ValueError("has no UTC offset (such as +02:00 or Z), so the time is ambiguous")
    # RFC 3339 and xs:dateTime know offsets in whole minutes up to 14 hours only.
    if offset % timedelta(minutes=1) or abs(offset) > _MAX_OFFSET:
        raise ValueError(
            f"the UTC offset {_offset_text(offset)} is not whole minutes within ±14:00"
        )
    # One tzinfo class for every value: no zone name leaks into repr or pickles.
    return value.replace(tzinfo=UTC if not offset else timezone(offset))


Zeitpunkt = Annotated[datetime, BeforeValidator(_no_number), AfterValidator(_check_zeitpunkt)]
"""A date and time with its UTC offset as given; naive values are refused."""


def zeitpunkt_text(value: datetime) -> str:
    """The canonical text of a :data:`Zeitpunkt`, as in the XML.

    The XML Schema canonical form of ``xs:dateTime`` with the offset kept: fractional
    seconds only when not zero and without trailing zeros, ``Z`` for UTC, otherwise
    the offset as given (``2020-05-04T10:15:30.5+02:00``). Reading it gives the same
    value and offset, so writing it again gives the same bytes.
    """
    text = value.replace(microsecond=0, tzinfo=None).isoformat()
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    offset = value.utcoffset()
    return text + ("Z" if not offset else _offset_text(offset))


class Quelle(Model):
    """Where an object came from in another system (e.g. an OParl object), for traceability.

    Two Quellen are equal only when their time stamps also have the same UTC offsets
    (``datetime`` equality compares instants only, but the offset is data: the XML
    carries it as given).
    """

    kennung: Text
    """The identifier there, e.g. the ``id`` URL of an OParl object."""
    web: Text | None = None
    """A page about the object for people (OParl ``web``)."""
    erstellt: Zeitpunkt | None = None
    """When the object was created there."""
    geaendert: Zeitpunkt | None = None
    """When the object was last modified there."""

    def _offsets(self) -> tuple[timedelta | None, ...]:
        return tuple(None if t is None else t.utcoffset() for t in (self.erstellt, self.geaendert))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Quelle):
            return NotImplemented
        # pydantic still hashes the values of this frozen model; equal instants hash equal.
        return super().__eq__(other) and self._offsets() == other._offsets()


class Beratung(Model):
    """One step of the Beratungsfolge: a Gremium dealing with the Vorlage in a Sitzung.

    Fields imported from other systems may be unknown; unknown stays ``None``.
    """

    gremium: Text
    sitzungstermin: date | None = None
    sitzungsart: Sitzungsart | None = None
    zustaendigkeit: Zustaendigkeit | None = None
    tagesordnungspunkt: Text | None = None
    ergebnis: Ergebnis | None = None
    quelle: Quelle | None = None
    """Where this step came from (e.g. an OParl Consultation)."""
    erweiterungen: tuple[Erweiterung, ...] = ()
    """Data of another system about this step (e.g. vendor keys of an OParl Consultation)."""

    @property
    def entscheidet(self) -> bool:
        """True when this step decides the matter (an Entscheidung not put off)."""
        if self.zustaendigkeit is not Zustaendigkeit.ENTSCHEIDUNG:
            return False
        return self.ergebnis is None or not self.ergebnis.beschlussergebnis.schiebt_auf


class Abschnitt(Model):
    """A numbered text section (I. Beschlussvorschlag, II. Begründung, …)."""

    art: Abschnittsart
    ueberschrift: Text | None = None
    absaetze: tuple[Text, ...] = Field(min_length=1)

    @property
    def titel(self) -> str:
        """The heading as printed: the explicit one, or the label of the Art."""
        return self.ueberschrift or self.art.bezeichnung


class Unterzeichnung(Model):
    """A signature block such as "gez. Krebs, Landrat"."""

    vermerk: Vermerk = Vermerk.GEZ
    name: Text
    funktion: Text | None = None
    datum: date | None = None


class Anlage(Model):
    """An Anlage (attachment) of a Vorlage.

    Its bytes live in a file named :attr:`dateiname` next to the XML, or inline
    in :attr:`inhalt`. Inline content fills in a missing size and digest.
    """

    nummer: Annotated[int, Field(ge=1, le=99_999)]
    titel: Text
    dateiname: Dateiname
    medientyp: Medientyp
    groesse: Annotated[int, Field(ge=0)] | None = None
    sha256: Sha256 | None = None
    oeffentlich: bool
    inhalt: bytes | None = Field(default=None, repr=False)
    quelle: Quelle | None = None
    """Where this Anlage came from (e.g. an OParl File)."""
    erweiterungen: tuple[Erweiterung, ...] = ()
    """Data of another system about this Anlage (e.g. vendor keys of an OParl File)."""

    @model_validator(mode="after")
    def _fill_from_inhalt(self) -> Self:
        if self.inhalt is not None:
            if self.groesse is None:
                object.__setattr__(self, "groesse", len(self.inhalt))
            if self.sha256 is None:
                object.__setattr__(self, "sha256", hashlib.sha256(self.inhalt).hexdigest())
        return self


class Bezug(Model):
    """A reference to a related Vorlage (supplement, amendment, follow-up …)."""

    art: Bezugsart
    nummer: Drucksachennummer
    uuid: UUID | None = None


class Vorlage(Model):
    """A Vorlage (Drucksache) for a council or one of its committees.

    >>> from ratsdok import Vorlage, Beratung
    >>> v = Vorlage(nummer="KT 0134/2020", betreff="Integrationskonzept",
    ...             beratungsfolge=[Beratung(gremium="Kreistag")])
    >>> v.nummer.jahr, v.beratungsfolge[0].gremium
    (2020, 'Kreistag')
    """

    uuid: UUID = Field(default_factory=uuid4)
    nummer: Drucksachennummer
    art: Vorlagenart | None = None
    betreff: Text
    datum: date | None = None
    koerperschaft: Text | None = None
    federfuehrung: Organisationseinheit | None = None
    einreicher: Text | None = None
    beratungsfolge: tuple[Beratung, ...] = ()
    abschnitte: tuple[Abschnitt, ...] = ()
    unterzeichnungen: tuple[Unterzeichnung, ...] = ()
    anlagen: tuple[Anlage, ...] = ()
    bezuege: tuple[Bezug, ...] = ()
    quelle: Quelle | None = None
    """Where this Vorlage came from (e.g. an OParl Paper)."""
    erweiterungen: tuple[Erweiterung, ...] = ()

    @property
    def id(self) -> str:
        """The XML ``id`` of the ``vorlage`` element, derived from :attr:`uuid`."""
        return f"vorlage-{self.uuid}"

    def abschnitt(self, art: Abschnittsart) -> Abschnitt | None:
        """The first section of the given Art, or ``None``."""
        return next((a for a in self.abschnitte if a.art is art), None)

    @property
    def beschlussvorschlag(self) -> tuple[str, ...] | None:
        """Paragraphs of the Beschlussvorschlag, if the Vorlage has one."""
        a = self.abschnitt(Abschnittsart.BESCHLUSSVORSCHLAG)
        return None if a is None else a.absaetze

    @property
    def begruendung(self) -> tuple[str, ...] | None:
        """Paragraphs of the Begründung, if the Vorlage has one."""
        a = self.abschnitt(Abschnittsart.BEGRUENDUNG)
        return None if a is None else a.absaetze

    def anlage(self, nummer: int) -> Anlage:
        """The Anlage with the given number; ``KeyError`` if there is none."""
        for a in self.anlagen:
            if a.nummer == nummer:
                return a
        raise KeyError(nummer)

    @model_validator(mode="after")
    def _check_rules(self) -> Self:
        violations = rule_violations(self)
        if violations:
            raise PydanticCustomError(
                "ratsdok_rule",
                "{summary}",
                {
                    "summary": "; ".join(f"{format_path(p)}: {m}" for p, m in violations),
                    "violations": violations,
                },
            )
        return self


FieldPath = tuple[str | int, ...]


def format_path(path: FieldPath) -> str:
    """``("beratungsfolge", 1, "gremium")`` → ``beratungsfolge[1].gremium``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def rule_violations(v: Vorlage) -> list[tuple[FieldPath, str]]:
    """Check the rules that span fields; return ``(field path, message)`` pairs."""
    found: list[tuple[FieldPath, str]] = []
    previous: tuple[int, date] | None = None
    deciding: int | None = None
    for i, b in enumerate(v.beratungsfolge):
        if b.sitzungstermin is not None:
            if previous is not None and b.sitzungstermin < previous[1]:
                found.append(
                    (
                        ("beratungsfolge", i, "sitzungstermin"),
                        f"{b.sitzungstermin.isoformat()} is before the Sitzungstermin of "
                        f"beratungsfolge[{previous[0]}] ({previous[1].isoformat()}); "
                        "the Beratungsfolge must be in date order",
                    )
                )
            previous = (i, b.sitzungstermin)
        if b.entscheidet:
            if deciding is not None:
                found.append(
                    (
                        ("beratungsfolge", i, "zustaendigkeit"),
                        f"a second Entscheidung; beratungsfolge[{deciding}] already decides "
                        "(an Entscheidung that was vertagt, zurückgestellt or verwiesen "
                        "does not count)",
                    )
                )
            else:
                deciding = i
        elif deciding is not None and b.zustaendigkeit is Zustaendigkeit.VORBERATUNG:
            found.append(
                (
                    ("beratungsfolge", i, "zustaendigkeit"),
                    f"a Vorberatung after the Entscheidung in beratungsfolge[{deciding}]",
                )
            )
    seen: dict[int, int] = {}
    for i, a in enumerate(v.anlagen):
        if a.nummer in seen:
            found.append(
                (
                    ("anlagen", i, "nummer"),
                    f"Anlage number {a.nummer} is already used by anlagen[{seen[a.nummer]}]",
                )
            )
        else:
            seen[a.nummer] = i
    names: dict[str, int] = {}
    for i, a in enumerate(v.anlagen):
        key = a.dateiname.casefold()
        if key in names:
            found.append(
                (
                    ("anlagen", i, "dateiname"),
                    f"file name {a.dateiname!r} is already used by anlagen[{names[key]}]",
                )
            )
        else:
            names[key] = i
    for i, bz in enumerate(v.bezuege):
        if bz.uuid == v.uuid or bz.nummer == v.nummer:
            found.append((("bezuege", i), "a Vorlage cannot refer to itself"))
    return found


_ROEMISCH = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def roman(n: int) -> str:
    """Roman numeral for section numbers 1 … 12, Arabic beyond."""
    return _ROEMISCH[n - 1] if 1 <= n <= len(_ROEMISCH) else str(n)
