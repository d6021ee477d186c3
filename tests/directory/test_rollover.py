"""The configuration-signing key rolls over: the configuration held announces the next key, a
configuration signed by it is accepted and pins it, the old key is refused after the switch, an
unannounced key never; the directory's ``signing-keys.json`` names the keys a running server
signs with."""

from __future__ import annotations

import stat
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from directory.directory_servers import write_key
from lienthong.directory import (
    ConfigurationRefused,
    DirectoryKey,
    DirectoryKeyError,
    DirectorySnapshot,
    RefusalReason,
    SigningKeys,
    announce_next_key,
    build_configuration,
    generate_directory_key,
    load_pinned_anchor,
    pin_anchor,
    pinned_path,
    reopen_configuration,
    switch_key,
    verify_configuration,
)

ISSUED = datetime(2025, 6, 30, 8, 0, tzinfo=UTC)
OLD = generate_directory_key("directory 2025", not_before=datetime(2025, 1, 1, tzinfo=UTC))
NEW = generate_directory_key("directory 2026", not_before=datetime(2025, 1, 1, tzinfo=UTC))
ANCHOR = OLD.anchor(directory="lienthong", url="https://directory.example")


def _signed(version: int, key: DirectoryKey, next_key: DirectoryKey | None = None) -> bytes:
    return build_configuration(
        DirectorySnapshot(version=version),
        key,
        directory="lienthong",
        issued_at=ISSUED,
        next_certificate=None if next_key is None else next_key.certificate,
    )


def _refused(data: bytes, **options: object) -> RefusalReason:
    with pytest.raises(ConfigurationRefused) as refused:
        verify_configuration(data, ANCHOR, at=ISSUED, **options)  # type: ignore[arg-type]
    return refused.value.reason


def test_a_configuration_without_an_announcement_is_the_same_bytes_as_before() -> None:
    plain = _signed(1, OLD)
    config = verify_configuration(plain, ANCHOR, at=ISSUED)
    assert config.content.next_signer is None
    assert b"next_signer" not in zlib.decompress(plain.split(b"\n", 2)[2])


def test_the_announced_key_is_accepted_and_the_old_one_refused_after_the_switch() -> None:
    announcing = verify_configuration(_signed(5, OLD, NEW), ANCHOR, at=ISSUED)
    assert announcing.anchor == ANCHOR  # still the old key's
    # Before the switch the old key still signs: a re-signed configuration is accepted.
    again = verify_configuration(_signed(5, OLD, NEW), ANCHOR, at=ISSUED, current=announcing)
    switched = verify_configuration(_signed(6, NEW), ANCHOR, at=ISSUED, current=again)
    assert switched.anchor.fingerprint == NEW.fingerprint
    assert (switched.anchor.directory, switched.anchor.url) == (ANCHOR.directory, ANCHOR.url)
    # From the switch on the node verifies with the pinned anchor: the old key is another signer.
    with pytest.raises(ConfigurationRefused) as refused:
        verify_configuration(_signed(7, OLD), switched.anchor, at=ISSUED, current=switched)
    assert refused.value.reason is RefusalReason.OTHER_DIRECTORY


def test_a_key_never_announced_is_refused() -> None:
    held = verify_configuration(_signed(5, OLD), ANCHOR, at=ISSUED)
    assert _refused(_signed(6, NEW), current=held) is RefusalReason.OTHER_DIRECTORY
    assert _refused(_signed(6, NEW)) is RefusalReason.OTHER_DIRECTORY  # nothing held: nothing announced
    other = generate_directory_key("someone else")
    announcing = verify_configuration(_signed(5, OLD, NEW), ANCHOR, at=ISSUED)
    assert _refused(_signed(6, other), current=announcing) is RefusalReason.OTHER_DIRECTORY


def test_a_pinned_anchor_wins_over_the_anchor_file(tmp_path: Path) -> None:
    anchor_path = tmp_path / "anchor.json"
    anchor_path.write_text(ANCHOR.to_json(), encoding="utf-8")
    assert load_pinned_anchor(anchor_path) == ANCHOR
    switched = verify_configuration(
        _signed(6, NEW),
        ANCHOR,
        at=ISSUED,
        current=verify_configuration(_signed(5, OLD, NEW), ANCHOR, at=ISSUED),
    )
    pin = pinned_path(anchor_path)
    pin_anchor(pin, switched.anchor)
    assert pin.parent == anchor_path.parent
    assert stat.S_IMODE(pin.stat().st_mode) == 0o600
    assert load_pinned_anchor(anchor_path).fingerprint == NEW.fingerprint
    # A node restarting reopens its cached configuration with the pinned key, not the file's.
    assert reopen_configuration(_signed(6, NEW), load_pinned_anchor(anchor_path)).version == 6


def test_announce_then_switch_changes_what_a_running_server_signs_with(tmp_path: Path) -> None:
    home = tmp_path / "directory"
    home.mkdir()
    old_folder, new_folder = tmp_path / "old", tmp_path / "new"
    old_folder.mkdir()
    new_folder.mkdir()
    write_key(OLD, old_folder)
    new_key, new_cert = write_key(NEW, new_folder)
    keys = SigningKeys(OLD, home)
    assert (keys.state().key, keys.state().next_certificate) == (OLD, None)
    with pytest.raises(DirectoryKeyError):
        switch_key(home)  # nothing announced yet
    announce_next_key(home, str(new_key), new_cert)
    announced = keys.state()
    assert announced.key is OLD
    assert announced.next_certificate == NEW.certificate
    assert switch_key(home).fingerprint == NEW.fingerprint
    switched = keys.state()
    assert switched.key.fingerprint == NEW.fingerprint and switched.next_certificate is None
    assert switched.stamp != announced.stamp
    # A restart with the old --key still signs with the key switched to.
    assert SigningKeys(OLD, home).state().key.fingerprint == NEW.fingerprint
    assert stat.S_IMODE((home / "signing-keys.json").stat().st_mode) == 0o600


def test_a_key_that_does_not_match_its_certificate_is_not_announced(tmp_path: Path) -> None:
    key_path, _ = write_key(OLD, tmp_path)
    (tmp_path / "new").mkdir()
    _, new_cert = write_key(NEW, tmp_path / "new")
    with pytest.raises(DirectoryKeyError):
        announce_next_key(tmp_path, str(key_path), new_cert)
    assert not (tmp_path / "signing-keys.json").exists()


def test_an_unreadable_keys_file_stops_the_server_at_start(tmp_path: Path) -> None:
    (tmp_path / "signing-keys.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DirectoryKeyError):
        SigningKeys(OLD, tmp_path)
