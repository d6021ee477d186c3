"""The command line's own words in the user's language: help pages, usage lines, usage errors.

Our help texts are catalogue codes (``help.po``) rendered when the command modules are imported,
after ``lienthong.cli.main`` has chosen the language. What Typer writes itself comes from two
places: the rich help's fixed words (panel titles, ``[default: …]``, ``[required]``) are
``typer.rich_utils`` constants, and the click Typer vendors hard-codes ``Usage:`` and the help
option's "Show this message and exit.". :class:`Typer` builds every group and command with the
classes below, which put our words in their place; :func:`usage_error` turns click's usage
errors into one line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from typing import Any

import typer
from typer import rich_utils
from typer._click import exceptions as click_errors  # Typer vendors click: its errors live here
from typer._click.core import Context
from typer._click.formatting import HelpFormatter
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from lienthong._i18n import Message, msg, say

__all__ = ["Command", "Group", "Typer", "UnknownCommand", "click_errors", "usage_error"]


def use_our_words() -> None:
    """Set the rich help's fixed words from the catalogue, in the process's language."""
    rich_utils.ARGUMENTS_PANEL_TITLE = say("help-typer-arguments")
    rich_utils.OPTIONS_PANEL_TITLE = say("help-typer-options")
    rich_utils.COMMANDS_PANEL_TITLE = say("help-typer-commands")
    rich_utils.ERRORS_PANEL_TITLE = say("help-typer-error")
    rich_utils.DEFAULT_STRING = say("help-typer-default", value="{}")
    rich_utils.ENVVAR_STRING = say("help-typer-envvar", name="{}")
    rich_utils.REQUIRED_LONG_STRING = say("help-typer-required")
    rich_utils.DEPRECATED_STRING = say("help-typer-deprecated") + " "
    rich_utils.ABORTED_TEXT = say("help-aborted")
    rich_utils.RICH_HELP = say("help-typer-try", command="{command_path} {help_option}")


class _OurWords:
    """What our groups and commands share: the usage line, the help option, quiet flags."""

    params: list[Any]

    def _quiet_flags(self) -> None:
        # A flag takes no value: its type (``<bool>``) says nothing to a reader.
        for param in self.params:
            if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
                param.metavar = ""

    def format_usage(self, ctx: Context, formatter: HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=say("help-typer-usage") + " ")

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc, no-any-return]
        except click_errors.UsageError as exc:
            if exc.ctx is None:  # the option parser's errors name no command: this one
                exc.ctx, exc.cmd = ctx, ctx.command
            raise

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        option: TyperOption | None = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = say("help-typer-help-option")
            option.metavar = ""
        return option


class Command(_OurWords, TyperCommand):
    """A Typer command speaking the user's language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._quiet_flags()


class UnknownCommand(click_errors.UsageError):
    """A command name the group does not have, with the close ones."""

    def __init__(self, name: str, possibilities: Sequence[str], ctx: Context) -> None:
        super().__init__(f"No such command {name!r}.", ctx)
        self.name = name
        self.possibilities = list(possibilities)


class Group(_OurWords, TyperGroup):
    """A Typer group speaking the user's language; the root sets the rich help's words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._quiet_flags()

    def main(self, *args: Any, **kwargs: Any) -> Any:
        use_our_words()
        return super().main(*args, **kwargs)

    def resolve_command(self, ctx: Context, args: list[str]) -> tuple[str | None, Any, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click_errors.UsageError as exc:
            if type(exc) is not click_errors.UsageError or not args:
                raise  # an option's error, raised while looking for the command
            name = args[0]
            close = difflib.get_close_matches(name, sorted(self.commands))
            raise UnknownCommand(name, close, ctx) from exc


class Typer(typer.Typer):
    """``typer.Typer`` whose groups and commands are :class:`Group` and :class:`Command`."""

    def __init__(self, *, cls: type[TyperGroup] | None = None, **kwargs: Any) -> None:
        super().__init__(cls=cls or Group, **kwargs)

    def command(  # type: ignore[override]
        self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return super().command(name, cls=cls or Command, **kwargs)


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(names)


def _option_names(param: Any) -> str:
    if isinstance(param, TyperOption):
        return " / ".join(param.opts) if param.opts else param.display_name_raw
    if isinstance(param, TyperArgument):  # as the usage line shows it
        return param.metavar or param.display_name_raw.upper()
    return str(getattr(param, "name", "") or "")


#: Typer's checks of a path option (``exists=True``, ``dir_okay=False``…), by their English words.
_PATH_PROBLEM = re.compile(
    r"^(?:file|directory|path) '(?P<path>.*)' "
    r"(?P<what>does not exist|is a file|is a directory|is not readable|is not writable)\.$"
)
_CHOICE_PROBLEM = re.compile(r"^(?:Value error, )?'(?P<value>.*)' is not one of (?P<choices>.*)\.$")


def _bad_value(option: str, exc: click_errors.BadParameter) -> Message | None:
    """A value Typer refused, in our words where we know the check: Typer validates with
    pydantic, whose error types (``int_parsing``, ``less_than_equal``…) name it."""
    if found := _PATH_PROBLEM.match(exc.message):
        path, what = found["path"], found["what"]
        if what == "does not exist":
            return msg("help-usage-path-missing", option=option, path=path)
        if what == "is a file":
            return msg("help-usage-path-is-file", option=option, path=path)
        if what == "is a directory":
            return msg("help-usage-path-is-directory", option=option, path=path)
        if what == "is not readable":
            return msg("help-usage-path-unreadable", option=option, path=path)
        return msg("help-usage-path-unwritable", option=option, path=path)
    errors = getattr(exc.__cause__, "errors", None)
    if not callable(errors) or not errors():
        return None
    error = errors()[0]
    kind, value, limits = error.get("type"), error.get("input"), error.get("ctx") or {}
    if kind == "int_parsing":
        return msg("help-usage-not-whole-number", option=option, value=value)
    if kind == "float_parsing":
        return msg("help-usage-not-number", option=option, value=value)
    if kind == "less_than_equal":
        return msg("help-usage-at-most", option=option, value=value, limit=limits.get("le"))
    if kind == "less_than":
        return msg("help-usage-below", option=option, value=value, limit=limits.get("lt"))
    if kind == "greater_than_equal":
        return msg("help-usage-at-least", option=option, value=value, limit=limits.get("ge"))
    if kind == "greater_than":
        return msg("help-usage-above", option=option, value=value, limit=limits.get("gt"))
    if found := _CHOICE_PROBLEM.match(str(error.get("msg", ""))):
        return msg("help-usage-not-a-choice", option=option, value=found["value"], choices=found["choices"])
    return None


def _problem(exc: click_errors.UsageError) -> Message:
    """What went wrong on the command line, as a message."""
    if isinstance(exc, click_errors.MissingParameter):
        param = exc.param
        if isinstance(param, TyperArgument):
            return msg("help-usage-missing-argument", argument=_option_names(param))
        envvar = getattr(param, "envvar", None)
        if isinstance(envvar, (list, tuple)):
            envvar = ", ".join(envvar)
        if envvar:
            return msg("help-usage-missing-option-envvar", option=_option_names(param), envvar=envvar)
        return msg("help-usage-missing-option", option=_option_names(param))
    if isinstance(exc, click_errors.BadParameter):
        name = _option_names(exc.param) if exc.param is not None else None
        if name:
            return _bad_value(name, exc) or msg(
                "help-usage-bad-value", option=name, detail=exc.message.rstrip(".")
            )
        return msg("help-usage-bad-value-unnamed", detail=exc.message.rstrip("."))
    if isinstance(exc, click_errors.NoSuchOption):
        if exc.possibilities:
            return msg(
                "help-usage-no-such-option-close",
                option=exc.option_name,
                possibilities=_quoted(sorted(exc.possibilities)),
            )
        return msg("help-usage-no-such-option", option=exc.option_name)
    if isinstance(exc, UnknownCommand):
        if exc.possibilities:
            return msg(
                "help-usage-no-such-command-close", command=exc.name, possibilities=_quoted(exc.possibilities)
            )
        return msg("help-usage-no-such-command", command=exc.name)
    if isinstance(exc, click_errors.BadOptionUsage):
        if exc.message.endswith("does not take a value."):
            return msg("help-usage-option-takes-no-value", option=exc.option_name)
        return msg("help-usage-option-needs-value", option=exc.option_name)
    if exc.message == "Missing command.":
        return msg("help-usage-missing-command")
    extra = "Got unexpected extra argument(s) ("
    if exc.message.startswith(extra):
        return msg("help-usage-extra-arguments", arguments=exc.message.removeprefix(extra).removesuffix(")"))
    return msg("help-usage-other", detail=exc.message.rstrip("."))


def usage_error(exc: click_errors.UsageError) -> Message:
    """A usage error as one line: what went wrong, and where to read the command's help."""
    ctx = exc.ctx
    if ctx is None:
        return msg("help-error", error=_problem(exc))
    command = " ".join((ctx.command_path, ctx.help_option_names[0]))
    return msg("help-usage-error", problem=_problem(exc), command=command)
