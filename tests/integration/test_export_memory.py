"""A workspace with 10,000 posts and 1 GB of media exports without the process growing by more than ~100 MB.

Why it matters: an archive held in memory would take a small server down. The export streams
every JSON file item by item and copies media in 1 MiB chunks; this test measures the process's
resident memory (RSS) while the export runs in its background thread, and checks the archive.
The media are eight 128 MiB files (one random MiB repeated: written in seconds, not compressible).
"""

from __future__ import annotations

import os
import threading
import time
import zipfile

import psutil
import pytest
from sqlalchemy import insert

from services.config import get_settings
from services.db import session_scope
from services.models import MediaAsset, Post, PostTarget, utcnow
from services.ownership import exports
from tests.integration.privacy_helpers import actor

POSTS = 10_000
FILES, FILE_MB = 8, 128
LIMIT_MB = 100


def _seed_big_workspace(org_id: int, user_id: int, account_id: int) -> None:
    now = utcnow()
    with session_scope() as s:
        s.execute(insert(Post), [{"organization_id": org_id, "author_id": user_id, "body": f"Post number {i} " + "x" * 200,
                                  "status": "draft", "timezone": "UTC", "created_at": now, "updated_at": now}
                                 for i in range(POSTS)])  # fmt: skip
        ids = [p for (p,) in s.execute(Post.__table__.select().with_only_columns(Post.id)
                                       .where(Post.organization_id == org_id)).all()]  # fmt: skip
        s.execute(insert(PostTarget), [{"organization_id": org_id, "post_id": pid, "social_account_id": account_id,
                                        "status": "draft", "created_at": now, "updated_at": now} for pid in ids])  # fmt: skip
    folder = get_settings().media_dir / str(org_id)
    folder.mkdir(parents=True, exist_ok=True)
    block = os.urandom(1024 * 1024)
    rows = []
    for n in range(FILES):
        relative = f"{org_id}/big-{n}.mp4"
        with open(get_settings().media_dir / relative, "wb") as out:
            for i in range(FILE_MB):
                out.write(block[:-8] + n.to_bytes(4, "big") + i.to_bytes(4, "big"))  # every MiB differs a little
        rows.append({"organization_id": org_id, "uploaded_by": user_id, "kind": "video", "mime_type": "video/mp4",
                     "storage_path": relative, "size_bytes": FILE_MB * 1024 * 1024, "sha256": f"{n:064x}",
                     "created_at": now})  # fmt: skip
    with session_scope() as s:
        s.execute(insert(MediaAsset), rows)


@pytest.mark.slow
def test_ten_thousand_posts_and_a_gigabyte_of_media_stay_within_memory(sqlite_db: str) -> None:
    from services.accounts import connect_demo

    owner = actor("owner@example.com")
    account = connect_demo(owner.organization_id, owner.user_id)
    _seed_big_workspace(owner.organization_id, owner.user_id, account)
    proc = psutil.Process()
    baseline = proc.memory_info().rss
    peak = [baseline]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], proc.memory_info().rss)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    try:
        view = exports.request_workspace_export(owner)  # the real path: a background thread
        while (view := exports.latest_export(owner, "workspace")).status not in {"ready", "failed"}:
            assert time.monotonic() - started < 300, f"stuck at {view.progress}%"
            time.sleep(0.1)
    finally:
        done.set()
        sampler.join()
    growth_mb = (peak[0] - baseline) / 1024 / 1024
    assert view.status == "ready", view.message
    assert growth_mb < LIMIT_MB, f"the process grew by {growth_mb:.0f} MB"
    path = exports.exports_dir() / _file_name(view.id)
    assert view.size_bytes >= FILES * FILE_MB * 1024 * 1024
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert sum(n.startswith("media/") for n in names) == FILES
        with zf.open("posts.json") as f:  # count without loading the whole file
            assert sum(1 for line in f if line.startswith(b"{")) == POSTS
    path.unlink()
    print(f"export of {POSTS} posts + {FILES * FILE_MB} MB media: +{growth_mb:.1f} MB RSS, "
          f"{time.monotonic() - started:.1f} s")  # fmt: skip


def _file_name(export_id: int) -> str:
    from services.models import DataExport

    with session_scope() as s:
        return s.get(DataExport, export_id).file_name
