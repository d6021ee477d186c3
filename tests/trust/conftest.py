"""Fixtures of the trust tests; they are declared in ``trust_pki``."""

from trust.trust_pki import english, test_pki, work_dir

__all__ = ["english", "test_pki", "work_dir"]
