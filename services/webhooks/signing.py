"""Standard Webhooks signatures (https://www.standardwebhooks.com/), via the reference package.

Each request carries `webhook-id` (the message id: the same for every retry, so receivers can
drop duplicates), `webhook-timestamp` (seconds, when this attempt was signed: receivers refuse
old ones, which stops replays) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of
"id.timestamp.body">`). Secrets are `whsec_` + base64 of 32 random bytes, as the spec suggests.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime
from math import floor

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"
USER_AGENT = "SocialHub-Webhooks/1.0"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signed_headers(secret: str, msg_id: str, payload: str, at: datetime) -> dict[str, str]:
    """The headers of one delivery attempt of `payload` (the exact body bytes sent)."""
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(floor(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, payload),
    }
