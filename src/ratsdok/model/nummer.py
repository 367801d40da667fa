"""Drucksachennummern such as ``KT 0134/2020``.

Councils number their Vorlagen in many ways. The number is kept exactly as
written; where it follows one of the common schemes, its parts (prefix,
running number with its zero padding, year, suffix) are available too.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from ratsdok.model.text import normalize_text

__all__ = ["Drucksachennummer"]

# "KT 0134/2020", "BV 12/2021-1", "Drs. 7/2019 Erg. 1"
_PRAEFIX_NR_JAHR = re.compile(
    r"(?P<praefix>[^\W\d][\w.\-]*)\s+(?P<nr>\d+)/(?P<jahr>\d{4})(?P<zusatz>\D.*)?"
)
# "2025/0369", "2024/0194/1" (Karlsruhe and many ALLRIS/SessionNet systems)
_JAHR_NR = re.compile(r"(?P<jahr>\d{4})/(?P<nr>\d+)(?P<zusatz>[/\-].*)?")
_SPACES = re.compile(r"\s+")


class Drucksachennummer:
    """A Drucksachennummer, kept verbatim, with its parts where recognisable.

    >>> n = Drucksachennummer("KT 0134/2020")
    >>> n.praefix, n.laufnummer, n.stellen, n.jahr
    ('KT', 134, 4, 2020)
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
            self.praefix = m["praefix"]
        else:
            m = _JAHR_NR.fullmatch(text)
        if m is not None:
            self.laufnummer = int(m["nr"])
            self.stellen = len(m["nr"])
            self.jahr = int(m["jahr"])
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
