"""Consultations of a Paper read as the Beratungsfolge: Gremium, Zuständigkeit, Sitzung, Ergebnis.

The Gremium comes from the Organization, Sitzungstermin and Sitzungsart from the
Meeting and AgendaItem lookups (``docs/oparl-mapping.md#field-mapping``;
``docs/oparl-mapping.md#real-data-quirks`` for ``authoritative``, section headings and
results in prose).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ratsdok.interop.oparl.codes import beschlussergebnis_of, mehrheit_of, zustaendigkeit_of
from ratsdok.interop.oparl.erweiterungen import vendor_erweiterungen
from ratsdok.interop.oparl.json_input import as_list
from ratsdok.interop.oparl.lookups import SECTION_PUBLIC, Lookups, resolved
from ratsdok.interop.oparl.quellen import quelle_of
from ratsdok.interop.oparl.unmapped import Notes
from ratsdok.interop.oparl.values import parse_bool, parse_date, text_of
from ratsdok.model.codes import Sitzungsart, Zustaendigkeit
from ratsdok.model.text import normalize_text
from ratsdok.model.vorlage import Abstimmung, Beratung, Ergebnis

__all__ = ["beratungsfolge_of"]


def beratungsfolge_of(
    paper: Mapping[str, Any], path: str, lookups: Lookups, notes: Notes
) -> tuple[Beratung, ...]:
    """The Beratungen of the Paper's ``consultation`` array, in its order.

    Consultations given by URL are resolved through the lookups; deleted, unknown or
    unusable ones are skipped and reported.
    """
    entries = [
        (f"{path}.consultation[{i}]", c) for i, c in enumerate(as_list(paper.get("consultation")))
    ]
    out: list[Beratung] = []
    for cpath, c in resolved(entries, lookups.consultations, "Consultation", notes):
        b = _beratung(c, cpath, lookups, notes)
        if b is not None:
            out.append(b)
    return tuple(out)


def _beratung(c: Mapping[str, Any], path: str, lookups: Lookups, notes: Notes) -> Beratung | None:
    used = {"organization", "role", "authoritative", "meeting", "agendaItem"}
    meeting = lookups.meetings.get(text_of(c.get("meeting")) or "")
    item = lookups.agenda_items.get(text_of(c.get("agendaItem")) or "")
    if item is None and isinstance(c.get("id"), str):
        item = lookups.agenda_items.get(lookups.agenda_by_consultation.get(c["id"], ""))
    if meeting is None and item is not None:
        meeting = lookups.meetings.get(text_of(item.get("meeting")) or "")
    orgs = [o for o in as_list(c.get("organization")) if isinstance(o, str)]
    if not orgs and meeting is not None:
        orgs = [o for o in as_list(meeting.get("organization")) if isinstance(o, str)][:1]
        if orgs:
            notes.note(f"{path}.organization", "absent; Gremium taken from the Meeting")
    if not orgs:
        notes.note(
            path, "no organization: the Gremium is unknown; consultation skipped", c.get("id")
        )
        return None
    org = lookups.organizations.get(orgs[0])
    gremium = None if org is None else org.get("name") or org.get("shortName")
    if not isinstance(gremium, str):
        gremium = orgs[0]
        notes.note(
            f"{path}.organization[0]",
            "Organization not supplied; Gremium holds its URL",
            orgs[0],
        )
    for j, extra in enumerate(orgs[1:], 1):
        notes.note(
            f"{path}.organization[{j}]", "co-deliberating committee has no Vorlage field", extra
        )
    data: dict[str, Any] = {"gremium": gremium}
    # Zuständigkeit
    role, auth = c.get("role"), parse_bool(c.get("authoritative"))
    if role is not None:
        z = zustaendigkeit_of(text_of(role) or "")
        if z is None:
            notes.note(f"{path}.role", "no matching Zuständigkeit; left unknown", role)
        data["zustaendigkeit"] = z
        if auth is not None and z is not None and auth != (z is Zustaendigkeit.ENTSCHEIDUNG):
            notes.note(f"{path}.authoritative", f"contradicts role {role!r}; role kept", auth)
    elif auth is True:
        data["zustaendigkeit"] = Zustaendigkeit.ENTSCHEIDUNG
    elif auth is False:
        notes.note(f"{path}.authoritative", "false without role: Zuständigkeit unknown", auth)
    # Meeting
    if c.get("meeting") is not None and meeting is None:
        notes.note(f"{path}.meeting", "Meeting not supplied; Sitzungstermin unknown", c["meeting"])
    if meeting is not None:
        start = meeting.get("start")
        d = parse_date(start)
        if d is None and item is not None:
            d = parse_date(item.get("start"))
        if d is None:
            notes.note(
                f"{path}.meeting", "Meeting has no usable start; Sitzungstermin unknown", start
            )
        data["sitzungstermin"] = d
    # Agenda item
    if c.get("agendaItem") is not None and item is None:
        notes.note(f"{path}.agendaItem", "AgendaItem not supplied", c["agendaItem"])
    if item is not None:
        public = parse_bool(item.get("public"))
        if public is None and item.get(SECTION_PUBLIC) is not None:
            public = bool(item[SECTION_PUBLIC])
            notes.note(
                f"{path}.agendaItem",
                "no public flag; Sitzungsart taken from the section heading before the item",
            )
        if public is not None:
            data["sitzungsart"] = (
                Sitzungsart.OEFFENTLICH if public else Sitzungsart.NICHTOEFFENTLICH
            )
        top = text_of(item.get("number"))
        if top is not None:
            data["tagesordnungspunkt"] = top
        elif item.get("number") is not None:
            notes.note(f"{path}.agendaItem.number", "not text", item["number"])
        data["ergebnis"] = _ergebnis(item, path, notes)
    data["quelle"] = quelle_of(c, path, used, notes)
    data["erweiterungen"] = vendor_erweiterungen(c, used)
    notes.rest(c, path, used, "Consultation")
    try:
        return Beratung.model_validate(data)
    except ValidationError as exc:
        notes.note(path, f"cannot build a Beratung: {exc.errors()[0]['msg']}; skipped", c.get("id"))
        return None


def _ergebnis(item: Mapping[str, Any], path: str, notes: Notes) -> Ergebnis | None:
    """The Ergebnis of an AgendaItem: its ``result`` as the wording, always, with the
    Beschlussergebnis and the Mehrheit that wording names, and ``resolutionText``."""
    text = item.get("result")
    beschlusstext = item.get("resolutionText")
    wortlaut: str | None = None
    if isinstance(text, str):
        try:
            wortlaut = normalize_text(text)
        except ValueError:
            notes.note(f"{path}.agendaItem.result", "not usable text", text)
    elif text is not None:
        notes.note(f"{path}.agendaItem.result", "not text", text)
    if wortlaut is None:
        if beschlusstext is not None:
            notes.note(f"{path}.agendaItem.resolutionText", "no result to attach it to")
        return None
    data: dict[str, Any] = {
        "beschlussergebnis": beschlussergebnis_of(wortlaut),
        "wortlaut": wortlaut,
    }
    mehrheit = mehrheit_of(wortlaut)
    if mehrheit is not None:
        # Counts are not read from prose; the wording keeps them.
        data["abstimmungen"] = (Abstimmung(mehrheit=mehrheit),)
    try:
        return Ergebnis(**data, beschlusstext=beschlusstext)
    except ValidationError:
        notes.note(f"{path}.agendaItem.resolutionText", "not usable text", beschlusstext)
        return Ergebnis(**data)
