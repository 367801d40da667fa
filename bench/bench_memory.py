"""Peak memory of reading a large Vorlage, against the raw lxml parse floor.

The document has many short Absätze (issue #13: a 100 MB Vorlage with 1.5 million
Absätze peaked at 925 MB). Each step runs in a child process of its own and reports
its peak RSS (``ru_maxrss``); the baseline (Python with ratsdok, lxml and the schema
loaded) is subtracted from each:

* floor: read the file and parse it with :func:`ratsdok.xml.parser.parse_xml`
  (input bytes plus the lxml tree, nothing of ratsdok's own);
* ratsdok: :func:`ratsdok.load` (safe parse, XML Schema, mapping, model rules), with
  the input limit raised for sizes above the default.

The issue asked for a peak of at most 4× the input. That cannot be had while the
tree is kept (sealing, signatures and line numbers need it): the floor alone is
about 6× (libxml2 spends some 500 bytes on each short paragraph with its
indentation), and each paragraph model about 490 bytes more (its ``__dict__`` and
its ``model_fields_set``). So the default input limit was lowered (256 → 64 MiB)
instead; the check is that the peak at the default limit (this ratio × the limit)
stays within BUDGET (exit status 1 otherwise).

    .venv/bin/python -m bench.bench_memory [ABSAETZE ...]

Default sizes: 150,000 and 1,500,000 Absätze (about 16 and 156 MB).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import ratsdok
from bench.documents import large
from ratsdok import Abschnitt, Abschnittsart
from ratsdok.xml.parser import DEFAULT_MAX_BYTES

BUDGET = 1_100_000_000
"""Peak RSS (above the baseline) allowed for the worst-shaped document at the limit."""

_MARK = "ABSATZ-PLATZHALTER"

_CHILD = """
import resource, sys
from pathlib import Path
import ratsdok
from ratsdok.xml.parser import parse_xml
from ratsdok.xml.schema import load_schema
load_schema()
path, step = Path(sys.argv[1]), sys.argv[2]
if step == "floor":
    tree = parse_xml(path.read_bytes(), max_bytes=1 << 40)
elif step == "ratsdok":
    v = ratsdok.load(path, anlagen="ignore", max_bytes=1 << 40)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def write_document(path: Path, absaetze: int) -> int:
    """Write a valid Vorlage with *absaetze* short Absätze to *path*; return its size.

    One paragraph line is written by ratsdok and repeated with varied text (building
    1.5 million models first would measure the generator, not the reader).
    """
    v = large(n_beratungen=3, n_anlagen=3)
    platzhalter = Abschnitt(art=Abschnittsart.BEGRUENDUNG, absaetze=[_MARK])
    data = ratsdok.to_xml(v.model_copy(update={"abschnitte": (v.abschnitte[0], platzhalter)}))
    text = data.decode()
    head, line_end = text.split(_MARK)
    start = head.rindex("\n") + 1
    indent_open, rest = head[:start], head[start:]
    tail = line_end[line_end.index("\n") + 1 :]
    close = line_end[: line_end.index("\n") + 1]
    with path.open("w", encoding="utf-8") as f:
        f.write(indent_open)
        for i in range(absaetze):
            f.write(f"{rest}Absatz {i}: Der Kreistag nimmt die Übersicht zur Kenntnis.{close}")
        f.write(tail)
    return path.stat().st_size


def peak(path: Path, step: str) -> int:
    """Peak RSS in bytes of a child process running *step* on *path*."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), step],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.split()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[150_000, 1_500_000])
    args = parser.parse_args()
    failed = False
    print(f"default input limit: {DEFAULT_MAX_BYTES:,} bytes; budget {BUDGET / 1e6:,.0f} MB")
    print(
        f"{'Absätze':>10} {'bytes':>12} {'floor MB':>9} {'ratsdok MB':>11}"
        f" {'×input':>7} {'×floor':>7} {'at limit MB':>12}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gross.xml"
        for n in args.sizes:
            size = write_document(path, n)
            base = peak(path, "baseline")
            floor = peak(path, "floor") - base
            used = peak(path, "ratsdok") - base
            ratio = used / size
            at_limit = ratio * DEFAULT_MAX_BYTES
            failed |= at_limit > BUDGET
            print(
                f"{n:10,} {size:12,} {floor / 1e6:9.0f} {used / 1e6:11.0f}"
                f" {ratio:7.2f} {used / floor:7.2f} {at_limit / 1e6:12.0f}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
