"""Render and bundle the example against the qpdf merging floor; peak memory for 300 MB.

Floor: merge the same input PDFs (the rendered Vorlage and the example's PDF
Anlagen) with ``pikepdf.Job`` (``qpdf --empty --pages``) in the same process.
Memory: peak RSS of a child process that bundles a Vorlage whose Anlage is a
generated 300 MB PDF (:func:`make_big_pdf`) with :func:`ratsdok.pdf.bundling.bundle_to_file`.
Target (issue 3): peak RSS under 200 MB.

    .venv/bin/python -m bench.bench_pdf
"""

from __future__ import annotations

import hashlib
import itertools
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pikepdf

import ratsdok
from bench.bench_xml import best_per_call
from bench.documents import EXAMPLE_XML, example
from ratsdok import Anlage
from ratsdok.pdf.bundling import bundle_to_file

MEMORY_TARGET_MB = 200.0
BIG_MB = 300
_SIDE = 1024  # image of 1024 × 1024 RGB pixels: 3 MiB per page


def make_big_pdf(path: Path, megabytes: int, seed: int = 1) -> int:
    """Write a PDF of about *megabytes* MiB (one incompressible image per page).

    The file is written object by object, so generating it needs little memory;
    the same arguments always give the same bytes. Returns the file size.
    """
    rng = random.Random(seed)
    image_size = _SIDE * _SIDE * 3
    n_pages = max(1, megabytes * 1024 * 1024 // image_size)
    content = b"q 595 0 0 595 0 123 cm /Im0 Do Q"
    offsets: dict[int, int] = {}
    with path.open("wb") as f:

        def obj(num: int, body: bytes, stream: bytes | None = None) -> None:
            offsets[num] = f.tell()
            f.write(b"%d 0 obj\n" % num + body)
            if stream is not None:
                f.write(b"\nstream\n" + stream + b"\nendstream")
            f.write(b"\nendobj\n")

        f.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        kids = b" ".join(b"%d 0 R" % (3 + 3 * i) for i in range(n_pages))
        obj(2, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (n_pages, kids))
        for i in range(n_pages):
            page, cont, img = 3 + 3 * i, 4 + 3 * i, 5 + 3 * i
            obj(
                page,
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R"
                b" /Resources << /XObject << /Im0 %d 0 R >> >> >>" % (cont, img),
            )
            obj(cont, b"<< /Length %d >>" % len(content), content)
            obj(
                img,
                b"<< /Type /XObject /Subtype /Image /Width %d /Height %d"
                b" /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length %d >>"
                % (_SIDE, _SIDE, image_size),
                rng.randbytes(image_size),
            )
        xref = f.tell()
        size = 3 + 3 * n_pages
        f.write(b"xref\n0 %d\n0000000000 65535 f\r\n" % size)
        for num in range(1, size):
            f.write(b"%010d 00000 n\r\n" % offsets[num])
        f.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return path.stat().st_size


def big_vorlage(pdf: Path) -> ratsdok.Vorlage:
    """The example Vorlage with a single Anlage: *pdf* (recorded size and SHA-256)."""
    digest = hashlib.sha256()
    with pdf.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    anlage = Anlage(
        nummer=1,
        titel="Großer Plan",
        dateiname=pdf.name,
        medientyp="application/pdf",
        groesse=pdf.stat().st_size,
        sha256=digest.hexdigest(),
        oeffentlich=True,
    )
    return example().model_copy(update={"anlagen": (anlage,)})


_CHILD = """
import sys
from pathlib import Path
import ratsdok
from ratsdok.pdf.bundling import bundle_to_file
v = ratsdok.from_xml(Path(sys.argv[1]).read_bytes())
bundle_to_file(v, sys.argv[2], sys.argv[3])
"""


def child_peak_mb(v: ratsdok.Vorlage, folder: Path, out: Path) -> tuple[float, float]:
    """Bundle *v* in a fresh child process; its peak RSS in MiB and the seconds taken."""
    xml = folder / "vorlage.xml"
    xml.write_bytes(ratsdok.to_xml(v))
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", _CHILD, str(xml), str(folder), str(out)], check=True)
    seconds = time.perf_counter() - t0
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, seconds


def main() -> int:
    v = example()
    folder = EXAMPLE_XML.parent
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        vorlage_pdf = work / "vorlage.pdf"
        vorlage_pdf.write_bytes(ratsdok.render_pdf(v))
        inputs = [str(vorlage_pdf)] + [
            str(folder / (a.dateiname or ""))
            for a in v.dateianlagen
            if a.medientyp == "application/pdf"
        ]
        merged = work / "merged.pdf"

        def floor() -> None:
            pikepdf.Job(["qpdf", "--empty", "--pages", *inputs, "--", str(merged)]).run()

        counter = itertools.count()

        def render() -> None:
            # another Betreff each time: Typst would serve identical input from its cache
            ratsdok.render_pdf(v.model_copy(update={"betreff": f"{v.betreff} {next(counter)}"}))

        def bundle() -> None:
            bundle_to_file(v, folder, work / "bundle.pdf")

        f = best_per_call(floor, min_time=0.3, repeat=5)
        print(f"{'step':28} {'ms/doc':>9} {'ratio to qpdf floor':>20}")
        print(f"{'floor: qpdf --pages merge':28} {f * 1e3:9.2f} {1.0:20.2f}")

        def streamed() -> None:
            bundle_to_file(v, folder, work / "bundle.pdf", stream_threshold=0)

        rows = (("render", render), ("bundle", bundle), ("bundle, streaming path", streamed))
        for name, fn in rows:
            t = best_per_call(fn, min_time=0.3, repeat=5)
            print(f"{name:28} {t * 1e3:9.2f} {t / f:20.2f}")

        big = work / "gross.pdf"
        size = make_big_pdf(big, BIG_MB)
        peak, seconds = child_peak_mb(big_vorlage(big), work, work / "gross-bundle.pdf")
        out_size = (work / "gross-bundle.pdf").stat().st_size
    print()
    print(
        f"{BIG_MB} MB case: Anlage {size / 2**20:.0f} MiB, bundle {out_size / 2**20:.0f} MiB, "
        f"{seconds:.1f} s, peak RSS of the child {peak:.0f} MiB (target < {MEMORY_TARGET_MB:.0f})"
    )
    return 0 if peak < MEMORY_TARGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
