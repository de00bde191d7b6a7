"""Media uploads: content validation (sniff), storage + rows (storage; bytes via backends: disk or S3),
per-platform checks (rules)."""

from services.media.backends import MediaStorageUnavailable
from services.media.rules import media_problems
from services.media.sniff import MediaError, SniffedMedia, sniff
from services.media.storage import (
    absolute_path,
    asset_dict,
    delete_media,
    delete_media_file,
    get_asset,
    list_media,
    local_media_path,
    media_chunks,
    media_file,
    media_files_for_post,
    media_for_post,
    read_media,
    store_upload,
    write_media,
)

__all__ = [
    "MediaError", "MediaStorageUnavailable", "SniffedMedia", "absolute_path", "asset_dict", "delete_media",
    "delete_media_file", "get_asset", "list_media", "local_media_path", "media_chunks", "media_file",
    "media_files_for_post", "media_for_post", "media_problems", "read_media", "sniff", "store_upload", "write_media",
]  # fmt: skip
