"""What an operator scrapes and collects from a running node: Prometheus metrics on the API
listener, and logs as one JSON object per line when asked."""

from __future__ import annotations

import io
import json
import logging
import ssl

import httpx

from client.live import Sdk
from lienthong.cli._logs import LogFormat, setup_logging


def test_a_running_node_serves_prometheus_metrics_of_its_requests(sdk: Sdk) -> None:
    with sdk.receiver() as api:
        api.agencies()
    url = sdk.live.urls["vpcp"]
    with httpx.Client(verify=ssl.create_default_context(cafile=sdk.live.anchors("vpcp"))) as http:
        answer = http.get(f"{url}/metrics")
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["content-type"].startswith("text/plain")
    lines = [line for line in answer.text.splitlines() if line.startswith("lienthong_http_requests_total{")]
    assert any('service="node"' in line and 'route="/api/v1/agencies"' in line for line in lines), lines[:10]


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
