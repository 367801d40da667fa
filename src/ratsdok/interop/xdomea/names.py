"""Names and identifiers inside a 0503 archive.

The ZIP and its message are named after the ProzessID; every other name and id
is a uuid5 value derived from the Vorlage UUID, so the same Vorlage always gets
the same names (``docs/xdomea.md#package-and-file-names``). The writer and the
checker both take them from here.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from uuid import UUID, uuid5

from ratsdok.model.vorlage import Anlage, Vorlage

__all__ = [
    "MANIFEST",
    "MESSAGE_SUFFIX",
    "XDOMEA_NS",
    "X",
    "anlage_dokument_id",
    "anlage_file_name",
    "archive_name",
    "hauptdokument_file_name",
    "vorlage_dokument_id",
    "vorlage_pdf_name",
]

XDOMEA_NS = "urn:xoev-de:xdomea:schema:3.0.0"
"""Namespace of xdomea 3.0.0."""
X = f"{{{XDOMEA_NS}}}"
"""Prefix of xdomea element names (Clark notation)."""
MANIFEST = "manifest.sha256"
"""The ZIP entry listing the SHA-256 of every other entry (sha256sum format)."""
MESSAGE_SUFFIX = "_Aussonderung.Aussonderung.0503.xml"
"""How the name of the 0503 message ends."""


def archive_name(prozess_id: UUID) -> str:
    """``<ProzessID>_Aussonderung.Aussonderung.0503`` (without suffix)."""
    return f"{prozess_id}_Aussonderung.Aussonderung.0503"


def vorlage_dokument_id(v: Vorlage) -> UUID:
    """Id of the xdomea Dokument that is the rendered Vorlage."""
    return uuid5(v.uuid, "dokument:vorlage")


def vorlage_pdf_name(v: Vorlage) -> str:
    """ZIP entry of the rendered Vorlage: ``<uuid>_Vorlage.pdf``."""
    return f"{uuid5(v.uuid, 'datei:vorlage')}_Vorlage.pdf"


def anlage_dokument_id(v: Vorlage, a: Anlage) -> UUID:
    """Id of the xdomea Anlage element of Anlage *a*."""
    return uuid5(v.uuid, f"dokument:anlage:{a.nummer}")


def anlage_file_name(v: Vorlage, a: Anlage) -> str:
    """ZIP entry of Anlage *a*: ``<uuid>_Anlage<n>.<ext>`` (the extension only when safe)."""
    ext = _extension(a.dateiname or "")
    return f"{uuid5(v.uuid, f'datei:anlage:{a.nummer}')}_Anlage{a.nummer}{ext}"


def hauptdokument_file_name(v: Vorlage) -> str:
    """ZIP entry of the Hauptdokument, the file that is the Vorlage (format 1.1):
    ``<uuid>_Hauptdokument.<ext>`` (the extension only when safe)."""
    assert v.hauptdokument is not None
    ext = _extension(v.hauptdokument.dateiname)
    return f"{uuid5(v.uuid, 'datei:hauptdokument')}_Hauptdokument{ext}"


def _extension(dateiname: str) -> str:
    """The lower-cased extension of *dateiname* when it is ASCII letters and digits, else ""."""
    ext = PurePosixPath(dateiname).suffix.lower()
    if not (ext[1:].isascii() and ext[1:].isalnum()):
        ext = ""
    return ext
