"""Alt text and provenance on a media asset (a person reviews alt text before it is saved)."""

from __future__ import annotations

from services.db import session_scope
from services.media.sniff import MediaError, MediaNotFound
from services.media.storage import asset_dict
from services.models import MediaAsset

MAX_ALT_TEXT = 1500  # Mastodon's limit; X allows 1,000 and Bluesky 2,000 (adapters trim on publish)
MAX_PROMPT = 4000


def set_alt_text(org_id: int, asset_id: int, alt_text: str) -> dict:
    text = (alt_text or "").strip()
    if len(text) > MAX_ALT_TEXT:
        raise MediaError(f"Alt text is {len(text):,} characters; keep it within {MAX_ALT_TEXT:,}.")
    with session_scope() as session:
        asset = session.get(MediaAsset, asset_id)
        if asset is None or asset.organization_id != org_id:
            raise MediaNotFound("Media not found.")
        asset.alt_text = text
        session.add(asset)
        session.flush()
        return asset_dict(asset)


def set_generated_prompt(org_id: int, asset_id: int, prompt: str) -> dict:
    """Provenance of a generated image: the prompt that made it stays with the file."""
    with session_scope() as session:
        asset = session.get(MediaAsset, asset_id)
        if asset is None or asset.organization_id != org_id:
            raise MediaNotFound("Media not found.")
        asset.generated_prompt = (prompt or "")[:MAX_PROMPT]
        session.add(asset)
        session.flush()
        return asset_dict(asset)
