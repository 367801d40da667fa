"""Archiving many Vorlagen: several 0503 ZIPs by size or count, resumable, on any executor.

:func:`archive_batch` maps the pure work unit :func:`archive_unit` (one Vorlage:
parse, seal, render, plan its files) over the inputs on a
:class:`concurrent.futures.Executor` and streams the results, in input order, into
one ZIP after another (``docs/xdomea.md#batches-at-kreis-and-land-scale``). This
process holds one ZIP's central directory and manifest, a bounded number of pending
results, and a key per Vorlage (to skip and to refuse duplicates); the records for a
ZIP's message wait in an anonymous temporary file.

The output folder records the run: ``ratsdok-archiv.json`` (ProzessID, time,
limits), ``ratsdok-archiv.index.jsonl`` (which Vorlage went into which ZIP, a line
committed before its ZIP gets its final name) and ``ratsdok-archiv.fehler.jsonl``
(this run's failures). A run restarted with the same arguments skips what the index
lists and continues with the next ZIP.
"""

from __future__ import annotations

import contextlib
import pickle
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sized
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from uuid import UUID, uuid4, uuid5

from ratsdok._types import TrustSource
from ratsdok.errors import InvalidDocumentError, OutputError, Problem, RatsdokError
from ratsdok.integrity.trust import trust_pem
from ratsdok.interop.batch import (
    Ausgang,
    Fehlschlag,
    Fortschritt,
    executor_and_window,
    map_ordered,
)
from ratsdok.interop.xdomea.export import (
    Datei,
    Eingang,
    HashingWriter,
    VorlageInput,
    plan_dateien,
    render_unit,
    write_entry,
    zip_info,
)
from ratsdok.interop.xdomea.message import write_message_stream
from ratsdok.interop.xdomea.names import MANIFEST, archive_name, vorlage_pdf_name
from ratsdok.model.vorlage import Vorlage
from ratsdok.store.atomic import atomic_output
from ratsdok.store.files import read_document
from ratsdok.store.index import (
    JsonLines,
    ends_cleanly,
    folder_lock,
    read_json,
    read_lines,
    rewrite_lines,
    write_json,
)
from ratsdok.xml.parser import parse_xml

__all__ = [
    "FEHLER",
    "INDEX",
    "STATE",
    "ArchivLauf",
    "Einheit",
    "archive",
    "archive_batch",
    "archive_unit",
    "teil_prozess_id",
]

STATE = "ratsdok-archiv.json"
"""The run's state in the output folder: ProzessID, Erstellungszeitpunkt, limits."""
INDEX = "ratsdok-archiv.index.jsonl"
"""The index: one JSON line per archived Vorlage
(``docs/xdomea.md#the-run-folder-and-the-index``)."""
FEHLER = "ratsdok-archiv.fehler.jsonl"
"""The last run's failures: one JSON line per input that could not be archived."""
_LOCK = ".ratsdok-archiv.lock"
_FORMAT = "ratsdok-archiv/1"
_SHOWN = 20
"""Failures listed in the summary (all of them are in the failure file)."""

# Bounds for the size of a ZIP before it is written (docs/xdomea.md#several-zips):
# per entry its local header, central directory record and manifest line; per ZIP
# the Kopf of the message and the end records; per Vorgang the message around the
# embedded record (every variable text in it also occurs in the record).
_PER_ENTRY = 400
_PER_ZIP = 8192
_PER_VORGANG = 4096
_PER_ANLAGE = 1024


def teil_prozess_id(prozess_id: UUID, teil: int) -> UUID:
    """The ProzessID of part *teil* of a run: the run's own for part 1 (a run of one
    ZIP is what :func:`archive` writes), else its uuid5
    with ``teil:<n>``. Each part is a 0503 of its own, named after it."""
    return prozess_id if teil == 1 else uuid5(prozess_id, f"teil:{teil}")


@dataclass(frozen=True)
class _Auftrag:
    """One work unit's input: an XML file, or a Vorlage and the folder of its Anlagen."""

    quelle: Path | None
    vorlage: Vorlage | None
    folder: Path | None
    trust: bytes | None

    def name(self) -> str:
        if self.quelle is not None:
            return str(self.quelle)
        assert self.vorlage is not None
        return f"Vorlage {self.vorlage.nummer} ({self.vorlage.uuid})"


@dataclass(frozen=True)
class Einheit:
    """What one Vorlage contributes to a ZIP (the result of :func:`archive_unit`)."""

    vorlage: Vorlage
    pdf: bytes | None
    """The rendered PDF/A-2a + PDF/UA-1 (None where a Hauptdokument is the Vorlage)."""
    record: bytes
    """The sealed ratsdok XML the message embeds."""
    dateien: tuple[Datei, ...]
    """The Hauptdokument and Anlage files (paths, or inline bytes), in ZIP order."""

    def message_groesse(self) -> int:
        """An upper bound of the bytes of its Vorgang in the message."""
        return 2 * len(self.record) + _PER_VORGANG + _PER_ANLAGE * len(self.vorlage.anlagen)

    def groesse(self) -> int:
        """An upper bound of the bytes this Vorlage adds to a ZIP."""
        sizes = [len(self.pdf)] if self.pdf is not None else []
        for d in self.dateien:
            if d.inhalt is not None:
                sizes.append(len(d.inhalt))
            else:
                assert d.source is not None
                sizes.append(d.source.stat().st_size)
        return sum(_entry_bound(n) for n in [*sizes, self.message_groesse()])


def _entry_bound(n: int) -> int:
    """An entry of *n* bytes in a ZIP: deflate grows what it cannot compress by a
    little over a thousandth; its headers and manifest line take the rest."""
    return n + n // 1000 + _PER_ENTRY


def archive_unit(auftrag: _Auftrag) -> Einheit:
    """The work unit: one Vorlage parsed (from its file), sealed and rendered, and its
    files located. A pure function of the input files; runs in a worker."""
    if auftrag.quelle is not None:
        doc, vorlage = read_document(auftrag.quelle)
        e = Eingang(vorlage, auftrag.quelle.parent, doc.to_bytes(), auftrag.trust)
    else:
        assert auftrag.vorlage is not None
        e = Eingang(auftrag.vorlage, auftrag.folder, None, auftrag.trust)
    dateien = tuple(plan_dateien(e))
    pdf, record = render_unit(e)
    return Einheit(e.vorlage, pdf, record, dateien)


def _auftraege(vorlagen: Iterable[VorlageInput], trust: bytes | None) -> Iterator[_Auftrag]:
    for item in vorlagen:
        if isinstance(item, tuple):
            yield _Auftrag(None, item[0], item[1], trust)
        else:
            yield _Auftrag(Path(item).absolute(), None, None, trust)


@dataclass(frozen=True)
class ArchivLauf:
    """The summary of an :func:`archive_batch` call: counts, ZIPs and failures.

    Its size does not grow with the number of Vorlagen (only with the number of
    ZIPs); which Vorlage went where is in the :attr:`index`.
    """

    ordner: Path
    prozess_id: UUID
    zeitpunkt: datetime
    zips: tuple[Path, ...]
    """Every ZIP of the run, earlier calls' included, in part order."""
    neue_zips: tuple[Path, ...]
    """The ZIPs this call wrote."""
    archiviert: int
    """Vorlagen this call archived."""
    schon_archiviert: int
    """Inputs skipped because the index lists them already."""
    fehlgeschlagen: int
    fehler: tuple[Fehlschlag, ...]
    """The first failures (all of them are in the :attr:`fehler_datei`)."""
    index: Path | None
    fehler_datei: Path | None
    zu_gross: tuple[Path, ...] = ()
    """ZIPs above ``max_groesse``: each holds a single Vorlage larger than the limit."""

    @property
    def ok(self) -> bool:
        """True when no input failed."""
        return self.fehlgeschlagen == 0

    @property
    def nichts_zu_tun(self) -> bool:
        """True when every input was archived before: the call changed nothing."""
        return not self.archiviert and not self.fehlgeschlagen

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON data (``ratsdok archive --json``)."""
        return {
            "ok": self.ok,
            "ordner": str(self.ordner),
            "prozess_id": str(self.prozess_id),
            "zeitpunkt": _iso(self.zeitpunkt),
            "zips": [p.name for p in self.zips],
            "neue_zips": [p.name for p in self.neue_zips],
            "zu_gross": [p.name for p in self.zu_gross],
            "vorlagen": {
                "archiviert": self.archiviert,
                "schon_archiviert": self.schon_archiviert,
                "fehlgeschlagen": self.fehlgeschlagen,
            },
            "fehler": [{"quelle": f.quelle, "probleme": f.lines()} for f in self.fehler],
            "fehler_weitere": self.fehlgeschlagen - len(self.fehler),
            "index": None if self.index is None else str(self.index),
            "fehler_datei": None if self.fehler_datei is None else str(self.fehler_datei),
        }


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


class _Teil:
    """One ZIP being written: entries streamed in, the message's records spilled to an
    anonymous temporary file, the message and manifest written by :meth:`finish`."""

    def __init__(
        self, f: IO[bytes], zf: zipfile.ZipFile, spill: IO[bytes], path: Path, nr: int, pid: UUID
    ) -> None:
        self.f = f
        self.zf = zf
        self.spill = spill
        self.path = path
        self.nr = nr
        self.pid = pid
        self.manifest: list[tuple[str, str]] = []
        self.count = 0
        self.absender: str | None = None
        self.pending = _PER_ZIP
        """Bytes still to come beyond what is written: message, central directory."""

    def fits(self, u: Einheit, max_groesse: int | None, max_anzahl: int | None) -> bool:
        """Whether *u* may join (a first Vorlage always does)."""
        if self.count == 0:
            return True
        if max_anzahl is not None and self.count >= max_anzahl:
            return False
        return max_groesse is None or self.f.tell() + self.pending + u.groesse() <= max_groesse

    def add(self, u: Einheit, quelle: str | None) -> None:
        zf = self.zf
        if u.pdf is not None:
            pdf_name = vorlage_pdf_name(u.vorlage)
            self.manifest.append((pdf_name, write_entry(zf, pdf_name, u.pdf)))
        for d in u.dateien:
            if d.inhalt is not None:
                digest = write_entry(zf, d.name, d.inhalt)
            else:
                assert d.source is not None
                with d.source.open("rb") as src:
                    digest = write_entry(zf, d.name, src)
            self.manifest.append((d.name, digest))
        self.count += 1
        if self.absender is None:
            self.absender = u.vorlage.koerperschaft
        # Written so far: the entries with their local headers. Still to come: their
        # central directory records and manifest lines, and the Vorgang.
        entries = len(u.dateien) + (u.pdf is not None)
        self.pending += entries * _PER_ENTRY + _entry_bound(u.message_groesse())
        # Our own data in our own anonymous file, read back by this process only.
        pickle.dump((u.vorlage, u.record, quelle), self.spill, protocol=pickle.HIGHEST_PROTOCOL)

    def _spilled(self) -> Iterator[tuple[Vorlage, bytes, str | None]]:
        self.spill.flush()
        self.spill.seek(0)
        for _ in range(self.count):
            yield pickle.load(self.spill)  # noqa: S301 - written by _Teil.add above

    def finish(self, zeitpunkt: datetime, index: JsonLines | None) -> None:
        """Write the message and the manifest, close the ZIP, and commit its index
        lines (before the ZIP gets its final name: a line whose ZIP is missing is
        dropped when a run resumes)."""
        zf = self.zf
        name = archive_name(self.pid)
        xml_name = f"{name}.xml"

        def vorgaenge() -> Iterator[tuple[Vorlage, Any]]:
            for nr, (v, record, quelle) in enumerate(self._spilled(), 1):
                if index is not None:
                    index.add(
                        {
                            "uuid": str(v.uuid),
                            "nummer": str(v.nummer),
                            "quelle": quelle,
                            "zip": self.path.name,
                            "teil": self.nr,
                            "nr": nr,
                        }
                    )
                # ratsdok's own sealed output: parsed without the schema check.
                yield v, parse_xml(record).getroot()

        with zf.open(zip_info(xml_name), "w", force_zip64=True) as dst:
            writer = HashingWriter(dst)
            write_message_stream(writer, vorgaenge(), self.absender, self.pid, zeitpunkt)
        self.manifest.append((xml_name, writer.hash.hexdigest()))
        text = "".join(f"{h}  {n}\n" for n, h in sorted(self.manifest))
        write_entry(zf, MANIFEST, text.encode("ascii"))
        zf.close()
        if index is not None:
            index.commit()


@dataclass
class _Stand:
    """What the index says is done: the keys to skip and to refuse, the ZIPs so far."""

    quellen: set[str]
    uuids: set[bytes]
    zips: dict[int, Path]

    @property
    def naechster_teil(self) -> int:
        return max(self.zips, default=0) + 1


def _read_index(out: Path) -> _Stand:
    """The index of *out*, without the lines of ZIPs that never got their final name
    (rewritten without them, and without a torn last line)."""
    path = out / INDEX
    stand = _Stand(set(), set(), {})
    exists: dict[str, bool] = {}
    dropped = not ends_cleanly(path)
    for nr, obj in enumerate(read_lines(path), 1):
        try:
            zip_name, teil, uuid = obj["zip"], int(obj["teil"]), UUID(obj["uuid"])
            if not isinstance(zip_name, str) or "/" in zip_name or "\\" in zip_name:
                raise ValueError(zip_name)
        except (KeyError, TypeError, ValueError):
            raise InvalidDocumentError(
                Problem("not an index line ratsdok wrote", file=str(path), line=nr)
            ) from None
        if zip_name not in exists:
            exists[zip_name] = (out / zip_name).is_file()
        if not exists[zip_name]:
            dropped = True
            continue
        stand.zips[teil] = out / zip_name
        if isinstance(obj.get("quelle"), str):
            stand.quellen.add(obj["quelle"])
        stand.uuids.add(uuid.bytes)
    if dropped:
        rewrite_lines(path, (o for o in read_lines(path) if exists.get(o["zip"], False)))
    return stand


def _state(
    out: Path,
    prozess_id: UUID | None,
    zeitpunkt: datetime | None,
    max_groesse: int | None,
    max_anzahl: int | None,
) -> tuple[UUID, datetime]:
    """The run's ProzessID and time: from the state file when the run resumes (given
    values must agree with it), else as given or new, and then persisted."""
    path = out / STATE
    saved = read_json(path)
    if saved is None:
        pid = prozess_id or uuid4()
        # The message states whole seconds; the state keeps what the message states.
        when = (zeitpunkt or datetime.now(UTC)).replace(microsecond=0)
        state = {
            "format": _FORMAT,
            "prozess_id": str(pid),
            "zeitpunkt": _iso(when),
            "max_groesse": max_groesse,
            "max_anzahl": max_anzahl,
        }
        write_json(path, state)
        return pid, when
    try:
        if saved.get("format") != _FORMAT:
            raise ValueError(saved.get("format"))
        pid = UUID(saved["prozess_id"])
        when = datetime.fromisoformat(saved["zeitpunkt"])
    except (KeyError, TypeError, ValueError):
        raise InvalidDocumentError(
            Problem(f"not a {_FORMAT} state file ratsdok wrote", file=str(path))
        ) from None
    clash = [
        what
        for what, given, was in (
            ("--prozess-id", prozess_id, pid),
            ("--zeitpunkt", zeitpunkt and zeitpunkt.replace(microsecond=0), when),
            ("--max-groesse", max_groesse, saved.get("max_groesse")),
            ("--max-anzahl", max_anzahl, saved.get("max_anzahl")),
        )
        if (given is not None or what.startswith("--max")) and given != was
    ]
    if clash:
        raise OutputError(
            Problem(
                f"the folder holds run {pid} with other {', '.join(clash)}: resume it with "
                "the same arguments, or write into another folder",
                file=str(path),
            )
        )
    return pid, when


def archive_batch(
    vorlagen: Iterable[VorlageInput],
    out_dir: Path | str,
    *,
    prozess_id: UUID | None = None,
    zeitpunkt: datetime | None = None,
    max_groesse: int | None = None,
    max_anzahl: int | None = None,
    executor: Executor | None = None,
    workers: int | None = None,
    window: int | None = None,
    chunk: int = 1,
    trust: TrustSource = None,
    progress: Fortschritt | None = None,
    resumable: bool = True,
    fail_fast: bool = False,
) -> ArchivLauf:
    """Archive *vorlagen* into one or more 0503 ZIPs in *out_dir*, each valid on its own.

    *vorlagen* (paths of ratsdok XML files, or ``(Vorlage, folder)`` pairs) are taken
    lazily. A new ZIP begins where the next Vorlage would take the current one above
    *max_groesse* bytes or *max_anzahl* Vorlagen (a Vorlage larger than the limit
    gets a ZIP of its own). Each Vorlage is a work unit (:func:`archive_unit`) on
    *executor*: any :class:`concurrent.futures.Executor`, such as a
    ``distributed.Client``'s ``get_executor()``; the inputs' paths must be readable
    there. Without one, a process pool of *workers* (default: CPUs + 1; 1: in this
    process). At most *window* units (of *chunk* Vorlagen each) are pending.

    *resumable* (the default) records the run in *out_dir* (ProzessID, time, limits,
    index) and skips what an earlier, interrupted call with the same arguments
    archived. A unit that fails is reported with its input in the summary and the
    failure file, and the others go on; *fail_fast* raises its error instead.
    """
    out = Path(out_dir)
    if not out.is_dir():
        raise OutputError(Problem("output folder does not exist", file=str(out)))
    if max_groesse is not None and max_groesse <= 0:
        raise RatsdokError(Problem("must be positive", field="max_groesse"))
    if max_anzahl is not None and max_anzahl <= 0:
        raise RatsdokError(Problem("must be positive", field="max_anzahl"))
    if zeitpunkt is not None and zeitpunkt.tzinfo is None:
        zeitpunkt = zeitpunkt.replace(tzinfo=UTC)
    pem = trust_pem(trust)
    with contextlib.ExitStack() as stack:
        if resumable:
            stack.enter_context(folder_lock(out, _LOCK))
            pid, when = _state(out, prozess_id, zeitpunkt, max_groesse, max_anzahl)
            stand = _read_index(out)
        else:
            pid, when = prozess_id or uuid4(), zeitpunkt or datetime.now(UTC)
            stand = _Stand(set(), set(), {})
        executor, window = executor_and_window(stack, executor, workers, window)
        lauf = _Schreiber(out, pid, when, stand, max_groesse, max_anzahl, progress, fail_fast)
        if resumable:
            lauf.open_logs(stack)
        auftraege = (a for a in _auftraege(vorlagen, pem) if not lauf.skip(a))
        outcomes = map_ordered(
            archive_unit,
            auftraege,
            executor=executor,
            name=_Auftrag.name,
            window=window,
            chunk=chunk,
        )
        lauf.run(outcomes)
        if progress is not None:
            progress.done()
        return lauf.summary(resumable)


class _Schreiber:
    """Writes the outcomes of a run into one ZIP after another."""

    def __init__(
        self,
        out: Path,
        pid: UUID,
        when: datetime,
        stand: _Stand,
        max_groesse: int | None,
        max_anzahl: int | None,
        progress: Fortschritt | None,
        fail_fast: bool,
    ) -> None:
        self.out = out
        self.pid = pid
        self.when = when
        self.stand = stand
        self.limits = (max_groesse, max_anzahl)
        self.progress = progress
        self.fail_fast = fail_fast
        self.neu: list[Path] = []
        self.zu_gross: list[Path] = []
        self.archiviert = 0
        self.schon = 0
        self.fehlgeschlagen = 0
        self.fehler: list[Fehlschlag] = []
        self.index: JsonLines | None = None
        self.fehler_log: JsonLines | None = None
        self.this_run: set[bytes] = set()

    def open_logs(self, stack: contextlib.ExitStack) -> None:
        """Open the index (appending); the failure file of an earlier call goes (this
        call's is written at its first failure)."""
        (self.out / FEHLER).unlink(missing_ok=True)
        self.index = JsonLines(self.out / INDEX)
        stack.callback(self.index.close)
        stack.callback(self.close_fehler_log)

    def close_fehler_log(self) -> None:
        if self.fehler_log is not None:
            self.fehler_log.close()

    def skip(self, a: _Auftrag) -> bool:
        """Whether the index lists *a* already (by its file, or its Vorlage UUID)."""
        known = (a.quelle is not None and str(a.quelle) in self.stand.quellen) or (
            a.vorlage is not None and a.vorlage.uuid.bytes in self.stand.uuids
        )
        if known:
            self.schon += 1
            if self.progress is not None:
                self.progress.step(skipped=True)
        return known

    def fail(self, f: Fehlschlag) -> None:
        if self.fail_fast:
            raise f.error()
        self.fehlgeschlagen += 1
        if len(self.fehler) < _SHOWN:
            self.fehler.append(f)
        if self.index is not None:
            if self.fehler_log is None:
                self.fehler_log = JsonLines(self.out / FEHLER)
            self.fehler_log.add({"quelle": f.quelle, "art": f.art, "probleme": f.lines()})
            self.fehler_log.commit()
        if self.progress is not None:
            self.progress.step(failed=True)

    def units(
        self, outcomes: Iterable[Ausgang[_Auftrag, Einheit]]
    ) -> Iterator[tuple[str | None, Einheit]]:
        """The good units with their source files, each Vorlage once; failures and
        duplicates reported."""
        for o in outcomes:
            if o.fehler is not None:
                self.fail(o.fehler)
                continue
            assert o.ergebnis is not None
            v = o.ergebnis.vorlage
            key = v.uuid.bytes
            name = o.eingabe.name()
            if key in self.this_run:
                twice = Problem(f"Vorlage {v.nummer} ({v.uuid}) given twice")
                self.fail(Fehlschlag(name, (twice,)))
                continue
            if key in self.stand.uuids:
                self.schon += 1  # archived by an earlier call, under another file name
                if self.progress is not None:
                    self.progress.step(skipped=True)
                continue
            self.this_run.add(key)
            yield (None if o.eingabe.quelle is None else str(o.eingabe.quelle)), o.ergebnis

    def run(self, outcomes: Iterable[Ausgang[_Auftrag, Einheit]]) -> None:
        max_groesse, max_anzahl = self.limits
        units = self.units(outcomes)
        carry = next(units, None)
        while carry is not None:
            nr = self.stand.naechster_teil + len(self.neu)
            pid = teil_prozess_id(self.pid, nr)
            path = self.out / f"{archive_name(pid)}.zip"
            with (
                atomic_output(path) as f,
                zipfile.ZipFile(f, "w", allowZip64=True) as zf,
                tempfile.TemporaryFile(dir=self.out, prefix=".ratsdok-archiv.") as spill,
            ):
                teil = _Teil(f, zf, spill, path, nr, pid)
                while carry is not None and teil.fits(carry[1], max_groesse, max_anzahl):
                    quelle, u = carry
                    teil.add(u, quelle)
                    self.archiviert += 1
                    if self.progress is not None:
                        self.progress.step()
                    carry = next(units, None)
                teil.finish(self.when, self.index)
            self.neu.append(path)
            if max_groesse is not None and path.stat().st_size > max_groesse:
                self.zu_gross.append(path)

    def summary(self, resumable: bool) -> ArchivLauf:
        zips = dict(self.stand.zips)
        start = self.stand.naechster_teil
        zips.update({start + i: p for i, p in enumerate(self.neu)})
        return ArchivLauf(
            ordner=self.out,
            prozess_id=self.pid,
            zeitpunkt=self.when,
            zips=tuple(zips[k] for k in sorted(zips)),
            neue_zips=tuple(self.neu),
            archiviert=self.archiviert,
            schon_archiviert=self.schon,
            fehlgeschlagen=self.fehlgeschlagen,
            fehler=tuple(self.fehler),
            index=self.out / INDEX if resumable else None,
            fehler_datei=self.out / FEHLER if resumable else None,
            zu_gross=tuple(self.zu_gross),
        )


def archive(
    vorlagen: Iterable[VorlageInput],
    out_dir: Path | str,
    *,
    prozess_id: UUID | None = None,
    zeitpunkt: datetime | None = None,
    workers: int | None = None,
    trust: TrustSource = None,
) -> Path:
    """Write one xdomea 3.0.0 Aussonderung 0503 ZIP for *vorlagen* into *out_dir*.

    *vorlagen* are paths of ratsdok XML files (Anlagen next to them) or
    ``(Vorlage, folder)`` pairs. Returns the path of the ZIP. The first Vorlage that
    cannot be archived raises its error, and nothing is written. For many Vorlagen
    (several ZIPs, resumable runs, other executors) use :func:`archive_batch`.

    The Vorlagen are rendered by *workers* processes (default: one per CPU plus
    one, since this process mostly waits while it writes the ZIP; 1: here,
    without subprocesses). Where this process has typeset before, the workers
    start from a fresh interpreter (``forkserver``), which imports the caller's
    main module: guard a script with ``if __name__ == "__main__":``.

    A signed block is marked "elektronisch signiert" in the archive PDF only where
    its signature chains to a CA of *trust* and is by the person printed; the
    signatures themselves are archived in the XML either way.
    """
    progress = Fortschritt("archive", _len(vorlagen)) if sys.stderr.isatty() else None
    lauf = archive_batch(
        vorlagen,
        out_dir,
        prozess_id=prozess_id,
        zeitpunkt=zeitpunkt,
        workers=workers,
        trust=trust,
        progress=progress,
        resumable=False,
        fail_fast=True,
    )
    if not lauf.neue_zips:
        raise RatsdokError(Problem("no Vorlagen to archive"))
    return lauf.neue_zips[0]


def _len(items: Iterable[object]) -> int | None:
    return len(items) if isinstance(items, Sized) else None
