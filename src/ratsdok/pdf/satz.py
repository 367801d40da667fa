"""Typesetting with Typst: the shipped template and fonts, compiled reproducibly.

Owns the Typst side of rendering: the template ``vorlage.typ`` and the fonts in
``ratsdok/pdf/fonts`` (DejaVu Sans, licence beside it), loaded with the system's
fonts ignored so that output never depends on the machine; the data handed to
the template as JSON through ``sys.inputs`` (never spliced into Typst source);
the PDF standards asked of Typst; and the creation timestamp, always given,
because Typst otherwise stamps the current time.

One compiler (fonts parsed once) is kept per thread: Typst's compiler object
is not documented as thread-safe.
"""

from __future__ import annotations

import json
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib.metadata import version as _typst_version
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any, Literal

import typst
from fontTools.ttLib import TTFont

from ratsdok.errors import InvalidDocumentError, Problem, RatsdokError
from ratsdok.version import __version__

__all__ = [
    "FONT",
    "RENDERER",
    "Standard",
    "compile_pdf",
    "font_dir",
    "printable",
    "query",
    "started",
    "unprintable",
]

FONT = "DejaVu Sans"
"""The family every rendered page is set in."""

RENDERER = f"ratsdok {__version__} (Typst {_typst_version('typst')})"
"""Who made the pages: recorded as a bundle's Producer, so that ``verify`` re-renders
only with the same versions (other bytes would prove nothing)."""

Standard = Literal["a-2a", "a-2b", "a-2u", "a-3a", "a-3b", "a-3u", "ua-1"]
"""The PDF standards ratsdok asks Typst to write."""

_local = threading.local()
_started = False
"""Whether Typst has run in this process (its worker threads then exist)."""


def started() -> bool:
    """Whether this process has typeset anything. A process that has must not be
    forked: Typst's worker threads do not survive a fork, and the child deadlocks."""
    return _started


def _package_dir() -> str:
    # Installed packages are folders on disk (as_file would copy out of a zip).
    with as_file(files("ratsdok.pdf")) as path:
        return str(path)


def font_dir() -> str:
    """The folder of the shipped fonts, as a path Typst can read."""
    return str(Path(_package_dir()) / "fonts")


_FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
_ZEICHEN_OHNE_GLYPHE = frozenset("\n\t")
"""Characters the template turns into layout (line break, gap), not glyphs."""


@lru_cache(maxsize=1)
def printable() -> frozenset[str]:
    """The characters both shipped fonts (regular and bold) have glyphs for."""
    sets = []
    for name in _FONT_FILES:
        with TTFont(Path(font_dir()) / name, lazy=True) as font:
            sets.append({chr(c) for c in font.getBestCmap()})
    return frozenset(set.intersection(*sets)) | _ZEICHEN_OHNE_GLYPHE


def unprintable(data: Any, path: str = "") -> list[Problem]:
    """A problem for every character in the strings of *data* that the shipped
    fonts cannot show, naming where it is (``abschnitte[1].bloecke[0].text``)."""
    if isinstance(data, str):
        ok = printable()
        bad = sorted({c for c in data if c not in ok})
        return [
            Problem(
                f"cannot print U+{ord(c):04X} {unicodedata.name(c, '(unnamed)')}: the shipped"
                f" font {FONT} has no glyph for it",
                field=path or None,
            )
            for c in bad
        ]
    if isinstance(data, Mapping):
        return [
            p for k, v in data.items() for p in unprintable(v, f"{path}.{k}" if path else str(k))
        ]
    if isinstance(data, list | tuple):
        return [p for i, v in enumerate(data) for p in unprintable(v, f"{path}[{i}]")]
    return []


def _compiler(template: str) -> typst.Compiler:
    cache: dict[str, typst.Compiler] | None = getattr(_local, "compilers", None)
    if cache is None:
        cache = _local.compilers = {}
    compiler = cache.get(template)
    if compiler is None:
        global _started
        _started = True
        # The package folder is the project root: a template can read nothing else.
        root = _package_dir()
        compiler = typst.Compiler(
            str(Path(root) / template),
            root=root,
            font_paths=[font_dir()],
            ignore_system_fonts=True,
        )
        cache[template] = compiler
    return compiler


def compile_pdf(
    template: str,
    data: Mapping[str, Any],
    *,
    standards: Sequence[Standard],
    tag: date,
    tagged: bool = True,
) -> bytes:
    """Compile the shipped *template* with *data* (as JSON in ``sys.inputs.data``)
    into PDF bytes conforming to *standards*, stamped with *tag* (midnight UTC).

    A character the shipped fonts lack is an :class:`~ratsdok.errors.InvalidDocumentError`
    naming where it is (:func:`unprintable`): the PDF would otherwise lose text.
    A Typst error (a bug in the template, since data is never code) is raised as
    a :class:`~ratsdok.errors.RatsdokError` too.
    """
    problems = unprintable(data)
    if problems:
        raise InvalidDocumentError(problems)
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
    stamp = datetime(tag.year, tag.month, tag.day, tzinfo=UTC)
    try:
        out = _compiler(template).compile(
            sys_inputs={"data": payload},
            pdf_standards=list(standards),
            timestamp=stamp,
            pdf_tags=tagged,
        )
    except typst.TypstError as e:
        raise RatsdokError([Problem(f"typesetting failed: {e.message}")]) from e
    assert isinstance(out, bytes)
    return out


def query(
    template: str,
    data: Mapping[str, Any],
    selector: str,
    *,
    standards: Sequence[Standard],
    tag: date,
) -> list[Any]:
    """The values of the metadata labelled *selector* (``"<signaturfeld>"``) in the
    layout :func:`compile_pdf` makes of the same arguments (it is compiled first:
    Typst answers queries about the last compilation, and keeps it cached)."""
    compile_pdf(template, data, standards=standards, tag=tag)
    try:
        found = json.loads(_compiler(template).query(selector, format="json"))
    except typst.TypstError as e:
        raise RatsdokError([Problem(f"querying the layout failed: {e.message}")]) from e
    return [item["value"] for item in found]
