"""``describe_code``: everything known of a code as a plain dict, for the CLI and JSON APIs."""

from __future__ import annotations

from datetime import date
from typing import Any

from lienthong._i18n import Language, Message, render
from lienthong._i18n import language as current_language
from lienthong.codes._parse import parse_code
from lienthong.codes._registry import CodeRegistry
from lienthong.errors import CodeError

#: The keys of a description, in the order printed: the required ones, then the extras.
KEYS = (
    "code", "valid", "level", "parent", "level1", "class", "name", "active", "successor",
    "problem", "class_meaning", "lenient", "format_problem", "known", "valid_from", "valid_to",
    "closed_on", "final_successor", "input", "at", "problem_message",
)  # fmt: skip


def describe_code(
    text: str, *, lenient: bool = False, registry: CodeRegistry, at: date, language: Language | None = None
) -> dict[str, Any]:
    """The code ``text`` and its registry status on ``at``, as JSON-ready values; words in
    ``language`` (the process's by default).

    Never raises for bad input: an invalid code gives ``valid: False``, ``None`` for every
    structural key and the reason in ``problem``. For a valid code ``problem`` is the registry's
    (closure) if any, else the lenient reading's; ``format_problem`` is always the latter.
    ``problem_message`` is ``problem`` as data (its code and parameters).
    """
    chosen = language or current_language()

    def words(message: Message | str | None) -> str | None:
        return None if message is None else render(message, chosen)

    result: dict[str, Any] = dict.fromkeys(KEYS)
    result.update(input=text, at=at.isoformat())  # set up front: an invalid code has them too
    try:
        code = parse_code(text, lenient=lenient)
    except CodeError as exc:
        refusal = exc.message
        result.update(
            code=text,
            valid=False,
            problem=words(refusal),
            problem_message=refusal.to_json() if isinstance(refusal, Message) else None,
        )
        return result
    status = registry.lookup(code, at=at)
    record = status.record
    problem = status.problem or code.problem
    result.update(
        code=code.text,
        valid=True,
        level=code.level,
        parent=None if code.parent is None else code.parent.text,
        level1=code.level1.text,
        **{"class": code.class_letter},
        class_meaning=words(code.class_meaning),
        lenient=code.lenient,
        format_problem=words(code.problem),
        known=status.known,
        name=status.name,
        active=status.active,
        valid_from=None if record is None or record.valid_from is None else record.valid_from.isoformat(),
        valid_to=None if record is None or record.valid_to is None else record.valid_to.isoformat(),
        closed_on=None if status.closed_on is None else status.closed_on.isoformat(),
        successor=status.successor,
        final_successor=status.final_successor,
        problem=words(problem),
        problem_message=None if problem is None else problem.to_json(),
    )
    return result
