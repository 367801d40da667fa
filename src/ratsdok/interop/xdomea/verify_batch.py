"""Verifying a whole archive run: every ZIP on its own, in parallel, and the index.

:func:`verify_batch` checks each ZIP of an :func:`~ratsdok.interop.xdomea.archive_batch`
output folder with :func:`~ratsdok.interop.xdomea.check.verify_archive` (one work unit
per ZIP, on an executor), then the index against what the ZIPs hold: every line's
Vorlage is the Vorgang it names, no Vorlage is in two ZIPs, no ZIP of the folder is
missing from the index (``docs/xdomea.md#verifying-a-run``).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

from ratsdok._types import TrustSource
from ratsdok.errors import RatsdokError
from ratsdok.interop.batch import executor_and_window, map_ordered
from ratsdok.interop.xdomea.batch import INDEX
from ratsdok.interop.xdomea.check import ArchiveResult, verify_archive
from ratsdok.interop.xdomea.names import MESSAGE_SUFFIX
from ratsdok.report import Check, Kind, Report, Status
from ratsdok.store.index import read_lines

__all__ = ["verify_batch"]

_ZIP_SUFFIX = MESSAGE_SUFFIX.removesuffix(".xml") + ".zip"


@dataclass(frozen=True)
class _Pruefung:
    """One work unit: a ZIP to verify, with the trusted CA certificates."""

    path: Path
    trust: TrustSource

    def name(self) -> str:
        return str(self.path)


def _verify_unit(p: _Pruefung) -> ArchiveResult:
    """The work unit: one ZIP verified (runs in a worker)."""
    return verify_archive(p.path, trust=p.trust)


def _check(label: str, status: Status, reason: str) -> Check:
    return Check(Kind.ARCHIV, label, status, reason)


def verify_batch(
    folder: Path | str,
    *,
    trust: TrustSource = None,
    executor: Executor | None = None,
    workers: int | None = None,
) -> Iterator[Report]:
    """Yield the report of each ZIP of the run in *folder* (in index order, verified
    on *executor*: default a process pool of *workers*, 1: here), then the report on
    the index: whether it and the ZIPs agree Vorlage by Vorlage."""
    out = Path(folder)
    index_path = out / INDEX
    checks: list[Check] = []
    expected: dict[str, list[str]] = {}
    try:
        for obj in read_lines(index_path):
            expected.setdefault(str(obj.get("zip")), []).append(str(obj.get("uuid")))
    except RatsdokError as exc:
        checks.append(_check(INDEX, Status.INVALID, str(exc)))
    if not index_path.is_file():
        checks.append(_check(INDEX, Status.MISSING, "no index: not an archive run folder"))
    found = {p.name for p in out.glob("*" + _ZIP_SUFFIX)}
    for name in sorted(found - set(expected)):
        checks.append(_check(name, Status.UNLISTED, "a ZIP of the folder the index does not list"))
    # Index order, then the ZIPs it does not list: every ZIP of the folder is verified.
    names = [n for n in expected if n in found] + sorted(found - set(expected))
    units = [_Pruefung(out / name, trust) for name in names]
    for name in expected:
        if name not in found:
            checks.append(_check(name, Status.MISSING, "listed in the index, but missing"))
    counts: Counter[str] = Counter(u for uuids in expected.values() for u in uuids)
    for uuid, n in sorted(counts.items()):
        if n > 1:
            checks.append(_check(uuid, Status.INVALID, f"the index lists this Vorlage {n} times"))
    with contextlib.ExitStack() as stack:
        executor, window = executor_and_window(stack, executor, workers, None)
        outcomes = map_ordered(
            _verify_unit, units, executor=executor, name=_Pruefung.name, window=window
        )
        for o in outcomes:
            name = o.eingabe.path.name
            if o.fehler is not None:
                checks.append(_check(name, Status.INVALID, "; ".join(o.fehler.lines())))
                continue
            assert o.ergebnis is not None
            result = o.ergebnis
            yield result
            held = [vg.uuid for vg in result.vorgaenge]
            if name not in expected:
                continue  # reported as not listed
            if held == expected[name]:
                checks.append(
                    _check(name, Status.OK, f"its {len(held)} Vorgänge are those the index lists")
                )
            else:
                checks.append(
                    _check(
                        name,
                        Status.CHANGED,
                        f"holds {len(held)} Vorgänge, the index lists {len(expected[name])} "
                        "(or others, or in another order)",
                    )
                )
    yield Report(str(index_path), tuple(checks), title="archive run: index and ZIPs")
