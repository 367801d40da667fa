"""Names and media types a ratsdok bundle PDF is built and read with.

Owns the constants the writer (:mod:`ratsdok.pdf.bundling`,
:mod:`ratsdok.pdf.assemble`) and the reader (:mod:`ratsdok.pdf.extraction`)
must agree on, so that reading a bundle does not depend on the code that
writes one.
"""

from __future__ import annotations

from typing import Final

__all__ = ["JSON_MEDIENTYP", "PDF_MEDIENTYP", "SCHRIFTEN_NAME", "XML_MEDIENTYP", "XML_NAME"]

XML_NAME: Final = "ratsdok.xml"
"""File name of the embedded ratsdok XML."""
XML_MEDIENTYP: Final = "application/xml"
"""Media type of the embedded ratsdok XML."""
PDF_MEDIENTYP: Final = "application/pdf"
"""Media type of an Anlage whose pages can be merged into the bundle."""
SCHRIFTEN_NAME: Final = "ratsdok-schriften.json"
"""File name of the record of the fonts ratsdok added to merged Anlage pages
(:mod:`ratsdok.pdf.schriften`, ``docs/anlagen-reparatur.md``); only in bundles
where an Anlage needed them."""
JSON_MEDIENTYP: Final = "application/json"
"""Media type of :data:`SCHRIFTEN_NAME`."""

MAX_PDF_BYTES = 4 * 1024 * 1024 * 1024
"""Largest PDF read into memory (bundles are read whole to reach their embedded files)."""
