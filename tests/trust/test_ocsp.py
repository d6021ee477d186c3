"""The OCSP fetcher: a successful answer about the certificate asked, from the responder its
certificate names (the test PKI's, running on 127.0.0.1), kept while fresh; None when it names
none or the responder cannot be reached, so an archive is still written (without that answer)."""

from __future__ import annotations

import socket
from datetime import timedelta

from cryptography.x509 import ocsp

from lienthong.trust import HttpOcspFetcher, ocsp_urls, serve_pki
from support.pki import AT, SENDER, GeneratedPki


def test_answer_about_the_certificate_from_the_responder_it_names(test_pki: GeneratedPki) -> None:
    pki = test_pki.pki
    fetch = HttpOcspFetcher(timeout=10)
    with serve_pki(pki) as services:
        issued = pki.issue_agency(
            SENDER, "UBND tỉnh Nghệ An (OCSP)", at=AT - timedelta(days=1), name="ocsp-fetched",
            ocsp_url=services.ocsp_url,
        )  # fmt: skip
        assert ocsp_urls(issued.certificate) == [services.ocsp_url]
        answer = fetch(issued.certificate, pki.issuing)
        # Asked again while the answer is fresh (until its next_update): not asked, the same.
        assert fetch(issued.certificate, pki.issuing) == answer
    assert answer is not None
    assert fetch(issued.certificate, pki.issuing) == answer  # the responder stopped: kept
    fetch.close()
    parsed = ocsp.load_der_ocsp_response(answer)
    assert parsed.serial_number == issued.certificate.serial_number
    assert parsed.certificate_status is ocsp.OCSPCertStatus.GOOD


def test_no_answer_without_a_responder(test_pki: GeneratedPki) -> None:
    pki = test_pki.pki
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/ocsp"
    unreachable = pki.issue_agency(
        SENDER, "UBND tỉnh Nghệ An (OCSP)", at=AT - timedelta(days=1), name="ocsp-unreachable",
        ocsp_url=closed,
    )  # fmt: skip
    with HttpOcspFetcher(timeout=5) as fetch:
        assert fetch(test_pki.issued["sender"].certificate, pki.issuing) is None  # names none
        assert fetch(unreachable.certificate, pki.issuing) is None
