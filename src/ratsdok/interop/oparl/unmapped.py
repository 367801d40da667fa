"""What an import could not map: one :class:`Unmapped` per value, with its JSON path.

See ``docs/oparl-mapping.md#import-rules`` (Report the rest).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ratsdok.interop.oparl.common import is_vendor_key

__all__ = ["Notes", "Unmapped"]


@dataclass(frozen=True, slots=True)
class Unmapped:
    """One OParl value that did not make it into a Vorlage field."""

    path: str
    """JSON path, e.g. ``$.data[3].consultation[0].role``."""
    reason: str
    value: Any = None

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(slots=True)
class Notes:
    """The Unmapped values of one import, in the order they were found."""

    unmapped: list[Unmapped] = field(default_factory=list)

    def note(self, path: str, reason: str, value: Any = None) -> None:
        self.unmapped.append(Unmapped(path, reason, value))

    def rest(self, obj: Mapping[str, Any], path: str, used: set[str], what: str) -> None:
        """Report every key of *obj* not in *used*."""
        for k, v in obj.items():
            if k in used or k == "type":
                continue
            if is_vendor_key(k):
                self.note(
                    f"{path}.{k}",
                    "vendor extension not kept: the key is reserved or not storable unchanged",
                    v,
                )
            else:
                self.note(f"{path}.{k}", f"{what}.{k} has no Vorlage field", v)
