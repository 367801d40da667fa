"""Bundle a Vorlage whose Anlage has many pages, against the qpdf merging floor.

Floor: merge the same Anlage PDF with ``pikepdf.Job`` (``qpdf --empty --pages
anlage.pdf -- out.pdf``) in the same process. The Anlage (:func:`make_pages_pdf`)
has the example Anlage's text pages (embedded fonts) in turn, each with content
of its own, and a bookmark every ten pages. Bundling must take time linear in
the page count: the time per page may not grow with the size (exit status 1 if
it grows by more than half from the smallest to the largest size). Target
(issue: 20,000 pages took 2 min 41 s): within 10× of the floor; the ratio
includes the PDF/A validation (page-validation on the in-memory path; on the
streaming path, meant for files too large to hold, the probe of the Anlage's
pages is pikepdf.pdfa, which reads lazily). For reference, the "pdfa" columns
time one pass of :mod:`pikepdf.pdfa` over the written bundle.

    .venv/bin/python -m bench.bench_bigpdf [PAGES ...] [--path memory|streaming|both]

Default sizes 2,000, 5,000 and 20,000 pages; ``memory`` is the in-memory path
(:func:`ratsdok.pdf.bundling.build_bundle`), ``streaming`` the on-disk one
(:mod:`ratsdok.pdf.stream`, forced with ``stream_threshold=0``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem

from bench.bench_pdf import big_vorlage
from bench.documents import EXAMPLE_XML
from ratsdok.pdf.bundling import bundle_to_file

EXAMPLE_ANLAGE = EXAMPLE_XML.parent / "integrationskonzept.pdf"
TARGET = 10.0
LINEAR = 1.5
"""Largest allowed growth of the time per page from the smallest to the largest size."""


def make_pages_pdf(path: Path, pages: int, bookmark_every: int = 10) -> int:
    """Write a PDF of *pages* pages; return its size.

    The pages show the example Anlage's pages in turn (text in embedded fonts,
    one content stream shared) and a few bars of their own (their number in
    binary, one small stream each). The file is built without looking pages
    up by index (linear time); the same arguments give the same bytes.
    """
    with pikepdf.open(EXAMPLE_ANLAGE) as src, pikepdf.new() as pdf:
        looks = []
        for template in src.pages:
            copy = pdf.copy_foreign(template.obj)
            res = copy.Resources
            looks.append((copy.MediaBox, res if res.is_indirect else pdf.make_indirect(res), copy))
        tree = pdf.Root.Pages
        kids = tree.Kids
        items = []
        for n in range(pages):
            box, res, copy = looks[n % len(looks)]
            bars = b"".join(b" %d 20 4 12 re" % (46 + 6 * b) for b in range(16) if n >> b & 1)
            own = pdf.make_stream(b"q 0.2 0.4 0.8 rg 40 20 4 12 re" + bars + b" f Q")
            page = pdf.make_indirect(
                Dictionary(
                    Type=Name.Page,
                    Parent=tree,
                    MediaBox=box,
                    Resources=res,
                    Contents=Array([copy.Contents, own]),
                )
            )
            kids.append(page)
            if n % bookmark_every == 0:
                items.append(OutlineItem(f"Seite {n + 1}", Array([page, Name.Fit])))
        tree.Count = pages
        with pdf.open_outline() as ol:
            ol.root.extend(items)
        pdf.save(path, deterministic_id=True)
    return path.stat().st_size


def merge(anlage: Path, out: Path) -> None:
    """The floor: qpdf merges the pages of *anlage* into *out*."""
    pikepdf.Job(["qpdf", "--empty", "--pages", str(anlage), "--", str(out)]).run()


def best(fn: Callable[[], object], repeat: int) -> float:
    """Best wall time of *repeat* calls, in seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", type=int, default=[2000, 5000, 20000])
    parser.add_argument("--path", choices=["memory", "streaming", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=1, help="bundles per size (best counts)")
    args = parser.parse_args(argv)
    paths = ["memory", "streaming"] if args.path == "both" else [args.path]
    sizes = sorted(args.pages)
    per_page: dict[str, list[float]] = {p: [] for p in paths}
    print(
        f"{'pages':>7} {'path':10} {'MiB':>6} {'floor s':>8} {'bundle s':>9} {'ratio':>6}"
        f" {'floor µs/p':>11} {'bundle µs/p':>12} {'pdfa s':>7} {'pdfa ratio':>10}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n in sizes:
            anlage = work / f"seiten-{n}.pdf"
            size = make_pages_pdf(anlage, n)
            v = big_vorlage(anlage)
            f = best(partial(merge, anlage, work / "merged.pdf"), 3)
            for path in paths:
                out = work / f"bundle-{path}.pdf"
                threshold = 0 if path == "streaming" else 1 << 62
                t = best(
                    partial(bundle_to_file, v, work, out, stream_threshold=threshold), args.repeat
                )
                pdfa = best(partial(pikepdf.pdfa.validate_written, out, "3b"), 1)
                per_page[path].append(t / n)
                print(
                    f"{n:7,} {path:10} {size / 2**20:6.1f} {f:8.2f} {t:9.2f} {t / f:6.1f}"
                    f" {f / n * 1e6:11.1f} {t / n * 1e6:12.1f} {pdfa:7.2f} {pdfa / f:10.1f}"
                )
    print()
    failed = False
    for path in paths:
        growth = [p / per_page[path][0] for p in per_page[path]]
        failed |= growth[-1] > LINEAR
        shown = ", ".join(f"{n:,}: {g:.2f}" for n, g in zip(sizes, growth, strict=True))
        print(f"{path}: time per page relative to {sizes[0]:,} pages: {shown} (linear: ≈ 1)")
    print(f"target: bundle within {TARGET:.0f}× of the floor (ratio column)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
