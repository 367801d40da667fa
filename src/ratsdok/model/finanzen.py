"""Finanzielle Auswirkungen as data: Haushaltspositionen with amounts in EUR.

Real Vorlagen state the budget effect as a block of labelled values per
Haushaltsstelle (``docs/text-model.md#finanzielle-auswirkungen``):
Haushaltsjahr, Teilhaushalt or Produkt, Sachkonto, Investitionsnummer or
Projekt, the amount, the Ansatz and what is still verfügbar, how it is
covered (Deckung) and whether it is über- or außerplanmäßig; or simply
"keine finanziellen Auswirkungen". Amounts are :class:`~decimal.Decimal` in
EUR with at most two decimal places, never floats.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Self

from pydantic import BeforeValidator, Field, model_validator

from ratsdok.model._base import Model
from ratsdok.model.codes import Haushaltsart, Planmaessigkeit
from ratsdok.model.text import Text

__all__ = ["Betrag", "Finanzen", "Haushaltsposition", "betrag_text", "euro"]

_CENT = Decimal("0.01")
_GRENZE = Decimal("1e15")
_NULL = Decimal("0.00")
_BETRAG_TEXT = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def _betrag(value: Any) -> Decimal:
    if isinstance(value, bool | float):
        # A float is already rounded in binary; 0.1 + 0.2 must not become a Betrag.
        raise ValueError("give an amount as Decimal, int or text ('1234.50'), not as a float")
    if isinstance(value, int | Decimal):
        d = Decimal(value)
    elif isinstance(value, str) and _BETRAG_TEXT.fullmatch(value.strip()):
        d = Decimal(value.strip())
    else:
        # Decimal() alone would also take "1_000.5", "٣" or "1e3".
        raise ValueError(f"{value!r} is not an amount like '-1234.50'")
    if not d.is_finite() or abs(d) >= _GRENZE:
        raise ValueError(f"{value!r} is not a plausible amount in EUR")
    if d != d.quantize(_CENT):
        raise ValueError(f"{value!r} has more than two decimal places (cent)")
    # -0.00 equals 0.00 but would be written differently, and so seal differently.
    return d.quantize(_CENT) + _NULL


Betrag = Annotated[Decimal, BeforeValidator(_betrag)]
"""An amount in EUR, exact to the cent (stored with two decimal places)."""


def euro(value: Decimal) -> str:
    """An amount as German texts write it: ``1.234,50 €``, ``-80,00 €``."""
    text = f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{text} €"


def betrag_text(value: Decimal) -> str:
    """The canonical text of a :data:`Betrag` as in the XML: ``-1234.50``."""
    return f"{value:.2f}"


class Haushaltsposition(Model):
    """One budget line affected by the Vorlage."""

    haushaltsjahr: Annotated[int, Field(ge=1900, le=2199)] | None = None
    teilhaushalt: Text | None = None
    produkt: Text | None = None
    """Produkt or Kostenstelle, as the Vorlage names it ("1.11.01 Gebäudemanagement")."""
    sachkonto: Text | None = None
    investitionsnummer: Text | None = None
    """Investitionsnummer or Projekt (Finanzhaushalt)."""
    bezeichnung: Text | None = None
    art: Haushaltsart | None = None
    betrag: Betrag | None = None
    """The amount this Vorlage concerns."""
    ansatz: Betrag | None = None
    """The amount planned in the budget."""
    verfuegbar: Betrag | None = None
    """What is still available."""
    planmaessigkeit: Planmaessigkeit | None = None
    deckung: Text | None = None
    """How an über- or außerplanmäßige amount is covered."""

    @model_validator(mode="after")
    def _something(self) -> Self:
        if all(getattr(self, f) is None for f in type(self).model_fields):
            raise ValueError("a Haushaltsposition needs at least one value")
        return self


class Finanzen(Model):
    """The Finanzielle Auswirkungen of a Vorlage."""

    auswirkungen: bool
    """False: "keine finanziellen Auswirkungen" (then there are no positions)."""
    positionen: tuple[Haushaltsposition, ...] = ()
    erlaeuterung: Text | None = None

    @model_validator(mode="after")
    def _keine(self) -> Self:
        if not self.auswirkungen and self.positionen:
            raise ValueError("no finanzielle Auswirkungen, but Haushaltspositionen are given")
        return self

    @property
    def summe(self) -> Decimal | None:
        """Sum of the positions' amounts (None when no position has one)."""
        betraege = [p.betrag for p in self.positionen if p.betrag is not None]
        return sum(betraege, Decimal("0.00")) if betraege else None
