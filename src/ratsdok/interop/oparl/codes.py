"""OParl wording read as ratsdok codes (Vorlagenart, Zuständigkeit, Beschlussergebnis …).

Servers write labels, not codes; wording is compared case-insensitively with white
space collapsed (``docs/oparl-mapping.md#field-mapping``).
"""

from __future__ import annotations

import re

from ratsdok.interop.oparl.values import wording_key
from ratsdok.model.codes import Beschlussergebnis, Mehrheit, Vorlagenart, Zustaendigkeit

__all__ = [
    "beschlussergebnis_of",
    "mehrheit_of",
    "section_public",
    "vorlagenart_of",
    "zustaendigkeit_of",
]

_ARTEN: dict[str, Vorlagenart] = {wording_key(a.bezeichnung): a for a in Vorlagenart}
_ARTEN.update({wording_key(a.value): a for a in Vorlagenart})
# Names real servers use for the codes (docs/oparl-mapping.md#field-mapping). A
# Mitteilungsvorlage is the informationsvorlage (its label says so); "Mitteilung"
# itself is the code of that name.
_ARTEN.update(
    {
        "informationsvorlage": Vorlagenart.INFORMATIONSVORLAGE,
        "mitteilungsvorlage": Vorlagenart.INFORMATIONSVORLAGE,
        "ergänzungsvorlage": Vorlagenart.ERGAENZUNGSVORLAGE,
        "änderungsvorlage": Vorlagenart.AENDERUNGSVORLAGE,
        "dringlichkeitsvorlage": Vorlagenart.DRINGLICHKEITSVORLAGE,
        "antwort": Vorlagenart.ANTWORT,
        "beantwortung": Vorlagenart.ANTWORT,
        "beantwortung einer anfrage": Vorlagenart.ANTWORT,
        "antwort auf anfrage": Vorlagenart.ANTWORT,
        "antwort auf eine anfrage": Vorlagenart.ANTWORT,
        "stellungnahme der verwaltung": Vorlagenart.STELLUNGNAHME,
        "stellungnahme zum antrag": Vorlagenart.STELLUNGNAHME,
        "änderungs-/ergänzungsantrag": Vorlagenart.AENDERUNGSANTRAG,
        "ergänzungsantrag": Vorlagenart.AENDERUNGSANTRAG,
        "tisch-vorlage": Vorlagenart.TISCHVORLAGE,
        "zwischenbericht": Vorlagenart.ZWISCHENNACHRICHT,
        "zwischenantwort": Vorlagenart.ZWISCHENNACHRICHT,
        "sonstige": Vorlagenart.SONSTIGE,
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

# Order matters: the first pattern found in the result text wins. A recommendation with
# changes before a decision with changes, what puts a matter off or ends it before what
# settles it, "ohne Votum" before "empfohlen".
_ERGEBNISSE: tuple[tuple[re.Pattern[str], Beschlussergebnis], ...] = tuple(
    (re.compile(p), e)
    for p, e in (
        (
            r"(mit änderungen?|geändert) empfohlen|empfohlen mit änderung",
            Beschlussergebnis.GEAENDERT_EMPFOHLEN,
        ),
        (r"geändert beschlossen|mit änderung", Beschlussergebnis.GEAENDERT_BESCHLOSSEN),
        (r"abgelehnt", Beschlussergebnis.ABGELEHNT),
        (r"vertagt", Beschlussergebnis.VERTAGT),
        (r"zurückgestellt", Beschlussergebnis.ZURUECKGESTELLT),
        (r"verwiesen", Beschlussergebnis.VERWIESEN),
        (r"zurückgezogen", Beschlussergebnis.ZURUECKGEZOGEN),
        (r"ohne (votum|empfehlung)|keine empfehlung", Beschlussergebnis.OHNE_VOTUM),
        # "zur Ablehnung empfohlen" recommends the opposite: no code.
        (r"(?<!ablehnung )empfohlen", Beschlussergebnis.EMPFOHLEN),
        (r"kenntnis", Beschlussergebnis.ZUR_KENNTNIS_GENOMMEN),
        (r"erledigt", Beschlussergebnis.ERLEDIGT),
        (r"beschlossen|zugestimmt", Beschlussergebnis.BESCHLOSSEN),
    )
)

# How a vote went, in the words of the minutes; a wording naming two of them names none.
_MEHRHEITEN: tuple[tuple[re.Pattern[str], Mehrheit], ...] = tuple(
    (re.compile(p), m)
    for p, m in (
        (r"(?<!nicht )einstimmig", Mehrheit.EINSTIMMIG),
        (r"mehrheitlich", Mehrheit.MEHRHEITLICH),
        (r"stimmengleichheit", Mehrheit.STIMMENGLEICHHEIT),
        (r"(ohne|keine) abstimmung", Mehrheit.OHNE_ABSTIMMUNG),
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


def mehrheit_of(wording: str) -> Mehrheit | None:
    """The Mehrheit an ``AgendaItem.result`` names ("einstimmig beschlossen"), if exactly one."""
    lowered = wording_key(wording)
    found = {m for p, m in _MEHRHEITEN if p.search(lowered)}
    return found.pop() if len(found) == 1 else None


def section_public(name: str) -> bool | None:
    """True for a heading "Öffentliche Sitzung", False for "Nichtöffentliche …", else None."""
    heading = _SECTION.fullmatch(wording_key(name))
    return None if heading is None else heading["nicht"] is None
