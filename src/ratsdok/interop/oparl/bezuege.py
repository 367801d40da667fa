"""Related Papers read as Bezüge: ``relatedPaper``, ``superordinatedPaper``, ``subordinatedPaper``.

OParl gives these relations no agreed direction, so each becomes "bezieht sich auf",
and only where the other Paper is known (``docs/oparl-mapping.md#field-mapping``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from ratsdok.interop.oparl.common import oparl_uuid
from ratsdok.interop.oparl.json_input import as_list
from ratsdok.interop.oparl.lookups import Lookups
from ratsdok.interop.oparl.unmapped import Notes
from ratsdok.interop.oparl.values import parse_bool
from ratsdok.model.codes import Bezugsart
from ratsdok.model.nummer import Drucksachennummer
from ratsdok.model.vorlage import Bezug

__all__ = ["RELATIONS", "bezuege_of"]

RELATIONS = ("relatedPaper", "superordinatedPaper", "subordinatedPaper")
"""The Paper keys that name other Papers."""


def bezuege_of(
    obj: Mapping[str, Any],
    path: str,
    uuid: UUID,
    nummer: str,
    lookups: Lookups,
    notes: Notes,
) -> tuple[Bezug, ...]:
    """The Bezüge of the Paper *obj* (whose Vorlage has *uuid* and *nummer*).

    A Paper not known (same input or the *papers* lookup), deleted, without a usable
    reference, or with the same reference as *obj* is reported instead.
    """
    bezuege: list[Bezug] = []
    for key in RELATIONS:
        for i, url in enumerate(as_list(obj.get(key))):
            other = lookups.papers.get(url) if isinstance(url, str) else None
            if other is None or parse_bool(other.get("deleted")) is True:
                notes.note(f"{path}.{key}[{i}]", "referenced Paper not supplied", url)
                continue
            ref = other.get("reference")
            try:
                bezug = Bezug(art=Bezugsart.BEZIEHT_SICH_AUF, nummer=ref, uuid=oparl_uuid(str(url)))
            except ValidationError:
                notes.note(f"{path}.{key}[{i}]", "referenced Paper has no usable reference", url)
                continue
            if bezug.uuid == uuid or bezug.nummer == _nummer(nummer):
                notes.note(f"{path}.{key}[{i}]", "refers to a Paper with the same reference", url)
                continue
            bezuege.append(bezug)
    return tuple(bezuege)


def _nummer(text: str) -> Drucksachennummer | None:
    try:
        return Drucksachennummer(text)
    except ValueError:
        return None
