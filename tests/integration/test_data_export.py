"""Workspace export → import round trip, personal export, signed links, refused imports (SQLite + PostgreSQL)."""

from __future__ import annotations

import json
import shutil
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from services.config import get_settings
from services.db import session_scope
from services.models import AuditLog, DataExport, MediaAsset, Organization, Post, SocialAccount, utcnow
from services.ownership import exports
from services.ownership.importer import import_workspace
from services.permissions import PermissionDenied
from tests.dbutil import truncate_all
from tests.fakes.openai_server import png_bytes
from tests.integration.privacy_helpers import (
    SECRET_TOKEN,
    actor,
    normalized,
    populate,
    read_archive,
    rewrite,
)


def _export(user) -> Path:  # noqa: ANN001
    view = exports.request_workspace_export(user, background=False)
    assert view.status == "ready", view.message
    assert view.progress == 100 and view.url.startswith(f"/exports/{view.id}/")
    _, expires, sig = view.url.rsplit("/", 2)
    found = exports.resolve_download(user.user_id, view.id, int(expires), sig)
    assert found is not None
    return found[0]


def _fresh_instance(db: str) -> None:
    """An empty database and an empty media folder: 'another instance'."""
    truncate_all(db)
    shutil.rmtree(get_settings().media_dir, ignore_errors=True)


def test_round_trip_keeps_everything_but_ids_and_tokens(db: str, tmp_path: Path) -> None:
    owner = actor("owner@example.com")
    populate(owner)
    first = shutil.copy(_export(owner), tmp_path / "export.zip")
    archive = read_archive(first)
    assert archive["manifest.json"]["schema_version"] == 1 and archive["manifest.json"]["kind"] == "workspace"
    assert b"README" not in archive["README.md"][:0] and b"posts.json" in archive["README.md"]
    raw = b"".join(v if isinstance(v, bytes) else json.dumps(v).encode() for v in archive.values())
    assert SECRET_TOKEN.encode() not in raw and b"token_blob" not in raw  # tokens never leave
    assert len(archive["posts.json"]) == 3 and len(archive["media.json"]) == 2
    assert sum(1 for n in archive if n.startswith("media/")) == 2
    published = next(p for p in archive["posts.json"] if p["body"] == "Already out")
    assert published["targets"][0]["metrics"]["likes"] == 7

    _fresh_instance(db)
    importer = actor("owner@example.com")
    report = import_workspace(importer, first)
    assert report.ok, report.problems
    assert report.counts["posts"] == 3 and report.counts["media files"] == 2
    assert sorted(report.reconnect) == ["demo: Demo", "mastodon: acme"] or len(report.reconnect) == 2
    with session_scope() as s:
        accounts = s.execute(select(SocialAccount).where(SocialAccount.organization_id == report.workspace_id)).scalars().all()
        assert {a.status for a in accounts} == {"needs_reconnect"} and all(a.token_blob is None for a in accounts)
        for asset in s.execute(select(MediaAsset).where(MediaAsset.organization_id == report.workspace_id)).scalars():
            assert (get_settings().media_dir / asset.storage_path).is_file()  # re-uploaded, not just rows
    importer = actor_in(importer, report.workspace_id)
    second = read_archive(_export(importer))
    assert normalized(second) == normalized(archive)


def actor_in(user, org_id: int):  # noqa: ANN001, ANN201
    """The same person acting in the imported workspace (they are its Owner)."""
    from dataclasses import replace

    return replace(user, organization_id=org_id, role="owner")


def test_personal_export_holds_only_my_things(db: str) -> None:
    owner = actor("owner@example.com")
    populate(owner)
    view = exports.request_personal_export(owner, background=False)
    _, expires, sig = view.url.rsplit("/", 2)
    path, name = exports.resolve_download(owner.user_id, view.id, int(expires), sig)
    assert name.startswith("socialhub-my-data-")
    archive = read_archive(path)
    assert archive["profile.json"]["email"] == "owner@example.com"
    assert "password_hash" not in json.dumps(archive["profile.json"])
    assert {p["body"] for p in archive["posts.json"]} == {"Draft with a picture ✨", "Scheduled launch", "Already out"}
    assert archive["comments.json"][0]["body"] == "Looks good, ship it"
    assert archive["memberships.json"][0]["role"] == "owner" and archive["sessions.json"]
    assert len(archive["media.json"]) == 2 and b"Personal" not in archive["README.md"][:0]
    # someone else's link, a tampered signature and an expired link all download nothing
    other = actor("other@example.com", "Other")
    assert exports.resolve_download(other.user_id, view.id, int(expires), sig) is None
    assert exports.resolve_download(owner.user_id, view.id, int(expires), "0" * 40) is None
    assert exports.resolve_download(owner.user_id, view.id, int(time.time()) - 5, sig) is None
    with session_scope() as s:  # the request is in the audit log (who took data out, when)
        actions = s.execute(select(AuditLog.action).where(AuditLog.user_id == owner.user_id)).scalars().all()
    assert "user.data_export_requested" in actions


def test_expired_archives_are_deleted(db: str) -> None:
    shutil.rmtree(exports.exports_dir())  # earlier tests' archives (their rows were truncated)
    owner = actor("owner@example.com")
    view = exports.request_personal_export(owner, background=False)
    with session_scope() as s:
        row = s.get(DataExport, view.id)
        row.expires_at = utcnow() - timedelta(minutes=1)
        path = exports.exports_dir() / row.file_name
    stray = exports.exports_dir() / "workspace-deleted-with-its-workspace.zip"
    stray.write_bytes(b"PK")
    assert path.is_file()
    assert exports.purge_expired() == 2
    assert not path.exists() and not stray.exists()
    assert exports.latest_export(owner, "personal").status == "expired"


def test_background_export_reports_progress_then_ready(db: str) -> None:
    owner = actor("owner@example.com")
    populate(owner)
    view = exports.request_workspace_export(owner)
    assert view.status in {"queued", "running", "ready"}
    deadline = time.monotonic() + 60
    while (view := exports.latest_export(owner, "workspace")).status != "ready":
        assert view.status != "failed" and time.monotonic() < deadline
        time.sleep(0.2)
    assert view.progress == 100 and view.size_bytes > 0


def test_only_owners_export_and_admins_import(db: str, tmp_path: Path) -> None:
    admin = actor("admin@example.com", "Admin", role="admin")
    with pytest.raises(PermissionDenied, match="Admins can't export the workspace"):
        exports.request_workspace_export(admin)
    viewer = actor("viewer@example.com", "Viewer", role="viewer")
    with pytest.raises(PermissionDenied):
        import_workspace(viewer, tmp_path / "x.zip")
    exports.request_personal_export(viewer, background=False)  # everyone gets their own data


def _counts() -> tuple[int, int, int]:
    with session_scope() as s:
        return tuple(s.execute(select(func.count()).select_from(m)).scalar() for m in (Organization, Post, MediaAsset))


def _media_files() -> set[Path]:
    root = get_settings().media_dir
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
def exported(db: str, tmp_path: Path) -> Path:
    owner = actor("owner@example.com")
    populate(owner)
    path = shutil.copy(_export(owner), tmp_path / "good.zip")
    _fresh_instance(db)
    return Path(path)


def _refused(archive: Path, expect: str) -> None:
    importer = actor("importer@example.com", "Importer")
    before, files = _counts(), _media_files()
    report = import_workspace(importer, archive)
    assert not report.ok and expect in report.summary(), report.summary()
    assert report.summary().startswith("Nothing was imported.")
    assert _counts() == before and _media_files() == files  # nothing half-imported, no stray files


def test_tampered_json_is_refused(exported: Path, tmp_path: Path) -> None:
    data = json.loads(read_zip_entry(exported, "posts.json"))
    data[0]["body"] = "Edited by someone"
    _refused(rewrite(exported, tmp_path / "t.zip", {"posts.json": json.dumps(data).encode()}),
             "posts.json was changed after the export")  # fmt: skip


def test_wrong_version_is_refused(exported: Path, tmp_path: Path) -> None:
    manifest = json.loads(read_zip_entry(exported, "manifest.json"))
    manifest["schema_version"] = 99
    _refused(rewrite(exported, tmp_path / "v.zip", {"manifest.json": json.dumps(manifest).encode()}),
             "schema version 99; this instance reads version 1")  # fmt: skip


def test_broken_reference_is_refused_even_with_matching_checksums(exported: Path, tmp_path: Path) -> None:
    data = json.loads(read_zip_entry(exported, "posts.json"))
    data[0]["targets"][0]["account_id"] = 999_999
    _refused(rewrite(exported, tmp_path / "r.zip", {"posts.json": json.dumps(data).encode()}, fix_manifest=True),
             "targets an account that is not in accounts.json")  # fmt: skip


def test_a_value_the_database_refuses_rolls_everything_back(exported: Path, tmp_path: Path) -> None:
    """Consistent checksums, but the same posting slot twice: the unique constraint refuses it late
    (after media were copied), the transaction rolls back and the copied files are removed."""
    data = json.loads(read_zip_entry(exported, "queue_slots.json"))
    data.append(data[0])
    _refused(rewrite(exported, tmp_path / "n.zip", {"queue_slots.json": json.dumps(data).encode()}, fix_manifest=True),
             "cannot read")  # fmt: skip


def test_not_a_zip_is_refused(db: str, tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"this is not a zip file")
    _refused(junk, "not a ZIP archive")


def test_bad_media_content_rolls_back_and_removes_copied_files(exported: Path, tmp_path: Path) -> None:
    """Checksums all match, but the second picture is not a picture: the first one's copy is removed."""
    import hashlib

    media = json.loads(read_zip_entry(exported, "media.json"))
    fake = b"#!/bin/sh\necho not an image\n" * 10
    media[1]["sha256"] = hashlib.sha256(fake).hexdigest()
    old_name, media[1]["file"] = media[1]["file"], f"media/{media[1]['sha256']}.png"
    changes = {"media.json": json.dumps(media).encode(), old_name: png_bytes()}
    out = rewrite(exported, tmp_path / "m.zip", changes, fix_manifest=True)
    import zipfile

    with zipfile.ZipFile(out, "a") as zf:
        zf.writestr(media[1]["file"], fake)
    _refused(out, "A media file was refused")


def read_zip_entry(path: Path, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def test_ready_archive_is_mailed_when_smtp_is_set(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from services.config import reset_settings
    from tests.fakes.smtp import FakeSmtpServer, first_link

    server = FakeSmtpServer().start()
    try:
        monkeypatch.setenv("SOCIALHUB_SMTP_URL", server.url)
        reset_settings()
        owner = actor("owner@example.com")
        view = exports.request_personal_export(owner, background=False)
        [message] = server.wait_for("owner@example.com")
        assert message["Subject"] == "Your SocialHub export is ready"
        assert first_link(message) == get_settings().base_url + view.url  # the same signed, expiring link
    finally:
        server.stop()
