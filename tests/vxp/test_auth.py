"""VXP request authentication and hash-file, checked against an independent rendering of the
SDK's procedure (EDXML.md §4) and against every way a request can be wrong."""

from __future__ import annotations

import hashlib
import hmac
import json
import random
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lienthong._i18n import LANGUAGES, msg, render
from lienthong.vxp import (
    VIETNAM,
    MemoryReplayGuard,
    VxpAuthError,
    VxpCaller,
    VxpSystem,
    _signing,
    format_timestamp,
    hash_file,
    hash_file_matches,
    hash_file_unpadded,
    parse_timestamp,
    parse_zone,
    sign_headers,
    verify_headers,
)

SECRETS = {"000.00.00.G22": "bí-mật-VPCP", "000.00.00.H26": "secret-hn"}
NOW = datetime(2026, 11, 25, 6, 51, 0, 123000, tzinfo=UTC)


def sdk_headers(
    systemid: str,
    secret: str,
    parameters: dict[str, str],
    *,
    at: datetime,
    seed: int = 1,
    jvm_zone: timezone = timezone(timedelta(hours=7)),
) -> dict[str, str]:
    """What the Java SDK sends, written here from the description alone, keys in hash-map order,
    its clock in ``jvm_zone`` (the JVM's default zone)."""
    local = at.astimezone(jvm_zone)
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


def verify(
    headers: dict[str, str],
    *,
    at: datetime = NOW,
    guard: MemoryReplayGuard | None = None,
    zones: Mapping[str, tzinfo] | None = None,
) -> VxpCaller:
    """``headers`` verified at ``at`` against ``SECRETS`` (with ``zones`` pinned)."""

    def system_of(systemid: str) -> VxpSystem | None:
        secret = SECRETS.get(systemid)
        return None if secret is None else VxpSystem(secret, zone=(zones or {}).get(systemid))

    return verify_headers(headers, system_of=system_of, at=at, replays=guard or MemoryReplayGuard())


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
    _refused({**good, "XroadVnpt-hash-header": "00" * 32}, "vxp-auth-failed")
    wrong_secret = sdk_headers("000.00.00.G22", "another secret", {"docId": "7"}, at=NOW)
    _refused(wrong_secret, "vxp-auth-failed")
    _refused(sdk_headers("000.00.00.G99", "x", {}, at=NOW), "vxp-auth-failed")
    _refused({**good, "XroadVnpt-docId": "8"}, "vxp-header-mismatch")
    missing = {k: v for k, v in good.items() if k != "XroadVnpt-hash-header"}
    _refused(missing, "vxp-auth-missing")


def test_a_request_more_than_five_minutes_off_is_refused_either_way() -> None:
    for offset in (timedelta(minutes=6), -timedelta(minutes=6)):
        _refused(sdk_headers("000.00.00.G22", SECRETS["000.00.00.G22"], {}, at=NOW + offset), "vxp-stale")
    verify(sdk_headers("000.00.00.G22", SECRETS["000.00.00.G22"], {}, at=NOW + timedelta(minutes=4)))


def test_a_replayed_request_is_refused() -> None:
    guard = MemoryReplayGuard()
    headers = sdk_headers("000.00.00.G22", SECRETS["000.00.00.G22"], {"docId": "1"}, at=NOW)
    verify(headers, guard=guard)
    with pytest.raises(VxpAuthError) as raised:
        verify(headers, guard=guard)
    assert raised.value.code == "vxp-replay"


def test_timestamp_format_is_the_sdks() -> None:
    assert format_timestamp(NOW) == "25112026T135100+0123"
    assert format_timestamp(NOW, zone=UTC) == "25112026T065100+0123"
    # The text names no zone: what is read is wall-clock time, naive.
    assert parse_timestamp("25112026T135100+0123") == datetime(2026, 11, 25, 13, 51, 0, 123000)
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


def _mac_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The secrets ``verify_headers`` computes an HMAC with, in order (the real HMAC still runs)."""
    keys: list[str] = []
    real = _signing._mac

    def counted(secret: str, text: str) -> str:
        keys.append(secret)
        return real(secret, text)

    monkeypatch.setattr(_signing, "_mac", counted)
    return keys


def test_an_unknown_systemid_and_a_wrong_hmac_are_one_refusal_reached_by_the_same_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keys = _mac_calls(monkeypatch)
    refusals = []
    for headers in (
        sdk_headers("000.00.00.G22", "another secret", {"docId": "7"}, at=NOW),
        sdk_headers("000.00.00.G99", "another secret", {"docId": "7"}, at=NOW),
    ):
        with pytest.raises(VxpAuthError) as raised:
            verify(headers)
        refusals.append((raised.value.code, raised.value.message))
    assert refusals[0] == refusals[1] == ("vxp-auth-failed", refusals[0][1])
    # The systemid is not echoed: one message, no parameters, in either language.
    assert refusals[1][1] == msg("vxp-auth-refused")
    assert all("G99" not in render(refusals[1][1], lang) for lang in LANGUAGES)
    # One HMAC each: the unknown systemid's with a stand-in secret, not none at all.
    assert len(keys) == 2 and keys[0] == SECRETS["000.00.00.G22"] and keys[1] not in SECRETS.values()


@pytest.mark.parametrize("jvm_zone", [UTC, VIETNAM], ids=["utc-client", "vietnam-client"])
def test_a_client_on_utc_and_one_on_vietnams_time_are_both_accepted_by_default(jvm_zone: tzinfo) -> None:
    for offset in (timedelta(0), timedelta(minutes=4), -timedelta(minutes=4)):
        headers = sign_headers(
            {"docId": "1"},
            systemid="000.00.00.G22",
            secret=SECRETS["000.00.00.G22"],
            at=NOW + offset,
            zone=jvm_zone,
        )
        caller = verify(headers)
        assert caller.timestamp == NOW + offset  # the reading that holds, as a moment
    stale = sign_headers(
        {},
        systemid="000.00.00.G22",
        secret=SECRETS["000.00.00.G22"],
        at=NOW + timedelta(minutes=6),
        zone=jvm_zone,
    )
    _refused(stale, "vxp-stale")


def test_a_wall_time_seven_hours_ahead_is_fresh_but_not_six_ahead_nor_seven_behind() -> None:
    """Both readings, and only them: a wall time of Vietnam's clock read as UTC is 7 h ahead."""
    secret = SECRETS["000.00.00.G22"]
    for wall_offset, fresh in (
        (timedelta(hours=7), True),
        (timedelta(hours=6), False),
        (-timedelta(hours=7), False),
    ):
        headers = sign_headers({}, systemid="000.00.00.G22", secret=secret, at=NOW + wall_offset, zone=UTC)
        if fresh:
            verify(headers)
        else:
            _refused(headers, "vxp-stale")


@pytest.mark.parametrize(
    ("pinned", "client", "accepted"),
    [
        (ZoneInfo("Asia/Ho_Chi_Minh"), UTC, False),
        (ZoneInfo("Asia/Ho_Chi_Minh"), VIETNAM, True),
        (UTC, VIETNAM, False),
        (UTC, UTC, True),
    ],
    ids=["vn-pinned-utc-clock", "vn-pinned-vn-clock", "utc-pinned-vn-clock", "utc-pinned-utc-clock"],
)
def test_a_pinned_zone_is_the_only_reading(pinned: tzinfo, client: tzinfo, accepted: bool) -> None:
    headers = sign_headers({}, systemid="000.00.00.G22", secret=SECRETS["000.00.00.G22"], at=NOW, zone=client)
    zones = {"000.00.00.G22": pinned}
    if accepted:
        assert verify(headers, zones=zones).timestamp == NOW
    else:
        _refused(headers, "vxp-stale", zones=zones)


def test_a_replay_is_refused_in_the_other_readings_window_seven_hours_later() -> None:
    """Signed on Vietnam's time: fresh now as Vietnam's time, and again 7 h later read as UTC."""
    guard = MemoryReplayGuard()
    headers = sdk_headers("000.00.00.G22", SECRETS["000.00.00.G22"], {"docId": "1"}, at=NOW)
    later = NOW + timedelta(hours=7, minutes=3)
    verify(headers, guard=guard)
    # Fresh then, to a server that has not seen it: the memory is what refuses it.
    verify(headers, at=later, guard=MemoryReplayGuard())
    for n in range(3):  # however many others pass meanwhile, it is held
        verify(
            sdk_headers("000.00.00.H26", SECRETS["000.00.00.H26"], {"docId": str(n)}, at=later),
            at=later,
            guard=guard,
        )
    with pytest.raises(VxpAuthError) as raised:
        verify(headers, at=later, guard=guard)
    assert raised.value.code == "vxp-replay"


def test_the_memory_holds_a_request_until_its_latest_reading_expires() -> None:
    guard = MemoryReplayGuard()
    until = NOW + timedelta(hours=7, minutes=5)
    assert guard.first_time("s", "m", at=NOW, until=until)
    assert not guard.first_time("s", "m", at=until, until=until)
    assert guard.first_time("s", "m", at=until + timedelta(microseconds=1), until=until + timedelta(hours=1))
    assert guard.first_time("other", "m", at=NOW, until=until)  # keyed by systemid and MAC


def test_the_memory_is_bounded_and_forgets_the_soonest_to_expire_first() -> None:
    guard = MemoryReplayGuard(limit=2)
    assert guard.first_time("s", "late", at=NOW, until=NOW + timedelta(hours=7))
    assert guard.first_time("s", "soon", at=NOW, until=NOW + timedelta(minutes=5))
    assert guard.first_time("s", "third", at=NOW, until=NOW + timedelta(hours=7))
    assert not guard.first_time("s", "late", at=NOW, until=NOW + timedelta(hours=7))
    assert guard.first_time("s", "soon", at=NOW, until=NOW + timedelta(minutes=5))


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("Asia/Ho_Chi_Minh", timedelta(hours=7)),
        ("UTC", timedelta(0)),
        ("utc", timedelta(0)),
        ("+07:00", timedelta(hours=7)),
        ("-05:30", -timedelta(hours=5, minutes=30)),
        ("+0700", timedelta(hours=7)),
        (" Europe/Paris ", timedelta(hours=1)),
    ],
)
def test_zones_are_iana_names_or_offsets(text: str, offset: timedelta) -> None:
    assert parse_zone(text).utcoffset(datetime(2026, 1, 15, 12)) == offset


@pytest.mark.parametrize(
    "text", ["", "Asia/Hanoi_City", "+25:00", "+07:75", "GMT+7 ", "../../etc/passwd", "/etc/localtime"]
)
def test_zones_that_name_nothing_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"time zone|offset"):
        parse_zone(text)


def test_a_pinned_zone_that_turns_its_clocks_back_reads_the_repeated_hour_both_ways() -> None:
    """Paris, 25 October 2026: 02:30 happens at 00:30 UTC and again at 01:30 UTC."""
    paris = ZoneInfo("Europe/Paris")
    zones = {"000.00.00.G22": paris}
    for moment in (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 1, 30, tzinfo=UTC)):
        headers = sign_headers(
            {}, systemid="000.00.00.G22", secret=SECRETS["000.00.00.G22"], at=moment, zone=paris
        )
        assert headers["XroadVnpt-timestamp"].startswith("25102026T023000")
        assert verify(headers, at=moment, zones=zones).timestamp == moment
