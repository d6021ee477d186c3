"""``CodeRegistry``: the known codes, their periods of validity, names and successors.

A registry is immutable; ``with_csv`` returns a new one that also holds another file's rows, so
more levels and classes come from data, never from code. Records are kept in a dict by code,
each code's periods sorted, so a lookup costs a few dict reads whatever the registry's size.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from importlib import resources

from lienthong.codes._code import AgencyCode
from lienthong.codes._csv import Closure, CsvSource, Row, read_csv
from lienthong.codes._merge import Merger
from lienthong.codes._parse import parse_code
from lienthong.codes._record import AgencyRecord
from lienthong.codes._status import CodeStatus, Successor


class CodeRegistry:
    """Known identifier codes. Build one from records, or with ``default_registry().with_csv``."""

    __slots__ = ("_history",)

    def __init__(self, records: Iterable[AgencyRecord] = ()) -> None:
        merger = Merger({})
        for record in records:
            merger.add(record, where=None)
        self._history: Mapping[str, tuple[AgencyRecord, ...]] = merger.result()

    @classmethod
    def _of(cls, history: Mapping[str, tuple[AgencyRecord, ...]]) -> CodeRegistry:
        registry = cls.__new__(cls)
        registry._history = history
        return registry

    def with_csv(self, source: CsvSource) -> CodeRegistry:
        """A new registry holding these records plus those of ``source`` (a path or text stream).

        The header tells the shape: records (``code,class,name,valid_from,valid_to,successor,
        note``, only ``code`` required) or a reorganisation (``old_code,old_name,successor_code,
        successor_name,effective``). A record with the code and start date of an existing one
        replaces it (re-importing a file changes nothing), unless that would reopen a closed
        code; a reorganisation row closes the code's open record. Any problem raises
        ``RegistryDataError`` naming the file, line and column.
        """
        merger = Merger(self._history)
        merger.apply(read_csv(source))
        return self._of(merger.result())

    def __len__(self) -> int:
        """The number of distinct codes."""
        return len(self._history)

    def __contains__(self, code: object) -> bool:
        if isinstance(code, AgencyCode):
            code = code.text
        return code in self._history

    def __iter__(self) -> Iterator[AgencyRecord]:
        """Every record, by code, each code's periods oldest first."""
        for code in sorted(self._history):
            yield from self._history[code]

    def codes(self) -> list[str]:
        """Every known code, in hierarchical order: by level-1 unit, then level 2, 3, 4."""
        return sorted(self._history, key=lambda code: code.split(".")[::-1])

    def history(self, code: AgencyCode | str) -> tuple[AgencyRecord, ...]:
        """Every record of ``code``, oldest first; empty when unknown."""
        return self._history.get(_text(code), ())

    def record_at(self, code: AgencyCode | str, *, at: date) -> AgencyRecord | None:
        """The record of ``code`` in force on ``at``; else the latest ended by then; else the
        first (not yet in force); None when the code is unknown."""
        return _pick(self._history.get(_text(code), ()), at)

    def lookup(self, code: AgencyCode | str, *, at: date) -> CodeStatus:
        """What the registry says of ``code`` on ``at``: name, whether usable, successors.

        A text is read leniently (this is a lookup, not validation); text that is no code at all
        raises ``CodeError``.
        """
        if isinstance(code, str):
            code = parse_code(code, lenient=True)
        record = _pick(self._history.get(code.text, ()), at)
        closing = record if record is not None and _closed(record, at) else None
        if closing is None:
            for parent in code.parents:
                above = _pick(self._history.get(parent.text, ()), at)
                if above is not None and _closed(above, at):
                    closing = above
                    break
        return CodeStatus(code, at, record, closing, self._successors(closing, at))

    def _successors(self, closing: AgencyRecord | None, at: date) -> tuple[Successor, ...]:
        chain: list[Successor] = []
        seen = set()
        current = closing
        while current is not None and current.successor is not None:
            seen.add(current.code)
            code = current.successor
            record = _pick(self._history.get(code, ()), at)
            chain.append(Successor(code, None if record is None else record.name))
            if code in seen or record is None or not _closed(record, at):
                break  # an open or unknown successor ends the chain; so does a cycle
            current = record
        return tuple(chain)


@functools.cache
def default_registry() -> CodeRegistry:
    """The registry of the data files shipped with lienthong (level-1 codes, 2025 reorganisation).

    Every ``*.csv`` in the package's ``data`` folder is loaded: record files first, then
    reorganisation files, each group by file name, so a new data file needs no code change.
    """
    folder = resources.files("lienthong.codes") / "data"
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".csv")),
        key=lambda entry: entry.name,
    )
    loaded: list[list[Row]] = []
    for entry in files:
        # Decoded whole and re-wrapped: Traversable.open cannot be asked for newline="".
        text = entry.read_bytes().decode("utf-8-sig")
        loaded.append(read_csv(io.StringIO(text, newline=""), name=entry.name))
    merger = Merger({})
    # Reorganisations close records, so the records they close must be there first.
    for rows in sorted(loaded, key=lambda rows: any(isinstance(row.item, Closure) for row in rows)):
        merger.apply(rows)
    return CodeRegistry._of(merger.result())


def _text(code: AgencyCode | str) -> str:
    return code.text if isinstance(code, AgencyCode) else code


def _closed(record: AgencyRecord, at: date) -> bool:
    # A rename ends a record but not the code: the renamed unit carries on under it.
    return record.ends_by(at) and not record.is_rename


def _pick(history: tuple[AgencyRecord, ...], at: date) -> AgencyRecord | None:
    ended: AgencyRecord | None = None
    for record in history:  # oldest first, periods disjoint
        if record.in_force(at):
            return record
        if record.ends_by(at):
            ended = record
    if ended is not None:
        return ended
    return history[0] if history else None
