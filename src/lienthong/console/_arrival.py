"""Số đến and phân công: what a clerk's 03 enters in the agency's incoming register, and whom
a leader's 04 may name.

The arrival number and date stay at the node (``store.ArrivalRegister``): QCVN 102:2016 gives a
status no field for them. A 04's assignee is a console user serving the recipient agency; the
status carries their name as its free-text ``Description`` (what the standard has), and the
node keeps who it was as data in its audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from lienthong._i18n import Message, msg
from lienthong.console._users import ConsoleUser
from lienthong.edxml import VIETNAM_TZ
from lienthong.errors import LienthongError
from lienthong.node import Node
from lienthong.store import ArrivalEntry, ArrivalRegister, NumberTaken


class FieldProblem(LienthongError):
    """Raised when one field of an action's form is wrong; ``field`` names it for the page."""

    def __init__(self, message: Message, *, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Arrival:
    """What a 03 enters: number ``number`` of the register of ``arrived_on``'s year."""

    number: int
    arrived_on: date


def today(at: datetime) -> date:
    """The calendar day in Vietnam at ``at``: registers run by Vietnamese years."""
    return at.astimezone(VIETNAM_TZ).date()


def proposal(node: Node, agency: str, *, at: datetime) -> Arrival:
    """The next free number of ``agency``'s register for this year, arriving today."""
    day = today(at)
    with ArrivalRegister.begin(node.database) as register:
        return Arrival(register.next_number(agency, day.year), day)


def registered(node: Node, agency: str, message_id: str) -> ArrivalEntry | None:
    with ArrivalRegister.begin(node.database) as register:
        return register.entry(agency, message_id)


def read_arrival(node: Node, agency: str, number: str, day: str, *, at: datetime) -> Arrival:
    """The arrival a 03 form posted (a blank field takes the proposal); raises ``FieldProblem``
    for a number that is not a positive whole number or is used already, or a bad date."""
    proposed = proposal(node, agency, at=at)
    arrived_on = proposed.arrived_on
    if day.strip():
        try:
            arrived_on = date.fromisoformat(day.strip())
        except ValueError:
            raise FieldProblem(msg("console-date-invalid"), field="arrival_date") from None
        if arrived_on > today(at):
            raise FieldProblem(msg("console-arrival-date-future"), field="arrival_date")
    if not number.strip():
        if arrived_on.year == proposed.arrived_on.year:
            return Arrival(proposed.number, arrived_on)
        with ArrivalRegister.begin(node.database) as register:
            return Arrival(register.next_number(agency, arrived_on.year), arrived_on)
    if not number.strip().isdigit() or not 0 < int(number) < 10**9:
        raise FieldProblem(msg("console-arrival-number-invalid"), field="arrival_number")
    with ArrivalRegister.begin(node.database) as register:
        if register.taken(agency, arrived_on.year, int(number)):
            raise FieldProblem(
                msg("console-arrival-number-taken", number=int(number), year=arrived_on.year),
                field="arrival_number",
            )
    return Arrival(int(number), arrived_on)


def enter(node: Node, agency: str, message_id: str, arrival: Arrival, *, actor: str, at: datetime) -> Arrival:
    """Write the arrival in ``agency``'s register, after its 03 went out: the number checked
    before sending, or, if another clerk took it meanwhile, the next free one. Answers the
    arrival written (the one already there if the document was registered before)."""
    attempts = 0
    while True:
        attempts += 1
        entry = ArrivalEntry(
            agency, message_id, arrival.number, arrival.arrived_on, actor=actor, recorded_at=at
        )
        try:
            with ArrivalRegister.begin(node.database) as register:
                register.record(entry)
            return arrival
        except NumberTaken:
            with ArrivalRegister.begin(node.database) as register:
                if (found := register.entry(agency, message_id)) is not None:
                    return Arrival(found.number, found.arrived_on)
                if attempts >= 5:  # a register that busy is a fault, not a race
                    raise
                arrival = Arrival(register.next_number(agency, arrival.arrived_on.year), arrival.arrived_on)


def assignees(users: Sequence[ConsoleUser], agency: str) -> list[ConsoleUser]:
    """The console users who serve ``agency`` and may log in: whom a 04 on its documents may name."""
    return sorted((u for u in users if agency in u.codes and not u.disabled), key=lambda u: u.name)


def assignee_text(user: ConsoleUser) -> str:
    """How a 04 names ``user`` in the standard's free text: the person's full name, else the login."""
    return user.full_name or user.name


def assignee(users: Sequence[ConsoleUser], agency: str, name: str) -> ConsoleUser:
    """The user ``name`` among ``agency``'s; raises ``FieldProblem`` otherwise."""
    for user in assignees(users, agency):
        if user.name == name:
            return user
    raise FieldProblem(msg("console-assignee-unknown"), field="assignee")
