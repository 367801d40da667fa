"""Signing a PDF ratsdok made, with PAdES, after proving its pages.

ratsdok signs only what it can vouch for: a bundle whose pages are proven
(identical to what ratsdok builds from its embedded, verified ratsdok.xml) or
already signed, or a rendered Vorlage identical to a fresh rendering of the
Vorlage given beside it. The signature goes into the field the layout keeps
for the Unterzeichnung (:func:`ratsdok.pdf.render.signaturfelder`), and the
signed file is checked against the PDF/A (and PDF/UA) levels it claims.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pikepdf
from cryptography import x509

from ratsdok._types import TrustSource
from ratsdok.errors import InvalidDocumentError, Problem
from ratsdok.integrity.bindung import names_match
from ratsdok.integrity.trust import trust_pem
from ratsdok.integrity.verify import signature_marks
from ratsdok.model.vorlage import Vorlage
from ratsdok.pdf.ansicht import tabellen_ohne_kopf
from ratsdok.pdf.extraction import embedded_files
from ratsdok.pdf.names import XML_NAME
from ratsdok.pdf.render import render, signaturfelder
from ratsdok.pdf.seiten import content_bytes
from ratsdok.pdf.signieren import Unterzeichner, sign_field
from ratsdok.pdf.validation import Profil, gate, gate_tagged, signature_problems
from ratsdok.report import Status
from ratsdok.verification.documents import pages_proven, signature_fields
from ratsdok.verification.pades import base_length, check_pades, has_signatures
from ratsdok.xml.mapping import parse_document

__all__ = ["sign_pdf"]

_BAD_PAGES = frozenset({Status.FAILED, Status.UNCHECKED})


def _claimed(data: bytes) -> list[Profil]:
    with (
        pikepdf.open(io.BytesIO(data)) as pdf,
        pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta,
    ):
        part, level = meta.get("pdfaid:part"), meta.get("pdfaid:conformance")
        ua = meta.get("pdfuaid:part") == "1"
    out: list[Profil] = []
    if part in ("2", "3") and level in ("A", "B", "U"):
        out.append(f"{part}{level.lower()}")  # type: ignore[arg-type]
    if ua:
        out.append("ua1")
    return out


def _first_page_content(data: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return content_bytes(pdf.pages[0]) if pdf.pages else b""


def sign_pdf(
    data: bytes,
    unterzeichner: Unterzeichner,
    unterzeichnung: int,
    *,
    vorlage_xml: bytes | None = None,
    name: str = "<bytes>",
    trust: TrustSource = None,
    tsa: str | None = None,
    crl: Sequence[bytes] = (),
) -> bytes:
    """Sign Unterzeichnung *unterzeichnung* (1-based) of the bundle or rendered
    Vorlage *data* with PAdES; return the signed PDF.

    A bundle carries its ratsdok.xml; a rendered Vorlage needs it as
    *vorlage_xml*. *trust* (CA certificates) decides which signed blocks the pages
    may mark as signed, and anchors the chain for B-LT (*crl*). *tsa* adds an RFC
    3161 time stamp (B-T). Raises an :class:`~ratsdok.errors.InvalidDocumentError`
    when the pages cannot be proven, the block does not exist or is signed, or the
    signed file would not conform to what it claims.
    """
    base = data
    if has_signatures(data):
        pades, _notes = check_pades(data, None, trust=trust)
        broken = [p.feld for p in pades if p.check.status in (Status.INVALID, Status.CHANGED)]
        if broken:
            raise InvalidDocumentError(
                Problem(f"the PDF's signature {', '.join(broken)} does not verify", file=name)
            )
        revisions = [p.revision for p in pades if p.revision > 0]
        if revisions:
            base = data[: base_length(data, min(revisions))]
    if XML_NAME in embedded_files(data, name=name):
        report, marks = pages_proven(data, trust=trust, name=name)
        bad = [c for c in report.checks if c.status in _BAD_PAGES]
        if bad or marks is None:
            raise InvalidDocumentError(
                Problem(
                    "ratsdok signs only a bundle whose pages it can prove: "
                    + "; ".join(f"{c.label}: {c.status.value}: {c.reason}" for c in bad),
                    file=name,
                )
            )
        v = report.vorlage
        found_fields = signature_fields(v, marks, _first_page_content(base))
        if found_fields is None:
            raise InvalidDocumentError(
                Problem("the bundle's first page is not the rendered Vorlage", file=name)
            )
        felder = found_fields
    else:
        if vorlage_xml is None:
            raise InvalidDocumentError(
                Problem(
                    f"no embedded {XML_NAME}: give the Vorlage this PDF was rendered from "
                    "(--vorlage)",
                    file=name,
                )
            )
        doc = parse_document(vorlage_xml)
        v = doc.nachricht.vorlage
        found = None
        for marks in ({}, signature_marks(doc, trust=trust) if trust_pem(trust) else {}):
            # Typst ends the file without a line break; signing adds one (see sign_field)
            if render(v, signiert=marks).rstrip(b"\r\n") == base.rstrip(b"\r\n"):
                found = marks
                break
        if found is None:
            raise InvalidDocumentError(
                Problem(
                    "the PDF is not what ratsdok renders of this Vorlage (with this version "
                    "and trust): ratsdok signs only pages it can prove",
                    file=name,
                )
            )
        felder = signaturfelder(v, signiert=found)
    feld = next((f for f in felder if f.nummer == unterzeichnung), None)
    if feld is None:
        raise InvalidDocumentError(
            Problem(
                f"the Vorlage has {len(v.unterzeichnungen)} Unterzeichnung(en); there is no "
                f"number {unterzeichnung}",
                field="unterzeichnung",
            )
        )
    _check_signer(v, unterzeichnung, unterzeichner.cert, name)
    signed = sign_field(
        data,
        unterzeichner,
        feld,
        felder=felder,
        namen=_namen(v),
        tsa=tsa,
        crl=crl,
        trust=_trust_certs(trust),
    )
    problems = signature_problems(signed)
    if problems:
        raise InvalidDocumentError(
            [Problem(f"the signed {v.nummer}: {p}", file=name) for p in problems]
        )
    profile = _claimed(data)
    if "ua1" in profile:
        gate_tagged(signed, profile, what=f"the signed {v.nummer}", ohne_kopf=tabellen_ohne_kopf(v))
    else:
        gate(signed, profile, what=f"the signed {v.nummer}")
    return signed


def _namen(v: Vorlage) -> dict[int, str]:
    return {
        n: ", ".join(x for x in (u.name, u.funktion) if x)
        for n, u in enumerate(v.unterzeichnungen, 1)
    }


def _trust_certs(trust: TrustSource) -> list[x509.Certificate]:
    pem = trust_pem(trust)
    return x509.load_pem_x509_certificates(pem) if pem else []


def _check_signer(v: Vorlage, n: int, cert: x509.Certificate, name: str) -> None:
    """Refuse a certificate that names someone else than the block (``verify``
    would call the signature wrong-signer)."""
    u = v.unterzeichnungen[n - 1]
    if not names_match(u.name, cert.subject, u.funktion):
        raise InvalidDocumentError(
            Problem(
                f"the certificate ({cert.subject.rfc4514_string()}) does not name {u.name}, "
                f"{u.funktion}, who is printed in Unterzeichnung {n}",
                field="cert",
            )
        )
