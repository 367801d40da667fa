"""Verifying the seal, the Anlagen and the signatures of a parsed ratsdok document.

:func:`verify_document` checks a :class:`~ratsdok.xml.mapping.ParsedDocument`
whose Anlage bytes lie in a folder or come from a container (a bundle PDF, an
archive), and returns a :class:`VerificationResult` with one
:class:`~ratsdok.report.Check` per part. Opening the container is the job of
the layers above (:mod:`ratsdok.verification`). The rules are those of
``docs/xml-format.md#verification-rules``: the Vorlage is located by position,
its id must be unique in the document, every reference must point to ``#`` +
that id, only the ratsdok algorithm profile is accepted, each signature is
verified with signxml on a copy holding only that signature, the signed bytes
are compared with the located Vorlage, and nothing is read from inside
``ds:Signature`` except what signxml returned as verified.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from lxml import etree

from ratsdok._types import TrustSource
from ratsdok.errors import InvalidDocumentError, Problem
from ratsdok.integrity.bindung import Bindungen, names_match
from ratsdok.integrity.seal import (
    C14N_EXC,
    SHA256,
    canonical_vorlage,
    pruefwert,
    vorlage_digest,
    vorlage_element,
    vorlage_sha256,
)
from ratsdok.integrity.sign import ECDSA_SHA256, OBJECT_TYPE, RSA_SHA256, key_problem
from ratsdok.integrity.trust import trust_pem
from ratsdok.integrity.zeitstempel import check_token, read_token
from ratsdok.model.vorlage import Vorlage
from ratsdok.report import Check, Kind, Report, Signer, Status
from ratsdok.store.anlagen import (
    AnlagenPruefung,
    HauptdokumentPruefung,
    check_anlagen,
    check_hauptdokument,
)
from ratsdok.xml.mapping import ParsedDocument, parse_document
from ratsdok.xml.names import D, Q

__all__ = [
    "Status",
    "Teil",
    "TeilArt",
    "VerificationResult",
    "mark_candidates",
    "names_match",
    "signature_marks",
    "signed_blocks",
    "unmarked_note",
    "verify_document",
]

_SIGNATURE_ID: Final = re.compile(r"signatur-([1-9][0-9]{0,5})")


class VerificationResult(Report):
    """The :class:`~ratsdok.report.Report` on one ratsdok document (XML or bundle PDF).

    Besides the checks it carries the Vorlage read from the document and its
    Prüfwert. ``parts`` and ``hinweise`` are the deprecated names of
    :attr:`checks` and :attr:`notes`.
    """

    vorlage: Vorlage
    pruefwert: str
    """Short digest of the Vorlage as printed under signed blocks (see seal.pruefwert)."""

    def __init__(
        self,
        source: str,
        vorlage: Vorlage,
        checks: tuple[Check, ...] = (),
        pruefwert: str = "",
        notes: tuple[str, ...] = (),
        facts: tuple[tuple[str, str], ...] = (),
    ) -> None:
        seal = next((c for c in checks if c.kind is Kind.PRUEFSUMME), None)
        title = (
            f"Vorlage {vorlage.nummer} ({vorlage.betreff})"
            if seal is not None and seal.ok
            else f"Vorlage not verified (pruefsumme {seal.status if seal else 'missing'})"
        )
        super().__init__(
            source,
            checks,
            notes,
            title=title,
            facts=((("pruefwert", pruefwert),) if pruefwert else ()) + facts,
        )
        object.__setattr__(self, "vorlage", vorlage)
        object.__setattr__(self, "pruefwert", pruefwert)

    @property
    def parts(self) -> tuple[Check, ...]:
        """Deprecated: :attr:`checks`."""
        return self.checks

    @property
    def hinweise(self) -> tuple[str, ...]:
        """Deprecated: :attr:`notes`."""
        return self.notes


Teil = Check
"""Deprecated name of :class:`~ratsdok.report.Check` (ratsdok 0.1)."""
TeilArt = Kind
"""Deprecated name of :class:`~ratsdok.report.Kind` (ratsdok 0.1)."""


# --------------------------------------------------------------------------- helpers


def _ids(root: etree._Element, value: str) -> int:
    return len(
        root.xpath(
            "//*[@*[local-name()='id' or local-name()='Id' or local-name()='ID']=$v]", v=value
        )
    )


def _check_reference(ref: etree._Element, uri: str) -> str | None:
    """Why *ref* is outside the ratsdok profile for *uri*, or None."""
    if ref.get("URI") != uri:
        return f"reference URI {ref.get('URI')!r} is not {uri!r}"
    transforms = ref.findall(D + "Transforms/" + D + "Transform")
    if [t.get("Algorithm") for t in transforms] != [C14N_EXC]:
        return "the reference must have exactly one exclusive C14N transform"
    method = ref.find(D + "DigestMethod")
    algorithm = None if method is None else method.get("Algorithm")
    if algorithm != SHA256:
        return f"digest method {algorithm!r} is not allowed; ratsdok requires SHA-256"
    return None


def _seal(status: Status, reason: str) -> Check:
    return Check(Kind.PRUEFSUMME, "pruefsumme", status, reason)


def _check_seal(vorlage: etree._Element) -> Check:
    inhalt = vorlage.getparent()
    assert inhalt is not None
    found = inhalt.findall(Q + "pruefsumme")
    if not found:
        return _seal(Status.MISSING, "the document carries no seal")
    refs = found[0].findall(D + "Reference")
    if len(found) != 1 or len(refs) != 1:
        return _seal(Status.BROKEN, "malformed pruefsumme")
    ref = refs[0]
    why = _check_reference(ref, "#" + (vorlage.get("id") or ""))
    if why is not None:
        return _seal(Status.BROKEN, why)
    recorded = "".join((ref.findtext(D + "DigestValue") or "").split())
    actual = vorlage_digest(vorlage)
    if recorded != actual:
        return _seal(
            Status.BROKEN,
            f"the Vorlage was changed: its SHA-256 is {actual}, the seal records {recorded}",
        )
    return _seal(Status.VALID, f"SHA-256 of the Vorlage matches ({actual})")


def _check_zeitstempel(
    vorlage: etree._Element, trust: bytes | None
) -> tuple[list[Check], tuple[tuple[str, str], ...]]:
    """The check of the time stamp over the seal (none without one), and the time it
    states as a fact when it is valid. It must cover the Vorlage as it is now, not
    merely the digest the seal records."""
    inhalt = vorlage.getparent()
    assert inhalt is not None
    stamp = inhalt.find(Q + "zeitstempel")
    if stamp is None:
        return [], ()
    try:
        der = base64.b64decode("".join((stamp.text or "").split()), validate=True)
    except ValueError as exc:  # binascii.Error is a ValueError
        reason = f"not base64: {exc}"
        return [Check(Kind.ZEITSTEMPEL, "zeitstempel", Status.INVALID, reason)], ()
    check = check_token(der, vorlage_sha256(vorlage), trust=trust)
    if check.status is not Status.VALID:
        return [check], ()
    return [check], (("zeitstempel", read_token(der).zeit_text),)


def _check_anlagen(
    v: Vorlage, folder: Path | None, embedded: Mapping[str, bytes] | None
) -> list[Check]:
    # The container's bytes are compared, never put into the model: a model given
    # inline content fills in missing digests from it, and would then match itself.
    # Unlike loading, verifying counts a file whose content no digest protects as not
    # ok: no recorded values at all, or only the size (same size, other content passes).
    found: list[AnlagenPruefung | HauptdokumentPruefung] = list(check_anlagen(v, folder, embedded))
    haupt = check_hauptdokument(v, folder, embedded)
    if haupt is not None:
        found.insert(0, haupt)
    return [_verdict(p) for p in found]


def _verdict(p: AnlagenPruefung | HauptdokumentPruefung) -> Check:
    datei = p.anlage if isinstance(p, AnlagenPruefung) else p.hauptdokument
    if p.status is Status.OK and datei.sha256 is None:
        reason = f"{p.reason}, but no SHA-256 is recorded: the content is not protected"
        return Check(p.kind, p.label, Status.UNRECORDED, reason)
    return Check(p.kind, p.label, p.status, p.reason)


def _signature_problem(sig: etree._Element, vid: str) -> tuple[int | None, str | None]:
    if sig.tag != D + "Signature":
        return None, f"{sig.tag!r} is not a ds:Signature; only signatures may stand in signaturen"
    sig_id = sig.get("Id") or ""
    match = _SIGNATURE_ID.fullmatch(sig_id)
    if match is None:
        return None, f"signature Id {sig_id[:40]!r} does not name an Unterzeichnung"
    n = int(match.group(1))
    info = sig.find(D + "SignedInfo")
    if info is None:
        return n, "no SignedInfo"
    c14n = info.find(D + "CanonicalizationMethod")
    if c14n is None or c14n.get("Algorithm") != C14N_EXC:
        return n, "SignedInfo must use exclusive C14N"
    method = info.find(D + "SignatureMethod")
    algorithm = None if method is None else method.get("Algorithm")
    if algorithm not in (RSA_SHA256, ECDSA_SHA256):
        return n, f"signature method {algorithm!r} is not allowed (RSA-SHA256 or ECDSA-SHA256)"
    refs = info.findall(D + "Reference")
    if len(refs) != 2:
        return n, f"the signature has {len(refs)} references; ratsdok requires 2"
    for ref, uri in ((refs[0], "#" + vid), (refs[1], f"#{sig_id}-bindung")):
        why = _check_reference(ref, uri)
        if why is not None:
            return n, why
    if refs[1].get("Type") != OBJECT_TYPE:
        return n, "the second reference must point to the binding object"
    return n, None


def _only(root: etree._Element, index: int) -> bytes:
    """The document with only the *index*-th signature of ``signaturen`` left."""
    clone = copy.deepcopy(root)
    signaturen = clone.find(Q + "nachrichteninhalt/" + Q + "signaturen")
    assert signaturen is not None
    for i, s in enumerate(list(signaturen)):
        if i != index:
            signaturen.remove(s)
    return etree.tostring(clone)


def _verify_trusted(data: bytes, ca_file: str, config: Any) -> tuple[Any, x509.Certificate]:
    """signxml's verification against the CA file, and the certificate it verified with.

    KeyInfo is not signed: anyone can add a certificate for the same key with another
    subject. Only the certificate whose chain signxml validated names the signer.
    """
    from signxml.exceptions import InvalidInput
    from signxml.verifier import XMLVerifier

    used: list[x509.Certificate] = []

    class _Verifier(XMLVerifier):
        def get_cert_chain_verifier(self, *args: Any, **kwargs: Any) -> Any:
            chain = super().get_cert_chain_verifier(*args, **kwargs)  # type: ignore[no-untyped-call]
            inner = chain.verify

            def verify(cert_chain: Any) -> Any:
                cert = inner(cert_chain)
                used.append(cert)
                return cert

            chain.verify = verify
            return chain

    results = _Verifier().verify(data, ca_pem_file=ca_file, expect_config=config)
    if len(used) != 1:  # signxml changed how it validates chains: fail closed
        raise InvalidInput("could not tell which certificate signxml validated")
    return results, used[0]


def _check_signature(
    root: etree._Element,
    vorlage: etree._Element,
    model: Vorlage,
    index: int,
    sig: etree._Element,
    ca_file: str | None,
    bindung: Bindungen | None = None,
) -> Check:
    from signxml.algorithms import DigestAlgorithm, SignatureMethod
    from signxml.exceptions import (
        InvalidCertificate,
        InvalidDigest,
        InvalidInput,
        InvalidSignature,
    )
    from signxml.verifier import SignatureConfiguration

    vid = vorlage.get("id") or ""
    label = sig.get("Id") or f"Signatur {index + 1}"
    n, why = _signature_problem(sig, vid)
    bound = None
    if n is not None and 1 <= n <= len(model.unterzeichnungen):
        bound = model.unterzeichnungen[n - 1]
    elif why is None:
        why = f"Unterzeichnung {n} does not exist in the Vorlage"

    def teil(status: Status, reason: str, subject: str | None = None) -> Check:
        signer = (
            Signer(n, bound.name, bound.funktion, subject)
            if bound is not None
            else Signer(subject=subject)
        )
        return Check(Kind.SIGNATUR, label, status, reason, signer=signer)

    if why is not None:
        return teil(Status.INVALID, why)
    config = SignatureConfiguration(
        expect_references=2,
        signature_methods=frozenset({SignatureMethod.RSA_SHA256, SignatureMethod.ECDSA_SHA256}),
        digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
    )
    data = _only(root, index)
    try:
        try:
            if ca_file is not None:
                results, cert = _verify_trusted(data, ca_file, config)
            else:
                results, cert = _verify_untrusted(data, sig, config)
        except InvalidCertificate as exc:
            # Distinguish "not trusted/expired" from a broken signature.
            text = str(exc)
            lowered = text.lower()
            expired = "has expired" in lowered or "not yet valid" in lowered
            status = Status.EXPIRED if expired else Status.UNTRUSTED
            try:
                _, own = _verify_untrusted(data, sig, config, within_validity=True)
            except (InvalidSignature, InvalidInput) as inner:
                return teil(Status.INVALID, f"signature does not verify: {inner}")
            except (ValueError, TypeError, UnsupportedAlgorithm) as inner:
                # a damaged certificate (found by fuzzing): unreadable, not a crash
                return teil(Status.INVALID, f"signature cannot be read: {inner}")
            if (weak := key_problem(own.public_key())) is not None:
                return teil(Status.INVALID, f"the signer's key is not allowed: {weak}")
            why = (
                "the certificate is outside its validity period"
                if expired
                else "the certificate does not chain to a trusted CA"
            )
            return teil(status, f"signature is intact, but {why} ({text})")
    except InvalidDigest as exc:
        return teil(Status.INVALID, f"signed content was changed: {exc}")
    except (InvalidSignature, InvalidInput) as exc:
        return teil(Status.INVALID, f"signature does not verify: {exc}")
    except (ValueError, TypeError, AttributeError, etree.LxmlError, UnsupportedAlgorithm) as exc:
        # signxml parses certificates and values itself and lets their errors through
        # (a changed key algorithm OID: UnsupportedAlgorithm, found by fuzzing).
        return teil(Status.INVALID, f"signature cannot be read: {exc}")
    assert isinstance(results, list)
    assert len(results) == 2
    if (weak := key_problem(cert.public_key())) is not None:
        # Other tools sign with RSA-2048 or P-384; ratsdok's profile does not accept them.
        return teil(Status.INVALID, f"the signer's key is not allowed: {weak}")
    main, binding = results
    if main.signed_data != canonical_vorlage(vorlage):
        return teil(Status.INVALID, "the signed data is not this document's Vorlage")
    nummer = (
        None
        if binding.signed_xml is None
        else binding.signed_xml.findtext(
            f".//{D}SignatureProperty[@Target='#{label}']/{Q}unterzeichnungsnummer"
        )
    )
    if nummer is None or nummer.strip() != str(n):
        return teil(Status.INVALID, f"the signed binding does not name Unterzeichnung {n}")
    try:
        subject = cert.subject.rfc4514_string()
    except ValueError as exc:  # cryptography parses the subject when first asked
        # The certificate sits outside the signed data: a damaged subject does not
        # break the signature, but names nobody (found by fuzzing).
        return teil(Status.INVALID, f"the signer's certificate cannot be read: {exc}")
    if ca_file is None:
        return teil(Status.UNTRUSTED, "signature is intact, but no trusted CA was given", subject)
    assert bound is not None  # a signature bound to no Unterzeichnung returned above
    if not (bindung or Bindungen()).binds(cert, bound.name, bound.funktion):
        return teil(
            Status.WRONG_SIGNER,
            f"signature verified and trusted, but the certificate ({subject}) does not name "
            f"{bound.name}, {bound.funktion}, who signs Unterzeichnung {n}",
            subject,
        )
    return teil(
        Status.VALID, "signature verified; the certificate chains to a trusted certificate", subject
    )


def _verify_untrusted(
    data: bytes, sig: etree._Element, config: Any, *, within_validity: bool = False
) -> tuple[Any, x509.Certificate]:
    """Cryptographic check against the signature's first certificate (no trust).

    With *within_validity*, the certificate's validity period is not held against
    it (used only to tell an expired or untrusted certificate from a bad signature).
    """
    from signxml.exceptions import InvalidInput
    from signxml.verifier import XMLVerifier

    certs = sig.findall(f"{D}KeyInfo/{D}X509Data/{D}X509Certificate")
    if not certs:
        raise InvalidInput("the signature carries no certificate")
    try:
        der = base64.b64decode("".join((certs[0].text or "").split()))
        cert = x509.load_der_x509_certificate(der)
    except ValueError as exc:
        raise InvalidInput(f"unreadable certificate: {exc}") from None
    if within_validity:
        config = dataclasses.replace(config, verification_time=cert.not_valid_before_utc)
    return XMLVerifier().verify(data, x509_cert=cert, expect_config=config), cert


# --------------------------------------------------------------------------- entry point


def verify_document(
    doc: ParsedDocument,
    *,
    source: str | None = None,
    folder: Path | None = None,
    embedded: Mapping[str, bytes] | None = None,
    trust: TrustSource = None,
    notes: tuple[str, ...] = (),
    require_signatures: bool = False,
    bindung: Bindungen | None = None,
) -> VerificationResult:
    """Verify the seal, every Anlage and every signature of a parsed document.

    Anlage bytes come from *embedded* (a container's files, by Dateiname; files
    the Vorlage does not list are reported as ``unlisted``), else from files in
    *folder*. *trust* names the CA certificates (PEM or DER; paths or bytes)
    that signer certificates must be issued by; without it, intact signatures
    are reported as untrusted. *notes* say what the caller left unchecked. Every
    Unterzeichnung without a signature gets an ``unsigned`` check, which fails
    only with *require_signatures*. *bindung* binds certificates to printed names
    beyond the default rule (:mod:`ratsdok.integrity.bindung`).
    Raises a :class:`~ratsdok.errors.RatsdokError`
    when the document's structure leaves no verdict possible (its Vorlage
    cannot be located, or its id is not unique).
    """
    name = source or doc.source or "<bytes>"
    root = doc.tree.getroot()
    vorlage = vorlage_element(root, source=doc.source)
    vid = vorlage.get("id") or ""
    if _ids(root, vid) != 1:
        raise InvalidDocumentError(
            Problem(f"the id {vid!r} occurs more than once in the document", file=doc.source)
        )
    model = doc.nachricht.vorlage
    pem = trust_pem(trust)
    checks = [_check_seal(vorlage)]
    stamped, facts = _check_zeitstempel(vorlage, pem)
    checks.extend(stamped)
    checks.extend(_check_anlagen(model, folder, embedded))
    if embedded is not None:
        listed = {a.dateiname for a in model.anlagen}
        if model.hauptdokument is not None:
            listed.add(model.hauptdokument.dateiname)
        checks.extend(
            Check(
                Kind.DATEI,
                f"embedded file {extra!r}",
                Status.UNLISTED,
                "embedded in the container, but the Vorlage lists no Anlage of this name",
            )
            for extra in sorted(set(embedded) - listed)
        )
    signaturen = root.find(Q + "nachrichteninhalt/" + Q + "signaturen")
    if signaturen is not None:
        sigs = [s for s in signaturen if isinstance(s.tag, str)]
        with tempfile.TemporaryDirectory(prefix="ratsdok-trust-") as tmp:
            ca_file: str | None = None
            if pem is not None:  # signxml reads the trust anchors from a file
                ca_file = os.path.join(tmp, "ca.pem")
                Path(ca_file).write_bytes(pem)
            for i, sig in enumerate(sigs):
                checks.append(_check_signature(root, vorlage, model, i, sig, ca_file, bindung))
    checks = _one_person_one_block(checks)
    checks.extend(_unsigned(model, checks, require_signatures))
    # Read as it is, but said: a file name a new document may not have.
    notes = (*notes, *(str(w) for w in doc.warnings()))
    return VerificationResult(name, model, tuple(checks), pruefwert(vorlage), notes, facts)


def _one_person_one_block(checks: list[Check]) -> list[Check]:
    """A certificate that already signs one Unterzeichnung makes a later valid
    signature of another one ``wrong-signer``: one person is not two printed signers
    (two blocks may print the same surname; only the certificate tells them apart)."""
    seen: dict[str, int] = {}
    out: list[Check] = []
    for c in checks:
        s = c.signer
        if c.kind is Kind.SIGNATUR and s is not None and s.subject and s.unterzeichnung:
            first = seen.setdefault(s.subject, s.unterzeichnung)
            if first != s.unterzeichnung and c.status is Status.VALID:
                c = Check(
                    c.kind,
                    c.label,
                    Status.WRONG_SIGNER,
                    f"the same certificate already signs Unterzeichnung {first}: one person "
                    "cannot be two printed signers",
                    signer=s,
                )
        out.append(c)
    return out


def _unsigned(model: Vorlage, checks: list[Check], require_signatures: bool) -> list[Check]:
    """A check for every Unterzeichnung no signature is bound to, so that a block
    whose signature was stripped (and the seal computed afresh) is named, not
    silently fine; failing where signatures are required.

    Where some signature is intact, every block lacking one is ``missing``, a
    failure: each signature signs the whole Vorlage, and with it the set of
    Unterzeichnungen that are to be signed; the seal, which anyone can compute
    afresh, could not carry that set. So removing one of two signatures is caught
    while the other remains; removing all is caught only with *require_signatures*.
    """
    bound = {
        c.signer.unterzeichnung for c in checks if c.kind is Kind.SIGNATUR and c.signer is not None
    }
    signed = any(
        c.kind is Kind.SIGNATUR and c.status in _INTACT | {Status.WRONG_SIGNER} for c in checks
    )
    reason = "no electronic signature: only the seal, which anyone can compute afresh, vouches"
    missing = (
        "no signature, while another signature signs this Vorlage with all its "
        "Unterzeichnungen: it was removed, or is still to be made"
    )
    return [
        Check(
            Kind.UNTERZEICHNUNG,
            f"Unterzeichnung {n}",
            Status.MISSING,
            missing,
            signer=Signer(n, u.name, u.funktion),
        )
        if signed
        else Check(
            Kind.UNTERZEICHNUNG,
            f"Unterzeichnung {n}",
            Status.UNSIGNED,
            reason + (" (signatures are required)" if require_signatures else ""),
            ok=not require_signatures,
            signer=Signer(n, u.name, u.funktion),
        )
        for n, u in enumerate(model.unterzeichnungen, 1)
        if n not in bound
    ]


_INTACT: Final = frozenset({Status.VALID, Status.UNTRUSTED, Status.EXPIRED})


def mark_candidates(result: VerificationResult) -> list[dict[int, str]]:
    """The signed-block marks the pages of *result*'s document may carry, each once:
    those :func:`signature_marks` gives with the trust *result* was verified with,
    none, and every intact signature marked (a PDF made with a trust the verifier
    does not have). Taken from *result*'s checks: nothing is verified again."""
    intact = _INTACT | {Status.WRONG_SIGNER}
    bound = [
        (c.signer.unterzeichnung, c.status)
        for c in result.checks
        if c.kind is Kind.SIGNATUR and c.signer is not None and c.signer.unterzeichnung is not None
    ]
    out: list[dict[int, str]] = []
    for marks in (
        {n: result.pruefwert for n, status in bound if status is Status.VALID},
        {},
        {n: result.pruefwert for n, status in bound if status in intact},
    ):
        if marks not in out:
            out.append(marks)
    return out


def unmarked_note(doc: ParsedDocument, marks: Mapping[int, str], *, trusted: bool) -> str | None:
    """The note for blocks *doc* signs that *marks* leave unmarked on the pages (None:
    there are none); *trusted* says whether a trust anchor was given."""
    unmarked = sorted(set(signed_blocks(doc)) - set(marks))
    if not unmarked:
        return None
    why = "they are not valid and trusted" if trusted else "no trusted CA was given (--trust)"
    return (
        f"Unterzeichnung {', '.join(map(str, unmarked))} signed, but not marked as signed on "
        f"the pages: {why} (ratsdok verify says why)"
    )


def signed_blocks(doc: ParsedDocument | bytes) -> list[int]:
    """The Unterzeichnungen (1-based) whose signatures are cryptographically intact
    and bound to them, trusted or not."""
    if isinstance(doc, bytes):
        doc = parse_document(doc)
    if doc.tree.getroot().find(Q + "nachrichteninhalt/" + Q + "signaturen") is None:
        return []
    result = verify_document(doc)
    return sorted(
        c.signer.unterzeichnung
        for c in result.checks
        if c.kind is Kind.SIGNATUR
        and c.status in _INTACT
        and c.signer is not None
        and c.signer.unterzeichnung is not None
    )


def signature_marks(doc: ParsedDocument | bytes, *, trust: TrustSource = None) -> dict[int, str]:
    """Unterzeichnung number (1-based) → Prüfwert, for every signature a page may
    call "elektronisch signiert": verified, chaining to a CA of *trust*, and by the
    person printed in the block (status ``valid``). Without *trust*, none: a mark
    on the page must not claim more than was checked."""
    if isinstance(doc, bytes):
        doc = parse_document(doc)
    if trust is None:
        return {}
    if doc.tree.getroot().find(Q + "nachrichteninhalt/" + Q + "signaturen") is None:
        return {}
    result = verify_document(doc, trust=trust)
    return {
        c.signer.unterzeichnung: result.pruefwert
        for c in result.checks
        if c.kind is Kind.SIGNATUR
        and c.status is Status.VALID
        and c.signer is not None
        and c.signer.unterzeichnung is not None
    }
