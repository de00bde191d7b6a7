"""Backup → restore round trip through the real CLI, on SQLite and PostgreSQL.

A populated instance (users, accounts with encrypted tokens, posts, media files, analytics) is
backed up with `python -m services.admin backup`, restored into an empty instance with `restore`,
and compared row by row and file by file; the restored tokens still decrypt (the key travelled in
the archive). A non-empty instance is refused.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from services.admin.rows import app_tables
from services.auth import register_user
from services.config import ROOT_DIR, get_settings, reset_settings
from services.crypto import decrypt_json, encrypt_json
from services.db import engine_for, session_scope, upgrade_database
from services.media.storage import store_upload
from services.models import Membership, PostMetricSnapshot, PostTarget, SocialAccount
from services.posts import PostInput, save_post
from tests.dbutil import create_pg_database, drop_pg_database

TOKENS = {"access_token": "at-secret-123", "refresh_token": "rt-secret-456"}


def png(color: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buf, "PNG")
    return buf.getvalue()


def populate() -> None:
    user_id = register_user("owner@example.com", "Owner", "correct horse battery", "Europe/Berlin")
    with session_scope() as s:
        org_id = s.execute(sa.select(Membership.organization_id).where(Membership.user_id == user_id)).scalar_one()
        account = SocialAccount(organization_id=org_id, platform="mastodon", instance_url="https://m.example",
                                external_id="42", display_name="Owner", token_blob=encrypt_json(TOKENS))  # fmt: skip
        s.add(account)
        s.flush()
        account_id = account.id
    media = [store_upload(org_id, user_id, f"pic-{c}.png", png(c)) for c in ("red", "blue")]
    save_post(org_id, user_id, PostInput(body="a draft with ünïcode ✨", account_ids=[account_id],
                                         media_ids=[m["id"] for m in media]))  # fmt: skip
    save_post(org_id, user_id, PostInput(body="later", account_ids=[account_id], action="schedule",
                                         scheduled_at=datetime.now(UTC) + timedelta(days=2)))  # fmt: skip
    with session_scope() as s:
        target = s.execute(sa.select(PostTarget)).scalars().first()
        target.status, target.external_id = "published", "109"
        target.published_at = datetime(2026, 11, 30, 12, 0, 0, 123456, tzinfo=UTC)
        s.add(PostMetricSnapshot(organization_id=org_id, social_account_id=account_id, post_target_id=target.id,
                                 platform="mastodon", likes=7, reposts=None, replies=2))  # fmt: skip


def all_rows() -> dict[str, list[dict]]:
    with engine_for(get_settings().database_url).connect() as conn:
        return {
            t.name: [dict(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns)).mappings()]
            for t in app_tables()
        }


def media_files() -> dict[str, str]:
    root = get_settings().media_dir
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}


def admin(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "services.admin", *args], cwd=ROOT_DIR, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def instance_env(url: str, data_dir: Path, secret: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SOCIALHUB_SECRET_KEY", "SOCIALHUB_OLD_SECRET_KEYS")}
    env.update({"DATABASE_URL": url, "SOCIALHUB_DATA_DIR": str(data_dir)})
    env.pop("SOCIALHUB_MEDIA_DIR", None)
    if secret:
        env["SOCIALHUB_SECRET_KEY"] = secret
    return env


@pytest.fixture
def source(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    """The populated instance (its own data dir, so media of other tests stay out)."""
    monkeypatch.setenv("SOCIALHUB_DATA_DIR", str(tmp_path / "source"))
    if db.startswith("sqlite"):
        # a file of its own: the backup runs in a subprocess, which must not share the session-wide
        # test database's open connections (it read an earlier test's rows after the accounts tests)
        db = f"sqlite:///{tmp_path / 'source.db'}"
        upgrade_database(db)
        monkeypatch.setenv("DATABASE_URL", db)
    reset_settings()
    populate()
    yield {"url": db, "rows": all_rows(), "files": media_files(), "env": dict(os.environ)}


@pytest.fixture
def empty_target(db: str, tmp_path: Path) -> Iterator[str]:
    """A second database of the same kind: SQLite migrated-but-empty, PostgreSQL never migrated."""
    if db.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'restored.db'}"
        upgrade_database(url)
        yield url
    else:
        url = create_pg_database("socialhub_restore")
        yield url
        drop_pg_database(url)


def switch_to(url: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SOCIALHUB_DATA_DIR", str(data_dir))
    monkeypatch.delenv("SOCIALHUB_SECRET_KEY", raising=False)
    reset_settings()


def assert_same_instance(source: dict) -> None:
    restored = all_rows()
    assert {k: len(v) for k, v in restored.items()} == {k: len(v) for k, v in source["rows"].items()}
    assert restored == source["rows"]
    assert media_files() == source["files"] and len(source["files"]) == 4  # 2 images + 2 thumbnails
    with session_scope() as s:
        blob = s.execute(sa.select(SocialAccount.token_blob)).scalar_one()
    assert decrypt_json(blob) == TOKENS


def test_round_trip_into_an_empty_instance(
    source: dict, empty_target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "backups" / "socialhub.tar.gz"
    done = admin(source["env"], "backup", str(archive))
    assert done.returncode == 0, done.stderr
    assert "contains the secret key" in done.stdout
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    expected_format = "sqlite" if source["url"].startswith("sqlite") else "pg_dump"
    assert f"database ({expected_format}," in done.stdout

    target_dir = tmp_path / "restored-data"
    target_env = instance_env(empty_target, target_dir, secret=None)
    done = admin(target_env, "restore", str(archive))
    assert done.returncode == 0, done.stderr
    assert (target_dir / "secret.key").read_text() == source["env"]["SOCIALHUB_SECRET_KEY"]

    switch_to(empty_target, target_dir, monkeypatch)
    assert_same_instance(source)

    again = admin(target_env, "restore", str(archive))
    assert again.returncode == 2 and "not empty" in again.stderr and "users: 1 rows" in again.stderr
    assert all_rows() == source["rows"]  # the refusal changed nothing


def test_portable_dump_restores_into_the_other_kind_of_database(
    source: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--format rows` (the fallback without pg_dump): PostgreSQL → SQLite and SQLite → PostgreSQL."""
    archive = tmp_path / "portable.tar.gz"
    done = admin(source["env"], "backup", "--format", "rows", str(archive))
    assert done.returncode == 0, done.stderr and "database (rows," in done.stdout
    if source["url"].startswith("sqlite"):
        target = create_pg_database("socialhub_restore")
    else:
        target = f"sqlite:///{tmp_path / 'from-pg.db'}"
    target_dir = tmp_path / "other-kind"
    try:
        done = admin(instance_env(target, target_dir, secret=None), "restore", str(archive))
        assert done.returncode == 0, done.stderr
        switch_to(target, target_dir, monkeypatch)
        assert_same_instance(source)
        with session_scope() as s:  # id sequences moved past the restored ids: new rows insert fine
            s.add(SocialAccount(organization_id=source["rows"]["organizations"][0]["id"], platform="demo",
                                external_id="new", display_name="New"))  # fmt: skip
    finally:
        if target.startswith("postgresql"):
            drop_pg_database(target)


def test_restore_refuses_a_damaged_archive_and_a_mismatched_key(source: dict, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a tarball")
    target_dir = tmp_path / "t"
    done = admin(instance_env(f"sqlite:///{tmp_path / 't.db'}", target_dir, None), "restore", str(bogus))
    assert done.returncode == 2 and "not a readable SocialHub backup" in done.stderr

    archive = tmp_path / "ok.tar.gz"
    assert admin(source["env"], "backup", str(archive)).returncode == 0
    done = admin(instance_env(f"sqlite:///{tmp_path / 't.db'}", target_dir, "another-key"), "restore", str(archive))
    assert done.returncode == 2 and "SOCIALHUB_SECRET_KEY is set to a different key" in done.stderr
