"""Making wiped bytes really go away on disk, per database.

SQLite (the default): every connection runs with `PRAGMA secure_delete=ON` (services/db.py), so
the space a deleted or rewritten row used is overwritten with zeros; the old page images still
sit in the write-ahead log until a checkpoint copies the new pages back, so after a purge the WAL
is checkpointed and truncated to zero bytes.

PostgreSQL: an UPDATE or DELETE leaves the old row version in the table file until VACUUM marks
its space free, and even then the freed bytes stay in the data files until new rows reuse them;
only `VACUUM FULL` rewrites the tables into new files (it locks each table while it runs). The
maintenance job runs a plain VACUUM on the tables that hold content after it purged anything;
`python -m services.admin vacuum-full` runs VACUUM FULL for operators who need the bytes gone now.
"""

from __future__ import annotations

import logging

from services.db import get_engine, is_sqlite

log = logging.getLogger(__name__)

#: Tables that can hold post text, alt text, or records the retention policies delete.
CONTENT_TABLES = (
    "posts", "post_targets", "post_media", "media_assets", "notifications", "webhook_messages",
    "alert_outbox", "audit_log", "analytics_snapshots",
)  # fmt: skip


def checkpoint_sqlite() -> bool:
    """SQLite only: copy the WAL into the database and truncate it (False when a reader kept it busy)."""
    engine = get_engine()
    if not is_sqlite(str(engine.url)):
        return False
    with engine.connect() as conn:
        busy, _log_frames, _done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    if busy:
        log.info("WAL checkpoint after a purge was busy; the maintenance job will repeat it")
    return not busy


def vacuum(*, full: bool = False) -> list[str]:
    """VACUUM the content tables (PostgreSQL; `full` rewrites them), or VACUUM the whole SQLite file.

    Runs outside a transaction (VACUUM refuses to run inside one). Returns what was vacuumed.
    """
    engine = get_engine()
    if is_sqlite(str(engine.url)):
        if full:  # SQLite's VACUUM rebuilds the whole file; secure_delete already zeroed freed space
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM")
        checkpoint_sqlite()
        return ["sqlite"]
    verb = "VACUUM (FULL, ANALYZE)" if full else "VACUUM (ANALYZE)"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in CONTENT_TABLES:
            conn.exec_driver_sql(f"{verb} {table}")
    return list(CONTENT_TABLES)
