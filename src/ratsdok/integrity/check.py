"""Verifying the seal, the Anlagen and the signatures of a ratsdok document.

:func:`verify` takes a ratsdok XML file (Anlage files beside it), a bundle PDF
(embedded ``ratsdok.xml`` and the Anlage files embedded in the PDF), or bytes
of either, and reports one :class:`Teil` per checked part. Rules (XML study
§4.3 and §5.3): the Vorlage is located by position, its id must be unique in
the document, every reference must point to ``#`` + that id, only the ratsdok
algorithm profile is accepted, each signature is verified with signxml on a
copy holding only that signature, the signed bytes are compared with the
located Vorlage, and nothing is read from inside ``ds:Signature`` except what
signxml returned as verified.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree

from ratsdok.errors import InvalidDocumentError, Problem, RatsdokError
from ratsdok.integrity.seal import (
    C14N_EXC,
    DS,
    SHA256,
    canonical_vorlage,
    pruefwert,
    vorlage_digest,
    vorlage_element,
)
from ratsdok.integrity.sign import ECDSA_SHA256, OBJECT_TYPE, RSA_SHA256, key_problem
from ratsdok.model.vorlage import Vorlage
from ratsdok.store.anlagen import AnlagenStatus, check_anlagen
from ratsdok.store.files import read_bytes
from ratsdok.version import NAMESPACE
from ratsdok.xml.mapping import parse_document

__all__ = ["Status", "Teil", "TeilArt", "VerificationResult", "signature_marks", "verify"]

PathLike = str | os.PathLike[str]
_Q: Final = "{" + NAMESPACE + "}"
_D: Final = "{" + DS + "}"
_XML_NAME: Final = "ratsdok.xml"
_MAX_PDF_BYTES: Final = 4 * 1024 * 1024 * 1024
_SIGNATURE_ID: Final = re.compile(r"signatur-([1-9][0-9]{0,5})")


class TeilArt(StrEnum):
    """What a :class:`Teil` checked."""

    SEAL = "seal"
    ANLAGE = "anlage"
    SIGNATUR = "signatur"


class Status(StrEnum):
    """Outcome of checking one part; only VALID and OK are fine."""

    VALID = "valid"
    """Seal or signature verified."""
    OK = "ok"
    """Anlage bytes match the recorded size and SHA-256."""
    BROKEN = "broken"
    """The seal does not match the Vorlage."""
    MISSING = "missing"
    """No seal, or no bytes for an Anlage."""
    CHANGED = "changed"
    """Anlage bytes differ from the recorded values."""
    UNRECORDED = "unrecorded"
    """The Anlage records neither size nor digest, so nothing protects it."""
    INVALID = "invalid"
    """The signature does not verify (content, key, binding or algorithm)."""
    UNTRUSTED = "untrusted"
    """Cryptographically valid, but the certificate is not issued by a trusted CA."""
    EXPIRED = "expired"
    """The certificate is outside its validity period."""
    UNLISTED = "unlisted"
    """A file embedded in a bundle that the Vorlage does not list."""


_FINE: Final = frozenset({Status.VALID, Status.OK})


@dataclass(frozen=True)
class Teil:
    """The verdict on one part of the document."""

    kind: TeilArt
    status: Status
    reason: str
    label: str
    """Human name of the part, e.g. "Anlage 1 (integrationskonzept.pdf)" or "signatur-1"."""
    subject: str | None = None
    """Signatures: the certificate subject of the signer (as verified)."""
    unterzeichnung: int | None = None
    """Signatures: 1-based number of the Unterzeichnung the signature is bound to."""
    name: str | None = None
    """Signatures: printed name of that Unterzeichnung."""
    funktion: str | None = None
    """Signatures: printed function of that Unterzeichnung."""

    @property
    def ok(self) -> bool:
        """True when the part is fine."""
        return self.status in _FINE

    def __str__(self) -> str:
        """``status: reason``, for a signature with the block and the certificate subject."""
        text = f"{self.status.value}: {self.reason}"
        if self.kind is TeilArt.SIGNATUR and self.unterzeichnung is not None:
            signer = ", ".join(x for x in (self.name, self.funktion) if x)
            subject = self.subject or "certificate not verified"
            text += f" [Unterzeichnung {self.unterzeichnung} {signer}; {subject}]"
        return text

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        d: dict[str, Any] = {
            "kind": self.kind.value,
            "label": self.label,
            "status": self.status.value,
            "ok": self.ok,
            "reason": self.reason,
        }
        if self.kind is TeilArt.SIGNATUR:
            d.update(
                subject=self.subject,
                unterzeichnung=self.unterzeichnung,
                name=self.name,
                funktion=self.funktion,
            )
        return d


@dataclass(frozen=True)
class VerificationResult:
    """All verdicts for one document; :attr:`ok` only if every part is fine."""

    source: str
    vorlage: Vorlage
    parts: tuple[Teil, ...] = field(default_factory=tuple)
    pruefwert: str = ""
    """Short digest of the Vorlage as printed under signed blocks (see sealing.pruefwert)."""
    hinweise: tuple[str, ...] = ()
    """Notes on what was not checked (they do not change :attr:`ok`)."""

    @property
    def ok(self) -> bool:
        """True when there is at least the seal and every checked part is fine."""
        return bool(self.parts) and all(p.ok for p in self.parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "source": self.source,
            "ok": self.ok,
            "vorlage": str(self.vorlage.nummer),
            "pruefwert": self.pruefwert,
            "parts": [p.to_dict() for p in self.parts],
            "hinweise": list(self.hinweise),
        }


# --------------------------------------------------------------------------- helpers


def _trust_pem(trust: Sequence[PathLike | bytes] | PathLike | bytes | None) -> bytes | None:
    if trust is None:
        return None
    items: Sequence[PathLike | bytes] = (
        [trust] if isinstance(trust, str | bytes | os.PathLike) else trust
    )
    if not items:
        return None
    out = []
    for item in items:
        data = item if isinstance(item, bytes) else read_bytes(item, max_bytes=10 * 1024 * 1024)
        if b"-----BEGIN CERTIFICATE-----" not in data:
            try:
                cert = x509.load_der_x509_certificate(data)
            except ValueError:
                where = "<bytes>" if isinstance(item, bytes) else str(item)
                raise RatsdokError(Problem("not an X.509 CA certificate", file=where)) from None
            data = cert.public_bytes(serialization.Encoding.PEM)
        else:
            try:
                x509.load_pem_x509_certificates(data)
            except ValueError:
                where = "<bytes>" if isinstance(item, bytes) else str(item)
                raise RatsdokError(Problem("not an X.509 CA certificate", file=where)) from None
        out.append(data.strip() + b"\n")
    return b"".join(out)


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
    transforms = ref.findall(_D + "Transforms/" + _D + "Transform")
    if [t.get("Algorithm") for t in transforms] != [C14N_EXC]:
        return "the reference must have exactly one exclusive C14N transform"
    method = ref.find(_D + "DigestMethod")
    algorithm = None if method is None else method.get("Algorithm")
    if algorithm != SHA256:
        return f"digest method {algorithm!r} is not allowed; ratsdok requires SHA-256"
    return None


def _check_seal(root: etree._Element, vorlage: etree._Element) -> Teil:
    inhalt = vorlage.getparent()
    assert inhalt is not None
    found = inhalt.findall(_Q + "pruefsumme")
    if not found:
        return Teil(TeilArt.SEAL, Status.MISSING, "the document carries no seal", "pruefsumme")
    refs = found[0].findall(_D + "Reference")
    if len(found) != 1 or len(refs) != 1:
        return Teil(TeilArt.SEAL, Status.BROKEN, "malformed pruefsumme", "pruefsumme")
    ref = refs[0]
    why = _check_reference(ref, "#" + (vorlage.get("id") or ""))
    if why is not None:
        return Teil(TeilArt.SEAL, Status.BROKEN, why, "pruefsumme")
    recorded = "".join((ref.findtext(_D + "DigestValue") or "").split())
    actual = vorlage_digest(vorlage)
    if recorded != actual:
        return Teil(
            TeilArt.SEAL,
            Status.BROKEN,
            f"the Vorlage was changed: its SHA-256 is {actual}, the seal records {recorded}",
            "pruefsumme",
        )
    return Teil(
        TeilArt.SEAL, Status.VALID, f"SHA-256 of the Vorlage matches ({actual})", "pruefsumme"
    )


_ANLAGE_STATUS: Final = {
    AnlagenStatus.OK: Status.OK,
    AnlagenStatus.CHANGED: Status.CHANGED,
    AnlagenStatus.MISSING: Status.MISSING,
    AnlagenStatus.UNRECORDED: Status.UNRECORDED,
}


def _check_anlagen(
    v: Vorlage, folder: Path | None, embedded: dict[str, bytes] | None
) -> list[Teil]:
    if embedded is not None:
        anlagen = tuple(
            a
            if a.inhalt is not None or a.dateiname not in embedded
            else a.model_copy(update={"inhalt": embedded[a.dateiname]})
            for a in v.anlagen
        )
        v = v.model_copy(update={"anlagen": anlagen})
    parts = []
    for p in check_anlagen(v, folder):
        a = p.anlage
        parts.append(
            Teil(
                TeilArt.ANLAGE,
                _ANLAGE_STATUS[p.status],
                p.reason,
                f"Anlage {a.nummer} ({a.dateiname})",
            )
        )
    return parts


def _signature_problem(sig: etree._Element, vid: str) -> tuple[int | None, str | None]:
    if sig.tag != _D + "Signature":
        return None, f"{sig.tag!r} is not a ds:Signature; only signatures may stand in signaturen"
    sig_id = sig.get("Id") or ""
    match = _SIGNATURE_ID.fullmatch(sig_id)
    if match is None:
        return None, f"signature Id {sig_id[:40]!r} does not name an Unterzeichnung"
    n = int(match.group(1))
    info = sig.find(_D + "SignedInfo")
    if info is None:
        return n, "no SignedInfo"
    c14n = info.find(_D + "CanonicalizationMethod")
    if c14n is None or c14n.get("Algorithm") != C14N_EXC:
        return n, "SignedInfo must use exclusive C14N"
    method = info.find(_D + "SignatureMethod")
    algorithm = None if method is None else method.get("Algorithm")
    if algorithm not in (RSA_SHA256, ECDSA_SHA256):
        return n, f"signature method {algorithm!r} is not allowed (RSA-SHA256 or ECDSA-SHA256)"
    refs = info.findall(_D + "Reference")
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
    signaturen = clone.find(_Q + "nachrichteninhalt/" + _Q + "signaturen")
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
) -> Teil:
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

    def teil(status: Status, reason: str, subject: str | None = None) -> Teil:
        return Teil(
            TeilArt.SIGNATUR,
            status,
            reason,
            label,
            subject,
            n if bound else None,
            bound.name if bound else None,
            bound.funktion if bound else None,
        )

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
    except (ValueError, TypeError, AttributeError, etree.LxmlError) as exc:
        # signxml parses certificates and values itself and lets their errors through.
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
            f".//{_D}SignatureProperty[@Target='#{label}']/{_Q}unterzeichnungsnummer"
        )
    )
    if nummer is None or nummer.strip() != str(n):
        return teil(Status.INVALID, f"the signed binding does not name Unterzeichnung {n}")
    subject = cert.subject.rfc4514_string()
    if ca_file is None:
        return teil(Status.UNTRUSTED, "signature is intact, but no trusted CA was given", subject)
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

    certs = sig.findall(f"{_D}KeyInfo/{_D}X509Data/{_D}X509Certificate")
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


def verify(
    source: PathLike | bytes,
    *,
    trust: Sequence[PathLike | bytes] | PathLike | bytes | None = None,
    folder: PathLike | None = None,
) -> VerificationResult:
    """Verify the seal, every Anlage and every signature of a document or bundle.

    *source* is a path or bytes of ratsdok XML or of a bundle PDF. Anlage files
    of an XML file are looked up next to it (or in *folder*); those of a bundle
    come from the PDF. *trust* names the CA certificates (PEM or DER; paths or
    bytes) that signer certificates must be issued by; without it, intact
    signatures are reported as untrusted. Raises a
    :class:`~ratsdok.errors.RatsdokError` for input that is not a valid ratsdok
    document (schema, rules, unsafe XML).
    """
    if isinstance(source, bytes):
        name, data = "<bytes>", source
        base = Path(folder) if folder is not None else None
    else:
        name = str(source)
        data = read_bytes(source, max_bytes=_MAX_PDF_BYTES)
        base = Path(folder) if folder is not None else Path(source).parent
    trust_pem = _trust_pem(trust)
    embedded: dict[str, bytes] | None = None
    xml_name = name
    if data.lstrip()[:5] == b"%PDF-":
        from ratsdok.pdf.extraction import embedded_files

        embedded = embedded_files(data, name=name)
        if _XML_NAME not in embedded:
            raise InvalidDocumentError(
                Problem(f"no embedded {_XML_NAME}; this is not a ratsdok bundle", file=name)
            )
        data = embedded.pop(_XML_NAME)
        xml_name = f"{name}#{_XML_NAME}"
        base = None
    doc = parse_document(data, source=xml_name)
    root = doc.tree.getroot()
    vorlage = vorlage_element(root, source=xml_name)
    vid = vorlage.get("id") or ""
    if _ids(root, vid) != 1:
        raise InvalidDocumentError(
            Problem(f"the id {vid!r} occurs more than once in the document", file=xml_name)
        )
    model = doc.nachricht.vorlage
    parts = [_check_seal(root, vorlage)]
    parts.extend(_check_anlagen(model, base, embedded))
    hinweise: tuple[str, ...] = ()
    if embedded is not None:
        listed = {a.dateiname for a in model.anlagen}
        parts.extend(
            Teil(
                TeilArt.ANLAGE,
                Status.UNLISTED,
                "embedded in the bundle, but the Vorlage lists no Anlage of this name",
                f"embedded file {extra!r}",
            )
            for extra in sorted(set(embedded) - listed)
        )
        hinweise = (
            "the pages of the bundle are not verified: they are a rendering of the "
            "embedded ratsdok.xml and Anlagen, which are what is checked here "
            "(for a fresh rendering: ratsdok extract, then ratsdok bundle)",
        )
    signaturen = root.find(_Q + "nachrichteninhalt/" + _Q + "signaturen")
    if signaturen is not None:
        sigs = [s for s in signaturen if isinstance(s.tag, str)]
        with tempfile.TemporaryDirectory(prefix="ratsdok-trust-") as tmp:
            ca_file: str | None = None
            if trust_pem is not None:  # signxml reads the trust anchors from a file
                ca_file = os.path.join(tmp, "ca.pem")
                Path(ca_file).write_bytes(trust_pem)
            for i, sig in enumerate(sigs):
                parts.append(_check_signature(root, vorlage, model, i, sig, ca_file))
    return VerificationResult(name, model, tuple(parts), pruefwert(vorlage), hinweise)


_INTACT: Final = frozenset({Status.VALID, Status.UNTRUSTED, Status.EXPIRED})


def signature_marks(source: PathLike | bytes) -> dict[int, str]:
    """Unterzeichnung number (1-based) → Prüfwert, for every signature that verifies.

    Trust is not judged here (the mark says "signed", not "trusted"); only
    signatures whose cryptography and binding check out are marked.
    """
    result = verify(source)
    return {
        p.unterzeichnung: result.pruefwert
        for p in result.parts
        if p.kind is TeilArt.SIGNATUR and p.status in _INTACT and p.unterzeichnung is not None
    }
