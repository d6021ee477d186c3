"""The console's words in Vietnamese and English. Vietnamese is the default; ``?lang=en``
switches and the choice is kept in a cookie."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Final, Literal

from lienthong.edxml import VIETNAM_TZ, StatusCode

Lang = Literal["vi", "en"]
LANG_COOKIE: Final = "lt_lang"

_WORDS: Final[dict[str, tuple[str, str]]] = {
    "title": ("Văn thư điện tử", "Agency console"),
    "skip": ("Bỏ qua đến nội dung chính", "Skip to main content"),
    "inbox": ("Văn bản đến", "Incoming"),
    "outbox": ("Văn bản đi", "Outgoing"),
    "compose": ("Soạn văn bản đi", "Compose"),
    "login": ("Đăng nhập", "Log in"),
    "logout": ("Đăng xuất", "Log out"),
    "switch": ("English", "Tiếng Việt"),
    "user": ("Tên đăng nhập", "User name"),
    "password": ("Mật khẩu", "Password"),
    "bad_login": ("Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong user name or password."),
    "empty_user": ("Hãy nhập tên đăng nhập.", "Enter your user name."),
    "locked_out": (
        "Đăng nhập tạm bị khóa vì nhập sai mật khẩu nhiều lần. Hãy thử lại sau {minutes} phút.",
        "Too many wrong passwords: logging in is locked. Try again in {minutes} minutes.",
    ),
    "stale_form": ("Biểu mẫu đã hết hạn, hãy gửi lại.", "The form expired; send it again."),
    "login_required": ("Cần đăng nhập.", "Please log in."),
    "forbidden": (
        "Tài khoản của bạn không có quyền thực hiện thao tác này.",
        "Your account may not do this.",
    ),
    "not_found": ("Không tìm thấy.", "Not found."),
    "back": ("Quay lại", "Back"),
    "signed_in_as": ("Đăng nhập:", "Signed in:"),
    "role_clerk": ("văn thư", "clerk"),
    "role_leader": ("lãnh đạo", "leader"),
    "role_administrator": ("quản trị", "administrator"),
    "received_at": ("Nhận lúc", "Received"),
    "sender": ("Nơi gửi", "Sender"),
    "recipient": ("Nơi nhận", "Recipient"),
    "number": ("Số, ký hiệu", "Number"),
    "number_only": ("Số", "Number"),
    "notation": ("Ký hiệu", "Notation"),
    "subject": ("Trích yếu", "Subject"),
    "status": ("Trạng thái", "Status"),
    "pdf_signature": ("Chữ ký số PDF", "PDF signature"),
    "pdf_valid": ("Hợp lệ", "Valid"),
    "pdf_invalid": ("Không hợp lệ", "Invalid"),
    "pdf_unsigned": ("Chưa ký", "Unsigned"),
    "pdf_none": ("Không có PDF", "No PDF"),
    "new": ("Mới", "New"),
    "no_documents": ("Chưa có văn bản nào.", "No documents yet."),
    "metadata": ("Thông tin văn bản", "Document details"),
    "promulgated": ("Ngày ban hành", "Issued on"),
    "place": ("Nơi ban hành", "Place"),
    "document_id": ("Mã văn bản", "Document id"),
    "disposition": ("Tình trạng", "Disposition"),
    "disp_active": ("Còn hiệu lực", "Active"),
    "disp_recall-requested": ("Bên gửi đề nghị thu hồi", "Recall requested"),
    "disp_recalled": ("Đã thu hồi", "Recalled"),
    "disp_updated": ("Đã được cập nhật", "Updated"),
    "disp_replaced": ("Đã bị thay thế", "Replaced"),
    "attachments": ("Tệp đính kèm", "Attachments"),
    "view": ("Xem", "View"),
    "signatures": ("Kiểm tra chữ ký số", "Signature report"),
    "package_signature": ("Chữ ký gói tin (XML-DSig)", "Package signature (XML-DSig)"),
    "valid": ("Hợp lệ", "Valid"),
    "invalid": ("Không hợp lệ", "Invalid"),
    "signer": ("Người ký", "Signer"),
    "signing_time": ("Thời điểm ký", "Signing time"),
    "timestamped": ("có dấu thời gian", "time-stamped"),
    "agency_code": ("Mã cơ quan trên chứng thư", "Agency code in the certificate"),
    "timeline": ("Diễn biến xử lý", "Timeline"),
    "no_steps": ("Chưa có trạng thái nào.", "No status yet."),
    "actions": ("Xử lý", "Actions"),
    "no_actions": ("Không còn thao tác nào bạn được làm.", "No action left for you."),
    "reason": ("Lý do", "Reason"),
    "note": ("Ghi chú (tuỳ chọn)", "Note (optional)"),
    "do_03": ("Tiếp nhận (03)", "Register (03)"),
    "do_04": ("Phân công xử lý (04)", "Assign (04)"),
    "do_05": ("Đang xử lý (05)", "In progress (05)"),
    "do_06": ("Hoàn thành (06)", "Done (06)"),
    "do_02": ("Từ chối tiếp nhận (02)", "Refuse (02)"),
    "do_15": ("Đồng ý thu hồi (15)", "Accept the recall (15)"),
    "do_16": ("Từ chối thu hồi (16)", "Refuse the recall (16)"),
    "assignee": ("Giao cho", "Assign to"),
    "recall_asked": ("Bên gửi yêu cầu thu hồi văn bản này.", "The sender asks to recall this document."),
    "saved": ("Đã gửi trạng thái.", "Status sent."),
    "from_agency": ("Cơ quan gửi", "Sending agency"),
    "to": ("Nơi nhận", "Recipients"),
    "search_agency": ("Tìm nơi nhận theo tên hoặc mã", "Search recipients by name or code"),
    "search": ("Tìm", "Search"),
    "files": ("Tệp PDF", "PDF files"),
    "files_hint": (
        "Các tệp PDF được ký số bằng khóa của cơ quan trước khi gửi.",
        "The PDFs are signed with the agency's key before they are sent.",
    ),
    "sign": ("Ký số tệp PDF bằng khóa cơ quan", "Sign the PDFs with the agency key"),
    "date_hint": ("YYYY-MM-DD, tuỳ chọn", "YYYY-MM-DD, optional"),
    "send": ("Ký số và gửi", "Sign and send"),
    "sent_ok": ("Đã gửi văn bản.", "The document was sent."),
    "created_at": ("Gửi lúc", "Sent at"),
    "delivery": ("Chuyển tới", "Delivery"),
    "delivery_queued": ("Đang chờ gửi", "Queued"),
    "delivery_sending": ("Đang gửi", "Sending"),
    "delivery_delivered": ("Đã chuyển", "Delivered"),
    "delivery_rejected": ("Bị từ chối", "Rejected"),
    "delivery_failed": ("Không gửi được", "Failed"),
    "live": ("Tự cập nhật vài giây một lần.", "Updates itself every few seconds."),
    "no_sent": ("Chưa gửi văn bản nào.", "Nothing sent yet."),
    "error_summary": (
        "Biểu mẫu có lỗi, xem thông báo cạnh từng trường.",
        "The form has errors; see each field.",
    ),
}


def words(lang: Lang) -> Mapping[str, str]:
    index = 0 if lang == "vi" else 1
    return MappingProxyType({key: unicodedata.normalize("NFC", pair[index]) for key, pair in _WORDS.items()})


def status_label(code: StatusCode | str | None, lang: Lang) -> str:
    if code is None:
        return "—"
    try:
        status = StatusCode(code)
    except ValueError:
        return str(code)
    return f"{status.value} · {status.label_vi if lang == 'vi' else status.label_en}"


def moment(value: datetime | None) -> str:
    return "—" if value is None else value.astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M")
