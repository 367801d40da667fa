"""Seal, sign and verify per document, and Anlage hashing throughput (issue 4).

Floor for seal/sign/verify: exclusive C14N (without comments) + SHA-256 of the
same ``vorlage`` element in lxml, on an already parsed tree. Anlage hashing:
:func:`ratsdok.store.hashing.digest_stream` over a file against ``hashlib.sha256``
over the same bytes in memory (target ≥ 0.9, best of 3 each), and the peak RSS of a
child process digesting a 16 MiB file and the full-size one (constant memory:
equal within a few MiB), with a child that reads the file whole as a control.

    .venv/bin/python -m bench.bench_integrity [MiB for the hashing test, default 1024]
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from lxml import etree

import ratsdok
from bench.bench_xml import best_per_call
from bench.documents import example, large
from ratsdok import verify
from ratsdok.integrity.seal import seal, vorlage_element
from ratsdok.integrity.sign import sign
from ratsdok.store.hashing import Digest, digest_stream
from ratsdok.xml.parser import parse_xml
from tests.pki import pki

HASH_TARGET = 0.9


def _per_document(name: str, v: ratsdok.Vorlage, ca_file: str) -> None:
    signer = pki()["landrat"]
    data = ratsdok.to_xml(v)
    el = vorlage_element(parse_xml(data).getroot())

    def floor() -> None:
        hashlib.sha256(etree.tostring(el, method="c14n", exclusive=True, with_comments=False))

    sealed = seal(data)
    signed = sign(sealed, key=signer.key, cert=signer.cert, unterzeichnung=1)
    f = best_per_call(floor)
    rows = [
        ("seal", best_per_call(lambda: seal(data), repeat=3)),
        (
            "sign",
            best_per_call(
                lambda: sign(sealed, key=signer.key, cert=signer.cert, unterzeichnung=1), repeat=3
            ),
        ),
        ("verify", best_per_call(lambda: verify(signed, trust=[ca_file]), repeat=3)),
    ]
    for what, t in rows:
        print(f"{name:42} {what:7} {len(data):10,} {f * 1e3:10.3f} {t * 1e3:10.3f} {t / f:8.1f}×")


_CHILD = """
import sys
from pathlib import Path
from ratsdok.store.hashing import digest_stream
path, how = sys.argv[1], sys.argv[2]
if how == "stream":
    with open(path, "rb") as f:
        digest_stream(f)
else:  # the control: what holding the file would cost
    Path(path).read_bytes()
# VmHWM, not ru_maxrss: ru_maxrss keeps the parent's peak across fork and exec.
status = Path("/proc/self/status").read_text()
print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
"""


def _peak_rss_mib(path: Path, how: str) -> float:
    """Peak RSS of a fresh interpreter that digests ``path`` ("stream") or reads it whole."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), how], check=True, capture_output=True, text=True
    ).stdout
    return int(out) / 1024  # kB


def _write(path: Path, mib: int) -> None:
    chunk = os.urandom(1024 * 1024)
    with path.open("wb") as out:
        for _ in range(mib):
            out.write(chunk)


def _in_memory(path: Path) -> tuple[str, float]:
    """The floor: ``hashlib.sha256`` over the file's bytes already in RAM."""
    data = path.read_bytes()  # also puts the file in the page cache for our run
    return hashlib.sha256(data).hexdigest(), best_per_call(
        lambda: hashlib.sha256(data).hexdigest(), repeat=3
    )


def _hashing(mib: int) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "anlage.bin"
        _write(path, mib)
        expected, t_hashlib = _in_memory(path)

        def ours() -> Digest:
            with path.open("rb") as f:
                return digest_stream(f)

        assert ours().sha256 == expected
        t_ours = best_per_call(ours, repeat=3)
        small = Path(tmp) / "klein.bin"
        _write(small, 16)
        rss_small = _peak_rss_mib(small, "stream")
        rss_big = _peak_rss_mib(path, "stream")
        rss_whole = _peak_rss_mib(path, "whole")
    ratio = t_hashlib / t_ours
    print(
        f"Anlage hashing, {mib} MiB file: hashlib.sha256 in memory {mib / t_hashlib:6.0f} MiB/s, "
        f"digest_stream from the file {mib / t_ours:6.0f} MiB/s, ratio {ratio:.2f} "
        f"(target ≥ {HASH_TARGET})"
    )
    print(
        f"peak RSS of a child process digesting the file: {rss_small:.1f} MiB for 16 MiB, "
        f"{rss_big:.1f} MiB for {mib} MiB (control, reading it whole: {rss_whole:.0f} MiB)"
    )
    return ratio >= HASH_TARGET and rss_big < rss_small + 8


def main() -> int:
    mib = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    with tempfile.TemporaryDirectory() as tmp:
        ca_file = str(Path(tmp) / "ca.pem")
        Path(ca_file).write_bytes(pki()["ca"].cert_pem)
        print(f"{'document':42} {'step':7} {'bytes':>10} {'floor ms':>10} {'ms':>10} {'ratio':>9}")
        _per_document("example", example(), ca_file)
        _per_document("large (1,000 Beratungen, 1,000 Anlagen)", large(), ca_file)
    return 0 if _hashing(mib) else 1


if __name__ == "__main__":
    sys.exit(main())
