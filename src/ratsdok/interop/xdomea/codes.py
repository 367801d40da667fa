"""xdomea code list values ratsdok writes: Dateiformat 1.0 for Anlage files.

Values from the xdomea 3.0.0 code list Dateiformat 1.0
(``docs/xdomea.md#code-lists``).
"""

from __future__ import annotations

from pathlib import PurePosixPath

__all__ = ["dateiformat_code"]

_DATEIFORMAT_MIME = {
    "application/pdf": "018",
    "image/bmp": "001",
    "text/csv": "002",
    "application/msword": "003",
    "message/rfc822": "006",
    "text/html": "008",
    "image/jpeg": "010",
    "application/vnd.ms-outlook": "012",
    "application/vnd.oasis.opendocument.presentation": "013",
    "application/vnd.oasis.opendocument.spreadsheet": "014",
    "application/vnd.oasis.opendocument.text": "015",
    "image/png": "019",
    "application/vnd.ms-powerpoint": "020",
    "application/postscript": "021",
    "application/rtf": "022",
    "text/rtf": "022",
    "image/tiff": "024",
    "application/vnd.ms-excel": "028",
    "application/xml": "030",
    "text/xml": "030",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "035",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "036",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "037",
    "text/plain": "045",
}
_DATEIFORMAT_EXT = {
    ".jpg": "011",
    ".jpe": "009",
    ".htm": "007",
    ".tif": "023",
    ".xsd": "031",
}


def dateiformat_code(medientyp: str, dateiname: str = "") -> str:
    """The xdomea Dateiformat 1.0 code for a media type (``100`` Sonstiges if unknown)."""
    mime = medientyp.split(";", 1)[0].strip().lower()
    ext = PurePosixPath(dateiname).suffix.lower()
    if mime in ("image/jpeg", "text/html", "image/tiff") and ext in _DATEIFORMAT_EXT:
        return _DATEIFORMAT_EXT[ext]
    return _DATEIFORMAT_MIME.get(mime, "100")
