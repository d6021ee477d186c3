"""Naming a key: a PEM path or an RFC 7512 PKCS#11 URI, read without touching a token."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lienthong._i18n import Message
from lienthong.trust import KeyLoadError, KeySigner, TrustError, is_pkcs11_uri, load_signer, parse_pkcs11_uri
from support.pki import GeneratedPki


def _code(error: TrustError) -> str:
    assert isinstance(error.message, Message), error.message
    return error.message.code


def test_path_and_query_attributes_percent_decoded() -> None:
    uri = parse_pkcs11_uri(
        "pkcs11:token=S%E1%BB%9F%20N%E1%BB%99i%20v%E1%BB%A5;object=seal;id=%01%02;type=private"
        "?pin-source=file:/run/pin&module-path=/usr/lib/p11.so"
    )
    assert uri.token == "Sở Nội vụ" and uri.object == "seal" and uri.id == b"\x01\x02"
    assert uri.pin_source == "file:/run/pin" and uri.module_path == "/usr/lib/p11.so"
    # The brief's own form: every attribute in the path; an id in pkcs11-tool's hex.
    uri = parse_pkcs11_uri("pkcs11:token=T;id=0a0b;pin-source=env:PIN;module-path=/m.so")
    assert uri.id == b"\x0a\x0b" and uri.object is None and uri.pin_source == "env:PIN"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("pkcs11:token=T;object=O;pin-value=1234", "trust-pkcs11-pin-value-refused"),
        ("pkcs11:token=T", "trust-pkcs11-uri-no-object"),
        ("pkcs11:token=T;object=O;tokn=x", "trust-pkcs11-uri-invalid"),
        ("pkcs11:token=T;object=O;object=P", "trust-pkcs11-uri-invalid"),
        ("pkcs11:token=T;object=O;type=cert", "trust-pkcs11-uri-invalid"),
        ("pkcs11:token=T;object", "trust-pkcs11-uri-invalid"),
    ],
)
def test_refused_uris(text: str, code: str) -> None:
    with pytest.raises(KeyLoadError) as raised:
        parse_pkcs11_uri(text)
    assert _code(raised.value) == code


def test_pin_and_module_from_the_environment(tmp_path: Path) -> None:
    uri = parse_pkcs11_uri("pkcs11:token=T;object=O")
    module = tmp_path / "p11.so"
    module.write_bytes(b"")
    assert uri.module({"LIENTHONG_PKCS11_MODULE": str(module)}) == str(module)
    assert uri.pin({"LIENTHONG_PKCS11_PIN": "1234"}) == "1234"
    calls: list[tuple[Callable[[], str], str]] = [
        (lambda: uri.module({}), "trust-pkcs11-module-unnamed"),
        (lambda: uri.pin({}), "trust-pkcs11-pin-missing"),
        (
            lambda: parse_pkcs11_uri("pkcs11:object=O;pin-source=env:P").pin({}),
            "trust-pkcs11-pin-variable-unset",
        ),
        (
            lambda: parse_pkcs11_uri(f"pkcs11:object=O;pin-source=file:{tmp_path}/none").pin({}),
            "trust-pkcs11-pin-unreadable",
        ),
    ]
    for call, code in calls:
        with pytest.raises(KeyLoadError) as raised:
            call()
        assert _code(raised.value) == code


def test_a_path_is_a_file_key(test_pki: GeneratedPki) -> None:
    issued = test_pki.issued["sender"]
    assert not is_pkcs11_uri(str(issued.key_path)) and is_pkcs11_uri("PKCS11:object=x")
    signer = load_signer(str(issued.key_path), issued.cert_path, [test_pki.pki.issuing_path])
    assert isinstance(signer, KeySigner)
