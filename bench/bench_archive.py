"""xdomea archival export of many Vorlagen, and OParl import of the whole corpus.

Archive: N generated Vorlagen (default 1,000) with 3 Anlagen each (small files in
a temporary folder) → one 0503 ZIP; time, peak memory (max RSS of this
process before/after, and of the render workers; tracemalloc is not used
because forked workers would inherit it), and the ratio to the floor of
zipping the same Anlage files plus the same number of PDF-sized entries with
``zipfile`` alone, and to that floor plus the render floor (a bare
``typst.compile`` of every Vorlage; issue #11's target: ≤ 2×). OParl: every
Paper of the corpus (Karlsruhe 1.1 papers, Hürtgenwald 1.0 list pages, spec
examples), papers per second.

    .venv/bin/python -m bench.bench_archive [N]
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sys
import tempfile
import time
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

import typst

import ratsdok
from ratsdok.interop.xdomea import archive, verify_archive
from ratsdok.oparl import import_paper
from ratsdok.pdf.ansicht import ansicht, stichtag
from ratsdok.pdf.satz import font_dir

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "oparl"
KA = CORPUS / "maxliesegang+karlsruhe-oparl-syndication" / "docs"
HW = CORPUS / "konstin+oparl-validator-rs" / "test-data" / "cache_huertgenwald" / "body" / "1"
NS = UUID("5b0f6a52-3c1e-4e0a-9d7e-2a1b3c4d5e6f")


def generate(n: int, folder: Path) -> list[tuple[ratsdok.Vorlage, Path | None]]:
    """N Vorlagen with 3 Anlage files each (PDF-ish, CSV, text; 4–40 KiB)."""
    return [(make_vorlage(i, folder), folder) for i in range(n)]


def make_vorlage(i: int, folder: Path) -> ratsdok.Vorlage:
    """Vorlage number *i*, its 3 Anlage files written into *folder*."""
    anlagen = []
    for k, (ext, mime) in enumerate(
        [("pdf", "application/pdf"), ("csv", "text/csv"), ("txt", "text/plain")], 1
    ):
        name = f"v{i:05d}-a{k}.{ext}"
        data = (f"Vorlage {i} Anlage {k}\n" * (200 * k + i % 50)).encode()
        (folder / name).write_bytes(data)
        anlagen.append(
            ratsdok.Anlage(
                nummer=k,
                titel=f"Anlage {k}",
                dateiname=name,
                medientyp=mime,
                groesse=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                oeffentlich=True,
            )
        )
    return ratsdok.Vorlage(
        uuid=uuid5(NS, str(i)),
        nummer=f"KT {i + 1:04d}/2025",
        art=ratsdok.Vorlagenart.BESCHLUSSVORLAGE,
        betreff=f"Beschluss Nummer {i} über die Maßnahme",
        datum=date(2025, 1 + i % 12, 1 + i % 28),
        koerperschaft="Wartburgkreis",
        beratungsfolge=[
            ratsdok.Beratung(gremium="Kreisausschuss", sitzungstermin=date(2025, 1 + i % 12, 1)),
            ratsdok.Beratung(gremium="Kreistag", sitzungstermin=date(2025, 1 + i % 12, 20)),
        ],
        abschnitte=[
            ratsdok.Abschnitt(
                art=ratsdok.Abschnittsart.BESCHLUSSVORSCHLAG,
                absaetze=[f"Der Kreistag beschließt Maßnahme {i}."],
            )
        ],
        anlagen=anlagen,
    )


def zip_floor(items: list[tuple[ratsdok.Vorlage, Path | None]], out: Path, pdf_size: int) -> float:
    """Zipping the same Anlage files plus one PDF-sized entry per Vorlage, zipfile alone."""
    filler = b"%PDF-1.7\n" + b"x" * pdf_size
    t0 = time.perf_counter()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for v, folder in items:
            assert folder is not None
            zf.writestr(f"{v.uuid}.pdf", filler)
            for a in v.anlagen:
                zf.write(folder / (a.dateiname or ""), a.dateiname)
    return time.perf_counter() - t0


def render_floor(items: list[tuple[ratsdok.Vorlage, Path | None]]) -> float:
    """A bare ``typst.compile`` of each Vorlage's page data with the shipped template
    and fonts at PDF/A-2a + PDF/UA-1 (what the archive copy is), one after another."""
    template = Path(font_dir()).parent / "vorlage.typ"
    t0 = time.perf_counter()
    for v, _ in items:
        tag = stichtag(v)
        typst.compile(
            str(template),
            root=str(template.parent),
            font_paths=[font_dir()],
            ignore_system_fonts=True,
            sys_inputs={"data": json.dumps(ansicht(v), ensure_ascii=False)},
            pdf_standards=["a-2a", "ua-1"],
            timestamp=datetime(tag.year, tag.month, tag.day, tzinfo=UTC),
        )
    return time.perf_counter() - t0


def bench_archive(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        out = Path(tmp) / "out"
        src.mkdir()
        out.mkdir()
        items = generate(n, src)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        path = archive(
            items, out, prozess_id=uuid5(NS, "p"), zeitpunkt=datetime(2026, 1, 1, tzinfo=UTC)
        )
        elapsed = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        with zipfile.ZipFile(path) as zf:
            pdfs = [i.file_size for i in zf.infolist() if i.filename.endswith("_Vorlage.pdf")]
            entries = len(zf.infolist())
        t1 = time.perf_counter()
        result = verify_archive(path)
        verify_s = time.perf_counter() - t1
        assert result.ok
        floor = zip_floor(items, Path(tmp) / "floor.zip", sum(pdfs) // len(pdfs))
        typeset = render_floor(items)
        print(
            f"archive: {n} Vorlagen × 3 Anlagen, {entries} ZIP entries, "
            f"{path.stat().st_size / 1e6:.1f} MB, cpus={os.cpu_count()}"
        )
        print(f"  archive time        {elapsed:8.2f} s  ({n / elapsed:.1f} Vorlagen/s)")
        print(f"  zipfile floor       {floor:8.2f} s")
        print(f"  ratio               {elapsed / floor:8.1f}×")
        print(f"  render floor        {typeset:8.2f} s  (bare typst.compile, one process)")
        both = elapsed / (typeset + floor)
        print(f"  ratio to render + zip floors {both:5.2f}×  (target ≤ 2)")
        print(f"  verify time         {verify_s:8.2f} s")
        print(
            f"  max RSS main        {rss / 1e3:8.1f} MB (before archive: {rss_before / 1e3:.1f} MB)"
        )
        print(f"  max RSS workers     {children / 1e3:8.1f} MB")


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def bench_oparl() -> None:
    ka_lookups: dict[str, Any] = {
        "meetings": [_json(p) for p in sorted((KA / "meetings").glob("*.json"))],
        "organizations": [_json(KA / "organizations.json")],
    }
    hw_lookups: dict[str, Any] = {
        "meetings": [_json(HW / "meeting?page=13.json")],
        "organizations": [_json(HW / "organization.json")],
    }
    jobs: list[tuple[Any, dict[str, Any]]] = []
    jobs += [(_json(p), ka_lookups) for p in sorted((KA / "papers").glob("*.json"))]
    jobs += [(_json(p), hw_lookups) for p in sorted(HW.glob("paper?page=*.json"))]
    jobs += [(_json(CORPUS / "oparl+spec" / "examples" / "Paper-01.json"), {})]
    jobs += [(_json(CORPUS / "oparl+spec" / "1.0" / "examples" / "Paper-01.json"), {})]
    best = float("inf")
    count = 0
    for _ in range(3):
        count = 0
        t0 = time.perf_counter()
        for data, lookups in jobs:
            count += len(import_paper(data, **lookups).vorlagen)
        best = min(best, time.perf_counter() - t0)
    print(
        f"oparl import: {len(jobs)} inputs, {count} Vorlagen, best of 3 {best * 1e3:.1f} ms, "
        f"{count / best:,.0f} papers/s (JSON parsed beforehand)"
    )


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    if CORPUS.is_dir():
        bench_oparl()
    bench_archive(n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
