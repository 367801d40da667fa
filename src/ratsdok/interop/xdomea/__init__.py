"""xdomea 3.0.0 archival export (Aussonderung 0503) and its verification.

* :mod:`.names` and :mod:`.codes`: file names, ids and code list values;
* :mod:`.message`: the 0503 message XML;
* :mod:`.export`: one Vorlage's share of a ZIP (the work unit) and the ZIP entries;
* :mod:`.batch`: :func:`archive` (one ZIP) and :func:`archive_batch` (several ZIPs,
  resumable, on any executor);
* :mod:`.check`: :func:`verify_archive`, checking a ZIP;
* :mod:`.zipform`: the ZIP layout every reader sees alike.

Not public API as module paths: use :func:`ratsdok.archive` and
:func:`ratsdok.verify_archive`. Format notes: ``docs/xdomea.md``.
"""

from ratsdok.interop.xdomea.batch import ArchivLauf, archive, archive_batch
from ratsdok.interop.xdomea.check import ArchiveResult, ArchivTeil, ArchivVorgang, verify_archive
from ratsdok.interop.xdomea.codes import dateiformat_code
from ratsdok.interop.xdomea.export import VorlageInput, render_pdfa
from ratsdok.interop.xdomea.message import combined_schema_text
from ratsdok.interop.xdomea.names import XDOMEA_NS, archive_name

__all__ = [
    "XDOMEA_NS",
    "ArchivLauf",
    "ArchivTeil",
    "ArchivVorgang",
    "ArchiveResult",
    "VorlageInput",
    "archive",
    "archive_batch",
    "archive_name",
    "combined_schema_text",
    "dateiformat_code",
    "render_pdfa",
    "verify_archive",
]
