"""Media in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, Garage, Ceph RGW) through boto3.

Why these client settings:
- `signature_version="s3v4"`: with a custom endpoint boto3 would otherwise presign with SigV2,
  which R2, Garage and newer S3 regions refuse.
- path-style addressing by default (`http://host/bucket/key`): self-hosted servers rarely have
  wildcard DNS for `bucket.host`; `SOCIALHUB_S3_ADDRESSING=virtual` switches for AWS if wanted.
- checksums only when required: boto3 ≥ 1.36 adds CRC32 trailers to every upload, which several
  S3-compatible servers reject.
- few retries and short connect timeouts: an unreachable bucket must turn into a clear error (an
  upload) or a retry later (a publish) within seconds, not minutes.

Uploads stream from the temp file with `upload_file` (multipart above 8 MB, never whole in memory);
downloads for adapters land in a small local cache keyed by the content-hash name, so a file that
is published to five platforms is fetched once per process.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from services.config import Settings
from services.media.backends import CHUNK, MediaStorageUnavailable
from services.media.sniff import MediaNotFound

log = logging.getLogger(__name__)

#: SigV4 presigned URLs live at most 7 days
MAX_PRESIGN_SECONDS = 7 * 24 * 3600
CACHE_MAX_AGE_SECONDS = 24 * 3600
TRANSFER = TransferConfig(multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024, max_concurrency=4)
NOT_FOUND_CODES = {"404", "NoSuchKey", "NotFound"}


def client_config(settings: Settings) -> Config:
    return Config(
        signature_version="s3v4",
        region_name=settings.s3_region or "us-east-1",
        s3={"addressing_style": "virtual" if settings.s3_addressing == "virtual" else "path"},
        retries={"max_attempts": 2, "mode": "standard"},
        connect_timeout=5,
        read_timeout=60,
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )


def _unavailable(exc: Exception, what: str) -> MediaStorageUnavailable:
    """One clear sentence for the person; the technical reason goes to the log (no keys in it)."""
    log.warning("media storage %s failed: %s", what, exc)
    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"):
            return MediaStorageUnavailable(
                "The media storage refused SocialHub's access keys; ask the administrator to check the S3 settings."
            )
        if code in ("NoSuchBucket",):
            return MediaStorageUnavailable("The media storage bucket does not exist; ask the administrator.")
    if what == "delete":
        return MediaStorageUnavailable(
            "The media storage is unreachable right now, so the file could not be deleted from it; try again shortly."
        )
    if what in ("upload", "head"):  # head only runs before a write (upload, media-to-s3)
        return MediaStorageUnavailable("The media storage is unreachable right now; nothing was saved. Try again shortly.")
    return MediaStorageUnavailable("The media storage is unreachable right now; try again shortly.")


def _is_not_found(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code", "")) in NOT_FOUND_CODES


class S3Backend:
    name = "s3"

    def __init__(self, settings: Settings, bucket: str, prefix: str) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.cache_dir = settings.media_dir / ".s3-cache"
        self._last_prune = 0.0
        self.client: Any = boto3.session.Session().client(
            "s3",
            endpoint_url=settings.s3_endpoint or None,
            aws_access_key_id=settings.s3_access_key_id or None,
            aws_secret_access_key=settings.s3_secret_access_key or None,
            config=client_config(settings),
        )

    def object_key(self, key: str) -> str:
        key = key.lstrip("/")
        if ".." in key.split("/"):
            raise MediaNotFound("Media file not found.")
        return f"{self.prefix}/{key}" if self.prefix else key

    def size(self, key: str) -> int | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as exc:
            if _is_not_found(exc):
                return None
            raise _unavailable(exc, "head") from exc
        except BotoCoreError as exc:
            raise _unavailable(exc, "head") from exc
        return int(head["ContentLength"])

    def put_file(self, key: str, path: Path, content_type: str) -> None:
        try:
            self.client.upload_file(
                str(path), self.bucket, self.object_key(key), ExtraArgs={"ContentType": content_type}, Config=TRANSFER
            )
        except (ClientError, BotoCoreError, S3UploadFailedError) as exc:
            raise _unavailable(exc, "upload") from exc

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        try:
            self.client.put_object(Bucket=self.bucket, Key=self.object_key(key), Body=data, ContentType=content_type)
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable(exc, "upload") from exc

    def _get(self, key: str) -> dict[str, Any]:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as exc:
            if _is_not_found(exc):
                raise MediaNotFound("Media file not found.") from exc
            raise _unavailable(exc, "download") from exc
        except BotoCoreError as exc:
            raise _unavailable(exc, "download") from exc

    def iter_chunks(self, key: str) -> tuple[int, Iterator[bytes]]:
        answer = self._get(key)
        body = answer["Body"]

        def chunks() -> Iterator[bytes]:
            try:
                yield from body.iter_chunks(CHUNK)
            finally:
                body.close()

        return int(answer["ContentLength"]), chunks()

    def read_bytes(self, key: str) -> bytes:
        body = self._get(key)["Body"]
        try:
            return body.read()
        except BotoCoreError as exc:
            raise _unavailable(exc, "download") from exc
        finally:
            body.close()

    def local_path(self, key: str) -> Path:
        """Cached copy (content-hash names never change); downloaded to a temp name then renamed."""
        target = self.cache_dir / self.object_key(key)
        if target.is_file():
            os.utime(target)  # recently used: keep it past the next prune
            return target
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".download-")
        try:
            with os.fdopen(fd, "wb") as out:
                self.client.download_fileobj(self.bucket, self.object_key(key), out, Config=TRANSFER)
            os.replace(tmp, target)
        except ClientError as exc:
            Path(tmp).unlink(missing_ok=True)
            if _is_not_found(exc):
                raise MediaNotFound("Media file not found.") from exc
            raise _unavailable(exc, "download") from exc
        except BotoCoreError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise _unavailable(exc, "download") from exc
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._prune_cache()
        return target

    def _prune_cache(self) -> None:
        """Drop cached copies unused for a day (at most one scan an hour)."""
        now = time.time()
        if now - self._last_prune < 3600:
            return
        self._last_prune = now
        for path in self.cache_dir.rglob("*"):
            try:
                if path.is_file() and now - path.stat().st_mtime > CACHE_MAX_AGE_SECONDS:
                    path.unlink()
            except OSError:
                continue

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable(exc, "delete") from exc
        (self.cache_dir / self.object_key(key)).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> None:
        full = self.object_key(prefix.strip("/")) + "/"
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=full)
            for page in pages:
                keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
                if keys:
                    self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True})
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable(exc, "delete") from exc

    def presigned_url(self, key: str, expires_seconds: int, content_type: str) -> str | None:
        """Signed locally (no request to the server), so it is cheap on the publishing path."""
        return self.client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket, "Key": self.object_key(key), "ResponseContentType": content_type},
            ExpiresIn=max(1, min(int(expires_seconds), MAX_PRESIGN_SECONDS)),
        )
