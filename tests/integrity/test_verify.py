"""Verification: seal, Anlagen, signatures, bundles, and hostile input."""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from uuid import uuid4

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

import ratsdok
import ratsdok.xml.mapping
from ratsdok import Kind, Status, TeilArt, VerificationResult, verify
from ratsdok.cli import main
from ratsdok.errors import InvalidDocumentError, RatsdokError
from ratsdok.integrity.seal import seal
from ratsdok.integrity.sign import sign
from ratsdok.model.vorlage import Vorlage
from ratsdok.pdf.bundling import bundle
from ratsdok.xml.mapping import to_xml
from tests.conftest import EXAMPLE_DIR, EXAMPLE_XML, mutate_bytes
from tests.factories import altes_dokument, anlage, make_signer, pki, signed_by, write_ca

DS = "http://www.w3.org/2000/09/xmldsig#"
NS = {"r": "urn:ratsdok:schema:1", "ds": DS}
SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
MD5 = "http://www.w3.org/2001/04/xmldsig-more#md5"


def _status(result: VerificationResult, kind: TeilArt) -> list[Status]:
    return [p.status for p in result.parts if p.kind is kind]


@pytest.fixture
def signed_copy(example_copy: Path) -> Path:
    """The example folder copy, its XML sealed and signed by both signers."""
    example_copy.write_bytes(signed_by(example_copy.read_bytes()))
    return example_copy


@pytest.fixture
def trust(tmp_path: Path) -> list[Path]:
    return [write_ca(tmp_path)]


@pytest.fixture
def no_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch the XSD check off, to show the structural checks hold on their own."""
    monkeypatch.setattr(ratsdok.xml.mapping, "schema_problems", lambda *a, **k: [])


def test_intact_document_is_ok(signed_copy: Path, trust: list[Path]) -> None:
    result = verify(signed_copy, trust=trust)
    assert result.ok, result.to_dict()
    assert [p.kind for p in result.parts] == [
        TeilArt.SEAL,
        TeilArt.ANLAGE,
        TeilArt.SIGNATUR,
        TeilArt.SIGNATUR,
    ]
    d = result.to_dict()
    json.dumps(d)
    assert d["ok"] is True
    assert d["checks"][2]["signer"]["name"] == "Krebs"


def test_unsealed_document_is_not_ok(example_xml: Path) -> None:
    result = verify(example_xml)
    assert _status(result, TeilArt.SEAL) == [Status.MISSING]
    assert _status(result, TeilArt.ANLAGE) == [Status.OK]
    assert not result.ok


def test_changed_betreff(signed_copy: Path, trust: list[Path]) -> None:
    text = signed_copy.read_bytes()
    signed_copy.write_bytes(text.replace(b"Legitimation des", b"Legitimierung des", 1))
    result = verify(signed_copy, trust=trust)
    assert not result.ok
    assert _status(result, TeilArt.SEAL) == [Status.BROKEN]
    assert _status(result, TeilArt.SIGNATUR) == [Status.INVALID, Status.INVALID]


def test_changed_byte_in_an_anlage(signed_copy: Path, trust: list[Path]) -> None:
    anlage = signed_copy.parent / "integrationskonzept.pdf"
    data = bytearray(anlage.read_bytes())
    data[len(data) // 2] ^= 0x01
    anlage.write_bytes(bytes(data))
    result = verify(signed_copy, trust=trust)
    assert not result.ok
    assert _status(result, TeilArt.ANLAGE) == [Status.CHANGED]
    assert _status(result, TeilArt.SEAL) == [Status.VALID]


def test_missing_anlage(signed_copy: Path, trust: list[Path]) -> None:
    (signed_copy.parent / "integrationskonzept.pdf").unlink()
    result = verify(signed_copy, trust=trust)
    assert _status(result, TeilArt.ANLAGE) == [Status.MISSING]
    assert not result.ok


def _two_anlagen(folder: Path, example: Vorlage) -> Path:
    a, b = b"Haushaltsplan 2020\n", b"Stellenplan 2020, Entwurf\n"
    (folder / "a.txt").write_bytes(a)
    (folder / "b.txt").write_bytes(b)
    anlagen = tuple(
        anlage(
            nummer=i,
            titel=f"Anlage {i}",
            dateiname=name,
            medientyp="text/plain",
            groesse=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        for i, (name, data) in enumerate((("a.txt", a), ("b.txt", b)), 1)
    )
    v = example.model_copy(update={"anlagen": anlagen})
    xml = folder / "vorlage.xml"
    xml.write_bytes(seal(to_xml(v)))
    return xml


def test_swapped_anlage_files(tmp_path: Path, example: Vorlage) -> None:
    xml = _two_anlagen(tmp_path, example)
    assert verify(xml).ok
    a, b = (tmp_path / "a.txt").read_bytes(), (tmp_path / "b.txt").read_bytes()
    (tmp_path / "a.txt").write_bytes(b)
    (tmp_path / "b.txt").write_bytes(a)
    result = verify(xml)
    assert _status(result, TeilArt.ANLAGE) == [Status.CHANGED, Status.CHANGED]
    assert not result.ok


def test_signature_moved_to_another_document(
    tmp_path: Path, example: Vorlage, signed_copy: Path, trust: list[Path]
) -> None:
    other = _two_anlagen(
        tmp_path, example.model_copy(update={"betreff": "Ein anderer Betreff", "uuid": uuid4()})
    )
    signature = etree.fromstring(signed_copy.read_bytes()).find(
        "r:nachrichteninhalt/r:signaturen", NS
    )
    assert signature is not None
    root = etree.fromstring(other.read_bytes())
    inhalt = root.find("r:nachrichteninhalt", NS)
    assert inhalt is not None
    inhalt.append(signature)
    moved = etree.tostring(root)
    result = verify(moved, trust=trust, folder=tmp_path)
    assert _status(result, TeilArt.SEAL) == [Status.VALID]
    assert _status(result, TeilArt.SIGNATUR) == [Status.INVALID, Status.INVALID]
    assert not result.ok
    # Even with the reference rewritten to the other Vorlage's id, the digest fails.
    old_id = "vorlage-" + str(
        etree.fromstring(signed_copy.read_bytes()).findtext(
            "r:nachrichteninhalt/r:vorlage/r:identifikation", namespaces=NS
        )
    )
    new_id = "vorlage-" + str(
        root.findtext("r:nachrichteninhalt/r:vorlage/r:identifikation", namespaces=NS)
    )
    assert old_id is not None
    assert new_id is not None
    assert old_id != new_id
    rewritten = moved.replace(f'URI="#{old_id}"'.encode(), f'URI="#{new_id}"'.encode())
    result = verify(rewritten, trust=trust, folder=tmp_path)
    assert _status(result, TeilArt.SIGNATUR) == [Status.INVALID, Status.INVALID]


def _forgery_b(signed: bytes) -> bytes:
    """Signature wrapping (docs/xml-format.md#verification-rules): a forged Vorlage in
    place, the original hidden in a ds:Object."""
    root = etree.fromstring(signed)
    inhalt = root.find("r:nachrichteninhalt", NS)
    assert inhalt is not None
    original = inhalt.find("r:vorlage", NS)
    assert original is not None
    forged = etree.fromstring(etree.tostring(original))
    betreff = forged.find("r:betreff", NS)
    assert betreff is not None
    betreff.text = "Verkauf des Kreishauses an Mallory"
    inhalt.replace(original, forged)
    signaturen = inhalt.find("r:signaturen", NS)
    assert signaturen is not None
    hidden = etree.SubElement(signaturen, f"{{{DS}}}Object")
    hidden.append(original)
    return etree.tostring(root)


@pytest.mark.usefixtures("no_schema")
def test_wrapping_attack_is_refused_without_the_schema(
    signed_copy: Path, trust: list[Path]
) -> None:
    forged = _forgery_b(signed_copy.read_bytes())
    with pytest.raises(InvalidDocumentError, match="more than once"):
        verify(forged, trust=trust, folder=signed_copy.parent)
    # the attacker renames the hidden original's id: now the references miss it
    root = etree.fromstring(forged)
    hidden = root.find("r:nachrichteninhalt/r:signaturen/ds:Object/r:vorlage", NS)
    assert hidden is not None
    hidden.set("id", "vorlage-00000000-0000-0000-0000-000000000000")
    result = verify(etree.tostring(root), trust=trust, folder=signed_copy.parent)
    assert _status(result, TeilArt.SEAL) == [Status.BROKEN]
    # both signatures, and the smuggled ds:Object in the signaturen block, are refused
    assert _status(result, TeilArt.SIGNATUR) == [Status.INVALID] * 3
    assert not result.ok


def _second_vorlage(signed: bytes) -> bytes:
    root = etree.fromstring(signed)
    inhalt = root.find("r:nachrichteninhalt", NS)
    assert inhalt is not None
    original = inhalt.find("r:vorlage", NS)
    assert original is not None
    extra = etree.fromstring(etree.tostring(original))
    extra.set("id", "vorlage-11111111-1111-4111-8111-111111111111")
    extra.find("r:betreff", NS).text = "Unsignierte zweite Vorlage"  # type: ignore[union-attr]
    original.addnext(extra)
    return etree.tostring(root)


@pytest.mark.parametrize(
    "forge",
    [_forgery_b, _second_vorlage],
    ids=["wrapping-attack", "second-unsigned-vorlage"],
)
def test_second_vorlage_element_is_refused_by_the_schema(
    signed_copy: Path, trust: list[Path], forge: Callable[[bytes], bytes]
) -> None:
    doc = forge(signed_copy.read_bytes())
    with pytest.raises(InvalidDocumentError):
        verify(doc, trust=trust, folder=signed_copy.parent)


@pytest.mark.usefixtures("no_schema")
def test_second_unsigned_vorlage_is_refused_without_the_schema(
    signed_copy: Path, trust: list[Path]
) -> None:
    doc = _second_vorlage(signed_copy.read_bytes())
    with pytest.raises(InvalidDocumentError, match="exactly one"):
        verify(doc, trust=trust, folder=signed_copy.parent)


def _weak_seal(data: bytes, uri: str, algorithm: str) -> bytes:
    root = etree.fromstring(data)
    vorlage = root.find("r:nachrichteninhalt/r:vorlage", NS)
    assert vorlage is not None
    c14n = etree.tostring(vorlage, method="c14n", exclusive=True, with_comments=False)
    digest = base64.b64encode(hashlib.new(algorithm, c14n).digest()).decode()
    ref = root.find("r:nachrichteninhalt/r:pruefsumme/ds:Reference", NS)
    assert ref is not None
    ref.find("ds:DigestMethod", NS).set("Algorithm", uri)  # type: ignore[union-attr]
    ref.find("ds:DigestValue", NS).text = digest  # type: ignore[union-attr]
    return etree.tostring(root)


@pytest.mark.parametrize(("uri", "algorithm"), [(MD5, "md5"), (SHA1, "sha1")])
def test_md5_and_sha1_digests_are_refused(
    example_xml: Path, uri: str, algorithm: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    weak = _weak_seal(seal(example_xml.read_bytes()), uri, algorithm)
    with pytest.raises(InvalidDocumentError, match=r"DigestMethod|Algorithm"):
        verify(weak, folder=example_xml.parent)
    monkeypatch.setattr(ratsdok.xml.mapping, "schema_problems", lambda *a, **k: [])
    result = verify(weak, folder=example_xml.parent)
    seal_part = result.parts[0]
    assert seal_part.status is Status.BROKEN
    assert "not allowed" in seal_part.reason
    assert not result.ok


@pytest.mark.usefixtures("no_schema")
def test_sha1_in_a_signature_reference_is_refused(signed_copy: Path, trust: list[Path]) -> None:
    data = signed_copy.read_bytes()
    root = etree.fromstring(data)
    method = root.find(".//ds:Signature/ds:SignedInfo/ds:Reference/ds:DigestMethod", NS)
    assert method is not None
    method.set("Algorithm", SHA1)
    result = verify(etree.tostring(root), trust=trust, folder=signed_copy.parent)
    assert _status(result, TeilArt.SIGNATUR)[0] is Status.INVALID
    assert "SHA-256" in result.parts[2].reason


def test_certificate_from_another_ca_is_untrusted(example_copy: Path, trust: list[Path]) -> None:
    fremd = pki()["fremd"]
    data = sign(example_copy.read_bytes(), key=fremd.key, cert=fremd.cert, unterzeichnung=1)
    result = verify(data, trust=trust, folder=example_copy.parent)
    assert _status(result, TeilArt.SIGNATUR) == [Status.UNTRUSTED]
    assert "does not chain to a trusted CA" in result.parts[2].reason
    assert not result.ok
    # without any trust anchor an intact signature is "untrusted", never "valid"
    assert _status(
        verify(signed_by(example_copy.read_bytes()), folder=example_copy.parent), TeilArt.SIGNATUR
    ) == [Status.UNTRUSTED, Status.UNTRUSTED]


def test_expired_certificate(example_copy: Path, trust: list[Path]) -> None:
    alt = pki()["abgelaufen"]
    data = sign(example_copy.read_bytes(), key=alt.key, cert=alt.cert, unterzeichnung=1)
    result = verify(data, trust=trust, folder=example_copy.parent)
    assert _status(result, TeilArt.SIGNATUR) == [Status.EXPIRED]
    assert "outside its validity period" in result.parts[2].reason
    assert not result.ok


@pytest.mark.parametrize("weak", ["rsa-2048", "p-384"])
def test_keys_outside_the_profile_are_invalid(
    example_copy: Path, trust: list[Path], monkeypatch: pytest.MonkeyPatch, weak: str
) -> None:
    """A signature made elsewhere with RSA-2048 or P-384 is cryptographically fine
    but outside ratsdok's profile: invalid, never valid."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    import ratsdok.integrity.sign

    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if weak == "rsa-2048"
        else ec.generate_private_key(ec.SECP384R1())
    )
    signer = make_signer(pki()["ca"], "Fremdsystem", key=key)
    # stand in for another tool: let sign() accept the key; verification must not
    monkeypatch.setattr(ratsdok.integrity.sign, "key_problem", lambda k: None)
    data = sign(example_copy.read_bytes(), key=key, cert=signer.cert, unterzeichnung=1)
    for t in (trust, None):
        result = verify(data, trust=t, folder=example_copy.parent)
        (part,) = [p for p in result.parts if p.kind is TeilArt.SIGNATUR]
        assert part.status is Status.INVALID
        assert "key is not allowed" in part.reason
        assert ("2048 bits" if weak == "rsa-2048" else "P-256") in part.reason
        assert not result.ok


def test_key_does_not_match_certificate(signed_copy: Path, trust: list[Path]) -> None:
    root = etree.fromstring(signed_copy.read_bytes())
    cert = root.find(".//ds:Signature[@Id='signatur-1']//ds:X509Certificate", NS)
    assert cert is not None
    from cryptography.hazmat.primitives import serialization

    other = pki()["beigeordneter"].cert.public_bytes(serialization.Encoding.DER)
    cert.text = base64.b64encode(other).decode()
    result = verify(etree.tostring(root), trust=trust, folder=signed_copy.parent)
    assert _status(result, TeilArt.SIGNATUR) == [Status.INVALID, Status.VALID]
    assert not result.ok


def test_binding_to_the_unterzeichnung_cannot_be_moved(
    signed_copy: Path, trust: list[Path]
) -> None:
    data = signed_copy.read_bytes()
    # signature 1 claims to belong to Unterzeichnung 2 (and vice versa)
    swapped = (
        data.replace(b"signatur-1", b"signatur-X")
        .replace(b"signatur-2", b"signatur-1")
        .replace(b"signatur-X", b"signatur-2")
    )
    result = verify(swapped, trust=trust, folder=signed_copy.parent)
    assert _status(result, TeilArt.SIGNATUR) == [Status.INVALID, Status.INVALID]
    # changing only the number inside the binding object breaks the signature too
    renumbered = data.replace(
        b"<ratsdok:unterzeichnungsnummer>1<", b"<ratsdok:unterzeichnungsnummer>2<"
    )
    assert renumbered != data
    result = verify(renumbered, trust=trust, folder=signed_copy.parent)
    assert _status(result, TeilArt.SIGNATUR) == [Status.INVALID, Status.VALID]


def test_removing_one_signature_is_detected_while_the_other_stays_valid(
    signed_copy: Path, trust: list[Path]
) -> None:
    """Issue #12: the remaining signature signs the Vorlage with both
    Unterzeichnungen; the block whose signature was removed is missing."""
    root = etree.fromstring(signed_copy.read_bytes())
    signaturen = root.find("r:nachrichteninhalt/r:signaturen", NS)
    assert signaturen is not None
    signaturen.remove(signaturen[0])
    result = verify(etree.tostring(root), trust=trust, folder=signed_copy.parent)
    assert [p.unterzeichnung for p in result.parts if p.kind is TeilArt.SIGNATUR] == [2]
    assert _status(result, TeilArt.SIGNATUR) == [Status.VALID]
    (missing,) = [c for c in result.checks if c.kind is Kind.UNTERZEICHNUNG]
    assert (missing.status, missing.unterzeichnung) == (Status.MISSING, 1)
    assert not result.ok
    # removing both leaves an unsigned Vorlage: caught only where signatures are required
    signaturen.getparent().remove(signaturen)  # type: ignore[union-attr]
    stripped = ratsdok.seal(etree.tostring(root))
    assert verify(stripped, trust=trust, folder=signed_copy.parent).ok
    assert not verify(stripped, trust=trust, folder=signed_copy.parent, require_signatures=True).ok


def _pdf(files: dict[str, bytes]) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    for name, data in files.items():
        pdf.attachments[name] = pikepdf.AttachedFileSpec(pdf, data, filename=name)
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def test_bundle_pdf(signed_copy: Path, trust: list[Path], tmp_path: Path) -> None:
    anlage = (signed_copy.parent / "integrationskonzept.pdf").read_bytes()
    good = tmp_path / "bundle.pdf"
    good.write_bytes(
        bundle(ratsdok.load(signed_copy), signed_copy.parent, xml=signed_copy.read_bytes())
    )
    result = verify(good, trust=trust)
    assert result.ok, result.to_dict()
    # a PDF that carries the same files but other pages is not this record's bundle
    other = _pdf({"ratsdok.xml": signed_copy.read_bytes(), "integrationskonzept.pdf": anlage})
    seiten = verify(other, trust=trust)
    # not made by this ratsdok (no Producer it recorded): the pages cannot be proven
    assert {c.status for c in seiten.checks if c.kind is Kind.SEITEN} == {Status.UNCHECKED}
    assert not seiten.ok and seiten.unchecked
    changed = bytearray(anlage)
    changed[100] ^= 0xFF
    bad = _pdf({"ratsdok.xml": signed_copy.read_bytes(), "integrationskonzept.pdf": bytes(changed)})
    result = verify(bad, trust=trust)
    assert _status(result, TeilArt.ANLAGE) == [Status.CHANGED]
    assert not result.ok
    missing = _pdf({"ratsdok.xml": signed_copy.read_bytes()})
    assert _status(verify(missing, trust=trust), TeilArt.ANLAGE) == [Status.MISSING]
    with pytest.raises(InvalidDocumentError, match="not a ratsdok bundle"):
        verify(_pdf({"x.txt": b"x"}))


def test_bundle_pdf_reports_unlisted_files_and_unchecked_pages(
    signed_copy: Path, trust: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    anlage = (signed_copy.parent / "integrationskonzept.pdf").read_bytes()
    files = {"ratsdok.xml": signed_copy.read_bytes(), "integrationskonzept.pdf": anlage}
    handmade = verify(_pdf(files), trust=trust)
    # the pages are checked now: a PDF that merely carries the files is not its bundle
    assert {c.status for c in handmade.checks if c.kind is Kind.SEITEN} == {Status.UNCHECKED}
    assert verify(signed_copy, trust=trust).hinweise == ()  # XML: nothing left unchecked
    extra = verify(_pdf({**files, "../../evil.txt": b"x"}), trust=trust)
    assert [(p.label, p.status) for p in extra.parts if p.status is Status.UNLISTED] == [
        ("embedded file '../../evil.txt'", Status.UNLISTED)
    ]
    assert not extra.ok
    assert extra.to_dict()["notes"] == list(extra.hinweise)
    path = tmp_path / "b.pdf"
    path.write_bytes(_pdf(files))
    assert main(["verify", str(path), "--trust", str(trust[0])]) == 3  # unchecked, not failed
    assert ": unchecked: made by an unrecorded renderer" in capsys.readouterr().out


def test_unreadable_pdf_is_named_in_the_error(tmp_path: Path) -> None:
    bad = tmp_path / "kaputt.pdf"
    bad.write_bytes(b"%PDF-1.7\ngarbage")
    with pytest.raises(InvalidDocumentError) as info:
        verify(bad)
    (problem,) = info.value.problems
    assert problem.file == str(bad)
    assert "not a readable PDF" in problem.message
    assert "BytesIO" not in problem.message


def test_cli_seal_sign_verify(
    example_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key, cert = pki()["landrat"].write(tmp_path, "landrat")
    ca = write_ca(tmp_path)
    f = str(example_copy)
    assert main(["verify", f]) == 1
    assert main(["seal", f, "-o", f]) == 0
    assert main(["verify", f]) == 0
    assert (
        main(["sign", f, "--key", str(key), "--cert", str(cert), "--unterzeichnung", "1", "-o", f])
        == 0
    )
    assert main(["verify", f]) == 1  # no trust anchor
    capsys.readouterr()
    # block 2 is still to be signed: the signature of block 1 signs both blocks
    assert main(["verify", f, "--trust", str(ca), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert [c["status"] for c in out["checks"] if not c["ok"]] == ["missing"]
    key2, cert2 = pki()["beigeordneter"].write(tmp_path, "beig")
    sign2 = ["sign", f, "--key", str(key2), "--cert", str(cert2), "--unterzeichnung", "2"]
    assert main([*sign2, "-o", f]) == 0
    assert main(["verify", f, "--trust", str(ca), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is True
    assert out["checks"][2]["signer"]["subject"].startswith("CN=Krebs")
    example_copy.write_bytes(
        example_copy.read_bytes().replace(b"Legitimation des", b"Legitimierung des")
    )
    assert main(["verify", f, "--trust", str(ca)]) == 1
    out_text = capsys.readouterr().out
    assert "pruefsumme: broken" in out_text
    # the subject is shown only when the certificate was verified
    assert "[Unterzeichnung 1 Krebs, Landrat; certificate not verified]" in out_text
    assert "None" not in out_text


def test_cli_errors_name_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "nope.xml")
    assert main(["verify", missing]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{missing}: ")
    assert "Traceback" not in err
    assert main(["seal", missing, "-o", str(tmp_path / "out.xml")]) == 1
    assert not (tmp_path / "out.xml").exists()
    with pytest.raises(RatsdokError):
        verify(tmp_path / "nope.xml")


def test_bundle_built_by_ratsdok_verifies(example: Vorlage) -> None:
    # The bundle embeds a sealed XML next to the Anlagen' original bytes.
    from ratsdok.pdf.bundling import bundle

    result = verify(bundle(example, EXAMPLE_DIR))
    assert _status(result, TeilArt.SEAL) == [Status.VALID]
    assert _status(result, TeilArt.ANLAGE) == [Status.OK]
    assert result.ok


def test_bundle_of_a_signed_file_keeps_the_signatures_and_marks_the_blocks(
    example_copy: Path, tmp_path: Path
) -> None:
    from ratsdok.pdf.bundling import bundle

    signed = signed_by(example_copy.read_bytes(), 1)
    v = ratsdok.xml.mapping.from_xml(signed)
    pdf = bundle(v, EXAMPLE_DIR, xml=signed)
    ca = write_ca(tmp_path)
    result = verify(pdf, trust=[ca])
    # only block 1 is signed: block 2 is missing (still to be signed), all else verifies
    assert [c.unterzeichnung for c in result.failures()] == [2], [p.to_dict() for p in result.parts]
    assert _status(result, TeilArt.SIGNATUR) == [Status.VALID]
    # Every Anlage of the example is public: the public variant has the same content,
    # so the signature carries over.
    public = verify(bundle(v, EXAMPLE_DIR, xml=signed, oeffentlich_only=True), trust=[ca])
    assert _status(public, TeilArt.SIGNATUR) == [Status.VALID]
    # With a non-public Anlage the content differs: no signature can be carried over.
    secret = anlage(
        nummer=2,
        titel="Vertraulich",
        dateiname="vertraulich.txt",
        medientyp="text/plain",
        oeffentlich=False,
        inhalt=b"geheim",
    )
    v2 = v.model_copy(update={"anlagen": (*v.anlagen, secret)})
    signed2 = signed_by(to_xml(v2), 1)
    public2 = verify(bundle(v2, EXAMPLE_DIR, xml=signed2, oeffentlich_only=True), trust=[ca])
    assert _status(public2, TeilArt.SIGNATUR) == []
    assert _status(public2, TeilArt.SEAL) == [Status.VALID]


# --------------------------------------------------------------------------- adversarial
#
# The invariant every test below checks, derived from verification.py and sealing.py:
# verify() either raises a RatsdokError (never another exception type) or returns a
# result; and if that result is ok, then
#   * an independent look-up (plain lxml, by position) finds exactly one
#     nachrichteninhalt/vorlage whose exclusive C14N (without comments) equals the
#     original's: the seal and the signatures cover nothing else, so a change to the
#     header, to whitespace outside the Vorlage or to comments between its elements
#     may keep ok, any other change must not;
#   * what is reported equals the original: the Vorlage model, the Prüfwert, and per
#     signature the Unterzeichnung and the certificate subject.
# Anlage bytes are covered because the model records their SHA-256: an ok Anlage
# part means the bytes match what the (unchanged) model records.

_ORACLE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _canonical_by_position(data: bytes) -> bytes | None:
    """Exclusive C14N of root/nachrichteninhalt/vorlage, found without ratsdok."""
    try:
        root = etree.fromstring(data, _ORACLE)
    except etree.XMLSyntaxError:
        return None
    found = root.xpath(
        "/*/*[local-name()='nachrichteninhalt']/*[local-name()='vorlage']"
        "[namespace-uri()='urn:ratsdok:schema:1']"
    )
    inhalt = root.xpath("/*/*[local-name()='nachrichteninhalt']")
    if len(found) != 1 or len(inhalt) != 1:
        return None
    el = found[0]
    assert isinstance(el, etree._Element)
    try:
        return etree.tostring(el, method="c14n", exclusive=True, with_comments=False)
    except etree.C14NError:  # e.g. an unexpanded entity reference
        return None


@functools.cache
def _signed_example() -> bytes:
    """The example, sealed and signed by Unterzeichnung 1 (RSA) and 2 (ECDSA)."""
    return signed_by(EXAMPLE_XML.read_bytes())


def _ca() -> bytes:
    return pki()["ca"].cert_pem


def _report(result: VerificationResult) -> tuple[object, ...]:
    sigs = sorted(
        (p.unterzeichnung or 0, p.subject or "", p.name or "")
        for p in result.parts
        if p.kind is TeilArt.SIGNATUR
    )
    return result.vorlage, result.pruefwert, sigs


def _verify_or_none(data: bytes, folder: Path = EXAMPLE_DIR) -> VerificationResult | None:
    """verify(); None for a RatsdokError; any other exception fails the test."""
    try:
        return verify(data, trust=[_ca()], folder=folder)
    except RatsdokError:
        return None


def _assert_invariant(mutated: bytes, original: bytes = b"") -> VerificationResult | None:
    original = original or _signed_example()
    result = _verify_or_none(mutated)
    if result is not None and result.ok:
        assert _canonical_by_position(mutated) == _canonical_by_position(original)
        expected = verify(original, trust=[_ca()], folder=EXAMPLE_DIR)
        assert _report(result) == _report(expected)
    return result


def test_signed_example_passes_the_invariant() -> None:
    result = _assert_invariant(_signed_example())
    assert result is not None and result.ok


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_random_byte_mutations_never_verify_changed_content(data: st.DataObject) -> None:
    """Flip, insert or delete one byte anywhere in the signed XML."""
    _assert_invariant(mutate_bytes(data, _signed_example(), truncate=False))


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_random_text_mutations_inside_the_vorlage_are_detected(data: st.DataObject) -> None:
    """Replace, insert or delete one character inside the Vorlage element: never ok."""
    text = _signed_example().decode("utf-8")
    start = text.index("<ratsdok:vorlage ")
    end = text.index("</ratsdok:vorlage>") + len("</ratsdok:vorlage>")
    pos = data.draw(st.integers(start, end - 1), label="pos")
    char = data.draw(st.characters(codec="utf-8", exclude_characters="\r"), label="char")
    op = data.draw(st.sampled_from(["replace", "insert", "delete"]), label="op")
    if op == "replace":
        mutated = text[:pos] + char + text[pos + 1 :]
    elif op == "insert":
        mutated = text[:pos] + char + text[pos:]
    else:
        mutated = text[:pos] + text[pos + 1 :]
    result = _assert_invariant(mutated.encode("utf-8"))
    if _canonical_by_position(mutated.encode("utf-8")) != _canonical_by_position(_signed_example()):
        assert result is None or not result.ok


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_whitespace_outside_the_vorlage_keeps_the_verdict(data: st.DataObject) -> None:
    """Whitespace between header elements is outside the seal: ok stays ok, and the
    same Vorlage is reported."""
    text = _signed_example()
    gaps = [i for i in range(text.index(b"<ratsdok:vorlage ")) if text[i : i + 2] == b">\n"]
    pos = data.draw(st.sampled_from(gaps), label="gap") + 1
    ws = data.draw(st.text(alphabet=" \t\n", min_size=1, max_size=5), label="ws").encode()
    result = _assert_invariant(text[:pos] + ws + text[pos:])
    assert result is not None and result.ok


def _tree() -> etree._Element:
    return etree.fromstring(_signed_example())


def _v(root: etree._Element) -> etree._Element:
    el = root.find("r:nachrichteninhalt/r:vorlage", NS)
    assert el is not None
    return el


def _m_duplicate_vorlage(root: etree._Element) -> None:
    _v(root).addnext(copy.deepcopy(_v(root)))


def _m_vorlage_into_signaturen(root: etree._Element) -> None:
    sigs = root.find("r:nachrichteninhalt/r:signaturen", NS)
    assert sigs is not None
    sigs.append(copy.deepcopy(_v(root)))


def _m_swap_signatures(root: etree._Element) -> None:
    sigs = root.find("r:nachrichteninhalt/r:signaturen", NS)
    assert sigs is not None
    sigs.append(sigs[0])


def _m_signature_into_vorlage(root: etree._Element) -> None:
    sig = root.find(".//ds:Signature", NS)
    assert sig is not None
    _v(root).append(sig)


def _m_rename_vorlage_id(root: etree._Element) -> None:
    _v(root).set("id", "vorlage-00000000-0000-4000-8000-000000000000")
    for ref in root.iter(f"{{{DS}}}Reference"):
        if ref.get("URI", "").startswith("#vorlage-"):
            ref.set("URI", "#vorlage-00000000-0000-4000-8000-000000000000")


def _m_rename_signature_id(root: etree._Element) -> None:
    sig = root.find(".//ds:Signature", NS)
    assert sig is not None
    sig.set("Id", "signatur-2")


def _m_list_version(root: etree._Element) -> None:
    art = _v(root).find("r:vorlagenart", NS)
    assert art is not None
    art.set("listVersionID", "9.9")


def _m_second_seal_reference(root: etree._Element) -> None:
    ref = root.find("r:nachrichteninhalt/r:pruefsumme/ds:Reference", NS)
    assert ref is not None
    ref.addnext(copy.deepcopy(ref))


def _m_second_signed_reference(root: etree._Element) -> None:
    ref = root.find(".//ds:SignedInfo/ds:Reference", NS)
    assert ref is not None
    ref.addnext(copy.deepcopy(ref))


def _algorithm(xpath: str, uri: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        el = root.find(xpath, NS)
        assert el is not None
        el.set("Algorithm", uri)

    return change


def _m_comment_in_value(root: etree._Element) -> None:
    betreff = _v(root).find("r:betreff", NS)
    assert betreff is not None
    text = betreff.text or ""
    betreff.text = text[:5]
    comment = etree.Comment(" x ")
    comment.tail = text[5:]
    betreff.append(comment)


def _m_comment_between_elements(root: etree._Element) -> None:
    betreff = _v(root).find("r:betreff", NS)
    assert betreff is not None
    comment = etree.Comment(" Anmerkung ")
    betreff.addnext(comment)
    comment.tail, betreff.tail = betreff.tail, None


def _m_pi_in_value(root: etree._Element) -> None:
    name = _v(root).find("r:unterzeichnung/r:name", NS)
    assert name is not None
    pi = etree.ProcessingInstruction("x", "y")
    pi.tail = "-Mallory"
    name.append(pi)


def _m_whitespace_in_vorlage(root: etree._Element) -> None:
    betreff = _v(root).find("r:betreff", NS)
    assert betreff is not None
    betreff.tail = (betreff.tail or "") + " "


def _m_xml_base_on_vorlage(root: etree._Element) -> None:
    _v(root).set("{http://www.w3.org/XML/1998/namespace}base", "http://example.org/")


def _m_xml_lang_on_root(root: etree._Element) -> None:
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "en")


def _prefix(data: bytes) -> bytes:
    return data.replace(b"ratsdok:", b"r:").replace(b"xmlns:ratsdok=", b"xmlns:r=")


def _doctype(data: bytes) -> bytes:
    head, _, rest = data.partition(b"\n")
    return (
        head + b'\n<!DOCTYPE x [<!ENTITY e "Mallory">]>\n' + rest.replace(b"Landrat<", b"&e;<", 1)
    )


def _tree_mutation(change: Callable[[etree._Element], None]) -> Callable[[bytes], bytes]:
    def mutate(data: bytes) -> bytes:
        root = etree.fromstring(data)
        change(root)
        return etree.tostring(root)

    return mutate


_SIG_INFO = "r:nachrichteninhalt/r:signaturen/ds:Signature/ds:SignedInfo/"
_STRUCTURED: dict[str, Callable[[bytes], bytes]] = {
    "duplicate vorlage": _tree_mutation(_m_duplicate_vorlage),
    "vorlage copy in signaturen": _tree_mutation(_m_vorlage_into_signaturen),
    "signatures swapped": _tree_mutation(_m_swap_signatures),
    "signature moved into the vorlage": _tree_mutation(_m_signature_into_vorlage),
    "vorlage id renamed": _tree_mutation(_m_rename_vorlage_id),
    "signature id renamed": _tree_mutation(_m_rename_signature_id),
    "attribute value changed": _tree_mutation(_m_list_version),
    "second seal reference": _tree_mutation(_m_second_seal_reference),
    "second signed reference": _tree_mutation(_m_second_signed_reference),
    "inclusive c14n": _tree_mutation(
        _algorithm(
            _SIG_INFO + "ds:CanonicalizationMethod",
            "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
        )
    ),
    "rsa-sha1": _tree_mutation(
        _algorithm(_SIG_INFO + "ds:SignatureMethod", "http://www.w3.org/2000/09/xmldsig#rsa-sha1")
    ),
    "seal sha1": _tree_mutation(
        _algorithm("r:nachrichteninhalt/r:pruefsumme/ds:Reference/ds:DigestMethod", SHA1)
    ),
    "comment inside a value": _tree_mutation(_m_comment_in_value),
    "comment between elements": _tree_mutation(_m_comment_between_elements),
    "processing instruction inside a value": _tree_mutation(_m_pi_in_value),
    "whitespace inside the vorlage": _tree_mutation(_m_whitespace_in_vorlage),
    "xml:base on the vorlage": _tree_mutation(_m_xml_base_on_vorlage),
    "xml:lang on the root": _tree_mutation(_m_xml_lang_on_root),
    "namespace prefix": _prefix,
    "doctype with entity": _doctype,
}


@pytest.mark.parametrize("name", sorted(_STRUCTURED))
def test_structured_mutations(name: str) -> None:
    """Each structural change either keeps the canonical Vorlage (and then the same
    report) or is refused / not ok."""
    mutated = _STRUCTURED[name](_signed_example())
    assert mutated != _signed_example()
    result = _assert_invariant(mutated)
    if _canonical_by_position(mutated) != _canonical_by_position(_signed_example()):
        assert result is None or not result.ok


def test_comment_inside_a_value_is_refused() -> None:
    """Regression: a comment splitting <betreff> left seal and signatures valid while
    the reported Betreff was cut at the comment."""
    mutated = _STRUCTURED["comment inside a value"](_signed_example())
    assert _canonical_by_position(mutated) == _canonical_by_position(_signed_example())
    with pytest.raises(InvalidDocumentError, match="comment or processing instruction"):
        verify(mutated, trust=[_ca()], folder=EXAMPLE_DIR)
    with pytest.raises(InvalidDocumentError, match="comment or processing instruction"):
        seal(mutated)
    # between elements a comment changes nothing that is read: still fine
    between = _STRUCTURED["comment between elements"](_signed_example())
    assert verify(between, trust=[_ca()], folder=EXAMPLE_DIR).ok


def _with_certificates(data: bytes, change: Callable[[list[str]], list[str]]) -> bytes:
    root = etree.fromstring(data)
    x509data = root.find(".//ds:Signature[@Id='signatur-1']/ds:KeyInfo/ds:X509Data", NS)
    assert x509data is not None
    texts = change([c.text or "" for c in x509data])
    for c in list(x509data):
        x509data.remove(c)
    for t in texts:
        etree.SubElement(x509data, f"{{{DS}}}X509Certificate").text = t
    return etree.tostring(root)


def test_certificate_with_the_signers_key_but_another_subject() -> None:
    """Regression: KeyInfo is unsigned; a certificate with the signer's public key and
    a forged subject placed first was reported as the signer (status valid)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    p = pki()
    mallory = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "Mallory, Landrat")])
    fake = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(p["landrat"].key.public_key())
        .serial_number(1)
        .not_valid_before(p["landrat"].cert.not_valid_before_utc)
        .not_valid_after(p["landrat"].cert.not_valid_after_utc)
        .sign(mallory, hashes.SHA256())
    )
    fake_b64 = base64.b64encode(fake.public_bytes(serialization.Encoding.DER)).decode()
    for order in (lambda c: [fake_b64, *c], lambda c: [*c, fake_b64]):
        result = _assert_invariant(_with_certificates(_signed_example(), order))
        assert result is not None
        subjects = [p.subject or "" for p in result.parts if p.kind is TeilArt.SIGNATUR]
        assert not any("Mallory" in s for s in subjects), subjects
        assert result.ok


@pytest.mark.parametrize(
    "cert",
    ["AAAAAAAA", "QUJD", "MIIBCgKCAQEA", ""],
    ids=["zeros", "abc", "truncated", "empty"],
)
def test_unreadable_certificate_is_an_invalid_signature(cert: str) -> None:
    """Regression: signxml's ValueError for a malformed certificate escaped verify()."""
    data = _with_certificates(_signed_example(), lambda c: [cert])
    for trust in ([_ca()], None):
        try:
            result = verify(data, trust=trust, folder=EXAMPLE_DIR)
        except RatsdokError:
            continue
        assert _status(result, TeilArt.SIGNATUR)[0] is Status.INVALID
        assert not result.ok


@pytest.mark.usefixtures("no_schema")
@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.replace(b"signatur-1", b"signatur-" + b"1" * 5000),
        lambda t: t.replace(b'Id="signatur-1"', b'Id="signatur-\xd9\xa1"'),
        lambda t: re.sub(rb"<ds:SignatureValue>[^<]*<", b"<ds:SignatureValue><", t, count=1),
    ],
    ids=["5000 digits", "arabic digit", "empty SignatureValue"],
)
def test_odd_signature_values_are_invalid_not_crashes(change: Callable[[bytes], bytes]) -> None:
    """Regression: int() of a 5000-digit Id and b64decode(None) raised bare errors."""
    data = change(_signed_example())
    assert data != _signed_example()
    result = _verify_or_none(data)
    assert result is not None
    assert _status(result, TeilArt.SIGNATUR)[0] is Status.INVALID
    assert not result.ok


def test_unreadable_trust_anchor_is_a_ratsdok_error(tmp_path: Path) -> None:
    """Regression: a PEM file with a broken certificate raised a bare ValueError."""
    bad = tmp_path / "ca.pem"
    bad.write_bytes(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    with pytest.raises(RatsdokError, match=r"not an X\.509 CA certificate"):
        verify(_signed_example(), trust=[bad], folder=EXAMPLE_DIR)


@settings(max_examples=40, deadline=None)
@given(pos=st.integers(min_value=0), bit=st.integers(0, 7))
def test_changed_anlage_file_beside_the_xml(
    tmp_path_factory: pytest.TempPathFactory, pos: int, bit: int
) -> None:
    """One flipped bit in the Anlage next to the XML: never ok."""
    folder = tmp_path_factory.mktemp("anlage")
    original = (EXAMPLE_DIR / "integrationskonzept.pdf").read_bytes()
    changed = bytearray(original)
    changed[pos % len(changed)] ^= 1 << bit
    (folder / "integrationskonzept.pdf").write_bytes(bytes(changed))
    result = _verify_or_none(_signed_example(), folder)
    assert result is not None
    assert _status(result, TeilArt.ANLAGE) == [Status.CHANGED]
    assert not result.ok


# --------------------------------------------------------------------------- bundle PDF


@functools.cache
def _signed_bundle() -> bytes:
    from ratsdok.pdf.bundling import bundle

    signed = _signed_example()
    return bundle(ratsdok.xml.mapping.from_xml(signed), EXAMPLE_DIR, xml=signed)


def _reembed(pdf: bytes, name: str, data: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        doc.attachments[name] = pikepdf.AttachedFileSpec(doc, data, filename=name)
        out = io.BytesIO()
        doc.save(out)
    return out.getvalue()


def _assert_pdf_invariant(pdf: bytes) -> VerificationResult | None:
    try:
        result = verify(pdf, trust=[_ca()])
    except RatsdokError:
        return None
    if result.ok:
        assert _report(result) == _report(verify(_signed_bundle(), trust=[_ca()]))
    return result


def test_signed_bundle_verifies() -> None:
    result = _assert_pdf_invariant(_signed_bundle())
    assert result is not None and result.ok


def test_regression_a_name_tree_entry_that_cannot_be_looked_up_is_a_ratsdok_error() -> None:
    """Found by the fuzzing below: one flipped bit left a name listed but not retrievable,
    and pikepdf's KeyError escaped verify."""
    with pikepdf.open(io.BytesIO(_signed_bundle())) as doc:
        out = io.BytesIO()
        # Objects outside object streams, so the name tree can be found in the bytes.
        doc.save(out, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    pdf = bytearray(out.getvalue())
    found = re.search(rb"/Names \[ \(integrationskonzept\.pdf\) \d+ 0 R \(", pdf)
    assert found is not None
    pdf[found.end() - 1] ^= 1 << 1  # the "(" of the next key: a list the tree cannot search
    with pytest.raises(RatsdokError) as info:
        verify(bytes(pdf), trust=[_ca()])
    assert "embedded file 'integrationskonzept.pdf' cannot be read" in str(info.value)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_random_byte_mutations_of_the_bundle(data: st.DataObject) -> None:
    """Flip, insert, delete one byte of the PDF, or cut it short."""
    _assert_pdf_invariant(mutate_bytes(data, _signed_bundle()))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_mutated_xml_reembedded_in_the_bundle(data: st.DataObject) -> None:
    """The embedded ratsdok.xml with one byte changed, embedded again properly."""
    xml = bytearray(_signed_example())
    pos = data.draw(st.integers(0, len(xml) - 1), label="pos")
    xml[pos] ^= 1 << data.draw(st.integers(0, 7), label="bit")
    result = _assert_pdf_invariant(_reembed(_signed_bundle(), "ratsdok.xml", bytes(xml)))
    if _canonical_by_position(bytes(xml)) != _canonical_by_position(_signed_example()):
        assert result is None or not result.ok


@settings(max_examples=30, deadline=None)
@given(pos=st.integers(min_value=0), bit=st.integers(0, 7))
def test_mutated_anlage_reembedded_in_the_bundle(pos: int, bit: int) -> None:
    """The embedded Anlage with one bit flipped: never ok."""
    original = (EXAMPLE_DIR / "integrationskonzept.pdf").read_bytes()
    changed = bytearray(original)
    changed[pos % len(changed)] ^= 1 << bit
    pdf = _reembed(_signed_bundle(), "integrationskonzept.pdf", bytes(changed))
    result = _assert_pdf_invariant(pdf)
    assert result is not None
    assert _status(result, TeilArt.ANLAGE) == [Status.CHANGED]
    assert not result.ok


# --------------------------------------------------------------------------- CLI


def _broken_inputs(folder: Path) -> dict[str, Path]:
    signed = _signed_example()
    files = {
        "comment.xml": _STRUCTURED["comment inside a value"](signed),
        "badcert.xml": _with_certificates(signed, lambda c: ["AAAAAAAA"]),
        "doctype.xml": _doctype(signed),
        "truncated.xml": signed[: len(signed) // 2],
        "truncated.pdf": _signed_bundle()[: len(_signed_bundle()) // 2],
        "badxml.pdf": _reembed(_signed_bundle(), "ratsdok.xml", b"<x"),
        "binary.xml": bytes(range(256)),
    }
    out = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        out[name] = folder / name
    shutil.copy(EXAMPLE_DIR / "integrationskonzept.pdf", folder)
    return out


def test_cli_verify_broken_inputs_without_traceback(tmp_path: Path) -> None:
    """`ratsdok verify` exits non-zero on each broken input and never prints a traceback."""
    ca = write_ca(tmp_path)
    bad_ca = tmp_path / "bad-ca.pem"
    bad_ca.write_bytes(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    good = tmp_path / "good.xml"
    good.write_bytes(_signed_example())
    runs: list[list[str]] = [
        [str(p), "--trust", str(ca)] for p in _broken_inputs(tmp_path).values()
    ]
    runs.append([str(good), "--trust", str(bad_ca)])
    runs.append([str(good), "--trust", str(ca)])  # the control: exit 0
    for args in runs:
        proc = subprocess.run(
            [sys.executable, "-m", "ratsdok", "verify", *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert "Traceback" not in proc.stderr, (args, proc.stderr)
        if args is runs[-1]:
            assert proc.returncode == 0, proc.stdout + proc.stderr
        else:
            assert proc.returncode != 0, (args, proc.stdout)
            assert proc.stderr.strip() or "NOT OK" in proc.stdout


def test_regression_a_bundle_checks_its_embedded_file_even_where_the_xml_has_it_inline() -> None:
    """Review finding: with the bytes inline in the XML, the embedded file was never read,
    so a replaced embedded file verified OK."""
    v = ratsdok.Vorlage(
        nummer="KT 0001/2024",
        betreff="Test",
        anlagen=[
            ratsdok.Anlage(
                nummer=1,
                titel="Liste",
                dateiname="liste.csv",
                medientyp="text/csv",
                oeffentlich=True,
                inhalt=b"a;b\n1;2\n",
            )
        ],
    )
    pdf = ratsdok.bundle(v, None)
    assert verify(pdf).checks[1].status is Status.OK
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        doc.attachments["liste.csv"] = pikepdf.AttachedFileSpec(
            doc, b"FORGED", filename="liste.csv"
        )
        out = io.BytesIO()
        doc.save(out)
    result = verify(out.getvalue())
    assert result.checks[1].status is Status.CHANGED
    assert not result.ok


def test_regression_a_size_alone_does_not_protect_an_anlage(tmp_path: Path) -> None:
    """Review finding: with only groesse recorded, other content of the same size was ok."""
    (tmp_path / "a.csv").write_bytes(b"1234")
    v = ratsdok.Vorlage(
        nummer="KT 0001/2024",
        betreff="Test",
        anlagen=[
            ratsdok.Anlage(
                nummer=1,
                titel="A",
                dateiname="a.csv",
                medientyp="text/csv",
                oeffentlich=True,
                groesse=4,
            )
        ],
    )
    path = tmp_path / "v.xml"
    path.write_bytes(ratsdok.seal(ratsdok.to_xml(v)))
    (tmp_path / "a.csv").write_bytes(b"9999")
    (check,) = [c for c in verify(path).checks if c.kind is ratsdok.Kind.ANLAGE]
    assert check.status is Status.UNRECORDED and not check.ok
    assert "not protected" in check.reason


# --- the signer must be the person printed in the block (issue #12) ---------------


def test_a_trusted_certificate_of_someone_else_does_not_sign_the_block(
    example_copy: Path, trust: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A certificate for someone else, issued by the trusted CA, signed Unterzeichnung
    1 "Krebs, Landrat": it used to verify as valid, exit 0."""
    other = make_signer(pki()["ca"], "Meier, Sachbearbeiterin")
    data = sign(example_copy.read_bytes(), key=other.key, cert=other.cert, unterzeichnung=1)
    example_copy.write_bytes(data)
    result = verify(example_copy, trust=trust)
    (check,) = [c for c in result.checks if c.kind is TeilArt.SIGNATUR]
    assert check.status is Status.WRONG_SIGNER
    assert "does not name Krebs" in check.reason
    assert not result.ok
    assert main(["verify", str(example_copy), "--trust", str(trust[0])]) == 1
    assert "wrong-signer" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "cn", "ok"),
    [
        ("Krebs", "Krebs, Landrat", True),
        ("Dr. Schäfer", "Peter Schaefer", True),  # title left out, umlaut spelt out
        ("Müller-Lüdenscheidt", "MÜLLER-LÜDENSCHEIDT, Anna", True),
        ("Krebs", "Krebsmann, Landrat", False),  # whole words only
        ("Anna Krebs", "Krebs, Landrat", False),  # every word of the printed name
        ("Dr.", "Dr. Krebs", False),  # nothing left to compare: no match
    ],
)
def test_names_match(name: str, cn: str, ok: bool) -> None:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    from ratsdok.integrity.verify import names_match

    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    assert names_match(name, subject) is ok


def test_regression_a_certificate_with_an_unknown_key_algorithm_is_invalid() -> None:
    """Found by the fuzzing above: one flipped bit turned the certificate's
    rsaEncryption OID into 0.38.840.113549.1.1.1, and cryptography's
    UnsupportedAlgorithm escaped verify."""
    data = _signed_example()
    root = etree.fromstring(data)
    node = next(root.iter("{http://www.w3.org/2000/09/xmldsig#}X509Certificate"))
    assert node.text is not None
    der = base64.b64decode(node.text)
    rsa_oid = bytes.fromhex("2a864886f70d010101")
    assert rsa_oid in der
    node.text = base64.b64encode(der.replace(rsa_oid, b"\x26" + rsa_oid[1:], 1)).decode()
    result = verify(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    sigs = [c for c in result.checks if c.kind is TeilArt.SIGNATUR]
    assert sigs[0].status is Status.INVALID
    assert "cannot be read" in sigs[0].reason
    assert not result.ok


def test_regression_a_damaged_certificate_subject_is_invalid(trust: list[Path]) -> None:
    """Found by fuzzing the bundle: the certificate travels outside the signed data,
    so a damaged subject left the signature intact, and cryptography's ValueError
    (raised when the subject is first read) escaped verify."""
    data = _signed_example()
    root = etree.fromstring(data)
    node = next(root.iter("{http://www.w3.org/2000/09/xmldsig#}X509Certificate"))
    assert node.text is not None
    der = base64.b64decode(node.text)
    cn = b"Krebs, Landrat"
    field = bytes([0x0C, len(cn)]) + cn  # UTF8String
    assert der.count(field) == 1
    node.text = base64.b64encode(der.replace(field, bytes([0x02, len(cn)]) + cn)).decode()
    damaged = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    result = verify(damaged)  # no trust: the path that crashed
    sigs = [c for c in result.checks if c.kind is TeilArt.SIGNATUR]
    assert sigs[0].status is Status.INVALID
    assert "certificate cannot be read" in sigs[0].reason
    assert not verify(damaged, trust=trust).ok  # with trust: it no longer chains


def test_stripped_signatures_leave_a_trace_and_fail_where_required(
    signed_copy: Path, trust: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Signatures stripped and the seal refreshed verified OK with no trace that two
    Unterzeichnungen had been signed (issue #12)."""
    root = etree.fromstring(signed_copy.read_bytes())
    sigs = root.find(".//{urn:ratsdok:schema:1}signaturen")
    parent = None if sigs is None else sigs.getparent()
    assert sigs is not None
    assert parent is not None
    parent.remove(sigs)
    signed_copy.write_bytes(seal(etree.tostring(root, xml_declaration=True, encoding="UTF-8")))
    result = verify(signed_copy, trust=trust)
    unsigned = [c for c in result.checks if c.kind is TeilArt.UNTERZEICHNUNG]
    assert [(c.label, c.status) for c in unsigned] == [
        ("Unterzeichnung 1", Status.UNSIGNED),
        ("Unterzeichnung 2", Status.UNSIGNED),
    ]
    assert result.ok  # by default an unsigned block is named, and fine
    assert main(["verify", str(signed_copy), "--trust", str(trust[0])]) == 0
    assert "Unterzeichnung 1: unsigned" in capsys.readouterr().out
    strict = verify(signed_copy, trust=trust, require_signatures=True)
    assert not strict.ok
    assert main(["verify", str(signed_copy), "--require-signatures"]) == 1


def test_verify_notes_a_file_name_that_is_not_portable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue #13: a 1.0.0 document may have one; it verifies, and the report says so."""
    doc = altes_dokument(tmp_path / "alt", "LPT1.pdf")
    result = verify(doc)
    assert [c.label for c in result.checks if c.kind is Kind.ANLAGE] == ["Anlage 1 (LPT1.pdf)"]
    (note,) = [n for n in result.notes if "LPT1.pdf" in n]
    assert note.startswith(f"{doc}:")
    assert "anlagen[0].dateiname: the file name 'LPT1.pdf' is not portable" in note
    assert "extract writes the file as '_LPT1.pdf'" in note
    main(["verify", str(doc)])
    hinweise = [z for z in capsys.readouterr().out.splitlines() if "Hinweis: " in z]
    assert any("'LPT1.pdf' is not portable" in z for z in hinweise)
