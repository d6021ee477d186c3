"""Helpers for the trust tests: small edXML packages and assertions over whole reports."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from lienthong._i18n import Message, catalogue, render
from lienthong.trust import Algorithm, ChainStatus, Subindication, VerificationReport
from support.pki import GeneratedPki

EDXML_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"


def package(sender: str, *, places: int = 3, extra_header: str = "") -> bytes:
    """A small edXML document package from ``sender``; ``places`` lines of "Nơi nhận" set its size."""
    lines = "".join(
        f"<edXML:Place>Nơi nhận {i}: Ủy ban nhân dân các huyện, thị xã</edXML:Place>" for i in range(places)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="{EDXML_NS}" xmlns:edXML="{EDXML_NS}">
  <edXML:edXMLEnvelope>
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From>
          <edXML:OrganId>{sender}</edXML:OrganId>
          <edXML:OrganName>Cơ quan gửi</edXML:OrganName>
        </edXML:From>
        <edXML:To><edXML:OrganId>000.00.00.G22</edXML:OrganId></edXML:To>
        <edXML:Subject>V/v triển khai văn bản điện tử</edXML:Subject>
        <edXML:ToPlaces>{lines}</edXML:ToPlaces>
      </edXML:MessageHeader>
      <edXML:TraceHeaderList/>{extra_header}
    </edXML:edXMLHeader>
    <edXML:edXMLBody><edXML:edXMLManifest version="1.0"/></edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded/>
</edXML>
""".encode()


def sized_package(sender: str, size: int) -> bytes:
    """A package of about ``size`` bytes."""
    places = 1
    while len(package(sender, places=places)) < size:
        places += 1
    return package(sender, places=places)


def assert_valid(report: VerificationReport) -> None:
    assert report.problem is None, report.problem
    assert report.valid and report.intact and report.trusted and not report.revoked
    assert report.subindication is None
    assert report.chain_status is ChainStatus.PASSED
    assert report.signer is not None and report.chain[0] == report.signer
    assert report.sender_bound


def codes_of(message: Message) -> list[str]:
    """``message``'s code and those of the messages nested in its parameters, outermost first."""
    nested = [
        code for value in message.params.values() if isinstance(value, Message) for code in codes_of(value)
    ]
    return [message.code, *nested]


def assert_refused(
    report: VerificationReport, sub: Subindication, *words: str, code: str | None = None
) -> None:
    """Not valid, for ``sub``, with a problem (``code``, possibly wrapped with a detail) whose
    English text mentions each of ``words``, and which has a Vietnamese text too."""
    assert not report.valid
    assert report.subindication is sub, (report.subindication, report.problem)
    problem = report.problem
    assert isinstance(problem, Message), problem
    if code is not None:
        assert code in codes_of(problem), (code, problem)
    assert all(found in catalogue("vi") and found in catalogue("en") for found in codes_of(problem)), problem
    english = render(problem, "en")
    for word in words:
        assert word in english, (word, english)
    assert render(problem, "vi") != english


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (scripts/install-system-deps.sh)")
    return path


def nss_db(root: Path, directory: Path) -> str:
    """An NSS database under ``directory`` (created) trusting the CA ``root``, for poppler's pdfsig."""
    certutil = tool("certutil")
    directory.mkdir()
    db = f"sql:{directory}"
    assert run(certutil, "-N", "-d", db, "--empty-password").returncode == 0
    result = run(certutil, "-A", "-d", db, "-n", "lienthong-root", "-t", "CT,C,C", "-i", root)
    assert result.returncode == 0, result.stderr
    return db


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=60, check=False
    )


def xmlsec1_template(c14n: str, method: str, digest: str, *, prefixed: bool, exc: bool) -> str:
    """An empty enveloped Signature for ``xmlsec1 --sign``, as a peer's template would be."""
    p = "ds:" if prefixed else ""
    decl = (
        'xmlns:ds="http://www.w3.org/2000/09/xmldsig#"'
        if prefixed
        else 'xmlns="http://www.w3.org/2000/09/xmldsig#"'
    )
    exc_transform = f'<{p}Transform Algorithm="{Algorithm.EXC_C14N}"/>' if exc else ""
    return f"""
      <{p}Signature {decl}>
        <{p}SignedInfo>
          <{p}CanonicalizationMethod Algorithm="{c14n}"/>
          <{p}SignatureMethod Algorithm="{method}"/>
          <{p}Reference URI="">
            <{p}Transforms>
              <{p}Transform Algorithm="{Algorithm.ENVELOPED}"/>{exc_transform}
            </{p}Transforms>
            <{p}DigestMethod Algorithm="{digest}"/>
            <{p}DigestValue/>
          </{p}Reference>
        </{p}SignedInfo>
        <{p}SignatureValue/>
        <{p}KeyInfo><{p}X509Data><{p}X509Certificate/></{p}X509Data></{p}KeyInfo>
      </{p}Signature>"""


def xmlsec1_sign(test_pki: GeneratedPki, tmp_path: Path, unsigned: bytes) -> bytes:
    """``unsigned`` (holding a template) signed by ``xmlsec1 --sign`` with the sender's key."""
    xmlsec1 = tool("xmlsec1")
    issued = test_pki.issued["sender"]
    source = tmp_path / "template.edxml"
    source.write_bytes(unsigned)
    out = tmp_path / "xmlsec1-signed.edxml"
    result = run(
        xmlsec1,
        "--sign",
        "--privkey-pem",
        f"{issued.key_path},{issued.cert_path},{test_pki.pki.issuing_path}",
        "--output",
        out,
        source,
    )
    assert result.returncode == 0, result.stderr
    return out.read_bytes()
