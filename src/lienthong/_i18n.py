"""Words people read, kept as data until an edge renders them in the language it was asked for.

Code below the edges says *what* happened, never in which words: ``msg("not-addressed",
recipient=code)`` is a :class:`Message`, a stable kebab-case code and its parameters. An edge
(the CLI's ``--lang``, an API's ``Accept-Language``, a console user's choice) renders it with
:func:`render`; what is signed or stored (receipts, reports, log entries) keeps the code and the
parameters (:meth:`Message.to_json`), so the same failure can be read in either language later.

The texts live in a gettext catalogue maintained with Babel: one domain per package
(``locale/<lang>/LC_MESSAGES/<package>.po``), the message code as ``msgid``, the text with
``{name}`` placeholders as ``msgstr``. ``make messages`` extracts the codes from the sources
(``scripts/messages.py``); ``tests/test_messages.py`` holds every code to a text in both
languages with the placeholders its callers pass.
"""

from __future__ import annotations

import functools
import os
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal, TypeAlias, get_args

from babel.messages.pofile import read_po

__all__ = [
    "LANGUAGES",
    "Language",
    "Message",
    "Param",
    "catalogue",
    "fold",
    "language",
    "language_named",
    "msg",
    "negotiate",
    "render",
    "say",
    "set_language",
]

Language = Literal["vi", "en"]
LANGUAGES: Final[tuple[Language, ...]] = get_args(Language)
#: Where the catalogue is: ``<LOCALE>/<lang>/LC_MESSAGES/<domain>.po``.
LOCALE: Final = Path(__file__).parent / "locale"

Param: TypeAlias = "str | int | float | Message"


def _known(name: str) -> Language | None:
    head = name.strip().lower().replace("_", "-").split("-")[0]
    return "en" if head == "en" else "vi" if head == "vi" else None


def language_named(name: str | None, default: Language = "vi") -> Language:
    """The language a user's word names (``en``, ``en-US``, ``vi_VN``), else ``default``."""
    return (_known(name) if name else None) or default


_language: Language = language_named(os.environ.get("LIENTHONG_LANG"))


def set_language(language: Language) -> None:
    """Choose the language this process's own edge speaks (the CLI's ``--lang``, log lines)."""
    global _language  # noqa: PLW0603 - one choice per process, made by its edge at start-up
    _language = language


def language() -> Language:
    """The process's language: ``LIENTHONG_LANG`` or the CLI's ``--lang``; Vietnamese by default."""
    return _language


@dataclass(frozen=True, slots=True)
class Message:
    """What happened, as a code and its parameters; words only when rendered."""

    code: str
    params: Mapping[str, Param] = field(default_factory=lambda: MappingProxyType({}))

    def render(self, language: Language) -> str:
        return render(self, language)

    def __str__(self) -> str:
        return render(self, _language)

    def to_json(self) -> dict[str, Any]:
        """``{"code": …, "params": {…}}``, nested messages as the same shape: for what is signed,
        stored or answered to a program."""
        return {
            "code": self.code,
            "params": {
                name: value.to_json() if isinstance(value, Message) else value
                for name, value in self.params.items()
            },
        }

    @classmethod
    def from_json(cls, data: Any) -> Message:
        """The message ``to_json`` wrote; ``ValueError`` for anything else."""
        if not isinstance(data, Mapping) or not isinstance(data.get("code"), str):
            raise ValueError("not a message: expected {code, params}")
        params = data.get("params") or {}
        if not isinstance(params, Mapping):
            raise ValueError("not a message: params must be an object")
        return cls(
            data["code"],
            MappingProxyType({str(name): _param_from_json(value) for name, value in params.items()}),
        )


def _param_from_json(value: Any) -> Param:
    if isinstance(value, Mapping):
        return Message.from_json(value)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return str(value)
    return value


def msg(code: str, /, **params: object) -> Message:
    """The message ``code`` with ``params``; values other than numbers and messages become text.

    ``code`` is a string literal at every call, so ``make messages`` can find it."""
    return Message(
        code,
        MappingProxyType(
            {
                name: value
                if isinstance(value, (str, int, float, Message)) and not isinstance(value, bool)
                else str(value)
                for name, value in params.items()
            }
        ),
    )


def say(code: str, language: Language | None = None, /, **params: object) -> str:
    """``msg(code, **params)`` rendered at once: for edges that print (help, table headings)."""
    return render(msg(code, **params), language or _language)


@functools.cache
def catalogue(language: Language) -> Mapping[str, str]:
    """Every code's text in ``language``, from all the domains' ``.po`` files."""
    texts: dict[str, str] = {}
    for path in sorted((LOCALE / language / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            for entry in read_po(handle, locale=language):
                if entry.id and isinstance(entry.id, str) and isinstance(entry.string, str) and entry.string:
                    texts[entry.id] = unicodedata.normalize("NFC", entry.string)
    return MappingProxyType(texts)


class _Params(dict[str, str]):
    def __missing__(self, name: str) -> str:  # a text naming a parameter its caller did not pass
        return "{" + name + "}"


_FORMATTER: Final = string.Formatter()


def render(message: Message | str, language: Language) -> str:
    """``message`` in ``language``; a code the catalogue lacks shows as itself with its parameters,
    never an exception (a newer peer's code still reads as something)."""
    if isinstance(message, str):
        return message
    params = _Params(
        {
            name: render(value, language) if isinstance(value, Message) else str(value)
            for name, value in message.params.items()
        }
    )
    template = catalogue(language).get(message.code)
    if template is None:
        shown = ", ".join(f"{name}={value}" for name, value in params.items())
        return f"{message.code} ({shown})" if shown else message.code
    return _FORMATTER.vformat(template, (), params)


def negotiate(accept_language: str | None, default: Language = "vi") -> Language:
    """The language an ``Accept-Language`` header prefers among ours (RFC 9110 §12.5.4: quality
    values, ``*``); ``default`` when it names none of them."""
    if not accept_language:
        return default
    ranked: list[tuple[float, int, str]] = []
    for order, part in enumerate(accept_language.split(",")[:32]):
        tag, _, rest = part.strip().partition(";")
        quality = 1.0
        for parameter in rest.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, order, tag.strip()))
    for _, _, tag in sorted(ranked):
        if tag == "*":
            return default
        chosen = _known(tag)
        if chosen is not None:
            return chosen
    return default


def placeholders(template: str) -> set[str]:
    """The ``{name}`` fields of a catalogue text (for the catalogue's own checks)."""
    return {name for _, name, _, _ in _FORMATTER.parse(template) if name}


#: Letters NFD does not take apart: đ is a letter of its own, not d with a mark.
_OWN_LETTERS: Final = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    """``text`` as people type it in a search box: case folded, without diacritics (đ as d),
    spaces collapsed: ``"Quyết định  QĐ-TTg"`` → ``"quyet dinh qd-ttg"``. Stored search text and
    queries are folded alike, so typing with or without diacritics finds the same things."""
    bare = unicodedata.normalize("NFD", text.translate(_OWN_LETTERS))
    return " ".join("".join(c for c in bare if not unicodedata.combining(c)).casefold().split())
