"""Which agency codes a client may act for: checked before anything is read or written."""

from __future__ import annotations

from collections.abc import Sequence

from lienthong._i18n import msg
from lienthong.api._errors import ScopeForbidden
from lienthong.store import ApiClientEntry


def require_code(client: ApiClientEntry, code: str) -> None:
    """Raise ``ScopeForbidden`` unless ``client`` may act for ``code``."""
    if code not in client.codes:
        # The token's holder may not know the client's name (a demo or an operator made it):
        # the codes it may act for say what to do instead.
        codes = ", ".join(client.codes)
        raise ScopeForbidden(msg("api-scope-forbidden", code=code, codes=codes))


def may_see(client: ApiClientEntry, code: str) -> bool:
    """Whether ``client`` may see a document of ``code``. A document of another agency is then
    answered as if it did not exist (404, the same body): a 403 would tell that it exists."""
    return code in client.codes


def codes_in_scope(client: ApiClientEntry, agency: str | None) -> Sequence[str]:
    """The codes a listing covers: the one asked for (checked), or all the client's."""
    if agency is None:
        return client.codes
    require_code(client, agency)
    return (agency,)
