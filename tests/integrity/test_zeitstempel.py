"""RFC 3161 time stamps over the seal: requested from a loopback ``openssl ts -reply``
TSA (the ``tsa`` fixture), stored as ``zeitstempel``, checked by ``verify``."""

from __future__ import annotations

import asyncio
import base64
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

import ratsdok
from ratsdok import Status, verify
from ratsdok.cli import main
from ratsdok.errors import InvalidDocumentError, ZeitstempelError
from ratsdok.integrity.seal import (
    seal,
    vorlage_element,
    vorlage_sha256,
    zeitstempel_matches,
    zeitstempel_of,
)
from ratsdok.integrity.sign import sign
from ratsdok.integrity.zeitstempel import check_token, read_token
from ratsdok.report import Kind
from ratsdok.verification import verify_any
from ratsdok.xml.mapping import parse_document
from tests.conftest import EXAMPLE_DIR, EXAMPLE_XML, ROOT, readme_sh_block, require_tool
from tests.factories import PID, WHEN, make_ca, pki, signed_by, write_ca
from tests.pki import make_tsa
from tests.tsa import LoopbackTsa

NS = {"r": "urn:ratsdok:schema:1", "ds": "http://www.w3.org/2000/09/xmldsig#"}
EDIT = (b"<ratsdok:betreff>Legitimation", b"<ratsdok:betreff>Bestaetigung")


def _token(data: bytes) -> bytes:
    text = etree.fromstring(data).findtext("r:nachrichteninhalt/r:zeitstempel", namespaces=NS)
    assert text is not None, "no zeitstempel"
    return base64.b64decode(text)


def _with_token(data: bytes, token: bytes) -> bytes:
    return re.sub(
        rb"<ratsdok:zeitstempel>[^<]*</ratsdok:zeitstempel>",
        b"<ratsdok:zeitstempel>" + base64.b64encode(token) + b"</ratsdok:zeitstempel>",
        data,
    )


def _insert_token(sealed: bytes, token: bytes) -> bytes:
    """*sealed* (a 1.0.0 document) with *token* put in by hand, as ratsdok would."""
    line = b"\n    <ratsdok:zeitstempel>" + base64.b64encode(token) + b"</ratsdok:zeitstempel>"
    return sealed.replace(b"</ratsdok:pruefsumme>", b"</ratsdok:pruefsumme>" + line, 1).replace(
        b'version="1.0.0"', b'version="1.2.0"', 1
    )


def _stamp_check(result: ratsdok.Report) -> ratsdok.Check:
    (check,) = [c for c in result.checks if c.kind is Kind.ZEITSTEMPEL]
    return check


def _inhalt(root: etree._Element) -> list[str]:
    """The names of the elements in nachrichteninhalt, in order."""
    return [etree.QName(c).localname for c in root.iterfind("r:nachrichteninhalt/*", NS)]


def _version(data: bytes) -> str | None:
    return etree.fromstring(data).get("version")


@pytest.fixture
def stamped(tsa: LoopbackTsa) -> bytes:
    """The example, sealed and time-stamped by the loopback TSA."""
    return seal(EXAMPLE_XML.read_bytes(), tsa=tsa.url)


# --------------------------------------------------------------------------- seal --tsa


def test_the_token_covers_the_seals_digest_and_verifies_with_trust(stamped: bytes) -> None:
    before = datetime.now(UTC)
    root = etree.fromstring(stamped)
    recorded = root.findtext(
        "r:nachrichteninhalt/r:pruefsumme/ds:Reference/ds:DigestValue", namespaces=NS
    )
    assert recorded is not None
    stamp = read_token(_token(stamped))
    assert stamp.algorithm == "sha256"
    assert stamp.imprint == base64.b64decode(recorded)
    assert stamp.imprint == vorlage_sha256(vorlage_element(root))
    assert abs(stamp.zeit - before) < timedelta(minutes=2)
    assert stamp.tsa is not None and "CN=ratsdok Test-TSA" in stamp.tsa

    result = verify(stamped, folder=EXAMPLE_DIR, trust=[pki()["ca"].cert_pem])
    check = _stamp_check(result)
    assert check.status is Status.VALID, check
    assert stamp.zeit_text in check.reason and "ratsdok Test-TSA" in check.reason
    assert dict(result.facts)["zeitstempel"] == stamp.zeit_text
    assert result.ok, result.to_dict()
    # the token sits right after the seal, on one line, and the document stays schema-valid
    names = _inhalt(root)
    assert names == ["vorlage", "pruefsumme", "zeitstempel"]
    assert re.search(
        rb"\n    <ratsdok:zeitstempel>[A-Za-z0-9+/=]+</ratsdok:zeitstempel>\n", stamped
    )


def test_without_trust_the_time_stamp_is_untrusted_and_not_ok(stamped: bytes) -> None:
    result = verify(stamped, folder=EXAMPLE_DIR)
    check = _stamp_check(result)
    assert check.status is Status.UNTRUSTED and not check.ok
    assert "zeitstempel" not in dict(result.facts)
    assert not result.ok
    # another CA is no better than none
    other = make_ca("Andere Test-CA").cert_pem
    assert _stamp_check(verify(stamped, folder=EXAMPLE_DIR, trust=[other])).status is (
        Status.UNTRUSTED
    )


def test_a_tsa_of_another_ca_is_untrusted(tmp_path: Path) -> None:
    fremd = LoopbackTsa(require_tool("openssl"), make_tsa(make_ca("Fremde TSA-CA")), tmp_path)
    try:
        data = seal(EXAMPLE_XML.read_bytes(), tsa=fremd.url)
    finally:
        fremd.close()
    check = _stamp_check(verify(data, folder=EXAMPLE_DIR, trust=[pki()["ca"].cert_pem]))
    assert check.status is Status.UNTRUSTED
    assert "does not chain to a trusted CA" in check.reason


def test_a_changed_vorlage_breaks_the_time_stamp(stamped: bytes) -> None:
    edited = stamped.replace(*EDIT)
    check = _stamp_check(verify(edited, folder=EXAMPLE_DIR, trust=[pki()["ca"].cert_pem]))
    assert check.status is Status.BROKEN and not check.ok
    assert "changed after it was stamped" in check.reason


def test_a_new_seal_over_a_changed_vorlage_does_not_make_the_old_token_valid(
    stamped: bytes,
) -> None:
    """The token is checked against the Vorlage, not against the digest the seal records."""
    root = etree.fromstring(stamped.replace(*EDIT))
    digest = vorlage_sha256(vorlage_element(root))
    check = check_token(_token(stamped), digest, trust=pki()["ca"].cert_pem)
    assert check.status is Status.BROKEN


@pytest.mark.parametrize("where", [120, 300, -60], ids=["tstinfo", "certificate", "signature"])
def test_a_tampered_token_is_invalid(stamped: bytes, where: int) -> None:
    token = bytearray(_token(stamped))
    token[where] ^= 0x01
    check = _stamp_check(
        verify(_with_token(stamped, bytes(token)), folder=EXAMPLE_DIR, trust=[pki()["ca"].cert_pem])
    )
    assert check.status is Status.INVALID, check
    assert not check.ok


def test_a_token_that_is_no_token_is_invalid(stamped: bytes) -> None:
    check = _stamp_check(verify(_with_token(stamped, b"not DER at all"), folder=EXAMPLE_DIR))
    assert check.status is Status.INVALID
    assert "not an RFC 3161 time stamp token" in check.reason


def test_resealing_keeps_a_matching_token_byte_for_byte(stamped: bytes) -> None:
    assert seal(stamped) == stamped
    assert seal(stamped, refresh=False) == stamped
    assert zeitstempel_matches(parse_document(stamped)) is True
    assert zeitstempel_matches(parse_document(EXAMPLE_XML.read_bytes())) is None


def test_resealing_a_changed_vorlage_drops_the_stale_token(stamped: bytes) -> None:
    edited = stamped.replace(*EDIT)
    assert zeitstempel_matches(parse_document(edited)) is False
    resealed = seal(edited)
    assert b"zeitstempel" not in resealed
    # the document no longer needs 1.2.0: exactly what sealing the edit without a stamp gives
    assert resealed == seal(EXAMPLE_XML.read_bytes().replace(*EDIT))
    assert _version(resealed) == "1.0.0"
    # a copy for others (bundle, archive) refuses instead of dropping it silently
    fresh_seal_old_token = _insert_token(seal(edited), _token(stamped))
    with pytest.raises(InvalidDocumentError, match="zeitstempel covers another state") as info:
        seal(fresh_seal_old_token, name="v.xml", refresh=False)
    (problem,) = info.value.problems
    assert problem.field == "zeitstempel" and problem.line is not None


def test_stamping_again_replaces_the_token(stamped: bytes, tsa: LoopbackTsa) -> None:
    again = seal(stamped, tsa=tsa.url)
    assert again.count(b"<ratsdok:zeitstempel>") == 1
    assert _token(again) != _token(stamped)  # a new token: new time, serial and nonce
    assert _with_token(again, _token(stamped)) == stamped  # nothing else changed


def test_the_same_input_and_token_give_the_same_bytes(stamped: bytes) -> None:
    rebuilt = _insert_token(seal(EXAMPLE_XML.read_bytes()), _token(stamped))
    assert rebuilt == stamped
    assert seal(rebuilt) == stamped


def test_signatures_and_time_stamp_leave_each_other_valid(tsa: LoopbackTsa) -> None:
    ca = pki()["ca"].cert_pem
    # stamp, then sign: signaturen goes after the zeitstempel
    p = pki()
    stamped = seal(EXAMPLE_XML.read_bytes(), tsa=tsa.url)
    both = sign(stamped, key=p["landrat"].key, cert=p["landrat"].cert, unterzeichnung=1)
    root = etree.fromstring(both)
    names = _inhalt(root)
    assert names == ["vorlage", "pruefsumme", "zeitstempel", "signaturen"]
    result = verify(both, folder=EXAMPLE_DIR, trust=[ca])
    assert [c.status for c in result.checks if c.kind in (Kind.SIGNATUR, Kind.ZEITSTEMPEL)] == [
        Status.VALID,
        Status.VALID,
    ]
    # sign, then stamp: the signatures are untouched
    signed = signed_by(EXAMPLE_XML.read_bytes())
    later = seal(signed, tsa=tsa.url)
    result = verify(later, folder=EXAMPLE_DIR, trust=[ca])
    assert result.ok, result.to_dict()
    assert len([c for c in result.checks if c.kind is Kind.SIGNATUR]) == 2
    assert _stamp_check(result).status is Status.VALID


def test_stamping_works_inside_a_running_event_loop(tsa: LoopbackTsa) -> None:
    async def caller() -> bytes:
        return seal(EXAMPLE_XML.read_bytes(), tsa=tsa.url)

    data = asyncio.run(caller())
    assert _stamp_check(verify(data, folder=EXAMPLE_DIR)).status is Status.UNTRUSTED


# --------------------------------------------------------------------------- format version


def test_a_stamped_document_says_1_2_0_and_an_unstamped_one_is_unchanged(stamped: bytes) -> None:
    original = EXAMPLE_XML.read_bytes()
    assert _version(original) == "1.0.0"
    assert _version(stamped) == "1.2.0"
    assert parse_document(stamped).nachricht.kopf.standard_version == "1.2.0"
    sealed = seal(original)
    assert _version(sealed) == "1.0.0"
    # only the version attribute and the token line differ from the plain seal
    without = re.sub(rb"\n    <ratsdok:zeitstempel>[^<]*</ratsdok:zeitstempel>", b"", stamped)
    assert without.replace(b'version="1.2.0"', b'version="1.0.0"', 1) == sealed


def test_a_token_in_a_document_that_declares_an_older_format_is_refused(stamped: bytes) -> None:
    old = stamped.replace(b'version="1.2.0"', b'version="1.1.0"', 1)
    with pytest.raises(InvalidDocumentError, match=r"uses content of format 1\.2\.0") as info:
        parse_document(old, source="v.xml")
    assert [p.field for p in info.value.problems] == ["version"]


def test_a_reader_is_told_when_a_document_is_of_a_newer_format() -> None:
    newer = EXAMPLE_XML.read_bytes().replace(b'version="1.0.0"', b'version="1.9.0"', 1)
    unknown = newer.replace(
        b"</ratsdok:vorlage>", b"</ratsdok:vorlage><ratsdok:zukunft>x</ratsdok:zukunft>", 1
    )
    with pytest.raises(InvalidDocumentError) as info:
        parse_document(unknown, source="v.xml")
    first = info.value.problems[0]
    assert first.field == "version"
    assert "declares format 1.9.0" in first.message and "reads formats up to 1.2.0" in first.message
    assert any("zukunft" in p.message for p in info.value.problems[1:])
    # a schema error in a document of a known version gets no such hint
    with pytest.raises(InvalidDocumentError) as info:
        parse_document(unknown.replace(b'version="1.9.0"', b'version="1.2.0"', 1))
    assert all(p.field != "version" for p in info.value.problems)


def _schema_11(folder: Path) -> etree.XMLSchema:
    """The schema as format 1.1 had it: this one without the zeitstempel element."""
    for f in (ROOT / "schemas").glob("*.xsd"):
        text = f.read_text(encoding="utf-8")
        if f.name == "ratsdok-nachrichten.xsd":
            text, n = re.subn(
                r'\s*<xs:element name="zeitstempel".*?</xs:element>', "", text, flags=re.S
            )
            assert n == 1
        (folder / f.name).write_text(text, encoding="utf-8")
    return etree.XMLSchema(etree.parse(str(folder / "ratsdok.xsd")))


def test_a_1_1_reader_refuses_the_token_and_accepts_the_document_without_it(
    stamped: bytes, tmp_path: Path
) -> None:
    """What the README tells readers of 1.1: the schema names the element, and deleting
    its one line gives a document they accept, seal and signatures intact."""
    schema = _schema_11(tmp_path)
    assert not schema.validate(etree.fromstring(stamped))
    assert "zeitstempel': This element is not expected" in str(schema.error_log)
    signed = sign(stamped, key=pki()["landrat"].key, cert=pki()["landrat"].cert, unterzeichnung=1)
    sed = require_tool("sed")
    command = [sed, "/^ *<ratsdok:zeitstempel>/d"]  # as the README prints it
    stripped = subprocess.run(command, input=signed, capture_output=True, check=True).stdout
    assert stripped != signed
    assert schema.validate(etree.fromstring(stripped)), schema.error_log
    result = verify(stripped, folder=EXAMPLE_DIR, trust=[pki()["ca"].cert_pem])
    assert [c.status for c in result.checks if c.kind in (Kind.PRUEFSUMME, Kind.SIGNATUR)] == [
        Status.VALID,
        Status.VALID,
    ]


# --------------------------------------------------------------------------- failing TSAs


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ("garbage", "not an RFC 3161 time stamp response"),
        ("http-error", "500"),
        ("other-imprint", "not usable"),
        ("other-nonce", "nonce"),
    ],
)
def test_a_misbehaving_tsa_is_a_clear_error(tsa: LoopbackTsa, answer: str, why: str) -> None:
    tsa.answer = answer  # type: ignore[assignment]
    with pytest.raises(ZeitstempelError) as info:
        seal(EXAMPLE_XML.read_bytes(), tsa=tsa.url)
    (problem,) = info.value.problems
    assert problem.field == "tsa"
    assert tsa.url in problem.message and why in problem.message, problem.message
    assert tsa.requests == 1


def test_a_slow_tsa_times_out(tsa: LoopbackTsa) -> None:
    tsa.answer = "slow"
    tsa.delay = 2.0
    with pytest.raises(ZeitstempelError, match=r"no answer within 0\.5 s"):
        seal(EXAMPLE_XML.read_bytes(), tsa=tsa.url, tsa_timeout=0.5)


def test_only_http_urls_are_asked() -> None:
    for url in ("file:///etc/passwd", "ftp://tsa.example/", "https://", "tsa.example"):
        with pytest.raises(ZeitstempelError, match="not an http:// or https:// URL"):
            seal(EXAMPLE_XML.read_bytes(), tsa=url)
    for timeout in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ZeitstempelError, match="positive number of seconds"):
            seal(EXAMPLE_XML.read_bytes(), tsa="http://127.0.0.1:9/", tsa_timeout=timeout)


# --------------------------------------------------------------------------- CLI


def test_cli_seal_with_tsa_and_verify(
    tsa: LoopbackTsa, example_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = example_copy.parent / "gestempelt.xml"
    assert main(["seal", str(example_copy), "-o", str(out), "--tsa", tsa.url]) == 0
    printed = capsys.readouterr().out
    stamp = zeitstempel_of(parse_document(out.read_bytes()))
    assert stamp is not None
    assert f"zeitstempel {stamp.zeit_text} by {stamp.tsa}" in printed
    assert main(["verify", str(out)]) == 1  # untrusted without --trust
    assert "BAD zeitstempel: untrusted" in capsys.readouterr().out
    assert main(["verify", str(out), "--trust", str(write_ca(tmp_path))]) == 0
    text = capsys.readouterr().out
    assert "ok  zeitstempel: valid: time stamp of " + stamp.zeit_text in text
    assert f"  zeitstempel: {stamp.zeit_text}\n" in text


def test_cli_tsa_down_is_a_clear_error_and_writes_nothing(
    tsa_down: str, example_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = example_copy.read_bytes()
    out = example_copy.parent / "out.xml"
    assert main(["seal", str(example_copy), "-o", str(out), "--tsa", tsa_down]) == 1
    err = capsys.readouterr().err
    assert f"time stamp authority {tsa_down}" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
    # in place: the input stays as it was
    assert main(["seal", str(example_copy), "-o", str(example_copy), "--tsa", tsa_down]) == 1
    assert example_copy.read_bytes() == original


def test_cli_seal_warns_when_it_drops_a_stale_token(
    stamped: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "v.xml"
    doc.write_bytes(stamped)
    assert main(["seal", str(doc), "-o", str(doc)]) == 0
    assert capsys.readouterr().err == ""
    assert doc.read_bytes() == stamped
    doc.write_bytes(stamped.replace(*EDIT))
    assert main(["seal", str(doc), "-o", str(doc)]) == 0
    assert "warning: the zeitstempel covered an earlier state" in capsys.readouterr().err
    assert b"zeitstempel" not in doc.read_bytes()


# --------------------------------------------------------------------------- containers


def test_a_bundle_carries_the_token_and_verify_checks_it(stamped: bytes, tmp_path: Path) -> None:
    pdf = ratsdok.bundle(ratsdok.from_xml(stamped), EXAMPLE_DIR, xml=stamped)
    path = tmp_path / "bundle.pdf"
    path.write_bytes(pdf)
    result = verify_any(path, trust=[pki()["ca"].cert_pem])
    assert _stamp_check(result).status is Status.VALID
    assert result.ok, result.to_dict()
    assert _stamp_check(verify_any(path)).status is Status.UNTRUSTED


def test_an_archive_keeps_the_token_and_verify_checks_it(stamped: bytes, tmp_path: Path) -> None:
    folder = tmp_path / "quelle"
    shutil.copytree(EXAMPLE_DIR, folder)
    (folder / "vorlage.xml").write_bytes(stamped)
    out = tmp_path / "abgabe"
    out.mkdir()
    zip_path = ratsdok.archive(
        [folder / "vorlage.xml"], out, prozess_id=PID, zeitpunkt=WHEN, workers=1
    )
    report = ratsdok.verify_archive(zip_path, trust=[pki()["ca"].cert_pem])
    assert report.ok, report.to_dict()
    checks = [c for s in report.sections for c in s.checks if c.kind is Kind.ZEITSTEMPEL]
    assert [c.status for c in checks] == [Status.VALID]


# --------------------------------------------------------------------------- standard tools


def test_readme_openssl_ts_verify_works(stamped: bytes, tmp_path: Path) -> None:
    """The README's ``openssl ts -verify`` block, run as printed."""
    for tool in ("xmllint", "openssl", "base64", "sed", "cut"):
        require_tool(tool)
    write_ca(tmp_path)
    doc = tmp_path / "vorlage.xml"
    doc.write_bytes(stamped)
    block = readme_sh_block("Checking the time stamp with standard tools")

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", block],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )

    done = run()
    assert done.returncode == 0, done.stderr
    assert "Verification: OK" in done.stdout
    when = read_token(_token(stamped)).zeit.strftime("%H:%M:%S")
    assert when in done.stdout  # the time it prints is the token's
    # a changed Vorlage: openssl finds the imprint mismatch
    doc.write_bytes(stamped.replace(*EDIT))
    done = run()
    assert done.returncode != 0
    assert "Verification: FAILED" in done.stdout
    assert "message imprint mismatch" in done.stderr
