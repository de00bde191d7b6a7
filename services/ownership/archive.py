"""The export ZIP: one JSON file per entity, media files, a README and a manifest with checksums.

Why streamed: a workspace with 10,000 posts and a gigabyte of media must not be held in memory.
Every JSON file is written item by item into the ZIP entry (`ZipFile.open(name, "w")`), and media
files are copied in 1 MiB chunks, so the process grows by a few megabytes whatever the size.
The manifest (written last) lists each file's SHA-256 and item count: an importer checks them all
before it changes anything, so an edited or truncated archive is refused as a whole.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

FORMAT = "socialhub-export"
SCHEMA_VERSION = 1
CHUNK = 1024 * 1024
MANIFEST = "manifest.json"
README = "README.md"


def json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


class ArchiveWriter:
    """Writes entries into one ZIP file and remembers their checksums for the manifest."""

    def __init__(self, path: Path) -> None:
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.files: dict[str, dict[str, Any]] = {}

    def write_json_list(self, name: str, items: Iterable[dict[str, Any]]) -> int:
        """`name` holds a JSON array, written one item at a time (constant memory)."""
        digest, count = hashlib.sha256(), 0
        with self._zip.open(name, "w", force_zip64=True) as out:
            def put(text: str) -> None:
                data = text.encode()
                digest.update(data)
                out.write(data)

            put("[")
            for item in items:
                put(("\n" if count == 0 else ",\n") + json.dumps(item, default=json_default, ensure_ascii=False))
                count += 1
            put("\n]\n")
        self.files[name] = {"sha256": digest.hexdigest(), "count": count}
        return count

    def write_json(self, name: str, value: Any) -> None:
        data = json.dumps(value, default=json_default, ensure_ascii=False, indent=2).encode()
        self._zip.writestr(name, data)
        self.files[name] = {"sha256": hashlib.sha256(data).hexdigest()}

    def write_text(self, name: str, text: str) -> None:
        self._zip.writestr(name, text.encode())

    def copy_file(self, name: str, chunks: Iterable[bytes], on_chunk: Callable[[int], None] | None = None) -> str:
        """Copy a media file in chunks (stored, not deflated: pictures and videos are compressed already)."""
        digest = hashlib.sha256()
        info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED
        with self._zip.open(info, "w", force_zip64=True) as out:
            for chunk in chunks:
                digest.update(chunk)
                out.write(chunk)
                if on_chunk:
                    on_chunk(len(chunk))
        return digest.hexdigest()

    def close(self, manifest: dict[str, Any]) -> None:
        self.write_json(MANIFEST, {"format": FORMAT, "schema_version": SCHEMA_VERSION, **manifest,
                                   "files": dict(self.files)})  # fmt: skip
        self._zip.close()

    def abort(self) -> None:
        self._zip.close()


def sha256_of_entry(zf: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with zf.open(name) as src:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


WORKSPACE_README = """# SocialHub workspace export

This archive holds one workspace of a SocialHub instance, as it was at `exported_at` (see
`manifest.json`). It can be imported into another SocialHub instance (Settings -> Your data ->
Import a workspace), or read with any tool that reads JSON.

## Files

| File | What it holds |
|------|---------------|
| `manifest.json` | Format name, `schema_version`, when and from where it was exported, the SHA-256 and item count of every file below. An importer refuses an archive whose files do not match it. |
| `workspace.json` | The workspace's name and settings (AI budget, two-factor rule, approval settings). |
| `members.json` | Who was a member, with their role (people are not imported: invite them again). |
| `accounts.json` | Connected social accounts: platform, handle, profile link, persona. **No access tokens** - they never leave the instance, so imported accounts show "reconnect needed". |
| `posts.json` | Every post with its text, schedule, status, approval state, media (by `sha256`), and per account ("targets"): text override, status, published link, error, and the latest metrics. |
| `comments.json` | Internal comments on posts (never published). |
| `personas.json` | AI personas (audience, tone, topics). |
| `templates.json` | The workspace's AI prompt templates. |
| `queue_slots.json` | Weekly posting slots per account. |
| `media.json` | Every uploaded file: name, type, size, dimensions, alt text, `sha256`, and its path in this archive. |
| `media/` | The uploaded files themselves, named by their SHA-256. |

Ids in the JSON files are the exporting instance's ids; they only link the files to each other.
An import creates new ids. Times are ISO 8601 in UTC.
"""

PERSONAL_README = """# Your SocialHub data

This archive holds what SocialHub stores about you, as it was at `exported_at` (see
`manifest.json`), across every workspace you belong to.

## Files

| File | What it holds |
|------|---------------|
| `manifest.json` | Format name, `schema_version`, the SHA-256 and item count of every file. |
| `profile.json` | Your name, email, timezone, when you registered, whether two-factor authentication is on. Never your password (only a hash is stored, and it is not exported). |
| `memberships.json` | The workspaces you belong to and your role in each. |
| `sessions.json` | Your login sessions: when, from which address and browser. |
| `posts.json` | The posts you wrote, in every workspace, with their per-account status, links and latest metrics. |
| `comments.json` | The comments you wrote. |
| `media.json` + `media/` | The files you uploaded. |
| `ai_providers.json` | Your personal AI providers (name, address, model; never the key). |
| `templates.json` | Your personal AI prompt templates. |
| `tokens.json` | Your MCP tokens and the API keys you created (names and dates; never the secret). |
| `notifications.json` | Your in-app notifications. |
| `audit.json` | The audit-log entries of things you did. |

Workspace data that is not yours alone (other people's posts, connected accounts) is in the
workspace export, which the workspace's Owner can download.
"""
