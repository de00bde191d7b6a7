"""Data exports (issue #21): one row per requested archive, so progress survives a page reload.

The archive itself is a file in the data directory (`exports/`, mode 0600); the row says how far
the background job got, where the file is and until when its signed link works. Nothing here is
secret: the link's signature is derived from the instance's secret key, not stored.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from services.models.base import utcnow


class DataExport(SQLModel, table=True):
    __tablename__ = "data_exports"
    id: int | None = Field(default=None, primary_key=True)
    # personal: "Download my data" (every workspace, only the person's own things) | workspace: Owner export
    kind: str = Field(max_length=12)
    user_id: int = Field(foreign_key="users.id", index=True)
    organization_id: int | None = Field(default=None, foreign_key="organizations.id", index=True)
    status: str = Field(default="queued", max_length=12)  # queued | running | ready | failed | expired
    progress: int = Field(default=0)  # percent
    message: str = Field(default="", max_length=300)
    file_name: str = Field(default="", max_length=120)  # inside <data_dir>/exports
    size_bytes: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))  # archives pass 2 GiB
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    expires_at: datetime | None = None
