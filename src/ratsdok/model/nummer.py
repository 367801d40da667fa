"""Drucksachennummern such as ``KT 0134/2020``.

Councils number their Vorlagen in many ways. The number is kept exactly as
written; where it follows one of the common schemes, its parts (prefix,
running number with its zero padding, year, suffix) are available too. A year
is read only where it is unambiguous (see :class:`Drucksachennummer`): the
year of a number dates the PDFs of a Vorlage without any date of its own.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from ratsdok.model.text import normalize_text

__all__ = ["Drucksachennummer"]

# "KT 0134/2020", "BV 12/2021-1", "Drs. 7/2019 Erg. 1": the year is after the slash
_PRAEFIX_NR_JAHR = re.compile(
    r"(?P<praefix>[^\W\d][\w.\-]*)\s+(?P<nr>\d+)/(?P<jahr>\d{4})(?P<zusatz>\D.*)?"
)
# Year and running number in either order, told apart by which one is a year:
# "2025/0369", "2024/0194/1" (Karlsruhe and many ALLRIS/SessionNet systems),
# "0041/2021"; with a prefix: "VO/2021/123", "BV/0123/2019".
_ZWEI_ZAHLEN = re.compile(
    r"(?:(?P<praefix>[^\W\d][\w.\-]*)/)?(?P<a>\d+)/(?P<b>\d+)(?P<zusatz>[/\-].*)?"
)
_ERSTES_JAHR = 1900
_LETZTES_JAHR = 2199
_SPACES = re.compile(r"\s+")


def _ist_jahr(digits: str) -> bool:
    """True for four digits in 1900–2199 (two-digit years are never read)."""
    return len(digits) == 4 and _ERSTES_JAHR <= int(digits) <= _LETZTES_JAHR


class Drucksachennummer:
    """A Drucksachennummer, kept verbatim, with its parts where recognisable.

    >>> n = Drucksachennummer("KT 0134/2020")
    >>> n.praefix, n.laufnummer, n.stellen, n.jahr
    ('KT', 134, 4, 2020)

    The schemes recognised, each with an optional suffix (``zusatz``):

    * ``PRAEFIX NR/JAHR``: a prefix and a space, then the running number, a slash
      and the year (``KT 0134/2020``, ``A 17/2020-1``, ``Drs. 7/2019 Erg. 1``);
    * ``NR/JAHR`` or ``JAHR/NR``, also after a prefix and a slash (``0041/2021``,
      ``2021/0815``, ``VO/2021/123``, ``BV/0123/2019``): councils use both orders,
      so the year is the part that is a year, and that must be exactly one of the two.

    Rules for the year, so that it is never guessed:

    * A year has four digits and lies in 1900–2199. ``0041`` is not a year,
      so ``0041/2021`` is Nr. 41 of 2021, and ``DS 19/1234`` (Wahlperiode 19,
      Drucksache 1234) has no year.
    * Two digits are never read as a year: ``KT 12/21`` may be Nr. 12 of 2021 or
      Nr. 21 of Wahlperiode 12, and the century would be a guess as well.
    * Where both parts could be the year (``2020/2021``), neither is taken.

    Otherwise the number is kept as text only: every part is ``None`` and
    :attr:`erkannt` is false.

    >>> Drucksachennummer("0041/2021").jahr, Drucksachennummer("DS 19/1234").jahr
    (2021, None)
    >>> Drucksachennummer.bilden("KT", 134, 2020)
    Drucksachennummer('KT 0134/2020')
    """

    __slots__ = ("_text", "jahr", "laufnummer", "praefix", "stellen", "zusatz")

    _text: str
    praefix: str | None
    laufnummer: int | None
    stellen: int | None
    jahr: int | None
    zusatz: str | None

    def __init__(self, text: str) -> None:
        # normalize_text strips XML white space only; other spaces (NBSP) collapse here.
        text = _SPACES.sub(" ", normalize_text(text)).strip(" ")
        if not text:
            raise ValueError("must not be empty")
        if len(text) > 100:
            raise ValueError("a Drucksachennummer has at most 100 characters")
        self._text = text
        self.praefix = self.laufnummer = self.stellen = self.jahr = self.zusatz = None
        m = _PRAEFIX_NR_JAHR.fullmatch(text)
        if m is not None:
            nr, jahr = m["nr"], m["jahr"]
            if not _ist_jahr(jahr):
                return
        else:
            m = _ZWEI_ZAHLEN.fullmatch(text)
            if m is None:
                return
            a, b = m["a"], m["b"]
            if _ist_jahr(a) == _ist_jahr(b):  # no year, or either could be it
                return
            jahr, nr = (a, b) if _ist_jahr(a) else (b, a)
        self.praefix = m["praefix"]
        self.laufnummer = int(nr)
        self.stellen = len(nr)
        self.jahr = int(jahr)
        self.zusatz = m["zusatz"].strip() if m["zusatz"] else None

    @classmethod
    def bilden(
        cls, praefix: str, laufnummer: int, jahr: int, *, stellen: int = 4
    ) -> Drucksachennummer:
        """Build a number in the ``PRAEFIX NNNN/JJJJ`` scheme."""
        if laufnummer < 0:
            raise ValueError("laufnummer must not be negative")
        return cls(f"{praefix} {laufnummer:0{stellen}d}/{jahr:04d}")

    @property
    def erkannt(self) -> bool:
        """True when the number follows a scheme whose parts ratsdok understands."""
        return self.laufnummer is not None

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"Drucksachennummer({self._text!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Drucksachennummer):
            return self._text == other._text
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._text)

    @classmethod
    def _coerce(cls, value: Any) -> Drucksachennummer:
        if isinstance(value, Drucksachennummer):
            return value
        if isinstance(value, str):
            return cls(value)
        raise ValueError("a Drucksachennummer must be given as text")

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._coerce,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
            json_schema_input_schema=core_schema.str_schema(),
        )
