"""The directory registry on SQLite and PostgreSQL: seeding, reorganisation, routing, audit."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

import pytest

from lienthong._i18n import Message, render
from lienthong.codes import CodeRegistry
from lienthong.directory import (
    CodeClosed,
    DirectoryConflict,
    DirectoryEntryUnknown,
    DirectoryKeyError,
    DirectoryRegistry,
    NoServingNode,
    SignerNotEntitled,
)
from lienthong.errors import CodeError, RegistryDataError
from support.pki import certificate_pem, crl_pem, stray_key

DATA = resources.files("lienthong.codes") / "data"
MOMENT = datetime(2025, 5, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def registry(database_url: str) -> Iterator[DirectoryRegistry]:
    with DirectoryRegistry.open(database_url, clock=lambda: MOMENT) as opened:
        yield opened


def _before_2025_reorganisation() -> CodeRegistry:
    """The reference codes as they stood before the decree: the provinces it closes still open."""
    level1 = CodeRegistry().with_csv(str(DATA / "agency-codes-level1.csv"))
    return CodeRegistry(
        dataclasses.replace(record, valid_to=None, successor=None)
        if record.valid_to == date(2025, 7, 1)
        else record
        for record in level1
    )


def test_initialize_seeds_the_reference_data_once(registry: DirectoryRegistry) -> None:
    seeded = registry.initialize(actor="admin")
    assert seeded > 100
    assert registry.initialize(actor="admin") == 0
    assert registry.version() == 1
    h02 = registry.agency("000.00.00.H02")
    assert h02[-1].valid_to == date(2025, 7, 1)
    assert h02[-1].successor == "000.00.00.H05"
    audit = registry.audit(subject="000.00.00.G22")
    assert [(e.actor, e.action, e.at) for e in audit] == [("admin", "agency.seed", MOMENT)]


def test_reorganisation_2025_closes_h02_and_names_h05(registry: DirectoryRegistry) -> None:
    """Must show: before 2025-07-01 H02 routes to its node; on and after, closed with successor H05."""
    registry.initialize(actor="admin", seed=_before_2025_reorganisation())
    registry.add_node("bac-giang", "https://bacgiang.example", serves=["000.00.00.H02"], actor="admin")
    registry.add_node("bac-ninh", "https://bacninh.example", serves=["000.00.00.H05"], actor="admin")
    before = registry.network()
    assert before.node_for("000.00.00.H02", at=date(2025, 6, 30)).name == "bac-giang"
    assert before.node_for("000.00.00.H02", at=date(2025, 7, 1)).name == "bac-giang"  # not yet applied

    changed = registry.reorganize(str(DATA / "reorg-2025.csv"), actor="bo-noi-vu")
    assert changed == 29  # the provinces merged on 2025-07-01
    assert registry.reorganize(str(DATA / "reorg-2025.csv"), actor="bo-noi-vu") == 0  # idempotent

    network = registry.network()
    assert network.node_for("000.00.00.H02", at=date(2025, 6, 30)).name == "bac-giang"
    route = network.route("000.00.00.H02", at=date(2025, 7, 1))
    assert not route.deliverable
    assert route.successor == "000.00.00.H05"
    assert route.problem is not None
    assert all("000.00.00.H05" in render(route.problem, language) for language in ("vi", "en"))
    with pytest.raises(CodeClosed) as closed:
        network.node_for("000.00.00.H02", at=date(2025, 7, 1))
    assert closed.value.successor == "000.00.00.H05"
    assert network.node_for("000.00.00.H05", at=date(2025, 7, 1)).name == "bac-ninh"
    # A unit below a closed province is closed with it.
    with pytest.raises(CodeClosed):
        network.node_for("000.00.12.H02", at=date(2025, 7, 2))
    # History is kept: the closed period still names Bắc Giang.
    (period,) = registry.agency("000.00.00.H02")
    assert (period.name, period.valid_to, period.successor) == (
        "UBND tỉnh Bắc Giang",
        date(2025, 7, 1),
        "000.00.00.H05",
    )
    assert {e.actor for e in registry.audit(subject="000.00.00.H02")} == {"admin", "bo-noi-vu"}


def test_reorganize_refuses_a_records_file(registry: DirectoryRegistry) -> None:
    registry.initialize(actor="admin")
    with pytest.raises(DirectoryConflict):
        registry.reorganize(str(DATA / "agency-codes-level1.csv"), actor="admin")


def test_longest_subtree_match(registry: DirectoryRegistry) -> None:
    registry.initialize(actor="admin")
    registry.add_node("hanoi", "https://hanoi.example", serves=["000.00.00.H26"], actor="admin")
    day = date(2025, 8, 1)
    assert registry.network().node_for("000.00.12.H26", at=day).name == "hanoi"
    registry.add_node("so-12", "https://so12.example", serves=["000.00.12.H26"], actor="admin")
    network = registry.network()
    assert network.node_for("000.00.12.H26", at=day).name == "so-12"
    assert network.node_for("001.00.12.H26", at=day).name == "so-12"
    assert network.node_for("000.00.13.H26", at=day).name == "hanoi"
    assert network.route("000.00.13.H26", at=day).rule == "000.00.00.H26"
    with pytest.raises(NoServingNode) as unserved:
        network.node_for("000.00.00.G22", at=day)
    assert isinstance(unserved.value.message, Message)
    assert unserved.value.message.code == "directory-no-serving-node"
    assert unserved.value.message.params == {"code": "000.00.00.G22"}
    assert unserved.value.render("vi") == "Không có điểm kết nối nào phục vụ mã 000.00.00.G22."
    assert unserved.value.render("en") == "No node serves the code 000.00.00.G22."


def test_node_conflicts_and_moves(registry: DirectoryRegistry) -> None:
    registry.initialize(actor="admin")
    registry.add_node("a", "https://a.example", serves=["000.00.00.G22"], actor="admin")
    with pytest.raises(DirectoryConflict):
        registry.add_node("b", "https://b.example", serves=["000.00.00.G22"], actor="admin")
    with pytest.raises(DirectoryConflict):
        registry.add_node("a", "https://a.example", actor="admin")
    with pytest.raises(DirectoryConflict):
        registry.add_node("c", "ftp://c.example", actor="admin")
    with pytest.raises(CodeError):
        registry.add_node("c", "https://c.example", serves=["not-a-code"], actor="admin")
    registry.add_node("b", "https://b.example", serves=["000.00.00.G22"], actor="admin", replace=True)
    assert registry.node("a").subtrees == ()
    assert registry.node("b").subtrees == ("000.00.00.G22",)
    registry.remove_node("a", actor="admin")
    with pytest.raises(DirectoryEntryUnknown):
        registry.node("a")
    with pytest.raises(DirectoryEntryUnknown):
        registry.remove_node("a", actor="admin")
    assert [n.name for n in registry.nodes()] == ["b"]


def test_add_and_close_agencies(registry: DirectoryRegistry) -> None:
    registry.initialize(actor="admin")
    added = registry.add_agency(
        "000.00.07.G22", name="Vụ Pháp chế", contact="phapche@example.vn", actor="alice"
    )
    assert (added.level, added.parent) == (2, "000.00.00.G22")
    with pytest.raises(DirectoryConflict):
        registry.add_agency("000.00.07.G22", actor="alice")
    with pytest.raises(CodeError):
        registry.add_agency("99.99.G22", actor="alice")
    with pytest.raises(DirectoryEntryUnknown):
        registry.close_agency("000.00.07.G22", on=date(2026, 1, 1), successor="000.00.99.G22", actor="bob")
    registry.add_agency("000.00.08.G22", name="Vụ mới", actor="alice")
    closed = registry.close_agency(
        "000.00.07.G22", on=date(2026, 1, 1), successor="000.00.08.G22", actor="bob"
    )
    assert closed.contact == "phapche@example.vn"
    with pytest.raises(DirectoryConflict):
        registry.close_agency("000.00.07.G22", on=date(2026, 2, 1), actor="bob")
    with pytest.raises(DirectoryEntryUnknown):
        registry.close_agency("000.00.55.G22", on=date(2026, 2, 1), actor="bob")
    network = registry.network()
    assert network.status("000.00.07.G22", at=date(2025, 12, 31)).active is True
    assert network.status("000.00.07.G22", at=date(2026, 1, 1)).final_successor == "000.00.08.G22"
    assert [e.actor for e in registry.audit(subject="000.00.07.G22")] == ["bob", "alice"]
    # Reopening a closed code as a new period is allowed from its closing day.
    registry.add_agency("000.00.07.G22", name="Vụ Pháp chế (mới)", valid_from=date(2026, 3, 1), actor="alice")
    assert len(registry.agency("000.00.07.G22")) == 2


def test_import_csv_merges_and_reports_bad_rows(registry: DirectoryRegistry, tmp_path: Path) -> None:
    registry.initialize(actor="admin")
    good = tmp_path / "units.csv"
    good.write_text("code,name\n000.00.01.H26,Sở Nội vụ\n000.00.02.H26,Sở Tư pháp\n", encoding="utf-8")
    assert registry.import_csv(good, actor="admin") == 2
    assert registry.import_csv(good, actor="admin") == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\n000.00.0X.H26,?\n", encoding="utf-8")
    with pytest.raises(RegistryDataError):
        registry.import_csv(bad, actor="admin")
    assert registry.agency("000.00.02.H26")[0].name == "Sở Tư pháp"


def test_certificates_anchors_crls(registry: DirectoryRegistry) -> None:
    registry.initialize(actor="admin")
    pem = certificate_pem("VPCP signer")
    binding = registry.bind_certificate("000.00.00.G22", pem, subtree=True, actor="admin")
    network = registry.network()
    assert network.may_sign(binding.fingerprint, "000.00.00.G22")
    assert network.may_sign(binding.fingerprint.upper(), "000.00.04.G22")
    assert not network.may_sign(binding.fingerprint, "000.00.00.G01")
    with pytest.raises(SignerNotEntitled):
        network.check_signer(binding.fingerprint, "000.00.00.G01")
    narrow = registry.bind_certificate("000.00.00.G01", certificate_pem("MOF signer"), actor="admin")
    assert not registry.network().may_sign(narrow.fingerprint, "000.00.04.G01")
    with pytest.raises(DirectoryEntryUnknown):
        registry.bind_certificate("000.00.00.X99", pem, actor="admin")
    registry.unbind_certificate(binding.fingerprint, "000.00.00.G22", actor="admin")
    assert not registry.network().may_sign(binding.fingerprint, "000.00.00.G22")
    root_key = stray_key()
    anchor = registry.add_anchor(certificate_pem("Root CA", root_key), actor="admin")
    ((crl, changed),) = registry.add_crls(crl_pem("Root CA", key=root_key).encode(), actor="admin")
    assert changed
    snapshot = registry.snapshot()
    assert [a.fingerprint for a in snapshot.anchors] == [anchor.fingerprint]
    assert [c.issuer for c in snapshot.crls] == [crl.issuer]
    assert [t.kind for t in registry.snapshot(since=1).deleted] == ["binding"]


def test_a_node_seal_certificate_is_kept_beside_its_tls_certificate(registry: DirectoryRegistry) -> None:
    registry.initialize(actor="admin")
    tls, seal = certificate_pem("a tls"), certificate_pem("a seal")
    registry.add_node(
        "a", "https://a.example", tls_certificate_pem=tls, seal_certificate_pem=seal, actor="admin"
    )
    node = registry.node("a")
    assert (node.tls_certificate_pem, node.seal_certificate_pem) == (tls, seal)
    assert node.seal_pems == (tls, seal)
    (published,) = [n for n in registry.snapshot().nodes if n.name == "a"]
    assert published.seal_certificate_pem == seal
    registry.add_node("a", "https://a.example", tls_certificate_pem=tls, actor="admin", replace=True)
    assert registry.node("a").seal_certificate_pem is None and registry.node("a").seal_pems == (tls,)
    with pytest.raises(DirectoryKeyError):  # not a certificate: refused, nothing stored
        registry.add_node("b", "https://b.example", seal_certificate_pem="garbage", actor="admin")
    assert [n.name for n in registry.nodes()] == ["a"]


def test_a_node_next_tls_certificate_is_published_beside_the_current_until_rewritten(
    registry: DirectoryRegistry,
) -> None:
    registry.initialize(actor="admin")
    current, following = certificate_pem("a tls"), certificate_pem("a tls next")
    registry.add_node(
        "a",
        "https://a.example",
        tls_certificate_pem=current,
        next_tls_certificate_pem=following,
        actor="admin",
    )
    (published,) = [n for n in registry.snapshot().nodes if n.name == "a"]
    assert published.tls_pems == (current, following)
    # The rollover ends: the next certificate becomes the current one, alone.
    registry.add_node("a", "https://a.example", tls_certificate_pem=following, actor="admin", replace=True)
    assert registry.node("a").tls_pems == (following,)
    with pytest.raises(DirectoryKeyError):  # not a certificate: refused, nothing stored
        registry.add_node("b", "https://b.example", next_tls_certificate_pem="garbage", actor="admin")
