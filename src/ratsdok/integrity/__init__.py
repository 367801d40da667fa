"""Layer 4, integrity of ratsdok XML: the hash seal, XMLDSig signatures of the
Unterzeichnungen, and their verification on a parsed document (including the
signature marks the renderer prints).

Works on XML only; PDF bundles and archive ZIPs are opened by the layers
above and handed down as XML. May import :mod:`ratsdok.store`,
:mod:`ratsdok.xml`, :mod:`ratsdok.model` and the base modules. Rules:
``docs/xml-format.md``. Not public API as module paths: import from :mod:`ratsdok`.
"""
