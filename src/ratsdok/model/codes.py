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
    "Bearbeitungsstand",
    "Beschlussergebnis",
    "Bezugsart",
    "Code",
    "Codeliste",
    "Gliederung",
    "Haushaltsart",
    "Listenart",
    "Mehrheit",
    "Nachrichtentyp",
    "Planmaessigkeit",
    "Rolle",
    "Sitzungsart",
    "Stimme",
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

    @property
    def seit(self) -> str:
        """The version of its code list that introduced this code (``listVersionID``).

        A code keeps the version it came with, so a document using only codes of
        list version 1.0 is written exactly as before the list grew.
        """
        return _SEIT.get(type(self), {}).get(self.value, "1.0")


class Vorlagenart(Code):
    """Art der Vorlage (Drucksache)."""

    BESCHLUSSVORLAGE = "beschlussvorlage"
    INFORMATIONSVORLAGE = "informationsvorlage"
    ANTRAG = "antrag"
    ANFRAGE = "anfrage"
    ERGAENZUNGSVORLAGE = "ergaenzungsvorlage"
    AENDERUNGSVORLAGE = "aenderungsvorlage"
    DRINGLICHKEITSVORLAGE = "dringlichkeitsvorlage"
    SITZUNGSVORLAGE = "sitzungsvorlage"
    BERICHTSVORLAGE = "berichtsvorlage"
    MITTEILUNG = "mitteilung"
    ANTWORT = "antwort"
    STELLUNGNAHME = "stellungnahme"
    AENDERUNGSANTRAG = "aenderungsantrag"
    RESOLUTION = "resolution"
    TISCHVORLAGE = "tischvorlage"
    ZWISCHENNACHRICHT = "zwischennachricht"
    SONSTIGE = "sonstige"


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
    EMPFOHLEN = "empfohlen"
    GEAENDERT_EMPFOHLEN = "geaendert-empfohlen"
    OHNE_VOTUM = "ohne-votum"

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
    ANTWORT_AUF = "antwort-auf"
    ERLEDIGT = "erledigt"
    AENDERUNGSANTRAG_ZU = "aenderungsantrag-zu"
    HEBT_AUF = "hebt-auf"


class Gliederung(Code):
    """Wie die Textabschnitte einer Vorlage bezeichnet werden."""

    ROEMISCH = "roemisch"
    ARABISCH = "arabisch"
    BUCHSTABEN = "buchstaben"
    KEINE = "keine"


class Listenart(Code):
    """Art der Aufzählungszeichen einer Liste."""

    ARABISCH = "arabisch"
    BUCHSTABEN = "buchstaben"
    ROEMISCH = "roemisch"
    GROSSBUCHSTABEN = "grossbuchstaben"
    AUFZAEHLUNG = "aufzaehlung"


class Mehrheit(Code):
    """Wie eine Abstimmung ausging, in Worten des Protokolls."""

    EINSTIMMIG = "einstimmig"
    MEHRHEITLICH = "mehrheitlich"
    STIMMENGLEICHHEIT = "stimmengleichheit"
    OHNE_ABSTIMMUNG = "ohne-abstimmung"


class Stimme(Code):
    """Stimmverhalten (einer Fraktion oder Person)."""

    JA = "ja"
    NEIN = "nein"
    ENTHALTUNG = "enthaltung"
    UNEINHEITLICH = "uneinheitlich"


class Rolle(Code):
    """Rolle einer Person oder Stelle bei einer Vorlage."""

    VERFASSER = "verfasser"
    SACHBEARBEITUNG = "sachbearbeitung"
    BERICHTERSTATTUNG = "berichterstattung"
    ADRESSAT = "adressat"
    MITZEICHNUNG = "mitzeichnung"
    ANTRAGSTELLER = "antragsteller"


class Bearbeitungsstand(Code):
    """Stand einer Vorlage in ihrem Lebenslauf."""

    IN_VORBEREITUNG = "in-vorbereitung"
    IN_BERATUNG = "in-beratung"
    ERLEDIGT = "erledigt"
    ZURUECKGEZOGEN = "zurueckgezogen"
    ANTWORT_AUSSTEHEND = "antwort-ausstehend"
    BEANTWORTET = "beantwortet"


class Haushaltsart(Code):
    """Art eines Haushaltsbetrags (Ergebnis- oder Finanzhaushalt)."""

    AUFWAND = "aufwand"
    ERTRAG = "ertrag"
    AUSZAHLUNG = "auszahlung"
    EINZAHLUNG = "einzahlung"


class Planmaessigkeit(Code):
    """Ob eine Ausgabe im Haushaltsplan veranschlagt ist."""

    PLANMAESSIG = "planmaessig"
    UEBERPLANMAESSIG = "ueberplanmaessig"
    AUSSERPLANMAESSIG = "ausserplanmaessig"


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
    def versionen(self) -> tuple[str, ...]:
        """Every version of the list, oldest first (``1.0`` up to :attr:`version`)."""
        found = {c.seit for c in self.enum} | {self.version}
        return tuple(sorted(found, key=lambda v: tuple(int(x) for x in v.split("."))))

    def codes(self, version: str) -> list[Code]:
        """The codes of the list in *version*."""
        key = tuple(int(x) for x in version.split("."))
        return [c for c in self.enum if tuple(int(x) for x in c.seit.split(".")) <= key]

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
        "sitzungsvorlage": "Sitzungsvorlage",
        "berichtsvorlage": "Berichtsvorlage",
        "mitteilung": "Mitteilung",
        "antwort": "Antwort (auf eine Anfrage)",
        "stellungnahme": "Stellungnahme",
        "aenderungsantrag": "Änderungsantrag",
        "resolution": "Resolution",
        "tischvorlage": "Tischvorlage",
        "zwischennachricht": "Zwischennachricht",
        "sonstige": "Sonstige Vorlage",
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
        "empfohlen": "empfohlen",
        "geaendert-empfohlen": "mit Änderungen empfohlen",
        "ohne-votum": "ohne Votum",
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
        "antwort-auf": "Antwort auf",
        "erledigt": "erledigt",
        "aenderungsantrag-zu": "Änderungsantrag zu",
        "hebt-auf": "hebt auf",
    },
    Gliederung: {
        "roemisch": "römisch (I., II., …)",
        "arabisch": "arabisch (1., 2., …)",
        "buchstaben": "Buchstaben (A., B., …)",
        "keine": "ohne Bezeichnung",
    },
    Listenart: {
        "arabisch": "1., 2., 3.",
        "buchstaben": "a), b), c)",
        "roemisch": "i., ii., iii.",
        "grossbuchstaben": "A., B., C.",
        "aufzaehlung": "Aufzählung ohne Nummer",
    },
    Mehrheit: {
        "einstimmig": "einstimmig",
        "mehrheitlich": "mehrheitlich",
        "stimmengleichheit": "Stimmengleichheit",
        "ohne-abstimmung": "ohne Abstimmung",
    },
    Stimme: {
        "ja": "Ja",
        "nein": "Nein",
        "enthaltung": "Enthaltung",
        "uneinheitlich": "uneinheitlich",
    },
    Rolle: {
        "verfasser": "Verfasser",
        "sachbearbeitung": "Sachbearbeitung",
        "berichterstattung": "Berichterstattung",
        "adressat": "Adressat",
        "mitzeichnung": "Mitzeichnung",
        "antragsteller": "Antragsteller",
    },
    Bearbeitungsstand: {
        "in-vorbereitung": "in Vorbereitung",
        "in-beratung": "in Beratung",
        "erledigt": "erledigt",
        "zurueckgezogen": "zurückgezogen",
        "antwort-ausstehend": "Antwort steht aus",
        "beantwortet": "beantwortet",
    },
    Haushaltsart: {
        "aufwand": "Aufwand",
        "ertrag": "Ertrag",
        "auszahlung": "Auszahlung",
        "einzahlung": "Einzahlung",
    },
    Planmaessigkeit: {
        "planmaessig": "planmäßig",
        "ueberplanmaessig": "überplanmäßig",
        "ausserplanmaessig": "außerplanmäßig",
    },
    Nachrichtentyp: {"0101": "vorlage.uebermittlung"},
}

# Codes added to a list after its version 1.0 (format 1.1).
_SEIT: dict[type[Code], dict[str, str]] = {
    Vorlagenart: dict.fromkeys(
        (
            "sitzungsvorlage",
            "berichtsvorlage",
            "mitteilung",
            "antwort",
            "stellungnahme",
            "aenderungsantrag",
            "resolution",
            "tischvorlage",
            "zwischennachricht",
            "sonstige",
        ),
        "1.1",
    ),
    Bezugsart: dict.fromkeys(("antwort-auf", "erledigt", "aenderungsantrag-zu", "hebt-auf"), "1.1"),
    Beschlussergebnis: dict.fromkeys(("empfohlen", "geaendert-empfohlen", "ohne-votum"), "1.1"),
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
            "1.1",
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
            "1.1",
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
            "1.1",
        ),
        Codeliste(
            Gliederung,
            "gliederung",
            "Gliederung",
            "Bezeichnung der Textabschnitte einer Vorlage (ab Format 1.1).",
        ),
        Codeliste(
            Listenart,
            "listenart",
            "Listenart",
            "Aufzählungszeichen einer Liste im Text einer Vorlage (ab Format 1.1).",
        ),
        Codeliste(
            Mehrheit,
            "mehrheit",
            "Mehrheit",
            "Ausgang einer Abstimmung in Worten (ab Format 1.1).",
        ),
        Codeliste(
            Stimme,
            "stimme",
            "Stimme",
            "Stimmverhalten einer Fraktion oder Person (ab Format 1.1).",
        ),
        Codeliste(
            Rolle,
            "rolle",
            "Rolle",
            "Rolle einer Person oder Stelle bei einer Vorlage (ab Format 1.1).",
        ),
        Codeliste(
            Bearbeitungsstand,
            "bearbeitungsstand",
            "Bearbeitungsstand",
            "Stand einer Vorlage in ihrem Lebenslauf (ab Format 1.1).",
        ),
        Codeliste(
            Haushaltsart,
            "haushaltsart",
            "Haushaltsart",
            "Art eines Betrags im Ergebnis- oder Finanzhaushalt (ab Format 1.1).",
        ),
        Codeliste(
            Planmaessigkeit,
            "planmaessigkeit",
            "Planmäßigkeit",
            "Ob eine Ausgabe im Haushaltsplan veranschlagt ist (ab Format 1.1).",
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
