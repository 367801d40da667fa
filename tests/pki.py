"""A tiny test PKI made with cryptography: a CA, signer certificates and a TSA."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class Identity:
    """A key and its certificate."""

    key: PrivateKey
    cert: x509.Certificate

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def write(self, folder: Path, stem: str) -> tuple[Path, Path]:
        key, cert = folder / f"{stem}.key", folder / f"{stem}.pem"
        key.write_bytes(self.key_pem)
        cert.write_bytes(self.cert_pem)
        return key, cert


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Landratsamt Wartburgkreis"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


NOW = dt.datetime.now(dt.UTC)


def make_ca(cn: str = "ratsdok Test-CA") -> Identity:
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(_name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return Identity(key, cert)


def make_signer(
    ca: Identity,
    cn: str,
    *,
    ecdsa: bool = False,
    key: PrivateKey | None = None,
    days: tuple[int, int] = (-1, 365),
    extended_key_usage: Sequence[x509.ObjectIdentifier] = (),
) -> Identity:
    if key is None:
        key = (
            ec.generate_private_key(ec.SECP256R1())
            if ecdsa
            else rsa.generate_private_key(public_exponent=65537, key_size=3072)
        )
    ca_ski = ca.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW + dt.timedelta(days=days[0]))
        .not_valid_after(NOW + dt.timedelta(days=days[1]))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
    )
    if extended_key_usage:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage(list(extended_key_usage)), critical=True
        )
    return Identity(key, builder.sign(ca.key, hashes.SHA256()))


def make_tsa(ca: Identity, cn: str = "ratsdok Test-TSA") -> Identity:
    """A time stamp authority: extendedKeyUsage timeStamping, critical (RFC 3161
    section 2.3; OpenSSL and pyHanko both require it)."""
    return make_signer(ca, cn, extended_key_usage=[ExtendedKeyUsageOID.TIME_STAMPING])


@functools.cache
def pki() -> dict[str, Identity]:
    """One test PKI per session: CA, RSA and ECDSA signers, a foreign CA's signer, a TSA."""
    ca = make_ca()
    other = make_ca("Fremde Test-CA")
    return {
        "ca": ca,
        "landrat": make_signer(ca, "Krebs, Landrat"),
        "beigeordneter": make_signer(ca, "Rosenstengel, Kreisbeigeordneter", ecdsa=True),
        "fremd": make_signer(other, "Mallory, Fälscher"),
        "abgelaufen": make_signer(ca, "Alt, Landrat", ecdsa=True, days=(-30, -1)),
        "tsa": make_tsa(ca),
        # PAdES signs with RSA only (ECDSA makes pyHanko declare PDF 2.0)
        "beigeordneter_rsa": make_signer(ca, "Rosenstengel, Kreisbeigeordneter"),
        "widerrufen": make_signer(ca, "Krebs, Landrat"),
    }


def make_crl(ca: Identity, revoked: list[x509.Certificate]) -> bytes:
    """A DER CRL of *ca* listing *revoked*, valid from yesterday for a week."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.cert.subject)
        .last_update(NOW - dt.timedelta(days=1))
        .next_update(NOW + dt.timedelta(days=7))
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
                ca.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
            ),
            critical=False,
        )
    )
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(NOW - dt.timedelta(hours=12))
            .build()
        )
    assert isinstance(ca.key, rsa.RSAPrivateKey)
    return builder.sign(ca.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
