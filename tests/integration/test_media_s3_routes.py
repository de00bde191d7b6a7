"""The media routes read through the storage interface: with media on a real S3 server (Ceph RGW)
the app streams the bucket's bytes to members, to signed public links, and says 503 when the bucket
is down (never a stack trace, never another workspace's file).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from services import auth
from services.media.public_links import public_media_url
from services.media.storage import store_upload
from services.sessions import cookie_name
from socialhub_app.media_routes import media_routes
from tests.integration.s3_support import dead_endpoint, png, use_s3
from tests.realservers.ceph import CephS3


@pytest.fixture
def member(db: str, ceph_s3: CephS3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    bucket = f"routes-{uuid.uuid4().hex[:12]}"
    ceph_s3.client().create_bucket(Bucket=bucket)
    use_s3(monkeypatch, ceph_s3, bucket, "m", tmp_path / "web-host")
    email = f"{bucket}@example.com"
    user_id = auth.register_user(email, "M", "a strong password")
    token = auth.login(email, "a strong password")
    me = auth.resolve_session(token)
    data = png((30, 60, 90))
    asset = store_upload(me.organization_id, user_id, "pic.png", data)
    client = TestClient(Starlette(routes=media_routes()))
    return {"client": client, "token": token, "asset": asset, "data": data, "bucket": bucket, "dir": tmp_path}


def test_members_get_the_file_and_thumbnail_streamed_from_the_bucket(member: dict) -> None:
    client, asset = member["client"], member["asset"]
    cookies = {cookie_name(): member["token"]}
    original = client.get(f"/media/{asset['id']}", cookies=cookies)
    assert original.status_code == 200 and original.content == member["data"]
    assert original.headers["content-type"] == "image/png"
    assert original.headers["content-length"] == str(len(member["data"]))
    thumb = client.get(f"/media/{asset['id']}/thumb", cookies=cookies)
    assert thumb.status_code == 200 and thumb.content[:3] == b"\xff\xd8\xff"
    assert client.get(f"/media/{asset['id']}").status_code == 404  # not logged in
    assert not any(p.is_file() for p in member["dir"].rglob("*"))  # streamed, not copied to this host


def test_signed_public_link_is_served_from_the_bucket(member: dict) -> None:
    asset = member["asset"]
    url = public_media_url(asset["id"], asset["sha256"])
    path = url.split("/media/public/", 1)[1]
    answer = member["client"].get(f"/media/public/{path}")
    assert answer.status_code == 200 and answer.content == member["data"]


def test_bucket_down_is_a_503_not_a_crash(member: dict, ceph_s3: CephS3, monkeypatch: pytest.MonkeyPatch) -> None:
    use_s3(monkeypatch, ceph_s3, member["bucket"], "m", member["dir"] / "web-host", endpoint=dead_endpoint())
    answer = member["client"].get(f"/media/{member['asset']['id']}", cookies={cookie_name(): member["token"]})
    assert answer.status_code == 503 and answer.headers["retry-after"] == "30"
