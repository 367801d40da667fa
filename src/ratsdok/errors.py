"""The one error hierarchy of ratsdok.

Every error raised for bad input is a :class:`RatsdokError`. It carries one or
more :class:`Problem` entries, each naming the file, the line and the field
where something is wrong, so that scripts and the CLI can report all problems
at once instead of only the first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "AnlagenError",
    "InvalidDocumentError",
    "OutputError",
    "Problem",
    "RatsdokError",
    "SchemaError",
    "UnsafeInputError",
    "XmlSyntaxError",
    "ZeitstempelError",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, located as precisely as ratsdok can."""

    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file + ":"
            if self.line is not None:
                where += f"{self.line}:"
        elif self.line is not None:
            where = f"line {self.line}:"
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where} {what}" if where else what


class RatsdokError(Exception):
    """Base class of every error ratsdok raises on purpose."""

    problems: tuple[Problem, ...]

    def __init__(self, problems: Problem | str | Iterable[Problem]) -> None:
        if isinstance(problems, str):
            problems = (Problem(problems),)
        elif isinstance(problems, Problem):
            problems = (problems,)
        self.problems = tuple(problems)
        if not self.problems:
            raise ValueError("a RatsdokError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))


class InvalidDocumentError(RatsdokError):
    """A document does not meet the ratsdok format or its rules."""


class XmlSyntaxError(InvalidDocumentError):
    """The input is not well-formed XML."""


class UnsafeInputError(InvalidDocumentError):
    """The input uses a feature ratsdok refuses for safety (DTD, entities, size)."""


class SchemaError(InvalidDocumentError):
    """The XML is well-formed but violates the ratsdok XML Schema."""


class AnlagenError(RatsdokError):
    """An Anlage file is missing, unreadable, or differs from its recorded size or digest."""


class OutputError(RatsdokError):
    """An output could not be written; nothing partial was left behind."""


class ZeitstempelError(RatsdokError):
    """A time stamp authority could not be reached or gave no usable time stamp;
    nothing was written."""
