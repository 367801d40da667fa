"""Code lists of the ratsdok format (XÖV code lists of type 1).

Each list is a :class:`enum.StrEnum` whose values are the codes written to XML.
The German label of a code (the genericode description column, written as the
code's ``name`` child) is its :attr:`bezeichnung`. The list's identity
(``listURI``, ``listVersionID``) is in :data:`CODELISTEN`.

``schemas/ratsdok-codes.xsd`` and ``schemas/codelisten/*.xml`` are generated
from this module by ``tools/gen_codelisten.py``; a test keeps all three equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "CODELISTEN",
    "Abschnittsart",
    "Beschlussergebnis",
    "Bezugsart",
    "Code",
    "Codeliste",
    "Nachrichtentyp",
    "Sitzungsart",
    "Vermerk",
    "Vorlagenart",
    "Zustaendigkeit",
    "codeliste",
]


class Code(StrEnum):
    """Base of all ratsdok code enums; ``str(code)`` is the code value."""

    @property
    def bezeichnung(self) -> str:
        """The German label of this code."""
        return _BEZEICHNUNGEN[type(self)][self.value]


class Vorlagenart(Code):
    """Art der Vorlage (Drucksache)."""

    BESCHLUSSVORLAGE = "beschlussvorlage"
    INFORMATIONSVORLAGE = "informationsvorlage"
    ANTRAG = "antrag"
    ANFRAGE = "anfrage"
    ERGAENZUNGSVORLAGE = "ergaenzungsvorlage"
    AENDERUNGSVORLAGE = "aenderungsvorlage"
    DRINGLICHKEITSVORLAGE = "dringlichkeitsvorlage"


class Sitzungsart(Code):
    """Ob eine Beratung in öffentlicher oder nichtöffentlicher Sitzung stattfindet."""

    OEFFENTLICH = "oeffentlich"
    NICHTOEFFENTLICH = "nichtoeffentlich"


class Zustaendigkeit(Code):
    """Rolle eines Gremiums in der Beratungsfolge."""

    VORBERATUNG = "vorberatung"
    ENTSCHEIDUNG = "entscheidung"
    KENNTNISNAHME = "kenntnisnahme"
    ANHOERUNG = "anhoerung"


class Beschlussergebnis(Code):
    """Ergebnis einer Beratung."""

    BESCHLOSSEN = "beschlossen"
    GEAENDERT_BESCHLOSSEN = "geaendert-beschlossen"
    ABGELEHNT = "abgelehnt"
    VERTAGT = "vertagt"
    ZURUECKGESTELLT = "zurueckgestellt"
    VERWIESEN = "verwiesen"
    ZURUECKGEZOGEN = "zurueckgezogen"
    ZUR_KENNTNIS_GENOMMEN = "zur-kenntnis-genommen"
    ERLEDIGT = "erledigt"

    @property
    def schiebt_auf(self) -> bool:
        """True when the matter was not settled and comes back later (vertagt, …)."""
        return self in _AUFSCHIEBEND


_AUFSCHIEBEND = frozenset(
    {Beschlussergebnis.VERTAGT, Beschlussergebnis.ZURUECKGESTELLT, Beschlussergebnis.VERWIESEN}
)


class Vermerk(Code):
    """Zeichnungsvermerk vor dem Namen eines Unterzeichnenden."""

    GEZ = "gez"
    I_V = "i-v"
    I_A = "i-a"


class Abschnittsart(Code):
    """Art eines Textabschnitts der Vorlage."""

    BESCHLUSSVORSCHLAG = "beschlussvorschlag"
    SACHVERHALT = "sachverhalt"
    BEGRUENDUNG = "begruendung"
    FINANZIELLE_AUSWIRKUNGEN = "finanzielle-auswirkungen"
    RECHTSGRUNDLAGE = "rechtsgrundlage"
    SONSTIGES = "sonstiges"


class Bezugsart(Code):
    """Art des Bezugs einer Vorlage auf eine andere."""

    ERGAENZT = "ergaenzt"
    AENDERT = "aendert"
    ERSETZT = "ersetzt"
    FOLGT_AUF = "folgt-auf"
    BEZIEHT_SICH_AUF = "bezieht-sich-auf"


class Nachrichtentyp(Code):
    """Typ einer ratsdok-Nachricht."""

    VORLAGE_UEBERMITTLUNG = "0101"


@dataclass(frozen=True, slots=True)
class Codeliste:
    """Identity and documentation of one code list."""

    enum: type[Code]
    name_technisch: str
    name_lang: str
    beschreibung: str
    version: str = "1.0"

    @property
    def kennung(self) -> str:
        """The list URI (``listURI``), independent of the version."""
        return f"urn:ratsdok:codeliste:{self.name_technisch}"

    @property
    def kennung_version(self) -> str:
        """The version-specific URI (genericode ``CanonicalVersionUri``)."""
        return f"{self.kennung}_{self.version}"

    @property
    def xsd_type(self) -> str:
        """Name of the XSD complex type carrying codes of this list."""
        return "Code." + self.enum.__name__ + "Type"


_BEZEICHNUNGEN: dict[type[Code], dict[str, str]] = {
    Vorlagenart: {
        "beschlussvorlage": "Beschlussvorlage",
        "informationsvorlage": "Informationsvorlage (Mitteilungsvorlage)",
        "antrag": "Antrag",
        "anfrage": "Anfrage",
        "ergaenzungsvorlage": "Ergänzungsvorlage",
        "aenderungsvorlage": "Änderungsvorlage",
        "dringlichkeitsvorlage": "Dringlichkeitsvorlage",
    },
    Sitzungsart: {"oeffentlich": "öffentlich", "nichtoeffentlich": "nichtöffentlich"},
    Zustaendigkeit: {
        "vorberatung": "Vorberatung",
        "entscheidung": "Entscheidung",
        "kenntnisnahme": "Kenntnisnahme",
        "anhoerung": "Anhörung",
    },
    Beschlussergebnis: {
        "beschlossen": "beschlossen",
        "geaendert-beschlossen": "geändert beschlossen",
        "abgelehnt": "abgelehnt",
        "vertagt": "vertagt",
        "zurueckgestellt": "zurückgestellt",
        "verwiesen": "verwiesen",
        "zurueckgezogen": "zurückgezogen",
        "zur-kenntnis-genommen": "zur Kenntnis genommen",
        "erledigt": "erledigt",
    },
    Vermerk: {"gez": "gez.", "i-v": "i. V.", "i-a": "i. A."},
    Abschnittsart: {
        "beschlussvorschlag": "Beschlussvorschlag",
        "sachverhalt": "Sachverhalt",
        "begruendung": "Begründung",
        "finanzielle-auswirkungen": "Finanzielle Auswirkungen",
        "rechtsgrundlage": "Rechtsgrundlage",
        "sonstiges": "Sonstiges",
    },
    Bezugsart: {
        "ergaenzt": "ergänzt",
        "aendert": "ändert",
        "ersetzt": "ersetzt",
        "folgt-auf": "folgt auf",
        "bezieht-sich-auf": "bezieht sich auf",
    },
    Nachrichtentyp: {"0101": "vorlage.uebermittlung"},
}

CODELISTEN: dict[type[Code], Codeliste] = {
    c.enum: c
    for c in (
        Codeliste(
            Vorlagenart,
            "vorlagenart",
            "Vorlagenart",
            "Arten von Vorlagen (Drucksachen), die einem kommunalen Gremium zur Beratung "
            "vorgelegt werden.",
        ),
        Codeliste(
            Sitzungsart,
            "sitzungsart",
            "Sitzungsart",
            "Öffentlichkeit der Sitzung, in der eine Vorlage beraten wird.",
        ),
        Codeliste(
            Zustaendigkeit,
            "zustaendigkeit",
            "Zuständigkeit in der Beratungsfolge",
            "Rolle eines Gremiums bei der Beratung einer Vorlage "
            "(entspricht OParl Consultation.role; Entscheidung entspricht authoritative).",
        ),
        Codeliste(
            Beschlussergebnis,
            "beschlussergebnis",
            "Beschlussergebnis",
            "Ergebnis der Beratung einer Vorlage in einem Gremium.",
        ),
        Codeliste(
            Vermerk,
            "vermerk",
            "Zeichnungsvermerk",
            "Vermerk vor dem Namen in einem Unterschriftsblock.",
        ),
        Codeliste(
            Abschnittsart,
            "abschnittsart",
            "Abschnittsart",
            "Arten der Textabschnitte einer Vorlage.",
        ),
        Codeliste(
            Bezugsart,
            "bezugsart",
            "Bezugsart",
            "Art des Bezugs einer Vorlage auf eine andere Vorlage.",
        ),
        Codeliste(
            Nachrichtentyp,
            "nachrichtentyp",
            "Nachrichtentyp",
            "Typen der Nachrichten des ratsdok-Formats.",
        ),
    )
}


def codeliste(enum: type[Code]) -> Codeliste:
    """Return the list metadata for a code enum."""
    return CODELISTEN[enum]
