"""Media uploads are validated by content on real files; a refusal stores nothing (disk and DB)."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func
from sqlmodel import select

from services.config import get_settings, reset_settings
from services.db import session_scope
from services.media import (
    MediaError,
    delete_media,
    get_asset,
    media_file,
    media_for_post,
    media_problems,
    store_upload,
)
from services.models import MediaAsset, Organization, Post, PostMedia, User
from services.platforms.base import Constraints, MediaRules


def _image_bytes(fmt: str, size: tuple[int, int] = (64, 48), mode: str = "RGB") -> bytes:
    img = Image.new(mode, size, (200, 30, 60) if mode == "RGB" else (200, 30, 60, 128))
    out = io.BytesIO()
    img.save(out, fmt)
    return out.getvalue()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def _mp4(major: bytes = b"isom", duration: int = 5000, timescale: int = 1000, with_moov: bool = True) -> bytes:
    ftyp = _box(b"ftyp", major + struct.pack(">I", 512) + b"isom" + b"mp41")
    mvhd = _box(b"mvhd", bytes(4) + struct.pack(">IIII", 0, 0, timescale, duration) + bytes(80))
    moov = _box(b"moov", mvhd) if with_moov else b""
    return ftyp + moov + _box(b"mdat", b"\x00" * 32)


@pytest.fixture
def org(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    monkeypatch.setenv("SOCIALHUB_MEDIA_DIR", str(tmp_path / "media"))
    reset_settings()
    with session_scope() as s:
        o = Organization(name="Acme")
        u = User(email="m@example.com", name="M", password_hash="x")
        s.add(o)
        s.add(u)
        s.flush()
        return int(o.id), int(u.id)


def _stored_files() -> list[Path]:
    root = get_settings().media_dir
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _asset_count() -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(MediaAsset)).one()


@pytest.mark.parametrize(
    ("fmt", "mime"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp"), ("GIF", "image/gif")]
)
def test_images_are_stored_with_thumbnail_and_dimensions(org: tuple[int, int], fmt: str, mime: str) -> None:
    org_id, user_id = org
    data = _image_bytes(fmt, (640, 480))
    asset = store_upload(org_id, user_id, f"C:\\photos\\holiday.{fmt.lower()}", data)
    assert asset["kind"] == "image" and asset["mime_type"] == mime
    assert (asset["width"], asset["height"]) == (640, 480)
    assert asset["original_name"] == f"holiday.{fmt.lower()}"
    stored = get_settings().media_dir / asset["storage_path"]
    assert stored.read_bytes() == data and stored.parent.name == str(org_id)
    with Image.open(get_settings().media_dir / asset["thumbnail_path"]) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == 320
    assert get_asset(org_id, asset["id"])["sha256"] == asset["sha256"]


def test_transparent_png_thumbnail(org: tuple[int, int]) -> None:
    asset = store_upload(*org, "logo.png", _image_bytes("PNG", (50, 50), "RGBA"))
    assert (get_settings().media_dir / asset["thumbnail_path"]).exists()


def test_mp4_is_sniffed_with_duration(org: tuple[int, int]) -> None:
    asset = store_upload(*org, "clip.mp4", _mp4(duration=7500, timescale=1000))
    assert asset["kind"] == "video" and asset["mime_type"] == "video/mp4"
    assert asset["duration_seconds"] == 7.5
    assert asset["storage_path"].endswith(".mp4")
    assert (get_settings().media_dir / asset["thumbnail_path"]).exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.png", b"just some text, renamed to look like a picture\n" * 3, "isn't supported"),
        ("empty.jpg", b"", "empty"),
        ("doc.png", b"%PDF-1.7\n" + b"0" * 200, "isn't supported"),
        ("truncated.png", _image_bytes("PNG", (300, 300))[:200], "damaged or incomplete"),
        ("bitmap.png", _image_bytes("BMP"), "isn't supported"),
        ("movie.mp4", _mp4(major=b"qt  ").replace(b"isommp41", b"qt  qt  "), "isn't an MP4"),
        ("nomoov.mp4", _mp4(with_moov=False), "no index"),
        ("cut.mp4", _mp4()[:-10], "incomplete"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    org: tuple[int, int], name: str, data: bytes, message: str
) -> None:
    with pytest.raises(MediaError) as err:
        store_upload(*org, name, data)
    assert message in str(err.value)
    assert _stored_files() == [] and _asset_count() == 0


def test_oversized_files_are_refused(org: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALHUB_MAX_IMAGE_MB", "0.01")
    monkeypatch.setenv("SOCIALHUB_MAX_VIDEO_MB", "0.0001")
    reset_settings()
    big = Image.effect_noise((200, 200), 80).convert("RGB")
    out = io.BytesIO()
    big.save(out, "PNG")
    assert len(out.getvalue()) > 0.01 * 1000 * 1000
    with pytest.raises(MediaError, match=r"Images can be at most 0\.01 MB; this file is (more than )?0\.\d\d MB"):
        store_upload(*org, "noise.png", out.getvalue())
    with pytest.raises(MediaError, match=r"Videos can be at most 0\.10 KB"):
        store_upload(*org, "clip.mp4", _mp4())
    small = store_upload(*org, "small.gif", _image_bytes("GIF", (8, 8)))
    assert small["kind"] == "image"
    assert _asset_count() == 1


def test_same_content_shares_a_file_until_the_last_asset_is_deleted(org: tuple[int, int]) -> None:
    org_id, user_id = org
    data = _image_bytes("JPEG")
    first = store_upload(org_id, user_id, "a.jpg", data)
    second = store_upload(org_id, user_id, "b.jpg", data)
    assert first["id"] != second["id"] and first["storage_path"] == second["storage_path"]
    path = get_settings().media_dir / first["storage_path"]
    delete_media(org_id, first["id"])
    assert path.exists()
    delete_media(org_id, second["id"])
    assert not path.exists() and _stored_files() == []


def test_other_workspace_cannot_see_or_delete(org: tuple[int, int]) -> None:
    org_id, user_id = org
    with session_scope() as s:
        other = Organization(name="Other")
        s.add(other)
        s.flush()
        other_id = int(other.id)
    asset = store_upload(org_id, user_id, "a.png", _image_bytes("PNG"))
    with pytest.raises(MediaError, match="not found"):
        delete_media(other_id, asset["id"])
    with pytest.raises(MediaError, match="not found"):
        get_asset(other_id, asset["id"])
    assert _asset_count() == 1


def test_media_for_post_and_delete_refused_while_post_pending(org: tuple[int, int]) -> None:
    org_id, user_id = org
    a = store_upload(org_id, user_id, "a.png", _image_bytes("PNG"))
    b = store_upload(org_id, user_id, "b.jpg", _image_bytes("JPEG"))
    with session_scope() as s:
        post = Post(organization_id=org_id, body="hi", status="scheduled")
        s.add(post)
        s.flush()
        s.add(PostMedia(organization_id=org_id, post_id=post.id, media_asset_id=b["id"], position=0))
        s.add(PostMedia(organization_id=org_id, post_id=post.id, media_asset_id=a["id"], position=1))
        post_id = int(post.id)
    assert [m["id"] for m in media_for_post(org_id, post_id)] == [b["id"], a["id"]]
    assert media_for_post(org_id + 999, post_id) == []
    with pytest.raises(MediaError, match="attached to 1 post"):
        delete_media(org_id, a["id"])
    with session_scope() as s:
        s.get(Post, post_id).status = "published"
    delete_media(org_id, a["id"])
    assert [m["id"] for m in media_for_post(org_id, post_id)] == [b["id"]]
    mf = media_file(get_asset(org_id, b["id"]))
    assert Path(mf.path).is_file() and mf.mime_type == "image/jpeg" and mf.kind == "image"
    assert (mf.width, mf.height) == (64, 48)


def test_media_problems_per_platform_rules() -> None:
    img = {"kind": "image", "mime_type": "image/png", "size_bytes": 6 * 1024 * 1024, "original_name": "big.png"}
    gif = {"kind": "image", "mime_type": "image/gif", "size_bytes": 1000, "original_name": "a.gif"}
    vid = {"kind": "video", "mime_type": "video/mp4", "size_bytes": 1000, "original_name": "v.mp4"}
    rules = MediaRules(image_types=("image/jpeg", "image/png"), max_images=2, image_max_bytes=5 * 1024 * 1024)
    problems = media_problems(rules, [img, gif, vid, img], "Example")
    assert "Example takes images up to 5.24 MB; big.png is 6.29 MB." in problems
    assert "Example doesn't accept image/gif (a.gif)." in problems
    assert "Example takes at most 2 images; this post has 3." in problems
    assert "Example can't mix images and a video in one post." in problems
    assert media_problems(MediaRules(), [gif]) == []
    needs_video = Constraints(max_chars=2200, requires_media="video")
    assert media_problems(needs_video, [gif], "TikTok") == ["TikTok needs a video."]
    assert media_problems(needs_video, [vid], "TikTok") == []


def test_size_messages_never_show_two_equal_numbers() -> None:
    """1,030,000 bytes against Bluesky's 1,000,000 once read "1.0 MB; the limit … is 1.0 MB"."""
    from services.platforms.bluesky import BlueskyAdapter

    png = {"kind": "image", "mime_type": "image/png", "size_bytes": 1_030_000, "original_name": "big.png"}
    assert media_problems(BlueskyAdapter.constraints, [png], "Bluesky") == [
        "Bluesky takes images up to 1.00 MB; big.png is 1.03 MB."
    ]
    barely = {**png, "size_bytes": 1_000_001}
    assert media_problems(BlueskyAdapter.constraints, [barely], "Bluesky") == [
        "Bluesky takes images up to 1,000,000 bytes; big.png is 1,000,001 bytes."
    ]
