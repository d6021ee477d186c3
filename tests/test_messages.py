"""The message catalogue: every code the sources use has a text in Vietnamese and in English,
with the placeholders its callers pass; the catalogue is what ``make messages`` extracts."""

from __future__ import annotations

import ast
import importlib.util
import re
import unicodedata
from collections import defaultdict
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.pofile import read_po

from lienthong._i18n import LANGUAGES, LOCALE, Message, msg, negotiate, placeholders, render

SOURCE = Path(__file__).resolve().parent.parent / "src" / "lienthong"
SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "messages.py"
CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("messages_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _entries() -> dict[str, dict[str, list[tuple[str, str]]]]:
    """language → code → [(domain, text)]."""
    found: dict[str, dict[str, list[tuple[str, str]]]] = {lang: defaultdict(list) for lang in LANGUAGES}
    for lang in LANGUAGES:
        for path in sorted((LOCALE / lang / "LC_MESSAGES").glob("*.po")):
            with path.open("rb") as handle:
                for entry in read_po(handle, locale=lang):
                    if entry.id:
                        found[lang][str(entry.id)].append((path.stem, str(entry.string)))
    return found


class _Call:
    def __init__(self, where: str, code: str | None, names: set[str] | None) -> None:
        self.where, self.code, self.names = where, code, names


def _calls() -> list[_Call]:
    """Every ``msg(…)`` and ``say(…)`` in the sources: its code and the parameters it passes
    (``None`` when it spreads a mapping)."""
    calls = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            if node.func.id not in ("msg", "say") or path.name == "_i18n.py":
                continue
            where = f"{path.relative_to(SOURCE.parent)}:{node.lineno}"
            first = node.args[0] if node.args else None
            code = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
            names = None if any(k.arg is None for k in node.keywords) else {str(k.arg) for k in node.keywords}
            calls.append(_Call(where, code, names))
    return calls


def test_the_catalogue_is_in_step_with_the_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert _script().main(["--check"]) == 0, capsys.readouterr().out


def test_every_call_names_its_code_as_a_literal_so_extraction_finds_it() -> None:
    computed = [call.where for call in _calls() if call.code is None]
    assert not computed, f"msg()/say() with a code that is not a string literal: {computed}"


def test_codes_are_kebab_case() -> None:
    bad = sorted({call.code for call in _calls() if call.code and not CODE.fullmatch(call.code)})
    assert not bad, f"codes must be kebab-case (like the API's problem types): {bad}"


def test_every_code_has_a_text_in_both_languages_in_one_domain() -> None:
    entries = _entries()
    for lang in LANGUAGES:
        empty = sorted(code for code, texts in entries[lang].items() if not any(text for _, text in texts))
        assert not empty, f"codes with no {lang} text: {empty}"
        twice = sorted(code for code, texts in entries[lang].items() if len(texts) > 1)
        assert not twice, f"codes defined in more than one {lang} domain: {twice}"
    assert set(entries["vi"]) == set(entries["en"])


def test_texts_are_nfc_and_both_languages_take_the_same_parameters() -> None:
    entries = _entries()
    for code, texts in entries["vi"].items():
        vi = texts[0][1]
        en = entries["en"][code][0][1]
        assert unicodedata.normalize("NFC", vi) == vi, f"{code}: the Vietnamese text is not NFC"
        assert placeholders(vi) == placeholders(en), (
            f"{code}: vi takes {placeholders(vi)}, en {placeholders(en)}"
        )


def test_every_call_passes_the_parameters_its_text_names() -> None:
    entries = _entries()
    wrong = []
    for call in _calls():
        if call.code is None or call.names is None or call.code not in entries["en"]:
            continue
        wanted = placeholders(entries["en"][call.code][0][1])
        if call.names != wanted:
            wrong.append(
                f"{call.where}: {call.code} passes {sorted(call.names)}, its text takes {sorted(wanted)}"
            )
    assert not wrong, "\n".join(wrong)


def test_a_message_renders_in_the_language_asked_and_nests() -> None:
    inner = msg("at-line", line=7)
    outer = Message.from_json({"code": "at-line", "params": {"line": inner.to_json()}})
    assert render(outer, "vi") == "dòng dòng 7"
    assert render(outer, "en") == "line line 7"
    assert Message.from_json(outer.to_json()) == outer


def test_an_unknown_code_renders_as_itself_with_its_parameters() -> None:
    assert render(msg("from-a-newer-peer", size=3), "vi") == "from-a-newer-peer (size=3)"


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        (None, "vi"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR, en;q=0.5, vi;q=0.8", "vi"),
        ("vi;q=0, en;q=0.1", "en"),
        ("de, fr", "vi"),
        ("*", "vi"),
        ("en;q=bad, vi", "vi"),
    ],
)
def test_accept_language_is_negotiated_by_quality(header: str | None, chosen: str) -> None:
    assert negotiate(header) == chosen
