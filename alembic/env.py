"""Alembic environment: the target metadata is SQLModel's, with every SocialHub model registered."""

import os

from sqlalchemy import pool
from sqlmodel import SQLModel

from alembic import context
from services import models  # noqa: F401
from services.config import get_settings
from services.db import engine_for

config = context.config
MIGRATION_LOCK_KEY = 0x50C1A1  # an arbitrary constant shared by every process of one installation
target_metadata = SQLModel.metadata


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().database_url


def _include_object(obj, name, type_, reflected, compare_to) -> bool:  # noqa: ANN001
    """scripts/regen_migration.sh writes one revision per domain by limiting autogenerate to its tables."""
    allowed = os.environ.get("SOCIALHUB_MIGRATION_TABLES")
    if not allowed or reflected:
        return True
    tables = set(allowed.split(","))
    if type_ == "table":
        return name in tables
    table = getattr(obj, "table", None)
    return table is None or table.name in tables


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = _url()
    connectable = engine_for(url)
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=url.startswith("sqlite"),
            compare_type=True,
            include_object=_include_object,
        )
        with context.begin_transaction():
            if not url.startswith("sqlite"):
                # Several containers (web ×2, worker ×2) start at once and each runs the migrations:
                # the first one migrates, the others wait here and then find nothing left to do.
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
            context.run_migrations()
    _ = pool  # keep import for alembic templates


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
