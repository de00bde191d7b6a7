"""The OAuth2 connect dance: start (state + PKCE, stored encrypted) and the callback.

The callback arrives from the platform with nothing but `state` to tie it to a workspace, so
the state is single-use: it is consumed with a conditional UPDATE before the code is exchanged.
A replayed callback, a forged state, an `error` from the platform or a failed exchange store
nothing and come back as a message a user can act on.

The flow is also bound to the login session that started it (the session token's hash, stored
encrypted with the PKCE verifier): otherwise an attacker could start Connect in their workspace,
send the authorize link to a victim, and the victim's account — tokens included — would land in
the attacker's workspace. A callback opened from any other session, or from none, is refused
before the code is exchanged, and the flow is burnt.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from authlib.common.security import generate_token
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.accounts.catalog import known_adapter_class, platform_label, redirect_uri_for
from services.accounts.connections import save_discovered_accounts
from services.crypto import decrypt_json, decrypt_text, encrypt_json, encrypt_text
from services.db import session_scope
from services.models.accounts import OAuthFlow, PlatformApp
from services.models.identity import UserSession
from services.platforms.base import PlatformAdapter
from services.platforms.errors import PermanentError, PlatformError
from services.platforms.mastodon import MastodonAdapter, normalize_instance_url

log = logging.getLogger(__name__)
FLOW_LIFETIME = timedelta(minutes=15)
RESTART_HINT = "Start connecting again from the Accounts page."
OTHER_SESSION = (
    "This sign-in was started from another browser or login session, so nothing was connected. "
    "If you want to connect this account, log in to SocialHub in this browser and start connecting "
    "from the Accounts page."
)


@dataclass
class CallbackOutcome:
    ok: bool
    message: str
    account_ids: list[int] = field(default_factory=list)
    organization_id: int | None = None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def _mastodon_app(adapter: MastodonAdapter, instance_url: str, redirect_uri: str) -> tuple[str, str]:
    """Register SocialHub on the instance once; every workspace reuses that app."""
    key = (
        PlatformApp.platform == "mastodon",
        PlatformApp.instance_url == instance_url,
        PlatformApp.redirect_uri == redirect_uri,
    )
    with session_scope() as session:
        app = session.exec(select(PlatformApp).where(*key)).first()
        if app is not None:
            return app.client_id, decrypt_text(app.client_secret_blob)
    client_id, client_secret = await adapter.register_app(redirect_uri)
    try:
        with session_scope() as session:
            session.add(
                PlatformApp(
                    platform="mastodon",
                    instance_url=instance_url,
                    redirect_uri=redirect_uri,
                    client_id=client_id,
                    client_secret_blob=encrypt_text(client_secret),
                )
            )
    except IntegrityError:  # a concurrent connect registered first: use theirs
        with session_scope() as session:
            app = session.exec(select(PlatformApp).where(*key)).one()
            return app.client_id, decrypt_text(app.client_secret_blob)
    return client_id, client_secret


def _mastodon_instance(adapter: MastodonAdapter, instance_url: str) -> str:
    return normalize_instance_url(instance_url, allow_http=adapter.allow_http())


def _session_hash(token: str | None) -> str:
    from services.auth import hash_token

    return hash_token(token) if token and len(token) <= 200 else ""


def _session_is_flow_owner(flow: OAuthFlow, bound_hash: str, token: str | None) -> bool:
    """The callback's session is the one that started the flow, and it is still a live login."""
    presented = _session_hash(token)
    if not bound_hash or not presented or not hmac.compare_digest(bound_hash, presented):
        return False
    now = datetime.now(UTC)
    with session_scope() as session:
        row = session.exec(select(UserSession).where(UserSession.token_hash == presented)).first()
        return (
            row is not None
            and row.revoked_at is None
            and _aware(row.expires_at) > now
            and row.user_id == flow.user_id
            and row.organization_id == flow.organization_id
        )


async def start_oauth_connect(
    org_id: int, user_id: int, platform: str, instance_url: str = "", *, session_token: str
) -> str:
    """The URL to send the browser to. Raises PlatformError with a user-facing message.

    `session_token` is the starting browser's login session: only that session may finish the flow.
    """
    if not _session_hash(session_token):
        raise PermanentError("Please log in again before connecting an account.")
    cls = known_adapter_class(platform)
    if cls.auth_kind != "oauth2":
        raise PermanentError(f"{cls.label} does not connect through a redirect")
    redirect_uri = redirect_uri_for(platform)
    state, verifier = generate_token(43), generate_token(64)
    instance = ""
    adapter: PlatformAdapter = cls()
    try:
        if isinstance(adapter, MastodonAdapter):
            instance = _mastodon_instance(adapter, instance_url)
            adapter = MastodonAdapter(instance_url=instance)
            adapter.use_app(*await _mastodon_app(adapter, instance, redirect_uri))
        else:
            adapter.require_configured()
        url = adapter.authorization_url(redirect_uri=redirect_uri, state=state, code_verifier=verifier)
    finally:
        await adapter.aclose()
    now = datetime.now(UTC)
    with session_scope() as session:
        session.add(
            OAuthFlow(
                state=state,
                organization_id=org_id,
                user_id=user_id,
                platform=platform,
                instance_url=instance,
                secret_blob=encrypt_json({"code_verifier": verifier, "session": _session_hash(session_token)}),
                expires_at=now + FLOW_LIFETIME,
            )
        )
    return url


def _consume_flow(platform: str, state: str) -> tuple[OAuthFlow | None, str]:
    """Atomically take the flow for this state: (flow, "") or (None-or-flow, why not)."""
    now = datetime.now(UTC)
    with session_scope() as session:
        flow = session.exec(select(OAuthFlow).where(OAuthFlow.state == state)).first()
        if flow is None or flow.platform != platform:
            return None, f"This sign-in response does not match a connection we started. {RESTART_HINT}"
        session.expunge(flow)
    if flow.consumed_at is not None:
        return flow, f"This sign-in response was already used. {RESTART_HINT}"
    if _aware(flow.expires_at) < now:
        return flow, f"The sign-in took longer than 15 minutes and expired. {RESTART_HINT}"
    with session_scope() as session:
        taken = session.execute(
            update(OAuthFlow)
            .where(OAuthFlow.id == flow.id, OAuthFlow.consumed_at.is_(None))
            .values(consumed_at=now, secret_blob="")  # the verifier is single-use: wipe it
        ).rowcount
    if taken != 1:
        return flow, f"This sign-in response was already used. {RESTART_HINT}"
    return flow, ""


def _record_result(flow_id: int, result: str) -> None:
    with session_scope() as session:
        session.execute(update(OAuthFlow).where(OAuthFlow.id == flow_id).values(result=result[:1000]))


async def _adapter_for_flow(flow: OAuthFlow) -> PlatformAdapter:
    cls = known_adapter_class(flow.platform)
    if cls is MastodonAdapter or issubclass(cls, MastodonAdapter):
        adapter = MastodonAdapter(instance_url=flow.instance_url)
        with session_scope() as session:
            app = session.exec(
                select(PlatformApp).where(
                    PlatformApp.platform == "mastodon",
                    PlatformApp.instance_url == flow.instance_url,
                    PlatformApp.redirect_uri == redirect_uri_for(flow.platform),
                )
            ).first()
            if app is None:
                raise PermanentError("The Mastodon app registration is missing")
            return adapter.use_app(app.client_id, decrypt_text(app.client_secret_blob))
    return cls(instance_url=flow.instance_url)


async def complete_oauth_callback(
    platform: str, params: dict[str, str], *, session_token: str | None
) -> CallbackOutcome:
    """Finish a flow; `session_token` is the login session of the browser that opened the callback."""
    label = platform_label(platform)
    state = (params.get("state") or "").strip()
    if not state:
        return CallbackOutcome(False, f"The sign-in response from {label} had no state. {RESTART_HINT}")
    # Decrypt before consuming so a broken blob cannot burn the flow without a clear message.
    with session_scope() as session:
        pending = session.exec(select(OAuthFlow).where(OAuthFlow.state == state)).first()
        secrets_ = decrypt_json(pending.secret_blob) if pending and pending.secret_blob else {}
    verifier, bound_session = secrets_.get("code_verifier", ""), secrets_.get("session", "")
    flow, problem = _consume_flow(platform, state)
    org_id = flow.organization_id if flow else None
    if problem:
        return CallbackOutcome(False, problem, organization_id=org_id)
    if not _session_is_flow_owner(flow, bound_session, session_token):
        log.warning("refused an OAuth callback for %s from a session that did not start the flow", platform)
        _record_result(flow.id, "refused: the callback came from another session")
        return CallbackOutcome(False, OTHER_SESSION, organization_id=None)
    if params.get("error"):
        why = params.get("error_description") or params["error"]
        message = f"{label} did not grant access: {why}"
        _record_result(flow.id, message)
        return CallbackOutcome(False, message, organization_id=org_id)
    code = params.get("code") or ""
    if not code:
        message = f"{label} sent no authorization code. {RESTART_HINT}"
        _record_result(flow.id, message)
        return CallbackOutcome(False, message, organization_id=org_id)
    adapter: PlatformAdapter | None = None
    try:
        adapter = await _adapter_for_flow(flow)
        creds = await adapter.exchange_code(code=code, redirect_uri=redirect_uri_for(platform), code_verifier=verifier)
        discovered = await adapter.discover_accounts(creds)
        with session_scope() as session:
            ids = save_discovered_accounts(
                session,
                org_id=flow.organization_id,
                user_id=flow.user_id,
                platform=platform,
                instance_url=flow.instance_url,
                discovered=discovered,
            )
    except PlatformError as exc:
        message = f"Could not connect {label}: {exc.message}"
        _record_result(flow.id, message)
        return CallbackOutcome(False, message, organization_id=org_id)
    except Exception:  # noqa: BLE001 - the user gets a sentence, the log gets the type (never tokens)
        log.exception("unexpected failure completing the %s OAuth callback", platform)
        message = f"Could not connect {label} because of an unexpected error. {RESTART_HINT}"
        _record_result(flow.id, message)
        return CallbackOutcome(False, message, organization_id=org_id)
    finally:
        if adapter is not None:
            await adapter.aclose()
    names = ", ".join(d.profile.display_name or d.profile.username for d in discovered)
    message = f"Connected {label}: {names}"
    _record_result(flow.id, message)
    return CallbackOutcome(True, message, account_ids=ids, organization_id=org_id)
