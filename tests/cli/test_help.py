"""The command line speaks the user's language: help pages (ours and Typer's own words), usage
errors as one line, our errors; run as a user runs them (the real command, a subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Iterator

import pytest

from lienthong._i18n import language, set_language
from lienthong.cli import main, requested_language

PROG = "lienthong"  # the command's name, also as python -m lienthong.cli


def lienthong(*args: str, lang: str | None = None) -> subprocess.CompletedProcess[str]:
    """``lienthong ARGS`` in a wide terminal, ``LIENTHONG_LANG=lang`` if given, no other
    ``LIENTHONG_`` variable from the caller's environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LIENTHONG_")}
    return subprocess.run(  # noqa: PLW1510 - callers check the exit code
        [sys.executable, "-m", "lienthong.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**clean, "COLUMNS": "200", **({"LIENTHONG_LANG": lang} if lang else {})},
    )


def _vietnamese_letters(text: str) -> set[str]:
    """Latin letters with diacritics: Vietnamese words (English help has none)."""
    return {c for c in text if ord(c) > 127 and unicodedata.name(c, "").startswith("LATIN")}


def _words(text: str) -> str:
    return " ".join(text.split())


def _one_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr and "╭" not in done.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "lang"),
    [
        (("node", "--help"), "en"),
        (("--lang", "en", "node", "--help"), None),
        (("--lang=en", "node", "--help"), "vi"),
    ],
    ids=["environment", "option", "option-over-environment"],
)
def test_english_help_by_environment_or_option(args: tuple[str, ...], lang: str | None) -> None:
    done = lienthong(*args, lang=lang)
    assert done.returncode == 0, done.stderr
    page = _words(done.stdout)
    assert "Nodes: outgoing and incoming documents, receipts and logs." in page
    assert "Create a node's directory" in page  # a command's help
    assert "Usage:" in page and "Options" in page and "Commands" in page
    assert "--help Show this message and exit." in page  # no <bool> between them
    assert not _vietnamese_letters(done.stdout), _vietnamese_letters(done.stdout)


def test_english_help_of_a_command_names_typer_words_in_english() -> None:
    done = lienthong("--lang", "en", "node", "serve", "--help")
    assert done.returncode == 0, done.stderr
    page = _words(done.stdout)
    assert "Serve the node (POST /v1/peer/packages over mTLS)" in page
    assert "The node's directory. [env var: LIENTHONG_NODE_HOME] [required]" in page
    assert "Address to listen on. [default: 127.0.0.1]" in page
    assert "<bool>" not in page
    assert not _vietnamese_letters(done.stdout), _vietnamese_letters(done.stdout)


def test_vietnamese_help_by_default() -> None:
    done = lienthong("node", "serve", "--help")
    assert done.returncode == 0, done.stderr
    page = _words(done.stdout)
    assert "Cách dùng:" in page and "Tùy chọn" in page
    assert "Phục vụ điểm kết nối (POST /v1/peer/packages qua mTLS)" in page
    assert "Thư mục của điểm kết nối. [biến môi trường: LIENTHONG_NODE_HOME] [bắt buộc]" in page
    assert "Địa chỉ lắng nghe. [mặc định: 127.0.0.1]" in page
    assert "--help Hiện trợ giúp này rồi thoát." in page
    for english in ("Show this message and exit", "Usage:", "[default:", "[required]", "env var", "<bool>"):
        assert english not in page, english


def test_the_root_and_codes_help_in_both_languages() -> None:
    vi, en = lienthong("--help"), lienthong("--lang", "en", "--help")
    assert vi.returncode == en.returncode == 0
    assert "Ngôn ngữ thông báo: vi hoặc en." in _words(vi.stdout) and "Lệnh" in vi.stdout
    assert "Language of messages and help: vi or en." in _words(en.stdout)
    assert "send Send a document" in _words(en.stdout) and "demo Try the whole network" in _words(en.stdout)
    codes = lienthong("--lang", "en", "codes", "--help")
    assert "Agency identifier codes (DDD.DD.DD.LDD)." in _words(codes.stdout)
    assert not _vietnamese_letters(en.stdout + codes.stdout)


def test_a_missing_option_is_one_line_in_each_language() -> None:
    vi, en = lienthong("node", "serve"), lienthong("node", "serve", lang="en")
    assert vi.returncode == en.returncode == 2
    assert vi.stdout == en.stdout == ""
    assert _one_line(vi) == (
        "lỗi: thiếu tùy chọn --home (hoặc biến môi trường LIENTHONG_NODE_HOME). "
        f"Xem: {PROG} node serve --help"
    )
    assert _one_line(en) == (
        "error: missing option --home (or environment variable LIENTHONG_NODE_HOME). "
        f"See: {PROG} node serve --help"
    )


def test_an_unknown_option_suggests_the_close_one() -> None:
    done = lienthong("--lang", "en", "node", "serve", "--hom", "/tmp")
    assert done.returncode == 2
    assert _one_line(done) == (
        f"error: no such option --hom (did you mean --home, --host). See: {PROG} node serve --help"
    )
    vi = lienthong("nod")
    assert vi.returncode == 2
    assert _one_line(vi) == f"lỗi: không có lệnh nod (có phải ý bạn là node). Xem: {PROG} --help"


@pytest.fixture
def in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Callable[..., str]]:
    """``lienthong ARGS`` in this process (usage errors are rendered when they happen): its exit
    code must be 2 and its stderr one line, which is returned."""

    def run(*args: str) -> str:
        monkeypatch.setattr(sys, "argv", ["lienthong", *args])
        with pytest.raises(SystemExit) as exited:
            main()
        assert exited.value.code == 2
        out, err = capsys.readouterr()
        assert out == "" and len(err.strip().splitlines()) == 1, err
        return err.strip()

    before = language()
    yield run
    set_language(before)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("node", "serve", "--home", "/tmp", "--port", "70000"),
            "error: --port is at most 65535 (given 70000).",
        ),
        (("node", "serve", "--home", "/tmp", "--port", "x"), "error: --port needs a whole number, not x."),
        (
            ("node", "serve", "--home", "/tmp", "--log-format", "xml"),
            "error: --log-format takes one of 'text', 'json', not xml.",
        ),
        (
            ("node", "init", "--home", "/tmp", "--name", "n", "--anchor", "/tmp"),
            "error: --anchor: /tmp is a directory, a file is needed.",
        ),
        (("node", "serve", "--home", "/tmp", "--verbose=1"), "error: option --verbose takes no value."),
        (("codes", "list", "--at"), "error: option --at needs a value."),
        (("codes", "show", "a", "b"), "error: unexpected extra arguments: b."),
        (("codes", "show"), "error: missing argument CODE."),
    ],
)
def test_bad_values_are_one_line_in_our_words(
    in_process: Callable[..., str], args: tuple[str, ...], line: str
) -> None:
    said = in_process("--lang", "en", *args)
    assert said.startswith(line + " See: lienthong "), said
    assert in_process(*args).startswith("lỗi: ")


def test_a_bad_value_in_vietnamese(in_process: Callable[..., str]) -> None:
    said = in_process("node", "serve", "--home", "/tmp", "--port", "70000")
    assert said == "lỗi: --port tối đa là 65535 (đã cho 70000). Xem: lienthong node serve --help"


def test_our_errors_are_one_line_in_the_language_asked_for(tmp_path: os.PathLike[str]) -> None:
    home = os.path.join(tmp_path, "no-node-here")
    vi, en = (
        lienthong("node", "trace", "x", "--home", home),
        lienthong("--lang", "en", "node", "trace", "x", "--home", home),
    )
    assert vi.returncode == en.returncode == 1
    assert _one_line(vi).startswith("lỗi: ") and _one_line(en).startswith("error: ")
    assert home in _one_line(en)


def test_no_arguments_shows_the_help() -> None:
    done = lienthong("--lang", "en", "node")
    assert done.returncode == 2
    assert "Nodes: outgoing and incoming documents" in _words(done.stdout) and done.stderr == ""


@pytest.mark.parametrize(
    ("argv", "environment", "expected"),
    [
        (["--lang", "en", "node"], {}, "en"),
        (["--lang=en-US", "node"], {"LIENTHONG_LANG": "vi"}, "en"),
        (["--lang", "vi"], {"LIENTHONG_LANG": "en"}, "vi"),
        (["node", "--lang", "en"], {}, "vi"),  # not the root's option: Typer refuses it, in Vietnamese
        (["node"], {"LIENTHONG_LANG": "en_GB"}, "en"),
        (["--version"], {}, "vi"),
        (["--lang"], {}, "vi"),
    ],
)
def test_the_language_is_read_before_the_commands_are_built(
    argv: list[str], environment: dict[str, str], expected: str
) -> None:
    assert requested_language(argv, environment) == expected
