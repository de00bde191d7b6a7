"""Test databases: one fresh PostgreSQL database per run and one SQLite file, both migrated."""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def pg_server_url() -> str:
    return os.environ.get("SOCIALHUB_TEST_PG", DEFAULT_PG)


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def postgres_available() -> bool:
    try:
        with psycopg.connect(_libpq(pg_server_url()), connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def require_or_skip_postgres() -> None:
    if postgres_available():
        return
    if os.environ.get("SOCIALHUB_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL is required (SOCIALHUB_REQUIRE_POSTGRES=1) but {pg_server_url()} is unreachable")
    pytest.skip("PostgreSQL not reachable; set SOCIALHUB_TEST_PG")


def create_pg_database(prefix: str = "socialhub_test") -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_libpq(pg_server_url()), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = pg_server_url().rsplit("/", 1)[0]
    return f"{base}/{name}"


def drop_pg_database(url: str) -> None:
    from services.db import engine_for

    engine_for(url).dispose()
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(_libpq(pg_server_url()), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def truncate_all(url: str) -> None:
    from services.db import engine_for

    engine = engine_for(url)
    tables = [t.name for t in SQLModel.metadata.sorted_tables]
    if url.startswith("sqlite"):
        # PRAGMA foreign_keys is a no-op inside a transaction: switch it back on after the commit,
        # or the pooled connection stays without foreign keys (and without ON DELETE CASCADE).
        with engine.connect() as conn:
            conn.execute(text("PRAGMA foreign_keys=OFF"))
            for name in reversed(tables):
                conn.execute(text(f'DELETE FROM "{name}"'))
            conn.commit()
            conn.execute(text("PRAGMA foreign_keys=ON"))
        return
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
