"""Layer 3, storage: reading and writing ratsdok files, Anlage files beside
them, SHA-256 digests in constant memory, and atomic output.

The only layer below the PDF and integrity layers that touches the file
system. May import :mod:`ratsdok.xml`, :mod:`ratsdok.model` and the base
modules. Not public API as module paths: import from :mod:`ratsdok`.
"""
