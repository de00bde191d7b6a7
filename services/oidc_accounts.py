"""Who a verified OIDC identity is in SocialHub, and what happens next (session, 2FA, link).

- A known (issuer, subject) signs in as its linked user.
- Otherwise the provider must say the email is verified. An existing account with that email is
  only linked after the person confirms with their SocialHub password (`confirm_link`): an IdP
  that anyone can register at must not take over local accounts. No account yet: one is created
  when the registration mode allows it (open, or invite with a valid invite) — closed refuses.
- Like GitLab: the IdP replaces the local password, but local 2FA still applies — an account
  with TOTP gets the code step before a session exists.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from services import auth, registration
from services.audit import audit_in
from services.db import session_scope
from services.models import Membership, OidcIdentity, OidcLogin, Organization, User, utcnow
from services.oidc import Identity, OidcError
from services.oidc_config import OidcProvider, provider
from services.permissions import role_rank
from services.security import tokens, totp
from services.signin import SignInStep

LINK_LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True)
class Outcome:
    kind: str  # "session" (value = session token) | "mfa" (2FA challenge) | "link" (confirm with password)
    value: str
    next_path: str = "/"


def _personal_org(s: Session, user_id: int) -> int:
    row = s.exec(select(Membership).where(Membership.user_id == user_id).order_by(Membership.id)).first()
    return int(row.organization_id) if row else 0


def apply_role_mapping(s: Session, p: OidcProvider, user_id: int, claims: dict) -> None:
    """The IdP's claim (e.g. groups) decides the person's role in the configured workspace."""
    if not (p.role_claim and p.role_map and p.role_workspace):
        return
    raw = claims.get(p.role_claim)
    values = raw if isinstance(raw, list) else [raw] if raw is not None else []
    mapping = dict(p.role_map)
    roles = [mapping[str(v)] for v in values if str(v) in mapping]
    if not roles or s.get(Organization, p.role_workspace) is None:
        return
    role = min(roles, key=role_rank)
    member = s.exec(select(Membership).where(Membership.organization_id == p.role_workspace,
                                             Membership.user_id == user_id)).first()
    if member is None:
        s.add(Membership(organization_id=p.role_workspace, user_id=user_id, role=role))
    elif member.role != "owner" and member.role != role:
        member.role = role
    else:
        return
    audit_in(s, p.role_workspace, user_id, "member.role_from_idp", role=role, provider=p.id)


def _finish(s: Session, user_id: int, client: str, user_agent: str, next_path: str) -> Outcome:
    if totp.is_enabled(s, user_id):
        return Outcome("mfa", tokens.issue(s, user_id, "mfa"), next_path)
    s.commit()
    return Outcome("session", auth.open_session(user_id, client, user_agent), next_path)


def _display_name(identity: Identity) -> str:
    name = identity.name or identity.email.split("@", 1)[0]
    return name[:120] or "SocialHub user"


def _create_user(p: OidcProvider, identity: Identity, invite: str) -> int:
    with session_scope() as s:
        mode = registration.effective_mode(s)
        # the handlers are registered by the teams feature; this module only asks them
        invite_ok = bool(invite) and registration._invite_valid(s, invite, identity.email)  # noqa: SLF001
        if mode == "closed" or (mode == "invite" and not invite_ok):
            raise OidcError("closed", f"registration mode {mode}")
    # a random password nobody knows: the account signs in through the IdP (or a password reset)
    user_id = auth.register_user(identity.email, _display_name(identity), secrets.token_urlsafe(32), verified=True)
    with session_scope() as s:
        if invite_ok:
            for handler in registration._invite_handlers:  # noqa: SLF001
                if handler.accept and handler.check(s, invite, identity.email):
                    handler.accept(s, invite, user_id)
                    break
        s.add(OidcIdentity(user_id=user_id, issuer=identity.issuer, subject=identity.subject, email=identity.email,
                           last_login_at=utcnow()))
        audit_in(s, _personal_org(s, user_id), user_id, "user.registered_oidc", provider=p.id)
    return user_id


def sign_in(p: OidcProvider, identity: Identity, login_id: int, next_path: str = "/", invite: str = "",
            client: str = "", user_agent: str = "") -> Outcome:
    """Decide what this verified identity gets; raises OidcError with a code for the login page."""
    if not p.email_allowed(identity.email):
        raise OidcError("domain", "email domain not allowed")
    with session_scope() as s:
        linked = s.exec(select(OidcIdentity).where(OidcIdentity.issuer == identity.issuer,
                                                   OidcIdentity.subject == identity.subject)).first()
        if linked is not None:
            linked.last_login_at = utcnow()
            if identity.email:
                linked.email = identity.email
            apply_role_mapping(s, p, int(linked.user_id), identity.claims)
            return _finish(s, int(linked.user_id), client, user_agent, next_path)
        if not identity.email or not identity.email_verified:
            raise OidcError("unverified", "email missing or not verified by the provider")
        existing = s.exec(select(User).where(User.email == auth.normalize_email(identity.email))).first()
        if existing is not None:
            ticket = secrets.token_urlsafe(32)
            row = s.get(OidcLogin, login_id)
            row.link_hash, row.link_user_id = tokens.sha256(ticket), int(existing.id)
            row.link_subject, row.link_email = identity.subject, identity.email
            row.link_expires_at = utcnow() + LINK_LIFETIME
            return Outcome("link", ticket, next_path)
    user_id = _create_user(p, identity, invite)
    with session_scope() as s:
        apply_role_mapping(s, p, user_id, identity.claims)
        return _finish(s, user_id, client, user_agent, next_path)


@dataclass(frozen=True)
class PendingLink:
    provider_name: str
    email: str


def pending_link(ticket: str) -> PendingLink | None:
    """What the link-confirmation step shows (None when the ticket is unknown or stale)."""
    with session_scope() as s:
        row = _live_link(s, ticket)
        if row is None:
            return None
        p = provider(row.provider)
        return PendingLink(provider_name=p.name if p else row.provider, email=row.link_email)


def _live_link(s: Session, ticket: str) -> OidcLogin | None:
    if not ticket or len(ticket) > tokens.MAX_TOKEN_LEN:
        return None
    row = s.exec(select(OidcLogin).where(OidcLogin.link_hash == tokens.sha256(ticket))).first()
    if row is None or row.link_used_at is not None or row.link_expires_at is None or row.link_expires_at <= utcnow():
        return None
    return row


def confirm_link(ticket: str, password: str, client: str = "") -> SignInStep:
    """The person proved they own the existing account: link the identity, then sign in (2FA applies)."""
    with session_scope() as s:
        row = _live_link(s, ticket)
        if row is None:
            raise auth.AuthError("This sign-in took too long. Please start again with your identity provider.")
        user = s.get(User, row.link_user_id)
        p = provider(row.provider)
        if user is None or p is None:
            raise auth.AuthError("This sign-in took too long. Please start again with your identity provider.")
        email, row_id = user.email, int(row.id)
    if auth.check_password(email, password, client) != int(user.id):  # throttled like the login form
        raise auth.AuthError("Wrong password.")
    with session_scope() as s:
        done = s.exec(update(OidcLogin).where(OidcLogin.id == row_id, OidcLogin.link_used_at.is_(None))
                      .values(link_used_at=utcnow()))
        if done.rowcount != 1:
            raise auth.AuthError("This sign-in took too long. Please start again with your identity provider.")
        row = s.get(OidcLogin, row_id)
        s.add(OidcIdentity(user_id=int(user.id), issuer=p.issuer, subject=row.link_subject, email=row.link_email,
                           last_login_at=utcnow()))
        audit_in(s, _personal_org(s, int(user.id)), int(user.id), "user.oidc_linked", provider=p.id)
        if totp.is_enabled(s, int(user.id)):
            return SignInStep(challenge=tokens.issue(s, int(user.id), "mfa"))
        return SignInStep(grant=tokens.issue(s, int(user.id), "signin"))
