"""The order in which a recipient may report statuses on a document it received.

The rules live in the node (``lienthong.node.status_problem``: it applies them to recall
answers whichever way they arrive); here a problem becomes the API's error: ``StatusOutOfOrder``
(409) or, for a request that is wrong in itself, ``RequestInvalid`` (400).
"""

from __future__ import annotations

from collections.abc import Collection

from lienthong.api._errors import RequestInvalid, StatusOutOfOrder
from lienthong.edxml import StatusCode
from lienthong.node import status_problem


def check_status(
    code: StatusCode, *, sent: Collection[StatusCode], recall_requested: bool, description: str | None
) -> None:
    """Raise ``StatusOutOfOrder`` (or ``RequestInvalid``) unless ``code`` may be sent now."""
    problem = status_problem(code, sent=sent, recall_requested=recall_requested, description=description)
    if problem is None:
        return
    if problem.invalid:
        raise RequestInvalid(problem.message)
    raise StatusOutOfOrder(problem.message)
