"""``diagnose``: each check reports what a real home, real servers on loopback and the test PKI
show: a healthy home passes; an expiring certificate warns; a revoked one, an unreachable peer,
a database behind the code, a clock ten minutes off fail; a service for signatures (OCSP,
time-stamps) not answering warns."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lienthong.directory import generate_directory_key
from lienthong.node import Diagnosis, Finding, Severity, diagnose
from lienthong.store import migrate, open_database
from node.doctor_network import EXPIRING, HEALTHY, REVOKED, DoctorNetwork, doctor_network

__all__ = ["doctor_network"]  # the fixture


def _of(diagnosis: Diagnosis, code: str) -> list[Finding]:
    return [f for f in diagnosis.findings if f.code == code]


def _certificate(diagnosis: Diagnosis, subject: str) -> Finding:
    return next(f for f in _of(diagnosis, "certificate") if f.message.params["subject"] == subject)


def test_a_healthy_home_passes_every_check_but_the_closed_peer(
    doctor_network: DoctorNetwork, tmp_path: Path
) -> None:
    home = doctor_network.home(tmp_path, (HEALTHY,))
    diagnosis = diagnose(home, timeout=5)
    codes = {f.code for f in diagnosis.findings}
    assert {"configuration", "migrations", "certificate", "peer", "ocsp"} <= codes
    assert [f.severity for f in _of(diagnosis, "configuration")] == [Severity.OK]
    assert [f.severity for f in _of(diagnosis, "migrations")] == [Severity.OK]
    assert all(f.severity is Severity.OK for f in _of(diagnosis, "certificate"))
    roles = {f.message.params["role"].code for f in _of(diagnosis, "certificate")}  # type: ignore[union-attr]
    assert roles == {
        "doctor-role-tls", "doctor-role-chain", "doctor-role-signer",
        "doctor-role-configuration-signing", "doctor-role-anchor",
    }  # fmt: skip
    peers = {f.message.params["peer"]: f.severity for f in _of(diagnosis, "peer")}
    assert peers == {"nghe-an": Severity.OK, "bo-nganh": Severity.FAIL}  # itself is not asked
    assert [(f.severity, f.message.params["url"]) for f in _of(diagnosis, "ocsp")] == [
        (Severity.OK, doctor_network.ocsp_url)
    ]
    assert diagnosis.failed  # the closed peer


def test_an_expiring_certificate_warns_and_a_revoked_one_fails(
    doctor_network: DoctorNetwork, tmp_path: Path
) -> None:
    home = doctor_network.home(tmp_path, (EXPIRING, REVOKED))
    diagnosis = diagnose(home, timeout=5)
    expiring = _certificate(diagnosis, "UBND Ninh Bình")
    assert expiring.severity is Severity.WARN and expiring.message.params["days"] in (18, 19)
    revoked = _certificate(diagnosis, "UBND tỉnh Nghệ An")
    assert revoked.severity is Severity.FAIL and revoked.message.code == "doctor-certificate-revoked"


def test_a_database_behind_the_code_fails(doctor_network: DoctorNetwork, tmp_path: Path) -> None:
    home = doctor_network.home(tmp_path, (HEALTHY,))
    fresh = dataclasses.replace(home, database_url=f"sqlite:///{home.home / 'old.db'}")
    with open_database(fresh.database_url) as database:
        migrate(database, revision="0011_document_index")
    [finding] = _of(diagnose(fresh, timeout=5), "migrations")
    assert finding.severity is Severity.FAIL
    assert finding.message.params["current"] == "0011_document_index"


def test_a_configuration_signed_by_another_key_fails(doctor_network: DoctorNetwork, tmp_path: Path) -> None:
    home = doctor_network.home(tmp_path, (HEALTHY,))
    other = dataclasses.replace(doctor_network, key=generate_directory_key("impostor"))
    assert home.configuration_path is not None
    home.configuration_path.write_bytes(other.configuration())
    diagnosis = diagnose(home, timeout=5)
    [finding] = _of(diagnosis, "configuration")
    assert finding.severity is Severity.FAIL and finding.message.code == "doctor-configuration-bad"
    assert not _of(diagnosis, "peer")  # no configuration: no peers to ask


def test_the_directory_answering_and_a_clock_ten_minutes_off(
    doctor_network: DoctorNetwork, tmp_path: Path
) -> None:
    home = doctor_network.home(tmp_path, (HEALTHY,))
    # nghe-an's listener stands in for the directory: any HTTP answer shows it reachable; its
    # Date header is the clock compared with.
    with_directory = dataclasses.replace(
        home, directory_url=doctor_network.peer_url, directory_tls_anchors=doctor_network.pki.root_path
    )
    diagnosis = diagnose(with_directory, timeout=5)
    assert [f.severity for f in _of(diagnosis, "directory")] == [Severity.OK]
    assert [f.severity for f in _of(diagnosis, "clock")] == [Severity.OK]
    late = diagnose(with_directory, timeout=5, clock=lambda: datetime.now(UTC) + timedelta(minutes=10))
    [clock] = _of(late, "clock")
    assert clock.severity is Severity.FAIL and clock.message.params["offset"] in range(590, 611)
    unreachable = dataclasses.replace(with_directory, directory_url=doctor_network.closed_url)
    assert [f.severity for f in _of(diagnose(unreachable, timeout=5), "directory")] == [Severity.FAIL]


def test_a_time_stamp_service_named_is_asked_for_a_time_stamp(
    doctor_network: DoctorNetwork, tmp_path: Path
) -> None:
    home = doctor_network.home(tmp_path, (HEALTHY,), nodes=("vpcp",))
    closed = f"{doctor_network.closed_url.replace('https', 'http')}/tsa"
    diagnosis = diagnose(home, timeout=5, timestamp_urls=(doctor_network.tsa_url, closed))
    assert [(f.severity, f.message.params["url"]) for f in _of(diagnosis, "timestamp")] == [
        (Severity.OK, doctor_network.tsa_url),
        (Severity.WARN, closed),
    ]
    assert not diagnosis.failed  # a time-stamp service down delays signatures, it stops no delivery


def test_a_missing_certificate_file_is_a_failure_and_the_other_checks_still_run(
    doctor_network: DoctorNetwork, tmp_path: Path
) -> None:
    home = doctor_network.home(tmp_path, (HEALTHY,), nodes=("vpcp", "nghe-an"))
    home.certificate_path.unlink()
    with_directory = dataclasses.replace(
        home, directory_url=doctor_network.peer_url, directory_tls_anchors=doctor_network.pki.root_path
    )
    diagnosis = diagnose(with_directory, timeout=5)
    unreadable = [
        f for f in _of(diagnosis, "certificate") if f.message.code == "doctor-certificate-unreadable"
    ]
    assert [f.severity for f in unreadable] == [Severity.FAIL]
    assert [f.severity for f in _of(diagnosis, "configuration")] == [Severity.OK]
    # Without its certificate the node cannot be let in by a peer; the directory is still asked.
    assert [f.severity for f in _of(diagnosis, "peer")] == [Severity.FAIL]
    assert len(_of(diagnosis, "directory")) == 1
