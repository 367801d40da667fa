"""Layer 2, the XML format: safe parsing, the packaged XML Schema, and the
mapping between models and ratsdok XML (one parse per document, see
:class:`~ratsdok.xml.mapping.ParsedDocument`).

Pure apart from reading the packaged XSD. May import :mod:`ratsdok.model` and
the base modules. Not public API as module paths: import from :mod:`ratsdok`.
"""
