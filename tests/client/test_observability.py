"""What an operator scrapes and collects from a running node: Prometheus metrics on the API
listener, and logs as one JSON object per line when asked."""

from __future__ import annotations

import io
import json
import logging
import re
import ssl

import httpx

from client.live import METRICS_TOKEN, Sdk
from lienthong.cli._logs import LogFormat, setup_logging


def test_a_running_node_serves_prometheus_metrics_of_its_requests(sdk: Sdk) -> None:
    with sdk.receiver() as api:
        api.agencies()
    url = sdk.live.urls["vpcp"]
    with httpx.Client(verify=ssl.create_default_context(cafile=sdk.live.anchors("vpcp"))) as http:
        anonymous = http.get(f"{url}/metrics")
        answer = http.get(f"{url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        as_client = http.get(f"{url}/metrics", headers={"Authorization": f"Bearer {sdk.vp_token}"})
        docs = http.get(f"{url}/openapi.json", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert anonymous.status_code == 401 and docs.status_code == 401  # the scraper's reads metrics only
    assert as_client.status_code == 200
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["content-type"].startswith("text/plain")
    lines = [line for line in answer.text.splitlines() if line.startswith("lienthong_http_requests_total{")]
    assert any('service="node"' in line and 'route="/api/v1/agencies"' in line for line in lines), lines[:10]
    # Its certificates' time left, read at the scrape (``lienthong.statistics.CertificateExpiry``).
    expiry = [
        line for line in answer.text.splitlines() if line.startswith("lienthong_certificate_expiry_seconds{")
    ]
    roles = {found.group(1) for line in expiry if (found := re.search(r'role="([^"]+)"', line))}
    assert {"tls", "chain", "signer", "configuration-signing", "anchor"} <= roles, expiry


#: What a page of the documentation refers to: files, styles, scripts, the OpenAPI document.
_REFERENCE = re.compile(r"""(?:src|href|spec-url)="([^"]+)"|url: '([^']+)'""")


def test_a_running_nodes_docs_load_everything_from_the_node_itself(sdk: Sdk) -> None:
    base = httpx.URL(sdk.live.urls["vpcp"])
    auth = {"Authorization": f"Bearer {sdk.vp_token}"}
    with httpx.Client(verify=ssl.create_default_context(cafile=sdk.live.anchors("vpcp"))) as http:
        assert http.get(base.join("/docs")).status_code == 401  # no token, not made public
        for page in ("/docs", "/redoc"):
            answer = http.get(base.join(page), headers=auth)
            assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
            assert "http://" not in answer.text and "https://" not in answer.text, page
            references = [a or b for a, b in _REFERENCE.findall(answer.text)]
            assert any(r.endswith(".js") for r in references), references
            for reference in references:
                target = base.join(reference)
                assert (target.scheme, target.host, target.port) == (base.scheme, base.host, base.port)
                fetched = http.get(target, headers=auth)
                assert fetched.status_code == 200 and fetched.content, (page, reference)


def test_json_log_format_writes_one_object_per_line() -> None:
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    try:
        setup_logging(LogFormat.JSON, level=logging.INFO)
        stream = io.StringIO()
        root.handlers[0].setStream(stream)  # type: ignore[attr-defined]
        logging.getLogger("lienthong.node.worker").info("delivery %s", "ok", extra={"node": "vpcp"})
        record = json.loads(stream.getvalue().splitlines()[-1])
    finally:
        root.handlers = saved
        root.setLevel(level)
    assert record["logger"] == "lienthong.node.worker"
    assert record["message"] == "delivery ok"
    assert record["level"] == "info" and record["node"] == "vpcp"
