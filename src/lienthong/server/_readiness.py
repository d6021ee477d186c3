"""``NodeReadiness``: what a serving node's ``/readyz`` checks (``lienthong.api.install_health``).

- ``database``: a write statement runs (rolled back): a standby after a failover, a read-only
  file or a database out of reach fails it.
- ``configuration``: a verified configuration is held and has not expired.
- ``keys``: the TLS certificate and the agencies' signing certificates are within their
  validity, and the seal and every agency signer sign (a token logged out, a key file gone
  unreadable after start).
- ``serving``: the process is not stopping (a balancer stops sending before the goodbye).
- listener ``peer``: the peer listener is bound and its server running; asked with
  ``/readyz?listener=peer`` on the API port, so a balancer checks it without the client
  certificate the peer listener requires.

What failed is said with a catalogue message naming no path and carrying no driver text; the
detail goes to the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from cryptography.hazmat.primitives import hashes

from lienthong._clock import Clock, utc_now
from lienthong._i18n import Message, msg
from lienthong.api import Readiness
from lienthong.directory import ConfigurationMissing
from lienthong.errors import LienthongError
from lienthong.node import NodeRuntime, certificates_of, subject_of
from lienthong.store import StoreError, check_writable

_log = logging.getLogger("lienthong.node.readiness")

#: Signed by each key at each check (never sent anywhere).
_PROBE = b"lienthong readiness probe"
#: The certificates whose end stops the node (anchors and the directory's are the network's).
_OWN_ROLES = frozenset({"tls", "chain", "signer"})


class NodeReadiness:
    """The readiness checks of one serving process."""

    def __init__(self, runtime: NodeRuntime, *, clock: Clock = utc_now, cache: float = 1.0) -> None:
        self.runtime = runtime
        self.clock = clock
        self.cache = cache
        #: Set once the process begins to stop.
        self.stopping = False
        #: Whether the peer listener serves; the serving loop sets it once bound.
        self.peer_serving: Callable[[], bool] = lambda: False

    def readiness(self) -> Readiness:
        return Readiness(
            checks={
                "database": self.database,
                "configuration": self.configuration,
                "keys": self.keys,
                "serving": self.serving,
            },
            listeners={"peer": self.peer},
            cache=self.cache,
        )

    def database(self) -> Message | None:
        try:
            check_writable(self.runtime.database)
        except StoreError as exc:
            _log.warning("readiness: the database takes no write: %s", exc)
            return msg("health-database-unwritable")
        return None

    def configuration(self) -> Message | None:
        try:
            configuration = self.runtime.source.configuration()
        except ConfigurationMissing as exc:
            _log.warning("readiness: no configuration: %s", exc)
            return msg("health-configuration-missing")
        if configuration.expires_at <= self.clock():
            return msg("health-configuration-expired", expired=_stamp(configuration.expires_at))
        return None

    def keys(self) -> Message | None:
        now = self.clock()
        try:
            held = certificates_of(self.runtime.home, self.runtime.source.configuration)
        except (OSError, ValueError, LienthongError) as exc:
            _log.warning("readiness: certificates unreadable: %s", exc)
            return msg("health-certificates-unreadable")
        for role, certificate in held:
            valid = certificate.not_valid_before_utc <= now < certificate.not_valid_after_utc
            if role in _OWN_ROLES and not valid:
                return msg(
                    "health-certificate-outside-validity",
                    role=role,
                    subject=subject_of(certificate),
                    until=_stamp(certificate.not_valid_after_utc),
                )
        signers = {"seal": self.runtime.key, **self.runtime.signers}
        for name, signer in signers.items():
            try:
                signer.sign_raw(_PROBE, hashes.SHA256())
            except Exception:  # any key failure (a token, a file) says not ready; the log says why
                _log.exception("readiness: the key %s does not sign", name)
                return msg("health-key-unusable", key=name)
        return None

    def serving(self) -> Message | None:
        return msg("health-stopping") if self.stopping else None

    def peer(self) -> Message | None:
        if self.stopping or not self.peer_serving():
            return msg("health-peer-listener-down")
        return None


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
