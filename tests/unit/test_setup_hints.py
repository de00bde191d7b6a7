"""Issue 20 item 8: server setup hints (SOCIALHUB_*_CLIENT_ID) only for instance admins."""

from __future__ import annotations

from pathlib import Path

from socialhub_app.pages.setup_help import setup_section
from state.accounts import _for_viewer

ROW = {"name": "linkedin", "label": "LinkedIn", "configured": False, "needs_setup": True,
       "config_help": "Set SOCIALHUB_LINKEDIN_CLIENT_ID, SOCIALHUB_LINKEDIN_CLIENT_SECRET on the server to enable LinkedIn."}


def test_members_are_told_to_ask_their_administrator() -> None:
    row = _for_viewer(ROW, admin=False)
    assert row["config_help"] == "Ask your administrator to set up LinkedIn."
    assert "SOCIALHUB_" not in str(row["config_help"]) and row["setup_link"] is False


def test_admins_see_the_variables_and_a_link_to_the_setup_docs() -> None:
    row = _for_viewer(ROW, admin=True)
    assert "SOCIALHUB_LINKEDIN_CLIENT_ID" in row["config_help"] and row["setup_link"] is True


def test_platforms_without_server_setup_keep_their_hint_for_everyone() -> None:
    mastodon = {"name": "mastodon", "label": "Mastodon", "configured": True, "needs_setup": False,
                "config_help": "Type your instance."}
    assert _for_viewer(mastodon, admin=False)["config_help"] == "Type your instance."
    assert _for_viewer(mastodon, admin=True)["setup_link"] is False


def test_the_setup_page_shows_the_readme_section() -> None:
    text = setup_section((Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8"))
    assert "/oauth/callback/" in text and "SOCIALHUB_X_CLIENT_ID" in text
    assert "## Publishing" not in text
    assert setup_section("no such heading") == ""
