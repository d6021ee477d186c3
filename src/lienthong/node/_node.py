"""``Node``: what the protocol functions need, gathered once per process.

It holds no state of its own beyond what it is given: the database and blob store, the verified
network configuration, the node's key (signs receipts and log heads) and the agency signers
(sign packages submitted unsigned). Time is always a parameter of the functions using it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType

from cryptography import x509

from lienthong.directory import Configuration
from lienthong.edxml import DEFAULT_LIMITS, Limits
from lienthong.node._retry import RetryPolicy
from lienthong.store import BlobStorage, Database
from lienthong.trust import Signer

_NO_SIGNERS: Mapping[str, Signer] = MappingProxyType({})


@dataclass(frozen=True)
class Node:
    """One connection point: its name in the configuration and its means."""

    name: str
    database: Database
    blobs: BlobStorage
    configuration: Configuration
    #: The node's seal: signs receipts and log heads. Its seal key when ``node.json`` names one
    #: (bound to the node in the directory's node entry), else its TLS key and certificate.
    key: Signer
    #: Agency code → signer, for packages submitted unsigned.
    signers: Mapping[str, Signer] = field(default_factory=lambda: _NO_SIGNERS)
    limits: Limits = DEFAULT_LIMITS
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    #: HOME/appearance: each agency's signature appearance (``node.load_appearance``); None: none.
    appearance_dir: Path | None = None
    #: How long delivered packages stay ready to be sent again to a peer restored from a
    #: backup (``node.json`` ``resync_window_days``); a purge must keep them that long.
    resync_window: timedelta = timedelta(days=30)
    #: HOME/restored.json: a restore's pending resynchronisation (``_backup``); None: none.
    restore_marker: Path | None = None
    #: The network's trust anchors, read from the configuration.
    anchors: tuple[x509.Certificate, ...] = field(init=False)
    crls: tuple[x509.CertificateRevocationList, ...] = field(init=False)

    def __post_init__(self) -> None:
        content = self.configuration.content
        anchors = tuple(x509.load_pem_x509_certificate(a.certificate_pem.encode()) for a in content.anchors)
        crls = tuple(x509.load_pem_x509_crl(c.crl_pem.encode()) for c in content.crls)
        object.__setattr__(self, "anchors", anchors)
        object.__setattr__(self, "crls", crls)
