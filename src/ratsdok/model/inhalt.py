"""The content of a text section: blocks of paragraphs, lists, sub-headings and tables.

A section (:class:`~ratsdok.model.vorlage.Abschnitt`) holds a sequence of
blocks. The block set is the one real Vorlagen use (``docs/text-model.md``):

* :class:`Absatz`: a paragraph of running text;
* :class:`Liste`: numbered (``1.``), lettered (``a)``), roman (``i.``),
  upper-case (``A.``) or bulleted; nested through the blocks of its items;
  with a start number and, where a document numbers irregularly, the item's
  own label;
* :class:`Zwischenueberschrift`: a heading inside a section;
* :class:`Tabelle`: an optional caption, header rows, body rows of cells, and
  the alignment of each column (numbers right-aligned).

Every block carries its kind in ``typ`` so that JSON forms stay unambiguous.
No mixed content: text is never interleaved with elements.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

from pydantic import AfterValidator, Field, model_validator

from ratsdok.model._base import Model
from ratsdok.model.codes import Listenart
from ratsdok.model.text import Text, normalize_text

__all__ = [
    "Absatz",
    "Ausrichtung",
    "Block",
    "Liste",
    "Listenpunkt",
    "Tabelle",
    "Zelle",
    "Zwischenueberschrift",
    "as_blocks",
    "plain_lines",
]

_MAX_TIEFE = 8
"""Deepest list nesting accepted (real Vorlagen go to three levels)."""


def _zelle(value: str) -> str:
    # An empty cell is data ("–" is written as it is); white space alone counts as empty.
    return "" if not value.strip(" \t\n\r") else normalize_text(value)


Zelle = Annotated[str, AfterValidator(_zelle)]
"""The text of a table cell: normalised like :data:`~ratsdok.model.text.Text`, or empty."""


class Ausrichtung(StrEnum):
    """Horizontal alignment of a table column."""

    LINKS = "links"
    RECHTS = "rechts"
    """For numbers and amounts."""
    ZENTRIERT = "zentriert"


class Absatz(Model):
    """A paragraph of running text (line breaks inside it are kept)."""

    typ: Literal["absatz"] = "absatz"
    text: Text


class Zwischenueberschrift(Model):
    """A heading inside a section ("1. Ausgangslage", "Kosten")."""

    typ: Literal["zwischenueberschrift"] = "zwischenueberschrift"
    text: Text


class Listenpunkt(Model):
    """One item of a :class:`Liste`: its blocks (paragraphs, nested lists, …)."""

    bloecke: tuple[Block, ...] = Field(min_length=1)
    bezeichnung: Text | None = None
    """The item's own label where the document does not count regularly ("1a.")."""

    if TYPE_CHECKING:

        def __init__(
            self, *, bloecke: Sequence[Block | str], bezeichnung: str | None = None
        ) -> None: ...

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"bloecke": ({"typ": "absatz", "text": data},)}
        return _coerce_bloecke(data)


class Liste(Model):
    """A numbered, lettered or bulleted list."""

    typ: Literal["liste"] = "liste"
    art: Listenart = Listenart.ARABISCH
    beginn: Annotated[int, Field(ge=0, le=100_000)] = 1
    """The number (or letter position, 1 = a) of the first item."""
    punkte: tuple[Listenpunkt, ...] = Field(min_length=1)

    if TYPE_CHECKING:
        # Items may be given as plain strings (one paragraph each).
        def __init__(
            self,
            *,
            art: Listenart = Listenart.ARABISCH,
            beginn: int = 1,
            punkte: Sequence[Listenpunkt | str],
        ) -> None: ...

    @model_validator(mode="after")
    def _depth(self) -> Self:
        if _tiefe(self) > _MAX_TIEFE:
            raise ValueError(f"lists are nested deeper than {_MAX_TIEFE} levels")
        return self

    def marke(self, index: int) -> str:
        """The printed marker of item *index* (0-based): ``3.``, ``c)``, ``iii.``, ``C.``, ``–``."""
        punkt = self.punkte[index]
        if punkt.bezeichnung is not None:
            return punkt.bezeichnung
        n = self.beginn + index
        if self.art is Listenart.AUFZAEHLUNG:
            return "–"
        if self.art is Listenart.BUCHSTABEN:
            return f"{_buchstaben(n)})"
        if self.art is Listenart.GROSSBUCHSTABEN:
            return f"{_buchstaben(n).upper()}."
        if self.art is Listenart.ROEMISCH:
            return f"{_roemisch(n).lower()}."
        return f"{n}."


class Tabelle(Model):
    """A table: caption, header rows, body rows and the alignment of each column."""

    typ: Literal["tabelle"] = "tabelle"
    beschriftung: Text | None = None
    spalten: tuple[Ausrichtung, ...] = ()
    """Alignment per column; empty: every column left-aligned."""
    kopf: tuple[tuple[Zelle, ...], ...] = ()
    """Header rows (their cells are header cells)."""
    zeilen: tuple[tuple[Zelle, ...], ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _rectangular(self) -> Self:
        widths = {len(r) for r in (*self.kopf, *self.zeilen)}
        if len(widths) != 1:
            raise ValueError(f"every row needs the same number of cells, found {sorted(widths)}")
        (width,) = widths
        if width == 0:
            raise ValueError("a row needs at least one cell")
        if self.spalten and len(self.spalten) != width:
            raise ValueError(f"{len(self.spalten)} column alignments for {width} columns")
        return self

    def ausrichtung(self, spalte: int) -> Ausrichtung:
        """The alignment of column *spalte* (0-based)."""
        return self.spalten[spalte] if self.spalten else Ausrichtung.LINKS


Block = Annotated[
    Absatz | Liste | Zwischenueberschrift | Tabelle,
    Field(discriminator="typ"),
]
"""One block of a section's content."""


def _tiefe(liste: Liste) -> int:
    inner = [_tiefe(b) for p in liste.punkte for b in p.bloecke if isinstance(b, Liste)]
    return 1 + max(inner, default=0)


def _coerce_bloecke(data: Any) -> Any:
    """Let plain strings stand for paragraphs in ``bloecke``."""
    if isinstance(data, dict) and "bloecke" in data:
        data = {**data, "bloecke": as_blocks(data["bloecke"])}
    return data


def as_blocks(items: Any) -> Any:
    """*items* with each plain string standing for an :class:`Absatz` (validated with
    the others, so that an error names its position)."""
    if isinstance(items, str) or not isinstance(items, list | tuple):
        return items
    return tuple({"typ": "absatz", "text": i} if isinstance(i, str) else i for i in items)


def _buchstaben(n: int) -> str:
    """1 → a, 26 → z, 27 → aa (as long lettered lists continue)."""
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out or "0"


_ROEMISCH = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def _roemisch(n: int) -> str:
    if n <= 0:
        return str(n)
    out = ""
    for value, letters in _ROEMISCH:
        count, n = divmod(n, value)
        out += letters * count
    return out


def plain_lines(bloecke: tuple[Block, ...], indent: str = "") -> list[str]:
    """The blocks as plain text lines, nothing left out (lists with their markers,
    table rows with cells joined by `` | ``), for readers without layout."""
    out: list[str] = []
    for b in bloecke:
        if isinstance(b, Absatz | Zwischenueberschrift):
            out.append(indent + b.text)
        elif isinstance(b, Liste):
            for i, p in enumerate(b.punkte):
                marke = b.marke(i) + " "
                inner = plain_lines(p.bloecke, indent + " " * len(marke))
                out.append(indent + marke + inner[0].lstrip(" "))
                out.extend(inner[1:])
        else:
            if b.beschriftung:
                out.append(indent + b.beschriftung)
            out.extend(indent + " | ".join(r) for r in (*b.kopf, *b.zeilen))
    return out


Listenpunkt.model_rebuild()
Liste.model_rebuild()
