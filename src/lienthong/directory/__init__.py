"""The directory: the registry of agencies, nodes and certificates, and the signed network
configuration that lets every node route without asking anyone.

>>> registry = DirectoryRegistry.open("sqlite:///./lienthong-directory.db")   # doctest: +SKIP
>>> registry.initialize(actor="admin")                                       # doctest: +SKIP
>>> registry.network().route("000.00.00.H02", at=date(2025, 6, 30)).node     # doctest: +SKIP
"""

from lienthong.directory._config import (
    DEFAULT_VALIDITY,
    Configuration,
    build_configuration,
    verify_configuration,
)
from lienthong.directory._document import ConfigurationContent
from lienthong.directory._errors import (
    CodeClosed,
    ConfigurationExpired,
    ConfigurationRefused,
    DirectoryConflict,
    DirectoryEntryUnknown,
    DirectoryError,
    DirectoryKeyError,
    NoServingNode,
    RefusalReason,
    RouteRefused,
    SignerNotEntitled,
)
from lienthong.directory._network import Network, Route
from lienthong.directory._registry import DirectoryRegistry
from lienthong.directory._signing import ConfigurationAnchor, DirectoryKey, generate_directory_key
from lienthong.store import (
    AgencyEntry,
    AuditEntry,
    CertificateBinding,
    DirectorySnapshot,
    NodeEntry,
    RevocationList,
    TrustAnchor,
)

__all__ = [
    "DEFAULT_VALIDITY",
    "AgencyEntry",
    "AuditEntry",
    "CertificateBinding",
    "CodeClosed",
    "Configuration",
    "ConfigurationAnchor",
    "ConfigurationContent",
    "ConfigurationExpired",
    "ConfigurationRefused",
    "DirectoryConflict",
    "DirectoryEntryUnknown",
    "DirectoryError",
    "DirectoryKey",
    "DirectoryKeyError",
    "DirectoryRegistry",
    "DirectorySnapshot",
    "Network",
    "NoServingNode",
    "NodeEntry",
    "RefusalReason",
    "RevocationList",
    "Route",
    "RouteRefused",
    "SignerNotEntitled",
    "TrustAnchor",
    "build_configuration",
    "generate_directory_key",
    "verify_configuration",
]
