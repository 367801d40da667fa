"""The message envelope: a Nachrichtenkopf modelled on the XÖV Basisnachricht.

A :class:`Nachricht` is what travels: a header that identifies this one
transmission (UUID, time, author, reader, producing software) and the
:class:`~ratsdok.model.vorlage.Vorlage` itself. The header is outside the hash seal,
so sending the same Vorlage again keeps its seal.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time
from typing import Self
from uuid import UUID, uuid4, uuid5

from pydantic import AwareDatetime, Field, field_validator

from ratsdok.model._base import Model
from ratsdok.model.codes import Nachrichtentyp
from ratsdok.model.text import Text
from ratsdok.model.vorlage import Vorlage
from ratsdok.version import FORMAT_VERSIONS, __version__

__all__ = ["Behoerde", "Nachricht", "Nachrichtenkopf"]

# Name-based message UUIDs live in their own namespace so they never collide
# with random ones.
_NACHRICHT_NS = UUID("5b0c6f2e-58a4-4a3e-9d0c-7a1f4b2c9e10")


class Behoerde(Model):
    """Author or reader of a message: an authority or body, e.g. "Kreistag Wartburgkreis"."""

    name: Text
    kennung: Text | None = None


class Nachrichtenkopf(Model):
    """Identifies one transmission of a Vorlage.

    Use :meth:`neu` for a fresh header (random UUID, current time). Without an
    explicit header, :func:`ratsdok.to_xml` derives a reproducible one from the
    content, see :meth:`abgeleitet`.
    """

    nachrichten_uuid: UUID
    nachrichtentyp: Nachrichtentyp = Nachrichtentyp.VORLAGE_UEBERMITTLUNG
    erstellungszeitpunkt: AwareDatetime
    autor: Behoerde | None = None
    leser: Behoerde | None = None
    produkt: Text = "ratsdok"
    produkthersteller: Text = "ratsdok-Projekt"
    produktversion: Text | None = __version__
    standard_version: str = Field(default=FORMAT_VERSIONS[0], pattern=r"^1\.\d+\.\d+$")
    """The format version the document declares; :func:`ratsdok.to_xml` writes at least
    the version the content needs."""
    test: bool = False

    @field_validator("erstellungszeitpunkt")
    @classmethod
    def _milliseconds(cls, value: datetime) -> datetime:
        # The XML carries milliseconds (XÖV); finer precision would not round-trip.
        value = value.replace(microsecond=value.microsecond // 1000 * 1000)
        offset = value.utcoffset()
        if offset is not None and offset.total_seconds() % 60:
            # xs:dateTime offsets are whole minutes; keep the instant, in UTC.
            value = value.astimezone(UTC)
        return value

    @classmethod
    def neu(
        cls, *, autor: Behoerde | None = None, leser: Behoerde | None = None, test: bool = False
    ) -> Self:
        """A header for a new transmission: random UUID, the current time."""
        return cls(
            nachrichten_uuid=uuid4(),
            erstellungszeitpunkt=datetime.now(UTC),
            autor=autor,
            leser=leser,
            test=test,
        )

    @classmethod
    def abgeleitet(cls, vorlage: Vorlage, vorlage_xml: bytes) -> Nachrichtenkopf:
        """A reproducible header for *vorlage*: same content, same header.

        The UUID is a name-based UUID of the Vorlage's XML; the time is the
        Vorlage's date at midnight UTC (or 1970-01-01 if it has none).
        """
        digest = hashlib.sha256(vorlage_xml).hexdigest()
        day = vorlage.datum or date(1970, 1, 1)
        # Every value is valid by construction; skipping validation keeps to_xml fast.
        return cls._trusted(
            nachrichten_uuid=uuid5(_NACHRICHT_NS, f"{vorlage.uuid}:{digest}"),
            erstellungszeitpunkt=datetime.combine(day, time(0), UTC),
        )


class Nachricht(Model):
    """A ``vorlage.uebermittlung.0101`` message: header plus Vorlage."""

    kopf: Nachrichtenkopf
    vorlage: Vorlage
