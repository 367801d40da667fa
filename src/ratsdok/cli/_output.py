"""How the CLI prints: problems on stderr, reports as text or JSON on stdout.

Every command that reports verdicts prints a :class:`~ratsdok.report.Report`
through :func:`print_reports`, so ``verify`` and ``archive-verify`` (and any
later command) share one text layout and one JSON schema (see the README).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence

from ratsdok.errors import Problem, RatsdokError
from ratsdok.report import Check, Kind, Report, Status

__all__ = ["error_report", "print_problems", "print_reports", "with_file"]


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
