"""Layer 7, verification of any ratsdok input: one dispatcher that tells from
the bytes whether an input is ratsdok XML, a bundle PDF or an xdomea 0503 ZIP
(:mod:`.detect`) and verifies it with the layers below (:mod:`.documents`),
reporting in the one :class:`~ratsdok.report.Report` vocabulary.

May import every layer below (interop, pdf, integrity, store, xml, model, base).
Not public API as module paths: use :func:`ratsdok.verify` and
:func:`ratsdok.verify_any`.
"""

from ratsdok.verification.detect import InputKind, detect
from ratsdok.verification.documents import verify, verify_any
from ratsdok.verification.signing import sign_pdf

__all__ = ["InputKind", "detect", "sign_pdf", "verify", "verify_any"]
