"""Options and output the batch commands share: where units run, progress, summaries.

``archive`` and ``oparl import-dump`` run per-Vorlage work units on the local process
pool (``--workers``) or a Dask cluster (``--dask``), show progress on stderr unless
``-q``, and print a JSON summary with ``--json``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import sys
from collections.abc import Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ratsdok.errors import Problem, RatsdokError

if TYPE_CHECKING:  # the CLI starts without the batch machinery (it imports Typst)
    from ratsdok.interop.batch import Fehlschlag

__all__ = [
    "DASK_CHUNK",
    "add_executor_options",
    "chunk_size",
    "executor_from",
    "positive",
    "print_failures",
    "print_json",
    "run_options",
]


def positive(text: str) -> int:
    """A positive whole number, or argparse's one-line error."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {value}")
    return value


def add_executor_options(
    p: argparse.ArgumentParser, *, chunk: int = 1, summary: bool = True
) -> None:
    """``--workers`` and ``--dask``; with *summary* also ``--window``, ``--chunk``
    (default *chunk*), ``--json`` and ``-q``."""
    p.add_argument(
        "--workers", type=positive, metavar="N", help="local worker processes (default CPUs + 1)"
    )
    p.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run the work units on a Dask cluster (tcp://scheduler:8786) instead of local "
        "processes; needs ratsdok[dask], and the input files must be readable on the workers",
    )
    if not summary:
        return
    p.add_argument("--window", type=positive, metavar="N", help="work units pending at most")
    p.add_argument(
        "--chunk",
        type=positive,
        metavar="N",
        help=f"inputs per submitted task (default {chunk} locally, "
        f"{max(chunk, DASK_CHUNK)} on Dask, where each task costs scheduling)",
    )
    p.set_defaults(chunk_default=chunk)
    p.add_argument("--json", action="store_true", help="print a summary as JSON on stdout")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress, no summary line")


def executor_from(args: argparse.Namespace, stack: contextlib.ExitStack) -> Executor | None:
    """The Dask cluster's executor for ``--dask`` (closed with *stack*); None: the local
    process pool."""
    if args.dask is None:
        return None
    try:
        # Optional (ratsdok[dask]); imported by name, so type checks pass without it.
        distributed: Any = importlib.import_module("distributed")
    except ImportError:
        raise RatsdokError(
            Problem("--dask needs the optional extra: pip install 'ratsdok[dask]'")
        ) from None
    try:
        client = stack.enter_context(distributed.Client(args.dask, timeout="30s"))
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        # A malformed address is a ValueError, an unreachable one an OSError.
        raise RatsdokError(
            Problem(f"cannot reach the Dask scheduler {args.dask!r}: {exc}", field="--dask")
        ) from None
    return cast(Executor, client.get_executor())


def print_json(data: dict[str, Any]) -> None:
    """A summary as indented JSON on stdout."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def print_failures(shown: Sequence[Fehlschlag], total: int, where: Path | None) -> None:
    """The failures a summary keeps, on stderr, and how many more *where* lists."""
    for f in shown:
        for line in f.lines():
            print(line, file=sys.stderr)
    if total > len(shown) and where is not None:
        print(f"… and {total - len(shown)} more failures: see {where}", file=sys.stderr)


def run_options(args: argparse.Namespace, stack: contextlib.ExitStack) -> dict[str, Any]:
    """The keyword arguments every batch call takes from the options: ``executor``
    (for ``--dask``, closed with *stack*), ``workers``, ``window`` and ``chunk``."""
    return {
        "executor": executor_from(args, stack),
        "workers": args.workers,
        "window": args.window,
        "chunk": chunk_size(args),
    }


DASK_CHUNK = 8
"""Inputs per Dask task by default: measured here, one Vorlage per task costs 1.56× the
local pool of 2 (scheduler round trips), 8 per task 1.20× (docs/batch.md)."""


def chunk_size(args: argparse.Namespace) -> int:
    """``--chunk``, else the command's default, at least :data:`DASK_CHUNK` on Dask."""
    if args.chunk is not None:
        return int(args.chunk)
    default = int(args.chunk_default)
    return max(default, DASK_CHUNK) if args.dask is not None else default
