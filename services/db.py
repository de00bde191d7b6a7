"""Database engine, sessions and migrations (one code path for the app, run.sh and tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from services import models  # noqa: F401  (registers every table)
from services.config import ROOT_DIR, get_settings


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
    """WAL + busy timeout let the scheduler and the UI write at once without 'database is locked'.

    secure_delete: freed row space is overwritten with zeros, so text wiped by privacy mode or
    retention does not linger in the file (services/privacy/wipe.py checkpoints the WAL after).
    """
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA secure_delete=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_private(url: str):  # noqa: ANN202 - a SQLAlchemy connect listener
    """The database and its WAL/SHM files are owner-only, whatever the process umask was."""
    from services.security.file_modes import private_files, sqlite_file

    path = sqlite_file(url)

    def listener(_dbapi_conn, _record) -> None:  # noqa: ANN001
        if path:
            private_files(path, f"{path}-wal", f"{path}-shm")

    return listener


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    if is_sqlite(url):
        eng = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(eng, "connect", _sqlite_pragmas)
        event.listen(eng, "connect", _sqlite_private(url))
        return eng
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def get_engine() -> Engine:
    return engine_for(get_settings().database_url)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A unit of work: commits on success, rolls back on error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


def alembic_config(url: str | None = None):  # noqa: ANN201
    from alembic.config import Config

    cfg = Config(str(ROOT_DIR / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT_DIR / "alembic"))
    cfg.set_main_option("sqlalchemy.url", (url or get_settings().database_url).replace("%", "%%"))
    return cfg


def upgrade_database(url: str | None = None) -> None:
    from alembic import command

    command.upgrade(alembic_config(url), "head")


if __name__ == "__main__":
    upgrade_database()
    print("database is at the latest migration")
