"""Receiving an upload without holding it in memory: streamed to a temp file, limit enforced while reading.

The web layer hands over a file object (Starlette already spooled the multipart part to disk, and
the request-body cap stopped anything huge at the door). It is copied in 1 MB chunks into a temp
file beside its final place, hashed on the way, and the copy stops the moment it passes the
limit for its kind (decided from the first bytes), so a 2 GB "image" costs one chunk of memory and
a few MB of disk before it is refused. Videos are then validated through a memory map (only the box
headers are touched); images are small enough (`SOCIALHUB_MAX_IMAGE_MB`) to decode from memory.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from services.config import get_settings
from services.media.sniff import MediaError, SniffedMedia, sniff, sniff_image, sniff_mp4
from services.platforms.sizes import MB, size_pair

CHUNK = 1024 * 1024


@dataclass
class Received:
    path: Path  # temp file; the caller moves it into place or deletes it
    size: int
    sha256: str
    kind_guess: str | None


def cheap_kind(head: bytes) -> str | None:
    """Header-only guess, so an oversized upload is refused with the right limit without decoding it."""
    if head[4:8] == b"ftyp":
        return "video"
    if head[:3] == b"\xff\xd8\xff" or head[:8] == b"\x89PNG\r\n\x1a\n" or head[:4] == b"GIF8" or head[8:12] == b"WEBP":
        return "image"
    return None


def size_cap(kind: str | None) -> float:
    settings = get_settings()
    limits = {"image": settings.max_image_mb, "video": settings.max_video_mb}
    return limits[kind] if kind else max(limits.values())


def too_large(size: int, kind: str | None, *, at_least: bool = False) -> MediaError:
    what = {"image": "Images", "video": "Videos"}.get(kind or "", "Files")
    shown_size, shown_cap = size_pair(size, int(size_cap(kind) * MB))  # decimal MB, like every platform limit
    amount = f"more than {shown_size}" if at_least else shown_size
    return MediaError(f"{what} can be at most {shown_cap}; this file is {amount}.")


def receive(source: BinaryIO, into_dir: Path) -> Received:
    """Copy `source` into a temp file in `into_dir`, refusing it as soon as it passes its size limit."""
    into_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=into_dir, prefix=".upload-")
    path = Path(tmp)
    digest, size, kind = hashlib.sha256(), 0, None
    try:
        with os.fdopen(fd, "wb") as out:
            first = True
            while chunk := source.read(CHUNK):
                if first:
                    kind, first = cheap_kind(chunk[:16]), False
                size += len(chunk)
                if size > size_cap(kind) * MB:
                    raise too_large(size, kind, at_least=True)
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Received(path, size, digest.hexdigest(), kind)


def validate(received: Received) -> tuple[SniffedMedia, bytes | None]:
    """What the file really is (by content), plus its bytes when it is an image (for the thumbnail)."""
    if received.size == 0:
        raise MediaError("The file is empty.")
    with open(received.path, "rb") as fh:
        head = fh.read(16)
        if len(head) >= 12 and head[4:8] == b"ftyp":
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as view:
                info = sniff_mp4(view)  # type: ignore[arg-type] - slicing an mmap gives bytes
            return info, None
        if received.size > size_cap("image") * MB:
            raise too_large(received.size, "image")
        fh.seek(0)
        data = fh.read()
    info = sniff_image(data) if cheap_kind(head) == "image" else sniff(data)
    if info.kind == "video":  # unreachable in practice: video is recognised by its header above
        return info, None
    return info, data
