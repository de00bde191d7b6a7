"""`alembic upgrade head` on an empty database equals the SQLModel models, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from services.db import engine_for, upgrade_database
from tests.dbutil import create_pg_database, drop_pg_database, require_or_skip_postgres


def _diff(url: str) -> list:
    with engine_for(url).connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, SQLModel.metadata)


def test_sqlite_migration_matches_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade_database(url)
    assert _diff(url) == []


def test_postgres_migration_matches_models() -> None:
    require_or_skip_postgres()
    url = create_pg_database("socialhub_migr")
    try:
        upgrade_database(url)
        assert _diff(url) == []
    finally:
        drop_pg_database(url)


@pytest.mark.parametrize("table", ["users", "sessions", "organizations", "memberships", "social_accounts", "posts",
                                   "post_targets", "media_assets", "analytics_snapshots", "audit_log"])
def test_core_tables_exist(table: str) -> None:
    assert table in SQLModel.metadata.tables
