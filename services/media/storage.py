"""Uploaded media on disk (one folder per workspace, content-hash names) and its media_assets rows.

Files are named by their SHA-256 so re-uploading the same picture costs no extra disk and a
half-written file can never be mistaken for another asset; a file is removed only when the last
row that points at it is deleted.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from PIL import Image, ImageDraw, ImageOps
from sqlalchemy import func
from sqlmodel import select

from services.config import get_settings
from services.db import session_scope
from services.media import intake
from services.media.backends import LocalBackend, backend
from services.media.public_links import public_media_url, signature_matches
from services.media.sniff import EXTENSIONS, MediaError, MediaNotFound
from services.models import MediaAsset, Post, PostMedia
from services.platforms.base import MediaFile
from services.publishing.states import PostStatus

THUMB_SIZE = (320, 320)


def _media_root() -> Path:
    return get_settings().media_dir


def absolute_path(relative: str) -> Path:
    """Where a stored relative path lives on the local disk; refuses anything that would escape the media dir.

    Only meaningful for local storage: code that must work with S3 too calls `local_media_path`
    (a cached copy), `read_media` or `media_chunks` instead.
    """
    return LocalBackend(_media_root()).path(relative)


def local_media_path(relative: str) -> Path:
    """A local file with the object's bytes (the file itself on disk; a cached download from S3)."""
    return backend().local_path(relative)


def read_media(relative: str) -> bytes:
    """All bytes of a stored file (thumbnails, images for the vision model, exports)."""
    return backend().read_bytes(relative)


def media_chunks(relative: str) -> tuple[int, Iterator[bytes]]:
    """(size, 1 MB chunks) of a stored file, for streaming it to a browser or into an archive."""
    return backend().iter_chunks(relative)


def write_media(relative: str, data: bytes, content_type: str) -> None:
    """Store bytes under a relative path (imports restoring media)."""
    backend().put_bytes(relative, data, content_type)


def delete_media_file(relative: str) -> None:
    """Remove one stored file (absent is fine); rows are the caller's business."""
    backend().delete(relative)


def delete_workspace_files(org_id: int) -> None:
    """Every file of one workspace (workspace deletion)."""
    backend().delete_prefix(str(int(org_id)))


def _incoming_dir(org_id: int) -> Path:
    """Temp files are made beside their final place on disk (a rename), or in a scratch folder for S3."""
    if backend().name == "local":
        return absolute_path(str(org_id))
    return _media_root() / ".incoming"


def _image_thumbnail(data: bytes) -> bytes:
    import io

    with Image.open(io.BytesIO(data)) as img:
        img.seek(0)
        frame = ImageOps.exif_transpose(img.convert("RGBA"))
        frame.thumbnail(THUMB_SIZE)
        canvas = Image.new("RGB", frame.size, (255, 255, 255))
        canvas.paste(frame, mask=frame.getchannel("A"))
        out = io.BytesIO()
        canvas.save(out, "JPEG", quality=82)
        return out.getvalue()


def _video_placeholder() -> bytes:
    """No video decoder on the server: a neutral frame with a play symbol stands in for a still."""
    import io

    img = Image.new("RGB", (320, 180), (38, 42, 51))
    draw = ImageDraw.Draw(img)
    draw.polygon([(140, 60), (140, 120), (192, 90)], fill=(235, 235, 240))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=82)
    return out.getvalue()


def asset_dict(asset: MediaAsset) -> dict[str, Any]:
    return {
        "id": asset.id,
        "kind": asset.kind,
        "mime_type": asset.mime_type,
        "original_name": asset.original_name,
        "size_bytes": asset.size_bytes,
        "width": asset.width,
        "height": asset.height,
        "duration_seconds": asset.duration_seconds,
        "sha256": asset.sha256,
        "storage_path": asset.storage_path,
        "thumbnail_path": asset.thumbnail_path,
        "alt_text": asset.alt_text or "",
        "generated_prompt": asset.generated_prompt or "",
        "created_at": asset.created_at.isoformat() if asset.created_at else None,
    }


def _clean_name(filename: str) -> str:
    name = os.path.basename((filename or "").replace("\\", "/"))
    name = "".join(c for c in name if c.isprintable()).strip()  # no NUL/control characters in a row
    return name[:255] or "upload"


def store_upload(org_id: int, user_id: int | None, filename: str, data: bytes) -> dict[str, Any]:
    """Validate by content, then store file + thumbnail + row (bytes already in memory: tests, small files)."""
    return store_upload_stream(org_id, user_id, filename, io.BytesIO(data))


def store_upload_stream(org_id: int, user_id: int | None, filename: str, source: BinaryIO) -> dict[str, Any]:
    """Stream an upload to disk (limit enforced while reading), validate it, store file + thumbnail + row.

    Any MediaError means nothing was kept. Blocking: web handlers call it in a worker thread.
    """
    received = intake.receive(source, _incoming_dir(org_id))
    store = backend()
    wrote: list[str] = []
    try:
        info, image_bytes = intake.validate(received)
        digest = received.sha256
        relative = f"{org_id}/{digest}{EXTENSIONS[info.mime_type]}"
        thumb_relative = f"{org_id}/thumbs/{digest}.jpg"
        thumb = _image_thumbnail(image_bytes) if image_bytes is not None else _video_placeholder()
        if store.size(relative) != received.size:  # same name = same content (its hash)
            store.put_file(relative, received.path, info.mime_type)
            wrote.append(relative)
        if store.size(thumb_relative) is None:
            store.put_bytes(thumb_relative, thumb, "image/jpeg")
            wrote.append(thumb_relative)
        with session_scope() as session:
            asset = MediaAsset(
                organization_id=org_id,
                uploaded_by=user_id,
                kind=info.kind,
                mime_type=info.mime_type,
                original_name=_clean_name(filename),
                storage_path=relative,
                thumbnail_path=thumb_relative,
                size_bytes=received.size,
                width=info.width,
                height=info.height,
                duration_seconds=info.duration_seconds,
                sha256=digest,
            )
            session.add(asset)
            session.flush()
            return asset_dict(asset)
    except BaseException:
        for written in wrote:  # files only this failed upload created
            try:
                store.delete(written)
            except MediaError:
                pass  # storage gone too: an unreferenced object is harmless (no row points at it)
        raise
    finally:
        received.path.unlink(missing_ok=True)  # moved into place, or not needed


def get_asset(org_id: int, asset_id: int) -> dict[str, Any]:
    with session_scope() as session:
        asset = session.get(MediaAsset, asset_id)
        if asset is None or asset.organization_id != org_id:
            raise MediaNotFound("Media not found.")
        return asset_dict(asset)


def list_media(org_id: int, limit: int = 100) -> list[dict[str, Any]]:
    with session_scope() as session:
        rows = session.exec(
            select(MediaAsset)
            .where(MediaAsset.organization_id == org_id)
            .order_by(MediaAsset.created_at.desc(), MediaAsset.id.desc())
            .limit(limit)
        ).all()
        return [asset_dict(a) for a in rows]


def media_for_post(org_id: int, post_id: int) -> list[dict[str, Any]]:
    """The post's attachments in their display order (another workspace's post has none)."""
    with session_scope() as session:
        rows = session.exec(
            select(MediaAsset)
            .join(PostMedia, PostMedia.media_asset_id == MediaAsset.id)
            .where(PostMedia.post_id == post_id, PostMedia.organization_id == org_id)
            .where(MediaAsset.organization_id == org_id)
            .order_by(PostMedia.position, PostMedia.id)
        ).all()
        return [asset_dict(a) for a in rows]


def public_asset(asset_id: int, expires: int, signature: str) -> dict[str, Any] | None:
    """The asset behind a signed public link, or None when tampered or expired (the signature is the key)."""
    with session_scope() as session:
        asset = session.get(MediaAsset, asset_id)
        if asset is None or not signature_matches(asset.id, asset.sha256, expires, signature):
            return None
        return asset_dict(asset)


def media_file(asset: MediaAsset | dict[str, Any]) -> MediaFile:
    """What the publishing engine hands an adapter: an absolute path plus the facts it validates."""
    get = asset.get if isinstance(asset, dict) else lambda key: getattr(asset, key)
    return MediaFile(
        path=str(absolute_path(get("storage_path"))) if backend().name == "local" else get("storage_path"),
        mime_type=get("mime_type"),
        kind=get("kind"),
        size_bytes=get("size_bytes"),
        width=get("width"),
        height=get("height"),
        public_url=public_link(get("id"), get("sha256"), get("storage_path"), get("mime_type")),
    )


def public_link(asset_id: int | None, sha256: str, storage_path: str, mime_type: str) -> str:
    """Where a platform can fetch the file itself: a presigned bucket URL on S3, else our signed link."""
    if not asset_id:
        return ""
    settings = get_settings()
    store = backend()
    if store.name != "local" and settings.s3_public_links == "presigned":
        url = store.presigned_url(storage_path, int(settings.public_media_hours * 3600), mime_type)
        if url:
            return url
    return public_media_url(asset_id, sha256)


def media_files_for_post(org_id: int, post_id: int) -> list[MediaFile]:
    return [media_file(a) for a in media_for_post(org_id, post_id)]


def delete_media(org_id: int, asset_id: int) -> None:
    """Refused while a not-yet-published post uses it: that post would go out without its picture."""
    with session_scope() as session:
        asset = session.get(MediaAsset, asset_id)
        if asset is None or asset.organization_id != org_id:
            raise MediaNotFound("Media not found.")
        links = session.exec(
            select(PostMedia.id, Post.status)
            .join(Post, Post.id == PostMedia.post_id)
            .where(PostMedia.media_asset_id == asset_id, PostMedia.organization_id == org_id)
        ).all()
        pending = sum(1 for _, status in links if status != PostStatus.PUBLISHED)
        if pending:
            noun = "post" if pending == 1 else "posts"
            raise MediaError(
                f"This media is attached to {pending} {noun} that haven't been published; remove it there first."
            )
        for link_id, _ in links:
            session.delete(session.get(PostMedia, link_id))
        session.flush()  # no ORM relationship orders these deletes: links must go before the asset
        storage_path, thumb_path = asset.storage_path, asset.thumbnail_path
        session.delete(asset)
        session.flush()
        still_used = session.exec(
            select(func.count()).select_from(MediaAsset).where(MediaAsset.storage_path == storage_path)
        ).one()
    if not still_used:
        for relative in (storage_path, thumb_path):
            if relative:
                backend().delete(relative)
