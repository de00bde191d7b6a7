"""Media uploads: content validation (sniff), storage + rows (storage), per-platform checks (rules)."""

from services.media.rules import media_problems
from services.media.sniff import MediaError, SniffedMedia, sniff
from services.media.storage import (
    absolute_path,
    asset_dict,
    delete_media,
    get_asset,
    list_media,
    media_file,
    media_files_for_post,
    media_for_post,
    store_upload,
)

__all__ = [
    "MediaError", "SniffedMedia", "absolute_path", "asset_dict", "delete_media", "get_asset", "list_media",
    "media_file", "media_files_for_post", "media_for_post", "media_problems", "sniff", "store_upload",
]  # fmt: skip
