"""`lienthong edxml ...`: check, show and build edXML packages."""

from __future__ import annotations

import json
import mimetypes
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from lienthong._i18n import Message, language, msg, render, say
from lienthong.cli._help import Typer
from lienthong.codes import default_registry, parse_code
from lienthong.edxml import (
    VIETNAM_TZ,
    BusinessType,
    DigestSink,
    DocumentBuilder,
    Organization,
    Package,
    ResponseFor,
    Severity,
    StaffInfo,
    StatusCode,
    StatusPackage,
    check_package,
    package_to_dict,
    parse_date,
    parse_package,
    schema_problems,
    write_package_to,
)
from lienthong.errors import LienthongError, PackageRejected

app = Typer(help=say("help-edxml"), no_args_is_help=True)


def _read(path: Path) -> Package:
    try:
        with path.open("rb") as stream:
            return parse_package(stream, sink=DigestSink())
    except OSError as exc:
        raise LienthongError(msg("cli-edxml-file-unreadable", reason=exc.strerror), code="file") from exc


def _text(message: Message | str) -> str:
    """A problem in the CLI's language, for people and for ``--json`` alike."""
    return render(message, language())


def _check_one(path: Path, *, lenient: bool, canonical: bool, at: date) -> dict[str, Any]:
    result: dict[str, Any] = {"file": str(path), "valid": False, "problem": None, "element": None,
                              "line": None, "code": None, "warnings": [], "schema": []}  # fmt: skip
    try:
        package = _read(path)
        if canonical and (departures := schema_problems(path.read_bytes())):
            # Every missing element at once, not one per run; the first also as the problem.
            result["schema"] = [
                {"problem": _text(p.message), "element": p.element, "line": p.line, "code": p.code}
                for p in departures
            ]
            raise departures[0]
    except PackageRejected as exc:
        result.update(problem=_text(exc.message), element=exc.element, line=exc.line, code=exc.code)
        return result
    except LienthongError as exc:
        result.update(problem=_text(exc.message), code=exc.code)
        return result
    problems = check_package(package, lenient_codes=lenient, registry=default_registry(), at=at)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    result["warnings"] = [
        {"problem": _text(p.message), "element": p.element, "code": p.code}
        for p in problems
        if p.severity is Severity.WARNING
    ]
    if errors:
        first = errors[0]
        result.update(problem=_text(first.message), element=first.element, code=first.code)
    else:
        result["valid"] = True
    return result


def _lines_of(result: dict[str, Any]) -> list[str]:
    """One line per file, or one per schema departure when the canonical form lacks several."""
    if len(result["schema"]) > 1:
        return [_line_of({"file": result["file"], "valid": False, **found}) for found in result["schema"]]
    return [_line_of(result)]


def _line_of(result: dict[str, Any]) -> str:
    if result["valid"]:
        count = len(result["warnings"])
        return f"{result['file']}: OK" + (" " + say("cli-edxml-warnings", count=count) if count else "")
    where = [
        w
        for w in (
            result["element"],
            say("cli-edxml-line", line=result["line"]) if result["line"] else None,
        )
        if w
    ]
    return f"{result['file']}: {result['problem']}" + (f" [{', '.join(where)}]" if where else "")


@app.command(help=say("help-edxml-check"))
def check(
    files: Annotated[list[Path], typer.Argument(help=say("help-edxml-files"))],
    as_json: Annotated[bool, typer.Option("--json", help=say("help-edxml-json"))] = False,
    lenient: Annotated[bool, typer.Option("--lenient", help=say("help-edxml-lenient"))] = False,
    canonical: Annotated[
        bool,
        typer.Option("--canonical", help=say("help-edxml-canonical")),
    ] = False,
) -> None:
    """Check packages: one line per file, OK or the reason; exit code 0 when all are valid."""
    today = datetime.now(VIETNAM_TZ).date()
    results = [_check_one(path, lenient=lenient, canonical=canonical, at=today) for path in files]
    if as_json:
        typer.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for result in results:
            for line in _lines_of(result):
                typer.echo(line)
    if not all(result["valid"] for result in results):
        raise typer.Exit(1)


@app.command(help=say("help-edxml-show"))
def show(
    file: Annotated[Path, typer.Argument(help=say("help-edxml-file"))],
    as_json: Annotated[bool, typer.Option("--json", help=say("help-edxml-show-json"))] = False,
) -> None:
    """Show a package's content."""
    data = package_to_dict(_read(file))
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table(show_header=False, box=None)
    for key, value in data.items():
        if value in (None, [], ""):
            continue
        if key == "attachments":
            shown = "\n".join(f"{a['name']} ({a['content_type']}, {a['size']} B)" for a in value)
        elif key == "trace":
            shown = "\n".join(f"{hop['organ_id']} {hop['timestamp']}" for hop in value)
        elif isinstance(value, list):
            shown = ", ".join(str(v) for v in value)
        else:
            shown = str(value)
        table.add_row(key, shown)
    Console().print(table)


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise typer.BadParameter(say("cli-date-invalid", text=text)) from exc


@app.command(help=say("help-edxml-new"))
def new(
    output: Annotated[Path, typer.Option("-o", "--output", help=say("help-edxml-output"))],
    sender: Annotated[str, typer.Option("--from", help=say("help-edxml-from"))],
    recipients: Annotated[list[str], typer.Option("--to", help=say("help-edxml-to"))],
    number: Annotated[str, typer.Option("--number", help=say("help-edxml-number"))],
    notation: Annotated[str, typer.Option("--notation", help=say("help-edxml-notation"))],
    subject: Annotated[str, typer.Option("--subject", help=say("help-edxml-subject"))],
    signer: Annotated[str, typer.Option("--signer", help=say("help-edxml-signer"))],
    type_name: Annotated[str, typer.Option("--type-name", help=say("help-edxml-type-name"))] = "Công văn",
    type_code: Annotated[int, typer.Option("--type", help=say("help-edxml-type"))] = 1,
    position: Annotated[str | None, typer.Option("--position", help=say("help-edxml-position"))] = None,
    competence: Annotated[str | None, typer.Option("--competence", help=say("help-edxml-competence"))] = None,
    sender_name: Annotated[str | None, typer.Option("--from-name", help=say("help-edxml-from-name"))] = None,
    place: Annotated[str | None, typer.Option("--place", help=say("help-edxml-place"))] = None,
    on: Annotated[str | None, typer.Option("--date", help=say("help-edxml-date"))] = None,
    due: Annotated[str | None, typer.Option("--due", help=say("help-edxml-due"))] = None,
    content: Annotated[str | None, typer.Option("--content", help=say("help-edxml-content"))] = None,
    attachments: Annotated[list[Path] | None, typer.Option("--attach", help=say("help-edxml-attach"))] = None,
    zipped: Annotated[bool, typer.Option("--zip", help=say("help-edxml-zip"))] = False,
    document_id: Annotated[
        str | None, typer.Option("--document-id", help=say("help-edxml-document-id"))
    ] = None,
    recall: Annotated[str | None, typer.Option("--recall", help=say("help-edxml-recall"))] = None,
    update: Annotated[str | None, typer.Option("--update", help=say("help-edxml-update"))] = None,
    replace: Annotated[str | None, typer.Option("--replace", help=say("help-edxml-replace"))] = None,
    reason: Annotated[str | None, typer.Option("--reason", help=say("help-edxml-reason"))] = None,
) -> None:
    """Build a document package from options and attached files, no XML to write."""
    now = datetime.now(VIETNAM_TZ)
    builder = (
        DocumentBuilder()
        .sender(sender, name=sender_name)
        .code(number, notation)
        .subject(subject)
        .document_type(type_name, type=type_code)
        .signer(signer, position=position, competence=competence)
        .promulgation(on=_day(on) or now.date(), place=place)
    )
    for code in recipients:
        builder = builder.recipient(code)
    if (due_date := _day(due)) is not None:
        builder = builder.due_date(due_date)
    if content:
        builder = builder.content(content)
    if document_id:
        builder = builder.document_id(document_id)
    for target, kind in (
        (recall, BusinessType.RECALL),
        (update, BusinessType.UPDATE),
        (replace, BusinessType.REPLACE),
    ):
        if target:
            builder = builder.acts_on(target, kind, reason=reason)
    for path in attachments or ():
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise LienthongError(msg("cli-file-unreadable", path=path, reason=exc.strerror)) from exc
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        builder = builder.attach(path.name, data, content_type=content_type, zip_wrapped=zipped)
    _write(builder.build(at=now), output)


def _write(package: Package, output: Path) -> None:
    try:
        with output.open("wb") as stream:
            write_package_to(package, stream)
    except OSError as exc:
        raise LienthongError(msg("cli-file-unwritable", path=output, reason=exc.strerror)) from exc
    typer.echo(f"{output}: {package.document_id}")


@app.command("new-status", help=say("help-edxml-new-status"))
def new_status(
    output: Annotated[Path, typer.Option("-o", "--output", help=say("help-edxml-output"))],
    sender: Annotated[str, typer.Option("--from", help=say("help-edxml-new-status-from"))],
    about: Annotated[str, typer.Option("--about", help=say("help-edxml-about"))],
    about_from: Annotated[str, typer.Option("--about-from", help=say("help-edxml-about-from"))],
    status: Annotated[str, typer.Option("--status", help=say("help-edxml-status"))],
    description: Annotated[
        str | None, typer.Option("--description", help=say("help-edxml-description"))
    ] = None,
    staff: Annotated[str | None, typer.Option("--staff", help=say("help-edxml-staff"))] = None,
    department: Annotated[str | None, typer.Option("--department", help=say("help-edxml-department"))] = None,
    code: Annotated[str | None, typer.Option("--code", help=say("help-edxml-code"))] = None,
) -> None:
    """Build a status package answering a document."""
    parse_code(sender)
    parse_code(about_from)
    try:
        status_code = StatusCode.parse(status)
    except ValueError as exc:
        raise typer.BadParameter(say("cli-edxml-status-unknown", status=status)) from exc
    package = StatusPackage(
        from_=Organization(organ_id=sender),
        response_for=ResponseFor(organ_id=about_from, document_id=about, code=code),
        status_code=status_code,
        timestamp=datetime.now(VIETNAM_TZ).replace(microsecond=0),
        staff_info=StaffInfo(department=department, staff=staff) if staff or department else None,
        description=description,
    )
    _write(package, output)
