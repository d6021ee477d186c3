"""Real ``node serve`` processes whose blobs live in PostgreSQL: the database is the node's only
state besides its keys. A second home of the sending node (its own folder, the same database and
keys) serves while the first stops; a package submitted through the first home is delivered by
the second, which finds it in the database; the receiver streams it in (past its in-memory
threshold) and its API serves the attachment from the database. No home holds a blob file."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

from api.api_nodes import api_url
from lienthong.api import add_client
from lienthong.client import Client
from lienthong.demo import wait_for
from lienthong.edxml import DocumentBuilder, write_package
from lienthong.node import DeliveryState, NodeRuntime, submit
from lienthong.store import DatabaseBlobStore, NodeStore
from node.e2e_network import NodeProcess, e2e_network
from node.node_network import AT, RECIPIENT, SENDER

#: The receiver streams a package above this many bytes (into the database, chunk by chunk).
IN_MEMORY_BYTES = 100_000


def _package(attachment: bytes) -> bytes:
    builder = DocumentBuilder().sender(SENDER, name="UBND tỉnh Nghệ An").code("9001", "UBND-VP")
    builder = builder.subject("V/v hồ sơ lưu trong cơ sở dữ liệu").promulgation(
        on=date(2026, 3, 2), place="Vinh"
    )
    builder = builder.recipient(RECIPIENT).attach(
        "ho-so.bin", attachment, content_type="application/octet-stream"
    )
    return write_package(builder.build(at=AT))


def _blob_files(home: Path) -> list[Path]:
    return [path for path in home.rglob("*") if path.is_file() and {"blobs", "spool"} & set(path.parts)]


def test_two_homes_on_one_database_share_blobs_and_keep_no_blob_files(tmp_path: Path) -> None:
    options = ("--in-memory-bytes", str(IN_MEMORY_BYTES))
    networks = e2e_network("postgresql", tmp_path / "net", options=options)
    net = next(networks)
    first_home = net.homes["nghe-an"]
    second_home = tmp_path / "nghe-an-2"
    shutil.copytree(first_home.home, second_home)  # settings and keys; no blob is a file
    second = NodeProcess(
        "nghe-an-2", second_home, net.configuration, tmp_path / "nghe-an-2.log", options=options
    )
    try:
        assert {home.blob_backend for home in net.homes.values()} == {"postgresql"}  # init's default
        net.nodes["nghe-an"].stop()
        second.start()
        attachment = os.urandom(400_000)
        with NodeRuntime(first_home) as runtime:  # submitted through the first home
            submission = submit(runtime.node(), _package(attachment), at=datetime.now(UTC))
        message_id = submission.message_id

        def delivered() -> bool:
            with NodeStore.begin(net.database("nghe-an"), write=False) as store:
                entries = store.outbox(message_id=message_id)
            return bool(entries) and entries[0].state is DeliveryState.DELIVERED

        assert wait_for(delivered, timeout=300, every=0.5), "the second home did not deliver it"
        with NodeStore.begin(net.database("vpcp"), write=False) as store:
            held = store.inbox_get(message_id, RECIPIENT)
        assert held is not None and held.package_sha256 == submission.package_sha256
        received = DatabaseBlobStore(net.database("vpcp"), tmp_path / "spool")
        assert received.size(held.package_sha256) > IN_MEMORY_BYTES  # streamed in, not whole
        sent = DatabaseBlobStore(net.database("nghe-an"), tmp_path / "spool")
        assert b"".join(sent.read_verified(held.package_sha256)) == b"".join(
            received.read_verified(held.package_sha256)
        )

        token = add_client(net.database("vpcp"), "qlvb", codes=[RECIPIENT], at=datetime.now(UTC)).token
        with Client(
            api_url(net.nodes["vpcp"]), token=token, verify=str(net.pki.root_path), timeout=120.0
        ) as api:
            out = io.BytesIO()
            api.download_attachment(f"{message_id}-{RECIPIENT}", "1", out)
        assert hashlib.sha256(out.getvalue()).digest() == hashlib.sha256(attachment).digest()
        for home in (*(home.home for home in net.homes.values()), second_home):
            assert _blob_files(home) == [], f"{home} keeps blob files"
    finally:
        second.stop()
        for _ in networks:
            pass
