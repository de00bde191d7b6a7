"""Steps for the team e2e flows (two people, two browser contexts): people, invites, roles, crafted events.

UI steps find controls the way a QA team would (accessible names first, data-testids for what has no
name); `send_event` is the one deliberate exception: it plays a crafted browser that sends a Reflex
event its page doesn't offer, to show the server's check is what counts.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

PASSWORD = "correct horse battery"


def person(prefix: str, first_name: str, tag: str) -> dict[str, str]:
    """A fresh person for register_through_ui; their own workspace is called "<name>'s workspace"."""
    name = f"{first_name} {tag}"
    return {"email": f"{prefix}-{tag}@example.com", "name": name, "password": PASSWORD,
            "workspace": f"{name}'s workspace"}  # fmt: skip


def pick(page: Page, combobox: str, option: str) -> None:
    """Choose an option of a labelled select (Radix: a combobox button, then a listbox of options)."""
    page.get_by_role("combobox", name=combobox).click()
    page.get_by_role("option", name=option, exact=True).click()


def nav(page: Page, link: str) -> None:
    """Follow a link of the desktop sidebar (the navigation landmark "Main")."""
    page.get_by_role("navigation", name="Main", exact=True).get_by_role("link", name=link, exact=True).click()


def open_members(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/members")
    expect(page.get_by_test_id("member-row").first).to_be_visible(timeout=30000)


def invite(page: Page, app_url: str, email: str, role: str) -> str:
    """Owner/Admin: create a single-use invite link on /members and return it."""
    open_members(page, app_url)
    page.get_by_role("textbox", name="Email").fill(email)
    pick(page, "Invite role", role)
    page.get_by_role("button", name="Create invite link").click()
    link_box = page.get_by_label("Invite link")
    expect(link_box).to_have_value(re.compile(r"/invite\?token="), timeout=20000)
    expect(page.get_by_test_id("pending-invite")).to_contain_text(email)
    return link_box.input_value()


def join_from_link(page: Page, link: str, workspace: str) -> None:
    """A logged-in person opens the invite link and joins with one click; the shell shows the workspace."""
    page.goto(link)
    expect(page.get_by_test_id("invite-workspace")).to_contain_text(workspace, timeout=20000)
    page.get_by_role("button", name="Join workspace").click()
    expect(page.get_by_test_id("whoami-org")).to_have_text(workspace, timeout=20000)


def set_role(page: Page, app_url: str, member_name: str, role: str) -> None:
    open_members(page, app_url)
    pick(page, f"Role of {member_name}", role)
    expect(page.get_by_role("combobox", name=f"Role of {member_name}")).to_contain_text(role, timeout=20000)


def remove_member(page: Page, app_url: str, member_name: str) -> None:
    open_members(page, app_url)
    page.get_by_role("button", name=f"Remove {member_name}").click()
    page.get_by_role("button", name="Yes, remove", exact=True).click()  # the dialog names the member
    expect(page.get_by_role("button", name=f"Remove {member_name}")).to_have_count(0, timeout=20000)


def toast(page: Page, text: str | re.Pattern[str]):  # noqa: ANN201 - a Locator
    """A toast (sonner) with this text."""
    return page.locator("[data-sonner-toast]").filter(has_text=text)


def send_event(page: Page, handler: str, payload: dict[str, Any] | None = None) -> None:
    """Send one Reflex event from this page's browser, the way a crafted client would.

    `handler` is the state's full name + "." + the handler (e.g. f"{ComposeState.get_full_name()}.publish_now").
    It goes through the app's own event queue and websocket (window.__reflex, set by the Reflex runtime
    for dynamic components), exactly as if a button the page doesn't show had been clicked.
    """
    page.wait_for_function("() => !!(window.__reflex && window.__reflex['$/utils/context'])", timeout=20000)
    page.evaluate(
        """([name, payload]) => {
            const reflex = window.__reflex;
            const event = reflex["$/utils/state"].ReflexEvent(name, payload);
            reflex["$/utils/context"].addEvents([event]);
        }""",
        [handler, payload or {}],
    )
