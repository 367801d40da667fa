"""Text value types shared by all models: NFC, no stray whitespace, XML-safe.

Digests over the XML depend on one spelling of every text, so text is
normalised once, on the way into a model: Unicode NFC, line breaks as ``\\n``,
no leading or trailing XML white space. Characters XML 1.0 cannot carry are
refused instead of silently dropped.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, ValidationInfo

from ratsdok.model._base import bestand
from ratsdok.model.dateiname import portability_problem, unsafe_problem

__all__ = ["MEDIENTYP_PATTERN", "Dateiname", "Medientyp", "Sha256", "Text", "normalize_text"]

_XML_WS = " \t\n\r"
# C0 controls except TAB/LF/CR, DEL, C1 controls, surrogates and the two
# non-characters XML 1.0 forbids.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def normalize_text(value: str) -> str:
    """Return *value* as stored in a model, or raise ``ValueError``."""
    if not value.isascii() and not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    bad = _FORBIDDEN.search(value)
    if bad is not None:
        raise ValueError(f"contains the control character U+{ord(bad.group()):04X}")
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.strip(_XML_WS)
    if not value:
        raise ValueError("must not be empty")
    return value


Text = Annotated[str, AfterValidator(normalize_text)]
"""Non-empty text, NFC-normalised, without leading or trailing white space."""


def _check_dateiname(value: str, info: ValidationInfo) -> str:
    value = normalize_text(value)
    problem = unsafe_problem(value)
    if problem is not None:
        raise ValueError(problem)
    problem = portability_problem(value)
    if problem is not None and not bestand(info, value):
        raise ValueError(f"file name {value!r} is not portable: {problem}")
    return value


Dateiname = Annotated[str, AfterValidator(_check_dateiname)]
"""A bare file name that is safe to create inside an output folder, and portable
(:mod:`ratsdok.model.dateiname`) unless read from an existing document."""

MEDIENTYP_PATTERN = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")
"""A media type without parameters, lower case (what :data:`Medientyp` accepts)."""


def _check_medientyp(value: str) -> str:
    lowered = value.strip(_XML_WS).lower()
    if not MEDIENTYP_PATTERN.fullmatch(lowered):
        raise ValueError(f"{value!r} is not a media type like 'application/pdf'")
    return lowered


Medientyp = Annotated[str, AfterValidator(_check_medientyp)]
"""A MIME media type without parameters, lower case (``application/pdf``)."""

_HEX64 = re.compile(r"[0-9a-f]{64}")


def _check_sha256(value: str) -> str:
    lowered = value.strip(_XML_WS).lower()
    if not _HEX64.fullmatch(lowered):
        raise ValueError("a SHA-256 digest is 64 hexadecimal digits")
    return lowered


Sha256 = Annotated[str, AfterValidator(_check_sha256)]
"""A SHA-256 digest as 64 lower-case hexadecimal digits."""
