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
    data_dir.mkdir(parents=True, exist_ok=True)
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
    publish_first_retry_seconds: tuple[float, float] = (2.0, 5.0)  # window of the first (fast) retry
    metrics_token: str = ""  # Bearer token for /metrics; empty = localhost only

    def platform(self, name: str, default: str = "") -> str:
        """Platform credentials/base URLs: `SOCIALHUB_<PLATFORM>_<KEY>` (e.g. SOCIALHUB_X_CLIENT_ID)."""
        return self.platform_env.get(name, default)


def _build_settings() -> Settings:
    data_dir = Path(_env("SOCIALHUB_DATA_DIR") or ROOT_DIR / "data").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
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
        publish_first_retry_seconds=_env_range("SOCIALHUB_PUBLISH_FIRST_RETRY_SECONDS", (2.0, 5.0)),
        metrics_token=_env("SOCIALHUB_METRICS_TOKEN"),
    )


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
