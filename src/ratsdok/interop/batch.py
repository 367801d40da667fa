"""Running per-Vorlage work units on any :class:`concurrent.futures.Executor`.

The batch operations (the archive, the OParl dump import) map a pure function of one
input over many inputs. :func:`map_ordered` submits them to an executor (the default
:func:`process_pool`, a ``distributed.Client``'s executor, or none: this process),
keeps a bounded number pending, and yields the results in input order. A unit that
fails yields a :class:`Fehlschlag` naming its input, so one bad file does not lose
the batch. :class:`Fortschritt` prints progress for long runs.

Not public API as a module path.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Generic, TextIO, TypeVar

import ratsdok.errors
from ratsdok.errors import Problem, RatsdokError
from ratsdok.pdf.satz import started as typesetting_started

__all__ = [
    "Ausgang",
    "Fehlschlag",
    "Fortschritt",
    "default_workers",
    "executor_and_window",
    "map_ordered",
    "process_pool",
]

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Fehlschlag:
    """A work unit that failed: its input (a file name where there is one) and why."""

    quelle: str
    problems: tuple[Problem, ...]
    art: str = "RatsdokError"
    """The class name of the error (a :mod:`ratsdok.errors` class, or another
    exception's name where the unit hit a bug or its worker died)."""

    def error(self) -> RatsdokError:
        """The failure as the ratsdok error it was (``RatsdokError`` for anything else)."""
        cls = getattr(ratsdok.errors, self.art, None)
        if not (isinstance(cls, type) and issubclass(cls, RatsdokError)):
            cls = RatsdokError
        return cls(self.problems)

    def lines(self) -> list[str]:
        """One line per problem, each naming the input where the problem does not."""
        return [str(p) if p.file else f"{self.quelle}: {p}" for p in self.problems]


@dataclass(frozen=True)
class Ausgang(Generic[T, R]):
    """The outcome of one unit: its input, and its result or its failure."""

    eingabe: T
    ergebnis: R | None
    fehler: Fehlschlag | None


def _failure(quelle: str, exc: BaseException) -> Fehlschlag:
    if isinstance(exc, RatsdokError):
        return Fehlschlag(quelle, exc.problems, type(exc).__name__)
    # A bug or a dead worker: reported with the input, the batch goes on.
    return Fehlschlag(quelle, (Problem(f"{type(exc).__name__}: {exc}"),), type(exc).__name__)


def _run_chunk(
    fn: Callable[[T], R], chunk: list[tuple[str, T]]
) -> list[tuple[R | None, Fehlschlag | None]]:
    """Run *fn* on each input of *chunk* (in a worker): results and failures, in order."""
    out: list[tuple[R | None, Fehlschlag | None]] = []
    for name, item in chunk:
        try:
            out.append((fn(item), None))
        except Exception as exc:  # reported with its input; the other units go on
            out.append((None, _failure(name, exc)))
    return out


def _watch_parent() -> None:
    """In a pool worker: exit when the process that started it is gone (killed with
    SIGKILL, it cannot stop its workers, which would wait for work forever)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="ratsdok-watch-parent", daemon=True).start()


def default_workers() -> int:
    """One worker per CPU plus one: the main process mostly waits while it writes."""
    return (os.cpu_count() or 1) + 1


@contextlib.contextmanager
def process_pool(workers: int | None = None) -> Iterator[Executor]:
    """The default executor: a process pool of *workers* (default :func:`default_workers`).

    A process that has typeset must not fork (Typst's worker threads do not survive
    it: the child deadlocks); then the workers start from the forkserver, a clean
    interpreter that imports the caller's main module as spawn does.
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and not typesetting_started():
        method = "fork"
    else:
        method = "forkserver" if "forkserver" in methods else "spawn"
    context = multiprocessing.get_context(method)
    pool = ProcessPoolExecutor(
        max_workers=workers or default_workers(), mp_context=context, initializer=_watch_parent
    )
    try:
        yield pool
    finally:
        # An interrupted or failed run does not wait for the units still queued.
        pool.shutdown(wait=True, cancel_futures=True)


def executor_and_window(
    stack: contextlib.ExitStack,
    executor: Executor | None,
    workers: int | None,
    window: int | None,
) -> tuple[Executor | None, int]:
    """The executor a batch runs on and how many submissions may be pending: *executor*
    as given (16 by default); else a process pool of *workers*, closed with *stack*
    (twice its workers, at least 8); for ``workers=1`` none: this process."""
    if executor is not None:
        return executor, window or 16
    if workers is not None and workers <= 1:
        return None, window or 1
    pool = stack.enter_context(process_pool(workers))
    return pool, window or max(8, 2 * (workers or default_workers()))


def map_ordered(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    executor: Executor | None,
    name: Callable[[T], str] = str,
    window: int = 8,
    chunk: int = 1,
) -> Iterator[Ausgang[T, R]]:
    """Apply *fn* to each of *items* on *executor* (None: here, one after another) and
    yield the outcomes in input order.

    *items* are taken lazily; at most *window* submissions (of *chunk* inputs each:
    batch small units where each submission costs, as on Dask) are pending, so memory
    is bounded by the window, not by the count. *fn* must be a module-level function
    (it is pickled). A failure, in the unit or of its worker, is a :class:`Fehlschlag`
    with ``name(item)``.
    """
    it = iter(items)
    if executor is None:
        for item in it:
            [(result, failure)] = _run_chunk(fn, [(name(item), item)])
            yield Ausgang(item, result, failure)
        return
    pending: deque[tuple[list[tuple[str, T]], Future[list[tuple[R | None, Fehlschlag | None]]]]]
    pending = deque()

    def submit() -> bool:
        batch = [(name(item), item) for _, item in zip(range(max(chunk, 1)), it, strict=False)]
        if batch:
            try:
                future = executor.submit(_run_chunk, fn, batch)
            except Exception as exc:  # a broken pool refuses work: its inputs fail, named
                future = Future()
                future.set_exception(exc)
            pending.append((batch, future))
        return bool(batch)

    while len(pending) < max(window, 1) and submit():
        pass
    while pending:
        batch, future = pending.popleft()
        try:
            outcomes = future.result()
        except Exception as exc:  # the worker died (or the cluster lost it): each input named
            outcomes = [(None, _failure(n, exc)) for n, _ in batch]
        submit()
        for (_, item), (result, failure) in zip(batch, outcomes, strict=True):
            yield Ausgang(item, result, failure)


class Fortschritt:
    """Progress of a long run on *stream*: a bar redrawn in place on a terminal,
    otherwise a plain line every *every* seconds (logs of batch jobs stay readable)."""

    def __init__(
        self,
        what: str,
        total: int | None = None,
        *,
        stream: TextIO | None = None,
        every: float = 30.0,
        tty: bool | None = None,
        unit: str = "Vorlagen",
    ) -> None:
        self.what = what
        self.unit = unit
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.every = every
        self.count = 0
        self.failed = 0
        self.skipped = 0
        self.start = time.monotonic()
        self.last = self.start

    def _text(self) -> str:
        rate = (self.count - self.skipped) / max(time.monotonic() - self.start, 1e-9)
        of = f"/{self.total}" if self.total is not None else ""
        failed = f", {self.failed} failed" if self.failed else ""
        skipped = f", {self.skipped} done before" if self.skipped else ""
        return f"{self.what}: {self.count}{of} {self.unit}{failed}{skipped} ({rate:.1f}/s)"

    def step(self, *, failed: bool = False, skipped: bool = False) -> None:
        """One more input done (or failed, or skipped: done by an earlier run)."""
        self.count += 1
        self.failed += failed
        self.skipped += skipped
        now = time.monotonic()
        if self.tty:
            if self.total:
                filled = 30 * self.count // self.total
                bar = "[" + "#" * filled + "." * (30 - filled) + "] "
            else:
                bar = ""
            self.stream.write(f"\r{bar}{self._text()}")
            self.stream.flush()
        elif now - self.last >= self.every:
            self.last = now
            self.stream.write(self._text() + "\n")
            self.stream.flush()

    def done(self) -> None:
        """End the bar's line (on a terminal), or print the final count (otherwise)."""
        if self.tty:
            self.stream.write("\n")
        elif self.count:
            self.stream.write(self._text() + "\n")
        self.stream.flush()
