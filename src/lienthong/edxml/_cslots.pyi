def slot_offsets(cls: type, names: tuple[str, ...]) -> tuple[int, ...]:
    """Each slot's offset in ``cls`` instances; ValueError unless all are plain object slots."""

def filled(cls: type, offsets: tuple[int, ...], values: tuple[object, ...]) -> object:
    """A new ``cls`` instance with ``values[i]`` stored at ``offsets[i]``, bypassing ``__init__``."""
