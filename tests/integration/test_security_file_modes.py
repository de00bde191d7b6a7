"""Issue 11.13: data/ is owner-only (0700) and what SocialHub writes there is 0600."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import text

from services.config import ROOT_DIR, get_settings, reset_settings


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_dir_secret_key_and_sqlite_are_private(tmp_path: Path, monkeypatch) -> None:
    old_umask = os.umask(0o022)  # a loose umask, as a service manager might give us
    try:
        data = tmp_path / "data"
        monkeypatch.setenv("SOCIALHUB_DATA_DIR", str(data))
        monkeypatch.delenv("SOCIALHUB_SECRET_KEY", raising=False)
        monkeypatch.delenv("DATABASE_URL", raising=False)
        reset_settings()
        settings = get_settings()
        assert _mode(data) == 0o700
        assert _mode(data / "secret.key") == 0o600
        from services.db import engine_for

        engine = engine_for(settings.database_url)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x int)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
        engine.dispose()
        with engine.connect():  # a new connection tightens files created by the first
            pass
        for name in ("socialhub.db", "socialhub.db-wal"):
            if (data / name).exists():
                assert _mode(data / name) == 0o600, name
        assert (data / "socialhub.db").exists()

        loose = tmp_path / "loose"
        loose.mkdir(mode=0o755)
        os.chmod(loose, 0o755)
        monkeypatch.setenv("SOCIALHUB_DATA_DIR", str(loose))
        monkeypatch.setenv("SOCIALHUB_SECRET_KEY", "k")
        reset_settings()
        get_settings()
        assert _mode(loose) == 0o700  # an existing folder we own is tightened
    finally:
        os.umask(old_umask)
        reset_settings()


def test_uploaded_media_is_private(db: str) -> None:
    import io

    from PIL import Image

    from services import auth
    from services.media.storage import absolute_path, store_upload

    auth.register_user("f@example.com", "F", "a strong password")
    me = auth.resolve_session(auth.login("f@example.com", "a strong password"))
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "PNG")
    old_umask = os.umask(0o022)
    try:
        asset = store_upload(me.organization_id, me.user_id, "a.png", buf.getvalue())
    finally:
        os.umask(old_umask)
    assert _mode(absolute_path(asset["storage_path"])) == 0o600
    assert _mode(absolute_path(asset["thumbnail_path"])) == 0o600


def test_run_script_and_image_set_umask_077() -> None:
    run = (ROOT_DIR / "run.sh").read_text().splitlines()
    first_command = next(line for line in run if line.strip() and not line.startswith("#") and "set -e" not in line)
    assert first_command.strip() == "umask 077"  # before anything is created
    assert "umask 077" in (ROOT_DIR / "Dockerfile").read_text()
