"""The Quelle of an imported object: ``id``, ``web``, ``created`` and ``modified``.

Time stamps must be RFC 3339 date-times with a UTC offset, and ``id`` and ``web`` text
ratsdok keeps unchanged; anything else is reported, not guessed
(``docs/oparl-mapping.md#import-rules``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ratsdok.interop.oparl.unmapped import Notes
from ratsdok.interop.oparl.values import parse_timestamp, text_of, unchanged
from ratsdok.model.vorlage import Quelle

__all__ = ["quelle_of"]


def quelle_of(obj: Mapping[str, Any], path: str, used: set[str], notes: Notes) -> Quelle | None:
    """``id``, ``web``, ``created`` and ``modified`` of *obj* as a Quelle.

    Keys it maps or reports are added to *used*. Without an ``id`` kept unchanged
    there is no Quelle, and the other keys are left for :meth:`Notes.rest`.
    """
    kennung = text_of(obj.get("id"))
    if kennung is None or not unchanged(kennung):
        return None
    values: dict[str, Any] = {"kennung": kennung}
    used.add("id")
    if "web" in obj:
        used.add("web")
        web = obj["web"]
        if isinstance(web, str) and unchanged(web):
            values["web"] = web
        else:
            notes.note(f"{path}.web", "not text ratsdok keeps unchanged; left out", web)
    for key, name in (("created", "erstellt"), ("modified", "geaendert")):
        if key in obj:
            used.add(key)
            values[name] = parse_timestamp(obj[key])
            if values[name] is None:
                notes.note(
                    f"{path}.{key}",
                    "not an RFC 3339 date-time with a UTC offset; left out",
                    obj[key],
                )
    return Quelle.model_validate(values)
