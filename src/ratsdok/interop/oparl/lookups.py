"""The OParl objects a Paper refers to by URL, indexed by id.

Lookups (Meetings, Organizations, Papers, Consultations, Files) come as mappings,
objects, list pages or JSON files (``docs/oparl-mapping.md#import-rules``); AgendaItems
are found inside the Meetings, by their id or by the Consultation they point back to
(``docs/oparl-mapping.md#real-data-quirks``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ratsdok.interop.oparl.codes import section_public
from ratsdok.interop.oparl.json_input import as_list, blank, clean, load_json
from ratsdok.interop.oparl.unmapped import Notes
from ratsdok.interop.oparl.values import parse_bool

__all__ = ["SECTION_PUBLIC", "Index", "Lookup", "Lookups", "index", "resolved"]

Lookup = Mapping[str, Any] | Iterable[Any] | None

SECTION_PUBLIC = " section public"
"""Key of an AgendaItem under a section heading: its public flag. No OParl key has a
leading space, so it cannot clash."""


class Index(Mapping[str, dict[str, Any]]):
    """OParl objects by id, each cleaned (see :func:`.json_input.clean`) when first looked up.

    Lookups are often whole list pages (every Meeting of a body), of which a Paper
    needs a few; cleaning them all up front cost more than the import itself.
    """

    def __init__(self, raw: dict[str, dict[str, Any]]) -> None:
        self.raw = raw
        self._clean: dict[str, dict[str, Any]] = {}

    def __getitem__(self, key: str) -> dict[str, Any]:
        obj = self._clean.get(key)
        if obj is None:
            obj = self._clean[key] = clean(self.raw[key])
        return obj

    def __contains__(self, key: object) -> bool:
        return key in self.raw

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)


def index(objects: Lookup) -> Index:
    """Index OParl objects by id from a mapping, objects, list pages or JSON files."""
    out: dict[str, dict[str, Any]] = {}
    if objects is None:
        return Index(out)
    if isinstance(objects, Mapping):
        if "id" in objects or "data" in objects:
            items: Iterable[Any] = [objects]
        else:
            for k, v in objects.items():
                if isinstance(v, dict):
                    out[str(k)] = v
            return Index(out)
    elif isinstance(objects, str | bytes | os.PathLike):
        items = [objects]
    else:
        items = objects
    for item in items:
        value = item
        if isinstance(item, str | bytes | os.PathLike):
            value, _ = load_json(item)
        for obj in _objects_of(value):
            if isinstance(obj, dict) and isinstance(obj.get("id"), str):
                out[obj["id"]] = obj
    return Index(out)


def resolved(
    entries: Iterable[tuple[str, Any]], refs: Index, what: str, notes: Notes
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, object) for each entry, embedded or given by URL (looked up in *refs*).

    An unknown URL, a value that is not an object and a deleted object are reported
    (*what* is ``Consultation`` or ``File``) and skipped.
    """
    for path, obj in entries:
        if isinstance(obj, str):
            if obj not in refs:
                notes.note(path, f"referenced {what} not supplied; skipped", obj)
                continue
            obj = refs[obj]
        if not isinstance(obj, dict):
            notes.note(path, "not an object; skipped", obj)
            continue
        if parse_bool(obj.get("deleted")) is True:
            notes.note(path, f"deleted {what.lower()} skipped", obj.get("id"))
            continue
        yield path, obj


def _objects_of(value: Any) -> list[Any]:
    if isinstance(value, dict) and isinstance(value.get("data"), list):
        return list(value["data"])
    if isinstance(value, list):
        return value
    return [value]


class Lookups:
    """The indexed lookups of one import, and the AgendaItems of its Meetings."""

    def __init__(
        self,
        meetings: Index,
        organizations: Index,
        papers: Index,
        consultations: Index,
        files: Index,
    ) -> None:
        self.meetings = meetings
        self.organizations = organizations
        self.papers = papers
        self.consultations = consultations
        self.files = files
        self.agenda_items, self.agenda_by_consultation = _agenda_items(meetings)


def _agenda_items(meetings: Index) -> tuple[Index, dict[str, str]]:
    """The AgendaItems of *meetings* by id, and their ids by the Consultation they name.

    Each item gets its Meeting (where it names none) and the public flag of the section
    heading before it (:data:`SECTION_PUBLIC`).
    """
    items: dict[str, dict[str, Any]] = {}
    by_consultation: dict[str, str] = {}
    for m in meetings.raw.values():
        # Reads the raw agenda items (blank counts as absent, as in clean()); each
        # item is cleaned only when a Consultation looks it up.
        mid = None if blank(m.get("id")) else m.get("id")
        section: bool | None = None
        for item in as_list(m.get("agendaItem")):
            if not isinstance(item, dict):
                continue
            if isinstance(item.get("name"), str):
                heading = section_public(item["name"])
                if heading is not None and blank(item.get("consultation")):
                    section = heading
            if isinstance(item.get("id"), str) and not blank(item["id"]):
                item = dict(item)
                if section is not None:
                    item[SECTION_PUBLIC] = section
                if blank(item.get("meeting")):
                    item["meeting"] = mid
                items[item["id"]] = item
                if isinstance(item.get("consultation"), str) and not blank(item["consultation"]):
                    by_consultation[item["consultation"]] = item["id"]
    return Index(items), by_consultation
