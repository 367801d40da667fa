"""The Beratungsfolge: each Gremium's Beratung of the Vorlage, its Ergebnis and votes.

Format 1.1 records votes as minutes word them: counts that are partial or
unknown, "einstimmig"/"mehrheitlich", Befangene, the votes of each Fraktion,
several votes in one Beratung (an Änderungsantrag first, Variante A or B), and
the result's original wording.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Self

from pydantic import Field, model_validator

from ratsdok.model._base import Model
from ratsdok.model.codes import Beschlussergebnis, Mehrheit, Sitzungsart, Stimme, Zustaendigkeit
from ratsdok.model.quelle import Erweiterung, Quelle
from ratsdok.model.text import Text

__all__ = ["Abstimmung", "Anzahl", "Beratung", "Ergebnis", "Fraktionsstimme"]

Anzahl = Annotated[int, Field(ge=0, le=1_000_000)]


class Fraktionsstimme(Model):
    """How one Fraktion voted: as a block (``stimme``) and/or in counts."""

    fraktion: Text
    stimme: Stimme | None = None
    ja: Anzahl | None = None
    nein: Anzahl | None = None
    enthaltung: Anzahl | None = None

    @property
    def beschreibung(self) -> str:
        """The Fraktion's vote in words: "SPD: Ja", "CDU: Nein 4, Enthaltung 1"."""
        stimmen = [self.stimme.bezeichnung] if self.stimme is not None else []
        stimmen += [
            f"{label} {n}"
            for label, n in (("Ja", self.ja), ("Nein", self.nein), ("Enthaltung", self.enthaltung))
            if n is not None
        ]
        return f"{self.fraktion}: {', '.join(stimmen)}"

    @model_validator(mode="after")
    def _something(self) -> Self:
        if (
            self.stimme is None
            and self.ja is None
            and self.nein is None
            and self.enthaltung is None
        ):
            raise ValueError("a Fraktion's vote needs a Stimme or a count")
        return self


class Abstimmung(Model):
    """One vote in a Beratung.

    Counts are optional where the minutes do not give them ("einstimmig bei
    2 Enthaltungen" has no Ja count); ``wortlaut`` keeps the minutes' words.
    """

    gegenstand: Text | None = None
    """What was voted on when a Beratung has several votes: "Änderungsantrag der
    SPD-Fraktion", "Variante A"."""
    ja: Anzahl | None = None
    nein: Anzahl | None = None
    enthaltung: Anzahl | None = None
    befangen: Anzahl | None = None
    """Members who took no part because of a conflict of interest."""
    anwesend: Anzahl | None = None
    """Members present (some minutes give it instead of every count)."""
    mehrheit: Mehrheit | None = None
    fraktionen: tuple[Fraktionsstimme, ...] = ()
    wortlaut: Text | None = None
    """The result as the minutes word it: "mehrheitlich bei 3 Gegenstimmen beschlossen"."""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not (
            self.ja is not None
            or self.nein is not None
            or self.enthaltung is not None
            or self.mehrheit is not None
            or self.fraktionen
            or self.wortlaut is not None
            or self.anwesend is not None
        ):
            raise ValueError("a vote needs counts, a Mehrheit, the Fraktionen or its wording")
        if self.mehrheit is Mehrheit.EINSTIMMIG and self.nein:
            raise ValueError(f"einstimmig, but {self.nein} Nein")
        return self

    @property
    def vollstaendig(self) -> bool:
        """True when Ja, Nein and Enthaltung are all counted (as format 1.0 required)."""
        return self.ja is not None and self.nein is not None and self.enthaltung is not None


class Ergebnis(Model):
    """The recorded outcome of one Beratung.

    ``abstimmung=`` (one vote, as in format 1.0) is accepted when building one.
    """

    beschlussergebnis: Beschlussergebnis | None = None
    """None only where the wording names no ratsdok Beschlussergebnis (see ``wortlaut``)."""
    abstimmungen: tuple[Abstimmung, ...] = ()
    beschlusstext: Text | None = None
    wortlaut: Text | None = None
    """The result as the source words it ("Kenntnis genommen mit Änderungen")."""

    if TYPE_CHECKING:
        # ``abstimmung`` (one vote) is accepted as in format 1.0.
        def __init__(
            self,
            *,
            beschlussergebnis: Beschlussergebnis | None = None,
            abstimmungen: Sequence[Abstimmung] = (),
            abstimmung: Abstimmung | None = None,
            beschlusstext: str | None = None,
            wortlaut: str | None = None,
        ) -> None: ...

    @model_validator(mode="before")
    @classmethod
    def _one_vote(cls, data: Any) -> Any:
        if isinstance(data, dict) and "abstimmung" in data:
            data = dict(data)
            one = data.pop("abstimmung")
            if "abstimmungen" in data:
                raise ValueError("give abstimmung or abstimmungen, not both")
            data["abstimmungen"] = () if one is None else (one,)
        return data

    @model_validator(mode="after")
    def _named(self) -> Self:
        if self.beschlussergebnis is None and self.wortlaut is None:
            raise ValueError("an Ergebnis needs a Beschlussergebnis or its wording")
        return self

    @property
    def abstimmung(self) -> Abstimmung | None:
        """The (first) vote, as in format 1.0."""
        return self.abstimmungen[0] if self.abstimmungen else None


class Beratung(Model):
    """One step of the Beratungsfolge: a Gremium dealing with the Vorlage in a Sitzung.

    Fields imported from other systems may be unknown; unknown stays ``None``.
    """

    gremium: Text
    sitzungstermin: date | None = None
    sitzungsart: Sitzungsart | None = None
    zustaendigkeit: Zustaendigkeit | None = None
    tagesordnungspunkt: Text | None = None
    ergebnis: Ergebnis | None = None
    quelle: Quelle | None = None
    """Where this step came from (e.g. an OParl Consultation)."""
    erweiterungen: tuple[Erweiterung, ...] = ()
    """Data of another system about this step (e.g. vendor keys of an OParl Consultation)."""

    @property
    def entscheidet(self) -> bool:
        """True when this step decides the matter (an Entscheidung not put off)."""
        if self.zustaendigkeit is not Zustaendigkeit.ENTSCHEIDUNG:
            return False
        e = self.ergebnis
        return e is None or e.beschlussergebnis is None or not e.beschlussergebnis.schiebt_auf
