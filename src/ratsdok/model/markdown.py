"""Section content from Markdown: CommonMark with GFM tables, and ratsdok's list conventions.

:func:`bloecke_aus_markdown` turns the Markdown text of one section into blocks
(:mod:`ratsdok.model.inhalt`): paragraphs, headings, lists and tables. It parses
with markdown-it-py (``MarkdownIt("commonmark").enable("table")``) and adds what
CommonMark lacks for Vorlagen: lettered and roman lists (``a)``, ``(b)``,
``A.``, ``ii)``), the markers of word processors (``1.)``, ``•``, ``·``,
``–``, a tab or a run of spaces after the marker) and one list for ``1.``
followed by ``2)``. The written marker is kept as the item's ``bezeichnung``
where it differs from the one the model would print. Blocks the content model
cannot hold (HTML, images, code blocks, block quotes, footnotes) are reported
with their line, never dropped. Inline markup is reduced to its text, by design
and without a report: emphasis and code spans keep their words (the model has
no inline emphasis, docs/text-model.md says why), links become "text (URL)".
The rules are in ``docs/text-model.md`` ("Authoring from Markdown").

Pure: takes text, does no I/O.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise
from typing import TYPE_CHECKING, TypeVar

from pydantic import ValidationError

from ratsdok.errors import InvalidDocumentError, Problem
from ratsdok.model.codes import Listenart
from ratsdok.model.inhalt import (
    Absatz,
    Ausrichtung,
    Block,
    Liste,
    Listenpunkt,
    Tabelle,
    Zwischenueberschrift,
)

__all__ = ["Teil", "bloecke_aus_markdown", "teile_aus_markdown"]

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token
    from markdown_it.tree import SyntaxTreeNode


@functools.cache
def _md() -> MarkdownIt:
    # markdown-it-py loads on first use, so that `import ratsdok` stays fast.
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


# --- markers -------------------------------------------------------------------------

_PUNKTE = "-*+•·▪◦‣–"
"""Bullet characters: CommonMark's ``-*+`` and those of word processors."""
_MARKE = re.compile(
    r"(?P<auf>\()?(?P<kern>\d{1,9}|[a-z]{1,8}|[A-Z]{1,8})(?P<zu>\.\)|[.)])|(?P<punkt>[-*+•·▪◦‣–])"
)
_ROEMISCH = re.compile(r"m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})")
_WERTE = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_ABKUERZUNG = re.compile(r"[^\W\d_]\.(\s|$)")
"""Text after "z." in "z. B.", "d. h.", "i. V.": an abbreviation, not a list item."""
_TRENNLINIE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")

# Kinds of marker: "1" arabic, "a"/"A" letters, "i"/"I" roman, "-" bullet.
_LISTENART = {
    "1": Listenart.ARABISCH,
    "a": Listenart.BUCHSTABEN,
    "A": Listenart.GROSSBUCHSTABEN,
    "i": Listenart.ROEMISCH,
    "I": Listenart.ROEMISCH,
    "-": Listenart.AUFZAEHLUNG,
}


@dataclass(frozen=True)
class _Marke:
    """A list marker as written, with the kinds and values it can stand for."""

    text: str
    arten: dict[str, int]
    nativ: bool
    """A CommonMark marker (``1.``, ``1)``, ``-``, ``*``, ``+``)."""
    doppelt: bool = False
    """Doubled letters ("aa)", "bb)")."""

    @property
    def eins(self) -> bool:
        """Whether the marker can begin a list (value 1 in one of its kinds)."""
        return 1 in self.arten.values() or "-" in self.arten


def _roemisch_wert(s: str) -> int | None:
    s = s.lower()
    if not _ROEMISCH.fullmatch(s):
        return None
    total = 0
    for a, b in zip(s, [*s[1:], ""], strict=True):
        v = _WERTE[a]
        total += -v if b and _WERTE[b] > v else v
    return total


def _marke(text: str) -> _Marke | None:
    """The marker *text* ("a)", "(iii)", "1.)", "•"), or None when it is none."""
    m = _MARKE.fullmatch(text)
    if m is None:
        return None
    if m["punkt"]:
        return _Marke(text, {"-": 0}, nativ=m["punkt"] in "-*+")
    kern, auf, zu = m["kern"], m["auf"], m["zu"]
    if auf and zu != ")":
        return None
    if kern.isdigit():
        return _Marke(text, {"1": int(kern)}, nativ=not auf and zu != ".)")
    arten: dict[str, int] = {}
    gross = kern.isupper()
    doppelt = len(kern) == 2 and kern[0] == kern[1]
    if len(kern) == 1 or doppelt:
        arten["A" if gross else "a"] = ord(kern[0].lower()) - ord("a") + 1
    wert = _roemisch_wert(kern)
    if wert:
        arten["I" if gross else "i"] = wert
    return _Marke(text, arten, nativ=False, doppelt=doppelt) if arten else None


@dataclass(frozen=True)
class _Zeile:
    """A source line with list markers, and the line markdown-it is given instead."""

    marken: tuple[_Marke, ...]
    neu: str


def _spalten(ws: str, spalte: int) -> int:
    """The width of white space *ws* starting at column *spalte* (tabs to multiples of 4)."""
    breite = 0
    for c in ws:
        breite += 4 - (spalte + breite) % 4 if c == "\t" else 1
    return breite


def _umschreiben(zeile: str) -> _Zeile | None:
    """The line with its markers in CommonMark form, or None when nothing changes.

    Every marker keeps its width (so the columns that nest lists stay where they
    were); a marker that can begin a list (value 1) becomes ``1.``, any other
    ``2…2.`` (which, like CommonMark's own, cannot interrupt a paragraph).
    """
    if _TRENNLINIE.fullmatch(zeile):
        return None
    pos = len(zeile) - len(zeile.lstrip(" \t"))
    spalte = _spalten(zeile[:pos], 0)
    marken: list[_Marke] = []
    teile = [zeile[:pos]]
    while pos < len(zeile):
        m = re.match(r"(\S+?)([ \t]+)(?=\S)", zeile[pos:])
        if m is None:
            break
        text, ws = m.group(1), m.group(2)
        marke = _marke(text)
        if marke is None or (marken and not marke.nativ and not marke.eins):
            break
        rest = zeile[pos + m.end() :]
        if len(text) == 2 and text[1] == "." and not text[0].isdigit() and _ABKUERZUNG.match(rest):
            break
        neu = _kanonisch(marke)
        spalte += len(text)
        breite = _spalten(ws, spalte)
        luecke = len(neu) - len(neu.rstrip(" "))
        if breite + luecke >= 5:
            ws, breite = " ", 1  # a run of spaces after a marker is no code block
        marken.append(marke)
        teile += [neu, ws]
        spalte += breite
        pos += m.end()
    if not marken:
        return None
    neu = "".join(teile) + zeile[pos:]
    return _Zeile(tuple(marken), neu) if neu != zeile else None


def _kanonisch(marke: _Marke) -> str:
    """The CommonMark marker of the same width that markdown-it reads for *marke*."""
    breite = len(marke.text)
    if "-" in marke.arten:
        return "-"
    if "1" in marke.arten:
        ziffern = str(marke.arten["1"])
        return ziffern + "." + " " * (breite - len(ziffern) - 1)
    if marke.eins:
        return "1." + " " * (breite - 2)
    return "2" * (breite - 1) + "."


# --- runs of markers -------------------------------------------------------------------


def _laeufe(marken: Sequence[_Marke]) -> list[tuple[str, list[int]]]:
    """Split the items of one markdown-it list into runs of one kind: (kind, indices)."""
    roh: list[tuple[set[str], list[int]]] = []
    for i, m in enumerate(marken):
        if roh and (gemeinsam := roh[-1][0] & m.arten.keys()):
            roh[-1] = (gemeinsam, [*roh[-1][1], i])
        else:
            roh.append((set(m.arten), [i]))
    return [(_entscheiden(arten, [marken[i] for i in idx]), idx) for arten, idx in roh]


def _entscheiden(arten: set[str], marken: list[_Marke]) -> str:
    """The kind of a run its markers leave open ("i." is a letter or roman 1): the one
    in which the values count on; then the one that starts at 1; then letters."""
    if len(arten) == 1:
        return next(iter(arten))

    def rang(art: str) -> tuple[bool, bool, bool]:
        werte = [m.arten[art] for m in marken]
        folge = all(b - a == 1 for a, b in pairwise(werte))
        return folge, werte[0] == 1, art in "aA"

    return max(sorted(arten), key=rang)


def _stil(marke: _Marke, art: str, kern: str) -> str:
    """*kern* (the plain "3", "c", "iii") written in the style of *marke*: "(c)", "3.)"."""
    m = _MARKE.fullmatch(marke.text)
    assert m is not None
    if art in "AI":
        kern = kern.upper()
    if marke.doppelt:
        kern = kern * 2
    return (m["auf"] or "") + kern + m["zu"]


# --- conversion ------------------------------------------------------------------------


@dataclass(frozen=True)
class Teil:
    """A part of a Markdown text: the blocks below one level-1 heading (or before the first)."""

    ueberschrift: str | None
    """The text of the heading; None for the part before the first one."""
    zeile: int
    """The line of the heading (of the part's first block when there is none)."""
    bloecke: tuple[Block, ...]


@dataclass
class _Leser:
    """One conversion of the token tree; collects problems and markers to take back."""

    source: str | None
    erste_zeile: int
    zeilen: list[str]
    umschrift: dict[int, _Zeile]
    problems: list[Problem] = field(default_factory=list)
    zurueck: set[int] = field(default_factory=set)
    """Lines whose markers turned out not to be list markers (read them as written)."""

    def fehler(self, zeile: int, message: str, feld: str | None = None) -> None:
        self.problems.append(
            Problem(message, file=self.source, line=self.erste_zeile + zeile, field=feld)
        )

    def ungueltig(self, zeile: int, exc: ValidationError) -> None:
        for err in exc.errors(include_url=False, include_input=False):
            feld = ".".join(str(p) for p in err["loc"]) or None
            self.fehler(zeile, err["msg"].removeprefix("Value error, "), feld)

    # blocks

    def bloecke(self, nodes: Sequence[SyntaxTreeNode]) -> list[Block]:
        out: list[Block] = []
        for i, node in enumerate(nodes):
            zeile = _zeile(node)
            t = node.type
            if t in ("paragraph", "heading"):
                text = self.text(node.children[0], zeile)
                if t == "paragraph" and text.strip():
                    self.bauen(out, zeile, partial(Absatz, text=text))
                elif t == "heading" and not text.strip():
                    self.fehler(zeile, "a heading without text")
                elif t == "heading":
                    self.bauen(out, zeile, partial(Zwischenueberschrift, text=text))
            elif t in ("bullet_list", "ordered_list"):
                if not self.unterbrochen(node, nodes[i - 1] if i else None):
                    out.extend(self.listen(node))
            elif t == "table":
                self.tabelle(out, node)
            elif t == "hr":
                if 0 < i < len(nodes) - 1:
                    self.fehler(
                        zeile,
                        "a thematic break (---) between blocks has no counterpart in the "
                        "content model; use a heading, or start a new section",
                    )
            elif t != "html_block" or not _nur_kommentar(node.content):
                self.fehler(zeile, _NICHT_UNTERSTUETZT.get(t, f"{t} is not supported"))
        return out

    def bauen(self, out: list[Block], zeile: int, make: Callable[[], Block]) -> None:
        """Append the block *make* builds, or report why it cannot be built."""
        try:
            out.append(make())
        except ValidationError as exc:
            self.ungueltig(zeile, exc)

    def unterbrochen(self, liste: SyntaxTreeNode, vorher: SyntaxTreeNode | None) -> bool:
        """Whether a list in a marker markdown-it does not know continues the block just
        above it (no blank line): a paragraph not ending in a colon, or a table. Then
        its first line is text after all ("A. Müller" under "Mit freundlichen Grüßen")."""
        start = _zeile(liste)
        if vorher is None or start not in self.umschrift or vorher.map is None:
            return False
        if vorher.map[1] != start or self.umschrift[start].marken[0].nativ:
            return False
        if vorher.type == "paragraph" and self.zeilen[start - 1].rstrip().endswith(":"):
            return False
        if vorher.type not in ("paragraph", "table"):
            return False
        self.zurueck.add(start)
        return True

    def listen(self, node: SyntaxTreeNode) -> list[Block]:
        items = node.children
        marken = [self.marke_von(item) for item in items]
        out: list[Block] = []
        for art, idx in _laeufe(marken):
            lauf = [marken[i] for i in idx]
            if len(idx) == 1 and art in "aAiI" and lauf[0].arten[art] != 1:
                # One item "x." or "C. Meier": not a list unless it starts one.
                self.zurueck.add(_zeile(items[idx[0]]))
                continue
            punkte = [self.bloecke(items[i].children) for i in idx]
            zeilen = [_zeile(items[i]) for i in idx]
            leer = [z for z, b in zip(zeilen, punkte, strict=True) if not b]
            for z in leer:
                self.fehler(z, "a list item without text")
            if leer:
                continue
            self.bauen(out, zeilen[0], partial(_liste, art, lauf, punkte))
        return out

    def marke_von(self, item: SyntaxTreeNode) -> _Marke:
        """The marker of *item* as written (on a line like "1. a) …", the outer list's
        item has the first marker, the inner one the second)."""
        z = _zeile(item)
        n, p = 0, item.parent
        while p is not None:
            n += p.type == "list_item" and _zeile(p) == z
            p = p.parent
        if z in self.umschrift and n < len(self.umschrift[z].marken):
            return self.umschrift[z].marken[n]
        text = item.info + item.markup if item.info else item.markup
        marke = _marke(text)
        assert marke is not None, text
        return marke

    def tabelle(self, out: list[Block], node: SyntaxTreeNode) -> None:
        zeile = _zeile(node)
        kopf_node = next(c for c in node.children if c.type == "thead")
        rumpf = next((c for c in node.children if c.type == "tbody"), None)
        if rumpf is None:
            self.fehler(zeile, "a table needs at least one row below its header")
            return
        kopf_zeile = kopf_node.children[0]
        breite = len(kopf_zeile.children)
        explizit = [_AUSRICHTUNG.get(str(c.attrs.get("style", ""))) for c in kopf_zeile.children]
        kopf = [self.text(c.children[0], zeile) for c in kopf_zeile.children]
        zeilen = []
        for tr in rumpf.children:
            z = _zeile(tr)
            zellen = _zellen(self.zeilen[z])
            if zellen > breite:
                self.fehler(
                    z,
                    f"this table row has {zellen} cells, the header has {breite}; "
                    "GFM would drop the cells beyond it",
                )
            zeilen.append([self.text(c.children[0], z) for c in tr.children])
        spalten = [explizit[i] or _automatisch([r[i] for r in zeilen]) for i in range(breite)]
        links = all(s is Ausrichtung.LINKS for s in spalten)
        self.bauen(
            out,
            zeile,
            lambda: Tabelle(
                kopf=[kopf] if any(c.strip() for c in kopf) else [],
                zeilen=zeilen,
                spalten=[] if links else spalten,
            ),
        )

    # inline

    def text(self, node: SyntaxTreeNode, zeile: int) -> str:
        """The plain text of inline content: markup dropped, links as "text (URL)"."""
        token = node.token
        assert token is not None
        out: list[str] = []
        links: list[tuple[int, str]] = []
        for t in token.children or []:
            zeile = self.inline(t, zeile, out, links)
        text = "".join(out)
        if re.search(r"\[\^[^\]\s]+\]", text):
            self.fehler(_zeile(node), "footnotes ([^1]) are not supported; write the note as text")
        return text

    def inline(self, t: Token, zeile: int, out: list[str], links: list[tuple[int, str]]) -> int:
        if t.type in ("text", "code_inline"):
            out.append(t.content)
        elif t.type in ("softbreak", "hardbreak"):
            out.append(" " if t.type == "softbreak" else "\n")
            return zeile + 1
        elif t.type == "link_open":
            links.append((len(out), str(t.attrs["href"])))
        elif t.type == "link_close":
            start, href = links.pop()
            ziel = _md().normalizeLinkText(href)
            text = "".join(out[start:]).strip()
            if text not in (ziel, ziel.removeprefix("mailto:")):
                out.append(f" ({ziel})")
        elif t.type == "image":
            self.fehler(
                zeile,
                f"images are not supported ({t.attrs.get('src')}); attach the picture as an "
                "Anlage and refer to it in the text",
            )
        elif t.type == "html_inline":
            if not _nur_kommentar(t.content):
                self.fehler(zeile, f"inline HTML ({t.content}) is not supported")
        elif t.type not in ("em_open", "em_close", "strong_open", "strong_close"):
            self.fehler(zeile, f"{t.type} is not supported")
        return zeile


_NICHT_UNTERSTUETZT = {
    "blockquote": "block quotes (>) are not supported: the content model has no quotation; "
    "write the quoted text as paragraphs in quotation marks („…“) or under a sub-heading",
    "code_block": "code blocks are not supported (4 or more spaces of indentation start one; "
    "indent a list item's text to its marker's text instead)",
    "fence": "fenced code blocks (```) are not supported: the content model has no "
    "preformatted text",
    "html_block": "raw HTML is not supported: the content model has no HTML",
}

_AUSRICHTUNG = {
    "text-align:left": Ausrichtung.LINKS,
    "text-align:right": Ausrichtung.RECHTS,
    "text-align:center": Ausrichtung.ZENTRIERT,
}

_ZAHL = re.compile(
    r"[+\-−–]?\s?(?:\d{1,3}(?:[. \u00a0\u202f]\d{3})+|\d+)(?:,(?:\d+|--?|–))?"
    r"\s?(?:%|‰|€|EUR|Euro|T€|TEUR|Mio\.\s?€|Mrd\.\s?€)?"
)
"""An amount or number as Vorlagen write them: "1.234,50 €", "12 %", "-3", "600.000,- €"."""


def _automatisch(zellen: list[str]) -> Ausrichtung:
    """Right for a column whose body cells all hold numbers or amounts, else left."""
    werte = [z.strip() for z in zellen if z.strip()]
    if werte and all(_ZAHL.fullmatch(w) for w in werte):
        return Ausrichtung.RECHTS
    return Ausrichtung.LINKS


def _zellen(zeile: str) -> int:
    """The number of cells GFM sees in a table row (pipes not escaped by a backslash)."""
    s = zeile.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return len(re.split(r"(?<!\\)\|", s))


def _nur_kommentar(html: str) -> bool:
    return re.fullmatch(r"\s*(?:<!--.*?-->\s*)+", html, re.DOTALL) is not None


def _zeile(node: SyntaxTreeNode) -> int:
    return node.map[0] if node.map else 0


def _liste(art: str, lauf: list[_Marke], punkte: list[list[Block]]) -> Liste:
    """The list of one run; items keep their written marker where the model would
    print another (a repeated marker, "1. 1. 1.", counts on in its style)."""
    listenart = _LISTENART[art]
    beginn = 1 if art == "-" else lauf[0].arten[art]
    probe = Liste(art=listenart, beginn=beginn, punkte=[Listenpunkt(bloecke=b) for b in punkte])
    if art == "-":
        return probe
    gedruckt = [probe.marke(i) for i in range(len(punkte))]
    if len(lauf) > 1 and len({m.text for m in lauf}) == 1:
        geschrieben = [_stil(lauf[0], art, g.rstrip(".)")) for g in gedruckt]
    else:
        geschrieben = [m.text for m in lauf]
    if geschrieben == gedruckt:
        return probe
    return Liste(
        art=listenart,
        beginn=beginn,
        punkte=[
            Listenpunkt(bloecke=b, bezeichnung=None if g == d else g)
            for b, g, d in zip(punkte, geschrieben, gedruckt, strict=True)
        ],
    )


# --- entry points ----------------------------------------------------------------------


_T = TypeVar("_T")


def _tree(tokens: list[Token]) -> SyntaxTreeNode:
    from markdown_it.tree import SyntaxTreeNode

    return SyntaxTreeNode(tokens)


def _lesen(
    text: str,
    source: str | None,
    erste_zeile: int,
    umwandeln: Callable[[_Leser, list[SyntaxTreeNode]], _T],
) -> _T:
    """Parse *text*, taking back marker rewrites that did not make list items, and
    convert the top-level nodes; raise with every problem found."""
    zeilen = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    umschrift = {i: u for i, z in enumerate(zeilen) if (u := _umschreiben(z)) is not None}
    aktiv = set(umschrift)
    while True:
        src = "\n".join(umschrift[i].neu if i in aktiv else z for i, z in enumerate(zeilen))
        tokens = _md().parse(src)
        starts = Counter(t.map[0] for t in tokens if t.type == "list_item_open" and t.map)
        # Markers markdown-it read as text (a paragraph's continuation) are text after all.
        zurueck = {i for i in aktiv if starts[i] < len(umschrift[i].marken)}
        leser = _Leser(source, erste_zeile, zeilen, {i: umschrift[i] for i in aktiv})
        if not zurueck:
            ergebnis = umwandeln(leser, _tree(tokens).children)
            zurueck = leser.zurueck
            if not zurueck:
                break
        aktiv -= zurueck
    for i, z in enumerate(zeilen):
        if re.match(r" {0,3}\[\^[^\]]+\]:", z):
            leser.fehler(i, "footnotes ([^1]: …) are not supported; write the note as text")
    if leser.problems:
        raise InvalidDocumentError(sorted(leser.problems, key=lambda p: p.line or 0))
    return ergebnis


def _teile(leser: _Leser, nodes: list[SyntaxTreeNode]) -> list[Teil]:
    grenzen = [i for i, n in enumerate(nodes) if n.type == "heading" and n.tag == "h1"]
    teile = []
    if not grenzen or grenzen[0] > 0:
        vorn = nodes[: grenzen[0] if grenzen else len(nodes)]
        zeile = leser.erste_zeile + (_zeile(vorn[0]) if vorn else 0)
        teile.append(Teil(None, zeile, tuple(leser.bloecke(vorn))))
    for k, g in enumerate(grenzen):
        kopf = nodes[g]
        ende = grenzen[k + 1] if k + 1 < len(grenzen) else len(nodes)
        ueberschrift = leser.text(kopf.children[0], _zeile(kopf))
        bloecke = tuple(leser.bloecke(nodes[g + 1 : ende]))
        teile.append(Teil(ueberschrift, leser.erste_zeile + _zeile(kopf), bloecke))
    return teile


def teile_aus_markdown(text: str, *, source: str | None = None, erste_zeile: int = 1) -> list[Teil]:
    """The text split at its level-1 headings, each part's content as blocks.

    The part before the first heading comes first, with ``ueberschrift=None``
    (only when there is one). Raises :class:`~ratsdok.errors.InvalidDocumentError`
    with every problem, each with its line (*erste_zeile* is the number of the
    text's first line in *source*).
    """
    return _lesen(text, source, erste_zeile, _teile)


def bloecke_aus_markdown(
    text: str, *, source: str | None = None, erste_zeile: int = 1
) -> tuple[Block, ...]:
    """The blocks of a section written in Markdown (CommonMark and GFM tables).

    >>> bloecke_aus_markdown("Der Kreistag beschließt:\\na) das Konzept,\\nb) die Mittel.")[1].art
    <Listenart.BUCHSTABEN: 'buchstaben'>

    Headings of every level become a :class:`~ratsdok.model.inhalt.Zwischenueberschrift`.
    Raises :class:`~ratsdok.errors.InvalidDocumentError` listing every construct the
    content model cannot hold, each with its line (*erste_zeile* is the number of
    the text's first line in *source*, for text taken from a larger file).
    """
    return tuple(_lesen(text, source, erste_zeile, lambda leser, nodes: leser.bloecke(nodes)))
