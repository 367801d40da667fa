"""The ``ratsdok`` command line: one module per command group.

Commands import the heavy layers (PDF, signatures, archive) inside their
functions, so that ``ratsdok --help`` and ``ratsdok validate`` start fast.
Errors are printed as one line per problem, without a traceback.

May import every layer. Not public API as module paths: the entry point is the
``ratsdok`` command (``ratsdok.cli:main``).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from ratsdok.cli.archive import add_archive_commands
from ratsdok.cli.build import add_build_commands
from ratsdok.cli.documents import add_document_commands
from ratsdok.cli.integrity import add_integrity_commands
from ratsdok.cli.oparl import add_oparl_commands
from ratsdok.cli.pdf import add_pdf_commands
from ratsdok.errors import RatsdokError
from ratsdok.version import __version__

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation tools)."""
    parser = argparse.ArgumentParser(
        prog="ratsdok", description="Vorlagen kommunaler Gremien: XML, PDF, Signaturen, Archiv."
    )
    parser.add_argument("--version", action="version", version=f"ratsdok {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    add_document_commands(sub)
    add_build_commands(sub)
    add_oparl_commands(sub)
    add_pdf_commands(sub)
    add_integrity_commands(sub)
    add_archive_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    for stream in (sys.stdout, sys.stderr):
        # A file name that is not valid UTF-8 (surrogate escapes) is printed escaped,
        # not raised as UnicodeEncodeError with a traceback.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    args = build_parser().parse_args(argv)
    previous = _catch_signals()
    try:
        result: int = args.func(args)
    except RatsdokError as exc:
        source = getattr(args, "file", None)
        for p in exc.problems:
            if p.file is None and isinstance(source, str):
                # The command's one input file: name it where the library could not.
                p = dataclasses.replace(p, file=source)
            print(p, file=sys.stderr)
        return 1
    except _Terminated:
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away; stop quietly like other Unix tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return result


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C: every ``finally`` and ``with`` block on the way out
    runs, so work folders and partial outputs are removed (Python's default for SIGTERM
    is to die on the spot and leave them)."""


def _on_signal(signum: int, frame: object) -> None:
    # Once: a second signal must not cut the cleanup short (SIGKILL still ends it).
    for s in (signal.SIGINT, signal.SIGTERM):
        signal.signal(s, signal.SIG_IGN)
    raise _Terminated if signum == signal.SIGTERM else KeyboardInterrupt


def _catch_signals() -> dict[int, Any]:
    """Turn SIGINT and SIGTERM into exceptions; return the handlers to restore."""
    if threading.current_thread() is not threading.main_thread():
        return {}  # only the main thread may set handlers (main() called from a thread)
    previous: dict[int, Any] = {}
    for s in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(s) is signal.SIG_IGN:
            continue  # ignored by whoever started us (nohup, a shell's background job)
        previous[s] = signal.signal(s, _on_signal)
    return previous


if __name__ == "__main__":
    sys.exit(main())
