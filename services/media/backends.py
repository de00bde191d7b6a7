"""Where media bytes live: the local disk (default) or S3-compatible object storage.

Every reader and writer of media files (uploads, the media routes, the publishing engine, the
privacy/export helpers) goes through `backend()`, so several web and worker processes on
different hosts can share media through a bucket without a shared disk. Keys are the same
relative paths the `media_assets` rows already store (`<org>/<sha256>.<ext>`,
`<org>/thumbs/<sha256>.jpg`): content-hash names, so an object never changes once written and a
local copy of it can be cached forever.

The S3 backend (services/media/s3_backend.py) is chosen with
`SOCIALHUB_MEDIA_STORAGE=s3://bucket/prefix`; anything else (empty, `local`) keeps files under
`SOCIALHUB_MEDIA_DIR`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from services.config import Settings, get_settings
from services.media.sniff import MediaError, MediaNotFound

CHUNK = 1024 * 1024


class MediaStorageUnavailable(MediaError):
    """The media storage could not be reached or refused us; the message is safe to show as is.

    A MediaError, so every upload path already shows it to the person instead of a stack trace;
    the publishing engine turns it into a transient platform error (retried later).
    """


class StorageBackend(Protocol):
    """What every media store offers; keys are relative paths like `3/abc….png`."""

    name: str

    def size(self, key: str) -> int | None:
        """Size in bytes of a stored object, or None when absent."""

    def put_file(self, key: str, path: Path, content_type: str) -> None:
        """Store a local file under `key` (streamed: never read whole into memory)."""

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        """Store small bytes (thumbnails)."""

    def iter_chunks(self, key: str) -> tuple[int, Iterator[bytes]]:
        """(size, chunks) of a stored object; MediaNotFound when absent."""

    def read_bytes(self, key: str) -> bytes:
        """The whole object (small files: thumbnails, images for the vision model)."""

    def local_path(self, key: str) -> Path:
        """A local file holding the object, for code that needs a path (adapters upload from it)."""

    def delete(self, key: str) -> None:
        """Remove an object; absent is fine."""

    def delete_prefix(self, prefix: str) -> None:
        """Remove every object under `prefix/` (a whole workspace's media)."""

    def presigned_url(self, key: str, expires_seconds: int, content_type: str) -> str | None:
        """A URL anyone can GET until it expires, or None when this store has none (local disk)."""


class LocalBackend:
    """Files under the media directory: today's layout, unchanged."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        """Where a key lives; refuses anything that would escape the media dir."""
        root = self.root.resolve()
        path = (root / key).resolve()
        if root not in path.parents:
            raise MediaError("Media file not found.")
        return path

    def size(self, key: str) -> int | None:
        path = self.path(key)
        return path.stat().st_size if path.is_file() else None

    def put_file(self, key: str, path: Path, content_type: str) -> None:
        target = self.path(key)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            os.replace(path, target)  # same filesystem (temp files are made beside the media)
        except OSError:
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
            os.close(fd)
            shutil.copyfile(path, tmp)
            os.replace(tmp, target)

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        """Write beside the target then rename, so a crash never leaves a half file under a valid name."""
        target = self.path(key)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def iter_chunks(self, key: str) -> tuple[int, Iterator[bytes]]:
        path = self.path(key)
        try:
            fh = path.open("rb")
        except OSError as exc:
            raise MediaNotFound("Media file not found.") from exc

        def chunks() -> Iterator[bytes]:
            with fh:
                while chunk := fh.read(CHUNK):
                    yield chunk

        return os.fstat(fh.fileno()).st_size, chunks()

    def read_bytes(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except OSError as exc:
            raise MediaNotFound("Media file not found.") from exc

    def local_path(self, key: str) -> Path:
        return self.path(key)

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> None:
        shutil.rmtree(self.root / prefix.strip("/"), ignore_errors=True)

    def presigned_url(self, key: str, expires_seconds: int, content_type: str) -> str | None:
        return None


def parse_storage_url(url: str) -> tuple[str, str] | None:
    """`s3://bucket/some/prefix` → ("bucket", "some/prefix"); None for local storage."""
    url = (url or "").strip()
    if url in ("", "local") or url.startswith("file:"):
        return None
    if not url.startswith("s3://"):
        from services.config import ConfigError

        raise ConfigError(f"SOCIALHUB_MEDIA_STORAGE must be empty, 'local' or s3://bucket/prefix (got {url!r})")
    bucket, _, prefix = url[len("s3://"):].partition("/")
    if not bucket:
        from services.config import ConfigError

        raise ConfigError("SOCIALHUB_MEDIA_STORAGE=s3://… needs a bucket name (s3://bucket/prefix)")
    return bucket, prefix.strip("/")


def make_backend(settings: Settings) -> StorageBackend:
    target = parse_storage_url(settings.media_storage)
    if target is None:
        return LocalBackend(settings.media_dir)
    from services.media.s3_backend import S3Backend

    return S3Backend(settings, *target)


_current: tuple[Settings, StorageBackend] | None = None


def backend() -> StorageBackend:
    """The configured store, rebuilt when settings change (one boto3 client: they are thread-safe)."""
    global _current
    settings = get_settings()
    held = _current
    if held is None or held[0] is not settings:
        held = _current = (settings, make_backend(settings))
    return held[1]
