"""``GET /v1/config``: the signed network configuration, in full or as a delta since a version.

Any network member may read it (the server asks for a client certificate but does not require
one; a certificate given is verified by TLS). The body is the signed ``LTCONF/1`` file exactly as
the directory signed it; ``ETag`` names those bytes, so a node that sends ``If-None-Match`` gets
``304`` while nothing changed.
"""

from __future__ import annotations

from datetime import UTC
from email.utils import format_datetime
from typing import Annotated, Final

from fastapi import APIRouter, Header, Query, Response

from lienthong.directory._publisher import CONTENT_TYPE, ConfigurationPublisher

#: Response headers carrying the version served and, for a delta, its base.
VERSION_HEADER: Final = "Lienthong-Config-Version"
BASE_HEADER: Final = "Lienthong-Config-Base"


def config_router(publisher: ConfigurationPublisher) -> APIRouter:
    router = APIRouter()

    @router.get(
        "/v1/config",
        response_class=Response,
        responses={200: {"content": {CONTENT_TYPE: {}}}, 304: {}},
    )
    async def get_config(
        since: Annotated[int | None, Query(ge=0, description="Only the changes after this version.")] = None,
        if_none_match: Annotated[str | None, Header()] = None,
    ) -> Response:
        signed = await publisher.publish(since=since)
        headers = {
            "ETag": signed.etag,
            VERSION_HEADER: str(signed.version),
            "Cache-Control": "no-cache",
            "Expires": format_datetime(signed.expires_at.astimezone(UTC), usegmt=True),
        }
        if since is not None:
            headers[BASE_HEADER] = str(since)
        if if_none_match is not None and signed.etag in {tag.strip() for tag in if_none_match.split(",")}:
            return Response(status_code=304, headers=headers)
        return Response(signed.data, media_type=CONTENT_TYPE, headers=headers)

    return router
