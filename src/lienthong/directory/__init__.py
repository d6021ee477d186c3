"""The directory: the registry of agencies, nodes and certificates, and the signed network
configuration that lets every node route without asking anyone.

>>> registry = DirectoryRegistry.open("sqlite:///./lienthong-directory.db")   # doctest: +SKIP
>>> registry.initialize(actor="admin")                                       # doctest: +SKIP
>>> registry.network().route("000.00.00.H02", at=date(2025, 6, 30)).node     # doctest: +SKIP
"""

from lienthong.directory._admins import Admin, AdminFile, Scope, parse_scopes
from lienthong.directory._app import create_app
from lienthong.directory._certs import fingerprint as certificate_fingerprint
from lienthong.directory._certs import pem_fingerprint
from lienthong.directory._client import (
    ConfigurationClient,
    RefreshOutcome,
    RefreshState,
    fetch_configuration,
)
from lienthong.directory._config import (
    DEFAULT_VALIDITY,
    Configuration,
    build_configuration,
    reopen_configuration,
    verify_configuration,
)
from lienthong.directory._config_api import BASE_HEADER, VERSION_HEADER
from lienthong.directory._document import ConfigurationContent
from lienthong.directory._errors import (
    AccessDenied,
    AuthenticationRequired,
    CodeClosed,
    ConfigurationExpired,
    ConfigurationIncomplete,
    ConfigurationMissing,
    ConfigurationRefused,
    DirectoryConflict,
    DirectoryEntryUnknown,
    DirectoryError,
    DirectoryKeyError,
    DirectoryRequestInvalid,
    DirectoryUnreachable,
    NoServingNode,
    RefusalReason,
    RequestUnprocessable,
    RouteRefused,
    ScopeMissing,
    SignerNotEntitled,
)
from lienthong.directory._files import apply_csv_upload
from lienthong.directory._network import Network, Route
from lienthong.directory._problems import answer as answer_error
from lienthong.directory._publisher import CONTENT_TYPE, ConfigurationPublisher, SignedConfiguration
from lienthong.directory._registry import DirectoryRegistry
from lienthong.directory._rollover import (
    KeyFile,
    SigningKeys,
    announce_next_key,
    load_pinned_anchor,
    pin_anchor,
    pinned_path,
    switch_key,
)
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
    "BASE_HEADER",
    "CONTENT_TYPE",
    "DEFAULT_VALIDITY",
    "VERSION_HEADER",
    "AccessDenied",
    "Admin",
    "AdminFile",
    "AgencyEntry",
    "AuditEntry",
    "AuthenticationRequired",
    "CertificateBinding",
    "CodeClosed",
    "Configuration",
    "ConfigurationAnchor",
    "ConfigurationClient",
    "ConfigurationContent",
    "ConfigurationExpired",
    "ConfigurationIncomplete",
    "ConfigurationMissing",
    "ConfigurationPublisher",
    "ConfigurationRefused",
    "DirectoryConflict",
    "DirectoryEntryUnknown",
    "DirectoryError",
    "DirectoryKey",
    "DirectoryKeyError",
    "DirectoryRegistry",
    "DirectoryRequestInvalid",
    "DirectorySnapshot",
    "DirectoryUnreachable",
    "KeyFile",
    "Network",
    "NoServingNode",
    "NodeEntry",
    "RefreshOutcome",
    "RefreshState",
    "RefusalReason",
    "RequestUnprocessable",
    "RevocationList",
    "Route",
    "RouteRefused",
    "Scope",
    "ScopeMissing",
    "SignedConfiguration",
    "SignerNotEntitled",
    "SigningKeys",
    "TrustAnchor",
    "announce_next_key",
    "answer_error",
    "apply_csv_upload",
    "build_configuration",
    "certificate_fingerprint",
    "create_app",
    "fetch_configuration",
    "generate_directory_key",
    "load_pinned_anchor",
    "parse_scopes",
    "pem_fingerprint",
    "pin_anchor",
    "pinned_path",
    "reopen_configuration",
    "switch_key",
    "verify_configuration",
]
