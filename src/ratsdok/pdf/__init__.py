"""Layer 5, PDF: rendering a Vorlage, PDF/A conversion and checking, the page
assembler that merges Anlagen (shared by the in-memory and the streaming
bundle), and reading bundles back.

May import :mod:`ratsdok.integrity` (seal, signature marks),
:mod:`ratsdok.store`, :mod:`ratsdok.xml`, :mod:`ratsdok.model` and the base
modules. Not public API as module paths: import from :mod:`ratsdok`.
"""
