"""The hash seal ("Prüfsumme") over a Vorlage.

The seal is one XMLDSig ``ds:Reference`` in ``nachrichteninhalt/pruefsumme``:
``URI="#<vorlage id>"``, a single exclusive-C14N transform, SHA-256, and the
base64 digest of the exclusive canonical form (C14N 1.0, without comments) of
the ``vorlage`` element. The message header lies outside the seal, so
re-sending the same Vorlage keeps it; each Anlage's SHA-256 lies inside.

Sealing edits the parsed tree of the given bytes: the ``vorlage`` element is
never rebuilt from a model, so its canonical form, and with it every existing
signature over it, is kept.
"""

from __future__ import annotations

import base64
import copy as _copy
import hashlib
from typing import Final

from lxml import etree

from ratsdok.errors import InvalidDocumentError, Problem
from ratsdok.model.nachricht import Nachricht
from ratsdok.model.vorlage import Vorlage
from ratsdok.version import NAMESPACE
from ratsdok.xml.mapping import ParsedDocument, parse_document, serialize, to_xml
from ratsdok.xml.names import DS_NS, D, Q
from ratsdok.xml.parser import parse_xml

__all__ = [
    "C14N_EXC",
    "DS",
    "SHA256",
    "canonical_vorlage",
    "is_signed",
    "seal",
    "seal_document",
    "seal_of",
    "stale_signatures",
    "vorlage_digest",
    "vorlage_element",
]

DS: Final = DS_NS
"""The XMLDSig namespace."""
C14N_EXC: Final = "http://www.w3.org/2001/10/xml-exc-c14n#"
"""Exclusive XML canonicalisation 1.0 without comments."""
SHA256: Final = "http://www.w3.org/2001/04/xmlenc#sha256"
"""The SHA-256 digest method."""


def vorlage_element(root: etree._Element, *, source: str | None = None) -> etree._Element:
    """The ``vorlage`` element, found by position (root/nachrichteninhalt/vorlage).

    Refuses a comment or processing instruction inside a text value of the Vorlage.
    """
    inhalt = [c for c in root if c.tag == Q + "nachrichteninhalt"]
    vorlagen = [c for c in inhalt[0] if c.tag == Q + "vorlage"] if len(inhalt) == 1 else []
    if len(vorlagen) != 1:
        raise InvalidDocumentError(
            Problem("the document must hold exactly one nachrichteninhalt/vorlage", file=source)
        )
    # Comments are outside the seal and the signatures, so anyone could add one to a
    # signed document. Inside a value it splits the text, and readers that take only
    # the first text node (XPath text()[1], some viewers) would show a shortened
    # value under a valid seal. Between elements they are harmless.
    for node in vorlagen[0].iter(etree.Comment, etree.ProcessingInstruction):
        parent = node.getparent()
        if parent is not None and not any(isinstance(c.tag, str) for c in parent):
            raise InvalidDocumentError(
                Problem(
                    "a comment or processing instruction inside a value of the Vorlage "
                    "is not allowed (comments are not sealed; inside a value they could change "
                    "what other readers show)",
                    file=source,
                    line=node.sourceline,
                )
            )
    return vorlagen[0]


def canonical_vorlage(vorlage: etree._Element) -> bytes:
    """Exclusive C14N 1.0 (without comments) of the ``vorlage`` element."""
    return etree.tostring(vorlage, method="c14n", exclusive=True, with_comments=False)


def vorlage_digest(vorlage: etree._Element) -> str:
    """Base64 SHA-256 of :func:`canonical_vorlage`, as written in ``DigestValue``."""
    return base64.b64encode(hashlib.sha256(canonical_vorlage(vorlage)).digest()).decode("ascii")


def pruefwert(vorlage: etree._Element) -> str:
    """Short, printable digest of the Vorlage (first 64 bits of the seal's SHA-256, hex).

    Printed under signed "gez." blocks so a paper copy can be matched to its
    record; ``ratsdok verify`` reports the same value.
    """
    h = hashlib.sha256(canonical_vorlage(vorlage)).hexdigest()[:16]
    return " ".join(h[i : i + 4] for i in range(0, 16, 4))


def _reference(uri: str, digest: str, indent: str) -> etree._Element:
    i1, i2, i3 = indent + "  ", indent + "    ", indent + "      "
    text = (
        f'<ds:Reference xmlns:ds="{DS}" URI="{uri}">\n'
        f"{i2}<ds:Transforms>\n"
        f'{i3}<ds:Transform Algorithm="{C14N_EXC}"/>\n'
        f"{i2}</ds:Transforms>\n"
        f'{i2}<ds:DigestMethod Algorithm="{SHA256}"/>\n'
        f"{i2}<ds:DigestValue>{digest}</ds:DigestValue>\n"
        f"{i1}</ds:Reference>"
    )
    return etree.fromstring(text)


def _pruefsumme(vorlage: etree._Element, indent: str) -> etree._Element:
    el = etree.Element(Q + "pruefsumme", nsmap={"ratsdok": NAMESPACE})
    el.text = "\n" + indent + "  "
    ref = _reference("#" + (vorlage.get("id") or ""), vorlage_digest(vorlage), indent)
    ref.tail = "\n" + indent
    el.append(ref)
    return el


def stale_signatures(sealed: bytes | ParsedDocument) -> list[str]:
    """Ids of the signatures whose digest of the Vorlage differs from the seal's.

    Those sign an earlier state of the Vorlage: after an edit and a new seal they
    no longer verify. For a warning only; :func:`ratsdok.verify` decides validity.
    """
    root = (sealed.tree if isinstance(sealed, ParsedDocument) else parse_xml(sealed)).getroot()
    vorlage = vorlage_element(root)
    digest = vorlage_digest(vorlage)
    uri = "#" + (vorlage.get("id") or "")
    stale = []
    for sig in root.iterfind(f"{Q}nachrichteninhalt/{Q}signaturen/{D}Signature"):
        refs = sig.iterfind(f"{D}SignedInfo/{D}Reference[@URI='{uri}']/{D}DigestValue")
        if any((r.text or "").strip() != digest for r in refs):
            stale.append(sig.get("Id") or "?")
    return stale


def seal_document(
    doc: ParsedDocument, *, refresh: bool = True, name: str | None = None, copy: bool = True
) -> ParsedDocument:
    """*doc* with an added or refreshed ``pruefsumme``, as a new parsed document.

    The tree is copied, so *doc* stays as it was; the model is the same (the seal
    lies outside the Vorlage). Existing signatures are kept and the ``vorlage``
    element is not rewritten. With ``refresh=False`` an existing seal that no
    longer matches the Vorlage is an error instead of being replaced: a copy made
    for others (a bundle, an archive) must not hide that the Vorlage was changed
    after sealing. ``copy=False`` edits *doc*'s tree in place instead (for a document
    the caller parsed for this alone: copying costs about as much as hashing).
    """
    name = name or doc.source
    root = _copy.deepcopy(doc.tree.getroot()) if copy else doc.tree.getroot()
    vorlage = vorlage_element(root, source=name)
    inhalt = vorlage.getparent()
    assert inhalt is not None
    before = vorlage.getprevious()
    indent = ((before.tail if before is not None else inhalt.text) or "").rpartition("\n")[2]
    new = _pruefsumme(vorlage, indent)
    old = inhalt.find(Q + "pruefsumme")
    if old is not None and not refresh:
        recorded = old.findtext(f"{D}Reference/{D}DigestValue")
        if recorded != vorlage_digest(vorlage):
            raise InvalidDocumentError(
                Problem(
                    "the Vorlage was changed after it was sealed (the seal records "
                    f"{recorded}, the Vorlage now has {vorlage_digest(vorlage)}); check it with "
                    "'ratsdok verify' and seal it again if the change is intended",
                    file=name,
                    line=old.sourceline,
                )
            )
    if old is not None:
        new.tail = old.tail
        inhalt.replace(old, new)
    else:
        new.tail = vorlage.tail
        vorlage.tail = "\n" + indent
        vorlage.addnext(new)
        # addnext moves the tail of the new element; restore the layout
        new.tail = "\n" + indent if new.getnext() is not None else (inhalt.text or "\n")[:-2]
    return ParsedDocument(doc.nachricht, root.getroottree(), doc.source)


def seal(
    source: bytes | Vorlage | Nachricht | ParsedDocument,
    *,
    name: str | None = None,
    refresh: bool = True,
) -> bytes:
    """Add or refresh the ``pruefsumme`` of a ratsdok document; return the new bytes.

    *source* is ratsdok XML (fully checked first), a parsed document, or a model
    (then ``seal(to_xml(source))``). See :func:`seal_document` for *refresh*.
    """
    if isinstance(source, Vorlage | Nachricht):
        source = to_xml(source)
    if isinstance(source, ParsedDocument):
        return serialize(seal_document(source, refresh=refresh, name=name).tree.getroot())
    doc = parse_document(source, source=name)
    return serialize(seal_document(doc, refresh=refresh, name=name, copy=False).tree.getroot())


def is_signed(doc: ParsedDocument) -> bool:
    """Whether *doc* carries at least one signature (valid or not)."""
    signaturen = doc.tree.getroot().find(f"{Q}nachrichteninhalt/{Q}signaturen")
    return signaturen is not None and len(signaturen) > 0


# ratsdok's own output, parsed back: huge_tree, as a large inline Anlage is one long text
# node (the tree, and with it the canonical form, is the same as with the safe parser).
_OWN_XML = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False
)


def seal_of(v: Vorlage) -> tuple[str, str]:
    """The seal ratsdok writes for *v*: ``(pruefsumme, pruefwert)``.

    ``pruefsumme`` is the base64 SHA-256 of the exclusive C14N of the ``vorlage``
    element of ``to_xml(v)`` (the ``DigestValue`` of :func:`seal`), ``pruefwert``
    its short printed form (:func:`pruefwert`).
    """
    vorlage = vorlage_element(etree.fromstring(to_xml(v), _OWN_XML))
    return vorlage_digest(vorlage), pruefwert(vorlage)
