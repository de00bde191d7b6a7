"""Every setting SocialHub reads, from the environment, in one place.

Settings are read lazily through `get_settings()` so tests and the app can point the same code
at different databases and fake platform servers by changing environment variables before the
first call (or calling `reset_settings()`).
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parent.parent


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    try:
        return int(raw) if raw else default
    except ValueError:
        return default


def _env_float(name: str, default: float) -> float:
    raw = _env(name)
    try:
        return float(raw) if raw else default
    except ValueError:
        return default


def _load_or_create_secret(data_dir: Path) -> str:
    """The secret key encrypts every token at rest, so it is created once and never rotated silently."""
    key_file = data_dir / "secret.key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(48)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_keys: tuple[str, ...]
    base_url: str
    api_url: str
    media_dir: Path
    session_days: int
    invite_days: int
    login_max_failures: int
    login_window_seconds: int
    scheduler_enabled: bool
    scheduler_tick_seconds: float
    publish_grace_hours: float
    publish_max_attempts: int
    publish_lease_seconds: int
    publish_concurrency: int
    publish_per_platform: int
    publish_per_account: int
    heartbeat_stale_seconds: int
    analytics_recent_minutes: int
    analytics_daily_days: int
    platform_env: dict[str, str] = field(default_factory=dict)
    publish_backoff_base_seconds: float = 30.0
    publish_backoff_max_seconds: float = 900.0
    max_image_mb: float = 8.0  # overall upload caps; each platform's own limits are checked at compose time
    max_video_mb: float = 512.0
    analytics_job_seconds: float = 300.0  # how often the app's scheduler runs a metrics collection pass
    registration_mode: str = ""  # open | invite | closed; "" = first account becomes admin, then invite
    trusted_proxy_hops: int = 0  # reverse proxies in front of the app that append to X-Forwarded-For
    login_ip_max_failures: int = 30  # failed logins from one IP (any email) before delays start
    register_max_per_ip: int = 10  # sign-up attempts per IP and register window
    register_window_seconds: int = 3600
    session_idle_hours: float = 72.0  # a session unused this long ends (0 = only the absolute lifetime)
    smtp_url: str = ""  # smtp://user:pass@host:port, smtp+starttls://…, smtps://…
    mail_from: str = ""
    email_verification: bool = True  # new accounts confirm their address (only when SMTP is configured)
    #: operator allow-list for the outgoing-request guard (services.security.net_guard)
    allow_private_hosts: tuple = ()
    public_media_hours: float = 24.0  # lifetime of signed public media links (Instagram/TikTok pull)
    max_request_kb: int = 1024  # body cap of every HTTP request except uploads
    role: str = "all"  # web | worker | all: which halves of the app this process runs (services/roles.py)
    redis_url: str = ""  # shared Reflex state for several web processes (rxconfig.py)
    publish_first_retry_seconds: tuple[float, float] = (2.0, 5.0)  # window of the first (fast) retry
    metrics_token: str = ""  # Bearer token for /metrics; empty = localhost only
    api_rate_per_min: int = 600  # REST API token bucket per key (services/api/ratelimit.py)
    #: where media bytes live: "" = the local media_dir; s3://bucket/prefix = object storage (services/media/backends.py)
    media_storage: str = ""
    s3_endpoint: str = ""  # https://… of MinIO / R2 / Garage; "" = AWS S3
    s3_region: str = "us-east-1"
    s3_access_key_id: str = field(default="", repr=False)
    s3_secret_access_key: str = field(default="", repr=False)
    s3_addressing: str = "path"  # path | virtual
    s3_public_links: str = "presigned"  # presigned (platforms fetch from the bucket) | app (through SocialHub)

    @property
    def https(self) -> bool:
        return self.base_url.lower().startswith("https://")

    @property
    def max_upload_request_mb(self) -> float:
        """Body cap of the upload endpoint: the largest file plus a few images sent with it."""
        return max(self.max_video_mb, self.max_image_mb) + 4 * self.max_image_mb + 1

    def platform(self, name: str, default: str = "") -> str:
        """Platform credentials/base URLs: `SOCIALHUB_<PLATFORM>_<KEY>` (e.g. SOCIALHUB_X_CLIENT_ID)."""
        return self.platform_env.get(name, default)


def _build_settings() -> Settings:
    from services.security.file_modes import private_dir

    data_dir = private_dir(Path(_env("SOCIALHUB_DATA_DIR") or ROOT_DIR / "data").resolve())
    database_url = _env("DATABASE_URL") or f"sqlite:///{data_dir / 'socialhub.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    primary = _env("SOCIALHUB_SECRET_KEY") or _load_or_create_secret(data_dir)
    old = [k.strip() for k in _env("SOCIALHUB_OLD_SECRET_KEYS").split(",") if k.strip()]
    base_url = (_env("SOCIALHUB_BASE_URL") or "http://localhost:3000").rstrip("/")
    api_url = (_env("SOCIALHUB_API_URL") or base_url).rstrip("/")
    media_dir = Path(_env("SOCIALHUB_MEDIA_DIR") or data_dir / "media").resolve()
    platform_env = {k: v for k, v in os.environ.items() if k.startswith("SOCIALHUB_")}
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        secret_keys=(primary, *old),
        base_url=base_url,
        api_url=api_url,
        media_dir=media_dir,
        session_days=_env_int("SOCIALHUB_SESSION_DAYS", 14),
        invite_days=max(1, _env_int("SOCIALHUB_INVITE_DAYS", 7)),
        login_max_failures=_env_int("SOCIALHUB_LOGIN_MAX_FAILURES", 5),
        login_window_seconds=_env_int("SOCIALHUB_LOGIN_WINDOW_SECONDS", 900),
        scheduler_enabled=_env("SOCIALHUB_SCHEDULER", "on").lower() not in {"off", "0", "false"},
        scheduler_tick_seconds=_env_float("SOCIALHUB_TICK_SECONDS", 1.0),
        publish_grace_hours=_env_float("SOCIALHUB_PUBLISH_GRACE_HOURS", 6.0),
        publish_max_attempts=_env_int("SOCIALHUB_PUBLISH_MAX_ATTEMPTS", 5),
        publish_lease_seconds=_env_int("SOCIALHUB_PUBLISH_LEASE_SECONDS", 120),
        publish_concurrency=_env_int("SOCIALHUB_PUBLISH_CONCURRENCY", 50),
        publish_per_platform=_env_int("SOCIALHUB_PUBLISH_PER_PLATFORM", 25),
        publish_per_account=_env_int("SOCIALHUB_PUBLISH_PER_ACCOUNT", 4),
        heartbeat_stale_seconds=_env_int("SOCIALHUB_HEARTBEAT_STALE_SECONDS", 30),
        analytics_recent_minutes=_env_int("SOCIALHUB_ANALYTICS_RECENT_MINUTES", 30),
        analytics_daily_days=_env_int("SOCIALHUB_ANALYTICS_DAILY_DAYS", 90),
        platform_env=platform_env,
        publish_backoff_base_seconds=_env_float("SOCIALHUB_PUBLISH_BACKOFF_BASE_SECONDS", 30.0),
        publish_backoff_max_seconds=_env_float("SOCIALHUB_PUBLISH_BACKOFF_MAX_SECONDS", 900.0),
        max_image_mb=_env_float("SOCIALHUB_MAX_IMAGE_MB", 8.0),
        max_video_mb=_env_float("SOCIALHUB_MAX_VIDEO_MB", 512.0),
        analytics_job_seconds=max(1.0, _env_float("SOCIALHUB_ANALYTICS_JOB_SECONDS", 300.0)),
        registration_mode=_env("SOCIALHUB_REGISTRATION").lower(),
        trusted_proxy_hops=max(0, _env_int("SOCIALHUB_TRUSTED_PROXY_HOPS", 0)),
        login_ip_max_failures=_env_int("SOCIALHUB_LOGIN_IP_MAX_FAILURES", 30),
        register_max_per_ip=_env_int("SOCIALHUB_REGISTER_MAX_PER_IP", 10),
        register_window_seconds=_env_int("SOCIALHUB_REGISTER_WINDOW_SECONDS", 3600),
        session_idle_hours=_env_float("SOCIALHUB_SESSION_IDLE_HOURS", 72.0),
        smtp_url=_env("SOCIALHUB_SMTP_URL"),
        mail_from=_env("SOCIALHUB_MAIL_FROM"),
        email_verification=_env("SOCIALHUB_EMAIL_VERIFICATION", "on").lower() not in {"off", "0", "false"},
        allow_private_hosts=_allow_list(),
        public_media_hours=max(0.05, _env_float("SOCIALHUB_PUBLIC_MEDIA_HOURS", 24.0)),
        max_request_kb=max(16, _env_int("SOCIALHUB_MAX_REQUEST_KB", 1024)),
        role=_role(),
        redis_url=_env("REDIS_URL") or _env("REFLEX_REDIS_URL"),
        publish_first_retry_seconds=_env_range("SOCIALHUB_PUBLISH_FIRST_RETRY_SECONDS", (2.0, 5.0)),
        metrics_token=_env("SOCIALHUB_METRICS_TOKEN"),
        api_rate_per_min=max(1, _env_int("SOCIALHUB_API_RATE_PER_MIN", 600)),
        media_storage=_env("SOCIALHUB_MEDIA_STORAGE"),
        s3_endpoint=_env("SOCIALHUB_S3_ENDPOINT").rstrip("/"),
        s3_region=_env("SOCIALHUB_S3_REGION") or "us-east-1",
        s3_access_key_id=_env("SOCIALHUB_S3_ACCESS_KEY_ID"),
        s3_secret_access_key=_env("SOCIALHUB_S3_SECRET_ACCESS_KEY"),
        s3_addressing="virtual" if _env("SOCIALHUB_S3_ADDRESSING").lower() == "virtual" else "path",
        s3_public_links="app" if _env("SOCIALHUB_S3_PUBLIC_LINKS").lower() == "app" else "presigned",
    )


def _allow_list() -> tuple:
    from services.security.net_guard import parse_allow_list

    return parse_allow_list(_env("SOCIALHUB_ALLOW_PRIVATE_HOSTS"))


ROLES = ("web", "worker", "all")


class ConfigError(ValueError):
    """A setting that cannot be used; the message names the variable and the accepted values."""


def _role() -> str:
    role = (_env("SOCIALHUB_ROLE") or "all").lower()
    if role not in ROLES:
        raise ConfigError(f"SOCIALHUB_ROLE must be one of {', '.join(ROLES)} (got {role!r})")
    return role


def _env_range(name: str, default: tuple[float, float]) -> tuple[float, float]:
    """`LOW-HIGH` seconds (e.g. `2-5`), or one number for a fixed delay."""
    raw = _env(name)
    if not raw:
        return default
    try:
        parts = [float(p) for p in raw.split("-", 1)]
    except ValueError:
        return default
    low, high = parts[0], parts[-1]
    return (min(low, high), max(low, high)) if low >= 0 else default


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return _build_settings()


def reset_settings() -> None:
    """Forget cached settings (tests change the environment between runs)."""
    get_settings.cache_clear()
