"""Every action the console audits reads as a sentence in both languages: each literal action
code passed to ``Console.audit`` has its text, and no text is left with an unfilled placeholder."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from importlib import resources

import pytest

from lienthong.console._audit_view import _TEXTS, describe
from lienthong.store import NodeAuditEntry

_ACTION = re.compile(r"^[a-z]+(-[a-z]+)+$")


def _audited_actions() -> set[str]:
    """Action codes written literally at the console's ``audit`` calls (``console.audit(request,
    user, "code", …)`` or ``run_in_threadpool(console.audit, request, user, "code", …)``) and in
    the literal tables those calls pick from."""
    found: set[str] = set()
    for source in resources.files("lienthong.console").iterdir():
        if not source.name.endswith(".py"):
            continue
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            args = node.args
            if isinstance(node.func, ast.Attribute) and node.func.attr == "audit":
                candidates = args[2:3]
            elif args and isinstance(args[0], ast.Attribute) and args[0].attr == "audit":
                candidates = args[3:4]
            else:
                continue
            for candidate in candidates:
                if isinstance(candidate, ast.Constant) and isinstance(candidate.value, str):
                    found.add(candidate.value)
    return {action for action in found if _ACTION.match(action)}


def test_every_literal_audited_action_has_a_text() -> None:
    audited = _audited_actions()
    assert {"status-sent", "delivery-given-up", "user-removed"} <= audited  # the scan sees calls
    assert sorted(audited - set(_TEXTS)) == []


@pytest.mark.parametrize("action", sorted(_TEXTS))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_each_action_renders_without_placeholders(action: str, lang: str) -> None:
    params = {"document": "doc-1", "code": "03", "number": "7", "arrived_on": "2026-12-07"}
    entry = NodeAuditEntry(datetime(2026, 12, 7, tzinfo=UTC), "lan", action, "t", params)
    text = describe(entry, lang)  # type: ignore[arg-type]
    assert text and "{" not in text and not text.startswith(action), text
