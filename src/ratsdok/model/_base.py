"""The one pydantic base class of every ratsdok model: immutable, no unknown fields,
and no way to an unchecked model by accident."""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict

__all__ = ["Model", "unchecked_parts"]

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
        return type(self).model_validate({**fields, **update})

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
