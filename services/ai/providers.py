"""AI providers: OpenAI-compatible endpoints (OpenAI, gateways, Ollama, vLLM, LM Studio) in priority order.

Keys are stored only Fernet-encrypted; listings and messages show the last four characters. A
provider belongs to the workspace (user_id None) or to one user; the user's own providers are
tried before the workspace's, and nobody else sees or uses them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import select

from services.ai.errors import AIInputError, AINotFoundError
from services.audit import audit_in
from services.crypto import DecryptionError, decrypt_text, encrypt_text
from services.db import session_scope
from services.models import AIProvider, AIProviderHealth

MAX_KEY_CHARS = 4000


@dataclass(frozen=True)
class ProviderConfig:
    """A provider ready to call. The key never appears in repr() (and so never in logs or tracebacks)."""

    id: int
    name: str
    base_url: str
    model: str
    api_key: str = field(repr=False)
    key_last4: str
    price_in_per_1k: float
    price_out_per_1k: float
    timeout_seconds: float
    personal: bool
    key_error: str = ""
    can_see_images: bool = False
    can_generate_images: bool = False
    image_model: str = ""


def validate_base_url(base_url: str) -> str:
    url = (base_url or "").strip().rstrip("/")
    if not url:
        raise AIInputError("Enter the provider's base URL, e.g. https://api.openai.com/v1.")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        raise AIInputError(
            f"“{base_url.strip()[:100]}” is not a URL. Enter an http(s) address such as "
            "https://api.openai.com/v1 or http://localhost:11434/v1."
        )
    if parts.query or parts.fragment:
        raise AIInputError(
            "The base URL must not contain “?” or “#”; enter just the address, e.g. https://api.openai.com/v1."
        )
    if len(url) > 500:
        raise AIInputError("The base URL is longer than 500 characters.")
    return url


def _text(value: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise AIInputError(f"Enter the provider's {label}.")
    if len(value) > limit:
        raise AIInputError(f"The provider's {label} is longer than {limit} characters.")
    return value


def _optional_text(value: str | None, label: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise AIInputError(f"The provider's {label} is longer than {limit} characters.")
    return value


def _price(value: float, label: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise AIInputError(f"The {label} price must be a number (US dollars per 1,000 tokens).") from exc
    if not math.isfinite(number) or number < 0:
        raise AIInputError(f"The {label} price must be zero or more (US dollars per 1,000 tokens).")
    return number


def _timeout(value: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise AIInputError("The timeout must be a number of seconds.") from exc
    if not math.isfinite(number) or not 0 < number <= 600:
        raise AIInputError("The timeout must be between 0 and 600 seconds.")
    return number


def _key(api_key: str) -> str:
    key = (api_key or "").strip()
    if len(key) > MAX_KEY_CHARS or any(c.isspace() for c in key):
        raise AIInputError("That API key does not look right (it is too long or contains spaces).")
    return key


def key_last4(api_key: str) -> str:
    return api_key[-4:] if api_key else ""


def provider_dict(row: AIProvider) -> dict[str, Any]:
    """What the Settings page may show: everything but the key, of which only the last four characters."""
    return {
        "id": row.id,
        "name": row.name,
        "base_url": row.base_url,
        "model": row.model,
        "key_last4": row.api_key_last4,
        "key_hint": f"…{row.api_key_last4}" if row.api_key_last4 else "no key",
        "priority": row.priority,
        "enabled": row.enabled,
        "price_in_per_1k": row.price_in_per_1k,
        "price_out_per_1k": row.price_out_per_1k,
        "timeout_seconds": row.timeout_seconds,
        "can_see_images": bool(row.can_see_images),
        "can_generate_images": bool(row.can_generate_images),
        "image_model": row.image_model or "",
        "user_id": row.user_id,
        "scope": "personal" if row.user_id is not None else "workspace",
    }


def add_provider(
    org_id: int,
    user_id: int | None,
    name: str,
    base_url: str,
    model: str,
    api_key: str,
    priority: int = 0,
    price_in_per_1k: float = 0.0,
    price_out_per_1k: float = 0.0,
    timeout_seconds: float = 30.0,
    *,
    can_see_images: bool = False,
    can_generate_images: bool = False,
    image_model: str = "",
    acting_user_id: int | None = None,
) -> dict[str, Any]:
    """Add a workspace provider (user_id None) or a personal one (tried before the workspace's)."""
    row = AIProvider(
        organization_id=org_id,
        user_id=user_id,
        name=_text(name, "name", 80),
        base_url=validate_base_url(base_url),
        model=_text(model, "model", 120),
        priority=int(priority),
        price_in_per_1k=_price(price_in_per_1k, "input"),
        price_out_per_1k=_price(price_out_per_1k, "output"),
        timeout_seconds=_timeout(timeout_seconds),
        can_see_images=bool(can_see_images),
        can_generate_images=bool(can_generate_images),
        image_model=_optional_text(image_model, "image model", 120),
    )
    key = _key(api_key)
    row.api_key_blob = encrypt_text(key) if key else ""
    row.api_key_last4 = key_last4(key)
    with session_scope() as session:
        session.add(row)
        session.flush()
        _audit(session, row, acting_user_id or user_id, "ai.provider_added", ["name", "base_url", "model"])
        return provider_dict(row)


def _audit(session, row: AIProvider, user_id: int | None, action: str, fields: list[str]) -> None:  # noqa: ANN001
    """Which provider and which settings changed — never the key itself (only that it changed)."""
    audit_in(session, row.organization_id, user_id, action, provider_id=row.id, provider=row.name,
             base_url=row.base_url, model=row.model, scope="personal" if row.user_id else "workspace",
             fields=sorted(fields))  # fmt: skip


def _get(session, org_id: int, provider_id: int, acting_user_id: int | None) -> AIProvider:  # noqa: ANN001
    """Another user's personal provider is as invisible as another workspace's."""
    row = session.get(AIProvider, provider_id)
    if row is None or row.organization_id != org_id or (row.user_id is not None and row.user_id != acting_user_id):
        raise AINotFoundError("That AI provider does not exist in this workspace.")
    return row


def update_provider(
    org_id: int,
    provider_id: int,
    *,
    acting_user_id: int | None = None,
    name: str | None = None,
    base_url: str | None = None,
    model: str | None = None,
    api_key: str | None = None,
    priority: int | None = None,
    enabled: bool | None = None,
    price_in_per_1k: float | None = None,
    price_out_per_1k: float | None = None,
    timeout_seconds: float | None = None,
    can_see_images: bool | None = None,
    can_generate_images: bool | None = None,
    image_model: str | None = None,
) -> dict[str, Any]:
    """Change only what is given; api_key None keeps the stored key ("" removes it)."""
    with session_scope() as session:
        row = _get(session, org_id, provider_id, acting_user_id)
        if name is not None:
            row.name = _text(name, "name", 80)
        if base_url is not None:
            row.base_url = validate_base_url(base_url)
        if model is not None:
            row.model = _text(model, "model", 120)
        if api_key is not None:
            key = _key(api_key)
            row.api_key_blob = encrypt_text(key) if key else ""
            row.api_key_last4 = key_last4(key)
        if priority is not None:
            row.priority = int(priority)
        if enabled is not None:
            row.enabled = bool(enabled)
        if price_in_per_1k is not None:
            row.price_in_per_1k = _price(price_in_per_1k, "input")
        if price_out_per_1k is not None:
            row.price_out_per_1k = _price(price_out_per_1k, "output")
        if timeout_seconds is not None:
            row.timeout_seconds = _timeout(timeout_seconds)
        if can_see_images is not None:
            row.can_see_images = bool(can_see_images)
        if can_generate_images is not None:
            row.can_generate_images = bool(can_generate_images)
        if image_model is not None:
            row.image_model = _optional_text(image_model, "image model", 120)
        session.add(row)
        changed = [k for k, v in {"name": name, "base_url": base_url, "model": model, "api key": api_key,
                                  "priority": priority, "enabled": enabled, "price_in": price_in_per_1k,
                                  "price_out": price_out_per_1k, "timeout": timeout_seconds,
                                  "can_see_images": can_see_images, "can_generate_images": can_generate_images,
                                  "image_model": image_model}.items() if v is not None]  # fmt: skip
        session.flush()
        _audit(session, row, acting_user_id, "ai.provider_changed", changed)
        return provider_dict(row)


def delete_provider(org_id: int, provider_id: int, *, acting_user_id: int | None = None) -> None:
    with session_scope() as session:
        row = _get(session, org_id, provider_id, acting_user_id)
        _audit(session, row, acting_user_id, "ai.provider_deleted", [])
        health = session.get(AIProviderHealth, provider_id)
        if health is not None:
            session.delete(health)
            session.flush()
        session.delete(row)


def _ordered_rows(session, org_id: int, user_id: int | None, enabled_only: bool) -> list[AIProvider]:  # noqa: ANN001
    stmt = select(AIProvider).where(AIProvider.organization_id == org_id)
    if enabled_only:
        stmt = stmt.where(AIProvider.enabled.is_(True))
    rows = [r for r in session.exec(stmt).all() if r.user_id is None or r.user_id == user_id]
    # The user's own providers first, then the workspace's; within each, lower priority number first.
    return sorted(rows, key=lambda r: (r.user_id is None, r.priority, r.id))


def list_providers(org_id: int, user_id: int | None = None) -> list[dict[str, Any]]:
    """In the order they are tried: the user's own first, then the workspace's."""
    with session_scope() as session:
        return [provider_dict(r) for r in _ordered_rows(session, org_id, user_id, enabled_only=False)]


def providers_to_try(org_id: int, user_id: int | None) -> list[ProviderConfig]:
    """Enabled providers, decrypted, in fallback order. A key that cannot be decrypted is reported, not raised."""
    with session_scope() as session:
        rows = _ordered_rows(session, org_id, user_id, enabled_only=True)
    configs: list[ProviderConfig] = []
    for row in rows:
        key, key_error = "", ""
        if row.api_key_blob:
            try:
                key = decrypt_text(row.api_key_blob)
            except DecryptionError:
                key_error = f"the stored key (…{row.api_key_last4}) cannot be decrypted; enter it again"
        configs.append(
            ProviderConfig(
                id=row.id,
                name=row.name,
                base_url=row.base_url,
                model=row.model,
                api_key=key,
                key_last4=row.api_key_last4,
                price_in_per_1k=row.price_in_per_1k,
                price_out_per_1k=row.price_out_per_1k,
                timeout_seconds=row.timeout_seconds,
                personal=row.user_id is not None,
                key_error=key_error,
                can_see_images=bool(row.can_see_images),
                can_generate_images=bool(row.can_generate_images),
                image_model=row.image_model or "",
            )
        )
    return configs
