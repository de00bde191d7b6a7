"""Per-key token bucket for the REST API: `SOCIALHUB_API_RATE_PER_MIN` requests a minute (default 600).

A bucket holds up to `limit` tokens and refills continuously at limit/60 per second, so a client
may burst a full minute's worth and then proceeds at the steady rate. With several web processes
(REDIS_URL set) the buckets live in Redis and are updated by one Lua script, atomically and by the
Redis server's clock, so N processes share one limit instead of granting N times it. Without
Redis — or when Redis is unreachable, where refusing every call would be worse — each process
keeps its own buckets.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from dataclasses import dataclass
from typing import Any

from services.config import get_settings

log = logging.getLogger("socialhub.api.ratelimit")

_LUA = """
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local rate = limit / 60.0
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', key, 'tokens', 'ts')
local tokens = tonumber(state[1]) or limit
local ts = tonumber(state[2]) or now
tokens = math.min(limit, tokens + math.max(0, now - ts) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', key, math.ceil(60000 * 2))
return {allowed, tostring(tokens)}
"""


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int  # until the bucket is full again
    retry_after: int  # until the next request would be allowed (0 when allowed)

    def headers(self) -> dict[str, str]:
        out = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
        }
        if not self.allowed:
            out["Retry-After"] = str(self.retry_after)
        return out


def _decision(allowed: bool, tokens: float, limit: int) -> RateDecision:
    rate = limit / 60.0
    return RateDecision(
        allowed=allowed,
        limit=limit,
        remaining=max(0, int(math.floor(tokens))),
        reset_seconds=max(0, math.ceil((limit - tokens) / rate)),
        retry_after=0 if allowed else max(1, math.ceil((1 - tokens) / rate)),
    )


class LocalBuckets:
    """In-process buckets (one process, or Redis unavailable)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str, limit: int, now: float | None = None) -> RateDecision:
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, ts = self._buckets.get(key, (float(limit), now))
            tokens = min(float(limit), tokens + max(0.0, now - ts) * limit / 60.0)
            allowed = tokens >= 1
            if allowed:
                tokens -= 1
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > 50_000:  # forget idle keys (a full bucket is the default anyway)
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 120}
        return _decision(allowed, tokens, limit)

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()


class RedisBuckets:
    def __init__(self, url: str) -> None:
        import redis

        self._client: Any = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._script = self._client.register_script(_LUA)

    def take(self, key: str, limit: int) -> RateDecision:
        allowed, tokens = self._script(keys=[key], args=[limit])
        return _decision(bool(int(allowed)), float(tokens), limit)


_local = LocalBuckets()
_redis: dict[str, RedisBuckets] = {}


def take(bucket: str) -> RateDecision:
    """Spend one token of `bucket` (an API key id) and say whether the request may go ahead."""
    settings = get_settings()
    limit = settings.api_rate_per_min
    if settings.redis_url:
        try:
            backend = _redis.get(settings.redis_url) or _redis.setdefault(
                settings.redis_url, RedisBuckets(settings.redis_url)
            )
            # one Redis may serve several installations (or test databases): key ids are per database
            namespace = hashlib.sha256(settings.database_url.encode()).hexdigest()[:12]
            return backend.take(f"socialhub:api:rate:{namespace}:{bucket}", limit)
        except Exception as exc:  # noqa: BLE001 - an unreachable Redis must not take the API down
            log.warning("rate limit: Redis unavailable (%s); using this process's buckets", type(exc).__name__)
    return _local.take(bucket, limit)


def reset_local() -> None:
    """Tests: forget every in-process bucket."""
    _local.reset()
