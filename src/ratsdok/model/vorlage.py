"""Typed models of a Vorlage and its parts (pydantic v2, immutable).

All text is normalised on input (see :mod:`ratsdok.model.text`). Rules that span
several fields (date order of the Beratungsfolge, unique Anlage numbers, …)
are checked when a :class:`Vorlage` is built; each violation names the field
path, for example ``beratungsfolge[1].sitzungstermin``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Self
from uuid import UUID, uuid4

from pydantic import Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from ratsdok.errors import InvalidDocumentError, Problem
from ratsdok.model._base import Model
from ratsdok.model.beratung import Abstimmung, Beratung, Ergebnis, Fraktionsstimme
from ratsdok.model.codes import (
    Abschnittsart,
    Bearbeitungsstand,
    Bezugsart,
    Gliederung,
    Rolle,
    Sitzungsart,
    Vermerk,
    Vorlagenart,
    Zustaendigkeit,
)
from ratsdok.model.dateiname import portability_problem
from ratsdok.model.finanzen import Finanzen, Haushaltsposition
from ratsdok.model.inhalt import Absatz, Block, as_blocks, plain_lines
from ratsdok.model.markdown import bloecke_aus_markdown
from ratsdok.model.nummer import Drucksachennummer
from ratsdok.model.quelle import Erweiterung, Quelle, Zeitpunkt, zeitpunkt_text
from ratsdok.model.text import Dateiname, Medientyp, Sha256, Text

__all__ = [
    "Abschnitt",
    "Abstimmung",
    "Anlage",
    "Beratung",
    "Beteiligung",
    "Bezug",
    "Ergebnis",
    "Erweiterung",
    "FieldPath",
    "Finanzen",
    "Fraktionsstimme",
    "Hauptdokument",
    "Haushaltsposition",
    "Oeffentlichkeit",
    "Organisationseinheit",
    "Quelle",
    "Unterzeichnung",
    "Vorlage",
    "Zeitpunkt",
    "format_path",
    "roman",
    "rule_violations",
    "unportable_names",
    "zeitpunkt_text",
]


class Organisationseinheit(Model):
    """An organisational unit, e.g. the federführende Amt."""

    name: Text
    kennung: Text | None = None


class Abschnitt(Model):
    """A text section (I. Beschlussvorschlag, II. Begründung, …) and its blocks.

    ``absaetze=`` (paragraphs as strings, as in format 1.0) is accepted when
    building one, and plain strings stand for paragraphs in ``bloecke``.
    """

    art: Abschnittsart
    bezeichnung: Text | None = None
    """The section's own label as printed ("II.", "3.", "A)"); None: numbered by the
    Vorlage's :attr:`~Vorlage.gliederung`."""
    ueberschrift: Text | None = None
    # A default keeps the field optional for callers that give ``absaetze``; validating
    # it still demands at least one block.
    bloecke: tuple[Block, ...] = Field(default=(), min_length=1, validate_default=True)

    if TYPE_CHECKING:
        # What callers may pass: paragraphs as strings, and ``absaetze`` as in format 1.0.
        def __init__(
            self,
            *,
            art: Abschnittsart,
            bezeichnung: str | None = None,
            ueberschrift: str | None = None,
            bloecke: Sequence[Block | str] = (),
            absaetze: Sequence[str] = (),
        ) -> None: ...

    @model_validator(mode="before")
    @classmethod
    def _from_absaetze(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            if "absaetze" in data:
                if "bloecke" in data:
                    raise ValueError("give absaetze or bloecke, not both")
                data["bloecke"] = data.pop("absaetze")
            if "bloecke" in data:
                data["bloecke"] = as_blocks(data["bloecke"])
        return data

    @classmethod
    def aus_markdown(
        cls,
        text: str,
        *,
        art: Abschnittsart | str,
        bezeichnung: str | None = None,
        ueberschrift: str | None = None,
        source: str | None = None,
    ) -> Abschnitt:
        """A section whose content is written in Markdown (see
        :func:`~ratsdok.model.markdown.bloecke_aus_markdown` for what is read how).

        >>> a = Abschnitt.aus_markdown("Der Rat beschließt:\\n\\n1. den Plan,\\n2. die Mittel.",
        ...                            art="beschlussvorschlag")
        >>> a.absaetze[1]
        '1. den Plan,\\n2. die Mittel.'

        Raises :class:`~ratsdok.errors.InvalidDocumentError` for what the content
        model cannot hold, and for a section without content.
        """
        bloecke = bloecke_aus_markdown(text, source=source)
        if not bloecke:
            raise InvalidDocumentError(
                Problem(
                    "a section needs content: the text has no block", file=source, field="bloecke"
                )
            )
        try:
            return cls.model_validate(
                {
                    "art": art,
                    "bezeichnung": bezeichnung,
                    "ueberschrift": ueberschrift,
                    "bloecke": bloecke,
                }
            )
        except ValidationError as exc:
            raise InvalidDocumentError(
                [
                    Problem(
                        err["msg"].removeprefix("Value error, "),
                        file=source,
                        field=format_path(tuple(err["loc"])) or None,
                    )
                    for err in exc.errors(include_url=False, include_input=False)
                ]
            ) from None

    @property
    def titel(self) -> str:
        """The heading as printed: the explicit one, or the label of the Art."""
        return self.ueberschrift or self.art.bezeichnung

    @property
    def absaetze(self) -> tuple[str, ...]:
        """The text as plain paragraphs, nothing left out: lists with their markers and
        tables row by row (a format 1.0 reader's view of structured content)."""
        if all(isinstance(b, Absatz) for b in self.bloecke):
            return tuple(b.text for b in self.bloecke if isinstance(b, Absatz))
        out: list[str] = []
        for b in self.bloecke:
            out.append("\n".join(plain_lines((b,))))
        return tuple(out)

    @property
    def strukturiert(self) -> bool:
        """True when the section uses more than paragraphs (format 1.1)."""
        return self.bezeichnung is not None or not all(isinstance(b, Absatz) for b in self.bloecke)


class Unterzeichnung(Model):
    """A signature block such as "gez. Krebs, Landrat"."""

    vermerk: Vermerk = Vermerk.GEZ
    name: Text
    funktion: Text | None = None
    datum: date | None = None


class Anlage(Model):
    """An Anlage (attachment) of a Vorlage.

    Its bytes live in a file named :attr:`dateiname` next to the XML, or inline
    in :attr:`inhalt`. Inline content fills in a missing size and digest. An
    Anlage known only by its title ("liegt in der Sitzung aus", a link) has no
    file (format 1.1): then :attr:`hinweis` or :attr:`verweis` says where it is.
    """

    _abgeleitet: ClassVar[dict[str, tuple[str, ...]]] = {"inhalt": ("groesse", "sha256")}

    nummer: Annotated[int, Field(ge=1, le=99_999)]
    titel: Text
    dateiname: Dateiname | None = None
    medientyp: Medientyp | None = None
    groesse: Annotated[int, Field(ge=0)] | None = None
    sha256: Sha256 | None = None
    oeffentlich: bool
    inhalt: bytes | None = Field(default=None, repr=False)
    verweis: Text | None = None
    """Where the Anlage can be found when it has no file here (a URL)."""
    hinweis: Text | None = None
    """A note such as "liegt in der Sitzung zur Einsicht aus"."""
    quelle: Quelle | None = None
    """Where this Anlage came from (e.g. an OParl File)."""
    erweiterungen: tuple[Erweiterung, ...] = ()
    """Data of another system about this Anlage (e.g. vendor keys of an OParl File)."""

    @property
    def hat_datei(self) -> bool:
        """True when the Anlage has a file (its bytes can be checked and embedded)."""
        return self.dateiname is not None

    @property
    def bezeichnung(self) -> str:
        """How the Anlage is named in lists and bookmarks: "Anlage 2 – Lageplan".

        A title that already starts with its own number ("Anlage 2: Lageplan") is
        used as it is, so it does not read "Anlage 2 – Anlage 2: Lageplan".
        """
        if _EIGENE_NUMMER.match(self.titel) and _nummer_im_titel(self.titel) == self.nummer:
            return self.titel
        return f"Anlage {self.nummer} – {self.titel}"

    @model_validator(mode="after")
    def _fill_from_inhalt(self) -> Self:
        if self.dateiname is None and (
            self.inhalt is not None or self.groesse is not None or self.sha256 is not None
        ):
            raise ValueError("an Anlage without dateiname has no content, size or digest")
        if self.dateiname is not None and self.medientyp is None:
            raise ValueError("an Anlage with a file needs its medientyp")
        _fill_from_inhalt(self)
        return self


def _fill_from_inhalt(datei: Anlage | Hauptdokument) -> None:
    """Inline content fills in a missing size and digest (the model is frozen: set once)."""
    if datei.inhalt is not None:
        if datei.groesse is None:
            object.__setattr__(datei, "groesse", len(datei.inhalt))
        if datei.sha256 is None:
            object.__setattr__(datei, "sha256", hashlib.sha256(datei.inhalt).hexdigest())


class Hauptdokument(Model):
    """The file that *is* the Vorlage where its text exists only as a file (a legacy
    PDF, an OParl ``mainFile``): bundles and the archive use its pages as the
    Vorlage itself (format 1.1)."""

    _abgeleitet: ClassVar[dict[str, tuple[str, ...]]] = {"inhalt": ("groesse", "sha256")}

    dateiname: Dateiname
    medientyp: Medientyp
    groesse: Annotated[int, Field(ge=0)] | None = None
    sha256: Sha256 | None = None
    inhalt: bytes | None = Field(default=None, repr=False)
    quelle: Quelle | None = None
    erweiterungen: tuple[Erweiterung, ...] = ()

    @model_validator(mode="after")
    def _fill_from_inhalt(self) -> Self:
        _fill_from_inhalt(self)
        return self


class Oeffentlichkeit(Model):
    """Whether the Vorlage itself may be published, and why not (format 1.1)."""

    oeffentlich: bool
    grund: Text | None = None
    """Why it is nichtöffentlich ("Grundstücksangelegenheit", "Personalangelegenheit")."""
    rechtsgrundlage: Text | None = None
    """The legal basis ("§ 35 Abs. 2 ThürKO")."""

    @model_validator(mode="after")
    def _grund_only_if_secret(self) -> Self:
        if self.oeffentlich and (self.grund or self.rechtsgrundlage):
            raise ValueError("a reason or legal basis is for a nichtöffentliche Vorlage")
        return self


class Beteiligung(Model):
    """A person or office with a role in the Vorlage: Verfasser, Sachbearbeitung,
    Berichterstattung, the Adressat of an Anfrage, a Mitzeichnung (format 1.1)."""

    rolle: Rolle
    name: Text | None = None
    funktion: Text | None = None
    organisationseinheit: Organisationseinheit | None = None
    datum: date | None = None
    """E.g. when an office co-signed (Mitzeichnung)."""
    vermerk: Text | None = None
    """E.g. the office's note on co-signing ("einverstanden", "zur Kenntnis")."""

    @model_validator(mode="after")
    def _wer(self) -> Self:
        if self.name is None and self.organisationseinheit is None:
            raise ValueError("a Beteiligung needs a name or an Organisationseinheit")
        return self


_EIGENE_NUMMER = re.compile(r"Anlage\s+(\d+)(?!\d)", re.IGNORECASE)


def _nummer_im_titel(titel: str) -> int | None:
    m = _EIGENE_NUMMER.match(titel)
    return int(m.group(1)) if m else None


class Bezug(Model):
    """A reference to a related Vorlage (supplement, amendment, follow-up …)."""

    art: Bezugsart
    nummer: Drucksachennummer
    uuid: UUID | None = None


class Vorlage(Model):
    """A Vorlage (Drucksache) for a council or one of its committees.

    >>> from ratsdok import Vorlage, Beratung
    >>> v = Vorlage(nummer="KT 0134/2020", betreff="Integrationskonzept",
    ...             beratungsfolge=[Beratung(gremium="Kreistag")])
    >>> v.nummer.jahr, v.beratungsfolge[0].gremium
    (2020, 'Kreistag')
    """

    uuid: UUID = Field(default_factory=uuid4)
    nummer: Drucksachennummer
    art: Vorlagenart | None = None
    betreff: Text
    datum: date | None = None
    koerperschaft: Text | None = None
    federfuehrung: Organisationseinheit | None = None
    einreicher: Text | None = None
    aktenzeichen: Text | None = None
    oeffentlichkeit: Oeffentlichkeit | None = None
    """Whether the Vorlage may be published; None: not stated (format 1.0)."""
    bearbeitungsstand: Bearbeitungsstand | None = None
    beteiligte: tuple[Beteiligung, ...] = ()
    beratungsfolge: tuple[Beratung, ...] = ()
    gliederung: Gliederung | None = None
    """How sections are labelled where they carry no label of their own; None: roman."""
    abschnitte: tuple[Abschnitt, ...] = ()
    finanzen: Finanzen | None = None
    unterzeichnungen: tuple[Unterzeichnung, ...] = ()
    hauptdokument: Hauptdokument | None = None
    anlagen: tuple[Anlage, ...] = ()
    bezuege: tuple[Bezug, ...] = ()
    quelle: Quelle | None = None
    """Where this Vorlage came from (e.g. an OParl Paper)."""
    erweiterungen: tuple[Erweiterung, ...] = ()

    @property
    def id(self) -> str:
        """The XML ``id`` of the ``vorlage`` element, derived from :attr:`uuid`."""
        return f"vorlage-{self.uuid}"

    def abschnitt(self, art: Abschnittsart) -> Abschnitt | None:
        """The first section of the given Art, or ``None``."""
        return next((a for a in self.abschnitte if a.art is art), None)

    @property
    def beschlussvorschlag(self) -> tuple[str, ...] | None:
        """Paragraphs of the Beschlussvorschlag, if the Vorlage has one."""
        a = self.abschnitt(Abschnittsart.BESCHLUSSVORSCHLAG)
        return None if a is None else a.absaetze

    @property
    def begruendung(self) -> tuple[str, ...] | None:
        """Paragraphs of the Begründung, if the Vorlage has one."""
        a = self.abschnitt(Abschnittsart.BEGRUENDUNG)
        return None if a is None else a.absaetze

    @property
    def nichtoeffentlich(self) -> bool:
        """True when the Vorlage says it must not be published."""
        return self.oeffentlichkeit is not None and not self.oeffentlichkeit.oeffentlich

    def abschnittsbezeichnung(self, index: int) -> str | None:
        """The printed label of section *index* (0-based): its own, or by the Gliederung
        (roman by default, as in format 1.0); None for ``Gliederung.KEINE``."""
        own = self.abschnitte[index].bezeichnung
        if own is not None:
            return own
        g = self.gliederung or Gliederung.ROEMISCH
        if g is Gliederung.KEINE:
            return None
        if g is Gliederung.ARABISCH:
            return f"{index + 1}."
        if g is Gliederung.BUCHSTABEN:
            return f"{chr(ord('A') + index)}." if index < 26 else f"{index + 1}."
        return f"{roman(index + 1)}."

    def aendern(self, **changes: Any) -> Vorlage:
        """A copy with *changes*, fully validated like a new Vorlage.

        Unlike pydantic's ``model_copy(update=…)``, which skips validation, text is
        normalised and every rule is checked again.
        """
        return type(self).model_validate({**self._felder(), **changes})

    def _felder(self) -> dict[str, Any]:
        # Field values as they are (models stay models), for re-validation.
        return {name: getattr(self, name) for name in type(self).model_fields}

    @property
    def beratungsfolge_oeffentlich(self) -> tuple[Beratung, ...]:
        """The Beratungsfolge as it may be published: a Beratung held in
        nichtöffentlicher Sitzung keeps its Gremium, date and role, not its Ergebnis
        (result, votes, Beschluss text). An Entscheidung that was put off (vertagt,
        zurückgestellt, verwiesen) keeps just that word: the later Beratungen show it
        anyway, and without it the published Beratungsfolge would decide twice."""
        return tuple(
            _ohne_ergebnis(b)
            if b.sitzungsart is Sitzungsart.NICHTOEFFENTLICH and b.ergebnis is not None
            else b
            for b in self.beratungsfolge
        )

    def oeffentliche_fassung(self) -> Vorlage:
        """What may be published of this Vorlage: without its non-public Anlagen and
        without the Ergebnisse of Beratungen in nichtöffentlicher Sitzung."""
        anlagen = tuple(a for a in self.anlagen if a.oeffentlich)
        beratungen = self.beratungsfolge_oeffentlich
        if anlagen == self.anlagen and beratungen == self.beratungsfolge:
            return self
        return self.model_copy(update={"anlagen": anlagen, "beratungsfolge": beratungen})

    @property
    def dateianlagen(self) -> tuple[Anlage, ...]:
        """The Anlagen that have a file (those known only by title left out)."""
        return tuple(a for a in self.anlagen if a.dateiname is not None)

    def anlage(self, nummer: int) -> Anlage:
        """The Anlage with the given number; ``KeyError`` if there is none."""
        for a in self.anlagen:
            if a.nummer == nummer:
                return a
        raise KeyError(nummer)

    @model_validator(mode="after")
    def _check_rules(self) -> Self:
        violations = rule_violations(self)
        if violations:
            raise PydanticCustomError(
                "ratsdok_rule",
                "{summary}",
                {
                    "summary": "; ".join(f"{format_path(p)}: {m}" for p, m in violations),
                    "violations": violations,
                },
            )
        return self


def _ohne_ergebnis(b: Beratung) -> Beratung:
    e = b.ergebnis
    assert e is not None
    if b.zustaendigkeit is Zustaendigkeit.ENTSCHEIDUNG and not b.entscheidet:
        return b.model_copy(update={"ergebnis": Ergebnis(beschlussergebnis=e.beschlussergebnis)})
    return b.model_copy(update={"ergebnis": None})


FieldPath = tuple[str | int, ...]


def format_path(path: FieldPath) -> str:
    """``("beratungsfolge", 1, "gremium")`` → ``beratungsfolge[1].gremium``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def rule_violations(v: Vorlage) -> list[tuple[FieldPath, str]]:
    """Check the rules that span fields; return ``(field path, message)`` pairs."""
    found: list[tuple[FieldPath, str]] = []
    previous: tuple[int, date] | None = None
    deciding: int | None = None
    for i, b in enumerate(v.beratungsfolge):
        if b.sitzungstermin is not None:
            if previous is not None and b.sitzungstermin < previous[1]:
                found.append(
                    (
                        ("beratungsfolge", i, "sitzungstermin"),
                        f"{b.sitzungstermin.isoformat()} is before the Sitzungstermin of "
                        f"beratungsfolge[{previous[0]}] ({previous[1].isoformat()}); "
                        "the Beratungsfolge must be in date order",
                    )
                )
            previous = (i, b.sitzungstermin)
        if b.entscheidet:
            if deciding is not None:
                found.append(
                    (
                        ("beratungsfolge", i, "zustaendigkeit"),
                        f"a second Entscheidung; beratungsfolge[{deciding}] already decides "
                        "(an Entscheidung that was vertagt, zurückgestellt or verwiesen "
                        "does not count)",
                    )
                )
            else:
                deciding = i
        elif deciding is not None and b.zustaendigkeit is Zustaendigkeit.VORBERATUNG:
            found.append(
                (
                    ("beratungsfolge", i, "zustaendigkeit"),
                    f"a Vorberatung after the Entscheidung in beratungsfolge[{deciding}]",
                )
            )
    seen: dict[int, int] = {}
    for i, a in enumerate(v.anlagen):
        if a.nummer in seen:
            found.append(
                (
                    ("anlagen", i, "nummer"),
                    f"Anlage number {a.nummer} is already used by anlagen[{seen[a.nummer]}]",
                )
            )
        else:
            seen[a.nummer] = i
    names: dict[str, int] = {}
    if v.hauptdokument is not None:
        names[v.hauptdokument.dateiname.casefold()] = -1
    for i, a in enumerate(v.anlagen):
        if a.dateiname is None:
            continue
        key = a.dateiname.casefold()
        if key in names:
            found.append(
                (
                    ("anlagen", i, "dateiname"),
                    f"file name {a.dateiname!r} is already used by "
                    + ("the Hauptdokument" if names[key] < 0 else f"anlagen[{names[key]}]"),
                )
            )
        else:
            names[key] = i
    for i, bz in enumerate(v.bezuege):
        if bz.uuid == v.uuid or bz.nummer == v.nummer:
            found.append((("bezuege", i), "a Vorlage cannot refer to itself"))
    return found


def unportable_names(v: Vorlage) -> list[tuple[FieldPath, str, str]]:
    """The file names *v* kept from an existing document that a new one may not have
    (:func:`~ratsdok.model.dateiname.portability_problem`), as ``(field path, name,
    why)``."""
    dateien: list[tuple[FieldPath, str]] = []
    if v.hauptdokument is not None:
        dateien.append((("hauptdokument", "dateiname"), v.hauptdokument.dateiname))
    dateien += [
        (("anlagen", i, "dateiname"), a.dateiname)
        for i, a in enumerate(v.anlagen)
        if a.dateiname is not None
    ]
    return [
        (path, name, problem)
        for path, name in dateien
        if (problem := portability_problem(name)) is not None
    ]


_ROEMISCH = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def roman(n: int) -> str:
    """Roman numeral for section numbers 1 … 12, Arabic beyond."""
    return _ROEMISCH[n - 1] if 1 <= n <= len(_ROEMISCH) else str(n)
