"""Bluesky wire details that need no network: JWT claims, facet byte spans, AT-URIs, DID documents.

Kept apart from the adapter so `bluesky.py` reads as the conversation with the PDS and these
rules can be checked on their own.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from services.platforms.text_counting import same_post_text

POST_COLLECTION = "app.bsky.feed.post"
#: the scopes a PDS puts into sessions made with an app password; a main-password session says
#: "com.atproto.access" (full access: account settings, deletion, DMs...)
APP_PASSWORD_SCOPES = frozenset({"com.atproto.appPass", "com.atproto.appPassPrivileged"})
MENTION = re.compile(r"(?<![\w@])@([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)+)")
MAIN_PASSWORD_REFUSED = (
    "That is your main Bluesky password. SocialHub only accepts an app password, which you can revoke "
    "at any time: in Bluesky open Settings → Privacy and security → App passwords → Add App Password, "
    "then paste the password it shows (xxxx-xxxx-xxxx-xxxx) here. Nothing was saved."
)
MAIN_PASSWORD_STORED = (
    "This Bluesky account was connected with its main password, which SocialHub no longer uses: "
    "reconnect it with an app password (Bluesky → Settings → Privacy and security → App passwords)."
)
#: how many pages (of 50) of the account's newest records the recent-post lookup reads
LOOKUP_PAGES = 3
#: createdAt is our own clock; allow this much beyond "now" for a slow answer
LOOKUP_SKEW = timedelta(minutes=5)
_AT_URI = re.compile(r"^at://(?P<repo>[^/]+)/(?P<collection>[^/]+)/(?P<rkey>[^/?#]+)$")


def jwt_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified: we only read what our own PDS just told us about itself."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, TypeError):
        return {}
    return claims if isinstance(claims, dict) else {}


def jwt_expiry(token: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(jwt_claims(token)["exp"]), UTC)
    except (KeyError, ValueError, TypeError):
        return None


def is_app_password_session(access_jwt: str) -> bool:
    return jwt_claims(access_jwt).get("scope") in APP_PASSWORD_SCOPES


def byte_span(text: str, start: int, end: int) -> dict[str, int]:
    """Facets index UTF-8 bytes, not characters: an emoji before a link shifts it by 4 bytes, not 1."""
    return {"byteStart": len(text[:start].encode()), "byteEnd": len(text[:end].encode())}


def pds_from_did_doc(doc: object) -> str:
    if not isinstance(doc, dict):
        return ""
    for service in doc.get("service") or []:
        if isinstance(service, dict) and service.get("id", "").endswith("#atproto_pds"):
            return str(service.get("serviceEndpoint") or "").rstrip("/")
    return ""


def parse_at_uri(uri: str) -> tuple[str, str, str] | None:
    """(repo, collection, rkey) of `at://did/collection/rkey`, or None for anything else."""
    match = _AT_URI.match(uri.strip())
    return (match["repo"], match["collection"], match["rkey"]) if match else None


def record_created_at(value: dict[str, Any]) -> datetime | None:
    try:
        created = datetime.fromisoformat(str(value.get("createdAt", "")).replace("Z", "+00:00"))
    except ValueError:
        return None
    return created if created.tzinfo else created.replace(tzinfo=UTC)


def created_at_now() -> tuple[datetime, str]:
    now = datetime.now(UTC)
    return now, now.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def same_post_record(value: dict[str, Any], text: str, reply_to_id: str = "") -> bool:
    """Whether a post record on the PDS is the one we sent: same text and, for a reply, same parent."""
    if not same_post_text(str(value.get("text") or ""), text):
        return False
    parent = ((value.get("reply") or {}).get("parent") or {}).get("uri", "")
    return parent == (reply_to_id or "")
