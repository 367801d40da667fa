"""Namespaces of ratsdok documents and their Clark-notation prefixes (``{ns}local``)."""

from __future__ import annotations

from typing import Final

from ratsdok.version import NAMESPACE

__all__ = ["DS_NS", "NAMESPACE", "D", "Q"]

Q: Final = "{" + NAMESPACE + "}"
"""Prefix of ratsdok element names, e.g. ``Q + "vorlage"``."""
DS_NS: Final = "http://www.w3.org/2000/09/xmldsig#"
"""The XMLDSig namespace (seal and signatures)."""
D: Final = "{" + DS_NS + "}"
"""Prefix of XMLDSig element names, e.g. ``D + "Signature"``."""
