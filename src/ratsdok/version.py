"""Versions and identity of the library and of the XML format it writes."""

from __future__ import annotations

__all__ = ["FORMAT_VERSION", "FORMAT_VERSIONS", "NAMESPACE", "STANDARD", "__version__"]

__version__ = "0.1.0"
"""Version of the ratsdok Python package."""

STANDARD = "ratsdok"
"""Name of the XML standard, written to the ``standard`` attribute."""

FORMAT_VERSIONS = ("1.0.0", "1.1.0", "1.2.0")
"""The format versions this library reads and writes, oldest first. A document is
written in the lowest one whose features it uses (see the README's compatibility rule)."""

FORMAT_VERSION = FORMAT_VERSIONS[-1]
"""The newest format version; the namespace changes only with the major version."""

NAMESPACE = "urn:ratsdok:schema:1"
"""Target namespace of the ratsdok XML Schema (major version 1)."""
