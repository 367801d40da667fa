"""Work units on an executor: in order, bounded, failures with their input; progress."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from concurrent.futures import Executor, ThreadPoolExecutor

import pytest

from ratsdok.errors import AnlagenError, Problem, RatsdokError
from ratsdok.interop.batch import Fehlschlag, Fortschritt, map_ordered, process_pool


def square(x: int) -> int:
    if x == 3:
        raise AnlagenError(Problem("Anlage 1: file is missing", file=f"in/{x}.pdf"))
    if x == 5:
        raise ZeroDivisionError("a bug")
    return x * x


def die(x: int) -> int:
    if x == 2:
        os._exit(7)  # the worker process dies
    return x


@pytest.mark.parametrize("chunk", [1, 3])
@pytest.mark.parametrize("pool", ["none", "threads", "processes"])
def test_results_in_order_and_failures_named(pool: str, chunk: int) -> None:
    def run(executor: Executor | None) -> list[tuple[int, int | None, Fehlschlag | None]]:
        outcomes = map_ordered(
            square, range(8), executor=executor, name=lambda x: f"in/{x}.xml", chunk=chunk
        )
        return [(o.eingabe, o.ergebnis, o.fehler) for o in outcomes]

    if pool == "none":
        got = run(None)
    elif pool == "threads":
        with ThreadPoolExecutor(2) as threads:
            got = run(threads)
    else:
        with process_pool(2) as processes:
            got = run(processes)
    assert [(x, r) for x, r, _ in got] == [(x, None if x in (3, 5) else x * x) for x in range(8)]
    failures = {x: f for x, _, f in got if f is not None}
    assert set(failures) == {3, 5}
    assert failures[3].lines() == ["in/3.pdf: Anlage 1: file is missing"]
    assert isinstance(failures[3].error(), AnlagenError)
    assert failures[5].lines() == ["in/5.xml: ZeroDivisionError: a bug"]
    assert type(failures[5].error()) is RatsdokError


def test_a_dead_worker_is_a_failure_of_its_inputs_not_a_lost_batch() -> None:
    with process_pool(2) as ex:
        outcomes = list(map_ordered(die, range(4), executor=ex, name=str, window=1))
    assert [o.ergebnis for o in outcomes[:2]] == [0, 1]
    assert outcomes[2].fehler is not None
    assert outcomes[2].fehler.quelle == "2"
    assert "BrokenProcessPool" in outcomes[2].fehler.lines()[0]


def test_inputs_are_taken_lazily_within_the_window() -> None:
    taken: list[int] = []
    lock = threading.Lock()

    def items() -> Iterator[int]:
        for i in range(100):
            with lock:
                taken.append(i)
            yield i

    with ThreadPoolExecutor(2) as ex:
        it = map_ordered(abs, items(), executor=ex, window=4)
        first = next(it)
        assert first.ergebnis == 0
        assert len(taken) <= 5  # the window, and the one submitted for the result taken
        assert sum(1 for _ in it) == 99


def test_progress_on_a_terminal_redraws_one_line() -> None:
    out = io.StringIO()
    p = Fortschritt("archive", 4, stream=out, tty=True)
    for i in range(4):
        p.step(failed=i == 1)
    p.done()
    text = out.getvalue()
    assert text.count("\r") == 4
    assert text.endswith("\n")
    assert "[" + "#" * 30 + "] archive: 4/4 Vorlagen, 1 failed (" in text


def test_progress_in_a_log_is_periodic_plain_lines() -> None:
    out = io.StringIO()
    p = Fortschritt("import", None, stream=out, tty=False, every=3600)
    for _ in range(1000):
        p.step()
    p.done()
    assert "\r" not in out.getvalue()
    (line,) = out.getvalue().splitlines()  # only the final line within the hour
    assert line.startswith("import: 1000 Vorlagen (")
