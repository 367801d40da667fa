"""Constants and helpers shared by the OParl import and export."""

from __future__ import annotations

import json
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

__all__ = ["EXTENSION_KEY", "EXTENSION_VERSION", "dump_json", "is_vendor_key", "oparl_uuid"]

EXTENSION_KEY = "ratsdok:vorlage"
"""Vendor-prefixed Paper property holding ratsdok-only data (see :mod:`ratsdok.oparl.exporter`)."""

EXTENSION_VERSION = "1"


def is_vendor_key(key: str) -> bool:
    """A vendor-prefixed property such as ``ris:raum`` (OParl: ``Vendor:property``)."""
    return ":" in key and not key.startswith(("http:", "https:"))


def oparl_uuid(object_id: str) -> UUID:
    """The Vorlage UUID of an imported OParl object: UUIDv5 (URL namespace) of its ``id``.

    Re-importing the same Paper therefore gives the same Vorlage.
    """
    return uuid5(NAMESPACE_URL, object_id)


def dump_json(obj: Any) -> bytes:
    """Deterministic JSON: sorted keys, UTF-8 (no ASCII escaping), 2-space indent, final newline."""
    return (json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")
