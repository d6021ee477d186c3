"""A minimal one-page PDF, built byte by byte so its cross-reference table is exact."""

from __future__ import annotations

from lienthong.demo import sample_pdf


def minimal_pdf(text: str = "Van ban dien tu") -> bytes:
    return sample_pdf(text)
