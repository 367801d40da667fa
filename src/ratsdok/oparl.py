"""OParl 1.0/1.1 interoperability: lenient Paper import, strict Paper export (public API).

>>> from ratsdok.oparl import import_paper, export_paper

* :func:`import_paper` turns OParl ``Paper`` objects (alone or in list pages)
  into :class:`~ratsdok.Vorlage` objects and lists every value it could not map.
* :func:`export_paper` turns a Vorlage into an OParl 1.1 ``Paper`` with embedded
  ``Consultation`` and ``File`` objects plus one vendor extension object
  (:data:`EXTENSION_KEY`) holding what OParl has no field for.

The implementation lives in :mod:`ratsdok.interop.oparl` (the interop layer);
this module is its stable public name. The mapping is described in
``docs/oparl-mapping.md``.
"""

from ratsdok.interop.oparl import (
    EXTENSION_KEY,
    ImportResult,
    Unmapped,
    dump_json,
    export_paper,
    import_paper,
    oparl_uuid,
)

__all__ = [
    "EXTENSION_KEY",
    "ImportResult",
    "Unmapped",
    "dump_json",
    "export_paper",
    "import_paper",
    "oparl_uuid",
]
