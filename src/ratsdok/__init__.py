"""ratsdok: Vorlagen (Drucksachen) of German councils as typed models and XÖV-style XML.

>>> import ratsdok
>>> v = ratsdok.Vorlage(nummer="KT 0134/2020", betreff="Integrationskonzept")
>>> ratsdok.from_xml(ratsdok.to_xml(v)) == v
True
"""

from typing import TYPE_CHECKING, Any

from ratsdok import oparl
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
from ratsdok.model.codes import (
    Abschnittsart,
    Bearbeitungsstand,
    Beschlussergebnis,
    Bezugsart,
    Gliederung,
    Haushaltsart,
    Listenart,
    Mehrheit,
    Nachrichtentyp,
    Planmaessigkeit,
    Rolle,
    Sitzungsart,
    Stimme,
    Vermerk,
    Vorlagenart,
    Zustaendigkeit,
)
from ratsdok.model.inhalt import (
    Absatz,
    Ausrichtung,
    Liste,
    Listenpunkt,
    Tabelle,
    Zwischenueberschrift,
)
from ratsdok.model.markdown import bloecke_aus_markdown
from ratsdok.model.nachricht import Behoerde, Nachricht, Nachrichtenkopf
from ratsdok.model.nummer import Drucksachennummer
from ratsdok.model.quelltext import vorlage_aus_markdown
from ratsdok.model.vorlage import (
    Abschnitt,
    Abstimmung,
    Anlage,
    Beratung,
    Beteiligung,
    Bezug,
    Ergebnis,
    Erweiterung,
    Finanzen,
    Fraktionsstimme,
    Hauptdokument,
    Haushaltsposition,
    Oeffentlichkeit,
    Organisationseinheit,
    Quelle,
    Unterzeichnung,
    Vorlage,
)
from ratsdok.report import Check, Kind, Report, Signer, Status
from ratsdok.store.anlagen import AnlagenPruefung, AnlagenStatus, check_anlagen
from ratsdok.store.files import AnlagenCheck, load, load_nachricht, save, validate_xml
from ratsdok.version import FORMAT_VERSION, NAMESPACE, __version__
from ratsdok.xml.mapping import from_xml, nachricht_from_xml, to_xml
from ratsdok.xml.schema import schema_dir

Teil = Check
"""Deprecated name of :class:`Check` (ratsdok 0.1)."""
TeilArt = Kind
"""Deprecated name of :class:`Kind` (ratsdok 0.1)."""

if TYPE_CHECKING:
    from ratsdok.integrity.bindung import Bindungen
    from ratsdok.integrity.seal import seal
    from ratsdok.integrity.sign import load_certificate, load_private_key, sign
    from ratsdok.integrity.verify import VerificationResult
    from ratsdok.interop.pdfbatch import PdfArt, pdf_batch
    from ratsdok.interop.xdomea import (
        ArchiveResult,
        ArchivLauf,
        archive,
        archive_batch,
        verify_archive,
    )
    from ratsdok.pdf.bundling import (
        BundleResult,
        NichtKonform,
        build_bundle,
        bundle,
        bundle_to_file,
    )
    from ratsdok.pdf.extraction import ExtractResult, extract, from_pdf
    from ratsdok.pdf.render import render_pdf
    from ratsdok.pdf.signieren import Unterzeichner
    from ratsdok.verification import InputKind, detect, sign_pdf, verify, verify_any

# The PDF, signature and archive side (pikepdf, ReportLab, signxml) loads on first use,
# so `import ratsdok` stays light.
_LAZY = {
    "BundleResult": "ratsdok.pdf.bundling",
    "NichtKonform": "ratsdok.pdf.bundling",
    "build_bundle": "ratsdok.pdf.bundling",
    "bundle": "ratsdok.pdf.bundling",
    "bundle_to_file": "ratsdok.pdf.bundling",
    "ExtractResult": "ratsdok.pdf.extraction",
    "extract": "ratsdok.pdf.extraction",
    "from_pdf": "ratsdok.pdf.extraction",
    "render_pdf": "ratsdok.pdf.render",
    "Unterzeichner": "ratsdok.pdf.signieren",
    "sign_pdf": "ratsdok.verification",
    "Bindungen": "ratsdok.integrity.bindung",
    "seal": "ratsdok.integrity.seal",
    "sign": "ratsdok.integrity.sign",
    "load_certificate": "ratsdok.integrity.sign",
    "load_private_key": "ratsdok.integrity.sign",
    "VerificationResult": "ratsdok.integrity.verify",
    "verify": "ratsdok.verification",
    "verify_any": "ratsdok.verification",
    "detect": "ratsdok.verification",
    "InputKind": "ratsdok.verification",
    "archive": "ratsdok.interop.xdomea",
    "archive_batch": "ratsdok.interop.xdomea",
    "ArchivLauf": "ratsdok.interop.xdomea",
    "verify_archive": "ratsdok.interop.xdomea",
    "pdf_batch": "ratsdok.interop.pdfbatch",
    "PdfArt": "ratsdok.interop.pdfbatch",
    "ArchiveResult": "ratsdok.interop.xdomea",
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
    "Absatz",
    "Abschnitt",
    "Abschnittsart",
    "Abstimmung",
    "Anlage",
    "AnlagenCheck",
    "AnlagenError",
    "AnlagenPruefung",
    "AnlagenStatus",
    "ArchivLauf",
    "ArchiveResult",
    "Ausrichtung",
    "Bearbeitungsstand",
    "Behoerde",
    "Beratung",
    "Beschlussergebnis",
    "Beteiligung",
    "Bezug",
    "Bezugsart",
    "Bindungen",
    "BundleResult",
    "Check",
    "Drucksachennummer",
    "Ergebnis",
    "Erweiterung",
    "ExtractResult",
    "Finanzen",
    "Fraktionsstimme",
    "Gliederung",
    "Hauptdokument",
    "Haushaltsart",
    "Haushaltsposition",
    "InputKind",
    "InvalidDocumentError",
    "Kind",
    "Liste",
    "Listenart",
    "Listenpunkt",
    "Mehrheit",
    "Nachricht",
    "Nachrichtenkopf",
    "Nachrichtentyp",
    "NichtKonform",
    "Oeffentlichkeit",
    "Organisationseinheit",
    "OutputError",
    "PdfArt",
    "Planmaessigkeit",
    "Problem",
    "Quelle",
    "RatsdokError",
    "Report",
    "Rolle",
    "SchemaError",
    "Signer",
    "Sitzungsart",
    "Status",
    "Stimme",
    "Tabelle",
    "Teil",
    "TeilArt",
    "UnsafeInputError",
    "Unterzeichner",
    "Unterzeichnung",
    "VerificationResult",
    "Vermerk",
    "Vorlage",
    "Vorlagenart",
    "XmlSyntaxError",
    "Zustaendigkeit",
    "Zwischenueberschrift",
    "__version__",
    "archive",
    "archive_batch",
    "bloecke_aus_markdown",
    "build_bundle",
    "bundle",
    "bundle_to_file",
    "check_anlagen",
    "detect",
    "extract",
    "from_pdf",
    "from_xml",
    "load",
    "load_certificate",
    "load_nachricht",
    "load_private_key",
    "nachricht_from_xml",
    "oparl",
    "pdf_batch",
    "render_pdf",
    "save",
    "schema_dir",
    "seal",
    "sign",
    "sign_pdf",
    "to_xml",
    "validate_xml",
    "verify",
    "verify_any",
    "verify_archive",
    "vorlage_aus_markdown",
]
