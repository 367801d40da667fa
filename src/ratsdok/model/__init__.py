"""Layer 1, the domain model: Vorlage and its parts, code lists, Drucksachennummer,
text value types and the message envelope (Nachricht, Nachrichtenkopf).

Pure: no I/O, no XML, no PDF. May import only :mod:`ratsdok.errors`,
:mod:`ratsdok.version`, the standard library, pydantic, and markdown-it-py (for
authoring sections from Markdown, :mod:`.markdown` and :mod:`.quelltext`; loaded on
first use). Not public API as module paths: import the names from :mod:`ratsdok`.
"""
