"""``ArrivalRegister``: the incoming register (sổ văn bản đến) of each agency a node serves.

A clerk's status 03 (đã tiếp nhận) enters the received document in its agency's register with
an arrival number (số đến) and an arrival date. Numbers run from 1 per agency per calendar
year (the year of the arrival date, in Vietnam time) and are never used twice in one register;
a document enters its agency's register once. The register stays at the node: the status
package has no field for it (QCVN 102:2016 §3).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from sqlalchemy import Date, Index, Integer, String, Table, UniqueConstraint, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from lienthong._i18n import msg
from lienthong.store._database import Database
from lienthong.store._errors import StoreConflict
from lienthong.store._rows import CODE_LENGTH, Base, UtcDateTime


class ArrivalRow(Base):
    """One entry of an agency's incoming register."""

    __tablename__ = "arrival_register"
    __table_args__ = (
        UniqueConstraint("agency", "year", "number", name="uq_arrival_register_number"),
        UniqueConstraint("agency", "message_id", name="uq_arrival_register_message"),
        Index("ix_arrival_register_agency_year", "agency", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The recipient agency whose register this is.
    agency: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    arrived_on: Mapped[date] = mapped_column(Date, nullable=False)
    #: The received document's message id (with ``agency``: the inbox item).
    message_id: Mapped[str] = mapped_column(String(64), nullable=False)
    #: The console user who registered it.
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


_REGISTER = cast(Table, ArrivalRow.__table__)


@dataclass(frozen=True, slots=True)
class ArrivalEntry:
    """A received document entered in ``agency``'s register as number ``number`` of ``year``."""

    agency: str
    message_id: str
    number: int
    arrived_on: date
    actor: str
    recorded_at: datetime

    @property
    def year(self) -> int:
        return self.arrived_on.year


class NumberTaken(StoreConflict):
    """Raised when an arrival number is already used in that agency's register for that year,
    or the document is already registered."""

    code = "store-arrival-number-taken"


class ArrivalRegister:
    """The incoming registers, in one transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @classmethod
    @contextlib.contextmanager
    def begin(cls, database: Database) -> Iterator[ArrivalRegister]:
        with database.transaction() as session:
            yield cls(session)

    def next_number(self, agency: str, year: int) -> int:
        """The number to propose next in ``agency``'s register for ``year``."""
        query = select(func.max(_REGISTER.c.number)).where(
            _REGISTER.c.agency == agency, _REGISTER.c.year == year
        )
        return int(self._session.execute(query).scalar() or 0) + 1

    def taken(self, agency: str, year: int, number: int) -> bool:
        query = select(_REGISTER.c.id).where(
            _REGISTER.c.agency == agency, _REGISTER.c.year == year, _REGISTER.c.number == number
        )
        return self._session.execute(query).first() is not None

    def entry(self, agency: str, message_id: str) -> ArrivalEntry | None:
        """Where the document ``message_id`` stands in ``agency``'s register, if it does."""
        query = select(_REGISTER).where(_REGISTER.c.agency == agency, _REGISTER.c.message_id == message_id)
        row = self._session.execute(query).first()
        if row is None:
            return None
        return ArrivalEntry(
            agency=row.agency,
            message_id=row.message_id,
            number=row.number,
            arrived_on=row.arrived_on,
            actor=row.actor,
            recorded_at=row.recorded_at,
        )

    def record(self, entry: ArrivalEntry) -> None:
        """Enter ``entry``; raises ``NumberTaken`` when its number or its document is there."""
        if self.taken(entry.agency, entry.year, entry.number) or self.entry(entry.agency, entry.message_id):
            raise NumberTaken(msg("store-arrival-number-taken", number=entry.number, year=entry.year))
        try:
            with self._session.begin_nested():
                self._session.execute(
                    insert(_REGISTER).values(
                        agency=entry.agency,
                        year=entry.year,
                        number=entry.number,
                        arrived_on=entry.arrived_on,
                        message_id=entry.message_id,
                        actor=entry.actor[:200],
                        recorded_at=entry.recorded_at,
                    )
                )
        except IntegrityError as exc:  # another clerk took it between the check and the insert
            raise NumberTaken(
                msg("store-arrival-number-taken", number=entry.number, year=entry.year)
            ) from exc
