"""Where a webhook may send: only to addresses on the public internet, unless the operator allows
loopback and private ones (``node serve --allow-private-webhooks``). Otherwise a client could
make the node POST into its own network: its database, its admin pages, a cloud's metadata.

The host is resolved at registration and again before each delivery (its DNS may have changed);
every address it resolves to must be allowed.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence

import httpx

from lienthong._i18n import Message, msg
from lienthong.api._errors import RequestInvalid

#: (host, port) -> the addresses a connection to it may reach.
Resolve = Callable[[str, int], Sequence[str]]


def resolve_host(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (the system's resolver); none when it does not resolve."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return [str(sockaddr[0]) for *_, sockaddr in found]


def _kind(address: str) -> str | None:
    """Why ``address`` is not a public one (``ipaddress``'s word for it), or None."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone names a local link anyway
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind, flag in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("unique-local" if ip.version == 6 else "private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("not global", not ip.is_global),
    ):
        if flag:
            return kind
    return None


def _refused(host: str, why: Message) -> RequestInvalid:
    return RequestInvalid(
        msg("api-webhook-target-refused", host=host, reason=why),
        code="webhook-target-refused",
    )


def check_target(url: str, *, allow_private: bool, resolve: Resolve = resolve_host) -> None:
    """Raise ``RequestInvalid`` (``webhook-target-refused``) unless every address ``url``'s host
    resolves to is public, or the operator allows private ones."""
    if allow_private:
        return
    parsed = httpx.URL(url)
    host = parsed.host
    addresses = resolve(host, parsed.port or (443 if parsed.scheme == "https" else 80))
    if not addresses:
        raise _refused(host, msg("api-webhook-host-unresolved"))
    for address in addresses:
        kind = _kind(address)
        if kind is not None:
            raise _refused(
                host,
                msg("api-webhook-address-private", address=address, kind=kind),
            )
