"""Type aliases shared by every layer."""

from __future__ import annotations

import os
from collections.abc import Sequence

__all__ = ["PathLike", "TrustSource"]

PathLike = str | os.PathLike[str]
"""A file system path as ratsdok accepts it."""

TrustSource = Sequence[PathLike | bytes] | PathLike | bytes | None
"""Trusted CA certificates: one or several paths or PEM/DER bytes, or none."""
