"""Private keys in a backup: each one PKCS#8, encrypted with the operator's passphrase.

``cryptography``'s ``BestAvailableEncryption`` chooses the scheme (today PBES2: a key derived
from the passphrase with PBKDF2-HMAC-SHA256, AES-256-CBC), so a backup file alone gives no key
away and a newer library strengthens backups made with it. A restore decrypts each key back
to the unencrypted PKCS#8 PEM the node loads.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from lienthong._i18n import msg
from lienthong.node._errors import NodeError

#: What a PEM private key file holds (PKCS#8, PKCS#1 or SEC 1; encrypted or not).
_MARK = b"PRIVATE KEY-----"


def is_private_key(data: bytes) -> bool:
    return data.lstrip().startswith(b"-----BEGIN") and _MARK in data


def encrypt_key(pem: bytes, passphrase: bytes, *, name: str) -> bytes:
    key = _load(pem, None, name=name)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )


def decrypt_key(pem: bytes, passphrase: bytes, *, name: str) -> bytes:
    key = _load(pem, passphrase, name=name)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _load(pem: bytes, passphrase: bytes | None, *, name: str) -> PrivateKeyTypes:
    try:
        return serialization.load_pem_private_key(pem, password=passphrase)
    except (ValueError, TypeError) as exc:
        # One answer for a wrong passphrase and a damaged key: cryptography does not tell them apart.
        raise NodeError(msg("node-backup-key-unreadable", name=name)) from exc
