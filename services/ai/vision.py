"""Alt text suggestions: an image and a short instruction to a provider that can see images.

The image goes as an OpenAI-compatible chat message with an `image_url` part (a data URL of a
downscaled JPEG, so the file never has to be public). The prompt shown to the person is the exact
message list, with the data URL replaced by a description of what was attached. The suggestion
fills the alt field for review; nothing is saved until the person saves it.
"""

from __future__ import annotations

import base64
import io
import re
import time
from typing import Any

from PIL import Image, ImageOps

from services.ai import health
from services.ai.assistant import note_failure
from services.ai.chat_client import CallResult, ProviderFailure, chat
from services.ai.prompts import AssistRequest
from services.ai.providers import providers_to_try
from services.ai.usage import budget_block_message, estimate_cost, record_usage
from services.media import MediaError, get_asset
from services.media.alt_text import MAX_ALT_TEXT
from services.media.storage import local_media_path

VISION_MAX_SIDE = 1024
ALT_TEXT_TARGET = 250
NO_VISION_NOTICE = (
    "No provider that can see images is set up, so there is no alt text suggestion. "
    "Tick “Can see images” on a vision-capable provider under AI → Providers."
)
SYSTEM = (
    "You write alt text for images in social media posts. Describe what matters for someone who cannot see "
    "the image: subject, action, setting, any text in the image. No “image of”, no hashtags, no emoji."
)
USER = "Write alt text for this image in at most {limit} characters. Reply with the alt text only."


def _jpeg_data_url(path: str) -> tuple[str, str]:
    with Image.open(path) as img:
        img.seek(0)
        frame = ImageOps.exif_transpose(img.convert("RGB"))
        frame.thumbnail((VISION_MAX_SIDE, VISION_MAX_SIDE))
        out = io.BytesIO()
        frame.save(out, "JPEG", quality=85)
        size = f"{frame.width}×{frame.height}"
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode(), size


def alt_text_messages(image_url: str) -> list[dict[str, Any]]:
    return [
        {"role": "system", "content": SYSTEM},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": USER.format(limit=ALT_TEXT_TARGET)},
                {"type": "image_url", "image_url": {"url": image_url}},
            ],
        },
    ]


def shown_messages(messages: list[dict[str, Any]], description: str) -> list[dict[str, str]]:
    """What the panel shows: the same messages, with the image part named instead of its bytes."""
    shown = []
    for message in messages:
        content = message["content"]
        if not isinstance(content, str):
            content = "\n".join(
                p["text"] if p["type"] == "text" else f"[image attached: {description}]" for p in content
            )
        shown.append({"role": message["role"], "content": content})
    return shown


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip().strip('"“”')
    if len(text) <= MAX_ALT_TEXT:
        return text
    return text[:MAX_ALT_TEXT].rsplit(" ", 1)[0].rstrip() + "…"


async def suggest_alt_text(org_id: int, user_id: int | None, media_id: int) -> dict[str, Any]:
    """{"text", "provider", "model", "messages", "skipped", "notice", "error"}; never raises to the UI."""
    out: dict[str, Any] = {"text": "", "provider": "", "model": "", "messages": [], "skipped": [], "notice": "",
                           "error": ""}  # fmt: skip
    try:
        asset = get_asset(org_id, int(media_id))
    except (MediaError, ValueError):
        return out | {"error": "That image is not in this workspace's media."}
    if asset["kind"] != "image":
        return out | {"error": "Alt text suggestions work for images; describe a video yourself."}
    providers = [p for p in providers_to_try(org_id, user_id) if p.can_see_images]
    try:
        image_url, size = _jpeg_data_url(str(local_media_path(asset["storage_path"])))
    except MediaError as exc:  # the media storage is unreachable, or the file is gone
        return out | {"error": str(exc)}
    messages = alt_text_messages(image_url)
    out["messages"] = shown_messages(messages, f"{asset['original_name']}, {size} JPEG sent inline as a data URL")
    if not providers:
        return out | {"notice": NO_VISION_NOTICE}
    blocked = budget_block_message(org_id)
    if blocked:
        record_usage(org_id, user_id, action="alt_text", provider_name="offline assistant", model="",
                     outcome="budget", detail=blocked[:300])  # fmt: skip
        return out | {"notice": blocked}
    req = AssistRequest(org_id, user_id, "alt_text")
    for provider in providers:
        reason = health.skip_reason(org_id, provider.id)
        if reason:
            out["skipped"].append({"provider": provider.name, "model": provider.model, "reason": reason})
            continue
        result, started = CallResult(), time.monotonic()
        try:
            async for _ in chat(provider, messages, 300, result, stream=False):
                pass
        except ProviderFailure as failure:
            note_failure(req, provider, failure, int((time.monotonic() - started) * 1000))
            out["skipped"].append({"provider": provider.name, "model": provider.model, "reason": failure.reason})
            continue
        health.record_success(org_id, provider.id)
        cost = estimate_cost(result.tokens_in, result.tokens_out, provider.price_in_per_1k, provider.price_out_per_1k)
        record_usage(
            org_id, user_id, action="alt_text", provider_name=provider.name, model=provider.model,
            tokens_in=result.tokens_in, tokens_out=result.tokens_out,
            latency_ms=int((time.monotonic() - started) * 1000), cost_usd=cost, provider_id=provider.id,
        )  # fmt: skip
        return out | {"text": _clean(result.text), "provider": provider.name, "model": provider.model}
    return out | {"notice": "No provider that can see images could answer; write the alt text yourself."}
