"""xdomea 3.0.0 archival export (Aussonderung 0503) and its verification.

Not public API as module paths: use :func:`ratsdok.archive` and
:func:`ratsdok.verify_archive`. Format notes: ``docs/xdomea.md``.
"""
