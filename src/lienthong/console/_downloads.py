"""An attachment as the browser gets it: a PDF shown inline, anything else downloaded, streamed,
its name kept in UTF-8 and never sniffed into something else."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import StreamingResponse

from lienthong.edxml import Attachment


def content_disposition(kind: str, name: str) -> str:
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "").replace("?", "_")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def attachment_response(found: Attachment, content_id: str) -> StreamingResponse:
    media = found.content_type or "application/octet-stream"
    is_pdf = media == "application/pdf"
    stream = found.content.open()
    return StreamingResponse(
        iter(lambda: stream.read(64 * 1024), b""),
        media_type=media if is_pdf else "application/octet-stream",
        headers={
            "Content-Disposition": content_disposition(
                "inline" if is_pdf else "attachment", found.name or content_id
            ),
            "X-Content-Type-Options": "nosniff",
        },
    )
