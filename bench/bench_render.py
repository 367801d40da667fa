"""Render and bundle against the Typst and qpdf floors (issue #11), in one process.

Floors, measured in the same run:

* render floor: a bare ``typst.compile`` of the same template with the same data
  (JSON through ``sys_inputs``), the shipped fonts, PDF/A-3a + PDF/UA-1 and a fixed
  timestamp: what any caller of Typst pays;
* merge floor: ``qpdf --empty --pages`` of the rendered Vorlage and the example's
  PDF Anlagen (``pikepdf.Job``).

Every iteration renders a different Betreff, so Typst's memoisation cannot serve
a result from the previous call (it would for identical input).

Targets: render ≤ 1.3 × the render floor; bundle ≤ 2 × (render floor + merge floor).

    .venv/bin/python -m bench.bench_render
"""

from __future__ import annotations

import itertools
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import typst

import ratsdok
from bench.bench_xml import best_per_call
from bench.documents import EXAMPLE_XML, example
from ratsdok.pdf.ansicht import ansicht, stichtag
from ratsdok.pdf.bundling import bundle_to_file
from ratsdok.pdf.satz import font_dir

RENDER_TARGET = 1.3
BUNDLE_TARGET = 2.0


def main() -> int:
    v = example()
    folder = EXAMPLE_XML.parent
    template = Path(font_dir()).parent / "vorlage.typ"
    tag = stichtag(v)
    stamp = datetime(tag.year, tag.month, tag.day, tzinfo=UTC)
    counter = itertools.count()

    def varied() -> ratsdok.Vorlage:
        return v.model_copy(update={"betreff": f"{v.betreff} ({next(counter)})"})

    def render_floor() -> None:
        data = json.dumps(ansicht(varied()), ensure_ascii=False)
        typst.compile(
            str(template),
            root=str(template.parent),
            font_paths=[font_dir()],
            ignore_system_fonts=True,
            sys_inputs={"data": data},
            pdf_standards=["a-3a", "ua-1"],
            timestamp=stamp,
        )

    def render() -> None:
        ratsdok.render_pdf(varied())

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        vorlage_pdf = work / "vorlage.pdf"
        vorlage_pdf.write_bytes(ratsdok.render_pdf(v))
        inputs = [str(vorlage_pdf)] + [
            str(folder / (a.dateiname or ""))
            for a in v.dateianlagen
            if a.medientyp == "application/pdf"
        ]

        def merge_floor() -> None:
            pikepdf.Job(["qpdf", "--empty", "--pages", *inputs, "--", str(work / "m.pdf")]).run()

        def bundle() -> None:
            bundle_to_file(varied(), folder, work / "bundle.pdf")

        rf = best_per_call(render_floor, min_time=0.5, repeat=5)
        mf = best_per_call(merge_floor, min_time=0.3, repeat=5)
        r = best_per_call(render, min_time=0.5, repeat=5)
        b = best_per_call(bundle, min_time=0.5, repeat=5)
    print(f"{'step':34} {'ms/doc':>8} {'ratio':>8} {'target':>8}")
    print(f"{'render floor: bare typst.compile':34} {rf * 1e3:8.2f}")
    print(f"{'merge floor: qpdf --pages':34} {mf * 1e3:8.2f}")
    print(f"{'render (ratsdok.render_pdf)':34} {r * 1e3:8.2f} {r / rf:8.2f} {RENDER_TARGET:8.2f}")
    ratio = b / (rf + mf)
    print(f"{'bundle vs render + merge floor':34} {b * 1e3:8.2f} {ratio:8.2f} {BUNDLE_TARGET:8.2f}")
    return 0 if r / rf <= RENDER_TARGET and ratio <= BUNDLE_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
