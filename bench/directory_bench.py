"""Directory benchmark: a network configuration for 20,000 units and 500 nodes.

Builds a registry (SQLite in a temporary directory, or ``--db URL``), then measures: reading the
registry and building + signing the full configuration; verifying and loading it on a node
(signature, decompression, parsing, the code registry and routing tables ready); its size; and a
delta after 100 changes, applied to the verified configuration. Targets: build + sign < 1 s,
verify + load < 0.5 s, full configuration < 2 MB compressed.

    .venv/bin/python bench/directory_bench.py

The last line is one JSON object with unit-named keys.
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from lienthong.codes import default_registry
from lienthong.directory import (
    DirectoryRegistry,
    build_configuration,
    generate_directory_key,
    verify_configuration,
)

UNITS = 20_000
NODES = 500
CHANGES = 100
NOW = datetime(2025, 8, 1, 8, 0, tzinfo=UTC)
TARGETS = {"build_sign_s": 1.0, "verify_load_s": 0.5, "compressed_mb": 2.0}


def _level1() -> list[str]:
    """The level-1 codes open today in the reference data (about 70)."""
    registry = default_registry()
    return [code for code in registry.codes() if registry.lookup(code, at=NOW.date()).active]


def _units() -> list[str]:
    """Under each open level-1 unit, 30 level-2 units with 9 level-3 units each; 20,000 in all."""
    codes = []
    for top in _level1():
        letter = top[-3:]
        for two in range(1, 31):
            codes.append(f"000.00.{two:02d}.{letter}")
            codes.extend(f"000.{three:02d}.{two:02d}.{letter}" for three in range(1, 10))
    return codes[: UNITS - len(_level1())]


def _certificate(name: str) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(Encoding.PEM).decode("ascii")


def _populate(registry: DirectoryRegistry, folder: Path) -> list[str]:
    registry.initialize(actor="bench")
    units = _units()
    csv = io.StringIO()
    csv.write("code,name,note\n")
    for code in units:
        csv.write(f"{code},Đơn vị {code},\n")
    path = folder / "units.csv"
    path.write_text(csv.getvalue(), encoding="utf-8")
    registry.import_csv(path, actor="bench")
    # One node per level-1 unit, the rest for level-2 units (the first few of each): 500.
    tops = _level1()
    subtrees = [[top] for top in tops] + [
        [f"000.00.{two:02d}.{top[-3:]}"] for two in range(1, 31) for top in tops
    ]
    for index, serves in enumerate(subtrees[:NODES]):
        registry.add_node(
            f"node-{index:03d}",
            f"https://node-{index:03d}.lienthong.example",
            serves=serves,
            tls_certificate_pem=_certificate(f"node-{index:03d}"),
            actor="bench",
        )
        registry.bind_certificate(serves[0], _certificate(f"signer-{index:03d}"), actor="bench")
    return units


def _change(registry: DirectoryRegistry, units: list[str]) -> None:
    """100 changes: 60 units closed with successors, 20 units added, 20 nodes moved to new URLs."""
    leaves = [code for code in units if not code.startswith("000.00.")]
    for index in range(60):
        registry.close_agency(
            leaves[index], on=date(2025, 9, 1), successor=leaves[index + 100], actor="bench"
        )
    for index in range(20):
        registry.add_agency(f"000.00.{50 + index}.H26", name=f"Đơn vị mới {index}", actor="bench")
    for node in registry.nodes()[:20]:
        registry.add_node(
            node.name,
            node.peer_url.replace("https://", "https://new-"),
            serves=node.subtrees,
            tls_certificate_pem=node.tls_certificate_pem,
            replace=True,
            actor="bench",
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: SQLite in a temporary directory)")
    args = parser.parse_args()
    key = generate_directory_key("bench directory", not_before=NOW - timedelta(days=1))
    anchor = key.anchor(directory="bench")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = args.db or f"sqlite:///{folder / 'directory.db'}"
        with DirectoryRegistry.open(url, clock=lambda: NOW) as registry:
            started = time.perf_counter()
            units = _populate(registry, folder)
            populate_s = time.perf_counter() - started

            started = time.perf_counter()
            snapshot = registry.snapshot()
            snapshot_s = time.perf_counter() - started
            started = time.perf_counter()
            full = build_configuration(snapshot, key, directory="bench", issued_at=NOW)
            encode_sign_s = time.perf_counter() - started

            started = time.perf_counter()
            config = verify_configuration(full, anchor, at=NOW)
            verify_s = time.perf_counter() - started
            started = time.perf_counter()
            _ = config.network.registry  # the code registry, built on first use
            node = config.node_for("000.03.02.H26", at=NOW)
            load_s = time.perf_counter() - started
            assert (
                node.name
                == next(n for n in config.network.nodes.values() if "000.00.02.H26" in n.subtrees).name
            )

            base = snapshot.version
            _change(registry, units)
            started = time.perf_counter()
            delta = build_configuration(registry.snapshot(since=base), key, directory="bench", issued_at=NOW)
            delta_build_s = time.perf_counter() - started
            started = time.perf_counter()
            updated = verify_configuration(delta, anchor, at=NOW, current=config)
            _ = updated.network.registry
            delta_apply_s = time.perf_counter() - started
            assert updated.version > config.version

    rules = sum(len(n.subtrees) for n in config.content.nodes)
    figures = {
        "units": len(config.content.agencies),
        "nodes": len(config.content.nodes),
        "subtree_rules": rules,
        "bindings": len(config.content.bindings),
        "populate_s": round(populate_s, 3),
        "snapshot_s": round(snapshot_s, 3),
        "encode_sign_s": round(encode_sign_s, 3),
        "build_sign_s": round(snapshot_s + encode_sign_s, 3),
        "verify_s": round(verify_s, 3),
        "load_s": round(load_s, 3),
        "verify_load_s": round(verify_s + load_s, 3),
        "compressed_mb": round(len(full) / 1e6, 3),
        "delta_changes": CHANGES,
        "delta_kb": round(len(delta) / 1e3, 1),
        "delta_build_s": round(delta_build_s, 3),
        "delta_verify_apply_s": round(delta_apply_s, 3),
    }
    print(f"{figures['units']} units, {figures['nodes']} nodes, {rules} subtree rules "
          f"({figures['units'] / rules:.0f} units per rule), {figures['bindings']} bindings")  # fmt: skip
    for name, target in TARGETS.items():
        value = figures[name]
        print(f"{name:>16}: {value:>8} (target < {target}; {value / target:.2f} of it)")
    print(f"{'snapshot_s':>16}: {figures['snapshot_s']:>8}   encode_sign_s: {figures['encode_sign_s']}")
    print(f"{'verify_s':>16}: {figures['verify_s']:>8}   load_s: {figures['load_s']}")
    print(f"{'delta':>16}: {figures['delta_kb']} kB after {CHANGES} changes "
          f"({len(full) / len(delta):.0f}x smaller than full), build {figures['delta_build_s']} s, "
          f"verify+apply {figures['delta_verify_apply_s']} s")  # fmt: skip
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
