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
        # -- operator's views --
        "op_operations": msg("console-op-operations"),
        "op_messages": msg("console-op-messages"),
        "op_deliveries": msg("console-op-deliveries"),
        "op_keys": msg("console-op-keys"),
        "op_pages": msg("console-op-pages"),
        "op_of": msg("console-op-of"),
        "op_page": msg("console-op-page"),
        "op_prev": msg("console-op-prev"),
        "op_next": msg("console-op-next"),
        "op_message_id": msg("console-op-message-id"),
        "op_agency": msg("console-op-agency"),
        "op_any": msg("console-op-any"),
        "op_delivery_state": msg("console-op-delivery-state"),
        "op_direction": msg("console-op-direction"),
        "op_dir_in": msg("console-op-dir-in"),
        "op_dir_out": msg("console-op-dir-out"),
        "op_from": msg("console-op-from"),
        "op_to": msg("console-op-to"),
        "op_at": msg("console-op-at"),
        "op_kind": msg("console-op-kind"),
        "op_kind_document": msg("console-op-kind-document"),
        "op_kind_status": msg("console-op-kind-status"),
        "op_state": msg("console-op-state"),
        "op_no_messages": msg("console-op-no-messages"),
        "op_history": msg("console-op-history"),
        "op_node": msg("console-op-node"),
        "op_export": msg("console-op-export"),
        "op_deliveries_here": msg("console-op-deliveries-here"),
        "op_trace_headers": msg("console-op-trace-headers"),
        "op_legs": msg("console-op-legs"),
        "op_no_legs": msg("console-op-no-legs"),
        "op_accepted": msg("console-op-accepted"),
        "op_sent": msg("console-op-sent"),
        "op_received": msg("console-op-received"),
        "op_nodes": msg("console-op-nodes"),
        "op_receipt": msg("console-op-receipt"),
        "op_recall": msg("console-op-recall"),
        "op_log": msg("console-op-log"),
        "op_no_log": msg("console-op-no-log"),
        "op_seq": msg("console-op-seq"),
        "op_log_kind": msg("console-op-log-kind"),
        "op_party": msg("console-op-party"),
        "op_log_package-out": msg("console-op-log-package-out"),
        "op_log_package-in": msg("console-op-log-package-in"),
        "op_log_receipt-out": msg("console-op-log-receipt-out"),
        "op_log_receipt-in": msg("console-op-log-receipt-in"),
        "op_log_delivery-failed": msg("console-op-log-delivery-failed"),
        "op_deliveries_hint": msg("console-op-deliveries-hint"),
        "op_retried": msg("console-op-retried"),
        "op_given_up": msg("console-op-given-up"),
        "op_no_deliveries": msg("console-op-no-deliveries"),
        "op_stalled": msg("console-op-stalled"),
        "op_last_error": msg("console-op-last-error"),
        "op_attempts": msg("console-op-attempts"),
        "op_next_attempt": msg("console-op-next-attempt"),
        "op_deadline": msg("console-op-deadline"),
        "op_retry": msg("console-op-retry"),
        "op_give_up": msg("console-op-give-up"),
        "op_give_up_reason": msg("console-op-give-up-reason"),
        "op_no_private": msg("console-op-no-private"),
        "op_use": msg("console-op-use"),
        "op_use_node": msg("console-op-use-node"),
        "op_use_signer": msg("console-op-use-signer"),
        "op_use_intermediate": msg("console-op-use-intermediate"),
        "op_use_anchor": msg("console-op-use-anchor"),
        "op_subject": msg("console-op-subject"),
        "op_issuer": msg("console-op-issuer"),
        "op_serial": msg("console-op-serial"),
        "op_valid_from": msg("console-op-valid-from"),
        "op_valid_to": msg("console-op-valid-to"),
        "op_days_left": msg("console-op-days-left"),
        "op_expiring": msg("console-op-expiring"),
        "op_expired": msg("console-op-expired"),
        "op_revocation": msg("console-op-revocation"),
        "op_rev_good": msg("console-op-rev-good"),
        "op_rev_revoked": msg("console-op-rev-revoked"),
        "op_rev_unknown": msg("console-op-rev-unknown"),
        "op_rev_anchor": msg("console-op-rev-anchor"),
        "op_note": msg("console-op-note"),
        # -- users and audit --
        "users": msg("console-users"),
        "audit": msg("console-audit"),
        "full_name": msg("console-full-name"),
        "position": msg("console-position"),
        "roles": msg("console-roles"),
        "codes": msg("console-codes"),
        "codes_hint": msg("console-codes-hint"),
        "state": msg("console-state"),
        "user_state_enabled": msg("console-user-state-enabled"),
        "user_state_disabled": msg("console-user-state-disabled"),
        "locked_until": msg("console-locked-until"),
        "last_login": msg("console-last-login"),
        "created": msg("console-created"),
        "changed": msg("console-changed"),
        "add_user": msg("console-add-user"),
        "edit": msg("console-edit"),
        "save": msg("console-save"),
        "disable": msg("console-disable"),
        "enable": msg("console-enable"),
        "unlock": msg("console-unlock"),
        "remove": msg("console-remove"),
        "new_password": msg("console-new-password"),
        "reset_password": msg("console-reset-password"),
        "view_only": msg("console-users-view-only"),
        "user_not_self": msg("console-user-not-self"),
        "user_disabled": msg("console-user-disabled"),
        "tab_log": msg("console-tab-log"),
        "tab_logins": msg("console-tab-logins"),
        "at": msg("console-at"),
        "actor": msg("console-actor"),
        "action": msg("console-action"),
        "target": msg("console-target"),
        "detail": msg("console-detail"),
        "address": msg("console-address"),
        "since": msg("console-since"),
        "until": msg("console-until"),
        "filter": msg("console-filter"),
        "any": msg("console-any"),
        "bad_date": msg("console-bad-date"),
        "nobody": msg("console-nobody"),
        "no_entries": msg("console-no-entries"),
        "export_csv": msg("console-export-csv"),
        "export_json": msg("console-export-json"),
        "pages": msg("console-pages"),
        "older": msg("console-older"),
        "newest": msg("console-newest"),
        "outcome": msg("console-outcome"),
        "outcome_success": msg("console-outcome-success"),
        "outcome_failure": msg("console-outcome-failure"),
        "outcome_locked": msg("console-outcome-locked"),
        "user_saved": msg("console-user-saved"),
        "locked_addresses": msg("console-locked-addresses"),
        # -- clerk --
        "arrival_number": msg("console-arrival-number"),
        "arrival_register_of": msg("console-arrival-register-of"),
        "arrival_date": msg("console-arrival-date"),
        "arrival_hint": msg("console-arrival-hint"),
        "acted_by": msg("console-acted-by"),
        "update_document": msg("console-update-document"),
        "replace_document": msg("console-replace-document"),
        "acts_on": msg("console-acts-on"),
        "business_reason": msg("console-business-reason"),
        "document_kind": msg("console-document-kind"),
        "urgency": msg("console-urgency"),
        "urgency_0": msg("console-urgency-0"),
        "urgency_1": msg("console-urgency-1"),
        "urgency_2": msg("console-urgency-2"),
        "urgency_3": msg("console-urgency-3"),
        "due_date": msg("console-due-date"),
        "signer_block": msg("console-signer-block"),
        "competence": msg("console-competence"),
        "competence_none": msg("console-competence-none"),
        "on_behalf_of": msg("console-on-behalf-of"),
        "position": msg("console-position"),
        "signer_name": msg("console-signer-name"),
        "recall_sent": msg("console-recall-sent"),
        "do_recall": msg("console-do-recall"),
        "update_hint": msg("console-update-hint"),
        "login_node": msg("console-login-node"),
        "login_agencies": msg("console-login-agencies"),
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
