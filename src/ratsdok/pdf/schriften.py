"""Schriften ergänzen: fonts for the merged copy of an Anlage whose pages use a
standard font that is not embedded (Helvetica/Arial, Times, Courier from office
exports), so that its pages can be merged into a PDF/A-3b bundle.

PDF/A requires the program of every font a page uses to be embedded. Office
exports and report generators often leave the standard fonts out. The merged
copy of such an Anlage (never the original, which the bundle embeds byte for
byte) gets, for each such font dictionary, a subset of the metric-compatible
free font of that family embedded as ``/FontFile2``:

=========================================  =====================================
in the Anlage                              embedded in the merged copy
=========================================  =====================================
Helvetica, Arial (any style)               Liberation Sans (same style)
Times, Times New Roman (any style)         Liberation Serif (same style)
Courier, Courier New (any style)           Liberation Mono (same style)
=========================================  =====================================

The fonts are Liberation 2.1.5 (SIL Open Font License 1.1), shipped unmodified in
``ratsdok/pdf/fonts`` with their licence. They are not subsetted there: the
licence reserves the name "Liberation" for the original files (a subset shipped
on its own would have to be renamed), and the unmodified files let anyone check
an embedded program against the published font by its SHA-256. Documents made
with a font may carry subsets of it; the subsets embedded here hold only the
glyphs the pages draw (a few kB each).

Why this route (fontTools, surgical) and not Ghostscript's PDF/A conversion: it
needs no external tool, and it changes nothing but font dictionaries. Every
content stream stays byte for byte as it was, so a verifier can show that only
fonts changed (the record, below). Ghostscript re-interprets and re-writes every
page, so its output can only be compared with the original by looking at it, and
its bytes would depend on the installed Ghostscript.

What is changed, in the merged copy only, and why it keeps the pages as they were:

* a font dictionary with a standard font becomes a non-symbolic ``/TrueType``
  font with the Liberation subset, ``/BaseFont`` ``ABCDEF+LiberationSans``
  (a tag made from the program's SHA-256) and a new ``/FontDescriptor``;
* its ``/Widths`` stay as they are; where the Liberation glyph's advance differs
  from them (Arial and Helvetica differ in a few glyphs such as ±), the advance
  in the embedded program is set to the dictionary's width, which is where every
  viewer placed the next glyph anyway. A font without ``/Widths`` (the standard
  fonts may omit them) gets them from the Liberation program;
* its ``/Encoding`` stays as it is when it is ``/WinAnsiEncoding`` or
  ``/MacRomanEncoding``; any other (the standard fonts' built-in
  StandardEncoding, or ``/Differences``) is written as ``/WinAnsiEncoding`` with
  ``/Differences`` such that every code the pages show selects the glyph of the
  same name as before;
* a non-embedded font that no content stream selects (``Tf``) is removed from
  the resources: nothing names it, so nothing changes. One that is selected but
  shows no glyph must stay (a ``Tf`` naming a missing resource breaks PDF/A,
  ISO 19005-3 6.2.2), so it gets a Liberation subset that draws nothing, whatever
  its name (it is reported as such). :mod:`pikepdf.pdfa` checks every font in the
  resources, used or not, so either is needed.

What cannot be repaired is refused with its reason, and the Anlage is then
refused or embedded as a file only, as before: a font that is neither embedded
nor one of the standard families above (Symbol, ZapfDingbats, Wingdings, Arial
Narrow, …) and shows glyphs; a selected Type 3 font, or a composite (Type 0)
font that is not embedded; a code that selects no glyph of the encoding, a glyph
Liberation does not have, an encoding other than Standard, WinAnsi or MacRoman,
``/Widths`` that do not fit ``/FirstChar``; a content stream that cannot be
parsed. Only Anlagen are repaired (:class:`~ratsdok.pdf.assemble.Assembly`), not
a Hauptdokument.

The record: :class:`Ergaenzung` says per Anlage which font was replaced by which
file, with the SHA-256 of the shipped file and of the embedded program, and the
SHA-256 of each page's content streams (:func:`inhalt_sha256`, unchanged by the
repair). :func:`protokoll` writes the records of a bundle as the associated file
``ratsdok-schriften.json`` (``docs/anlagen-reparatur.md``).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

import pikepdf
from fontTools import agl, subset
from fontTools.encodings.MacRoman import MacRoman
from fontTools.encodings.StandardEncoding import StandardEncoding
from fontTools.ttLib import TTFont
from pikepdf import Array, Dictionary, Name, Pdf, Stream, String

__all__ = [
    "FORMAT",
    "Entfernt",
    "Ergaenzung",
    "Ersatzschrift",
    "Ersetzung",
    "RecordEntry",
    "ergaenze_schriften",
    "ersatz_fuer",
    "inhalt_sha256",
    "protokoll",
]

FORMAT = "ratsdok-schriften"
"""The ``format`` of the record file; its ``version`` is 1."""

_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
_SIMPLE = ("/Type1", "/MMType1", "/TrueType")
_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")
# Font descriptor flags (ISO 32000-1 Table 123).
_FIXED, _SERIF, _NONSYMBOLIC, _ITALIC = 1, 2, 32, 64


# --- the substitute fonts -----------------------------------------------------


@dataclass(frozen=True)
class Ersatzschrift:
    """A shipped Liberation font that stands in for a standard font."""

    name: str
    """Its full name ("Liberation Sans Bold")."""
    datei: str
    """Its file in ``ratsdok/pdf/fonts`` ("LiberationSans-Bold.ttf")."""
    flags: int
    """The font descriptor ``/Flags`` (non-symbolic, serif, fixed pitch, italic)."""


_FAMILIEN = {
    # the family part of a BaseFont, lower case, spaces and MT/PS suffixes removed
    "helvetica": ("Sans", 0),
    "arial": ("Sans", 0),
    "times": ("Serif", _SERIF),
    "timesroman": ("Serif", _SERIF),
    "timesnewroman": ("Serif", _SERIF),
    "courier": ("Mono", _FIXED),
    "couriernew": ("Mono", _FIXED),
}
_STILE = {
    # the style part, lower case, MT suffix removed -> (bold, italic)
    "": (False, False),
    "roman": (False, False),
    "regular": (False, False),
    "normal": (False, False),
    "bold": (True, False),
    "italic": (False, True),
    "oblique": (False, True),
    "bolditalic": (True, True),
    "boldoblique": (True, True),
    "italicbold": (True, True),
}


_STILE_LONGEST_FIRST = sorted((s for s in _STILE if s), key=len, reverse=True)


def ersatz_fuer(basefont: str) -> Ersatzschrift | None:
    """The Liberation font for the standard font *basefont* ("Helvetica-Bold",
    "Arial,BoldItalic", "TimesNewRomanPS-BoldMT"), None for any other font."""
    name = _SUBSET_TAG.sub("", basefont).replace(" ", "")
    family, _, style = _split(name)
    key = re.sub(r"(psmt|mt|ps)$", "", family.lower())
    style = re.sub(r"(psmt|mt|ps)$", "", style.lower())
    if key not in _FAMILIEN and not style:  # "ArialBold", "Times New Roman Italic"
        key, style = next(
            ((key[: -len(s)], s) for s in _STILE_LONGEST_FIRST if key.endswith(s)), (key, style)
        )
    found = _FAMILIEN.get(key)
    weight = _STILE.get(style)
    if found is None or weight is None:
        return None
    familie, flags = found
    bold, italic = weight
    suffix = {
        (False, False): "Regular",
        (True, False): "Bold",
        (False, True): "Italic",
        (True, True): "BoldItalic",
    }[bold, italic]
    label = " ".join(x for x in ("Bold" if bold else "", "Italic" if italic else "") if x)
    return Ersatzschrift(
        f"Liberation {familie}" + (f" {label}" if label else ""),
        f"Liberation{familie}-{suffix}.ttf",
        _NONSYMBOLIC | flags | (_ITALIC if italic else 0),
    )


def _split(name: str) -> tuple[str, str, str]:
    """A BaseFont split into family, separator and style ("Arial", ",", "Bold")."""
    m = re.match(r"^([^-,]*)([-,]?)(.*)$", name)
    assert m is not None  # the pattern matches any string
    return m.group(1), m.group(2), m.group(3)


@cache
def _font_bytes(datei: str) -> bytes:
    return files("ratsdok.pdf").joinpath("fonts", datei).read_bytes()


@cache
def _datei_sha256(datei: str) -> str:
    return hashlib.sha256(_font_bytes(datei)).hexdigest()


@dataclass(frozen=True)
class _Metrik:
    """What the repair needs of a full Liberation font, read once."""

    upem: int
    cmap: dict[int, str]
    """Unicode -> glyph name."""
    advance: dict[str, int]
    """Glyph name -> advance width in font units."""


@cache
def _metrik(datei: str) -> _Metrik:
    font = TTFont(io.BytesIO(_font_bytes(datei)), lazy=True)
    hmtx = font["hmtx"]
    return _Metrik(
        int(font["head"].unitsPerEm),
        {int(u): str(g) for u, g in font.getBestCmap().items()},
        {str(g): int(hmtx[g][0]) for g in font.getGlyphOrder()},
    )


# --- encodings ----------------------------------------------------------------

# The PDF encodings' code -> glyph name tables (ISO 32000-1 Annex D).
_STANDARD = {c: n for c, n in enumerate(StandardEncoding) if n != ".notdef"}
# PDF's MacRomanEncoding lacks the Mac OS Roman characters taken from the Symbol
# font and the Apple logo; its 0xCA is "space".
_NOT_IN_PDF_MAC = {
    "notequal", "infinity", "lessequal", "greaterequal", "partialdiff", "summation",
    "product", "pi", "integral", "Omega", "radical", "approxequal", "Delta", "lozenge",
    "apple",
}  # fmt: skip
_MAC_ROMAN = {
    c: n
    for c, n in enumerate(MacRoman)
    if 0x20 <= c < 0x7F or (c > 0x7F and n not in _NOT_IN_PDF_MAC)
}
_MAC_ROMAN[0xCA] = "space"


def _win_ansi() -> dict[int, str]:
    table: dict[int, str] = {}
    extra = {0xB2: "twosuperior", 0xB3: "threesuperior", 0xB9: "onesuperior"}
    for code in range(0x20, 0x100):
        if code == 0x7F:
            continue
        try:
            char = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            continue  # 0x81, 0x8D, 0x8F, 0x90, 0x9D
        name = agl.UV2AGL.get(ord(char)) or extra.get(code)
        if name is not None:
            table[code] = name
    table[0xA0] = "space"  # Annex D: WinAnsi 0xA0 and 0xAD repeat space and hyphen
    table[0xAD] = "hyphen"
    return table


_WIN_ANSI = _win_ansi()
_BASES = {
    "/WinAnsiEncoding": _WIN_ANSI,
    "/MacRomanEncoding": _MAC_ROMAN,
    "/StandardEncoding": _STANDARD,
}


class _UnrepairableError(Exception):
    """A font the repair cannot handle; the message says why."""


def _agl_name(name: str) -> str:
    """*name* as a name of the Adobe Glyph List (PDF/A-2/3 6.2.11.6 requires that
    for /Differences of a TrueType font), or :class:`_UnrepairableError`."""
    if name in agl.LEGACY_AGL2UV:
        return name
    text = agl.toUnicode(name)
    alias = agl.UV2AGL.get(ord(text)) if len(text) == 1 else None
    if alias is None or alias not in agl.LEGACY_AGL2UV:
        raise _UnrepairableError(f"the glyph name /{name} is not in the Adobe Glyph List")
    return str(alias)


def _encoding(font: Dictionary) -> tuple[dict[int, str], bool]:
    """The code -> glyph name table of a simple font (as a viewer reads it), and
    whether it can stay as it is on a TrueType font."""
    enc = font.get("/Encoding")
    if enc is None:
        return dict(_STANDARD), False  # the standard fonts' built-in encoding
    if isinstance(enc, Name):
        table = _BASES.get(str(enc))
        if table is None:
            raise _UnrepairableError(f"its encoding {enc} is not supported")
        return dict(table), str(enc) != "/StandardEncoding"
    if not isinstance(enc, Dictionary):
        raise _UnrepairableError("its /Encoding is neither a name nor a dictionary")
    base = enc.get("/BaseEncoding", Name.StandardEncoding)
    table_ = _BASES.get(str(base)) if isinstance(base, Name) else None
    if table_ is None:
        raise _UnrepairableError(f"its base encoding {base} is not supported")
    result = dict(table_)
    code: int | None = None
    for item in enc.get("/Differences", Array()):
        if isinstance(item, int):
            code = int(item)
        elif isinstance(item, Name) and code is not None:
            result[code] = str(item)[1:]
            code += 1
        else:
            raise _UnrepairableError("its /Differences array is malformed")
    return result, False


# --- scanning the content -----------------------------------------------------


@dataclass
class _Font:
    """A font dictionary reached from the pages, and how they use it."""

    obj: Dictionary
    names: set[str] = field(default_factory=set)
    """The resource names it is listed under."""
    selected: bool = False
    codes: set[int] = field(default_factory=set)
    """The character codes shown with it."""

    @property
    def basefont(self) -> str:
        base = self.obj.get("/BaseFont")
        return str(base)[1:] if isinstance(base, Name) else "(no name)"

    @property
    def subtype(self) -> str:
        sub = self.obj.get("/Subtype")
        return str(sub)[1:] if isinstance(sub, Name) else "?"


def _embedded(font: Dictionary) -> bool:
    """Whether *font* brings its program (the cases pikepdf.pdfa may accept)."""
    sub = font.get("/Subtype")
    if sub == Name.Type3:
        return False
    if sub == Name.Type0:
        kids = font.get("/DescendantFonts")
        if not isinstance(kids, Array) or len(kids) != 1 or not isinstance(kids[0], Dictionary):
            return True  # malformed: not this module's business, the probe reports it
        font = kids[0]
    desc = font.get("/FontDescriptor")
    return isinstance(desc, Dictionary) and any(k in desc for k in _FONT_FILES)


def _dict(obj: object) -> Dictionary | None:
    return obj if isinstance(obj, Dictionary) and not isinstance(obj, Stream) else None


def _strings(op: str, operands: Sequence[object]) -> Iterable[bytes]:
    if op in ("Tj", "'") and operands:
        items: Iterable[object] = [operands[0]]
    elif op == '"' and len(operands) == 3:
        items = [operands[2]]
    elif op == "TJ" and operands and isinstance(operands[0], Array):
        items = operands[0]
    else:
        return []
    return [bytes(s) for s in items if isinstance(s, String)]


def _gs_font(src: Pdf, operands: Sequence[object], res: Dictionary) -> Dictionary | None:
    """The font a ``gs`` operator sets (None: it sets none), made indirect."""
    if not operands or not isinstance(operands[0], Name):
        return None
    gs = _dict((_dict(res.get("/ExtGState")) or Dictionary()).get(operands[0]))
    value = None if gs is None else gs.get("/Font")
    if not isinstance(value, Array) or len(value) < 1 or _dict(value[0]) is None:
        return None
    if not value[0].is_indirect:
        value[0] = src.make_indirect(value[0])
    return _dict(value[0])


def _scan(src: Pdf) -> dict[tuple[int, int], _Font]:
    """Every font of *src*'s content, with its resource names, whether a content
    stream selects it and the codes shown with it (in order of first appearance).

    Direct font dictionaries are made indirect on the way (in *src*, the merged
    copy), so that each font has one identity.
    """
    fonts: dict[tuple[int, int], _Font] = {}

    def register(obj: Dictionary, name: str | None) -> _Font:
        f = fonts.setdefault(obj.objgen, _Font(obj))
        if name is not None:
            f.names.add(name)
        return f

    for scope in src.content_scopes():
        res = _dict(scope.resources) or Dictionary()
        table = _dict(res.get("/Font")) or Dictionary()
        for key in sorted(table.keys()):
            value = table[key]
            if isinstance(value, Dictionary) and not isinstance(value, Stream):
                if not value.is_indirect:
                    table[key] = value = src.make_indirect(value)
                register(value, key)
        try:
            instructions = pikepdf.parse_content_stream(scope.content)
        except pikepdf.PdfError as exc:
            raise _UnrepairableError(f"a content stream cannot be parsed ({exc})") from None
        current: _Font | None = None
        stack: list[_Font | None] = []
        for ins in instructions:
            if not isinstance(ins, pikepdf.ContentStreamInstruction):
                continue  # an inline image
            op, operands = str(ins.operator), list(ins.operands)
            if op == "q":
                stack.append(current)
            elif op == "Q":
                current = stack.pop() if stack else current
            elif op == "Tf":
                name = operands[0] if operands and isinstance(operands[0], Name) else None
                obj = None if name is None else _dict(table.get(name))
                current = None if obj is None else register(obj, str(name))  # None: unknown
                if current is not None:
                    current.selected = True
            elif op == "gs" and (obj := _gs_font(src, operands, res)) is not None:
                current = register(obj, None)
                current.selected = True
            elif current is not None:
                for s in _strings(op, operands):
                    current.codes.update(s)
    return fonts


# --- the record -----------------------------------------------------------------


@dataclass(frozen=True)
class Ersetzung:
    """One font dictionary that got a Liberation program."""

    original: str
    """Its ``/BaseFont`` in the Anlage ("Helvetica")."""
    subtype: str
    """Its ``/Subtype`` in the Anlage ("Type1", "TrueType")."""
    ressourcen: tuple[str, ...]
    """The resource names it is listed under ("/F1")."""
    ersatz: str
    """The Liberation font ("Liberation Sans")."""
    datei: str
    """Its shipped file ("LiberationSans-Regular.ttf")."""
    datei_sha256: str
    """SHA-256 of the shipped file (the published font)."""
    basefont: str
    """The new ``/BaseFont`` ("ABCDEF+LiberationSans")."""
    programm_sha256: str
    """SHA-256 of the embedded ``/FontFile2`` program (decoded)."""
    zeichen: int
    """Number of different codes the pages show with it (0: it draws nothing)."""
    breiten: str
    """"beibehalten" (its ``/Widths`` kept) or "ergänzt" (taken from the program)."""
    angepasst: int
    """Number of glyphs whose advance in the program was set to ``/Widths``."""
    kodierung: str
    """"beibehalten" (its ``/Encoding`` kept) or "umgeschrieben" (WinAnsi + Differences)."""

    def __str__(self) -> str:
        what = self.original if self.zeichen else f"{self.original} (zeichnet nichts)"
        return f"{what} → {self.ersatz}"


@dataclass(frozen=True)
class Entfernt:
    """A non-embedded font that no content stream selects, removed from the resources."""

    original: str
    subtype: str
    ressourcen: tuple[str, ...]


@dataclass(frozen=True)
class Ergaenzung:
    """What :func:`ergaenze_schriften` did to (or found in) the merged copy of an Anlage."""

    ersetzt: tuple[Ersetzung, ...] = ()
    entfernt: tuple[Entfernt, ...] = ()
    seiten: tuple[str, ...] = ()
    """SHA-256 of each page's content streams (:func:`inhalt_sha256`), unchanged."""
    gruende: tuple[str, ...] = ()
    """Why it cannot be repaired (then nothing was changed but direct fonts made indirect)."""

    @property
    def geaendert(self) -> bool:
        """Whether a font was replaced or removed."""
        return bool(self.ersetzt or self.entfernt)

    def zusammenfassung(self) -> str:
        """One line for the user: "Helvetica → Liberation Sans, …"."""
        parts = list(dict.fromkeys(str(e) for e in self.ersetzt))
        if self.entfernt:
            names = ", ".join(dict.fromkeys(e.original for e in self.entfernt))
            parts.append(f"unbenutzt entfernt: {names}")
        return ", ".join(parts)


def inhalt_sha256(page: pikepdf.Page) -> str:
    """SHA-256 of the page's content streams, decoded and concatenated in order.

    Decoded, so that it does not depend on how a writer compresses them.
    """
    h = hashlib.sha256()
    contents = page.obj.get("/Contents")
    streams = [contents] if isinstance(contents, Stream) else list(contents or ())
    for s in streams:
        if isinstance(s, Stream):
            h.update(s.read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class RecordEntry:
    """One repaired Anlage as the bundle's record lists it."""

    nummer: int
    datei: str
    sha256: str | None
    """SHA-256 of the Anlage file as its Vorlage records it (the embedded original)."""
    start: int
    """Index of its first page in the bundle."""
    prefix: str
    """Its page-label prefix ("A1-")."""
    ergaenzung: Ergaenzung


def protokoll(entries: Sequence[RecordEntry]) -> bytes:
    """The record file ``ratsdok-schriften.json`` (UTF-8 JSON, stable order)."""
    anlagen: list[dict[str, Any]] = []
    for e in entries:
        erg = e.ergaenzung
        anlagen.append(
            {
                "anlage": e.nummer,
                "datei": e.datei,
                "sha256": e.sha256,
                "seiten": [
                    {"index": e.start + i, "label": f"{e.prefix}{i + 1}", "inhalt_sha256": h}
                    for i, h in enumerate(erg.seiten)
                ],
                "schriften": [
                    {
                        "original": r.original,
                        "subtype": r.subtype,
                        "ressourcen": list(r.ressourcen),
                        "ersatz": r.ersatz,
                        "datei": r.datei,
                        "datei_sha256": r.datei_sha256,
                        "basefont": r.basefont,
                        "programm_sha256": r.programm_sha256,
                        "zeichen": r.zeichen,
                        "breiten": r.breiten,
                        "angepasste_breiten": r.angepasst,
                        "kodierung": r.kodierung,
                    }
                    for r in erg.ersetzt
                ],
                "entfernt": [
                    {"original": r.original, "subtype": r.subtype, "ressourcen": list(r.ressourcen)}
                    for r in erg.entfernt
                ],
            }
        )
    doc = {"format": FORMAT, "version": 1, "anlagen": anlagen}
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- the repair -----------------------------------------------------------------


@dataclass(eq=False)  # compared and hashed by identity
class _Plan:
    """One font to get a Liberation program."""

    font: _Font
    face: Ersatzschrift
    names: dict[int, str]
    """Code shown -> glyph name (an AGL name)."""
    encoding_kept: bool
    widths: list[float] | None
    """The dictionary's widths from ``/FirstChar`` (None: none, they are added)."""
    first: int
    targets: dict[str, int] = field(default_factory=dict)
    """Glyph -> advance (font units) the program must have to match ``/Widths``."""


def _plan(f: _Font, face: Ersatzschrift) -> _Plan:
    table, kept = _encoding(f.obj)
    m = _metrik(face.datei)
    names: dict[int, str] = {}
    for code in sorted(f.codes):
        name = table.get(code)
        if name is None or name == ".notdef":
            raise _UnrepairableError(f"code {code} selects no glyph of its encoding")
        name = _agl_name(name)
        text = agl.toUnicode(name)
        if len(text) != 1 or ord(text) not in m.cmap:
            raise _UnrepairableError(f"{face.name} has no glyph /{name} (code {code})")
        names[code] = name
    widths_obj = f.obj.get("/Widths")
    first_obj, last_obj = f.obj.get("/FirstChar"), f.obj.get("/LastChar")
    plan = _Plan(f, face, names, kept, None, 0)
    if widths_obj is None:
        return plan
    if (
        not isinstance(widths_obj, Array)
        or not isinstance(first_obj, int)
        or not isinstance(last_obj, int)
        or len(widths_obj) != int(last_obj) - int(first_obj) + 1
    ):
        raise _UnrepairableError("its /Widths do not match /FirstChar and /LastChar")
    try:
        widths = [float(w) for w in widths_obj]
    except (TypeError, ValueError):
        raise _UnrepairableError("its /Widths hold a value that is not a number") from None
    plan.widths, plan.first = widths, int(first_obj)
    for code, name in names.items():
        index = code - plan.first
        if not 0 <= index < len(widths):
            raise _UnrepairableError(f"code {code} is outside /FirstChar–/LastChar")
        glyph = m.cmap[ord(agl.toUnicode(name))]
        target = widths[index]
        if abs(m.advance[glyph] * 1000 / m.upem - target) <= 0.5:
            continue
        advance = round(target * m.upem / 1000)
        if plan.targets.setdefault(glyph, advance) != advance:
            raise _UnrepairableError(f"two codes show the glyph /{name} with different widths")
    return plan


# PDF shows text glyph by glyph: OpenType layout and kerning tables are never used.
_UNUSED_TABLES = ("GSUB", "GPOS", "GDEF", "kern", "FFTM")


def _build_program(
    face: Ersatzschrift,
    unicodes: set[int],
    targets: dict[str, int],
    aliases: dict[int, str] | None = None,
) -> bytes:
    """The Liberation subset with the glyphs of *unicodes* (and .notdef), advances set
    to *targets*, and the extra cmap entries *aliases* (Unicode → glyph name);
    deterministic (no timestamps)."""
    font = TTFont(io.BytesIO(_font_bytes(face.datei)), recalcTimestamp=False)
    for tag in _UNUSED_TABLES:  # removed before subsetting, which would read them
        if tag in font:
            del font[tag]
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]  # the copyright and licence entries travel with the font
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = True
    sub = subset.Subsetter(options)
    sub.populate(unicodes=unicodes or {0x20})
    sub.subset(font)
    hmtx = font["hmtx"]
    for glyph, advance in sorted(targets.items()):
        hmtx[glyph] = (advance, hmtx[glyph][1])
    for table in font["cmap"].tables:
        if table.isUnicode():
            for code, glyph in sorted((aliases or {}).items()):
                table.cmap.setdefault(code, glyph)
    buf = io.BytesIO()
    font.save(buf, reorderTables=True)
    return buf.getvalue()


def _tag(program: bytes) -> str:
    digest = hashlib.sha256(program).digest()
    return "".join(chr(ord("A") + b % 26) for b in digest[:6])


def _descriptor(pdf: Pdf, face: Ersatzschrift, program: bytes, basefont: str) -> Dictionary:
    font = TTFont(io.BytesIO(program), lazy=True)
    scale = 1000 / int(font["head"].unitsPerEm)
    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]

    def s(v: float) -> int:
        return round(v * scale)

    stream = pdf.make_stream(program)
    stream.Length1 = len(program)
    bold = int(os2.usWeightClass) >= 600
    return pdf.make_indirect(
        Dictionary(
            Type=Name.FontDescriptor,
            FontName=Name("/" + basefont),
            Flags=face.flags,
            FontBBox=Array([s(head.xMin), s(head.yMin), s(head.xMax), s(head.yMax)]),
            ItalicAngle=round(float(font["post"].italicAngle), 2),
            Ascent=s(hhea.ascent),
            Descent=s(hhea.descent),
            CapHeight=s(getattr(os2, "sCapHeight", hhea.ascent)),
            StemV=140 if bold else 80,
            FontFile2=stream,
        )
    )


def _group(plans: list[_Plan]) -> list[list[_Plan]]:
    """Plans that can share one program: same face, no glyph with two target advances."""
    groups: list[tuple[Ersatzschrift, dict[str, int], list[_Plan]]] = []
    for p in sorted(plans, key=lambda p: p.widths is None):  # fonts with /Widths first
        for face, targets, members in groups:
            if face == p.face and all(targets.get(g, a) == a for g, a in p.targets.items()):
                targets.update(p.targets)
                members.append(p)
                break
        else:
            groups.append((p.face, dict(p.targets), [p]))
    return [members for _, _, members in groups]


def _apply(src: Pdf, members: list[_Plan]) -> list[tuple[_Plan, Ersetzung]]:
    face = members[0].face
    m = _metrik(face.datei)
    targets: dict[str, int] = {}
    unicodes: set[int] = set()
    aliases: dict[int, str] = {}
    for p in members:
        targets.update(p.targets)
        unicodes.update(ord(agl.toUnicode(n)) for n in p.names.values())
        # A code /Differences gives another glyph than WinAnsi is also found through
        # WinAnsi's character: ISO 32000-1 9.6.6.4 looks up the /Differences name,
        # but page-validation 0.11 looks up the base encoding's character and
        # reports .notdef. Both then find the same glyph.
        for code, shown in p.names.items():
            base = _WIN_ANSI.get(code)
            if base is not None and base != shown:
                aliases.setdefault(ord(agl.toUnicode(base)), shown)
    # Only where the base character is not shown as itself by another code.
    aliases = {u: g for u, g in aliases.items() if u not in unicodes}
    program = _build_program(face, unicodes, targets, aliases)
    psname = str(TTFont(io.BytesIO(program), lazy=True)["name"].getDebugName(6))
    basefont = f"{_tag(program)}+{psname}"
    descriptor = _descriptor(src, face, program, basefont)
    digest = hashlib.sha256(program).hexdigest()
    out = []
    for p in members:
        font = p.font.obj
        breiten = "beibehalten"
        if p.widths is None:
            breiten = "ergänzt"
            codes = sorted(p.names) or [0x20]
            first, last = codes[0], codes[-1]
            widths = []
            for code in range(first, last + 1):
                name = p.names.get(code)
                glyph = m.cmap.get(ord(agl.toUnicode(name))) if name else None
                advance = targets.get(glyph, m.advance[glyph]) if glyph else 0
                widths.append(round(advance * 1000 / m.upem))
            font.FirstChar, font.LastChar, font.Widths = first, last, Array(widths)
        kodierung = "beibehalten"
        if not p.encoding_kept:
            kodierung = "umgeschrieben"
            diffs: list[Any] = []
            for code, name in sorted(p.names.items()):
                if _WIN_ANSI.get(code) != name:
                    diffs += [code, Name("/" + name)]
            font.Encoding = Dictionary(
                Type=Name.Encoding, BaseEncoding=Name.WinAnsiEncoding, Differences=Array(diffs)
            )
        original, subtype = p.font.basefont, p.font.subtype
        font.Subtype = Name.TrueType
        font.BaseFont = Name("/" + basefont)
        font.FontDescriptor = descriptor
        out.append(
            (
                p,
                Ersetzung(
                    original,
                    subtype,
                    tuple(sorted(p.font.names)),
                    face.name,
                    face.datei,
                    _datei_sha256(face.datei),
                    basefont,
                    digest,
                    len(p.names),
                    breiten,
                    len(p.targets),
                    kodierung,
                ),
            )
        )
    return out


def ergaenze_schriften(src: Pdf) -> Ergaenzung:
    """Embed Liberation fonts for the non-embedded standard fonts of *src* (the merged
    copy of an Anlage, changed in place) and drop the non-embedded fonts nothing selects.

    Returns what was done; when :attr:`Ergaenzung.gruende` is not empty, a font
    cannot be repaired and no font was changed. Content streams are never changed.
    """
    try:
        seiten = tuple(inhalt_sha256(p) for p in src.pages)
        fonts = _scan(src)
    except _UnrepairableError as exc:
        return Ergaenzung(gruende=(str(exc),))
    plans: list[_Plan] = []
    drop: list[_Font] = []
    gruende: list[str] = []
    for f in fonts.values():
        if _embedded(f.obj):
            continue
        if not f.selected:
            drop.append(f)
            continue
        label = f"font {f.basefont} ({f.subtype})"
        if f.subtype == "Type3":
            gruende.append(f"{label}: Type 3 fonts cannot be checked for PDF/A")
            continue
        if f"/{f.subtype}" not in _SIMPLE:
            gruende.append(f"{label} is not embedded and cannot be replaced")
            continue
        face = ersatz_fuer(f.basefont)
        if face is None:
            if f.codes:
                gruende.append(
                    f"{label} is not embedded and is not a standard font ratsdok can replace "
                    "(Helvetica/Arial, Times/Times New Roman, Courier/Courier New)"
                )
                continue
            face = ersatz_fuer("Helvetica")  # it draws nothing: any program will do
            assert face is not None
        try:
            plans.append(_plan(f, face))
        except _UnrepairableError as exc:
            gruende.append(f"{label}: {exc}")
    if gruende:
        return Ergaenzung(seiten=seiten, gruende=tuple(gruende))
    done = dict(pair for members in _group(plans) for pair in _apply(src, members))
    ersetzt = [done[p] for p in plans]  # in the order the pages list the fonts
    entfernt = [Entfernt(f.basefont, f.subtype, tuple(sorted(f.names))) for f in drop]
    if drop:
        _remove(src, {f.obj.objgen for f in drop})
    return Ergaenzung(tuple(ersetzt), tuple(entfernt), seiten)


def _remove(src: Pdf, objgens: set[tuple[int, int]]) -> None:
    """Remove the fonts *objgens* from every font resource dictionary of *src*."""
    for scope in src.content_scopes():
        res = _dict(scope.resources)
        table = None if res is None else _dict(res.get("/Font"))
        if table is None:
            continue
        for key in sorted(table.keys()):
            value = table[key]
            if isinstance(value, Dictionary) and value.objgen in objgens:
                del table[key]
