"""The result of verifying a package signature: primary facts, and verdicts derived from them.

Verdicts (``valid``, ``trusted``, ``revoked``, ``subindication``, ``problem``) are properties
computed from the facts, so they cannot disagree with each other or with the facts.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509

from lienthong._i18n import Language, Message, language, msg, render
from lienthong.trust._constants import SHA1_ALGORITHMS
from lienthong.trust._errors import SignatureInvalid
from lienthong.trust._status import ChainStatus, Indication, Subindication
from lienthong.trust._xades import TimestampReport

#: What each outcome of path validation means for the signature (REVOKED says when, below).
_CHAIN_PROBLEMS: dict[ChainStatus, Message] = {
    ChainStatus.NOT_CHECKED: msg("trust-chain-not-checked"),
    ChainStatus.NO_PATH: msg("trust-chain-no-path"),
    ChainStatus.EXPIRED: msg("trust-chain-expired"),
    ChainStatus.NOT_YET_VALID: msg("trust-chain-not-yet-valid"),
    ChainStatus.REVOCATION_UNKNOWN: msg("trust-chain-revocation-unknown"),
    ChainStatus.INVALID: msg("trust-chain-invalid"),
}


@dataclass(frozen=True)
class VerificationReport:
    """Everything verification of one edXML package signature established."""

    #: The moment validity and revocation were judged for (given by the caller, never read here).
    validation_time: datetime
    #: Why the signature could not even be examined (missing, misplaced, malformed), or None.
    format_problem: Message | None = None
    #: SignatureMethod URI of SignedInfo, as the signature states it.
    algorithm: str | None = None
    #: DigestMethod URI of the package reference.
    digest_algorithm: str | None = None
    #: Whether the SignatureValue verifies over SignedInfo with the signer's key; None: not reached.
    signature_ok: bool | None = None
    #: Whether the digest of the package (enveloped transform applied) matches; None: not reached.
    digest_ok: bool | None = None
    #: The certificate whose key verified the signature. Says nothing of trust by itself.
    signer: x509.Certificate | None = None
    #: Outcome of path validation to the given anchors at ``validation_time``.
    chain_status: ChainStatus = ChainStatus.NOT_CHECKED
    #: The validated path, signer first; empty when validation did not pass.
    chain: tuple[x509.Certificate, ...] = ()
    #: The path validator's own words on a failure (English).
    chain_detail: str = ""
    #: Whether revocation data was required and found for every certificate of the path.
    revocation_checked: bool = False
    #: When the signer (or a CA of its path) was revoked, per the CRL or OCSP response.
    revoked_at: datetime | None = None
    #: The reason the revocation data gives.
    revocation_reason: str | None = None
    #: Whether the signer's key usage allows signing (digitalSignature or nonRepudiation).
    key_usage_ok: bool | None = None
    #: The agency code the signer's certificate carries (SAN URI or OU), if any.
    agency_code: str | None = None
    #: ``From/OrganId`` read from the signed content (not from unsigned bytes).
    sender_code: str | None = None
    #: Whether the policy in force accepted SHA-1 algorithms.
    sha1_allowed: bool = False
    #: The signature's XAdES time-stamp (``SignatureTimeStamp``), checked; None when it has none.
    timestamp: TimestampReport | None = None

    @property
    def judged_at(self) -> datetime:
        """The moment the signer's path was judged at: a valid time-stamp's time when earlier
        than ``validation_time`` (the signature provably existed then), else ``validation_time``."""
        stamped = self.timestamp
        if stamped is not None and stamped.valid and stamped.time is not None:
            return min(stamped.time, self.validation_time)
        return self.validation_time

    def but(self, **changes: Any) -> VerificationReport:
        """This report with ``changes``: ``dataclasses.replace`` without re-running ``__init__``
        field by field, which cost a fifth of verifying a small package (it is called at every
        step); names are still checked."""
        unknown = changes.keys() - _FIELDS
        if unknown:
            raise TypeError(f"VerificationReport has no field {', '.join(sorted(unknown))}")
        new = object.__new__(VerificationReport)
        new.__dict__.update(self.__dict__)
        new.__dict__.update(changes)
        return new

    # -- derived verdicts ---------------------------------------------------------------------

    @property
    def weak(self) -> bool:
        """Whether the signature or the digest uses SHA-1."""
        return self.algorithm in SHA1_ALGORITHMS or self.digest_algorithm in SHA1_ALGORITHMS

    @property
    def intact(self) -> bool:
        """The signed bytes are exactly what the signer signed."""
        return bool(self.signature_ok and self.digest_ok)

    @property
    def trusted(self) -> bool:
        """The signer's path reaches a given anchor and is valid at ``validation_time``."""
        return self.chain_status is ChainStatus.PASSED

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def sender_bound(self) -> bool:
        """The certificate names no agency, or names the package's sender."""
        return self.agency_code is None or self.agency_code == self.sender_code

    @property
    def subindication(self) -> Subindication | None:
        """The first reason, in order of gravity, the signature is not acceptable; None if valid."""
        if self.format_problem is not None:
            return Subindication.FORMAT_FAILURE
        if self.signature_ok is not True:
            return Subindication.SIG_CRYPTO_FAILURE
        if self.digest_ok is not True:
            return Subindication.HASH_FAILURE
        if self.weak and not self.sha1_allowed:
            return Subindication.CRYPTO_CONSTRAINTS_FAILURE
        if self.chain_status is not ChainStatus.PASSED:
            return self.chain_status.subindication
        if self.key_usage_ok is False or not self.sender_bound:
            return Subindication.SIG_CONSTRAINTS_FAILURE
        return None

    @property
    def indication(self) -> Indication:
        sub = self.subindication
        return Indication.PASSED if sub is None else sub.indication

    @property
    def valid(self) -> bool:
        return self.subindication is None

    @property
    def signer_subject(self) -> str | None:
        return self.signer.subject.rfc4514_string() if self.signer else None

    @property
    def problem(self) -> Message | None:
        """Why the signature is not acceptable, as a code and its parameters; None if valid."""
        sub = self.subindication
        if sub is None:
            return None
        if sub is Subindication.FORMAT_FAILURE:
            return self.format_problem
        if sub is Subindication.SIG_CRYPTO_FAILURE:
            return msg("trust-signature-value-mismatch")
        if sub is Subindication.HASH_FAILURE:
            return msg("trust-digest-mismatch")
        if sub is Subindication.CRYPTO_CONSTRAINTS_FAILURE:
            return msg("trust-sha1-refused")
        if sub is Subindication.SIG_CONSTRAINTS_FAILURE:
            if self.key_usage_ok is False:
                return msg("trust-key-usage-not-signing")
            return msg("trust-signer-not-sender", agency=str(self.agency_code), sender=str(self.sender_code))
        return self._chain_problem()

    def _chain_problem(self) -> Message:
        status = self.chain_status
        if status is ChainStatus.EXPIRED and (self.timestamp is None or not self.timestamp.valid):
            # Expired by now, with no proof it signed while valid: say which proof was missing.
            if self.timestamp is None:
                problem = msg("trust-chain-expired-no-timestamp")
            else:
                problem = msg("trust-chain-expired-timestamp-invalid")
        elif status is ChainStatus.REVOKED:
            when = self.revoked_at.isoformat() if self.revoked_at else "?"
            problem = msg("trust-chain-revoked", when=when, reason=str(self.revocation_reason))
        else:
            problem = _CHAIN_PROBLEMS.get(status, _CHAIN_PROBLEMS[ChainStatus.INVALID])
        # The path validator's own words (English) follow as they are.
        if self.chain_detail:
            return msg("trust-problem-detail", problem=problem, detail=self.chain_detail)
        return problem

    # -- output -------------------------------------------------------------------------------

    def raise_for_problem(self) -> None:
        """Raise ``SignatureInvalid`` (carrying this report) unless the signature is valid."""
        problem = self.problem
        if problem is not None:
            raise SignatureInvalid(problem, report=self)

    def summary(self) -> str:
        """One machine-parsable line for logs and the CLI."""
        sub = self.subindication
        parts = [
            self.indication.value,
            f"sub={sub.value if sub else '-'}",
            f"signer={json.dumps(self.signer_subject, ensure_ascii=False)}",
            f"agency={self.agency_code or '-'}",
            f"from={self.sender_code or '-'}",
            f"alg={self.algorithm or '-'}",
            f"weak={str(self.weak).lower()}",
            f"at={self.validation_time.isoformat()}",
        ]
        return " ".join(parts)

    def to_dict(self, language: Language | None = None) -> dict[str, Any]:
        """JSON-ready facts and verdicts; ``problem`` rendered in ``language`` (the process's by
        default), ``problem_message`` the same as data (code and parameters)."""
        sub = self.subindication
        return {
            "valid": self.valid,
            "signer": self.signer_subject,
            "agency_code": self.agency_code,
            "algorithm": self.algorithm,
            "weak": self.weak,
            **problem_fields(self.problem, language),
            "indication": self.indication.value,
            "subindication": sub.value if sub else None,
            "intact": self.intact,
            "trusted": self.trusted,
            "revoked": self.revoked,
            "sender_code": self.sender_code,
            "validation_time": self.validation_time.isoformat(),
            "timestamp": (
                self.timestamp.time.isoformat()
                if self.timestamp is not None and self.timestamp.valid and self.timestamp.time
                else None
            ),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


def as_message(message: Message | str) -> Message:
    """An error's message as a ``Message``: plain text (words that came from outside) as such."""
    return message if isinstance(message, Message) else msg("trust-text", text=message)


def problem_fields(problem: Message | None, language_: Language | None) -> dict[str, Any]:
    """``problem`` (rendered in ``language_``, the process's when None) and ``problem_message``
    (its code and parameters): how a report's problem goes into JSON."""
    if problem is None:
        return {"problem": None, "problem_message": None}
    return {"problem": render(problem, language_ or language()), "problem_message": problem.to_json()}


_FIELDS = frozenset(f.name for f in dataclasses.fields(VerificationReport))
