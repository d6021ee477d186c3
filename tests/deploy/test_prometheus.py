"""``deploy/prometheus/lienthong-node.rules.yml``: ``promtool check rules`` accepts it, its unit
tests (``lienthong-node.rules.test.yml``) pass under ``promtool test rules``, and every metric it
uses is one a node serves on ``/metrics`` (a page ``promtool check metrics`` accepts): the scrape
below is what stops the rules and the code drifting apart (a renamed gauge fails here, not
silently in production)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from lienthong.server import NodeService, ServeSettings
from node.doctor_network import EXPIRING, HEALTHY, DoctorNetwork, doctor_network
from support.prometheus import PROMETHEUS_OWN, RULES, rule_metrics, served

__all__ = ["doctor_network"]  # the fixture

pytestmark = pytest.mark.anyio

FOLDER = RULES.parent
PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"


def _promtool(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PROMTOOL, *arguments], cwd=FOLDER, capture_output=True, text=True, timeout=120, check=False
    )


def test_promtool_checks_the_rules() -> None:
    checked = _promtool("check", "rules", RULES.name)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_rules_unit_tests_pass() -> None:
    tested = _promtool("test", "rules", "lienthong-node.rules.test.yml")
    assert tested.returncode == 0, tested.stdout + tested.stderr


async def test_every_metric_the_rules_use_is_served_by_a_node(
    doctor_network: DoctorNetwork, tmp_path: Path
) -> None:
    used = rule_metrics()
    assert {"lienthong_node_outbox_entries", "lienthong_certificate_expiry_seconds"} <= used
    home = doctor_network.home(tmp_path, (HEALTHY, EXPIRING), nodes=("vpcp",))
    with NodeService(home, ServeSettings(statistics_interval=0, public_metrics=True)) as service:
        assert service.api_app is not None
        transport = httpx.ASGITransport(app=service.api_app)
        async with httpx.AsyncClient(transport=transport, base_url="https://vpcp") as client:
            scraped = await client.get("/metrics")
    assert scraped.status_code == 200
    assert used - PROMETHEUS_OWN - served(scraped.text) == set()
    linted = subprocess.run(
        [PROMTOOL, "check", "metrics"],
        input=scraped.text,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert linted.returncode == 0, linted.stderr  # names, units and help as Prometheus wants them
