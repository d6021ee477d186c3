"""The portal's words in Vietnamese and English, and number, date and duration formats.

Templates get ``t`` (the words of the request's language) and the formatters bound to it.
Vietnamese is the default; ``?lang=en`` switches, and the choice is kept in a cookie.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Final, Literal

from lienthong.edxml import VIETNAM_TZ

Lang = Literal["vi", "en"]
LANG_COOKIE: Final = "lt_lang"

_WORDS: Final[dict[str, tuple[str, str]]] = {
    "title": (
        "Cổng giám sát trục liên thông văn bản quốc gia",
        "National e-document network monitoring portal",
    ),
    "skip": ("Bỏ qua đến nội dung chính", "Skip to main content"),
    "nav_overview": ("Tổng quan", "Overview"),
    "nav_agencies": ("Cơ quan", "Agencies"),
    "nav_admin": ("Quản trị", "Administration"),
    "nav_login": ("Đăng nhập", "Log in"),
    "nav_logout": ("Đăng xuất", "Log out"),
    "switch": ("English", "Tiếng Việt"),
    "month_documents": ("Văn bản trong tháng", "Documents this month"),
    "total_documents": ("Tổng số văn bản", "Documents in total"),
    "deliveries": ("Lượt chuyển đến nơi nhận", "Deliveries to recipients"),
    "how_counted": (
        "Cách đếm: mỗi văn bản tính một lần, dù gửi cho bao nhiêu nơi nhận; mỗi lượt chuyển là một "
        "văn bản đến một nơi nhận (điểm kết nối của nơi nhận đã ký biên nhận); đã gửi và đã nhận là "
        "số văn bản các cơ quan gửi đi và nhận về, mỗi cơ quan tính một lần.",
        "How counted: each document counts once, whatever its number of recipients; a delivery is "
        "one document reaching one recipient (the recipient's node signed a receipt); sent and "
        "received are the documents agencies sent and received, once per agency.",
    ),
    "connected": ("Cơ quan cấp 1 đã kết nối", "Level-1 bodies connected"),
    "signed_share": ("Văn bản có chữ ký số PDF hợp lệ", "Documents with a valid PDF signature"),
    "median": ("Thời gian chuyển trung vị (tháng này)", "Median delivery time (this month)"),
    "regulations": ("Đã ban hành quy chế văn bản điện tử", "E-document regulation issued"),
    "group_G": ("bộ, cơ quan ngang bộ", "ministries and agencies"),
    "group_H": ("tỉnh, thành phố", "provinces and cities"),
    "chart": ("Văn bản gửi và nhận theo ngày (30 ngày)", "Documents sent and received per day (30 days)"),
    "day": ("Ngày", "Day"),
    "sent": ("Đã gửi", "Sent"),
    "received": ("Đã nhận", "Received"),
    "documents": ("Đã gửi và nhận", "Sent and received"),
    "signed": ("Có ký số", "Signed"),
    "code": ("Mã định danh", "Code"),
    "name": ("Tên cơ quan", "Name"),
    "level": ("Cấp", "Level"),
    "all_levels": ("Mọi cấp", "All levels"),
    "search": ("Tìm theo tên hoặc mã", "Search by name or code"),
    "filter": ("Lọc", "Filter"),
    "sort": ("Sắp xếp", "Sort"),
    "sort_direction": ("Chiều sắp xếp", "Sort direction"),
    "descending": ("Giảm dần", "Descending"),
    "ascending": ("Tăng dần", "Ascending"),
    "csv": ("Tải CSV", "Download CSV"),
    "last_activity": ("Hoạt động gần nhất", "Last activity"),
    "is_connected": ("Kết nối", "Connected"),
    "regulation_date": ("Ngày ban hành quy chế", "Regulation issued"),
    "yes": ("Có", "Yes"),
    "no": ("Chưa", "No"),
    "none": ("—", "—"),
    "no_rows": ("Không có cơ quan nào khớp.", "No agency matches."),
    "nodes": ("Tình trạng điểm kết nối", "Node health"),
    "node": ("Điểm kết nối", "Node"),
    "last_report": ("Báo cáo gần nhất", "Last report"),
    "config_version": ("Phiên bản cấu hình", "Configuration version"),
    "cert_expiry": ("Chứng thư hết hạn", "Certificate expires"),
    "expiring": ("sắp hết hạn", "expiring soon"),
    "silent": ("không báo cáo", "not reporting"),
    "reporting": ("đang báo cáo", "reporting"),
    "data_as_of": ("Số liệu tính đến", "Data as of"),
    "node_state": ("Tình trạng", "State"),
    "stuck": ("Văn bản chưa có trạng thái 01 (đã nhận)", "Documents without an 01 (received) status"),
    "document_id": ("Mã văn bản", "Document"),
    "recipient": ("Nơi nhận", "Recipient"),
    "sender": ("Nơi gửi", "Sender"),
    "sent_at": ("Gửi lúc", "Sent at"),
    "no_stuck": ("Không có văn bản nào bị tắc.", "No document is stuck."),
    "no_nodes": ("Chưa có điểm kết nối nào báo cáo.", "No node has reported yet."),
    "set_regulation": ("Ghi ngày ban hành quy chế", "Record a regulation date"),
    "issued_on": ("Ngày ban hành (YYYY-MM-DD)", "Issued on (YYYY-MM-DD)"),
    "reference": ("Số hiệu văn bản (tuỳ chọn)", "Reference (optional)"),
    "save": ("Lưu", "Save"),
    "saved": ("Đã lưu.", "Saved."),
    "token": ("Mã truy cập quản trị", "Admin token"),
    "login_help": (
        "Dán mã truy cập do lệnh 'lienthong directory admins add' cấp.",
        "Paste the token given by 'lienthong directory admins add'.",
    ),
    "login_required": ("Cần đăng nhập để xem trang quản trị.", "Log in to see the administration pages."),
    "forbidden": ("Tài khoản không có quyền này.", "This account lacks that permission."),
    "bad_token": ("Mã truy cập không hợp lệ.", "The token is not valid."),
    "empty_token": ("Hãy nhập mã truy cập.", "Enter a token."),
    "bad_date": ("Ngày không hợp lệ: cần dạng YYYY-MM-DD.", "Not a date: use YYYY-MM-DD."),
    "bad_code": ("Mã định danh không hợp lệ.", "Not a valid identifier code."),
    "signed_in_as": ("Đăng nhập với tên", "Signed in as"),
    "public_note": (
        "Các điểm kết nối gửi báo cáo số liệu, có ký số, vài phút một lần.",
        "Nodes send their figures, signed, every few minutes.",
    ),
    "as_of": ("Số liệu tính đến báo cáo gần nhất lúc", "Figures as of the latest report, at"),
    "no_report": ("Chưa có điểm kết nối nào báo cáo.", "No node has reported yet."),
    "milliseconds": ("ms", "ms"),
    "seconds": ("giây", "s"),
    "minutes": ("phút", "min"),
    "hours": ("giờ", "h"),
}


#: The word naming each of the agency table's sort keys (``lienthong.portal._figures.SORT_KEYS``).
SORT_WORDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "code": "code",
        "name": "name",
        "documents": "documents",
        "deliveries": "deliveries",
        "sent": "sent",
        "received": "received",
        "signed": "signed",
        "activity": "last_activity",
    }
)


def words(lang: Lang) -> Mapping[str, str]:
    index = 0 if lang == "vi" else 1
    return MappingProxyType({key: unicodedata.normalize("NFC", pair[index]) for key, pair in _WORDS.items()})


def number(value: int, lang: Lang) -> str:
    """``41.200`` in Vietnamese, ``41,200`` in English."""
    text = f"{value:,}"
    return text.replace(",", ".") if lang == "vi" else text


def percent(share: float | None, lang: Lang) -> str:
    if share is None:
        return "—"
    text = f"{share * 100:.1f} %"
    return decimal(text, lang) if lang == "vi" else text.replace(" %", "%")


def decimal(text: str, lang: Lang) -> str:
    """``text``'s decimal point as the language writes it: a comma in Vietnamese."""
    return text.replace(".", ",") if lang == "vi" else text


def duration(seconds: float | None, lang: Lang) -> str:
    """``350 ms`` under a second, ``2,4 giây`` (``2.4 s``) under ten, whole units above."""
    if seconds is None:
        return "—"
    t = words(lang)
    # Rounded first, so that 0.9996 s reads "1,0 giây", not "1000 ms", and 9.96 s "10 giây".
    if round(seconds * 1000) < 1000:
        return f"{seconds * 1000:.0f} {t['milliseconds']}"
    if round(seconds, 1) < 10:
        return f"{decimal(f'{seconds:.1f}', lang)} {t['seconds']}"
    if seconds < 90:
        return f"{seconds:.0f} {t['seconds']}"
    if seconds < 5400:
        return f"{seconds / 60:.0f} {t['minutes']}"
    return f"{decimal(f'{seconds / 3600:.1f}', lang)} {t['hours']}"


def day(value: date | None) -> str:
    return "—" if value is None else value.strftime("%d/%m/%Y")


def moment(value: datetime | None) -> str:
    return "—" if value is None else value.astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M")
