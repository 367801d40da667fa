"""RFC 3161 time stamps ("Zeitstempel") over the seal.

A time stamp authority (TSA) signs a SHA-256 digest together with the time. The
digest ratsdok sends is the seal's: the 32 bytes whose base64 form is the
``DigestValue`` of ``pruefsumme`` (SHA-256 of the exclusive C14N of the
Vorlage). The DER ``TimeStampToken`` (a CMS ContentInfo whose SignedData holds a
TSTInfo) is stored as ``nachrichteninhalt/zeitstempel`` (format 1.2.0); see
``docs/xml-format.md``.

Requests go through pyHanko's HTTP client (aiohttp; proxy variables of the
environment are not used) with a random nonce; ratsdok checks the answer itself
(granted, the nonce, SHA-256, the imprint, the TSA's signature) before anything
is written. Verifying never goes to the network: the TSA's certificate must come
with the token and chain to a CA given as trust.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import logging
import math
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit

from asn1crypto import cms, tsp  # type: ignore[import-untyped,unused-ignore]
from cryptography import x509

from ratsdok.errors import Problem, ZeitstempelError
from ratsdok.report import Check, Kind, Status

__all__ = [
    "TSA_TIMEOUT",
    "Zeitstempel",
    "check_token",
    "read_token",
    "request_token",
]

TSA_TIMEOUT: Final = 10.0
"""Seconds to wait for a TSA's answer."""

_SHA256: Final = "sha256"
_T = TypeVar("_T")

# pyHanko logs failed path building and imprint mismatches with tracebacks. ratsdok
# reports them as checks; without a handler Python's last-resort handler would print
# them on stderr, between the lines of the report.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


@dataclass(frozen=True, slots=True)
class Zeitstempel:
    """What a token states, read without checking it."""

    zeit: datetime
    """The time the TSA states (``genTime``), in UTC."""
    imprint: bytes
    """The digest the token covers."""
    algorithm: str
    """The digest algorithm of the imprint ("sha256")."""
    tsa: str | None
    """Subject of the certificate that signed the token (RFC 4514), if it carries one."""

    @property
    def zeit_text(self) -> str:
        """The time as ``2026-11-28T08:53:43Z`` (fractions only when the TSA gives them)."""
        return self.zeit.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _signed_data(der: bytes) -> Any:
    info = cms.ContentInfo.load(der, strict=True)
    if info["content_type"].native != "signed_data":
        raise ValueError("not CMS SignedData")
    signed = info["content"]
    if signed["encap_content_info"]["content_type"].native != "tst_info":
        raise ValueError("the SignedData does not hold a TSTInfo")
    return signed


def _tsa_certificate(signed: Any) -> x509.Certificate | None:
    """The certificate the SignerInfo names (by issuer and serial), if the token has it."""
    infos = signed["signer_infos"]
    if len(infos) != 1:
        return None
    sid = infos[0]["sid"].chosen
    if not isinstance(sid, cms.IssuerAndSerialNumber):
        return None
    for choice in signed["certificates"] or ():
        cert = choice.chosen
        if (
            isinstance(cert, cms.Certificate)
            and cert.issuer.dump() == sid["issuer"].dump()
            and cert.serial_number == sid["serial_number"].native
        ):
            return x509.load_der_x509_certificate(cert.dump())
    return None


def read_token(der: bytes) -> Zeitstempel:
    """Read what the token *der* states; ``ValueError`` when it is no TimeStampToken."""
    try:
        signed = _signed_data(der)
        tst = signed["encap_content_info"]["content"].parsed
        if not isinstance(tst, tsp.TSTInfo):
            raise ValueError("the SignedData does not hold a TSTInfo")
        imprint = tst["message_imprint"]
        cert = _tsa_certificate(signed)
        zeit = tst["gen_time"].native
        subject = None if cert is None else cert.subject.rfc4514_string()
        return Zeitstempel(
            zeit=zeit,
            imprint=bytes(imprint["hashed_message"].native),
            algorithm=str(imprint["hash_algorithm"]["algorithm"].native),
            tsa=subject,
        )
    except ValueError:
        raise
    except (TypeError, KeyError, AttributeError, IndexError, OverflowError) as exc:
        # asn1crypto parses lazily and lets these through on damaged input
        raise ValueError(f"damaged ASN.1 ({type(exc).__name__}: {exc})") from None


def _run(make: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
    """Run a pyHanko coroutine from synchronous code, also when the caller's
    thread already runs an event loop (then in a thread of its own)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def request_token(digest: bytes, url: str, *, timeout: float = TSA_TIMEOUT) -> bytes:
    """A time stamp token over the SHA-256 *digest* from the TSA at *url*, as DER.

    Raises :class:`~ratsdok.errors.ZeitstempelError` naming *url* when the TSA
    cannot be reached within *timeout* seconds, refuses, or answers with anything
    but a token over *digest* that its own certificate verifies (nonce, imprint,
    signature). Whether the TSA is trusted is for :func:`check_token` to say.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        why = f"{url!r} is not an http:// or https:// URL of a time stamp authority"
        raise ZeitstempelError(Problem(why, field="tsa"))
    if not 0 < timeout < math.inf:  # also refuses NaN
        why = f"the timeout must be a positive number of seconds, not {timeout}"
        raise ZeitstempelError(Problem(why, field="tsa_timeout"))
    if len(digest) != 32:
        raise ValueError("a SHA-256 digest has 32 bytes")
    from pyhanko.sign.timestamps import (  # type: ignore[import-untyped,unused-ignore]
        HTTPTimeStamper,
        TimestampRequestError,
    )

    def fail(why: str) -> ZeitstempelError:
        return ZeitstempelError(Problem(f"time stamp authority {url}: {why}", field="tsa"))

    stamper: Any = HTTPTimeStamper(url, timeout=timeout)
    nonce, query = stamper.request_cms(digest, _SHA256)  # with a random nonce
    try:
        answer = _run(lambda: stamper.async_request_tsa_response(query))
    except TimestampRequestError as exc:
        # pyHanko wraps connection errors, timeouts, HTTP errors and a wrong content
        # type; the cause says which.
        cause = exc.__cause__
        if isinstance(cause, TimeoutError):
            why = f"no answer within {timeout:g} s"
        elif cause is not None:
            why = f"no usable answer ({type(cause).__name__}: {cause})"
        else:
            why = str(exc)
        raise fail(why) from None
    try:
        der = _token_of(answer, nonce)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError) as exc:
        # asn1crypto parses lazily and fails in many ways on garbage
        raise fail(f"the answer is not an RFC 3161 time stamp response ({exc})") from None
    except ZeitstempelError as exc:
        raise fail(exc.problems[0].message) from None
    check = check_token(der, digest, trust=None)
    if check.status is not Status.UNTRUSTED:  # untrusted is all a check without trust can say
        raise fail(f"the token it sent is not usable: {check.reason}")
    return der


def _token_of(answer: Any, nonce: int) -> bytes:
    """The DER token of a granted TimeStampResp *answer* to the request with *nonce*.

    The nonce is checked here rather than by pyHanko (its message for a wrong
    nonce fails in 0.38): an answer to another request, replayed or misdirected,
    is refused.
    """
    status = answer["status"]
    if status["status"].native not in ("granted", "granted_with_mods"):
        said = "; ".join(status["status_string"].native or []) or "no reason given"
        failed = ", ".join(status["fail_info"].native or []) or "none"
        raise ZeitstempelError(f"refused the request: {said} (failInfo: {failed})")
    token = answer["time_stamp_token"]
    received = token["content"]["encap_content_info"]["content"].parsed["nonce"].native
    if received != nonce:
        raise ZeitstempelError(
            f"the answer carries nonce {received}, the request sent {nonce}: it does not "
            "answer this request"
        )
    return bytes(token.dump())


def _b64(digest: bytes) -> str:
    """A digest as the seal writes it (base64), so the two lines of a report compare."""
    return base64.b64encode(digest).decode("ascii")


def _trust_roots(trust: bytes) -> list[Any]:
    from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped,unused-ignore]
    from cryptography.hazmat.primitives import serialization

    return [
        asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
        for c in x509.load_pem_x509_certificates(trust)
    ]


_EXPIRED_INDICATIONS: Final = frozenset(
    {"EXPIRED", "NOT_YET_VALID", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED"}
)


def check_token(der: bytes, digest: bytes, *, trust: bytes | None) -> Check:
    """The verdict on the token *der* over the SHA-256 *digest* (the Vorlage's now).

    *trust* is a PEM bundle of CA certificates (None: no trust given; the token
    is then at best ``untrusted``). Statuses: ``valid`` (intact, covers *digest*,
    the TSA chains to a trusted CA), ``untrusted``, ``expired`` (the TSA's
    certificate is outside its validity period now), ``broken`` (intact, but over
    another digest: the Vorlage was changed after it was stamped) and ``invalid``
    (unreadable, not SHA-256, or the TSA's signature does not verify). No network.
    """
    from pyhanko.sign.validation.errors import (  # type: ignore[import-untyped,unused-ignore]
        SignatureValidationError,
    )
    from pyhanko.sign.validation.generic_cms import (  # type: ignore[import-untyped,unused-ignore]
        validate_tst_signed_data,
    )
    from pyhanko_certvalidator import ValidationContext

    def verdict(status: Status, reason: str) -> Check:
        return Check(Kind.ZEITSTEMPEL, "zeitstempel", status, reason)

    try:
        stamp = read_token(der)
        signed = _signed_data(der)
    except ValueError as exc:
        return verdict(Status.INVALID, f"not an RFC 3161 time stamp token: {exc}")
    if stamp.algorithm != _SHA256:
        return verdict(
            Status.INVALID, f"the token covers a {stamp.algorithm} digest; ratsdok requires SHA-256"
        )
    if stamp.tsa is None:
        return verdict(Status.INVALID, "the token does not carry its TSA's certificate")
    roots = _trust_roots(trust) if trust else []
    # trust_roots=[] (not None): None would fall back to the system's TLS roots.
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        found = _run(
            lambda: validate_tst_signed_data(signed, context, lambda _algorithm: stamp.imprint)
        )
    except (SignatureValidationError, ValueError, TypeError, KeyError, AttributeError) as exc:
        return verdict(Status.INVALID, f"the token cannot be verified: {exc}")
    if not (found.get("intact") and found.get("valid")):
        return verdict(Status.INVALID, "the TSA's signature over the token does not verify")
    cert = _tsa_certificate(signed)
    assert cert is not None  # read_token found it
    if not cert.not_valid_before_utc <= stamp.zeit <= cert.not_valid_after_utc:
        return verdict(
            Status.INVALID, "the token's time lies outside the validity of the TSA's certificate"
        )
    when = f"time stamp of {stamp.zeit_text} by {stamp.tsa}"
    if stamp.imprint != digest:
        return verdict(
            Status.BROKEN,
            f"the Vorlage was changed after it was stamped: the {when} covers SHA-256 "
            f"{_b64(stamp.imprint)}, the Vorlage now has {_b64(digest)}",
        )
    problem = found.get("trust_problem_indic")
    if not roots:
        return verdict(Status.UNTRUSTED, f"{when}: intact, but no trusted CA was given")
    if problem is None:
        return verdict(
            Status.VALID,
            f"{when}; it covers the seal's SHA-256, and the TSA chains to a trusted certificate",
        )
    indication = str(getattr(problem, "name", problem))
    if indication in _EXPIRED_INDICATIONS:
        return verdict(
            Status.EXPIRED, f"{when}: intact, but the TSA's certificate is outside its validity"
        )
    if indication == "NO_CERTIFICATE_CHAIN_FOUND":
        why = "the TSA does not chain to a trusted CA"
    else:  # e.g. a chain whose TSA certificate lacks the timeStamping key usage
        why = f"the TSA's certificate is not accepted ({indication})"
    return verdict(Status.UNTRUSTED, f"{when}: intact, but {why}")
