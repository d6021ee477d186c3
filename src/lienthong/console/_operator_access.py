"""What the operator's pages share: who may see them, and pages of a long list.

Every operator page and action is for ``Role.OPERATOR`` (administrators may too), checked here
on the server for each request; others get the 403 page whether or not a link was shown.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from lienthong.console._session import Session
from lienthong.console._users import Role
from lienthong.console._web import PREFIX, Console, may

OPERATOR_ROLES: Final = frozenset({Role.OPERATOR})
#: Where the operator's pages live.
OPERATOR: Final = f"{PREFIX}/operator"
#: Rows a page lists; the pager reaches the others (no silent cap).
PAGE_SIZE: Final = 50
#: Where a form may send the operator back to: an operator page, nothing else.
_BACK = re.compile(rf"{re.escape(OPERATOR)}/[A-Za-z0-9/_-]*(\?[A-Za-z0-9=&%._+-]*)?")


def operator_session(console: Console, request: Request) -> Session | Response:
    """The request's session if its user is an operator; else the login redirect or a 403 page."""
    session = console.session(request)
    if session is None:
        return console.login_redirect(request)
    if not may(session.principal, OPERATOR_ROLES):
        return console.refused(request, 403, "forbidden")
    return session


def back_to(posted: str, default: str) -> str:
    """``posted`` if it names an operator page (a form's way back), else ``default``."""
    return posted if _BACK.fullmatch(posted) else default


@dataclass(frozen=True, slots=True)
class Pager:
    """Page ``number`` (from 1) of ``total`` rows, ``size`` a page; links keep the other
    query parameters (``query``: the filters, without ``page``)."""

    number: int
    total: int
    query: tuple[tuple[str, str], ...] = ()
    size: int = PAGE_SIZE

    @classmethod
    def asked(cls, request: Request) -> int:
        """The page a request asks for: ``?page=n`` (from 1; anything else is page 1)."""
        text = request.query_params.get("page", "1")
        return max(1, int(text)) if text.isdigit() and len(text) < 9 else 1

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def count(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def first(self) -> int:
        return 0 if self.total == 0 else self.offset + 1

    @property
    def last(self) -> int:
        return min(self.total, self.offset + self.size)

    def link(self, number: int) -> str:
        return "?" + urlencode([*self.query, ("page", str(number))])
