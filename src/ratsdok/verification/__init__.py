"""Layer 7, verification of any ratsdok input: one dispatcher that tells from
the bytes whether an input is ratsdok XML, a bundle PDF or an xdomea 0503 ZIP
and verifies it with the layers below, returning one
:class:`~ratsdok.report.Report` vocabulary.

May import every layer below (interop, pdf, integrity, store, xml, model, base).
Not public API as module paths: use :func:`ratsdok.verify`.
"""
