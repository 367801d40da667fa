"""Versions and identity of the library and of the XML format it writes."""

from __future__ import annotations

__all__ = ["FORMAT_VERSION", "NAMESPACE", "STANDARD", "__version__"]

__version__ = "0.1.0"
"""Version of the ratsdok Python package."""

STANDARD = "ratsdok"
"""Name of the XML standard, written to the ``standard`` attribute."""

FORMAT_VERSION = "1.0.0"
"""Version of the XML format written; the namespace changes only with the major version."""

NAMESPACE = "urn:ratsdok:schema:1"
"""Target namespace of the ratsdok XML Schema (major version 1)."""
