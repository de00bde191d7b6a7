"""The adapter interface: what every platform module declares and implements.

An adapter is pure platform I/O (httpx) plus that platform's rules. It never touches the
database: token storage, refresh orchestration and state transitions live in
services.accounts and services.publishing, which call adapters through this interface.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

import httpx

from services.config import Settings, get_settings
from services.platforms.errors import NotConfiguredError, PermanentError

AuthKind = Literal["oauth2", "app_password", "none"]
Counting = Literal["chars", "graphemes", "x_weighted", "mastodon"]


@dataclass(frozen=True)
class MediaRules:
    image_types: tuple[str, ...] = ("image/jpeg", "image/png", "image/webp", "image/gif")
    video_types: tuple[str, ...] = ("video/mp4",)
    max_images: int = 4
    max_videos: int = 1
    image_max_bytes: int = 5 * 1024 * 1024
    video_max_bytes: int = 512 * 1024 * 1024
    mix_images_and_video: bool = False


@dataclass(frozen=True)
class Constraints:
    max_chars: int
    counting: Counting = "chars"
    #: a second cap on the UTF-8 size of the text (Bluesky: 3,000 bytes beside 300 graphemes)
    max_bytes: int | None = None
    url_weight: int | None = None  # X and Mastodon count every URL as 23
    max_hashtags: int | None = None
    requires_media: Literal["image", "video", "any"] | None = None
    media: MediaRules = field(default_factory=MediaRules)


@dataclass
class Credentials:
    """Everything needed to call the platform as one account. Stored only Fernet-encrypted."""

    access_token: str = ""
    refresh_token: str = ""
    expires_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # page token, DID, app password, PDS...

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["expires_at"] = self.expires_at.isoformat() if self.expires_at else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Credentials:
        exp = data.get("expires_at")
        return cls(
            access_token=data.get("access_token", ""),
            refresh_token=data.get("refresh_token", ""),
            expires_at=datetime.fromisoformat(exp) if exp else None,
            extra=dict(data.get("extra") or {}),
        )

    def expires_within(self, seconds: float, now: datetime | None = None) -> bool:
        if self.expires_at is None:
            return False
        now = now or datetime.now(UTC)
        return (self.expires_at - now).total_seconds() <= seconds


@dataclass
class Profile:
    external_id: str
    display_name: str
    username: str = ""
    avatar_url: str = ""
    profile_url: str = ""
    followers: int | None = None


@dataclass
class DiscoveredAccount:
    """One account a login gives access to (a Facebook login can give several Pages)."""

    profile: Profile
    credentials: Credentials


@dataclass
class AccountRef:
    """The stored account an adapter call acts for."""

    external_id: str
    instance_url: str = ""
    username: str = ""
    display_name: str = ""


@dataclass
class MediaFile:
    path: str  # absolute path on disk
    mime_type: str
    kind: Literal["image", "video"]
    size_bytes: int
    width: int | None = None
    height: int | None = None
    alt_text: str = ""
    #: where the platform can fetch the file itself (Instagram, TikTok PULL_FROM_URL); "" = not public
    public_url: str = ""


@dataclass
class PublishRequest:
    text: str
    media: list[MediaFile] = field(default_factory=list)
    idempotency_key: str = ""  # stable per post target; sent where the platform supports it
    reply_to_id: str = ""  # platform id of the post this one answers (thread chains on X / Mastodon)


@dataclass
class PublishResult:
    external_id: str
    url: str = ""
    published_at: datetime | None = None


@dataclass
class PostMetrics:
    """Normalized vocabulary; None means the platform does not give it (never 0)."""

    likes: int | None = None
    reposts: int | None = None
    replies: int | None = None
    impressions: int | None = None
    reach: int | None = None
    clicks: int | None = None
    simulated: bool = False


@dataclass
class AccountMetrics:
    followers: int | None = None
    simulated: bool = False


class PlatformAdapter(ABC):
    name: ClassVar[str]
    label: ClassVar[str]
    auth_kind: ClassVar[AuthKind] = "oauth2"
    constraints: ClassVar[Constraints]
    supports_idempotency_key: ClassVar[bool] = False
    can_lookup_recent_posts: ClassVar[bool] = False
    #: whether `PublishRequest.reply_to_id` is honoured; an adapter that cannot reply refuses it
    supports_replies: ClassVar[bool] = False
    #: env vars a self-hoster sets to enable this platform (shown when Connect is disabled)
    required_env: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        instance_url: str = "",
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self.instance_url = instance_url.rstrip("/")
        self._client = client

    # --- configuration -------------------------------------------------------------------
    def is_configured(self) -> bool:
        return all(self.settings.platform(var) for var in self.required_env)

    def config_help(self) -> str:
        if not self.required_env:
            return ""
        return f"Set {', '.join(self.required_env)} on the server to enable {self.label}."

    def require_configured(self) -> None:
        if not self.is_configured():
            raise NotConfiguredError(self.config_help())

    def http(self) -> httpx.AsyncClient:
        """A shared client per adapter; the publishing engine passes its own pooled client.

        Guarded against SSRF (services.security.net_guard): instance and PDS hosts are user-chosen.
        """
        if self._client is None:
            from services.security.net_guard import guarded_async_client

            self._client = guarded_async_client(timeout=httpx.Timeout(30.0, connect=10.0))
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # --- text rules ----------------------------------------------------------------------
    def count_text(self, text: str) -> int:
        from services.platforms.text_counting import count_text

        return count_text(text, self.constraints)

    def validate(self, text: str, media: list[MediaFile]) -> list[str]:
        """Human-readable reasons this post cannot go out on this platform (empty = fine)."""
        from services.platforms.text_counting import validate_post

        return validate_post(text, media, self.constraints, self.label)

    # --- auth ----------------------------------------------------------------------------
    @abstractmethod
    def authorization_url(self, *, redirect_uri: str, state: str, code_verifier: str) -> str: ...

    @abstractmethod
    async def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> Credentials: ...

    @abstractmethod
    async def refresh(self, creds: Credentials) -> Credentials: ...

    @abstractmethod
    async def discover_accounts(self, creds: Credentials) -> list[DiscoveredAccount]: ...

    def can_refresh(self, creds: Credentials) -> bool:
        """Whether a new access token can be had without the user (decides the 'expiring' warning)."""
        return bool(creds.refresh_token)

    async def revoke(self, creds: Credentials) -> None:  # noqa: B027 - optional
        """Revoke the token at the platform where it has an endpoint; default: nothing to do."""

    # --- content -------------------------------------------------------------------------
    def refuse_reply(self, request: PublishRequest) -> None:
        """First line of `publish` in adapters that cannot reply.

        Dropping `reply_to_id` would publish an answer as a top-level post, which the user cannot
        take back quietly; refusing (permanently: retrying cannot help) keeps the post unsent.
        """
        if request.reply_to_id and not self.supports_replies:
            raise PermanentError(f"{self.label} can't publish replies (yet); nothing was posted")

    @abstractmethod
    async def publish(self, creds: Credentials, account: AccountRef, request: PublishRequest) -> PublishResult: ...

    @abstractmethod
    async def delete(self, creds: Credentials, account: AccountRef, external_id: str) -> None: ...

    async def find_recent_post(
        self, creds: Credentials, account: AccountRef, request: PublishRequest, since: datetime
    ) -> PublishResult | None:
        """Look up whether `request` was already posted since `since` (reconciliation)."""
        raise NotImplementedError

    # --- analytics -----------------------------------------------------------------------
    @abstractmethod
    async def fetch_post_metrics(self, creds: Credentials, account: AccountRef, external_id: str) -> PostMetrics: ...

    @abstractmethod
    async def fetch_account_metrics(self, creds: Credentials, account: AccountRef) -> AccountMetrics: ...
