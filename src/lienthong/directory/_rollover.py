"""The configuration-signing key rolling over, on both sides, with no node operator involved.

Directory side: ``announce_next_key`` names the next key in the directory's home
(``signing-keys.json``); every configuration signed from then on carries its certificate
(``next_signer``). ``switch_key`` makes it the signing key. A running ``directory serve`` sees
both at its next signing (``SigningKeys.state`` looks at the file's stamp): no restart, and a
restart keeps the key switched to (the file wins over ``--key``).

Node side: a configuration signed by the announced key verifies (``verify_configuration``); its
anchor is then pinned in a file beside the node's anchor file (``pin_anchor``), which wins over
the anchor file from then on (``load_pinned_anchor``): the old key is refused after the switch.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cryptography import x509

from lienthong._i18n import msg
from lienthong.directory._errors import DirectoryKeyError
from lienthong.directory._files import write_atomically
from lienthong.directory._signing import ConfigurationAnchor, DirectoryKey
from lienthong.errors import message_of
from lienthong.trust import is_pkcs11_uri

#: The directory home's file naming the signing key switched to and the next key announced.
KEYS_FILE: Final = "signing-keys.json"


@dataclass(frozen=True, slots=True)
class KeyReference:
    """Where a key is: a PEM file path or a ``pkcs11:`` URI, and its certificate's path."""

    key: str
    certificate: str

    def load(self) -> DirectoryKey:
        return DirectoryKey.load(self.key, self.certificate)


@dataclass(frozen=True, slots=True)
class KeyFile:
    """What ``signing-keys.json`` says: the key switched to (None: ``--key``), the next one."""

    current: KeyReference | None = None
    next: KeyReference | None = None

    @classmethod
    def read(cls, home: Path) -> KeyFile:
        path = home / KEYS_FILE
        try:
            document = json.loads(path.read_bytes())
            return cls(
                *(
                    None if document.get(k) is None else KeyReference(**document[k])
                    for k in ("current", "next")
                )
            )
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            raise DirectoryKeyError(
                msg("directory-keys-file-invalid", path=str(path), reason=message_of(exc))
            ) from exc

    def write(self, home: Path) -> None:
        document = {
            "current": None
            if self.current is None
            else {"key": self.current.key, "certificate": self.current.certificate},
            "next": None
            if self.next is None
            else {"key": self.next.key, "certificate": self.next.certificate},
        }
        write_atomically(home / KEYS_FILE, json.dumps(document, indent=2).encode("utf-8"))


def _reference(key: str, certificate: Path) -> KeyReference:
    # Absolute: the file is read by a server whose working directory may differ.
    named = key if is_pkcs11_uri(key) else str(Path(key).resolve())
    return KeyReference(named, str(certificate.resolve()))


def announce_next_key(home: Path, key: str, certificate: Path) -> DirectoryKey:
    """Name the next signing key in ``home``; it is loaded first (a key that cannot sign, or not
    with that certificate, is refused here rather than at the switch)."""
    reference = _reference(key, certificate)
    loaded = reference.load()
    current = KeyFile.read(home).current
    KeyFile(current=current, next=reference).write(home)
    return loaded


def switch_key(home: Path) -> DirectoryKey:
    """Make the announced key the signing key: configurations are signed with it from now on."""
    keys = KeyFile.read(home)
    if keys.next is None:
        raise DirectoryKeyError(msg("directory-key-none-announced"))
    loaded = keys.next.load()
    KeyFile(current=keys.next, next=None).write(home)
    return loaded


@dataclass(frozen=True, slots=True)
class SigningState:
    """The key to sign with, the next key's certificate to announce, and a stamp that changes
    whenever either does (the publisher signs again then)."""

    key: DirectoryKey
    next_certificate: x509.Certificate | None
    stamp: tuple[int, int] | None


class SigningKeys:
    """The directory's signing key as a running server sees it: ``key`` (from ``--key``) unless
    the home's ``signing-keys.json`` names another, and the next key announced there."""

    def __init__(self, key: DirectoryKey, home: Path | None = None) -> None:
        self._home = home
        self._lock = threading.Lock()
        self._state = SigningState(key, None, None)
        self._loaded: dict[KeyReference, DirectoryKey] = {}
        self._base = key
        if home is not None:
            self.state()  # a broken file stops the start, not the first signature

    def _stamp(self) -> tuple[int, int] | None:
        assert self._home is not None
        try:
            stat = (self._home / KEYS_FILE).stat()
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def _load(self, reference: KeyReference) -> DirectoryKey:
        if reference not in self._loaded:  # once: a token's session is opened once
            self._loaded[reference] = reference.load()
        return self._loaded[reference]

    def state(self) -> SigningState:
        """What to sign with now (a file read only when its stamp changed). Blocking."""
        if self._home is None:
            return self._state
        with self._lock:
            stamp = self._stamp()
            if stamp != self._state.stamp:
                keys = KeyFile.read(self._home)
                key = self._base if keys.current is None else self._load(keys.current)
                following = None if keys.next is None else self._load(keys.next).certificate
                self._state = SigningState(key, following, stamp)
            return self._state


def pinned_path(anchor_path: Path) -> Path:
    """Where a node keeps the anchor it switched to, beside its anchor file."""
    return anchor_path.with_name(anchor_path.stem + ".pinned.json")


def load_pinned_anchor(anchor_path: Path) -> ConfigurationAnchor:
    """The node's anchor: the one it pinned at a key switch if any, else its anchor file's."""
    pinned = pinned_path(anchor_path)
    return ConfigurationAnchor.load(pinned if pinned.exists() else anchor_path)


def pin_anchor(path: Path, anchor: ConfigurationAnchor) -> None:
    """Keep ``anchor`` at ``path`` (atomically, the owner's only)."""
    write_atomically(path, anchor.to_json().encode("utf-8"))
