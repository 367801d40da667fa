"""The one pydantic base class of every ratsdok model: immutable, no unknown fields,
and no way to an unchecked model by accident."""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, Final, Self

from pydantic import BaseModel, ConfigDict, ValidationInfo

__all__ = ["BESTAND", "GELESEN", "Model", "bestand", "unchecked_parts"]

BESTAND: Final = "ratsdok.bestand"
"""Validation context key for values accepted before, which rules for new values
(portable file names) do not judge again: ``True`` for everything (a document
being read), or field name → value (the fields a copy carries over unchanged)."""
GELESEN: Final[Mapping[str, Any]] = {BESTAND: True}
"""The validation context of a model read from an existing document."""

# ids of the unchecked models alive: while it is empty, nothing needs a walk.
_UNGEPRUEFT: set[int] = set()


class Model(BaseModel):
    """Frozen (hashable, safe to share) and strict about field names (a typo is an error).

    ``model_copy(update=…)`` validates the result like a new model (pydantic's own
    skips validation, so a copy could hold text that is not normalised or break a
    rule). ``model_construct`` still skips validation, as documented, but marks the
    result, so that :func:`ratsdok.to_xml` checks it before writing it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    _abgeleitet: ClassVar[dict[str, tuple[str, ...]]] = {}
    """Field → the fields a validator derives from it (when not given explicitly)."""

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with *update*, validated like a new model (rules included).

        Values a validator derived (an Anlage's size and digest from its inline
        content) are derived again, not carried over from the old values.
        """
        if not update:
            made = super().model_copy(deep=deep)
            if id(self) in _UNGEPRUEFT:
                _mark(made)
            return made
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        for source, derived in type(self)._abgeleitet.items():
            if update.get(source) is not None:
                for name in derived:
                    if name not in self.model_fields_set and name not in update:
                        del fields[name]  # derived from the old value: derive it again
        # A value the original was allowed to keep (a file name read from a 1.0.0
        # document) it keeps in a copy; a value the update brings is judged as new.
        kept = {name: value for name, value in fields.items() if name not in update}
        return type(self).model_validate({**fields, **update}, context={BESTAND: kept})

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        made = super().__deepcopy__(memo)
        if id(self) in _UNGEPRUEFT:
            _mark(made)
        return made

    def __getstate__(self) -> dict[Any, Any]:
        state = super().__getstate__()
        if id(self) in _UNGEPRUEFT:
            state = {**state, "__ratsdok_ungeprueft__": True}  # the mark travels in pickles
        return state

    def __setstate__(self, state: dict[Any, Any]) -> None:
        marked = state.pop("__ratsdok_ungeprueft__", False)
        super().__setstate__(state)
        if marked:
            _mark(self)

    @classmethod
    def model_construct(  # type: ignore[override]  # the plugin narrows it per model
        cls, _fields_set: set[str] | None = None, **values: Any
    ) -> Self:
        """Build without validation (pydantic's behaviour); the result is marked unchecked."""
        made = super().model_construct(_fields_set, **values)
        _mark(made)
        return made

    @classmethod
    def _trusted(cls, **values: Any) -> Self:
        """Build from values that are valid by construction, without the mark (fast)."""
        return super().model_construct(None, **values)


def bestand(info: ValidationInfo, value: object) -> bool:
    """Whether *value* of the field being validated was accepted before (see
    :data:`BESTAND`), so that only the rules for every value apply to it."""
    kept = (info.context or {}).get(BESTAND)
    if kept is True:
        return True
    return (
        isinstance(kept, Mapping)
        and info.field_name is not None
        and info.field_name in kept
        and kept[info.field_name] == value
    )


def _mark(model: Model) -> None:
    # Kept beside the model, not in it: a private attribute costs every model built.
    _UNGEPRUEFT.add(id(model))
    weakref.finalize(model, _UNGEPRUEFT.discard, id(model))


def unchecked_parts(model: BaseModel) -> Iterator[BaseModel]:
    """Every model in *model*'s tree that was built without validation."""
    if not _UNGEPRUEFT:
        return
    stack: list[Any] = [model]
    while stack:
        item = stack.pop()
        if isinstance(item, Model):
            if id(item) in _UNGEPRUEFT:
                yield item
            stack.extend(getattr(item, name) for name in type(item).model_fields)
        elif isinstance(item, tuple | list):
            stack.extend(item)
