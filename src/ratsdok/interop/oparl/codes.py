"""OParl wording read as ratsdok codes (Vorlagenart, Zuständigkeit, Beschlussergebnis …).

Servers write labels, not codes; wording is compared case-insensitively with white
space collapsed (``docs/oparl-mapping.md#field-mapping``).
"""

from __future__ import annotations

import re

from ratsdok.interop.oparl.values import wording_key
from ratsdok.model.codes import Beschlussergebnis, Vorlagenart, Zustaendigkeit

__all__ = ["beschlussergebnis_of", "section_public", "vorlagenart_of", "zustaendigkeit_of"]

_ARTEN: dict[str, Vorlagenart] = {wording_key(a.bezeichnung): a for a in Vorlagenart}
_ARTEN.update({wording_key(a.value): a for a in Vorlagenart})
_ARTEN.update(
    {
        "informationsvorlage": Vorlagenart.INFORMATIONSVORLAGE,
        "mitteilungsvorlage": Vorlagenart.INFORMATIONSVORLAGE,
        "mitteilung": Vorlagenart.INFORMATIONSVORLAGE,
        "ergänzungsvorlage": Vorlagenart.ERGAENZUNGSVORLAGE,
        "änderungsvorlage": Vorlagenart.AENDERUNGSVORLAGE,
        "dringlichkeitsvorlage": Vorlagenart.DRINGLICHKEITSVORLAGE,
    }
)

_ROLLEN: dict[str, Zustaendigkeit] = {wording_key(z.bezeichnung): z for z in Zustaendigkeit}
_ROLLEN.update(
    {
        "beschlussfassung": Zustaendigkeit.ENTSCHEIDUNG,
        "anhoerung": Zustaendigkeit.ANHOERUNG,
        "zur kenntnisnahme": Zustaendigkeit.KENNTNISNAHME,
    }
)

# Order matters: the first pattern found in the result text wins.
_ERGEBNISSE: tuple[tuple[re.Pattern[str], Beschlussergebnis], ...] = tuple(
    (re.compile(p), e)
    for p, e in (
        (r"geändert beschlossen|mit änderung", Beschlussergebnis.GEAENDERT_BESCHLOSSEN),
        (r"abgelehnt", Beschlussergebnis.ABGELEHNT),
        (r"vertagt", Beschlussergebnis.VERTAGT),
        (r"zurückgestellt", Beschlussergebnis.ZURUECKGESTELLT),
        (r"verwiesen", Beschlussergebnis.VERWIESEN),
        (r"zurückgezogen", Beschlussergebnis.ZURUECKGEZOGEN),
        (r"kenntnis", Beschlussergebnis.ZUR_KENNTNIS_GENOMMEN),
        (r"erledigt", Beschlussergebnis.ERLEDIGT),
        (r"beschlossen|zugestimmt", Beschlussergebnis.BESCHLOSSEN),
    )
)

# Section headings STERNBERG uses instead of AgendaItem.public ("A Öffentliche Sitzung").
_SECTION = re.compile(r"(?P<nicht>nicht ?)?öffentliche[rs]? (?:sitzung|teil)")


def vorlagenart_of(wording: str) -> Vorlagenart | None:
    """The Vorlagenart a ``paperType`` names (its code or label, or a common synonym)."""
    return _ARTEN.get(wording_key(wording))


def zustaendigkeit_of(wording: str) -> Zustaendigkeit | None:
    """The Zuständigkeit a Consultation ``role`` names."""
    return _ROLLEN.get(wording_key(wording))


def beschlussergebnis_of(wording: str) -> Beschlussergebnis | None:
    """The Beschlussergebnis the first matching pattern finds in an ``AgendaItem.result``."""
    lowered = wording_key(wording)
    return next((e for p, e in _ERGEBNISSE if p.search(lowered)), None)


def section_public(name: str) -> bool | None:
    """True for a heading "Öffentliche Sitzung", False for "Nichtöffentliche …", else None."""
    heading = _SECTION.fullmatch(wording_key(name))
    return None if heading is None else heading["nicht"] is None
