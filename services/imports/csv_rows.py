"""Reading a posts CSV into rows, and checking each row against the workspace without saving anything.

Format (header row required, UTF-8, comma-separated; column names are case-insensitive):
- `text` — the post text (required column);
- `text:<platform>` — the text for that platform's accounts in the row (e.g. `text:mastodon`);
- `accounts` — `;`-separated: an account id, `platform:username` (`mastodon:@alice`), `@username`,
  or the account's display name;
- `scheduled_at` — local wall time `YYYY-MM-DD HH:MM` in `timezone`; empty = a draft;
- `timezone` — an IANA name (`Europe/Berlin`); empty = the importing person's timezone;
- `media` — `;`-separated: media library ids (`12` or `#12`) or http(s) URLs (downloaded on import).
Columns the export adds for people (`id`, `status`, `account_names`, `published_urls`,
`created_at`) are ignored, so an export can be edited and imported again.

Everything a row needs is looked up once per file (accounts, media ids, adapters, resolved URL
hosts), so 10,000 rows validate in a few seconds (bench/import_posts.py).
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from services.imports.workspace_index import WorkspaceIndex
from services.posts.compose import PAST_TOLERANCE
from services.security.csv_safety import FORMULA_STARTS
from services.timezones import TimezoneError, to_utc, validate_timezone

MAX_ROWS = 10_000
MAX_BYTES = 10 * 1024 * 1024
KNOWN = {"text", "accounts", "scheduled_at", "timezone", "media"}
IGNORED = {"id", "status", "account_names", "published_urls", "created_at"}
DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


class CsvFormatError(ValueError):
    """The file as a whole can't be read (not CSV, no `text` column, too big)."""


@dataclass
class ImportRow:
    """One CSV row as it would be saved, with every problem found (empty: fine)."""

    line: int
    text: str
    account_ids: list[int]
    account_labels: list[str]
    overrides: dict[int, str]
    scheduled_at: datetime | None
    timezone: str
    local_time: str
    media_ids: list[int]
    media_urls: list[str]
    problems: list[str] = field(default_factory=list)

    @property
    def action(self) -> str:
        return "schedule" if self.scheduled_at is not None else "draft"

    def to_dict(self) -> dict[str, Any]:
        """Plain values for the preview table (Reflex state holds dicts of strings)."""
        data = asdict(self)
        data["scheduled_at"] = self.scheduled_at.isoformat() if self.scheduled_at else ""
        data["action"] = self.action
        data["overrides"] = {str(k): v for k, v in self.overrides.items()}
        return data


def _unprotect(value: str) -> str:
    """A cell our export protected with a leading apostrophe reads back as it was written."""
    if value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def read_csv(content: str | bytes) -> tuple[list[str], list[dict[str, str]]]:
    """(normalised header, rows as dicts); raises CsvFormatError for a file that can't be used at all."""
    if isinstance(content, bytes):
        if len(content) > MAX_BYTES:
            raise CsvFormatError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it.")
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CsvFormatError("The file is not UTF-8 text; save it as “CSV UTF-8”.") from None
    reader = csv.reader(io.StringIO(content.lstrip("\ufeff")))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise CsvFormatError("The file is empty.") from None
    except csv.Error as exc:
        raise CsvFormatError(f"This is not a readable CSV file ({exc}).") from None
    if "text" not in header:
        raise CsvFormatError("The first row must name the columns, including “text”.")
    rows: list[dict[str, str]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                rows.append({})  # keep line numbers right; blank rows are skipped later
                continue
            rows.append({name: _unprotect(cells[i]) if i < len(cells) else "" for i, name in enumerate(header)})
            if len(rows) > MAX_ROWS:
                raise CsvFormatError(f"The file has more than {MAX_ROWS:,} rows; split it.")
    except csv.Error as exc:
        raise CsvFormatError(f"Line {reader.line_num}: {exc}.") from None
    return header, rows


def header_problems(header: list[str], index: WorkspaceIndex) -> list[str]:
    problems = []
    for name in header:
        if name in KNOWN or name in IGNORED or not name:
            continue
        if name.startswith("text:"):
            if name[5:] not in index.platforms:
                problems.append(f"Column “{name}”: no connected account is on the platform “{name[5:]}”.")
            continue
        problems.append(f"Unknown column “{name}” (known: text, text:<platform>, {', '.join(sorted(KNOWN - {'text'}))}).")
    return problems


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _parse_time(raw: str, tz: str, now: datetime, problems: list[str]) -> tuple[datetime | None, str]:
    raw = raw.strip()
    if not raw:
        return None, ""
    for fmt in DATE_FORMATS:
        try:
            local = datetime.strptime(raw, fmt)
            break
        except ValueError:
            continue
    else:
        problems.append(f"“{raw}” is not a date and time like 2031-05-04 09:30.")
        return None, raw
    utc, _note = to_utc(local, tz)
    if utc < now - PAST_TOLERANCE:
        problems.append(f"{raw} ({tz}) is in the past.")
    return utc, f"{local:%Y-%m-%d %H:%M} {tz}"


def check_row(line: int, raw: dict[str, str], index: WorkspaceIndex, default_tz: str, now: datetime) -> ImportRow:
    """Every problem of one row (nothing is written): accounts, time, media and each platform's rules."""
    problems: list[str] = []
    text = raw.get("text", "")
    account_ids: list[int] = []
    for token in _split(raw.get("accounts", "")):
        found = index.find_account(token)
        if found is None:
            problems.append(f"Account “{token}” is not connected to this workspace (or is ambiguous; use its id).")
        elif found not in account_ids:
            account_ids.append(found)
    tz = (raw.get("timezone") or "").strip() or default_tz
    try:
        tz = validate_timezone(tz)
    except TimezoneError as exc:
        problems.append(str(exc))
        tz = ""
    when, local_label = _parse_time(raw.get("scheduled_at", ""), tz, now, problems) if tz else (None, "")
    if when is not None and not account_ids:
        problems.append("A scheduled post needs at least one account.")
    media_ids: list[int] = []
    media_urls: list[str] = []
    for item in _split(raw.get("media", "")):
        if item.lower().startswith(("http://", "https://")):
            refusal = index.url_refusal(item)
            if refusal:
                problems.append(f"Media {item}: {refusal}")
            media_urls.append(item)
            continue
        number = item.lstrip("#")
        if not number.isdigit() or int(number) not in index.media:
            problems.append(f"Media “{item}” is not in this workspace's media library.")
        else:
            media_ids.append(int(number))
    overrides: dict[int, str] = {}
    for column, value in raw.items():
        if column.startswith("text:") and value.strip():
            for aid in account_ids:
                if index.accounts[aid].platform == column[5:]:
                    overrides[aid] = value
    empty = not text.strip() and not overrides and not media_ids and not media_urls
    if empty:
        problems.append("The row has no text and no media.")
    for aid in [] if empty else account_ids:
        for reason in index.validate(aid, overrides.get(aid) or text, media_ids, has_url_media=bool(media_urls)):
            problems.append(f"{index.label(aid)}: {reason}")
    return ImportRow(
        line=line, text=text, account_ids=account_ids, account_labels=[index.label(a) for a in account_ids],
        overrides=overrides, scheduled_at=when, timezone=tz or raw.get("timezone", ""), local_time=local_label,
        media_ids=media_ids, media_urls=media_urls, problems=problems,
    )  # fmt: skip


def check_rows(rows: list[dict[str, str]], index: WorkspaceIndex, default_tz: str, now: datetime | None = None) -> list[ImportRow]:
    now = now or datetime.now(UTC)
    return [check_row(n + 2, raw, index, default_tz, now) for n, raw in enumerate(rows) if raw]


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""
