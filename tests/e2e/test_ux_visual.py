"""Every page at 1440×900 and 390×844: no sideways scroll, no overlapping controls, a full-page screenshot.

The pages are not listed by hand: the test reads every route the app registers (the `@rx.page` /
`protected_page` registry), so a page added later is checked too. Protected pages are visited as an
owner whose workspace has drafts, scheduled and published posts and collected metrics; the public ones
(login, sign-up, password reset, invite, preview) logged out. Screenshots land in
tests/e2e/artifacts/screenshots/<width>x<height>/ (gitignored) for a reviewer to look through.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.ux_seed import login, seed_owner
from tests.e2e.visual_checks import horizontal_overflow, overlapping_controls

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "screenshots"
VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
#: Query strings for pages that show something else with one (the published post opens read-only).
EXTRA_VARIANTS = {"/compose": ["/compose?post={published}"]}
#: Public pages need a token to show their main content; a bogus one shows their error state.
PUBLIC_QUERIES = {"/reset-password": "?token=not-a-token", "/invite": "?token=not-a-token", "/preview": "?token=nope"}


def registered_routes() -> tuple[list[str], list[str]]:
    """(protected, public) routes of the app, read from Reflex's page registry."""
    import socialhub_app.pages  # noqa: F401  (registers every page)

    try:
        from reflex_base.registry import RegistrationContext

        kwargs = [kw for _, kw in RegistrationContext.ensure_context().decorated_pages]
    except ImportError:  # an older Reflex: the deprecated registry still lists them
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from reflex.page import DECORATED_PAGES
        kwargs = [kw for group in DECORATED_PAGES.values() for _, kw in group]
    protected, public = [], []
    for kw in kwargs:
        route = kw["route"] if kw["route"].startswith("/") else "/" + kw["route"]
        events = kw.get("on_load") or []
        events = events if isinstance(events, list) else [events]
        names = {getattr(getattr(e, "fn", None), "__name__", "") for e in events}
        (protected if "check_login" in names else public).append("/" if route == "/index" else route)
    return sorted(set(protected)), sorted(set(public))


def _slug(route: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", route.lower()).strip("-") or "dashboard"


def _settle(page: Page) -> None:
    """Wait until the page has its data: loading placeholders gone, plotly drawn, no pending requests."""
    page.wait_for_load_state("networkidle", timeout=30000)
    expect(page.get_by_test_id("auth-loading")).to_have_count(0, timeout=30000)
    expect(page.locator(".sh-chart-skeleton:visible")).to_have_count(0, timeout=45000)
    page.wait_for_timeout(1200)  # the on_load events' last state update


def _check(page: Page, route: str, size: str, problems: list[str]) -> None:
    _settle(page)
    folder = ARTIFACTS / f"{VIEWPORTS[size]['width']}x{VIEWPORTS[size]['height']}"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{_slug(route)}.png"), full_page=True)
    extra = horizontal_overflow(page)
    if extra > 0:
        problems.append(f"{size} {route}: scrolls {extra} px sideways")
    problems.extend(f"{size} {route}: {o}" for o in overlapping_controls(page))


@pytest.fixture(scope="module")
def seeded(browser: Browser, app_url: str, app_env: dict) -> dict:
    context = browser.new_context(base_url=app_url, viewport=VIEWPORTS["desktop"])
    try:
        return seed_owner(context.new_page(), app_url, app_env)
    finally:
        context.close()


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_every_page_fits_without_overlaps(browser: Browser, app_url: str, seeded: dict, size: str) -> None:
    protected, public = registered_routes()
    assert "/" in protected and "/login" in public and len(protected) >= 20, (protected, public)
    problems: list[str] = []
    context = browser.new_context(viewport=VIEWPORTS[size])
    try:
        page = context.new_page()
        for route in public:
            page.goto(f"{app_url}{route}{PUBLIC_QUERIES.get(route, '')}")
            _check(page, route, size, problems)
        login(page, app_url, seeded["email"])
        for route in protected:
            for variant in [route, *EXTRA_VARIANTS.get(route, [])]:
                target = variant.format(published=seeded["published"][0])
                page.goto(f"{app_url}{target}")
                expect(page.get_by_test_id("page-title")).to_be_visible(timeout=30000)
                _check(page, target, size, problems)
    finally:
        context.close()
    assert not problems, "\n".join(problems)


#: README's screenshots (docs/screenshots/<name>.png): (name, route, viewport).
README_SHOTS = [
    ("dashboard", "/", "desktop"),
    ("compose", "/compose", "desktop"),
    ("calendar", "/calendar", "desktop"),
    ("posts", "/posts", "desktop"),
    ("analytics", "/analytics", "desktop"),
    ("phone-dashboard", "/", "phone"),
    ("phone-calendar", "/calendar", "phone"),
]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.mark.skipif(not os.environ.get("SOCIALHUB_UPDATE_SCREENSHOTS"),
                    reason="set SOCIALHUB_UPDATE_SCREENSHOTS=1 to refresh README's screenshots")  # fmt: skip
def test_refresh_readme_screenshots(browser: Browser, app_url: str, seeded: dict) -> None:
    """Writes docs/screenshots/*.png from the seeded workspace (one window's worth each, not full page)."""
    DOCS.mkdir(parents=True, exist_ok=True)
    for size in VIEWPORTS:
        context = browser.new_context(viewport=VIEWPORTS[size])
        try:
            page = context.new_page()
            login(page, app_url, seeded["email"])
            for name, route, shot_size in README_SHOTS:
                if shot_size != size:
                    continue
                page.goto(f"{app_url}{route}")
                expect(page.get_by_test_id("page-title")).to_be_visible(timeout=30000)
                _settle(page)
                page.screenshot(path=str(DOCS / f"{name}.png"))
        finally:
            context.close()
