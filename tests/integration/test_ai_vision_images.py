"""Alt text (vision chat with an image part) and image generation against the fake OpenAI-compatible server."""

from __future__ import annotations

import base64

from sqlmodel import select

from services import ai
from services.ai.images import NO_IMAGE_PROVIDER_NOTICE, generate_image
from services.ai.vision import NO_VISION_NOTICE, suggest_alt_text
from services.db import session_scope
from services.media import absolute_path, get_asset, store_upload
from services.media.alt_text import set_alt_text
from services.models import AIUsage
from tests.fakes.openai_server import IMAGES_ROUTE, ROUTE, png_bytes
from tests.integration import ai_fixtures
from tests.integration.ai_fixtures import add_provider

ws, fake = ai_fixtures.ws, ai_fixtures.fake
ALT = "A barista pours latte art into a white cup on a wooden counter."


def _image(ws: dict) -> dict:
    return store_upload(ws["org"], ws["alice"], "latte.png", png_bytes(800, 600))


def _usage(org_id: int) -> list[tuple[str, str, str]]:
    with session_scope() as s:
        rows = s.exec(select(AIUsage).where(AIUsage.organization_id == org_id).order_by(AIUsage.id)).all()
        return [(r.provider_name, r.action, r.outcome) for r in rows]


async def test_alt_text_sends_image_part_to_vision_provider(ws: dict, fake) -> None:  # noqa: ANN001
    add_provider(ws, fake, "Text only", priority=1)
    add_provider(ws, fake, "Vision", priority=2, model="gpt-vision", can_see_images=True)
    fake.behaviors[ROUTE] = [{"text": f'"{ALT}"'}]
    asset = _image(ws)
    result = await suggest_alt_text(ws["org"], ws["alice"], asset["id"])
    assert (result["text"], result["provider"], result["model"], result["error"]) == (ALT, "Vision", "gpt-vision", "")
    [body] = fake.chat_requests()
    assert body["model"] == "gpt-vision", "the provider that cannot see images is not asked"
    [part] = fake.vision_requests()
    url = part["image_url"]["url"]
    assert url.startswith("data:image/jpeg;base64,") and base64.b64decode(url.split(",", 1)[1])[:2] == b"\xff\xd8"
    # The shown prompt is the sent one, with the image named instead of its bytes.
    sent_text = [p["text"] for p in body["messages"][1]["content"] if p["type"] == "text"][0]
    assert result["messages"][0]["content"] == body["messages"][0]["content"]
    assert result["messages"][1]["content"].startswith(sent_text)
    assert "[image attached: latte.png, 800×600 JPEG" in result["messages"][1]["content"]
    assert "base64" not in result["messages"][1]["content"].split("[image attached")[0]
    # Nothing is saved until the person saves it.
    assert get_asset(ws["org"], asset["id"])["alt_text"] == ""
    set_alt_text(ws["org"], asset["id"], result["text"])
    assert get_asset(ws["org"], asset["id"])["alt_text"] == ALT
    assert _usage(ws["org"]) == [("Vision", "alt_text", "answered")]


async def test_alt_text_without_vision_provider_says_so(ws: dict, fake) -> None:  # noqa: ANN001
    add_provider(ws, fake, "Text only")
    asset = _image(ws)
    result = await suggest_alt_text(ws["org"], ws["alice"], asset["id"])
    assert result["text"] == "" and result["notice"] == NO_VISION_NOTICE
    assert result["messages"], "the prompt is still shown"
    assert fake.chat_requests() == []


async def test_alt_text_falls_back_past_rate_limited_vision_provider(ws: dict, fake) -> None:  # noqa: ANN001
    add_provider(ws, fake, "Vision A", priority=1, can_see_images=True)
    add_provider(ws, fake, "Vision B", priority=2, can_see_images=True)
    fake.behaviors[ROUTE] = [{"status": 429, "retry_after": "30"}, {"text": ALT}]
    result = await suggest_alt_text(ws["org"], ws["alice"], _image(ws)["id"])
    assert result["provider"] == "Vision B" and result["skipped"][0]["reason"] == "rate limited (429, retry after 30s)"
    again = await suggest_alt_text(ws["org"], ws["alice"], _image(ws)["id"])
    assert again["skipped"][0]["reason"].startswith("skipped until")
    assert len(fake.chat_requests()) == 3
    assert _usage(ws["org"])[0] == ("Vision A", "alt_text", "rate_limited")


async def test_alt_text_refuses_another_workspaces_media(ws: dict, fake) -> None:  # noqa: ANN001
    add_provider(ws, fake, "Vision", can_see_images=True)
    result = await suggest_alt_text(ws["org"] + 999, ws["alice"], _image(ws)["id"])
    assert result["error"] == "That image is not in this workspace's media."
    assert fake.chat_requests() == []


async def test_generate_image_stores_checked_media_with_prompt(ws: dict, fake) -> None:  # noqa: ANN001
    add_provider(ws, fake, "Chat", priority=1)
    add_provider(ws, fake, "Images", priority=2, can_generate_images=True, image_model="dall-e-3")
    result = await generate_image(ws["org"], ws["alice"], "A cosy café at dawn, watercolour")
    assert result["error"] == "" and result["provider"] == "Images" and result["model"] == "dall-e-3"
    [body] = fake.image_requests()
    assert body == {"model": "dall-e-3", "prompt": "A cosy café at dawn, watercolour", "n": 1, "size": "1024x1024",
                    "response_format": "b64_json"} == result["request"]  # fmt: skip
    asset = result["asset"]
    assert asset["kind"] == "image" and asset["mime_type"] == "image/png" and (asset["width"], asset["height"]) == (
        64, 48,
    )  # fmt: skip
    assert asset["generated_prompt"] == "A cosy café at dawn, watercolour"
    assert absolute_path(asset["storage_path"]).read_bytes() == png_bytes()
    assert _usage(ws["org"]) == [("Images", "image", "answered")]


async def test_generated_bytes_go_through_media_checks(ws: dict, fake) -> None:  # noqa: ANN001
    add_provider(ws, fake, "Images", can_generate_images=True, model="gpt-image-1")
    fake.behaviors[IMAGES_ROUTE] = [{"not_an_image": True}]
    result = await generate_image(ws["org"], ws["alice"], "anything")
    assert result["asset"] is None and "cannot use" in result["error"]
    assert "response_format" not in fake.image_requests()[0]
    assert _usage(ws["org"])[-1][2] == "error"


async def test_generate_image_failures_and_bad_input(ws: dict, fake) -> None:  # noqa: ANN001
    assert (await generate_image(ws["org"], ws["alice"], "a cat"))["notice"] == NO_IMAGE_PROVIDER_NOTICE
    add_provider(ws, fake, "Images", can_generate_images=True)
    assert (await generate_image(ws["org"], ws["alice"], "  "))["error"] == "Describe the image you want first."
    assert "sizes" in (await generate_image(ws["org"], ws["alice"], "a cat", size="5x5"))["error"]
    fake.behaviors[IMAGES_ROUTE] = [503]
    failed = await generate_image(ws["org"], ws["alice"], "a cat")
    assert failed["asset"] is None and failed["skipped"][0]["reason"] == "server error (503)"
    fake.behaviors[IMAGES_ROUTE] = [{"no_data": True}]
    empty = await generate_image(ws["org"], ws["alice"], "a cat")
    assert empty["skipped"][0]["reason"] == "returned no image data (base64 expected)"
    assert ai.usage_summary(ws["org"])["total"]["answered"] == 0
