"""The peer protocol on the wire: its routes, headers, media types and the batch framing.

POST /v1/peer/packages
Content-Type: application/xml              the edXML package, as signed
Lienthong-Recipient: 000.00.00.G22         the code it is delivered to (served by the peer)
Lienthong-Package-Sha256: <hex>            the package's digest (names it in a refusal of an
                                           oversize body the peer will not read)
→ 200, Content-Type: application/vnd.lienthong.receipt+json: the signed receipt, positive
  or negative; 4xx JSON ``{"code", "message"}`` only when the request is not a delivery.

POST /v1/peer/batches                      several small packages in one request
Content-Type: application/vnd.lienthong.batch
    frames, one per package: ``<size> <recipient>\\n`` then exactly ``size`` bytes
→ 200, Content-Type: application/vnd.lienthong.receipts: one frame per package, in the same
  order: ``<size> receipt\\n`` then the signed receipt, positive or negative. A bad package
  gets its own negative receipt; only a request that is no batch at all (unreadable framing,
  more than ``MAX_BATCH_PACKAGES`` packages, a body over ``MAX_BATCH_BYTES``) gets a 4xx.
  A peer without the route answers 404 and the sender sends the packages one by one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from lienthong._i18n import Message, msg

PACKAGES_PATH = "/v1/peer/packages"
RECIPIENT_HEADER = "Lienthong-Recipient"
PACKAGE_TYPE = "application/xml"
RECEIPT_TYPE = "application/vnd.lienthong.receipt+json"

BATCH_PATH = "/v1/peer/batches"
BATCH_TYPE = "application/vnd.lienthong.batch"
RECEIPTS_TYPE = "application/vnd.lienthong.receipts"
#: Bounds of one batch request: its packages and its body (larger packages go one by one).
MAX_BATCH_PACKAGES: Final = 64
MAX_BATCH_BYTES: Final = 16 << 20
_RECEIPT_LABEL: Final = "receipt"
#: A frame's label: a code or the word ``receipt``, printable ASCII without spaces.
_LABEL = re.compile(r"[!-~]{1,64}")


class WireMalformed(ValueError):
    """A batch body or a receipts body that does not follow the framing."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        #: What is wrong, as data (the peer endpoint renders it for its caller).
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def encode_frames(frames: Sequence[tuple[str, bytes]]) -> bytes:
    """``(label, bytes)`` pairs as one body."""
    out = bytearray()
    for label, data in frames:
        if _LABEL.fullmatch(label) is None:
            raise WireMalformed(msg("node-wire-label-invalid", label=repr(label)))
        out += b"%d %s\n" % (len(data), label.encode("ascii"))
        out += data
    return bytes(out)


def decode_frames(body: bytes, *, max_frames: int = MAX_BATCH_PACKAGES) -> list[tuple[str, bytes]]:
    """The ``(label, bytes)`` pairs of ``body``; ``WireMalformed`` when it is not framed right."""
    frames: list[tuple[str, bytes]] = []
    view = memoryview(body)
    position = 0
    while position < len(body):
        if len(frames) >= max_frames:
            raise WireMalformed(msg("node-wire-too-many-frames", limit=max_frames))
        end = body.find(b"\n", position, position + 96)
        head = body[position:end].split(b" ") if end >= 0 else []
        if len(head) != 2 or not head[0].isdigit() or _LABEL.fullmatch(head[1].decode("latin-1")) is None:
            raise WireMalformed(msg("node-wire-header-unreadable", position=position))
        size, start = int(head[0]), end + 1
        if start + size > len(body):
            raise WireMalformed(msg("node-wire-frame-truncated", position=position))
        frames.append((head[1].decode("ascii"), bytes(view[start : start + size])))
        position = start + size
    return frames


def encode_receipts(receipts: Sequence[bytes]) -> bytes:
    return encode_frames([(_RECEIPT_LABEL, raw) for raw in receipts])


def decode_receipts(body: bytes, *, expected: int) -> list[bytes]:
    """The receipts of a batch answer, ``expected`` of them, in order."""
    frames = decode_frames(body, max_frames=expected)
    if len(frames) != expected or any(label != _RECEIPT_LABEL for label, _ in frames):
        raise WireMalformed(msg("node-wire-receipt-count", count=len(frames), expected=expected))
    return [raw for _, raw in frames]
