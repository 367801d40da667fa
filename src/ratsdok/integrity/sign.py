"""XMLDSig signatures of the Unterzeichnungen of a Vorlage.

Each signer gets one detached ``ds:Signature`` in ``nachrichteninhalt/signaturen``,
side by side with the others (``docs/xml-format.md#signatures``): ``Id="signatur-<n>"``
for the n-th Unterzeichnung (1-based), exclusive C14N, SHA-256, RSA-SHA256
(RSA ≥ 3072 bit) or ECDSA-SHA256 (P-256), the signer's X.509 certificate in
``KeyInfo``. ``SignedInfo`` holds two references: the Vorlage (the same
reference as the seal) and a ``ds:Object`` whose signature property names the
Unterzeichnung, so the binding cannot be moved without breaking the signature.
Signatures do not cover each other: a second signer leaves the first valid.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from lxml import etree

from ratsdok.errors import InvalidDocumentError, Problem, RatsdokError
from ratsdok.integrity.seal import C14N_EXC, DS, SHA256, seal_document, vorlage_element
from ratsdok.version import NAMESPACE
from ratsdok.xml.mapping import ParsedDocument, parse_document, serialize
from ratsdok.xml.names import D, Q

__all__ = [
    "ECDSA_SHA256",
    "RSA_SHA256",
    "SigningKey",
    "key_problem",
    "load_certificate",
    "load_private_key",
    "sign",
]

RSA_SHA256: Final = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
ECDSA_SHA256: Final = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
OBJECT_TYPE: Final = "http://www.w3.org/2000/09/xmldsig#Object"
MIN_RSA_BITS: Final = 3072

SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
PathOrBytes = str | os.PathLike[str] | bytes


def _data(value: PathOrBytes) -> tuple[bytes, str]:
    if isinstance(value, bytes):
        return value, "<bytes>"
    p = Path(value)
    try:
        return p.read_bytes(), str(p)
    except OSError as exc:
        raise RatsdokError(Problem(f"cannot read: {exc.strerror or exc}", file=str(p))) from None


def load_private_key(key: PathOrBytes, password: bytes | None = None) -> SigningKey:
    """Load a PEM private key (do this once: loading an RSA key is slow)."""
    data, name = _data(key)
    try:
        loaded = serialization.load_pem_private_key(data, password=password)
    except (ValueError, TypeError) as exc:
        raise RatsdokError(Problem(f"not a usable PEM private key ({exc})", file=name)) from None
    _check_key(loaded, name)
    assert isinstance(loaded, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
    return loaded


def load_certificate(cert: PathOrBytes | x509.Certificate) -> x509.Certificate:
    """Load a PEM (or DER) X.509 certificate."""
    if isinstance(cert, x509.Certificate):
        return cert
    data, name = _data(cert)
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise RatsdokError(Problem(f"not an X.509 certificate ({exc})", file=name)) from None


def key_problem(key: object) -> str | None:
    """Why ratsdok does not accept *key* (public or private) for signatures, else None."""
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        if key.key_size < MIN_RSA_BITS:
            return f"RSA key has {key.key_size} bits; ratsdok requires at least {MIN_RSA_BITS}"
        return None
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        if not isinstance(key.curve, ec.SECP256R1):
            return f"ECDSA key on curve {key.curve.name}; ratsdok requires P-256"
        return None
    return "unsupported key type; use RSA (≥ 3072 bit) or ECDSA P-256"


def _check_key(key: object, name: str | None = None) -> str:
    problem = key_problem(key)
    if problem is not None:
        raise RatsdokError(Problem(problem, file=name))
    return RSA_SHA256 if isinstance(key, rsa.RSAPrivateKey) else ECDSA_SHA256


def _c14n(el: etree._Element) -> bytes:
    return etree.tostring(el, method="c14n", exclusive=True, with_comments=False)


def _digest(el: etree._Element) -> str:
    return base64.b64encode(hashlib.sha256(_c14n(el)).digest()).decode("ascii")


def _sub(parent: etree._Element, name: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, D + name, attrs)


def _reference(parent: etree._Element, uri: str, digest: str, type_: str | None) -> None:
    ref = _sub(parent, "Reference", URI=uri)
    if type_ is not None:
        ref.set("Type", type_)
    _sub(_sub(ref, "Transforms"), "Transform", Algorithm=C14N_EXC)
    _sub(ref, "DigestMethod", Algorithm=SHA256)
    _sub(ref, "DigestValue").text = digest


def _signature_value(key: SigningKey, data: bytes) -> bytes:
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
    size = (key.curve.key_size + 7) // 8  # XMLDSig: r and s, each as long as the curve's order
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def _public_der(key: object) -> bytes:
    assert isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey)
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def sign(
    source: bytes | ParsedDocument,
    *,
    key: SigningKey | PathOrBytes,
    cert: x509.Certificate | PathOrBytes,
    unterzeichnung: int,
    chain: list[x509.Certificate] | None = None,
    name: str | None = None,
) -> bytes:
    """Sign the n-th (1-based) Unterzeichnung of a ratsdok document; return the new bytes.

    The seal is added or refreshed first. An existing signature of the same
    Unterzeichnung is replaced; the others are kept and stay valid. Pass a
    loaded key (:func:`load_private_key`) when signing many documents.
    """
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        key = load_private_key(key)
    method = _check_key(key)
    certificate = load_certificate(cert)
    if _public_der(certificate.public_key()) != _public_der(key.public_key()):
        raise RatsdokError(Problem("the certificate does not belong to the private key", file=name))
    # A tree to edit in place below: our own parse, or a copy of the caller's.
    if isinstance(source, ParsedDocument):
        doc = seal_document(source, name=name)
    else:
        doc = seal_document(parse_document(source, source=name), name=name, copy=False)
    count = len(doc.nachricht.vorlage.unterzeichnungen)
    if not 1 <= unterzeichnung <= count:
        raise InvalidDocumentError(
            Problem(
                f"Unterzeichnung {unterzeichnung} does not exist; the Vorlage has {count}",
                file=name,
            )
        )
    root = doc.tree.getroot()
    vorlage = vorlage_element(root, source=name)
    inhalt = vorlage.getparent()
    assert inhalt is not None
    sig_id = f"signatur-{unterzeichnung}"
    signaturen = inhalt.find(Q + "signaturen")
    if signaturen is None:
        # signaturen follows the seal and its time stamp, if there is one
        vorher = inhalt.find(Q + "zeitstempel")
        if vorher is None:
            vorher = inhalt.find(Q + "pruefsumme")
        assert vorher is not None
        signaturen = etree.Element(Q + "signaturen", nsmap={"ratsdok": NAMESPACE})
        signaturen.text = "\n      "
        signaturen.tail = vorher.tail
        vorher.tail = "\n    "
        vorher.addnext(signaturen)
        signaturen.tail = "\n  "
    old = [s for s in signaturen if s.tag == D + "Signature" and s.get("Id") == sig_id]

    sig = etree.Element(D + "Signature", {"Id": sig_id}, nsmap={"ds": DS})
    info = _sub(sig, "SignedInfo")
    _sub(info, "CanonicalizationMethod", Algorithm=C14N_EXC)
    _sub(info, "SignatureMethod", Algorithm=method)
    value = _sub(sig, "SignatureValue")
    x509data = _sub(_sub(sig, "KeyInfo"), "X509Data")
    for c in [certificate, *(chain or [])]:
        _sub(x509data, "X509Certificate").text = base64.b64encode(
            c.public_bytes(serialization.Encoding.DER)
        ).decode("ascii")
    obj = _sub(sig, "Object", Id=sig_id + "-bindung")
    prop = _sub(_sub(obj, "SignatureProperties"), "SignatureProperty", Target="#" + sig_id)
    nummer = etree.SubElement(prop, Q + "unterzeichnungsnummer", nsmap={"ratsdok": NAMESPACE})
    nummer.text = str(unterzeichnung)

    if old:
        sig.tail = old[0].tail
        signaturen.replace(old[0], sig)
    else:
        last = signaturen[-1] if len(signaturen) else None
        if last is not None:
            last.tail = "\n      "
        signaturen.append(sig)
        sig.tail = "\n    "
    # Digests and SignedInfo are computed in place (exclusive C14N: context-free anyway).
    _reference(info, "#" + (vorlage.get("id") or ""), _digest(vorlage), None)
    _reference(info, "#" + sig_id + "-bindung", _digest(obj), OBJECT_TYPE)
    value.text = base64.b64encode(_signature_value(key, _c14n(info))).decode("ascii")
    return serialize(root)
