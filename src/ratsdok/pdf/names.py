"""Names and media types a ratsdok bundle PDF is built and read with.

Owns the constants the writer (:mod:`ratsdok.pdf.bundling`,
:mod:`ratsdok.pdf.assemble`) and the reader (:mod:`ratsdok.pdf.extraction`)
must agree on, so that reading a bundle does not depend on the code that
writes one.
"""

from __future__ import annotations

from typing import Final

# The model owns the two file names: no Anlage may take them, in any case.
from ratsdok.model.dateiname import SCHRIFTEN_NAME, XML_NAME

__all__ = ["JSON_MEDIENTYP", "PDF_MEDIENTYP", "SCHRIFTEN_NAME", "XML_MEDIENTYP", "XML_NAME"]

XML_MEDIENTYP: Final = "application/xml"
"""Media type of the embedded ratsdok XML."""
PDF_MEDIENTYP: Final = "application/pdf"
"""Media type of an Anlage whose pages can be merged into the bundle."""
JSON_MEDIENTYP: Final = "application/json"
"""Media type of :data:`SCHRIFTEN_NAME`."""

MAX_PDF_BYTES = 4 * 1024 * 1024 * 1024
"""Largest PDF read into memory (bundles are read whole to reach their embedded files)."""
