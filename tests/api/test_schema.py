"""schemathesis over the OpenAPI document a real node serves (TLS, a client token): for every
operation, generated requests never get a 5xx, and every answer keeps to the documented
statuses and schemas (errors included: JSON problems with a code and a sentence). The VXP
operations are fuzzed too: whatever headers and body arrive, they answer HTTP 200 with the
documented VXP answer (unsigned, every generated call is a VXP refusal, never a 5xx).

Operations are driven one by one with Hypothesis (a bounded number of examples each) rather
than through schemathesis's pytest plugin, whose fixture loading does not suit a schema read
from a process started by a fixture.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance
from schemathesis.core.result import Ok

from api.api_nodes import LiveApi, live_api
from lienthong.client import Client, Document
from lienthong.demo import sample_pdf, wait_for
from lienthong.net import client_context
from node.node_network import RECIPIENT, SENDER

NODE = "vpcp"
EXAMPLES = 12
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    # Generated webhook URLs are not resolved (no DNS query leaves the machine): private allowed.
    yield from live_api(tmp_path_factory.mktemp("schema"), options=("--allow-private-webhooks",))


def _document(live: LiveApi, auth: dict[str, str]) -> dict[str, Any]:
    tls = client_context(anchors=live.anchors(NODE))
    answer = httpx.get(f"{live.urls[NODE]}/openapi.json", verify=tls, headers=auth)  # not public
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    return document


def test_every_operation_answers_as_documented(live: LiveApi) -> None:
    auth = {"Authorization": f"Bearer {live.token(NODE, 'schemathesis', [RECIPIENT])}"}
    schema = schemathesis.openapi.from_dict(_document(live, auth))
    failures: dict[str, str] = {}
    labels = []
    statuses: dict[str, set[int]] = {}
    operations = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    for operation, mode in itertools.product(operations, (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)):
        labels.append(operation.label)

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
        )
        def run(case: schemathesis.Case[Any]) -> None:
            response = case.call_and_validate(
                base_url=live.urls[NODE],
                headers=auth,
                verify=str(live.anchors(NODE)),
                timeout=30,
                checks=CHECKS,
            )
            statuses.setdefault(case.operation.label, set()).add(response.status_code)

        try:
            run()
        except Exception as exc:  # every operation is tried; all failures are reported together
            failures[f"{operation.label} ({mode.value})"] = str(exc)[:1500]
    assert "GET /api/v1/events" in labels and "PUT /api/v1/webhook" in labels
    assert 200 in statuses["GET /api/v1/agencies"] and 200 in statuses["GET /api/v1/events"]
    assert "POST /vxp/sendEdoc" in labels and statuses["POST /vxp/getEdoc"] == {200}
    assert failures == {}, "\n\n".join(f"{label}: {text}" for label, text in failures.items())


def test_a_received_document_answers_as_documented(live: LiveApi) -> None:
    """Generated item ids only meet 404s: a real received document's answer (package, signature
    reports) is checked against the typed schema here."""
    token = live.token("nghe-an", "schema-sender", [SENDER])
    document = Document(
        sender=SENDER,
        sender_name="UBND tỉnh Nghệ An",
        to=[RECIPIENT],
        number="5",
        notation="UBND",
        subject="V/v",
    )
    with Client(live.urls["nghe-an"], token=token, verify=live.anchors("nghe-an")) as sender:
        sent = sender.compose(document, [("a.pdf", sample_pdf("Schema"), "application/pdf")])
    auth = {"Authorization": f"Bearer {live.token(NODE, 'schema-reader', [RECIPIENT])}"}
    url = f"{live.urls[NODE]}/api/v1/inbox/{sent.message_id}-{RECIPIENT}"
    tls = client_context(anchors=live.anchors(NODE))

    def received() -> httpx.Response | None:
        answer = httpx.get(url, verify=tls, headers=auth)
        return answer if answer.status_code == 200 else None

    answer = wait_for(received, timeout=180.0)
    assert answer is not None
    schema = schemathesis.openapi.from_dict(_document(live, auth))
    schema["/api/v1/inbox/{item_id}"]["GET"].validate_response(answer)
    view = answer.json()
    assert view["package"]["from"] == SENDER and view["package"]["attachments"][0]["name"] == "a.pdf"
    assert view["signature"]["valid"] is True
    properties = _document(live, auth)["components"]["schemas"]["PackageModel"]["properties"]
    assert {"from", "from_name", "subject", "attachments", "recipients", "status_code"} <= properties.keys()
