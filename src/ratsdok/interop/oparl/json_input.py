"""OParl JSON as it comes in: parsed from bytes or a file, blank values taken as absent.

Invalid input raises :class:`~ratsdok.errors.InvalidDocumentError` naming the file and
line (``docs/oparl-mapping.md#import-rules``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ratsdok.errors import InvalidDocumentError, Problem, UnsafeInputError
from ratsdok.interop.oparl.common import NotJsonError, is_vendor_key, load_json_text
from ratsdok.store.files import read_bytes
from ratsdok.xml.parser import MAX_TEXT_BYTES

__all__ = [
    "MAX_JSON_BYTES",
    "JsonSource",
    "as_list",
    "blank",
    "clean",
    "load_json",
    "type_name",
]

JsonSource = Mapping[str, Any] | list[Any] | bytes | str | os.PathLike[str]

MAX_JSON_BYTES = 32 * 1024 * 1024
"""Largest OParl JSON input read (32 MiB; the largest list page of the real servers
in the corpus is 0.3 MB). Parsed JSON takes several times its size in memory, so
the limit bounds what an import may use."""


def load_json(source: JsonSource, *, max_bytes: int = MAX_JSON_BYTES) -> tuple[Any, str | None]:
    """Parse *source* (object, JSON bytes, or a path) → (JSON value, file name or None).

    JSON text larger than *max_bytes*, or holding a string longer than ratsdok XML
    can hold in one text (:data:`~ratsdok.xml.parser.MAX_TEXT_BYTES`), is refused.
    """
    if isinstance(source, Mapping | list):
        return source, None
    if isinstance(source, bytes):
        if len(source) > max_bytes:
            raise UnsafeInputError(Problem(f"JSON is larger than the limit of {max_bytes:,} bytes"))
        return _parse(source, None), None
    name = os.fspath(source)
    return _parse(read_bytes(Path(name), max_bytes=max_bytes), name), name


def _parse(data: bytes, name: str | None) -> Any:
    value = _decode(data, name)
    for path, size in _overlong(value, "$"):
        raise InvalidDocumentError(
            Problem(
                f"a string of {size:,} bytes; ratsdok XML holds at most {MAX_TEXT_BYTES:,} "
                "bytes in one text",
                name,
                field=path,
            )
        )
    return value


def _overlong(value: Any, root: str) -> Iterator[tuple[str, int]]:
    """(JSON path, UTF-8 bytes) of each string (or key) in *value* longer than
    :data:`~ratsdok.xml.parser.MAX_TEXT_BYTES`."""
    # No recursion: JSON nests as deep as the parser allows. A path is kept as a
    # chain (parent, step) and spelled out only for a string that is too long.
    stack: list[tuple[Any, _Chain]] = [(value, None)]
    while stack:
        v, chain = stack.pop()
        if isinstance(v, str):
            # At most 4 bytes a character: most strings need no encoding to pass.
            if len(v) * 4 > MAX_TEXT_BYTES:
                size = len(v.encode("utf-8", "surrogatepass"))
                if size > MAX_TEXT_BYTES:
                    yield _spell(root, chain), size
        elif isinstance(v, dict):
            for k, item in v.items():
                step = (chain, f".{k[:60]}")
                stack.append((k, step))
                stack.append((item, step))
        elif isinstance(v, list):
            stack.extend((item, (chain, f"[{i}]")) for i, item in enumerate(v))


_Chain = tuple[Any, str] | None


def _spell(root: str, chain: _Chain) -> str:
    steps: list[str] = []
    while chain is not None:
        chain, step = chain
        steps.append(step)
    return root + "".join(reversed(steps))


def _decode(data: bytes, name: str | None) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InvalidDocumentError(
            Problem(f"not valid UTF-8 (byte {exc.start}); OParl JSON must be UTF-8", name, line)
        ) from None
    try:
        return load_json_text(text)
    except json.JSONDecodeError as exc:
        raise InvalidDocumentError(
            Problem(f"not valid JSON: {exc.msg} (column {exc.colno})", name, exc.lineno)
        ) from None
    except NotJsonError as exc:
        raise InvalidDocumentError(Problem(f"not valid JSON: {exc}", name)) from None
    except RecursionError:
        raise InvalidDocumentError(Problem("JSON nested too deeply", name)) from None
    except ValueError:  # an integer beyond Python's limit for digits in a string
        raise InvalidDocumentError(Problem("not valid JSON: a number is too long", name)) from None


def clean(value: Any) -> Any:
    """Empty or blank strings count as absent (removed from objects and arrays).

    Values of vendor-prefixed keys are left exactly as they are: they are kept verbatim
    (the ratsdok extension too: it is read by the ratsdok models).
    """
    if isinstance(value, dict):
        return {
            k: v if _verbatim(k) else clean(v)
            for k, v in value.items()
            if _verbatim(k) or not blank(v)
        }
    if isinstance(value, list):
        return [clean(v) for v in value if not blank(v)]
    return value


def _verbatim(key: Any) -> bool:
    # Vendor values are kept as they are; so is the ratsdok extension, whose models have
    # their own rules for blank text and where an empty table cell ("") is data.
    return isinstance(key, str) and is_vendor_key(key)


def blank(value: Any) -> bool:
    """``None``, or a string of XML white space only."""
    # Only XML white space: ratsdok text keeps "\u00a0" (str.strip() would drop it).
    return value is None or (isinstance(value, str) and not value.strip(" \t\n\r"))


def as_list(value: Any) -> list[Any]:
    """A single object where an array is expected is taken as a one-element array."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def type_name(obj: Mapping[str, Any]) -> str | None:
    """The last segment of ``type`` (``Paper`` for ``https://schema.oparl.org/1.1/Paper``)."""
    t = obj.get("type")
    if isinstance(t, str):
        return t.rstrip("/").rsplit("/", 1)[-1]
    return None
