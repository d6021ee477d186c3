"""Trust: the PKI, package signatures (XML-DSig) and PDF signatures (PAdES).

The recipes here make no choices for the caller: ``sign_package`` / ``verify_package`` for
edXML packages (``sign_package_stream`` / ``verify_package_stream`` for files of any size),
``sign_pdf`` / ``verify_pdf`` for PDF attachments, ``Pki`` and ``serve_pki`` for a network's or
a test's own CA. Low-level pieces (certificate builders, path validation)
are in ``lienthong.trust.hazmat``.
"""

from lienthong.trust._agency import agency_code_of
from lienthong.trust._appearance import (
    MAX_IMAGE_BYTES,
    AttachmentStamp,
    SignerAppearance,
    SignerLayout,
    checked_png,
    iso_vietnam,
    preview_pdf,
)
from lienthong.trust._attachments import AttachmentSignatures, verify_attachments
from lienthong.trust._constants import Algorithm, Namespace
from lienthong.trust._csr import (
    CertificateProfile,
    CertificateRequest,
    RawSign,
    RequestSubject,
    build_request,
    new_request_key,
    read_request,
)
from lienthong.trust._errors import (
    InsecureFileMode,
    KeyLoadError,
    PdfSigningError,
    PkiError,
    SignatureInvalid,
    TrustError,
)
from lienthong.trust._keyref import Pkcs11Uri, is_pkcs11_uri, load_signer, parse_pkcs11_uri
from lienthong.trust._modes import check_private, private_directory, private_files
from lienthong.trust._ocsp import HttpOcspFetcher, ocsp_urls
from lienthong.trust._pdf import PdfSignatureReport, sign_pdf, verify_pdf
from lienthong.trust._pem import (
    certificates_from_bytes,
    crls_from_bytes,
    load_certificate,
    load_certificates,
    load_crls,
    load_private_key,
    load_signing_key,
)
from lienthong.trust._person import SignerPerson
from lienthong.trust._pkcs11 import Pkcs11Signer
from lienthong.trust._pki import IssuedCertificate, Pki
from lienthong.trust._report import VerificationReport
from lienthong.trust._request_keys import RequestKey, open_request_key
from lienthong.trust._services import PkiServices, serve_pki
from lienthong.trust._signer import KeySigner, KeyType, Signer, ecdsa_raw
from lienthong.trust._status import ChainStatus, Indication, Subindication
from lienthong.trust._stream import sign_package_stream, verify_package_stream
from lienthong.trust._xades import HttpTimeStamper, SignatureStamper, TimestampReport, judge_token
from lienthong.trust._xmldsig import sign_package, verify_package

__all__ = [
    "MAX_IMAGE_BYTES",
    "Algorithm",
    "AttachmentSignatures",
    "AttachmentStamp",
    "CertificateProfile",
    "CertificateRequest",
    "ChainStatus",
    "HttpOcspFetcher",
    "HttpTimeStamper",
    "Indication",
    "InsecureFileMode",
    "IssuedCertificate",
    "KeyLoadError",
    "KeySigner",
    "KeyType",
    "Namespace",
    "PdfSignatureReport",
    "PdfSigningError",
    "Pkcs11Signer",
    "Pkcs11Uri",
    "Pki",
    "PkiError",
    "PkiServices",
    "RawSign",
    "RequestKey",
    "RequestSubject",
    "SignatureInvalid",
    "SignatureStamper",
    "Signer",
    "SignerAppearance",
    "SignerLayout",
    "SignerPerson",
    "Subindication",
    "TimestampReport",
    "TrustError",
    "VerificationReport",
    "agency_code_of",
    "build_request",
    "certificates_from_bytes",
    "check_private",
    "checked_png",
    "crls_from_bytes",
    "ecdsa_raw",
    "is_pkcs11_uri",
    "iso_vietnam",
    "judge_token",
    "load_certificate",
    "load_certificates",
    "load_crls",
    "load_private_key",
    "load_signer",
    "load_signing_key",
    "new_request_key",
    "ocsp_urls",
    "open_request_key",
    "parse_pkcs11_uri",
    "preview_pdf",
    "private_directory",
    "private_files",
    "read_request",
    "serve_pki",
    "sign_package",
    "sign_package_stream",
    "sign_pdf",
    "verify_attachments",
    "verify_package",
    "verify_package_stream",
    "verify_pdf",
]
