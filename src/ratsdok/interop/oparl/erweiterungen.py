"""Vendor-prefixed OParl keys (``ris:raum``) and the Erweiterungen that keep them.

Import keeps each vendor key of a Paper, Consultation or File as an Erweiterung (value
as compact JSON text, sorted by key); export writes them back as properties
(``docs/oparl-mapping.md#import-rules``, ``docs/oparl-mapping.md#export``). The ratsdok
extension key is never an Erweiterung.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from ratsdok.errors import InvalidDocumentError, Problem
from ratsdok.interop.oparl.common import EXTENSION_KEY, is_vendor_key, load_json_text
from ratsdok.model.vorlage import Erweiterung

__all__ = ["carried", "compact_json", "put_erweiterungen", "vendor_erweiterungen"]

# Characters json.dumps(ensure_ascii=False) leaves raw but ratsdok text refuses (DEL,
# C1 controls, lone surrogates, U+FFFE/U+FFFF). They can only occur inside JSON strings,
# so a \u escape keeps the text valid JSON that parses back to the same value.
_UNSAFE_IN_TEXT = re.compile("[\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def compact_json(value: Any) -> str:
    """*value* as ratsdok text: compact JSON, keys sorted, parsing back to *value*."""
    # allow_nan=False: NaN and Infinity are not JSON (only a Python mapping can hold them).
    text = json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )
    if not unicodedata.is_normalized("NFC", text):
        # ratsdok text is NFC; "e\u0301" must not come back as "é": escape all non-ASCII.
        text = json.dumps(
            value, ensure_ascii=True, sort_keys=True, separators=(",", ":"), allow_nan=False
        )
    return _UNSAFE_IN_TEXT.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _kept(key: Any) -> bool:
    """A key that travels as an Erweiterung: vendor-prefixed, not the ratsdok extension."""
    return is_vendor_key(key) and key != EXTENSION_KEY


def vendor_erweiterungen(obj: Mapping[str, Any], used: set[str]) -> tuple[Erweiterung, ...]:
    """The vendor-prefixed keys of *obj* not in *used* as Erweiterungen, sorted by key.

    Kept keys are added to *used*. A key that would not come back unchanged (white
    space or control characters in it) or the ratsdok key is left out, for the caller
    to report.
    """
    kept: list[Erweiterung] = []
    for k in sorted(k for k in obj if isinstance(k, str)):
        if not _kept(k) or k in used:
            continue
        try:
            er = Erweiterung(schluessel=k, wert=compact_json(obj[k]))
        except (ValidationError, ValueError):  # ValueError: NaN in a Python mapping
            continue
        if er.schluessel == k:
            kept.append(er)
            used.add(k)
    return tuple(kept)


def put_erweiterungen(
    obj: dict[str, Any], erweiterungen: tuple[Erweiterung, ...], field: str
) -> None:
    """Write kept vendor keys back into *obj*; *field* names them in errors."""
    for i, er in enumerate(erweiterungen):
        key = er.schluessel
        # A kept key never overrides OParl data, the ratsdok extension or a standard
        # property the object lacks (OParl requires extensions to be prefixed).
        if key in obj or not _kept(key):
            continue
        try:
            obj[key] = load_json_text(er.wert)
        except (ValueError, RecursionError):
            raise InvalidDocumentError(
                Problem(f"the value of {key!r} is not JSON text", field=f"{field}[{i}].wert")
            ) from None


def carried(erweiterungen: Iterable[Erweiterung]) -> tuple[Erweiterung, ...]:
    """The Erweiterungen that export → import keeps of *erweiterungen*.

    Export writes the first of each vendor key (:func:`put_erweiterungen`; the objects
    it writes have no other vendor key), import reads them back sorted by key, each
    value as compact JSON (:func:`vendor_erweiterungen`). A value that is not JSON text
    raises ``ValueError``, as export does.
    """
    written: dict[str, Any] = {}
    for er in erweiterungen:
        if _kept(er.schluessel) and er.schluessel not in written:
            written[er.schluessel] = load_json_text(er.wert)
    return vendor_erweiterungen(written, set())
