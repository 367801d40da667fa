"""File names of imported Anlagen: bare, portable and unique within a Vorlage.

The rules are listed under ``docs/oparl-mapping.md#real-data-quirks`` (File names).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["safe_filename", "unique"]

_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff/\\<>:"|?*]')
# Names Windows reserves for devices, with any extension ("nul.pdf", "COM1.txt").
_RESERVED_NAME = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)", re.IGNORECASE)


def safe_filename(raw: str) -> str:
    """A bare, portable file name from an OParl ``fileName`` (or URL segment)."""
    name = unicodedata.normalize("NFC", raw)
    name = _UNSAFE_NAME.sub("_", name)
    # Invisible format characters (bidi controls, zero width) and line separators
    # would make the name look other than it is; ratsdok refuses them in file names.
    name = "".join("_" if unicodedata.category(c) in ("Cf", "Zl", "Zp") else c for c in name)
    while ".." in name:
        name = name.replace("..", ".")
    name = name.strip(" .\t\n\r")
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext.encode("utf-8")) > 50:  # no extension, or too long for one
        stem, ext = name, ""
    ext_part = f".{ext}" if ext else ""
    while len((stem + ext_part).encode("utf-8")) > 200 and stem:
        stem = stem[:-1]
    name = (stem.rstrip(" .") + ext_part).strip(" .")  # a cut stem may end in "."
    if _RESERVED_NAME.match(name):
        name = "_" + name
    return name or "anlage"


def unique(name: str, used: set[str]) -> str:
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
