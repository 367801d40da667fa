"""How the CLI prints: problems on stderr, reports as text or JSON on stdout.

Every command that reports verdicts prints a :class:`~ratsdok.report.Report`
through :func:`print_reports`, so ``verify`` and ``archive-verify`` (and any
later command) share one text layout and one JSON schema (see the README).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from ratsdok.errors import OutputError, Problem, RatsdokError
from ratsdok.report import Check, Kind, Report, Status
from ratsdok.store.atomic import write_atomic

__all__ = [
    "STDOUT",
    "copy_to_stdout",
    "error_report",
    "folder_option",
    "message_stream",
    "print_problems",
    "print_reports",
    "to_stdout",
    "with_file",
    "write_output",
]

STDOUT = "-"
"""``-o -``: the one output file goes to standard output (``./-`` names a file ``-``)."""


def to_stdout(name: str | os.PathLike[str], *, binary: bool = False) -> bool:
    """Whether the output *name* is standard output; a *binary* output (a PDF) is
    refused when standard output is a terminal. Check before the work is done."""
    if os.fspath(name) != STDOUT:
        return False
    if binary and sys.stdout.isatty():
        raise OutputError(
            Problem(
                "will not write a PDF to a terminal: redirect standard output "
                "(> file.pdf, | command) or name a file",
                file=STDOUT,
            )
        )
    return True


def write_output(name: str | os.PathLike[str], data: bytes, *, binary: bool = False) -> None:
    """Write the complete *data* to the file *name* atomically, or to standard output
    for ``-`` (in one piece, after all the work is done: a failure writes nothing)."""
    if not to_stdout(name, binary=binary):
        write_atomic(name, data)
        return
    sys.stdout.flush()  # anything printed before stays before
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def copy_to_stdout(path: Path) -> None:
    """Copy the finished file *path* to standard output (an output too large to hold)."""
    sys.stdout.flush()
    with path.open("rb") as f:
        shutil.copyfileobj(f, sys.stdout.buffer, 1024 * 1024)
    sys.stdout.buffer.flush()


def message_stream(output: str | os.PathLike[str]) -> TextIO:
    """Where a command's messages go: standard error while its output is standard output."""
    return sys.stderr if os.fspath(output) == STDOUT else sys.stdout


def folder_option(name: str, option: str) -> Path:
    """The folder an option names; ``-`` is refused (standard output takes one file), and
    so is an empty name (it would silently mean the current folder)."""
    if not name:
        raise OutputError(Problem(f"{option} is empty: name a folder (. for this one)"))
    if name == STDOUT:
        raise OutputError(
            Problem(
                f"{option} names a folder here, and standard output takes one file only "
                "(a folder called - is ./-)",
                file=STDOUT,
            )
        )
    return Path(name)


def with_file(problems: Iterable[Problem], name: str) -> list[Problem]:
    """*problems*, each naming *name* where the library could not name a file."""
    return [p if p.file else Problem(p.message, name, p.line, p.field) for p in problems]


def print_problems(problems: Iterable[Problem]) -> None:
    """One line per problem on stderr: ``FILE:LINE: field: message``."""
    for p in problems:
        print(p, file=sys.stderr)


def error_report(name: str, exc: RatsdokError) -> Report:
    """A report for an input that could not be checked at all (for ``--json``)."""
    return Report(
        name,
        tuple(
            Check(Kind.DOKUMENT, p.file or name, Status.INVALID, str(p))
            for p in with_file(exc.problems, name)
        ),
        title="not checked: the input is not a valid ratsdok document",
    )


def print_reports(reports: Sequence[Report], *, as_json: bool, verbose: bool = False) -> None:
    """Print *reports* as text (one block each) or as JSON (one object, or a list
    when there are several)."""
    if as_json:
        data = [r.to_dict() for r in reports]
        json.dump(
            data[0] if len(data) == 1 else data,
            sys.stdout,
            ensure_ascii=False,
            indent=2,
            default=str,
        )
        sys.stdout.write("\n")
        return
    for r in reports:
        sys.stdout.write("\n".join(r.lines(verbose=verbose)) + "\n")
