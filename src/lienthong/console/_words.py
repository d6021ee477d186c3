"""The console's words, by the keys its templates use; their texts are in the message catalogue
(``console.po``, codes ``console-…``), like every other word people read. Vietnamese is the
default; ``?lang=en`` switches and the choice is kept in a cookie."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Final, TypeAlias

from lienthong._i18n import Language, Message, msg, render
from lienthong.edxml import VIETNAM_TZ, StatusCode

Lang: TypeAlias = Language
LANG_COOKIE: Final = "lt_lang"

#: Each word's message in the catalogue (``locale/*/LC_MESSAGES/console.po``), by the key
#: templates use (``t.inbox``, ``t["disp_" ~ …]``). Written out, one literal ``msg`` a word,
#: so that ``make messages`` finds every code.
_WORDS: Final[Mapping[str, Message]] = MappingProxyType(
    {
        "title": msg("console-title"),
        "skip": msg("console-skip"),
        "inbox": msg("console-inbox"),
        "outbox": msg("console-outbox"),
        "compose": msg("console-compose"),
        "login": msg("console-login"),
        "logout": msg("console-logout"),
        "switch": msg("console-switch"),
        "user": msg("console-user"),
        "password": msg("console-password"),
        "bad_login": msg("console-bad-login"),
        "empty_user": msg("console-empty-user"),
        "stale_form": msg("console-stale-form"),
        "login_required": msg("console-login-required"),
        "forbidden": msg("console-forbidden"),
        "not_found": msg("console-not-found"),
        "back": msg("console-back"),
        "signed_in_as": msg("console-signed-in-as"),
        "role_clerk": msg("console-role-clerk"),
        "role_leader": msg("console-role-leader"),
        "role_administrator": msg("console-role-administrator"),
        "role_operator": msg("console-role-operator"),
        "received_at": msg("console-received-at"),
        "sender": msg("console-sender"),
        "recipient": msg("console-recipient"),
        "number": msg("console-number"),
        "number_only": msg("console-number-only"),
        "notation": msg("console-notation"),
        "subject": msg("console-subject"),
        "status": msg("console-status"),
        "pdf_signature": msg("console-pdf-signature"),
        "pdf_valid": msg("console-pdf-valid"),
        "pdf_invalid": msg("console-pdf-invalid"),
        "pdf_unsigned": msg("console-pdf-unsigned"),
        "pdf_none": msg("console-pdf-none"),
        "new": msg("console-new"),
        "no_documents": msg("console-no-documents"),
        "metadata": msg("console-metadata"),
        "promulgated": msg("console-promulgated"),
        "place": msg("console-place"),
        "document_id": msg("console-document-id"),
        "disposition": msg("console-disposition"),
        "disp_active": msg("console-disp-active"),
        "disp_recall-requested": msg("console-disp-recall-requested"),
        "disp_recalled": msg("console-disp-recalled"),
        "disp_updated": msg("console-disp-updated"),
        "disp_replaced": msg("console-disp-replaced"),
        "attachments": msg("console-attachments"),
        "view": msg("console-view"),
        "signatures": msg("console-signatures"),
        "package_signature": msg("console-package-signature"),
        "valid": msg("console-valid"),
        "invalid": msg("console-invalid"),
        "signer": msg("console-signer"),
        "signing_time": msg("console-signing-time"),
        "timestamped": msg("console-timestamped"),
        "agency_code": msg("console-agency-code"),
        "timeline": msg("console-timeline"),
        "no_steps": msg("console-no-steps"),
        "actions": msg("console-actions"),
        "no_actions": msg("console-no-actions"),
        "reason": msg("console-reason"),
        "note": msg("console-note"),
        "do_03": msg("console-do-03"),
        "do_04": msg("console-do-04"),
        "do_05": msg("console-do-05"),
        "do_06": msg("console-do-06"),
        "do_02": msg("console-do-02"),
        "do_15": msg("console-do-15"),
        "do_16": msg("console-do-16"),
        "assignee": msg("console-assignee"),
        "recall_asked": msg("console-recall-asked"),
        "saved": msg("console-saved"),
        "from_agency": msg("console-from-agency"),
        "to": msg("console-to"),
        "search_agency": msg("console-search-agency"),
        "search": msg("console-search"),
        "files": msg("console-files"),
        "files_hint": msg("console-files-hint"),
        "sign": msg("console-sign"),
        "date_hint": msg("console-date-hint"),
        "send": msg("console-send"),
        "sent_ok": msg("console-sent-ok"),
        "created_at": msg("console-created-at"),
        "delivery": msg("console-delivery"),
        "delivery_queued": msg("console-delivery-queued"),
        "delivery_sending": msg("console-delivery-sending"),
        "delivery_delivered": msg("console-delivery-delivered"),
        "delivery_rejected": msg("console-delivery-rejected"),
        "delivery_failed": msg("console-delivery-failed"),
        "live": msg("console-live"),
        "no_sent": msg("console-no-sent"),
        "error_summary": msg("console-error-summary"),
        # -- signatures people see: appearance settings, page images, the signer as a person --
        "appearance": msg("console-appearance"),
        "appearance_intro": msg("console-appearance-intro"),
        "appearance_agency": msg("console-appearance-agency"),
        "appearance_choose": msg("console-appearance-choose"),
        "appearance_title_line": msg("console-appearance-title-line"),
        "appearance_name": msg("console-appearance-name"),
        "appearance_page": msg("console-appearance-page"),
        "appearance_box": msg("console-appearance-box"),
        "appearance_seal_width": msg("console-appearance-seal-width"),
        "appearance_signature": msg("console-appearance-signature"),
        "appearance_seal": msg("console-appearance-seal"),
        "appearance_image_hint": msg("console-appearance-image-hint"),
        "appearance_remove_seal": msg("console-appearance-remove-seal"),
        "appearance_save": msg("console-appearance-save"),
        "appearance_saved": msg("console-appearance-saved"),
        "appearance_current": msg("console-appearance-current"),
        "appearance_none": msg("console-appearance-none"),
        "appearance_preview": msg("console-appearance-preview"),
        "appearance_unavailable": msg("console-appearance-unavailable"),
        "appearance_no_image": msg("console-appearance-no-image"),
        "pages_view": msg("console-pages-view"),
        "page": msg("console-page"),
        "pages_capped": msg("console-pages-capped"),
        "page_image_alt": msg("console-page-image-alt"),
        "signature_report": msg("console-signature-report"),
        "signer_position": msg("console-signer-position"),
        "signer_agency": msg("console-signer-agency"),
        "certificate_validity": msg("console-certificate-validity"),
        "validity_to": msg("console-validity-to"),
        "certificate_revoked": msg("console-certificate-revoked"),
        "certificate_not_revoked": msg("console-certificate-not-revoked"),
        "drawn_on_page": msg("console-drawn-on-page"),
        "signature_invisible": msg("console-signature-invisible"),
        "pdf_unreadable": msg("console-pdf-unreadable-word"),
    }
)


@functools.cache
def words(lang: Lang) -> Mapping[str, str]:
    """Every word in ``lang``, by key: what templates get as ``t``."""
    return MappingProxyType({key: render(message, lang) for key, message in _WORDS.items()})


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


def size(value: int | None, lang: Lang = "vi") -> str:
    """A byte count as people read it: ``850 B``, ``12 KB``, ``1,4 MB`` (a decimal comma in
    Vietnamese, a point in English)."""
    if value is None:
        return "—"
    if value < 1024:
        return f"{value} B"
    amount, unit = value / 1024, "KB"
    for larger in ("MB", "GB"):
        if amount < 1024:
            break
        amount, unit = amount / 1024, larger
    text = f"{amount:.0f}" if amount >= 100 else f"{amount:.1f}"
    return f"{text.replace('.', ',') if lang == 'vi' else text} {unit}"
