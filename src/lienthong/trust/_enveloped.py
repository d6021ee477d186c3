"""The one XML-DSig profile edXML packages use, signed and verified in a single pass.

Profile: one enveloped signature over the whole document (``Reference URI=""``), transforms
enveloped-signature then exclusive C14N, SignedInfo canonicalised with exclusive C14N, RSA
PKCS#1 v1.5 with SHA-2 (or SHA-1, which policy judges afterwards). That is what we produce and
what current peers send; for it, one parse and two canonicalisations by libxml2 do the work that
signxml spreads over several parses and serialisations, which is what makes package signing and
verification fast enough for a node. Any other shape (inclusive C14N, other transforms, several
references) is left to signxml by the caller.

WARNING: this is XML-DSig cryptography with no policy: it says whether the bytes verify with the
given key, nothing about who holds the key. The recipes in ``_xmldsig`` add the rest.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from lienthong._i18n import msg
from lienthong.trust._constants import Algorithm, Namespace
from lienthong.trust._errors import KeyLoadError
from lienthong.trust._signer import KeyType, Signer
from lienthong.trust._xades import SignatureStamper, add_signature_timestamp

_DS: Final = f"{{{Namespace.DS}}}"
_EC: Final = f"{{{Algorithm.EXC_C14N}}}"

#: SignatureMethod URI → the hash RSA signs with.
SIGNATURE_HASHES: Final[dict[str, type[hashes.HashAlgorithm]]] = {
    Algorithm.RSA_SHA256: hashes.SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": hashes.SHA384,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": hashes.SHA512,
    Algorithm.RSA_SHA1: hashes.SHA1,
}
#: DigestMethod URI → hashlib name.
DIGESTS: Final[dict[str, str]] = {
    Algorithm.SHA256: "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
    Algorithm.SHA1: "sha1",
}


@dataclass(frozen=True, slots=True)
class Profile:
    """What a signature of this profile states, read from its SignedInfo."""

    signature_hash: type[hashes.HashAlgorithm]
    digest: str
    signed_info_prefixes: tuple[str, ...]
    reference_prefixes: tuple[str, ...]
    digest_value: bytes
    signature_value: bytes


def _prefixes(method: etree._Element) -> tuple[str, ...] | None:
    """The InclusiveNamespaces PrefixList of an exclusive C14N method; None if unusable."""
    extra = [child for child in method if isinstance(child.tag, str)]
    if not extra:
        return ()
    if len(extra) != 1 or extra[0].tag != _EC + "InclusiveNamespaces":
        return None
    prefixes = tuple((extra[0].get("PrefixList") or "").split())
    return None if "#default" in prefixes else prefixes


def _base64(element: etree._Element | None) -> bytes | None:
    if element is None:
        return None
    try:
        return base64.b64decode("".join(map(str, element.itertext())), validate=False)
    except (binascii.Error, ValueError):
        return None


def read_profile(signature: etree._Element) -> Profile | None:
    """The signature's algorithms and values if it follows the profile exactly, else None."""
    signed_info = signature.find(_DS + "SignedInfo")
    if signed_info is None:
        return None
    c14n = signed_info.find(_DS + "CanonicalizationMethod")
    method = signed_info.find(_DS + "SignatureMethod")
    references = signed_info.findall(_DS + "Reference")
    if c14n is None or method is None or len(references) != 1 or references[0].get("URI") != "":
        return None
    if c14n.get("Algorithm") != Algorithm.EXC_C14N:
        return None
    signature_hash = SIGNATURE_HASHES.get(method.get("Algorithm") or "")
    transforms = references[0].findall(f"{_DS}Transforms/{_DS}Transform")
    digest_method = references[0].find(_DS + "DigestMethod")
    digest = DIGESTS.get(digest_method.get("Algorithm") or "") if digest_method is not None else None
    if signature_hash is None or digest is None or len(transforms) != 2:
        return None
    if [t.get("Algorithm") for t in transforms] != [Algorithm.ENVELOPED, Algorithm.EXC_C14N]:
        return None
    signed_info_prefixes = _prefixes(c14n)
    reference_prefixes = _prefixes(transforms[1])
    digest_value = _base64(references[0].find(_DS + "DigestValue"))
    signature_value = _base64(signature.find(_DS + "SignatureValue"))
    if signed_info_prefixes is None or reference_prefixes is None or not digest_value or not signature_value:
        return None
    return Profile(
        signature_hash=signature_hash,
        digest=digest,
        signed_info_prefixes=signed_info_prefixes,
        reference_prefixes=reference_prefixes,
        digest_value=digest_value,
        signature_value=signature_value,
    )


def _canonical(node: etree._Element | etree._ElementTree, prefixes: tuple[str, ...]) -> bytes:
    return etree.tostring(
        node, method="c14n", exclusive=True, with_comments=False, inclusive_ns_prefixes=list(prefixes) or None
    )


def _detach(signature: etree._Element) -> None:
    """The enveloped-signature transform: the Signature goes, the text after it stays."""
    parent = signature.getparent()
    assert parent is not None
    if signature.tail:
        previous = signature.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + signature.tail
        else:
            parent.text = (parent.text or "") + signature.tail
    parent.remove(signature)


def signed_info_verifies(signature: etree._Element, profile: Profile, key: rsa.RSAPublicKey) -> bool:
    """Whether the SignatureValue verifies over SignedInfo, canonicalised where it stands."""
    signed_info = signature.find(_DS + "SignedInfo")
    assert signed_info is not None
    signed_bytes = _canonical(signed_info, profile.signed_info_prefixes)
    try:
        key.verify(profile.signature_value, signed_bytes, padding.PKCS1v15(), profile.signature_hash())
    except InvalidSignature:
        return False
    return True


def verify_enveloped(
    tree: etree._ElementTree, signature: etree._Element, profile: Profile, key: rsa.RSAPublicKey
) -> tuple[bool, bool]:
    """(signature value verifies, digest matches). Removes the signature from ``tree``."""
    # SignedInfo is canonicalised where it stands, before the enveloped transform moves it.
    signature_ok = signed_info_verifies(signature, profile, key)
    _detach(signature)
    digest = hashlib.new(profile.digest, _canonical(tree, profile.reference_prefixes)).digest()
    return signature_ok, hmac.compare_digest(digest, profile.digest_value)


def sign_enveloped(
    tree: etree._ElementTree,
    header: etree._Element,
    signer: Signer,
    key_info: etree._Element,
    *,
    timestamp: SignatureStamper | None = None,
) -> None:
    """Append to ``header`` an RSA-SHA256 enveloped signature of the whole of ``tree``."""
    digest = hashlib.sha256(_canonical(tree, ())).digest()  # the document as it is, unsigned
    append_signature(header, digest, signer, key_info, timestamp=timestamp)


def append_signature(
    header: etree._Element,
    digest: bytes,
    signer: Signer,
    key_info: etree._Element,
    *,
    timestamp: SignatureStamper | None = None,
) -> None:
    """Append to ``header`` an RSA-SHA256 signature over a document whose SHA-256 ``digest``
    (enveloped-signature then exclusive C14N) the caller computed; with ``timestamp``, its
    value time-stamped (XAdES-T, ``_xades``)."""
    if signer.key_type is not KeyType.RSA:
        # Receivers' policy accepts RSA signature methods only (``_dsig.py``): an ECDSA package
        # would be refused at every peer, so it is refused here, before anything is sent.
        raise KeyLoadError(msg("trust-package-key-not-rsa", key_type=str(signer.key_type)))
    signature = etree.SubElement(header, _DS + "Signature", nsmap={"ds": Namespace.DS})
    signed_info = etree.SubElement(signature, _DS + "SignedInfo")
    etree.SubElement(signed_info, _DS + "CanonicalizationMethod", Algorithm=Algorithm.EXC_C14N)
    etree.SubElement(signed_info, _DS + "SignatureMethod", Algorithm=Algorithm.RSA_SHA256)
    reference = etree.SubElement(signed_info, _DS + "Reference", URI="")
    transforms = etree.SubElement(reference, _DS + "Transforms")
    etree.SubElement(transforms, _DS + "Transform", Algorithm=Algorithm.ENVELOPED)
    etree.SubElement(transforms, _DS + "Transform", Algorithm=Algorithm.EXC_C14N)
    etree.SubElement(reference, _DS + "DigestMethod", Algorithm=Algorithm.SHA256)
    etree.SubElement(reference, _DS + "DigestValue").text = base64.b64encode(digest).decode()
    value = signer.sign_raw(_canonical(signed_info, ()), hashes.SHA256())
    etree.SubElement(signature, _DS + "SignatureValue").text = base64.b64encode(value).decode()
    signature.append(key_info)
    if timestamp is not None:
        add_signature_timestamp(signature, timestamp)
