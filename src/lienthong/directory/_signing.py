"""The directory's signing key and the anchor nodes verify with.

A ``DirectoryKey`` is a signing key (ECDSA P-256, RSA or Ed25519) and its X.509 certificate,
loaded once from PEM files or a PKCS#11 token; it signs bytes through a ``trust.Signer``. A
``ConfigurationAnchor`` is what a node is bootstrapped with: the directory's certificate, and
optionally its name and URL. Anchors are PEM certificate files, or JSON files
``{"directory": …, "url": …, "certificate": PEM}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import NameOID

from lienthong._i18n import msg
from lienthong.directory._certs import certificate_pem, fingerprint, load_certificate_pem
from lienthong.directory._errors import DirectoryKeyError
from lienthong.errors import message_of
from lienthong.trust import KeyLoadError, KeySigner, Signer, is_pkcs11_uri, load_signer

SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey

#: Algorithm names written in a configuration's header, by key type.
ES256: Final = "ES256"
RS256: Final = "RS256"
EDDSA: Final = "EdDSA"


def _algorithm(public_key: object) -> str:
    if isinstance(public_key, ec.EllipticCurvePublicKey) and isinstance(public_key.curve, ec.SECP256R1):
        return ES256
    if isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size >= 2048:
        return RS256
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        return EDDSA
    raise DirectoryKeyError(msg("directory-key-type-unsupported"))


class DirectoryKey:
    """The directory's configuration-signing key and certificate. Load it once per process.

    It signs through a ``trust.Signer``, so the key may be a PEM file or live in a PKCS#11 token;
    the signature is the same either way (``Signer.sign_raw``: PKCS#1 v1.5, DER ECDSA, Ed25519),
    so configurations keep their format whatever holds the key."""

    __slots__ = ("signer",)

    def __init__(self, key: SigningKey | Signer, certificate: x509.Certificate | None = None) -> None:
        """From a signer, or (as before signers) from a private key held here and its certificate."""
        if isinstance(key, Signer):
            signer = key
        else:
            if certificate is None:
                raise TypeError("a private key needs its certificate")
            if key.public_key() != certificate.public_key():
                raise DirectoryKeyError(msg("directory-key-certificate-mismatch"))
            _algorithm(certificate.public_key())
            signer = KeySigner(key, certificate)
        _algorithm(signer.certificate.public_key())
        #: What signs: a file key or a token key.
        self.signer: Signer = signer

    @classmethod
    def load(
        cls, key_path: str | Path, certificate_path: str | Path, *, password: bytes | None = None
    ) -> DirectoryKey:
        """The key ``key_path`` names (a PEM file, or a ``pkcs11:`` URI) and its certificate."""
        if is_pkcs11_uri(str(key_path)):
            try:
                return cls(load_signer(str(key_path), certificate_path, password=password))
            except KeyLoadError as exc:
                raise DirectoryKeyError(exc.message) from exc
        try:
            key = serialization.load_pem_private_key(Path(key_path).read_bytes(), password)
        except (OSError, ValueError, TypeError) as exc:
            raise DirectoryKeyError(
                msg("directory-private-key-unreadable", path=str(key_path), reason=message_of(exc))
            ) from exc
        try:
            certificate = load_certificate_pem(
                Path(certificate_path).read_bytes(), what=str(certificate_path)
            )
        except OSError as exc:
            raise DirectoryKeyError(f"{certificate_path}: {exc.strerror}") from exc
        if not isinstance(key, SigningKey):
            _algorithm(None)
        assert isinstance(key, SigningKey)
        return cls(key, certificate)

    @property
    def certificate(self) -> x509.Certificate:
        return self.signer.certificate

    @property
    def private_key(self) -> SigningKey:
        """The key itself, for a key held in this process (a token's never leaves it)."""
        if not isinstance(self.signer, KeySigner):
            raise DirectoryKeyError(msg("directory-key-in-token"))
        return self.signer.private_key

    @property
    def algorithm(self) -> str:
        return _algorithm(self.certificate.public_key())

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    def sign(self, data: bytes) -> bytes:
        return self.signer.sign_raw(data, hashes.SHA256())

    def anchor(self, *, directory: str | None = None, url: str | None = None) -> ConfigurationAnchor:
        """The anchor a node needs to trust configurations signed with this key."""
        return ConfigurationAnchor(self.certificate, directory=directory, url=url)


@dataclass(frozen=True, slots=True)
class ConfigurationAnchor:
    """What a node trusts: the directory's certificate (and its name and URL, if given)."""

    certificate: x509.Certificate
    directory: str | None = None
    url: str | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    @classmethod
    def load(cls, path: str | Path) -> ConfigurationAnchor:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise DirectoryKeyError(f"{path}: {exc.strerror}") from exc
        if data.lstrip().startswith(b"-----BEGIN"):
            return cls(load_certificate_pem(data, what=str(path)))
        try:
            document = json.loads(data)
            return cls(
                load_certificate_pem(document["certificate"], what=str(path)),
                directory=document.get("directory"),
                url=document.get("url"),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise DirectoryKeyError(
                msg("directory-anchor-file-invalid", path=str(path), reason=message_of(exc))
            ) from exc

    def to_json(self) -> str:
        document = {
            "directory": self.directory,
            "url": self.url,
            "certificate": certificate_pem(self.certificate),
        }
        return json.dumps(document, ensure_ascii=False, indent=2)

    def verify(self, signature: bytes, data: bytes) -> None:
        """Raise ``InvalidSignature`` unless ``signature`` over ``data`` is the directory's."""
        key = self.certificate.public_key()
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, data)
        else:
            raise InvalidSignature("unsupported anchor key")


def generate_directory_key(
    common_name: str, *, not_before: datetime | None = None, valid_for: timedelta = timedelta(days=3650)
) -> DirectoryKey:
    """A new ECDSA P-256 key with a self-signed certificate: for a new network, and for tests."""
    start = not_before or datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + valid_for)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return DirectoryKey(key, certificate)


def private_key_pem(key: DirectoryKey) -> bytes:
    return key.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
