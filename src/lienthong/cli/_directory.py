"""`lienthong directory …`: the registry and the signed configuration. Thin wrappers: the logic
is in ``lienthong.directory``."""

from __future__ import annotations

import getpass
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong._i18n import say
from lienthong.cli import _directory_service, _portal
from lienthong.directory import (
    ConfigurationAnchor,
    DirectoryKey,
    DirectoryRegistry,
    build_configuration,
    generate_directory_key,
    verify_configuration,
)
from lienthong.directory._signing import private_key_pem
from lienthong.edxml import VIETNAM_TZ
from lienthong.store import DEFAULT_URL

app = typer.Typer(
    help="Trung tâm danh bạ: cơ quan, điểm kết nối, cấu hình mạng có ký số.", no_args_is_help=True
)
agencies = typer.Typer(help="Cơ quan và mã định danh trong danh bạ.", no_args_is_help=True)
nodes = typer.Typer(help="Điểm kết nối và các nhánh mã chúng phục vụ.", no_args_is_help=True)
config = typer.Typer(help="Cấu hình mạng có ký số: tạo, tải và kiểm tra.", no_args_is_help=True)
certificates = typer.Typer(help="Chứng thư ký số của cơ quan, gắn với mã định danh.", no_args_is_help=True)
anchors = typer.Typer(help="CA gốc mạng tin cậy.", no_args_is_help=True)
crls = typer.Typer(help="Danh sách chứng thư bị thu hồi (CRL).", no_args_is_help=True)
app.add_typer(agencies, name="agencies")
app.add_typer(nodes, name="nodes")
app.add_typer(config, name="config")
app.add_typer(certificates, name="certificates")
app.add_typer(anchors, name="anchors")
app.add_typer(crls, name="crls")
app.add_typer(_directory_service.admins, name="admins")
app.command("serve")(_directory_service.serve)
config.command("fetch")(_directory_service.config_fetch)
app.add_typer(_portal.regulations, name="regulations")
app.add_typer(_portal.statistics, name="statistics")

_Db = Annotated[
    str,
    typer.Option("--db", envvar="LIENTHONG_DIRECTORY_DB", help="Địa chỉ cơ sở dữ liệu (SQLAlchemy URL)."),
]
_Actor = Annotated[
    str | None, typer.Option("--actor", envvar="LIENTHONG_ACTOR", help="Người thực hiện (ghi vào nhật ký).")
]
_Json = Annotated[bool, typer.Option("--json", help="In dạng JSON.")]


def _day(text: str | None, option: str) -> date:
    if text is None:
        return datetime.now(VIETNAM_TZ).date()
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise typer.BadParameter(say("cli-date-invalid-iso", text=text), param_hint=option)


def _actor(actor: str | None) -> str:
    return actor or getpass.getuser()


@contextmanager
def _registry(db: str) -> Iterator[DirectoryRegistry]:
    with DirectoryRegistry.open(db) as registry:
        yield registry


def _echo_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@app.command("init")
def init(db: _Db = DEFAULT_URL, actor: _Actor = None) -> None:
    """Tạo hoặc cập nhật lược đồ và nạp danh sách mã tham chiếu (nếu danh bạ còn trống)."""
    with _registry(db) as registry:
        seeded = registry.initialize(actor=_actor(actor))
        version = registry.version()
    typer.echo(say("cli-directory-ready", seeded=seeded, version=version))


@app.command("reorganize")
def reorganize(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Tệp CSV sắp xếp lại.")],
    db: _Db = DEFAULT_URL,
    actor: _Actor = None,
) -> None:
    """Áp dụng một đợt sắp xếp lại (old_code, successor_code, effective): mã cũ đóng, trỏ tới mã kế thừa."""
    with _registry(db) as registry:
        changed = registry.reorganize(file, actor=_actor(actor))
    typer.echo(say("cli-directory-records-changed", count=changed))


@agencies.command("import")
def agencies_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Tệp CSV mã định danh.")],
    db: _Db = DEFAULT_URL,
    actor: _Actor = None,
) -> None:
    """Nhập một tệp CSV (bản ghi mã hoặc sắp xếp lại)."""
    with _registry(db) as registry:
        changed = registry.import_csv(file, actor=_actor(actor))
    typer.echo(say("cli-directory-records-changed", count=changed))


@agencies.command("add")
def agencies_add(
    code: Annotated[str, typer.Argument(help="Mã định danh, DDD.DD.DD.LDD.")],
    name: Annotated[str | None, typer.Option("--name", help="Tên cơ quan.")] = None,
    contact: Annotated[
        str | None, typer.Option("--contact", help="Liên hệ (thư điện tử, điện thoại).")
    ] = None,
    valid_from: Annotated[str | None, typer.Option("--from", help="Có hiệu lực từ ngày, YYYY-MM-DD.")] = None,
    db: _Db = DEFAULT_URL,
    actor: _Actor = None,
) -> None:
    """Thêm một mã định danh."""
    start = None if valid_from is None else _day(valid_from, "--from")
    with _registry(db) as registry:
        entry = registry.add_agency(code, name=name, contact=contact, valid_from=start, actor=_actor(actor))
    typer.echo(say("cli-directory-agency-added", code=entry.code))


@agencies.command("close")
def agencies_close(
    code: Annotated[str, typer.Argument(help="Mã định danh.")],
    on: Annotated[str, typer.Option("--on", help="Ngày đóng (không còn hiệu lực từ ngày này), YYYY-MM-DD.")],
    successor: Annotated[str | None, typer.Option("--successor", help="Mã kế thừa.")] = None,
    db: _Db = DEFAULT_URL,
    actor: _Actor = None,
) -> None:
    """Đóng một mã từ một ngày, có thể kèm mã kế thừa."""
    with _registry(db) as registry:
        entry = registry.close_agency(code, on=_day(on, "--on"), successor=successor, actor=_actor(actor))
    typer.echo(say("cli-directory-agency-closed", code=entry.code, day=on))


@agencies.command("show")
def agencies_show(
    code: Annotated[str, typer.Argument(help="Mã định danh.")],
    at: Annotated[
        str | None, typer.Option("--at", help="Ngày tra cứu, YYYY-MM-DD (mặc định: hôm nay).")
    ] = None,
    db: _Db = DEFAULT_URL,
    as_json: _Json = False,
) -> None:
    """Lịch sử của một mã, trạng thái và điểm kết nối phục vụ vào một ngày."""
    day = _day(at, "--at")
    with _registry(db) as registry:
        history = registry.agency(code)
        route = registry.network().route(code, at=day)
    data = {
        "code": history[0].code,
        "at": day.isoformat(),
        "active": route.status.active,
        "successor": route.successor,
        "node": None if route.node is None else route.node.name,
        "deliverable": route.deliverable,
        "problem": route.problem,
        "history": [
            {
                "name": e.name,
                "contact": e.contact,
                "valid_from": e.valid_from,
                "valid_to": e.valid_to,
                "successor": e.successor,
                "note": e.note,
            }
            for e in history
        ],
    }
    if as_json:
        _echo_json(data)
        return
    typer.echo(f"{data['code']}  ({day.isoformat()})")
    for e in history:
        start = e.valid_from.isoformat() if e.valid_from else "…"
        end = e.valid_to.isoformat() if e.valid_to else "…"
        heir = f" → {e.successor}" if e.successor else ""
        typer.echo(f"  [{start}, {end}){heir}  {e.name or ''}")
    typer.echo("  " + say("cli-directory-agency-node", node=data["node"] or "—"))
    status = route.problem or say("cli-directory-agency-deliverable")
    typer.echo("  " + say("cli-directory-agency-status", status=status))


@nodes.command("add")
def nodes_add(
    name: Annotated[str, typer.Argument(help="Tên điểm kết nối.")],
    url: Annotated[str, typer.Argument(help="Địa chỉ HTTPS các điểm khác gọi tới.")],
    serves: Annotated[
        list[str] | None, typer.Option("--serves", help="Nhánh mã phục vụ (lặp lại được).")
    ] = None,
    tls_cert: Annotated[
        Path | None, typer.Option("--tls-cert", exists=True, dir_okay=False, help="Chứng thư TLS (PEM).")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Thay điểm đã có, chuyển các nhánh mã về điểm này.")
    ] = False,
    db: _Db = DEFAULT_URL,
    actor: _Actor = None,
) -> None:
    """Đăng ký một điểm kết nối và các nhánh mã nó phục vụ."""
    pem = None if tls_cert is None else tls_cert.read_text(encoding="ascii")
    with _registry(db) as registry:
        node = registry.add_node(
            name, url, serves=serves or (), tls_certificate_pem=pem, replace=replace, actor=_actor(actor)
        )
    typer.echo(say("cli-directory-node-added", name=node.name, subtrees=", ".join(node.subtrees) or "—"))


@nodes.command("show")
def nodes_show(
    name: Annotated[str | None, typer.Argument(help="Tên điểm kết nối (bỏ trống: tất cả).")] = None,
    db: _Db = DEFAULT_URL,
    as_json: _Json = False,
) -> None:
    """Các điểm kết nối và nhánh mã chúng phục vụ."""
    with _registry(db) as registry:
        found = [registry.node(name)] if name else registry.nodes()
    if as_json:
        _echo_json([{"name": n.name, "url": n.peer_url, "serves": list(n.subtrees),
                     "tls": n.tls_certificate_pem is not None} for n in found])  # fmt: skip
        return
    for node in found:
        typer.echo(f"{node.name}  {node.peer_url}  {' '.join(node.subtrees) or '—'}")


@nodes.command("remove")
def nodes_remove(
    name: Annotated[str, typer.Argument(help="Tên điểm kết nối.")],
    db: _Db = DEFAULT_URL,
    actor: _Actor = None,
) -> None:
    """Xoá một điểm kết nối; các nhánh mã nó phục vụ không còn ai phục vụ."""
    with _registry(db) as registry:
        registry.remove_node(name, actor=_actor(actor))
    typer.echo(say("cli-removed", name=name))


_PemFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Tệp PEM.")]


@certificates.command("bind")
def certificates_bind(
    code: Annotated[str, typer.Argument(help="Mã định danh.")],
    certificate: _PemFile,
    subtree: Annotated[bool, typer.Option("--subtree", help="Ký được cho cả các đơn vị cấp dưới.")] = False,
    db: _Db = DEFAULT_URL,
    actor: _Actor = None,
) -> None:
    """Cho phép một chứng thư ký thay cho một mã (và các mã cấp dưới, với --subtree)."""
    pem = certificate.read_text(encoding="ascii", errors="replace")
    with _registry(db) as registry:
        binding = registry.bind_certificate(code, pem, subtree=subtree, actor=_actor(actor))
    typer.echo(f"{binding.fingerprint}  {binding.code}{' (subtree)' if binding.subtree else ''}")


@certificates.command("unbind")
def certificates_unbind(
    fingerprint: Annotated[str, typer.Argument(help="Vân tay SHA-256 (hex) của chứng thư.")],
    code: Annotated[str, typer.Argument(help="Mã định danh.")],
    db: _Db = DEFAULT_URL,
    actor: _Actor = None,
) -> None:
    """Thôi cho phép một chứng thư ký thay cho một mã."""
    with _registry(db) as registry:
        registry.unbind_certificate(fingerprint, code, actor=_actor(actor))
    typer.echo(say("cli-directory-certificate-unbound", fingerprint=fingerprint[:16], code=code))


@anchors.command("add")
def anchors_add(certificate: _PemFile, db: _Db = DEFAULT_URL, actor: _Actor = None) -> None:
    """Thêm một CA gốc tin cậy vào cấu hình mạng."""
    pem = certificate.read_text(encoding="ascii", errors="replace")
    with _registry(db) as registry:
        anchor = registry.add_anchor(pem, actor=_actor(actor))
    typer.echo(f"{anchor.fingerprint}  {anchor.subject}")


@crls.command("add")
def crls_add(
    crl: _PemFile,
    ca: Annotated[
        list[Path] | None,
        typer.Option(
            "--ca",
            exists=True,
            dir_okay=False,
            help="Chứng thư CA (không phải CA gốc) đã ký CRL trong tệp, ví dụ pki/issuing.pem.",
        ),
    ] = None,
    db: _Db = DEFAULT_URL,
    actor: _Actor = None,
) -> None:
    """Ghi mọi CRL trong tệp (PEM hoặc DER), mỗi CRL thay CRL cũ hơn của cùng CA."""
    with _registry(db) as registry:
        recorded = registry.add_crls(
            crl.read_bytes(), actor=_actor(actor), cas=[path.read_bytes() for path in ca or ()]
        )
        missing = registry.missing_crls()
    for added, changed in recorded:
        state = say("cli-directory-crl-added") if changed else say("cli-directory-crl-unchanged")
        typer.echo(f"{added.issuer}  {added.this_update.isoformat()}  {state}")
    if missing:
        typer.echo(say("cli-directory-crls-missing", issuers="; ".join(missing)), err=True)


@config.command("keygen")
def config_keygen(
    key: Annotated[Path, typer.Option("--key", help="Tệp khoá riêng sẽ tạo (PEM).")],
    cert: Annotated[Path, typer.Option("--cert", help="Tệp chứng thư sẽ tạo (PEM).")],
    anchor: Annotated[
        Path | None, typer.Option("--anchor", help="Tệp neo tin cậy cho các điểm (JSON).")
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Tên mạng.")] = "lienthong",
    url: Annotated[str | None, typer.Option("--url", help="Địa chỉ trung tâm danh bạ.")] = None,
) -> None:
    """Tạo khoá ký cấu hình (ECDSA P-256) và chứng thư tự ký cho một mạng mới."""
    directory_key = generate_directory_key(f"{name} directory")
    # All three its owner's only: the key is the network's; the operator hands the others out.
    _write_atomically(key, private_key_pem(directory_key), private=True)
    _write_atomically(cert, _cert_pem(directory_key), private=True)
    if anchor is not None:
        anchor_json = directory_key.anchor(directory=name, url=url).to_json().encode("utf-8")
        _write_atomically(anchor, anchor_json, private=True)
    typer.echo(directory_key.fingerprint)


@config.command("build")
def config_build(
    output: Annotated[Path, typer.Option("-o", "--output", help="Tệp cấu hình sẽ ghi.")],
    key: Annotated[Path, typer.Option("--key", envvar="LIENTHONG_DIRECTORY_KEY", help="Khoá ký (PEM).")],
    cert: Annotated[Path, typer.Option("--cert", envvar="LIENTHONG_DIRECTORY_CERT", help="Chứng thư (PEM).")],
    since: Annotated[int | None, typer.Option("--since", help="Chỉ các thay đổi sau phiên bản này.")] = None,
    valid_hours: Annotated[float, typer.Option("--valid-hours", help="Thời hạn, giờ.")] = 72.0,
    name: Annotated[str, typer.Option("--name", help="Tên mạng.")] = "lienthong",
    db: _Db = DEFAULT_URL,
) -> None:
    """Tạo và ký cấu hình mạng: đầy đủ, hoặc phần thay đổi từ một phiên bản (--since)."""
    directory_key = DirectoryKey.load(key, cert)
    issued_at = datetime.now(UTC)
    with _registry(db) as registry:
        registry.require_crls(at=issued_at)  # refused: the file already there stays as it was
        snapshot = registry.snapshot(since=since)
    data = build_configuration(
        snapshot,
        directory_key,
        directory=name,
        issued_at=issued_at,
        valid_for=timedelta(hours=valid_hours),
    )
    _write_atomically(output, data)
    typer.echo(say("cli-directory-config-written", path=output, version=snapshot.version, size=len(data)))


@config.command("verify")
def config_verify(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Tệp cấu hình.")],
    anchor: Annotated[Path, typer.Option("--anchor", help="Neo tin cậy: chứng thư PEM hoặc tệp JSON.")],
    at: Annotated[
        str | None, typer.Option("--at", help="Thời điểm kiểm tra, ISO 8601 (mặc định: bây giờ).")
    ] = None,
) -> None:
    """Kiểm tra một cấu hình đã lưu: chữ ký, trung tâm ký, hạn dùng. Mã thoát 0 nếu hợp lệ, 1 nếu không."""
    moment = datetime.now(UTC)
    if at is not None:
        try:
            moment = datetime.fromisoformat(at)
        except ValueError:
            raise typer.BadParameter(at, param_hint="--at") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=VIETNAM_TZ)
    configuration = verify_configuration(file.read_bytes(), ConfigurationAnchor.load(anchor), at=moment)
    typer.echo(say("cli-directory-config-valid", summary=configuration.summary()))


def _cert_pem(key: DirectoryKey) -> bytes:
    return key.certificate.public_bytes(Encoding.PEM)


def _write_atomically(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write next to the target and rename, so a reader never sees half a file."""
    handle, temp = tempfile.mkstemp(dir=path.parent or Path(), prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if not private:
            os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
