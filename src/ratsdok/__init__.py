"""ratsdok: Vorlagen (Drucksachen) of German councils as typed models and XÖV-style XML.

>>> import ratsdok
>>> v = ratsdok.Vorlage(nummer="KT 0134/2020", betreff="Integrationskonzept")
>>> ratsdok.from_xml(ratsdok.to_xml(v)) == v
True
"""

from typing import TYPE_CHECKING, Any

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
    Erweiterung,
    Organisationseinheit,
    Quelle,
    Unterzeichnung,
    Vorlage,
)
from ratsdok.nachricht import Behoerde, Nachricht, Nachrichtenkopf
from ratsdok.nummer import Drucksachennummer
from ratsdok.schema import schema_dir
from ratsdok.version import FORMAT_VERSION, NAMESPACE, __version__
from ratsdok.xmlformat import from_xml, nachricht_from_xml, to_xml

if TYPE_CHECKING:
    from ratsdok.bundling import BundleResult, NichtKonform, build_bundle, bundle, bundle_to_file
    from ratsdok.pdfextract import ExtractResult, extract, from_pdf
    from ratsdok.render import render_pdf
    from ratsdok.sealing import seal
    from ratsdok.signing import load_certificate, load_private_key, sign
    from ratsdok.verification import Status, Teil, TeilArt, VerificationResult, verify
    from ratsdok.xdomea import ArchiveResult, archive, verify_archive

# The PDF, signature and archive side (pikepdf, ReportLab, signxml) loads on first use,
# so `import ratsdok` stays light.
_LAZY = {
    "BundleResult": "ratsdok.bundling",
    "NichtKonform": "ratsdok.bundling",
    "build_bundle": "ratsdok.bundling",
    "bundle": "ratsdok.bundling",
    "bundle_to_file": "ratsdok.bundling",
    "ExtractResult": "ratsdok.pdfextract",
    "extract": "ratsdok.pdfextract",
    "from_pdf": "ratsdok.pdfextract",
    "render_pdf": "ratsdok.render",
    "seal": "ratsdok.sealing",
    "sign": "ratsdok.signing",
    "load_certificate": "ratsdok.signing",
    "load_private_key": "ratsdok.signing",
    "verify": "ratsdok.verification",
    "VerificationResult": "ratsdok.verification",
    "Status": "ratsdok.verification",
    "Teil": "ratsdok.verification",
    "TeilArt": "ratsdok.verification",
    "archive": "ratsdok.xdomea",
    "verify_archive": "ratsdok.xdomea",
    "ArchiveResult": "ratsdok.xdomea",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ratsdok' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


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
    "ArchiveResult",
    "Behoerde",
    "Beratung",
    "Beschlussergebnis",
    "Bezug",
    "Bezugsart",
    "BundleResult",
    "Drucksachennummer",
    "Ergebnis",
    "Erweiterung",
    "ExtractResult",
    "InvalidDocumentError",
    "Nachricht",
    "Nachrichtenkopf",
    "Nachrichtentyp",
    "NichtKonform",
    "Organisationseinheit",
    "OutputError",
    "Problem",
    "Quelle",
    "RatsdokError",
    "SchemaError",
    "Sitzungsart",
    "Status",
    "Teil",
    "TeilArt",
    "UnsafeInputError",
    "Unterzeichnung",
    "VerificationResult",
    "Vermerk",
    "Vorlage",
    "Vorlagenart",
    "XmlSyntaxError",
    "Zustaendigkeit",
    "__version__",
    "archive",
    "build_bundle",
    "bundle",
    "bundle_to_file",
    "check_anlagen",
    "extract",
    "from_pdf",
    "from_xml",
    "load",
    "load_certificate",
    "load_nachricht",
    "load_private_key",
    "nachricht_from_xml",
    "oparl",
    "render_pdf",
    "save",
    "schema_dir",
    "seal",
    "sign",
    "to_xml",
    "validate_xml",
    "verify",
    "verify_archive",
]
