"""Rendering or bundling many Vorlagen on any :class:`concurrent.futures.Executor`.

One work unit per Vorlage (:func:`pdf_unit`, a pure function of its input file and
the Anlagen beside it) reads the XML, renders or bundles it as ``ratsdok render`` /
``ratsdok bundle`` would and writes the PDF atomically into the output folder. The
units run on the local process pool, a Dask cluster's executor or here
(:mod:`ratsdok.interop.batch`), and come back in input order; a failed one is named
with its file and the rest goes on. Each line of the index ``ratsdok-pdf.index.jsonl``
says which input became which PDF (or why not), so the summary stays small however
many Vorlagen there are.

Output names follow the inputs: ``a/vorlage.xml`` in a folder given as input becomes
``OUT/a/vorlage.pdf``; a file given by name becomes ``OUT/<stem>.pdf``, with the
parent folder's name put in front where two inputs would get the same name.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from ratsdok.errors import OutputError, Problem
from ratsdok.integrity.verify import signature_marks
from ratsdok.interop.batch import Fehlschlag, Fortschritt, executor_and_window, map_ordered
from ratsdok.pdf.ansicht import tabellen_ohne_kopf
from ratsdok.pdf.bundling import NichtKonform, build_barrierefrei, bundle_to_file
from ratsdok.pdf.render import render_pdf
from ratsdok.pdf.validation import gate_tagged
from ratsdok.store.atomic import atomic_output, write_atomic
from ratsdok.store.files import AnlagenCheck, read_document, xml_files_below
from ratsdok.store.index import json_line

__all__ = ["INDEX", "PdfArt", "PdfAuftrag", "PdfErgebnis", "PdfLauf", "pdf_batch", "pdf_unit"]

INDEX = "ratsdok-pdf.index.jsonl"
"""The index in the output folder: one JSON object per input, in input order."""

_SHOWN = 20
"""Failures the summary keeps in full (the index has all)."""


class PdfArt(StrEnum):
    """What each unit makes."""

    RENDER = "render"
    """The Vorlage alone, PDF/A-3a + PDF/UA-1 (``ratsdok render``)."""
    BUNDLE = "bundle"
    """Vorlage and Anlagen, PDF/A-3b, the XML embedded (``ratsdok bundle``)."""
    BARRIEREFREI = "barrierefrei"
    """The accessible bundle, PDF/A-3a + PDF/UA-1 (``ratsdok bundle --barrierefrei``)."""


@dataclass(frozen=True)
class PdfAuftrag:
    """One work unit: which file, where to, what to make (picklable, paths as text)."""

    quelle: str
    ziel: str
    art: PdfArt
    oeffentlich: bool = False
    trust: tuple[str, ...] = ()


@dataclass(frozen=True)
class PdfErgebnis:
    """What one unit wrote."""

    quelle: str
    ziel: str
    nummer: str
    hinweise: tuple[str, ...] = ()


def pdf_unit(a: PdfAuftrag) -> PdfErgebnis:
    """Make the PDF of one Vorlage (see the module); errors are ratsdok errors naming
    the file."""
    path = Path(a.quelle)
    out = Path(a.ziel)
    out.parent.mkdir(parents=True, exist_ok=True)
    trust = [Path(t) for t in a.trust] or None
    anlagen = AnlagenCheck.IGNORE if a.art is PdfArt.RENDER else AnlagenCheck.REQUIRE
    doc, v = read_document(path, anlagen=anlagen)
    hinweise: tuple[str, ...] = ()
    if a.art is PdfArt.RENDER:
        data = render_pdf(v, signiert=signature_marks(doc, trust=trust))
        gate_tagged(
            data, ["3a", "ua1"], what=f"the rendered {v.nummer}", ohne_kopf=tabellen_ohne_kopf(v)
        )
        write_atomic(out, data)
    elif a.art is PdfArt.BARRIEREFREI:
        result = build_barrierefrei(
            v, path.parent, oeffentlich_only=a.oeffentlich, xml=doc, trust=trust
        )
        write_atomic(out, result.data)
        hinweise = tuple(str(h) for h in result.hinweise)
    else:
        hinweise = tuple(
            str(h)
            for h in bundle_to_file(
                v,
                path.parent,
                out,
                oeffentlich_only=a.oeffentlich,
                nicht_konform=NichtKonform.FEHLER,
                xml=doc,
                trust=trust,
            )
        )
    return PdfErgebnis(a.quelle, a.ziel, str(v.nummer), hinweise)


@dataclass(frozen=True)
class PdfLauf:
    """The summary of a run: counts and the first failures; the index has every line."""

    ordner: Path
    geschrieben: int
    fehlgeschlagen: int
    index: Path
    fehler: tuple[Fehlschlag, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """Whether every input became its PDF."""
        return self.fehlgeschlagen == 0

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form; its size does not grow with the count."""
        return {
            "ordner": str(self.ordner),
            "geschrieben": self.geschrieben,
            "fehlgeschlagen": self.fehlgeschlagen,
            "index": str(self.index),
            "fehler": [{"quelle": f.quelle, "fehler": f.lines()} for f in self.fehler],
        }


def _names(inputs: Iterable[Path], out: Path) -> Iterator[tuple[Path, Path]]:
    """(input XML, output PDF) for every XML named or below a folder named."""
    used: set[Path] = set()
    for p in inputs:
        found = (
            ((x, x.relative_to(p).with_suffix(".pdf")) for x in xml_files_below(p))
            if p.is_dir()
            else iter([(p, Path(p.stem + ".pdf"))])
        )
        for xml, rel in found:
            target = out / rel
            if target in used:
                target = out / f"{xml.parent.name}-{rel.name}"
            n = 2
            base = target
            while target in used:
                target = base.with_name(f"{base.stem}-{n}.pdf")
                n += 1
            used.add(target)
            yield xml, target


def pdf_batch(
    inputs: Iterable[Path | str],
    out_dir: Path | str,
    *,
    art: PdfArt = PdfArt.BUNDLE,
    oeffentlich: bool = False,
    trust: Iterable[Path | str] = (),
    executor: Executor | None = None,
    workers: int | None = None,
    window: int | None = None,
    chunk: int = 1,
    progress: Fortschritt | None = None,
) -> PdfLauf:
    """Render or bundle (*art*) every Vorlage of *inputs* (XML files, or folders standing
    for every ``*.xml`` below them) into the existing folder *out_dir*.

    Units run on *executor* (any :class:`concurrent.futures.Executor`; default a
    process pool of *workers*, 1: here), *chunk* inputs to a task, at most *window*
    tasks pending. On another machine (Dask) the inputs and *out_dir* must be at the
    same paths. Output bytes do not depend on where a unit ran.
    """
    out = Path(out_dir)
    if not out.is_dir():
        raise OutputError(Problem("output folder does not exist", file=str(out)))
    vertraut = tuple(str(t) for t in trust)
    units = (
        PdfAuftrag(str(x), str(t), art, oeffentlich, vertraut)
        for x, t in _names((Path(i) for i in inputs), out)
    )
    geschrieben = fehlgeschlagen = 0
    fehler: list[Fehlschlag] = []
    with contextlib.ExitStack() as stack:
        executor, window = executor_and_window(stack, executor, workers, window)
        index = stack.enter_context(atomic_output(out / INDEX))
        for o in map_ordered(
            pdf_unit,
            units,
            executor=executor,
            name=lambda a: a.quelle,
            window=window,
            chunk=chunk,
        ):
            line: dict[str, object] = {"quelle": o.eingabe.quelle, "ziel": o.eingabe.ziel}
            if o.fehler is not None:
                fehlgeschlagen += 1
                if len(fehler) < _SHOWN:
                    fehler.append(o.fehler)
                line = {"quelle": o.eingabe.quelle, "fehler": o.fehler.lines()}
            else:
                assert o.ergebnis is not None
                geschrieben += 1
                line["nummer"] = o.ergebnis.nummer
                if o.ergebnis.hinweise:
                    line["hinweise"] = list(o.ergebnis.hinweise)
            index.write(json_line(line))
            if progress is not None:
                progress.step(failed=o.fehler is not None)
    if progress is not None:
        progress.done()
    return PdfLauf(out, geschrieben, fehlgeschlagen, out / INDEX, tuple(fehler))
