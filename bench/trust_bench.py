"""Package sign/verify and PDF verify rates, each beside raw RSA-2048 in the same run.

    .venv/bin/python bench/trust_bench.py [--seconds 2]

One core (no threads). The last line is one JSON object. Verification uses CRLs and the
real validator; the chain result is remembered within the interval in which its inputs
cannot change the outcome (see ``lienthong.trust._chain``), as a node verifying a stream
of packages from the same senders would see it. ``verify_cold_per_s`` clears that memory
before every verification.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from lienthong.demo import sample_pdf
from lienthong.trust import KeySigner, Pki, load_crls, sign_package, sign_pdf, verify_package, verify_pdf

EDXML_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"


def sized_package(sender: str, size: int) -> bytes:
    """An edXML package of about ``size`` bytes (its "Nơi nhận" lines set the size)."""
    line = "<edXML:Place>Nơi nhận: Ủy ban nhân dân các huyện, thị xã</edXML:Place>"
    places = ""
    while True:
        data = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="{EDXML_NS}" xmlns:edXML="{EDXML_NS}">'
            f"<edXML:edXMLEnvelope><edXML:edXMLHeader><edXML:MessageHeader><edXML:From>"
            f"<edXML:OrganId>{sender}</edXML:OrganId></edXML:From><edXML:ToPlaces>{places}"
            f"</edXML:ToPlaces></edXML:MessageHeader></edXML:edXMLHeader></edXML:edXMLEnvelope></edXML>"
        ).encode()
        if len(data) >= size:
            return data
        places += line


def rate(work: Callable[[], object], seconds: float) -> float:
    work()  # warm up: imports, caches
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        work()
        count += 1
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0)
    seconds = parser.parse_args().seconds
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as home:
        pki = Pki.init(Path(home) / "pki", at=now - timedelta(days=1))
        issued = pki.issue_agency("000.00.00.H41", "UBND tỉnh Nghệ An", at=now - timedelta(days=1))
        signer = KeySigner.load(issued.key_path, issued.cert_path, [pki.issuing_path])
        crls = load_crls([pki.crl_path])
    data = sized_package("000.00.00.H41", 5 * 1024)
    signed = sign_package(data, signer)
    anchors = [pki.root]
    assert verify_package(signed, anchors=anchors, crls=crls, at=now).valid

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    raw_sig = key.sign(b"x" * 32, padding.PKCS1v15(), hashes.SHA256())
    raw_sign = rate(lambda: key.sign(b"x" * 32, padding.PKCS1v15(), hashes.SHA256()), seconds)
    raw_verify = rate(
        lambda: key.public_key().verify(raw_sig, b"x" * 32, padding.PKCS1v15(), hashes.SHA256()), seconds
    )
    sign = rate(lambda: sign_package(data, signer), seconds)
    verify = rate(lambda: verify_package(signed, anchors=anchors, crls=crls, at=now), seconds)

    from lienthong.trust import _chain

    def cold() -> object:
        _chain._CACHE.clear()
        return verify_package(signed, anchors=anchors, crls=crls, at=now)

    verify_cold = rate(cold, seconds)
    pdf = sign_pdf(sample_pdf(), signer)
    assert verify_pdf(pdf, anchors=anchors, crls=crls, at=now)[0].valid
    pdf_verify = rate(lambda: verify_pdf(pdf, anchors=anchors, crls=crls, at=now), seconds)

    result = {
        "package_bytes": len(data),
        "raw_sign_per_s": round(raw_sign),
        "raw_verify_per_s": round(raw_verify),
        "sign_per_s": round(sign),
        "verify_per_s": round(verify),
        "verify_cold_per_s": round(verify_cold),
        "pdf_verify_per_s": round(pdf_verify, 1),
        "sign_ratio_to_raw": round(sign / raw_sign, 3),
        "verify_ratio_to_raw": round(verify / raw_verify, 4),
        "pdf_verify_ratio_to_raw": round(pdf_verify / raw_verify, 5),
        "ratio_to_raw": round(verify / raw_verify, 4),
    }
    print(f"package {len(data)} bytes, {seconds:g} s per measure, one core")
    print(f"raw RSA-2048 sign   {raw_sign:8.0f}/s   verify {raw_verify:8.0f}/s")
    print(f"package sign        {sign:8.0f}/s   ({sign / raw_sign:.0%} of raw sign; target 1500/s)")
    print(f"package verify      {verify:8.0f}/s   (cold chain: {verify_cold:.0f}/s; target 1500/s)")
    print(f"PDF verify          {pdf_verify:8.1f}/s")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
