"""`media-to-s3`: copy the media folder on disk into the configured S3 bucket (safe to rerun).

Run it once after setting `SOCIALHUB_MEDIA_STORAGE=s3://bucket/prefix` (and the endpoint/keys),
before starting the app on the bucket. Objects keep their relative paths (`<workspace>/<sha256>.<ext>`,
`<workspace>/thumbs/<sha256>.jpg`), so the database rows need no change. An object already in the
bucket with the same size is skipped: names are content hashes, so same name and size means the
same bytes (`--verify` also compares SHA-256 by downloading, for the cautious). The files on disk
are left alone; delete them yourself once the app works from the bucket.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

from services.media.sniff import EXTENSIONS

CONTENT_TYPES = {ext: mime for mime, ext in EXTENSIONS.items()} | {".jpeg": "image/jpeg"}


@dataclass
class CopyReport:
    copied: int = 0
    skipped: int = 0
    failed: int = 0


def local_files(root: Path) -> list[Path]:
    """Every media file under the folder; dot-folders (temp uploads, the S3 download cache) excluded."""
    if not root.is_dir():
        return []
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )  # fmt: skip


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def copy_media(root: Path, store, *, verify: bool = False, dry_run: bool = False, out=None) -> CopyReport:  # noqa: ANN001
    """Upload each local file the bucket lacks (or holds with another size); never deletes anything."""
    from services.media.backends import MediaStorageUnavailable

    out = out or sys.stdout

    report = CopyReport()
    for path in local_files(root):
        key = path.relative_to(root).as_posix()
        size = path.stat().st_size
        try:
            present = store.size(key)
            if present == size and not (verify and _differs(store, key, path)):
                report.skipped += 1
                continue
            if not dry_run:
                content_type = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
                store.put_file(key, path, content_type)  # streamed from the file, which stays in place
            report.copied += 1
            print(f"{'would copy' if dry_run else 'copied'} {key} ({size} bytes)", file=out)
        except MediaStorageUnavailable as exc:
            report.failed += 1
            print(f"FAILED {key}: {exc}", file=out)
    return report


def _differs(store, key: str, path: Path) -> bool:
    return hashlib.sha256(store.read_bytes(key)).hexdigest() != _sha256_file(path)


def run(args: argparse.Namespace) -> int:
    from services.config import ConfigError, get_settings
    from services.media.backends import backend

    settings = get_settings()
    try:
        store = backend()
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if store.name == "local":
        print(
            "SOCIALHUB_MEDIA_STORAGE is not set to s3://bucket/prefix: there is no bucket to copy into.",
            file=sys.stderr,
        )
        return 2
    root = Path(args.source).resolve() if args.source else settings.media_dir
    report = copy_media(root, store, verify=args.verify, dry_run=args.dry_run)
    print(
        f"{root} → {settings.media_storage}: {report.copied} {'to copy' if args.dry_run else 'copied'}, "
        f"{report.skipped} already there, {report.failed} failed"
    )
    return 1 if report.failed else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("media-to-s3", help="copy media files from disk into the S3 bucket (rerunnable)")
    parser.add_argument("--source", help="media folder to copy from (default: SOCIALHUB_MEDIA_DIR)")
    parser.add_argument("--verify", action="store_true", help="compare SHA-256 of objects already present")
    parser.add_argument("--dry-run", action="store_true", help="list what would be copied, copy nothing")
    parser.set_defaults(func=run)
