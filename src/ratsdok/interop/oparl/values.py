"""OParl scalars read as ratsdok values: dates, time stamps, counts, booleans and text.

Each reader returns ``None`` for a value it does not understand; the caller reports it
(``docs/oparl-mapping.md#real-data-quirks`` for the forms servers send).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import TypeAdapter

from ratsdok.model.text import normalize_text
from ratsdok.model.vorlage import Zeitpunkt

__all__ = [
    "parse_bool",
    "parse_date",
    "parse_int",
    "parse_timestamp",
    "text_of",
    "unchanged",
    "wording_key",
]

try:
    _BERLIN: ZoneInfo | None = ZoneInfo("Europe/Berlin")
except ZoneInfoNotFoundError:  # pragma: no cover - tz database missing
    _BERLIN = None


def parse_date(value: Any) -> date | None:
    """``yyyy-mm-dd`` or a date-time (``Z``, offsets, fractions, naive) → local date."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.tzinfo is not None and _BERLIN is not None:
        try:
            dt = dt.astimezone(_BERLIN)
        except OverflowError:  # e.g. 0001-01-01T00:00+14:00: before year 1 in Germany
            return None
    return dt.date()


# RFC 3339 date-time: offset required; more than microseconds could not be kept exactly.
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_ZEITPUNKT: TypeAdapter[datetime] = TypeAdapter(Zeitpunkt)


def parse_timestamp(value: Any) -> datetime | None:
    """An RFC 3339 date-time with a UTC offset → aware datetime, offset kept; else None."""
    if not isinstance(value, str):
        return None
    text = value.strip(" \t\n\r")
    if not _RFC3339.fullmatch(text):
        return None
    try:
        # Python 3.11 reads "Z" but not the lower-case "t" and "z" RFC 3339 allows.
        parsed = datetime.fromisoformat(text.upper())
        return _ZEITPUNKT.validate_python(parsed)
    except ValueError:  # a day or hour out of range, an offset beyond ±14:00
        return None


def unchanged(text: str) -> bool:
    """True when ratsdok text keeps *text* exactly (no trimming, normalising or refusal)."""
    try:
        return normalize_text(text) == text
    except ValueError:
        return False


def parse_int(value: Any) -> int | None:
    """A non-negative integer, also as a string of ASCII digits ("1234")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str):
        text = value.strip()
        # isdigit() alone also accepts "²" and other digits int() refuses.
        if text.isascii() and text.isdigit() and len(text) <= 100:
            return int(text)
    return None


def text_of(value: Any) -> str | None:
    """A JSON string, or an integer written as one ("reference": 12); else None.

    Other values (objects, arrays, booleans, floats) are not text; their Python
    spelling would be invented, not imported.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**100:
        return str(value)
    return None


def parse_bool(value: Any) -> bool | None:
    """A JSON boolean, or the string ``"true"``/``"false"`` in any case."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    return None


def wording_key(text: str) -> str:
    """*text* compared as wording: NFC, case-folded, white space collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
