"""Provenance of imported objects: where they came from (Quelle), when (Zeitpunkt),
and the data of the other system that ratsdok has no field for (Erweiterung)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from ratsdok.model._base import Model
from ratsdok.model.text import Text

__all__ = ["Erweiterung", "Quelle", "Zeitpunkt", "zeitpunkt_text"]


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
