"""Reading registry data files: two CSV shapes, told apart by their header.

* records: ``code,class,name,valid_from,valid_to,successor,note`` (one period of one code a row;
  only ``code`` is required, ``class`` may be left empty);
* reorganisation: ``old_code,old_name,successor_code,successor_name,effective`` (``old_code``
  closes on ``effective``, ``successor_code`` takes over; the names are optional).

Columns may come in any order; an unknown column is an error, so a misspelt one is not ignored.
Cells are stripped; an empty cell is "not given". Dates are ``YYYY-MM-DD``. Every problem is a
``RegistryDataError`` naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final, NoReturn, TextIO

from lienthong._i18n import Message, msg
from lienthong.codes._parse import parse_code
from lienthong.codes._record import AgencyRecord
from lienthong.errors import CodeError, RegistryDataError

#: A path to a CSV file, or an open text stream of one.
CsvSource = str | os.PathLike[str] | TextIO

RECORD_COLUMNS: Final = ("code", "class", "name", "valid_from", "valid_to", "successor", "note")
REORG_COLUMNS: Final = ("old_code", "old_name", "successor_code", "successor_name", "effective")
_REQUIRED: Final = {
    RECORD_COLUMNS: ("code",),
    REORG_COLUMNS: ("old_code", "successor_code", "effective"),
}

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True)
class Closure:
    """One row of a reorganisation file: ``old_code`` closes on ``effective``."""

    old_code: str
    old_name: str | None
    successor: str
    successor_name: str | None
    effective: date


@dataclass(frozen=True, slots=True)
class Row:
    """A row read from a file, with where it came from for later error messages."""

    item: AgencyRecord | Closure
    #: The file and line, as a message.
    where: Message


def read_csv(source: CsvSource, *, name: str | None = None) -> list[Row]:
    """Every row of ``source``, checked; raises ``RegistryDataError`` at the first bad one.

    ``name`` is the file's name in messages; by default the path or the stream's ``name``.
    """
    if isinstance(source, str | os.PathLike):
        name = name or os.fspath(source)
        try:
            with open(source, encoding="utf-8-sig", newline="") as stream:
                return list(_rows(stream, name))
        except OSError as exc:
            raise RegistryDataError(
                msg("codes-file-unreadable", file=name, reason=str(exc.strerror)),
                code="registry-file",
            ) from exc
        except UnicodeDecodeError as exc:
            raise RegistryDataError(
                msg("codes-file-not-utf8", file=name, byte=exc.start),
                code="registry-file",
            ) from exc
    return list(_rows(source, name or str(getattr(source, "name", "<stream>"))))


def _rows(stream: TextIO, name: str) -> Iterator[Row]:
    reader = csv.reader(stream, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            _fail(
                name,
                1,
                msg("codes-file-empty"),
            )
        header = [cell.strip().lstrip("\ufeff") for cell in header]
        columns = _shape(header, name)
        while True:
            line = reader.line_num + 1  # where the row starts, even if a quoted cell spans lines
            fields = next(reader, None)
            if fields is None:
                return
            if not any(cell.strip() for cell in fields):
                continue
            if len(fields) != len(header):
                _fail(
                    name,
                    line,
                    msg("codes-row-width", count=len(fields), header=len(header)),
                )
            cells = _Cells(name, line, header, [cell.strip() for cell in fields])
            item = _record(cells) if columns is RECORD_COLUMNS else _closure(cells)
            yield Row(item, msg("codes-where-line", file=name, line=line))
    except csv.Error as exc:
        _fail(name, reader.line_num, msg("codes-csv-invalid", reason=str(exc)))


def _shape(header: Sequence[str], name: str) -> tuple[str, ...]:
    columns = REORG_COLUMNS if "old_code" in header else RECORD_COLUMNS
    if "code" not in header and columns is RECORD_COLUMNS:
        _fail(
            name,
            1,
            msg(
                "codes-header-shape", records=",".join(RECORD_COLUMNS), reorganisation=",".join(REORG_COLUMNS)
            ),
        )
    for index, column in enumerate(header, start=1):
        if column not in columns:
            _fail(
                name,
                1,
                msg("codes-column-unknown", index=index, column=column),
            )
        if header.index(column) != index - 1:
            _fail(name, 1, msg("codes-column-repeated", column=column))
    for column in _REQUIRED[columns]:
        if column not in header:
            _fail(name, 1, msg("codes-column-missing", column=column))
    return columns


class _Cells:
    """One row's cells by column name, able to say exactly where a bad one is."""

    def __init__(self, name: str, line: int, header: Sequence[str], values: Sequence[str]) -> None:
        self._name, self._line = name, line
        self._index = {column: index for index, column in enumerate(header)}
        self._values = values

    def text(self, column: str) -> str | None:
        index = self._index.get(column)
        return (self._values[index] or None) if index is not None else None

    def fail(self, column: str, message: Message) -> NoReturn:
        index = self._index[column] + 1
        _fail(self._name, self._line, message, column=f"{index} ({column})")

    def code(self, column: str) -> str | None:
        value = self.text(column)
        if value is None:
            return None
        try:
            return parse_code(value).text
        except CodeError as exc:
            self.fail(
                column,
                msg("codes-cell-code-invalid", code=value, reason=exc.message),
            )

    def required_code(self, column: str) -> str:
        code = self.code(column)
        if code is None:
            self.fail(column, msg("codes-cell-code-missing"))
        return code

    def day(self, column: str) -> date | None:
        value = self.text(column)
        if value is None:
            return None
        if _DATE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass  # the right shape but no such day: reported below like any other
        return self._bad_day(column, value)

    def _bad_day(self, column: str, value: str) -> NoReturn:
        self.fail(
            column,
            msg("codes-cell-date-invalid", value=value),
        )

    def required_day(self, column: str) -> date:
        day = self.day(column)
        if day is None:
            self.fail(column, msg("codes-cell-date-missing"))
        return day


def _record(cells: _Cells) -> AgencyRecord:
    code = cells.required_code("code")
    letter = code.split(".")[-1][0]
    given = cells.text("class")
    if given is not None and given != letter:
        cells.fail(
            "class",
            msg("codes-cell-class-mismatch", given=given, letter=letter),
        )
    valid_from, valid_to = cells.day("valid_from"), cells.day("valid_to")
    if valid_from is not None and valid_to is not None and valid_to <= valid_from:
        cells.fail(
            "valid_to",
            msg("codes-cell-end-before-start"),
        )
    return AgencyRecord(
        code=code,
        class_letter=letter,
        name=cells.text("name"),
        valid_from=valid_from,
        valid_to=valid_to,
        successor=cells.code("successor"),
        note=cells.text("note"),
    )


def _closure(cells: _Cells) -> Closure:
    return Closure(
        old_code=cells.required_code("old_code"),
        old_name=cells.text("old_name"),
        successor=cells.required_code("successor_code"),
        successor_name=cells.text("successor_name"),
        effective=cells.required_day("effective"),
    )


def _fail(name: str, line: int, problem: Message, *, column: str | None = None) -> NoReturn:
    if column is None:
        where = msg("codes-where-line", file=name, line=line)
    else:
        where = msg("codes-where-column", file=name, line=line, column=column)
    raise RegistryDataError(msg("codes-data-at", where=where, problem=problem), code="registry-row")
