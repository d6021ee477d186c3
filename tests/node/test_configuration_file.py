"""``ConfigurationFile``: a changed file is adopted, looked at once per ``recheck`` seconds at most
(every API request asks for the configuration: no stat() each time)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lienthong.directory import ConfigurationAnchor, DirectoryKey, build_configuration, generate_directory_key
from lienthong.node import ConfigurationFile
from lienthong.store import DirectorySnapshot

AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class _Monotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _write(path: Path, key: DirectoryKey, version: int, next_key: DirectoryKey | None = None) -> None:
    path.write_bytes(
        build_configuration(
            DirectorySnapshot(version=version),
            key,
            directory="test",
            issued_at=AT,
            next_certificate=None if next_key is None else next_key.certificate,
        )
    )
    stamp = version * 10**9  # distinct whatever the file system's timestamp granularity
    os.utime(path, ns=(stamp, stamp))


def test_a_changed_file_is_adopted_once_recheck_seconds_have_passed(tmp_path: Path) -> None:
    key = generate_directory_key("test directory", not_before=AT - timedelta(days=1))
    path = tmp_path / "configuration.json"
    _write(path, key, 1)
    monotonic = _Monotonic()
    source = ConfigurationFile(
        path, key.anchor(directory="test"), clock=lambda: AT, recheck=1.0, monotonic=monotonic
    )
    assert source.configuration().version == 1
    _write(path, key, 2)
    monotonic.now += 0.5
    assert source.configuration().version == 1  # not looked at yet: the copy held
    monotonic.now += 0.5
    assert source.configuration().version == 2
    _write(path, key, 3)
    assert source.configuration().version == 2  # the last look was just now
    monotonic.now += 1.0
    assert source.configuration().version == 3


def test_recheck_zero_looks_every_time(tmp_path: Path) -> None:
    key = generate_directory_key("test directory", not_before=AT - timedelta(days=1))
    path = tmp_path / "configuration.json"
    _write(path, key, 1)
    source = ConfigurationFile(
        path, key.anchor(directory="test"), clock=lambda: AT, recheck=0.0, monotonic=_Monotonic()
    )
    _write(path, key, 2)
    assert source.configuration().version == 2


def test_a_file_signed_by_the_announced_key_is_adopted_and_the_key_pinned(tmp_path: Path) -> None:
    old = generate_directory_key("test directory", not_before=AT - timedelta(days=1))
    new = generate_directory_key("test directory 2", not_before=AT - timedelta(days=1))
    path, pin = tmp_path / "configuration.json", tmp_path / "anchor.pinned.json"
    _write(path, old, 1, next_key=new)
    source = ConfigurationFile(
        path, old.anchor(directory="test"), clock=lambda: AT, recheck=0.0, monotonic=_Monotonic(), pin=pin
    )
    _write(path, new, 2)
    assert source.configuration().version == 2
    assert ConfigurationAnchor.load(pin).fingerprint == new.fingerprint
    _write(path, old, 3)  # the old key, after the switch: refused, version 2 kept
    assert source.configuration().version == 2
