"""The one pydantic base class of every ratsdok model: immutable, no unknown fields."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Model"]


class Model(BaseModel):
    """Frozen (hashable, safe to share) and strict about field names (a typo is an error)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
