"""Bulk import of posts from CSV: a dry run that lists every row's problems, then an all-or-nothing import.

The import never trusts the preview: it checks the file again, refuses it if any row has a
problem, downloads media given by URL (through the private-address guard, with the upload size
limits), and then saves every row through the composer's own `save_post_in` in ONE transaction —
the same validation as the composer, and either every post exists afterwards or none does (media
downloaded for a failed import is deleted again).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from services.db import session_scope
from services.errors import UserError
from services.imports.csv_rows import CsvFormatError, ImportRow, check_rows, header_problems, read_csv
from services.imports.workspace_index import WorkspaceIndex
from services.media.intake import size_cap
from services.media.sniff import MediaError
from services.media.storage import delete_media, store_upload
from services.platforms.sizes import MB
from services.posts import PostInput
from services.posts.compose import save_post_in
from services.posts.errors import PostError
from services.security.net_guard import guarded_async_client, refusal_message

PREVIEW_PROBLEM_ROWS = 200


class ImportRefused(UserError):
    """Nothing was imported; the message says why (and the preview lists the rows)."""


@dataclass(frozen=True)
class ImportPreview:
    rows: list[ImportRow]
    file_problems: list[str] = field(default_factory=list)

    @property
    def problem_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.problems]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.file_problems and not self.problem_rows

    def summary(self) -> str:
        if self.file_problems:
            return self.file_problems[0]
        if not self.rows:
            return "The file has no rows to import."
        bad = len(self.problem_rows)
        if bad:
            return f"{bad} of {len(self.rows)} rows have problems; fix them and check the file again. Nothing was saved."
        drafts = sum(1 for r in self.rows if r.action == "draft")
        return f"{len(self.rows)} rows are ready: {len(self.rows) - drafts} scheduled, {drafts} drafts."


def preview_import(org_id: int, content: str | bytes, default_tz: str = "UTC", now: datetime | None = None) -> ImportPreview:
    """The dry run: every row with its problems. Writes nothing."""
    try:
        header, raw_rows = read_csv(content)
    except CsvFormatError as exc:
        return ImportPreview(rows=[], file_problems=[str(exc)])
    index = WorkspaceIndex.load(org_id)
    return ImportPreview(rows=check_rows(raw_rows, index, default_tz, now), file_problems=header_problems(header, index))


def import_posts(
    org_id: int, user_id: int | None, content: str | bytes, default_tz: str = "UTC", now: datetime | None = None
) -> list[int]:
    """Import every row or none; returns the new post ids in file order. Raises ImportRefused."""
    now = now or datetime.now(UTC)
    preview = preview_import(org_id, content, default_tz, now)
    if not preview.ok:
        raise ImportRefused(preview.summary())
    downloaded: list[int] = []
    try:
        by_url = _download_all(org_id, user_id, preview.rows, downloaded)
        post_ids: list[int] = []
        with session_scope() as session:
            for row in preview.rows:
                data = PostInput(
                    body=row.text, account_ids=row.account_ids, overrides=row.overrides,
                    media_ids=row.media_ids + [by_url[u] for u in row.media_urls], action=row.action,  # type: ignore[arg-type]
                    scheduled_at=row.scheduled_at, timezone=row.timezone or default_tz,
                )  # fmt: skip
                try:
                    post_ids.append(save_post_in(session, org_id, user_id, data, now=now))
                except PostError as exc:
                    raise ImportRefused(f"Line {row.line}: {exc} Nothing was imported.") from None
        return post_ids
    except BaseException:
        for asset_id in downloaded:
            try:
                delete_media(org_id, asset_id)
            except Exception:  # noqa: BLE001 - best effort: the import is refused either way
                pass
        raise


def _download_all(org_id: int, user_id: int | None, rows: list[ImportRow], downloaded: list[int]) -> dict[str, int]:
    """Each distinct media URL once, stored in the library like an upload (same content checks)."""
    urls = list(dict.fromkeys(u for r in rows for u in r.media_urls))
    if not urls:
        return {}
    fetched = asyncio.run(_fetch_all(urls))  # this runs in a worker thread: its own short event loop
    by_url: dict[str, int] = {}
    for url in urls:
        name = url.rsplit("/", 1)[-1].split("?")[0] or "media"
        try:
            asset = store_upload(org_id, user_id, name, fetched[url])
        except MediaError as exc:
            raise ImportRefused(f"Media {url}: {exc} Nothing was imported.") from None
        downloaded.append(int(asset["id"]))
        by_url[url] = int(asset["id"])
    return by_url


async def _fetch_all(urls: list[str]) -> dict[str, bytes]:
    cap = int(size_cap(None) * MB)  # the larger of the image and video upload limits
    async with guarded_async_client(timeout=httpx.Timeout(30.0, connect=10.0), follow_redirects=True) as client:
        gate = asyncio.Semaphore(4)

        async def one(url: str) -> tuple[str, bytes]:
            async with gate:
                return url, await _fetch(client, url, cap)

        return dict(await asyncio.gather(*(one(u) for u in urls)))


async def _fetch(client: httpx.AsyncClient, url: str, cap: int) -> bytes:
    try:
        async with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise ImportRefused(f"Media {url}: the server answered {response.status_code}. Nothing was imported.")
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > cap:
                    raise ImportRefused(f"Media {url} is larger than the upload limit. Nothing was imported.")
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.HTTPError as exc:
        reason = refusal_message(exc) or f"could not be downloaded ({type(exc).__name__})"
        raise ImportRefused(f"Media {url}: {reason}. Nothing was imported.") from None


def preview_dict(preview: ImportPreview, limit: int = PREVIEW_PROBLEM_ROWS) -> dict[str, Any]:
    """What the page shows: the summary, file-level problems, and the rows (problem rows first)."""
    ordered = preview.problem_rows + [r for r in preview.rows if not r.problems]
    return {
        "ok": preview.ok,
        "summary": preview.summary(),
        "file_problems": list(preview.file_problems),
        "total": len(preview.rows),
        "problem_count": len(preview.problem_rows),
        "rows": [r.to_dict() for r in ordered[:limit]],
    }
