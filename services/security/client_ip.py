"""The address of the person, not of the reverse proxy in front of us.

X-Forwarded-For is written by the client too, so only the entries appended by proxies we were
told about (`SOCIALHUB_TRUSTED_PROXY_HOPS`) are believed: with N trusted hops the client is the
N-th address from the right. With 0 (the default) the header is ignored.
"""

from __future__ import annotations

import ipaddress

from services.config import get_settings


def _clean(value: str) -> str:
    value = (value or "").strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return value[:64]


def client_ip(peer: str, forwarded_for: str = "", hops: int | None = None) -> str:
    hops = get_settings().trusted_proxy_hops if hops is None else hops
    if hops > 0 and forwarded_for:
        chain = [part.strip() for part in forwarded_for.split(",") if part.strip()]
        if len(chain) >= hops:
            return _clean(chain[-hops])
    return _clean(peer)
