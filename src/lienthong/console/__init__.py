"""The agency console (văn bản đến / văn bản đi), served by each node.

>>> users = UserFile.in_home(home)                                   # doctest: +SKIP
>>> users.add("lan", "mật khẩu dài", roles=[Role.CLERK], codes=["000.00.00.G22"])  # doctest: +SKIP
>>> app = create_console(node, users=users)                          # doctest: +SKIP

Pages are server-rendered (Jinja2), Vietnamese by default (``?lang=en``), usable from the
keyboard and on a phone. Clerks register, refuse and send; leaders assign and answer recalls;
administrators may do everything.

Wrong passwords are throttled per user name and per client address (``LoginPolicy``; by
default 5 for a name or 20 from an address within 15 minutes lock it for 15 minutes, doubling
on each repeat within a day, up to a day), counted and audited in the node's database. A
session ends at its next request once its user is removed, disabled or given a new password or
roles. Operators read the users (with their lockouts) and the node's audit log under
``/console/operator/``; administrators change the users there, every change audited.
"""

from lienthong.console._app import create_console
from lienthong.console._throttle import LoginPolicy, LoginSettingsError
from lienthong.console._users import USERS_FILE, ConsoleUser, Role, UserError, UserFile
from lienthong.console._web import ACTION_ROLES, COMPOSE_ROLES, PREFIX

__all__ = [
    "ACTION_ROLES",
    "COMPOSE_ROLES",
    "PREFIX",
    "USERS_FILE",
    "ConsoleUser",
    "LoginPolicy",
    "LoginSettingsError",
    "Role",
    "UserError",
    "UserFile",
    "create_console",
]
