"""Make the upgrade fixture: a node database written by the previous release, populated.

    python tests/data/upgrade/make_upgrade.py            # regenerate tests/data/upgrade/v0.1.0/

It checks out the tag (``git worktree add``) in a temporary directory and runs *that release's*
code (its ``src`` and ``tests`` on ``PYTHONPATH``) to build a two-node network in one process
(``support.pki`` NETWORK plan, ``node.node_network`` configuration), send three documents from
nghe-an (000.00.00.H41) to vpcp (000.00.00.G22) and one back, and answer the first with a status.
What it keeps, in ``v0.1.0/``, is node vpcp as that release left it:

    fixture.json   the release, its schema head, the network's moment (``at``), the documents
    vpcp.db        its SQLite database (schema ``0014_node_next_tls``)
    vpcp.sql       the same node written to PostgreSQL by that release, dumped by ``pg_dump
                   --inserts`` (schema ``lt_upgrade``; the test loads it into a fresh schema)
    blobs/         its blob store (both databases refer to the same packages)
    pki/           the release's test PKI home: certificates, and the throwaway keys of its
                   agencies and nodes (not the CA's)
    configuration.json, anchor.json   the signed network configuration and its anchor

``tests/store/test_upgrade.py`` migrates copies to the current head and runs the node on them.
Needs git, ``pg_dump`` and the PostgreSQL of ``LIENTHONG_TEST_POSTGRES``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

RELEASE = "v0.1.0"
SCHEMA_HEAD = "0014_node_next_tls"
HERE = Path(__file__).resolve().parent
OUT = HERE / RELEASE
REPOSITORY = HERE.parents[2]
PG_SCHEMA = "lt_upgrade"
POSTGRES = os.environ.get("LIENTHONG_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="lienthong-release-") as folder:
        checkout = Path(folder) / "release"
        subprocess.run(
            ["git", "-C", str(REPOSITORY), "worktree", "add", "--detach", str(checkout), RELEASE], check=True
        )
        try:
            staging = Path(folder) / "out"
            env = {**os.environ, "PYTHONPATH": f"{checkout / 'src'}{os.pathsep}{checkout / 'tests'}"}
            subprocess.run(
                [sys.executable, __file__, "--populate", str(staging)], check=True, env=env, cwd=folder
            )
            dump = subprocess.run(
                ["pg_dump", "--schema", PG_SCHEMA, "--no-owner", "--no-privileges", "--inserts", POSTGRES],
                check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            # psql's meta-commands (``\restrict``) are not SQL: the test runs the dump with psycopg.
            sql = "".join(line for line in dump.splitlines(keepends=True) if not line.startswith("\\"))
            (staging / "vpcp.sql").write_text(sql, encoding="utf-8")
            _drop_schema()
            shutil.rmtree(OUT, ignore_errors=True)
            shutil.copytree(staging, OUT)
        finally:
            subprocess.run(
                ["git", "-C", str(REPOSITORY), "worktree", "remove", "--force", str(checkout)], check=True
            )
    print(f"wrote {OUT}")


def _drop_schema() -> None:
    import psycopg

    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE')


def populate(out: Path) -> None:
    """Run by the release's own code (see ``main``)."""
    import random
    from datetime import timedelta

    import psycopg

    from lienthong.directory import generate_directory_key, verify_configuration
    from lienthong.edxml import StatusCode
    from lienthong.node import InMemoryTransport, Node, deliver_due, submit
    from lienthong.store import BlobStore, migrate, open_database
    from node.node_network import AT, OTHER_SENDER, RECIPIENT, SENDER, _configuration, document, status
    from support.databases import _postgres_schema_url
    from support.pki import NETWORK, generate

    out.mkdir(parents=True)
    pki = generate(out, NETWORK)  # out/pki (kept) and out/foreign (dropped below)
    shutil.rmtree(out / "foreign")
    for name in ("root", "issuing", "tsa", "ocsp"):  # the CA's keys: nothing after needs them
        (out / "pki" / f"{name}.key.pem").unlink()
    key = generate_directory_key("upgrade directory", not_before=AT - timedelta(days=30))
    configuration = _configuration(pki, key)
    (out / "configuration.json").write_bytes(configuration)
    (out / "anchor.json").write_text(key.anchor(directory="test").to_json(), encoding="utf-8")
    config = verify_configuration(configuration, key.anchor(directory="test"), at=AT)
    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE')
        admin.execute(f'CREATE SCHEMA "{PG_SCHEMA}"')
    documents: dict[str, list[dict[str, str]]] = {}
    backends = {"sqlite": f"sqlite:///{out / 'vpcp.db'}", "postgresql": _postgres_schema_url(PG_SCHEMA)}
    for backend, receiver_url in backends.items():
        work = Path(tempfile.mkdtemp(prefix="lienthong-sender-"))
        sender_db = open_database(f"sqlite:///{work / 'nghe-an.db'}")
        receiver_db = open_database(receiver_url)
        for database in (sender_db, receiver_db):
            migrate(database)
        sender = Node(
            "nghe-an", sender_db, BlobStore(work / "blobs"), config, pki.node_keys["nghe-an"],
            signers={code: pki.signers[code] for code in (SENDER, OTHER_SENDER)},
        )  # fmt: skip
        receiver = Node(
            "vpcp", receiver_db, BlobStore(out / "blobs"), config, pki.node_keys["vpcp"],
            signers={RECIPIENT: pki.signers[RECIPIENT]},
        )  # fmt: skip
        transport = InMemoryTransport({"nghe-an": sender, "vpcp": receiver})
        rand = random.Random(1)
        sent = [submit(sender, document(f"U{n}"), at=AT) for n in range(3)]
        deliver_due(sender, transport, now=AT, rand=rand)
        submit(receiver, status(sent[0].document_id, StatusCode.REGISTERED, at=AT), at=AT)
        back = submit(receiver, document("V1", sender=RECIPIENT, to=(SENDER,)), at=AT)
        deliver_due(receiver, transport, now=AT, rand=rand)
        listed = [{"message_id": s.message_id, "document_id": s.document_id, "direction": "in"} for s in sent]
        listed.append({"message_id": back.message_id, "document_id": back.document_id, "direction": "out"})
        documents[backend] = listed
        sender_db.close()
        receiver_db.close()
        shutil.rmtree(work)
    fixture = {
        "release": RELEASE,
        "schema": SCHEMA_HEAD,
        "at": AT.isoformat(),
        "documents": documents,
    }
    (out / "fixture.json").write_text(json.dumps(fixture, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--populate":
        populate(Path(sys.argv[2]))
    else:
        main()
