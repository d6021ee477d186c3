"""The portal's words, and number, date and duration formats.

Templates get ``t`` (the words of the request's language, by key; their texts are in the message
catalogue, ``portal.po``, codes ``portal-…``) and the formatters bound to it.
Vietnamese is the default; ``?lang=en`` switches, and the choice is kept in a cookie.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Final, TypeAlias

from lienthong._i18n import Language, Message, msg, render
from lienthong.edxml import VIETNAM_TZ

Lang: TypeAlias = Language
LANG_COOKIE: Final = "lt_lang"

#: Each word's message in the catalogue (``locale/*/LC_MESSAGES/portal.po``), by the key
#: templates use (``t.inbox``, ``t["disp_" ~ …]``). Written out, one literal ``msg`` a word,
#: so that ``make messages`` finds every code.
_WORDS: Final[Mapping[str, Message]] = MappingProxyType(
    {
        "title": msg("portal-title"),
        "skip": msg("portal-skip"),
        "nav_overview": msg("portal-nav-overview"),
        "nav_agencies": msg("portal-nav-agencies"),
        "nav_admin": msg("portal-nav-admin"),
        "nav_login": msg("portal-nav-login"),
        "nav_logout": msg("portal-nav-logout"),
        "switch": msg("portal-switch"),
        "month_documents": msg("portal-month-documents"),
        "total_documents": msg("portal-total-documents"),
        "deliveries": msg("portal-deliveries"),
        "how_counted": msg("portal-how-counted"),
        "connected": msg("portal-connected"),
        "signed_share": msg("portal-signed-share"),
        "median": msg("portal-median"),
        "regulations": msg("portal-regulations"),
        "group_G": msg("portal-group-g"),
        "group_H": msg("portal-group-h"),
        "chart": msg("portal-chart"),
        "day": msg("portal-day"),
        "sent": msg("portal-sent"),
        "received": msg("portal-received"),
        "documents": msg("portal-documents"),
        "signed": msg("portal-signed"),
        "code": msg("portal-code"),
        "name": msg("portal-name"),
        "level": msg("portal-level"),
        "all_levels": msg("portal-all-levels"),
        "search": msg("portal-search"),
        "filter": msg("portal-filter"),
        "sort": msg("portal-sort"),
        "sort_direction": msg("portal-sort-direction"),
        "descending": msg("portal-descending"),
        "ascending": msg("portal-ascending"),
        "csv": msg("portal-csv"),
        "last_activity": msg("portal-last-activity"),
        "is_connected": msg("portal-is-connected"),
        "regulation_date": msg("portal-regulation-date"),
        "yes": msg("portal-yes"),
        "no": msg("portal-no"),
        "none": msg("portal-none"),
        "no_rows": msg("portal-no-rows"),
        "nodes": msg("portal-nodes"),
        "node": msg("portal-node"),
        "last_report": msg("portal-last-report"),
        "config_version": msg("portal-config-version"),
        "cert_expiry": msg("portal-cert-expiry"),
        "expiring": msg("portal-expiring"),
        "silent": msg("portal-silent"),
        "reporting": msg("portal-reporting"),
        "data_as_of": msg("portal-data-as-of"),
        "node_state": msg("portal-node-state"),
        "stuck": msg("portal-stuck"),
        "document_id": msg("portal-document-id"),
        "recipient": msg("portal-recipient"),
        "sender": msg("portal-sender"),
        "sent_at": msg("portal-sent-at"),
        "no_stuck": msg("portal-no-stuck"),
        "no_nodes": msg("portal-no-nodes"),
        "set_regulation": msg("portal-set-regulation"),
        "issued_on": msg("portal-issued-on"),
        "reference": msg("portal-reference"),
        "save": msg("portal-save"),
        "saved": msg("portal-saved"),
        "token": msg("portal-token"),
        "login_help": msg("portal-login-help"),
        "login_required": msg("portal-login-required"),
        "forbidden": msg("portal-forbidden"),
        "bad_token": msg("portal-bad-token"),
        "empty_token": msg("portal-empty-token"),
        "bad_date": msg("portal-bad-date"),
        "bad_code": msg("portal-bad-code"),
        "signed_in_as": msg("portal-signed-in-as"),
        "public_note": msg("portal-public-note"),
        "as_of": msg("portal-as-of"),
        "no_report": msg("portal-no-report"),
        "milliseconds": msg("portal-milliseconds"),
        "seconds": msg("portal-seconds"),
        "minutes": msg("portal-minutes"),
        "hours": msg("portal-hours"),
        # -- admin: the registry and its audit log --
        "admin_home": msg("portal-admin-home"),
        "admin_agencies": msg("portal-admin-agencies"),
        "admin_nodes": msg("portal-admin-nodes"),
        "admin_certificates": msg("portal-admin-certificates"),
        "admin_crls": msg("portal-admin-crls"),
        "admin_audit": msg("portal-admin-audit"),
        "results": msg("portal-results"),
        "valid_from": msg("portal-valid-from"),
        "valid_to": msg("portal-valid-to"),
        "successor": msg("portal-successor"),
        "state": msg("portal-state"),
        "state_open": msg("portal-state-open"),
        "state_closed": msg("portal-state-closed"),
        "state_closes": msg("portal-state-closes"),
        "import_csv": msg("portal-import-csv"),
        "imported": msg("portal-imported"),
        "csv_file": msg("portal-csv-file"),
        "csv_hint": msg("portal-csv-hint"),
        "reorganize": msg("portal-reorganize"),
        "pages": msg("portal-pages"),
        "page": msg("portal-page"),
        "previous": msg("portal-previous"),
        "next": msg("portal-next"),
        "add_agency": msg("portal-add-agency"),
        "code_hint": msg("portal-code-hint"),
        "parent": msg("portal-parent"),
        "parent_hint": msg("portal-parent-hint"),
        "add": msg("portal-add"),
        "served_by": msg("portal-served-by"),
        "no_node": msg("portal-no-node"),
        "history": msg("portal-history"),
        "close_agency": msg("portal-close-agency"),
        "close_hint": msg("portal-close-hint"),
        "close_on": msg("portal-close-on"),
        "successor_hint": msg("portal-successor-hint"),
        "close": msg("portal-close"),
        "subtree": msg("portal-subtree"),
        "no_bindings": msg("portal-no-bindings"),
        "bind_certificate": msg("portal-bind-certificate"),
        "recent_changes": msg("portal-recent-changes"),
        "no_entries": msg("portal-no-entries"),
        "node_name": msg("portal-node-name"),
        "peer_url": msg("portal-peer-url"),
        "serves": msg("portal-serves"),
        "serves_hint": msg("portal-serves-hint"),
        "tls_certificate": msg("portal-tls-certificate"),
        "pem_hint": msg("portal-pem-hint"),
        "tls_keep_hint": msg("portal-tls-keep-hint"),
        "take_subtrees": msg("portal-take-subtrees"),
        "add_node": msg("portal-add-node"),
        "edit": msg("portal-edit"),
        "remove": msg("portal-remove"),
        "remove_hint": msg("portal-remove-hint"),
        "subject": msg("portal-subject"),
        "fingerprint": msg("portal-fingerprint"),
        "expires": msg("portal-expires"),
        "unbind": msg("portal-unbind"),
        "certificate_file": msg("portal-certificate-file"),
        "subtree_hint": msg("portal-subtree-hint"),
        "bind": msg("portal-bind"),
        "revoke_note": msg("portal-revoke-note"),
        "missing_crls": msg("portal-missing-crls"),
        "issuer": msg("portal-issuer"),
        "this_update": msg("portal-this-update"),
        "next_update": msg("portal-next-update"),
        "revoked_count": msg("portal-revoked-count"),
        "no_crls": msg("portal-no-crls"),
        "upload_crl": msg("portal-upload-crl"),
        "crl_file": msg("portal-crl-file"),
        "crl_hint": msg("portal-crl-hint"),
        "ca_file": msg("portal-ca-file"),
        "ca_hint": msg("portal-ca-hint"),
        "upload": msg("portal-upload"),
        "anchors": msg("portal-anchors"),
        "actor": msg("portal-actor"),
        "kind": msg("portal-kind"),
        "all_kinds": msg("portal-all-kinds"),
        "kind_agency": msg("portal-kind-agency"),
        "kind_node": msg("portal-kind-node"),
        "kind_certificate": msg("portal-kind-certificate"),
        "kind_anchor": msg("portal-kind-anchor"),
        "kind_crl": msg("portal-kind-crl"),
        "date_from": msg("portal-date-from"),
        "date_to": msg("portal-date-to"),
        "json": msg("portal-json"),
        "at": msg("portal-at"),
        "action": msg("portal-action"),
        "detail": msg("portal-detail"),
        "version": msg("portal-version"),
        "not_found": msg("portal-not-found"),
        "act_agency_seed": msg("portal-act-agency-seed"),
        "act_agency_import": msg("portal-act-agency-import"),
        "act_agency_reorganize": msg("portal-act-agency-reorganize"),
        "act_agency_add": msg("portal-act-agency-add"),
        "act_agency_close": msg("portal-act-agency-close"),
        "act_node_add": msg("portal-act-node-add"),
        "act_node_replace": msg("portal-act-node-replace"),
        "act_node_remove": msg("portal-act-node-remove"),
        "act_certificate_bind": msg("portal-act-certificate-bind"),
        "act_certificate_unbind": msg("portal-act-certificate-unbind"),
        "act_anchor_add": msg("portal-act-anchor-add"),
        "act_crl_put": msg("portal-act-crl-put"),
        # -- certificate expiry --
        "expires_soon": msg("portal-expires-soon"),
        "expired": msg("portal-expired"),
        "expiry_summary": msg("portal-expiry-summary"),
    }
)

#: Days before a certificate's end from which the admin's pages warn (as ``node doctor`` does).
EXPIRY_WARN_DAYS: Final = 30


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


@functools.cache
def words(lang: Lang) -> Mapping[str, str]:
    """Every word in ``lang``, by key: what templates get as ``t``."""
    return MappingProxyType({key: render(message, lang) for key, message in _WORDS.items()})


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


def days_text(days: int, lang: Lang) -> str:
    """``còn 12 ngày`` (``12 days left``)."""
    return render(msg("portal-days-left", days=number(days, lang)), lang)


def day(value: date | None) -> str:
    return "—" if value is None else value.strftime("%d/%m/%Y")


def moment(value: datetime | None) -> str:
    return "—" if value is None else value.astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M")
