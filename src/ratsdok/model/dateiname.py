"""The one rule for the file names of Anlagen and Hauptdokumente.

A name must be safe to create inside an output folder (:func:`unsafe_problem`:
no path, no control or invisible characters, at most 255 bytes) on every system,
and it must be *portable* (:func:`portability_problem`): Windows refuses or
reinterprets device names (``CON``, ``nul.pdf``, ``COM¹``), the characters
``<>:"|?*`` (``a.pdf:Zone.Identifier`` is an NTFS stream of ``a.pdf``) and a
trailing dot or space, and on a case-insensitive disk ``RATSDOK.XML`` is the
file ratsdok extracts its XML to.

Unsafe names are refused everywhere. Names that are only not portable are refused
in new documents and read with a warning from existing ones (format 1.0.0 allowed
them); ``extract`` writes such a file under :func:`make_portable`'s name. The OParl
importer cleans every name with :func:`make_portable` and :func:`make_unique`
(``docs/xml-format.md#file-names``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Final

__all__ = [
    "RESERVIERT",
    "SCHRIFTEN_NAME",
    "XML_NAME",
    "make_portable",
    "make_unique",
    "portability_problem",
    "unsafe_problem",
]

XML_NAME: Final = "ratsdok.xml"
"""File name of the ratsdok XML in a bundle and in what ``extract`` writes."""
SCHRIFTEN_NAME: Final = "ratsdok-schriften.json"
"""File name of the record of the fonts ratsdok added to merged Anlage pages
(``docs/anlagen-reparatur.md``); only in bundles where an Anlage needed them."""
RESERVIERT: Final[Mapping[str, str]] = {
    XML_NAME: "the ratsdok XML",
    SCHRIFTEN_NAME: "the record of added fonts",
}
"""The names ratsdok gives its own files beside the Anlagen, and what they hold."""

MAX_BYTES: Final = 255
"""Longest file name in UTF-8 bytes (the limit of most file systems)."""

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# What make_portable replaces: controls, surrogates, non-characters, and the
# characters Windows does not allow in a name.
_UNSAFE_CHAR = re.compile(r'[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff/\\<>:"|?*]')
_WINDOWS_CHAR = re.compile(r'[<>:"|?*]')
# Windows names devices so, with any extension and trailing spaces ("nul .txt");
# ¹²³ count as digits there.
_GERAETE = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{port}{d}" for port in ("COM", "LPT") for d in "0123456789¹²³"]
)
_MAX_CLEAN_BYTES = 200  # what make_portable leaves, so that make_unique can add "-2"
_MAX_EXTENSION_BYTES = 50


def _invisible(name: str) -> str | None:
    """The first bidi control, zero-width character or line separator in *name*."""
    if name.isascii():  # ASCII has none; most names are ASCII
        return None
    return next((c for c in name if unicodedata.category(c) in ("Cf", "Zl", "Zp")), None)


def unsafe_problem(name: str) -> str | None:
    """Why *name* is not a bare file name safe to create in an output folder, or None."""
    if "/" in name or "\\" in name:
        return f"file name {name!r} must not contain a path separator"
    if ".." in name:
        return f"file name {name!r} must not contain '..'"
    if name == ".":
        return "file name '.' names a folder, not a file"
    if _CONTROL.search(name):
        return f"file name {name!r} must not contain control characters"
    # Bidi controls, zero-width characters and line separators make a name look
    # other than it is ("rechnung\u202egnp.exe" shows as "rechnungexe.png").
    hidden = _invisible(name)
    if hidden is not None:
        return (
            f"file name {name!r} must not contain invisible format characters (U+{ord(hidden):04X})"
        )
    if len(name.encode("utf-8")) > MAX_BYTES:
        return f"file name is longer than {MAX_BYTES} bytes in UTF-8"
    return None


def _device(name: str) -> bool:
    return name.split(".", 1)[0].rstrip(" ").upper() in _GERAETE


def portability_problem(name: str) -> str | None:
    """Why *name*, a safe name (see :func:`unsafe_problem`), cannot be created as it
    is on every system ratsdok's users have, or None."""
    if not unicodedata.is_normalized("NFC", name):
        return "it is not in Unicode NFC (macOS stores it differently)"
    bad = _WINDOWS_CHAR.search(name)
    if bad is not None:
        if bad.group() == ":":
            return "Windows does not allow ':' in a file name (on NTFS it names a hidden stream)"
        return f"Windows does not allow {bad.group()!r} in a file name"
    if name != name.rstrip(" ."):
        return "it ends in a dot or a space, which Windows drops"
    if _device(name):
        return "Windows reserves the name for a device"
    own = RESERVIERT.get(name.casefold())
    if own is not None:
        return f"ratsdok writes {own} as {name.casefold()!r} (a case-insensitive disk mixes them)"
    return None


def make_portable(raw: str) -> str:
    """A safe and portable file name made from *raw* (an OParl ``fileName``, a URL
    segment, a name :func:`portability_problem` refuses): NFC, forbidden and
    invisible characters as ``_``, ``..`` collapsed, dots and spaces trimmed at the
    ends, at most 200 bytes (the extension kept), ``_`` before a device or ratsdok
    name, ``anlage`` for nothing."""
    name = unicodedata.normalize("NFC", raw)
    name = _UNSAFE_CHAR.sub("_", name)
    name = "".join("_" if unicodedata.category(c) in ("Cf", "Zl", "Zp") else c for c in name)
    while ".." in name:
        name = name.replace("..", ".")
    name = name.strip(" .\t\n\r")
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext.encode("utf-8")) > _MAX_EXTENSION_BYTES:  # no extension
        stem, ext = name, ""
    ext_part = f".{ext}" if ext else ""
    while len((stem + ext_part).encode("utf-8")) > _MAX_CLEAN_BYTES and stem:
        stem = stem[:-1]
    name = (stem.rstrip(" .") + ext_part).strip(" .")  # a cut stem may end in "."
    if _device(name) or name.casefold() in RESERVIERT:
        name = "_" + name
    # A cut or a replaced character can leave a combining mark next to a new base.
    return unicodedata.normalize("NFC", name) or "anlage"


def make_unique(name: str, used: set[str]) -> str:
    """*name*, or with ``-2``, ``-3`` … before the extension when *used* has it (any case).

    The name returned is added to *used* (case-folded).
    """
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    candidate, n = name, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{stem}-{n}" + (f".{ext}" if ext else "")
    used.add(candidate.casefold())
    return candidate
