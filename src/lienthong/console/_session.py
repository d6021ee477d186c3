"""Console logins: sessions in memory, each with a CSRF token its forms post back.

A restart logs everyone out; a session ends after eight hours. The cookie is ``Secure``,
``HttpOnly``, ``SameSite=Strict``, limited to the console's path. The login form, posted before
any session exists, is protected by a double-submit token (cookie plus hidden field).
"""

from __future__ import annotations

from typing import Final

from lienthong.console._users import ConsoleUser
from lienthong.net import Session as _Session
from lienthong.net import SessionStore, same_token

SESSION_COOKIE: Final = "lt_console_session"
LOGIN_COOKIE: Final = "lt_console_login"


Session = _Session[ConsoleUser]
Sessions = SessionStore[ConsoleUser]

__all__ = ["LOGIN_COOKIE", "SESSION_COOKIE", "Session", "Sessions", "same_token"]
