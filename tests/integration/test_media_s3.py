"""Media on S3-compatible object storage, against a real S3 server (Ceph RGW, tests/realservers/ceph).

RGW checks SigV4 signatures, presigned-URL expiry and the access keys like AWS does, so these
tests fail if the client presigns with SigV2, ignores expiry, or sends the wrong secret.
"""

from __future__ import annotations

import hashlib
import struct
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import select

from services.admin.__main__ import main as admin_main
from services.config import reset_settings
from services.db import session_scope
from services.media import delete_media, media_file, store_upload
from services.media.backends import MediaStorageUnavailable, backend
from services.media.sniff import MediaNotFound
from services.media.storage import (
    delete_workspace_files,
    local_media_path,
    read_media,
    store_upload_stream,
)
from services.models import MediaAsset
from tests.integration.s3_support import S3World, dead_endpoint, png, use_s3


def _rows(org_id: int) -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(MediaAsset).where(MediaAsset.organization_id == org_id)).one()


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_upload_goes_to_the_bucket_with_content_hash_names_and_type(s3_world: S3World) -> None:
    data = png()
    asset = store_upload(s3_world.org_id, s3_world.user_id, "pic.png", data)
    digest = hashlib.sha256(data).hexdigest()
    assert asset["storage_path"] == f"{s3_world.org_id}/{digest}.png"
    objects = s3_world.objects()
    assert objects[s3_world.key(asset["storage_path"])] == len(data)
    assert s3_world.key(asset["thumbnail_path"]) in objects
    head = s3_world.server.client().head_object(Bucket=s3_world.bucket, Key=s3_world.key(asset["storage_path"]))
    assert head["ContentType"] == "image/png"
    assert _files(s3_world.media_dir) == []  # nothing kept on this host's disk
    assert read_media(asset["storage_path"]) == data

    again = store_upload(s3_world.org_id, s3_world.user_id, "same.png", data)  # same bytes: same object
    assert again["storage_path"] == asset["storage_path"] and len(s3_world.objects()) == 2


def test_another_host_without_shared_disk_reads_the_same_media(
    s3_world: S3World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = png((10, 120, 30))
    asset = store_upload(s3_world.org_id, s3_world.user_id, "pic.png", data)
    host_b = tmp_path / "host-b-media"  # a worker elsewhere: its own empty folder
    use_s3(monkeypatch, s3_world.server, s3_world.bucket, s3_world.prefix, host_b)
    path = local_media_path(asset["storage_path"])
    assert path.read_bytes() == data and host_b in path.parents
    assert media_file(asset).path == asset["storage_path"]  # no disk path pretending to exist


def test_big_video_is_streamed_in_parts_not_held_in_memory(s3_world: S3World, tmp_path: Path) -> None:
    size = 40 * 1024 * 1024
    head = struct.pack(">I4s", 24, b"ftyp") + b"isom" + struct.pack(">I", 512) + b"isommp41"
    mvhd = struct.pack(">I4s", 108, b"mvhd") + bytes(4) + struct.pack(">IIII", 0, 0, 1000, 5000) + bytes(80)
    moov = struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
    fill = size - len(head) - len(moov) - 8
    source = tmp_path / "clip.mp4"
    with source.open("wb") as fh:
        fh.write(head + moov + struct.pack(">I4s", 8 + fill, b"mdat"))
        block = bytes(range(256)) * 4096
        for _ in range(fill // len(block)):
            fh.write(block)
        fh.write(b"\x00" * (fill % len(block)))
    tracemalloc.start()
    try:
        with source.open("rb") as fh:
            asset = store_upload_stream(s3_world.org_id, s3_world.user_id, "clip.mp4", fh)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < size / 2, f"upload held {peak} bytes in memory"
    key = s3_world.key(asset["storage_path"])
    head_obj = s3_world.server.client().head_object(Bucket=s3_world.bucket, Key=key)
    assert head_obj["ContentLength"] == size
    assert "-" in head_obj["ETag"], "expected a multipart upload (ETag of the form md5-parts)"


def test_presigned_links_are_sigv4_expire_and_need_the_right_secret(
    s3_world: S3World, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = png((1, 2, 3))
    asset = store_upload(s3_world.org_id, s3_world.user_id, "pic.png", data)
    url = media_file(asset).public_url  # what Instagram / TikTok / Threads get
    assert url.startswith(f"{s3_world.server.endpoint}/{s3_world.bucket}/")  # path-style
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url and "X-Amz-Expires=86400" in url  # SigV4, 24 h
    fetched = httpx.get(url)
    assert fetched.status_code == 200 and fetched.content == data
    assert fetched.headers["content-type"] == "image/png"
    tampered = url.replace(asset["storage_path"], asset["thumbnail_path"])
    assert httpx.get(tampered).status_code == 403

    short = backend().presigned_url(asset["storage_path"], 10, "image/png")
    assert short and httpx.get(short).status_code == 200  # valid for 10 s (room for a loaded machine)
    signed_at = datetime.strptime(parse_qs(urlsplit(short).query)["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ")
    time.sleep(max(0.0, signed_at.replace(tzinfo=UTC).timestamp() + 12 - time.time()))
    assert httpx.get(short).status_code == 403  # expired: refused by the server

    use_s3(monkeypatch, s3_world.server, s3_world.bucket, s3_world.prefix, s3_world.media_dir, secret="not-the-key")
    wrong = media_file(asset).public_url
    assert httpx.get(wrong).status_code == 403


def test_app_links_instead_of_presigned_when_the_bucket_is_private(
    s3_world: S3World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALHUB_S3_PUBLIC_LINKS", "app")
    reset_settings()
    asset = store_upload(s3_world.org_id, s3_world.user_id, "pic.png", png())
    assert "/media/public/" in media_file(asset).public_url


def test_wrong_secret_refuses_the_upload_with_a_clear_message_and_no_row(
    s3_world: S3World, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_s3(monkeypatch, s3_world.server, s3_world.bucket, s3_world.prefix, s3_world.media_dir, secret="not-the-key")
    with pytest.raises(MediaStorageUnavailable, match="refused SocialHub's access keys"):
        store_upload(s3_world.org_id, s3_world.user_id, "pic.png", png())
    assert _rows(s3_world.org_id) == 0 and s3_world.objects() == {}


def test_endpoint_down_during_upload_gives_a_clear_error_and_no_orphan_row(
    s3_world: S3World, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_s3(monkeypatch, s3_world.server, s3_world.bucket, s3_world.prefix, s3_world.media_dir,
           endpoint=dead_endpoint())  # fmt: skip
    started = time.monotonic()
    with pytest.raises(MediaStorageUnavailable) as caught:
        store_upload(s3_world.org_id, s3_world.user_id, "pic.png", png())
    assert str(caught.value) == "The media storage is unreachable right now; nothing was saved. Try again shortly."
    assert time.monotonic() - started < 30
    assert _rows(s3_world.org_id) == 0
    assert _files(s3_world.media_dir) == []  # the temp upload is gone too
    assert s3_world.objects() == {}


def test_delete_removes_objects_and_missing_objects_are_not_found(s3_world: S3World) -> None:
    asset = store_upload(s3_world.org_id, s3_world.user_id, "pic.png", png())
    delete_media(s3_world.org_id, asset["id"])
    assert s3_world.objects() == {}
    with pytest.raises(MediaNotFound):
        read_media(asset["storage_path"])
    store_upload(s3_world.org_id, s3_world.user_id, "b.png", png((9, 9, 9)))
    delete_workspace_files(s3_world.org_id)
    assert s3_world.objects() == {}


def test_media_to_s3_copies_local_media_and_is_safe_to_rerun(
    s3_world: S3World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    local_dir = tmp_path / "old-media"
    monkeypatch.setenv("SOCIALHUB_MEDIA_STORAGE", "")  # before: files on disk
    monkeypatch.setenv("SOCIALHUB_MEDIA_DIR", str(local_dir))
    reset_settings()
    first = store_upload(s3_world.org_id, s3_world.user_id, "a.png", png((1, 1, 1)))
    second = store_upload(s3_world.org_id, s3_world.user_id, "b.png", png((2, 2, 2)))
    (local_dir / ".incoming").mkdir()
    (local_dir / ".incoming" / ".upload-x").write_bytes(b"half")  # temp files are not media
    assert s3_world.objects() == {}

    use_s3(monkeypatch, s3_world.server, s3_world.bucket, s3_world.prefix, tmp_path / "new-host")
    assert admin_main(["media-to-s3", "--source", str(local_dir)]) == 0
    assert "4 copied, 0 already there, 0 failed" in capsys.readouterr().out
    objects = s3_world.objects()
    for asset in (first, second):
        assert objects[s3_world.key(asset["storage_path"])] == asset["size_bytes"]
        assert s3_world.key(asset["thumbnail_path"]) in objects
        assert read_media(asset["storage_path"]) == (local_dir / asset["storage_path"]).read_bytes()

    assert admin_main(["media-to-s3", "--source", str(local_dir), "--verify"]) == 0
    assert "0 copied, 4 already there, 0 failed" in capsys.readouterr().out

    s3_world.server.client().delete_object(Bucket=s3_world.bucket, Key=s3_world.key(second["storage_path"]))
    assert admin_main(["media-to-s3", "--source", str(local_dir)]) == 0
    out = capsys.readouterr().out
    assert f"copied {second['storage_path']}" in out and "1 copied, 3 already there" in out


def test_media_to_s3_refuses_without_a_bucket_configured(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOCIALHUB_MEDIA_STORAGE", "")
    monkeypatch.setenv("SOCIALHUB_MEDIA_DIR", str(tmp_path))
    reset_settings()
    assert admin_main(["media-to-s3"]) == 2
    assert "no bucket to copy into" in capsys.readouterr().err
