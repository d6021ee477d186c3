"""Names from the standards this package speaks, grouped so no URI is written twice.

XML-DSig algorithm and namespace URIs, and the object identifiers our certificates carry, are
constants here and nowhere else (as cryptography's ``x509/oid.py`` does for OIDs).
"""

from __future__ import annotations

import re
from typing import Final


class Namespace:
    """XML namespaces a signed edXML package uses."""

    DS: Final = "http://www.w3.org/2000/09/xmldsig#"
    EDXML: Final = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
    #: ETSI EN 319 132-1 (XAdES): the unsigned properties carrying a signature time-stamp.
    XADES: Final = "http://uri.etsi.org/01903/v1.3.2#"


class Algorithm:
    """XML-DSig algorithm identifiers (RFC 3275, RFC 6931)."""

    RSA_SHA256: Final = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    RSA_SHA1: Final = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
    SHA256: Final = "http://www.w3.org/2001/04/xmlenc#sha256"
    SHA1: Final = "http://www.w3.org/2000/09/xmldsig#sha1"
    EXC_C14N: Final = "http://www.w3.org/2001/10/xml-exc-c14n#"
    C14N: Final = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
    ENVELOPED: Final = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"


#: Algorithms built on SHA-1: refused unless policy allows them, and then reported as weak.
SHA1_ALGORITHMS: Final = frozenset({Algorithm.RSA_SHA1, Algorithm.SHA1})

#: Prefix of the subjectAltName URI that carries an agency code in our certificates. The OU of
#: the subject carries it too, for people and for peers that only read the subject; the URI is
#: what a program should read, since the subject may hold several OUs.
AGENCY_URI_PREFIX: Final = "urn:lienthong:agency:"

#: Prefix of the subjectAltName URI naming the node a seal certificate speaks for.
NODE_URI_PREFIX: Final = "urn:lienthong:node:"

#: Strict shape of an agency identifier code (QCVN 102:2016), e.g. ``000.00.00.G22``.
AGENCY_CODE_PATTERN: Final = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
