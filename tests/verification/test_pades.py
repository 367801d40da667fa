"""PAdES in verify and sign-pdf: a status for every page, signatures bound to
their blocks, removal and later changes detected, exit codes."""

from __future__ import annotations

import functools
import io
from pathlib import Path

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ratsdok.cli import main
from ratsdok.errors import InvalidDocumentError, RatsdokError
from ratsdok.pdf.bundling import build_bundle
from ratsdok.pdf.render import render_pdf, signaturfelder
from ratsdok.pdf.signieren import Unterzeichner, sign_field
from ratsdok.report import Kind, Status
from ratsdok.store.files import load
from ratsdok.verification import verify
from ratsdok.verification.signing import sign_pdf
from tests.conftest import EXAMPLE_DIR, EXAMPLE_XML, mutate_bytes
from tests.pki import make_crl, make_signer, pki


def _signer(key: str) -> Unterzeichner:
    p = pki()
    return Unterzeichner(p[key].key, p[key].cert, (p["ca"].cert,))  # type: ignore[arg-type]


def _ca() -> list[bytes]:
    return [pki()["ca"].cert_pem]


@pytest.fixture(scope="module")
def bundle() -> bytes:
    return build_bundle(load(EXAMPLE_XML), EXAMPLE_DIR).data


@pytest.fixture(scope="module")
def signed(bundle: bytes) -> tuple[bytes, bytes]:
    s1 = sign_pdf(bundle, _signer("landrat"), 1, trust=_ca())
    s2 = sign_pdf(s1, _signer("beigeordneter_rsa"), 2, trust=_ca())
    return s1, s2


def _by_kind(report: object, kind: Kind) -> list[object]:
    return [c for c in report.checks if c.kind is kind]  # type: ignore[attr-defined]


def test_unsigned_bundle_pages_are_proven(bundle: bytes) -> None:
    result = verify(bundle, trust=_ca())
    (seiten,) = _by_kind(result, Kind.SEITEN)
    assert seiten.status is Status.PROVEN and seiten.label == "Seiten 1–4"  # type: ignore[attr-defined]
    assert result.ok


def test_two_signatures_every_page_signed(signed: tuple[bytes, bytes]) -> None:
    result = verify(signed[1], trust=_ca())
    assert result.ok, [str(c) for c in result.failures()]
    pades = _by_kind(result, Kind.PADES)
    assert [c.status for c in pades] == [Status.VALID, Status.VALID]  # type: ignore[attr-defined]
    assert [c.signer.unterzeichnung for c in pades] == [1, 2]  # type: ignore[attr-defined]
    (seiten,) = _by_kind(result, Kind.SEITEN)
    assert seiten.status is Status.SIGNED  # type: ignore[attr-defined]
    assert result.title is not None and "KT 0134/2020" in result.title


def test_removing_the_later_signature_is_detected(signed: tuple[bytes, bytes]) -> None:
    """Cutting the file back to the first signature's revision leaves a valid
    signature; the field it signed for block 2 is empty: missing, not OK."""
    s1, s2 = signed
    assert s2.startswith(s1)
    result = verify(s1, trust=_ca())
    (missing,) = [c for c in result.checks if c.status is Status.MISSING]
    assert missing.signer is not None and missing.signer.unterzeichnung == 2
    assert not result.ok


def test_a_changed_byte_in_the_signed_bundle_fails(signed: tuple[bytes, bytes]) -> None:
    data = bytearray(signed[1])
    at = data.find(b"/Title")  # in the signed range, outside any /Contents
    data[at + 8] ^= 0x01
    result = verify(bytes(data), trust=_ca())
    assert not result.ok
    assert any(c.status is Status.INVALID for c in _by_kind(result, Kind.PADES))  # type: ignore[attr-defined]


def test_a_page_replaced_in_a_later_revision_fails(signed: tuple[bytes, bytes]) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(signed[1]))
    page_ref = w.find_page_for_modification(0)[0]
    page = page_ref.get_object()
    forged = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 700 Td (Gefaelscht) Tj ET")
    page["/Contents"] = w.add_object(forged)
    w.update_container(page)
    out = io.BytesIO()
    w.write(out)
    result = verify(out.getvalue(), trust=_ca())
    assert not result.ok
    seiten = _by_kind(result, Kind.SEITEN)
    assert seiten[0].status is Status.FAILED and seiten[0].label == "Seite 1"  # type: ignore[attr-defined]
    assert all(c.status is Status.CHANGED for c in _by_kind(result, Kind.PADES))  # type: ignore[attr-defined]


def test_untrusted_without_trust(signed: tuple[bytes, bytes]) -> None:
    result = verify(signed[1])
    assert {c.status for c in _by_kind(result, Kind.PADES)} == {Status.UNTRUSTED}  # type: ignore[attr-defined]
    assert not result.ok


def test_a_trusted_certificate_for_someone_else_is_wrong_signer(bundle: bytes) -> None:
    v = load(EXAMPLE_XML)
    felder = signaturfelder(v)
    p = pki()
    mallory = make_signer(p["ca"], "Mallory, Landrat")
    signer = Unterzeichner(mallory.key, mallory.cert, (p["ca"].cert,))  # type: ignore[arg-type]
    # sign-pdf refuses it ...
    with pytest.raises(InvalidDocumentError, match="does not name Krebs"):
        sign_pdf(bundle, signer, 1, trust=_ca())
    # ... and verify does not call it valid when made otherwise
    forged = sign_field(bundle, signer, felder[0], felder=felder)
    result = verify(forged, trust=_ca())
    (sig,) = _by_kind(result, Kind.PADES)
    assert sig.status is Status.WRONG_SIGNER  # type: ignore[attr-defined]
    assert not result.ok


def _other_producer(data: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["pdf:Producer"] = "ratsdok 0.0.9 (Typst 0.13.0)"
        buf = io.BytesIO()
        pdf.save(buf, deterministic_id=True)
    return buf.getvalue()


def test_pages_of_another_renderer_version_are_unchecked(bundle: bytes, tmp_path: Path) -> None:
    old = _other_producer(bundle)
    result = verify(old, trust=_ca())
    (seiten,) = _by_kind(result, Kind.SEITEN)
    assert seiten.status is Status.UNCHECKED  # type: ignore[attr-defined]
    assert "0.0.9" in seiten.reason  # type: ignore[attr-defined]
    assert not result.ok and result.unchecked
    f = tmp_path / "alt.pdf"
    f.write_bytes(old)
    assert main(["verify", str(f), "--trust", str(_write_ca(tmp_path))]) == 3
    # failure wins over unchecked across files
    bad = tmp_path / "bad.pdf"
    data = bytearray(bundle)
    data[data.find(b"/Title") + 8] ^= 1
    bad.write_bytes(bytes(data))
    assert main(["verify", str(f), str(bad)]) == 1
    # and ratsdok does not sign pages it cannot prove
    with pytest.raises(InvalidDocumentError, match="prove"):
        sign_pdf(old, _signer("landrat"), 1, trust=_ca())


def _write_ca(folder: Path) -> Path:
    ca = folder / "ca.pem"
    ca.write_bytes(pki()["ca"].cert_pem)
    return ca


def test_level_b_lt_embeds_and_checks_revocation_data(bundle: bytes) -> None:
    p = pki()
    crl = make_crl(p["ca"], [p["widerrufen"].cert])
    data = sign_pdf(bundle, _signer("landrat"), 1, trust=_ca(), crl=[crl])
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/DSS" in pdf.Root and len(pdf.Root.DSS.CRLs) == 1
    result = verify(data, trust=_ca())
    assert not any("revocation" in n for n in result.notes)
    assert _by_kind(result, Kind.PADES)[0].status is Status.VALID  # type: ignore[attr-defined]
    # a revoked signer cannot sign at B-LT
    with pytest.raises(RatsdokError, match=r"(?i)revoked|signing failed"):
        sign_pdf(bundle, _signer("widerrufen"), 1, trust=_ca(), crl=[crl])


def test_b_b_names_revocation_as_unchecked(signed: tuple[bytes, bytes]) -> None:
    result = verify(signed[1], trust=_ca())
    assert any("revoked is not checked" in n for n in result.notes)


def test_a_rendered_vorlage_is_signed_against_its_xml(tmp_path: Path) -> None:
    v = load(EXAMPLE_XML)
    pdf = render_pdf(v)
    xml = EXAMPLE_XML.read_bytes()
    data = sign_pdf(pdf, _signer("landrat"), 1, vorlage_xml=xml)
    assert data.startswith(pdf)
    with pytest.raises(InvalidDocumentError, match="--vorlage"):
        sign_pdf(pdf, _signer("landrat"), 1)
    other = xml.replace(b"Legitimation", b"Aufhebung", 1)
    assert other != xml
    with pytest.raises(InvalidDocumentError, match="not what ratsdok renders"):
        sign_pdf(pdf, _signer("landrat"), 1, vorlage_xml=other)


def test_cli_sign_pdf_then_verify(tmp_path: Path, bundle: bytes) -> None:
    p = pki()
    b = tmp_path / "b.pdf"
    b.write_bytes(bundle)
    key, cert = p["landrat"].write(tmp_path, "landrat")
    key2, cert2 = p["beigeordneter_rsa"].write(tmp_path, "beig")
    ca = _write_ca(tmp_path)
    s1, s2 = tmp_path / "s1.pdf", tmp_path / "s2.pdf"
    common = ["--chain", str(ca), "--trust", str(ca)]
    assert main(["sign-pdf", str(b), "--key", str(key), "--cert", str(cert),
                 "--unterzeichnung", "1", "-o", str(s1), *common]) == 0  # fmt: skip
    assert main(["sign-pdf", str(s1), "--key", str(key2), "--cert", str(cert2),
                 "--unterzeichnung", "2", "-o", str(s2), *common]) == 0  # fmt: skip
    assert b.read_bytes() == bundle  # input untouched
    assert main(["verify", str(s2), "--trust", str(ca)]) == 0
    assert main(["verify", str(s1), "--trust", str(ca)]) == 1
    ec_key, ec_cert = p["beigeordneter"].write(tmp_path, "ec")
    assert main(["sign-pdf", str(s1), "--key", str(ec_key), "--cert", str(ec_cert),
                 "--unterzeichnung", "2", "-o", str(tmp_path / "x.pdf")]) == 1  # fmt: skip
    assert not (tmp_path / "x.pdf").exists()


def _report(result: object) -> list[tuple[str, str, str]]:
    return [(c.kind.value, c.label, c.status.value) for c in result.checks]  # type: ignore[attr-defined]


@functools.cache
def _doubly_signed() -> bytes:
    bundle = build_bundle(load(EXAMPLE_XML), EXAMPLE_DIR).data
    s1 = sign_pdf(bundle, _signer("landrat"), 1, trust=_ca())
    return sign_pdf(s1, _signer("beigeordneter_rsa"), 2, trust=_ca())


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_random_byte_mutations_of_a_signed_bundle(data: st.DataObject) -> None:
    """Flip, insert, delete one byte, or cut the file short: a clear ratsdok error,
    or a report that is not OK, or (a change no reader sees, such as the padding
    of a signature value) exactly the honest report."""
    honest = _doubly_signed()
    mutated = mutate_bytes(data, honest)
    try:
        result = verify(mutated, trust=_ca())
    except RatsdokError:
        return
    if result.ok:
        assert _report(result) == _report(verify(honest, trust=_ca()))


def test_level_b_t_time_stamp_is_verified(bundle: bytes, tsa: object) -> None:
    data = sign_pdf(bundle, _signer("landrat"), 1, trust=_ca(), tsa=tsa.url)  # type: ignore[attr-defined]
    (sig,) = _by_kind(verify(data, trust=_ca()), Kind.PADES)
    assert sig.status is Status.VALID  # type: ignore[attr-defined]
    assert "time stamp of" in sig.reason  # type: ignore[attr-defined]


def test_an_unsigned_field_drawn_over_a_signed_page_fails(signed: tuple[bytes, bytes]) -> None:
    """Adding an empty signature field is a change PAdES permits after a signature
    (pyHanko: FORM_FILLING); its appearance would still be seen. Only the look of
    ratsdok's own fields, signed or drawing nothing, is left out of the page check."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    for name in ("Fake", "Unterzeichnung9"):
        w = IncrementalPdfFileWriter(io.BytesIO(signed[1]))
        append_signature_field(w, SigFieldSpec(name, on_page=0, box=(72, 600, 400, 700)))
        widget = next(
            a.get_object() for a in w.root["/AcroForm"]["/Fields"] if a.get_object()["/T"] == name
        )
        look = generic.StreamObject(stream_data=b"0 0 1 rg 0 0 328 100 re f")
        look["/BBox"] = generic.ArrayObject(map(generic.NumberObject, (0, 0, 328, 100)))
        look["/Type"] = generic.NameObject("/XObject")
        look["/Subtype"] = generic.NameObject("/Form")
        widget["/AP"] = generic.DictionaryObject({generic.NameObject("/N"): w.add_object(look)})
        out = io.BytesIO()
        w.write(out)
        result = verify(out.getvalue(), trust=_ca())
        assert not result.ok, name
        first = _by_kind(result, Kind.SEITEN)[0]
        assert (first.label, first.status) == ("Seite 1", Status.FAILED)  # type: ignore[attr-defined]


def test_a_signed_rendered_vorlage_verifies_against_its_xml(tmp_path: Path) -> None:
    import shutil

    import ratsdok

    folder = tmp_path / "vorlage"
    shutil.copytree(EXAMPLE_DIR, folder)
    xml_path = folder / EXAMPLE_XML.name
    xml = ratsdok.seal(xml_path.read_bytes())
    xml_path.write_bytes(xml)
    v = load(xml_path)
    pdf = render_pdf(v)
    s1 = sign_pdf(pdf, _signer("landrat"), 1, vorlage_xml=xml, trust=_ca())
    s2 = sign_pdf(s1, _signer("beigeordneter_rsa"), 2, vorlage_xml=xml, trust=_ca())
    unsigned = verify(pdf, vorlage=xml_path, trust=_ca())
    assert unsigned.ok
    assert {c.status for c in _by_kind(unsigned, Kind.SEITEN)} == {Status.PROVEN}  # type: ignore[attr-defined]
    signed = verify(s2, vorlage=xml_path, trust=_ca())
    assert signed.ok, [str(c) for c in signed.failures()]
    assert {c.status for c in _by_kind(signed, Kind.SEITEN)} == {Status.SIGNED}  # type: ignore[attr-defined]
    # another Vorlage's rendering does not pass for this one
    other = render_pdf(v.model_copy(update={"betreff": "Aufhebung des Integrationskonzeptes"}))
    forged = verify(other, vorlage=xml_path, trust=_ca())
    assert not forged.ok
    assert {c.status for c in _by_kind(forged, Kind.SEITEN)} == {Status.FAILED}  # type: ignore[attr-defined]
    # on the command line, and without the XML a clear pointer to --vorlage
    f = tmp_path / "v.pdf"
    f.write_bytes(s2)
    ca = _write_ca(tmp_path)
    assert main(["verify", str(f), "--trust", str(ca), "--vorlage", str(xml_path)]) == 0
    with pytest.raises(InvalidDocumentError, match="--vorlage"):
        verify(s2, trust=_ca())
