"""The signed network configuration: build, verify, refuse, route from it alone, deltas."""

from __future__ import annotations

import base64
import dataclasses
import json
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong.codes import default_registry
from lienthong.directory import (
    AgencyEntry,
    CodeClosed,
    ConfigurationAnchor,
    ConfigurationExpired,
    ConfigurationRefused,
    DirectoryKey,
    DirectoryKeyError,
    DirectoryRegistry,
    DirectorySnapshot,
    NodeEntry,
    RefusalReason,
    SignerNotEntitled,
    build_configuration,
    generate_directory_key,
    verify_configuration,
)
from lienthong.directory._config import MAGIC
from lienthong.directory._document import encode
from support.pki import certificate_pem, self_signed, stray_rsa_key

ISSUED = datetime(2025, 6, 30, 8, 0, tzinfo=UTC)
KEY = generate_directory_key("lienthong directory", not_before=datetime(2025, 1, 1, tzinfo=UTC))
ANCHOR = KEY.anchor(directory="lienthong")


BG_TLS = certificate_pem("bg tls")


def _snapshot(version: int = 7) -> DirectorySnapshot:
    agencies = tuple(AgencyEntry.of(record) for record in default_registry())
    nodes = (
        NodeEntry("bac-giang", "https://bg.example", BG_TLS, ("000.00.00.H02",)),
        NodeEntry("bac-ninh", "https://bn.example", None, ("000.00.00.H05",)),
        # 000.00.12.H26 repeats its enclosing rule's node: the configuration drops it.
        NodeEntry("hanoi", "https://hn.example", None, ("000.00.00.H26", "000.00.12.H26")),
        NodeEntry("so-13", "https://s13.example", None, ("000.00.13.H26",)),
    )
    return DirectorySnapshot(version=version, agencies=agencies, nodes=nodes)


def _build(snapshot: DirectorySnapshot | None = None, *, key: DirectoryKey = KEY, **options: object) -> bytes:
    return build_configuration(
        snapshot or _snapshot(),
        key,
        directory=str(options.pop("directory", "lienthong")),
        issued_at=ISSUED,
        **options,  # type: ignore[arg-type]
    )


def _refusal(data: bytes, anchor: ConfigurationAnchor = ANCHOR, **options: object) -> RefusalReason:
    with pytest.raises(ConfigurationRefused) as refused:
        verify_configuration(data, anchor, at=options.pop("at", ISSUED), **options)  # type: ignore[arg-type]
    assert str(refused.value)
    return refused.value.reason


def test_round_trip_routes_from_the_configuration_alone() -> None:
    data = _build()
    config = verify_configuration(data, ANCHOR, at=ISSUED)
    assert config.documents == (data,)  # the bytes as received, never re-encoded
    assert config.version == 7
    assert config.expires_at == ISSUED + timedelta(hours=72)
    before, after = datetime(2025, 6, 30, 16, 59, tzinfo=UTC), datetime(2025, 6, 30, 17, 0, tzinfo=UTC)
    # 17:00 UTC is midnight in Vietnam: 1 July 2025 has begun, and Bắc Giang is closed.
    assert config.node_for("000.00.00.H02", at=before).name == "bac-giang"
    with pytest.raises(CodeClosed) as closed:
        config.node_for("000.00.00.H02", at=after)
    assert closed.value.successor == "000.00.00.H05"
    assert config.route("000.00.00.H02", at=after).successor == "000.00.00.H05"
    assert config.node_for("000.00.12.H26", at=before).name == "hanoi"
    assert config.node_for("000.00.13.H26", at=before).name == "so-13"
    assert config.status("000.00.00.G22", at=before).active is True
    assert "version=7" in config.summary()


def test_a_route_asked_again_the_next_day_is_worked_out_again() -> None:
    # Routes are remembered per day: an answer from before midnight (Vietnam) must not be
    # given after it, when Bắc Giang's code has closed.
    config = verify_configuration(_build(), ANCHOR, at=ISSUED)
    before, after = datetime(2025, 6, 30, 16, 59, tzinfo=UTC), datetime(2025, 6, 30, 17, 0, tzinfo=UTC)
    for _ in range(2):
        assert config.route("000.00.00.H02", at=before).deliverable
        assert not config.route("000.00.00.H02", at=after).deliverable
    assert config.route("000.00.00.H02", at=after).successor == "000.00.00.H05"


def test_redundant_rules_are_dropped() -> None:
    config = verify_configuration(_build(), ANCHOR, at=ISSUED)
    assert config.network.nodes["hanoi"].subtrees == ("000.00.00.H26",)
    assert config.network.nodes["bac-giang"].tls_certificate_pem is not None


def test_the_same_snapshot_gives_the_same_payload() -> None:
    # ECDSA signatures differ each time; the signed payload must not.
    first, second = _build(), _build()
    assert first.split(b"\n", 2)[2] == second.split(b"\n", 2)[2]


def test_bad_signature_is_refused() -> None:
    data = bytearray(_build())
    data[-10] ^= 0x01
    assert _refusal(bytes(data)) is RefusalReason.BAD_SIGNATURE


def test_another_directory_is_refused() -> None:
    other = generate_directory_key("rogue directory")
    assert _refusal(_build(key=other)) is RefusalReason.OTHER_DIRECTORY
    # Even when the header claims the anchor's certificate, the signature gives it away.
    forged = _build(key=other).replace(other.fingerprint.encode(), KEY.fingerprint.encode())
    assert _refusal(forged) is RefusalReason.BAD_SIGNATURE
    # Our key, but the configuration of another network than the anchor's.
    assert _refusal(_build(directory="test-network")) is RefusalReason.OTHER_DIRECTORY


def test_older_version_is_refused_and_the_held_one_kept() -> None:
    held = verify_configuration(_build(_snapshot(8)), ANCHOR, at=ISSUED)
    assert _refusal(_build(_snapshot(7)), current=held) is RefusalReason.OLDER_VERSION
    assert held.version == 8
    assert verify_configuration(_build(_snapshot(8)), ANCHOR, at=ISSUED, current=held).version == 8


def test_expired_is_refused_and_routing_stops_at_expiry() -> None:
    data = _build(valid_for=timedelta(hours=1))
    assert _refusal(data, at=ISSUED + timedelta(hours=1)) is RefusalReason.EXPIRED
    config = verify_configuration(data, ANCHOR, at=ISSUED)
    assert config.node_for("000.00.00.H05", at=ISSUED + timedelta(minutes=59)).name == "bac-ninh"
    with pytest.raises(ConfigurationExpired):
        config.node_for("000.00.00.H05", at=ISSUED + timedelta(hours=1))
    with pytest.raises(ConfigurationExpired):
        config.check_signer("00" * 32, "000.00.00.H05", at=ISSUED + timedelta(hours=2))


@pytest.mark.parametrize(
    "data",
    [b"", b"hello", MAGIC, MAGIC + b"{}\n", MAGIC + b'{"sig":"!!"}\n', MAGIC + b"not json\nxx"],
)
def test_malformed_is_refused(data: bytes) -> None:
    assert _refusal(data) is RefusalReason.MALFORMED


def test_signed_garbage_is_malformed_not_trusted() -> None:
    payload = b"not zlib at all"
    signature = base64.b64encode(KEY.sign(payload)).decode()
    header = json.dumps({"alg": "ES256", "signer": KEY.fingerprint, "sig": signature}).encode()
    assert _refusal(MAGIC + header + b"\n" + payload) is RefusalReason.MALFORMED


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        verify_configuration(_build(), ANCHOR, at=datetime(2025, 6, 30))


def test_rsa_directory_keys_work() -> None:
    key = stray_rsa_key()
    certificate = self_signed("rsa directory", key, not_before=ISSUED - timedelta(days=1), days=366)
    rsa_key = DirectoryKey(key, certificate)
    config = verify_configuration(_build(key=rsa_key), rsa_key.anchor(), at=ISSUED)
    assert config.version == 7


def test_anchor_files_pem_and_json(tmp_path: Path) -> None:
    pem = tmp_path / "anchor.pem"
    pem.write_bytes(KEY.certificate.public_bytes(Encoding.PEM))
    assert ConfigurationAnchor.load(pem).fingerprint == KEY.fingerprint
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    with pytest.raises(DirectoryKeyError):
        ConfigurationAnchor.load(tmp_path / "bad.json")
    document = tmp_path / "anchor.json"
    document.write_text(ANCHOR.to_json(), encoding="utf-8")
    loaded = ConfigurationAnchor.load(document)
    assert (loaded.fingerprint, loaded.directory) == (KEY.fingerprint, "lienthong")


@pytest.fixture
def registry(database_url: str) -> Iterator[DirectoryRegistry]:
    with DirectoryRegistry.open(database_url, clock=lambda: ISSUED) as opened:
        opened.initialize(actor="admin")
        yield opened


def test_delta_since_a_version_gives_the_same_routing_as_a_full_build(registry: DirectoryRegistry) -> None:
    registry.add_node("hanoi", "https://hn.example", serves=["000.00.00.H26"], actor="admin")
    registry.add_node("bac-ninh", "https://bn.example", serves=["000.00.00.H05"], actor="admin")
    held = verify_configuration(_build(registry.snapshot()), ANCHOR, at=ISSUED)
    base = held.version

    registry.add_agency("000.00.07.H26", name="Sở mới", actor="admin")
    registry.add_node("so-07", "https://s07.example", serves=["000.00.07.H26"], actor="admin")
    registry.remove_node("bac-ninh", actor="admin")
    binding = registry.bind_certificate("000.00.07.H26", certificate_pem("s07 signer"), actor="admin")

    delta = registry.snapshot(since=base)
    assert [a.code for a in delta.agencies] == ["000.00.07.H26"]
    assert [(t.kind, t.key) for t in delta.deleted] == [("node", "bac-ninh")]
    updated = verify_configuration(_build(delta), ANCHOR, at=ISSUED, current=held)
    full = verify_configuration(_build(registry.snapshot()), ANCHOR, at=ISSUED)
    assert updated.version == full.version > base
    assert len(updated.documents) == 2
    moment = ISSUED + timedelta(hours=1)
    for code in ("000.00.07.H26", "000.00.12.H26", "000.00.00.H05", "000.00.00.H02"):
        assert updated.route(code, at=moment) == full.route(code, at=moment)
    assert updated.node_for("000.00.07.H26", at=moment).name == "so-07"
    updated.check_signer(binding.fingerprint, "000.00.07.H26", at=moment)
    with pytest.raises(SignerNotEntitled):
        updated.check_signer(binding.fingerprint, "000.00.00.H26", at=moment)
    assert updated.content.agencies == full.content.agencies

    # A delta needs its base; an old delta cannot roll a newer configuration back.
    assert _refusal(_build(delta)) is RefusalReason.MISSING_BASE
    newer = verify_configuration(_build(registry.snapshot()), ANCHOR, at=ISSUED)
    stale = _build(DirectorySnapshot(version=base, since=base - 1))
    assert _refusal(stale, current=newer) is RefusalReason.OLDER_VERSION


def test_a_delta_with_nothing_new_only_extends_expiry(registry: DirectoryRegistry) -> None:
    held = verify_configuration(_build(registry.snapshot(), valid_for=timedelta(hours=1)), ANCHOR, at=ISSUED)
    later = ISSUED + timedelta(minutes=50)
    refresh = build_configuration(
        registry.snapshot(since=held.version), KEY, directory="lienthong", issued_at=later
    )
    renewed = verify_configuration(refresh, ANCHOR, at=later, current=held)
    assert renewed.version == held.version
    assert renewed.expires_at == later + timedelta(hours=72)
    assert renewed.status("000.00.00.G22", at=ISSUED + timedelta(hours=3)).active is True


def test_a_node_seal_certificate_travels_in_the_configuration_and_old_rows_stay_as_they_were() -> None:
    seal = certificate_pem("bg seal")
    plain = verify_configuration(_build(), ANCHOR, at=ISSUED).content
    bac_giang = next(n for n in plain.nodes if n.name == "bac-giang")
    sealed = dataclasses.replace(bac_giang, seal_certificate_pem=seal)
    snapshot = dataclasses.replace(
        _snapshot(), nodes=tuple(sealed if n.name == "bac-giang" else n for n in _snapshot().nodes)
    )
    content = verify_configuration(_build(snapshot), ANCHOR, at=ISSUED).content
    assert next(n for n in content.nodes if n.name == "bac-giang").seal_certificate_pem == seal
    assert next(n for n in content.nodes if n.name == "bac-giang").seal_pems == (BG_TLS, seal)
    # A node without a seal is still the four columns every node had: older bytes, older readers.
    rows = json.loads(zlib.decompress(encode(plain)))["nodes"]
    assert {len(row) for row in rows} == {4}
    assert all(n.seal_certificate_pem is None for n in plain.nodes)


def test_a_node_next_tls_certificate_travels_in_the_configuration_beside_the_current_one() -> None:
    following = certificate_pem("bg tls next")
    plain = verify_configuration(_build(), ANCHOR, at=ISSUED).content
    bac_giang = next(n for n in plain.nodes if n.name == "bac-giang")
    rolling = dataclasses.replace(bac_giang, next_tls_certificate_pem=following)
    snapshot = dataclasses.replace(
        _snapshot(), nodes=tuple(rolling if n.name == "bac-giang" else n for n in _snapshot().nodes)
    )
    content = verify_configuration(_build(snapshot), ANCHOR, at=ISSUED).content
    read = next(n for n in content.nodes if n.name == "bac-giang")
    # Peers accept either during the overlap; without a seal of its own, either key seals too.
    assert read.tls_pems == (BG_TLS, following) and read.seal_pems == (BG_TLS, following)
    assert read.seal_certificate_pem is None
    assert {n.name for n in content.nodes if n.next_tls_certificate_pem} == {"bac-giang"}
