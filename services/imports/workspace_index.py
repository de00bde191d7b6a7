"""What a CSV row is checked against, loaded once per file: the workspace's accounts and media,
one platform adapter per account, and the guard's verdict per URL host.

Checking 10,000 rows must not mean 10,000 queries or 10,000 DNS lookups; the same text on the same
platform is validated once (a campaign CSV repeats a lot).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import select

from services.db import session_scope
from services.models import MediaAsset, SocialAccount
from services.platforms import registry
from services.platforms.base import MediaFile
from services.posts.common import account_label
from services.posts.compose import media_files
from services.security.net_guard import check_url

#: Stands in for media given by URL (not downloaded before the import itself): the text rules and
#: "this platform needs media" are checked now, the real file's size and type at import.
URL_MEDIA_STANDIN = MediaFile(path="", mime_type="image/jpeg", kind="image", size_bytes=200_000, width=1080,
                              height=1080)  # fmt: skip


@dataclass
class WorkspaceIndex:
    org_id: int
    accounts: dict[int, SocialAccount]
    media: dict[int, MediaAsset]
    _tokens: dict[str, int | None] = field(default_factory=dict)
    _adapters: dict[int, Any] = field(default_factory=dict)
    _url_verdicts: dict[tuple[str, str, int | None], str] = field(default_factory=dict)
    _labels: dict[int, str] = field(default_factory=dict)
    _verdicts: dict[tuple, tuple[str, ...]] = field(default_factory=dict)

    @property
    def platforms(self) -> set[str]:
        return {a.platform for a in self.accounts.values()}

    @classmethod
    def load(cls, org_id: int) -> WorkspaceIndex:
        with session_scope() as session:
            accounts = list(
                session.exec(
                    select(SocialAccount).where(
                        SocialAccount.organization_id == org_id, SocialAccount.status != "disconnected"
                    )
                ).all()
            )
            media = list(session.exec(select(MediaAsset).where(MediaAsset.organization_id == org_id)).all())
            for row in (*accounts, *media):
                session.expunge(row)
        index = cls(org_id, {int(a.id): a for a in accounts}, {int(m.id): m for m in media})  # type: ignore[arg-type]
        index._build_tokens()
        return index

    def _build_tokens(self) -> None:
        """Every spelling that names exactly one account; a spelling two accounts share names none."""
        seen: dict[str, set[int]] = {}
        by_platform: dict[str, set[int]] = {}
        for aid, account in self.accounts.items():
            names = {str(aid)}
            if account.username:
                handle = account.username.lstrip("@").lower()
                names |= {f"@{handle}", f"{account.platform}:{handle}", f"{account.platform}:@{handle}"}
            if account.display_name:
                names |= {account.display_name.strip().lower(), f"{account.platform}:{account.display_name.lower()}"}
            for name in names:
                seen.setdefault(name, set()).add(aid)
            by_platform.setdefault(account.platform, set()).add(aid)
        for platform, ids in by_platform.items():  # "demo" alone names the only Demo account
            seen.setdefault(platform, set()).update(ids)
        self._tokens = {name: next(iter(ids)) if len(ids) == 1 else None for name, ids in seen.items()}

    def find_account(self, token: str) -> int | None:
        return self._tokens.get(token.strip().lower())

    def label(self, account_id: int) -> str:
        if account_id not in self._labels:
            self._labels[account_id] = account_label(self.accounts[account_id])
        return self._labels[account_id]

    def url_refusal(self, url: str) -> str:
        """The guard's refusal for a media URL ('' = fine), resolved once per scheme/host/port."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "", parts.port)
        if key not in self._url_verdicts:
            self._url_verdicts[key] = check_url(url)
        return self._url_verdicts[key]

    def adapter(self, account_id: int) -> Any:
        if account_id not in self._adapters:
            account = self.accounts[account_id]
            try:
                self._adapters[account_id] = registry.get_adapter(account.platform, instance_url=account.instance_url)
            except KeyError:
                self._adapters[account_id] = None
        return self._adapters[account_id]

    def validate(self, account_id: int, text: str, media_ids: list[int], *, has_url_media: bool) -> list[str]:
        account = self.accounts[account_id]
        if account.status == "needs_reconnect":
            return ["the account needs to be reconnected first"]
        adapter = self.adapter(account_id)
        if adapter is None:
            return ["this platform is not available on this server"]
        # Same platform + instance + text + media → same verdict: validated once per file.
        key = (account.platform, account.instance_url or "", text, tuple(media_ids), has_url_media)
        if key not in self._verdicts:
            self._verdicts[key] = tuple(adapter.validate(text, self.files(tuple(media_ids), has_url_media)))
        return list(self._verdicts[key])

    def files(self, media_ids: tuple[int, ...], has_url_media: bool) -> list[MediaFile]:
        files = media_files([self.media[m] for m in media_ids if m in self.media])
        return files + [URL_MEDIA_STANDIN] if has_url_media else files
