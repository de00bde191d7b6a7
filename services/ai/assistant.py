"""The composer's assistant: try providers in order, stream the answer, fall back, record usage.

Every function here yields plain-dict events so the UI can stream a suggestion word by word:
  {"type": "prompt", "messages": [...], "max_tokens": n, ...}   exactly what will be sent
  {"type": "notice", "message": ...}                            budget reached / no provider set up
  {"type": "skipped", "provider", "model", "reason"}            a provider failed; the next is tried
  {"type": "provider", "name", "model", "offline"}              who is answering
  {"type": "delta", "text": ...}                                the next piece of the answer
  {"type": "reset", "reason": ...}                              drop the text streamed so far (provider broke mid-answer)
  {"type": "done", "text", "fitted_text", "provider", "model", "offline", "label", "messages", "skipped", ...}
  {"type": "error", "message": ...}                             bad input; nothing was called
Each event carries "target" (the rewrite's platform+persona key; "all" otherwise). Nothing is saved
or published here: the user inserts the suggestion.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any

from services.ai import health
from services.ai.chat_client import CallResult, ProviderFailure, chat
from services.ai.errors import AIInputError, AINotFoundError
from services.ai.fitting import Fitted, fit_for_insert, shortened_note
from services.ai.offline import OFFLINE_LABEL
from services.ai.prompts import AssistRequest, PreparedPrompt, prepare
from services.ai.providers import ProviderConfig, providers_to_try
from services.ai.usage import budget_block_message, estimate_cost, record_usage

log = logging.getLogger("services.ai")

OFFLINE_PROVIDER = "offline assistant"
NO_PROVIDER_NOTICE = "No AI provider is set up, so this is an offline suggestion. Add one under AI → Providers."
ALL_FAILED_NOTICE = "No provider could answer, so this is an offline suggestion."


def _words(text: str) -> list[str]:
    """Offline text streams word by word too, so the panel behaves the same either way."""
    return re.findall(r"\S+\s*|\s+", text)


async def _run_prompt(req: AssistRequest, prompt: PreparedPrompt, *, stream: bool) -> AsyncIterator[dict[str, Any]]:
    key = prompt.target.get("key", "all")
    yield {
        "type": "prompt",
        "target": key,
        "messages": prompt.messages,
        "max_tokens": prompt.max_tokens,
        "template_source": prompt.template_source,
        "target_info": prompt.target,
    }
    skipped: list[dict[str, str]] = []
    notices: list[str] = []
    providers = providers_to_try(req.org_id, req.user_id)
    blocked = budget_block_message(req.org_id) if providers else None
    if blocked:
        notices.append(blocked)
        yield {"type": "notice", "target": key, "message": blocked}
        providers = []
    elif not providers:
        notices.append(NO_PROVIDER_NOTICE)
        yield {"type": "notice", "target": key, "message": NO_PROVIDER_NOTICE}

    tried = 0
    for provider in providers:
        reason = health.skip_reason(req.org_id, provider.id)
        if reason:
            skipped.append({"provider": provider.name, "model": provider.model, "reason": reason})
            yield {"type": "skipped", "target": key, "provider": provider.name, "model": provider.model,
                   "reason": reason}  # fmt: skip
            continue
        tried += 1
        result = CallResult()
        started = time.monotonic()
        announced = False
        try:
            async for piece in chat(provider, prompt.messages, prompt.max_tokens, result, stream=stream):
                if not announced:
                    announced = True
                    yield {
                        "type": "provider",
                        "target": key,
                        "name": provider.name,
                        "model": provider.model,
                        "offline": False,
                    }
                yield {"type": "delta", "target": key, "text": piece}
        except ProviderFailure as failure:
            latency = int((time.monotonic() - started) * 1000)
            log.warning("AI provider %r (%s) skipped: %s", provider.name, provider.model, failure.reason)
            note_failure(req, provider, failure, latency)
            skipped.append({"provider": provider.name, "model": provider.model, "reason": failure.reason})
            yield {
                "type": "skipped",
                "target": key,
                "provider": provider.name,
                "model": provider.model,
                "reason": failure.reason,
            }
            if announced:
                yield {
                    "type": "reset",
                    "target": key,
                    "reason": f"{provider.name} stopped mid-answer: {failure.reason}",
                }
            continue
        latency = int((time.monotonic() - started) * 1000)
        health.record_success(req.org_id, provider.id)
        cost = estimate_cost(result.tokens_in, result.tokens_out, provider.price_in_per_1k, provider.price_out_per_1k)
        record_usage(
            req.org_id, req.user_id, action=req.action, provider_name=provider.name, model=provider.model,
            tokens_in=result.tokens_in, tokens_out=result.tokens_out, latency_ms=latency, cost_usd=cost,
            detail="" if result.usage_reported else "tokens estimated (no usage reported)", provider_id=provider.id,
        )  # fmt: skip
        yield _done(prompt, result.text.strip(), provider.name, provider.model, skipped, notices) | {
            "tokens_in": result.tokens_in,
            "tokens_out": result.tokens_out,
            "usage_reported": result.usage_reported,
            "cost_usd": cost,
            "latency_ms": latency,
        }
        return

    if providers:
        notices.append(ALL_FAILED_NOTICE)
        yield {"type": "notice", "target": key, "message": ALL_FAILED_NOTICE}
    yield {"type": "provider", "target": key, "name": OFFLINE_PROVIDER, "model": "", "offline": True}
    for word in _words(prompt.offline_text):
        yield {"type": "delta", "target": key, "text": word}
    record_usage(
        req.org_id, req.user_id, action=req.action, provider_name=OFFLINE_PROVIDER, model="",
        outcome="budget" if blocked else "offline", detail=(blocked or "")[:300],
    )  # fmt: skip
    yield _done(prompt, prompt.offline_text, OFFLINE_PROVIDER, "", skipped, notices, offline=True)


def note_failure(req: AssistRequest, provider: ProviderConfig, failure: ProviderFailure, latency: int) -> None:
    """A failed call: a usage row with its outcome (never counted as answered) and the provider's health."""
    outcome = "rate_limited" if failure.kind == "rate_limited" else "error"
    record_usage(
        req.org_id, req.user_id, action=req.action, provider_name=provider.name, model=provider.model,
        latency_ms=latency, outcome=outcome, detail=failure.reason, provider_id=provider.id,
    )  # fmt: skip
    health.record_failure(req.org_id, provider.id, failure.kind, failure.reason, failure.retry_after)


def _note(action: str, result: Fitted, rules: list) -> str:  # noqa: ANN001
    if action == "hashtags" and not result.added_tags:
        return "Every suggested hashtag is already in the post."
    return shortened_note(result, rules)


def _done(
    prompt: PreparedPrompt,
    text: str,
    provider: str,
    model: str,
    skipped: list[dict[str, str]],
    notices: list[str],
    *,
    offline: bool = False,
) -> dict[str, Any]:
    counts = {r.label: r.count(text) for r in prompt.rules}
    # The same fitting Insert uses, so the panel shows what will be inserted and notes only real cuts.
    result = fit_for_insert(prompt.action, prompt.source_text, text, prompt.rules)
    if prompt.action == "hashtags":
        fitted = " ".join(result.added_tags)
        within = not result.shortened
    else:
        fitted, within = result.text, not result.shortened
    return {
        "type": "done",
        "target": prompt.target.get("key", "all"),
        "target_info": prompt.target,
        "action": prompt.action,
        "text": text,
        "fitted_text": fitted,
        "within_limit": within,
        "shortened": result.shortened,
        "note": _note(prompt.action, result, prompt.rules),
        "counts": counts,
        "limit": prompt.target.get("limit"),
        "provider": provider,
        "model": model,
        "offline": offline,
        "label": OFFLINE_LABEL if offline else "",
        "messages": prompt.messages,
        "max_tokens": prompt.max_tokens,
        "template_source": prompt.template_source,
        "skipped": list(skipped),
        "notices": list(notices),
        "tokens_in": 0,
        "tokens_out": 0,
        "usage_reported": False,
        "cost_usd": 0.0,
        "latency_ms": 0,
    }


async def stream_assist(req: AssistRequest, *, stream: bool = True) -> AsyncIterator[dict[str, Any]]:
    """All actions go through here. Bad input ends in one "error" event; nothing raises to the UI."""
    try:
        prompts = prepare(req)
    except (AIInputError, AINotFoundError) as exc:
        yield {"type": "error", "target": "all", "message": str(exc)}
        return
    try:
        for prompt in prompts:
            async for event in _run_prompt(req, prompt, stream=stream):
                yield event
    except (AIInputError, AINotFoundError) as exc:
        yield {"type": "error", "target": "all", "message": str(exc)}
    except Exception:  # noqa: BLE001 - the panel shows a message instead of a stack trace
        log.exception("AI assistant failed unexpectedly (%s)", req.action)
        yield {
            "type": "error",
            "target": "all",
            "message": "The assistant hit an unexpected problem; please try again.",
        }


async def collect(events: AsyncIterator[dict[str, Any]]) -> dict[str, Any]:
    """The last "done" (or the "error") event; rewrites get every target's result under "results"."""
    results: list[dict[str, Any]] = []
    async for event in events:
        if event["type"] == "error":
            return event
        if event["type"] == "done":
            results.append(event)
    return {**results[-1], "results": results} if results else {"type": "error", "message": "No suggestion."}


def stream_caption(
    org_id: int, user_id: int | None, brief: str, *, account_ids: Iterable[int] = (),
    platforms: Iterable[str] = (), persona_id: int | None = None, stream: bool = True,
) -> AsyncIterator[dict[str, Any]]:  # fmt: skip
    req = AssistRequest(org_id, user_id, "caption", brief=brief, account_ids=list(account_ids),
                        platforms=list(platforms), persona_id=persona_id)  # fmt: skip
    return stream_assist(req, stream=stream)


def stream_rewrites(
    org_id: int, user_id: int | None, text: str, *, account_ids: Iterable[int] = (),
    platforms: Iterable[str] = (), persona_id: int | None = None, stream: bool = True,
) -> AsyncIterator[dict[str, Any]]:  # fmt: skip
    req = AssistRequest(org_id, user_id, "rewrite", text=text, account_ids=list(account_ids),
                        platforms=list(platforms), persona_id=persona_id)  # fmt: skip
    return stream_assist(req, stream=stream)


def stream_hashtags(
    org_id: int, user_id: int | None, text: str, *, count: int = 5, account_ids: Iterable[int] = (),
    platforms: Iterable[str] = (), persona_id: int | None = None, stream: bool = True,
) -> AsyncIterator[dict[str, Any]]:  # fmt: skip
    req = AssistRequest(org_id, user_id, "hashtags", text=text, hashtag_count=count, account_ids=list(account_ids),
                        platforms=list(platforms), persona_id=persona_id)  # fmt: skip
    return stream_assist(req, stream=stream)


def stream_tone(
    org_id: int, user_id: int | None, text: str, tone: str, *, account_ids: Iterable[int] = (),
    platforms: Iterable[str] = (), persona_id: int | None = None, stream: bool = True,
) -> AsyncIterator[dict[str, Any]]:  # fmt: skip
    req = AssistRequest(org_id, user_id, "tone", text=text, tone=tone, account_ids=list(account_ids),
                        platforms=list(platforms), persona_id=persona_id)  # fmt: skip
    return stream_assist(req, stream=stream)


async def suggest_caption(org_id: int, user_id: int | None, brief: str, **kwargs: Any) -> dict[str, Any]:
    return await collect(stream_caption(org_id, user_id, brief, **kwargs))


async def suggest_rewrites(org_id: int, user_id: int | None, text: str, **kwargs: Any) -> dict[str, Any]:
    return await collect(stream_rewrites(org_id, user_id, text, **kwargs))


async def suggest_hashtags(org_id: int, user_id: int | None, text: str, **kwargs: Any) -> dict[str, Any]:
    return await collect(stream_hashtags(org_id, user_id, text, **kwargs))


async def suggest_tone(org_id: int, user_id: int | None, text: str, tone: str, **kwargs: Any) -> dict[str, Any]:
    return await collect(stream_tone(org_id, user_id, text, tone, **kwargs))
