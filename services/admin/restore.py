"""`python -m services.admin restore PATH`: bring an EMPTY instance back from a backup archive.

Refuses an instance that already holds data (any row in any table, or any media file): restoring
over live data would mix two installations. The target may be brand new or freshly migrated.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from services.admin.archive import DB_DIR, KEYS_FILE, MEDIA_DIR, ArchiveError, Manifest, extract_archive
from services.admin.restore_db import RestoreError, instance_contents, restore_database
from services.config import get_settings, reset_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("restore", help="restore a backup archive into an empty instance")
    parser.add_argument("path", type=Path, help="archive written by `backup`")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        manifest = restore_backup(args.path.resolve())
    except (ArchiveError, RestoreError) as exc:
        print(f"restore refused: {exc}", file=sys.stderr)
        return 2
    settings = get_settings()
    print(
        f"restored {args.path} (backup of {manifest.created_at}, {manifest.dialect}/{manifest.db_format}) "
        f"into {settings.data_dir}; database migrated to the current version"
    )
    return 0


def restore_backup(path: Path) -> Manifest:
    settings = get_settings()
    with tempfile.TemporaryDirectory(prefix="socialhub-restore-") as tmp:
        staging = Path(tmp)
        manifest = extract_archive(path, staging)
        busy = instance_contents(settings.database_url, settings.media_dir)
        if busy:
            raise RestoreError("the target instance is not empty (" + "; ".join(busy[:5]) + ")")
        _install_keys(json.loads((staging / KEYS_FILE).read_text()), settings.data_dir)
        restore_database(manifest, staging / DB_DIR, settings.database_url)
        _install_media(staging / MEDIA_DIR, settings.media_dir)
    reset_settings()
    return manifest


def _install_keys(keys: dict, data_dir: Path) -> None:
    """Tokens were encrypted with the archive's key: make it this instance's key (old ones too)."""
    primary, old = keys["primary"], list(keys.get("old", []))
    configured = os.environ.get("SOCIALHUB_SECRET_KEY", "").strip()
    if configured:
        accepted = {configured, *[k.strip() for k in os.environ.get("SOCIALHUB_OLD_SECRET_KEYS", "").split(",")]}
        if primary not in accepted:
            raise RestoreError(
                "SOCIALHUB_SECRET_KEY is set to a different key than the backup's, so restored tokens could "
                "not be decrypted: unset it (the backup's key is then written to data/secret.key) or add the "
                "backup's key to SOCIALHUB_OLD_SECRET_KEYS"
            )
        return
    key_file = data_dir / "secret.key"
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = key_file.with_name(".secret.key.restore")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w") as fh:
        fh.write(primary)
    os.replace(tmp, key_file)  # an empty instance has nothing encrypted with a key it generated itself
    if old:
        print("the backup also lists previous keys; set SOCIALHUB_OLD_SECRET_KEYS=" + ",".join("…" + k[-4:] for k in old)
              + " (full values are in the archive's secret/keys.json) to keep older tokens readable")  # fmt: skip


def _install_media(source: Path, media_dir: Path) -> None:
    if not source.is_dir():
        return
    media_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, media_dir, dirs_exist_ok=True)
