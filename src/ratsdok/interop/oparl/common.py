"""Constants and helpers shared by the OParl import and export."""

from __future__ import annotations

import json
import re
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

__all__ = [
    "EXTENSION_KEY",
    "EXTENSION_VERSION",
    "NotJsonError",
    "dump_json",
    "is_vendor_key",
    "load_json_text",
    "oparl_uuid",
]

EXTENSION_KEY = "ratsdok:vorlage"
"""Vendor-prefixed Paper property holding ratsdok-only data (``docs/oparl-mapping.md``)."""

EXTENSION_VERSION = "1"


# A lone surrogate (a vendor value imported from a "\ud800" escape) cannot be UTF-8; it
# can only occur inside a JSON string, so writing it as a \u escape keeps the value.
_SURROGATE = re.compile("[\ud800-\udfff]")


class NotJsonError(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity`` (Python's parser accepts them, JSON does
    not), or a key that occurs twice in one object."""


def _no_constant(word: str) -> Any:
    raise NotJsonError(f"{word} is not a JSON value")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            # RFC 8259 4: names SHOULD be unique; where they are not, readers differ
            # (Python keeps the last, others the first): refused, not guessed.
            raise NotJsonError(f"the key {key!r} occurs twice in one object")
        seen[key] = value
    return seen


def load_json_text(text: str) -> Any:
    """``json.loads`` without the non-JSON constants and without duplicate keys in an
    object (raises :class:`NotJsonError`)."""
    return json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique_keys)


def is_vendor_key(key: object) -> bool:
    """A vendor-prefixed property such as ``ris:raum`` (OParl: ``Vendor:property``)."""
    return isinstance(key, str) and ":" in key and not key.startswith(("http:", "https:"))


def oparl_uuid(object_id: str) -> UUID:
    """The Vorlage UUID of an imported OParl object: UUIDv5 (URL namespace) of its ``id``.

    Re-importing the same Paper therefore gives the same Vorlage. A lone surrogate (from
    a "\\ud800" escape in the JSON) cannot be UTF-8; it counts as its escape text.
    """
    return uuid5(NAMESPACE_URL, _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", object_id))


def dump_json(obj: Any) -> bytes:
    """Deterministic JSON: sorted keys, UTF-8 (no ASCII escaping), 2-space indent, final newline.

    Only lone surrogates, which UTF-8 cannot carry, are written as ``\\u`` escapes.
    """
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text).encode("utf-8")
