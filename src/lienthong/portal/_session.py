"""Portal logins: an admin pastes their bearer token once; the portal gives a session cookie."""

from __future__ import annotations

from typing import Final

from lienthong.directory import Admin
from lienthong.net import Session as _Session
from lienthong.net import SessionStore

SESSION_COOKIE: Final = "lt_portal_session"

Session = _Session[Admin]
Sessions = SessionStore[Admin]
