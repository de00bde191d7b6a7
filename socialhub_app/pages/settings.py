"""Settings: a column of independent sections, each with its own state and on_load.

Add a section by appending to SECTIONS (and its load event to SECTION_LOADS), or give bigger
settings (AI providers …) pages of their own and link them from SETTINGS_LINKS.
"""

from __future__ import annotations

import reflex as rx

from components.approvals import approval_settings_section
from components.settings_data import your_data_section
from components.settings_privacy import privacy_settings_section
from components.settings_sections import queue_slots_section, timezone_section
from socialhub_app.layout import protected_page
from state.approvals import ApprovalSettingsState
from state.settings import QueueSlotsState, TimezoneSettingsState
from state.settings_data import SettingsDataState
from state.settings_privacy import PrivacySettingsState

SECTIONS = [timezone_section, queue_slots_section, approval_settings_section, privacy_settings_section,
            your_data_section]
SECTION_LOADS = [TimezoneSettingsState.load, QueueSlotsState.load, ApprovalSettingsState.load,
                 PrivacySettingsState.load, SettingsDataState.load]
#: Other settings pages: (label, route).
SETTINGS_LINKS: list[tuple[str, str]] = [
    ("Security: password, 2FA, sessions", "/settings/security"),
    ("API keys for scripts, n8n and Make", "/settings/api-keys"),
]


def settings_links() -> rx.Component:
    return rx.hstack(
        *[
            rx.link(
                label,
                href=route,
                size="2",
                custom_attrs={"data-testid": f"settings-link-{route.strip('/').replace('/', '-')}"},
            )
            for label, route in SETTINGS_LINKS
        ],
        wrap="wrap",
        spacing="4",
    )


@protected_page("/settings", "Settings", on_load=SECTION_LOADS)
def settings_page() -> rx.Component:
    return rx.vstack(settings_links(), *[render() for render in SECTIONS], spacing="4", width="100%")
