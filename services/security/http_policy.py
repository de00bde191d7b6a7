"""What every HTTP response carries (security headers, CSP) and who may call us cross-origin.

The Content-Security-Policy is built for the Reflex frontend as it really is:
- scripts: our own files, plus the inline bootstrap scripts React Router prerenders into each page,
  allowed by their SHA-256 (read once from the built pages), and `'unsafe-eval'` because Reflex
  runs `rx.call_script` code with `eval` (used for the browser's timezone and form resets).
  `'unsafe-inline'` is listed only as a fallback for browsers without hash support: any browser that
  understands the hashes ignores it;
- styles: inline (Emotion and Radix write `<style>` tags and style attributes at run time);
- connections: our own origin and the websocket/API URL baked into the frontend;
- images: anywhere (account avatars come from the platforms), plus data:/blob: previews;
- no frames, plugins or foreign form targets; nobody may frame us.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from services.config import ROOT_DIR, Settings

BUILD_DIR = ROOT_DIR / ".web" / "build" / "client"
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


@lru_cache(maxsize=4)
def inline_script_hashes(build_dir: Path = BUILD_DIR) -> tuple[str, ...]:
    """CSP hash sources of every inline script in the prerendered pages (empty before a build)."""
    found: set[str] = set()
    if build_dir.is_dir():
        for page in build_dir.rglob("*.html"):
            for match in _INLINE_SCRIPT.finditer(page.read_text(errors="replace")):
                digest = hashlib.sha256(match.group(1).encode()).digest()
                found.add(f"'sha256-{base64.b64encode(digest).decode()}'")
    return tuple(sorted(found))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _ws_origin(url: str) -> str:
    origin = _origin(url)
    return origin.replace("https://", "wss://", 1).replace("http://", "ws://", 1) if origin else ""


def content_security_policy(settings: Settings, script_hashes: tuple[str, ...] = ()) -> str:
    connect = dict.fromkeys(
        ["'self'", _origin(settings.api_url), _ws_origin(settings.api_url), _origin(settings.base_url)]
    )
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", "'unsafe-eval'", *script_hashes, "'unsafe-inline'"]),
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "* data: blob:",
        "media-src": "'self' blob:",
        "font-src": "'self' data:",
        "connect-src": " ".join(c for c in connect if c),
        "worker-src": "'self' blob:",
        "frame-src": "'none'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def security_headers(settings: Settings, script_hashes: tuple[str, ...] = ()) -> list[tuple[bytes, bytes]]:
    headers = {
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "strict-origin-when-cross-origin",
        "content-security-policy": content_security_policy(settings, script_hashes),
        "cross-origin-opener-policy": "same-origin",
        "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    }
    if settings.https:
        headers["strict-transport-security"] = "max-age=31536000"
    return [(k.encode(), v.encode()) for k, v in headers.items()]


def allowed_origins(base_url: str, api_url: str = "") -> list[str]:
    """CORS: only the instance's own public origin(s) may call us with the user's cookies."""
    return list(dict.fromkeys(o for o in (_origin(base_url), _origin(api_url or base_url)) if o))
