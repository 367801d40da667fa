"""Seal, sign and verify per document, and Anlage hashing throughput (issue 4).

Floor for seal/sign/verify: exclusive C14N (without comments) + SHA-256 of the
same ``vorlage`` element in lxml, on an already parsed tree. Anlage hashing:
:func:`ratsdok.hashing.digest_stream` over a file against ``hashlib.sha256``
over the same bytes in memory (target ≥ 0.9), with the peak Python memory of
the streaming digest (constant: one 1 MiB buffer).

    .venv/bin/python -m bench.bench_integrity [MiB for the hashing test, default 256]
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from lxml import etree

import ratsdok
from bench.bench_xml import best_per_call
from bench.documents import example, large
from ratsdok.hashing import digest_stream
from ratsdok.parsing import parse_xml
from ratsdok.sealing import seal, vorlage_element
from ratsdok.signing import sign
from ratsdok.verification import verify
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


def _hashing(mib: int) -> bool:
    chunk = os.urandom(1024 * 1024)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "anlage.bin"
        with path.open("wb") as out:
            for _ in range(mib):
                out.write(chunk)
        data = path.read_bytes()
        t0 = time.perf_counter()
        expected = hashlib.sha256(data).hexdigest()
        t_hashlib = time.perf_counter() - t0
        del data
        tracemalloc.start()
        t0 = time.perf_counter()
        with path.open("rb") as f:
            got = digest_stream(f)
        t_ours = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert got.sha256 == expected
    ratio = t_hashlib / t_ours
    print(
        f"Anlage hashing, {mib} MiB file: hashlib {mib / t_hashlib:8.0f} MiB/s, "
        f"digest_stream {mib / t_ours:8.0f} MiB/s, ratio {ratio:.2f} (target ≥ {HASH_TARGET}), "
        f"peak Python memory {peak / 1024:.0f} KiB"
    )
    return ratio >= HASH_TARGET


def main() -> int:
    mib = int(sys.argv[1]) if len(sys.argv) > 1 else 256
    with tempfile.TemporaryDirectory() as tmp:
        ca_file = str(Path(tmp) / "ca.pem")
        Path(ca_file).write_bytes(pki()["ca"].cert_pem)
        print(f"{'document':42} {'step':7} {'bytes':>10} {'floor ms':>10} {'ms':>10} {'ratio':>9}")
        _per_document("example", example(), ca_file)
        _per_document("large (1,000 Beratungen, 1,000 Anlagen)", large(), ca_file)
    return 0 if _hashing(mib) else 1


if __name__ == "__main__":
    sys.exit(main())
