"""Reading and writing media files for exports and imports, through the media storage module only.

One small seam, so the export and the import work with whichever storage holds the files. When
`services.media.storage` offers the backend API (`media_chunks`, `backend()`: local disk or an
object store) it is used; otherwise the files are the local media directory's. Files are read and
copied in chunks, never loaded whole.

Why an import does not call `storage.store_upload_stream`: that function commits its own
media_assets row, but an import must write every row in *one* transaction (all or nothing). So
`stage_media` does the same steps — receive with limits, validate by content, store file and
thumbnail — and leaves the row to the importer; `remove_staged` undoes it when the import fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any, BinaryIO

from services.media import intake, storage
from services.media.sniff import EXTENSIONS, MediaError

CHUNK = 1024 * 1024


def media_chunks(storage_path: str) -> Iterator[bytes]:
    """The bytes of one stored file, 1 MiB at a time (FileNotFoundError/MediaError when it is gone)."""
    reader = getattr(storage, "media_chunks", None)
    if reader is not None:
        return reader(storage_path)[1]
    fh = open(storage.absolute_path(storage_path), "rb")  # noqa: SIM115 - closed by the generator

    def chunks() -> Iterator[bytes]:
        with fh:
            while chunk := fh.read(CHUNK):
                yield chunk

    return chunks()


def _store() -> Any | None:
    factory = getattr(storage, "backend", None)
    return factory() if factory is not None else None


def stage_media(org_id: int, source: BinaryIO) -> tuple[dict, list[str]]:
    """Validate one imported file by content and store it (and its thumbnail) in the workspace's media.

    Returns (facts for the media_assets row, stored paths this call created).
    """
    store = _store()
    incoming = storage._incoming_dir(org_id) if hasattr(storage, "_incoming_dir") else storage.absolute_path(str(org_id))
    received = intake.receive(source, incoming)
    wrote: list[str] = []
    try:
        info, image_bytes = intake.validate(received)
        digest = received.sha256
        relative, thumb_relative = f"{org_id}/{digest}{EXTENSIONS[info.mime_type]}", f"{org_id}/thumbs/{digest}.jpg"
        thumb = storage._image_thumbnail(image_bytes) if image_bytes is not None else storage._video_placeholder()
        if store is not None:
            if store.size(relative) != received.size:  # same name = same content (its hash)
                store.put_file(relative, received.path, info.mime_type)
                wrote.append(relative)
            if store.size(thumb_relative) is None:
                store.put_bytes(thumb_relative, thumb, "image/jpeg")
                wrote.append(thumb_relative)
        else:
            path, thumb_path = storage.absolute_path(relative), storage.absolute_path(thumb_relative)
            if not path.exists():
                os.replace(received.path, path)
                wrote.append(relative)
            if not thumb_path.exists():
                thumb_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                thumb_path.write_bytes(thumb)
                wrote.append(thumb_relative)
    except BaseException:
        remove_staged(wrote)
        raise
    finally:
        received.path.unlink(missing_ok=True)
    facts = {"kind": info.kind, "mime_type": info.mime_type, "storage_path": relative, "thumbnail_path": thumb_relative,
             "size_bytes": received.size, "width": info.width, "height": info.height,
             "duration_seconds": info.duration_seconds, "sha256": digest}  # fmt: skip
    return facts, wrote


def remove_staged(relatives: list[str]) -> None:
    """Delete files a failed import stored (best effort: an unreferenced file harms nobody)."""
    store = _store()
    for relative in relatives:
        try:
            if store is not None:
                store.delete(relative)
            else:
                storage.absolute_path(relative).unlink(missing_ok=True)
        except (OSError, MediaError):
            pass
