"""Người dùng: the console's users for the node's operators, with their lockouts and last logins.

Operators see the list, and the client addresses locked out now; only administrators change
them (add, change, disable or enable, reset a password, unlock a user or an address, remove):
whoever manages users can make themselves anything, so that stays with the role that may already
do everything. Every change is one entry of the audit log. An administrator cannot disable or
remove themselves (the console would be left without them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from lienthong._i18n import msg
from lienthong.console._audit_pages import VIEW_ROLES
from lienthong.console._users import ConsoleUser, Role, UserError
from lienthong.console._web import PREFIX, Console, may
from lienthong.store import LockoutKind, LoginStore, NodeAudit, NodeAuditEntry

USERS: Final = f"{PREFIX}/operator/users"
#: Who may change users: administrators only (``has`` lets them do everything).
MANAGE_ROLES: Final[frozenset[Role]] = frozenset()
_ACTIONS: Final = ("add", "change", "disable", "enable", "password", "unlock", "unlock-address", "remove")


@dataclass(frozen=True, slots=True)
class UserRow:
    """A user as the list shows them."""

    user: ConsoleUser
    locked_until: datetime | None
    last_login: datetime | None


def _roles(posted: FormData) -> list[Role]:
    known = {role.value for role in Role}
    return [Role(str(r)) for r in posted.getlist("roles") if str(r) in known]


def _codes(posted: FormData) -> list[str]:
    return [c for c in str(posted.get("codes", "")).replace(",", " ").split() if c]


def users_router(console: Console) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    def rows() -> tuple[list[UserRow], dict[str, datetime]]:
        """Each user with their lockout and last login; the addresses locked out now."""
        with LoginStore.begin(console.node.database) as store:
            last = store.last_logins()
            lockouts = store.lockouts(now=console.clock(), limit=1000)
        locked: dict[LockoutKind, dict[str, datetime]] = {kind: {} for kind in LockoutKind}
        for lockout in lockouts:
            mine = locked[lockout.kind]
            mine[lockout.subject] = max(lockout.ends_at, mine.get(lockout.subject, lockout.ends_at))
        users = [
            UserRow(u, locked[LockoutKind.USER].get(u.name), last.get(u.name)) for u in console.users.users()
        ]
        return users, locked[LockoutKind.ADDRESS]

    async def page(
        request: Request,
        *,
        errors: dict[str, Any] | None = None,
        values: dict[str, str] | None = None,
        status: int = 200,
    ) -> Response:
        users, addresses = await run_in_threadpool(rows)
        context = {
            "rows": users,
            "addresses": sorted(addresses.items()),
            "roles": list(Role),
            "errors": errors or {},
            "values": values or {},
            "done": request.query_params.get("done", ""),
        }
        return console.render(request, "operator_users.html", context, status=status)

    @router.get(USERS, response_class=HTMLResponse)
    async def users(request: Request) -> Response:
        session = console.session(request)
        if session is None:
            return console.login_redirect(request)
        if not may(session.principal, VIEW_ROLES):
            return console.refused(request, 403, "forbidden")
        return await page(request)

    @router.post(f"{USERS}/{{action}}", response_class=HTMLResponse)
    async def act(request: Request, action: str) -> Response:
        session = console.session(request)
        if session is None:
            return console.login_redirect(request)
        if not may(session.principal, MANAGE_ROLES):
            return console.refused(request, 403, "forbidden")
        posted = await request.form()
        if not session.check_csrf(str(posted.get("csrf", ""))):
            return console.refused(request, 403, "stale_form")
        if action not in _ACTIONS:
            return console.refused(request, 404, "not_found")
        me = session.principal
        name = str(posted.get("name", "")).strip()[:64]
        values = {"form": action, "name": name}
        if action in {"disable", "remove"} and name == me.name:
            return await page(request, errors={"name": "user_not_self"}, values=values, status=422)
        try:
            done = await run_in_threadpool(_apply, console, request, me, action, name, posted)
        except UserError as exc:
            values |= {k: str(posted.get(k, "")) for k in ("full_name", "position", "codes")}
            return await page(request, errors={action: exc.message}, values=values, status=422)
        if not done:
            return console.refused(request, 404, "not_found")
        return RedirectResponse(f"{USERS}?done={action}", status_code=303)

    return router


def _apply(
    console: Console, request: Request, me: ConsoleUser, action: str, name: str, posted: FormData
) -> bool:
    """Do ``action`` on ``name`` and audit it (in a worker thread: scrypt and files). False: no
    such user."""
    users, now = console.users, console.clock()
    full_name, position = str(posted.get("full_name", "")), str(posted.get("position", ""))
    if action == "add":
        if users.user(name) is not None:
            raise UserError(msg("console-user-exists", name=name))
        added = users.add(
            name,
            str(posted.get("password", "")),
            roles=_roles(posted),
            codes=_codes(posted),
            full_name=full_name,
            position=position,
            at=now,
        )
        console.audit(
            request, me, "user-added", added.name, roles=_words_of(added), codes=" ".join(added.codes)
        )
        return True
    if action == "unlock-address":
        _unlock(console, request, me, LockoutKind.ADDRESS, str(posted.get("address", "")).strip()[:64])
        return True
    if users.user(name) is None:
        return False
    if action == "change":
        changed = users.change(
            name, roles=_roles(posted), codes=_codes(posted), full_name=full_name, position=position, at=now
        )
        params = {"roles": _words_of(changed), "codes": " ".join(changed.codes)}
        params |= {"full_name": changed.full_name, "position": changed.position}
        console.audit(request, me, "user-changed", name, **params)
    elif action in {"disable", "enable"}:
        users.change(name, disabled=action == "disable", at=now)
        console.audit(request, me, f"user-{action}d", name)
    elif action == "password":
        users.change(name, password=str(posted.get("password", "")), at=now)
        console.audit(request, me, "user-password-reset", name)
    elif action == "unlock":
        _unlock(console, request, me, LockoutKind.USER, name)
    else:
        users.remove(name)
        console.audit(request, me, "user-removed", name)
    return True


def _unlock(console: Console, request: Request, me: ConsoleUser, kind: LockoutKind, subject: str) -> None:
    """End the lockout of a user name or an address, and audit it in the same transaction. A
    lockout that ended by itself meanwhile leaves nothing to do and nothing to audit."""
    now = console.clock()
    with console.node.database.transaction() as session:
        until = LoginStore(session).unlock(kind, subject, now=now)
        if until is not None:
            action = "user-unlocked" if kind is LockoutKind.USER else "address-unlocked"
            address = request.client.host if request.client else ""
            entry = NodeAuditEntry(now, me.name, action, subject, {"until": until.isoformat()}, address)
            NodeAudit(session).record(entry)


def _words_of(user: ConsoleUser) -> str:
    return " ".join(sorted(r.value for r in user.roles))
