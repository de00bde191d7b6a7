"""Put an archived database snapshot into the (empty) target database, then migrate it to head.

Same kind of database: the archive's own format (SQLite file copied with the backup API, or
pg_restore). Otherwise (portable rows, or SQLite → PostgreSQL and back): migrate the target to the
archive's revision, insert every table's rows in foreign-key order, move PostgreSQL's id sequences
past the restored ids, then migrate to head like any upgrade.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from alembic import command
from services.admin.archive import Manifest
from services.admin.rows import app_tables, insert_rows, reset_sequences, rows_from_database, rows_from_jsonl
from services.admin.snapshot import PGDUMP_FILE, ROWS_DIR, SQLITE_FILE, libpq_url, sqlite_path
from services.db import alembic_config, engine_for, is_sqlite, upgrade_database


class RestoreError(Exception):
    """The archive cannot go into this instance; the message says why and what to do."""


def instance_contents(url: str, media_dir: Path) -> list[str]:
    """What the target already holds ("users: 3 rows", "media: 2 files"); empty list = empty instance."""
    found: list[str] = []
    engine = engine_for(url)
    with engine.connect() as conn:
        present = set(sa.inspect(conn).get_table_names())
        for table in app_tables():
            if table.name in present:
                n = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                if n:
                    found.append(f"{table.name}: {n} rows")
    if media_dir.is_dir():
        files = sum(1 for p in media_dir.rglob("*") if p.is_file())
        if files:
            found.append(f"media: {files} files in {media_dir}")
    return found


def restore_database(manifest: Manifest, db_dir: Path, url: str) -> None:
    _check_revision(manifest.revision, url)
    target_sqlite = is_sqlite(url)
    if manifest.db_format == "sqlite" and target_sqlite:
        _copy_sqlite(db_dir / SQLITE_FILE, url)
    elif manifest.db_format == "pg_dump":
        if target_sqlite:
            raise RestoreError(
                "this backup holds a PostgreSQL pg_dump: restore it into PostgreSQL (DATABASE_URL), or make a "
                "portable backup with `backup --format rows` to move to SQLite"
            )
        _pg_restore(db_dir / PGDUMP_FILE, url)
    elif manifest.db_format == "sqlite":
        source = sa.create_engine(f"sqlite:///{db_dir / SQLITE_FILE}")
        try:
            with source.connect() as conn:
                _load_rows(url, manifest.revision, lambda table: rows_from_database(conn, table))
        finally:
            source.dispose()
    elif manifest.db_format == "rows":
        _load_rows(url, manifest.revision, lambda table: rows_from_jsonl(db_dir / ROWS_DIR, table))
    else:
        raise RestoreError(f"unknown database format {manifest.db_format!r} in the archive")
    engine_for(url).dispose()
    upgrade_database(url)


def _check_revision(revision: str, url: str) -> None:
    script = ScriptDirectory.from_config(alembic_config(url))
    try:
        script.get_revision(revision)
    except Exception as exc:  # noqa: BLE001 - alembic raises several kinds for an unknown id
        raise RestoreError(
            f"the backup is at database revision {revision!r}, which this SocialHub version does not know: "
            "restore it with the version that wrote it (or a newer one)"
        ) from exc


def _copy_sqlite(archived: Path, url: str) -> None:
    """The backup API replaces the target's content page by page (works on a migrated empty file too)."""
    target_path = sqlite_path(url)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    engine_for(url).dispose()
    source = sqlite3.connect(archived)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _pg_restore(dump: Path, url: str) -> None:
    binary = shutil.which("pg_restore")
    if binary is None:
        raise RestoreError("pg_restore is not installed; install the PostgreSQL client tools and retry")
    engine_for(url).dispose()
    done = subprocess.run(
        [binary, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", f"--dbname={libpq_url(url)}", str(dump)],
        capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise RestoreError(f"pg_restore failed: {done.stderr.strip()[:500]}")


def _load_rows(url: str, revision: str, rows_of) -> None:  # noqa: ANN001 - table -> row iterator
    """Schema at the archive's revision first, so every archived column has its place."""
    cfg = alembic_config(url)
    engine = engine_for(url)
    with engine.connect() as conn:
        has_version = "alembic_version" in sa.inspect(conn).get_table_names()
        current = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() if has_version else None
    if current != revision:
        if current is None:
            command.upgrade(cfg, revision)
        else:
            command.downgrade(cfg, revision) if _is_ahead(cfg, current, revision) else command.upgrade(cfg, revision)
    with engine.begin() as conn:
        if is_sqlite(url):
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        present = set(sa.inspect(conn).get_table_names())
        for table in app_tables():
            if table.name in present:
                insert_rows(conn, table, rows_of(table))
        if not is_sqlite(url):
            reset_sequences(conn)


def _is_ahead(cfg, current: str, revision: str) -> bool:  # noqa: ANN001
    """True when `current` comes after `revision` in the migration history."""
    script = ScriptDirectory.from_config(cfg)
    return any(rev.revision == revision for rev in script.iterate_revisions(current, "base"))
