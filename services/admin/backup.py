"""`python -m services.admin backup PATH`: database snapshot + media + secret keys in one archive."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from services.admin.archive import DB_DIR, KEYS_FILE, MEDIA_DIR, Manifest, write_archive
from services.admin.snapshot import current_revision, snapshot_database
from services.config import get_settings
from services.db import is_sqlite

KEY_WARNING = (
    "WARNING: this archive contains the secret key that decrypts every stored token, app password "
    "and API key. Store it as safely as the tokens themselves (encrypted disk, restricted access)."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("backup", help="write one archive: database snapshot, media, secret key")
    parser.add_argument("path", type=Path, help="archive to write, e.g. socialhub-2026-12-01.tar.gz")
    parser.add_argument(
        "--format",
        dest="db_format",
        choices=["auto", "sqlite", "pg_dump", "rows"],
        default="auto",
        help="database snapshot format (auto: SQLite backup API, or pg_dump with a portable fallback)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path: Path = args.path.resolve()
    if path.is_dir():
        print(f"{path} is a directory; give the archive's file name", file=sys.stderr)
        return 2
    manifest = create_backup(path, db_format=args.db_format)
    print(
        f"backup written to {path}: database ({manifest.db_format}, revision {manifest.revision}), "
        f"{manifest.media_files} media files"
    )
    print(KEY_WARNING)
    return 0


def create_backup(path: Path, db_format: str = "auto") -> Manifest:
    settings = get_settings()
    url = settings.database_url
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="socialhub-backup-", dir=path.parent) as tmp:
        staging = Path(tmp)
        os.chmod(staging, 0o700)
        revision = current_revision(url)
        fmt, counts = snapshot_database(url, staging / DB_DIR, db_format)
        media_count = _copy_media(settings.media_dir, staging / MEDIA_DIR)
        keys = staging / KEYS_FILE
        keys.parent.mkdir(parents=True)
        keys.write_text(json.dumps({"primary": settings.secret_keys[0], "old": list(settings.secret_keys[1:])}))
        manifest = Manifest(
            created_at=datetime.now(UTC).isoformat(),
            dialect="sqlite" if is_sqlite(url) else "postgresql",
            db_format=fmt,
            revision=revision,
            row_counts=counts,
            media_files=media_count,
        )
        write_archive(path, staging, manifest)
    return manifest


def _copy_media(media_dir: Path, target: Path) -> int:
    """Media are content-addressed and never rewritten, so copying after the snapshot is safe."""
    target.mkdir(parents=True)
    count = 0
    if not media_dir.is_dir():
        return 0
    for source in media_dir.rglob("*"):
        if not source.is_file() or source.name.startswith(".upload-"):
            continue
        dest = target / source.relative_to(media_dir)
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(source, dest)
        except FileNotFoundError:  # deleted since the listing: the snapshot may not reference it either
            continue
        count += 1
    return count
