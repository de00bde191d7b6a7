"""Portable per-table dumps: one JSON line per row, values typed by the model's columns.

Used when pg_dump is not available (or `--format rows`), and to restore an archive into the other
kind of database (SQLite ↔ PostgreSQL). Tables are read in one REPEATABLE READ transaction on
PostgreSQL, so the dump is one consistent snapshot.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from services import models  # noqa: F401  (registers every table)

BATCH = 1000


def app_tables() -> list[sa.Table]:
    """Every table of the models, parents before children (so inserts satisfy foreign keys)."""
    return list(SQLModel.metadata.sorted_tables)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _python_type(column: sa.Column) -> type | None:
    """The Python type behind a column, looking through TypeDecorators such as SQLModel's UTCDateTime."""
    kind = column.type
    kind = getattr(kind, "impl_instance", None) or getattr(kind, "impl", kind)
    for sa_type, py_type in ((sa.DateTime, datetime), (sa.Date, date), (sa.Time, time), (sa.LargeBinary, bytes),
                             (sa.Integer, int)):  # fmt: skip
        if isinstance(kind, sa_type):
            return py_type
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return Decimal
    return None


def _decode(column: sa.Column, value: Any) -> Any:
    if value is None:
        return None
    kind = _python_type(column)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is time:
        return time.fromisoformat(value)
    if kind is bytes:
        return base64.b64decode(value)
    if kind is Decimal:
        return Decimal(value)
    return value


def dump_rows(conn: Connection, out_dir: Path) -> dict[str, int]:
    """Write database/rows/<table>.jsonl for every model table; returns row counts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    present = set(sa.inspect(conn).get_table_names())
    for table in app_tables():
        if table.name not in present:
            continue
        order = [c for c in table.primary_key.columns] or list(table.columns)
        result = conn.execution_options(stream_results=True).execute(sa.select(table).order_by(*order))
        n = 0
        with open(out_dir / f"{table.name}.jsonl", "w", encoding="utf-8") as fh:
            for row in result.mappings():
                fh.write(json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False) + "\n")
                n += 1
        counts[table.name] = n
    return counts


def rows_from_jsonl(rows_dir: Path, table: sa.Table) -> Iterator[dict[str, Any]]:
    path = rows_dir / f"{table.name}.jsonl"
    if not path.exists():
        return
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            raw = json.loads(line)
            yield {k: _decode(table.c[k], v) for k, v in raw.items() if k in table.c}


def rows_from_database(conn: Connection, table: sa.Table) -> Iterator[dict[str, Any]]:
    """Rows of `table` in another database (an archived SQLite file), only the columns it has."""
    if table.name not in sa.inspect(conn).get_table_names():
        return
    have = {c["name"] for c in sa.inspect(conn).get_columns(table.name)}
    cols = [c for c in table.columns if c.name in have]
    for row in conn.execute(sa.select(*cols)).mappings():
        yield dict(row)


def insert_rows(conn: Connection, table: sa.Table, rows: Iterator[dict[str, Any]]) -> int:
    n = 0
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            conn.execute(sa.insert(table), batch)
            n += len(batch)
            batch = []
    if batch:
        conn.execute(sa.insert(table), batch)
        n += len(batch)
    return n


def reset_sequences(conn: Connection) -> None:
    """After inserting explicit ids into PostgreSQL, move each id sequence past the highest id."""
    for table in app_tables():
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or _python_type(pk[0]) is not int:
            continue
        name, col = table.name, pk[0].name
        conn.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence(:t, :c), COALESCE(MAX(\"{col}\"), 1), MAX(\"{col}\") IS NOT NULL)"
                f' FROM "{name}"'
            ),
            {"t": f'"{name}"', "c": col},
        )
