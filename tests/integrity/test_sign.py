"""XMLDSig signatures of the Unterzeichnungen, and xmlsec1 interoperability."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from lxml import etree

from ratsdok import Status, TeilArt, verify
from ratsdok.errors import RatsdokError
from ratsdok.integrity.seal import seal
from ratsdok.integrity.sign import load_certificate, load_private_key, sign
from tests.conftest import ROOT, require_tool
from tests.factories import make_signer, pki, signed_by, write_ca

DS = "http://www.w3.org/2000/09/xmldsig#"
NS = {"r": "urn:ratsdok:schema:1", "ds": DS}


def test_two_signers_side_by_side_both_valid(example_xml: Path, tmp_path: Path) -> None:
    data = signed_by(example_xml.read_bytes())
    root = etree.fromstring(data)
    sigs = root.findall("r:nachrichteninhalt/r:signaturen/ds:Signature", NS)
    assert [s.get("Id") for s in sigs] == ["signatur-1", "signatur-2"]
    result = verify(data, trust=[write_ca(tmp_path)], folder=example_xml.parent)
    assert result.ok, result.to_dict()
    signatures = [p for p in result.parts if p.kind is TeilArt.SIGNATUR]
    assert [(p.status, p.unterzeichnung, p.funktion) for p in signatures] == [
        (Status.VALID, 1, "Landrat"),
        (Status.VALID, 2, "Kreisbeigeordneter"),
    ]
    assert signatures[0].subject is not None
    assert "Krebs" in signatures[0].subject
    assert signatures[1].subject is not None
    assert "Rosenstengel" in signatures[1].subject


def test_signing_order_does_not_matter_and_keeps_the_vorlage(example_xml: Path) -> None:
    p = pki()
    sealed = seal(example_xml.read_bytes())
    both = signed_by(sealed, 2, 1)
    start = sealed.index(b"<ratsdok:vorlage ")
    end = sealed.index(b"</ratsdok:pruefsumme>")
    assert sealed[start:end] in both
    result = verify(both, trust=[p["ca"].cert_pem], folder=example_xml.parent)
    assert result.ok, result.to_dict()


def test_resigning_replaces_the_signature_of_that_unterzeichnung(example_xml: Path) -> None:
    p = pki()
    data = signed_by(example_xml.read_bytes())
    again = signed_by(data, 1)
    root = etree.fromstring(again)
    ids = [s.get("Id") for s in root.iterfind(".//ds:Signature", NS)]
    assert ids == ["signatur-1", "signatur-2"]
    assert verify(again, trust=[p["ca"].cert_pem], folder=example_xml.parent).ok


def test_weak_or_foreign_keys_are_refused(example_xml: Path) -> None:
    p = pki()
    weak = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    weak_id = make_signer(p["ca"], "Schwach", key=weak)
    with pytest.raises(RatsdokError, match="at least 3072"):
        sign(example_xml.read_bytes(), key=weak, cert=weak_id.cert, unterzeichnung=1)
    p384 = ec.generate_private_key(ec.SECP384R1())
    p384_id = make_signer(p["ca"], "P384", key=p384)
    with pytest.raises(RatsdokError, match="P-256"):
        sign(example_xml.read_bytes(), key=p384, cert=p384_id.cert, unterzeichnung=1)
    with pytest.raises(RatsdokError, match="does not belong"):
        sign(
            example_xml.read_bytes(),
            key=p["landrat"].key,
            cert=p["beigeordneter"].cert,
            unterzeichnung=1,
        )
    with pytest.raises(RatsdokError, match="Unterzeichnung 3 does not exist"):
        sign(
            example_xml.read_bytes(), key=p["landrat"].key, cert=p["landrat"].cert, unterzeichnung=3
        )


def test_keys_and_certificates_load_from_pem_files(tmp_path: Path, example_xml: Path) -> None:
    key_path, cert_path = pki()["landrat"].write(tmp_path, "landrat")
    key = load_private_key(key_path)
    cert = load_certificate(cert_path)
    data = sign(example_xml.read_bytes(), key=key, cert=cert, unterzeichnung=1)
    assert b'Id="signatur-1"' in data
    with pytest.raises(RatsdokError, match="not a usable PEM private key"):
        load_private_key(cert_path)


def test_xmlsec1_accepts_every_signature(example_xml: Path, tmp_path: Path) -> None:
    xmlsec1 = require_tool("xmlsec1")
    doc = tmp_path / "signed.xml"
    doc.write_bytes(signed_by(example_xml.read_bytes()))
    ca = write_ca(tmp_path)
    for n in (1, 2):
        run = subprocess.run(
            [
                xmlsec1,
                "--verify",
                "--trusted-pem",
                str(ca),
                "--id-attr:id",
                "urn:ratsdok:schema:1:vorlage",
                "--node-xpath",
                f"(//*[local-name()='Signature'])[{n}]",
                str(doc),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == 0, run.stderr
        assert "SignedInfo References (ok/all): 2/2" in run.stderr
    # and it notices tampering
    tampered = tmp_path / "tampered.xml"
    assert b"Wartburgkreis</ratsdok:koerperschaft>" in doc.read_bytes()
    tampered.write_bytes(
        doc.read_bytes().replace(
            b"Wartburgkreis</ratsdok:koerperschaft>", b"Eisenach</ratsdok:koerperschaft>"
        )
    )
    run = subprocess.run(
        [
            xmlsec1,
            "--verify",
            "--trusted-pem",
            str(ca),
            "--id-attr:id",
            "urn:ratsdok:schema:1:vorlage",
            "--node-xpath",
            "(//*[local-name()='Signature'])[1]",
            str(tampered),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0


def test_xmllint_accepts_signed_documents(example_xml: Path, tmp_path: Path) -> None:
    xmllint = require_tool("xmllint")
    doc = tmp_path / "signed.xml"
    doc.write_bytes(signed_by(example_xml.read_bytes()))
    run = subprocess.run(
        [xmllint, "--noout", "--schema", str(ROOT / "schemas" / "ratsdok.xsd"), str(doc)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr


def test_cli_sign_warns_about_a_certificate_out_of_date(
    example_xml: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ratsdok.cli import main

    doc = tmp_path / "v.xml"
    doc.write_bytes(example_xml.read_bytes())
    for who, warned in (("landrat", False), ("abgelaufen", True)):
        key, cert = pki()[who].write(tmp_path, who)
        args = ["sign", str(doc), "--key", str(key), "--cert", str(cert), "-o", str(doc)]
        assert main([*args, "--unterzeichnung", "1"]) == 0
        err = capsys.readouterr().err
        assert ("will report this signature as expired" in err) is warned
