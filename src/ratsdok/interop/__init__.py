"""Layer 6, interoperability with other formats: OParl 1.0/1.1
(:mod:`ratsdok.interop.oparl`, public as :mod:`ratsdok.oparl`) and the xdomea
3.0.0 archival export (:mod:`ratsdok.interop.xdomea`).

May import :mod:`ratsdok.pdf`, :mod:`ratsdok.integrity`, :mod:`ratsdok.store`,
:mod:`ratsdok.xml`, :mod:`ratsdok.model` and the base modules; the two formats
do not import each other. Not public API as module paths: use
:mod:`ratsdok.oparl`, :func:`ratsdok.archive` and :func:`ratsdok.verify_archive`.
"""
