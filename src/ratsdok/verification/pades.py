"""Verifying the PAdES signatures of a PDF (pyHanko), offline.

Each signature gets a :class:`~ratsdok.report.Check` of kind ``pades`` with
the same vocabulary as an XML signature: ``valid`` (intact, trusted, by the
person printed in its "gez." block, and nothing changed after it but what a
later signature or a document security store may add), ``untrusted``,
``expired``, ``wrong-signer`` or ``invalid`` (with pyHanko's reason).
Revocation is checked only from the document security store (B-LT); without
one a note says it was not checked. Nothing is fetched from the network.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ratsdok._types import TrustSource
from ratsdok.integrity.bindung import Bindungen
from ratsdok.integrity.trust import trust_pem
from ratsdok.model.vorlage import Vorlage
from ratsdok.report import Check, Kind, Signer, Status

__all__ = ["PadesSignatur", "base_length", "check_pades", "has_signatures"]

_FELD = re.compile(r"Unterzeichnung([1-9][0-9]{0,3})")
_DER = serialization.Encoding.DER


@dataclass(frozen=True, slots=True)
class PadesSignatur:
    """The verdict on one PAdES signature and where it sits in the file."""

    check: Check
    feld: str
    """The signature field's name (``Unterzeichnung1``)."""
    nummer: int | None
    """The Unterzeichnung the field belongs to, if it is one of ratsdok's fields."""
    revision: int
    """The revision (0-based) the signature signs, its own included; -1 where the
    file could not be read that far."""
    unveraendert: bool
    """Whether the file after this signature holds only permitted additions
    (further signatures, a document security store)."""
    feld_id: tuple[int, int] | None = None
    """Object number and generation of the signature field pyHanko validated: a
    widget is this signature's only where it is this very object."""
    cert_der: bytes = b""
    """The signer's certificate (DER), to tell one person signing two blocks."""


def has_signatures(data: bytes) -> bool:
    """Whether *data* (a PDF) has a signature dictionary, filled or empty field."""
    return b"/Sig" in data and b"/ByteRange" in data


def _context(trust: TrustSource, dss: Any, hard: bool) -> Any:
    from asn1crypto import pem as asn1_pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator import ValidationContext

    roots = []
    pem = trust_pem(trust)
    if pem is not None:
        for _type, _headers, der in asn1_pem.unarmor(pem, multiple=True):
            roots.append(asn1_x509.Certificate.load(der))
    kwargs: dict[str, Any] = {
        "trust_roots": roots,
        "allow_fetching": False,
        "revocation_mode": "require" if hard else "soft-fail",
    }
    if dss is not None:  # revocation data from the file only
        return dss.as_validation_context(kwargs)
    return ValidationContext(**kwargs)


def _read_dss(reader: Any) -> Any:
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError

    try:
        return DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return None


def check_pades(
    data: bytes,
    vorlage: Vorlage | None,
    *,
    trust: TrustSource = None,
    bindung: Bindungen | None = None,
) -> tuple[list[PadesSignatur], list[str]]:
    """The verdict on every signature of *data*, in signing order, and notes on
    what was not checked. *vorlage* gives the printed names the signers must match."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        dss = _read_dss(reader)
        sigs = list(reader.embedded_signatures)
    except Exception as exc:  # pyHanko reports a damaged file in many ways
        why = f"the PDF cannot be read for its signatures: {type(exc).__name__}: {exc}"
        check = Check(Kind.PADES, "PAdES-Signaturen", Status.INVALID, why)
        return [PadesSignatur(check, "", None, -1, False)], []
    tail = _tail_problem(data, reader)
    if tail is not None:  # other readers would see another file than pyHanko checks
        check = Check(Kind.PADES, "PAdES-Signaturen", Status.INVALID, tail)
        return [PadesSignatur(check, "", None, -1, False)], []
    notes: list[str] = []
    if dss is None:
        notes.append(
            "PAdES: no revocation data in the PDF (level B-B/B-T): whether a signer's "
            "certificate was revoked is not checked"
        )
    out: list[PadesSignatur] = []
    ok_levels = {
        ModificationLevel.NONE,
        ModificationLevel.LTA_UPDATES,
        ModificationLevel.FORM_FILLING,
    }
    for sig in sigs:
        m = _FELD.fullmatch(sig.field_name or "")
        nummer = int(m.group(1)) if m else None
        u = (
            vorlage.unterzeichnungen[nummer - 1]
            if vorlage is not None
            and nummer is not None
            and nummer <= len(vorlage.unterzeichnungen)
            else None
        )
        label = f"PAdES-Signatur {sig.field_name}"
        try:
            status = validate_pdf_signature(sig, _context(trust, dss, dss is not None))
        except Exception as exc:  # pyHanko signals a broken container in many ways
            check = Check(Kind.PADES, label, Status.INVALID, f"cannot be validated: {exc}")
            out.append(PadesSignatur(check, sig.field_name, nummer, sig.signed_revision, False))
            continue
        ref = getattr(sig.sig_field, "container_ref", None)
        feld_id = (int(ref.idnum), int(ref.generation)) if ref is not None else None
        cert = x509.load_der_x509_certificate(status.signing_cert.dump())
        subject = cert.subject.rfc4514_string()
        signer = Signer(nummer, u.name if u else None, u.funktion if u else None, subject)
        unveraendert = status.modification_level in ok_levels and status.docmdp_ok is not False
        if not (status.intact and status.valid):
            st, why = Status.INVALID, "the signature does not match the signed bytes"
        elif not unveraendert:
            st, why = (
                Status.CHANGED,
                f"the file was changed after this signature "
                f"({status.modification_level.name if status.modification_level else 'unknown'}): "
                "more than a later signature or revocation data may add",
            )
        elif nummer is None or u is None:
            st, why = Status.UNLISTED, "not in a field of an Unterzeichnung of this Vorlage"
        elif not status.trusted:
            expired = (
                not (
                    cert.not_valid_before_utc
                    <= status.signer_reported_dt
                    <= cert.not_valid_after_utc
                )
                if status.signer_reported_dt
                else False
            )
            if expired:
                st, why = Status.EXPIRED, "the certificate was not valid at the time of signing"
            elif trust_pem(trust) is None:
                st, why = Status.UNTRUSTED, "intact; no trusted CA given (--trust)"
            else:
                revoked = any("revoked" in str(e).lower() for e in _errors(status))
                st, why = (
                    (Status.INVALID, "the certificate is revoked (revocation data in the PDF)")
                    if revoked
                    else (
                        Status.UNTRUSTED,
                        "intact, but the certificate does not chain to a trusted CA",
                    )
                )
        elif (other := _same_certificate(out, cert, nummer)) is not None:
            st, why = (
                Status.WRONG_SIGNER,
                f"the same certificate already signs Unterzeichnung {other}: one person "
                "cannot be two printed signers",
            )
        elif not (bindung or Bindungen()).binds(cert, u.name, u.funktion):
            st, why = (
                Status.WRONG_SIGNER,
                f"valid and trusted, but the certificate names someone other than {u.name}, "
                f"{u.funktion}",
            )
        else:
            st = Status.VALID
            why = "signature verified; the certificate chains to a trusted CA"
            if status.timestamp_validity is not None:
                ts = status.timestamp_validity
                why += (
                    f"; time stamp of {ts.timestamp:%Y-%m-%d %H:%M:%S} UTC"
                    if ts.intact and ts.valid and ts.trusted
                    else "; the time stamp does not verify"
                )
                if not (ts.intact and ts.valid and ts.trusted):
                    st = Status.INVALID
        out.append(
            PadesSignatur(
                Check(Kind.PADES, label, st, why, signer=signer),
                sig.field_name,
                nummer,
                sig.signed_revision,
                unveraendert and status.intact and status.valid,
                feld_id,
                cert.public_bytes(_DER),
            )
        )
    return out, notes


def _same_certificate(
    done: list[PadesSignatur], cert: x509.Certificate, nummer: int | None
) -> int | None:
    """The other Unterzeichnung an earlier signature with *cert* is bound to, if any."""
    der = cert.public_bytes(_DER)
    return next(
        (p.nummer for p in done if p.cert_der == der and p.nummer not in (None, nummer)), None
    )


def _tail_problem(data: bytes, reader: Any) -> str | None:
    """Why the end of *data* is read differently by pyHanko (back from the last
    ``%%EOF`` line) and by qpdf, poppler and viewers (from the last ``startxref``),
    or None. Anything after the last revision pyHanko sees would be invisible to
    the signature check but shown by a viewer."""
    last = data.rfind(b"startxref")
    eof = data.rfind(b"%%EOF")
    if last < 0 or eof < last or data[eof + 5 :].strip(b"\r\n\x00 \t\f"):
        return "bytes follow the last %%EOF line, or it has no startxref before it"
    try:
        declared = int(data[last + 9 : eof].split()[0])
        used = reader.xrefs.get_startxref_for_revision(reader.xrefs.total_revisions - 1)
    except (ValueError, IndexError):
        return "the last startxref cannot be read"
    if declared != used:
        return f"the last startxref ({declared}) is not the revision pyHanko checked ({used})"
    return None


def _errors(status: Any) -> list[Any]:
    err = getattr(status, "trust_problem_indic", None)
    return [err] if err is not None else []


def base_length(data: bytes, revisionen: int) -> int:
    """The length of the first *revisionen* revisions of *data*: up to and including
    the ``%%EOF`` line closing revision *revisionen* - 1."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        start = reader.xrefs.get_startxref_for_revision(revisionen - 1)
    except Exception:  # a damaged file: judge it whole
        return len(data)
    end = data.find(b"%%EOF", start)
    if end < 0:
        return len(data)
    end += len(b"%%EOF")
    while end < len(data) and data[end : end + 1] in (b"\r", b"\n"):
        end += 1
    return end
