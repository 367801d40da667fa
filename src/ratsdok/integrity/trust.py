"""Trust anchors: the CA certificates signer certificates must chain to."""

from __future__ import annotations

import os
from collections.abc import Sequence

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ratsdok._types import PathLike, TrustSource
from ratsdok.errors import Problem, RatsdokError
from ratsdok.store.files import read_bytes

__all__ = ["trust_pem"]

_MAX_CERT_FILE = 10 * 1024 * 1024


def trust_pem(trust: TrustSource) -> bytes | None:
    """The CA certificates of *trust* as one PEM bundle (None when none are given).

    Each item is a path or bytes, PEM (one or several certificates) or DER.
    """
    if trust is None:
        return None
    items: Sequence[PathLike | bytes] = (
        [trust] if isinstance(trust, str | bytes | os.PathLike) else trust
    )
    if not items:
        return None
    out = []
    for item in items:
        data = item if isinstance(item, bytes) else read_bytes(item, max_bytes=_MAX_CERT_FILE)
        where = "<bytes>" if isinstance(item, bytes) else str(item)
        try:
            if b"-----BEGIN CERTIFICATE-----" in data:
                x509.load_pem_x509_certificates(data)
            else:
                data = x509.load_der_x509_certificate(data).public_bytes(serialization.Encoding.PEM)
        except ValueError:
            raise RatsdokError(Problem("not an X.509 CA certificate", file=where)) from None
        out.append(data.strip() + b"\n")
    return b"".join(out)
