"""Reading the agency code a certificate speaks for."""

from __future__ import annotations

from cryptography import x509
from cryptography.x509.oid import NameOID

from lienthong.trust._constants import AGENCY_CODE_PATTERN, AGENCY_URI_PREFIX


def agency_code_of(certificate: x509.Certificate) -> str | None:
    """The agency code ``certificate`` carries, or None.

    The subjectAltName URI ``urn:lienthong:agency:CODE`` is read first, being unambiguous; a
    certificate from another CA may carry the code only as an OU of the subject, so an OU that
    has the strict shape of a code is taken next.
    """
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        san = None
    if san is not None:
        for uri in san.value.get_values_for_type(x509.UniformResourceIdentifier):
            if uri.startswith(AGENCY_URI_PREFIX):
                return uri[len(AGENCY_URI_PREFIX) :]
    for attribute in certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME):
        value = attribute.value
        if isinstance(value, str) and AGENCY_CODE_PATTERN.match(value.strip()):
            return value.strip()
    return None
