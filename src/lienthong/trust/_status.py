"""Outcome words, named after ETSI EN 319 102-1 as pyHanko's ``ades/report.py`` names them."""

from __future__ import annotations

import enum


class Indication(enum.Enum):
    """The three outcomes of a signature validation."""

    PASSED = "PASSED"
    INDETERMINATE = "INDETERMINATE"
    FAILED = "FAILED"


class Subindication(enum.Enum):
    """Why a validation did not pass; each member knows its indication."""

    FORMAT_FAILURE = "FORMAT_FAILURE"
    HASH_FAILURE = "HASH_FAILURE"
    SIG_CRYPTO_FAILURE = "SIG_CRYPTO_FAILURE"
    REVOKED = "REVOKED"
    SIG_CONSTRAINTS_FAILURE = "SIG_CONSTRAINTS_FAILURE"
    CRYPTO_CONSTRAINTS_FAILURE = "CRYPTO_CONSTRAINTS_FAILURE"
    CHAIN_CONSTRAINTS_FAILURE = "CHAIN_CONSTRAINTS_FAILURE"
    NO_CERTIFICATE_CHAIN_FOUND = "NO_CERTIFICATE_CHAIN_FOUND"
    OUT_OF_BOUNDS_NO_POE = "OUT_OF_BOUNDS_NO_POE"
    NOT_YET_VALID = "NOT_YET_VALID"
    TRY_LATER = "TRY_LATER"

    @property
    def indication(self) -> Indication:
        failed = {
            Subindication.FORMAT_FAILURE,
            Subindication.HASH_FAILURE,
            Subindication.SIG_CRYPTO_FAILURE,
            Subindication.REVOKED,
        }
        return Indication.FAILED if self in failed else Indication.INDETERMINATE


class ChainStatus(enum.Enum):
    """What the certificate path validation found, at the validation time."""

    NOT_CHECKED = "not-checked"
    PASSED = "passed"
    NO_PATH = "no-path"
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"
    REVOKED = "revoked"
    REVOCATION_UNKNOWN = "revocation-unknown"
    INVALID = "invalid"

    @property
    def subindication(self) -> Subindication | None:
        return _CHAIN_SUBINDICATION.get(self)


_CHAIN_SUBINDICATION = {
    ChainStatus.NOT_CHECKED: Subindication.NO_CERTIFICATE_CHAIN_FOUND,
    ChainStatus.NO_PATH: Subindication.NO_CERTIFICATE_CHAIN_FOUND,
    ChainStatus.EXPIRED: Subindication.OUT_OF_BOUNDS_NO_POE,
    ChainStatus.NOT_YET_VALID: Subindication.NOT_YET_VALID,
    ChainStatus.REVOKED: Subindication.REVOKED,
    ChainStatus.REVOCATION_UNKNOWN: Subindication.TRY_LATER,
    ChainStatus.INVALID: Subindication.CHAIN_CONSTRAINTS_FAILURE,
}
