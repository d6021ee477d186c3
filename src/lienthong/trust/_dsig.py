"""signxml, configured once for edXML packages, with one canonicalisation fix.

Inclusive C14N 1.0 of an element that is not a document root comes out wrong with the lxml in
use (6.1 with libxml2 2.14): a grandchild in an inherited default namespace gets a spurious
``xmlns=""``. Whole documents are right. Legacy peers (and .NET, whose signatures use a default
``xmlns`` for xmldsig) sign SignedInfo with inclusive C14N, so the verifier re-roots such an
element in a document of its own first; lxml carries every in-scope namespace declaration over
when it serialises a subtree, which is what inclusive C14N needs. Inherited ``xml:`` attributes
of ancestors are not carried over: a SignedInfo never has them.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.signer import XMLSigner
from signxml.verifier import SignatureConfiguration, XMLVerifier

from lienthong.trust._xml import safe_parser

# Verification config: every RSA method signxml knows, SHA-1 included, so the facts of a legacy
# signature are established; whether SHA-1 is acceptable is decided by policy afterwards.
VERIFY_CONFIG = SignatureConfiguration(
    require_x509=True,
    location=".//",
    expect_references=1,
    signature_methods=frozenset(m for m in SignatureMethod if m.name.startswith("RSA_")),
    digest_algorithms=frozenset(DigestAlgorithm),
)


class PackageVerifier(XMLVerifier):
    """signxml's verifier with inclusive C14N of subtrees done on a re-rooted copy."""

    def _c14n(
        self, nodes: Any, algorithm: CanonicalizationMethod, inclusive_ns_prefixes: Any = None
    ) -> bytes:
        exclusive = algorithm.value.startswith("http://www.w3.org/2001/10/xml-exc-c14n#")
        if not exclusive:
            listed = nodes if isinstance(nodes, list) else [nodes]
            nodes = [
                etree.fromstring(etree.tostring(n), parser=safe_parser())
                if isinstance(n, etree._Element) and n.getparent() is not None
                else n
                for n in listed
            ]
        result: bytes = super()._c14n(nodes, algorithm, inclusive_ns_prefixes=inclusive_ns_prefixes)
        return result


def package_signer() -> XMLSigner:
    """An XMLSigner for our only output: RSA-SHA256, SHA-256 digests, exclusive C14N."""
    return XMLSigner(
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
