"""Making frozen model values without their ``__init__``, for the reader, which makes many.

A frozen slotted dataclass's ``__init__`` sets each field through ``object.__setattr__``, one
call per field: about six times the cost of a plain attribute store, and a fifth of the time
it takes to read a small package. The constructor made here stores the fields from C where
the package was built with ``_cslots``; otherwise into a twin class with the same slots and no
frozen ``__setattr__``, then gives the value its real class by ``__class__`` assignment, which
Python allows because the two layouts are identical. Either way it has
``__init__``'s own signature (names, order, defaults), so a call reads exactly like the class's.
A class it cannot mirror (a ``__post_init__``, a default factory, no slots) gets its own
constructor back, unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

try:  # storing the slots from C (_cslots.pyx), when the package was built with it
    from lienthong.edxml._cslots import filled, slot_offsets
except ImportError:  # pragma: no cover - a build without a C compiler
    filled = slot_offsets = None  # type: ignore[assignment]

P = ParamSpec("P")
T = TypeVar("T")


def _slot_offsets(cls: type, slots: tuple[str, ...]) -> tuple[int, ...] | None:
    """Where ``filled`` stores each slot, for a class it can allocate; None to store from Python."""
    if slot_offsets is None or cls.__mro__ != (cls, object) or "__new__" in vars(cls):
        return None
    try:
        return slot_offsets(cls, slots)
    except ValueError:
        return None


def fast_constructor(cls: Callable[P, T]) -> Callable[P, T]:
    """A function building ``cls`` values like ``cls(...)`` does, with cheap field stores."""
    plain = cls
    if not isinstance(cls, type) or not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__"):
        return plain
    fields = dataclasses.fields(cls)
    slots = getattr(cls, "__slots__", None)
    if slots is None or tuple(slots) != tuple(field.name for field in fields):
        return plain
    namespace: dict[str, Any] = {"__new": object.__new__, "__cls": cls}
    positional: list[str] = []
    keyword: list[str] = []
    for field in fields:
        if field.default_factory is not dataclasses.MISSING or not field.init:
            return plain
        parameter = field.name
        if field.default is not dataclasses.MISSING:
            namespace[f"__default_{field.name}"] = field.default
            parameter += f"=__default_{field.name}"
        (keyword if field.kw_only else positional).append(parameter)
    twin = type(f"_{cls.__name__}Fields", (), {"__slots__": tuple(slots)})
    namespace["__twin"] = twin
    parameters = ", ".join([*positional, *(["*", *keyword] if keyword else [])])
    offsets = _slot_offsets(cls, tuple(slots))
    if offsets is not None:  # compiled: one C call stores every slot
        namespace.update(__filled=filled, __offsets=offsets)
        values = "".join(f"{field.name}, " for field in fields)
        source = f"def make({parameters}):\n    return __filled(__cls, __offsets, ({values}))\n"
    else:
        stores = "".join(f"    value.{field.name} = {field.name}\n" for field in fields)
        source = (
            f"def make({parameters}):\n"
            "    value = __new(__twin)\n"
            f"{stores}"
            "    value.__class__ = __cls\n"
            "    return value\n"
        )
    exec(source, namespace)
    make: Callable[P, T] = namespace["make"]
    make.__name__ = make.__qualname__ = f"new_{cls.__name__}"
    make.__doc__ = f"A {cls.__name__} built without its frozen ``__init__``."
    try:  # a layout Python refuses to swap (say, an added __weakref__) falls back to the class
        probe: Any = object.__new__(twin)
        probe.__class__ = cls
    except TypeError:
        return plain
    return make
