"""Certificate path validation against given trust anchors, with pyhanko-certvalidator.

Trust anchors, CRLs, OCSP responses and the moment are all inputs; fetching revocation data
over the network happens only when asked (``fetch_ocsp``), from the URLs in the certificates.

Revocation policy: once any revocation source is given, revocation data is required for every
certificate of the path below its trust anchor, CA certificates included (the anchor itself is
never checked, as in RFC 5280 path validation). So each CA that issues a certificate on a path,
the anchor included, must have a current CRL: the anchor's says whether an issuing CA is revoked,
the issuing CA's whether an agency certificate is. When CRLs alone are given and a CA of the path
has none current (a gap: the directory refuses to publish such a configuration, but one may still
arrive), the path is judged with the CRLs there are and no check at the level of the gap, rather
than refused: it passes with ``revocation_checked`` false and the gap named in ``detail`` and
``revocation_gaps`` (and logged once), and a certificate a CRL present lists is still revoked. A
missing CRL must not stop every package of the network.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from collections import OrderedDict
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InsufficientRevinfoError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
    ValidationError,
)
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)

from lienthong.trust._status import ChainStatus
from lienthong.trust._time import aware

_log = logging.getLogger("lienthong.trust.revocation")


@dataclass(frozen=True)
class ChainResult:
    """Facts of one path validation."""

    #: Outcome of path building and validation at ``moment``.
    status: ChainStatus
    #: The validated path, signer first and trust anchor last; empty unless it passed or was revoked.
    path: tuple[x509.Certificate, ...] = ()
    #: The validator's own words on a failure (English, from pyhanko-certvalidator).
    detail: str = ""
    #: Whether revocation data (CRL or OCSP) was required and found for every certificate.
    revocation_checked: bool = False
    #: When the revoked certificate was revoked, if one was.
    revoked_at: datetime | None = None
    #: The CRL/OCSP reason given for a revocation.
    revocation_reason: str | None = None
    #: The moment the validation was made for.
    moment: datetime | None = field(default=None)
    #: CAs of the path (RFC 4514 names) whose revocation lists were required but missing or not
    #: current, so that the certificates they issued passed unchecked (see the module's policy).
    revocation_gaps: tuple[str, ...] = ()


@lru_cache(maxsize=1024)
def _asn1(der: bytes) -> asn1_x509.Certificate:
    # Converting certificates is a visible share of a verification; the same few certificates
    # (anchors, issuing CAs, the peers' signers) recur in every package. The cached object is
    # shared between threads, and asn1crypto parses lazily and not thread-safely: parse it all
    # now, while only this thread holds it.
    cert = asn1_x509.Certificate.load(der)
    cert.native  # noqa: B018 - forces the full parse
    for attribute in (
        "authority_key_identifier",
        "key_identifier",
        "key_usage_value",
        "crl_distribution_points",
    ):
        getattr(cert, attribute)
    return cert


def _to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return _asn1(cert.public_bytes(Encoding.DER))


def _from_asn1(cert: asn1_x509.Certificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(cert.dump())


def validation_context(
    *,
    anchors: Sequence[x509.Certificate],
    intermediates: Sequence[x509.Certificate] = (),
    crls: Sequence[x509.CertificateRevocationList] = (),
    ocsp_responses: Sequence[bytes] = (),
    fetch_ocsp: bool = False,
    at: datetime,
    policy: RevocationCheckingPolicy | None = None,
    retroactive: bool = False,
) -> ValidationContext:
    """A certvalidator context; revocation is required when any revocation source is given,
    unless ``policy`` says otherwise; with ``retroactive``, revocation data issued after ``at``
    counts (it still says revoked only from its revocation time)."""
    if not anchors:
        raise ValueError("at least one trust anchor is required")
    require = bool(crls or ocsp_responses or fetch_ocsp)
    if policy is None:
        policy = _REQUIRED if require else _SOFT
    return ValidationContext(
        trust_roots=[_to_asn1(c) for c in anchors],
        other_certs=[_to_asn1(c) for c in intermediates],
        crls=[c.public_bytes(Encoding.DER) for c in crls],
        ocsps=list(ocsp_responses),
        moment=aware(at),
        allow_fetching=fetch_ocsp,
        revinfo_policy=CertRevTrustPolicy(policy, retroactive_revinfo=retroactive),
    )


_REQUIRED = RevocationCheckingPolicy.from_legacy("require")
_SOFT = RevocationCheckingPolicy.from_legacy("soft-fail")
_NONE = RevocationCheckingPolicy.from_legacy("none")


async def validate_chain_async(
    signer: x509.Certificate,
    *,
    anchors: Sequence[x509.Certificate],
    intermediates: Sequence[x509.Certificate] = (),
    crls: Sequence[x509.CertificateRevocationList] = (),
    ocsp_responses: Sequence[bytes] = (),
    fetch_ocsp: bool = False,
    at: datetime,
    retroactive: bool = False,
) -> ChainResult:
    """Validate ``signer``'s path to one of ``anchors`` at ``at``; never raises for a bad path.
    ``retroactive``: revocation data issued after ``at`` counts (an archive's, gathered later)."""

    def context(policy: RevocationCheckingPolicy | None = None) -> ValidationContext:
        return validation_context(
            anchors=anchors,
            intermediates=intermediates,
            crls=crls,
            ocsp_responses=ocsp_responses,
            fetch_ocsp=fetch_ocsp,
            at=at,
            policy=policy,
            retroactive=retroactive,
        )

    checked = bool(crls or ocsp_responses or fetch_ocsp)
    result = await _validate(signer, context(), at=at, checked=checked)
    if result.status is not ChainStatus.REVOCATION_UNKNOWN or ocsp_responses or fetch_ocsp:
        return result
    # Required data missing: either a CA of the path has no current CRL (a gap, judged without
    # it), or the CRLs there are do not answer (forged, unreadable: still refused).
    bare = await _validate(signer, context(_NONE), at=at, checked=False)
    if bare.status is not ChainStatus.PASSED:
        return result
    path = bare.path
    current = {crl.issuer for crl in crls if _current(crl, at)}
    ee_gap = path[0].issuer not in current
    ca_gap = any(cert.issuer not in current for cert in path[1:-1])
    if not (ee_gap or ca_gap):
        return result
    rule = RevocationCheckingRule.CRL_REQUIRED
    policy = RevocationCheckingPolicy(
        ee_certificate_rule=RevocationCheckingRule.NO_CHECK if ee_gap else rule,
        intermediate_ca_cert_rule=RevocationCheckingRule.NO_CHECK if ca_gap else rule,
    )
    lenient = await _validate(signer, context(policy), at=at, checked=False)
    if lenient.status is not ChainStatus.PASSED:
        return lenient
    listed = _listed_in_held(path, crls, at=at)
    if listed is not None:
        return listed
    gaps = tuple(dict.fromkeys(c.issuer.rfc4514_string() for c in path[:-1] if c.issuer not in current))
    _warn(gaps)
    detail = "revocation not checked: no current CRL of " + "; ".join(gaps)
    return ChainResult(ChainStatus.PASSED, path=path, detail=detail, moment=at, revocation_gaps=gaps)


def _listed_in_held(
    path: tuple[x509.Certificate, ...], crls: Sequence[x509.CertificateRevocationList], *, at: datetime
) -> ChainResult | None:
    """REVOKED when any CRL held, signed by the issuer, lists a certificate of the path as revoked
    before ``at``. The path is judged here because some level lacks a current CRL, and the
    validator then checks no intermediate at all: so current CRLs are read here too, and stale
    ones, too old to say a certificate is good but not to say it is revoked."""
    for cert, issuer in itertools.pairwise(path):
        for crl in crls:
            if crl.issuer != cert.issuer:
                continue
            entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
            if entry is None or entry.revocation_date_utc > at:
                continue
            if not crl.is_signature_valid(issuer.public_key()):  # type: ignore[arg-type]
                continue
            try:
                reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason.value
            except x509.ExtensionNotFound:
                reason = x509.ReasonFlags.unspecified.value
            return ChainResult(
                ChainStatus.REVOKED,
                path=path,
                detail=f"revoked per a CRL of {cert.issuer.rfc4514_string()}",
                revocation_checked=True,
                revoked_at=entry.revocation_date_utc,
                revocation_reason=_snake(reason),
                moment=at,
            )
    return None


def _snake(reason: str) -> str:
    """``keyCompromise`` as pyhanko-certvalidator names reasons: ``key_compromise``."""
    return "".join(f"_{ch.lower()}" if ch.isupper() else ch for ch in reason)


def _current(crl: x509.CertificateRevocationList, at: datetime) -> bool:
    return crl.last_update_utc <= at and (crl.next_update_utc is None or at < crl.next_update_utc)


_WARNED: set[tuple[str, ...]] = set()


def _warn(gaps: tuple[str, ...]) -> None:
    """Log a gap once per process: it concerns every package signed under those CAs."""
    if gaps not in _WARNED:
        _WARNED.add(gaps)
        _log.warning("revocation not checked for certificates issued by %s: no current CRL", "; ".join(gaps))


async def _validate(
    signer: x509.Certificate, context: ValidationContext, *, at: datetime, checked: bool
) -> ChainResult:
    validator = CertificateValidator(_to_asn1(signer), validation_context=context)
    try:
        path = await validator.async_validate_path()
    except PathBuildingError as exc:
        return ChainResult(ChainStatus.NO_PATH, detail=str(exc), moment=at)
    except RevokedError as exc:
        return ChainResult(
            ChainStatus.REVOKED,
            detail=str(exc),
            revocation_checked=True,
            revoked_at=exc.revocation_dt,
            revocation_reason=str(exc.reason.native),
            moment=at,
        )
    except ExpiredError as exc:
        return ChainResult(ChainStatus.EXPIRED, detail=str(exc), moment=at)
    except NotYetValidError as exc:
        return ChainResult(ChainStatus.NOT_YET_VALID, detail=str(exc), moment=at)
    except InsufficientRevinfoError as exc:
        return ChainResult(ChainStatus.REVOCATION_UNKNOWN, detail=str(exc), moment=at)
    except (PathValidationError, ValidationError) as exc:
        return ChainResult(ChainStatus.INVALID, detail=str(exc), moment=at)
    certs = tuple(_from_asn1(c) for c in reversed(list(path.iter_certs(include_root=True))))
    return ChainResult(ChainStatus.PASSED, path=certs, revocation_checked=checked, moment=at)


def _window(
    path: tuple[x509.Certificate, ...], crls: Sequence[x509.CertificateRevocationList], at: datetime
) -> tuple[datetime, datetime]:
    """The interval around ``at`` in which a path that passed keeps passing with the same inputs.

    Inside it, no certificate of the path leaves its validity period, no CRL current at ``at``
    becomes stale or premature, none stale or premature becomes current (so a pass with a gap
    keeps the same gap), and no CRL entry for a serial of the path has taken effect.
    """
    start = max(c.not_valid_before_utc for c in path)
    end = min(c.not_valid_after_utc for c in path)
    serials = {c.serial_number for c in path}
    for crl in crls:
        next_update = crl.next_update_utc
        if at < crl.last_update_utc:
            end = min(end, crl.last_update_utc)
        elif next_update is not None and at >= next_update:
            start = max(start, next_update)
        else:
            start = max(start, crl.last_update_utc)
            if next_update is not None:
                end = min(end, next_update)
        for entry in crl:
            if entry.serial_number in serials:
                end = min(end, entry.revocation_date_utc)
    return start, end


_CacheKey = tuple[object, ...]
#: A path that passed, and the interval in which the same inputs keep it passing.
_Known = tuple["ChainResult", datetime, datetime]
_CACHE: OrderedDict[_CacheKey, _Known] = OrderedDict()
_CACHE_SIZE = 4096
_CACHE_LOCK = threading.Lock()


def _cached(key: _CacheKey, at: datetime) -> _Known | None:
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is None:
            return None
        _CACHE.move_to_end(key)
    return hit if hit[1] <= at <= hit[2] else None


def _remember(key: _CacheKey, known: _Known) -> None:
    with _CACHE_LOCK:
        _CACHE[key] = known
        _CACHE.move_to_end(key)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)


def _as_of(known: _Known, at: datetime) -> ChainResult:
    # ``dataclasses.replace`` re-runs ``__init__``: a third of a cached validation.
    again = object.__new__(ChainResult)
    again.__dict__.update(known[0].__dict__, moment=at)
    return again


#: Answers found again by the identity of the objects asked about: a node passes the same
#: certificate and CRL objects package after package, and hashing certificates for the key
#: above was most of a cached validation. Each entry holds its objects alive, so the ids in its
#: key cannot belong to other objects while it is kept.
_BY_IDENTITY: dict[tuple[int, ...], tuple[tuple[object, ...], _Known]] = {}
_BY_IDENTITY_SIZE = 256


def _run(coro: Coroutine[Any, Any, ChainResult]) -> ChainResult:
    # One event loop per thread, kept: asyncio.run makes and tears down a loop per call,
    # which costs about a millisecond, as much as the rest of a cached verification.
    loop: asyncio.AbstractEventLoop | None = getattr(_LOOPS, "loop", None)
    if loop is None or loop.is_closed():
        loop = asyncio.new_event_loop()
        _LOOPS.loop = loop
    return loop.run_until_complete(coro)


_LOOPS = threading.local()


def validate_chain(
    signer: x509.Certificate,
    *,
    anchors: Sequence[x509.Certificate],
    intermediates: Sequence[x509.Certificate] = (),
    crls: Sequence[x509.CertificateRevocationList] = (),
    ocsp_responses: Sequence[bytes] = (),
    fetch_ocsp: bool = False,
    at: datetime,
    retroactive: bool = False,
) -> ChainResult:
    """Synchronous ``validate_chain_async``; not for use inside a running event loop.

    A path that passed is remembered with the interval in which the same inputs cannot change
    the outcome (see ``_window``); a later call inside it gets the same answer without redoing
    the work. Nothing is remembered when OCSP is involved (its answers change without notice)
    or revocation data is taken retroactively (the window above assumes it is not).
    """
    at = aware(at)

    def validate() -> ChainResult:
        return _run(
            validate_chain_async(
                signer,
                anchors=anchors,
                intermediates=intermediates,
                crls=crls,
                ocsp_responses=ocsp_responses,
                fetch_ocsp=fetch_ocsp,
                at=at,
                retroactive=retroactive,
            )
        )

    if fetch_ocsp or ocsp_responses or retroactive:
        return validate()
    objects = (signer, *intermediates, None, *anchors, None, *crls)  # None: where each list ends
    ids = tuple(map(id, objects))
    pinned = _BY_IDENTITY.get(ids)
    if pinned is not None and pinned[1][1] <= at <= pinned[1][2]:
        return _as_of(pinned[1], at)
    key = (signer, tuple(intermediates), tuple(anchors), tuple(c.fingerprint(hashes.SHA256()) for c in crls))
    known = _cached(key, at)
    if known is None:
        result = validate()
        if result.status is not ChainStatus.PASSED:
            return result
        known = (result, *_window(result.path, crls, at))
        _remember(key, known)
    if len(_BY_IDENTITY) >= _BY_IDENTITY_SIZE:
        _BY_IDENTITY.clear()
    _BY_IDENTITY[ids] = (objects, known)
    return _as_of(known, at)
