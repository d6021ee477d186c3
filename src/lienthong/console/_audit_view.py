"""The audit log as people read it: each entry's text in the reader's language from its action
code and parameters, the filters a page or an export is asked for, and the rows of an export.

Every action an engineer records with ``Console.audit`` gets one line in ``_TEXTS`` (its text,
``console-audit-<action>``, in ``console.po``); an action without one still shows, as its code
and parameters, so an entry written by a newer node is never hidden.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

from lienthong._i18n import Message, msg, render
from lienthong.console import _words
from lienthong.edxml import VIETNAM_TZ
from lienthong.store import Database, NodeAudit, NodeAuditEntry

#: Entries a page shows; an export reads the log in batches of ``_BATCH``.
PAGE: Final = 50
_BATCH: Final = 500


@dataclass(frozen=True, slots=True)
class _Facts:
    """An entry's parameters as its text wants them, in the reader's words ("—" for none)."""

    params: Mapping[str, str]
    words: Mapping[str, str]

    def __call__(self, name: str) -> str:
        return self.params.get(name, "") or "—"

    def roles(self) -> str:
        given = self.params.get("roles", "").split()
        return ", ".join(self.words.get(f"role_{role}", role) for role in given) or "—"

    def when(self, name: str) -> str:
        try:
            return _words.moment(datetime.fromisoformat(self.params.get(name, "")))
        except ValueError:
            return self(name)


#: Action code → its text from the entry's parameters.
_TEXTS: Final[Mapping[str, Callable[[_Facts], Message]]] = {
    "user-added": lambda f: msg("console-audit-user-added", roles=f.roles(), codes=f("codes")),
    "user-changed": lambda f: msg(
        "console-audit-user-changed",
        roles=f.roles(),
        codes=f("codes"),
        full_name=f("full_name"),
        position=f("position"),
    ),
    "user-disabled": lambda _: msg("console-audit-user-disabled"),
    "user-enabled": lambda _: msg("console-audit-user-enabled"),
    "user-password-reset": lambda _: msg("console-audit-user-password-reset"),
    "user-removed": lambda _: msg("console-audit-user-removed"),
    "user-unlocked": lambda f: msg("console-audit-user-unlocked", until=f.when("until")),
    "address-unlocked": lambda f: msg("console-audit-address-unlocked", until=f.when("until")),
    "api-client-added": lambda f: msg(
        "console-audit-api-client-added", codes=f("codes"), vxp=f("vxp"), webhook=f("webhook")
    ),
    "api-client-removed": lambda _: msg("console-audit-api-client-removed"),
    "status-sent": lambda f: (
        msg("console-audit-status-registered", document=f("document"), number=f("number"), on=f("arrived_on"))
        if f.params.get("number")
        else msg("console-audit-status-assigned", document=f("document"), assignee=f("assignee"))
        if f.params.get("assignee")
        else msg("console-audit-status-sent", document=f("document"), code=f("code"))
    ),
    "document-sent": lambda f: msg("console-audit-document-sent", document=f("document")),
    "document-updated": lambda f: msg(
        "console-audit-document-updated", document=f("document"), earlier=f("earlier")
    ),
    "document-replaced": lambda f: msg(
        "console-audit-document-replaced", document=f("document"), earlier=f("earlier")
    ),
    "recall-requested": lambda f: msg("console-audit-recall-requested", document=f("document")),
    "delivery-retried": lambda f: msg("console-audit-delivery-retried", recipient=f("recipient")),
    "delivery-given-up": lambda f: msg(
        "console-audit-delivery-given-up", recipient=f("recipient"), reason=f("reason")
    ),
    "evidence-exported": lambda _: msg("console-audit-evidence-exported"),
    "legal-hold-set": lambda f: msg(
        "console-audit-legal-hold-set", document=f("document"), reason=f("reason")
    ),
    "legal-hold-released": lambda f: msg(
        "console-audit-legal-hold-released", document=f("document"), reason=f("reason")
    ),
    "retention-set": lambda f: msg("console-audit-retention-set", type=f("document_type"), days=f("days")),
    "retention-removed": lambda f: msg("console-audit-retention-removed", type=f("document_type")),
    "appearance-changed": lambda f: msg("console-audit-appearance-changed", page=f("page"), box=f("box")),
    "login-locked-out": lambda f: (
        msg("console-audit-login-locked-out-address", address=f("address"), until=f.when("until"))
        if f("kind") == "address"
        else msg("console-audit-login-locked-out", address=f("address"), until=f.when("until"))
    ),
}


def describe(entry: NodeAuditEntry, lang: _words.Lang) -> str:
    """What ``entry`` did, in ``lang``; an unknown action as its code and parameters."""
    text = _TEXTS.get(entry.action)
    if text is not None:
        return render(text(_Facts(entry.params, _words.words(lang))), lang)
    shown = ", ".join(f"{name}={value}" for name, value in sorted(entry.params.items()))
    return f"{entry.action} ({shown})" if shown else entry.action


class FilterError(ValueError):
    """A filter that is not a date (``field`` names it)."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What a page or an export asks of the log. Dates are days in Vietnam, both included."""

    actor: str = ""
    action: str = ""
    target: str = ""
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> AuditFilter:
        """The filter in a page's query; FilterError for a date that is not YYYY-MM-DD."""
        days: dict[str, date | None] = {}
        for name in ("since", "until"):
            value = query.get(name, "").strip()
            try:
                days[name] = date.fromisoformat(value) if value else None
            except ValueError as exc:
                raise FilterError(name) from exc
        return cls(
            actor=query.get("actor", "").strip()[:200],
            action=query.get("action", "").strip()[:80],
            target=query.get("target", "").strip()[:300],
            since=days["since"],
            until=days["until"],
        )

    def query(self) -> dict[str, str]:
        """The filter as a page's query (for links that keep it)."""
        given = {"actor": self.actor, "action": self.action, "target": self.target}
        given |= {"since": self.since.isoformat() if self.since else ""}
        given |= {"until": self.until.isoformat() if self.until else ""}
        return {name: value for name, value in given.items() if value}

    def times(self) -> tuple[datetime | None, datetime | None]:
        """The instants the days span: from the first's midnight to the midnight after the last."""
        since = datetime.combine(self.since, time(), VIETNAM_TZ) if self.since else None
        until = datetime.combine(self.until + timedelta(days=1), time(), VIETNAM_TZ) if self.until else None
        return since, until

    def entries(
        self, database: Database, *, before: int | None = None, limit: int = PAGE
    ) -> list[NodeAuditEntry]:
        since, until = self.times()
        with NodeAudit.begin(database) as audit:
            return audit.entries(
                actor=self.actor or None,
                action=self.action or None,
                target=self.target or None,
                since=since,
                until=until,
                before=before,
                limit=limit,
            )

    def every(self, database: Database) -> Iterator[NodeAuditEntry]:
        """Every matching entry, newest first, read a batch at a time (an export of any size)."""
        before = None
        while True:
            batch = self.entries(database, before=before, limit=_BATCH)
            yield from batch
            if len(batch) < _BATCH:
                return
            before = batch[-1].id


_COLUMNS: Final = ("id", "at", "actor", "action", "target", "address", "text", "params")


def as_record(entry: NodeAuditEntry, lang: _words.Lang) -> dict[str, object]:
    """One entry as an export gives it: the data, and its text in ``lang``."""
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "target": entry.target,
        "address": entry.address,
        "text": describe(entry, lang),
        "params": dict(entry.params),
    }


#: What a spreadsheet takes for the start of a formula: a user name typed at the login form
#: must not become one in the operator's Excel (OWASP's CSV injection).
_FORMULA: Final = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA) else value


def csv_lines(entries: Iterator[NodeAuditEntry], lang: _words.Lang) -> Iterator[str]:
    """The CSV export: a UTF-8 byte-order mark first, so Excel reads Vietnamese, then a header;
    a text a spreadsheet would take for a formula is quoted with ``'``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: list[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield "\ufeff" + line(list(_COLUMNS))
    for entry in entries:
        record = as_record(entry, lang)
        record["params"] = json.dumps(record["params"], ensure_ascii=False, sort_keys=True)
        yield line([_cell(record[name]) for name in _COLUMNS])


def json_chunks(entries: Iterator[NodeAuditEntry], lang: _words.Lang) -> Iterator[str]:
    """The JSON export: one array, written an entry at a time."""
    yield "["
    for index, entry in enumerate(entries):
        yield ("," if index else "") + "\n" + json.dumps(as_record(entry, lang), ensure_ascii=False)
    yield "\n]\n"
