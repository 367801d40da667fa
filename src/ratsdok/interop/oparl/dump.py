"""Importing a whole body's OParl dump into a folder of Vorlagen, in parallel.

A dump is a folder of list pages and objects (``*.json``, as a crawler caches a
server) or JSON Lines files (``*.jsonl``, one object or list page per line).
:func:`import_dump` reads it twice, streaming: first the objects the Papers refer to
(Meetings, Organizations, Consultations, Files, and of every Paper its id and
reference), then the Papers, each a work unit (:func:`import_unit`) on an executor
that writes ``<uuid>.xml`` into the output folder. The report
``ratsdok-oparl.bericht.jsonl`` has one line per Paper with what could not be mapped
(``docs/oparl-mapping.md#whole-dumps``).
"""

from __future__ import annotations

import contextlib
import functools
import json
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ratsdok.errors import InvalidDocumentError, OutputError, Problem, RatsdokError
from ratsdok.interop.batch import (
    Fehlschlag,
    Fortschritt,
    executor_and_window,
    map_ordered,
)
from ratsdok.interop.oparl.importer import PaperImporter
from ratsdok.interop.oparl.json_input import load_json, type_name
from ratsdok.store.atomic import atomic_output
from ratsdok.store.files import save
from ratsdok.store.index import json_line

__all__ = ["BERICHT", "DumpBericht", "PaperBericht", "import_dump", "import_unit"]

BERICHT = "ratsdok-oparl.bericht.jsonl"
"""The report in the output folder: one JSON line per Paper of the dump."""
_LOOKUPS = {
    "Meeting": "meetings",
    "Organization": "organizations",
    "Consultation": "consultations",
    "File": "files",
}
_SHOWN = 20


@dataclass(frozen=True)
class _Papier:
    """One work unit: a Paper, where it is, and where its Vorlage goes."""

    lookups: str
    """The JSON file of the lookups this run collected (read once per worker)."""
    out: str
    quelle: str
    pfad: str
    raw: Any

    def name(self) -> str:
        return f"{self.quelle} {self.pfad}"


@dataclass(frozen=True)
class PaperBericht:
    """What became of one Paper: its Vorlage file (None: skipped) and what was not mapped."""

    quelle: str
    pfad: str
    id: str | None
    uuid: str | None
    datei: str | None
    unmapped: tuple[tuple[str, str], ...]
    """(JSON path, reason) of each value not taken over."""

    def to_dict(self) -> dict[str, Any]:
        """The report line."""
        return {
            "quelle": self.quelle,
            "pfad": self.pfad,
            "id": self.id,
            "vorlage": self.uuid,
            "datei": self.datei,
            "unmapped": [{"pfad": p, "grund": g} for p, g in self.unmapped],
        }


@functools.lru_cache(maxsize=2)
def _importer(lookups: str) -> PaperImporter:
    """The importer of a run's lookups, built once per worker process."""
    with open(lookups, encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return PaperImporter(**data)


def import_unit(p: _Papier) -> PaperBericht:
    """The work unit: import one Paper and write its Vorlage (runs in a worker)."""
    result = _importer(p.lookups).import_paper(p.raw, p.pfad, p.quelle)
    uuid = datei = None
    if result.vorlagen:
        v = result.vorlagen[0]
        uuid, datei = str(v.uuid), f"{v.uuid}.xml"
        save(v, Path(p.out) / datei)
    oid = p.raw.get("id") if isinstance(p.raw, dict) else None
    return PaperBericht(
        p.quelle,
        p.pfad,
        oid if isinstance(oid, str) else None,
        uuid,
        datei,
        tuple((u.path, u.reason) for u in result.unmapped),
    )


@dataclass(frozen=True)
class DumpBericht:
    """The summary of :func:`import_dump`: counts and the first failures (its size does
    not grow with the dump; each Paper's line is in :attr:`bericht`)."""

    ordner: Path
    papers: int
    vorlagen: int
    uebersprungen: int
    """Papers that gave no Vorlage (deleted, or lacking what a Vorlage needs)."""
    doppelt: int
    """Papers whose Vorlage an earlier Paper of the dump had written (same id)."""
    unmapped: int
    """Values not taken over, over all Papers."""
    fehlgeschlagen: int
    fehler: tuple[Fehlschlag, ...]
    bericht: Path

    @property
    def ok(self) -> bool:
        """True when every file could be read and every Paper imported or skipped."""
        return self.fehlgeschlagen == 0

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON data (``ratsdok oparl import-dump --json``)."""
        return {
            "ok": self.ok,
            "ordner": str(self.ordner),
            "papers": self.papers,
            "vorlagen": self.vorlagen,
            "uebersprungen": self.uebersprungen,
            "doppelt": self.doppelt,
            "unmapped": self.unmapped,
            "fehlgeschlagen": self.fehlgeschlagen,
            "fehler": [{"quelle": f.quelle, "probleme": f.lines()} for f in self.fehler],
            "bericht": str(self.bericht),
        }


def _files(source: Path) -> list[Path]:
    if source.is_dir():
        return sorted(
            p for p in source.rglob("*") if p.suffix in (".json", ".jsonl") and p.is_file()
        )
    if not source.is_file():
        raise InvalidDocumentError(Problem("no such file or folder", file=str(source)))
    return [source]


def _page(value: Any) -> Iterator[tuple[str, Any, str | None]]:
    """(JSON path, object, type) of a list page, a list, or one object. An object
    without a type (a deleted stub) has the type of the first typed object of its page."""
    if isinstance(value, dict) and isinstance(value.get("data"), list):
        items = [(f"$.data[{i}]", obj) for i, obj in enumerate(value["data"])]
    elif isinstance(value, list):
        items = [(f"$[{i}]", obj) for i, obj in enumerate(value)]
    else:
        items = [("$", value)]
    types = [type_name(obj) if isinstance(obj, dict) else None for _, obj in items]
    page = next((t for t in types if t is not None), None)
    for (pfad, obj), t in zip(items, types, strict=True):
        yield pfad, obj, t or page


def _objects(path: Path) -> Iterator[tuple[str, str, Any, str | None]]:
    """(source, JSON path, object, type) of each object in the file *path*; a JSON
    Lines file names its line in the source (``file:line``)."""
    if path.suffix != ".jsonl":
        value, _ = load_json(path)
        for pfad, obj, t in _page(value):
            yield str(path), pfad, obj, t
        return
    with path.open("rb") as f:
        for nr, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                value, _ = load_json(line)
            except InvalidDocumentError as exc:
                raise InvalidDocumentError(
                    Problem(p.message, str(path), nr, p.field) for p in exc.problems
                ) from None
            for pfad, obj, t in _page(value):
                yield f"{path}:{nr}", pfad, obj, t


def _is_paper(kind: str | None) -> bool:
    """A Paper, or an object of unknown type (not an object, or on a page without
    types): the import reports what it skips."""
    return kind in (None, "Paper")


@dataclass
class _Lesen:
    """The first pass: the lookups, the files with Papers, the files that failed."""

    lookups: dict[str, dict[str, Any]]
    with_papers: list[Path]
    papers: int
    failures: list[Fehlschlag]


def _first_pass(files: list[Path]) -> _Lesen:
    found = _Lesen({k: {} for k in (*_LOOKUPS.values(), "papers")}, [], 0, [])
    for path in files:
        n = 0
        try:
            for _, _, obj, kind in _objects(path):
                if _is_paper(kind):
                    n += 1
                    if isinstance(obj, dict) and isinstance(obj.get("id"), str):
                        stub = {k: obj[k] for k in ("id", "reference", "deleted") if k in obj}
                        found.lookups["papers"].setdefault(obj["id"], stub)
                elif kind in _LOOKUPS and isinstance(obj.get("id"), str):
                    found.lookups[_LOOKUPS[kind]].setdefault(obj["id"], obj)
        except RatsdokError as exc:
            found.failures.append(Fehlschlag(str(path), exc.problems, type(exc).__name__))
            continue
        if n:
            found.with_papers.append(path)
            found.papers += n
    return found


def _units(files: list[Path], lookups: str, out: Path) -> Iterator[_Papier]:
    for path in files:
        for quelle, pfad, obj, kind in _objects(path):
            if _is_paper(kind):
                yield _Papier(lookups, str(out), quelle, pfad, obj)


def import_dump(
    source: Path | str,
    out_dir: Path | str,
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    window: int | None = None,
    chunk: int = 16,
    progress: Fortschritt | None = None,
) -> DumpBericht:
    """Import every Paper of the OParl dump *source* (a folder, a JSON file or a JSON
    Lines file) as ``<uuid>.xml`` into the existing folder *out_dir*.

    Papers are work units on *executor* (any :class:`concurrent.futures.Executor`;
    default a process pool of *workers*, 1: here), *chunk* Papers to a task, at most
    *window* tasks pending. A file that cannot be read and a Paper whose import fails
    are reported with their source and the rest goes on; the report
    (:data:`BERICHT`) lists each Paper in dump order with its unmapped values.
    """
    src = Path(source)
    out = Path(out_dir)
    if not out.is_dir():
        raise OutputError(Problem("output folder does not exist", file=str(out)))
    found = _first_pass(_files(src))
    if progress is not None:
        progress.total = found.papers
    failures = found.failures[:_SHOWN]
    failed = len(found.failures)
    counts = {"vorlagen": 0, "uebersprungen": 0, "doppelt": 0, "unmapped": 0}
    written: set[str] = set()
    with contextlib.ExitStack() as stack:
        tmp = Path(tempfile.mkdtemp(prefix=".ratsdok-oparl.", dir=out))
        stack.callback(shutil.rmtree, tmp, ignore_errors=True)
        lookups = tmp / "lookups.json"
        lookups.write_text(json.dumps(found.lookups, ensure_ascii=False), encoding="utf-8")
        executor, window = executor_and_window(stack, executor, workers, window)
        report = stack.enter_context(atomic_output(out / BERICHT))
        outcomes = map_ordered(
            import_unit,
            _units(found.with_papers, str(lookups), out),
            executor=executor,
            name=_Papier.name,
            window=window,
            chunk=chunk,
        )
        for o in outcomes:
            if o.fehler is not None:
                failed += 1
                if len(failures) < _SHOWN:
                    failures.append(o.fehler)
                where = {"quelle": o.eingabe.quelle, "pfad": o.eingabe.pfad}
                report.write(json_line({**where, "fehler": o.fehler.lines()}))
            else:
                assert o.ergebnis is not None
                b = o.ergebnis
                line = b.to_dict()
                if b.uuid is None:
                    counts["uebersprungen"] += 1
                elif b.uuid in written:
                    counts["doppelt"] += 1
                    line["doppelt"] = True
                else:
                    written.add(b.uuid)
                    counts["vorlagen"] += 1
                counts["unmapped"] += len(b.unmapped)
                report.write(json_line(line))
            if progress is not None:
                progress.step(failed=o.fehler is not None)
    if progress is not None:
        progress.done()
    return DumpBericht(
        ordner=out,
        papers=found.papers,
        fehlgeschlagen=failed,
        fehler=tuple(failures),
        bericht=out / BERICHT,
        **counts,
    )
