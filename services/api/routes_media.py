"""/v1/media: upload (the same streaming size limits and content checks as the composer), list, get, delete.

The body arrives as multipart/form-data with one `file` part. The request-body cap
(socialhub_app.security_middleware, upload cap for this path) stops a huge body at the door;
services.media.storage.store_upload_stream then copies the part in 1 MB chunks, refusing it the
moment it passes its kind's limit, and decides what the file is from its content, never its name.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends, File, Path, Query, Response, UploadFile

from services.api.auth import acting
from services.api.common import idempotent
from services.api.keys import ApiActor
from services.api.problems import documented
from services.api.routes_posts import IdempotencyKey
from services.api.schemas_in import MAX_ID
from services.api.schemas_out import Media, MediaList, media_from
from services.media.storage import delete_media, get_asset, list_media, store_upload_stream

router = APIRouter(prefix="/media", tags=["media"])
MediaId = Annotated[int, Path(ge=1, le=MAX_ID)]
PATH = "/api/v1/media"  # the request-body cap gives this path the upload limit
CHUNK = 1024 * 1024


@router.post("", status_code=201, response_model=Media, responses=documented())
def upload(
    file: Annotated[UploadFile, File(description="An image (JPEG, PNG, GIF, WebP) or an MP4 video.")],
    actor: Annotated[ApiActor, Depends(acting("media.upload"))],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Upload one file; use its `id` in a post's `media_ids`."""
    name = file.filename or "upload"
    request_print = _file_print(file, name) if idempotency_key is not None else ""

    def create() -> Media:
        file.file.seek(0)
        return media_from(store_upload_stream(actor.organization_id, actor.user_id, name, file.file))

    return idempotent(actor, idempotency_key, request_print, create)


def _file_print(file: UploadFile, name: str) -> str:
    """What makes two uploads "the same request": the file's bytes and its name (read from the spooled copy)."""
    digest = hashlib.sha256(b"POST /media\0" + name.encode("utf-8", "replace") + b"\0")
    file.file.seek(0)
    while chunk := file.file.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


@router.get("", response_model=MediaList, responses=documented())
def list_all(
    actor: Annotated[ApiActor, Depends(acting("media.read"))], limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> MediaList:
    """The workspace's media, newest first."""
    return MediaList(data=[media_from(a) for a in list_media(actor.organization_id, limit)])


@router.get("/{media_id}", response_model=Media, responses=documented())
def get_one(media_id: MediaId, actor: Annotated[ApiActor, Depends(acting("media.read"))]) -> Media:
    return media_from(get_asset(actor.organization_id, media_id))


@router.delete("/{media_id}", status_code=204, responses=documented())
def delete(media_id: MediaId, actor: Annotated[ApiActor, Depends(acting("media.delete"))]) -> Response:
    """Refused (422) while a post that hasn't been published uses it."""
    delete_media(actor.organization_id, media_id)
    return Response(status_code=204)
