"""`lienthong edxml check|show|new|new-status` as a user runs them."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lienthong.cli import app
from lienthong.edxml import DocumentPackage, StatusCode, StatusPackage, parse_package, write_package
from support.edxml_packages import PDF, full_document, status

runner = CliRunner()

SHOW_KEYS = {
    "kind", "from", "to", "document_id", "code_number", "code_notation", "subject", "type_name", "signer",
    "promulgation_date", "due_date", "business_type", "business_target", "response_for", "trace",
    "status_code", "status_label", "description", "attachments",
}  # fmt: skip


def _lienthong(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: PLW1510 - callers check the exit code
        [sys.executable, "-m", "lienthong.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "LIENTHONG_LANG": "en"},
    )


@pytest.fixture
def document_file(tmp_path: Path) -> Path:
    path = tmp_path / "van-ban.edxml"
    path.write_bytes(write_package(full_document()))
    return path


def test_show_json_has_the_documented_keys_and_values(document_file: Path) -> None:
    result = runner.invoke(app, ["edxml", "show", str(document_file), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data.keys() >= SHOW_KEYS
    assert data["kind"] == "document"
    assert data["from"] == "000.00.00.G22"
    assert data["to"] == ["000.00.00.G09", "000.00.12.H26"]
    assert data["code_number"] == "7816" and data["code_notation"] == "VPCP-TTĐT"
    assert data["type_name"] == "Công văn" and data["signer"] == "Nguyễn Văn A"
    assert data["promulgation_date"] == "2025-09-30" and data["due_date"] == "2025-10-15"
    assert data["business_type"] == 2 and data["business_target"] == "000.00.00.G22,2025/09/29,7800/VPCP-TTĐT"
    assert data["response_for"] == ["000.00.00.G09,2025/09/01,12/BNV-VP"]
    assert data["trace"][0] == {"organ_id": "000.00.00.G22", "timestamp": "2025-09-30T08:15:00+07:00"}
    assert data["status_code"] is None and data["status_label"] is None
    assert data["attachments"][0] == {
        "content_id": "1",
        "name": "7816-VPCP-TTĐT.pdf",
        "content_type": "application/pdf",
        "description": "Công văn số 7816",
        "size": len(PDF),
        "sha256": data["attachments"][0]["sha256"],
        "zip_wrapped": False,
    }
    assert data["attachments"][1]["zip_wrapped"] is True
    assert data["recipients"] == [
        {"code": "000.00.00.G09", "name": "Bộ Nội vụ"},
        {"code": "000.00.12.H26", "name": "Sở Nội vụ thành phố Hà Nội"},
    ]
    assert data["promulgation_place"] == "Hà Nội" and data["content"].startswith(
        "Văn phòng Chính phủ đề nghị"
    )
    assert (
        data["signer_position"] == "Phó Chủ nhiệm" and data["signer_competence"] == "KT. BỘ TRƯỞNG, CHỦ NHIỆM"
    )
    assert data["priority"] == 1


def test_show_json_of_a_status_package(tmp_path: Path) -> None:
    path = tmp_path / "trang-thai.edxml"
    path.write_bytes(write_package(status(StatusCode.REFUSED, description="Gửi nhầm nơi nhận")))
    data = json.loads(runner.invoke(app, ["edxml", "show", str(path), "--json"]).output)
    assert data["kind"] == "status" and data["status_code"] == "02"
    assert data["status_label"] == "Từ chối tiếp nhận" and data["description"] == "Gửi nhầm nơi nhận"
    assert data["response_for"] == ["000.00.00.G22,2025/09/30,7816/VPCP-TTĐT"]
    assert data["to"] == [] and data["attachments"] == [] and data["due_date"] is None


def test_check_reports_ok_and_exits_zero_only_when_all_are_valid(document_file: Path, tmp_path: Path) -> None:
    ok = runner.invoke(app, ["edxml", "check", str(document_file)])
    assert ok.exit_code == 0 and ok.output.strip().startswith(f"{document_file}: OK")
    bad = tmp_path / "bad.edxml"
    bad.write_bytes(
        write_package(full_document()).replace(
            b"000.00.00.G09</edXML:OrganId>", b"28.22.H17</edXML:OrganId>", 1
        )
    )
    result = runner.invoke(app, ["edxml", "check", str(document_file), str(bad), "--json"])
    assert result.exit_code == 1
    reports = json.loads(result.output)
    assert [r["valid"] for r in reports] == [True, False]
    assert reports[1]["element"] == "To/OrganId" and "28.22.H17" in reports[1]["problem"]
    lenient = runner.invoke(app, ["edxml", "check", str(bad), "--lenient", "--json"])
    assert lenient.exit_code == 0, lenient.output
    assert any(w["code"] == "code-lenient" for w in json.loads(lenient.output)[0]["warnings"])


def test_new_builds_a_package_from_options_and_files(tmp_path: Path) -> None:
    pdf = tmp_path / "cong-van.pdf"
    pdf.write_bytes(PDF)
    out = tmp_path / "moi.edxml"
    result = runner.invoke(
        app,
        ["edxml", "new", "-o", str(out), "--from", "000.00.00.G22", "--to", "000.00.00.G09", "--to", "000.00.12.H26",
         "--number", "15", "--notation", "VPCP-KSTT", "--subject", "Về việc thử nghiệm", "--signer", "Lê Văn D",
         "--type-name", "Thông báo", "--date", "2025-11-20", "--attach", str(pdf), "--zip"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    package = parse_package(out.read_bytes())
    assert isinstance(package, DocumentPackage)
    assert package.to_codes == ("000.00.00.G09", "000.00.12.H26")
    assert package.document_id == "000.00.00.G22,2025/11/20,15/VPCP-KSTT"
    assert package.header.document_type is not None and package.header.document_type.type_name == "Thông báo"
    assert package.attachments[0].zip_wrapped and package.attachments[0].content.read_bytes() == PDF
    assert runner.invoke(app, ["edxml", "check", str(out)]).exit_code == 0


def test_new_recall_and_new_status(tmp_path: Path) -> None:
    recall = tmp_path / "thu-hoi.edxml"
    result = runner.invoke(
        app,
        ["edxml", "new", "-o", str(recall), "--from", "000.00.00.G22", "--to", "000.00.00.G09", "--number", "16",
         "--notation", "VPCP-KSTT", "--subject", "Thu hồi công văn 15", "--signer", "Lê Văn D",
         "--recall", "000.00.00.G22,2025/11/20,15/VPCP-KSTT", "--reason", "Ban hành nhầm"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    package = parse_package(recall.read_bytes())
    assert isinstance(package, DocumentPackage) and package.business is not None
    assert package.business.business_type == 1 and package.business.reason == "Ban hành nhầm"
    answer = tmp_path / "tra-loi.edxml"
    result = runner.invoke(
        app,
        ["edxml", "new-status", "-o", str(answer), "--from", "000.00.00.G09", "--about", package.document_id,
         "--about-from", "000.00.00.G22", "--status", "15", "--description", "Đồng ý thu hồi"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    reply = parse_package(answer.read_bytes())
    assert isinstance(reply, StatusPackage) and reply.status_code is StatusCode.RECALL_ACCEPTED
    assert reply.document_id == package.document_id


def test_cli_errors_are_one_line_and_exit_non_zero(tmp_path: Path) -> None:
    missing = _lienthong("edxml", "show", str(tmp_path / "none.edxml"), "--json")
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert missing.stderr.strip().count("\n") == 0 and "cannot read" in missing.stderr
    bad_code = _lienthong("edxml", "new", "-o", str(tmp_path / "x.edxml"), "--from", "G22", "--to", "000.00.00.G09",
                          "--number", "1", "--notation", "X", "--subject", "S", "--signer", "A")  # fmt: skip
    assert bad_code.returncode == 1 and "Traceback" not in bad_code.stderr
    assert bad_code.stderr.strip().count("\n") == 0
    bad_status = _lienthong("edxml", "new-status", "-o", str(tmp_path / "y.edxml"), "--from", "000.00.00.G09",
                            "--about", "x", "--about-from", "000.00.00.G22", "--status", "07")  # fmt: skip
    assert bad_status.returncode != 0 and "Traceback" not in bad_status.stderr and "07" in bad_status.stderr


def test_check_warns_of_a_document_id_naming_another_agency_and_exits_zero(tmp_path: Path) -> None:
    document = full_document()
    path = tmp_path / "reused.edxml"
    header = replace(document.header, document_id="000.00.00.G09,2025/09/30,7816/BNV")
    path.write_bytes(write_package(replace(document, header=header)))
    text = runner.invoke(app, ["edxml", "check", str(path)])
    assert text.exit_code == 0 and text.output.strip() == f"{path}: OK (1 cảnh báo)", text.output
    answer = runner.invoke(app, ["edxml", "check", str(path), "--json"])
    assert answer.exit_code == 0
    (report,) = json.loads(answer.output)
    assert report["valid"] and [w["code"] for w in report["warnings"]] == ["document-id-other-agency"]


def test_check_refuses_a_2_mb_subject_and_a_100_kb_notation_naming_each(tmp_path: Path) -> None:
    package = full_document()
    subject = dataclasses.replace(package.header, subject="x" * (2 << 20))
    notation = dataclasses.replace(
        package.header, code=dataclasses.replace(package.header.code, notation="y" * 100_000)
    )
    paths = [tmp_path / "trich-yeu.edxml", tmp_path / "ky-hieu.edxml"]
    for path, header in zip(paths, (subject, notation), strict=True):
        path.write_bytes(write_package(dataclasses.replace(package, header=header)))
    result = _lienthong("edxml", "check", *map(str, paths), "--json")
    assert result.returncode == 1, result.stderr
    named = [(r["valid"], r["element"], r["code"]) for r in json.loads(result.stdout)]
    assert named == [
        (False, "Subject", "field-too-long"),
        (False, "Code/CodeNotation", "field-too-long"),
    ]
    text = _lienthong("edxml", "check", *map(str, paths))
    assert text.returncode == 1 and "Traceback" not in text.stderr
    assert text.stdout.splitlines() == [
        f"{paths[0]}: Subject is 2097152 characters long, over the limit of 500 [Subject]",
        f"{paths[1]}: Code/CodeNotation is 100000 characters long, over the limit of 30 [Code/CodeNotation]",
    ]


def _readme_new_command() -> list[str]:
    """The README's `lienthong edxml new …` example, its optional ``[…]`` parts left out."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("lienthong edxml new -o")
    lines = []
    for line in readme[start:].splitlines():
        lines.append(line.split("#")[0].rstrip().removesuffix("\\"))
        if not line.rstrip().endswith("\\"):
            break
    text = re.sub(r"\[[^\]]*\]", "", " ".join(lines))
    return shlex.split(text)[1:]  # without "lienthong"


def test_readme_edxml_new_example_passes_check_canonical(tmp_path: Path) -> None:
    command = _readme_new_command()
    assert command[:2] == ["edxml", "new"]
    (tmp_path / "cong-van.pdf").write_bytes(PDF)
    made = subprocess.run(  # noqa: PLW1510 - checked below
        [sys.executable, "-m", "lienthong.cli", *command],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert made.returncode == 0, made.stderr
    checked = _lienthong("edxml", "check", str(tmp_path / "out.edxml"), "--canonical")
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.strip().endswith(": OK")


def test_check_canonical_lists_every_missing_field_at_once(tmp_path: Path) -> None:
    out = tmp_path / "thieu.edxml"
    made = _lienthong("edxml", "new", "-o", str(out), "--from", "000.00.00.G22", "--to", "000.00.00.G09",
                      "--number", "7816", "--notation", "VPCP-TTĐT", "--subject", "Về việc …",
                      "--signer", "Nguyễn Văn A")  # fmt: skip
    assert made.returncode == 0, made.stderr
    checked = _lienthong("edxml", "check", str(out), "--canonical")
    assert checked.returncode == 1
    lines = checked.stdout.strip().splitlines()
    assert len(lines) == 3, checked.stdout
    for line, name, parent in zip(
        lines,
        ("Place", "Competence", "Position"),
        ("PromulgationInfo", "SignerInfo", "SignerInfo"),
        strict=True,
    ):
        assert line.startswith(f"{out}: missing element {name} in {parent}")
    as_json = json.loads(_lienthong("edxml", "check", str(out), "--canonical", "--json").stdout)[0]
    assert [p["element"] for p in as_json["schema"]] == ["Place", "Competence", "Position"]
    assert as_json["code"] == "schema-missing" and as_json["element"] == "Place"
