"""Low-level pieces of ``lienthong.trust``: certificate and CRL builders, path validation,
the signxml configuration, the OCSP and TSA responders.

WARNING: these make no policy decisions. A certificate built here is whatever you asked for;
a path that validates says nothing about the signature it serves, the sender it binds or the
algorithm it used. Use the recipes of ``lienthong.trust`` unless you are building one.
"""

from lienthong.trust._certs import (
    KEY_SIZE,
    Issuer,
    Locations,
    RevokedEntry,
    Validity,
    make_agency_certificate,
    make_ca,
    make_crl,
    make_node_certificate,
    make_seal_certificate,
    make_service_certificate,
    name,
    new_key,
)
from lienthong.trust._chain import ChainResult, validate_chain, validate_chain_async
from lienthong.trust._dsig import VERIFY_CONFIG, PackageVerifier, package_signer
from lienthong.trust._services import OcspResponder, TimeStampAuthority

__all__ = [
    "KEY_SIZE",
    "VERIFY_CONFIG",
    "ChainResult",
    "Issuer",
    "Locations",
    "OcspResponder",
    "PackageVerifier",
    "RevokedEntry",
    "TimeStampAuthority",
    "Validity",
    "make_agency_certificate",
    "make_ca",
    "make_crl",
    "make_node_certificate",
    "make_seal_certificate",
    "make_service_certificate",
    "name",
    "new_key",
    "package_signer",
    "validate_chain",
    "validate_chain_async",
]
