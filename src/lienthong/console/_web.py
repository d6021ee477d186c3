"""What every console page shares: templates, the language, the logged-in user, refusals."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from lienthong._i18n import Message, render
from lienthong.console import _words
from lienthong.console._session import SESSION_COOKIE, Session, Sessions, database_sessions
from lienthong.console._throttle import LoginPolicy, LoginThrottle
from lienthong.console._users import ConsoleUser, Role, UserFile
from lienthong.edxml import StatusCode
from lienthong.node import Node
from lienthong.store import NodeAudit, NodeAuditEntry

PREFIX: Final = "/console"

S = StatusCode
#: Who may send each status from the console (administrators may do everything).
ACTION_ROLES: Final[dict[StatusCode, frozenset[Role]]] = {
    S.REGISTERED: frozenset({Role.CLERK}),
    S.REFUSED: frozenset({Role.CLERK}),
    S.ASSIGNED: frozenset({Role.LEADER}),
    S.IN_PROGRESS: frozenset({Role.CLERK, Role.LEADER}),
    S.DONE: frozenset({Role.CLERK, Role.LEADER}),
    S.RECALL_ACCEPTED: frozenset({Role.LEADER}),
    S.RECALL_REFUSED: frozenset({Role.LEADER}),
}
#: Who may compose and send documents.
COMPOSE_ROLES: Final = frozenset({Role.CLERK})


def language(request: Request) -> _words.Lang:
    asked = request.query_params.get("lang") or request.cookies.get(_words.LANG_COOKIE) or "vi"
    return "en" if asked == "en" else "vi"


@pass_context
def _in_page_language(context: Context, value: object) -> object:
    """Every ``{{ … }}`` passes here: a message (a form's error, a refusal, a report's problem)
    reads in the page's language, never in the process's."""
    return render(value, context.get("lang", "vi")) if isinstance(value, Message) else value


def _templates() -> Jinja2Templates:
    env = Environment(
        loader=PackageLoader("lienthong.console", "templates"),
        autoescape=select_autoescape(("html",)),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_in_page_language,
    )
    env.filters["moment"] = _words.moment
    return Jinja2Templates(env=env)


def agency_names(node: Node) -> Mapping[str, str]:
    """Code → name of every agency in the node's configuration (the registry's names), read
    once per configuration: pages show names, not bare codes."""
    configuration = node.configuration
    cached = _NAMES.get("last")
    if cached is not None and cached[0] is configuration:
        return cached[1]
    names = MappingProxyType({e.code: e.name for e in configuration.content.agencies if e.name})
    _NAMES["last"] = (configuration, names)
    return names


_NAMES: dict[str, tuple[object, Mapping[str, str]]] = {}


@dataclass(frozen=True)
class Console:
    """The node served, its users, the open sessions, the login throttle and the clock."""

    #: The node with the configuration in use now (a serving node refreshes it).
    current: Callable[[], Node]
    users: UserFile
    sessions: Sessions
    clock: Callable[[], datetime]
    templates: Jinja2Templates
    throttle: LoginThrottle

    @classmethod
    def create(
        cls,
        node: Node | Callable[[], Node],
        users: UserFile,
        clock: Callable[[], datetime],
        policy: LoginPolicy,
    ) -> Console:
        current: Callable[[], Node] = (lambda: node) if isinstance(node, Node) else node
        throttle = LoginThrottle(lambda: current().database, policy, clock)
        # In the database, as the throttle: every process of the node serves every session.
        sessions = Sessions(clock=clock, backend=database_sessions(lambda: current().database))
        return cls(current, users, sessions, clock, _templates(), throttle)

    @property
    def node(self) -> Node:
        return self.current()

    def session(self, request: Request) -> Session | None:
        """The request's session, if open and its user's record unchanged since the login: a
        removed user, or one whose password or roles changed, is logged out at once."""
        identifier = request.cookies.get(SESSION_COOKIE)
        session = self.sessions.get(identifier)
        if session is not None and not self.users.still(session.principal):
            self.sessions.close(identifier)
            return None
        return session

    def render(self, request: Request, name: str, context: dict[str, Any], *, status: int = 200) -> Response:
        lang = language(request)
        session = self.session(request)
        other = "en" if lang == "vi" else "vi"
        switched = request.url.include_query_params(lang=other)
        base = {
            "lang": lang,
            "t": _words.words(lang),
            "status_label": lambda code: _words.status_label(code, lang),
            "session": session,
            "user": session.principal if session else None,
            "csrf": session.csrf if session else "",
            "path": request.url.path,
            "other_lang": other,
            # The page as it is (a list's filters, its page number) in the other language.
            "other_lang_url": f"{switched.path}?{switched.query}",
            "prefix": PREFIX,
            "name_of": agency_names(self.node).get,
            "size": lambda value: _words.size(value, lang),
        }
        response = self.templates.TemplateResponse(request, name, {**base, **context}, status_code=status)
        if request.query_params.get("lang") in {"vi", "en"}:
            response.set_cookie(
                _words.LANG_COOKIE, lang, max_age=365 * 86400, secure=True, httponly=True, samesite="lax"
            )
        return response

    def audit(
        self, request: Request, user: ConsoleUser | None, action: str, target: str = "", **params: str
    ) -> None:
        """Record ``action`` (a kebab-case code) by ``user`` (None: someone not logged in, named
        by ``params``) in the node's audit log. Blocking: routes call it in a worker thread."""
        entry = NodeAuditEntry(
            at=self.clock(),
            actor=user.name if user is not None else "",
            action=action,
            target=target,
            params=params,
            address=request.client.host if request.client else "",
        )
        with NodeAudit.begin(self.node.database) as audit:
            audit.record(entry)

    def refused(self, request: Request, status: int, key: str) -> Response:
        return self.render(request, "refused.html", {"message_key": key}, status=status)

    def login_redirect(self, request: Request) -> Response:
        """GET pages without a session go to the login form; other requests get 401."""
        if request.method == "GET" and not request.url.path.endswith(".json"):
            target = quote(request.url.path, safe="/")
            return RedirectResponse(f"{PREFIX}/login?next={target}", status_code=303)
        return self.refused(request, 401, "login_required")


def may(user: ConsoleUser, roles: frozenset[Role]) -> bool:
    return user.has(roles)
