"""/help/setup: the README's "Connecting platforms" section inside the app.

Why: an instance admin who sees "Set SOCIALHUB_X_CLIENT_ID …" on the Accounts page needs the setup
steps (callback URL, variables per platform) right there; ordinary members are never sent here
(they are told to ask their administrator). The text is read from README.md when the app is built,
so the docs and this page can't drift apart.
"""

from __future__ import annotations

from pathlib import Path

import reflex as rx

from socialhub_app.layout import protected_page

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## Connecting platforms"


def setup_section(text: str) -> str:
    """The section from its heading up to the next second-level heading ("" if absent)."""
    start = text.find(SECTION)
    if start < 0:
        return ""
    end = text.find("\n## ", start + len(SECTION))
    return text[start + len(SECTION): end if end > 0 else len(text)].strip()


def _section() -> str:
    try:
        return setup_section(README.read_text(encoding="utf-8"))
    except OSError:
        return ""


@protected_page("/help/setup", "Connecting platforms: server setup")
def setup_help_page() -> rx.Component:
    body = _section() or "See the “Connecting platforms” section of README.md in the SocialHub sources."
    return rx.box(rx.markdown(body), max_width="960px", overflow_x="auto",
                  custom_attrs={"data-testid": "setup-help"})
