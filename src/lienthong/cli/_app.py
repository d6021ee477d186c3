"""The root Typer application, its global options, and the one place errors become exit codes."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from lienthong import __version__
from lienthong._i18n import set_language, tr
from lienthong.cli import _client, _codes, _demo, _directory, _edxml, _evidence, _node, _pki, _trust
from lienthong.errors import LienthongError

app = typer.Typer(
    name="lienthong",
    help="Trục liên thông văn bản: mã định danh, gói tin edXML và các điểm kết nối.",
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
app.command("demo")(_demo.demo)
_client.register(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lienthong {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    lang: Annotated[
        str, typer.Option("--lang", help="Ngôn ngữ thông báo: vi hoặc en.", envvar="LIENTHONG_LANG")
    ] = "vi",
    version: Annotated[  # noqa: ARG001 - handled eagerly by its callback
        bool, typer.Option("--version", callback=_version, is_eager=True, help="In phiên bản.")
    ] = False,
) -> None:
    set_language("en" if lang.lower().startswith("en") else "vi")


def main() -> None:
    """Entry point: one line on stderr and a non-zero exit for any error, never a traceback.

    Usage errors are Typer's own (exit 2, with the usage line); our errors exit 1.
    """
    try:
        app()
    except LienthongError as exc:
        typer.echo(f"{tr('lỗi', 'error')}: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo(tr("đã dừng", "aborted"), err=True)
        sys.exit(130)
    except Exception as exc:  # anything unforeseen still gets one line, not a traceback
        typer.echo(f"{tr('lỗi nội bộ', 'internal error')}: {type(exc).__name__}: {exc}", err=True)
        sys.exit(2)
