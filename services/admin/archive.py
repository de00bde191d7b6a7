"""The backup archive: one .tar.gz holding a manifest, a database snapshot, media and the keys.

Layout (paths inside the archive):
    manifest.json              format version, creation time, database kind and format, revision
    database/socialhub.sqlite  SQLite online-backup copy          (format "sqlite")
    database/socialhub.pgdump  pg_dump custom format               (format "pg_dump")
    database/rows/<table>.jsonl  one JSON object per row           (format "rows", any database)
    media/<workspace>/...      uploaded media and thumbnails
    secret/keys.json           the secret keys that decrypt stored tokens — keep the archive safe
"""

from __future__ import annotations

import json
import os
import tarfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_DIR = "database"
MEDIA_DIR = "media"
KEYS_FILE = "secret/keys.json"


class ArchiveError(Exception):
    """The archive cannot be used (missing, damaged, or from an unknown format); the message says why."""


@dataclass
class Manifest:
    created_at: str
    dialect: str  # sqlite | postgresql
    db_format: str  # sqlite | pg_dump | rows
    revision: str  # alembic revision of the snapshot
    row_counts: dict[str, int] = field(default_factory=dict)
    media_files: int = 0
    format_version: int = FORMAT_VERSION


def write_archive(path: Path, staging: Path, manifest: Manifest) -> None:
    """Pack `staging` (already holding database/, media/, secret/) into `path`, atomically, mode 0600."""
    (staging / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2))
    tmp = path.with_name(f".{path.name}.partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
        for child in sorted(staging.iterdir()):
            tar.add(child, arcname=child.name)
    os.replace(tmp, path)


def extract_archive(path: Path, into: Path) -> Manifest:
    if not path.is_file():
        raise ArchiveError(f"{path} does not exist")
    try:
        with tarfile.open(path, mode="r:*") as tar:
            tar.extractall(into, filter="data")  # refuses absolute paths, .. and device files
    except (tarfile.TarError, OSError) as exc:
        raise ArchiveError(f"{path} is not a readable SocialHub backup ({exc})") from exc
    try:
        data = json.loads((into / MANIFEST).read_text())
        manifest = Manifest(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise ArchiveError(f"{path} has no valid {MANIFEST}; is it a SocialHub backup?") from exc
    if manifest.format_version != FORMAT_VERSION:
        raise ArchiveError(f"backup format {manifest.format_version} is not supported (expected {FORMAT_VERSION})")
    return manifest
