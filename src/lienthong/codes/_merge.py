"""``Merger``: folds rows of data files into a registry's history, refusing contradictions.

Rules: a record with the code and start date of one loaded from an earlier source replaces it
(re-importing is harmless, a name can be corrected) unless that would reopen a closed code; the
same code and start date twice in one file is an error; periods of one code never overlap.

A reorganisation row closes the code's record in force the day before it takes effect; if that
record is already closed that day with that successor, nothing changes; closed otherwise, it is
an error. A code or successor the registry does not know yet gets a record from the row's
names. A row whose successor is its own code is a rename: the old record ends and a new one,
under the new name, starts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import NoReturn

from lienthong._i18n import Message, msg
from lienthong.codes._csv import Closure, Row
from lienthong.codes._parse import parse_code
from lienthong.codes._record import AgencyRecord
from lienthong.errors import CodeError, RegistryDataError


class Merger:
    """A registry's history being built from an existing one, which it never changes."""

    def __init__(self, history: Mapping[str, tuple[AgencyRecord, ...]]) -> None:
        # A shallow copy: each code's history is an immutable tuple, shared until it changes.
        self._history: dict[str, tuple[AgencyRecord, ...]] = dict(history)
        self._added: set[tuple[str, date | None]] = set()

    def result(self) -> Mapping[str, tuple[AgencyRecord, ...]]:
        """The merged history; the merger is done with once it has handed it over."""
        return self._history

    def apply(self, rows: Iterable[Row]) -> None:
        """Merge the rows of one file; duplicates within it are errors."""
        self._added = set()
        for row in rows:
            if isinstance(row.item, AgencyRecord):
                self.add(row.item, where=row.where)
            else:
                self.close(row.item, where=row.where)

    def add(self, record: AgencyRecord, *, where: Message | None) -> None:
        where = where if where is not None else msg("codes-where-record", code=record.code)
        _check_codes(record, where)
        key = (record.code, record.valid_from)
        if key in self._added:
            _fail(
                where,
                msg("codes-record-same-start", code=record.code),
            )
        self._added.add(key)
        history = list(self._history.get(record.code, ()))
        for earlier in history:
            if earlier.valid_from == record.valid_from and earlier.valid_to not in (
                None,
                record.valid_to,
            ):
                # An old list imported after a reorganisation must not silently reopen a code.
                _fail(
                    where,
                    msg("codes-record-reopens", code=record.code, closed=str(earlier.valid_to)),
                )
        history = [r for r in history if r.valid_from != record.valid_from]
        for other in history:
            if other.overlaps(record):
                _fail(
                    where,
                    msg("codes-record-overlap", code=record.code),
                )
        history.append(record)
        history.sort(key=lambda r: (r.valid_from is not None, r.valid_from or date.min))
        self._history[record.code] = tuple(history)

    def close(self, closure: Closure, *, where: Message) -> None:
        history = self._history.get(closure.old_code, ())
        before = closure.effective - timedelta(days=1)
        current = next((r for r in history if r.in_force(before)), None)
        if current is None:
            ended = [r for r in history if r.ends_by(before)]
            if ended:
                _conflict(closure, ended[-1], where)
            if history:
                day = closure.effective.isoformat()
                _fail(
                    where,
                    msg("codes-closure-not-in-force", code=closure.old_code, day=day),
                )
            self._put(
                AgencyRecord(
                    closure.old_code,
                    _letter(closure.old_code),
                    closure.old_name,
                    valid_to=closure.effective,
                    successor=closure.successor,
                )
            )
        elif current.valid_to is None or (
            current.valid_to == closure.effective and current.successor is None
        ):
            closed = dataclasses.replace(current, valid_to=closure.effective, successor=closure.successor)
            self._replace(current, closed)
        elif current.valid_to != closure.effective or current.successor != closure.successor:
            _conflict(closure, current, where)
        successor_history = self._history.get(closure.successor, ())
        if closure.successor == closure.old_code:
            if not any(r.valid_from == closure.effective for r in successor_history):
                self.add(
                    AgencyRecord(
                        closure.successor,
                        _letter(closure.successor),
                        closure.successor_name,
                        valid_from=closure.effective,
                    ),
                    where=where,
                )
        elif not successor_history:
            self._put(AgencyRecord(closure.successor, _letter(closure.successor), closure.successor_name))

    def _put(self, record: AgencyRecord) -> None:
        self._history[record.code] = (*self._history.get(record.code, ()), record)

    def _replace(self, old: AgencyRecord, new: AgencyRecord) -> None:
        self._history[old.code] = tuple(new if r is old else r for r in self._history[old.code])


def _conflict(closure: Closure, record: AgencyRecord, where: Message) -> NoReturn:
    old, day = closure.old_code, closure.effective.isoformat()
    closed = record.valid_to.isoformat() if record.valid_to else "?"
    heir = record.successor or "—"
    _fail(
        where,
        msg("codes-closure-conflict", code=old, closed=closed, successor=heir, day=day),
    )


def _letter(code: str) -> str:
    return code.rsplit(".", 1)[-1][0]


def _check_codes(record: AgencyRecord, where: Message) -> None:
    """Records built in code, not read from a file, are checked here like file rows."""
    for code in (record.code, record.successor):
        if code is None:
            continue
        try:
            canonical = parse_code(code).text
        except CodeError as exc:
            _fail(
                where,
                msg("codes-record-code-invalid", code=code, reason=exc.message),
            )
        if canonical != code:
            _fail(
                where,
                msg("codes-record-code-not-canonical", code=code),
            )
    if record.class_letter != _letter(record.code):
        _fail(
            where,
            msg("codes-record-class-mismatch", given=record.class_letter, code=record.code),
        )
    if record.valid_from and record.valid_to and record.valid_to <= record.valid_from:
        _fail(
            where,
            msg("codes-record-end-before-start", code=record.code),
        )


def _fail(where: Message, problem: Message) -> NoReturn:
    raise RegistryDataError(msg("codes-data-at", where=where, problem=problem))
