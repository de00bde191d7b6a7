"""Pointing SocialHub's media storage at the real Ceph RGW bucket (tests/realservers/ceph)."""

from __future__ import annotations

import io
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from services.config import reset_settings
from services.db import session_scope
from services.models import Organization, User
from tests.realservers.ceph import CephS3


@dataclass
class S3World:
    server: CephS3
    bucket: str
    prefix: str
    org_id: int
    user_id: int
    media_dir: Path

    def key(self, relative: str) -> str:
        return f"{self.prefix}/{relative}"

    def objects(self) -> dict[str, int]:
        """Every object in the test bucket → its size."""
        listing = self.server.client().list_objects_v2(Bucket=self.bucket)
        return {o["Key"]: o["Size"] for o in listing.get("Contents", [])}


def dead_endpoint() -> str:
    """A loopback port nothing listens on: the bucket 'is down'."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def png(color: tuple[int, int, int] = (200, 30, 60), size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def use_s3(monkeypatch: pytest.MonkeyPatch, server: CephS3, bucket: str, prefix: str, media_dir: Path,
           *, endpoint: str | None = None, secret: str | None = None) -> None:  # fmt: skip
    """What an operator sets; `media_dir` is this 'host's' own local folder (no shared disk)."""
    monkeypatch.setenv("SOCIALHUB_MEDIA_STORAGE", f"s3://{bucket}/{prefix}")
    monkeypatch.setenv("SOCIALHUB_S3_ENDPOINT", endpoint or server.endpoint)
    monkeypatch.setenv("SOCIALHUB_S3_REGION", server.region)
    monkeypatch.setenv("SOCIALHUB_S3_ACCESS_KEY_ID", server.access_key)
    monkeypatch.setenv("SOCIALHUB_S3_SECRET_ACCESS_KEY", secret or server.secret_key)
    monkeypatch.setenv("SOCIALHUB_MEDIA_DIR", str(media_dir))
    reset_settings()


@pytest.fixture
def s3_world(db: str, ceph_s3: CephS3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> S3World:
    bucket = f"media-{uuid.uuid4().hex[:12]}"
    ceph_s3.client().create_bucket(Bucket=bucket)
    media_dir = tmp_path / "host-a-media"
    use_s3(monkeypatch, ceph_s3, bucket, "socialhub", media_dir)
    with session_scope() as s:
        org = Organization(name="Acme")
        user = User(email=f"{bucket}@example.com", name="M", password_hash="x")
        s.add(org)
        s.add(user)
        s.flush()
        return S3World(ceph_s3, bucket, "socialhub", int(org.id), int(user.id), media_dir)
