"""Image generation through an OpenAI-compatible `POST /images/generations` endpoint.

Only providers marked "can generate images" are asked. The image comes back as base64 and goes
through the same media checks as an upload (services.media.store_upload: sniffed by content, size
limits, thumbnail) into the workspace's media, with the prompt kept on the asset as provenance.
Nothing is attached to a post until the person clicks Attach.
"""

from __future__ import annotations

import base64
import binascii
import time
from typing import Any

from services.ai import health
from services.ai.assistant import note_failure
from services.ai.chat_client import ProviderFailure, _client, failure_from
from services.ai.prompts import AssistRequest
from services.ai.providers import ProviderConfig, providers_to_try
from services.ai.usage import budget_block_message, record_usage
from services.media import MediaError, store_upload
from services.media.alt_text import MAX_PROMPT, set_generated_prompt

SIZES = ("1024x1024", "1024x1536", "1536x1024")
NO_IMAGE_PROVIDER_NOTICE = (
    "No provider that can generate images is set up. Tick “Can generate images” on a provider with an "
    "images endpoint (and set its image model) under AI → Providers."
)


def _check_prompt(prompt: str) -> str:
    prompt = (prompt or "").strip()
    if not prompt:
        raise ValueError("Describe the image you want first.")
    if len(prompt) > MAX_PROMPT:
        raise ValueError(f"The image prompt is {len(prompt):,} characters; keep it within {MAX_PROMPT:,}.")
    return prompt


def image_request(provider: ProviderConfig, prompt: str, size: str) -> dict[str, Any]:
    """The exact request body sent (shown to the person before they generate)."""
    model = provider.image_model or provider.model
    body: dict[str, Any] = {"model": model, "prompt": prompt, "n": 1, "size": size}
    if not model.startswith("gpt-image"):  # gpt-image models always answer base64 and refuse this field
        body["response_format"] = "b64_json"
    return body


async def _generate(provider: ProviderConfig, body: dict[str, Any]) -> bytes:
    if provider.key_error:
        raise ProviderFailure(provider.key_error, kind="auth")
    client = _client(provider)
    try:
        response = await client.images.generate(**body)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a reason; the chain goes on
        raise failure_from(exc, provider) from None
    finally:
        await client.close()
    data = response.data[0].b64_json if response.data else None
    if not data:
        raise ProviderFailure("returned no image data (base64 expected)", kind="empty")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ProviderFailure("returned image data that is not valid base64", kind="unexpected") from None


async def generate_image(org_id: int, user_id: int | None, prompt: str, size: str = SIZES[0]) -> dict[str, Any]:
    """{"asset", "provider", "model", "request", "skipped", "notice", "error"}; never raises to the UI."""
    out: dict[str, Any] = {"asset": None, "provider": "", "model": "", "request": {}, "skipped": [], "notice": "",
                           "error": ""}  # fmt: skip
    try:
        prompt = _check_prompt(prompt)
    except ValueError as exc:
        return out | {"error": str(exc)}
    if size not in SIZES:
        return out | {"error": f"Pick one of the sizes {', '.join(SIZES)}."}
    providers = [p for p in providers_to_try(org_id, user_id) if p.can_generate_images]
    if not providers:
        return out | {"notice": NO_IMAGE_PROVIDER_NOTICE}
    blocked = budget_block_message(org_id)
    if blocked:
        return out | {"notice": blocked}
    req = AssistRequest(org_id, user_id, "image")
    for provider in providers:
        reason = health.skip_reason(org_id, provider.id)
        if reason:
            out["skipped"].append({"provider": provider.name, "model": provider.model, "reason": reason})
            continue
        body = image_request(provider, prompt, size)
        out["request"] = body
        started = time.monotonic()
        try:
            data = await _generate(provider, body)
        except ProviderFailure as failure:
            note_failure(req, provider, failure, int((time.monotonic() - started) * 1000))
            out["skipped"].append({"provider": provider.name, "model": provider.model, "reason": failure.reason})
            continue
        health.record_success(org_id, provider.id)
        latency = int((time.monotonic() - started) * 1000)
        try:
            asset = store_upload(org_id, user_id, f"generated-{int(time.time())}.png", data)
        except MediaError as exc:
            record_usage(org_id, user_id, action="image", provider_name=provider.name, model=body["model"],
                         latency_ms=latency, outcome="error", detail=f"image refused: {exc}"[:300],
                         provider_id=provider.id)  # fmt: skip
            return out | {"error": f"{provider.name} returned an image SocialHub cannot use: {exc}"}
        asset = set_generated_prompt(org_id, asset["id"], prompt)
        record_usage(org_id, user_id, action="image", provider_name=provider.name, model=body["model"],
                     latency_ms=latency, provider_id=provider.id)  # fmt: skip
        return out | {"asset": asset, "provider": provider.name, "model": body["model"]}
    return out | {"notice": "No provider could generate the image; see the reasons above."}
