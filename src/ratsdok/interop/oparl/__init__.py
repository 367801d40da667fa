"""OParl 1.0/1.1 interoperability: lenient Paper import, strict Paper export.

>>> from ratsdok.oparl import import_paper, export_paper

* :func:`import_paper` turns OParl ``Paper`` objects (alone or in list pages)
  into :class:`~ratsdok.Vorlage` objects and lists every value it could not map.
* :func:`export_paper` turns a Vorlage into an OParl 1.1 ``Paper`` with embedded
  ``Consultation`` and ``File`` objects plus one vendor extension object
  (:data:`EXTENSION_KEY`) holding what OParl has no field for.

The import is :mod:`.importer` and the modules it names; the export is
:mod:`.exporter`, with :mod:`.restored` for what import gives back and
:mod:`.erweiterungen` for vendor keys both ways. Not public API as module paths: use
:mod:`ratsdok.oparl`.
"""

from ratsdok.interop.oparl.common import EXTENSION_KEY, dump_json, oparl_uuid
from ratsdok.interop.oparl.exporter import export_paper
from ratsdok.interop.oparl.importer import ImportResult, Unmapped, import_paper

__all__ = [
    "EXTENSION_KEY",
    "ImportResult",
    "Unmapped",
    "dump_json",
    "export_paper",
    "import_paper",
    "oparl_uuid",
]
