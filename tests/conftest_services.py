"""Shared fixtures. Service tests take `db` and run once on SQLite and once on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dbutil import create_pg_database, drop_pg_database, require_or_skip_postgres, truncate_all

TEST_SECRET = "test-secret-key-not-for-production"


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("socialhub-data")
    return path


@pytest.fixture(scope="module")
def _sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One SQLite file per test module: a module that leaves the file damaged (a killed writer, a
    half-finished background thread) cannot take every later module's SQLite tests down with it."""
    from services.db import engine_for, upgrade_database

    url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
    upgrade_database(url)
    yield url
    engine_for(url).dispose()


@pytest.fixture(scope="session")
def _pg_url() -> Iterator[str]:
    require_or_skip_postgres()
    from services.db import upgrade_database

    url = create_pg_database()
    upgrade_database(url)
    yield url
    drop_pg_database(url)


def _activate(url: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from services.config import reset_settings

    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SOCIALHUB_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SOCIALHUB_SECRET_KEY", TEST_SECRET)
    reset_settings()
    truncate_all(url)


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated, empty database (SQLite, then PostgreSQL); settings point at it."""
    url = request.getfixturevalue("_sqlite_url" if request.param == "sqlite" else "_pg_url")
    _activate(url, data_dir, monkeypatch)
    yield url
    from services.config import reset_settings

    reset_settings()


@pytest.fixture
def pg_db(request: pytest.FixtureRequest, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """PostgreSQL only (claims with SKIP LOCKED, multi-process tests)."""
    url = request.getfixturevalue("_pg_url")
    _activate(url, data_dir, monkeypatch)
    yield url
    from services.config import reset_settings

    reset_settings()


@pytest.fixture
def sqlite_db(request: pytest.FixtureRequest, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = request.getfixturevalue("_sqlite_url")
    _activate(url, data_dir, monkeypatch)
    yield url


os.environ.setdefault("SOCIALHUB_SCHEDULER", "off")
# The fake platform servers run on 127.0.0.1: the SSRF guard refuses loopback unless allow-listed.
os.environ.setdefault("SOCIALHUB_ALLOW_PRIVATE_HOSTS", "127.0.0.1,localhost,::1")
