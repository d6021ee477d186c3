"""The issue's rollover run: a directory and two nodes while a steady stream of documents flows
from nghe-an (000.00.00.H41) to vpcp (000.00.00.G22), and four rollovers happen in turn:

1. vpcp's TLS certificate: the renewed one published as its next, installed, SIGHUP, then
   published alone;
2. the sending agency's signing certificate: the renewed one bound beside the old, nghe-an's
   ``node.json`` switched to it;
3. the directory's configuration key: ``directory key announce``, both nodes hold it,
   ``directory key switch``, both nodes pin it;
4. the issuing CA: a new issuing CA under the same root, its CRL published, an agency
   certificate from it bound and used by the sender.

Both nodes are ``lienthong node serve`` processes (loopback, mutual TLS, SQLite,
``--refresh-interval 1``) refreshing from a directory served by this process (its own thread,
as in ``tests/node/test_key_rollover_e2e.py``); the directory's key changes through the CLI.
Documents are submitted here at a fixed rate through the sending node's own runtime (what
``node submit`` does), which takes the new signer (``NodeRuntime.rekey``) after a signer
change. The serving processes are never restarted: after (2) and (4) nghe-an's process is sent
SIGHUP and takes its new signer while serving (``restarts`` stays 0).

At the end (bounded) every document must be settled; the receiving node's database is counted:
delivered, duplicates (a DocumentId twice in the inbox), refused (negative receipts). A table,
then as the last line one JSON object. Exit 1 unless every document was delivered exactly once.

    .venv/bin/python bench/rollover_run.py --documents 200 --rate 4
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "tests")]

from directory.directory_servers import write_key  # noqa: E402
from lienthong.demo import wait_for  # noqa: E402
from lienthong.directory import (  # noqa: E402
    Configuration,
    DirectoryRegistry,
    generate_directory_key,
    load_pinned_anchor,
    reopen_configuration,
)
from lienthong.node import DeliveryState, NodeHome, NodeRuntime, RuntimeSettings, init_home, submit  # noqa: E402
from lienthong.server import DirectoryService, DirectorySettings  # noqa: E402
from lienthong.store import NodeStore, open_database  # noqa: E402
from lienthong.trust import KeySigner, Pki  # noqa: E402
from node.e2e_network import NodeProcess  # noqa: E402
from node.node_network import document  # noqa: E402
from support.pki import agency_signer, build_pki, fullchain, issuer_crl, renewed_issuing_ca  # noqa: E402

SENDER, RECIPIENT = "000.00.00.H41", "000.00.00.G22"
SERVED = {"nghe-an": (SENDER,), "vpcp": (RECIPIENT,)}
ENV = {**os.environ, "LIENTHONG_LANG": "en", "LIENTHONG_ACTOR": "bench"}
FINAL = {DeliveryState.DELIVERED, DeliveryState.REJECTED, DeliveryState.FAILED}
#: How long one rollover step may wait for the nodes to see a change (seconds).
STEP = 90.0


@dataclass
class Run:
    base: Path
    pki: Pki
    registry: DirectoryRegistry
    directory_home: Path
    next_key: tuple[Path, Path]
    homes: dict[str, NodeHome]
    nodes: dict[str, NodeProcess]
    restarts: int = 0

    @property
    def directory_db(self) -> str:
        return f"sqlite:///{self.base / 'directory.db'}"

    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _lienthong(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "lienthong.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, env=ENV)


def _replace(path: Path, data: bytes) -> None:
    """A whole new file moved into place, as an operator's tool should write it."""
    fresh = path.with_name(path.name + ".tmp")
    fresh.write_bytes(data)
    os.chmod(fresh, 0o600)
    os.replace(fresh, path)


def _held(run: Run, name: str) -> tuple[str, Configuration]:
    """The key node ``name`` verifies with, and the configuration it holds."""
    home = run.homes[name]
    assert home.anchor_path is not None
    anchor = load_pinned_anchor(home.anchor_path)
    cache = home.configuration_path or home.home / "configuration.json"
    return anchor.fingerprint, reopen_configuration(cache.read_bytes(), anchor)


def _everyone(run: Run, seen: Callable[[str, Configuration], bool]) -> bool:
    """Wait (bounded) until both nodes' configurations satisfy ``seen``."""

    def probe() -> bool:
        try:
            return all(seen(fp, configuration) for fp, configuration in (_held(run, n) for n in SERVED))
        except Exception:  # a cache mid-replace, or one signed by a key not pinned yet: look again
            return False

    return bool(wait_for(probe, timeout=STEP, every=0.3))


@contextlib.contextmanager
def network(base: Path) -> Iterator[Run]:
    """The directory (served here) and both nodes (processes), stopped after."""
    now = datetime.now(UTC)
    pki = build_pki(
        base / "pki", at=now - timedelta(days=1), name="Lienthong rollover run",
        agencies=[SENDER, RECIPIENT], nodes=("directory", *SERVED),
    )  # fmt: skip
    old = generate_directory_key("rollover directory 1", not_before=now - timedelta(days=1))
    new = generate_directory_key("rollover directory 2", not_before=now - timedelta(days=1))
    (base / "old").mkdir()
    (base / "new").mkdir()
    old_files, new_files = write_key(old, base / "old"), write_key(new, base / "new")
    anchor_path = base / "anchor.json"
    anchor_path.write_text(old.anchor(directory="rollover").to_json(), encoding="utf-8")
    directory_home = base / "directory"
    directory_home.mkdir()
    settings = DirectorySettings(
        database_url=f"sqlite:///{base / 'directory.db'}",
        home=directory_home,
        signing_key=old_files[0],
        signing_certificate=old_files[1],
        tls_certificate=fullchain(pki, "directory", base)[0],
        tls_key=pki.issued("directory").key_path,
        client_anchors=pki.root_path,
        directory="rollover",
    )
    ports = {name: _free_port() for name in SERVED}
    with DirectoryService(settings) as service:
        registry = service.registry
        registry.initialize(actor="setup")
        registry.add_anchor(pki.root_path.read_text(encoding="ascii"), actor="setup")
        for name, codes in SERVED.items():
            tls = pki.issued(name).cert_path.read_text(encoding="ascii")
            registry.add_node(
                name, f"https://127.0.0.1:{ports[name]}", serves=codes, tls_certificate_pem=tls, actor="setup"
            )
            for code in codes:
                registry.bind_certificate(
                    code, pki.issued(code).cert_path.read_text(encoding="ascii"), actor="setup"
                )
        server = service.start()
        run = Run(base, pki, registry, directory_home, new_files, {}, {})
        try:
            for name, codes in SERVED.items():
                run.homes[name] = init_home(
                    base / name, name=name, anchor=anchor_path, at=now,
                    database_url=f"sqlite:///{base / name / 'node.db'}", pki=base / "pki", agencies=codes,
                    directory_url=server.url, directory_tls_anchors=pki.root_path,
                )  # fmt: skip
                run.nodes[name] = NodeProcess(
                    name, base / name, None, base / f"{name}.log", port=ports[name],
                    options=("--refresh-interval", "1"),
                )  # fmt: skip
                run.nodes[name].start()
            yield run
        finally:
            for node in run.nodes.values():
                node.stop()
            server.stop()


class Feeder(threading.Thread):
    """Submits ``documents`` at ``rate`` a second through the sending node's runtime, which
    takes its signers again (``rekey``) when its ``node.json`` changes."""

    def __init__(self, run: Run, documents: int, rate: float) -> None:
        super().__init__(name="feeder", daemon=True)
        self.run_ = run
        self.documents, self.rate = documents, rate
        self.sent: list[tuple[str, str]] = []  # (message id, document id)
        self.failures: list[str] = []
        self._lock = threading.Lock()
        self._runtime: NodeRuntime | None = None
        self.stopping = threading.Event()

    def rekey(self, fingerprint: str) -> None:
        """Sign with the signers ``node.json`` names now, once this runtime's configuration binds
        the certificate with ``fingerprint`` (its own refresh, a second at most behind)."""
        runtime = self._runtime
        assert runtime is not None
        bound = lambda: _bound(fingerprint)("", runtime.node().configuration)  # noqa: E731
        if not wait_for(bound, timeout=STEP, every=0.2):
            raise RuntimeError("the submitting runtime never held the new binding")
        with self._lock:
            runtime.rekey()

    def run(self) -> None:
        with self._lock:
            # Refreshing as the serving nodes do: a renewed binding is held before it signs with it.
            settings = RuntimeSettings(refresh=True, refresh_interval=timedelta(seconds=1))
            self._runtime = NodeRuntime(NodeHome.load(self.run_.homes["nghe-an"].home), settings)
        start = time.monotonic()
        try:
            for number in range(self.documents):
                if self.stopping.is_set():
                    return
                time.sleep(max(0.0, start + number / self.rate - time.monotonic()))
                with self._lock:
                    assert self._runtime is not None
                    try:
                        done = submit(self._runtime.node(), document(f"9{number:04d}"), at=datetime.now(UTC))
                    except Exception as exc:  # counted: a document the rollover stopped
                        self.failures.append(f"{number}: {exc}")
                        continue
                self.sent.append((done.message_id, done.document_id))
        finally:
            with self._lock:
                if self._runtime is not None:
                    self._runtime.close()
                    self._runtime = None


def _pem_key(signer: KeySigner) -> bytes:
    return signer.private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())


def _switch_signer(
    run: Run, feeder: Feeder, signer: KeySigner, label: str, chain: Path | None = None
) -> None:
    """Point nghe-an's ``node.json`` at ``signer`` (and ``chain``); the submitting runtime and
    the serving process (on SIGHUP, without stopping) take it."""
    home = run.homes["nghe-an"].home
    _replace(home / f"{label}.key.pem", _pem_key(signer))  # 0600: the node refuses a key others can read
    (home / f"{label}.pem").write_bytes(signer.certificate.public_bytes(Encoding.PEM))
    settings = json.loads((home / "node.json").read_text(encoding="utf-8"))
    settings["signers"][SENDER] = {"key": f"{label}.key.pem", "certificate": f"{label}.pem"}
    if chain is not None:
        settings["chain"] = [*settings.get("chain", []), chain.name]
    _replace(home / "node.json", json.dumps(settings, indent=2).encode("utf-8"))
    feeder.rekey(hashlib.sha256(signer.certificate.public_bytes(Encoding.DER)).hexdigest())
    process = run.nodes["nghe-an"].process
    assert process is not None
    process.send_signal(signal.SIGHUP)
    loaded = f"{SENDER}={signer.certificate.serial_number:x}"
    log = run.nodes["nghe-an"].log
    if not wait_for(lambda: loaded in log.read_text(encoding="utf-8", errors="replace"), timeout=STEP):
        raise RuntimeError("nghe-an did not take its new signer")


def _bound(fingerprint_of: str) -> Callable[[str, Configuration], bool]:
    return lambda _fp, c: any(b.fingerprint == fingerprint_of for b in c.content.bindings)


def tls_rollover(run: Run) -> None:
    """(1) vpcp's TLS certificate: next published, installed, SIGHUP, then published alone."""
    entry = run.registry.node("vpcp")
    renewed = run.pki.issue_node("vpcp-renewed", at=datetime.now(UTC) - timedelta(minutes=5))
    new_pem = renewed.certificate.public_bytes(Encoding.PEM).decode("ascii")
    run.registry.add_node(
        "vpcp", entry.peer_url, serves=entry.subtrees, tls_certificate_pem=entry.tls_certificate_pem,
        next_tls_certificate_pem=new_pem, replace=True, actor="bench",
    )  # fmt: skip
    nexts = lambda _fp, c: any(n.next_tls_certificate_pem for n in c.content.nodes)  # noqa: E731
    if not _everyone(run, nexts):
        raise RuntimeError("a node never held vpcp's next TLS certificate")
    home, process = run.homes["vpcp"], run.nodes["vpcp"].process
    assert process is not None
    _replace(home.key_path, renewed.key_path.read_bytes())
    _replace(home.certificate_path, new_pem.encode("ascii"))
    process.send_signal(signal.SIGHUP)
    loaded = f"tls certificate serial={renewed.certificate.serial_number:x} loaded"
    log = run.nodes["vpcp"].log
    if not wait_for(lambda: loaded in log.read_text(encoding="utf-8", errors="replace"), timeout=STEP):
        raise RuntimeError("vpcp did not load its renewed TLS certificate")
    run.registry.add_node(
        "vpcp",
        entry.peer_url,
        serves=entry.subtrees,
        tls_certificate_pem=new_pem,
        replace=True,
        actor="bench",
    )
    alone = lambda _fp, c: not any(n.next_tls_certificate_pem for n in c.content.nodes)  # noqa: E731
    if not _everyone(run, alone):
        raise RuntimeError("a node never held the end of vpcp's TLS rollover")


def signer_rollover(run: Run, feeder: Feeder) -> None:
    """(2) The sending agency's certificate renewed: bound beside the old, then used."""
    renewed = agency_signer(run.pki.issuer, SENDER, at=datetime.now(UTC) - timedelta(minutes=5), days=730)
    binding = run.registry.bind_certificate(
        SENDER, renewed.certificate.public_bytes(Encoding.PEM).decode("ascii"), actor="bench"
    )
    if not _everyone(run, _bound(binding.fingerprint)):
        raise RuntimeError("a node never held the renewed agency certificate")
    _switch_signer(run, feeder, renewed, "agency-renewed")


def key_rollover(run: Run) -> None:
    """(3) The directory's configuration key: announce, both nodes hold it, switch, both pin it."""
    key, cert = run.next_key
    announced = _lienthong(
        "directory",
        "key",
        "announce",
        "--home",
        str(run.directory_home),
        "--next-key",
        str(key),
        "--next-cert",
        str(cert),
        "--db",
        run.directory_db,
    )
    if announced.returncode != 0:
        raise RuntimeError(announced.stderr.strip())
    if not _everyone(run, lambda _fp, c: c.content.next_signer is not None):
        raise RuntimeError("a node never held a configuration announcing the next key")
    pinned_before = {name: _held(run, name)[0] for name in SERVED}
    switched = _lienthong(
        "directory", "key", "switch", "--home", str(run.directory_home), "--db", run.directory_db
    )
    if switched.returncode != 0:
        raise RuntimeError(switched.stderr.strip())
    if not _everyone(run, lambda fp, _c: fp not in pinned_before.values()):
        raise RuntimeError("a node did not switch to the new key")


def issuing_rollover(run: Run, feeder: Feeder) -> None:
    """(4) A new issuing CA: its CRL published, an agency certificate from it bound and used."""
    at = datetime.now(UTC) - timedelta(minutes=5)
    issuing = renewed_issuing_ca(run.pki, at=at)
    issuing_pem = issuing.certificate.public_bytes(Encoding.PEM)
    crl = issuer_crl(issuing, at=at)
    # Once the directory holds one CRL it wants a current one of every CA: the root's and the old
    # issuing CA's (freshly signed) go with the new issuing CA's.
    crls = run.pki.write_crl(at=at).read_bytes() + crl.public_bytes(Encoding.PEM)
    old_issuing = run.pki.issuing_path.read_bytes()
    run.registry.add_crls(crls, cas=[old_issuing, issuing_pem], actor="bench")
    signer = agency_signer(issuing, SENDER, at=at, days=730)
    binding = run.registry.bind_certificate(
        SENDER, signer.certificate.public_bytes(Encoding.PEM).decode("ascii"), actor="bench"
    )
    if not _everyone(run, _bound(binding.fingerprint)):
        raise RuntimeError("a node never held the certificate from the new issuing CA")
    chain = run.homes["nghe-an"].home / "issuing-2.pem"
    chain.write_bytes(issuing_pem)
    _switch_signer(run, feeder, signer, "agency-issuing-2", chain=chain)


def _settled(run: Run, sent: list[tuple[str, str]], timeout: float) -> bool:
    database = open_database(run.homes["nghe-an"].database_url)
    wanted = [message_id for message_id, _ in sent]

    def probe() -> bool:
        with NodeStore.begin(database, write=False) as store:
            found = store.outbox_of(wanted)
        return all(found.get(m) and all(e.state in FINAL for e in found[m]) for m in wanted)

    try:
        return bool(wait_for(probe, timeout=timeout, every=1.0))
    finally:
        database.close()


def _count(run: Run, sent: list[tuple[str, str]]) -> tuple[int, int, int]:
    """(delivered, duplicates, refused) in the receiving node's database."""
    database = open_database(run.homes["vpcp"].database_url)
    try:
        with NodeStore.begin(database, write=False) as store:
            held = [entry.document_id for entry in store.inbox(recipient=RECIPIENT)]
    finally:
        database.close()
    wanted = {document_id for _, document_id in sent}
    delivered = len(wanted & set(held))
    duplicates = len(held) - len(set(held))
    path = run.homes["vpcp"].database_url.removeprefix("sqlite:///")
    with contextlib.closing(sqlite3.connect(path)) as db:
        (refused,) = db.execute("SELECT count(*) FROM node_receipts WHERE accepted = 0").fetchone()
    return delivered, duplicates, int(refused)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--rate", type=float, default=4.0, help="documents a second")
    parser.add_argument("--settle-timeout", type=float, default=300.0)
    args = parser.parse_args()
    # SIGTERM ends like Ctrl-C: the finally blocks stop every process started here.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    started = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="lienthong-rollover-"))
    print(f"homes and logs in {base}", file=sys.stderr, flush=True)
    with network(base) as run:
        feeder = Feeder(run, args.documents, args.rate)
        feeder.start()
        try:
            steps: list[tuple[str, Callable[[], None]]] = [
                ("node TLS certificate", lambda: tls_rollover(run)),
                ("agency signing certificate", lambda: signer_rollover(run, feeder)),
                ("directory configuration key", lambda: key_rollover(run)),
                ("issuing CA", lambda: issuing_rollover(run, feeder)),
            ]
            for label, step in steps:
                if not feeder.is_alive():
                    run.skipped.append(f"{label}: the stream had ended")
                    continue
                t0 = time.monotonic()
                try:
                    step()
                except Exception as exc:  # reported as skipped; the stream goes on
                    run.skipped.append(f"{label}: {exc}")
                    continue
                run.done.append(label)
                print(f"rollover           {label} ({time.monotonic() - t0:.1f} s)", flush=True)
            feeder.join()
        finally:
            feeder.stopping.set()
            feeder.join(timeout=30)
        settled = _settled(run, feeder.sent, args.settle_timeout)
        delivered, duplicates, refused = _count(run, feeder.sent)
    seconds = round(time.monotonic() - started, 1)
    ok = settled and not feeder.failures and delivered == args.documents and duplicates == 0 and refused == 0
    rows = [
        ("documents", args.documents), ("submitted", len(feeder.sent)),
        ("submit failures", len(feeder.failures)), ("settled", settled), ("delivered", delivered),
        ("duplicates", duplicates), ("refused", refused), ("rollovers", len(run.done)),
        ("restarts", run.restarts), ("seconds", seconds),
    ]  # fmt: skip
    for label, value in rows:
        print(f"{label:<18} {value}")
    for line in run.skipped:
        print(f"skipped            {line}")
    for line in feeder.failures[:5]:
        print(f"submit failure     {line}")
    print(
        json.dumps(
            {
                "documents": args.documents,
                "delivered": delivered,
                "duplicates": duplicates,
                "refused": refused,
                "rollovers": len(run.done),
                "seconds": seconds,
                "restarts": run.restarts,
                "skipped": [line.split(":", 1)[0] for line in run.skipped],
                "ok": ok,
            }
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
