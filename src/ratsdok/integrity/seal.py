"""The hash seal ("Prüfsumme") over a Vorlage.

The seal is one XMLDSig ``ds:Reference`` in ``nachrichteninhalt/pruefsumme``:
``URI="#<vorlage id>"``, a single exclusive-C14N transform, SHA-256, and the
base64 digest of the exclusive canonical form (C14N 1.0, without comments) of
the ``vorlage`` element. The message header lies outside the seal, so
re-sending the same Vorlage keeps it; each Anlage's SHA-256 lies inside.

Sealing edits the parsed tree of the given bytes: the ``vorlage`` element is
never rebuilt from a model, so its canonical form, and with it every existing
signature over it, is kept.

An RFC 3161 time stamp over the seal's SHA-256 may follow the seal as
``nachrichteninhalt/zeitstempel`` (format 1.2.0, :mod:`ratsdok.integrity.zeitstempel`):
``seal_document(..., tsa=URL)`` asks a TSA for one. A token that no longer covers
the Vorlage is removed when the seal is refreshed.
"""

from __future__ import annotations

import base64
import binascii
import copy as _copy
import hashlib
from typing import Final

from lxml import etree

from ratsdok.errors import InvalidDocumentError, Problem
from ratsdok.integrity.zeitstempel import TSA_TIMEOUT, Zeitstempel, read_token, request_token
from ratsdok.model.nachricht import Nachricht
from ratsdok.model.vorlage import Vorlage
from ratsdok.version import NAMESPACE
from ratsdok.xml.mapping import ParsedDocument, parse_document, serialize, to_xml
from ratsdok.xml.names import DS_NS, D, Q
from ratsdok.xml.parser import parse_xml
from ratsdok.xml.version import ZEITSTEMPEL_VERSION, at_least, required_version

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
    "vorlage_sha256",
    "zeitstempel_matches",
    "zeitstempel_of",
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


def vorlage_sha256(vorlage: etree._Element) -> bytes:
    """SHA-256 of :func:`canonical_vorlage`: the digest the seal records and a time
    stamp covers."""
    return hashlib.sha256(canonical_vorlage(vorlage)).digest()


def vorlage_digest(vorlage: etree._Element) -> str:
    """Base64 SHA-256 of :func:`canonical_vorlage`, as written in ``DigestValue``."""
    return base64.b64encode(vorlage_sha256(vorlage)).decode("ascii")


def pruefwert(vorlage: etree._Element) -> str:
    """Short, printable digest of the Vorlage (first 64 bits of the seal's SHA-256, hex).

    Printed under signed "gez." blocks so a paper copy can be matched to its
    record; ``ratsdok verify`` reports the same value.
    """
    h = vorlage_sha256(vorlage).hex()[:16]
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
    doc: ParsedDocument,
    *,
    refresh: bool = True,
    name: str | None = None,
    copy: bool = True,
    tsa: str | None = None,
    tsa_timeout: float = TSA_TIMEOUT,
) -> ParsedDocument:
    """*doc* with an added or refreshed ``pruefsumme``, as a new parsed document.

    The tree is copied, so *doc* stays as it was; the model is the same (the seal
    lies outside the Vorlage). Existing signatures are kept and the ``vorlage``
    element is not rewritten. With ``refresh=False`` an existing seal that no
    longer matches the Vorlage is an error instead of being replaced: a copy made
    for others (a bundle, an archive) must not hide that the Vorlage was changed
    after sealing. ``copy=False`` edits *doc*'s tree in place instead (for a document
    the caller parsed for this alone: copying costs about as much as hashing).

    With *tsa* (the URL of an RFC 3161 time stamp authority) a time stamp over the
    seal's SHA-256 is requested and stored as ``zeitstempel`` (replacing one there
    was), and the document says format 1.2.0; a TSA that cannot be reached or
    answers with no usable token raises :class:`~ratsdok.errors.ZeitstempelError`.
    Without *tsa* a time stamp that still covers the Vorlage is kept; one that
    does not (the Vorlage was changed) is removed, or with ``refresh=False`` is
    an error (:func:`zeitstempel_matches` tells beforehand).
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
    stamp = inhalt.find(Q + "zeitstempel")
    token = None
    if tsa is not None:
        token = request_token(vorlage_sha256(vorlage), tsa, timeout=tsa_timeout)
    elif stamp is not None and not _covers(stamp, vorlage_sha256(vorlage)):
        if not refresh:
            raise InvalidDocumentError(
                Problem(
                    "the zeitstempel covers another state of the Vorlage than the seal; "
                    "seal it again (with --tsa for a new time stamp)",
                    file=name,
                    line=stamp.sourceline,
                    field="zeitstempel",
                )
            )
        _remove(stamp)
    if old is not None:
        new.tail = old.tail
        inhalt.replace(old, new)
    else:
        new.tail = vorlage.tail
        vorlage.tail = "\n" + indent
        vorlage.addnext(new)
        # addnext moves the tail of the new element; restore the layout
        new.tail = "\n" + indent if new.getnext() is not None else (inhalt.text or "\n")[:-2]
    if token is not None:
        _put_zeitstempel(new, stamp, token, indent)
    nachricht = _with_version(
        doc.nachricht, root, stamped=inhalt.find(Q + "zeitstempel") is not None
    )
    return ParsedDocument(nachricht, root.getroottree(), doc.source)


def _covers(stamp: etree._Element, digest: bytes) -> bool:
    """Whether the token in *stamp* is a SHA-256 time stamp over *digest* (read, not verified)."""
    found = _read(stamp)
    return found is not None and found.algorithm == "sha256" and found.imprint == digest


def _read(stamp: etree._Element) -> Zeitstempel | None:
    try:
        return read_token(base64.b64decode("".join((stamp.text or "").split()), validate=True))
    except (ValueError, binascii.Error):
        return None


def _remove(el: etree._Element) -> None:
    """Remove *el*, keeping the layout (its predecessor takes over its tail)."""
    before = el.getprevious()
    assert before is not None  # zeitstempel follows vorlage and pruefsumme
    before.tail = el.tail
    parent = el.getparent()
    assert parent is not None
    parent.remove(el)


def _put_zeitstempel(
    pruefsumme: etree._Element, old: etree._Element | None, token: bytes, indent: str
) -> None:
    """Store *token* as ``zeitstempel`` right after *pruefsumme*, on one line."""
    el = etree.Element(Q + "zeitstempel", nsmap={"ratsdok": NAMESPACE})
    # One line: `xmllint --xpath string(...) | base64 -d` gives the DER back.
    el.text = base64.b64encode(token).decode("ascii")
    parent = None if old is None else old.getparent()
    if old is not None and parent is not None:  # stamping again: in its place
        el.tail = old.tail
        parent.replace(old, el)
        return
    tail = pruefsumme.tail
    pruefsumme.addnext(el)
    pruefsumme.tail = "\n" + indent
    el.tail = tail


def _with_version(nachricht: Nachricht, root: etree._Element, *, stamped: bool) -> Nachricht:
    """*nachricht* with the format version the edited document must declare: at least
    1.2.0 with a zeitstempel; without one, a 1.2.0 that only the zeitstempel needed
    goes back to the lowest version that carries the Vorlage (the header lies
    outside the seal, so this changes neither the seal nor a signature)."""
    declared = nachricht.kopf.standard_version
    if stamped:
        version = at_least(declared, ZEITSTEMPEL_VERSION)
    elif declared == ZEITSTEMPEL_VERSION:
        version = required_version(nachricht.vorlage)
    else:
        return nachricht
    if version == declared:
        return nachricht
    root.set("version", version)
    kopf = nachricht.kopf.model_copy(update={"standard_version": version})
    return nachricht.model_copy(update={"kopf": kopf})


def zeitstempel_of(doc: ParsedDocument) -> Zeitstempel | None:
    """What the ``zeitstempel`` of *doc* states, read without verifying it (None
    when there is none or it cannot be read). :func:`ratsdok.verify` checks it."""
    stamp = doc.tree.getroot().find(f"{Q}nachrichteninhalt/{Q}zeitstempel")
    return None if stamp is None else _read(stamp)


def zeitstempel_matches(doc: ParsedDocument) -> bool | None:
    """Whether the ``zeitstempel`` of *doc* covers its Vorlage as it is now (None when
    there is none). False means sealing without a TSA would remove it."""
    root = doc.tree.getroot()
    stamp = root.find(f"{Q}nachrichteninhalt/{Q}zeitstempel")
    if stamp is None:
        return None
    return _covers(stamp, vorlage_sha256(vorlage_element(root, source=doc.source)))


def seal(
    source: bytes | Vorlage | Nachricht | ParsedDocument,
    *,
    name: str | None = None,
    refresh: bool = True,
    tsa: str | None = None,
    tsa_timeout: float = TSA_TIMEOUT,
) -> bytes:
    """Add or refresh the ``pruefsumme`` of a ratsdok document; return the new bytes.

    *source* is ratsdok XML (fully checked first), a parsed document, or a model
    (then ``seal(to_xml(source))``). See :func:`seal_document` for *refresh* and
    for the time stamp a *tsa* URL adds.
    """
    if isinstance(source, Vorlage | Nachricht):
        source = to_xml(source)
    if isinstance(source, ParsedDocument):
        doc, copy = source, True
    else:
        doc, copy = parse_document(source, source=name), False
    sealed = seal_document(
        doc, refresh=refresh, name=name, copy=copy, tsa=tsa, tsa_timeout=tsa_timeout
    )
    return serialize(sealed.tree.getroot())


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
