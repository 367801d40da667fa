"""ratsdok: Vorlagen (Drucksachen) of German councils as typed models and XÖV-style XML.

>>> import ratsdok
>>> v = ratsdok.Vorlage(nummer="KT 0134/2020", betreff="Integrationskonzept")
>>> ratsdok.from_xml(ratsdok.to_xml(v)) == v
True
"""

from ratsdok import oparl
from ratsdok.anlagen import AnlagenPruefung, AnlagenStatus, check_anlagen
from ratsdok.codes import (
    Abschnittsart,
    Beschlussergebnis,
    Bezugsart,
    Nachrichtentyp,
    Sitzungsart,
    Vermerk,
    Vorlagenart,
    Zustaendigkeit,
)
from ratsdok.errors import (
    AnlagenError,
    InvalidDocumentError,
    OutputError,
    Problem,
    RatsdokError,
    SchemaError,
    UnsafeInputError,
    XmlSyntaxError,
)
from ratsdok.files import AnlagenCheck, load, load_nachricht, save, validate_xml
from ratsdok.models import (
    Abschnitt,
    Abstimmung,
    Anlage,
    Beratung,
    Bezug,
    Ergebnis,
    Organisationseinheit,
    Unterzeichnung,
    Vorlage,
)
from ratsdok.nachricht import Behoerde, Nachricht, Nachrichtenkopf
from ratsdok.nummer import Drucksachennummer
from ratsdok.schema import schema_dir
from ratsdok.version import FORMAT_VERSION, NAMESPACE, __version__
from ratsdok.xmlformat import from_xml, nachricht_from_xml, to_xml

__all__ = [
    "FORMAT_VERSION",
    "NAMESPACE",
    "Abschnitt",
    "Abschnittsart",
    "Abstimmung",
    "Anlage",
    "AnlagenCheck",
    "AnlagenError",
    "AnlagenPruefung",
    "AnlagenStatus",
    "Behoerde",
    "Beratung",
    "Beschlussergebnis",
    "Bezug",
    "Bezugsart",
    "Drucksachennummer",
    "Ergebnis",
    "InvalidDocumentError",
    "Nachricht",
    "Nachrichtenkopf",
    "Nachrichtentyp",
    "Organisationseinheit",
    "OutputError",
    "Problem",
    "RatsdokError",
    "SchemaError",
    "Sitzungsart",
    "UnsafeInputError",
    "Unterzeichnung",
    "Vermerk",
    "Vorlage",
    "Vorlagenart",
    "XmlSyntaxError",
    "Zustaendigkeit",
    "__version__",
    "check_anlagen",
    "from_xml",
    "load",
    "load_nachricht",
    "nachricht_from_xml",
    "oparl",
    "save",
    "schema_dir",
    "to_xml",
    "validate_xml",
]
