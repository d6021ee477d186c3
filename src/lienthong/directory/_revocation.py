"""Which CRLs a configuration must carry before the directory publishes it.

Nodes require revocation data for every certificate of a path below its trust anchor as soon as
the configuration carries any CRL (``lienthong.trust._chain``). So, once the network holds one,
the policy requires a current CRL (``this_update`` passed, ``next_update`` not) of:

- every trust anchor: its CRL says whether the CAs it issued (the issuing CAs) are revoked; the
  anchor's own revocation is never checked;
- every CA that issued a certificate bound to an agency code: its CRL says whether that
  agency's certificate is revoked.

A network that holds no CRL at all checks no revocation, and needs none.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime

from cryptography import x509

from lienthong._i18n import msg
from lienthong.directory._errors import ConfigurationIncomplete
from lienthong.store import CertificateBinding, RevocationList, TrustAnchor


def missing_crls(
    anchors: Sequence[TrustAnchor],
    bindings: Sequence[CertificateBinding],
    crls: Sequence[RevocationList],
    *,
    at: datetime,
) -> tuple[str, ...]:
    """The CAs (RFC 4514 names, sorted) the policy requires a current CRL of, and that have none."""
    if not crls:
        return ()
    required = {anchor.subject for anchor in anchors}
    required.update(_issuer(binding.certificate_pem) for binding in bindings)
    current = {
        crl.issuer
        for crl in crls
        if crl.this_update <= at and (crl.next_update is None or at < crl.next_update)
    }
    return tuple(sorted(required - current))


def require_crls(
    anchors: Sequence[TrustAnchor],
    bindings: Sequence[CertificateBinding],
    crls: Sequence[RevocationList],
    *,
    at: datetime,
) -> None:
    """Raise ``ConfigurationIncomplete`` naming the CAs ``missing_crls`` finds, if any."""
    missing = missing_crls(anchors, bindings, crls, at=at)
    if missing:
        names = "; ".join(missing)
        raise ConfigurationIncomplete(
            msg("directory-configuration-crls-missing", names=names),
            issuers=missing,
        )


@functools.lru_cache(maxsize=4096)
def _issuer(certificate_pem: str) -> str:
    # Asked for every bound certificate at each publication, of certificates that rarely change.
    return x509.load_pem_x509_certificate(certificate_pem.encode()).issuer.rfc4514_string()
