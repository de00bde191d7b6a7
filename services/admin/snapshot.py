"""A consistent copy of the database: SQLite's online backup API, pg_dump, or portable rows.

SQLite's backup API copies a live database page by page into one consistent file while the app
keeps writing (WAL). On PostgreSQL pg_dump takes one snapshot; without a usable pg_dump (not
installed, or older than the server) every table is read through SQLAlchemy in one REPEATABLE
READ transaction instead.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from services.admin.rows import dump_rows
from services.db import get_engine, is_sqlite

SQLITE_FILE = "socialhub.sqlite"
PGDUMP_FILE = "socialhub.pgdump"
ROWS_DIR = "rows"


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ValueError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def libpq_url(url: str) -> str:
    """pg_dump/pg_restore take a libpq URL (no SQLAlchemy driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def current_revision(url: str) -> str:
    with get_engine().connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def snapshot_database(url: str, out_dir: Path, db_format: str = "auto") -> tuple[str, dict[str, int]]:
    """Write the snapshot into out_dir; returns (format, row counts of the portable dump or {})."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if is_sqlite(url) and db_format in ("auto", "sqlite"):
        source = sqlite3.connect(sqlite_path(url))
        target = sqlite3.connect(out_dir / SQLITE_FILE)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return "sqlite", {}
    if not is_sqlite(url) and db_format in ("auto", "pg_dump") and _pg_dump(url, out_dir / PGDUMP_FILE):
        return "pg_dump", {}
    if db_format == "pg_dump":
        raise RuntimeError("pg_dump is not available or failed; use --format rows")
    with get_engine().connect() as conn:
        if not is_sqlite(url):
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        counts = dump_rows(conn, out_dir / ROWS_DIR)
        conn.rollback()
    return "rows", counts


def _pg_dump(url: str, target: Path) -> bool:
    binary = shutil.which("pg_dump")
    if binary is None:
        return False
    done = subprocess.run(
        [binary, "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", libpq_url(url)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        # e.g. "server version mismatch": fall back to the portable dump rather than fail the backup
        print(f"pg_dump failed ({done.stderr.strip()[:300]}); writing a portable dump instead")
        target.unlink(missing_ok=True)
        return False
    return True
