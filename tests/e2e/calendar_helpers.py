"""Shared steps for the calendar, queue and posts-list e2e tests (UI steps, plus services on the app's DB)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Page, expect


def set_timezone(page: Page, tz: str) -> None:
    page.get_by_test_id("nav-settings").click()
    field = page.get_by_test_id("timezone-input")
    expect(field).to_be_visible()
    # the section's load fills in the saved zone; wait for it so it can't overwrite what we type
    expect(page.locator("#timezone-options option").first).to_be_attached()
    field.fill(tz)
    expect(field).to_have_value(tz)
    page.get_by_test_id("timezone-save").click()
    expect(page.get_by_test_id("timezone-current")).to_have_text(tz)


@contextmanager
def app_database(app_env: dict) -> Iterator[None]:
    """Point this test process's services at the running app's database (to check what the UI did)."""
    from services.config import reset_settings

    keys = ("DATABASE_URL", "SOCIALHUB_DATA_DIR", "SOCIALHUB_SECRET_KEY")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ.update({k: str(app_env["env"][k]) for k in keys})
    reset_settings()
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        reset_settings()


def workspace_of(email: str) -> tuple[int, int]:
    """(organization id, user id) of a user registered through the UI."""
    from sqlmodel import select

    from services.db import session_scope
    from services.models import Membership, User

    with session_scope() as s:
        user = s.exec(select(User).where(User.email == email.lower())).one()
        org_id = s.exec(select(Membership.organization_id).where(Membership.user_id == user.id)).first()
        return int(org_id), int(user.id)


def demo_account_id(org_id: int) -> int:
    from sqlmodel import select

    from services.db import session_scope
    from services.models import SocialAccount

    with session_scope() as s:
        return int(s.exec(select(SocialAccount.id).where(SocialAccount.organization_id == org_id)).first())


def wait_for_toasts_to_close(page: Page) -> None:
    """Toasts sit over the calendar's bottom-right cells; a drag must not end on one."""
    expect(page.locator("[data-sonner-toast]")).to_have_count(0, timeout=15000)


def set_instance_admin(app_env: dict, email: str, admin: bool) -> None:
    """Make a UI-registered user an instance admin (or not); which sign-up came first is order-dependent."""
    with app_database(app_env):
        from sqlmodel import select

        from services.db import session_scope
        from services.models import User

        with session_scope() as s:
            user = s.exec(select(User).where(User.email == email.lower())).one()
            user.is_instance_admin = admin
            s.add(user)
