"""A package larger than the nodes keep in memory, end to end over real processes and mTLS.

The nodes run with ``--in-memory-bytes`` at 1 MB, so a ~40 MB package takes the streaming path
everywhere: ``node submit`` reads it in place (the REST upload spools it), it is signed and
verified as a stream, the receiving endpoint spools it to a file, the blob store adopts that
file, the API decodes the attachment into the blob store to serve it. It arrives intact (each
attachment's SHA-256 at the recipient's API is the one sent), is stored once when delivered
again, and a body over the limit is refused with a negative receipt, nothing of it stored.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import select
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from lienthong.api import add_client
from lienthong.client import Client
from lienthong.demo import wait_for
from lienthong.edxml import DocumentBuilder, DocumentPackage, FileContent, write_package_to
from lienthong.evidence import read_receipt
from lienthong.net import client_context
from lienthong.node import PACKAGES_PATH, RECIPIENT_HEADER, DeliveryState, Refusal, Spool
from lienthong.store import BlobStore, NodeStore
from node.e2e_network import E2ENetwork, e2e_network
from node.node_network import AT, RECIPIENT, SENDER

#: A ~40 MiB package: one 30 MiB attachment (its base64 is beyond libxml2's 10 MB text node, so
#: only the streaming path carries it: parsed whole, as ``sign_package`` does, it is refused) and
#: a small one.
ATTACHMENT_MIB = (30, 1)
IN_MEMORY_BYTES = 1 << 20
MAX_PACKAGE_BYTES = 64 << 20
LIMITS = ("--max-package-bytes", str(MAX_PACKAGE_BYTES), "--in-memory-bytes", str(IN_MEMORY_BYTES))


@dataclass
class Sent:
    net: E2ENetwork
    message_id: str
    package_sha256: str
    #: Content id → SHA-256 of the attachment's bytes.
    attachments: dict[str, str]
    #: Node name → its API's URL.
    api_urls: dict[str, str]
    #: The attachment files (another package can be made of them).
    files: tuple[Path, ...]


def _api_url(net: E2ENetwork, name: str) -> str:
    """The API URL ``node serve`` prints after its peer URL."""
    child = net.nodes[name].child
    assert child is not None and child.popen is not None and child.popen.stdout is not None
    ready, _, _ = select.select([child.popen.stdout], [], [], 30)
    assert ready
    return child.popen.stdout.readline().decode().split()[-1]


def _attachment(path: Path, mib: int) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for _ in range(mib):  # one MiB at a time
            chunk = os.urandom(1 << 20)
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _blob_files(net: E2ENetwork, name: str) -> list[Path]:
    return [p for p in (net.homes[name].home / "blobs").rglob("*") if p.is_file() and p.parent.name != "tmp"]


def _spool_files(net: E2ENetwork, name: str) -> list[Path]:
    return list((net.homes[name].home / "blobs" / "tmp").iterdir())


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sent]:
    base = tmp_path_factory.mktemp("large")
    for net in e2e_network("sqlite", base, options=LIMITS):
        api_urls = {name: _api_url(net, name) for name in ("nghe-an", "vpcp")}
        attachments = {}
        files = tuple(base / f"ho-so-{number}.bin" for number in range(1, len(ATTACHMENT_MIB) + 1))
        for number, (path, mib) in enumerate(zip(files, ATTACHMENT_MIB, strict=True), start=1):
            attachments[str(number)] = _attachment(path, mib)
        file = base / "package.xml"
        with file.open("wb") as out:
            write_package_to(_document("77", files), out)
        assert file.stat().st_size > 40 << 20
        command = [
            sys.executable, "-m", "lienthong.cli", "node", "submit", str(file),
            "--home", str(net.homes["nghe-an"].home), *LIMITS,
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        message_id = json.loads(done.stdout)["message_id"]
        with NodeStore.begin(net.database("nghe-an"), write=False) as store:
            package_sha256 = store.outbox(message_id=message_id)[0].item.package_sha256
        yield Sent(net, message_id, package_sha256, attachments, api_urls, files)


def _document(number: str, files: tuple[Path, ...]) -> DocumentPackage:
    builder = DocumentBuilder().sender(SENDER, name="UBND tỉnh Nghệ An").code(number, "UBND-VP")
    builder = builder.subject("V/v hồ sơ lớn").recipient(RECIPIENT)
    for path in files:
        builder = builder.attach(path.name, FileContent(path), content_type="application/octet-stream")
    return builder.build(at=AT)


def _delivered(net: E2ENetwork, message_id: str) -> bool:
    with NodeStore.begin(net.database("nghe-an"), write=False) as store:
        entries = store.outbox(message_id=message_id)
    return bool(entries) and all(e.state is DeliveryState.DELIVERED for e in entries)


def _post(sent: Sent, body: Iterator[bytes], size: int) -> httpx.Response:
    """A delivery to vpcp's peer endpoint, as nghe-an (its TLS certificate), streamed."""
    fullchain, key, anchors = sent.net.client_files("nghe-an")
    tls = client_context(anchors=anchors, certificate=fullchain, key=key)
    headers = {RECIPIENT_HEADER: RECIPIENT, "Content-Length": str(size), "Content-Type": "application/xml"}
    with httpx.Client(verify=tls, timeout=httpx.Timeout(120.0, connect=10.0)) as client:
        return client.post(sent.net.nodes["vpcp"].url + PACKAGES_PATH, content=body, headers=headers)


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 16):
            yield chunk


def test_a_large_package_arrives_intact(sent: Sent) -> None:
    assert wait_for(lambda: _delivered(sent.net, sent.message_id), timeout=240.0, every=0.5)
    net = sent.net
    with NodeStore.begin(net.database("vpcp"), write=False) as store:
        held = store.inbox_get(sent.message_id, RECIPIENT)
    assert held is not None
    assert held.package_sha256 == sent.package_sha256
    token = add_client(net.database("vpcp"), "qlvb-large", codes=[RECIPIENT], at=datetime.now(UTC)).token
    target = net.base / "downloaded.bin"
    with Client(sent.api_urls["vpcp"], token=token, verify=str(net.pki.root_path), timeout=120.0) as api:
        view = api.document(f"{sent.message_id}-{RECIPIENT}")  # read as streams from the blob
        assert view.signature.valid
        assert [a.size for a in view.package.attachments] == [m << 20 for m in ATTACHMENT_MIB]
        for content_id, sha256 in sent.attachments.items():
            with target.open("wb") as out:
                written = api.download_attachment(f"{sent.message_id}-{RECIPIENT}", content_id, out)
            assert written == ATTACHMENT_MIB[int(content_id) - 1] << 20
            digest = hashlib.sha256()
            for chunk in _file_chunks(target):
                digest.update(chunk)
            assert digest.hexdigest() == sha256
    assert _spool_files(net, "vpcp") == _spool_files(net, "nghe-an") == []  # moved in, or removed


def test_a_large_package_sent_through_the_api_is_spooled_and_delivered(sent: Sent) -> None:
    net = sent.net
    buffer = io.BytesIO()
    write_package_to(_document("78", sent.files), buffer)
    token = add_client(net.database("nghe-an"), "qlvb-sender", codes=[SENDER], at=datetime.now(UTC)).token
    with Client(sent.api_urls["nghe-an"], token=token, verify=str(net.pki.root_path), timeout=300.0) as api:
        answer = api.send_package(buffer.getvalue())
    assert not answer.repeated
    assert wait_for(lambda: _delivered(net, answer.message_id), timeout=240.0, every=0.5)
    with NodeStore.begin(net.database("vpcp"), write=False) as store:
        held = store.inbox_get(answer.message_id, RECIPIENT)
    assert held is not None
    assert held.package_sha256 == answer.package_sha256
    assert _spool_files(net, "vpcp") == _spool_files(net, "nghe-an") == []


def test_the_same_package_again_is_stored_once(sent: Sent) -> None:
    assert wait_for(lambda: _delivered(sent.net, sent.message_id), timeout=240.0, every=0.5)
    net = sent.net
    blobs_before = sorted(_blob_files(net, "vpcp"))
    stored = BlobStore(net.homes["nghe-an"].home / "blobs").path(sent.package_sha256)
    response = _post(sent, _file_chunks(stored), stored.stat().st_size)
    assert response.status_code == 200
    receipt = read_receipt(response.content).receipt
    assert receipt.accepted and receipt.duplicate
    assert receipt.package_sha256 == sent.package_sha256
    with NodeStore.begin(net.database("vpcp"), write=False) as store:
        assert len(store.inbox(document_id=receipt.document_id, recipient=RECIPIENT)) == 1
    assert sorted(_blob_files(net, "vpcp")) == blobs_before
    assert _spool_files(net, "vpcp") == []


def test_an_oversize_body_is_refused_and_nothing_stored(sent: Sent) -> None:
    net = sent.net
    blobs_before = sorted(_blob_files(net, "vpcp"))
    with NodeStore.begin(net.database("vpcp"), write=False) as store:
        inbox_before = len(store.inbox(recipient=RECIPIENT))
    size = MAX_PACKAGE_BYTES + (1 << 20)
    junk = b"<edXML>" + b"x" * ((1 << 16) - 7)
    response = _post(sent, (junk for _ in range(size >> 16)), size)
    assert response.status_code == 200
    receipt = read_receipt(response.content).receipt
    assert not receipt.accepted
    assert receipt.reason_code == Refusal.TOO_LARGE.value and receipt.reason is None
    assert receipt.reason_message is not None and receipt.reason_message.code == "node-package-too-large"
    assert receipt.reason_message.params["limit"] == MAX_PACKAGE_BYTES
    assert sorted(_blob_files(net, "vpcp")) == blobs_before
    assert _spool_files(net, "vpcp") == []
    with NodeStore.begin(net.database("vpcp"), write=False) as store:
        assert len(store.inbox(recipient=RECIPIENT)) == inbox_before


def test_a_spool_keeps_small_bodies_in_memory_and_spills_large_ones(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    small = Spool(blobs.temporary, threshold=10)
    small.write(b"0123456789")
    kept = small.finish()
    assert kept.data == b"0123456789"
    assert kept.sha256 == hashlib.sha256(b"0123456789").hexdigest()
    large = Spool(blobs.temporary, threshold=10)
    for part in (b"01234", b"56789", b"abc"):
        large.write(part)
    spooled = large.finish()
    assert spooled.data is None
    assert spooled.path is not None
    assert spooled.path.read_bytes() == b"0123456789abc"
    assert spooled.store(blobs).sha256 == hashlib.sha256(b"0123456789abc").hexdigest()
    assert list(blobs.temporary.iterdir()) == []  # renamed into the store, not copied
    assert blobs.path(spooled.sha256).read_bytes() == b"0123456789abc"
    dropped = Spool(blobs.temporary, threshold=10)
    dropped.write(b"x" * 20)
    dropped.drop()
    dropped.write(b"y")
    assert dropped.size == 21
    assert dropped.sha256 == hashlib.sha256(b"x" * 20 + b"y").hexdigest()
    assert dropped.finish().data == b""
    assert list(blobs.temporary.iterdir()) == []
