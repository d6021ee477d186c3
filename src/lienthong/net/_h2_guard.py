"""A guard for Hypercorn's HTTP/2 protocol: late request data for an answered stream.

Hypercorn 0.18.0 looks a stream up by id when DATA arrives (``self.streams[stream_id]``). When
the application has already answered and the stream was closed (a 401 before the body was read,
or the client's last, empty DATA frame arriving after the answer), the look-up raises
``KeyError``, which ends the whole connection and fails every other request in flight on it
(pgjones/hypercorn#329; the fix, PR #365, is not released). Seen here as eight statuses of
``make demo`` failing at once with "Server disconnected".

Here a missing stream is a closed one whose events are dropped: the protocol still acknowledges
the data for flow control, as the upstream fix does. Only ``streams[...]`` on a missing id
changes; ``in``, ``get``, ``pop`` behave as before.
"""

from __future__ import annotations

from typing import Any, cast

from hypercorn.protocol.h2 import H2Protocol


class _ClosedStream:
    """Stands for a stream already closed: whatever arrives for it is dropped."""

    async def handle(self, event: object) -> None:
        del event


_CLOSED = _ClosedStream()


class _Streams(dict[int, Any]):
    def __missing__(self, stream_id: int) -> Any:
        return _CLOSED


def install() -> None:
    """Make every HTTP/2 connection of this process use the guarded stream table (once)."""
    if getattr(H2Protocol.__init__, "_lienthong_guard", False):
        return
    original = H2Protocol.__init__

    def __init__(self: H2Protocol, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.streams = cast(Any, _Streams())

    __init__._lienthong_guard = True  # type: ignore[attr-defined]
    H2Protocol.__init__ = __init__  # type: ignore[method-assign]
