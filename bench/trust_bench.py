"""Package sign/verify and PDF verify rates, each beside raw RSA-2048 in the same run, and
package signing with the key in a PKCS#11 token (SoftHSM2) beside the file key.

    .venv/bin/python bench/trust_bench.py [--seconds 2]

The token is made in a temporary directory (``SOFTHSM2_CONF``) with ``softhsm2-util``, its RSA
2048 key generated inside it, its certificate issued by the run's PKI; ``ratio_to_file`` is
token package signs per second over file-key package signs per second (``null`` without
``softhsm2-util``: scripts/install-system-deps.sh installs it).

XAdES-T: the same package signed with its signature time-stamped by the run's PKI's RFC 3161
service on loopback (``stamp_ms``: what the time-stamp adds to signing one package, a round
trip and the TSA's own RSA signature included; ``tsa_round_trip_ms`` is the service's answer
alone, ``stamp_client_ms`` what is left: ours), and verified (the token checked too).

One core (no threads). The last line is one JSON object. Verification uses CRLs and the
real validator; the chain result is remembered within the interval in which its inputs
cannot change the outcome (see ``lienthong.trust._chain``), as a node verifying a stream
of packages from the same senders would see it. ``verify_cold_per_s`` clears that memory
before every verification.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pkcs11  # importing loads no module: SoftHSM reads SOFTHSM2_CONF at pkcs11.lib()
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong.demo import sample_pdf
from lienthong.trust import (
    HttpTimeStamper,
    KeySigner,
    Pki,
    Signer,
    load_crls,
    load_signer,
    serve_pki,
    sign_package,
    sign_pdf,
    verify_package,
    verify_pdf,
)
from lienthong.trust.hazmat import Validity, make_agency_certificate

SENDER = "000.00.00.H41"
SOFTHSM_MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")

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


def token_signer(folder: Path, pki: Pki, at: datetime) -> Signer | None:
    """A signer whose RSA 2048 key is generated in a fresh SoftHSM token in ``folder``."""
    util = shutil.which("softhsm2-util")
    if util is None or not SOFTHSM_MODULE.is_file():
        return None

    (folder / "tokens").mkdir()
    (folder / "softhsm2.conf").write_text(f"directories.tokendir = {folder / 'tokens'}\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(folder / "softhsm2.conf")
    pin = "246810"
    init = [util, "--init-token", "--free", "--label", "bench", "--pin", pin, "--so-pin", "13579135"]
    subprocess.run(init, check=True, capture_output=True)
    token = pkcs11.lib(str(SOFTHSM_MODULE)).get_token(token_label="bench")
    with token.open(rw=True, user_pin=pin) as session:
        public, _private = session.generate_keypair(pkcs11.KeyType.RSA, 2048, label="seal", store=True)
        public_key = rsa.RSAPublicNumbers(
            int.from_bytes(public[pkcs11.Attribute.PUBLIC_EXPONENT], "big"),
            int.from_bytes(public[pkcs11.Attribute.MODULUS], "big"),
        ).public_key()
    certificate = make_agency_certificate(
        pki.issuer,
        public_key,
        agency_code="000.00.00.H41",
        agency_name="UBND tỉnh Nghệ An",
        validity=Validity(at, 30),
    )
    (folder / "seal.pem").write_bytes(certificate.public_bytes(Encoding.PEM))
    (folder / "pin").write_text(pin)
    (folder / "pin").chmod(0o600)
    uri = f"pkcs11:token=bench;object=seal?module-path={SOFTHSM_MODULE}&pin-source=file:{folder / 'pin'}"
    return load_signer(uri, folder / "seal.pem", [pki.issuing_path])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0)
    seconds = parser.parse_args().seconds
    now = datetime.now(UTC)
    stack = contextlib.ExitStack()
    with tempfile.TemporaryDirectory() as home:
        pki = Pki.init(Path(home) / "pki", at=now - timedelta(days=1))
        issued = pki.issue_agency("000.00.00.H41", "UBND tỉnh Nghệ An", at=now - timedelta(days=1))
        signer = KeySigner.load(issued.key_path, issued.cert_path, [pki.issuing_path])
        crls = load_crls([pki.crl_path])
        # The token's files must outlive its sessions: their own directory, removed at the end.
        token_home = Path(tempfile.mkdtemp(prefix="softhsm-"))
        token = token_signer(token_home, pki, now - timedelta(days=1))
        # The PKI's RFC 3161 service on loopback (it reads its key once, at start).
        services = stack.enter_context(serve_pki(pki))
        stamper = HttpTimeStamper(services.tsa_url)
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
    # The token's cost in the same run as the file key's, on the same package.
    token_sign = rate(lambda: sign_package(data, token), seconds) if token is not None else None
    if token is not None:
        assert verify_package(sign_package(data, token), anchors=[pki.root], crls=crls, at=now).valid
        token.close()
    shutil.rmtree(token_home, ignore_errors=True)
    verify = rate(lambda: verify_package(signed, anchors=anchors, crls=crls, at=now), seconds)
    # XAdES-T: the same package, its signature time-stamped (a round trip to the TSA each), and
    # verifying it (the token's signature and the TSA's path too).
    stamped = sign_package(data, signer, timestamp=stamper)
    stamped_report = verify_package(stamped, anchors=anchors, crls=crls, at=now)
    assert stamped_report.valid, stamped_report.problem
    assert stamped_report.timestamp is not None
    assert stamped_report.timestamp.valid
    stamped_sign = rate(lambda: sign_package(data, signer, timestamp=stamper), seconds)
    stamped_verify = rate(lambda: verify_package(stamped, anchors=anchors, crls=crls, at=now), seconds)
    # The service's own answer, alone: the test TSA (certomancer) loads its RSA key again for each.
    tsa_calls = rate(lambda: stamper(hashlib.sha256(data).digest()), seconds)
    stamper.close()
    stack.close()

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
        "token_sign_per_s": round(token_sign) if token_sign is not None else None,
        "token_sign_ms": round(1000 / token_sign, 3) if token_sign is not None else None,
        "ratio_to_file": round(token_sign / sign, 3) if token_sign is not None else None,
        "stamped_sign_per_s": round(stamped_sign),
        "stamp_ms": round(1000 / stamped_sign - 1000 / sign, 3),  # what the time-stamp adds
        "tsa_round_trip_ms": round(1000 / tsa_calls, 3),  # of which the TSA's answer
        "stamp_client_ms": round(1000 / stamped_sign - 1000 / sign - 1000 / tsa_calls, 3),  # and ours
        "stamped_sign_ratio_to_plain": round(stamped_sign / sign, 3),
        "stamped_verify_per_s": round(stamped_verify),
        "stamped_verify_ratio_to_plain": round(stamped_verify / verify, 3),
        "stamped_package_bytes": len(stamped),
    }
    print(f"package {len(data)} bytes, {seconds:g} s per measure, one core")
    print(f"raw RSA-2048 sign   {raw_sign:8.0f}/s   verify {raw_verify:8.0f}/s")
    print(f"package sign        {sign:8.0f}/s   ({sign / raw_sign:.0%} of raw sign; target 1500/s)")
    if token_sign is not None:
        print(f"package sign SoftHSM {token_sign:7.0f}/s   ({token_sign / sign:.0%} of the file key's)")
    print(f"package verify      {verify:8.0f}/s   (cold chain: {verify_cold:.0f}/s; target 1500/s)")
    print(f"PDF verify          {pdf_verify:8.1f}/s")
    stamp_ms = 1000 / stamped_sign - 1000 / sign
    print(
        f"XAdES-T sign        {stamped_sign:8.0f}/s   (+{stamp_ms:.2f} ms a package: "
        f"{stamped_sign / sign:.0%} of plain; loopback TSA, Python http.server)"
    )
    print(f"  of which the TSA  {1000 / tsa_calls:8.2f} ms a call (the test TSA loads its key for each)")
    print(f"XAdES-T verify      {stamped_verify:8.0f}/s   ({stamped_verify / verify:.0%} of plain)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
