"""VXP request authentication and hash-file, checked against an independent rendering of the
SDK's procedure (EDXML.md §4) and against every way a request can be wrong."""

from __future__ import annotations

import hashlib
import hmac
import json
import random
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lienthong.vxp import (
    ReplayGuard,
    VxpAuthError,
    VxpCaller,
    format_timestamp,
    hash_file,
    hash_file_matches,
    hash_file_unpadded,
    parse_timestamp,
    sign_headers,
    verify_headers,
)

SECRETS = {"000.00.00.G22": "bí-mật-VPCP", "000.00.00.H26": "secret-hn"}
NOW = datetime(2026, 11, 25, 6, 51, 0, 123000, tzinfo=UTC)


def sdk_headers(
    systemid: str, secret: str, parameters: dict[str, str], *, at: datetime, seed: int = 1
) -> dict[str, str]:
    """What the Java SDK sends, written here from the description alone, keys in hash-map order."""
    local = at.astimezone(timezone(timedelta(hours=7)))
    stamp = local.strftime("%d%m%YT%H%M%S") + "+" + str(local.microsecond // 1000).zfill(4)
    logical = {
        "systemid": systemid,
        "timestamp": stamp,
        "Content-Type": "application/octet-stream",
        **parameters,
    }
    pairs = [("XroadVnpt-" + k, v) for k, v in logical.items()]
    random.Random(seed).shuffle(pairs)  # a HashMap has no order
    text = "{" + ",".join(json.dumps(k) + ":" + json.dumps(v, ensure_ascii=False) for k, v in pairs) + "}"
    headers = dict(pairs)
    headers["XroadVnpt-sign-header-key"] = ";".join(k for k in logical)
    headers["XroadVnpt-sign-header"] = text
    headers["XroadVnpt-hash-header"] = hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
    headers["XroadVnpt-version"] = "3.0.201608"
    headers["Content-Type"] = "application/octet-stream"
    return headers


def verify(headers: dict[str, str], *, at: datetime = NOW, guard: ReplayGuard | None = None) -> VxpCaller:
    return verify_headers(headers, secret_of=SECRETS.get, at=at, replays=guard or ReplayGuard())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_request_signed_as_the_sdk_does_is_accepted(seed: int) -> None:
    headers = sdk_headers(
        "000.00.00.G22",
        SECRETS["000.00.00.G22"],
        {"from": "000.00.00.G22", "servicetype": "eDoc", "messagetype": "edoc"},
        at=NOW,
        seed=seed,
    )
    caller = verify(headers)
    assert caller.systemid == "000.00.00.G22"
    assert caller.parameters["messagetype"] == "edoc"


def test_our_signer_and_verifier_agree() -> None:
    headers = sign_headers(
        {"docId": "42", "servicetype": "eDoc"},
        systemid="000.00.00.H26",
        secret=SECRETS["000.00.00.H26"],
        at=NOW,
        content_type="application/json",
    )
    caller = verify(headers)
    assert caller.parameters["docId"] == "42"
    assert headers["XroadVnpt-version"] == "3.0.201608" and headers["XroadVnpt-hash-header"].islower()


def _refused(headers: dict[str, str], code: str, **kwargs: object) -> None:
    with pytest.raises(VxpAuthError) as raised:
        verify(headers, **kwargs)  # type: ignore[arg-type]
    assert raised.value.code == code, raised.value.message


def test_wrong_hmac_unknown_system_and_altered_header_are_refused() -> None:
    good = sdk_headers("000.00.00.G22", SECRETS["000.00.00.G22"], {"docId": "7"}, at=NOW)
    _refused({**good, "XroadVnpt-hash-header": "00" * 32}, "vxp-bad-hmac")
    wrong_secret = sdk_headers("000.00.00.G22", "another secret", {"docId": "7"}, at=NOW)
    _refused(wrong_secret, "vxp-bad-hmac")
    _refused(sdk_headers("000.00.00.G99", "x", {}, at=NOW), "vxp-unknown-system")
    _refused({**good, "XroadVnpt-docId": "8"}, "vxp-header-mismatch")
    missing = {k: v for k, v in good.items() if k != "XroadVnpt-hash-header"}
    _refused(missing, "vxp-auth-missing")


def test_a_request_more_than_five_minutes_off_is_refused_either_way() -> None:
    for offset in (timedelta(minutes=6), -timedelta(minutes=6)):
        _refused(sdk_headers("000.00.00.G22", SECRETS["000.00.00.G22"], {}, at=NOW + offset), "vxp-stale")
    verify(sdk_headers("000.00.00.G22", SECRETS["000.00.00.G22"], {}, at=NOW + timedelta(minutes=4)))


def test_a_replayed_request_is_refused() -> None:
    guard = ReplayGuard()
    headers = sdk_headers("000.00.00.G22", SECRETS["000.00.00.G22"], {"docId": "1"}, at=NOW)
    verify(headers, guard=guard)
    with pytest.raises(VxpAuthError) as raised:
        verify(headers, guard=guard)
    assert raised.value.code == "vxp-replay"


def test_timestamp_format_is_the_sdks() -> None:
    assert format_timestamp(NOW) == "25112026T135100+0123"
    assert parse_timestamp("25112026T135100+0123") == NOW
    with pytest.raises(ValueError, match="does not match format"):
        parse_timestamp("2026-11-25T13:51:00")


@given(st.binary(max_size=2000))
def test_hash_file_is_accepted_in_both_forms(data: bytes) -> None:
    padded, unpadded = hash_file(data), hash_file_unpadded(data)
    assert padded == hashlib.sha256(data).hexdigest()
    assert unpadded == "".join(format(b, "x") for b in hashlib.sha256(data).digest())
    assert hash_file_matches(data, padded) and hash_file_matches(data, unpadded.upper())
    assert not hash_file_matches(data + b"x", padded)


def test_hash_file_unpadded_known_vector() -> None:
    # SHA-256("abc") = ba7816bf 8f01cfea …: the byte 0x01 loses its zero.
    assert hash_file_unpadded(b"abc").startswith("ba7816bf8f1cfea")
