"""Reading stored media files for an export, through the media storage module only.

One tiny seam so that the export works with whichever storage backend holds the files (the local
media directory today; an object store later): it asks `services.media.storage` where a stored
file is and opens it for chunked reading, never loading a whole video into memory.
"""

from __future__ import annotations

from typing import BinaryIO

from services.media import storage


def open_media(storage_path: str) -> BinaryIO:
    """A binary stream of one stored file (FileNotFoundError when it is gone)."""
    opener = getattr(storage, "open_stored", None)  # a backend-neutral reader, where the module offers one
    if opener is not None:
        return opener(storage_path)
    return open(storage.absolute_path(storage_path), "rb")  # noqa: SIM115 - the caller closes it


def stage_media(org_id: int, source: BinaryIO) -> tuple[dict, list]:
    """Validate one imported file by its content and write it (and its thumbnail) into the workspace's media.

    Returns (facts for the media_assets row, files this call created). The row is written by the
    importer in *its* transaction; if that transaction fails, it deletes the files returned here.
    This follows `storage.store_upload_stream` step by step but leaves the database alone, which
    the storage module's public upload function cannot (it commits its own row).
    """
    from services.media import intake
    from services.media.sniff import EXTENSIONS as EXT

    received = intake.receive(source, storage.absolute_path(str(org_id)))
    wrote: list = []
    try:
        info, image_bytes = intake.validate(received)
        digest = received.sha256
        relative, thumb_relative = f"{org_id}/{digest}{EXT[info.mime_type]}", f"{org_id}/thumbs/{digest}.jpg"
        path, thumb_path = storage.absolute_path(relative), storage.absolute_path(thumb_relative)
        if not path.exists():
            import os

            os.replace(received.path, path)
            wrote.append(path)
        if not thumb_path.exists():
            thumb = storage._image_thumbnail(image_bytes) if image_bytes is not None else storage._video_placeholder()
            storage._atomic_write(thumb_path, thumb)
            wrote.append(thumb_path)
    except BaseException:
        for written in wrote:
            written.unlink(missing_ok=True)
        raise
    finally:
        received.path.unlink(missing_ok=True)
    facts = {"kind": info.kind, "mime_type": info.mime_type, "storage_path": relative, "thumbnail_path": thumb_relative,
             "size_bytes": received.size, "width": info.width, "height": info.height,
             "duration_seconds": info.duration_seconds, "sha256": digest}  # fmt: skip
    return facts, wrote
