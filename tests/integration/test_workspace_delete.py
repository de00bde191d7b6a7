"""Deleting a workspace (Owner, typed name) and invites mailed through a real local SMTP server."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from PIL import Image
from sqlalchemy import func, select

from services import auth, posts
from services.accounts.connections import connect_demo
from services.config import get_settings, reset_settings
from services.db import session_scope
from services.invites import accept_invite, invite_and_mail
from services.media import store_upload
from services.models import DemoPost, Membership, Organization, Post, SocialAccount, UserSession
from services.permissions import PermissionDenied
from services.workspace_delete import delete_workspace, read_instance_audit
from services.workspace_switch import WorkspaceError, create_workspace
from tests.fakes.smtp import FakeSmtpServer, first_link

PASSWORD = "correct horse battery"
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


_TOKENS: dict[int, str] = {}


def _person(email: str) -> auth.CurrentUser:
    auth.register_user(email, email.split("@")[0].title(), PASSWORD)
    token = auth.login(email, PASSWORD)
    user = auth.resolve_session(token)
    assert user is not None
    _TOKENS[user.session_id] = token
    return user


def _refresh(user: auth.CurrentUser) -> auth.CurrentUser:
    """The same login session read again (its current workspace may have changed)."""
    fresh = auth.resolve_session(_TOKENS[user.session_id])
    assert fresh is not None
    return fresh


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), "teal").save(out, "PNG")
    return out.getvalue()


def _count(model, **where) -> int:  # noqa: ANN001
    with session_scope() as s:
        stmt = select(func.count()).select_from(model)
        for key, value in where.items():
            stmt = stmt.where(getattr(model, key) == value)
        return int(s.execute(stmt).scalar() or 0)


def test_owner_deletes_a_workspace_with_everything_in_it(db: str) -> None:
    owner = _person("olga@example.com")
    client_org = create_workspace(owner, "Client A")
    owner = _refresh(owner)
    assert owner.organization_id == client_org
    member = _person("mia@example.com")
    sent = invite_and_mail(owner, "mia@example.com", "editor")
    accept_invite(sent.token, member.user_id)
    # content: a Demo account, a published-looking post, an uploaded file
    account = connect_demo(client_org, owner.user_id)
    asset = store_upload(client_org, owner.user_id, "logo.png", _png())
    post_id = posts.save_post(
        client_org, owner.user_id, posts.PostInput(body="hello", account_ids=[account], media_ids=[asset["id"]])
    )
    with session_scope() as s:
        s.add(DemoPost(account_external_id=f"demo-{client_org}", text="hello"))
    media_dir = get_settings().media_dir / str(client_org)
    assert media_dir.exists() and any(media_dir.rglob("*.png"))
    # member's session moved into the client workspace too
    with session_scope() as s:
        for sess in s.execute(select(UserSession).where(UserSession.user_id == member.user_id)).scalars():
            sess.organization_id = client_org

    with pytest.raises(WorkspaceError, match="type its name exactly"):
        delete_workspace(owner, "client a")
    assert _count(Post, id=post_id) == 1

    delete_workspace(owner, "Client A")

    assert _count(Organization, id=client_org) == 0
    assert _count(Post, organization_id=client_org) == 0
    assert _count(SocialAccount, organization_id=client_org) == 0  # tokens go with the rows
    assert _count(Membership, organization_id=client_org) == 0
    assert _count(DemoPost, account_external_id=f"demo-{client_org}") == 0
    assert not media_dir.exists()
    # both people still work: the owner lands in their own workspace, Mia (no other) in a new one
    owner_now, member_now = _refresh(owner), _refresh(member)
    assert owner_now.organization_id != client_org and member_now.organization_id != client_org
    assert member_now.organization_name == "Mia's workspace"
    entry = read_instance_audit()[-1]
    assert entry["action"] == "workspace.deleted" and entry["workspace"] == "Client A"
    assert entry["user_id"] == owner.user_id and entry["rows"]["posts"] == 1


def test_only_an_owner_may_delete(db: str) -> None:
    owner = _person("olga@example.com")
    admin = _person("adam@example.com")
    accept_invite(invite_and_mail(owner, "adam@example.com", "admin").token, admin.user_id)
    with session_scope() as s:
        sess = s.get(UserSession, admin.session_id)
        sess.organization_id = owner.organization_id
    admin = _refresh(admin)
    with pytest.raises(PermissionDenied):
        delete_workspace(admin, owner.organization_name)
    assert _count(Organization, id=owner.organization_id) == 1


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSmtpServer]:
    server = FakeSmtpServer().start()
    monkeypatch.setenv("SOCIALHUB_SMTP_URL", server.url)
    monkeypatch.setenv("SOCIALHUB_BASE_URL", "https://hub.example.org")
    reset_settings()
    yield server
    server.stop()


def test_invite_is_mailed_when_smtp_is_configured(db: str, smtp: FakeSmtpServer) -> None:
    owner = _person("olga@example.com")
    sent = invite_and_mail(owner, "New.Person@Example.com", "viewer")
    assert sent.mailed and not sent.mail_problem
    msg = smtp.wait_for("new.person@example.com")[0]
    assert "Olga's workspace" in msg["Subject"]
    link = first_link(msg)
    assert link == f"https://hub.example.org/invite?token={sent.token}"


def test_invite_without_smtp_is_a_link_only(db: str) -> None:
    owner = _person("olga@example.com")
    sent = invite_and_mail(owner, "someone@example.com", "viewer")
    assert sent.token and not sent.mailed and not sent.mail_problem
