"""The root Typer application, its global options, and the one place errors become exit codes."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from lienthong import __version__
from lienthong._i18n import language, language_named, say, set_language
from lienthong.cli import _client, _codes, _demo, _directory, _edxml, _evidence, _node, _pki, _trust
from lienthong.cli._help import Typer, click_errors, usage_error
from lienthong.errors import LienthongError

app = Typer(
    name="lienthong",
    help=say("help-lienthong"),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(_codes.app, name="codes")
app.add_typer(_edxml.app, name="edxml")
app.add_typer(_directory.app, name="directory")
app.add_typer(_pki.app, name="pki")
app.add_typer(_trust.app, name="trust")
app.add_typer(_node.app, name="node")
app.add_typer(_evidence.app, name="evidence")
app.command("demo", help=say("help-demo"))(_demo.demo)
_client.register(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lienthong {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    lang: Annotated[
        str, typer.Option("--lang", help=say("help-lienthong-lang"), envvar="LIENTHONG_LANG")
    ] = "vi",
    version: Annotated[  # noqa: ARG001 - handled eagerly by its callback
        bool, typer.Option("--version", callback=_version, is_eager=True, help=say("help-lienthong-version"))
    ] = False,
) -> None:
    set_language(language_named(lang))


def _fail(line: str, code: int) -> None:
    typer.echo(line, err=True)
    sys.exit(code)


def main() -> None:
    """Run the command: one line on stderr and a non-zero exit for any error, never a traceback.

    Usage errors exit 2 with one line naming the command's help; our errors exit 1, in the
    language asked for (``--lang``, ``LIENTHONG_LANG``). Call ``lienthong.cli.main``, which
    chooses the language before the help texts are rendered.
    """
    try:
        code = app(prog_name="lienthong", standalone_mode=False)  # also as python -m lienthong.cli
    except click_errors.NoArgsIsHelpError:
        sys.exit(2)  # the help is already shown, as for ``--help``
    except click_errors.UsageError as exc:
        _fail(usage_error(exc).render(language()), 2)
    except click_errors.ClickException as exc:  # a file Typer could not open
        _fail(say("help-error", error=exc.format_message()), 1)
    except LienthongError as exc:
        _fail(say("help-error", error=exc.render(language())), 1)
    except typer.Abort:  # a prompt left with Ctrl-D or Ctrl-C
        _fail(say("help-aborted"), 1)
    except KeyboardInterrupt:
        _fail(say("help-aborted"), 130)
    except Exception as exc:  # anything unforeseen still gets one line, not a traceback
        _fail(say("help-internal-error", kind=type(exc).__name__, detail=str(exc)), 2)
    else:
        sys.exit(code if isinstance(code, int) else 0)
