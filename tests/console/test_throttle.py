"""Console logins throttled, on a real console served over TLS on loopback: wrong passwords
lock the user name (or the client address, here 127.0.0.1 against 127.0.0.2) for a while, a
locked login is refused with 429 before its password is looked at, the lockout expires by the
console's clock, and every attempt and lockout is in the node's database."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from console.console_support import PASSWORD, csrf_of, users_at
from lienthong.console import ConsoleUser, LoginPolicy, LoginSettingsError, UserFile, create_console
from lienthong.net import ServerThread, serve_in_thread, server_context
from lienthong.store import LockoutKind, LoginOutcome, LoginStore
from node.node_network import AT, Network


class Clock:
    """The console's time, moved by the test."""

    def __init__(self) -> None:
        self.now = AT

    def __call__(self) -> datetime:
        return self.now


class CountingUsers(UserFile):
    """The users file, counting the passwords it checked (each one a scrypt)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.checked = 0

    def authenticate(self, name: str, password: str) -> ConsoleUser | None:
        self.checked += 1
        return super().authenticate(name, password)


@dataclass
class Served:
    server: ServerThread
    users: CountingUsers
    clock: Clock
    tls: ssl.SSLContext

    def client(self, address: str = "127.0.0.1") -> httpx.Client:
        """A browser at ``address`` (loopback holds all of 127/8)."""
        transport = httpx.HTTPTransport(local_address=address, verify=self.tls)
        port = self.server.url.rsplit(":", 1)[1]
        return httpx.Client(transport=transport, base_url=f"https://localhost:{port}")


def _serve(network: Network, home: Path, clock: Clock, policy: LoginPolicy | None = None) -> Served:
    users_at(home)
    users = CountingUsers(home / "console-users.json")
    app = create_console(network.receiver, users=users, clock=clock, login_policy=policy)
    issued = network.pki.pki.issued("vpcp")
    fullchain = home / "tls.fullchain.pem"
    fullchain.write_bytes(issued.cert_path.read_bytes() + network.pki.pki.issuing_path.read_bytes())
    context = server_context(
        certificate=fullchain, key=issued.key_path, client_anchors=None, require_client_certificate=False
    )
    trust = ssl.create_default_context(cafile=str(network.pki.pki.root_path))
    return Served(serve_in_thread(app, context), users, clock, trust)


@pytest.fixture
def served(network: Network, tmp_path: Path) -> Iterator[Served]:
    served = _serve(network, tmp_path / "home", Clock())
    try:
        yield served
    finally:
        served.server.stop()


def log_in(client: httpx.Client, name: str, password: str, *, lang: str = "vi") -> httpx.Response:
    page = client.get(f"/console/login?lang={lang}")
    return client.post(
        f"/console/login?lang={lang}", data={"user": name, "password": password, "csrf": csrf_of(page.text)}
    )


def test_five_wrong_passwords_lock_the_user_and_the_right_one_is_then_refused_unchecked(
    served: Served,
) -> None:
    with served.client() as browser:
        for _ in range(4):
            assert log_in(browser, "lan", "sai-mat-khau").status_code == 422
        fifth = log_in(browser, "lan", "sai-mat-khau")
        assert fifth.status_code == 429
        assert fifth.headers["Retry-After"] == "900"
        checked = served.users.checked
        right = log_in(browser, "lan", PASSWORD)
        assert right.status_code == 429
        assert "Hãy thử lại sau 15 phút" in right.text
        assert int(right.headers["Retry-After"]) == 900
        assert served.users.checked == checked, "a locked login's password was checked (scrypt run)"
        english = log_in(browser, "lan", PASSWORD, lang="en")
        assert english.status_code == 429
        assert "Try again in 15 minutes" in english.text
        assert "lt_console_session" not in browser.cookies


def test_lockout_ends_by_the_clock_and_the_next_one_lasts_twice_as_long(served: Served) -> None:
    with served.client() as browser:
        for _ in range(5):
            log_in(browser, "lan", "sai-mat-khau")
        served.clock.now = AT + timedelta(minutes=10)
        assert log_in(browser, "lan", PASSWORD).headers["Retry-After"] == "300"
        served.clock.now = AT + timedelta(minutes=15, seconds=1)
        for _ in range(4):
            assert log_in(browser, "lan", "sai-mat-khau").status_code == 422
        again = log_in(browser, "lan", "sai-mat-khau")
        assert again.status_code == 429
        assert again.headers["Retry-After"] == str(30 * 60)
        served.clock.now += timedelta(minutes=30, seconds=1)
        assert log_in(browser, "lan", PASSWORD).status_code == 303


def test_a_correct_password_clears_the_count_of_its_user(served: Served) -> None:
    with served.client() as browser:
        for _ in range(4):
            log_in(browser, "lan", "sai-mat-khau")
        assert log_in(browser, "lan", PASSWORD).status_code == 303
    with served.client() as browser:
        for _ in range(4):
            assert log_in(browser, "lan", "sai-mat-khau").status_code == 422


def test_failures_older_than_the_window_no_longer_count(served: Served) -> None:
    with served.client() as browser:
        for _ in range(4):
            log_in(browser, "lan", "sai-mat-khau")
        served.clock.now += timedelta(minutes=15, seconds=1)
        for _ in range(4):
            assert log_in(browser, "lan", "sai-mat-khau").status_code == 422
        assert log_in(browser, "lan", "sai-mat-khau").status_code == 429


def test_a_locked_user_leaves_other_users_alone(served: Served) -> None:
    with served.client() as browser:
        for _ in range(5):
            log_in(browser, "lan", "sai-mat-khau")
        assert log_in(browser, "minh", PASSWORD).status_code == 303


def test_an_address_guessing_many_names_is_locked_and_other_addresses_are_not(served: Served) -> None:
    with served.client("127.0.0.2") as guesser:
        for i in range(19):
            assert log_in(guesser, f"khach{i}", "sai-mat-khau").status_code == 422
        assert log_in(guesser, "khach19", "sai-mat-khau").status_code == 429
        assert log_in(guesser, "minh", PASSWORD).status_code == 429
    with served.client("127.0.0.1") as clerk:
        assert log_in(clerk, "minh", PASSWORD).status_code == 303


def test_attempts_and_lockouts_are_audited_in_the_node_database(served: Served, network: Network) -> None:
    with served.client("127.0.0.3") as browser:
        for _ in range(5):
            log_in(browser, "lan", "sai-mat-khau")
        log_in(browser, "lan", PASSWORD)
        assert log_in(browser, "minh", PASSWORD).status_code == 303
    with LoginStore.begin(network.receiver.database) as store:
        attempts = store.attempts()
        lockouts = store.lockouts()
    assert [(a.user, a.address, a.outcome) for a in reversed(attempts)] == [
        *[("lan", "127.0.0.3", LoginOutcome.FAILURE)] * 5,
        ("lan", "127.0.0.3", LoginOutcome.LOCKED),
        ("minh", "127.0.0.3", LoginOutcome.SUCCESS),
    ]
    assert [(o.kind, o.subject, o.address, o.starts_at, o.ends_at) for o in lockouts] == [
        (LockoutKind.USER, "lan", "127.0.0.3", AT, AT + timedelta(minutes=15))
    ]


def test_a_lockout_holds_for_another_console_on_the_same_database(
    served: Served, network: Network, tmp_path: Path
) -> None:
    """Another process, or this one restarted: the counts are in the database, not in memory."""
    with served.client() as browser:
        for _ in range(5):
            log_in(browser, "lan", "sai-mat-khau")
    other = _serve(network, tmp_path / "other-home", served.clock)
    try:
        with other.client() as browser:
            assert log_in(browser, "lan", PASSWORD).status_code == 429
    finally:
        other.server.stop()


def test_settings_from_node_json_set_the_counts_and_lengths(network: Network, tmp_path: Path) -> None:
    policy = LoginPolicy.from_settings({"user_failures": 2, "lockout_minutes": 1, "longest_minutes": 1})
    served = _serve(network, tmp_path / "home", Clock(), policy)
    try:
        with served.client() as browser:
            assert log_in(browser, "lan", "sai-mat-khau").status_code == 422
            assert log_in(browser, "lan", "sai-mat-khau").headers["Retry-After"] == "60"
            served.clock.now += timedelta(minutes=1)
            for _ in range(2):
                log_in(browser, "lan", "sai-mat-khau")
            assert log_in(browser, "lan", PASSWORD).headers["Retry-After"] == "60", "not capped by longest"
    finally:
        served.server.stop()


@pytest.mark.parametrize(
    ("settings", "named"),
    [({"user_failure": 3}, "user_failure"), ({"window_minutes": 0}, "window_minutes")],
)
def test_unusable_login_settings_are_refused_by_name(settings: dict[str, object], named: str) -> None:
    with pytest.raises(LoginSettingsError, match=named):
        LoginPolicy.from_settings(settings)
