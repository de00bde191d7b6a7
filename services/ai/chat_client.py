"""One chat completion against one OpenAI-compatible provider, through the openai SDK.

The SDK's own retries are off (max_retries=0): on a 429, timeout or 5xx the fallback chain moves to
the next provider at once instead of making the user wait on backoff. Failures become a
`ProviderFailure` whose reason is built here from the status code, never from the response body
or the exception text — a provider may echo the key back in its error body.
"""

from __future__ import annotations

import math
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import openai
from openai import AsyncOpenAI

from services.ai.providers import ProviderConfig

#: Sent when a provider has no key (Ollama, LM Studio): the SDK insists on one.
NO_KEY_PLACEHOLDER = "no-key"


class ProviderFailure(Exception):
    def __init__(self, reason: str, *, kind: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind  # auth | rate_limited | timeout | server | connection | refused | empty | unexpected
        self.retry_after = retry_after  # seconds the provider asked us to wait (Retry-After / reset headers)


@dataclass
class CallResult:
    """Filled in while a call runs; `usage_reported` is False when tokens had to be estimated."""

    text_parts: list[str] = field(default_factory=list)
    tokens_in: int = 0
    tokens_out: int = 0
    usage_reported: bool = False

    @property
    def text(self) -> str:
        return "".join(self.text_parts)


def estimate_tokens(text: str) -> int:
    """Roughly four characters per token: used only when a server does not report usage."""
    return math.ceil(len(text) / 4) if text else 0


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")


def _duration(value: str) -> float | None:
    """OpenAI's reset headers: "7s", "1m30s", "250ms"."""
    parts = _DURATION.findall(value.strip().lower())
    if not parts:
        return None
    scale = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    return sum(float(n) * scale[u] for n, u in parts)


def retry_after_seconds(headers: Any) -> float | None:
    """Retry-After (seconds or an HTTP date), else the later of x-ratelimit-reset-requests/-tokens."""
    if headers is None:
        return None
    value = (headers.get("retry-after") or "").strip()
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
            except (TypeError, ValueError):
                pass
    resets = [_duration(headers.get(h) or "") for h in ("x-ratelimit-reset-requests", "x-ratelimit-reset-tokens")]
    resets = [r for r in resets if r is not None]
    return max(resets) if resets else None


def _retry_after(seconds: float | None) -> str:
    return f", retry after {seconds:g}s" if seconds is not None else ""


def failure_from(exc: BaseException, provider: ProviderConfig) -> ProviderFailure:
    if isinstance(exc, ProviderFailure):
        return exc
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        hint = f"…{provider.key_last4}" if provider.key_last4 else "no key set"
        return ProviderFailure(f"the provider rejected the key ({hint})", kind="auth")
    if isinstance(exc, openai.RateLimitError):
        seconds = retry_after_seconds(exc.response.headers if exc.response is not None else None)
        return ProviderFailure(f"rate limited (429{_retry_after(seconds)})", kind="rate_limited", retry_after=seconds)
    if isinstance(exc, openai.APITimeoutError):
        return ProviderFailure(f"no answer within {provider.timeout_seconds:g}s (timeout)", kind="timeout")
    if isinstance(exc, openai.InternalServerError):
        return ProviderFailure(f"server error ({exc.status_code})", kind="server")
    if isinstance(exc, openai.NotFoundError):
        return ProviderFailure("not found (404): check the base URL and the model name", kind="refused")
    if isinstance(exc, openai.APIStatusError):
        return ProviderFailure(f"request refused ({exc.status_code})", kind="refused")
    if isinstance(exc, openai.APIConnectionError):
        return ProviderFailure("could not connect to the provider", kind="connection")
    return ProviderFailure(f"unexpected error ({type(exc).__name__})", kind="unexpected")


def _client(provider: ProviderConfig) -> AsyncOpenAI:
    return AsyncOpenAI(
        base_url=provider.base_url,
        api_key=provider.api_key or NO_KEY_PLACEHOLDER,
        timeout=provider.timeout_seconds,
        max_retries=0,
    )


def _text_of(content: Any) -> str:
    """A message's text; image parts (vision requests) are not counted as text."""
    if isinstance(content, str):
        return content
    return "".join(p.get("text", "") for p in content or [] if isinstance(p, dict) and p.get("type") == "text")


def _usage(result: CallResult, usage: Any) -> None:
    if usage is None:
        return
    result.tokens_in = int(getattr(usage, "prompt_tokens", 0) or 0)
    result.tokens_out = int(getattr(usage, "completion_tokens", 0) or 0)
    result.usage_reported = True


async def chat(
    provider: ProviderConfig,
    messages: list[dict[str, Any]],
    max_tokens: int,
    result: CallResult,
    *,
    stream: bool,
) -> AsyncIterator[str]:
    """Yield the reply as it arrives (one piece when not streaming); raise ProviderFailure."""
    if provider.key_error:
        raise ProviderFailure(provider.key_error, kind="auth")
    client = _client(provider)
    try:
        if stream:
            response = await client.chat.completions.create(
                model=provider.model,
                messages=messages,
                max_tokens=max_tokens,
                stream=True,
                stream_options={"include_usage": True},
            )
            async for chunk in response:
                _usage(result, getattr(chunk, "usage", None))
                for choice in chunk.choices or []:
                    piece = getattr(choice.delta, "content", None) if choice.delta else None
                    if piece:
                        result.text_parts.append(piece)
                        yield piece
        else:
            completion = await client.chat.completions.create(
                model=provider.model, messages=messages, max_tokens=max_tokens
            )
            _usage(result, completion.usage)
            text = (completion.choices[0].message.content or "") if completion.choices else ""
            if text:
                result.text_parts.append(text)
                yield text
    except ProviderFailure:
        raise
    except Exception as exc:  # noqa: BLE001 - every failure becomes a reason; the chain goes on
        if result.text_parts and not isinstance(exc, openai.APIStatusError | openai.APITimeoutError):
            raise ProviderFailure("the connection dropped mid-answer", kind="connection") from None
        raise failure_from(exc, provider) from None
    finally:
        await client.close()
    if not result.text.strip():
        raise ProviderFailure("returned an empty reply", kind="empty")
    if not result.usage_reported:
        result.tokens_in = estimate_tokens("".join(_text_of(m["content"]) for m in messages))
        result.tokens_out = estimate_tokens(result.text)
