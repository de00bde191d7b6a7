"""Helpers for the privacy-mode / retention tests: a CountingNet workspace, a post with media, publishing."""

from __future__ import annotations

from types import SimpleNamespace

from services.media import store_upload
from services.media.alt_text import set_alt_text
from services.posts import PostInput, publish_now, save_post
from services.publishing.engine import PublishingEngine
from tests.fakes.openai_server import png_bytes


def owner(org_id: int, user_id: int | None = None) -> SimpleNamespace:
    """An acting person with the Owner role (what `require` and the privacy actions read)."""
    return SimpleNamespace(organization_id=org_id, user_id=user_id, role="owner")


def post_with_media(org_id: int, account_ids: list[int], text: str, alt: str, override: str = "") -> int:
    """A draft with `text`, an override for the last account, and one image whose alt text is `alt`."""
    asset = store_upload(org_id, None, "picture.png", png_bytes(color=(len(text) % 255, 10, 200)))
    set_alt_text(org_id, asset["id"], alt)
    overrides = {account_ids[-1]: override} if override else {}
    return save_post(
        org_id, None, PostInput(body=text, account_ids=account_ids, overrides=overrides, media_ids=[asset["id"]])
    )


async def publish(org_id: int, post_id: int) -> None:
    """Publish now and let a real engine pass send it to the fake platform (the outcome hook purges)."""
    publish_now(org_id, post_id)
    engine = PublishingEngine(worker_id="privacy-test")
    try:
        await engine.run_pass()
    finally:
        await engine.close()
